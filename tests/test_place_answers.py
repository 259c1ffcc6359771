"""Place names resolved from the answers kept by the last build, without loading GeoNames."""

from __future__ import annotations

import pytest

from dateline import cities
from dateline.archive import load_archive
from tests.projects import Project, article

PLACES = """\
places:
  - name: Bagram
    country: AF
    lat: 34.946
    lon: 69.265
    colour: red
"""


def test_a_second_load_resolves_every_place_alike_without_geonames(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("a.md", article(title="A", cities="[Kandahār, Herat]"))
    project.write("b.md", article(title="B", cities="[Hyderabad]"))  # ambiguous: a warning
    project.write("c.md", article(title="C", cities="[Atlantisville]"))  # unknown: an error
    project.write("d.md", article(title="D", cities="[Bagram]"))  # from places.yml
    (project.root / "places.yml").write_text(PLACES, encoding="utf-8")  # "colour": a warning
    first = load_archive(project.settings)
    loads: list[object] = []
    load = cities.load_gazetteer
    monkeypatch.setattr(cities, "load_gazetteer", lambda settings: loads.append(settings) or load(settings))

    second = load_archive(project.settings)

    assert second == first and loads == []
    said = " ".join(str(p) for p in second[1])
    assert "Atlantisville" in said and "colour" in said and "Hyderabad" in said
    assert set(second[0].cities) == {"kandahar", "herat", "hyderabad", "bagram"}

    project.write("e.md", article(title="E", cities="[Ghazni]"))  # a name not asked before
    third = load_archive(project.settings)
    assert len(loads) == 1 and "ghazni" in third[0].cities
    assert third[1] == second[1]  # places.yml's warning once, not twice

    (project.root / "places.yml").write_text(PLACES + "pins:\n  Hyderabad: Hyderabad, Pakistan\n",
                                             encoding="utf-8")
    pinned = load_archive(project.settings)
    [hyderabad] = [city for city in pinned[0].cities.values() if city.name == "Hyderabad"]
    assert hyderabad.place is not None and hyderabad.place.country_code == "PK"
    assert "Hyderabad" not in " ".join(str(p) for p in pinned[1])
