"""Atom feeds of the archive and of each city, as feed readers fetch them from the built site."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

import dateline.feeds
from dateline.build import build
from dateline.errors import BuildError
from tests.projects import PUBLISHED_URL, Project, article
from tests.test_build import write_fixture_articles

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '"Kabul braces" <b>for</b> & waits'
"""A fixture article's title (tests/test_build.py), markup and all: text in a feed."""


@pytest.fixture(scope="module")
def site(module_project: Callable[[], Project]) -> Project:
    project = module_project()
    project.publish_at()
    write_fixture_articles(project)
    build(project.settings)
    return project


def feed(project: Project, path: str) -> ET.Element:
    return ET.parse(project.site / path).getroot()


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def text(element: ET.Element, tag: str) -> str:
    found = element.find(f"{ATOM}{tag}")
    assert found is not None, tag
    return found.text or ""


def site_file(project: Project, address: str) -> Path:
    """The built file a reader following ``address`` gets."""
    assert address.startswith(PUBLISHED_URL), address
    relative = address.removeprefix(PUBLISHED_URL)
    return project.site / (relative if relative.endswith(".xml") else f"{relative}index.html")


def test_the_archive_feed_lists_its_articles_newest_first_at_their_published_addresses(site: Project) -> None:
    root = feed(site, "feed.xml")
    assert [text(e, "title") for e in entries(root)] == [
        "Herat aftermath", HOSTILE, "Kandahar falls", "Doha agreement"]
    assert text(root, "title") == site.settings.site_name
    assert text(root, "id") == PUBLISHED_URL
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"alternate": PUBLISHED_URL, "self": f"{PUBLISHED_URL}feed.xml"}
    for entry in entries(root):
        address = text(entry, "id")
        assert entry.find(f"{ATOM}link").get("href") == address  # type: ignore[union-attr]
        assert site_file(site, address).is_file()
    # Its date is its newest article's (with its time and offset), never the build's.
    assert text(root, "updated") == "2021-08-15T09:00:00+04:30"
    assert text(entries(root)[0], "published") == "2021-08-15T09:00:00+04:30"
    assert text(entries(root)[-1], "published") == "2020-02-29T00:00:00+00:00"


def test_a_title_is_text_in_the_feed(site: Project) -> None:
    raw = (site.site / "feed.xml").read_text(encoding="utf-8")
    assert "&lt;b&gt;for&lt;/b&gt; &amp; waits" in raw
    assert "<b>" not in raw


def test_an_entry_carries_the_summary_source_cities_and_tags(site: Project) -> None:
    entry = next(e for e in entries(feed(site, "feed.xml")) if text(e, "title") == "Kandahar falls")
    assert text(entry, "summary") == "Synthetic test text about Kandahar."
    via = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "via"]
    assert [(link.get("href"), link.get("title")) for link in via] == [("https://example.org/kandahar",
                                                                         "Example Wire")]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "Kandahar", "Herat", "Ghazni", "Kabul", "offensive"]


def test_each_city_has_a_feed_of_its_own_articles(site: Project) -> None:
    root = feed(site, "cities/herat/feed.xml")
    assert [text(e, "title") for e in entries(root)] == ["Herat aftermath", "Kandahar falls"]
    assert text(root, "title") == f"Herat — {site.settings.site_name}"
    assert site_file(site, text(root, "id")) == site.site / "cities/herat/index.html"
    assert {p.parent.name for p in (site.site / "cities").glob("*/feed.xml")} == {
        "kandahar", "herat", "ghazni", "kabul"}


def test_each_country_has_a_feed_of_its_cities_articles(site: Project) -> None:
    root = feed(site, "countries/afghanistan/feed.xml")
    assert [text(e, "title") for e in entries(root)] == [
        "Herat aftermath", HOSTILE, "Kandahar falls", "Doha agreement"]
    assert text(root, "title") == f"Afghanistan — {site.settings.site_name}"
    assert site_file(site, text(root, "id")) == site.site / "countries/afghanistan/index.html"


@pytest.mark.parametrize("page, feed_path", [("index.html", "feed.xml"),
                                             ("cities/kabul/index.html", "cities/kabul/feed.xml"),
                                             ("countries/afghanistan/index.html",
                                              "countries/afghanistan/feed.xml")])
