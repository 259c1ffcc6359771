"""Former addresses (``aliases:``): checked with file and line, each a small page sending
readers and search engines to the article, in no list, and built after a change as a
clean build builds them."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from dateline.aliases import normalise, place, redirect_page
from dateline.archive import load_archive
from dateline.audit import audit
from dateline.build import build
from dateline.errors import ValidationFailed
from dateline.pages import GENERATED_ROOTS
from dateline.serve import BuildState as ServeState
from dateline.serve import start_server, stop_server
from tests.projects import PUBLISHED_URL, Project, article

KANDAHAR = "/articles/2021/08/13/kandahar/"


def problems_of(project: Project) -> list[str]:
    return [str(p) for p in load_archive(project.settings)[1]]


# What may be written, and what it names.

@pytest.mark.parametrize(("written", "path"), [
    ("/articles/2021/08/12/kandahar-falls/", "articles/2021/08/12/kandahar-falls/"),
    ("articles/2021/08/12/kandahar-falls/", "articles/2021/08/12/kandahar-falls/"),
    ("/articles/2021/08/12/kandahar-falls", "articles/2021/08/12/kandahar-falls/"),  # a folder all the same
    ("/old/kandahar/index.html", "old/kandahar/"),  # a folder's own page is the folder
    ("/2021/08/12/kandahar.html", "2021/08/12/kandahar.html"),  # Jekyll's pages
    ("/stories/kandahar.htm", "stories/kandahar.htm"),
    ("/v1.2/", "v1.2/"),
    ("/caf%C3%A9/", "café/"),  # the file name the escapes stand for
])
def test_an_alias_is_a_path_of_the_site_from_its_root(written: str, path: str) -> None:
    assert normalise(written) == (path, None)


@pytest.mark.parametrize(("written", "why"), [
    ("https://example.org/a/", "is a web address, not a path of this site"),
    ("//example.org/a/", "is a web address"),
    ("mailto:a@example.org", "is a web address"),
    ("/a/?page=2", "has a query"),
    ("/a/#top", "has a fragment"),
    ("/a/../b/", 'has a ".." segment'),
    ("/a/%2e%2e/b/", 'has a ".." segment'),
    ("/a//b/", "has an empty folder name"),
    ("/a b/", "holds a space"),
    ("/a\\b/", "holds a backslash"),
    ('/a"b/', 'holds """'),
    ("/", "is the home page's address"),
    ("/index.html", "is the home page's address"),
    ("/a/%FF/", "not UTF-8"),
    ("/a%2Fb/", "whose %-escapes stand for a character"),
    ("/.well-known/a/", "a hidden name"),
    ("/story.php", 'ends in ".php"'),
])
def test_what_is_no_path_of_the_site_says_why(written: str, why: str) -> None:
    path, wrong = normalise(written)
    assert wrong is not None and why in wrong, wrong


