"""A table wider than the screen scrolls from the keyboard: Material's script wraps it in a
box that scrolls sideways, and assets/tables.js makes that box, while its table overflows
it, a stop of the Tab key (a named region) whose arrow keys scroll it. axe-core's
scrollable-region-focusable then finds nothing, on a phone's screen as on a wide one; pages
without a table do not load the script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dateline.build import build
from tests.browser.conftest import serve
from tests.browser.test_axe import axe_source
from tests.projects import Project, article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 800}
DESKTOP = {"width": 1300, "height": 800}
WIDE = "articles/2021/08/13/wide-table/"
CAPTIONED = "articles/2021/08/14/captioned-table/"
NARROW = "articles/2021/08/15/narrow-table/"
PLAIN = "articles/2021/08/16/no-table/"
BOX = ".md-typeset__scrollwrap"
COLUMNS = 10


def wide_table() -> str:
    return "\n".join([
        "| " + " | ".join(f"Casualties reported in district {n}" for n in range(COLUMNS)) + " |",
        "|" + "---|" * COLUMNS,
        *("| " + " | ".join(f"figure{row}x{n}" for n in range(COLUMNS)) + " |" for row in range(3)),
    ])


def write_articles(project: Project) -> None:
    # A link after the table, so the box is not the page's last stop of the Tab key.
    after = "\nAfter the table, [the source](https://example.org/source).\n"
    project.write("wide.md", article(
        title="Wide table", slug="wide-table",
        body=f"Before the table, [a link](https://example.org/).\n\n{wide_table()}\n{after}"))
    cells = "".join(f"<td>figure-{n}-of-the-wide-captioned-table</td>" for n in range(COLUMNS))
    project.write("captioned.md", article(
        title="Captioned table", date="2021-08-14", slug="captioned-table",
        body=f"<table>\n<caption>Fighting  by\n district</caption>\n<tr>{cells}</tr>\n</table>\n\n"
             f"{wide_table()}\n{after}"))
    project.write("narrow.md", article(
        title="Narrow table", date="2021-08-15", slug="narrow-table",
        body=f"| City | Day | Month | Year |\n|---|---|---|---|\n| Kabul | 15 | 8 | 2021 |\n{after}"))
    project.write("plain.md", article(title="No table", date="2021-08-16", slug="no-table"))


def tables_project(root: Path, *features: str) -> Project:
    """The articles above, in a project that keeps tables' captions (trusted_html: the
    sanitiser drops them otherwise), with Material's ``features`` added."""
    project = Project(root)
    write_articles(project)
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "trusted_html: false" in text and "    - navigation.top\n" in text
    text = text.replace("trusted_html: false", "trusted_html: true")
    text = text.replace("    - navigation.top\n", "".join(f"    - {name}\n" for name in ("navigation.top", *features)))
    config.write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def tables_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tables_project(tmp_path_factory.mktemp("tables"))
    build(project.settings)
    return project.site


@pytest.fixture(scope="module")
def tables_url(tables_site: Path) -> Iterator[str]:
    with serve(tables_site) as url:
        yield url


def open_page(page: Any, url: str, size: dict[str, int] = PHONE) -> None:
    page.set_viewport_size(size)
    page.goto(url, wait_until="load")
    page.wait_for_selector(BOX)


def scrollable_region_violations(page: Any, rules: tuple[str, ...] = ("scrollable-region-focusable",)) -> list[Any]:
    page.add_script_tag(content=axe_source())
    result = page.evaluate("async rules => await axe.run(document, {runOnly: rules})", list(rules))
    return [node["target"] for violation in result["violations"] for node in violation["nodes"]]


def tab_to(page: Any, selector: str, presses: int = 40) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{presses} presses of Tab never reached {selector}")


def test_the_script_is_loaded_only_by_pages_with_a_table(tables_site: Path) -> None:
    def loads(path: str) -> bool:
        return "assets/tables.js" in (tables_site / path / "index.html").read_text(encoding="utf-8")

    assert [loads(path) for path in (WIDE, CAPTIONED, NARROW, PLAIN, "")] == [True, True, True, False, False]
    assert (tables_site / "assets" / "tables.js").is_file()


