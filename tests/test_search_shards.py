"""Search shards: how articles are split by period, and re-use of unchanged shards."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import os
import pickle
import subprocess
from pathlib import Path

import pytest

from dateline import search
from dateline.archive import group
from dateline.build import build
from dateline.errors import BuildError
from dateline.gazetteer import Place
from dateline.model import Alias, Article, BodyLink, CityRef, article_digest, read_digest
from dateline.search import MANIFEST, PLACES, index_site, plan_shards
from dateline.search_pagefind import cbor_decode, cbor_encode, read_index_file
from tests.projects import Project, article
from tests.test_hostile import configure
from tests.test_search import make_article


def dated(*days: str) -> list[Article]:
    return [make_article(f"a{number}", date=dt.date.fromisoformat(day)) for number, day in enumerate(days)]


def plan(articles: list[Article], cap: int) -> list[tuple[str, str, str, int]]:
    return [(s.folder, s.first.isoformat(), s.last.isoformat(), len(s.articles))
            for s in plan_shards(articles, cap)]


def test_a_shard_per_year_while_years_are_small() -> None:
    articles = dated("2021-08-13", "2019-01-01", "2021-01-05", "2020-12-31")
    assert plan(articles, 2) == [("2019", "2019-01-01", "2019-12-31", 1), ("2020", "2020-01-01", "2020-12-31", 1),
                                 ("2021", "2021-01-01", "2021-12-31", 2)]
    # Oldest first within a shard, whatever the archive's order.
    assert [a.date.month for a in plan_shards(articles, 2)[2].articles] == [1, 8]


def test_a_large_year_splits_into_runs_of_whole_months_of_about_equal_size() -> None:
    articles = dated(*[f"2021-{month:02d}-0{day}" for month in range(1, 7) for day in range(1, 4)])
    assert plan(articles, 10) == [("2021-01_2021-03", "2021-01-01", "2021-03-31", 9),
                                  ("2021-04_2021-06", "2021-04-01", "2021-06-30", 9)]
    assert plan(articles, 3) == [(f"2021-0{m}", f"2021-0{m}-01", f"2021-0{m}-{last}", 3)
                                 for m, last in zip(range(1, 7), (31, 28, 31, 30, 31, 30), strict=True)]


def test_a_large_month_splits_into_runs_of_days_and_a_large_day_stays_whole() -> None:
    articles = dated("2021-02-01", "2021-02-01", "2021-02-02", "2021-02-03", "2021-02-03", "2021-02-03",
                     "2021-02-28", "2022-01-01")
    assert plan(articles, 2) == [("2021-02-01", "2021-02-01", "2021-02-01", 2),
                                 ("2021-02-02", "2021-02-02", "2021-02-02", 1),
                                 ("2021-02-03", "2021-02-03", "2021-02-03", 3),
                                 ("2021-02-28", "2021-02-28", "2021-02-28", 1),
                                 ("2022", "2022-01-01", "2022-12-31", 1)]


def test_a_large_newest_shard_keeps_its_newest_month_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "RECENT_SPLIT", 3)
    articles = dated("2020-05-01", "2021-01-05", "2021-03-02", "2021-08-13", "2021-08-14")
    # The newest year (4 articles, over the limit of 3): its newest month from the 1st to
    # the year's end, the rest of the year before it; older years as they were.
    assert plan(articles, 10) == [("2020", "2020-01-01", "2020-12-31", 1),
                                  ("2021-01_2021-07", "2021-01-01", "2021-07-31", 2),
                                  ("2021-08_2021-12", "2021-08-01", "2021-12-31", 2)]
    # An article added in the same month changes the newest shard alone.
    added = [*articles, *dated("2021-08-20")]
    assert plan(added, 10)[:2] == plan(articles, 10)[:2]
    # At the limit, or all in one month, the newest shard stays whole.
    assert [s[0] for s in plan(articles[1:4], 10)] == ["2021"]
    assert [s[0] for s in plan(dated(*["2021-08-13"] * 5), 10)] == ["2021"]
    # A newest shard that is already a run of months splits the same way.
    monkeypatch.setattr(search, "RECENT_SPLIT", 2)
    months = dated("2021-01-05", "2021-02-01", "2021-03-02", "2021-06-01", "2021-08-13", "2021-08-14")
    assert plan(months, 5) == [("2021-01_2021-03", "2021-01-01", "2021-03-31", 3),
                               ("2021-06_2021-07", "2021-06-01", "2021-07-31", 1),
                               ("2021-08", "2021-08-01", "2021-08-31", 2)]


def test_a_shards_source_digest_sees_every_field_and_not_which_strings_are_shared() -> None:
    kabul = Place("geonames:1138958", "Kabul", "kabul", "AF", "Afghanistan", None, 34.5, 69.2, 1,
                  ("Kabol", "کابل"))
    city = CityRef("kabul", "Kabul", 5, kabul)
    base = make_article(cities=(city,), dateline=city)
    names = {"kabul": "Kabul"}

    def digest(*articles: Article) -> str:
        places: dict[int, bytes] = {}
        return search.source_digest([article_digest(a, places) for a in articles], names, "en")

    # The same values in other objects (a copy of every string): the same digest.
    copied = Article(**{f.name: (("" + getattr(base, f.name) + ".")[:-1]
                                 if isinstance(getattr(base, f.name), str) else getattr(base, f.name))
                        for f in dataclasses.fields(Article)})
    assert digest(base) == digest(copied)
    moved = dataclasses.replace(kabul, aliases=("Kabol",))
    changes: dict[str, object] = {
        "path": "articles/other.md", "title": "Another title", "date": dt.date(2021, 8, 14),
        "timestamp": dt.datetime(2021, 8, 13, 4, 30, tzinfo=dt.UTC), "slug": "other",
        "body": base.body + " ", "summary": "Other.", "source": None, "url": "https://example.org/",
        "authors": ("A. Writer",), "tags": ("offensive",), "language": "fa", "draft": True,
        "updated": dt.date(2021, 8, 20), "updated_timestamp": dt.datetime(2021, 8, 20, 9, tzinfo=dt.UTC),
        "links": (BodyLink(4, 8, "b.md", 7),), "anchor_links": (BodyLink(4, 6, "#x", 7),),
        "cities": (dataclasses.replace(city, place=moved),), "dateline": CityRef("kabul", "Kabul", 6, kabul),
    }
    # Every field but its former addresses, which no page nor search record shows.
    assert set(changes) == {f.name for f in dataclasses.fields(Article)} - {"aliases"}
    for name, value in changes.items():
        assert digest(dataclasses.replace(base, **{name: value})) != digest(base), name
    assert digest(dataclasses.replace(base, aliases=(Alias("old/kabul/", 9),))) == digest(base)
    # Where one field ends and the next begins is part of the digest.
    assert digest(dataclasses.replace(base, title="ab", summary="c")) != \
        digest(dataclasses.replace(base, title="a", summary="bc"))
    assert digest(base, base) != digest(base)
    # The read cache keeps each article's digest without its places, made when it was read.
    for one in [base, dataclasses.replace(base, cities=(dataclasses.replace(city, place=moved),))]:
        assert article_digest(one, {}, read_digest(one)) == article_digest(one)
    assert article_digest(base, {}, read_digest(dataclasses.replace(base, title="Other"))) != article_digest(base)


def test_pagefind_cbor_round_trips() -> None:
    item = ["year", [["2021", [0, 1, 23, 24, 255, 256, 70000]], ["Mazār", []]]]
    encoded = cbor_encode(item)
    assert cbor_decode(encoded) == (item, len(encoded))


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_ino
            for path in folder.rglob("*") if path.is_file()}


def archive_of(count: int, first_year: int = 2019) -> list[Article]:
    """``count`` articles over three years, each with its own words."""
    return [make_article(f"n{number}", date=dt.date(first_year + number % 3, 1 + number % 12, 1 + number % 28),
                         body=f"Report number {number} about word{number} and Kandahar.\n")
            for number in range(count)]


@pytest.mark.slow
def test_indexing_again_is_byte_for_byte_the_same(tmp_path: Path) -> None:
    archive = group(archive_of(30))
    index_site(archive, tmp_path / "one", cap=4)
    index_site(archive, tmp_path / "two", cap=4)
    first = tree(tmp_path / "one" / "pagefind")
    assert first == tree(tmp_path / "two" / "pagefind")
    # Pagefind writes its filter chunks in a random order; they are rewritten sorted.
    chunk = next((tmp_path / "one" / "pagefind").glob("*/filter/*.pf_filter"))
    values = [value for value, _pages in read_index_file(chunk)[1]]
    assert values == sorted(values)


@pytest.mark.slow
def test_shards_indexed_at_once_give_the_same_bundle_as_one_at_a_time(tmp_path: Path) -> None:
    archive = group(archive_of(30))
    report = index_site(archive, tmp_path / "together", cap=4, workers=3)
    index_site(archive, tmp_path / "alone", cap=4, workers=1)
    assert report.indexed == len(plan_shards(archive.articles, 4)) > 3
    assert tree(tmp_path / "together" / "pagefind") == tree(tmp_path / "alone" / "pagefind")
    assert not list((tmp_path / "together" / "pagefind").glob(".*.tmp"))


@pytest.mark.slow
def test_a_shard_that_fails_fails_the_index_and_leaves_no_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = search._index_shard
    failing = plan_shards(archive_of(30), 4)[2].folder

    def flaky(bundle: Path, folder: str, records: list[dict[str, object]], idle: object = None) -> None:
        if folder == failing:
            raise BuildError("search: Pagefind failed (exit 1): disk full")
        real(bundle, folder, records, idle)

    monkeypatch.setattr(search, "_index_shard", flaky)
    with pytest.raises(BuildError, match="disk full"):
        index_site(group(archive_of(30)), tmp_path, cap=4, workers=2)
    assert not (tmp_path / "pagefind" / MANIFEST).exists()


@pytest.mark.slow
def test_incremental_index_of_a_hard_link_copy_equals_a_cold_index(tmp_path: Path) -> None:
    articles = archive_of(30)
    live = tmp_path / "live"
    texts = tmp_path / "texts"
    first = index_site(group(articles), live, cap=4, texts=texts)
    assert first.indexed == len(plan_shards(articles, 4)) and first.reused == 0
    live_bytes, live_inodes = tree(live / "pagefind"), inodes(live / "pagefind")

    staging = tmp_path / "staging"
    subprocess.run(["cp", "-al", str(live), str(staging)], check=True)
    # Edit one article, add one in a new year, delete one (its shard's neighbours stay).
    edited = dataclasses.replace(articles[4], body="Edited text about *zebrafish*.\n")
    changed = [*articles[:4], edited, *articles[5:20], *articles[21:],
               make_article("new", date=dt.date(2024, 3, 1), body="A new year.\n")]
    texts.mkdir(exist_ok=True)  # these articles' plain text needed no rendering: none kept
    (texts / "1999.pickle").write_bytes(b"a period no longer in the plan")
    report = index_site(group(changed), staging, cap=4, texts=texts)
    plan_after = plan_shards(changed, 4)
    assert report.records == len(changed) == 30
    assert 0 < report.indexed < len(plan_after) and report.indexed + report.reused == len(plan_after)

    cold = tmp_path / "cold"
    index_site(group(changed), cold, cap=4)
    assert tree(staging / "pagefind") == tree(cold / "pagefind")
    # The live site, which shared every file with the staging copy, has not changed.
    assert tree(live / "pagefind") == live_bytes and inodes(live / "pagefind") == live_inodes
    # Reused shards are the very same files (hard links), not copies.
    kept = inodes(staging / "pagefind")
    shared = {name for name in kept if live_inodes.get(name) == kept[name]}
    assert any(name.endswith(".pf_fragment") for name in shared)
    # The edited article's shard, indexed again, still shares the fragments of the
    # articles not edited: only files whose bytes changed were written.
    edited_shard = next(s.folder for s in plan_after if edited in s.articles)
    # Only the text that Markdown had to render is kept, under its period.
    assert [path.name for path in texts.iterdir()] == [f"{edited_shard}.pickle"]
    fragments = [name for name in kept if name.startswith(f"{edited_shard}/fragment/")]
    assert len(fragments) > 1
    assert len([name for name in fragments if name in shared]) == len(fragments) - 1
    assert (live / "pagefind" / MANIFEST).stat().st_ino != (staging / "pagefind" / MANIFEST).stat().st_ino

    # Nothing changed: nothing is indexed, and not a byte moves.
    again = index_site(group(changed), staging, cap=4)
    assert (again.indexed, again.reused) == (0, len(plan_after))
    assert tree(staging / "pagefind") == tree(cold / "pagefind")


@pytest.mark.slow
def test_a_periods_rendered_texts_are_kept_and_only_an_edited_articles_is_rendered_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    real = search.markdown_to_text

    def spy(body: str) -> str:
        if search.has_markup(body):
            rendered.append(body)
        return real(body)

    monkeypatch.setattr(search, "markdown_to_text", spy)
    texts = tmp_path / "texts"
    names = {"kandahar": "Kandahar", "herat": "Herat"}
    marked = [make_article(f"m{n}", body=f"Word{n} in **bold**, [a link](https://example.org/{n}).\n")
              for n in range(3)]
    plain = make_article("plain", body="Plain prose, nothing to render.\n")

    def records(articles: list[Article], folder: Path | None = texts) -> list[dict[str, object]]:
        archive = group(articles)
        (shard,) = plan_shards(archive.articles)
        return search.period_records(shard, names, "en", search.place_table(archive), archive.digests, folder)

    first = records([*marked, plain])
    assert sorted(rendered) == sorted(a.body for a in marked)
    assert [path.name for path in texts.iterdir()] == ["2021.pickle"]

    rendered.clear()
    edited = dataclasses.replace(marked[1], body="Corrected: *zebrafish*.\n")
    again = records([marked[0], edited, marked[2], plain])
    assert rendered == [edited.body]
    assert again == records([marked[0], edited, marked[2], plain], None)
    assert [r["content"] for r in again] == [first[0]["content"], "Corrected: zebrafish.",
                                              first[2]["content"], first[3]["content"]]

    # A damaged file, or texts made by other code (another salt), are made again.
    rendered.clear()
    (texts / "2021.pickle").write_bytes(b"not a pickle")
    assert records([marked[0], edited, marked[2], plain]) == again and len(rendered) == 3
    archive = group([*marked, plain])
    (texts / "2021.pickle").write_bytes(pickle.dumps(
        {"salt": "other code", "texts": {digest: "stale" for digest in archive.digests.values()}}))
    assert records([*marked, plain]) == first


@pytest.mark.slow
def test_manifest_lists_shards_in_order_with_hashes_and_a_bad_manifest_means_a_cold_index(tmp_path: Path) -> None:
    articles = archive_of(12)
    index_site(group(articles), tmp_path, cap=4)
    bundle = tmp_path / "pagefind"
    manifest = json.loads((bundle / MANIFEST).read_text())
    shards = manifest["shards"]
    assert [s["from"] for s in shards] == sorted(s["from"] for s in shards)
    assert sum(s["articles"] for s in shards) == 12
    assert all(len(s["hash"]) == 64 and (bundle / s["folder"] / "pagefind-entry.json").is_file() for s in shards)
    entry = json.loads((bundle / shards[0]["folder"] / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["wasm"] == "/../../wasm.en"  # the shared copy at the top
    (bundle / MANIFEST).write_text("{not json")
    stray = bundle / "stray.txt"
    stray.write_text("left over")
    report = index_site(group(articles), tmp_path, cap=4)
    assert report.indexed == len(shards) and not stray.exists()


@pytest.mark.slow
def test_an_archive_without_articles_has_a_manifest_without_shards(tmp_path: Path) -> None:
    report = index_site(group([]), tmp_path)
    bundle = tmp_path / "pagefind"
    assert (report.records, report.indexed) == (0, 0)
    assert json.loads((bundle / MANIFEST).read_text())["shards"] == []
    assert (bundle / "pagefind.js").is_file()
    assert sorted(p.name for p in bundle.iterdir()) == sorted(
        [MANIFEST, PLACES, "pagefind.js", *(p.name for p in bundle.glob("wasm.*.pagefind"))])


def test_gzip_of_index_files_holds_no_time() -> None:
    from dateline.search_pagefind import index_file_bytes

    data = index_file_bytes(["year", []])
    assert data[4:8] == b"\0\0\0\0"  # MTIME
    assert gzip.decompress(data).startswith(b"pagefind_dcd")
    assert hashlib.sha256(data).digest() == hashlib.sha256(index_file_bytes(["year", []])).digest()


@pytest.mark.slow
def test_the_period_size_is_a_setting_of_the_build(project: Project) -> None:
    for day in ("2021-01-05", "2021-02-05", "2021-03-05"):
        project.write(f"{day}.md", article(f"On {day}", date=day, cities="[Kabul]"))
    configure(project, search_period_articles=1)
    build(project.settings)
    manifest = json.loads((project.site / "pagefind" / MANIFEST).read_text(encoding="utf-8"))
    assert [shard["articles"] for shard in manifest["shards"]] == [1, 1, 1]
    configure(project, search_period_articles=0)
    result = project.run("check")
    assert result.returncode == 1
    assert "extra.dateline.search_period_articles: must be a whole number ≥ 1" in result.stderr + result.stdout


def test_pages_left_in_memory_by_a_killed_build_are_removed(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_MEMORY_FOLDER", tmp_path)
    # Above Linux's largest process id (2**22), so no process has it.
    dead = tmp_path / f"{search._PAGES_PREFIX}{2**22 + 7}-abc"
    alive = tmp_path / f"{search._PAGES_PREFIX}{os.getpid()}-def"
    other = tmp_path / "someone-elses"
    for folder in (dead, alive, other):
        folder.mkdir()
    search._remove_stale_pages()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])


@pytest.mark.slow
def test_without_a_memory_folder_pages_are_written_beside_the_bundle_and_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_MEMORY_FOLDER", tmp_path / "no-such-folder")
    report = index_site(group(archive_of(6)), tmp_path / "site", cap=4)
    assert report.indexed == len(plan_shards(archive_of(6), 4))
    bundle = tmp_path / "site" / "pagefind"
    assert not [p for p in bundle.iterdir() if p.name.startswith(search._PAGES_PREFIX)]
