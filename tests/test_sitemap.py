"""The sitemap Dateline writes in MkDocs' stead: addresses, dates, and files of at most
50,000 addresses for archives larger than one file may list."""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dateline import audit as audit_module
from dateline import sitemap as sitemap_module
from dateline.audit import audit, check_sitemap
from dateline.build import build
from dateline.pagekit import page_url
from dateline.sitemap import sitemap_files, write_sitemap_files
from tests.projects import Project, article

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://example.org/archive/"


def write_sitemap(site: Path, site_url: str, pages: list[str],
                  dates: dict[str, dt.date]) -> tuple[list[Path], list[str]]:
    return write_sitemap_files(site, sitemap_files(site_url, pages, dates))


def entries(file: Path) -> list[tuple[str | None, str | None]]:
    return [(item.findtext("s:loc", namespaces=NS), item.findtext("s:lastmod", namespaces=NS))
            for item in ET.parse(file).getroot()]


def test_pages_are_published_at_directory_addresses() -> None:
    assert page_url("index.md") == ""
    assert page_url("cities/kabul.md") == "cities/kabul/"
    assert page_url("dates/2021/08/13/index.md") == "dates/2021/08/13/"
    assert page_url("about/README.md") == "about/"


def test_every_page_is_listed_once_with_its_date_and_an_address_safe_for_xml(tmp_path: Path) -> None:
    pages = ["index.md", "search.md", "articles/2021/08/13/a.md", "notes/q&a.md", "notes/ünï.md"]
    written, removed = write_sitemap(tmp_path, "https://example.org/archive", pages, {
        "index.md": dt.date(2021, 8, 13), "articles/2021/08/13/a.md": dt.date(2021, 8, 13)})
    assert written == [tmp_path / "sitemap.xml"] and removed == []
    assert entries(tmp_path / "sitemap.xml") == [
        (BASE, "2021-08-13"),
        (BASE + "articles/2021/08/13/a/", "2021-08-13"),
        (BASE + "notes/%C3%BCn%C3%AF/", None),
        (BASE + "notes/q%26a/", None),
        (BASE + "search/", None),
    ]
    assert check_sitemap(tmp_path) == []


def test_without_site_url_the_sitemap_lists_nothing(tmp_path: Path) -> None:
    write_sitemap(tmp_path, "", ["index.md"], {})
    assert entries(tmp_path / "sitemap.xml") == []


def test_more_pages_than_one_file_may_list_make_a_sitemap_index(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap_module, "URLS_PER_FILE", 2)
    pages = [f"p{n}.md" for n in range(5)]
    dates = {f"p{n}.md": dt.date(2020, 1, n + 1) for n in range(4)}
    written, removed = write_sitemap(tmp_path, BASE, pages, dates)
    assert [path.name for path in written] == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert ET.parse(tmp_path / "sitemap.xml").getroot().tag == f"{{{NS['s']}}}sitemapindex"
    assert entries(tmp_path / "sitemap.xml") == [
        (BASE + "sitemap-1.xml", "2020-01-02"), (BASE + "sitemap-2.xml", "2020-01-04"),
        (BASE + "sitemap-3.xml", None)]
    assert [entry for n in (1, 2, 3) for entry in entries(tmp_path / f"sitemap-{n}.xml")] == [
        (BASE + f"p{n}/", dates[f"p{n}.md"].isoformat() if n < 4 else None) for n in range(5)]
    assert check_sitemap(tmp_path) == []
    # Fewer pages again: the part no longer needed goes.
    written, removed = write_sitemap(tmp_path, BASE, pages[:4], dates)
    assert removed == ["sitemap-3.xml"] and not (tmp_path / "sitemap-3.xml").exists()
    write_sitemap(tmp_path, BASE, pages[:2], dates)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sitemap.xml"]


def test_the_audit_reads_every_part_of_a_sitemap_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap_module, "URLS_PER_FILE", 2)
    write_sitemap(tmp_path, BASE, ["a.md", "b.md", "c.md"], {})
    (tmp_path / "sitemap-2.xml").write_text(
        f'<urlset xmlns="{NS["s"]}"><url><loc>{BASE}a/</loc></url></urlset>', encoding="utf-8")
    (tmp_path / "sitemap-1.xml").rename(tmp_path / "elsewhere.xml")
    assert [str(f) for f in check_sitemap(tmp_path)] == [
        f"sitemap.xml: names {BASE}sitemap-1.xml, which is not in the site"]
    (tmp_path / "elsewhere.xml").rename(tmp_path / "sitemap-1.xml")
    assert [str(f) for f in check_sitemap(tmp_path)] == [f"sitemap.xml: lists {BASE}a/ 2 times"]
    monkeypatch.setattr(audit_module, "SITEMAP_URLS", 1)
    assert sorted(str(f) for f in check_sitemap(tmp_path)) == [
        "sitemap-1.xml: lists 2 addresses; a sitemap may list 1 (the sitemap protocol's limit)",
        "sitemap.xml: lists 2 addresses; a sitemap may list 1 (the sitemap protocol's limit)",
        f"sitemap.xml: lists {BASE}a/ 2 times"]


@pytest.mark.slow
def test_the_audit_finds_sitemap_entries_that_are_not_pages_of_the_built_site(project: Project) -> None:
    project.publish_at()
    project.write("gone-soon.md", article(title="Gone soon"))
    project.write("stays.md", article(title="Stays", date="2021-08-14"))
    build(project.settings)
    site = project.site
    assert audit(site, site_path="/archive/").findings == []
    shutil.rmtree(site / "articles/2021/08/13/gone-soon")
    sitemap = site / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace("</urlset>", (
        f"<url><loc>{BASE}nope/</loc></url><url><loc>https://other.example/x/</loc></url></urlset>")),
        encoding="utf-8")
    found = [str(f) for f in audit(site, site_path="/archive/").findings if f.path == "sitemap.xml"]
    assert found == [
        f"sitemap.xml: lists {BASE}articles/2021/08/13/gone-soon/, which is not a page of the site",
        f"sitemap.xml: lists {BASE}nope/, which is not a page of the site",
        f"sitemap.xml: lists https://other.example/x/, which is not under the site's address {BASE}",
    ]
