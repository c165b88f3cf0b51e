// Autosave of the self-assessment form (progressive enhancement: without
// this script every question's form posts and comes back to its anchor).
// Each answer is saved with the version it was read at; a stale save gets
// 409 and a clear message, and that form stops saving until the page is
// reloaded, so nobody's answer is overwritten.
(function () {
  "use strict";
  var DELAY = 1200;
  var status = null;
  var messages = {};

  function say(text, urgent) {
    if (!status) return;
    status.textContent = text;
    status.className = "autosave-status" + (urgent ? " problem" : "");
    if (urgent) status.setAttribute("role", "alert"); else status.setAttribute("role", "status");
  }

  function mark(form, text, kind) {
    var place = form.querySelector(".save-state");
    if (place) { place.textContent = text; place.className = "save-state " + (kind || ""); }
  }

  function updateCompletion(completion) {
    var bar = document.getElementById("completion");
    if (bar && completion) {
      bar.value = completion.answered;
      bar.textContent = completion.percent + "%";
      var count = document.querySelector("[data-answered]");
      if (count) count.textContent = completion.answered;
    }
  }

  function save(form) {
    if (form.dataset.conflict) return;
    if (form.dataset.saving) { form.dataset.again = "1"; return; }
    form.dataset.saving = "1";
    mark(form, messages.saving);
    var body = new FormData(form);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; });
    }).then(function (result) {
      delete form.dataset.saving;
      if (result.status === 200) {
        form.querySelector("input[name=version]").value = result.data.version;
        mark(form, messages.saved + " " + result.data.saved_at, "ok");
        say(messages.saved + " " + result.data.saved_at);
        updateCompletion(result.data.completion);
        var question = form.closest(".question");
        var rating = form.querySelector("input[name=rating]:checked");
        if (question) question.classList.toggle("answered", !!(rating && rating.value));
        if (form.dataset.again) { delete form.dataset.again; save(form); }
      } else if (result.status === 409) {
        form.dataset.conflict = "1";
        form.classList.add("conflict");
        mark(form, messages.conflict, "problem");
        say(result.data.detail || messages.conflict, true);
      } else {
        mark(form, result.data.detail || messages.failed, "problem");
        say(result.data.detail || messages.failed, true);
      }
    }).catch(function () {
      delete form.dataset.saving;
      mark(form, messages.failed, "problem");
      say(messages.failed, true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    status = document.getElementById("autosave-status");
    if (!status) return;
    messages = {
      saving: status.dataset.saving || "Saving…",
      saved: status.dataset.saved || "Saved",
      conflict: status.dataset.conflict || "Someone else changed this answer: reload the page.",
      failed: status.dataset.failed || "Not saved."
    };
    var forms = document.querySelectorAll("form[data-autosave]");
    Array.prototype.forEach.call(forms, function (form) {
      var timer = null;
      function later() {
        if (timer) clearTimeout(timer);
        timer = setTimeout(function () { timer = null; save(form); }, DELAY);
      }
      form.addEventListener("input", later);
      form.addEventListener("change", later);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (timer) { clearTimeout(timer); timer = null; }
        save(form);
      });
    });
  });
})();
