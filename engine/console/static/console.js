// pipewright operator console: checks edited JSON before it is sent, and
// follows bulk jobs. Everything works without it, less comfortably.
"use strict";

(function () {
  const csrf = document.body.dataset.csrf || "";

  // Edit and retry: the edited step input must be JSON before it is sent.
  document.querySelectorAll("form[data-validate-json]").forEach(function (form) {
    const area = form.querySelector("textarea[name='" + form.dataset.validateJson + "']");
    const status = form.querySelector(".json-status");
    if (!area) { return; }
    function check() {
      try {
        JSON.parse(area.value);
        area.classList.remove("invalid");
        if (status) { status.textContent = "Valid JSON."; status.className = "json-status small ok"; }
        return true;
      } catch (e) {
        area.classList.add("invalid");
        if (status) { status.textContent = "Not valid JSON: " + e.message + ". Nothing will be sent."; status.className = "json-status small bad"; }
        return false;
      }
    }
    area.addEventListener("input", check);
    form.addEventListener("submit", function (ev) {
      if (!check()) { ev.preventDefault(); area.focus(); }
    });
  });

  // Forms send once: a second click would retry twice.
  document.querySelectorAll("form[method='post']").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }
      form.querySelectorAll("button[type='submit'], button:not([type])").forEach(function (b) { b.disabled = true; });
    });
  });

  // Overview and flow pages follow the engine: reloaded every few seconds
  // unless the operator is typing or has selected text (and not in a
  // browser driven by a program, which reloads when it wants).
  const refresh = parseInt(document.body.dataset.refresh || "0", 10);
  if (refresh > 0 && !navigator.webdriver) {
    setInterval(function () {
      const busy = document.activeElement && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (!busy && String(window.getSelection()).length === 0) { window.location.reload(); }
    }, refresh * 1000);
  }

  // A running bulk job: poll its progress, then show the final page.
  const job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    const set = function (id, v) { const el = document.getElementById(id); if (el) { el.textContent = v; } };
    const poll = function () {
      fetch("/console/jobs/" + encodeURIComponent(job.dataset.job) + "/progress", {
        headers: { "Accept": "application/json", "X-CSRF-Token": csrf }, credentials: "same-origin"
      }).then(function (r) { return r.json(); }).then(function (j) {
        const bar = document.getElementById("job-bar");
        if (bar) { bar.max = Math.max(j.total, 1); bar.value = j.handled; }
        set("job-handled", j.handled); set("job-total", j.total); set("job-ok", j.ok); set("job-failed", j.failed);
        set("job-dropped", j.dropped); set("job-pending", j.pending); set("job-skipped", j.skipped); set("job-errors", j.errors);
        set("job-state", j.state);
        if (j.state === "running") { setTimeout(poll, 1000); } else { window.location.reload(); }
      }).catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 500);
  }
})();
