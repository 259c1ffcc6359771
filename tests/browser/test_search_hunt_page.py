"""Search as a reader uses it, on an archive indexed in several periods: the periods
together answer as one index of the whole archive would."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dateline.search
from dateline.build import build
from dateline.model import Article
from dateline.search import Shard
from tests.browser.conftest import serve, settle
from tests.browser.test_search_page import RESULT_TITLES
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Obviously synthetic text. "airport" is a word of 2019 and 2021 only, "falls" of 2021
# only; every period holds the word "a", the longest beginning of "airport" there is in
# 2023, which Pagefind answers a word it does not hold with.
ARTICLES = {
    "2019/kandahar.md": ("Kandahar airport reopens", "2019-11-20", "[Kandahar]",
                         "Flights resumed at the airport, a spokesman said.\n"),
    "2019/mazar.md": ("Shrine visitors return", "2019-04-02", "[Mazar-i-Sharif]",
                      "A crowd gathered near the Blue Mosque.\n"),
    "2021/falls.md": ("Kandahar falls", "2021-08-13", "[Kandahar]",
                      "The city fell overnight after a night of heavy fighting.\n"),
    "2021/kabul.md": ("Kabul airport scenes", "2021-08-16", "[Kabul]",
                      "Crowds at the airport tried to board a plane.\n"),
    "2023/herat.md": ("Herat earthquake", "2023-10-07", "[Herat]",
                      "A strong earthquake struck villages west of the city.\n"),
    "2023/kandahar.md": ("Pomegranate harvest in Kandahar", "2023-10-20", "[Kandahar]",
                         "Growers expect a record harvest this season.\n"),
}


def _one_period(articles: Iterable[Article], cap: int | None = None) -> list[Shard]:
    """Every article in one period: the index of the whole archive at once."""
    ordered = tuple(sorted(articles, key=lambda a: a.sort_key))
    return [Shard("all", ordered[0].date, ordered[-1].date, ordered)]


def _site(root: Path, whole: bool) -> Path:
    project = Project(root)
    for path, (title, date, cities, body) in ARTICLES.items():
        project.write(path, article(title, date, cities, body))
    with pytest.MonkeyPatch.context() as patch:
        if whole:
            patch.setattr(dateline.search, "plan_shards", _one_period)
        else:
            patch.setattr(dateline.search, "SHARD_CAP", 1)
        build(project.settings)
    return project.site


def _periods(site: Path) -> int:
    return len(json.loads((site / "pagefind" / "manifest.json").read_text(encoding="utf-8"))["shards"])


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The archive indexed as one period and as one period per article;
    yields both base URLs."""
    whole = _site(tmp_path_factory.mktemp("whole"), whole=True)
    periods = _site(tmp_path_factory.mktemp("periods"), whole=False)
    assert (_periods(whole), _periods(periods)) == (1, len(ARTICLES))
    with serve(whole) as one, serve(periods) as several:
        yield one, several


def found(page: Any, url: str) -> tuple[str, list[str]]:
    page.goto(url)
    settle(page)
    return page.locator(".dateline-search__status").inner_text(), page.locator(RESULT_TITLES).all_inner_texts()


@pytest.mark.parametrize("query", [
    "?q=airport",                       # a word 2023 lacks: not its articles with "a"
    "?q=airport&sort=newest",
    "?q=airport&sort=oldest",
    "?q=kandahar+falls",                # a word 2019 and 2023 lack: not left out there
    "?q=airport&year=2023",             # the year lacks the word: nothing found
    "?q=airport+falls&month=2021-08",
    "?q=earthq",                        # a word being typed still finds longer ones
    "?q=earthquakes",                   # and a word's other forms
    "?q=kandahar+zyxwvut",              # a word no period holds: as one index answers
    "?q=zyxwvut",
    "?q=%22heavy+fighting%22",          # a quoted phrase
    "?q=Qandahar",                      # another name of a city
])
def test_periods_answer_as_one_index_of_the_archive(page: Any, sites: tuple[str, str], query: str) -> None:
    whole, periods = sites
    expected, seen = found(page, f"{whole}search/{query}"), found(page, f"{periods}search/{query}")
    if "sort=" not in query:  # by relevance, scored within each period: the same articles
        expected, seen = (expected[0], sorted(expected[1])), (seen[0], sorted(seen[1]))
    assert seen == expected


def test_a_word_some_periods_lack_finds_only_its_articles(page: Any, sites: tuple[str, str]) -> None:
    _, periods = sites
    assert found(page, f"{periods}search/?q=airport&sort=newest") == (
        "2 articles found.", ["Kabul airport scenes", "Kandahar airport reopens"])
    assert found(page, f"{periods}search/?q=kandahar+falls") == ("1 article found.", ["Kandahar falls"])
    status, titles = found(page, f"{periods}search/?q=airport&year=2023")
    assert status.startswith("No articles match “airport”.") and titles == []


def test_no_results_says_what_was_searched_as_typed_and_fitting_advice(page: Any, sites: tuple[str, str]) -> None:
    _, periods = sites
    status, titles = found(page, f"{periods}search/?q=%22fighting+heavy%22")
    assert titles == []
    assert status == 'No articles match "fighting heavy". Check the spelling, try fewer words, or remove a filter.'
    status, titles = found(page, f"{periods}search/?city=Kabul&year=2023")
    assert titles == []
    assert status == "No articles match these filters. Remove a filter, or choose others."
