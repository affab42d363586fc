// The Extract screen: add rows for missed mentions, choose a possible match, find a mention's row.
// A static file, no inline script (the site's Content-Security-Policy).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector(".extract-form");
  if (!form) return;

  // Add a row: a copy of the formset's empty form, numbered next.
  form.querySelectorAll(".add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.formset;
      var section = form.querySelector("fieldset[data-formset='" + key + "']");
      var total = form.querySelector("#id_" + key + "-TOTAL_FORMS");
      var index = parseInt(total.value, 10);
      var template = section.querySelector("template.empty-row");
      var holder = document.createElement("tbody");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      section.querySelector(".proposal-rows").appendChild(row);
      total.value = String(index + 1);
      // The admin's autocomplete starts its widgets in rows added this way.
      row.dispatchEvent(new CustomEvent("formset:added", { bubbles: true, detail: { formsetName: key } }));
      var name = row.querySelector("input[name$='-name'], textarea[name$='-text']");
      if (name) name.focus();
    });
  });

  // Choose a possible match: it becomes the row's existing record.
  form.addEventListener("click", function (event) {
    var button = event.target.closest(".choose-candidate");
    if (!button) return;
    var row = button.closest(".proposal-row");
    var select = row.querySelector("select[name$='-match']");
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === button.dataset.id; });
    if (!option) {
      option = new Option(button.dataset.name, button.dataset.id, true, true);
      select.appendChild(option);
    }
    select.value = button.dataset.id;
    if (window.django && window.django.jQuery) window.django.jQuery(select).trigger("change");
    else select.dispatchEvent(new Event("change", { bubbles: true }));
    row.classList.remove("possible");
    row.classList.add("chosen");
    row.querySelectorAll(".choose-candidate").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  });

  // A highlighted mention leads to its row, and back.
  document.querySelectorAll("mark.mention[data-row]").forEach(function (mark) {
    mark.addEventListener("click", function () {
      var row = document.getElementById("row-" + mark.dataset.row);
      if (!row) return;
      row.scrollIntoView({ block: "center" });
      row.classList.add("focused");
      window.setTimeout(function () { row.classList.remove("focused"); }, 1500);
    });
  });
  form.addEventListener("focusin", function (event) {
    var row = event.target.closest(".proposal-row");
    document.querySelectorAll("mark.mention.current").forEach(function (m) { m.classList.remove("current"); });
    if (!row) return;
    document.querySelectorAll("mark.mention[data-row='" + row.id.replace(/^row-/, "") + "']").forEach(function (m) {
      m.classList.add("current");
    });
  });
});
