"""Full-text search: index every article with Pagefind after the site is built.

The bundle depends on the articles alone, never on the pages, so it is the same after
MkDocs, Zensical or ProperDocs (none of which run our plugins) and ``dateline build`` can
make it while MkDocs renders. Records come straight from the :class:`Archive`, not from
scraping the site: only articles are indexed (never navigation or index pages), and each
carries its filters and sort key. Pagefind reads each record as a small page of its own
(:func:`dateline.search_pagefind.record_page`). Records are made one shard at a time, so
this process stays small; Pagefind itself peaks near 0.4 MB per article of a shard
(measured, benchmarks/search.py).

What a record holds (the search page in ``docs/assets/search/`` reads exactly this):

- ``url``: ``/articles/2021/08/13/<slug>/``. Pagefind joins it to the folder above its
  bundle, so the same index works at ``/`` and under a project subpath (``/archive/``).
- ``content``: the article's plain text; excerpts come from it, so it holds nothing else.
- ``meta``: ``title``, ``date`` (ISO), ``date_label``, ``cities``, ``source``, ``tags``,
  shown in results as text, never as HTML; and ``places``, never shown: the other names
  of the article's cities that several cities share (the others are in the bundle's
  ``places/`` files, listed in ``places.json``, which the search page searches as the
  city's name; see :class:`PlaceNames`). Pagefind searches meta values too, so a title
  word or a city's name finds the article.
  ``every`` holds :data:`EVERY_ARTICLE` and ``facets`` one :func:`facet_word` per filter
  value: hidden words that let a search without words stay cheap (see there).
- ``filters``: ``city``, ``year``, ``month`` (``2021-08``), ``source``, ``tag``. A city is
  filtered by its name as the site shows it, namesakes told apart (``Hyderabad, Pakistan``;
  :func:`dateline.cities.told_apart`), so each value is one city. An article in another
  language than English has ``language`` too (its tag, ``fa``), and ``direction``
  (``rtl``) when that language is written right to left, which the page marks its title
  and excerpt with (no filter it offers): filters, because Pagefind searches every meta
  value as words, so that ``fa`` would find each Persian article, and ``it`` each Italian one.
- ``sort``: ``date``, the article's place in the site's order as text
  (:func:`sort_date`): its day, its UTC time when known, its slug.

Case and diacritics: Pagefind 1.5 folds both, in the index and in the query (its
``exactDiacritics`` option is off by default), so ``Kandahār`` and ``Kandahar`` find
each other without a folded copy of the text; the browser tests check both ways.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown

from dateline.errors import BuildError
from dateline.model import Archive, Article
from dateline.pagekit import city_names, text_direction
from dateline.readcache import dump_pickle, load_pickle, package_digest
from dateline.search_pagefind import (
    PAGEFIND_OPTIONS,
    canonicalize_bundle,
    pagefind_version,
    record_page,
    run_pagefind,
)
from dateline.text import NON_WORD, format_date, has_markup, listed, markdown_to_text, without_marks

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
    return f"dl{key}_" + _NOT_WORD.sub("_", without_marks(value.lower())).strip("_")


@dataclass(frozen=True)
class SearchReport:
    records: int
    seconds: float
    indexed: int = 0
    """Shards indexed by Pagefind in this run."""
    reused: int = 0
    """Shards kept from the previous bundle because their records had not changed."""


PLACES = "places.json"
"""The bundle's table of the place names the search page searches as another name: the
most words one has, and the files that hold them (:attr:`PlaceNames.tables`)."""

PLACES_FOLDER = "places"
"""Where in the bundle the names are, one file per first letter."""


def place_file(letter: str) -> str:
    """The file of the names (folded) that begin with ``letter``: ``places/k.json``; a
    letter but a–z and 0–9 by its code point (``places/u0642.json``). ``search.js`` names
    them alike (``placeFile``)."""
    key = letter if "a" <= letter <= "z" or "0" <= letter <= "9" else f"u{ord(letter):04x}"
    return f"{PLACES_FOLDER}/{key}.json"


def fold_name(name: str) -> str:
    """A name as the search page compares it with what a reader typed: decomposed,
    without marks, lowercase, every run of anything but letters and digits one space
    (``Mazār-e Sharīf`` → ``mazar e sharif``). ``search.js`` folds alike (``foldName``)."""
    return NON_WORD.sub(" ", without_marks(name).lower()).strip()


@dataclass(frozen=True)
class PlaceNames:
    """The other names of the archive's cities: the spellings its articles use and the
    gazetteer's aliases (``Qandahar``, ``قندهار`` for Kandahar).

    A name of one city only is searched as that city's name, which every article about
    it holds (its ``cities``): the search page looks its words up in :attr:`searched_as`
    (the bundle's :attr:`tables`) and searches for the city's name instead. Its articles
    then need no copy of it: copied into every record, the names made up 0.7 KB of each
    article's share of the site. A name several cities go by (Faizabad) cannot stand for
    one of them, so each article about one of them keeps it (:attr:`kept`), and a search
    finds them all.
    """

    searched_as: dict[str, str]
    """Folded name (:func:`fold_name`) → the one city name searched instead."""
    kept: dict[tuple[str, str], tuple[str, ...]]
    """(city key, name as an article writes it) → the names an article naming the city
    so keeps: those, folded, of more than one city. Absent: none."""

    @property
    def tables(self) -> dict[str, bytes]:
        """The bundle's files of names, by path in it: :data:`PLACES` (the most words a
        name has, and the files there are) and the names by first letter
        (:func:`place_file`). A search fetches the files of its words' first letters
        only: one table of every name was 98 KB gzipped for an archive of the world's 500
        largest cities, and 287 KB for 2,000."""
        by_file: dict[str, dict[str, str]] = {}
        for name, city in sorted(self.searched_as.items()):
            by_file.setdefault(place_file(name[0]), {})[name] = city
        longest = max((name.count(" ") + 1 for name in self.searched_as), default=0)

        def dump(value: object) -> bytes:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            return (text + "\n").encode()

        files = {PLACES: dump({"format": 2, "longest": longest, "files": sorted(by_file)})}
        files.update((path, dump({"names": names})) for path, names in by_file.items())
        return files


def place_table(archive: Archive) -> PlaceNames:
    """The archive's :class:`PlaceNames`. Each distinct name is folded once: an
    archive's articles write their cities in few ways."""
    names = city_names(archive)
    written = {(ref.key, ref.name) for article in archive.articles for ref in article.cities}
    every: dict[tuple[str, str], list[str]] = {}
    """(city key, written name) → every name an article naming the city so goes by."""
    for key, name in sorted(written):
        city = archive.cities.get(key)
        aliases = city.place.aliases if city is not None and city.place is not None else ()
        every[(key, name)] = list(dict.fromkeys([name, names.get(key, name), *aliases]))
    cities: dict[str, set[str]] = {}
    folded = {name: fold_name(name) for names_of in every.values() for name in names_of}
    for (key, _written), names_of in every.items():
        for name in names_of:
            cities.setdefault(folded[name], set()).add(names.get(key, name))
    own = {fold_name(name) for name in names.values()}
    searched_as = {fold: next(iter(found)) for fold, found in sorted(cities.items())
                   if fold and len(found) == 1 and fold not in own}
    kept = {pair: tuple(name for name in names_of if len(cities[folded[name]]) > 1)
            for pair, names_of in every.items()}
    return PlaceNames(searched_as, {pair: names_of for pair, names_of in kept.items() if names_of})


