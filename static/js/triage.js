/* The secretariat's triage page: its forms are posted by htmx, which swaps in the section they belong to.
   Loaded from a file (never inline) for the Content Security Policy. */
(function () {
  "use strict";

  // A refused form (400: bad input; 409: changed meanwhile or consultation closed) comes back with its
  // message and what was typed: swap it in too, although htmx leaves error responses unswapped by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var elt = event.detail.elt;
    if (elt && elt.closest && elt.closest("[data-triage-form]") && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
