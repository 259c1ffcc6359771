"""City resolution: the one place that decides which page a city name belongs on.

Loading reads names as written (:func:`resolve_city` only folds case and diacritics);
:func:`resolve_cities` then resolves every name against the gazetteer (GeoNames plus
the archive's ``places.yml``), so ``Kandahar``, ``Kandahār``, ``Qandahar`` and
``قندهار`` land on one page, an unknown name is an error with suggestions, and an
ambiguous one a warning naming the place chosen.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from dateline import gazetteer_index
from dateline.config import Settings
from dateline.errors import Problem
from dateline.gazetteer import Gazetteer, Place, Resolution, unique_slugs
from dateline.model import Article, CityRef
from dateline.placecheck import check_city
from dateline.places_file import PLACES_FILE, read_places
from dateline.text import slugify

AMBIGUITY_SHARE = 0.05
"""Namesakes smaller than this share of the chosen place are not worth a warning
(Kandahar, India beside Kandahar, Afghanistan); Hyderabad, India/Pakistan still is."""


def resolve_city(name: str, line: int = 0) -> CityRef:
    """A name as written, keyed by its folded form until the gazetteer resolves it."""
    return CityRef(key=slugify(name), name=name, line=line)


@functools.cache
def _geonames(cache_dir: Path) -> Gazetteer:
    # Loading costs a few hundred milliseconds; a process (tests, a server) needs it once.
    return Gazetteer.load(cache_dir)


def load_gazetteer(settings: Settings) -> tuple[Gazetteer, list[Problem]]:
    """GeoNames with the project's ``places.yml`` laid over it."""
    base = _geonames(gazetteer_index.default_cache_dir())
    display = settings.display(settings.root / PLACES_FILE)
    overlay, problems = read_places(settings.root, base, display=display)
    return base.with_overlay(overlay), problems


class CityResolver:
    """Resolves names once each, and gives every place a page slug that never moves.

    The slug is decided among all the gazetteer's namesakes, not just the archive's, so
    adding an article about Paris, Texas never renames the page of Paris, France.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._resolved: dict[tuple[str, tuple[str, ...]], tuple[Resolution, list[Problem]]] = {}
        self._slugs: dict[str, str] = {}
        self._warned: set[str] = set()
        self._plain: dict[str, Resolution] = {}
        """Names resolved without context, for :meth:`context`."""
        self._contexts: dict[tuple[str, ...], tuple[str, ...]] = {}

    def slug(self, place: Place) -> str:
        if place.id not in self._slugs:
            namesakes = {p.id: p for p in self.gazetteer.candidates(place.name)}
            namesakes[place.id] = place
            self._slugs[place.id] = unique_slugs(list(namesakes.values()))[place.id]
        return self._slugs[place.id]

    def resolve(self, city: CityRef, path: str,
                prefer: tuple[str, ...] = ()) -> tuple[CityRef | None, list[Problem]]:
        """``prefer``: country codes of the article's other places, to decide between namesakes."""
        if (city.name, prefer) not in self._resolved:
            self._resolved[city.name, prefer] = check_city(
                self.gazetteer, city.name, "", 0, prefer_countries=prefer, min_share=AMBIGUITY_SHARE)
        result, problems = self._resolved[city.name, prefer]
        found = [dataclasses.replace(p, path=path, line=city.line) for p in problems
                 if p.is_error or city.name not in self._warned]
        if problems and not problems[0].is_error:
            self._warned.add(city.name)  # one ambiguity warning per name, not per article
        if result.place is None:
            return None, found
        return CityRef(key=self.slug(result.place), name=city.name, line=city.line,
                       place=result.place), found

    def context(self, names: Iterable[str]) -> tuple[str, ...]:
        """Countries of the names that mean one place only, most named first; once per list
        of names (many articles name the same few places together)."""
        names = tuple(names)
        known = self._contexts.get(names)
        if known is None:
            known = self._contexts[names] = self._context(names)
        return known

    def _context(self, names: tuple[str, ...]) -> tuple[str, ...]:
        countries: Counter[str] = Counter()
        for name in names:
            if name not in self._plain:
                self._plain[name] = self.gazetteer.resolve(name)
            result = self._plain[name]
            if result.place is not None and not result.ambiguous and result.place.country_code:
                countries[result.place.country_code] += 1
        return tuple(code for code, _ in countries.most_common())


def resolve_cities(articles: Iterable[Article], gazetteer: Gazetteer) -> tuple[list[Article], list[Problem]]:
    """Every article with its cities resolved; articles naming an unknown place are left out."""
    resolver = CityResolver(gazetteer)
    resolved: list[Article] = []
    problems: list[Problem] = []
    for article in articles:
        cities: dict[str, CityRef] = {}
        as_written: dict[str, CityRef] = {}
        prefer = resolver.context(c.name for c in article.cities) if len(article.cities) > 1 else ()
        for city in article.cities:
            ref, found = resolver.resolve(city, article.path, prefer)
            problems.extend(found)
            if ref is not None:
                as_written[city.key] = cities.setdefault(ref.key, ref)
        if len(as_written) == len(article.cities):
            resolved.append(dataclasses.replace(article, cities=tuple(cities.values()),
                                                dateline=as_written[article.dateline.key]))
    return resolved, problems


def display_names(articles: Iterable[Article]) -> dict[str, str]:
    """Each city's display name: the gazetteer's, else the spelling most articles use."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    places: dict[str, Place] = {}
    for article in articles:
        for city in article.cities:
            spellings[city.key][city.name] += 1
            if city.place is not None:
                places[city.key] = city.place
    return {key: places[key].name if key in places else
            min(counts, key=lambda name: (-counts[name], name))
            for key, counts in spellings.items()}


def places_of(articles: Iterable[Article]) -> dict[str, Place]:
    return {city.key: city.place for article in articles for city in article.cities
            if city.place is not None}
