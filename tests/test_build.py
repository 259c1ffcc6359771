"""End to end: real MkDocs builds of small archives, asserting on the HTML readers get."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from dateline import build as build_module
from dateline import pages_places
from dateline.build import build
from dateline.errors import ValidationFailed
from tests.projects import REPO, Project, article

pytestmark = pytest.mark.slow

FALL = "articles/2021/08/13/kandahar-falls/index.html"
SIEGE = "articles/2021/08/14/kabul-braces/index.html"
HERAT = "articles/2021/08/15/herat-aftermath/index.html"
OLD = "articles/2020/02/29/doha-agreement/index.html"


def write_fixture_articles(project: Project) -> None:
    project.write("2021/kandahar-falls.md", article(
        title="Kandahar falls", cities="[Kandahar, Herat, Ghazni, Kabul]", source="Example Wire",
        url="https://example.org/kandahar", tags="[offensive]",
        body="Synthetic test text about Kandahar.\n\nSecond paragraph.\n"))
    project.write("2021/kabul-braces.md", article(
        title="'\"Kabul braces\" <b>for</b> & waits'", date="2021-08-14", cities="[Kabul]",
        body="Synthetic text, <em>Kabul</em>.\n"))
    project.write("2021/herat.md", article(
        title="Herat aftermath", date="2021-08-15T09:00:00+04:30", cities="[Kabul, Herat]",
        dateline="Herat", slug="herat-aftermath", body="Synthetic text about Herat.\n"))
    project.write("2020/doha-agreement.md", article(
        title="Doha agreement", date="2020-02-29", cities="[Kabul]", body="Synthetic leap day text.\n"))
    project.write("drafts/unfinished.md", article(title="Unfinished", draft="true"))


@pytest.fixture(scope="module")
def site(module_project: Callable[[], Project]) -> Project:
    project = module_project()
    write_fixture_articles(project)
    build(project.settings)
    return project


def soup(project: Project, page: str) -> BeautifulSoup:
    return BeautifulSoup((project.site / page).read_text(encoding="utf-8"), "html.parser")


def content(project: Project, page: str) -> BeautifulSoup:
    article_tag = soup(project, page).select_one("article.md-content__inner")
    assert article_tag is not None
    for permalink in article_tag.select("a.headerlink"):
        permalink.decompose()
    return article_tag


def target(page: str, href: str) -> str:
    """The site file a relative link on ``page`` leads to."""
    path = urlsplit(urljoin("http://site/" + page, href)).path.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def links(tag: BeautifulSoup, page: str) -> dict[str, str]:
    return {a.get_text(strip=True): target(page, a["href"]) for a in tag.select("a[href]")
            if not a["href"].startswith(("http", "#"))}


def test_article_page_shows_headline_dateline_source_cities_and_body(site: Project) -> None:
    page = content(site, FALL)
    assert page.h1.get_text(strip=True) == "Kandahar falls"
    dateline = page.select_one("p.dateline")
    assert dateline.get_text(" ", strip=True) == "KANDAHAR — 13 August 2021"
    meta = page.select_one("p.dateline-meta")
    source = meta.find("a", string="Example Wire")
    assert source["href"] == "https://example.org/kandahar"
    found = links(page, FALL)
    assert found["13 August 2021"] == "dates/2021/08/13/index.html"
    assert [found[c] for c in ("Kandahar", "Herat", "Ghazni", "Kabul")] == [
        f"cities/{c}/index.html" for c in ("kandahar", "herat", "ghazni", "kabul")]
    assert "Tags: offensive" in meta.get_text()
    # A tag leads to the search page, filtered by it.
    tag = meta.find("a", string="offensive")
    assert found["offensive"] == "search/index.html" and (site.site / found["offensive"]).is_file()
    assert parse_qs(urlsplit(tag["href"]).query) == {"tag": ["offensive"]}
    assert "Synthetic test text about Kandahar." in page.get_text()


def test_article_page_links_to_the_articles_before_and_after_it_in_time(site: Project) -> None:
    found = links(content(site, FALL), FALL)
    assert found["Doha agreement"] == OLD
    assert found['"Kabul braces" <b>for</b> & waits'] == SIEGE
    assert links(content(site, HERAT), HERAT)['"Kabul braces" <b>for</b> & waits'] == SIEGE


def test_titles_are_text_in_the_page_title_heading_and_lists(site: Project) -> None:
    page = soup(site, SIEGE)
    assert page.title.get_text() == '"Kabul braces" <b>for</b> & waits - Afghanistan 2021 — News Archive'
    assert content(site, SIEGE).h1.get_text(strip=True) == '"Kabul braces" <b>for</b> & waits'
    assert page.select("article b") == []
    raw = (site.site / "cities/kabul/index.html").read_text()
    assert "<b>for</b>" not in raw and "&lt;b&gt;for&lt;/b&gt;" in raw


def test_dateline_city_can_be_other_than_the_first(site: Project) -> None:
    assert content(site, HERAT).select_one("p.dateline").get_text(" ", strip=True).startswith("HERAT —")


def test_city_page_lists_articles_newest_first_by_year_and_month(site: Project) -> None:
    page = content(site, "cities/kabul/index.html")
    assert page.h1.get_text(strip=True) == "Kabul"
    assert "4 articles, 29 February 2020 to 15 August 2021." in page.get_text(" ", strip=True).replace(" ,", ",")
    headings = [h.get_text(strip=True) for h in page.select("h2, h3")]
    assert headings == ["2021", "August 2021", "2020", "February 2020"]
    titles = [li.find("a").get_text() for li in page.select("li")]
    assert titles == ["Herat aftermath", '"Kabul braces" <b>for</b> & waits', "Kandahar falls", "Doha agreement"]
    first = page.select("li")[2].get_text(" ", strip=True)
    assert "13 August 2021 · Kandahar, Herat, Ghazni, Kabul · Example Wire" in first
    assert "Synthetic test text about Kandahar." in first


def test_a_large_city_gets_its_latest_articles_and_a_page_per_month(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_places, "CITY_LIST_ARTICLES", 3)
    monkeypatch.setattr(pages_places, "CITY_LATEST", 2)
    for day, title in [("2020-02-29", "Doha"), ("2021-07-30", "July"), ("2021-08-13", "Falls"),
                       ("2021-08-14", "Braces"), ("2021-08-15", "Airlift")]:
        project.write(f"{day}.md", article(title=title, date=day, cities="[Kabul, Herat]" if title == "Doha"
                                           else "[Kabul]"))
    build(project.settings)

    page = content(project, "cities/kabul/index.html")
    assert "5 articles, 29 February 2020 to 15 August 2021." in page.get_text(" ", strip=True).replace(" ,", ",")
    assert [h.get_text(strip=True) for h in page.select("h2")] == ["Latest articles", "2021", "2020"]
    items = [li.get_text(" ", strip=True) for li in page.select("li")]
    assert [item.split(" ")[0] for item in items[:2]] == ["Airlift", "Braces"]
    assert items[2:] == ["August 2021 — 3 articles", "July 2021 — 1 article", "February 2020 — 1 article"]
    months = links(page, "cities/kabul/index.html")
    assert months["August 2021"] == "cities/kabul/2021/08/index.html"

    august = content(project, "cities/kabul/2021/08/index.html")
    assert august.h1.get_text(strip=True) == "Kabul: August 2021"
    assert [li.find("a").get_text() for li in august.select("li")] == ["Airlift", "Braces", "Falls"]
    # A month lists headlines; the latest articles on the city's page keep their summaries.
    assert "First paragraph." not in august.get_text() and "First paragraph." in page.get_text()
    around = links(august, "cities/kabul/2021/08/index.html")
    assert around["Kabul"] == "cities/kabul/index.html"
    assert around["July 2021"] == "cities/kabul/2021/07/index.html"
    assert "September 2021" not in around
    assert "Earlier" not in august.get_text() and august.select_one("p.dateline-neighbours")
    july = links(content(project, "cities/kabul/2021/07/index.html"), "cities/kabul/2021/07/index.html")
    assert july["February 2020"] == "cities/kabul/2020/02/index.html" and july["August 2021"].endswith("08/index.html")
    # A city within the limit keeps one page listing every article.
    herat = content(project, "cities/herat/index.html")
    assert [h.get_text(strip=True) for h in herat.select("h2, h3")] == ["2020", "February 2020"]
    assert not (project.site / "cities/herat/2020").exists()


def test_cities_index_lists_every_city_with_its_count(site: Project) -> None:
    page = content(site, "cities/index.html")
    items = [li.get_text(" ", strip=True) for li in page.select("li")]
    assert items == ["Ghazni — 1 article", "Herat — 2 articles", "Kabul — 4 articles", "Kandahar — 1 article"]
    assert links(page, "cities/index.html")["Herat"] == "cities/herat/index.html"


def test_date_pages_count_years_months_and_days(site: Project) -> None:
    years = content(site, "dates/index.html")
    assert [li.get_text(" ", strip=True) for li in years.select("li")] == [
        "2020 — 1 article", "2021 — 3 articles"]
    months = content(site, "dates/2021/index.html")
    assert [li.get_text(" ", strip=True) for li in months.select("li")] == ["August 2021 — 3 articles"]
    month = content(site, "dates/2021/08/index.html")
    assert [h.get_text(strip=True) for h in month.select("h2")] == [
        "13 August 2021", "14 August 2021", "15 August 2021"]
    day = content(site, "dates/2021/08/13/index.html")
    assert links(day, "dates/2021/08/13/index.html")["Kandahar falls"] == FALL


def test_a_month_lists_headlines_and_a_day_their_summaries(site: Project) -> None:
    details = "13 August 2021 · Kandahar, Herat, Ghazni, Kabul · Example Wire"
    summary = "Synthetic test text about Kandahar."
    day = [li.get_text(" ", strip=True) for li in content(site, "dates/2021/08/13/index.html").select("li")]
    assert day == [f"Kandahar falls {details} {summary}"]
    month = [li.get_text(" ", strip=True) for li in content(site, "dates/2021/08/index.html").select("li")]
    assert month[0] == f"Kandahar falls {details}"


def test_home_page_has_name_totals_latest_and_section_links(site: Project) -> None:
    page = content(site, "index.html")
    assert page.h1.get_text(strip=True) == "Afghanistan 2021 — News Archive"
    title = soup(site, "index.html").title
    assert title is not None and title.get_text() == "Afghanistan 2021 — News Archive"  # once, not "X - X"
    text = page.get_text(" ", strip=True)
    assert "4 articles about 4 cities , from 29 February 2020 to 15 August 2021." in text
    found = links(page, "index.html")
    assert found["city"] == "cities/index.html" and found["date"] == "dates/index.html"
    latest = [li.find("a").get_text() for li in page.select("li")]
    assert latest == ["Herat aftermath", '"Kabul braces" <b>for</b> & waits', "Kandahar falls", "Doha agreement"]


def test_navigation_holds_only_the_sections(site: Project) -> None:
    tabs = [a.get_text(strip=True) for a in soup(site, FALL).select("nav.md-tabs a")]
    assert tabs[:3] == ["Home", "Cities", "Dates"]
    assert set(tabs) <= {"Home", "Cities", "Dates", "Search", "Map"}


def test_drafts_are_not_published(site: Project) -> None:
    assert not list(site.site.rglob("unfinished*"))
    assert "Unfinished" not in (site.site / "index.html").read_text()


def test_every_internal_link_leads_to_a_page(site: Project) -> None:
    broken = []
    for html in site.site.rglob("*.html"):
        page = html.relative_to(site.site).as_posix()
        for href in BeautifulSoup(html.read_text(), "html.parser").select("a[href]"):
            url = href["href"]
            if url.startswith(("http:", "https:", "#", "mailto:")):
                continue
            if not (site.site / target(page, url).split("#")[0]).exists():
                broken.append(f"{page} → {url}")
    assert broken == []


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_adding_articles_moves_no_existing_url(project: Project) -> None:
    write_fixture_articles(project)
    build(project.settings)
    before = {p.relative_to(project.site).as_posix() for p in (project.site / "articles").rglob("index.html")}
    project.write("2021/kandahar-falls-2.md", article(title="Earlier same day", cities="[Kandahar]"))
    project.write("2019/first.md", article(title="Much earlier", date="2019-01-01", cities="[Kabul]"))
    build(project.settings)
    after = {p.relative_to(project.site).as_posix() for p in (project.site / "articles").rglob("index.html")}
    assert before <= after and len(after) == len(before) + 2
    assert content(project, FALL).h1.get_text(strip=True) == "Kandahar falls"


def test_removed_article_leaves_no_stale_page(project: Project) -> None:
    write_fixture_articles(project)
    build(project.settings)
    (project.root / "articles/2020/doha-agreement.md").unlink()
    result = build(project.settings)
    assert result.sync.removed >= 4  # the article, its day, month and year pages
    assert not (project.docs / "articles/2020").exists()
    assert not (project.site / OLD).exists() and not (project.site / "dates/2020").exists()


def test_second_build_rewrites_nothing(project: Project) -> None:
    write_fixture_articles(project)
    first = build(project.settings)
    second = build(project.settings)
    assert second.sync.written == 0 and second.sync.unchanged == sum(first.generated)


def test_failed_validation_changes_neither_docs_nor_site(project: Project) -> None:
    write_fixture_articles(project)
    build(project.settings)
    docs, site = _snapshot(project.docs), _snapshot(project.site)
    project.write("2021/new.md", article(title="New and fine", date="2021-08-20"))
    project.write("2021/broken.md", article(date="13/08/2021"))
    with pytest.raises(ValidationFailed):
        build(project.settings)
    assert _snapshot(project.docs) == docs and _snapshot(project.site) == site


def test_hand_written_pages_are_kept_and_may_link_to_generated_ones(project: Project) -> None:
    write_fixture_articles(project)
    (project.docs / "about.md").write_text("# About\n\nSee [Kabul](cities/kabul.md).\n")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Dates: dates/index.md\n",
                                                 "  - Dates: dates/index.md\n  - About: about.md\n"))
    build(project.settings)
    build(project.settings)
    assert (project.docs / "about.md").exists()
    assert links(content(project, "about/index.html"), "about/index.html")["Kabul"] == "cities/kabul/index.html"


def test_check_command_reports_every_problem_and_exits_1(project: Project) -> None:
    write_fixture_articles(project)
    build(project.settings)
    site = _snapshot(project.site)
    project.write("bad-date.md", article(title="Bad date", date="13/08/2021"))
    project.write("unknown-key.md", article(title="Unknown key", titel="x"))
    project.write("duplicate.md", article(title="Duplicate", slug="kandahar-falls"))
    project.write("no-title.md", "---\ndate: 2021-08-13\ncities: [Kabul]\n---\nText.\n")
    for command in ("check", "build"):
        result = project.run(command)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [
            'articles/bad-date.md:3: date: "13/08/2021" is not a date (use YYYY-MM-DD)',
            "articles/duplicate.md:1: slug: URL /articles/2021/08/13/kandahar-falls/ is already taken by "
            "articles/2021/kandahar-falls.md; set a different slug: in one of them",
            "articles/no-title.md:1: title: missing (required)",
            "articles/unknown-key.md:5: titel: warning: unknown key, ignored; did you mean 'title'?",
            "3 errors and 1 warning; nothing was written.",
        ]
    assert _snapshot(project.site) == site


def test_build_command_prints_a_summary(project: Project) -> None:
    write_fixture_articles(project)
    result = project.run("build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 4 articles, 4 cities, 4 days: 21 pages (21 written, 0 unchanged, 0 removed) in ")
    first, second, third = result.stdout.rstrip().splitlines()
    assert first.endswith("s → site/")
    size = sum(f.stat().st_size for f in project.site.rglob("*") if f.is_file())
    assert second == f"Rendered every page: no earlier build to start from. Site: {size / 1e6:,.1f} MB."
    assert third == "Search: indexed 2 of 2 periods."
    project.write("2020/extra.md", article("One more", date="2020-08-20", cities="[Kabul]"))
    again = project.run("build")
    assert again.returncode == 0, again.stderr
    *_, rendered, searched = again.stdout.rstrip().splitlines()
    assert re.fullmatch(r"Rendered \d+ changed files; the rest is the last build's\.", rendered)
    assert searched == "Search: indexed 1 of 2 periods; kept 1 from the last build."


def test_a_site_over_github_pages_limit_is_a_warning(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    write_fixture_articles(project)
    monkeypatch.setattr(build_module, "PAGES_LIMIT", 100_000)
    result = build(project.settings)
    size = sum(f.stat().st_size for f in project.site.rglob("*") if f.is_file())
    assert result.site_bytes == size > 100_000
    assert [str(w) for w in result.warnings if w.field == "size"] == [
        f"site: size: warning: {size / 1e6:,.0f} MB: GitHub Pages publishes sites of at most 1 GB "
        "(README, Performance: page weight)"]
    # A build after a change does not walk the whole site again.
    project.write("2020/extra.md", article("One more", date="2020-08-20", cities="[Kabul]"))
    again = build(project.settings)
    assert again.site_bytes is None and not [w for w in again.warnings if w.field == "size"]


def test_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "dateline", "check"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == ("mkdocs.yml: not found (run dateline in the folder that holds "
                                     "mkdocs.yml, or pass --config)")
    (tmp_path / "docs").mkdir()
    result = subprocess.run([sys.executable, "-m", "dateline", "check", "--config", "docs"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "docs: is a folder; give the configuration file (--config docs/mkdocs.yml)"


def test_footnotes_end_the_article_before_the_links_to_its_neighbours(project: Project) -> None:
    project.write("a.md", article("A", body="Claimed.[^1]\n\n[^1]: By officials.\n"))
    project.write("b.md", article("B", date="2021-08-14"))
    build(project.settings)
    page = content(project, "articles/2021/08/13/a/index.html")
    notes, neighbours = page.find("div", class_="footnote"), page.find(class_="dateline-neighbours")
    assert notes is not None and neighbours is not None and "By officials." in notes.get_text()
    assert notes in neighbours.find_all_previous("div")


def test_a_misspelt_settings_section_is_an_error_not_silence(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("\n  dateline:\n", "\n  datelin:\n"))
    result = project.run("check")
    assert result.returncode == 1
    assert result.stderr.strip() == ("mkdocs.yml: extra.datelin: did you mean extra.dateline? "
                                     "(Dateline's settings are read from there alone)")
    # The theme's own keys that merely look alike are not ours to refuse.
    config.write_text(config.read_text().replace("\n  datelin:\n", "\n  timeline: true\n  dateline:\n"))
    assert project.run("check").returncode == 0


def test_an_article_in_pashto_is_marked_so_and_reads_right_to_left(project: Project) -> None:
    project.write("2021/ps.md", article("طالبانو کندهار ونیو", language="ps", body="""
        طالبانو د **کندهار** ښار ونیو.[^1]

        ## سرلیک

        [^1]: دا یادښت دی.
        """))
    project.write("2021/en.md", article("Kandahar falls", date="2021-08-14"))
    build(project.settings)
    pashto = content(project, "articles/2021/08/13/ps/index.html")
    assert pashto.h1["lang"] == "ps" and pashto.h1["dir"] == "rtl"
    text = pashto.find("div", lang="ps")
    assert text is not None and text["dir"] == "rtl"
    assert text.p.strong.get_text() == "کندهار" and text.h2.get_text().startswith("سرلیک")  # Markdown rendered
    notes = text.find("div", class_="footnote")  # the footnotes are inside its mark too
    assert notes is not None and "دا یادښت دی" in notes.get_text()
    english = content(project, "articles/2021/08/14/en/index.html")
    assert english.h1.get("lang") is None and english.find("h1", attrs={"dir": True}) is None
    # Wherever its title and summary are listed or linked, they are marked too.
    earlier = english.find("a", string="طالبانو کندهار ونیو")
    assert earlier is not None and (earlier["lang"], earlier["dir"]) == ("ps", "rtl")
    for listing in ("dates/2021/08/13/index.html", "index.html", "cities/kabul/index.html"):
        page = content(project, listing)
        title = page.find("a", string="طالبانو کندهار ونیو")
        assert title is not None and (title["lang"], title["dir"]) == ("ps", "rtl"), listing
        summary = page.find("span", lang="ps")
        assert summary is not None and summary["dir"] == "rtl" and "کندهار" in summary.get_text(), listing
    for listing in ("index.html", "cities/kabul/index.html"):
        assert content(project, listing).find("a", string="Kandahar falls").get("lang") is None
    # A build after a change marks the neighbour's link anew when only the article changed.
    pashto_file = project.root / "articles/2021/ps.md"
    pashto_file.write_text(pashto_file.read_text(encoding="utf-8").replace("language: ps", "language: fa"),
                           encoding="utf-8")
    build(project.settings)
    earlier = content(project, "articles/2021/08/14/en/index.html").find("a", string="طالبانو کندهار ونیو")
    assert earlier is not None and earlier["lang"] == "fa"


def test_headings_in_quotes_lists_and_html_leave_the_headline_the_only_h1(project: Project) -> None:
    project.write("2021/quoted.md", article("Quoted", body="> # Statement\n\n- # Listed\n\n<h1>Raw</h1>\n"))
    build(project.settings)  # the audit refuses a page of several h1
    page = content(project, "articles/2021/08/13/quoted/index.html")
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["Quoted"]
    assert [h.get_text(strip=True) for h in page.find_all("h2")] == ["Statement", "Listed", "Raw"]


def test_without_md_in_html_a_pashto_article_keeps_its_markdown(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - md_in_html\n", ""))
    project.write("2021/ps.md", article("طالبانو کندهار ونیو", language="ps", body="د **کندهار** ښار.\n"))
    build(project.settings)
    pashto = content(project, "articles/2021/08/13/ps/index.html")
    assert pashto.h1["lang"] == "ps" and pashto.find("div", lang="ps") is None
    assert [strong.get_text() for strong in pashto.find_all("strong")] == ["KABUL", "کندهار"]  # not "**…**"


@pytest.mark.parametrize(("setting", "said"), [
    ("site_dir: .", 'site_dir: "." is or holds the project\'s own folder'),
    ("site_dir: ..", 'site_dir: ".." is or holds the project\'s own folder'),
    ("site_dir: articles", 'site_dir: "articles" overlaps articles ("articles")'),
    ("site_dir: overrides", 'site_dir: "overrides" overlaps theme.custom_dir ("overrides")'),
    ("site_dir: docs/out", 'site_dir: "docs/out" overlaps docs_dir ("docs")'),
    ("docs_dir: .", 'docs_dir: "." is or holds the project\'s own folder'),
    ("docs_dir: articles", 'docs_dir: "articles" overlaps articles'),
    ("docs_dir: nodocs", 'docs_dir: "nodocs": no such folder'),
])
def test_folders_a_build_would_replace_the_users_files_with_are_refused(
        project: Project, setting: str, said: str) -> None:
    """Each build replaces site_dir, and docs_dir's generated folders, whole: pointed at the
    project's own folders, it would have taken mkdocs.yml and the articles with it."""
    project.write("2021/a.md", article("The only copy"))
    config = project.root / "mkdocs.yml"
    config.write_text(f"{setting}\n{config.read_text()}")
    before = sorted(path.relative_to(project.root) for path in project.root.rglob("*"))
    done = subprocess.run([sys.executable, "-m", "dateline", "build"], cwd=project.root,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"mkdocs.yml: {said}"), done.stderr
    assert sorted(path.relative_to(project.root) for path in project.root.rglob("*")) == before


