"""Search records built from the archive, and the Pagefind bundle they produce."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from dateline.archive import group
from dateline.build import build
from dateline.errors import BuildError
from dateline.gazetteer import Place
from dateline.model import Article, CityRef
from dateline.search import (
    EVERY_ARTICLE,
    MANIFEST,
    PLACES,
    article_record,
    facet_word,
    fold_name,
    index_language,
    index_site,
    place_table,
    records,
    sort_date,
)
from dateline.search_pagefind import record_page, run_pagefind
from tests.projects import Project, article

REPO = Path(__file__).resolve().parent.parent


def make_article(slug: str = "kandahar-falls", **changes: object) -> Article:
    kandahar = CityRef("kandahar", "Kandahār")
    fields: dict[str, object] = dict(
        path=f"articles/{slug}.md", title="Taliban <b>take</b> Kandahar", date=dt.date(2021, 8, 13),
        timestamp=None, cities=(kandahar, CityRef("herat", "Herat")), dateline=kandahar, slug=slug,
        body="The **city** fell.\n\n- one\n- two <script>x</script>\n", summary="The city fell.",
        source="Wire & Co", tags=("offensive", "2021"))
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def test_record_holds_plain_text_meta_filters_and_sort() -> None:
    names = {"kandahar": "Kandahar", "herat": "Herat"}
    record = article_record(make_article(), names, "en")
    assert record["url"] == "/articles/2021/08/13/kandahar-falls/"
    assert record["content"] == "The city fell. one two x"
    assert record["language"] == "en"
    assert record["meta"] == {
        "title": "Taliban <b>take</b> Kandahar", "date": "2021-08-13", "date_label": "13 August 2021",
        "cities": "Kandahar, Herat", "every": EVERY_ARTICLE,
        "source": "Wire & Co", "tags": "offensive, 2021", "facets": record["meta"]["facets"]}
    assert record["filters"] == {"city": ["Kandahar", "Herat"], "year": ["2021"], "month": ["2021-08"],
                                 "source": ["Wire & Co"], "tag": ["offensive", "2021"]}
    assert record["sort"] == {"date": "2021-08-13//kandahar-falls"}


def place(name: str, country: str, *aliases: str) -> Place:
    return Place(f"local:{name}", name, fold_name(name).replace(" ", "-"), "", country, None, None, None, 1,
                 aliases)


def test_names_fold_as_the_search_page_folds_them() -> None:
    assert fold_name("Mazār-e Sharīf") == "mazar e sharif"
    assert fold_name("  D.C. ") == "d c"
    assert fold_name("قندهار") == "قندهار"
    assert fold_name("Pul'-i-Khumri") == "pul i khumri"


def test_a_name_of_one_city_is_searched_as_its_name_and_a_shared_one_stays_in_the_records() -> None:
    kandahar = CityRef("kandahar", "Qandahar", place=place("Kandahar", "Afghanistan", "Kandahār", "قندهار"))
    fayzabad = CityRef("fayzabad", "Fayzabad", place=place("Fayzabad", "Afghanistan", "Faizabad", "Fajzabad"))
    fyzabad = CityRef("fyzabad", "Fyzabad", place=place("Fyzabad", "India", "Faizabad"))
    archive = group([make_article("a", cities=(kandahar, fayzabad), dateline=kandahar),
                     make_article("b", cities=(fyzabad,), dateline=fyzabad)])
    places = place_table(archive)
    # The article's own spelling and the gazetteer's other names, but not a name that
    # differs only in marks and case (Pagefind folds those itself).
    assert places.searched_as == {"qandahar": "Kandahar", "قندهار": "Kandahar", "fajzabad": "Fayzabad"}
    assert places.kept == {("fayzabad", "Fayzabad"): ("Faizabad",), ("fyzabad", "Fyzabad"): ("Faizabad",)}
    # One file per first letter; a letter but a-z and 0-9 by its code point.
    assert {path: json.loads(data) for path, data in places.tables.items()} == {
        PLACES: {"format": 2, "longest": 1, "files": ["places/f.json", "places/q.json", "places/u0642.json"]},
        "places/f.json": {"names": {"fajzabad": "Fayzabad"}},
        "places/q.json": {"names": {"qandahar": "Kandahar"}},
        "places/u0642.json": {"names": {"قندهار": "Kandahar"}},
    }
    names = {key: city.name for key, city in archive.cities.items()}
    first, second = (article_record(a, names, "en", places) for a in archive.articles)
    assert first["meta"]["places"] == "Faizabad" and second["meta"]["places"] == "Faizabad"
    assert first["meta"]["cities"] == "Kandahar, Fayzabad"


def test_record_without_source_or_tags_has_no_such_filters() -> None:
    record = article_record(make_article(source=None, tags=()), {}, "en")
    assert set(record["filters"]) == {"city", "year", "month"}
    assert "source" not in record["meta"] and "tags" not in record["meta"]


def test_record_of_an_article_in_another_language_says_which_and_its_direction() -> None:
    english = article_record(make_article(language="en-GB"), {}, "en")
    persian = article_record(make_article(language="fa"), {}, "en")
    french = article_record(make_article(language="fr-CA"), {}, "en")
    assert "language" not in english["filters"] and "direction" not in english["filters"]
    assert persian["filters"]["language"] == ["fa"] and persian["filters"]["direction"] == ["rtl"]
    assert french["filters"]["language"] == ["fr-CA"] and "direction" not in french["filters"]
    # Filters, which Pagefind does not search as words, not meta, which it does; and no
    # hidden word of theirs (search.js never filters by them).
    assert persian["meta"] == english["meta"]


def test_sort_key_orders_articles_as_the_rest_of_the_site_does() -> None:
    def at(slug: str, day: dt.date, hour: int, offset: int, microsecond: int = 0) -> Article:
        zone = dt.timezone(dt.timedelta(hours=offset))
        return make_article(slug, date=day, timestamp=dt.datetime(day.year, day.month, day.day, hour,
                                                                   microsecond=microsecond, tzinfo=zone))

    february = dt.date(2021, 2, 1)
    articles = [
        at("g", february, 1, 5),  # 20:00 UTC on 31 January, but published on 1 February
        at("h", february, 10, 0),
        at("h-later", february, 10, 0, 500_000),
        make_article("report-10", date=february), make_article("report-2", date=february),
        at("eve", dt.date(2021, 1, 31), 23, 0), make_article("next-day", date=dt.date(2021, 2, 2)),
        at("same-time-a", february, 14, 4), at("same-time-b", february, 10, 0)]
    site_order = [a.slug for a in sorted(articles, key=lambda a: a.sort_key)]
    assert site_order[:4] == ["eve", "report-10", "report-2", "g"]
    assert [a.slug for a in sorted(articles, key=sort_date)] == site_order
    assert sort_date(articles[0]) == "2021-02-01/2021-01-31T20:00:00+00:00/g"


def test_one_language_for_the_whole_index() -> None:
    archive = group([make_article("a", language="fa"), make_article("b", language="en-GB"),
                     make_article("c", language="en")])
    assert index_language(archive) == "en"
    assert {r["language"] for r in records(archive)} == {"en"}
    assert index_language(group([])) == "en"


def test_search_page_script_knows_the_every_article_word() -> None:
    script = (REPO / "docs" / "assets" / "search" / "search.js").read_text(encoding="utf-8")
    assert f'const EVERY_ARTICLE = "{EVERY_ARTICLE}";' in script


def shard_entries(bundle: Path) -> dict[str, int]:
    """Folder → page count of each shard the manifest lists."""
    manifest = json.loads((bundle / MANIFEST).read_text())
    return {shard["folder"]: json.loads((bundle / shard["folder"] / "pagefind-entry.json").read_text())
            ["languages"]["en"]["page_count"] for shard in manifest["shards"]}


@pytest.mark.slow
def test_index_site_writes_a_bundle_of_articles_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = group([make_article("a"), make_article("b", date=dt.date(2020, 1, 2), body="")])
    report = index_site(archive, tmp_path)
    bundle = tmp_path / "pagefind"
    assert (report.records, report.indexed, report.reused) == (2, 2, 0)
    assert shard_entries(bundle) == {"2020": 1, "2021": 1}
    assert (bundle / "pagefind.js").is_file() and (bundle / "wasm.en.pagefind").is_file()
    assert list((bundle / "2021" / "fragment").iterdir())
    # Shards share the top-level WebAssembly and script; Pagefind's own UIs are dropped.
    assert not list(bundle.glob("*/wasm.*")) and not list(bundle.glob("*/pagefind.js"))
    assert not list(bundle.rglob("pagefind-ui*"))
    # Indexing again replaces the bundle rather than mixing two; a relative path works too.
    monkeypatch.chdir(tmp_path.parent)
    assert index_site(group([make_article("c")]), Path(tmp_path.name)).records == 1
    assert shard_entries(bundle) == {"2021": 1}
    assert not (bundle / "2020").exists()


def test_pagefind_failures_become_build_errors(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="Pagefind failed .*not able to build an index"):
        run_pagefind(tmp_path, tmp_path / "bundle")


def test_missing_binary_is_a_build_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pagefind_bin

    def missing() -> Path:
        raise FileNotFoundError("no pagefind here")

    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    with pytest.raises(BuildError, match="Pagefind binary is missing"):
        run_pagefind(tmp_path, tmp_path / "bundle")


def test_record_pages_keep_values_as_text() -> None:
    page = record_page({"url": "/a/", "content": "x < y & z", "language": "en",
                        "meta": {"title": '"Alpha" <b>report</b>'}, "filters": {"city": ["A & B", "C"]},
                        "sort": {"date": "2021-08-13"}})
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html is not None and soup.html["lang"] == "en"
    assert soup.select_one('[data-pagefind-meta="title"]').get_text() == '"Alpha" <b>report</b>'
    assert [e.get_text() for e in soup.select('[data-pagefind-filter="city"]')] == ["A & B", "C"]
    assert soup.select_one('[data-pagefind-sort="date"]').get_text() == "2021-08-13"
    assert soup.select_one("[data-pagefind-body]").get_text() == "x < y & z"


@pytest.mark.slow
def test_build_indexes_articles_and_replaces_materials_search(project: Project) -> None:
    project.write("2021/a.md", article(title="'Alpha <b>report</b>'", slug="alpha", body="Zebrafish text.\n"))
    project.write("2021/b.md", article(title="Bravo", date="2021-08-14", body="Other text.\n"))
    build(project.settings)
    site = project.site
    assert shard_entries(site / "pagefind") == {"2021": 2}
    # Kabul's other names (Cabool, کابل…) are searched as Kabul; none is in a record.
    files = json.loads((site / "pagefind" / PLACES).read_bytes())["files"]
    names = {name: city for file in files for name, city in
             json.loads((site / "pagefind" / file).read_bytes())["names"].items()}
    assert names["cabool"] == "Kabul" and set(names.values()) == {"Kabul"}
    assert not (site / "search" / "search_index.json").exists(), "Material's search plugin is off"

    def header_form(page: str) -> Any:
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        return soup, soup.select_one(".md-header form.md-search__form")

    soup, form = header_form("index.html")
    assert form["action"] == "search/" and form["method"] == "get"
    assert form.select_one("input")["name"] == "q"
    assert [a.get_text(strip=True) for a in soup.select(".md-tabs__link")] == ["Home", "Cities", "Dates", "Search"]
    _, form = header_form("articles/2021/08/13/alpha/index.html")
    assert form["action"] == "../../../../../search/"
    search_page, _ = header_form("search/index.html")
    assert search_page.select_one("#dateline-search form input[name=q]") is not None
    assert search_page.select_one('script[type=module][src$="assets/search/search.js"]') is not None


@pytest.mark.slow
def test_failed_indexing_keeps_the_previous_site(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import pagefind_bin

    project.write("2021/a.md", article())
    build(project.settings)
    before = (project.site / "index.html").read_bytes()

    def missing() -> Path:
        raise FileNotFoundError("no pagefind here")

    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    project.write("2021/b.md", article(title="Bravo", date="2021-08-14"))
    with pytest.raises(BuildError, match="Pagefind binary is missing"):
        build(project.settings)
    assert (project.site / "index.html").read_bytes() == before
    assert (project.site / "pagefind" / "pagefind.js").is_file()
    assert (project.site / "pagefind" / MANIFEST).is_file()


def test_facet_words_are_single_ascii_words() -> None:
    assert facet_word("city", "Mazār-e Sharīf") == "dlcity_mazar_e_sharif"
    assert facet_word("month", "2021-08") == "dlmonth_2021_08"
    assert facet_word("source", "Wire & Co.") == "dlsource_wire_co"
    # No Latin letters: a shared word, which only widens the candidates the filter narrows.
    assert facet_word("city", "قندهار") == "dlcity_"
    record = article_record(make_article(), {"kandahar": "Kandahar", "herat": "Herat"}, "en")
    assert record["meta"]["facets"].split() == [
        "dlcity_kandahar", "dlcity_herat", "dlyear_2021", "dlmonth_2021_08", "dlsource_wire_co",
        "dltag_offensive", "dltag_2021"]
