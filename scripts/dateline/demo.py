"""``dateline demo``: a deterministic synthetic archive, for trying Dateline and for benchmarks.

Every file says it is synthetic (a comment, the source and a tag), and the words are
made-up syllables, so nothing generated here can pass for news. The same seed and
count always give the same files, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dateline.archive import group
from dateline.errors import DatelineError
from dateline.model import Archive, Article, CityRef
from dateline.text import plural, slugify, truncate
from dateline.writer import atomic_write

# Real places, so that city pages and the gazetteer have something to resolve; weighted
# by how often a news archive of the region would name them (Zipf-like, first is most).
CITIES = (
    "Kabul", "Kandahar", "Herat", "Mazar-i-Sharif", "Jalalabad", "Kunduz", "Ghazni",
    "Lashkar Gah", "Islamabad", "Peshawar", "Doha", "Tehran", "Khost", "Taloqan",
    "Pul-e Khumri", "Bamyan", "Farah", "Zaranj", "Sheberghan", "Faizabad", "Gardez",
    "Charikar", "Maimana", "Quetta", "Mashhad", "Dushanbe", "Tashkent", "Washington",
    "London", "Geneva",
)
SOURCES = ("Synthetic Wire", "Example Daily", "Test Gazette", "Placeholder Times", "Sample Radio")
TAGS = ("offensive", "evacuation", "diplomacy", "economy", "refugees", "aid", "elections",
        "security", "health", "education", "women's rights", "drought", "media", "courts")
_SYLLABLES = ("ka", "ra", "lo", "mi", "ten", "sor", "vel", "du", "pan", "qui", "zer", "om",
              "bri", "sta", "nu", "ghe", "fal", "tor", "wen", "ix")
_OFFSETS = ("+04:30", "+05:00", "+00:00", "-05:00")


@dataclass(frozen=True)
class DemoArticle:
    path: str
    """Relative to the output folder: ``YYYY/MM/<slug>.md``."""
    text: str


class _Words:
    """Made-up words with real text's shape: a Zipf-like frequency curve, and the commoner
    a word, the shorter it tends to be (ranked by length, with some noise).

    That gives 5.3 letters a word, 6.5 bytes with spaces and punctuation: what the sample
    article has (``shared/seed``: 5.31 letters, 6.5 bytes), so pages, search index and
    site weigh what real articles of the same length would. Words drawn at random from
    the vocabulary would average 9.3 letters and make every article half as heavy again.
    """

    def __init__(self, rng: random.Random, size: int = 20_000) -> None:
        words: set[str] = set(_SYLLABLES)
        while len(words) < size:
            words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        self.words.sort(key=lambda word: len(word) + rng.gauss(0, 0.8))
        self.weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))
        self.rng = rng

    def take(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.weights, k=count)


@dataclass(frozen=True)
class _Record:
    number: int
    day: dt.date
    when: str
    """``date:`` as written: the day, or a time with an offset for some."""
    cities: tuple[str, ...]
    title: str
    paragraphs: tuple[str, ...]
    source: str
    tags: tuple[str, ...]

    @property
    def slug(self) -> str:
        return f"synthetic-{self.number:06d}"


def _records(count: int, seed: int, years: int, start: dt.date) -> Iterator[_Record]:
    rng = random.Random(seed)
    words = _Words(rng)
    city_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(CITIES))))
    span = years * 365
    for number in range(1, count + 1):
        day = start + dt.timedelta(days=rng.randrange(span))
        cities: list[str] = []
        while len(cities) < rng.choice((1, 1, 2, 2, 3)):
            city = rng.choices(CITIES, cum_weights=city_weights)[0]
            if city not in cities:
                cities.append(city)
        title = f"{cities[0]}: {' '.join(words.take(rng.randint(4, 9))).capitalize()}"
        length = int(min(2500, max(150, rng.lognormvariate(math.log(650), 0.4))))
        paragraphs = []
        while length > 0:
            size = min(length, rng.randint(30, 90))
            sentence = words.take(size)
            sentence[rng.randrange(size)] = rng.choice(cities)
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            paragraphs.append(" ".join(sentence) + ".")
            length -= size
        when: str = day.isoformat()
        if rng.random() < 0.3:
            when = f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00{rng.choice(_OFFSETS)}"
        source = rng.choice(SOURCES) + " (synthetic)"
        tags = ("synthetic", *rng.sample(TAGS, rng.randint(0, 3)))
        yield _Record(number, day, when, tuple(cities), title, tuple(paragraphs), source, tags)


def generate(count: int, seed: int = 1, years: int = 5,
             start: dt.date = dt.date(2019, 1, 1)) -> Iterator[DemoArticle]:
    """``count`` synthetic article files over ``years`` years, 1–3 cities each, ~650 words."""
    for record in _records(count, seed, years, start):
        front = [
            "---",
            f"# Synthetic article {record.number} of `dateline demo` (seed {seed}): not news.",
            f"title: {json.dumps(record.title)}",
            f"date: {record.when}",
            f"cities: {json.dumps(list(record.cities), ensure_ascii=False)}",
            f"source: {json.dumps(record.source)}",
            f"url: https://example.org/synthetic/{record.number}",
            f"tags: {json.dumps(list(record.tags))}",
            "---",
        ]
        body = "\n\n".join(record.paragraphs)
        yield DemoArticle(f"{record.day:%Y/%m}/{record.slug}.md", "\n".join(front) + "\n\n" + body + "\n")


def demo_archive(count: int, seed: int = 1, years: int = 5,
                 start: dt.date = dt.date(2019, 1, 1)) -> Archive:
    """The same articles as :func:`generate`, built in memory without files or gazetteer:
    for benchmarks of the later stages (rendering, search, audit) at large sizes."""
    articles = []
    for record in _records(count, seed, years, start):
        cities = tuple(CityRef(slugify(name), name) for name in record.cities)
        timestamp = dt.datetime.fromisoformat(record.when) if "T" in record.when else None
        articles.append(Article(
            path=f"articles/{record.day:%Y/%m}/{record.slug}.md", title=record.title, date=record.day,
            timestamp=timestamp, cities=cities, dateline=cities[0], slug=record.slug,
            body="\n\n".join(record.paragraphs), summary=truncate(record.paragraphs[0], 300),
            source=record.source, url=f"https://example.org/synthetic/{record.number}",
            tags=record.tags))
    return group(articles, "Synthetic archive", "Generated by dateline demo: not news")


_MARK = b"---\n# Synthetic article "
"""How every file :func:`generate` makes begins: what tells the demo's files from a user's."""
_LAYOUT = re.compile(r"\d{4}(?:/\d{2}(?:/synthetic-\d{6}\.md)?)?")
"""The paths the demo writes under its folder (``YYYY/MM/synthetic-NNNNNN.md``) and their folders."""
SHOWN = 10
"""Paths listed when some are in the demo's way; the rest are counted."""


