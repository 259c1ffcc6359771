"""A deterministic synthetic archive for benchmarks: N articles built in memory.

The words follow a Zipf-like curve over a made-up vocabulary (plus the archive's real
city names), so the index has the shape of real news text: a few very common words and
a long tail. Nothing here is news; a fuller ``dateline demo`` generator comes later.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from dateline.archive import group
from dateline.model import Archive, Article, CityRef
from dateline.text import slugify

CITIES = ("Kabul", "Kandahar", "Herat", "Mazār-e Sharīf", "Jalalabad", "Kunduz", "Ghazni",
          "Lashkar Gah", "Taloqan", "Pul-e Khumri", "Khost", "Bamyan", "Farah", "Zaranj",
          "Sheberghan", "Faizabad", "Gardez", "Charikar", "Maimana", "Sar-e Pul")
SOURCES = ("Synthetic Wire", "Example Daily", "Test Gazette", "Placeholder Times", None)
TAGS = ("offensive", "evacuation", "diplomacy", "economy", "refugees", "aid", "elections",
        "security", "health", "education", "women's rights", "drought")
_SYLLABLES = ("ka", "ra", "lo", "mi", "ten", "sor", "vel", "du", "pan", "qui", "zer", "om",
              "bri", "sta", "nu", "ghe", "fal", "tor", "wen", "ix")


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_archive(count: int, seed: int = 2021, words: int = 700) -> Archive:
    """``count`` articles over five years, 1–3 cities each, ~``words`` words of body."""
    rng = random.Random(seed)
    vocab = vocabulary(30_000, rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    start = dt.date(2019, 1, 1)
    articles = []
    for number in range(count):
        day = start + dt.timedelta(days=rng.randrange(5 * 365))
        names = rng.sample(CITIES, rng.randint(1, 3))
        cities = tuple(CityRef(slugify(name), name) for name in names)
        title_words = rng.choices(vocab, cum_weights=weights, k=6)
        title = f"{names[0]}: {' '.join(title_words).capitalize()} ({number})"
        paragraphs = []
        for _ in range(words // 70):
            sentence = rng.choices(vocab, cum_weights=weights, k=70)
            sentence[rng.randrange(70)] = rng.choice(names)
            paragraphs.append(" ".join(sentence).capitalize() + ".")
        body = "\n\n".join(paragraphs)
        source = rng.choice(SOURCES)
        articles.append(Article(
            path=f"articles/{day:%Y}/synthetic-{number}.md", title=title, date=day, timestamp=None,
            cities=cities, dateline=cities[0], slug=f"synthetic-{number}", body=body,
            summary=paragraphs[0][:200], source=source,
            url=f"https://example.org/{number}" if source else None,
            tags=tuple(rng.sample(TAGS, rng.randint(0, 3))),
        ))
    return group(articles, "Synthetic archive", "Benchmark data")