def test_pages_load_nothing_from_other_hosts(site: Project) -> None:
    """Offline and private: no fonts, scripts or styles from a CDN."""
    outside = []
    for html in [site.site / "index.html", site.site / FALL]:
        page = BeautifulSoup(html.read_text(), "html.parser")
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in page.find_all(tag):
                url = element.get(attribute) or ""
                if url.startswith(("http:", "https:", "//")) and element.get("rel") != ["canonical"]:
                    outside.append(f"{html.name}: <{tag}> {url}")
    assert outside == []


def test_the_repository_sample_archive_builds_its_pages(tmp_path: Path) -> None:
    """What `make site` promises for the sample article, on a copy of the repository's own."""
    project = Project(tmp_path)
    shutil.copytree(REPO / "articles", project.root / "articles", dirs_exist_ok=True)
    build(project.settings)
    [article_page] = (project.site / "articles/2021/08/13").glob("*/index.html")
    page = article_page.relative_to(project.site).as_posix()
    assert page == "articles/2021/08/13/taliban-take-kandahar/index.html"
    for index in ("cities/kandahar", "cities/herat", "cities/ghazni", "cities/kabul", "dates/2021/08/13"):
        here = f"{index}/index.html"
        assert page in links(content(project, here), here).values(), index


def test_broken_link_in_a_body_fails_the_build_naming_the_article(project: Project) -> None:
    write_fixture_articles(project)
    build(project.settings)
    site = _snapshot(project.site)
    # An article that is not there: the check says so, with the line (see test_bodylinks.py).
    project.write("links.md", article(title="Links", date="2021-08-20",
                                      body="See [the other story](other.md).\n"))
    with pytest.raises(ValidationFailed) as invalid:
        build(project.settings)
    assert [str(p) for p in invalid.value.problems] == [
        'articles/links.md:7: body: links to "other.md" (articles/other.md): no such article '
        '(a page of the site is linked by its address: /cities/kabul/)']
    # An anchor the article does not have: the check says so too (see test_bodylinks.py).
    project.write("links.md", article(title="Links", date="2021-08-20",
                                      body="See [the fall](2021/kandahar-falls.md#nowhere).\n"))
    with pytest.raises(ValidationFailed) as invalid:
        build(project.settings)
    assert [str(p) for p in invalid.value.problems] == [
        'articles/links.md:7: body: links to "2021/kandahar-falls.md#nowhere": articles/2021/kandahar-falls.md '
        "has no such anchor (it has #headline)"]
    assert _snapshot(project.site) == site


