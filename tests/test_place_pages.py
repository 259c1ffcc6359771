"""City and country pages carry the gazetteer's place: built with MkDocs, read as HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from dateline.build import build
from dateline.cities import told_apart
from dateline.gazetteer import Place
from tests.projects import Project, article
from tests.test_build import content, links, soup

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(module_project: Callable[[], Project]) -> Project:
    project = module_project()
    project.write("a.md", article(title="Talks", date="2021-08-12", cities="[Doha, Kabul]"))
    project.write("b.md", article(title="Fall", date="2021-08-13", cities="[Qandahar, Kabul]"))
    project.write("c.md", article(title="Later", date="2021-08-14", cities="[قندهار]"))
    (project.root / "places.yml").write_text(
        "places:\n  - name: Bagram\n    country: AF\n    region: Parwan\n    lat: 34.946\n    lon: 69.265\n"
        "    aliases: [Bagram Airfield]\n")
    project.write("d.md", article(title="Base", date="2021-07-02", cities="[Bagram Airfield]"))
    build(project.settings)
    return project


def test_city_page_shows_country_region_coordinates_and_other_names(site: Project) -> None:
    page = content(site, "cities/kandahar/index.html")
    assert page.h1.get_text(strip=True) == "Kandahar"
    place = page.select_one("p.dateline-place")
    text = place.get_text(" ", strip=True)
    assert "Afghanistan · 31.61° N, 65.71° E" in text
    assert "Qandahar" in text and "قندهار" in text and "KDH" not in text
    assert links(place, "cities/kandahar/index.html")["Afghanistan"] == "countries/afghanistan/index.html"
    osm = place.find("a", string="31.61° N, 65.71° E")
    assert osm["href"].startswith("https://www.openstreetmap.org/?mlat=31.61332&mlon=65.71013")
    assert [li.find("a").get_text() for li in page.select("li")] == ["Later", "Fall"]
    assert "GeoNames" in page.select_one("p.dateline-credit").get_text()


def test_each_other_name_of_a_city_is_isolated_from_the_direction_of_the_others(site: Project) -> None:
    place = content(site, "cities/kandahar/index.html").select_one("p.dateline-place")
    names = [bdi.get_text() for bdi in place.select("bdi")]
    assert "Qandahar" in names and "قندهار" in names
    # The commas between them are outside every name.
    assert not any("," in name for name in names)
    assert place.get_text().endswith("Also written: " + ", ".join(names))


def test_places_file_place_has_its_region(site: Project) -> None:
    text = content(site, "cities/bagram/index.html").select_one("p.dateline-place").get_text(" ", strip=True)
    assert text.startswith("Parwan · Afghanistan · 34.95° N, 69.27° E")


def test_cities_index_groups_cities_by_country(site: Project) -> None:
    page = content(site, "cities/index.html")
    assert [h.get_text(strip=True) for h in page.select("h2")] == ["Afghanistan", "Qatar"]
    assert [li.get_text(" ", strip=True) for li in page.select("li")] == [
        "Bagram — 1 article", "Kabul — 2 articles", "Kandahar — 2 articles", "Doha — 1 article"]
    assert links(page, "cities/index.html")["2 countries"] == "countries/index.html"


def test_country_page_rolls_up_its_cities(site: Project) -> None:
    page = content(site, "countries/afghanistan/index.html")
    assert page.h1.get_text(strip=True) == "Afghanistan"
    assert "4 articles about 3 cities." in page.get_text(" ", strip=True)
    assert [li.get_text(" ", strip=True) for li in page.select("h2 + ul li")][:3] == [
        "Kabul — 2 articles", "Kandahar — 2 articles", "Bagram — 1 article"]
    index = content(site, "countries/index.html")
    assert [li.get_text(" ", strip=True) for li in index.select("li")] == [
        "Afghanistan — 4 articles, 3 cities", "Qatar — 1 article, 1 city"]


@pytest.fixture(scope="module")
def namesakes(module_project: Callable[[], Project]) -> Project:
    project = module_project()
    project.publish_at()  # with feeds
    for slug, cities in (("pk", "Hyderabad, Pakistan"), ("in", "Hyderabad, India"),
                         ("ma", "Springfield, Massachusetts"), ("il", "Springfield, Illinois")):
        project.write(f"{slug}.md", article(title=f"Report {slug}", cities=f'["{cities}"]'))
    project.write("kabul.md", article(title="Talks", cities="[Kabul, Herat]"))
    build(project.settings)
    return project


def test_namesakes_are_told_apart_where_they_are_listed(namesakes: Project) -> None:
    page = content(namesakes, "cities/index.html")
    top, *countries = [[li.get_text(" ", strip=True) for li in h2.find_next_sibling(["ol", "ul"]).select("li")]
                       for h2 in page.select("h2")]
    assert [h.get_text(strip=True) for h in page.select("h2")][1:] == [
        "Afghanistan", "India", "Pakistan", "United States"]
    assert countries == [["Herat — 1 article", "Kabul — 1 article"], ["Hyderabad, India — 1 article"],
                         ["Hyderabad, Pakistan — 1 article"],
                         ["Springfield, Illinois — 1 article", "Springfield, Massachusetts — 1 article"]]
    assert len(set(top)) == len(top) == 5 and "Hyderabad, India — 1 article" in top
    country = content(namesakes, "countries/united-states/index.html").find("h2", string="Cities")
    assert sorted(li.get_text(" ", strip=True) for li in country.find_next_sibling("ul").select("li")) == [
        "Springfield, Illinois — 1 article", "Springfield, Massachusetts — 1 article"]


def test_namesakes_pages_and_feeds_have_titles_of_their_own(namesakes: Project) -> None:
    def titles(key: str) -> tuple[str, str]:
        page = soup(namesakes, f"cities/{key}/index.html").title
        feed = ET.parse(namesakes.site / "cities" / key / "feed.xml").getroot()
        assert page is not None
        return page.get_text(), feed.findtext("{http://www.w3.org/2005/Atom}title") or ""

    hyderabads = {titles("hyderabad"), titles("hyderabad-pk")}
    assert {page.split(" - ")[0] for page, _ in hyderabads} == {"Hyderabad, India", "Hyderabad, Pakistan"}
    assert {feed.split(" — ")[0] for _, feed in hyderabads} == {"Hyderabad, India", "Hyderabad, Pakistan"}
    # A city without a namesake keeps its name.
    assert titles("kabul")[0].startswith("Kabul - ") and titles("kabul")[1].startswith("Kabul — ")


def test_namesakes_get_the_first_qualifier_that_tells_them_apart() -> None:
    def place(key: str, name: str, country: str, region: str | None = None,
              where: tuple[float, float] | None = None) -> tuple[str, str, Place]:
        lat, lon = where or (None, None)
        return key, name, Place(f"local:{key}", name, key, "", country, region, lat, lon, 1, ())

    known = [place("hyderabad", "Hyderabad", "India"), place("hyderabad-pk", "Hyderābād", "Pakistan"),
             place("springfield-us", "Springfield", "United States", "Massachusetts"),
             place("springfield-us-il", "Springfield", "United States", "Illinois"),
             place("springfield-jm", "Springfield", "Jamaica"),
             place("aurangabad", "Aurangabad", "India", where=(19.88, 75.34)),
             place("aurangabad-2", "Aurangabad", "India", where=(24.75, 84.37)),
             place("kabul", "Kabul", "Afghanistan")]
    names = {key: name for key, name, _ in known} | {"springfield": "Springfield"}
    assert told_apart(names, {key: found for key, _, found in known}) == {
        "hyderabad": "Hyderabad, India", "hyderabad-pk": "Hyderābād, Pakistan",
        "springfield-us": "Springfield, Massachusetts", "springfield-us-il": "Springfield, Illinois",
        "springfield-jm": "Springfield, Jamaica", "springfield": "Springfield (springfield)",
        "aurangabad": "Aurangabad, India (19.88° N, 75.34° E)",
        "aurangabad-2": "Aurangabad, India (24.75° N, 84.37° E)", "kabul": "Kabul"}


@pytest.mark.slow
def test_a_place_named_index_gets_a_page_of_its_own(project: Project) -> None:
    """``cities/index.md`` is the list of cities: a place whose name makes the slug
    ``index`` (one places.yml defines, or GeoNames' Index, Washington) takes another."""
    (project.root / "places.yml").write_text("places:\n  - name: Index\n    country: US\n    lat: 47.8\n"
                                             "    lon: -121.55\n", encoding="utf-8")
    project.write("i.md", article(title="Flood at Index", date="2021-07-02", cities="[Index]"))
    build(project.settings)
    assert "Flood at Index" in (project.site / "cities" / "index-us" / "index.html").read_text(encoding="utf-8")
    assert "Index" in content(project, "cities/index.html").get_text()
