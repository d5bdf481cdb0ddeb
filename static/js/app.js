// thidua: page behaviour without inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Phone layout: the CSS hides the menu behind the toggle only when this script runs.
  document.documentElement.classList.add("js");
  // htmx injects an inline <style> for indicators unless told not to; our CSS ships them.
  if (window.htmx) {
    htmx.config.includeIndicatorStyles = false;
    htmx.config.allowEval = false;
  }
  // Every htmx request carries the CSRF token read from the page's meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
  // Buttons that ask for confirmation carry data-confirm="…".
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Auto-submit selects inside filter forms.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("form.filters select")) { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); }
  });
  // Phone layout: the "Danh mục" button shows or hides the account links and the menu.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) { return; }
    var open = document.body.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
