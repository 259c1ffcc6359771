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
``https`` (and ``mailto`` for links). Everything else goes: ``<script>`` and ``<style>``
with their content, other tags with their text kept, ``on*`` handlers, ``style``
(except ``text-align`` on table cells), ``javascript:`` and ``data:`` addresses,
comments, and form controls (so pymdownx task lists and content tabs lose their boxes:
a text box that looks like the site's own is a phishing tool).

``trusted_html: true`` (for archives whose every author is trusted) adds what people
write by hand: figure, figcaption, cite, q, small, s, u, sub, time, var, samp, dfn,
ruby, bdo, wbr, table captions and column groups; ``title`` on everything, image
sizes, table cell spans. Even then: no iframe, object, embed, form, input, style or
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
    "img": {"src", "alt", "title"},
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
    "img": SAFE_ATTRIBUTES["img"] | {"width", "height", "loading"},
    "th": SAFE_ATTRIBUTES["th"] | {"colspan", "rowspan", "scope"},
    "td": SAFE_ATTRIBUTES["td"] | {"colspan", "rowspan"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})


@functools.cache
def cleaner(trusted_html: bool = False) -> nh3.Cleaner:
    """An nh3 cleaner for article HTML, built once per process: MkDocs makes a new
    Markdown instance, and so a new extension, for every page."""
    return nh3.Cleaner(
        tags=set(TRUSTED_TAGS if trusted_html else SAFE_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in
                    (TRUSTED_ATTRIBUTES if trusted_html else SAFE_ATTRIBUTES).items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        strip_comments=True,
        # Internal links must stay as MkDocs wrote them; nothing opens a new window here.
        link_rel=None,
    )


def sanitize_html(html: str, trusted_html: bool = False) -> str:
    """One-off sanitising with the same rules (tests, and pages rendered outside MkDocs)."""
    return cleaner(trusted_html).clean(html)


class SanitizePostprocessor(Postprocessor):  # type: ignore[misc]  # Markdown ships no types
    def __init__(self, md: Markdown, clean: nh3.Cleaner, trusted_pages: list[str]) -> None:
        super().__init__(md)
        self.clean = clean
        self.trusted_pages = trusted_pages

    def run(self, text: str) -> str:
        page = self._page()
        if page is not None and any(fnmatch.fnmatchcase(page, p) for p in self.trusted_pages):
            return text
        return self.clean.clean(text)

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
        clean = cleaner(bool(self.getConfig("trusted_html")))
        md.postprocessors.register(SanitizePostprocessor(md, clean, trusted_pages),
                                   "dateline_sanitize", PRIORITY)


def makeExtension(**kwargs: Any) -> SanitizeExtension:  # noqa: N802 - Python-Markdown's entry point
    return SanitizeExtension(**kwargs)
