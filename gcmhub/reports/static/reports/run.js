// Follows a report run: polls its status (JSON) and updates the progress bar,
// the message and the download link. No inline script: the page carries the
// status URL in data-status-url.
(function () {
  "use strict";

  function follow(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var state = box.querySelector('[data-field="state"]');
    var message = box.querySelector('[data-field="message"]');
    var done = box.querySelector(".report-run-done");
    var delay = 1000;

    function update(status) {
      bar.value = status.progress;
      bar.textContent = status.progress + " %";
      state.textContent = status.state_label;
      message.textContent = status.message;
      box.setAttribute("data-state", status.state);
      if (status.state === "done") {
        var link = done.querySelector("a");
        var target = status.download || status.snapshot;
        if (link && target) {
          link.setAttribute("href", target);
        }
        done.hidden = false;
      }
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (status) {
          update(status);
          if (status.state !== "done" && status.state !== "failed") {
            window.setTimeout(poll, delay);
          }
        })
        .catch(function () {
          delay = Math.min(delay * 2, 10000);
          window.setTimeout(poll, delay);
        });
    }

    var initial = box.getAttribute("data-state");
    if (initial !== "done" && initial !== "failed") {
      poll();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll(".report-run[data-status-url]");
    for (var i = 0; i < boxes.length; i++) {
      follow(boxes[i]);
    }
  });
})();