def place_names(article: Article, places: PlaceNames | None = None) -> list[str]:
    """The names of the article's cities that its record keeps: those several cities of
    the archive go by (:attr:`PlaceNames.kept`), searchable without showing up in results."""
    if places is None or not places.kept:
        return []
    found: dict[str, None] = {}
    for city in article.cities:
        for name in places.kept.get((city.key, city.name), ()):
            found.setdefault(name)
    return list(found)


def sort_date(article: Article) -> str:
    """:attr:`~dateline.model.Article.sort_key` as text that sorts as it does, so that
    search lists articles in the order of the rest of the site (its feeds, day pages and
    neighbour links): ``2021-08-13//kandahar-falls``, or with a time
    ``2021-08-13/2021-08-13T04:30:00+00:00/kandahar-falls``.

    The day comes first, the UTC time only within it: an article of 01:00 on 1 February
    at +05:00 is on that day, before one of 10:00 UTC, though its UTC time is 20:00 the
    day before. ``/`` sorts before any digit a time begins with, so an article without
    one comes first on its day, as in the tuple; spaces would not do, as Pagefind reads
    the key from an element's text, which may fold them.
    """
    day, clock, slug = article.sort_key
    return f"{day.isoformat()}/{clock}/{slug}"


def article_record(article: Article, names: dict[str, str], language: str,
                   places: PlaceNames | None = None, text: str | None = None) -> dict[str, Any]:
    """The Pagefind custom record of one article (values are plain text, never HTML);
    ``places``: the archive's :class:`PlaceNames`, whose shared names it keeps; ``text``:
    the body's :func:`~dateline.text.markdown_to_text`, when already known."""
    cities = [names.get(city.key, city.name) for city in article.cities]
    meta = {
        "title": article.title,
        "date": article.date.isoformat(),
        "date_label": format_date(article.date),
        "cities": listed(cities),
        "every": EVERY_ARTICLE,
    }
    kept = place_names(article, places)
    if kept:
        meta["places"] = ", ".join(kept)
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
    if not article.in_english:  # English, the site's language, needs no mark
        filters["language"] = [article.language]
        if text_direction(article.language) == "rtl":
            filters["direction"] = ["rtl"]
    return {
        "url": "/" + article.url_path,
        # Pagefind drops a record with no content; a bodiless article still has its title.
        "content": (markdown_to_text(article.body) if text is None else text) or article.title,
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
    counts = Counter(article.primary_language for article in archive.articles)
    return counts.most_common(1)[0][0] if counts else "en"


def records(archive: Archive) -> Iterator[dict[str, Any]]:
    names = city_names(archive)
    language = index_language(archive)
    places = place_table(archive)
    for article in archive.articles:
        yield article_record(article, names, language, places)


SHARD_CAP = 2000
"""Most articles in one shard, unless a single day holds more.

Pagefind's memory grows with its index, about 0.38 MB an article (measured with
benchmarks/search.py: 770 MB for 2,000 articles, 1.5 GB for 4,000), and it takes about
5.5 ms an article. A shard of 2,000 keeps one Pagefind process under 1 GB beside the
build, however large the archive.
"""

SEARCH_WORKERS = 2
"""Most shards indexed at once (fewer on a machine with fewer cores). Pagefind keeps about
one core busy per index (1.1 cores measured), so two shards at once use both cores of a
small machine. Each process holds its own index in memory, so shards run together only
while they hold at most :data:`SEARCH_ARTICLES_AT_ONCE` articles between them."""

SEARCH_ARTICLES_AT_ONCE = 3000
"""Most articles Pagefind indexes at once across shards: about 1.2 GB of its memory.
Shards of up to 1,500 articles (a 5,000-article archive's years) are indexed two at a
time; larger ones, one at a time, so that the build of a 50,000-article archive stays
within 2 GB beside the articles the build holds (measured: 2.2 GB with two shards of
1,700 at once, 1.7 GB one at a time)."""

MANIFEST = "manifest.json"
"""The bundle's table of shards, read by the search page before anything else."""

MANIFEST_FORMAT = 1
SHARED_FILES = ("pagefind.js",)
"""Files every shard's Pagefind writes alike, kept once at the top of the bundle (with
``wasm.*.pagefind``); each shard keeps ``pagefind-worker.js``, which Pagefind starts
from the first shard the page opens."""
_WASM_PREFIX = "/../../wasm."
"""Pagefind fetches ``<shard>/wasm.<name>.pagefind``; ``<shard>/wasm./../../wasm.<name>…``
resolves to the copy at the top of the bundle, which every shard then shares."""


@dataclass(frozen=True)
class Shard:
    """A run of consecutive days (a year, or a range of months or days) and its articles."""

    folder: str
    first: dt.date
    last: dt.date
    articles: tuple[Article, ...]


def _last_day_of_month(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _pack(units: list[tuple[dt.date, dt.date, list[Article]]], cap: int,
          split: Any) -> Iterator[tuple[dt.date, dt.date, list[Article]]]:
    """Join consecutive units (first day, last day, articles) into runs of at most
    ``cap`` articles, of about equal size; a unit larger than ``cap`` is split by
    ``split``, if given."""
    total = sum(len(unit[2]) for unit in units)
    target = -(-total // -(-total // cap))  # the size of ceil(total / cap) equal runs
    run: list[tuple[dt.date, dt.date, list[Article]]] = []
    size = 0
    for unit in units:
        if len(unit[2]) > cap and split is not None:
            if run:
                yield run[0][0], run[-1][1], [a for part in run for a in part[2]]
                run, size = [], 0
            yield from split(unit[2])
            continue
        if run and (size + len(unit[2]) > cap or size >= target):
            yield run[0][0], run[-1][1], [a for part in run for a in part[2]]
            run, size = [], 0
        run.append(unit)
        size += len(unit[2])
    if run:
        yield run[0][0], run[-1][1], [a for part in run for a in part[2]]


def _by(articles: list[Article], key: Any) -> list[list[Article]]:
    groups: dict[Any, list[Article]] = {}
    for article in articles:
        groups.setdefault(key(article), []).append(article)
    return [groups[k] for k in sorted(groups)]


def plan_shards(articles: Iterable[Article], cap: int | None = None) -> list[Shard]:
    """Articles grouped by year, oldest first; a year of more than ``cap`` articles is
    split into runs of whole months, and a month of more than ``cap`` into runs of days.
    The newest month stands apart once the newest shard is large (:data:`RECENT_SPLIT`).

    The plan depends only on the articles' dates, so an edit that moves no article to
    another day leaves every shard's period as it was, and an added article changes at
    most the runs of its own year.
    """
    cap = cap or SHARD_CAP
    ordered = sorted(articles, key=lambda a: (a.sort_key, a.url_path))

    def days(group: list[Article]) -> Iterator[tuple[dt.date, dt.date, list[Article]]]:
        units = [(g[0].date, g[0].date, g) for g in _by(group, lambda a: a.date)]
        return _pack(units, cap, None)

    def months(group: list[Article]) -> Iterator[tuple[dt.date, dt.date, list[Article]]]:
        units = [(g[0].date.replace(day=1), _last_day_of_month(g[0].date), g)
                 for g in _by(group, lambda a: (a.date.year, a.date.month))]
        return _pack(units, cap, days)

    shards = []
    for year in _by(ordered, lambda a: a.date.year):
        first, last = dt.date(year[0].date.year, 1, 1), dt.date(year[0].date.year, 12, 31)
        runs = [(first, last, year)] if len(year) <= cap else list(months(year))
        for start, end, group in runs:
            shards.append(Shard(_folder_name(start, end), start, end, tuple(group)))
    if shards and len(shards[-1].articles) > RECENT_SPLIT:
        shards[-1:] = _split_newest_month(shards[-1])
    return shards


RECENT_SPLIT = 500
"""A newest shard of more articles than this keeps its newest month apart, from the first
of that month to the end of the shard's period. Articles are mostly added (and edited) in
the current month, and Pagefind indexes a shard whole, about 2.5 ms an article: the
current year of a 10,000-article archive, 2,000 articles, took 5 s to index again after
each article added today; its month alone, a few hundred, under 1 s. The rest of the year
is indexed again when the next month begins."""


def _split_newest_month(shard: Shard) -> list[Shard]:
    start = shard.articles[-1].date.replace(day=1)
    older = tuple(a for a in shard.articles if a.date < start)
    if not older:
        return [shard]
    before = start - dt.timedelta(days=1)
    recent = tuple(a for a in shard.articles if a.date >= start)
    return [Shard(_folder_name(shard.first, before), shard.first, before, older),
            Shard(_folder_name(start, shard.last), start, shard.last, recent)]


def _folder_name(first: dt.date, last: dt.date) -> str:
    if first == dt.date(first.year, 1, 1) and last == dt.date(first.year, 12, 31):
        return f"{first.year:04d}"
    if first.day == 1 and last == _last_day_of_month(last):
        start, end = f"{first:%Y-%m}", f"{last:%Y-%m}"
    else:
        start, end = first.isoformat(), last.isoformat()
    return start if start == end else f"{start}_{end}"


def records_digest(shard_records: Iterable[dict[str, Any]]) -> str:
    """What decides a shard's bytes: its records in order, Pagefind's version and our
    settings for it."""
    digest = hashlib.sha256(json.dumps(
        [MANIFEST_FORMAT, pagefind_version(), PAGEFIND_OPTIONS, _WASM_PREFIX]).encode())
    for record in shard_records:
        digest.update(b"\n" + json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def source_digest(article_digests: Iterable[bytes], names: dict[str, str], language: str,
                  places: PlaceNames | None = None) -> str:
    """What decides a shard's records: its articles as loaded (their
    :func:`~dateline.model.article_digest`, which covers every field, places and all),
    the city names, the names several cities share that records keep
    (:attr:`PlaceNames.kept`: another city's alias can make a name shared), the language
    and Dateline's code. Equal digests let a build reuse a shard without making its
    records (3 s for 10,000 articles, mostly turning Markdown into text).
    """
    digest = hashlib.sha256(json.dumps(
        [MANIFEST_FORMAT, pagefind_version(), PAGEFIND_OPTIONS, _WASM_PREFIX, package_digest(),
         language, names, sorted(places.kept.items()) if places else []], sort_keys=True,
        ensure_ascii=False).encode())
    for article in article_digests:
        digest.update(b"\n" + article)
    return digest.hexdigest()


TEXTS = "search-text"
"""Folder of the project's ``.dateline/`` in which :func:`period_records` keeps texts."""

TEXTS_FORMAT = 1


@functools.cache
def _texts_salt() -> str:
    """What decides an article's text besides its body: Dateline's code and Markdown's."""
    return f"{TEXTS_FORMAT}:{package_digest()}:{markdown.__version__}"


def period_records(shard: Shard, names: dict[str, str], language: str, places: PlaceNames,
                   digests: Mapping[str, bytes], texts: Path | None = None) -> list[dict[str, Any]]:
    """The records of a shard's articles (:func:`article_record`), their texts kept in
    ``texts/<period>.pickle`` between builds, when ``texts`` is given.

    Rendering a body's Markdown to find its text takes about 1.8 ms for 700 words, so a
    period indexed again after one edit made the texts of all its articles again: about
    1.8 s for 1,000 articles with links or emphasis, before Pagefind could start. Only
    texts that needed rendering (:func:`~dateline.text.has_markup`) are kept, by article
    digest (:attr:`~dateline.model.Archive.digests`), salted with Dateline's and
    Markdown's code; a plain body's whitespace is folded quicker than it is read back.
    """
    file = texts / f"{shard.folder}.pickle" if texts is not None else None
    stored = load_pickle(file) if file is not None and file.is_file() else None
    known = stored.get("texts") if isinstance(stored, dict) and stored.get("salt") == _texts_salt() else None
    if not isinstance(known, dict):
        known = {}  # none yet, or Dateline's or Markdown's code changed since, or damaged
    kept: dict[bytes, str] = {}
    made = []
    for article in shard.articles:
        text = None
        if has_markup(article.body):
            key = digests[article.path]
            text = known.get(key)
            if text is None:
                text = markdown_to_text(article.body)
            kept[key] = text
        made.append(article_record(article, names, language, places, text))
    if file is not None and kept.keys() != known.keys():
        with contextlib.suppress(OSError):  # a read-only project makes its texts each time
            if kept:
                dump_pickle(file, {"salt": _texts_salt(), "texts": kept})
            else:
                file.unlink(missing_ok=True)
    return made


def read_manifest(bundle: Path) -> dict[str, tuple[str, str]] | None:
    """Folder → (records hash, source hash) of the shards on disk, or None without a
    usable manifest."""
    try:
        manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != MANIFEST_FORMAT:
            return None
        return {str(s["folder"]): (str(s["hash"]), str(s.get("source", ""))) for s in manifest["shards"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _shared(path: Path) -> bool:
    """Whether a file of a shard's bundle is one every shard writes alike (kept once, at
    the top of the bundle): :data:`SHARED_FILES` and the WebAssembly."""
    return path.name in SHARED_FILES or (path.name.startswith("wasm.") and path.suffix == ".pagefind")


def _replace_file(path: Path, data: bytes) -> None:
    """Write ``path`` as a new file (temporary name, then rename), never into the old
    one: the previous site may share its inode through a hard-link copy."""
    if path.is_file() and path.read_bytes() == data:
        return
    # Shards indexed at once may each put the same shared file in place.
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _remove(path: Path) -> None:
    """Unlink a file or a folder tree (never truncate: see :func:`_replace_file`)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


_MEMORY_FOLDER = Path("/dev/shm")
_PAGES_PREFIX = "dateline-pages-"


def _pages_parent(bundle: Path) -> Path:
    """Where the pages Pagefind reads are written while it runs: in memory (Linux's
    ``/dev/shm``) where there is such a folder, else beside the bundle. Writing the
    10,000 small pages of an archive took 7.7 s on disk here, 0.9 s in memory; a shard's
    pages take about 20 MB."""
    if _MEMORY_FOLDER.is_dir() and os.access(_MEMORY_FOLDER, os.W_OK | os.X_OK):
        return _MEMORY_FOLDER
    return bundle


def _remove_stale_pages() -> None:
    """Remove the pages a killed build left in memory (their process is gone)."""
    if not _MEMORY_FOLDER.is_dir():
        return
    for leftover in _MEMORY_FOLDER.glob(f"{_PAGES_PREFIX}*"):
        pid = leftover.name.removeprefix(_PAGES_PREFIX).split("-", 1)[0]
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(leftover, ignore_errors=True)
        except (ValueError, OSError):
            continue


_PAGE_WRITER = """
import json, os, sys
top = sys.argv[1]
for relative, text in json.load(sys.stdin.buffer):
    path = os.path.join(top, *relative.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as page:
        page.write(text)
"""


def _write_pages(folder: Path, shard_records: Iterable[dict[str, Any]]) -> None:
    """Write each record's page (:func:`record_page`) under ``folder``, by a Python process
    of its own, so that this thread makes no system call per page.

    Search runs in a thread beside the pages being made. Each call that waits on the
    system lets go of the interpreter's lock, and taking it back means waiting for the
    other thread to give it up: written from here, a 1,700-article period's pages took
    2.2 s at 50,000 articles, against about 0.1 s alone.
    """
    pages = [["/".join(filter(None, (record["url"].strip("/"), "index.html"))), record_page(record)]
             for record in shard_records]
    try:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", _PAGE_WRITER, str(folder)],
                              input=json.dumps(pages, ensure_ascii=False).encode("utf-8"),
                              capture_output=True, check=False)
    except OSError as error:
        raise BuildError(f"search: could not write the pages Pagefind reads: {error}") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise BuildError("search: could not write the pages Pagefind reads: "
                         + (said[-1] if said else f"exit {done.returncode}"))


def _index_shard(bundle: Path, folder: str, shard_records: list[dict[str, Any]],
                 idle: threading.Event | None = None) -> None:
    """Index one shard into ``bundle/folder``; ``idle``, when given, is set as Pagefind starts.

    A shard indexed again (its folder already there, hard-linked from the live site) is
    indexed into a scratch folder first, in memory where there is one, and only the
    files whose bytes differ are then put in its folder (:func:`_sync_folder`): after an
    edit, a dozen of a period's thousand-odd files. Pagefind writing a period of 1,025
    articles straight to the disk took 2.6–2.8 s here, into memory 2.0–2.1 s, most of the
    difference its threads waiting on each other to create files in one folder.
    """
    output = bundle / folder
    again = output.is_dir() and not output.is_symlink()
    if not again:
        _remove(output)
    prefix = f"{_PAGES_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=_pages_parent(bundle)) as scratch:
        pages = Path(scratch) / "pages"
        written = Path(scratch) / "bundle" if again else output
        _write_pages(pages, shard_records)
        if idle is not None:
            idle.set()
        run_pagefind(pages, written)
        canonicalize_bundle(written, _WASM_PREFIX)
        # What every shard writes alike lives once at the top (the search page imports
        # pagefind.js from there, and the entry now points there for the WebAssembly);
        # Pagefind's ready-made UIs would each see one shard only, so they go.
        for path in sorted(written.iterdir()):
            if _shared(path):
                _replace_file(bundle / path.name, path.read_bytes())
                path.unlink()
            elif path.name.startswith(_UI_FILES):
                path.unlink()
        if again:
            _sync_folder(written, output)


def _sync_folder(new: Path, old: Path) -> None:
    """Make the folder ``old`` hold exactly what ``new`` holds, writing only the files
    whose bytes differ, each as a new file (:func:`_replace_file`), and removing what
    ``new`` lacks."""
    wanted = {entry.name: entry.is_dir(follow_symlinks=False) for entry in os.scandir(new)}
    for entry in os.scandir(old):
        if wanted.get(entry.name) != entry.is_dir(follow_symlinks=False) or entry.is_symlink():
            _remove(Path(entry.path))
    for name, is_folder in sorted(wanted.items()):
        if is_folder:
            (old / name).mkdir(exist_ok=True)
            _sync_folder(new / name, old / name)
        else:
            _replace_file(old / name, (new / name).read_bytes())


_UI_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


@dataclass(frozen=True)
class IndexPlan:
    """What an archive's search index is made of, known before anything is read from
    disk: the periods, and a hash of what each one's records are made from."""

    names: dict[str, str]
    language: str
    places: PlaceNames
    shards: list[Shard]
    sources: list[str]
    """:func:`source_digest` of each shard."""

    def stale(self, previous: Mapping[str, tuple[str, str]]) -> dict[str, int]:
        """The periods whose records must be made again, by folder, with their number
        of articles: those a manifest (:func:`read_manifest`) does not list as made from
        the same sources."""
        return {shard.folder: len(shard.articles)
                for shard, source in zip(self.shards, self.sources, strict=True)
                if (known := previous.get(shard.folder)) is None or known[1] != source}


def plan_index(archive: Archive, cap: int | None = None) -> IndexPlan:
    """The :class:`IndexPlan` of ``archive`` (``cap`` as :func:`index_site` takes it)."""
    names = city_names(archive)
    language = index_language(archive)
    places = place_table(archive)
    shards = plan_shards(archive.articles, cap or SHARD_CAP)
    digests = archive.digests
    sources = [source_digest([digests[a.path] for a in shard.articles], names, language, places)
               for shard in shards]
    return IndexPlan(names, language, places, shards, sources)


def index_site(archive: Archive, site_dir: Path, cap: int | None = None,
               workers: int | None = None, cancel: threading.Event | None = None,
               hold: Callable[[int], None] | None = None, texts: Path | None = None,
               idle: threading.Event | None = None, plan: IndexPlan | None = None) -> SearchReport:
    """Write the search bundle for ``archive`` into ``site_dir/pagefind``: one Pagefind
    bundle per shard (see :func:`plan_shards`; ``cap`` defaults to :data:`SHARD_CAP`)
    and ``manifest.json`` listing them.

    When the folder already holds a bundle with a manifest (the previous site, copied
    with hard links), only shards whose records changed are indexed again; the others
    are kept as they are. No existing file is ever written into: a shard indexed again
    is removed first, and the manifest is replaced by a rename. Pagefind indexes up to
    ``workers`` shards at once (by default as many as :data:`SEARCH_WORKERS`, the cores
    and :data:`SEARCH_ARTICLES_AT_ONCE` allow), so its memory is bounded by ``cap`` and
    ``workers``, not by the archive. Once ``cancel`` is set, no further shard starts and
    the call fails. ``hold``, when given, is told how many articles the shards to index
    again hold before Pagefind starts, and may wait (see :func:`dateline.build._indexing`).
    ``texts``, when given, keeps the articles' texts between calls (:func:`period_records`).
    ``idle``, when given, is set once the calling thread has little left to do for a
    while: as Pagefind starts on the first period, or at the end, whichever comes first.
    ``plan``, when given, is ``archive``'s :func:`plan_index` with ``cap``.
    """
    try:
        return _index_site(archive, site_dir, workers, cancel, hold, texts, idle,
                           plan or plan_index(archive, cap))
    finally:
        if idle is not None:
            idle.set()


def _index_site(archive: Archive, site_dir: Path, workers: int | None,
                cancel: threading.Event | None, hold: Callable[[int], None] | None,
                texts: Path | None, idle: threading.Event | None, plan: IndexPlan) -> SearchReport:
    started = time.perf_counter()
    # Absolute, because Pagefind runs in a folder of its own and would resolve a relative
    # output path from there.
    site = site_dir.resolve()
    bundle = site / BUNDLE
    previous = read_manifest(bundle)
    if previous is None:
        shutil.rmtree(bundle, ignore_errors=True)  # a single-index bundle, or no bundle
        previous = {}
    bundle.mkdir(parents=True, exist_ok=True)
    _remove_stale_pages()
    # Until the new manifest is in, no shard on disk is vouched for: a run that stops
    # half-way leaves no manifest, and the next one indexes every shard.
    (bundle / MANIFEST).unlink(missing_ok=True)
    names, language, places, shards = plan.names, plan.language, plan.places, plan.shards

    def refresh(shard: Shard, known: tuple[str, str] | None) -> tuple[str, bool]:
        """The shard's records hash, and whether it was indexed again (its records differ
        from the ones on disk, or it is not on disk)."""
        if cancel is not None and cancel.is_set():
            raise BuildError("search: indexing was stopped")
        shard_records = period_records(shard, names, language, places, digests, texts)
        digest = records_digest(shard_records)
        if known is not None and known[0] == digest and (bundle / shard.folder).is_dir():
            return digest, False
        _index_shard(bundle, shard.folder, shard_records, idle)
        return digest, True

    digests = archive.digests
    # Shards whose articles, names or code changed, or that are not on disk: their
    # records are made again (and indexed again if those differ from the ones on disk).
    stale = plan.stale(previous) | {shard.folder: len(shard.articles) for shard in shards
                                    if not (bundle / shard.folder).is_dir()}
    if hold is not None:
        hold(sum(stale.values()))
    if workers is None:
        largest = max(stale.values(), default=0)
        workers = max(1, min(SEARCH_WORKERS, os.cpu_count() or 1,
                             SEARCH_ARTICLES_AT_ONCE // max(largest, 1)))
    # Each thread drives one Pagefind process and mostly waits for it.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = {shard.folder: pool.submit(refresh, shard, previous.get(shard.folder))
                    for shard in shards if shard.folder in stale}
        listed = []
        indexed = count = 0
        try:
            for shard, source in zip(shards, plan.sources, strict=True):
                count += len(shard.articles)
                if shard.folder in outcomes:
                    digest, again = outcomes[shard.folder].result()
                    indexed += again
                else:
                    digest = previous[shard.folder][0]
                listed.append({"folder": shard.folder, "from": shard.first.isoformat(),
                               "to": shard.last.isoformat(), "articles": len(shard.articles),
                               "hash": digest, "source": source})
        except BaseException:
            # A failed shard fails the build: the shards not yet started are not indexed.
            pool.shutdown(cancel_futures=True)
            raise
    if not (bundle / SHARED_FILES[0]).is_file():
        _shared_files_only(bundle)  # an archive without articles: no shard wrote them
    _write_place_names(bundle, places)
    if texts is not None and texts.is_dir():
        periods = {shard.folder for shard in shards}
        for file in texts.glob("*.pickle"):
            if file.stem not in periods:
                file.unlink(missing_ok=True)  # a period no longer in the plan
    keep = {MANIFEST, PLACES, PLACES_FOLDER, *(s["folder"] for s in listed)}
    for path in sorted(bundle.iterdir()):
        if path.name not in keep and not _shared(path):
            _remove(path)
    manifest = {"format": MANIFEST_FORMAT, "language": language, "shards": listed}
    _replace_file(bundle / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode())
    return SearchReport(count, time.perf_counter() - started, indexed, len(shards) - indexed)


def _write_place_names(bundle: Path, places: PlaceNames) -> None:
    """Put the place names' files (:attr:`PlaceNames.tables`) in the bundle, and remove
    the letters' files no longer among them."""
    tables = places.tables
    letters = bundle / PLACES_FOLDER
    if len(tables) > 1:
        letters.mkdir(exist_ok=True)
    for name, data in tables.items():
        _replace_file(bundle / name, data)
    if letters.is_dir():
        for file in sorted(letters.iterdir()):
            if f"{PLACES_FOLDER}/{file.name}" not in tables:
                _remove(file)
        if not any(letters.iterdir()):
            letters.rmdir()


def _shared_files_only(bundle: Path) -> None:
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=bundle) as scratch:
        output = Path(scratch) / "empty"
        pages = Path(scratch) / "pages"
        _write_pages(pages, [{"url": "/", "content": "empty", "language": "en", "meta": {}}])
        run_pagefind(pages, output)
        for path in output.iterdir():
            if _shared(path):
                _replace_file(bundle / path.name, path.read_bytes())
