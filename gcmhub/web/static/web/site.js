/* Small behaviours shared by every page (loaded by web/base.html).
 *
 * Wide tables scroll inside their .table-wrap box (phones). A box that
 * scrolls must be reachable with the keyboard and named for screen readers,
 * so when it overflows it becomes a focusable region named after its table's
 * caption.
 */
(function () {
  "use strict";

  function markScrollableTables(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll(".table-wrap"), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  function start() { markScrollableTables(document); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("resize", start);
  document.addEventListener("htmx:afterSettle", function (event) { markScrollableTables(event.target); });
  document.addEventListener("gcmhub:shown", function (event) { markScrollableTables(event.target); });
})();