def test_aliases_are_read_with_their_lines_and_a_single_one_needs_no_list(project: Project) -> None:
    project.write("kandahar.md", article("Kandahar", aliases="\n  - /articles/2021/08/12/kandahar/\n"
                                                             "  - old/kandahar.html"))
    project.write("herat.md", article("Herat", cities="[Herat]", aliases="herat-falls"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    found = {a.slug: [(alias.path, alias.line) for alias in a.aliases] for a in archive.articles}
    assert found == {"kandahar": [("articles/2021/08/12/kandahar/", 6), ("old/kandahar.html", 7)],
                     "herat": [("herat-falls/", 5)]}


def test_every_mistaken_alias_is_reported_at_once_with_its_file_and_line(project: Project) -> None:
    project.write("kandahar.md", article("Kandahar", aliases="\n  - https://example.org/old/\n  - 2021\n"
                                                             "  - /a/?b\n  - ../up/\n  - {a: b}\n"
                                                             "  - /fine/\n  - fine"))
    assert problems_of(project) == [
        'articles/kandahar.md:6: aliases: "https://example.org/old/" is a web address, not a path of this '
        "site; write the path alone, from the site's root (/articles/2021/08/12/kandahar-falls/)",
        'articles/kandahar.md:7: aliases[2]: 2021 is read by YAML as a number; put it in quotes ("2021") '
        "if it is text",
        "articles/kandahar.md:8: aliases: \"/a/?b\" has a query (?…), which no page's address has; leave it out",
        'articles/kandahar.md:9: aliases: "../up/" has a ".." segment, which leads elsewhere; write the '
        "address it leads to",
        "articles/kandahar.md:10: aliases[5]: expected text, found 'key: value' pairs (quote text containing ': ')",
        'articles/kandahar.md:12: aliases: warning: "fine" is listed twice (also on line 11)',
    ]


def test_an_alias_may_not_take_an_address_another_page_has_or_another_article_claims(project: Project) -> None:
    project.publish_at()
    (project.docs / "about.md").write_text("# About\n", encoding="utf-8")
    project.write("herat.md", article("Herat", date="2021-08-12", cities="[Herat]", aliases="[/gone/]"))
    project.write("kandahar.md", article("Kandahar", aliases="\n  - " + "\n  - ".join([
        KANDAHAR, "/articles/2021/08/12/herat/", "/cities/kabul/old/", "/dates/2020/", "/pagefind/x/",
        "/assets/", "/articles/files/a/", "/search/", "/about/index.html", "/404.html", "/Gone/",
        "/archive/old/"])))
    assert problems_of(project) == [
        "articles/kandahar.md:6: aliases: \"/articles/2021/08/13/kandahar/\" is this article's own address; "
        "remove it",
        'articles/kandahar.md:7: aliases: "/articles/2021/08/12/herat/" is the address of articles/herat.md; '
        "an alias may not take another article's page",
        *(f'articles/kandahar.md:{line}: aliases: "{alias}" lies in /{folder}, where Dateline and the theme '
          "make their own pages and files; choose an address outside it"
          for line, alias, folder in [(8, "/cities/kabul/old/", "cities/"), (9, "/dates/2020/", "dates/"),
                                      (10, "/pagefind/x/", "pagefind/"), (11, "/assets/", "assets/"),
                                      (12, "/articles/files/a/", "articles/files/")]),
        'articles/kandahar.md:13: aliases: "/search/" is the address of docs/search.md; an alias may not '
        "take a page of the site",
        'articles/kandahar.md:14: aliases: "/about/" is the address of docs/about.md; an alias may not take '
        "a page of the site",
        'articles/kandahar.md:15: aliases: "/404.html" is the address of a page the site makes itself',
        # Two articles' aliases: the later file is told (names compare in any case).
        'articles/kandahar.md:16: aliases: "/Gone/" is also an alias of articles/herat.md (line 5); '
        "an old address can lead to one article only",
        'articles/kandahar.md:17: aliases: warning: "/archive/old/" starts with /archive/, the path site_url '
        "publishes the site under; an alias is a path from the site's root: /old/",
    ]


def test_a_build_with_a_mistaken_alias_writes_nothing(project: Project) -> None:
    project.write("herat.md", article("Herat", date="2021-08-12", cities="[Herat]"))
    project.write("kandahar.md", article("Kandahar", aliases="[/articles/2021/08/12/herat/, /a/?b]"))
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    assert [p.line for p in failed.value.problems] == [5]  # the query: the address is checked once mended
    assert not project.site.exists()
    assert not any((project.docs / root).exists() for root in GENERATED_ROOTS)
    result = project.run("check")
    assert result.returncode == 1 and 'articles/kandahar.md:5: aliases: "/a/?b" has a query' in result.stderr


# The audit's view of pages that send their reader on.

def redirecting(to: str, head: str = "") -> str:
    return (f'<!doctype html><html><head><title>Moved</title>{head}<meta http-equiv="refresh" content="0; '
            f'url={to}"></head><body><h1>Moved</h1><p><a href="../a/">A</a></p></body></html>\n')


def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_audit_checks_where_a_page_sends_its_reader(tmp_path: Path) -> None:
    page = "<!doctype html><html><head><title>A</title></head><body><h1>A</h1></body></html>\n"
    site = make_site(tmp_path, {"index.html": page, "a/index.html": page,
                                "old/index.html": redirecting("../a/"),
                                "gone/index.html": redirecting("../nowhere/"),
                                "bad/index.html": redirecting("javascript:alert(1)"),
                                "out/index.html": redirecting("https://example.org/elsewhere/")})
    assert [str(f) for f in audit(site).findings] == [
        'bad/index.html:1: <meta http-equiv="refresh"> sends the reader to a javascript: address',
        'gone/index.html:1: <meta http-equiv="refresh"> sends the reader to ../nowhere/, which is not in the site',
    ]


def test_the_audit_finds_a_page_marked_noindex_in_the_sitemap(tmp_path: Path) -> None:
    page = ('<!doctype html><html><head><link rel="canonical" href="https://example.org/"><title>A</title>'
            "</head><body><h1>A</h1></body></html>\n")
    site = make_site(tmp_path, {
        "index.html": page, "a/index.html": page,
        "old/index.html": redirecting("../a/", '<meta name="robots" content="noindex">'),
        "sitemap.xml": "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                       "<url><loc>https://example.org/a/</loc></url><url><loc>https://example.org/old/</loc></url>"
                       "</urlset>"})
    expected = ["sitemap.xml: lists https://example.org/old/, a page marked noindex (such as an alias's page), "
                "which search engines are told to leave out"]
    assert [str(f) for f in audit(site).findings] == expected
    # A build after a change audits the pages it wrote: the same.
    assert [str(f) for f in audit(site, only=[site / "old/index.html", site / "sitemap.xml"]).findings] == expected


# Built sites.

def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*"))
            if path.is_file()}


def clean_build_of(project: Project, where: Path) -> Path:
    twin = Project(where)
    shutil.rmtree(twin.root / "articles")
    shutil.copytree(project.root / "articles", twin.root / "articles")
    shutil.copy(project.root / "mkdocs.yml", twin.root / "mkdocs.yml")
    build(twin.settings)
    return twin.site


def kandahar(date: str = "2021-08-13", aliases: str = "[/articles/2021/08/12/kandahar/, old/kandahar.html]",
             title: str = "Taliban take Kandahar") -> str:
    return article(title, date=date, cities="[Kandahar]", aliases=aliases, language="en")


@pytest.fixture
def published(project: Project) -> Project:
    project.publish_at()
    project.write("kandahar.md", kandahar())
    project.write("herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]"))
    build(project.settings)
    return project


