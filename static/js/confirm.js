// Ask before an irreversible submit: a form, or a submit button, carrying
// data-confirm="question". Without JavaScript the form submits at once, as a plain form does
// (the service still checks everything).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button[data-confirm], input[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
