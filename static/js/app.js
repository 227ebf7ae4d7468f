// Every signed-in page: the collapsing menu, confirmations on destructive or notifying actions, and the
// keyboard-shortcut overlay. No inline script anywhere, so the Content-Security-Policy can forbid it.
(function () {
  "use strict";

  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // <form data-confirm="Remove Tom from the team? Tom is told by email."> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // Keyboard shortcuts: pages declare them with data-shortcut="g i" on links/buttons; "?" lists them.
  var shortcuts = Array.prototype.slice.call(document.querySelectorAll("[data-shortcut]"));
  var overlay = null;
  function showHelp() {
    if (overlay) { overlay.remove(); overlay = null; return; }
    overlay = document.createElement("div");
    overlay.className = "shortcut-help card";
    overlay.setAttribute("role", "dialog");
    var title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    overlay.appendChild(title);
    var list = document.createElement("dl");
    [["?", "show or hide this list"]].concat(shortcuts.map(function (el) {
      return [el.getAttribute("data-shortcut"), el.getAttribute("data-shortcut-label") || el.textContent.trim()];
    })).forEach(function (pair) {
      var dt = document.createElement("dt"); var key = document.createElement("span");
      key.className = "kbd"; key.textContent = pair[0]; dt.appendChild(key);
      var dd = document.createElement("dd"); dd.textContent = pair[1];
      list.appendChild(dt); list.appendChild(dd);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }
  var pending = "";
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?") { showHelp(); event.preventDefault(); return; }
    if (event.key === "Escape" && overlay) { overlay.remove(); overlay = null; return; }
    var combo = pending ? pending + " " + event.key : event.key;
    var match = shortcuts.filter(function (el) { return el.getAttribute("data-shortcut") === combo; })[0];
    if (match) {
      pending = "";
      event.preventDefault();
      if (match.tagName === "A") window.location.href = match.href; else match.focus(), match.click && match.tagName === "BUTTON" && match.click();
      return;
    }
    var prefix = shortcuts.some(function (el) { return el.getAttribute("data-shortcut").indexOf(combo + " ") === 0; });
    pending = prefix ? combo : "";
  });
})();

// Canned replies: choosing one inserts its text at the cursor of the reply box.
document.querySelectorAll("select[data-canned-target]").forEach(function (select) {
  select.addEventListener("change", function () {
    var box = document.getElementById(select.getAttribute("data-canned-target"));
    if (!box || !select.value) return;
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    box.value = box.value.slice(0, start) + select.value + box.value.slice(end);
    box.focus();
    select.value = "";
  });
});

// <select data-autosubmit> submits its form on change (the team pickers); the page also works without JS
// through its submit button.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { if (select.form) select.form.submit(); });
});
document.querySelectorAll("[data-select-on-click]").forEach(function (input) {
  input.addEventListener("click", function () { input.select(); });
});

// <input type=checkbox data-select-all="refs"> ticks every checkbox named "refs".
document.querySelectorAll("input[data-select-all]").forEach(function (all) {
  all.addEventListener("change", function () {
    document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-select-all") + '"]')
      .forEach(function (box) { box.checked = all.checked; });
  });
});
