// Keyboard shortcuts of the curation page: a key activates the element with
// the same data-key (a button is pressed, a link followed, a field focused).
// Never while typing in a field; Escape leaves the field.
(function () {
  "use strict";
  function typing(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(document.activeElement)) {
      document.activeElement.blur();
      return;
    }
    if (typing(event.target)) return;
    var key = event.key.toLowerCase();
    if (key === "e") {
      var summary = document.querySelector("#decision-form textarea[name=summary]");
      if (summary) { event.preventDefault(); summary.focus(); }
      return;
    }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "SELECT") target.focus();
    else target.click();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var passage = document.getElementById("source-passage");
    if (passage && passage.scrollIntoView) passage.scrollIntoView({ block: "center" });
  });
})();
