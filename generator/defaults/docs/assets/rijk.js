/* Rijke Verantwoording: wide tables scroll in a region a keyboard can reach (WCAG 2.1.1).
 * Material and Zensical wrap every table in a scrolling div; when a table is wider than the
 * screen, that div gets tabindex, role="region" and a name taken from the table's heading, so
 * a keyboard user can scroll it and a screen reader says what it is. Runs again after each
 * instant-navigation page change and when the window is resized. It also names the search
 * dialog ("Zoeken"). No third-party code. */
(function () {
  function heading(element) {
    for (let node = element.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.replace(/[#¶]\s*$/, "").trim();
    }
    const title = document.querySelector("h1");
    return title ? title.textContent.replace(/[#¶]\s*$/, "").trim() : "";
  }
  function label() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        const name = heading(wrap);
        wrap.setAttribute("aria-label", "Tabel" + (name ? ": " + name : "") +
                          " (schuif opzij om alles te zien)");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
    // Zensical's colour-scheme radio is aria-hidden but focusable (axe: aria-hidden-focus);
    // with one scheme there is nothing to choose, so it leaves the tab order.
    document.querySelectorAll("input.md-option[aria-hidden='true']").forEach(function (input) {
      input.tabIndex = -1;
    });
    const dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Zoeken");
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { setTimeout(label, 0); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(label, 0); });
  }
  window.addEventListener("load", label);
  window.addEventListener("resize", label);
})();
