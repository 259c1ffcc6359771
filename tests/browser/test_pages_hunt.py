"""What readers see on a phone and with the keyboard, found wanting in a bug hunt and fixed
in the stylesheet (docs/stylesheets/dateline.css):

- an article in a right-to-left language, inside the left-to-right page, had its list
  bullets and footnote numbers hanging past the text's right edge (past the screen's on a
  phone) and its quotations' bar on the left, as Material mirrors them only for a
  right-to-left page;
- on a phone, Tab walked through the closed navigation drawer's links, off the screen;
- a link reached with Shift+Tab was scrolled under the header (or "Back to top").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dateline.build import build
from tests.browser.conftest import serve
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 640}

PERSIAN = """\
طالبان شهر قندهار را تصرف کردند، به گفته‌ی Afghan officials و Reuters.[^1]

- نخست: Kabul airport
- دوم: هرات

1. یک
2. دو

> نقل قول با کلمه‌ی English در وسط.

| شهر | ولایت |
|-----|-------|
| قندهار | قندهار |

[^1]: منبع: Example Wire.
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = Project(tmp_path_factory.mktemp("hunt"))
    project.write("2021/08/fa.md", article(title="طالبان قندهار را تصرف کردند", cities="[Kandahar]",
                                           body=PERSIAN, language="fa"))
    for number in range(12):
        project.write(f"2021/08/day-{number}.md", article(
            title=f"Report {number} from Kabul with a headline long enough to wrap on a phone",
            date="2021-08-14", cities="[Kabul]", body=f"Report {number}.\n"))
    build(project.settings)
    with serve(project.site) as url:
        yield url


BOXES = """() => {
  const body = document.querySelector('.md-typeset [dir=rtl]').getBoundingClientRect();
  const quote = getComputedStyle(document.querySelector('.md-typeset [dir=rtl] blockquote'));
  return {
    items: [...document.querySelectorAll('.md-typeset [dir=rtl] li')].map(li => body.right - li.getBoundingClientRect().right),
    quote: [quote.borderLeftWidth, quote.borderRightWidth],
    cell: getComputedStyle(document.querySelector('.md-typeset [dir=rtl] td')).textAlign,
    scroll: document.scrollingElement.scrollWidth - innerWidth,
  };
}"""


def test_a_right_to_left_article_keeps_its_bullets_numbers_and_quotes_inside_the_text(
        page: Any, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "articles/2021/08/13/fa/")
    boxes = page.evaluate(BOXES)
    # Each item (bullets, numbers, the footnote) leaves room on its right for its marker.
    assert len(boxes["items"]) == 5 and min(boxes["items"]) >= 10, boxes
    assert boxes["quote"][0] == "0px" and boxes["quote"][1] != "0px", boxes
    assert boxes["cell"] == "right", boxes
    assert boxes["scroll"] <= 0, boxes


ON_SCREEN = """() => {
  const box = document.activeElement.getBoundingClientRect();
  return box.left >= 0 && box.right <= innerWidth && box.width > 0;
}"""


def test_tabbing_through_the_phone_drawer_shows_it(page: Any, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "dates/2021/08/14/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.md-sidebar--primary .md-nav__link')"):
            break
    else:
        pytest.fail("Tab never reached the drawer's links")
    # The drawer slides in (a quarter of a second) and the focused link is on screen.
    page.wait_for_function(ON_SCREEN, timeout=2_000)
    page.keyboard.press("Tab")
    page.wait_for_function(ON_SCREEN, timeout=2_000)


CLEAR_OF_THE_TOP = """() => {
  const box = document.activeElement.getBoundingClientRect();
  let below = document.querySelector('.md-header').getBoundingClientRect().bottom;
  const top = document.querySelector('.md-top');
  if (top && !top.hidden) below = Math.max(below, top.getBoundingClientRect().bottom);
  return {top: box.top, below, text: document.activeElement.textContent};
}"""


def test_shift_tab_keeps_the_focused_link_clear_of_the_header(page: Any, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "dates/2021/08/14/")
    page.evaluate("[...document.querySelectorAll('article a')].at(-1).focus()")
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        page.wait_for_timeout(50)
        where = page.evaluate(CLEAR_OF_THE_TOP)
        if where["text"].startswith("Report"):
            assert where["top"] >= where["below"], where
