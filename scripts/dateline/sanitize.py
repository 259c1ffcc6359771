"""Sanitise rendered article HTML with nh3, as a Python-Markdown extension.

Why an extension and not an MkDocs plugin: MkDocs, ProperDocs and Zensical all load
Python-Markdown extensions by import path from ``markdown_extensions`` in ``mkdocs.yml``,
while only MkDocs runs plugins. Why a postprocessor at the lowest priority: raw HTML is
kept out of the element tree in Python-Markdown's stash and restored only by the
``raw_html`` postprocessor (priority 30), so a tree processor would never see an
article's ``<script>``. Running last, after every other extension, the sanitiser sees
exactly the HTML the page will carry. MkDocs' link checks and rewriting work on the tree
before serialisation, so they are untouched.

What survives by default: the markup Python-Markdown and the common extensions produce
(headings with their ids, lists, tables with ``text-align``, code with highlighting
classes, footnotes, admonitions, ``a.headerlink`` permalinks, abbr, details, and ``bdi``,
which isolates a run of text from the direction of the text around it), ``class``,
``id``, ``lang`` and ``dir`` on any of it (an article in Pashto is marked so, and written
right to left; GitHub's sanitiser keeps both too), and links and images whose address is relative or ``http``,
``https`` (and ``mailto`` for links), with an image's ``width`` and ``height`` when each is
a number of pixels, digits alone (:func:`image_side`: ``640``, not ``50%``, ``10em`` or
``calc(…)``), so that the page keeps the image's room while it loads (Dateline writes
them for the images kept beside the articles: :mod:`dateline.images`). Everything else
goes: ``<script>`` and ``<style>`` with their content, other tags with their text kept,
``on*`` handlers, ``style`` (except ``text-align`` on table cells), ``javascript:`` and
``data:`` addresses, comments, and form controls (so pymdownx task lists and content tabs lose their boxes:
a text box that looks like the site's own is a phishing tool).

``trusted_html: true`` (for archives whose every author is trusted) adds what people
write by hand: figure, figcaption, cite, q, small, s, u, sub, time, var, samp, dfn,
ruby, bdo, wbr, table captions and column groups; ``title`` on everything, an image's
``loading``, table cell spans. Even then: no iframe, object, embed, form, input, style or
script. An iframe runs another site's page inside ours, beyond anything a sanitiser can
check: link to the video instead.

``trusted_pages`` names hand-written pages of ``docs/`` (``search.md``) whose raw HTML
is the site's own and is left as written. The page is known from MkDocs' own link
processor, or Zensical's rendering context; under a builder that says neither, every
page is sanitised (the safe side).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from typing import Any

import nh3
from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

PRIORITY = -1000
"""Below every postprocessor of Python-Markdown (lowest 20) and of known extensions."""

_EVERYWHERE = {"class", "id", "lang", "dir"}

SAFE_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "b", "i",
    "code", "pre", "blockquote", "ul", "ol", "li", "img", "div", "span",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    # footnotes, def_list, abbr, pymdownx caret/tilde/mark/keys/details
    "sup", "dl", "dt", "dd", "abbr", "del", "ins", "mark", "kbd", "details", "summary",
    # a name in another script among others (city pages' "Also written"): text only
    "bdi",
})  # fmt: skip
SAFE_ATTRIBUTES: dict[str, set[str]] = {
    "*": _EVERYWHERE,
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "details": {"open"},
}

TRUSTED_TAGS = SAFE_TAGS | {
    "figure", "figcaption", "cite", "q", "small", "s", "u", "sub", "time", "var", "samp",
    "dfn", "ruby", "rt", "rp", "bdo", "wbr", "caption", "col", "colgroup",
}  # fmt: skip
TRUSTED_ATTRIBUTES: dict[str, set[str]] = {
    **SAFE_ATTRIBUTES,
    "*": _EVERYWHERE | {"title"},
    "img": SAFE_ATTRIBUTES["img"] | {"loading"},
    "th": SAFE_ATTRIBUTES["th"] | {"colspan", "rowspan", "scope"},
    "td": SAFE_ATTRIBUTES["td"] | {"colspan", "rowspan"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

MAX_IMAGE_SIDE = 99_999
"""Most pixels an image's ``width`` or ``height`` may say: five digits, more than any
photograph's side (JPEG's largest is 65,535)."""

_PIXELS = re.compile(r"[0-9]{1,5}")


def image_side(value: str) -> str | None:
    """An image's ``width`` or ``height`` as the sanitiser keeps it: digits alone, at most
    :data:`MAX_IMAGE_SIDE`; anything else (``50%``, ``10em``, ``calc(…)``, a sign, spaces)
    is None, and the attribute is dropped (a browser would read ``50%`` as 50 pixels). A
    large number does no harm: the theme keeps every image within the text's width
    (``max-width: 100%; height: auto``)."""
    return value if _PIXELS.fullmatch(value) else None


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name in ("width", "height"):
        return image_side(value)
    return value


_SIZED = re.compile(r"width|height", re.IGNORECASE)
"""What HTML whose image sizes need checking holds: the others are cleaned without the
check, a call back into Python for every attribute (0.8 µs each)."""


@functools.cache
def cleaner(trusted_html: bool = False, sizes: bool = True) -> nh3.Cleaner:
    """An nh3 cleaner for article HTML, built once per process: MkDocs makes a new
    Markdown instance, and so a new extension, for every page. ``sizes``: whether it
    checks images' ``width`` and ``height`` (:func:`image_side`), which only HTML holding
    those words needs (:func:`clean`)."""
    return nh3.Cleaner(
        tags=set(TRUSTED_TAGS if trusted_html else SAFE_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in
                    (TRUSTED_ATTRIBUTES if trusted_html else SAFE_ATTRIBUTES).items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        strip_comments=True,
        attribute_filter=_attribute_filter if sizes else None,
        # Internal links must stay as MkDocs wrote them; nothing opens a new window here.
        link_rel=None,
    )


def clean(html: str, trusted_html: bool = False) -> str:
    """``html`` sanitised: by the cleaner that checks image sizes when it may hold some."""
    return cleaner(trusted_html, _SIZED.search(html) is not None).clean(html)


def sanitize_html(html: str, trusted_html: bool = False) -> str:
    """One-off sanitising with the same rules (tests, and pages rendered outside MkDocs)."""
    return clean(html, trusted_html)


class SanitizePostprocessor(Postprocessor):  # type: ignore[misc]  # Markdown ships no types
    def __init__(self, md: Markdown, trusted_html: bool, trusted_pages: list[str]) -> None:
        super().__init__(md)
        self.trusted_html = trusted_html
        self.trusted_pages = trusted_pages

    def run(self, text: str) -> str:
        page = self._page()
        if page is not None and any(fnmatch.fnmatchcase(page, p) for p in self.trusted_pages):
            return text
        return clean(text, self.trusted_html)

    def _page(self) -> str | None:
        """The docs-relative path of the page being rendered, when the builder tells."""
        # MkDocs (and ProperDocs, its fork): the link-rewriting tree processor holds the File.
        for processor in self.md.treeprocessors:
            src_uri = getattr(getattr(processor, "file", None), "src_uri", None)
            if isinstance(src_uri, str):
                return src_uri
        # Zensical: its rendering-context preprocessor holds the Page.
        for processor in self.md.preprocessors:
            path = getattr(getattr(processor, "page", None), "path", None)
            if isinstance(path, str):
                return path.replace("\\", "/")
        return None


class SanitizeExtension(Extension):  # type: ignore[misc]
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "trusted_html": [False, "Allow the documented safe subset of hand-written HTML"],
            "trusted_pages": [[], "docs/ pages (glob patterns) whose raw HTML is left as written"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        trusted_pages = self.getConfig("trusted_pages") or []
        if not isinstance(trusted_pages, list) or not all(isinstance(p, str) for p in trusted_pages):
            raise ValueError("dateline.sanitize: trusted_pages must be a list of page paths")
        if any(fnmatch.fnmatchcase("articles/x.md", p) for p in trusted_pages):
            # Article pages carry text from outside the project: they are never trusted.
            raise ValueError("dateline.sanitize: trusted_pages may not match article pages")
        md.postprocessors.register(SanitizePostprocessor(md, bool(self.getConfig("trusted_html")),
                                                         trusted_pages),
                                   "dateline_sanitize", PRIORITY)


def makeExtension(**kwargs: Any) -> SanitizeExtension:  # noqa: N802 - Python-Markdown's entry point
    return SanitizeExtension(**kwargs)
