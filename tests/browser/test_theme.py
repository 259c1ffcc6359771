"""The theme's chrome, slimmed for weight, still works in Chromium: the header's icons are
drawn (by the stylesheet, not inline), a reader's colour scheme follows them from page to
page (applied by assets/palette.js before Material's script runs), and the line breaks
taken out of the pages change nothing on screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from dateline.build import build
from dateline.minify import VERBATIM, squeeze
from tests.browser.conftest import serve
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = "articles/2021/08/13/taliban-take-kandahar/"

ICON = """element => {
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {mask: style.maskImage || style.webkitMaskImage, colour: style.backgroundColor,
          width: box.width, height: box.height};
}"""


@pytest.mark.parametrize(("width", "icons"), [
    (1300, ["logo", "night", "top"]),
    (400, ["menu", "night", "search", "top"]),
])
def test_header_icons_are_drawn(page: Any, sample_url: str, width: int, icons: list[str]) -> None:
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(sample_url + ARTICLE)
    # "Back to top" shows once the reader scrolls down, then back up a little.
    page.mouse.wheel(0, 800)
    page.wait_for_timeout(200)
    page.mouse.wheel(0, -100)
    page.wait_for_selector(".md-top:not([hidden])")
    for name in icons:
        icon = page.locator(f".dl-icon-{name}:visible").first
        drawn = icon.evaluate(ICON)
        assert drawn["mask"].startswith('url("data:image/svg+xml'), (name, drawn)
        assert drawn["colour"] not in ("rgba(0, 0, 0, 0)", "transparent"), (name, drawn)
        assert drawn["width"] >= 16 and drawn["height"] >= 16, (name, drawn)
    assert page.locator("header path, .md-sidebar path, .md-top path").count() == 0


def test_colour_scheme_choice_follows_the_reader(page: Any, sample_url: str) -> None:
    page.goto(sample_url + ARTICLE)
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click("label[title='Switch to dark mode']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    # The next page applies the stored choice by itself: Material's script is kept from
    # loading, so what sets the scheme is assets/palette.js, before the first paint.
    page.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
    page.goto(sample_url + "cities/")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.unroute("**/assets/javascripts/bundle.*.js")
    page.goto(sample_url + ARTICLE)
    page.click("label[title='Switch to light mode']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")


def test_choices_are_stored_under_the_sites_path(page: Any, published_url: str) -> None:
    # Material's helpers (assets/scope.js) keep the site's path as Material's inline
    # script did, on every page and on the 404 page, so no stored choice is lost.
    for address in ("", "dates/2021/08/14/", "articles/no-such-page/"):
        page.goto(published_url + address)
        assert page.evaluate("__md_scope.pathname") == "/archive/", address
    page.goto(published_url + "cities/")
    page.click("label[title='Switch to dark mode']")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert "/archive/.__palette" in page.evaluate("Object.keys(localStorage)")


def test_a_missing_address_under_the_project_path_shows_the_styled_404_page(page: Any,
                                                                          published_url: str) -> None:
    # GitHub Pages answers any missing address with the project's 404.html, wherever it is.
    response = page.goto(f"{published_url}articles/2031/01/01/no-such-article/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "404 - Not found"
    # Its stylesheet loaded (the header is the theme's colour, not unstyled) and its
    # links lead into the archive.
    header = page.locator("header.md-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent")
    page.locator(".md-tabs__link", has_text="Dates").click()
    page.wait_for_url(f"{published_url}dates/")
    assert page.locator("h1").inner_text().startswith("Dates")


RICH_BODY = """\
The lede, with `inline code`, a [link](https://example.org/) and a footnote.[^1]

## Background

- First point
- Second point, with **bold** and *italic* text
    1. nested
    2. list

> A quotation
> over two lines.

| City | Province |
|------|----------|
| Kandahar | Kandahar |
| Herat | Herat |

```
code block
    indented
```

<details markdown="1">
<summary>More</summary>

Hidden paragraph.
</details>

Closing paragraph.

[^1]: The footnote.
"""


@pytest.fixture(scope="module")
def rich_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = Project(tmp_path_factory.mktemp("rich"))
    project.write("rich.md", article(title="A rich article", cities="[Kandahar, Herat]",
                                     source="Wire One", tags="[test, long]", body=RICH_BODY))
    project.write("plain.md", article(title="A plain article", cities="[Kabul]"))
    build(project.settings)
    with serve(project.site) as url:
        yield url


def _with_line_breaks(html: str) -> str:
    """``html`` with a line break between every two tags, outside verbatim elements."""
    parts = re.split(rf"(<(?:{'|'.join(VERBATIM)})\b.*?</(?:{'|'.join(VERBATIM)})\s*>)", html,
                     flags=re.DOTALL | re.IGNORECASE)
    return "".join(part if index % 2 else part.replace("><", ">\n<")
                   for index, part in enumerate(parts))


def _screenshot(page: Any, url: str, html: str) -> bytes:
    """The whole page at ``url``, served as ``html``."""
    page.route(url, lambda route: route.fulfill(status=200, body=html,
                                                content_type="text/html; charset=utf-8"))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(100)
    shot: bytes = page.screenshot(full_page=True)
    page.unroute(url)
    return shot


@pytest.mark.parametrize("width", [1300, 400])
def test_line_breaks_taken_out_change_nothing_on_screen(page: Any, rich_url: str, width: int) -> None:
    # Every page kind, each shown twice from the same address: with a line break between
    # every two tags, and squeezed (dateline.minify), which takes out those beside blocks.
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(reduced_motion="reduce")
    for address in ("", "articles/2021/08/13/rich/", "dates/2021/08/13/", "dates/2021/08/",
                    "cities/kandahar/", "cities/", "countries/afghanistan/", "search/",
                    "no-such-page/"):
        url = rich_url + address
        loose = _with_line_breaks(page.request.get(url).text())
        squeezed = squeeze(loose)
        assert len(squeezed) < len(loose), address
        # Chromium now and then draws a rounded corner's edge pixels a shade apart (seen on
        # one or two pixels in about one run in ten, both versions alike): a page is shown
        # again, up to three times, until both look exactly the same.
        for _attempt in range(3):
            if _screenshot(page, url, loose) == _screenshot(page, url, squeezed):
                break
        else:
            pytest.fail(f"{address or 'home'} at {width} px looks different squeezed")


def test_pages_with_code_keep_materials_clipboard_messages(page: Any, rich_url: str) -> None:
    # Material's copy button for code blocks titles itself from the page's settings; pages
    # without code are written without those messages.
    config = "JSON.parse(document.getElementById('__config').textContent).translations"
    page.goto(rich_url + "articles/2021/08/13/rich/")
    assert page.evaluate(config)["clipboard.copy"] == "Copy to clipboard"
    page.goto(rich_url + "articles/2021/08/13/plain/")
    assert page.evaluate(config) == {}