def test_pages_carry_no_indentation_between_tags(site: Project) -> None:
    page = next((site.site / "articles").rglob("index.html")).read_text(encoding="utf-8")
    assert re.search(r"\n[ \t]+<", page) is None and "\n\n" not in page
    assert page.rstrip().endswith("</body></html>")


def test_pages_carry_the_theme_light(site: Project) -> None:
    """The theme around an article is under 7.5 KB (Material inline: 11 KB): icons are
    drawn by the stylesheet, the colour-scheme script and most settings are not inlined."""
    for page in (FALL, SIEGE, "cities/kabul/index.html", "dates/2021/08/13/index.html"):
        html = (site.site / page).read_text(encoding="utf-8")
        article_tag = re.search(r"<article.*</article>", html, re.DOTALL)
        assert article_tag is not None
        assert len(html.encode()) - len(article_tag.group(0).encode()) < 7_500, page
        assert "<path" not in html and "__md_get(\"__palette\")" not in html, page
        # Material's storage helpers come from a file, fetched once.
        assert "__md_scope=" not in html and "assets/scope.js" in html, page
        assert '"search.result' not in html and "clipboard" not in html, page
        assert '<meta name="generator"' not in html, page
        # Material's script for links to content tabs, in pages without tabs.
        assert "__tabbed_" not in html, page


