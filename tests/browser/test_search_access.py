"""The search page and the header's search box with the keyboard, at small widths, in both
colour schemes, right to left and without JavaScript, in real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dateline.build import build
from tests.browser.conftest import serve, settle
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CITIES = ["Kandahar", "Herat", "Kabul", "Ghazni"]
TAGS = 16
"""More tags than a facet shows unfolded (search.js, SHOWN_VALUES): the rest are under "N more"."""
PERSIAN_TITLE = "طالبان پس از تصرف هرات و غزنی کنترل قندهار، دومین شهر بزرگ افغانستان را به دست گرفتند"
PASHTO_SOURCE = "پښتو خبري اژانس"
PERSIAN = "articles/2021/08/13/fa/"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """23 articles that all say "Kandahar" (three pages of results), in four cities, with
    sixteen tags, one of them in Persian (long) from a source named in Pashto."""
    project = Project(tmp_path_factory.mktemp("access"))
    for n in range(22):
        city = CITIES[n % len(CITIES)]
        project.write(f"2021/r{n:02d}.md", article(
            title=f"Report {n:02d} from {city}", date=f"2021-0{1 + n % 9}-{1 + n:02d}", cities=f"[{city}]",
            source="Wire One" if n % 2 else "Wire Two", tags=f"[topic{n % TAGS:02d}]",
            body="Sample text about the Kandahar road.\n"))
    project.write("2021/fa.md", article(
        title=PERSIAN_TITLE, date="2021-08-13", cities="[Kandahar]", source=PASHTO_SOURCE,
        tags="[topic00]", language="fa",
        # Long enough to scroll the headline away: the header then shows the title.
        body="شهر قندهار پس از چند روز نبرد سقوط کرد. Kandahar\n" + "\nشهر قندهار پس از چند روز نبرد سقوط کرد.\n" * 20))
    build(project.settings)
    with serve(project.site) as url:
        yield url


def open_search(page: Any, url: str) -> None:
    """The search for "kandahar", with its results and filters drawn."""
    page.goto(f"{url}search/?q=kandahar")
    settle(page)
    page.locator("[data-facet=city] input").first.wait_for()


def press_and_redraw(page: Any, key: str) -> None:
    """Press ``key`` on the focused control and wait until the filters are drawn again."""
    page.evaluate("window.pressed = document.activeElement")
    page.keyboard.press(key)
    page.wait_for_function("!window.pressed.isConnected")


FOCUSED = """() => {
  const node = document.activeElement;
  return {tag: node.localName, value: node.value ?? null, checked: node.checked ?? null,
          facet: node.closest('[data-facet]')?.dataset.facet ?? null,
          inFilters: !!node.closest('.dateline-search__filters'),
          inOpenDetails: !!node.closest('details[open]')};
}"""


def test_a_filter_keeps_the_focus_when_checked(page: Any, site_url: str) -> None:
    open_search(page, site_url)
    page.locator("[data-facet=city]").get_by_label("Herat").focus()
    press_and_redraw(page, "Space")
    assert "city=Herat" in page.url
    focused = page.evaluate(FOCUSED)
    assert focused == {"tag": "input", "value": "Herat", "checked": True, "facet": "city",
                       "inFilters": True, "inOpenDetails": False}
    # Unchecked again, it still has the focus.
    press_and_redraw(page, "Space")
    assert page.evaluate(FOCUSED)["value"] == "Herat" and "city=" not in page.url


def test_clear_filters_leaves_the_focus_in_the_filters(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}search/?q=kandahar&city=Herat&year=2021")
    settle(page)
    page.locator(".dateline-search__clear").focus()
    press_and_redraw(page, "Enter")
    assert "city=" not in page.url and page.locator(".dateline-search__clear").count() == 0
    assert page.evaluate(FOCUSED)["inFilters"]
    # From there, Tab reaches the first filter.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["facet"] == "city"


def test_a_folded_filter_stays_open_and_focused_when_checked(page: Any, site_url: str) -> None:
    open_search(page, site_url)
    tags = page.locator("[data-facet=tag]")
    assert tags.locator("summary").inner_text() == f"{TAGS - 12} more"
    tags.locator("summary").focus()
    page.keyboard.press("Enter")
    folded = tags.locator("details input").first
    value = folded.get_attribute("value")
    folded.focus()
    press_and_redraw(page, "Space")
    assert f"tag={value}" in page.url
    assert page.evaluate(FOCUSED) == {"tag": "input", "value": value, "checked": True, "facet": "tag",
                                      "inFilters": True, "inOpenDetails": True}
    # Another change, of a filter that leaves every tag listed, keeps the list open too.
    page.locator("[data-facet=year]").get_by_label("2021").focus()
    press_and_redraw(page, "Space")
    assert tags.locator("details").get_attribute("open") is not None


HEADER_BOX = "input.md-search__input"
SHOWN = """box => {
  const rect = box.getBoundingClientRect();
  let node = box, opacity = 1;
  for (; node; node = node.parentElement) opacity *= +getComputedStyle(node).opacity;
  return opacity > 0.99 && rect.width > 100 && rect.height > 10
    && rect.left >= 0 && rect.right <= innerWidth && rect.top >= 0 && rect.bottom <= innerHeight;
}"""


def tab_to(page: Any, selector: str, most: int = 8) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} is not reached with Tab")


@pytest.mark.parametrize("width", [360, 640])
def test_the_header_box_reached_with_tab_opens_on_small_screens(page: Any, site_url: str, width: int) -> None:
    # 640 px wide is a 1280 px window at 200 % zoom.
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"{site_url}articles/2021/01/01/r00/")
    tab_to(page, HEADER_BOX)
    assert page.evaluate("document.getElementById('__search').checked")
    box = page.locator(HEADER_BOX)
    page.wait_for_function(f"({SHOWN})(document.querySelector('{HEADER_BOX}'))")
    page.keyboard.type("kabul")
    assert box.input_value() == "kabul"
    # Tab onward closes it: the focus is not left under the overlay.
    page.keyboard.press("Tab")
    assert not page.evaluate("document.getElementById('__search').checked")
    # Escape closes it too.
    box.focus()
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")


def test_the_header_box_stays_in_the_header_on_wide_screens(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{site_url}articles/2021/01/01/r00/")
    tab_to(page, HEADER_BOX)
    assert page.locator(HEADER_BOX).evaluate(SHOWN)
    assert not page.evaluate("document.getElementById('__search').checked")


FOCUS_RING = """() => {
  const node = document.activeElement, style = getComputedStyle(node);
  return {control: node.localName + (node.name ? `[name=${node.name}]` : '') + '.' + node.className,
          inPage: !!node.closest('#dateline-search'),
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1};
}"""


def test_every_control_of_the_search_page_shows_the_keyboards_focus(page: Any, site_url: str) -> None:
    open_search(page, site_url)
    page.locator("#dateline-search-q").focus()
    without: list[str] = []
    reached: set[str] = set()
    for _ in range(80):
        focused = page.evaluate(FOCUS_RING)
        if not focused["inPage"]:
            break
        reached.add(focused["control"].split(".")[0])
        if not focused["ring"]:
            without.append(focused["control"])
        page.keyboard.press("Tab")
    assert {"input[name=q]", "button", "select[name=sort]", "input[name=city]", "input[name=tag]",
            "summary", "a"} <= reached
    assert without == []


TAB_STOP = """() => {
  const node = document.activeElement, box = node.getBoundingClientRect();
  return {inPage: !!node.closest('#dateline-search'), filter: !!node.closest('.dateline-search__filters'),
          result: !!node.closest('.dateline-result'), top: box.top + scrollY, left: box.left, right: box.right};
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_keyboard_meets_results_and_filters_in_the_order_they_are_seen(
        page: Any, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    open_search(page, site_url)
    page.locator("#dateline-search-q").focus()
    stops = []
    for _ in range(80):
        stop = page.evaluate(TAB_STOP)
        if not stop["inPage"]:
            break
        stops.append(stop)
        page.keyboard.press("Tab")
    # Each next stop is further down, or in a column further right.
    for before, after in zip(stops, stops[1:], strict=False):
        assert after["top"] >= before["top"] - 2 or after["left"] >= before["right"], (before, after)
    # The results come before the filters.
    kinds = ["filter" if stop["filter"] else "result" if stop["result"] else "" for stop in stops]
    assert "result" in kinds and "filter" in kinds
    assert kinds.index("result") < kinds.index("filter")


SHOWN_RESULTS = """() => {
  const results = [...document.querySelectorAll('.dateline-result')];
  return {count: results.length, focusedResult: results.indexOf(document.activeElement.closest('.dateline-result')),
          focused: document.activeElement.localName,
          status: document.querySelector('.dateline-search__status').textContent};
}"""


def test_show_more_moves_the_focus_to_the_first_new_result_and_says_how_many(page: Any, site_url: str) -> None:
    open_search(page, site_url)
    more = page.locator(".dateline-search__more")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.dateline-result')")
    assert page.evaluate(SHOWN_RESULTS) == {"count": 20, "focusedResult": 10, "focused": "a",
                                            "status": "Showing 20 of 23 articles found."}
    # The last press hides the button: the focus is on the first new result, not lost.
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.dateline-result:nth-child(21)')")
    assert more.is_hidden()
    assert page.evaluate(SHOWN_RESULTS) == {"count": 23, "focusedResult": 20, "focused": "a",
                                            "status": "Showing 23 of 23 articles found."}



CONTRAST = """([selector, property]) => {
  const parse = (text) => {
    const parts = text.match(/rgba?\\(([^)]+)\\)/)[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return parts.length === 3 ? [...parts, 1] : parts;
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const node = document.querySelector(selector);
  // What lies under the node: its own background and those under it, down to an opaque one.
  const layers = [];
  for (let at = node; at; at = at.parentElement) {
    const colour = parse(getComputedStyle(at).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  const below = layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
  const luminance = (colour) => colour.slice(0, 3).map((value) => {
    const v = value / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [light, dark] = [luminance(over(parse(getComputedStyle(node)[property]), below)), luminance(below)]
    .sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""
"""WCAG's contrast ratio of ``property`` (a colour) of the element ``selector`` finds, with
what lies under it, computed from the colours the browser computed, as a reviewer would."""

NEEDED = {
    # Edges of fields: 3:1 (WCAG 1.4.11).
    ("#dateline-search-q", "borderTopColor"): 3, ("#dateline-search-sort", "borderTopColor"): 3,
    # Text: 4.5:1 (1.4.3).
    ("[data-facet=tag] summary", "color"): 4.5, (".dateline-search__more", "color"): 4.5,
    (".dateline-search__clear", "color"): 4.5, (".dateline-search__count", "color"): 4.5,
    (".dateline-search__status", "color"): 4.5, (".dateline-result__meta", "color"): 4.5,
    (".dateline-result__title a", "color"): 4.5, ("[data-facet=tag] legend", "color"): 4.5,
}


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_fields_and_text_of_the_search_page_have_enough_contrast(page: Any, site_url: str, scheme: str) -> None:
    page.goto(f"{site_url}search/?q=kandahar&year=2021")
    settle(page)
    page.locator("[data-facet=tag] summary").wait_for()
    page.add_style_tag(content="* { transition: none !important; }")
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    too_low = {f"{selector} {property}": round(ratio, 2) for (selector, property), needed in NEEDED.items()
               if (ratio := page.evaluate(CONTRAST, [selector, property])) < needed}
    assert too_low == {}


def test_a_result_in_another_language_is_marked_as_in_it(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}search/?q=kandahar&source={PASHTO_SOURCE}")
    settle(page)
    marks = "node => [node.getAttribute('lang'), node.getAttribute('dir')]"
    assert page.locator(".dateline-result__title").evaluate(marks) == ["fa", "rtl"]
    assert page.locator(".dateline-result__title").inner_text() == PERSIAN_TITLE
    assert page.locator(".dateline-result__excerpt").evaluate(marks) == ["fa", "rtl"]
    page.goto(f"{site_url}search/?q=kandahar&source=Wire+One")
    settle(page)
    assert page.locator(".dateline-result__title").first.evaluate(marks) == [None, "auto"]
    # The language is not a word the search finds.
    page.goto(f"{site_url}search/?q=fa")
    settle(page)
    assert page.locator(".dateline-result").count() == 0


FIRST_LETTER_SHOWN = """span => {
  const text = [...span.childNodes].find((node) => node.nodeType === Node.TEXT_NODE && node.data.trim());
  const at = text.data.search(/\\S/);
  const range = document.createRange();
  range.setStart(text, at);
  range.setEnd(text, at + 1);
  const letter = range.getBoundingClientRect(), box = span.getBoundingClientRect();
  return letter.left >= box.left - 0.5 && letter.right <= box.right + 0.5;
}"""


def test_the_header_shows_a_persian_title_marked_as_persian_from_its_beginning(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 360, "height": 700})
    page.goto(site_url + PERSIAN)
    page.mouse.wheel(0, 600)
    page.wait_for_selector(".md-header__title--active")
    topic = page.locator("[data-md-component=header-topic] .md-ellipsis")
    assert topic.inner_text().strip() == PERSIAN_TITLE
    assert [topic.get_attribute("lang"), topic.get_attribute("dir")] == ["fa", "rtl"]
    # Too long for the header: cut short at its end, its beginning shown.
    assert topic.evaluate("span => span.scrollWidth > span.clientWidth")
    assert topic.evaluate(FIRST_LETTER_SHOWN)
    # An English title is left as it is.
    page.goto(f"{site_url}articles/2021/01/01/r00/")
    assert page.locator("[data-md-component=header-topic] .md-ellipsis").get_attribute("lang") is None


def shown_soon(page: Any) -> None:
    """Wait until the header box is shown (its transition done); polled from here, since
    without JavaScript the page runs no timer or animation frame to poll with."""
    for _ in range(50):
        if page.locator(HEADER_BOX).evaluate(SHOWN):
            return
        page.wait_for_timeout(100)
    pytest.fail("the header box is not shown")


@pytest.fixture
def no_script(browser: Any) -> Iterator[Any]:
    """A page in a context with JavaScript off."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_search_page_says_so_and_where_to_browse(no_script: Any, site_url: str) -> None:
    page = no_script
    page.goto(f"{site_url}search/?q=kandahar")
    assert page.get_by_text("Loading").count() == 0
    # No form that cannot search, nor results that never come.
    assert page.locator(".dateline-search__form").is_hidden()
    assert page.locator(".dateline-search__layout").is_hidden()
    assert "Search needs JavaScript" in page.locator("article").inner_text()
    for name, address in (("by city", "cities/"), ("by date", "dates/")):
        page.get_by_role("link", name=name).click()
        page.wait_for_url(site_url + address)
        page.go_back()


@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_the_header_box_leads_to_the_search_page(no_script: Any, site_url: str, width: int) -> None:
    page = no_script
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"{site_url}articles/2021/01/01/r00/")
    box = page.locator(HEADER_BOX)
    if width < 960:
        # The button opens the box by the stylesheet alone; reached with Tab, it shows itself.
        tab_to(page, HEADER_BOX)
        shown_soon(page)
        page.keyboard.press("Shift+Tab")
        page.locator("label.md-header__button[for=__search]").click()
    shown_soon(page)
    box.fill("herat")
    box.press("Enter")
    page.wait_for_url("**/search/?q=herat")


def test_a_filter_value_written_right_to_left_stays_before_its_count(page: Any, site_url: str) -> None:
    open_search(page, site_url)
    row = page.locator("[data-facet=source] label", has_text=PASHTO_SOURCE)
    row.wait_for()
    value = row.locator(":scope > :nth-child(2)").bounding_box()  # after the checkbox
    count = row.locator(".dateline-search__count").bounding_box()
    assert value is not None and count is not None
    assert count["x"] >= value["x"] + value["width"] - 0.5, (value, count)
