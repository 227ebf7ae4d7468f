// Show each slot also in the learner's own time zone when it differs from the team's.
(function () {
  "use strict";
  var wrap = document.querySelector("[data-team-tz]");
  if (!wrap || !window.Intl) return;
  var learnerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var teamZone = wrap.getAttribute("data-team-tz");
  if (!learnerZone || learnerZone === teamZone) return;
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: learnerZone
  });
  document.querySelectorAll(".learner-time[data-start]").forEach(function (el) {
    var at = new Date(el.getAttribute("data-start"));
    if (!isNaN(at)) el.textContent = "(" + format.format(at) + " yours)";
  });
  var note = wrap.querySelector(".learner-zone");
  if (note) {
    note.hidden = false;
    note.querySelector("[data-learner-zone]").textContent = learnerZone;
  }
})();