def test_the_home_and_city_pages_announce_and_link_their_feed(site: Project, page: str, feed_path: str) -> None:
    html = BeautifulSoup((site.site / page).read_text(encoding="utf-8"), "html.parser")
    page_address = urljoin(PUBLISHED_URL, page.removesuffix("index.html"))
    announced = html.find_all("link", rel="alternate", type="application/atom+xml")
    assert [urljoin(page_address, tag["href"]) for tag in announced] == [PUBLISHED_URL + feed_path]
    shown = html.find("article").find("a", string="Atom feed")  # type: ignore[union-attr]
    assert urljoin(page_address, shown["href"]) == PUBLISHED_URL + feed_path  # type: ignore[index]


def test_article_and_date_pages_announce_no_feed(site: Project) -> None:
    for page in ("articles/2021/08/13/kandahar-falls/index.html", "dates/2021/08/index.html"):
        assert 'application/atom+xml' not in (site.site / page).read_text(encoding="utf-8")


def _set(project: Project, setting: str) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nextra:\n  dateline:\n    {setting}\n",
                      encoding="utf-8")


def test_feed_articles_bounds_each_feed_and_zero_turns_feeds_off(project: Project) -> None:
    project.publish_at()
    for day in range(1, 5):
        project.write(f"a{day}.md", article(f"Day {day}", date=f"2021-08-0{day}", cities="[Kabul]"))
    _set(project, "feed_articles: 2")
    build(project.settings)
    assert [text(e, "title") for e in entries(feed(project, "feed.xml"))] == ["Day 4", "Day 3"]
    assert len(entries(feed(project, "cities/kabul/feed.xml"))) == 2

    (project.root / "mkdocs.yml").write_text(
        (project.root / "mkdocs.yml").read_text(encoding="utf-8").replace("feed_articles: 2", "feed_articles: 0"),
        encoding="utf-8")
    result = project.run("build")
    assert result.returncode == 0, result.stderr
    assert "feeds" not in result.stdout
    assert not list(project.docs.rglob("feed.xml")) and not list(project.site.rglob("feed.xml"))
    assert "Atom feed" not in (project.site / "index.html").read_text(encoding="utf-8")


def test_without_site_url_there_are_no_feeds(project: Project) -> None:
    project.write("a.md", article())
    result = project.run("build")
    assert result.returncode == 0, result.stderr
    assert "feed" not in result.stdout
    assert not list(project.site.rglob("feed.xml"))


def test_the_build_summary_counts_feeds_apart_from_pages(project: Project) -> None:
    project.publish_at()
    project.write("a.md", article(cities="[Kabul, Herat]"))
    result = project.run("build")
    assert result.returncode == 0, result.stderr
    # The archive's, Kabul's, Herat's and Afghanistan's.
    assert ": 11 pages, 4 feeds (15 written" in result.stdout.splitlines()[0]


def test_a_feed_setting_that_is_not_a_count_is_an_error(project: Project) -> None:
    project.write("a.md", article())
    _set(project, "feed_articles: -1")
    result = project.run("build")
    assert result.returncode != 0
    assert "extra.dateline.feed_articles: must be a whole number ≥ 0" in result.stderr + result.stdout