@pytest.mark.slow
def test_each_alias_is_a_small_page_sending_readers_and_search_engines_to_the_article(published: Project) -> None:
    site = published.site
    for alias in ("articles/2021/08/12/kandahar/index.html", "old/kandahar.html"):
        page = site / alias
        assert page.stat().st_size < 1000, alias
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
        assert refresh.startswith("0; url=")
        target = urljoin(f"{PUBLISHED_URL}{alias}", refresh.removeprefix("0; url="))
        assert target == f"{PUBLISHED_URL}articles/2021/08/13/kandahar/", alias  # relative: any host, any path
        assert soup.find("link", rel="canonical")["href"] == target  # absolute, with site_url
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        link = soup.find("a")
        assert link.get_text() == "Taliban take Kandahar" and urljoin(f"{PUBLISHED_URL}{alias}", link["href"]) \
            == target
        assert soup.find("h1") is not None and soup.title.get_text() == "Moved: Taliban take Kandahar"
        assert not soup.find("script")
    # Where it leads is a page of the site; the old addresses are in no list.
    assert (site / "articles/2021/08/13/kandahar/index.html").is_file()
    listed = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter()
              if loc.tag.endswith("loc")]
    assert listed and not any("/12/kandahar" in url or "old/" in url for url in listed)
    for file in [*site.rglob("*.xml"), *site.rglob("*.html")]:
        if file.name != "index.html" or "kandahar" not in file.parent.name:
            text = file.read_text(encoding="utf-8")
            assert "12/kandahar" not in text and "old/kandahar" not in text, file
    pagefind = json.loads((site / "pagefind" / "manifest.json").read_text(encoding="utf-8"))
    assert sum(shard["articles"] for shard in pagefind["shards"]) == 2  # the articles alone are searched
    assert audit(site, site_path="/archive/").findings == []


@pytest.mark.slow
def test_dateline_serve_shows_the_alias_pages_at_the_published_path(published: Project) -> None:
    state = ServeState(site_dir=published.site, site_path="/archive/")
    state.publish(True)
    running = start_server(state, "127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{running.server_address[1]}/archive/"
        for alias in ("articles/2021/08/12/kandahar/", "old/kandahar.html"):
            with urllib.request.urlopen(base + alias, timeout=10) as answer:
                text = answer.read().decode()
            assert answer.status == 200 and 'http-equiv="refresh"' in text, alias
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "old/nothing.html", timeout=10)
    finally:
        stop_server(state, running)


