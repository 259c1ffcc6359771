// The reader's colour scheme, applied before the page is first painted.
//
// Material's palette toggle stores the reader's choice (localStorage, through the
// __md_get helper defined in the page's <head>); its own script applies it only once the
// page has loaded. Material inlines this step in every page's header: 0.7 KB on each of
// thousands of pages. Here it is one file, fetched once and cached. The header includes
// it right after the palette's inputs, which it reads when the stored choice is "follow
// the system".
(function () {
  var stored = __md_get("__palette");
  if (!stored || !stored.color) return;
  var color = stored.color;
  if (color.media === "(prefers-color-scheme)") {
    var dark = matchMedia("(prefers-color-scheme: dark)").matches;
    var input = document.querySelector(
      "[data-md-color-media='(prefers-color-scheme: " + (dark ? "dark" : "light") + ")']");
    if (!input) return;
    color = {
      media: input.getAttribute("data-md-color-media"),
      scheme: input.getAttribute("data-md-color-scheme"),
      primary: input.getAttribute("data-md-color-primary"),
      accent: input.getAttribute("data-md-color-accent"),
    };
  }
  for (var key in color) document.body.setAttribute("data-md-color-" + key, color[key]);
})();
