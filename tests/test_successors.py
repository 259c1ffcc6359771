"""The same docs/ builds with Zensical, MkDocs' successor, which runs no MkDocs plugins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dateline.build import generate
from tests.projects import Project, article
from tests.test_bodylinks import GIF
from tests.test_build import links, target

pytestmark = pytest.mark.slow

ZENSICAL = Path(sys.executable).with_name("zensical")


def zensical_build(project: Project, body: str = "First paragraph.\n") -> None:
    """Dateline's pages of one article (and any written before), built by Zensical
    instead of MkDocs."""
    project.write("a.md", article(title="Kandahar falls", cities="[Qandahar, Kabul]", body=body))
    generate(project.settings)
    result = subprocess.run([str(ZENSICAL), "build", "-f", "mkdocs.yml"], cwd=project.root,
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zensical_builds_the_generated_pages_with_working_links(project: Project) -> None:
    zensical_build(project)
    page = "articles/2021/08/13/a/index.html"
    html = BeautifulSoup((project.site / page).read_text(encoding="utf-8"), "html.parser")
    found = links(html.select_one("article"), page)
    assert found["Kandahar"] == "cities/kandahar/index.html"
    assert found["13 August 2021"] == "dates/2021/08/13/index.html"
    for file in found.values():
        assert (project.site / file).exists(), file


def test_zensical_publishes_an_articles_image_and_follows_its_links(project: Project) -> None:
    project.write("b.md", article(title="Kabul braces", date="2021-08-14", cities="[Kabul]"))
    project.write("photos/airport.gif", GIF)
    zensical_build(project, "![The airport](photos/airport.gif) [Kabul braces](b.md#headline), "
                            "[Kabul](/cities/kabul/).\n")
    page = "articles/2021/08/13/a/index.html"
    html = BeautifulSoup((project.site / page).read_text(encoding="utf-8"), "html.parser")
    found = links(html.select_one("article"), page)
    assert found["Kabul braces"] == "articles/2021/08/14/b/index.html"
    assert found["Kabul"] == "cities/kabul/index.html"
    image = html.select_one("article img")
    assert image is not None
    assert (project.site / target(page, str(image["src"]))).read_bytes() == GIF


def test_zensical_publishes_the_feeds_the_city_pages_link_to(project: Project) -> None:
    project.publish_at()
    zensical_build(project)
    page = "cities/kandahar/index.html"
    html = BeautifulSoup((project.site / page).read_text(encoding="utf-8"), "html.parser")
    assert links(html.select_one("article"), page)["Atom feed"] == "cities/kandahar/feed.xml"
    assert (project.site / "cities/kandahar/feed.xml").read_bytes() == (
        project.docs / "cities/kandahar/feed.xml").read_bytes()
