// The filter panel of the lists: it folds on phones, sends no empty parameters, and keeps what
// was typed in it (a date, words) when a facet, a chart bar or a record picker is used before Apply.
(function () {
  "use strict";
  var panel = document.querySelector(".filter-panel");
  if (panel && window.matchMedia("(max-width: 48rem)").matches && !document.querySelector(".errors")) {
    panel.open = false;
  }
  var form = document.querySelector("form.filter-form");
  if (!form) {
    return;
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.type !== "hidden" && field.type !== "submit";
    });
  }
  function changed(field) {
    if (field.tagName === "SELECT") {
      // With no option marked selected in the page, the browser shows the first one.
      var initial = Array.prototype.filter.call(field.options, function (option) {
        return option.defaultSelected;
      })[0] || field.options[0];
      return initial ? field.value !== initial.value : false;
    }
    return field.value !== field.defaultValue;
  }
  // Blank fields are left out of the address (no "&q=&year="), and so is a choice left at the
  // default the address did not name (the sort order).
  form.addEventListener("submit", function () {
    var shown = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && (field.value === "" || (field.tagName === "SELECT" && !changed(field) && !shown.has(field.name)))) {
        field.disabled = true;
      }
    });
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      field.disabled = false;
    });
  });
  // A link to this same list (a facet, a chip, a bar) carries the values typed but not yet applied.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== window.location.pathname) {
      return;
    }
    var typed = fields().filter(changed);
    if (!typed.length) {
      return;
    }
    var shown = new URLSearchParams(window.location.search);
    typed.forEach(function (field) {
      if (url.searchParams.getAll(field.name).join("\n") !== shown.getAll(field.name).join("\n")) {
        return;  // the link itself sets this one (a year bar, a removed chip): it wins
      }
      if (field.value === "") {
        url.searchParams.delete(field.name);
      } else {
        url.searchParams.set(field.name, field.value);
      }
    });
    url.searchParams.delete("page");
    event.preventDefault();
    window.location.assign(url.toString());
  });
  // A record picker's form sends the typed values too.
  document.querySelectorAll("form.record-picker").forEach(function (picker) {
    picker.addEventListener("submit", function () {
      fields().filter(changed).forEach(function (field) {
        var existing = picker.querySelector('input[type="hidden"][name="' + field.name + '"]');
        if (existing) {
          existing.remove();
        }
        if (field.value !== "") {
          var copy = document.createElement("input");
          copy.type = "hidden";
          copy.name = field.name;
          copy.value = field.value;
          picker.appendChild(copy);
        }
      });
    });
  });
})();
