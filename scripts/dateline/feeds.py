"""Atom feeds: the archive's newest articles (``/feed.xml``), each city's
(``/cities/<city>/feed.xml``) and each country's (``/countries/<country>/feed.xml``),
written under ``docs/`` beside the pages, so that any builder copies them as they are.

A feed names its articles by absolute address, so feeds are made only when ``mkdocs.yml``
gives ``site_url`` (the Pages workflow sets it). Everything in a feed follows from the
articles: its ``updated`` is the latest time one of them was published or ``updated``
(a correction), never the build's, so a build that changes none of a feed's articles
writes the same bytes, and a feed reader is not told of news that is not there.

The standard library's ElementTree writes the XML, escaping every value. feedgen 1.0.0,
its last release, writes each entry's links without their ``rel``, ``type`` and
``title`` (python-feedgen issue #135, open), which would make the publisher's link a
second "alternate" of the entry.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dateline.model import Archive, Article
from dateline.pagekit import Page, Reuse, city_path, country_path, page_url, published_address

FEED = "feed.xml"
"""The archive's feed, at the top of ``docs/`` (and of the site)."""

GENERATOR = "Dateline"
ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry, even escaped. Front matter refuses them
(:mod:`dateline.load`); a summary made from an article's body could still hold one."""


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedOptions:
    """What the feeds need besides the articles."""

    site_url: str
    """The published address (``site_url``)."""
    size: int
    """Most articles in one feed, newest first."""


def feed_options(site_url: str, size: int) -> FeedOptions | None:
    """The feeds' options, or ``None`` when there are to be no feeds: without
    ``site_url``, or with ``feed_articles: 0``."""
    if not site_url or size < 1:
        return None
    return FeedOptions(site_url, size)


def feed_path(page: str) -> str:
    """The feed of the page ``page`` under ``docs/`` (``cities/kabul.md``), at that
    page's address (``cities/kabul/feed.xml``)."""
    return f"{page_url(page)}{FEED}"


def city_feed_path(key: str) -> str:
    """The feed of a city's articles under ``docs/``."""
    return feed_path(city_path(key))


def country_feed_path(key: str) -> str:
    """The feed of the articles about a country's cities under ``docs/``."""
    return feed_path(country_path(key))


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def published_at(article: Article) -> dt.datetime:
    """When the article was published: its time, or the start of its day (UTC)."""
    return article.timestamp if article.timestamp is not None else _start(article.date)


def _updated(article: Article) -> dt.datetime:
    """When the article last changed: its ``updated`` time, or a day alone's start (UTC);
    without either, when it was published. Never before publication: the loader compares
    a day alone with a time by their calendar days, so an article dated 2021-08-13 (here
    published at its start in UTC) may say ``updated: 2021-08-13T01:00:00+04:30``, which
    is 20:30 UTC on the 12th."""
    if article.updated_timestamp is not None:
        return max(published_at(article), article.updated_timestamp)
    if article.updated is not None:
        return max(published_at(article), _start(article.updated))
    return published_at(article)


_SPREAD = dt.timedelta(days=3)
"""More than an article's publication time can be from the start of its calendar day
(:attr:`~dateline.model.Article.date`, in its own time zone): at most a day before, with
an offset of nearly +24:00, and two days after, at 23:59 with one of nearly -24:00."""


def newest(articles: Sequence[Article], size: int) -> list[Article]:
    """The ``size`` articles of ``articles`` (newest first by calendar day, as the archive
    orders them) published last, latest first by their publication times. A day is the
    article's own: ``2021-08-14T00:30:00+04:30`` is on the 14th, but published before
    ``2021-08-13T22:00:00Z``, and a feed's entries must come in the order their
    ``published`` says. Only the articles within a few days of the ``size``-th are compared."""
    end = len(articles)
    if end > size:
        floor = articles[size - 1].date - _SPREAD
        end = size
        while end < len(articles) and articles[end].date > floor:
            end += 1
    # A stable sort: articles published at the same instant keep the archive's order.
    return sorted(articles[:end], key=published_at, reverse=True)[:size]


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "en"
"""The site's language (:attr:`dateline.model.Article.in_english`): the feed's, which its
entries in English inherit; one in another language says its own."""


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attributes.items() if v is not None})
    element.text = None if text is None else _xml(text)
    return element


def atom(options: FeedOptions, title: str, subtitle: str, author: str, page: str,
         articles: Sequence[Article], names: Mapping[str, str]) -> str:
    """One Atom feed (RFC 4287) of ``articles`` (latest first, :func:`newest`; at least one) for the page
    ``page`` under ``docs/`` (``cities/kabul.md``), at :func:`feed_path`; an entry's
    cities are its categories by the names the site shows them by (``names``,
    :func:`dateline.pagekit.city_names`: ``Hyderabad, Pakistan`` where the archive has two)."""
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: LANGUAGE})
    address = published_address(options.site_url, page_url(page))
    _element(feed, "id", address)
    _element(feed, "title", title)
    if subtitle:
        _element(feed, "subtitle", subtitle)
    _element(feed, "updated", max(_updated(article) for article in articles).isoformat())
    _element(_element(feed, "author"), "name", author)
    _element(feed, "link", href=address, rel="alternate", type="text/html")
    _element(feed, "link", href=published_address(options.site_url, feed_path(page)), rel="self",
             type="application/atom+xml")
    _element(feed, "generator", GENERATOR)
    for article in articles:
        entry = _element(feed, "entry", **({} if article.in_english else {XML_LANG: article.language}))
        address = published_address(options.site_url, article.url_path)
        published = published_at(article).isoformat()
        _element(entry, "id", address)
        _element(entry, "title", article.title)
        _element(entry, "link", href=address, rel="alternate", type="text/html")
        if article.url:
            # The original, at its publisher: Atom's "via" is where the entry's facts came from.
            _element(entry, "link", href=article.url, rel="via", title=article.source or None)
        _element(entry, "published", published)
        _element(entry, "updated", _updated(article).isoformat())
        for name in article.authors:
            _element(_element(entry, "author"), "name", name)
        if article.summary:
            _element(entry, "summary", article.summary)
        for name in dict.fromkeys([*(names[city.key] for city in article.cities), *article.tags]):
            _element(entry, "category", term=name)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def render_feeds(archive: Archive, options: FeedOptions | None, names: Mapping[str, str],
                 reuse: Reuse | None = None,
                 countries: Iterable[tuple[str, str, Sequence[Article]]] = ()) -> list[Page]:
    """The archive's feed, each city's and each of ``countries``' (key, name, articles
    newest first), but those ``reuse`` keeps; cities are shown by their ``names``
    (:func:`~dateline.pagekit.city_names`)."""
    if options is None or not archive.articles:
        return []
    pages = []
    wanted: list[tuple[str, str, str, Sequence[Article]]] = [
        ("index.md", archive.name, archive.description, newest(archive.articles[::-1], options.size))]
    wanted += [(city_path(city.key), f"{city.name} — {archive.name}",
                f"The newest articles about {city.name}", newest(city.articles, options.size))
               for city in archive.cities.values()]
    wanted += [(country_path(key), f"{name} — {archive.name}",
                f"The newest articles about places in {name}", newest(articles, options.size))
               for key, name, articles in countries]
    for page, title, subtitle, articles in wanted:
        path = feed_path(page)
        if reuse is not None and reuse.keeps(path, options.site_url, str(options.size), title, subtitle,
                                             archive.name, articles=articles):
            continue
        pages.append(Page(path, atom(options, title, subtitle, archive.name, page, articles, names)))
    return pages
