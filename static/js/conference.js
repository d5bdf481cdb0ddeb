// The projector screen (issue #18): htmx polls the live fragment each second; the fragment's
// ETag is sent back as If-None-Match, and a 304 (nothing changed) leaves the screen as it is.
// A revoked link answers 286: htmx shows the Vietnamese message and stops polling.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var el = event.detail.elt;
    if (el && el.hasAttribute("data-etag-poll") && el.dataset.etag) {
      event.detail.headers["If-None-Match"] = el.dataset.etag;
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var el = event.detail.elt;
    if (!el || !el.hasAttribute("data-etag-poll")) { return; }
    var xhr = event.detail.xhr;
    if (xhr.status === 304) { event.detail.shouldSwap = false; event.detail.isError = false; return; }
    var tag = xhr.getResponseHeader("ETag");
    if (tag) { el.dataset.etag = tag; }
  });
})();
