// Forms marked data-confirm ask before they submit (an irreversible action such as a claim).
// Without JavaScript the form submits at once, as a plain form does.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
