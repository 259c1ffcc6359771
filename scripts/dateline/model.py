"""The archive's data: validated articles and what they are grouped into.

Everything here is immutable and free of I/O; loading builds it, rendering reads it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from dateline.gazetteer import Place

ARTICLE_SUFFIXES = (".md", ".markdown")
"""What an article file's name ends in."""


@dataclass(frozen=True)
class CityRef:
    """A city as one article names it, resolved to the page it belongs on."""

    key: str
    """Stable identifier and URL slug of the city page (``mazar-e-sharif``)."""
    name: str
    """The spelling the article used."""
    line: int = 0
    """Line of the name in the article's front matter, for messages."""
    place: Place | None = None
    """The gazetteer's place, once resolved (see :mod:`dateline.cities`)."""


@dataclass(frozen=True)
class BodyLink:
    """A relative link target in an article's body."""

    start: int
    """Offsets of the target (without its angle brackets) in the body."""
    end: int
    target: str
    """As written."""
    line: int
    """Line in the article's file."""
    html: bool = False
    """In an HTML tag written in the body (``<img src="…">``), where the target is
    HTML-escaped and MkDocs, which turns Markdown links into addresses, leaves it as is."""


@dataclass(frozen=True)
class Alias:
    """A former address of an article (``aliases:``), where a page sends readers on to it."""

    path: str
    """The address relative to the site's root, %-escapes decoded: a folder
    (``articles/2021/08/12/kandahar-falls/``) or an ``.html`` page (``2021/08/12/kandahar.html``)
    (:func:`dateline.aliases.normalise`)."""
    line: int
    """Line of the alias in the article's front matter, for messages."""

    @property
    def file(self) -> str:
        """The file of the built site the alias's page is: a folder's ``index.html``."""
        return f"{self.path}index.html" if self.path.endswith("/") else self.path


@dataclass(frozen=True)
class Links:
    """Where the archive's body links lead."""

    pages: Mapping[str, str]
    """Article file (project path) → its page under ``docs/``."""
    assets: Mapping[str, str]
    """File linked to (project path) → where it is published under ``docs/``."""

    def destination(self, found: str) -> str:
        """Where ``found`` is published; itself if nowhere: a link that leads nowhere is an
        error of ``dateline check``, which stops a build, but its other checks (those
        that list the pages, :mod:`dateline.rootlinks`) still run and come here."""
        return self.pages.get(found) or self.assets.get(found, found)


@dataclass(frozen=True)
class Article:
    """One validated article. Built only by :mod:`dateline.load`."""

    path: str
    """Source file relative to the project folder (``articles/2021/kandahar.md``)."""
    title: str
    date: dt.date
    """Calendar day of publication, in the article's own time zone."""
    timestamp: dt.datetime | None
    """Full publication time when the front matter gave one (always offset-aware)."""
    cities: tuple[CityRef, ...]
    dateline: CityRef
    slug: str
    body: str
    summary: str
    source: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = "en"
    draft: bool = False
    updated: dt.date | None = None
    """Calendar day of the last change after publication (a correction), in its own time
    zone, when the front matter gives one; never before ``date`` (a time after the date's,
    but on the day before in its own zone, counts as on the date's day)."""
    updated_timestamp: dt.datetime | None = None
    """Full time of that change when the front matter gave one (always offset-aware)."""
    links: tuple[BodyLink, ...] = ()
    """The body's relative links (to other articles, to files beside it), as written."""
    anchor_links: tuple[BodyLink, ...] = ()
    """What look like links within its own page in the body (``#casualties``), as written;
    the render guard's rendering tells which are (:mod:`dateline.anchors`)."""
    aliases: tuple[Alias, ...] = ()
    """Its former addresses, each a page of the site sending readers on to it
    (:mod:`dateline.aliases`)."""

    @property
    def primary_language(self) -> str:
        """The language tag's first part, lower case: ``fa`` for ``fa-AF``."""
        return self.language.split("-")[0].lower()

    @property
    def in_english(self) -> bool:
        """Whether the article is in English, the site's language: one in another is marked
        as in its own on its page and in the feeds."""
        return self.primary_language == "en"

    @property
    def url_path(self) -> str:
        """Site-relative permanent URL, ``articles/2021/08/13/<slug>/``.

        It depends only on this article's own date and slug, so adding other
        articles never moves it.
        """
        day = self.date  # not strftime: this runs for every link to an article
        return f"articles/{day.year:04d}/{day.month:02d}/{day.day:02d}/{self.slug}/"

    @property
    def sort_key(self) -> tuple[dt.date, str, str]:
        # An article with a time sorts by it within its day; the slug makes ties stable.
        clock = self.timestamp.astimezone(dt.UTC).isoformat() if self.timestamp else ""
        return (self.date, clock, self.slug)


