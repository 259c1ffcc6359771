"""Full-text search: index every article with Pagefind after the site is built.

This runs on the built site folder, so it works the same after MkDocs, Zensical or
ProperDocs (none of which run our plugins). Records come straight from the
:class:`Archive`, not from scraping HTML: only articles are indexed (never navigation or
index pages), and each carries its filters and sort key. Records are streamed, so this
process stays small; the Pagefind binary itself peaks near 0.3 MB per article (measured,
benchmarks/search.py), as its HTML indexing does.

What a record holds (the search page in ``docs/assets/search/`` reads exactly this):

- ``url``: ``/articles/2021/08/13/<slug>/``. Pagefind joins it to the folder above its
  bundle, so the same index works at ``/`` and under a project subpath (``/archive/``).
- ``content``: the article's plain text; excerpts come from it, so it holds nothing else.
- ``meta``: ``title``, ``date`` (ISO), ``date_label``, ``cities``, ``source``, ``tags``,
  shown in results as text, never as HTML; and ``places``, never shown: every name the
  article's cities go by (the gazetteer's aliases such as ``Qandahar`` will join them).
  Pagefind searches meta values too, so a title word or a place name finds the article.
  ``every`` holds :data:`EVERY_ARTICLE` and ``facets`` one :func:`facet_word` per filter
  value: hidden words that let a search without words stay cheap (see there).
- ``filters``: ``city``, ``year``, ``month`` (``2021-08``), ``source``, ``tag``.
- ``sort``: ``date`` (``2021-08-13`` plus the UTC time when known, so it sorts as text).

Case and diacritics: Pagefind 1.5 folds both, in the index and in the query (its
``exactDiacritics`` option is off by default), so ``Kandahār`` and ``Kandahar`` find
each other without a folded copy of the text; the browser tests check both ways.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline.model import Archive, Article
from dateline.search_pagefind import PagefindService
from dateline.text import format_date, markdown_to_text

BUNDLE = "pagefind"
"""Folder of the search bundle inside the built site; the search page loads it from there."""

_NOT_WORD = re.compile(r"[^a-z0-9]+")

EVERY_ARTICLE = "zzdatelineeveryarticle"
"""A word in every record, which the search page searches for when only filters are set.

Pagefind answers a filter-only search (a ``null`` term) by downloading every index
chunk: 17 MB for 10,000 articles. This word's chunk is small (its page list compresses
to almost nothing) and matches everything, so the filters alone decide the results.
``docs/assets/search/search.js`` holds the same word.
"""


def facet_word(key: str, value: str) -> str:
    """The hidden word standing for one filter value: ``dlcity_mazar_e_sharif``.

    With only filters set, the search page looks for the word of the most selective
    value it has (a month, then a city…) rather than :data:`EVERY_ARTICLE`: on 50,000
    articles, scoring every page took seconds. The word only narrows the candidates;
    the filter still decides, so two values sharing a word (names with no Latin letters
    all become ``dlcity_``) cost speed, never correctness. ``search.js`` computes the same
    word: lowercase, decompose, drop marks, runs of anything but ``a-z0-9`` become ``_``.
    """
    decomposed = unicodedata.normalize("NFKD", value.lower())
    plain = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return f"dl{key}_" + _NOT_WORD.sub("_", plain).strip("_")


@dataclass(frozen=True)
class SearchReport:
    records: int
    bytes: int
    """Size of the whole bundle on disk."""
    seconds: float


def place_names(article: Article, names: dict[str, str]) -> list[str]:
    """Every name the article's cities are known by: its own spellings, the display names
    and the gazetteer's aliases (``Qandahar``, ``قندهار``), searchable without showing up
    in results.
    """
    found: dict[str, None] = {}
    for city in article.cities:
        found.setdefault(city.name)
        found.setdefault(names.get(city.key, city.name))
        if city.place is not None:
            for alias in city.place.aliases:
                found.setdefault(alias)
    return list(found)


def sort_date(article: Article) -> str:
    """A text key that sorts like time: ``2021-08-13`` or ``2021-08-13T04:30:00Z``."""
    if article.timestamp is None:
        return article.date.isoformat()
    clock = article.timestamp.astimezone(dt.UTC).strftime("%H:%M:%SZ")
    return f"{article.date.isoformat()}T{clock}"


def article_record(article: Article, names: dict[str, str], language: str) -> dict[str, Any]:
    """The Pagefind custom record of one article (values are plain text, never HTML)."""
    cities = [names.get(city.key, city.name) for city in article.cities]
    meta = {
        "title": article.title,
        "date": article.date.isoformat(),
        "date_label": format_date(article.date),
        "cities": ", ".join(cities),
        "places": ", ".join(place_names(article, names)),
        "every": EVERY_ARTICLE,
    }
    filters = {
        "city": cities,
        "year": [f"{article.date.year:04d}"],
        "month": [f"{article.date:%Y-%m}"],
    }
    if article.source:
        meta["source"] = article.source
        filters["source"] = [article.source]
    if article.tags:
        meta["tags"] = ", ".join(article.tags)
        filters["tag"] = list(article.tags)
    meta["facets"] = " ".join(dict.fromkeys(
        facet_word(key, value) for key, values in filters.items() for value in values))
    return {
        "url": "/" + article.url_path,
        # Pagefind drops a record with no content; a bodiless article still has its title.
        "content": markdown_to_text(article.body) or article.title,
        "language": language,
        "meta": meta,
        "filters": filters,
        "sort": {"date": sort_date(article)},
    }


def index_language(archive: Archive) -> str:
    """The one language every record is indexed under: the archive's most common.

    Pagefind keeps a separate index per language and searches only the one matching the
    page's ``<html lang>``, so a mixed archive would hide most articles from the search
    page. One index keeps every article findable; stemming follows the majority.
    """
    counts = Counter(article.language.split("-")[0].lower() for article in archive.articles)
    return counts.most_common(1)[0][0] if counts else "en"


def records(archive: Archive) -> Iterator[dict[str, Any]]:
    names = {key: city.name for key, city in archive.cities.items()}
    language = index_language(archive)
    for article in archive.articles:
        yield article_record(article, names, language)


def index_site(archive: Archive, site_dir: Path) -> SearchReport:
    """Write the Pagefind bundle for ``archive`` into ``site_dir/pagefind``."""
    started = time.perf_counter()
    # Absolute, because the Pagefind binary runs in the site folder and would resolve a
    # relative output path from there.
    output = site_dir.resolve() / BUNDLE
    shutil.rmtree(output, ignore_errors=True)
    # The bundle also holds Pagefind's ready-made UIs (about 400 KB, never loaded by our
    # search page); they stay, as a fallback for anyone who prefers them.
    with PagefindService({"write_playground": False}, cwd=site_dir) as service:
        count = service.add_records(records(archive))
        service.write(output)
    size = sum(path.stat().st_size for path in output.rglob("*") if path.is_file())
    return SearchReport(count, size, time.perf_counter() - started)
