// Copy buttons for the "Cite this" block: shown only where the clipboard can be written.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = document.querySelector(".cite .copy-status");
  document.querySelectorAll(".cite .copy-button").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          status.textContent = button.textContent.replace(/^Copy /, "") + " copied.";
        },
        function () {
          status.textContent = "Could not copy: select the text and copy it instead.";
        }
      );
    });
  });
})();
