"""The look-alike warning of ``dateline check``: a rare city whose name looks like a common
one's may be a misspelling, unless the writer said which place is meant."""

from __future__ import annotations

import pytest

from dateline.archive import load_archive
from dateline.cities import load_gazetteer
from dateline.placecheck import look_alike_problems, pinned_names
from tests.projects import Project, article


def write(project: Project, common: str, rare: dict[str, str]) -> None:
    """An archive naming ``common`` in three articles and each of ``rare``'s cities
    (file → YAML list) in one."""
    for day in (13, 14, 15):
        project.write(f"common-{day}.md", article(title=f"C{day}", date=f"2021-08-{day}", cities=f"[{common}]"))
    for name, cities in rare.items():
        project.write(name, article(title=name, cities=cities))


def warnings_of(project: Project, common: str, rare: dict[str, str]) -> list[str]:
    """What ``dateline check`` says of such an archive (:func:`write`)."""
    write(project, common, rare)
    _archive, problems = load_archive(project.settings)
    return [str(p) for p in problems]


def test_the_warning_says_how_to_keep_the_place_named(project: Project) -> None:
    assert warnings_of(project, "Ghazni", {"x.md": "[Kabul, Ghanzi]"}) == [
        'articles/x.md:4: cities: warning: "Ghanzi" is Ghanzi, Botswana, named in 1 article; did you mean '
        '"Ghazni" (Ghazni, Afghanistan, in 3)? If so, write "Ghazni"; if not, write "Ghanzi, Botswana" '
        "to say so"]


@pytest.mark.parametrize(("common", "rare", "advice"), [
    ("Pokrovsk", "Pokrov", "Pokrov, Ukraine"),
    ("Maribor", "Marib", "Marib, Yemen"),
    ("Puebla", "Pueblo", "Pueblo, Colorado"),  # a US state says more than the country
])
def test_writing_what_the_warning_advises_silences_it(project: Project, common: str, rare: str,
                                                       advice: str) -> None:
    said = [w for w in warnings_of(project, common, {"x.md": f"[{rare}]"}) if "did you mean" in w]
    assert len(said) == 1 and said[0].endswith(f'; if not, write "{advice}" to say so')
    assert warnings_of(project, common, {"x.md": f'["{advice}"]'}) == []


@pytest.mark.parametrize(("common", "written"), [
    ("Careiro", "Carei, RO"),  # about as long as "Careiro", and looking like it
    ("Champaign", "Champa, IN"),
    ("Careiro", "Carei, geonames:682685"),
])
def test_a_qualified_name_says_which_place_it_means(project: Project, common: str, written: str) -> None:
    assert warnings_of(project, common, {"x.md": f'["{written}"]'}) == []


def test_only_the_mention_without_a_qualifier_is_asked_about(project: Project) -> None:
    assert warnings_of(project, "Careiro", {"a.md": '["Carei, RO"]', "b.md": "[Carei]"}) == [
        'articles/b.md:4: cities: warning: "Carei" is Carei, Romania, named in 2 articles; did you mean '
        '"Careiro" (Careiro, Brazil, in 3)? If so, write "Careiro"; if not, write "Carei, Romania" to say so']


def test_a_qualifier_does_not_let_a_misspelling_pass(project: Project) -> None:
    assert warnings_of(project, "Ghazni", {"x.md": '["Ghanzi, Afghanistan"]'}) == [
        'articles/x.md:4: cities: "Ghanzi, Afghanistan": no "Ghanzi" in "Afghanistan"; the places of '
        "that name are Ghanzi, Botswana"]


def test_a_place_that_places_yml_defines_is_meant(project: Project) -> None:
    (project.root / "places.yml").write_text(
        "places:\n  - name: Pokrovske\n    country: UA\n    lat: 47.98\n    lon: 36.23\n", encoding="utf-8")
    assert warnings_of(project, "Pokrovsk", {"x.md": "[Pokrovske]"}) == []


PIN = "pins:\n  Pokrov: Pokrov, Ukraine\n"


def test_a_name_pinned_in_places_yml_is_meant(project: Project) -> None:
    (project.root / "places.yml").write_text(PIN, encoding="utf-8")
    write(project, "Pokrovsk", {"x.md": "[Pokrov]"})
    archive, _problems = load_archive(project.settings)
    gazetteer, _ = load_gazetteer(project.settings)
    assert [p.message.split(";")[0] for p in look_alike_problems(archive.articles)] == [
        '"Pokrov" is Pokrov, Ukraine, named in 1 article']
    assert look_alike_problems(archive.articles, pinned=pinned_names([gazetteer.resolve("Pokrov")])) == []


def test_dateline_check_says_nothing_of_a_pinned_name(project: Project) -> None:
    (project.root / "places.yml").write_text(PIN, encoding="utf-8")
    assert warnings_of(project, "Pokrovsk", {"x.md": "[Pokrov]"}) == []