def test_a_wide_table_on_a_phone_scrolls_from_the_keyboard(page: Any, tables_url: str) -> None:
    # Without the script, axe finds the box that the keyboard cannot reach.
    page.route("**/assets/tables.js", lambda route: route.abort())
    open_page(page, tables_url + WIDE)
    page.wait_for_load_state("networkidle")
    assert scrollable_region_violations(page) == [[BOX]]
    page.unroute("**/assets/tables.js")
    open_page(page, tables_url + WIDE)
    page.wait_for_selector(f"{BOX}[tabindex='0']")
    assert scrollable_region_violations(page) == []
    region = page.get_by_role("region", name="Table")
    assert region.count() == 1
    tab_to(page, BOX)
    # The focus ring: the accent colour's, as the search page's fields have (its colour
    # read from a probe element, since the custom property holds it as written).
    ring = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        const probe = document.body.appendChild(document.createElement('i'));
        probe.style.color = 'var(--md-accent-fg-color)';
        const accent = getComputedStyle(probe).color;
        probe.remove();
        return [style.outlineStyle, style.outlineWidth !== '0px', style.outlineColor === accent]; }""")
    assert ring == ["solid", True, True]
    assert page.evaluate(f"document.querySelector('{BOX}').scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('{BOX}').scrollLeft > 0")
    # The next press of Tab leaves the table for the link after it.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "the source"


def test_each_region_has_a_name_of_its_own(page: Any, tables_url: str) -> None:
    """A caption names its table's region; tables without one, among several, are numbered."""
    open_page(page, tables_url + CAPTIONED)
    page.wait_for_function(f"document.querySelectorAll(\"{BOX}[tabindex='0']\").length === 2")
    assert page.locator(BOX).evaluate_all("boxes => boxes.map(box => box.getAttribute('aria-label'))") == \
        ["Fighting by district", "Table 2"]
    assert page.get_by_role("region", name="Fighting by district", exact=True).count() == 1
    assert page.get_by_role("region", name="Table 2", exact=True).count() == 1
    assert scrollable_region_violations(page, ("scrollable-region-focusable", "landmark-unique")) == []


def test_a_table_that_fits_adds_no_stop(page: Any, tables_url: str) -> None:
    open_page(page, tables_url + NARROW, DESKTOP)
    page.wait_for_load_state("networkidle")
    box = page.locator(BOX)
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert [box.get_attribute(name) for name in ("tabindex", "role", "aria-label")] == [None, None, None]
    assert scrollable_region_violations(page) == []


def test_the_stop_follows_the_screen_and_the_table(page: Any, tables_url: str) -> None:
    """A table that fits a desktop's screen but not a phone's is a stop only on the
    phone's; and one that comes to fit its box (all but a column hidden, the box keeping
    its width) is none, until it overflows again."""
    open_page(page, tables_url + NARROW, DESKTOP)
    page.wait_for_selector(f"{BOX}:not([tabindex]):not([role])")
    page.set_viewport_size(PHONE)
    page.wait_for_selector(f"{BOX}[tabindex='0'][role='region']")
    assert scrollable_region_violations(page) == []
    page.set_viewport_size(DESKTOP)
    page.wait_for_selector(f"{BOX}:not([tabindex]):not([role]):not([aria-label])")

    open_page(page, tables_url + WIDE)
    page.wait_for_selector(f"{BOX}[tabindex='0']")
    columns = "(table, hidden) => table.querySelectorAll(':is(th, td):nth-child(n+2)')" \
        ".forEach(cell => { cell.hidden = hidden; })"
    page.eval_on_selector(f"{BOX} table", columns, True)
    page.wait_for_selector(f"{BOX}:not([tabindex])")
    page.eval_on_selector(f"{BOX} table", columns, False)
    page.wait_for_selector(f"{BOX}[tabindex='0']")


def test_instant_navigation_marks_the_table_of_the_page_it_opens(
        page: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """With Material's instant navigation on, pages change without loading the scripts
    at the end of the page again: every page loads tables.js, and it marks each page's
    tables as Material's script wraps them."""
    project = tables_project(tmp_path_factory.mktemp("instant"), "navigation.instant")
    with serve(project.site) as url:
        # Material's instant navigation follows only the links its sitemap lists, read
        # with the page's scheme and host but the sitemap's port: site_url is the server's.
        project.publish_at(url)
        build(project.settings)
        assert "assets/tables.js" in (project.site / PLAIN / "index.html").read_text(encoding="utf-8")
        open_page(page, url + NARROW)
        page.wait_for_load_state("networkidle")  # Material's script has read the sitemap
        page.evaluate("window.sameDocument = true")
        page.click("a[href$='/captioned-table/']")
        page.wait_for_selector(f"{BOX}[tabindex='0'][aria-label='Fighting by district']")
        assert page.evaluate("window.sameDocument") is True
        assert scrollable_region_violations(page) == []
