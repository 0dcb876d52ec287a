/*
 * Quoting a passage: turns the mouse (or keyboard) selection in a text rendered by evidence/library/render.py
 * into offsets into the document's text, fills the excerpt form with them and the quoted words, and shows it.
 *
 * Every leaf of the text (heading, paragraph, list item, table cell) carries data-start/data-end and holds
 * exactly the document's characters between them, so an offset inside a leaf is its data-start plus the
 * number of characters before the selection point. What lies between leaves is whitespace in the text; the
 * server checks the quote against the text and takes the text's own characters.
 */
(function () {
  "use strict";

  function leafOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-start]") : null;
  }

  function offsetIn(leaf, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(leaf);
    range.setEnd(node, offset);
    return parseInt(leaf.dataset.start, 10) + range.toString().length;
  }

  function leafPart(leaf, range) {
    // The characters of one leaf that the selection covers.
    var part = document.createRange();
    part.selectNodeContents(leaf);
    if (leaf.contains(range.startContainer)) {
      part.setStart(range.startContainer, range.startOffset);
    }
    if (leaf.contains(range.endContainer)) {
      part.setEnd(range.endContainer, range.endOffset);
    }
    return part.toString();
  }

  function selectionSpan(container) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return { error: "Select a passage of the text first." };
    }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) {
      return { error: "The selection is outside the document's text: select a passage of the text." };
    }
    var leaves = Array.prototype.filter.call(container.querySelectorAll("[data-start]"), function (leaf) {
      return range.intersectsNode(leaf);
    });
    if (leaves.length === 0) {
      return { error: "Select a passage of the text first." };
    }
    var first = leaves[0];
    var last = leaves[leaves.length - 1];
    var startLeaf = leafOf(range.startContainer);
    var endLeaf = leafOf(range.endContainer);
    var start = startLeaf === first ? offsetIn(first, range.startContainer, range.startOffset) : parseInt(first.dataset.start, 10);
    var end = endLeaf === last ? offsetIn(last, range.endContainer, range.endOffset) : parseInt(last.dataset.end, 10);
    var parts = leaves.map(function (leaf) { return leafPart(leaf, range); });
    var quote = parts.join("\n");
    // Leading or trailing spaces of the selection are not part of the passage.
    var leading = quote.length - quote.replace(/^\s+/, "").length;
    var trailing = quote.length - quote.replace(/\s+$/, "").length;
    if (leaves.length === 1) {
      start += leading;
      end -= trailing;
    }
    quote = quote.trim();
    if (!quote || end <= start) {
      return { error: "Select a passage of the text first." };
    }
    return { start: start, end: end, quote: quote };
  }

  function init(button) {
    var container = document.getElementById(button.dataset.text);
    var form = document.getElementById(button.dataset.form);
    var status = document.getElementById("quote-selection-status");
    if (!container || !form) {
      return;
    }
    button.addEventListener("click", function () {
      var span = selectionSpan(container);
      if (span.error) {
        status.textContent = span.error;
        return;
      }
      form.elements.start.value = String(span.start);
      form.elements.end.value = String(span.end);
      form.elements.quote.value = span.quote;
      form.hidden = false;
      status.textContent = "Passage selected (" + span.quote.length + " characters): link it below and save.";
      var firstStance = form.querySelector("input[name='stance']");
      if (firstStance) {
        firstStance.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("quote-selection");
    if (button) {
      init(button);
    }
  });
})();
