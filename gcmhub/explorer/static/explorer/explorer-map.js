/* Explorer map controls: a change of year or disaggregation shows the new
 * state at once (the form is submitted, so the address — the permalink —
 * holds the state); the year slider says its value while it moves. The
 * status region announces the new view to screen readers after loading. */
(function () {
  "use strict";
  function init() {
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
          if (id === "id_series") {
            if (year) { year.disabled = true; }
            var dim = document.getElementById("id_dim");
            if (dim) { dim.disabled = true; }
          }
          form.submit();
        });
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
