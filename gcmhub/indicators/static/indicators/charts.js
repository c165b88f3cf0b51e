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

  // The Content-Security-Policy allows neither eval nor inline styles:
  // with ast, vega-embed evaluates expressions with the interpreter bundled
  // in vega-bundle.js instead of compiling them into functions; neither
  // vega-embed nor its tooltips inject <style> elements (their look is in
  // charts.css).
  function embedOptions() {
    return {
      actions: false,
      renderer: "svg",
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    };
  }

  // Titles and legend labels are limited in pixels on the server, for a
  // desktop page; on a phone they would push the plot down to a sliver, so
  // they are held to the width of the box the chart is drawn in.
  function fitToWidth(spec, width) {
    if (spec.width !== "container" || !width) {
      return spec;
    }
    var limit = Math.max(120, width - 24);
    if (spec.title && typeof spec.title === "object" && spec.title.limit > limit) {
      spec.title.limit = limit;
    }
    var encoding = spec.encoding || {};
    Object.keys(encoding).forEach(function (channel) {
      var legend = encoding[channel] && encoding[channel].legend;
      if (legend && legend.labelLimit > limit - 40) {
        legend.labelLimit = limit - 40;
      }
      var axis = encoding[channel] && encoding[channel].axis;
      if (axis && axis.labelLimit > width / 2) {
        axis.labelLimit = Math.round(width / 2);
      }
    });
    return spec;
  }

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
      spec = fitToWidth(spec, target.clientWidth);
      window.vegaEmbed(target, spec, embedOptions()).then(function () {
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
