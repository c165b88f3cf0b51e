/* Explorer controls (maps, incident map, compare): a change of year,
 * disaggregation, region, route, cause or series shows the new state at once
 * (the form is submitted, so the address — the permalink — holds the state);
 * the year slider says its value while it moves. After the new page loads,
 * the control that was changed gets the focus back (keyboard users stay where
 * they were) and the status region is filled again, so screen readers
 * announce the new view ("2015: 180 countries with data"). The embed snippet
 * is selected in full when focused, ready to copy. */
(function () {
  "use strict";
  var KEY = "gcmhub-explorer-focus";

  function remember(id) {
    try { window.sessionStorage.setItem(KEY, id); } catch (error) { /* storage off: no focus restore */ }
  }

  function restore() {
    var id = null;
    try {
      id = window.sessionStorage.getItem(KEY);
      window.sessionStorage.removeItem(KEY);
    } catch (error) { return; }
    var control = id && document.getElementById(id);
    if (control) { control.focus(); }
    var status = document.getElementById("map-status");
    if (id && status) {
      // A live region announces changes, not what it held at load: say it again.
      var text = status.textContent;
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 150);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".explorer-embed-snippet textarea"), function (area) {
      area.addEventListener("focus", function () { area.select(); });
    });
    var form = document.getElementById("explorer-map-form");
    if (!form) {
      return;
    }
    var year = document.getElementById("id_year");
    var output = document.getElementById("year-output");
    if (year && output) {
      year.addEventListener("input", function () {
        output.textContent = year.value;
        year.setAttribute("aria-valuetext", year.value);
      });
    }
    var auto = form.dataset.auto ? form.dataset.auto.split(" ") : ["id_year", "id_dim", "id_series"];
    auto.forEach(function (id) {
      var control = document.getElementById(id);
      if (control) {
        control.addEventListener("change", function () {
          if (id === "id_series" && !form.dataset.auto) {
            if (year) { year.disabled = true; }
            var dim = document.getElementById("id_dim");
            if (dim) { dim.disabled = true; }
          }
          remember(id);
          form.submit();
        });
      }
    });
    restore();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
