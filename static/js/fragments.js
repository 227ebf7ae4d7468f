// Parts of a page fetched after it has loaded (e.g. "similar past inquiries" on an inquiry's page):
// an element with data-fragment-url gets that URL's HTML as its content.
(function () {
  document.querySelectorAll("[data-fragment-url]").forEach(function (box) {
    fetch(box.dataset.fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { box.innerHTML = '<p class="muted small">Similar inquiries could not be loaded.</p>'; });
  });
})();
