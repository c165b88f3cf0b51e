/* Draw the Vega-Lite charts of a page.
 *
 * Each chart is a <script type="application/json" class="vega-spec"
 * data-target="ID"> holding a spec built on the server (charts.py), next to
 * an element with that id. vega-bundle.js (loaded before this file) provides
 * window.vegaEmbed. Charts inside content that htmx swaps in are drawn too.
 * Without JavaScript the page shows the server-rendered SVG image and the
 * data table instead.
 */
(function () {
  "use strict";

  function draw(root) {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    var scope = root && root.querySelectorAll ? root : document;
    var specs = scope.querySelectorAll("script.vega-spec");
    Array.prototype.forEach.call(specs, function (node) {
      if (node.dataset.drawn) {
        return;
      }
      var target = document.getElementById(node.dataset.target);
      // A chart in a hidden tab has no width yet: it is drawn when shown.
      if (!target || target.offsetParent === null) {
        return;
      }
      var spec;
      try {
        spec = JSON.parse(node.textContent);
      } catch (error) {
        return;
      }
      node.dataset.drawn = "1";
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
        target.classList.add("is-drawn");
        var fallback = document.getElementById(node.dataset.target + "-fallback");
        if (fallback) {
          fallback.hidden = true;
        }
      }).catch(function () {
        node.dataset.drawn = "";
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  document.addEventListener("gcmhub:shown", function (event) { draw(event.target); });
})();