def test_the_site_leaves_out_material_search_files_when_its_plugin_is_off(site: Project) -> None:
    scripts = site.site / "assets" / "javascripts"
    assert list(scripts.glob("bundle.*.min.js")), "Material's own script stays"
    assert list((site.site / "assets" / "stylesheets").glob("main.*.min.css"))
    assert not (scripts / "lunr").exists()
    assert not list(scripts.glob("workers/search.*"))
    # Nor the theme's source maps, which only developer tools ask for.
    assert not list(site.site.rglob("*.map"))


@pytest.mark.slow
def test_material_search_keeps_its_files(project: Project) -> None:
    write_fixture_articles(project)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins: []\n", "plugins:\n  - search\n"))
    build(project.settings)
    scripts = project.site / "assets" / "javascripts"
    assert list((scripts / "workers").glob("search.*.min.js"))
    assert (scripts / "lunr" / "min" / "lunr.fr.min.js").is_file()
    assert not list(project.site.rglob("*.map"))


def test_only_pages_with_headings_have_a_table_of_contents(site: Project) -> None:
    # Neither the article nor the day's page has headings below the title; the month's
    # page has one per day.
    for page in (FALL, "dates/2021/08/13/index.html"):
        assert soup(site, page).select_one("nav.md-nav--secondary") is None, page
    toc = soup(site, "dates/2021/08/index.html").select_one("nav.md-nav--secondary")
    assert toc is not None and toc["aria-label"] == "Table of contents"
    assert "13 August 2021" in toc.select_one("ul.md-nav__list").get_text()


