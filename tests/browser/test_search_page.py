"""The search page in real Chromium: header box, filters, deep links, subpath."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RESULT_TITLES = ".dateline-result__title a"


def titles(page: Any) -> list[str]:
    settle(page)
    return sorted(page.locator(RESULT_TITLES).all_inner_texts())


def wait_for_count(page: Any, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.dateline-result').length === n "
        "&& /found/.test(document.querySelector('.dateline-search__status')?.textContent)", arg=count)


def test_header_box_on_home_page_finds_the_sample_article(page: Any, sample_url: str) -> None:
    page.goto(sample_url)
    box = page.locator(".md-header .dateline-header-search input[name=q]")
    box.fill("Kandahar")
    box.press("Enter")
    page.wait_for_url("**/search/?q=Kandahar")
    assert titles(page) == [
        "Taliban take Kandahar, Afghanistan's second city, after seizing Herat and Ghazni"]
    link = page.locator(RESULT_TITLES).first
    assert link.get_attribute("href").endswith("/articles/2021/08/13/taliban-take-kandahar/")
    assert page.locator(".dateline-result__excerpt mark").first.inner_text().lower() == "kandahar"
    # The header box keeps the words, and the result opens the article.
    assert box.input_value() == "Kandahar"
    link.click()
    page.wait_for_url("**/articles/2021/08/13/taliban-take-kandahar/")


def test_only_articles_are_indexed(page: Any, sample_url: str) -> None:
    # Words of the home page, the index pages and the theme's footer only.
    for word in ("Browse", "Latest", "Material"):
        page.goto(f"{sample_url}search/?q={word}")
        assert titles(page) == []


def test_diacritics_and_case_are_ignored(page: Any, multi_url: str) -> None:
    expected = ["Alpha report from Herat", "Bravo report from Herat and Kabul",
                "Charlie report from Kabul", "Echo <b>bold</b> & title from Herat"]
    for word in ("Kandahar", "kandahār", "KANDAHĀR"):
        page.goto(f"{multi_url}search/?q={word}")
        assert titles(page) == expected, word


def test_city_aliases_find_the_city_articles(page: Any, sample_url: str) -> None:
    # The sample article names Kandahar; GeoNames knows it as Qandahar and قندهار too,
    # which the search page searches as Kandahar, the name the article holds, and says so.
    # The names are fetched by the first letter of each word: only the files needed.
    fetched: list[str] = []
    page.context.on("request", lambda request: fetched.extend(
        re.findall(r"/pagefind/(places/[^/]+\.json)$", request.url)))
    for words, searched, files in (("Qandahar", "Kandahar", ["places/q.json"]),
                                   ("قندهار", "Kandahar", ["places/u0642.json"]),
                                   ("qandahar  PROVINCE", "Kandahar PROVINCE", ["places/q.json"])):
        fetched.clear()
        page.goto(f"{sample_url}search/?q={words}")
        assert titles(page) == [
            "Taliban take Kandahar, Afghanistan's second city, after seizing Herat and Ghazni"], words
        status = page.locator(".dateline-search__status").inner_text()
        assert status == f"1 article found. Searched for “{searched}”.", words
        assert sorted(set(fetched)) == files, words
    # A name as the article holds it is searched as typed.
    page.goto(f"{sample_url}search/?q=kandahār  province")
    assert titles(page) and page.locator(".dateline-search__status").inner_text() == "1 article found."


def test_city_filter_narrows_exactly_and_combines(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=sample")
    wait_for_count(page, 5)
    city = page.locator("[data-facet=city]")
    city.get_by_label("Kabul").check()
    wait_for_count(page, 2)
    assert titles(page) == ["Bravo report from Herat and Kabul", "Charlie report from Kabul"]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["sample"], "city": ["Kabul"]}
    # Several cities at once: any of them; counts ignore the city's own selection.
    city.get_by_label("Ghazni").check()
    wait_for_count(page, 3)
    assert "Delta report from Ghazni" in titles(page)
    assert city.locator("li", has_text="Herat").inner_text().endswith("(3)")
    # Filters of different kinds narrow together.
    page.locator("[data-facet=year]").get_by_label("2021").check()
    page.locator("[data-facet=source]").get_by_label("Wire One").check()
    wait_for_count(page, 1)
    assert titles(page) == ["Charlie report from Kabul"]
    # The back button undoes the last filter.
    page.go_back()
    wait_for_count(page, 3)


def test_filters_without_words_list_every_match_newest_first(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?city=Herat&sort=newest")
    wait_for_count(page, 3)
    assert page.locator(RESULT_TITLES).all_inner_texts() == [
        "Echo <b>bold</b> & title from Herat", "Bravo report from Herat and Kabul",
        "Alpha report from Herat"]
    page.select_option("#dateline-search-sort", "oldest")
    page.wait_for_url("**sort=oldest")
    page.wait_for_function("document.querySelector('.dateline-result__title a')?.textContent.startsWith('Alpha')")
    # Month values read as months, and the counts come after the results.
    page.locator("[data-facet=month]").get_by_label("September 2021").wait_for()


def test_deep_link_restores_the_same_results(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/")
    page.fill("#dateline-search-q", "kandahar")
    page.press("#dateline-search-q", "Enter")
    wait_for_count(page, 4)
    page.locator("[data-facet=city]").get_by_label("Herat").check()
    page.locator("[data-facet=year]").get_by_label("2021").check()
    wait_for_count(page, 2)
    shared = page.url
    before = titles(page)
    other = page.context.new_page()
    other.goto(shared)
    wait_for_count(other, 2)
    assert titles(other) == before == ["Bravo report from Herat and Kabul", "Echo <b>bold</b> & title from Herat"]
    other.locator("[data-facet=city] input:checked").wait_for()
    assert other.locator("[data-facet=city]").get_by_label("Herat").is_checked()
    assert other.input_value("#dateline-search-q") == "kandahar"


def test_unknown_word_says_no_results(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=xylophonequartz")
    status = page.locator(".dateline-search__status--none")
    status.wait_for()
    assert "No articles match “xylophonequartz”" in status.inner_text()
    assert page.locator(".dateline-result").count() == 0


def test_titles_and_excerpts_are_text_not_html(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=ampersand")
    wait_for_count(page, 1)
    assert page.locator(RESULT_TITLES).inner_text() == "Echo <b>bold</b> & title from Herat"
    assert page.locator(".dateline-result b, .dateline-result i").count() == 0
    assert page.locator(".dateline-result__excerpt mark").inner_text() == "ampersand"


def test_site_under_a_subpath(page: Any, subpath_url: str) -> None:
    assert subpath_url.endswith("/archive/")
    page.goto(f"{subpath_url}dates/")
    box = page.locator(".dateline-header-search input[name=q]")
    box.fill("zebrafish")
    box.press("Enter")
    page.wait_for_url("**/archive/search/?q=zebrafish")
    assert titles(page) == ["Delta report from Ghazni"]
    href = page.locator(RESULT_TITLES).get_attribute("href")
    assert href.startswith("/archive/articles/2021/08/15/")
    page.locator(RESULT_TITLES).click()
    page.wait_for_url("**/archive/articles/2021/08/15/**")
    assert page.locator("h1").inner_text().startswith("Delta report from Ghazni")


def test_header_box_on_a_phone_opens_focused(page: Any, sample_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(sample_url)
    page.locator("label.md-header__button[for=__search]").click()
    page.keyboard.type("kandahar")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=kandahar")
    assert len(titles(page)) == 1


def test_a_tag_on_an_article_page_lists_every_article_with_it(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}articles/2021/05/10/b/")
    page.locator(".dateline-meta a", has_text="test").click()
    page.wait_for_url("**/search/?tag=test")
    wait_for_count(page, 3)
    assert titles(page) == ["Alpha report from Herat", "Bravo report from Herat and Kabul",
                            "Echo <b>bold</b> & title from Herat"]
    assert page.locator("[data-facet=tag]").get_by_label("test").is_checked()


def test_back_returns_to_the_search_before_one_typed_over_it(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=kabul")
    wait_for_count(page, 2)
    box = page.locator("#dateline-search-q")
    box.select_text()
    page.keyboard.type("herat")
    page.wait_for_timeout(500)  # a pause: the results follow the words
    box.press("Enter")
    page.wait_for_url("**/search/?q=herat")
    wait_for_count(page, 3)
    page.go_back()
    page.wait_for_url("**/search/?q=kabul")
    wait_for_count(page, 2)
    assert box.input_value() == "kabul"
    # Words typed over a search refine one history entry; Enter commits it, and words
    # typed after that get an entry of their own.
    box.select_text()
    page.keyboard.type("gh")
    page.wait_for_url("**/search/?q=gh")
    page.keyboard.type("azni")
    page.wait_for_url("**/search/?q=ghazni")
    box.press("Enter")
    box.select_text()
    page.keyboard.type("zebrafish")
    page.wait_for_url("**/search/?q=zebrafish")
    wait_for_count(page, 1)
    page.go_back()
    page.wait_for_url("**/search/?q=ghazni")
    page.go_back()
    page.wait_for_url("**/search/?q=kabul")
    wait_for_count(page, 2)
