/* The answer page of a rating round: every cell is a form that htmx posts as the expert goes.
   Loaded from a file (never inline) for the Content Security Policy. */
(function () {
  "use strict";

  function cellForm(element) {
    return element && element.closest ? element.closest("form.answer-cell") : null;
  }

  // A refused answer (400: a bad answer; 409: the round closed meanwhile; 403) still shows its message in the
  // cell's status line: htmx leaves error responses unswapped unless told otherwise.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (cellForm(event.detail.elt) && (status === 400 || status === 403 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = cellForm(event.detail.elt);
    if (!form) {
      return;
    }
    var status = form.querySelector(".answer-cell__status");
    if (status) {
      status.innerHTML = '<span class="answer-status answer-status--saving">Saving…</span>';
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = cellForm(event.detail.elt);
    if (form) {
      form.classList.toggle("answer-cell--problem", !event.detail.successful);
    }
  });

  // The server cleared an answer: clear the cell's inputs too, so the page shows what is saved.
  document.addEventListener("round-answer-cleared", function (event) {
    var form = cellForm(event.target);
    if (!form) {
      return;
    }
    form.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = false;
    });
    form.querySelectorAll("textarea").forEach(function (area) {
      area.value = "";
    });
  });
})();
