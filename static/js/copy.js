/* A "Copy" button beside each read-only field marked data-copy-source (a new API token's key).
   Without JavaScript the key can still be selected and copied by hand; the button is added only here. */
(function () {
  "use strict";

  function copy(input, button, status) {
    input.focus();
    input.select();
    var done = function () {
      status.textContent = "Copied to the clipboard.";
      button.textContent = "Copied";
    };
    var failed = function () {
      status.textContent = "Could not copy: the key is selected, copy it with your keyboard.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, failed);
    } else {
      try {
        if (document.execCommand("copy")) {
          done();
        } else {
          failed();
        }
      } catch (error) {
        failed();
      }
    }
  }

  function enhance(input) {
    var group = document.createElement("div");
    group.className = "input-group";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the token key");
    group.appendChild(button);

    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    group.parentNode.appendChild(status);

    input.addEventListener("focus", function () {
      input.select();
    });
    button.addEventListener("click", function () {
      copy(input, button, status);
    });
  }

  document.querySelectorAll("input[data-copy-source]").forEach(enhance);
})();
