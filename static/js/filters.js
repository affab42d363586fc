// On a phone the filter panel starts folded, so the results are one screen away; it opens with a tap.
(function () {
  "use strict";
  var panel = document.querySelector(".filter-panel");
  if (panel && window.matchMedia("(max-width: 48rem)").matches && !document.querySelector(".errors")) {
    panel.open = false;
  }
})();
