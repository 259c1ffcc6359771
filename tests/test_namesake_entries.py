"""An archive naming two places of one name (Hyderabad in Pakistan and in India) shows
each by its told-apart name wherever an article is listed with its cities: the entries of
day, month, city, country and home pages, and the categories of feed entries. A namesake
added or removed elsewhere changes those entries, and a build after the change writes
what a build from nothing would."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from dateline import pages_places
from dateline.build import build, check, generate
from dateline.feeds import feed_options
from dateline.pagekit import Reuse
from dateline.pages import render
from dateline.pages_places import CITY_LATEST
from tests.projects import Project, article
from tests.test_build import content
from tests.test_incremental import assert_same_site
from tests.test_pagememo import docs_tree

ATOM = "{http://www.w3.org/2005/Atom}"

FLOOD = article("Flood", date="2021-08-13", cities='["Hyderabad, Pakistan", Karachi]', tags="[floods]")
PORT = article("Port", date="2021-07-01", cities="[Karachi]")
TALKS = article("Talks", date="2021-08-14", cities="[Kabul]")
TECH = article("Tech", date="2021-09-02", cities='["Hyderabad, India"]')


def entries(markdown: str) -> dict[str, str]:
    """An article list's entries in a page's Markdown: title → the line of details under
    it (date · cities)."""
    return {title: details.strip() for title, details
            in re.findall(r"^- \*\*\[(.+?)\]\(.*\n(.*)$", markdown, re.MULTILINE)}


def page(project: Project, path: str) -> str:
    return (project.docs / path).read_text(encoding="utf-8")


def categories(project: Project, feed: str) -> dict[str, list[str]]:
    """Each entry's categories in a feed under ``docs/``: title → terms."""
    root = ET.parse(project.docs / feed).getroot()
    return {entry.findtext(f"{ATOM}title") or "": [c.get("term") or "" for c in entry.iter(f"{ATOM}category")]
            for entry in root.iter(f"{ATOM}entry")}


def assert_docs_as_rendered(project: Project) -> None:
    """``docs/`` holds what rendering every page from nothing writes (feeds too)."""
    archive, _warnings = check(project.settings)
    settings = project.settings
    assert docs_tree(project) == {p.path: p.text for p in render(
        archive, settings.latest, feed_options(settings.site_url, settings.feed_articles))}


