"""The archive's data: validated articles and what they are grouped into.

Everything here is immutable and free of I/O; loading builds it, rendering reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateline.gazetteer import Place


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

    def neighbours(self, index: int) -> tuple[Article | None, Article | None]:
        """The articles just before and after ``articles[index]`` in time."""
        before = self.articles[index - 1] if index > 0 else None
        after = self.articles[index + 1] if index + 1 < len(self.articles) else None
        return before, after