def test_an_article_headline_has_a_short_id_for_its_permalink_and_skip_link(site: Project) -> None:
    page = soup(site, FALL)
    headline = page.select_one("article h1")
    assert headline["id"] == "headline"
    assert headline.select_one("a.headerlink")["href"] == "#headline"
    assert page.select_one("a.md-skip")["href"] == "#headline"


@pytest.mark.slow
def test_pages_with_content_tabs_keep_the_script_that_opens_a_linked_tab(project: Project) -> None:
    write_fixture_articles(project)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text()
                      .replace("markdown_extensions:\n",
                               "markdown_extensions:\n  - pymdownx.tabbed:\n      alternate_style: true\n")
                      .replace("trusted_pages: [search.md]", "trusted_pages: [search.md, tabs.md]")
                      .replace("  - Dates: dates/index.md\n", "  - Dates: dates/index.md\n  - Tabs: tabs.md\n"))
    (project.docs / "tabs.md").write_text('# Tabs\n\n=== "One"\n\n    First.\n\n=== "Two"\n\n    Second.\n')
    build(project.settings)
    assert 'target.name.startsWith("__tabbed_")' in (project.site / "tabs/index.html").read_text()
    assert "__tabbed_" not in (project.site / FALL).read_text()


def test_build_tells_each_step_as_it_starts(project: Project) -> None:
    write_fixture_articles(project)
    steps: list[str] = []
    build(project.settings, steps.append)
    assert steps == ["Reading and checking the articles",
                     "Rendering 22 pages with MkDocs and indexing 4 articles for search",
                     "Auditing the new site"]
    steps.clear()
    project.write("2021/08/extra.md", article("One more", date="2021-08-20", cities="[Kabul]"))
    build(project.settings, steps.append)
    assert steps[1].startswith("Rendering ") and steps[1].endswith(" changed files with MkDocs and "
                                                                   "indexing 5 articles for search")