@pytest.mark.slow
def test_builds_after_alias_changes_give_the_site_a_clean_build_gives(
        published: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    site = published.site
    steps = [
        # An alias alone: no page under docs/ changes; its page is written, nothing else.
        ("alias added", lambda: published.write("herat.md", article("Herat falls", date="2021-08-12",
                                                                    cities="[Herat]", aliases="herat-old")),
         ["herat-old/index.html"]),
        ("alias removed", lambda: published.write("kandahar.md", kandahar(aliases="/articles/2021/08/12/kandahar/")),
         []),
        # The article moves; its old address becomes one of its aliases' pages.
        ("moved", lambda: published.write("kandahar.md", kandahar(
            "2021-08-14", aliases=f"[/articles/2021/08/12/kandahar/, {KANDAHAR}]")), None),
        # And back: its page takes its address again from the alias's page.
        ("moved back", lambda: published.write("kandahar.md", kandahar(aliases="/articles/2021/08/12/kandahar/")),
         None),
        ("a new title, shown by the alias's page too",
         lambda: published.write("kandahar.md", kandahar(aliases="/articles/2021/08/12/kandahar/",
                                                         title="Kandahar falls")), None),
    ]
    for name, change, written in steps:
        change()
        before = {path: path.stat().st_ino for path in site.rglob("*.html")}
        result = build(published.settings)
        assert result.rendered is not None, name  # a build after a change
        assert result.redirects > 0, name
        if written is not None:
            assert result.rendered == 0, name
            new = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                         if before.get(path) != path.stat().st_ino)
            assert new == written, name
        clean = clean_build_of(published, tmp_path_factory.mktemp("clean"))
        got, want = tree(site), tree(clean)
        assert sorted(got) == sorted(want), name
        assert [path for path in want if got[path] != want[path]] == [], name
    assert not (site / "old").exists()  # the folder of a page gone is gone
    page = (site / "articles/2021/08/13/kandahar/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in page and "Kandahar falls" in page
    assert "Kandahar falls" in (site / "articles/2021/08/12/kandahar/index.html").read_text(encoding="utf-8")
    # Nothing changed: not a file written.
    before = {path: path.stat().st_ino for path in site.rglob("*") if path.is_file()}
    result = build(published.settings)
    assert (result.rendered, result.redirects) == (0, 0)
    assert {path: path.stat().st_ino for path in site.rglob("*") if path.is_file()} == before


def test_placing_the_pages_writes_only_what_changed_and_removes_only_its_own(tmp_path: Path) -> None:
    live, new = tmp_path / "site", tmp_path / "new"
    make_site(live, {"kept/index.html": "kept", "moved/index.html": "old", "gone/index.html": "gone",
                     "taken/index.html": "gone too"})
    new.mkdir()
    for name in ("kept/index.html", "gone/index.html"):  # the copy of the live site, after MkDocs
        (new / name).parent.mkdir(parents=True)
        (new / name).hardlink_to(live / name)
    make_site(new, {"taken/index.html": "an article's page MkDocs wrote"})
    before = {name: hashlib.sha256((live / name).read_bytes()).hexdigest()
              for name in ("kept/index.html", "moved/index.html", "gone/index.html", "taken/index.html")}
    wanted = {"kept/index.html": b"kept", "moved/index.html": b"new", "added.html": b"added"}
    written, removed = place(new, live, wanted, before)
    assert written == [new / "added.html", new / "moved/index.html"]
    assert removed == ["gone/index.html"]  # not the page MkDocs wrote where an alias was
    assert (new / "kept/index.html").samefile(live / "kept/index.html")  # the live one's, not written
    assert not (new / "gone").exists() and (new / "taken/index.html").read_text() == "an article's page MkDocs wrote"
    assert (live / "moved/index.html").read_text() == "old"  # never written through
    # MkDocs removed the page of an alias that stays: it is linked again, not written.
    (new / "kept/index.html").unlink()
    assert place(new, live, {"kept/index.html": b"kept"},
                 {"kept/index.html": before["kept/index.html"]}) == ([], [])
    assert (new / "kept/index.html").samefile(live / "kept/index.html")


def test_the_page_shows_the_title_as_text_in_its_language_and_without_site_url_links_relatively(
        project: Project) -> None:
    project.write("kabul.md", article('"</title><script>alert(1)</script>"', language="fa",
                                      aliases="/old/kabul/"))
    [kabul] = load_archive(project.settings)[0].articles
    page = redirect_page(kabul.aliases[0], kabul).decode()
    assert "<script>" not in page and "&lt;/title&gt;&lt;script&gt;" in page
    soup = BeautifulSoup(page, "html.parser")
    link = soup.find("a")
    assert (link["lang"], link["dir"], link["href"]) == ("fa", "rtl", "../../articles/2021/08/13/kabul/")
    assert soup.find("link", rel="canonical")["href"] == "../../articles/2021/08/13/kabul/"


def test_dateline_build_says_when_only_former_addresses_changed(published: Project) -> None:
    published.write("herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]", aliases="herat-old"))
    done = subprocess.run([sys.executable, "-m", "dateline", "build"], cwd=published.root,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Nothing under docs/ changed" in done.stdout
    assert "Former addresses: 1 page written or removed." in done.stdout
    assert (published.site / "herat-old/index.html").is_file()
