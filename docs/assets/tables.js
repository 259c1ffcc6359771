// Wide tables, scrolled from the keyboard (WCAG 2.1.1).
//
// Material's script wraps each table of the text in a box that scrolls sideways
// (.md-typeset__scrollwrap) once the page has loaded. A mouse or a finger scrolls a table
// wider than the screen; a keyboard cannot, since nothing in the box need take the focus
// (and Safari never focuses a scrolling box by itself). So a box whose table overflows it
// becomes a stop of the Tab key, where the arrow keys scroll it, announced as a region
// named by the table's caption, or "Table". A table that fits adds no stop, and
// ResizeObserver tells when that changes (a phone turned, a window resized).
// overrides/main.html loads this only on pages with a table, or on every page with
// Material's instant navigation, after whose page changes document$ runs this again.
(function () {
  if (typeof document$ === "undefined" || typeof ResizeObserver === "undefined") return;
  var names = new WeakMap();
  var watch = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { mark(entry.target.closest(".md-typeset__scrollwrap")); });
  });
  function mark(box) {
    var wide = box.scrollWidth > box.clientWidth;
    if (wide === box.hasAttribute("tabindex")) return;
    if (wide) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", names.get(box));
    } else {
      ["tabindex", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
    }
  }
  document$.subscribe(function () {
    watch.disconnect();
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    boxes.forEach(function (box, n) {
      // Regions of a page need names of their own: "Table 2" when there are several.
      var caption = box.querySelector("caption");
      var name = caption && caption.textContent.replace(/\s+/g, " ").trim();
      names.set(box, name || (boxes.length > 1 ? "Table " + (n + 1) : "Table"));
      watch.observe(box);
      var table = box.querySelector("table");
      if (table) watch.observe(table);
    });
  });
})();
