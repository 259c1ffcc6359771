"""The search page's history when Enter comes soon after typing: words typed on a paused
search and committed before the next pause (250 ms) share the paused search's entry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_search_page import wait_for_count

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOX = "#dateline-search-q"


def entries(page: Any) -> int:
    return int(page.evaluate("history.length"))


def pause_on(page: Any, words: str) -> None:
    """Type ``words`` over the box's and wait for the pause's entry."""
    page.locator(BOX).select_text()
    page.keyboard.type(words)
    page.wait_for_url(f"**/search/?q={words}")


def refine_and_submit_at_once(page: Any, words: str) -> None:
    """Type ``words`` and press Enter in one task of the page: before any pause's timer
    can run, however busy the machine."""
    page.evaluate("""words => {
        const box = document.querySelector('#dateline-search-q');
        box.value = words;
        box.dispatchEvent(new InputEvent('input', { bubbles: true }));
        box.form.requestSubmit();
    }""", words)


def test_enter_right_after_refining_a_paused_search_adds_no_entry(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=kabul")
    wait_for_count(page, 2)
    pause_on(page, "her")
    before = entries(page)
    page.keyboard.type("at")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=herat")
    wait_for_count(page, 3)
    assert entries(page) == before
    # The entry is committed: words typed on now get one of their own.
    assert page.evaluate("history.state") is None
    page.go_back()
    page.wait_for_url("**/search/?q=kabul")
    wait_for_count(page, 2)
    assert page.locator(BOX).input_value() == "kabul"


def test_enter_before_the_pause_replaces_the_paused_search_however_slow(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=kabul")
    wait_for_count(page, 2)
    pause_on(page, "her")
    before = entries(page)
    refine_and_submit_at_once(page, "herat")
    page.wait_for_url("**/search/?q=herat")
    wait_for_count(page, 3)
    page.wait_for_timeout(400)  # no pause's entry comes after the Enter either
    assert entries(page) == before
    assert page.evaluate("history.state") is None
    page.go_back()
    page.wait_for_url("**/search/?q=kabul")
    wait_for_count(page, 2)


def test_enter_right_after_typing_other_words_still_adds_an_entry(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=kabul")
    wait_for_count(page, 2)
    pause_on(page, "herat")
    wait_for_count(page, 3)
    before = entries(page)
    refine_and_submit_at_once(page, "zebrafish")
    page.wait_for_url("**/search/?q=zebrafish")
    wait_for_count(page, 1)
    assert entries(page) == before + 1
    page.go_back()
    page.wait_for_url("**/search/?q=herat")
    wait_for_count(page, 3)


def test_a_filter_checked_on_a_paused_search_still_adds_an_entry(page: Any, multi_url: str) -> None:
    page.goto(f"{multi_url}search/?q=kabul")
    wait_for_count(page, 2)
    pause_on(page, "herat")
    wait_for_count(page, 3)
    before = entries(page)
    page.locator("[data-facet=city]").get_by_label("Kabul").check()
    page.wait_for_url("**/search/?q=herat&city=Kabul")
    wait_for_count(page, 1)
    assert entries(page) == before + 1
    page.go_back()
    page.wait_for_url("**/search/?q=herat")
    wait_for_count(page, 3)
