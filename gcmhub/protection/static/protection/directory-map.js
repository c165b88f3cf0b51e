/* The service directory map: draws the Vega-Lite spec built on the server
 * (views.directory_map_spec) with the indicators app's Vega bundle, and
 * opens a service's page when its point is selected. The list of services
 * under the map carries the same links for keyboard and screen-reader use.
 * Nothing is loaded from another site: the topology is one of our static
 * files. */
(function () {
  "use strict";

  function draw() {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    var nodes = document.querySelectorAll("script.vega-spec[data-target='directory-map']");
    Array.prototype.forEach.call(nodes, function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target || node.dataset.drawn) {
        return;
      }
      var spec;
      try {
        spec = JSON.parse(node.textContent);
      } catch (error) {
        return;
      }
      node.dataset.drawn = "1";
      var options = { actions: false, renderer: "svg", ast: true, defaultStyle: false,
                      tooltip: { disableDefaultStyle: true } };
      window.vegaEmbed(target, spec, options).then(function (result) {
        result.view.addEventListener("click", function (event, item) {
          if (item && item.datum && item.datum.url) {
            window.location.href = item.datum.url;
          }
        });
        target.classList.add("is-drawn");
        target.setAttribute("data-points", String((spec.layer[1].data.values || []).length));
      }).catch(function () {
        target.classList.add("is-failed");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
