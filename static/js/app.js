/* Site-wide behaviour. Loaded from a file (never inline) so that the Content Security Policy can forbid inline scripts. */
(function () {
  "use strict";

  // Forms marked data-disable-on-submit: disable their buttons once sent, so a slow upload or
  // a confirmation is not sent twice by an impatient second click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-disable-on-submit")) {
      return;
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
  });
})();
