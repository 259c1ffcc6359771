"""The search page on an archive whose dates carry time offsets and whose cities have
namesakes: it lists and filters as the rest of the site does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dateline.build import build
from tests.browser.conftest import serve
from tests.browser.test_search_page import RESULT_TITLES, wait_for_count
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLES = {
    # 20:00 UTC on 31 January, but published on 1 February where it was written.
    "g.md": ("Golf report from Kabul", "2021-02-01T01:00:00+05:00", '["Kabul"]'),
    "h.md": ("Hotel report from Kabul", "2021-02-01T10:00:00+00:00", '["Kabul"]'),
    "pk.md": ("Floods in Sindh", "2021-03-01", '["Hyderabad, Pakistan"]'),
    "in.md": ("Rains in Telangana", "2021-03-02", '["Hyderabad, India"]'),
    "ma.md": ("Snow in New England", "2021-03-03", '["Springfield, Massachusetts"]'),
    "il.md": ("Vote in the Midwest", "2021-03-04", '["Springfield, Illinois"]'),
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = Project(tmp_path_factory.mktemp("places"))
    for path, (title, date, cities) in ARTICLES.items():
        project.write(path, article(title=title, date=date, cities=cities, body="Sample text.\n"))
    build(project.settings)
    with serve(project.site) as url:
        yield url


def listed(page: Any) -> list[str]:
    return page.locator(RESULT_TITLES).all_inner_texts()


def test_newest_and_oldest_first_follow_the_site_order(page: Any, site_url: str) -> None:
    # The day page lists the day's articles in the site's order, as the feeds and the
    # Earlier/Later links do: Golf (01:00 at +05:00) before Hotel (10:00 UTC).
    page.goto(f"{site_url}dates/2021/02/01/")
    day = [text for text in page.locator("article a").all_inner_texts() if text.endswith("from Kabul")]
    assert day == ["Golf report from Kabul", "Hotel report from Kabul"]
    page.goto(f"{site_url}search/?city=Kabul&sort=newest")
    wait_for_count(page, 2)
    assert listed(page) == day[::-1]
    page.goto(f"{site_url}search/?city=Kabul&sort=oldest")
    wait_for_count(page, 2)
    assert listed(page) == day


def test_namesakes_are_filtered_and_counted_apart(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}search/?q=sample")
    wait_for_count(page, 6)
    city = page.locator("[data-facet=city]")
    city.get_by_label("Hyderabad, India").wait_for()
    assert sorted(text.strip() for text in city.locator("li").all_inner_texts()) == [
        "Hyderabad, India (1)", "Hyderabad, Pakistan (1)", "Kabul (2)", "Springfield, Illinois (1)",
        "Springfield, Massachusetts (1)"]
    city.get_by_label("Hyderabad, Pakistan").check()
    wait_for_count(page, 1)
    assert listed(page) == ["Floods in Sindh"]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["sample"], "city": ["Hyderabad, Pakistan"]}
    # Without words, a city's own hidden word finds it alone too.
    page.goto(f"{site_url}search/?city=Springfield%2C+Illinois")
    wait_for_count(page, 1)
    assert listed(page) == ["Vote in the Midwest"]