def test_a_feed_linking_to_a_missing_page_fails_the_audit(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.publish_at()
    project.write("a.md", article())
    address = dateline.feeds.published_address
    monkeypatch.setattr("dateline.feeds.published_address", lambda site_url, path: address(
        site_url, f"gone/{path}" if path.startswith("articles/") else path))
    with pytest.raises(BuildError, match=r"feed\.xml: links to https://example\.org/archive/gone/"):
        build(project.settings)


def test_a_character_xml_cannot_carry_is_left_out_of_the_feed(project: Project) -> None:
    project.publish_at()
    project.write("a.md", article(body="A form\x0cfeed and a \x1b escape in the first paragraph.\n"))
    build(project.settings)
    summary = text(entries(feed(project, "feed.xml"))[0], "summary")
    assert summary == "A form feed and a  escape in the first paragraph."


def test_a_corrected_article_is_dated_by_its_update_on_its_page_in_feeds_and_in_the_sitemap(
        project: Project) -> None:
    project.publish_at()
    project.write("old.md", article("Kabul braces", date="2021-08-10", updated="2021-08-20"))
    project.write("new.md", article("Kabul falls", date="2021-08-15T09:00:00+04:30",
                                    updated="2021-08-15"))  # the same day: never before publication
    project.write("plain.md", article("Kabul waits", date="2021-08-12"))
    build(project.settings)
    page = (project.site / "articles/2021/08/10/old/index.html").read_text(encoding="utf-8")
    assert "Updated: 20 August 2021" in page
    assert "Updated:" not in (project.site / "articles/2021/08/12/plain/index.html").read_text(encoding="utf-8")

    root = feed(project, "feed.xml")
    # Entries stay newest first by publication; the feed is as new as its latest change.
    by_title = {text(e, "title"): e for e in entries(root)}
    assert list(by_title) == ["Kabul falls", "Kabul waits", "Kabul braces"]
    assert text(root, "updated") == "2021-08-20T00:00:00+00:00"
    assert (text(by_title["Kabul braces"], "published"), text(by_title["Kabul braces"], "updated")) == (
        "2021-08-10T00:00:00+00:00", "2021-08-20T00:00:00+00:00")
    assert text(by_title["Kabul falls"], "updated") == "2021-08-15T09:00:00+04:30"
    assert text(by_title["Kabul waits"], "updated") == "2021-08-12T00:00:00+00:00"

    sitemap = (project.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{PUBLISHED_URL}articles/2021/08/10/old/</loc><lastmod>2021-08-20</lastmod>" in sitemap


def test_an_update_is_never_before_publication_in_the_feed_nor_on_the_page(project: Project) -> None:
    project.publish_at()
    # A day alone is published at its start in UTC; 01:00 in Kabul is 20:30 UTC the day before.
    project.write("day.md", article("Kabul falls", date="2021-08-13", updated="2021-08-13T01:00:00+04:30"))
    # 21:00 UTC on the 13th is after 00:30 on the 14th in Kabul (20:00 UTC), on the 13th in UTC.
    project.write("time.md", article("Herat waits", date="2021-08-14T00:30:00+04:30",
                                     updated="2021-08-13T21:00:00Z"))
    build(project.settings)
    by_title = {text(e, "title"): e for e in entries(feed(project, "feed.xml"))}
    assert {title: (text(e, "published"), text(e, "updated")) for title, e in by_title.items()} == {
        "Herat waits": ("2021-08-14T00:30:00+04:30", "2021-08-13T21:00:00+00:00"),
        "Kabul falls": ("2021-08-13T00:00:00+00:00", "2021-08-13T00:00:00+00:00")}
    for page, day in [("articles/2021/08/13/day/index.html", "13 August 2021"),
                      ("articles/2021/08/14/time/index.html", "14 August 2021")]:
        assert f"Updated: {day}" in (project.site / page).read_text(encoding="utf-8")
    sitemap = (project.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{PUBLISHED_URL}articles/2021/08/14/time/</loc><lastmod>2021-08-14</lastmod>" in sitemap


def test_articles_at_the_ends_of_the_accepted_years_are_published(project: Project) -> None:
    project.publish_at()
    project.write("first.md", article("First", date="1000-01-01T00:00:00+05:00"))  # 0999-12-31 in UTC
    project.write("first-day.md", article("First day", date="1000-01-01"))
    project.write("last.md", article("Last", date="9998-12-31T23:00:00-05:00",  # 9999-01-01 in UTC
                                     updated="9998-12-31T23:59:59-12:00"))
    project.write("last-day.md", article("Last day", date="9998-12-31"))
    build(project.settings)
    by_title = {text(e, "title"): e for e in entries(feed(project, "feed.xml"))}
    assert {title: (text(e, "published"), text(e, "updated")) for title, e in by_title.items()} == {
        "Last": ("9998-12-31T23:00:00-05:00", "9998-12-31T23:59:59-12:00"),
        "Last day": ("9998-12-31T00:00:00+00:00", "9998-12-31T00:00:00+00:00"),
        "First day": ("1000-01-01T00:00:00+00:00", "1000-01-01T00:00:00+00:00"),
        "First": ("1000-01-01T00:00:00+05:00", "1000-01-01T00:00:00+05:00")}
    for page in ("dates/1000/01/01/index.html", "dates/9998/12/31/index.html",
                 "articles/1000/01/01/first/index.html", "articles/9998/12/31/last/index.html"):
        assert (project.site / page).is_file(), page
    sitemap = (project.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{PUBLISHED_URL}dates/1000/</loc><lastmod>1000-01-01</lastmod>" in sitemap


def test_an_entry_in_another_language_says_which(project: Project) -> None:
    project.publish_at()
    project.write("2021/ps.md", article("طالبانو کندهار ونیو", language="ps"))
    project.write("2021/en.md", article("Kandahar falls", date="2021-08-14"))
    build(project.settings)
    feed = ET.parse(project.site / "feed.xml").getroot()
    languages = {entry.findtext(f"{ATOM}title"): entry.get("{http://www.w3.org/XML/1998/namespace}lang")
                 for entry in feed.iter(f"{ATOM}entry")}
    assert languages == {"طالبانو کندهار ونیو": "ps", "Kandahar falls": None}
