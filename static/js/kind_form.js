// Long forms whose groups depend on one choice (progressive enhancement): a fieldset with
// data-shown-for="a b" is shown only while the choice named by the form's data-kind-field is
// one of those values, and disabled while hidden, so what it holds is not sent. Without
// this file every group shows and the server checks what the chosen kind needs.
(function () {
  "use strict";
  document.querySelectorAll("form.kind-form").forEach(function (form) {
    var choice = form.querySelector("[name=" + form.dataset.kindField + "]");
    var groups = form.querySelectorAll("fieldset[data-shown-for]");
    function update() {
      var kind = choice.value;
      groups.forEach(function (group) {
        var shown = kind !== "" && group.dataset.shownFor.split(" ").indexOf(kind) !== -1;
        group.hidden = !shown;
        group.disabled = !shown;
      });
    }
    if (choice) {
      choice.addEventListener("change", update);
      update();
    }
    if (form.dataset.confirm) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    }
  });
})();
