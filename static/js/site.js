// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // A double click on a slow link submits a form marked data-once only once (the server is idempotent anyway).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      form.setAttribute("aria-busy", "true");
      // After this event, so the pressed button's own name and value are still sent.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
  // Coming back with the browser's Back button shows the page as it was left: let its forms work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    });
  });
  // Copy buttons (data-copy-target: the id of the field to copy), hidden until this script can run them.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var status = button.parentElement.querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.value || target.textContent;
      var done = function () {
        if (status) status.textContent = button.getAttribute("data-copied-label") || "";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { target.select(); });
      } else {
        // Without the clipboard API the link is selected, ready for the device's own copy.
        target.select();
      }
    });
  });
  // A table wider than the screen scrolls sideways in its box. Such a box takes keyboard focus, so the arrow keys
  // scroll it (WCAG 2.1.1), and is a region named by the table's caption, else by the heading before it; a box whose
  // table fits is left out of the tab order. Checked again when the window changes size (a phone turned).
  var boxes = document.querySelectorAll(".table-scroll");
  var labels = 0;
  function nameOf(box) {
    var label = box.querySelector("caption") || document.evaluate(
      "preceding::*[self::h1 or self::h2 or self::h3 or self::h4][1]", box, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null
    ).singleNodeValue;
    if (!label) return;
    if (!label.id) label.id = "table-scroll-label-" + (labels += 1);
    box.setAttribute("aria-labelledby", label.id);
  }
  function markScrollingTables() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        nameOf(box);
      } else if (box !== document.activeElement) {
        ["tabindex", "role", "aria-labelledby"].forEach(function (name) { box.removeAttribute(name); });
      }
    });
  }
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);
  // Escape closes the open phone menu (a <details>, which opens and closes without this file) and puts the focus
  // back on its button, as a menu's users expect.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.site-menu[open]").forEach(function (menu) {
      menu.open = false;
      var toggle = menu.querySelector("summary");
      if (toggle && menu.contains(document.activeElement)) toggle.focus();
    });
  });
});