@dataclass(frozen=True)
class City:
    """A city page: every article that names the city, newest first."""

    key: str
    name: str
    """Display name: the gazetteer's (or the spelling most articles use, without one)."""
    articles: tuple[Article, ...]
    place: Place | None = None

    @property
    def first_date(self) -> dt.date:
        return self.articles[-1].date

    @property
    def last_date(self) -> dt.date:
        return self.articles[0].date


@dataclass(frozen=True)
class Archive:
    """All published articles, oldest first, and the indexes built from them."""

    name: str
    description: str
    articles: tuple[Article, ...]
    cities: dict[str, City] = field(default_factory=dict)
    """City pages by key, in alphabetical order of display name."""
    days: dict[dt.date, tuple[Article, ...]] = field(default_factory=dict)
    """Articles per calendar day, oldest day first."""
    links: Links = field(default_factory=lambda: Links({}, {}))
    """Where the articles' relative links lead (:mod:`dateline.bodylinks`)."""
    read_digests: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    """:func:`read_digest` of articles by ``path``, where already known (the read cache
    keeps them); only for articles as read, their places alone resolved since."""

    @functools.cached_property
    def digests(self) -> dict[str, bytes]:
        """:func:`article_digest` of every article, by its ``path``; made once, on first use."""
        places: dict[int, bytes] = {}
        known = self.read_digests
        return {article.path: article_digest(article, places, known.get(article.path))
                for article in self.articles}

    def neighbours(self, index: int) -> tuple[Article | None, Article | None]:
        """The articles just before and after ``articles[index]`` in time."""
        before = self.articles[index - 1] if index > 0 else None
        after = self.articles[index + 1] if index + 1 < len(self.articles) else None
        return before, after


def _feed(digest: hashlib._Hash, value: object, places: dict[int, bytes]) -> None:
    """Add ``value`` to ``digest`` unambiguously: text by its bytes with their length,
    tuples item by item, a :class:`CityRef` field by field, a :class:`Place` by its
    ``repr`` (kept in ``places``: the gazetteer's places are shared by many articles),
    anything else by its ``repr``."""
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        digest.update(b"s%d:" % len(data) + data)
    elif isinstance(value, tuple):
        digest.update(b"t%d:" % len(value))
        for item in value:
            _feed(digest, item, places)
    elif isinstance(value, CityRef):
        digest.update(b"c")
        for name in _CITY_FIELDS:
            _feed(digest, getattr(value, name), places)
    elif isinstance(value, Place):
        known = places.get(id(value))
        if known is None:
            known = places[id(value)] = repr(value).encode("utf-8", "surrogatepass")
        digest.update(b"p%d:" % len(known) + known)
    else:
        data = repr(value).encode("utf-8", "surrogatepass")
        digest.update(b"r%d:" % len(data) + data)


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_CITY_FIELDS = tuple(f.name for f in dataclasses.fields(CityRef))


_PLACE_FIELDS = ("cities", "dateline")
"""The fields resolving the places fills in, after an article is read."""
_UNSHOWN_FIELDS = ("aliases",)
"""The fields no generated page nor search record shows (the redirect pages of aliases are
made from the article at every build, :mod:`dateline.aliases`): an alias added does not
render the article's pages nor index its search period again."""
_READ_FIELDS = tuple(name for name in _ARTICLE_FIELDS if name not in _PLACE_FIELDS + _UNSHOWN_FIELDS)


def read_digest(article: Article) -> bytes:
    """A hash of what reading the article's file decides: every field but its places (and
    its aliases, which no page shows)."""
    digest = hashlib.sha256()
    for name in _READ_FIELDS:
        _feed(digest, getattr(article, name), {})
    return digest.digest()


def article_digest(article: Article, places: dict[int, bytes] | None = None,
                   read: bytes | None = None) -> bytes:
    """A hash of everything the article holds, places and all: equal for equal articles,
    whichever equal strings happen to be one object (unlike pickle's). Each field goes in
    by its bytes, not by a ``repr`` of the whole: escaping 10,000 bodies for ``repr`` took
    0.64 s, feeding their bytes 0.21 s. ``read`` is the article's :func:`read_digest` when
    known; then only the places are fed (0.08 s). Pass one ``places`` to calls over one
    archive."""
    digest = hashlib.sha256(read if read is not None else read_digest(article))
    seen = {} if places is None else places
    for name in _PLACE_FIELDS:
        _feed(digest, getattr(article, name), seen)
    return digest.digest()
