// The printable monthly report: a 打印 button that opens the browser's print dialog. Without
// JavaScript the button stays hidden and the browser's own 打印 menu does the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
