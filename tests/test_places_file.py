"""The archive's places.yml: places, names, aliases, pins, and its mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline.errors import Severity
from dateline.gazetteer import Gazetteer
from dateline.places_file import parse_places, read_places

GOOD = """\
# Places this archive needs.
places:
  - name: Bagram
    country: AF
    region: Parwan
    lat: 34.946
    lon: 69.265
    aliases: [Bagram Airfield, Bagram Air Base]
  - name: Kabul airport
    country: Afghanistan
    id: kabul-airport
  - geonames: 2886242
    name: Cologne
    region: North Rhine-Westphalia
  - geonames: geonames:1138336
    aliases: [Kandahar City]
pins:
  Hyderabad: Hyderabad, Pakistan
  Paris: geonames:4717560
  KBL Airfield: local:kabul-airport
"""


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_a_good_file_adds_places_names_aliases_and_pins(gazetteer: Gazetteer) -> None:
    overlay, problems = parse_places(GOOD, "places.yml", gazetteer)
    assert problems == []
    local = gazetteer.with_overlay(overlay)
    bagram = local.resolve("Bagram Air Base").place
    assert bagram is not None and (bagram.id, bagram.name, bagram.country, bagram.region, bagram.lat) == (
        "local:bagram", "Bagram", "Afghanistan", "Parwan", 34.946)
    assert local.resolve("Kabul Airport").place.id == "local:kabul-airport"  # type: ignore[union-attr]
    cologne = local.resolve("Köln").place
    assert cologne is not None and (cologne.name, cologne.slug, cologne.region) == (
        "Cologne", "cologne", "North Rhine-Westphalia")
    assert local.resolve("Kandahar City").place.name == "Kandahar"  # type: ignore[union-attr]
    hyderabad = local.resolve("Hyderabad")
    assert hyderabad.place.country_code == "PK" and hyderabad.reason == "pinned in places.yml"  # type: ignore[union-attr]
    assert local.resolve("Paris").place.country_code == "US"  # type: ignore[union-attr]
    assert gazetteer.resolve("KBL Airfield").place is None  # the pin alone gives the name
    assert local.resolve("KBL Airfield").place.id == "local:kabul-airport"  # type: ignore[union-attr]


def test_a_new_place_named_as_a_geonames_place_of_its_country_is_a_warning(gazetteer: Gazetteer) -> None:
    text = "places:\n  - name: Kabul\n    country: AF\n  - name: Kabul\n    country: US\n    id: kabul-us\n"
    overlay, problems = parse_places(text, "places.yml", gazetteer)
    assert [str(p) for p in problems] == [
        'places.yml:2: places[1].name: warning: "Kabul" is already a place of Afghanistan in GeoNames '
        "(geonames:1138958); this adds a second, which articles naming Kabul will mean, at another address; "
        "to change what GeoNames says of it, write geonames: 1138958 instead of name and country"]
    assert len(overlay.places) == 2  # a warning: the place is still added


@pytest.mark.parametrize(("text", "expected"), [
    ("places: [\n", [(2, "places", "invalid YAML")]),
    ("- a\n- b\n", [(1, "places.yml", "must be 'key: value' lines")]),
    ("places:\n  name: x\n", [(2, "places", "must be a list")]),
    ("places:\n  - name: X\n", [(2, "places[1]", "country: missing")]),
    ("places:\n  - country: AF\n", [(2, "places[1]", "name: missing")]),
    ("places:\n  - name: X\n    country: Narnia\n", [(3, "places[1].country", "not a country")]),
    ("places:\n  - name: X\n    country: AF\n    lat: 95\n    lon: 1\n",
     [(4, "places[1].lat", "95 is out of range: a latitude is from -90 to 90")]),
    ("places:\n  - name: X\n    country: AF\n    aliases: [yes]\n", [(4, "places[1].aliases[1]", "not a name")]),
    ("places:\n  - name: X\n    country: AF\n  - name: X\n    country: AF\n",
     [(4, "places[2]", "already defined")]),
    ("places:\n  - geonames: 1\n", [(2, "places[1].geonames", "no known place")]),
    ("pins:\n  Hyderabad: Xqzwv Nowhere\n", [(2, "pins.Hyderabad", "no known place")]),
    ("pins:\n  Paris: local:nowhere\n", [(2, "pins.Paris", "no known place")]),
    ("places:\n  - name: Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram Bagram \n    country: AF\n", [(2, "places[1].name", "is too long for the address")]),
    ("pins:\n  Hyderabad: [x]\n", [(2, "pins.Hyderabad", "expected one place (a name such as \"Hyderabad, "
                                                        "Pakistan\", or geonames:ID), found a list")]),
    ("pins:\n  Berlin: {a: 1}\n", [(2, "pins.Berlin", "found 'key: value' pairs")]),
    ("pins:\n  Faizabad:\n", [(2, "pins.Faizabad", "is empty: give a place")]),
    ("places:\n  - name: X\n    country: AF\n    name: Y\n", [(4, "places[1].name", "appears twice")]),
])
def test_mistakes_are_problems_with_lines(gazetteer: Gazetteer, text: str,
                                          expected: list[tuple[int, str, str]]) -> None:
    _, problems = parse_places(text, "places.yml", gazetteer)
    errors = [p for p in problems if p.is_error]
    assert [(p.line, p.field) for p in errors] == [(line, field) for line, field, _ in expected]
    for problem, (_, _, message) in zip(errors, expected, strict=True):
        assert message in problem.message and problem.path == "places.yml"


X_AF = "places:\n  - name: X\n    country: AF\n"


@pytest.mark.parametrize(("fields", "expected"), [
    # A value given but wrong is told by its own check alone: never as missing, and a
    # number out of range never as no number.
    ("    lat: 134.9\n    lon: 69.2\n", [(4, "places[1].lat", "134.9 is out of range: a latitude is from -90 to 90")]),
    ("    lat: -90.5\n    lon: 69.2\n", [(4, "places[1].lat", "-90.5 is out of range: a latitude is from -90 to 90")]),
    ("    lat: 34.9\n    lon: 200\n", [(5, "places[1].lon", "200 is out of range: a longitude is from -180 to 180")]),
    ("    lat: north\n    lon: 69.2\n", [(4, "places[1].lat", '"north" is not a number')]),
    ("    lat: .nan\n    lon: 69.2\n", [(4, "places[1].lat", '".nan" is not a number')]),
    ("    lat:\n    lon: 69.2\n", [(4, "places[1].lat", "is empty (a number from -90 to 90)")]),
    ("    lat: 34.9\n", [(2, "places[1]", "give both lat and lon, or neither")]),
    ("    population: -5\n",
     [(4, "places[1].population", "-5 is out of range: a population is from 0 to 10,000,000,000")]),
    ("    population: 1.5\n", [(4, "places[1].population", '"1.5" is not a whole number')]),
    ("    id: ''\n", [(4, "places[1].id", "is empty")]),
])
def test_a_wrong_value_is_told_as_what_is_wrong_with_it(gazetteer: Gazetteer, fields: str,
                                                        expected: list[tuple[int, str, str]]) -> None:
    _, problems = parse_places(X_AF + fields, "places.yml", gazetteer)
    assert [(p.line, p.field, p.message) for p in problems] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("places:\n  - name: yes\n    country: AF\n", [(2, "places[1].name", '"yes" is not a name; quote it if it is')]),
    ("places:\n  - name: ''\n    country: AF\n", [(2, "places[1].name", "is empty")]),
    ("places:\n  - name: X\n    country:\n", [(3, "places[1].country", "is empty")]),
    # Every problem of an entry at once: its coordinates too, though its country is missing.
    ("places:\n  - name: X\n    lat: 134.9\n    lon: 1\n",
     [(3, "places[1].lat", "134.9 is out of range: a latitude is from -90 to 90"),
      (2, "places[1]", "country: missing (required; a code such as AF)")]),
    # An entry of unknown keys alone is no place: it is told what it lacks, not dropped.
    ("places:\n  - nam: X\n", [(2, "places[1]", "name: missing (required)"),
                                 (2, "places[1]", "country: missing (required; a code such as AF)")]),
])
def test_a_name_or_country_given_but_wrong_is_not_missing(gazetteer: Gazetteer, text: str,
                                                          expected: list[tuple[int, str, str]]) -> None:
    _, problems = parse_places(text, "places.yml", gazetteer)
    assert [(p.line, p.field, p.message) for p in problems if p.is_error] == expected


def test_unknown_keys_are_warnings(gazetteer: Gazetteer) -> None:
    overlay, problems = parse_places("places:\n  - name: X\n    country: AF\n    colour: red\n",
                                     "places.yml", gazetteer)
    assert [(p.line, p.field, p.severity) for p in problems] == [(4, "places[1].colour", Severity.WARNING)]
    assert [p.name for p in overlay.places] == ["X"]


def test_read_places_from_the_project_folder(tmp_path: Path, gazetteer: Gazetteer) -> None:
    assert read_places(tmp_path, gazetteer)[0].places == ()
    (tmp_path / "places.yml").write_text("\ufeffplaces:\r\n  - name: Bagram\r\n    country: AF\r\n",
                                         encoding="utf-8")
    overlay, problems = read_places(tmp_path, gazetteer)
    assert problems == [] and [p.id for p in overlay.places] == ["local:bagram"]
