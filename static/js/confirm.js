// Ask before an irreversible submit: any button with data-confirm="question".
// Without JavaScript the form submits directly (the service still checks everything).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
