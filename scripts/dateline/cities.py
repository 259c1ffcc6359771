"""City resolution: the one place that decides which page a city name belongs on.

For now a city is its name: spellings that differ only in case or diacritics
(``Kandahār``, ``kandahar``) share one key and so one page. A gazetteer can replace
:func:`resolve_city` without anything else changing.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable

from dateline.errors import Problem, Severity
from dateline.model import Article, CityRef
from dateline.text import slugify


def resolve_city(name: str, line: int = 0) -> CityRef:
    return CityRef(key=slugify(name), name=name, line=line)


def display_names(articles: Iterable[Article]) -> dict[str, str]:
    """The spelling most articles use for each city; ties go to the alphabetically first."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for city in article.cities:
            spellings[city.key][city.name] += 1
    return {key: min(counts, key=lambda name: (-counts[name], name))
            for key, counts in spellings.items()}


def near_misses(articles: Iterable[Article], rare: int = 2) -> list[Problem]:
    """Warn where a rarely used city looks like a misspelling of a more common one."""
    articles = list(articles)
    counts: Counter[str] = Counter(c.key for a in articles for c in a.cities)
    names = display_names(articles)
    keys = sorted(counts)
    problems = []
    for article in articles:
        for city in article.cities:
            if counts[city.key] > rare:
                continue
            candidates = [k for k in difflib.get_close_matches(city.key, keys, n=3, cutoff=0.8)
                          if k != city.key and counts[k] > counts[city.key]]
            if candidates:
                best = candidates[0]
                problems.append(Problem(
                    article.path, city.line, "cities",
                    f'"{city.name}" is used in only {counts[city.key]} article(s); did you mean '
                    f'"{names[best]}" (in {counts[best]})?', Severity.WARNING))
    return problems
