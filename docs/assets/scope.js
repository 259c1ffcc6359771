// Material's storage helpers, defined before anything on the page reads them.
//
// Material keeps a reader's choices (colour scheme, dismissed banners, consent) in
// localStorage under keys that start with the site's path, through __md_get and __md_set,
// and inlines the four definitions below into the <head> of every page: 0.3 KB on each
// of thousands of pages. Here they are one file, fetched once and cached, that
// overrides/partials/javascripts/base.html loads where Material's inline script was.
//
// The site's path (__md_scope) is the folder above this file's (assets/), read from the
// script's own address, so it is the same on every page and under any subpath. When
// mkdocs.yml sets extra.scope (Material's setting for sharing choices between sites),
// the header passes it as data-scope, resolved against the page as Material does.
// (Zensical's version of this script also marks the reader's platform, for the keyboard
// shortcut on its own search button, which Dateline's header does not have.)
var __md_scope = (function (script) {
  var scope = script.getAttribute("data-scope");
  return scope ? new URL(scope, location) : new URL("..", script.src);
})(document.currentScript);

function __md_hash(text) {
  return Array.from(text).reduce(function (hash, char) {
    return (hash << 5) - hash + char.charCodeAt(0);
  }, 0);
}

function __md_get(key, storage = localStorage, scope = __md_scope) {
  return JSON.parse(storage.getItem(scope.pathname + "." + key));
}

function __md_set(key, value, storage = localStorage, scope = __md_scope) {
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (error) {
    // Storage full or disabled: the choice lasts for this page only, as in Material.
  }
}