def write_demo(out: Path, count: int, seed: int = 1) -> int:
    """Write the demo articles under ``out``; returns how many files changed.

    Its own files (of any seed) it writes again; a file it did not write it never
    overwrites. Such a file in its way, or a folder it cannot write in, is a
    :class:`DatelineError` before any file is written.
    """
    try:
        _check_folder(out)
        in_the_way = _in_the_way(out, count, seed)
    except OSError as error:  # a folder on the way that may not be looked into
        raise DatelineError(f"{error.filename or out}: cannot be read ({error.strerror})") from None
    if in_the_way:
        listed = [f"  {out / path}" for path in in_the_way[:SHOWN]]
        if len(in_the_way) > SHOWN:
            listed.append(f"  … and {len(in_the_way) - SHOWN} more")
        raise DatelineError(f"{out}: dateline demo wrote nothing: {plural(len(in_the_way), 'path')} in its "
                            "way (files it did not write, or folders it cannot write in); move them, "
                            "or give --out another folder:\n" + "\n".join(listed))
    changed = 0
    try:
        for item in generate(count, seed):
            target = out / item.path
            data = item.text.encode("utf-8")
            if not target.exists() or target.read_bytes() != data:
                atomic_write(target, data)
                changed += 1
    except OSError as error:  # the disk full, or the folder changed meanwhile
        raise DatelineError(f"{error.filename or out}: cannot be written ({error.strerror}); "
                            f"{changed} of {count} articles were written") from None
    return changed


def _check_folder(out: Path) -> None:
    """``out`` is a folder the demo can write in, or one it can make."""
    if out.exists() and not out.is_dir():
        raise DatelineError(f"{out}: is a file, not a folder; give --out a folder for the articles")
    existing = next(folder for folder in (out, *out.parents) if folder.exists() or folder == Path())
    if not existing.is_dir():
        raise DatelineError(f"{out}: cannot be made: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise DatelineError(f"{out}: cannot be written: {existing} is not writable")


def _in_the_way(out: Path, count: int, seed: int) -> list[str]:
    """What under ``out`` the demo's files would overwrite, or would not get past: a file
    of the demo's name it did not write, a file where its folder goes, a folder it cannot
    write in. Paths relative to ``out``; none when ``out`` is new or holds none of these.

    A look at the names finds the suspects; the demo's own paths, which depend on all
    of its text, are drawn only when there are some.
    """
    suspects = {relative for relative, path in _layout(out) if not _ours(path)}
    if not suspects:
        return []
    blocked = set()
    for item in generate(count, seed):
        year, month, _name = item.path.split("/")
        blocked.update(suspects & {year, f"{year}/{month}", item.path})
    return sorted(blocked)


def _layout(out: Path) -> Iterator[tuple[str, Path]]:
    """Whatever under ``out`` has the name of a path of the demo's layout, with its path."""
    if not out.is_dir():
        return
    for folder, dirs, names in os.walk(out, followlinks=True):  # a linked year's files too
        relative = Path(folder).relative_to(out).as_posix()
        entries = [*dirs, *names]
        dirs[:] = [d for d in dirs if relative.count("/") < 1 and _LAYOUT.fullmatch(_join(relative, d))]
        for entry in entries:
            if _LAYOUT.fullmatch(_join(relative, entry)):
                yield _join(relative, entry), Path(folder, entry)


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def _ours(path: Path) -> bool:
    """Whether the demo may write at ``path`` of its layout: a folder it can write in, or
    a file it wrote itself."""
    if path.is_dir():
        return path.suffix != ".md" and os.access(path, os.W_OK | os.X_OK)
    if path.suffix != ".md":
        return False  # a file where the demo's year or month folder goes
    try:
        with path.open("rb") as handle:
            return handle.read(len(_MARK)) == _MARK
    except OSError:
        return False
