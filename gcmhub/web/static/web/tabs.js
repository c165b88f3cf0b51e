/* Tabs for any element with data-tabs: a list of in-page links followed by
 * the sections they point to.
 *
 * Without JavaScript the links jump to sections that are all shown. With it,
 * the list becomes an ARIA tab list: one section shown at a time, arrow keys,
 * Home and End move between tabs, and the choice survives htmx swaps and is
 * kept in the address (#tab-map). Showing a section fires "gcmhub:shown" on
 * it, so charts that could not be sized while hidden are drawn then.
 */
(function () {
  "use strict";

  var chosen = window.location.hash.slice(1);

  function setup(container) {
    if (container.dataset.tabsReady) {
      return;
    }
    container.dataset.tabsReady = "1";
    var list = container.querySelector(".tab-list");
    var links = Array.prototype.slice.call(list.querySelectorAll("a[href^='#']"));
    var panels = links.map(function (link) { return document.getElementById(link.hash.slice(1)); });
    list.setAttribute("role", "tablist");
    links.forEach(function (link, index) {
      var panel = panels[index];
      link.parentNode.setAttribute("role", "presentation");
      link.setAttribute("role", "tab");
      link.id = link.id || panel.id + "-tab";
      link.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", link.id);
      panel.setAttribute("tabindex", "0");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        select(index, true);
      });
      link.addEventListener("keydown", function (event) {
        var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: links.length - 1 }[event.key];
        if (next === undefined) {
          return;
        }
        event.preventDefault();
        select((next + links.length) % links.length, true);
        links[(next + links.length) % links.length].focus();
      });
    });
    container.classList.add("tabs-active");

    function select(index, remember) {
      links.forEach(function (link, i) {
        var on = i === index;
        link.setAttribute("aria-selected", on ? "true" : "false");
        link.setAttribute("tabindex", on ? "0" : "-1");
        panels[i].hidden = !on;
      });
      if (remember) {
        chosen = panels[index].id;
        history.replaceState(history.state, "", "#" + chosen);
      }
      panels[index].dispatchEvent(new CustomEvent("gcmhub:shown", { bubbles: true }));
    }

    var start = panels.findIndex(function (panel) { return panel.id === chosen; });
    select(start < 0 ? 0 : start, false);
  }

  function setupAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-tabs]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  } else {
    setupAll(document);
  }
  document.addEventListener("htmx:afterSettle", function () { setupAll(document); });
})();
