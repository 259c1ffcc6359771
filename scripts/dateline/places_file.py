"""The archive's own ``places.yml``: what it adds to GeoNames, checked like an article.

The file sits beside ``mkdocs.yml``::

    places:
      - name: Bagram                # a place GeoNames lacks
        country: AF                 # code or English name
        region: Parwan
        lat: 34.946
        lon: 69.265
        aliases: [Bagram Airfield]
      - geonames: 2886242           # a GeoNames place: new display name, region, aliases
        name: Cologne
    pins:
      Hyderabad: Hyderabad, Pakistan  # or geonames:1176734, 1176734, local:bagram

Every mistake is a :class:`~dateline.errors.Problem` with its line; nothing raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dateline.errors import Problem, Severity
from dateline.gazetteer import Gazetteer, Overlay, Place
from dateline.placenames import name_key
from dateline.text import SLUG_MAX, SLUG_RE, slugify

PLACES_FILE = "places.yml"
NEW_KEYS = ("name", "country", "region", "lat", "lon", "aliases", "id", "population")
GEONAMES_KEYS = ("geonames", "name", "region", "aliases")


@dataclass
class _Reader:
    path: str
    gazetteer: Gazetteer
    loader: yaml.SafeLoader
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: yaml.Node, where: str, message: str,
              severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1, where, message, severity))

    def mapping(self, node: yaml.Node, where: str, known: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, where, "must be 'key: value' lines")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                self.error(key_node, f"{where}.{key}", "appears twice")
            elif known and key not in known:
                self.error(key_node, f"{where}.{key}", f"unknown key, ignored (known: {', '.join(known)})",
                           Severity.WARNING)
            else:
                result[key] = value_node
        return result

    def value(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, yaml.YAMLError):
            return None

    def text(self, node: yaml.Node | None, where: str) -> str | None:
        if node is None:
            return None
        value = self.value(node)
        if value is None or (isinstance(value, str) and not value.strip()):
            # "quote it" would not help a blank: say what is wrong with it.
            self.error(node, where, "is empty")
            return None
        if not isinstance(value, str):
            self.error(node, where, f'"{getattr(node, "value", value)}" is not a name; quote it if it is')
            return None
        return " ".join(value.split())

    def texts(self, node: yaml.Node | None, where: str) -> tuple[str, ...]:
        if node is None:
            return ()
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        return tuple(t for i, item in enumerate(items, 1) if (t := self.text(item, f"{where}[{i}]")))

    def number(self, node: yaml.Node | None, where: str, what: str, low: float, high: float,
               whole: bool = False) -> float | None:
        """A number from ``low`` to ``high`` (``what`` it is, for the message).

        A number out of range is told as such, not as "not a number": 134.9 is a number,
        just no latitude. ``.nan`` is no number at all, whatever range it is compared with.
        """
        if node is None:
            return None
        value = self.value(node)
        written = getattr(node, "value", value)
        kind = "whole number" if whole else "number"
        if value is None:
            self.error(node, where, f"is empty (a {kind} from {low:,.0f} to {high:,.0f})")
            return None
        if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                or (whole and not float(value).is_integer())):
            self.error(node, where, f'"{written}" is not a {kind}')
            return None
        if not low <= value <= high:
            self.error(node, where, f"{written} is out of range: {what} is from {low:,.0f} to {high:,.0f}")
            return None
        return float(value)

    def country(self, node: yaml.Node | None, where: str) -> str | None:
        written = self.text(node, where)
        if written is None or node is None:
            return None
        if len(written) == 2 and self.gazetteer.country_name(written) != written.upper():
            return written.upper()
        code = self.gazetteer.country_of(written)
        if code is None:
            self.error(node, where, f'"{written}" is not a country (use a code such as AF)')
        return code

    def place_ref(self, node: yaml.Node, where: str, local: dict[str, Place]) -> str | None:
        """``geonames:123``, ``123``, ``local:slug`` or a name (``Hyderabad, Pakistan``)."""
        value = self.value(node)
        if value is None:
            self.error(node, where, "is empty: give a place")
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.error(node, where, "expected one place (a name such as \"Hyderabad, Pakistan\", or "
                       "geonames:ID), found " + ("a list" if isinstance(value, list) else
                                                 "'key: value' pairs" if isinstance(value, dict) else
                                                 f'"{value}"'))
            return None
        written = str(value).strip()
        ref = f"geonames:{written}" if written.isdigit() else written
        if ref in local or (ref.startswith("geonames:") and self.gazetteer.get(ref)):
            return ref
        found = self.gazetteer.with_overlay(Overlay(places=tuple(local.values()))).resolve(written)
        if found.place is None or ref.startswith(("geonames:", "local:")):
            self.error(node, where, f'"{written}" is no known place')
            return None
        return found.place.id


def parse_places(text: str, path: str, gazetteer: Gazetteer) -> tuple[Overlay, list[Problem]]:
    """The overlay ``text`` describes, and every problem in it."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Overlay(), []
        return _overlay(_Reader(path, gazetteer, loader), root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        return Overlay(), [Problem(path, line, "places", f"invalid YAML: {error.problem}")]
    finally:
        loader.dispose()


def _overlay(reader: _Reader, root: yaml.Node) -> tuple[Overlay, list[Problem]]:
    gazetteer = reader.gazetteer
    top = reader.mapping(root, "places.yml", ("places", "pins"))
    local: dict[str, Place] = {}
    names: dict[str, str] = {}
    regions: dict[str, str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    entries = top.get("places")
    if entries is not None and not isinstance(entries, yaml.SequenceNode):
        reader.error(entries, "places", "must be a list of places ('- name: ...')")
        entries = None
    for number, entry in enumerate(entries.value if entries else [], 1):
        where = f"places[{number}]"
        is_geonames = isinstance(entry, yaml.MappingNode) and any(
            k.value == "geonames" for k, _ in entry.value)
        keys = reader.mapping(entry, where, GEONAMES_KEYS if is_geonames else NEW_KEYS)
        if not isinstance(entry, yaml.MappingNode):
            continue  # told; an entry of unknown keys alone is told what it lacks below
        name = reader.text(keys.get("name"), f"{where}.name")
        region = reader.text(keys.get("region"), f"{where}.region")
        extra = reader.texts(keys.get("aliases"), f"{where}.aliases")
        if is_geonames:
            ref = reader.place_ref(keys["geonames"], f"{where}.geonames", {})
            if ref is None:
                continue
            if name:
                names[ref] = name
            if region:
                regions[ref] = region
            if extra:
                aliases[ref] = aliases.get(ref, ()) + extra
            continue
        country = reader.country(keys.get("country"), f"{where}.country")
        # Each field is checked whatever else is wrong, so every problem shows at once. A
        # value that is given but wrong is told by its own check, never as missing.
        lat = reader.number(keys.get("lat"), f"{where}.lat", "a latitude", -90, 90)
        lon = reader.number(keys.get("lon"), f"{where}.lon", "a longitude", -180, 180)
        if ("lat" in keys) != ("lon" in keys):
            reader.error(entry, where, "give both lat and lon, or neither")
        if lat is None or lon is None:
            lat = lon = None
        population = reader.number(keys.get("population"), f"{where}.population", "a population",
                                   0, 1e10, whole=True)
        if "name" not in keys:
            reader.error(entry, where, "name: missing (required)")
        if "country" not in keys:
            reader.error(entry, where, "country: missing (required; a code such as AF)")
        if name is None and "id" not in keys:
            continue
        slug = reader.text(keys.get("id"), f"{where}.id") or slugify(name or "")
        if not SLUG_RE.match(slug):
            reader.error(keys.get("id", entry), f"{where}.id", f'"{slug}" is not a slug (a-z, 0-9, -)')
            continue
        if len(slugify(name or "").encode()) > SLUG_MAX:
            reader.error(keys["name"], f"{where}.name", f"is too long for the address of its page "
                         f"(its slug would be over {SLUG_MAX} bytes); shorten it, and keep the long "
                         "form among aliases")
            continue
        if f"local:{slug}" in local:
            reader.error(entry, where, f'a place "{slug}" is already defined; give one an id:')
            continue
        if name is None or country is None:
            continue
        local[f"local:{slug}"] = Place(
            f"local:{slug}", name, slugify(name), country, gazetteer.country_name(country), region,
            lat, lon, int(population or 0), tuple(a for a in dict.fromkeys(extra) if a != name))
        twin = next((p for p in gazetteer.candidates(name) if p.primary and p.country_code == country), None)
        if twin is not None:
            number_id = twin.id.removeprefix("geonames:")
            reader.error(keys["name"], f"{where}.name",
                         f'"{name}" is already a place of {twin.country} in GeoNames ({twin.id}); this adds '
                         f"a second, which articles naming {name} will mean, at another address; to "
                         f"change what GeoNames says of it, write geonames: {number_id} instead of name "
                         "and country", Severity.WARNING)

    pins: dict[str, str] = {}
    for key_node, value_node in reader.mapping(top["pins"], "pins", ()).items() if "pins" in top else ():
        ref = reader.place_ref(value_node, f"pins.{key_node}", local)
        if ref is not None:
            pins[name_key(key_node)] = ref
    return Overlay(tuple(local.values()), names, regions, aliases, pins), reader.problems


def read_places(root: Path, gazetteer: Gazetteer,
                display: str = PLACES_FILE) -> tuple[Overlay, list[Problem]]:
    """``places.yml`` in the project folder ``root``; no file is an empty overlay."""
    try:
        text = (root / PLACES_FILE).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Overlay(), []
    except (OSError, UnicodeDecodeError) as error:
        return Overlay(), [Problem(display, 0, "places", f"cannot be read: {error}")]
    return parse_places(text.replace("\r\n", "\n"), display, gazetteer)
