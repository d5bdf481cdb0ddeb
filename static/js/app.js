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
  // Long pickers get a filter box above them (progressive enhancement: without JavaScript the
  // plain <select> or checkbox list still works). Accent-insensitive: "van phong" finds "Văn phòng".
  var LONG_PICKER = 12;
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function addFilter(target, items, labelOf) {
    if (target.getAttribute("data-filter-ready")) { return; }
    target.setAttribute("data-filter-ready", "1");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.placeholder = "Gõ để lọc danh sách, không cần dấu";
    box.setAttribute("aria-label", "Lọc danh sách lựa chọn");
    box.setAttribute("autocomplete", "off");
    var count = document.createElement("span");
    count.className = "muted picker-count";
    count.setAttribute("aria-live", "polite");
    target.parentNode.insertBefore(box, target);
    target.parentNode.insertBefore(count, target);
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items().forEach(function (item) {
        var text = fold(labelOf(item));
        var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
        if (item.tagName === "OPTION" && (item.selected || !item.value)) { keep = true; }
        item.hidden = !keep;
        if (keep) { shown += 1; }
      });
      count.textContent = words.length ? (shown ? "Đang hiện " + shown + " lựa chọn khớp." : "Không có lựa chọn nào khớp; hãy thử từ khóa khác.") : "";
    });
  }
  function enhancePickers(root) {
    root.querySelectorAll("select").forEach(function (select) {
      if (select.options.length > LONG_PICKER) {
        addFilter(select, function () { return Array.prototype.slice.call(select.options); }, function (o) { return o.textContent; });
      }
    });
    root.querySelectorAll("div.searchable-list").forEach(function (list) {
      addFilter(list, function () { return Array.prototype.slice.call(list.children); }, function (d) { return d.textContent; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhancePickers(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhancePickers(event.target); });
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
