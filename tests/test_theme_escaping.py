"""The theme escapes mkdocs.yml's and front matter's text in the page's head: a site
description or author with a quote, "<" or "&" (Material prints both raw in an
attribute) reads back as written, on the 404 page and on every other."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup, Tag

from tests.projects import Project, article

pytestmark = pytest.mark.slow

DESCRIPTION = 'Coverage of "the fall" <2021> & after'
AUTHOR = "Nour \"N'\" <nour@example.org> & Ahmad"
SUMMARY = 'A "quoted" <b>summary</b> & more'
SEARCH_DESCRIPTION = 'Search "every" article <now> & later'


def yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def site(module_project: Callable[[], Project]) -> Project:
    project = module_project()
    config = project.root / "mkdocs.yml"
    text = re.sub(r"^site_description:.*$",
                  f"site_description: {yaml_string(DESCRIPTION)}\nsite_author: {yaml_string(AUTHOR)}",
                  config.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    config.write_text(text, encoding="utf-8")
    # A hand-written page whose front matter's description has a quote and "<".
    search = project.docs / "search.md"
    search.write_text(re.sub(r"^description:.*$", f"description: {yaml_string(SEARCH_DESCRIPTION)}",
                             search.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE),
                      encoding="utf-8")
    project.write("2021/fall.md", article(title="The fall", summary=yaml_string(SUMMARY)))
    result = project.run("build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def head(project: Project, page: str) -> Tag:
    soup = BeautifulSoup((project.site / page).read_text(encoding="utf-8"), "html.parser")
    assert soup.head is not None
    return soup.head


def metadata(project: Project, page: str) -> dict[str, list[dict[str, str | list[str]]]]:
    """Each named meta element of a page's head, with all its attributes: an attribute
    cut short by a quote leaves the rest of the text as attributes of its own."""
    found: dict[str, list[dict[str, str | list[str]]]] = {}
    for meta in head(project, page).find_all("meta", attrs={"name": True}):
        found.setdefault(str(meta["name"]), []).append(dict(meta.attrs))
    return found


@pytest.mark.parametrize("page", ["404.html", "search/index.html", "index.html",
                                  "articles/2021/08/13/fall/index.html", "cities/kabul/index.html"])
def test_the_site_author_reads_back_as_written_on_every_page(site: Project, page: str) -> None:
    assert metadata(site, page)["author"] == [{"name": "author", "content": AUTHOR}]


def test_the_404_page_describes_the_site_as_written(site: Project) -> None:
    assert metadata(site, "404.html")["description"] == [{"name": "description", "content": DESCRIPTION}]
    assert [title.get_text() for title in head(site, "404.html").find_all("title")] == [
        "Page not found - Afghanistan 2021 — News Archive"]


def test_the_home_page_describes_the_site_as_written(site: Project) -> None:
    assert metadata(site, "index.html")["description"] == [{"name": "description", "content": DESCRIPTION}]


def test_an_articles_summary_is_its_description_as_written(site: Project) -> None:
    assert metadata(site, "articles/2021/08/13/fall/index.html")["description"] == [
        {"name": "description", "content": SUMMARY}]


def test_a_hand_written_pages_description_with_a_quote_stays_in_its_attribute(site: Project) -> None:
    assert metadata(site, "search/index.html")["description"] == [
        {"name": "description", "content": SEARCH_DESCRIPTION}]


def test_generated_pages_descriptions_are_not_escaped_twice(site: Project) -> None:
    html = (site.site / "articles/2021/08/13/fall/index.html").read_text(encoding="utf-8")
    assert "&amp;quot;" not in html and "&amp;lt;" not in html and "&amp;amp;" not in html


def test_no_page_names_the_generator(site: Project) -> None:
    assert "generator" not in metadata(site, "index.html")
    assert "generator" not in metadata(site, "404.html")
