/* The submission form's autosave (htmx posts the form a moment after the expert stops typing; see
   submission_form.html). This file only coordinates it with the form's own buttons, so that a save by hand
   never races an autosave: a click waits for a running autosave, and no autosave starts once the form is sent. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var pending = false;
  var sending = false;
  var waitingSubmitter = null;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  form.addEventListener("htmx:confirm", function (event) {
    if (sending) {
      event.preventDefault();
    }
  });
  form.addEventListener("htmx:beforeRequest", function () {
    pending = true;
    say("Saving…");
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    pending = false;
    if (!event.detail.successful) {
      say("Not saved: the server could not be reached. Your text is still here; it is saved with the next change.");
    }
    if (waitingSubmitter) {
      var submitter = waitingSubmitter;
      waitingSubmitter = null;
      form.requestSubmit(submitter);
    }
  });
  form.addEventListener(
    "submit",
    function (event) {
      if (pending) {
        event.preventDefault();
        waitingSubmitter = event.submitter || null;
        say("Finishing the autosave…");
        return;
      }
      sending = true;
    },
    true
  );
})();
