"""Small text helpers shared by loading and rendering: slugs, escaping, plain text."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import threading
import unicodedata
from html.parser import HTMLParser

import markdown

_NON_SLUG = re.compile(r"[^a-z0-9]+")
NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
"""A run of anything but letters and digits, in any script."""
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

SLUG_MAX = 200
"""Most bytes of a slug. It names a file (``<slug>.md``, written as ``.<slug>.md.<8
letters>.tmp`` first) and a folder of the site, and file systems take names of at most
255 bytes."""

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lowercase ASCII-ish form for comparing names: case and diacritics ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def without_marks(text: str) -> str:
    """``text`` decomposed (NFKD) and without its marks (Unicode category M), as the
    search page's JavaScript strips them (``/\\p{M}/u``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def slugify(text: str) -> str:
    """``Mazār-e Sharīf`` → ``mazar-e-sharif``.

    Latin text folds to ``[a-z0-9-]``. Text with no Latin letters at all (``قندهار``)
    keeps its own letters rather than vanishing, so two such names never share a slug.
    """
    folded = fold(text)
    ascii_slug = _NON_SLUG.sub("-", folded.encode("ascii", "ignore").decode()).strip("-")
    if ascii_slug:
        return ascii_slug
    return NON_WORD.sub("-", folded).strip("-")


def escape_markdown_inline(text: str) -> str:
    """Make arbitrary text literal inside a Markdown paragraph, heading or link text.

    HTML-significant characters become entities (so no tag can open) and Markdown's
    punctuation is backslash-escaped (so no emphasis, link or heading can start).
    """
    if not _INLINE_SPECIAL.search(text):
        return text  # most names and short titles: nothing to escape
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


# Markdown's punctuation does not occur in the entities html.escape writes.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_INLINE_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|&<>]")


def listed(names: list[str]) -> str:
    """Names of places one after another: with semicolons when one holds a comma, as
    ``Hyderabad, Pakistan; Karachi`` (with commas it would read as three places)."""
    return ("; " if any("," in name for name in names) else ", ").join(names)


def format_date(day: dt.date) -> str:
    """``13 August 2021``: unambiguous for readers in every country."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_month(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    word = noun if count == 1 else (plural_form or noun + "s")
    return f"{count:,} {word}"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":  # an image in a sentence stands for its words: "and ![a map](m.png)."
            self.parts.extend(value for name, value in attrs if name == "alt" and value)
        elif tag == "a" and ("class", "footnote-backref") in attrs:
            self.skipping += 1  # a footnote's "↩" back to the text

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.skipping:
            self.skipping -= 1


_MARKUP = re.compile(r"[\\`*_\[\]<>!&#|~=]")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\](?![:(\[])")
"""``[^1]`` in the text: a footnote's number, not words (its definition stays text)."""
_local = threading.local()


def _renderer() -> markdown.Markdown:
    """This thread's Markdown renderer. One is not safe to share: search's threads make
    the texts of two periods at once beside the thread making the pages, and a shared
    renderer gave some articles another's text."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        # Tables and footnotes as the site renders them: without, a table's text was its
        # pipes and dashes, and a footnote's "[^1]: …" as written.
        renderer = _local.renderer = markdown.Markdown(extensions=["tables", "footnotes"])
    return renderer


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        self.targets.update(value for name, value in attrs if name == wanted and value is not None)


def link_targets(source: str) -> set[str]:
    """The ``href`` of every link and the ``src`` of every image Markdown makes of
    ``source``, as written there (escapes undone)."""
    collector = _LinkCollector()
    collector.feed(_renderer().reset().convert(source))
    collector.close()
    return collector.targets


def has_markup(source: str) -> bool:
    """Whether :func:`markdown_to_text` renders ``source`` (about 1.8 ms for an article of
    700 words) rather than only folding its whitespace (0.06 ms): it holds a character
    Markdown or HTML could give a meaning to."""
    return _MARKUP.search(source) is not None


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown fragment (markup and raw HTML dropped, whitespace folded)."""
    if not has_markup(source):
        # Most summaries are plain prose: skip the renderer, which costs ~1 ms a call.
        return " ".join(source.split())
    extractor = _TextExtractor()
    extractor.feed(_renderer().reset().convert(_FOOTNOTE_REFERENCE.sub("", source)))
    extractor.close()
    return " ".join("".join(extractor.parts).split())


_BLOCK_START = re.compile(r"^\s{0,3}(#|>|[-*+]\s|\d+[.)]\s|```|~~~|<|!\[|\||={3,}|-{3,})")


def first_paragraph(body: str) -> str:
    """The first prose paragraph of a Markdown body: no heading, list, quote, table or image."""
    for block in re.split(r"\n\s*\n", body.strip()):
        if block.strip() and not _BLOCK_START.match(block):
            return block.strip()
    return ""


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"
