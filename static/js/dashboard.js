// Live countdowns to response deadlines, and a periodic refresh of the "my queue" fragment.
(function () {
  "use strict";

  function human(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) return days + "d " + hours + "h";
    if (hours) return hours + "h " + mins + "m";
    if (minutes) return mins + "m";
    return Math.floor(Math.abs(ms) / 1000) + "s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = due - now;
      var row = el.closest("tr");
      el.textContent = left < 0 ? "overdue by " + human(left) : "in " + human(left);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("due-soon", left >= 0 && left < 30 * 60000);
      if (row) row.classList.toggle("is-overdue", left < 0);
    });
  }

  function refresh() {
    var box = document.getElementById("queue");
    if (!box || !box.dataset.refreshUrl) return;
    fetch(box.dataset.refreshUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { box.innerHTML = html; tick(); } })
      .catch(function () { /* offline for a moment: keep what is shown */ });
  }

  // A manager's team health comes after the page, so the queue never waits for it.
  var health = document.getElementById("team-health");
  if (health && health.dataset.fragmentUrl) {
    fetch(health.dataset.fragmentUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) health.innerHTML = html; })
      .catch(function () {});
  }

  tick();
  setInterval(tick, 1000);
  var box = document.getElementById("queue");
  if (box) setInterval(refresh, parseInt(box.dataset.refreshSeconds || "30", 10) * 1000);
})();
