// One-click preview of a release body, rendered and sanitised by the server (no inline script: CSP).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".release-preview-button");
  if (!button) return;
  var output = document.querySelector(".release-preview");
  var body = document.querySelector("textarea[name=body]");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  button.addEventListener("click", function () {
    var data = new FormData();
    data.append("text", body ? body.value : "");
    fetch(button.dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("Preview failed (" + response.status + ")");
        return response.text();
      })
      .then(function (html) {
        // Server output is sanitised by nh3 with the public site's allow-list.
        output.innerHTML = html;
      })
      .catch(function (error) {
        output.textContent = error.message;
      });
  });
});
