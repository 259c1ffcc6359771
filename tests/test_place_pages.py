"""City and country pages carry the gazetteer's place: built with MkDocs, read as HTML."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dateline.build import build
from tests.projects import Project, article
from tests.test_build import content, links

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
