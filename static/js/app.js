// thidua: page behaviour without inline scripts (the CSP forbids them).
(function () {
  "use strict";
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
})();
