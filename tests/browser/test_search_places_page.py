"""The search page on an archive whose dates carry time offsets: it lists as the rest of
the site does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
