"""City resolution: the one place that decides which page a city name belongs on.

Loading reads names as written (:func:`resolve_city` only folds case and diacritics);
:func:`resolve_cities` then resolves every name against the gazetteer (GeoNames plus
the archive's ``places.yml``), so ``Kandahar``, ``Kandahār``, ``Qandahar`` and
``قندهار`` land on one page, an unknown name is an error with suggestions, and an
ambiguous one a warning naming the place chosen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dateline import gazetteer_index
from dateline.config import Settings
from dateline.errors import Problem
from dateline.gazetteer import Gazetteer, Place, Resolution, unique_slugs
from dateline.model import Article, CityRef
from dateline.placecheck import check_city, look_alike_problems, pinned_names
from dateline.places_file import PLACES_FILE, read_places
from dateline.readcache import dump_pickle, load_pickle, package_digest
from dateline.text import fold, slugify

K = TypeVar("K")
V = TypeVar("V")

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


@dataclass
class Answers:
    """What a :class:`CityResolver` asked its gazetteer, and the answers; for one gazetteer
    (GeoNames and ``places.yml``) they hold for every build, so they are kept between
    builds (:func:`resolve_places`)."""

    resolved: dict[tuple[str, tuple[str, ...]], tuple[Resolution, list[Problem]]] = field(
        default_factory=dict)
    """By name and preferred countries: the resolution and its problems (no path or line)."""
    slugs: dict[str, str] = field(default_factory=dict)
    """Page slug by place id."""
    contexts: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    """Countries of an article's list of names (:meth:`CityResolver.context`)."""

    def size(self) -> tuple[int, int, int]:
        return len(self.resolved), len(self.slugs), len(self.contexts)


class CityResolver:
    """Resolves names once each, and gives every place a page slug that never moves.

    The slug is decided among all the gazetteer's namesakes, not just the archive's, so
    adding an article about Paris, Texas never renames the page of Paris, France.

    ``gazetteer`` may be a function making it: it is then called only when a question
    is not among the ``known`` answers. :attr:`used` collects the answers given, known or
    new, and :attr:`asked` says whether the gazetteer was needed.
    """

    def __init__(self, gazetteer: Gazetteer | Callable[[], Gazetteer], known: Answers | None = None) -> None:
        self._gazetteer = gazetteer
        self._known = known or Answers()
        self.used = Answers()
        self.asked = False
        self._warned: set[str] = set()
        self._plain: dict[str, Resolution] = {}
        """Names resolved without context, for :meth:`context`."""

    @property
    def gazetteer(self) -> Gazetteer:
        self.asked = True
        if not isinstance(self._gazetteer, Gazetteer):
            self._gazetteer = self._gazetteer()
        return self._gazetteer

    def slug(self, place: Place) -> str:
        known = _either(self.used.slugs, self._known.slugs, place.id)
        if known is None:
            namesakes = {p.id: p for p in self.gazetteer.candidates(place.name)}
            namesakes[place.id] = place
            known = unique_slugs(list(namesakes.values()))[place.id]
        self.used.slugs[place.id] = known
        return known

    def resolve(self, city: CityRef, path: str,
                prefer: tuple[str, ...] = ()) -> tuple[CityRef | None, list[Problem]]:
        """``prefer``: country codes of the article's other places, to decide between namesakes."""
        question = (city.name, prefer)
        answer = _either(self.used.resolved, self._known.resolved, question)
        if answer is None:
            answer = check_city(self.gazetteer, city.name, "", 0, prefer_countries=prefer,
                                min_share=AMBIGUITY_SHARE)
        self.used.resolved[question] = answer
        result, problems = answer
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
        known = _either(self.used.contexts, self._known.contexts, names)
        if known is None:
            known = self._context(names)
        self.used.contexts[names] = known
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


_Resolved = tuple[tuple[CityRef, ...], CityRef | None, list[Problem]]


def resolve_cities(articles: Iterable[Article],
                   gazetteer: Gazetteer | CityResolver) -> tuple[list[Article], list[Problem]]:
    """Every article with its cities resolved; articles naming an unknown place are left out."""
    resolver = gazetteer if isinstance(gazetteer, CityResolver) else CityResolver(gazetteer)
    resolved: list[Article] = []
    problems: list[Problem] = []
    done: dict[tuple[tuple[CityRef, ...], str], _Resolved] = {}
    """By list of places as written (names and lines) and dateline, when resolving it found
    no problem: most articles name one of a few hundred such lists (a tenth of a second
    saved at 10,000 articles). A list with problems is resolved for each article, so each
    file gets its errors, and each ambiguous name its one warning."""
    for article in articles:
        key = (article.cities, article.dateline.key)
        known = done.get(key)
        if known is None:
            known = _resolve_list(resolver, article)
            problems.extend(known[2])
            if not known[2]:
                done[key] = known
        cities, dateline, _found = known
        if dateline is not None:
            resolved.append(dataclasses.replace(article, cities=cities, dateline=dateline))
    return resolved, problems


def _resolve_list(resolver: CityResolver, article: Article) -> _Resolved:
    """The article's places resolved, its dateline (None when a place is unknown), and the
    problems found."""
    cities: dict[str, CityRef] = {}
    as_written: dict[str, CityRef] = {}
    problems: list[Problem] = []
    prefer = resolver.context(c.name for c in article.cities) if len(article.cities) > 1 else ()
    for city in article.cities:
        ref, found = resolver.resolve(city, article.path, prefer)
        problems.extend(found)
        if ref is not None:
            as_written[city.key] = cities.setdefault(ref.key, ref)
    if len(as_written) != len(article.cities):
        return (), None, problems
    return tuple(cities.values()), as_written[article.dateline.key], problems