@pytest.mark.slow
def test_built_pages_carry_no_indentation_between_tags(project: Project) -> None:
    write_fixture_articles(project)
    build(project.settings)
    for page in (project.site / "404.html", project.site / "index.html",
                 next((project.site / "articles").rglob("index.html"))):
        html = page.read_text(encoding="utf-8")
        assert "<main" in html and not re.search(r">\n[ \t]+<", html), page


def test_a_site_published_under_a_project_path_builds_with_its_sitemap(project: Project) -> None:
    # The README's deployment: site_url is the GitHub Pages address of a project.
    project.publish_at()
    write_fixture_articles(project)
    result = project.run("build")
    assert result.returncode == 0, result.stderr
    # The 404 page is served at any missing address, so its links start from the path.
    missing = soup(project, "404.html")
    assert [link["href"] for link in missing.select("link[rel=stylesheet]")][0].startswith("/archive/assets/")
    assert missing.title.get_text() == "Page not found - Afghanistan 2021 — News Archive"
    assert soup(project, FALL).select_one("link[rel=canonical]")["href"] == (
        "https://example.org/archive/articles/2021/08/13/kandahar-falls/")
    # Every page, dated by the newest article it shows; pages of no article undated.
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
              for url in ET.parse(project.site / "sitemap.xml").getroot()}
    pages = sorted(str(p.parent.relative_to(project.site)) for p in project.site.rglob("index.html"))
    assert sorted(url.removeprefix("https://example.org/archive/").rstrip("/") or "."
                  for url in listed) == pages
    base = "https://example.org/archive/"
    assert listed[base + "articles/2021/08/13/kandahar-falls/"] == "2021-08-13"
    assert listed[base + "articles/2020/02/29/doha-agreement/"] == "2020-02-29"
    assert listed[base + "dates/2021/08/14/"] == "2021-08-14"
    assert listed[base + "dates/2020/"] == "2020-02-29"
    assert listed[base + "cities/kandahar/"] == "2021-08-13"
    assert listed[base + "cities/kabul/"] == listed[base] == listed[base + "countries/"] == "2021-08-15"
    assert listed[base + "search/"] is None
    assert not (project.site / "sitemap.xml.gz").exists()
    # Readable as the pages MkDocs wrote are (a web server reads them), not 0600.
    assert (project.site / "sitemap.xml").stat().st_mode == (project.site / "index.html").stat().st_mode
