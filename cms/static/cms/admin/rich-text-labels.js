// The rich text editors (Draftail) of the page editor get the name of their field: Draft.js
// renders its text box (role="textbox") without one, so screen readers announce "text box"
// only (WCAG 4.1.2; axe: aria-input-field-name). The box is named by the label of the field
// it sits in; boxes added later (new stream blocks) are named as they appear.
(function () {
  "use strict";
  var counter = 0;

  function labelFor(box) {
    var field = box.closest("[data-field-wrapper], .w-field__wrapper, .w-field");
    while (field) {
      var label = field.querySelector("label, .w-field__label");
      if (label && label.textContent.trim()) return label;
      field = field.parentElement && field.parentElement.closest(
        "[data-field-wrapper], .w-field__wrapper, .w-field, [data-streamfield-child], .w-panel"
      );
    }
    return null;
  }

  function name(root) {
    var boxes = root.querySelectorAll('[contenteditable="true"][role="textbox"]');
    boxes.forEach(function (box) {
      if (box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby")) return;
      var label = labelFor(box);
      if (label) {
        if (!label.id) label.id = "rich-text-label-" + ++counter;
        box.setAttribute("aria-labelledby", label.id);
      } else {
        box.setAttribute("aria-label", document.title);
      }
    });
  }

  function start() {
    name(document);
    new MutationObserver(function () {
      name(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