ANSWERS_FILE = "place-answers.pickle"


def resolve_places(articles: Iterable[Article], settings: Settings) -> tuple[list[Article], list[Problem]]:
    """:func:`load_gazetteer`'s problems, and :func:`resolve_cities` against it, without
    loading GeoNames when every question was answered before.

    Loading GeoNames' 34,000 places is 0.15–0.2 s of every build and every check, while
    an archive names the same few hundred places over and over. The answers given (a
    name's place or problem, a place's slug, the countries of a list of names) depend
    only on Dateline's code, GeoNames' version and ``places.yml``, so they are kept in
    ``.dateline/place-answers.pickle``, salted with all three; a name not asked before
    loads the gazetteer as always. Only the answers this build used are kept.
    """
    display = settings.display(settings.root / PLACES_FILE)
    salt = _answers_salt(settings, display)
    file = settings.root / ".dateline" / ANSWERS_FILE
    stored = _load_answers(file, salt)
    if stored is None:
        gazetteer, place_problems = load_gazetteer(settings)
        resolver = CityResolver(gazetteer)
    else:
        place_problems, known = stored
        resolver = CityResolver(lambda: load_gazetteer(settings)[0], known)
    resolved, problems = resolve_cities(articles, resolver)
    pinned = pinned_names(result for result, _ in resolver.used.resolved.values())
    problems += look_alike_problems(resolved, pinned=pinned)
    if salt is not None and (stored is None or resolver.asked or resolver.used.size() != stored[1].size()):
        with contextlib.suppress(OSError):  # a read-only project only resolves anew each time
            dump_pickle(file, {"salt": salt, "problems": place_problems, "answers": resolver.used})
    return resolved, place_problems + problems


def _either(first: dict[K, V], second: dict[K, V], key: K) -> V | None:
    """``key``'s value in ``first``, else in ``second``, else None."""
    if key in first:
        return first[key]
    return second.get(key)


def _answers_salt(settings: Settings, display: str) -> str | None:
    """Everything the answers depend on, or None when ``places.yml`` cannot be read (its
    problem is then reported by loading the gazetteer, every time)."""
    try:
        places = hashlib.sha256((settings.root / PLACES_FILE).read_bytes()).hexdigest()
    except FileNotFoundError:
        places = "none"
    except OSError:
        return None
    gazetteer = gazetteer_index.cache_file(Path()).name  # names GeoNames' and Python's versions
    return "\0".join([package_digest(), gazetteer, places, display])


def _load_answers(file: Path, salt: str | None) -> tuple[list[Problem], Answers] | None:
    stored = None if salt is None else load_pickle(file)
    if isinstance(stored, dict) and stored.get("salt") == salt and isinstance(stored.get("answers"), Answers):
        return list(stored["problems"]), stored["answers"]
    return None


def display_names(articles: Iterable[Article]) -> dict[str, str]:
    """Each city's display name: the gazetteer's, else the spelling most articles use;
    the archive's namesakes told apart (:func:`told_apart`)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    places: dict[str, Place] = {}
    for article in articles:
        for city in article.cities:
            spellings[city.key][city.name] += 1
            if city.place is not None:
                places[city.key] = city.place
    return told_apart({key: places[key].name if key in places else
                       min(counts, key=lambda name: (-counts[name], name))
                       for key, counts in spellings.items()}, places)


def told_apart(names: Mapping[str, str], places: Mapping[str, Place]) -> dict[str, str]:
    """``names`` (city key → name), those several cities share (case and diacritics
    aside) each with what tells it from the others: its country (``Hyderabad, Pakistan``),
    else its region where the country is shared (``Springfield, Massachusetts``), else its
    country and where it lies (two ``Aurangabad``, India, whose regions GeoNames does not
    name), else its key.

    Cities are shown and chosen by these names: pages and their titles, feeds, ``/cities/``,
    the search filter, whose values must be one city each. A city without a namesake in the
    archive keeps its name as it is, so only archives with namesakes see a difference.
    """
    namesakes: dict[str, list[str]] = defaultdict(list)
    for key, name in names.items():
        namesakes[fold(name)].append(key)
    distinct = dict(names)
    for keys in namesakes.values():
        if len(keys) > 1:
            distinct.update(_qualified(sorted(keys), names, places))
    return distinct


def _qualified(keys: list[str], names: Mapping[str, str], places: Mapping[str, Place]) -> dict[str, str]:
    """Namesakes' names, each with the first qualifier that no other of them shares."""

    def ways(key: str) -> list[str]:
        name, place = names[key], places.get(key)
        if place is None:
            return [f"{name} ({key})"]
        where = place.coordinates
        return [f"{name}, {place.country}" if place.country else "",
                f"{name}, {place.region}" if place.region else "",
                f"{name}, {place.country} ({where})" if where and place.country else "",
                f"{name} ({key})"]

    candidates = {key: ways(key) for key in keys}
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for level in range(max(len(way) for way in candidates.values())):
        left = [key for key in keys if key not in chosen]
        wanted = {key: candidates[key][min(level, len(candidates[key]) - 1)] for key in left}
        alike = Counter(fold(name) for name in wanted.values() if name)
        for key, name in wanted.items():
            if name and alike[fold(name)] == 1 and fold(name) not in taken:
                chosen[key] = name
                taken.add(fold(name))
    return chosen


def places_of(articles: Iterable[Article]) -> dict[str, Place]:
    return {city.key: city.place for article in articles for city in article.cities
            if city.place is not None}