@pytest.fixture
def namesakes(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setattr(pages_places, "CITY_LIST_ARTICLES", 1)  # Karachi gets month pages
    project.publish_at()  # with feeds
    for name, text in (("pk.md", FLOOD), ("port.md", PORT), ("kabul.md", TALKS), ("in.md", TECH)):
        project.write(name, text)
    generate(project.settings)
    return project


def test_list_entries_show_each_namesake_by_its_told_apart_name(namesakes: Project) -> None:
    flood = "13 August 2021 · Hyderabad, Pakistan; Karachi"
    tech = "2 September 2021 · Hyderabad, India"
    assert entries(page(namesakes, "dates/2021/08/13/index.md")) == {"Flood": flood}
    assert entries(page(namesakes, "dates/2021/08/index.md"))["Flood"] == flood
    assert entries(page(namesakes, "dates/2021/09/02/index.md")) == {"Tech": tech}
    assert entries(page(namesakes, "index.md")) == {"Tech": tech, "Talks": "14 August 2021 · Kabul",
                                                    "Flood": flood, "Port": "1 July 2021 · Karachi"}
    assert entries(page(namesakes, "cities/hyderabad-pk.md")) == {"Flood": flood}
    assert entries(page(namesakes, "cities/hyderabad.md")) == {"Tech": tech}
    # A large city: its latest articles and a page per month.
    assert CITY_LATEST >= 2
    assert entries(page(namesakes, "cities/karachi.md")) == {"Flood": flood, "Port": "1 July 2021 · Karachi"}
    assert entries(page(namesakes, "cities/karachi/2021/08.md")) == {"Flood": flood}
    assert entries(page(namesakes, "countries/pakistan.md"))["Flood"] == flood
    assert entries(page(namesakes, "countries/india.md")) == {"Tech": tech}
    # As the article's own page names its cities, each linked to its page.
    assert ("Cities: [Hyderabad, Pakistan](../../../../cities/hyderabad-pk.md), "
            "[Karachi](../../../../cities/karachi.md)") in page(namesakes, "articles/2021/08/13/pk.md")


def test_feed_entries_have_the_told_apart_names_as_categories(namesakes: Project) -> None:
    assert categories(namesakes, "feed.xml") == {"Tech": ["Hyderabad, India"], "Talks": ["Kabul"],
                                                 "Flood": ["Hyderabad, Pakistan", "Karachi", "floods"],
                                                 "Port": ["Karachi"]}
    assert categories(namesakes, "cities/karachi/feed.xml")["Flood"] == ["Hyderabad, Pakistan", "Karachi",
                                                                         "floods"]
    assert categories(namesakes, "countries/india/feed.xml") == {"Tech": ["Hyderabad, India"]}


def kept_pages(project: Project, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The pages the page memo keeps in one ``generate``."""
    kept: set[str] = set()
    original = Reuse.keeps

    def spy(self: Reuse, path: str, *shown: str, **articles: Any) -> bool:
        found = original(self, path, *shown, **articles)
        if found:
            kept.add(path)
        return found

    monkeypatch.setattr(Reuse, "keeps", spy)
    generate(project.settings)
    monkeypatch.setattr(Reuse, "keeps", original)
    return kept


def test_a_namesake_added_or_removed_elsewhere_renames_the_entries_a_later_build_writes(
        namesakes: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    tech = namesakes.root / "articles" / "in.md"
    tech.unlink()
    kept = kept_pages(namesakes, monkeypatch)
    # Pakistan's Hyderabad, alone now, is plain Hyderabad wherever Flood is listed.
    flood = "13 August 2021 · Hyderabad, Karachi"
    for path in ("dates/2021/08/13/index.md", "dates/2021/08/index.md", "cities/karachi.md",
                 "cities/karachi/2021/08.md", "cities/hyderabad-pk.md"):
        assert entries(page(namesakes, path))["Flood"] == flood, path
    assert categories(namesakes, "cities/karachi/feed.xml")["Flood"] == ["Hyderabad", "Karachi", "floods"]
    assert_docs_as_rendered(namesakes)
    # The pages that list no article of a Hyderabad were kept (but the day before the
    # one removed, which linked to it).
    assert {"dates/2021/07/01/index.md", "cities/kabul.md",
            "cities/karachi/2021/07.md", "cities/kabul/feed.xml"} <= kept

    tech.write_text(TECH, encoding="utf-8")
    kept = kept_pages(namesakes, monkeypatch)
    assert entries(page(namesakes, "dates/2021/08/13/index.md"))["Flood"] == (
        "13 August 2021 · Hyderabad, Pakistan; Karachi")
    assert categories(namesakes, "cities/karachi/feed.xml")["Flood"] == ["Hyderabad, Pakistan", "Karachi",
                                                                         "floods"]
    assert_docs_as_rendered(namesakes)
    assert "cities/kabul.md" in kept and "dates/2021/08/13/index.md" not in kept


@pytest.mark.slow
def test_a_site_built_after_a_namesake_is_added_is_the_site_a_clean_build_makes(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    project.publish_at()
    for name, text in (("pk.md", FLOOD), ("port.md", PORT), ("kabul.md", TALKS)):
        project.write(name, text)
    build(project.settings)
    project.write("in.md", TECH)
    result = build(project.settings)
    assert result.rendered is not None  # an incremental build

    day = content(project, "dates/2021/08/13/index.html")
    assert [li.get_text(" ", strip=True) for li in day.select("li")] == [
        "Flood 13 August 2021 · Hyderabad, Pakistan; Karachi First paragraph."]
    feed = ET.parse(project.site / "cities" / "karachi" / "feed.xml").getroot()
    assert [c.get("term") for c in feed.iter(f"{ATOM}category")] == ["Hyderabad, Pakistan", "Karachi",
                                                                      "floods", "Karachi"]

    clean = Project(tmp_path_factory.mktemp("clean"))
    clean.publish_at()
    shutil.rmtree(clean.root / "articles")
    shutil.copytree(project.root / "articles", clean.root / "articles")
    build(clean.settings)
    assert_same_site(project.site, clean.site)


def test_search_results_list_a_namesake_among_other_places_with_semicolons(namesakes: Project) -> None:
    from dateline.pagekit import city_names
    from dateline.search import article_record

    archive, _warnings = check(namesakes.settings)
    flood = next(a for a in archive.articles if a.title == "Flood")
    record = article_record(flood, city_names(archive), "en")
    assert record["meta"]["cities"] == "Hyderabad, Pakistan; Karachi"
    assert record["filters"]["city"] == ["Hyderabad, Pakistan", "Karachi"]
