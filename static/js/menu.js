// The header menu is a <details>. Where a browser cannot show its links inline at desktop
// widths by CSS alone (no ::details-content), open it there; on a phone it stays collapsed.
(function () {
  "use strict";
  var menu = document.querySelector(".site-menu");
  if (!menu || !window.matchMedia) return;
  var supported = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (supported) return;
  var desktop = window.matchMedia("(min-width: 601px)");
  function sync() {
    if (desktop.matches) menu.open = true;
  }
  sync();
  if (desktop.addEventListener) desktop.addEventListener("change", sync);
})();
