// Search-as-you-type for record filters: fills a <datalist> from /search/suggest/.
// Without JavaScript the form still works with a slug; the facet lists offer the common choices.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var controller = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var words = input.value.trim();
        if (words.length < 2 || !list) { return; }
        if (controller) { controller.abort(); }
        controller = new AbortController();
        fetch(input.dataset.suggestUrl + "&q=" + encodeURIComponent(words), { signal: controller.signal })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (result) {
              var option = document.createElement("option");
              option.value = result.value;
              option.label = result.label;
              option.textContent = result.label;
              return option;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
