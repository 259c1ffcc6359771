"""The search page across shards: the fixture archive indexed one article per shard."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

import dateline.search
from dateline.build import build
from tests.browser.conftest import fixture_project, serve
from tests.browser.test_search_page import RESULT_TITLES, titles, wait_for_count
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEWEST_FIRST = ["Echo <b>bold</b> & title from Herat", "Delta report from Ghazni", "Charlie report from Kabul",
                "Bravo report from Herat and Kabul", "Alpha report from Herat"]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The fixture site with a shard cap of one article: five shards. Yields the base
    URL and the shard folders, oldest first."""
    project = fixture_project(tmp_path_factory.mktemp("sharded"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dateline.search, "SHARD_CAP", 1)
        build(project.settings)
    manifest = json.loads((project.site / "pagefind" / "manifest.json").read_text())
    folders = [shard["folder"] for shard in manifest["shards"]]
    assert folders == ["2020", "2021-05", "2021-08-14", "2021-08-15", "2021-09"]
    with serve(project.site) as url:
        yield url, folders


def shard_requests(page: Any) -> list[str]:
    """Shard folders the page (or Pagefind's worker) asks for, in order, from now on."""
    asked: list[str] = []
    page.context.on("request", lambda request: asked.extend(
        folder for folder in re.findall(r"/pagefind/([^/]+)/", request.url) if folder != "places"))
    return asked


def counts(page: Any, facet: str) -> dict[str, str]:
    rows = page.locator(f"[data-facet={facet}] li").all_inner_texts()
    return dict(row.strip().rsplit(" ", 1) for row in rows)


def test_one_word_finds_articles_of_every_shard(page: Any, sharded: tuple[str, list[str]]) -> None:
    url, folders = sharded
    asked = shard_requests(page)
    page.goto(f"{url}search/?q=kandahar")
    assert titles(page) == sorted(["Alpha report from Herat", "Bravo report from Herat and Kabul",
                                   "Charlie report from Kabul", "Echo <b>bold</b> & title from Herat"])
    assert set(asked) == set(folders)
    # The shards share one WebAssembly file, fetched from the top of the bundle.
    wasm = []
    page.context.on("request", lambda request: wasm.append(request.url) if "wasm." in request.url else None)
    other = page.context.new_page()
    other.goto(f"{url}search/?q=zebrafish")
    assert titles(other) == ["Delta report from Ghazni"]
    assert wasm and all(address.endswith("/pagefind/wasm.en.pagefind") for address in wasm)


def test_newest_and_oldest_first_across_shards(page: Any, sharded: tuple[str, list[str]]) -> None:
    url, _ = sharded
    page.goto(f"{url}search/?q=sample&sort=newest")
    wait_for_count(page, 5)
    assert page.locator(RESULT_TITLES).all_inner_texts() == NEWEST_FIRST
    page.select_option("#dateline-search-sort", "oldest")
    page.wait_for_function("document.querySelector('.dateline-result__title a')?.textContent.startsWith('Alpha')")
    wait_for_count(page, 5)
    assert page.locator(RESULT_TITLES).all_inner_texts() == NEWEST_FIRST[::-1]
    # Without words the list reads newest first too.
    page.goto(f"{url}search/?source=Wire+One")
    wait_for_count(page, 3)
    assert page.locator(RESULT_TITLES).all_inner_texts() == [NEWEST_FIRST[0], NEWEST_FIRST[2], NEWEST_FIRST[4]]


def test_filter_counts_are_summed_over_shards(page: Any, sharded: tuple[str, list[str]]) -> None:
    url, _ = sharded
    page.goto(f"{url}search/?q=sample")
    wait_for_count(page, 5)
    page.locator("[data-facet=tag]").wait_for()
    assert counts(page, "year") == {"2021": "(4)", "2020": "(1)"}
    assert counts(page, "source") == {"Wire One": "(3)", "Wire Two": "(2)"}
    assert counts(page, "city") == {"Herat": "(3)", "Kabul": "(2)", "Ghazni": "(1)"}
    assert counts(page, "month")["August 2021"] == "(2)"
    # A selected facet still counts the values it does not hold, over every shard.
    page.locator("[data-facet=year]").get_by_label("2020").check()
    wait_for_count(page, 1)
    page.wait_for_function("document.querySelector('[data-facet=year] input:checked')")
    assert counts(page, "year") == {"2021": "(4)", "2020": "(1)"}
    assert counts(page, "source") == {"Wire One": "(1)"}


def let_through(held: list[Any]) -> None:
    """Answer the requests held back, but for those the browser cancelled meanwhile (on a
    loaded machine a held shard fetch is sometimes dropped before its answer; the server
    then sees a broken pipe): Playwright counts a cancelled request as handled."""
    for route in held:
        try:
            route.continue_()
        except PlaywrightError as error:
            if "already handled" not in str(error):
                raise


def results_while_other_shards_wait(page: Any, address: str, open_shards: set[str],
                                    folders: list[str], count: int) -> list[str]:
    """Result titles of ``address`` while every shard but ``open_shards`` gets no answer;
    then those shards are answered, and the filter counts (which may need them) drawn."""
    held: list[Any] = []
    page.route("**/pagefind/*/**", lambda route: route.continue_()
               if route.request.url.split("/pagefind/")[1].split("/")[0] in {*open_shards, "places"}
               else held.append(route))
    page.goto(address)
    wait_for_count(page, count)
    shown: list[str] = page.locator(RESULT_TITLES).all_inner_texts()
    page.unroute("**/pagefind/*/**")
    let_through(held)
    page.locator("[data-facet=tag]").wait_for()
    assert {folder for folder in folders if folder not in open_shards}, "some shards were held"
    return shown


def test_a_year_or_month_filter_searches_only_its_shards(page: Any, sharded: tuple[str, list[str]]) -> None:
    url, folders = sharded
    assert results_while_other_shards_wait(page, f"{url}search/?q=sample&year=2020", {"2020"}, folders, 1) == [
        "Alpha report from Herat"]
    # Only the year facet's own counts, which ignore the year, needed the other shards.
    assert counts(page, "year") == {"2021": "(4)", "2020": "(1)"}
    assert results_while_other_shards_wait(page, f"{url}search/?month=2021-08", {"2021-08-14", "2021-08-15"},
                                           folders, 2) == ["Delta report from Ghazni", "Charlie report from Kabul"]


class Gate:
    """A route handler that answers requests under ``prefix`` (and for place names, which
    are no shard's) and holds the others until ``release``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.held: list[Any] = []
        self.released = False

    def __call__(self, route: Any) -> None:
        if self.released or self.prefix in route.request.url or "/pagefind/places/" in route.request.url:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.released = True
        let_through(self.held)


def test_the_first_shard_answers_before_the_others(page: Any, sharded: tuple[str, list[str]]) -> None:
    """On a large archive every shard costs bytes, so the shard read first (the newest, or
    the oldest when sorted so) is on screen while the others load; the full list then
    keeps what was drawn."""
    url, folders = sharded
    status = page.locator(".dateline-search__status")
    for address, first, title, label in [
            ("search/?q=sample", "2021-09", NEWEST_FIRST[0], "September 2021"),
            ("search/?q=sample&sort=oldest", "2020", NEWEST_FIRST[-1], "2020")]:
        gate = Gate(f"/pagefind/{first}/")
        page.route("**/pagefind/*/**", gate)
        page.goto(url + address)
        page.locator(".dateline-result").wait_for()
        assert page.locator(RESULT_TITLES).all_inner_texts() == [title]
        assert status.inner_text() == f"1 match from {label} so far; searching the rest of the archive…"
        assert page.locator(".dateline-search__results").get_attribute("aria-busy") == "true"
        page.eval_on_selector(".dateline-result", "item => { item.dataset.drawnEarly = 'yes'; }")
        gate.release()
        wait_for_count(page, 5)
        assert status.inner_text() == "5 articles found."
        assert page.locator(".dateline-search__results").get_attribute("aria-busy") is None
        # The item drawn early is the same element in the full list, not drawn again.
        assert page.locator("[data-drawn-early=yes] .dateline-result__title a").inner_text() == title
        assert sorted(page.locator(RESULT_TITLES).all_inner_texts()) == sorted(NEWEST_FIRST)


def test_an_archive_without_articles_says_so(page: Any, tmp_path: Path) -> None:
    from tests.projects import Project

    project = Project(tmp_path)
    build(project.settings)
    with serve(project.site) as url:
        page.goto(f"{url}search/?q=anything")
        page.locator(".dateline-search__status--none").wait_for()
        assert page.locator(".dateline-search__status").inner_text() == "There are no articles to search yet."


@pytest.mark.parametrize("language", ["ps", "fa"])
def test_an_archive_in_a_language_pagefind_cannot_stem_is_searched(
        page: Any, tmp_path: Path, language: str) -> None:
    """Pashto and Persian have no stemmer in Pagefind: its script then fetches
    wasm.unknown.pagefind, which the shards share like any other."""
    project = Project(tmp_path)
    project.write("2021/a.md", article("کابل خبرونه", language=language, body="طالبانو کندهار ونیو.\n"))
    project.write("2020/b.md", article("هرات", date="2020-05-01", cities="[Herat]", language=language,
                                       body="د هرات ښار.\n"))
    build(project.settings)
    with serve(project.site) as url:
        failed: list[str] = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        page.goto(f"{url}search/?q=کندهار")
        assert titles(page) == ["کابل خبرونه"]
        page.goto(f"{url}search/?q=هرات")
        assert titles(page) == ["هرات"]
    assert failed == []
