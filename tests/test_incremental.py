"""Incremental builds: after a change, ``dateline build`` renders only what changed, and the
site it produces is the one a clean build would, file for file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dateline.build
import dateline.search
from dateline.build import _changed_listing, _shares, build
from dateline.config import load_settings
from dateline.demo import write_demo
from dateline.errors import BuildError, ValidationFailed
from dateline.incremental import (
    BuildState,
    Source,
    Spare,
    clean_build_reason,
    fingerprint,
    rendering_distributions,
)
from tests import pages_workflow
from tests.projects import Project, article

pytestmark = pytest.mark.slow


def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted(site.rglob("*")) if path.is_file()}


def assert_same_site(ours: Path, clean: Path) -> None:
    got, want = tree(ours), tree(clean)
    assert sorted(got) == sorted(want)
    differing = [name for name in want if got[name] != want[name]]
    assert differing == []


def clean_build_of(project: Project, where: Path) -> Path:
    """A fresh project with the same articles and hand-written pages, built from nothing."""
    twin = Project(where)
    shutil.rmtree(twin.root / "articles")
    shutil.copytree(project.root / "articles", twin.root / "articles")
    for name in ("mkdocs.yml",):
        shutil.copy(project.root / name, twin.root / name)
    for page in ("search.md",):
        shutil.copy(project.docs / page, twin.docs / page)
    build(twin.settings)
    return twin.site


@pytest.fixture
def demo(project: Project) -> Project:
    # Published under a project's path, as on GitHub Pages: the sitemap lists every page
    # with its date, and the 404 page's links start with /archive/.
    project.publish_at()
    write_demo(project.root / "articles", 40, seed=3)
    first = build(project.settings)
    assert first.rendered is None  # nothing to start from: every page
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("large", ["", "early", "held", "first"],
                         ids=["search from the check", "a large archive's, from the check",
                              "a large archive's, held until MkDocs", "a large archive's, before MkDocs"])
def test_edit_add_and_delete_give_the_site_a_clean_build_gives(demo: Project, tmp_path_factory:
                                                                pytest.TempPathFactory,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                large: str) -> None:
    if large:  # as for an archive too large to index search beside its check and pages
        monkeypatch.setattr("dateline.build.SEARCH_BESIDE_ARTICLES", 0)
    if large in ("held", "first"):  # more to index again than Pagefind starts on at once
        monkeypatch.setattr("dateline.build.SEARCH_EARLY_ARTICLES", 0)
    if large == "first":  # and MkDocs renders too much to index beside it
        monkeypatch.setattr("dateline.build.SEARCH_BESIDE_CHANGED", 0)
    files = sorted((demo.root / "articles").rglob("*.md"))
    edit(files[0], "\ntitle: \"", "\ntitle: \"Edited — ")
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\nA new closing paragraph.\n",
                        encoding="utf-8")
    files[2].unlink()
    demo.write("2024/01/new-one.md", article("Added later", date="2024-01-02", cities="[Herat]"))

    result = build(demo.settings)

    assert result.rendered is not None and 0 < result.rendered < 40
    assert result.search is not None and result.search.indexed >= 1
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


@pytest.mark.parametrize("early", [True, False], ids=["little to index", "much to index"])
def test_a_large_archive_starts_pagefind_while_the_pages_are_made_when_it_has_little_to_index(
        demo: Project, monkeypatch: pytest.MonkeyPatch, early: bool) -> None:
    monkeypatch.setattr("dateline.build.SEARCH_BESIDE_ARTICLES", 0)
    if not early:
        monkeypatch.setattr("dateline.build.SEARCH_EARLY_ARTICLES", 0)
    indexing = threading.Event()
    run_pagefind = dateline.search.run_pagefind

    def noted_run(*args: Any) -> None:
        indexing.set()
        run_pagefind(*args)

    write_docs = dateline.build.write_docs
    seen: list[bool] = []

    def pages_then_look(*args: Any) -> Any:
        made = write_docs(*args)
        # Early, Pagefind starts while the pages are made; held, not before MkDocs.
        seen.append(indexing.wait(20 if early else 1))
        return made

    monkeypatch.setattr(dateline.search, "run_pagefind", noted_run)
    monkeypatch.setattr(dateline.build, "write_docs", pages_then_look)
    demo.write("2024/01/new-one.md", article("Added later", date="2024-01-02", cities="[Herat]"))
    result = build(demo.settings)
    assert seen == [early]
    assert result.search is not None and result.search.indexed == 1


@pytest.mark.parametrize("first", [True, False], ids=["much to index: records first", "little: pages first"])
def test_with_much_to_index_again_search_makes_its_records_before_the_pages(
        demo: Project, monkeypatch: pytest.MonkeyPatch, first: bool) -> None:
    # Pagefind is then what the build waits for last; with little, MkDocs' side is.
    monkeypatch.setattr("dateline.build.SEARCH_FIRST_ARTICLES", 0 if first else 10**9)
    pages_started = threading.Event()
    saw: list[bool] = []
    period_records = dateline.search.period_records
    write_docs = dateline.build.write_docs

    def noted_records(*args: Any) -> Any:
        saw.append(pages_started.wait(0 if first else 20))
        return period_records(*args)

    def noted_pages(*args: Any) -> Any:
        pages_started.set()
        return write_docs(*args)

    monkeypatch.setattr(dateline.search, "period_records", noted_records)
    monkeypatch.setattr(dateline.build, "write_docs", noted_pages)
    demo.write("2024/01/new-one.md", article("Added later", date="2024-01-02", cities="[Herat]"))
    result = build(demo.settings)
    assert saw and set(saw) == {not first}
    assert result.search is not None and result.search.indexed >= 1


def test_a_change_to_many_pages_is_rendered_as_a_clean_build_shared_among_processes(
        demo: Project, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # One MkDocs process would hold every page it renders; a bulk edit at 50,000 articles
    # would be tens of thousands of them.
    monkeypatch.setattr("dateline.build.PART_PAGES", 10)
    for file in sorted((demo.root / "articles").rglob("*.md"))[:12]:
        edit(file, "\ntitle: \"", "\ntitle: \"Retitled — ")
    result = build(demo.settings)
    assert result.rendered is None and result.why.endswith("changed")
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


def test_a_build_failed_on_an_article_keeps_the_spare_for_the_build_after_the_fix(
        demo: Project, tmp_path_factory: pytest.TempPathFactory, full_copies: list[Path]) -> None:
    files = sorted((demo.root / "articles").rglob("*.md"))
    edit(files[0], "\ntitle: \"", "\ntitle: \"Edited — ")
    build(demo.settings)  # links every file, and keeps the site before it
    good = files[2].read_text(encoding="utf-8")
    edit(files[2], "\ndate: ", "\ndate: 13/08/2021\nold_date: ")
    full_copies.clear()
    with pytest.raises(ValidationFailed):
        build(demo.settings)
    files[2].write_text(good + "\nFixed.\n", encoding="utf-8")
    assert build(demo.settings).rendered is not None
    assert full_copies == []  # neither the site nor its search bundle
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


_LISTED_THEN_TOLD = """
import pathlib, sys
import dateline.mkdocs_run as run
signal, told = pathlib.Path(sys.argv.pop(1)), run._told_to_build
def listed_then_told():
    signal.touch()  # MkDocs has listed docs/; the pages are not written yet
    return told()
run._told_to_build = listed_then_told
run.main(sys.argv[1:])
"""


def test_pages_written_after_mkdocs_listed_docs_early_are_built_as_in_a_clean_build(
        demo: Project, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # MkDocs' early process lists docs/ while the pages are made; here it always lists
    # them before they are written, so its early list has a page since removed and lacks
    # one since added.
    listed = tmp_path_factory.mktemp("signal") / "listed"
    real_popen, real_write_docs = subprocess.Popen, dateline.build.write_docs

    def popen(command: list[str], **options: Any) -> Any:
        if "--wait" in command:
            start = command.index("dateline.mkdocs_run") - 1
            command = [*command[:start], "-c", _LISTED_THEN_TOLD, str(listed), *command[start + 2:]]
        return real_popen(command, **options)

    def write_docs_once_listed(*arguments: Any) -> Any:
        deadline = time.monotonic() + 60
        while not listed.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return real_write_docs(*arguments)

    monkeypatch.setattr(dateline.build.subprocess, "Popen", popen)
    monkeypatch.setattr(dateline.build, "write_docs", write_docs_once_listed)
    files = sorted((demo.root / "articles").rglob("*.md"))
    edit(files[3], "\ntitle: \"", "\ntitle: \"Edited — ")
    files[5].unlink()
    demo.write("2024/01/new-one.md", article("Added later", date="2024-01-02", cities="[Herat]"))

    result = build(demo.settings)

    assert listed.exists(), "the build did not start MkDocs early"
    assert result.rendered is not None and 0 < result.rendered < 40
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


def test_pages_named_in_the_nav_keep_its_titles_in_a_build_after_a_change(
        demo: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # The MkDocs process started early makes the pages of files kept out of the nav before
    # it is told to build; a generated page the nav names must still get the nav's title.
    edit(demo.root / "mkdocs.yml", "  - Cities: cities/index.md", "  - All the places: cities/index.md")
    assert build(demo.settings).rendered is None  # mkdocs.yml changed: every page
    demo.write("2024/01/new-one.md", article("Added later", date="2024-01-02", cities="[Herat]"))

    result = build(demo.settings)

    assert result.rendered is not None and "cities/index.md" in _rendered_sources(demo)
    assert "All the places" in (demo.site / "cities" / "index.html").read_text(encoding="utf-8")
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


def _rendered_sources(project: Project) -> list[str]:
    listing, _written = _changed_listing(project.settings)
    return json.loads(listing.read_text(encoding="utf-8"))


@pytest.fixture
def full_copies(demo: Project, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders a build linked every file of for its new one: the site (``demo.site``),
    or the search bundle its search starts from (``demo.site / "pagefind"``) rather than
    the one kept with the site before the last build."""
    found: list[Path] = []
    real_copy = dateline.build.hard_link_copy

    def counted_copy(source: Path, *arguments: Any) -> bool:
        found.append(source)
        return real_copy(source, *arguments)

    monkeypatch.setattr(dateline.build, "hard_link_copy", counted_copy)
    return found


def test_builds_after_builds_start_from_the_site_kept_from_before_and_equal_clean_builds(
        demo: Project, tmp_path_factory: pytest.TempPathFactory, full_copies: list[Path]) -> None:
    files = sorted((demo.root / "articles").rglob("*.md"))
    added = demo.root / "articles" / "2024" / "01" / "new-one.md"
    steps = [
        # The first build after the clean one has no earlier site kept: it links every file.
        ("edit", lambda: edit(files[0], "\ntitle: \"", "\ntitle: \"Edited — "), 1),
        # A new year's article: the kept site lacks its folders.
        ("add", lambda: demo.write("2024/01/new-one.md", article("Added later", date="2024-01-02",
                                                                  cities="[Herat]")), 0),
        ("nothing", lambda: None, 0),
        # Its page, day, month and year are gone again; the kept site still has them.
        ("delete", added.unlink, 0),
        ("edit and delete", lambda: (edit(files[4], "\ntitle: \"", "\ntitle: \"Again — "), files[6].unlink()), 0),
        # A kept site removed by hand: the next build links every file again.
        ("spare removed", lambda: (shutil.rmtree(demo.root / ".site.spare"),
                                   edit(files[8], "\ntitle: \"", "\ntitle: \"Last — ")), 1),
        # Its search bundle removed by hand: the same.
        ("spare's search bundle removed", lambda: (shutil.rmtree(demo.root / ".site.spare" / "pagefind"),
                                                   edit(files[9], "\ntitle: \"", "\ntitle: \"Later — ")), 1),
    ]
    for name, change, copies in steps:
        full_copies.clear()
        change()
        result = build(demo.settings)
        assert result.rendered is not None, name
        assert full_copies.count(demo.site) == copies, name
        # The search bundle comes with the kept site, its changed files linked again.
        assert full_copies.count(demo.site / "pagefind") == copies, name
        assert (demo.root / ".site.spare").is_dir(), name
        assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


@pytest.mark.skipif(shutil.which("tar") is None, reason="caches as actions/cache does, with tar")
def test_the_pages_workflow_builds_only_what_changed_from_its_cache(
        demo: Project, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        full_copies: list[Path]) -> None:
    files = sorted((demo.root / "articles").rglob("*.md"))
    edit(files[0], "\ntitle: \"", "\ntitle: \"Edited — ")
    with files[0].open("a", encoding="utf-8") as body:
        body.write("\nSee [the report](https://example.org/report).\n")  # search keeps its text
    assert build(demo.settings).rendered is not None  # this one keeps the site before it
    step = pages_workflow.cache_step()["with"]
    assert step["key"].startswith(step["restore-keys"])  # the last run's cache, if no other
    # Every working file of Dateline's is cached, but the old sites being deleted and the lock.
    working = {path.relative_to(demo.root).as_posix() for path in (demo.root / ".dateline").iterdir()}
    cached = {path.relative_to(demo.root).as_posix() for pattern in pages_workflow.cached_paths()
              for path in demo.root.glob(pattern)}
    assert working - cached == {".dateline/trash", ".dateline/build.lock"}
    for run in ("first", "second"):
        pages_workflow.next_run(demo.root, tmp_path / f"{run}.tar")
        edit(files[1], "\ntitle: \"", f"\ntitle: \"{run} — ")
        full_copies.clear()
        result = build(demo.settings)
        # The title's article, day, month and year, its neighbours, cities and feeds.
        assert result.rendered is not None and 0 < result.rendered < 15, (run, result.why)
        assert full_copies == [], run  # the site before, from the cache: not a copy of the whole site
        assert result.search is not None and result.search.indexed == 1, run
        assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


def test_nothing_changed_renders_nothing_and_keeps_every_file(demo: Project) -> None:
    before = {path: path.stat().st_ino for path in demo.site.rglob("*") if path.is_file()}
    folder = demo.site.stat().st_ino
    touched = sorted((demo.root / "articles").rglob("*.md"))[0]
    touched.write_bytes(touched.read_bytes())  # the same bytes, a new modification time
    result = build(demo.settings)
    assert result.rendered == 0
    # Not a file written, nor the site swapped for a copy of itself.
    assert demo.site.stat().st_ino == folder
    assert {path: path.stat().st_ino for path in demo.site.rglob("*") if path.is_file()} == before


def test_a_damaged_search_index_is_mended_when_nothing_else_changed(demo: Project) -> None:
    period = next(path for path in (demo.site / "pagefind").iterdir() if path.is_dir())
    shutil.rmtree(period)
    result = build(demo.settings)
    assert result.rendered == 0 and result.search is not None and result.search.indexed == 1
    assert (demo.site / "pagefind" / period.name / "pagefind-entry.json").is_file()


def test_the_live_site_is_never_written_through_while_building(demo: Project, tmp_path: Path) -> None:
    files = sorted((demo.root / "articles").rglob("*.md"))
    page = next(p for p in demo.site.joinpath("articles").rglob("index.html"))
    sitemap = demo.site / "sitemap.xml"
    keep = {}
    for live in (page, sitemap, demo.site / "404.html"):
        keep[live] = (tmp_path / live.name, live.read_bytes())
        os.link(live, keep[live][0])  # a second name for the live file's content
    for file in files:
        edit(file, "\ntitle: \"", "\ntitle: \"Changed ")
    build(demo.settings)
    for link, content in keep.values():
        assert link.read_bytes() == content


def test_a_failed_incremental_build_keeps_the_site_and_the_next_one_recovers(
        demo: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    before = tree(demo.site)
    search = demo.docs / "search.md"
    good = search.read_text(encoding="utf-8")
    search.write_text(good + "\n[broken](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(BuildError, match="nowhere.md"):
        build(demo.settings)
    assert tree(demo.site) == before
    assert not list(demo.root.glob(".site.*")), "the new site and its search index are gone"
    search.write_text(good, encoding="utf-8")
    first = sorted((demo.root / "articles").rglob("*.md"))[0]
    edit(first, "\ntitle: \"", "\ntitle: \"After the failure ")
    assert build(demo.settings).rendered is not None
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


def test_a_changed_configuration_rebuilds_every_page_but_keeps_the_search_index(
        demo: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    bundle = {path: path.stat().st_ino for path in (demo.site / "pagefind").rglob("*") if path.is_file()}
    config = demo.root / "mkdocs.yml"
    edit(config, "site_name: ", "site_name: Renamed ")
    result = build(demo.settings)
    assert result.rendered is None
    page = next(demo.site.joinpath("articles").rglob("index.html"))
    assert "Renamed" in page.read_text(encoding="utf-8")
    # The search bundle depends on the articles only: every period is the last build's,
    # down to the files themselves.
    assert result.search is not None and result.search.indexed == 0 and result.search.reused > 0
    shards = [path for path in bundle if path.parent.name == "fragment"]
    assert shards and all(path.stat().st_ino == bundle[path] for path in shards)
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


RECORDING_HOOK = """
import os
seen = []
def on_page_content(html, page, **kwargs):
    seen.append(page.file.src_uri)
    return html
def on_post_build(config, **kwargs):
    with open(os.path.join(config["site_dir"], "rendered.txt"), "w") as handle:
        handle.write("\\n".join(sorted(seen)))
"""


def test_plugins_and_hooks_get_every_page_rendered_in_one_process(
        demo: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # A hook (or plugin) that writes a file about every page, as a feed does: a build of
    # only the changed pages, or of a share of them, would write it from those alone, and
    # Dateline's pruning would remove it as a file MkDocs did not make.
    (demo.root / "hooks.py").write_text(RECORDING_HOOK, encoding="utf-8")
    edit(demo.root / "mkdocs.yml", "plugins: []\n", "plugins: []\nhooks:\n  - hooks.py\n")
    monkeypatch.setattr("dateline.build.PARALLEL_PAGES", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    build(demo.settings)

    def every_page() -> list[str]:
        return sorted(path.relative_to(demo.docs).as_posix() for path in demo.docs.rglob("*.md"))

    assert (demo.site / "rendered.txt").read_text(encoding="utf-8").split("\n") == every_page()
    edit(next((demo.root / "articles").rglob("*.md")), "\ntitle: \"", "\ntitle: \"Retitled — ")
    result = build(demo.settings)
    assert result.rendered is None
    assert result.why == ("mkdocs.yml names plugins or hooks (hooks: hooks.py), whose files only a build "
                          "of every page writes")
    assert (demo.site / "rendered.txt").read_text(encoding="utf-8").split("\n") == every_page()


def test_plugins_named_in_mkdocs_yml_are_known(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    assert project.settings.plugins == ()
    for plugins, expected in [
            ("", ("search",)),  # MkDocs' default
            ("plugins:\n  - search\n  - rss:\n      length: 20\n", ("search", "rss")),
            ("plugins:\n  tags: {}\nhooks: [a.py, b.py]\n", ("tags", "hooks: a.py", "hooks: b.py")),
            ("plugins: []\nINHERIT: base.yml\n", ("INHERIT: base.yml",))]:
        text = re.sub(r"^plugins: \[\]\n", plugins, config.read_text(encoding="utf-8"), flags=re.MULTILINE)
        (project.root / "other.yml").write_text(text, encoding="utf-8")
        assert load_settings(project.root / "other.yml").plugins == expected, plugins


def test_an_edited_theme_override_reaches_every_page_through_the_template_cache(demo: Project) -> None:
    # The first build compiled the theme's templates into the cache.
    assert list((demo.root / ".dateline" / "templates").iterdir())
    header = demo.root / "overrides" / "partials" / "header.html"
    edit(header, '<header class="{{ class }}"', '<header data-edited="yes" class="{{ class }}"')
    assert build(demo.settings).rendered is None
    pages = list(demo.site.rglob("*.html"))
    assert len(pages) > 40 and all('data-edited="yes"' in p.read_text(encoding="utf-8") for p in pages)


def test_a_site_rebuilt_by_other_means_is_not_trusted(demo: Project) -> None:
    shutil.rmtree(demo.site)
    shutil.copytree(demo.root / "docs", demo.site)  # anything but the site Dateline built
    assert build(demo.settings).rendered is None
    assert (demo.site / "index.html").is_file()


def test_a_build_killed_after_it_swapped_in_its_site_is_followed_by_a_clean_one(
        demo: Project, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((demo.root / "articles").rglob("*.md"))
    edit(files[0], "\ntitle: \"", "\ntitle: \"Edited — ")
    with files[0].open("a", encoding="utf-8") as body:
        body.write("\nSee [the report](https://example.org/report).\n")  # search keeps its text
    assert build(demo.settings).rendered is not None  # this one keeps the site before it
    edit(files[1], "\ntitle: \"", "\ntitle: \"Killed — ")

    def killed(*_args: Any) -> None:
        raise KeyboardInterrupt  # the new site is in place; what it was built from is not saved

    with monkeypatch.context() as patched:
        patched.setattr(BuildState, "save", killed)
        with pytest.raises(KeyboardInterrupt):
            build(demo.settings)
    assert any("Killed — " in page.read_text(encoding="utf-8") for page in (demo.site / "articles").rglob("*.html"))
    edit(files[2], "\ntitle: \"", "\ntitle: \"After — ")
    result = build(demo.settings)
    assert result.rendered is None and "not the one the last build made" in result.why
    assert_same_site(demo.site, clean_build_of(demo, tmp_path_factory.mktemp("clean")))


def test_an_article_broken_after_a_good_build_is_reported(demo: Project) -> None:
    first = sorted((demo.root / "articles").rglob("*.md"))[0]
    edit(first, "\ndate: ", "\ndate: 13/08/2021\nold_date: ")
    result = demo.run("build")
    assert result.returncode == 1
    assert f"{first.relative_to(demo.root).as_posix()}:4: date:" in result.stderr + result.stdout


def processes_working_in(folder: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd") == str(folder):
                found.append((entry / "cmdline").read_text().replace("\0", " "))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="lists processes through Linux's /proc")
def test_the_mkdocs_process_started_early_never_outlives_its_build(demo: Project) -> None:
    first = sorted((demo.root / "articles").rglob("*.md"))[0]
    good = first.read_text(encoding="utf-8")
    edit(first, "\ndate: ", "\ndate: 13/08/2021\nold_date: ")
    with pytest.raises(ValidationFailed):
        build(demo.settings)  # MkDocs was started while the articles were checked
    assert processes_working_in(demo.root) == []
    first.write_text(good, encoding="utf-8")
    assert build(demo.settings).rendered == 0  # nothing for MkDocs to do
    assert processes_working_in(demo.root) == []


@pytest.mark.parametrize(("cores", "part_pages"), [(3, 8_000), (2, 10)], ids=["one share a core", "rounds"])
def test_a_clean_build_shared_among_processes_equals_one_made_by_one(
        demo: Project, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        cores: int, part_pages: int) -> None:
    # Many small shares, two at a time, is how a large archive is rendered in bounded memory.
    monkeypatch.setattr("dateline.build.PARALLEL_PAGES", 1)
    monkeypatch.setattr("dateline.build.PART_PAGES", part_pages)
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    shared = clean_build_of(demo, tmp_path_factory.mktemp("shared"))
    assert_same_site(shared, demo.site)


@given(st.lists(st.text(min_size=1), unique=True, max_size=300), st.integers(1, 4), st.integers(1, 50))
def test_shares_hold_every_page_once_and_keep_every_core_busy(pages: list[str], workers: int,
                                                               most: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("dateline.build.PART_PAGES", most)
        shares = _shares(pages, workers)
    assert sorted(page for share in shares for page in share) == sorted(pages)
    assert len(shares) % workers == 0
    assert all(len(share) <= most for share in shares)
    assert max(map(len, shares), default=0) - min(map(len, shares), default=0) <= 1


def test_a_broken_link_fails_a_clean_build_shared_among_processes(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dateline.build.PARALLEL_PAGES", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    write_demo(project.root / "articles", 10, seed=3)
    (project.docs / "search.md").write_text(
        (project.docs / "search.md").read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        build(project.settings)
    message = str(failure.value)
    assert message.count("nowhere.md") == 1 and not project.site.exists()


def test_a_disk_without_hard_links_gets_a_clean_build(demo: Project, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    refusing = tmp_path / "bin"
    refusing.mkdir()
    (refusing / "cp").write_text("#!/bin/sh\necho 'cp: cannot create hard link' >&2\nexit 1\n")
    (refusing / "cp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{refusing}{os.pathsep}{os.environ['PATH']}")
    first = sorted((demo.root / "articles").rglob("*.md"))[0]
    edit(first, "\ntitle: \"", "\ntitle: \"No links ")
    result = build(demo.settings)
    assert result.rendered is None and result.why == "site/'s disk cannot hard-link files"
    assert not list(demo.root.glob(".site.*"))


def test_the_previous_site_is_deleted_after_the_build(demo: Project) -> None:
    first = sorted((demo.root / "articles").rglob("*.md"))[0]
    edit(first, "\ntitle: \"", "\ntitle: \"Once more ")
    build(demo.settings)
    trash = demo.root / ".dateline" / "trash"
    deadline = time.monotonic() + 60
    while any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(trash.iterdir()) == []


def test_a_hard_link_copy_can_leave_out_top_level_folders(tmp_path: Path) -> None:
    from dateline.incremental import hard_link_copy

    source = tmp_path / "site"
    for name in ("index.html", "articles/a/index.html", "pagefind/2021/x.pf_fragment"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(name)
    assert hard_link_copy(source, tmp_path / "copy", skip=("pagefind",))
    copied = sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*"))
    assert copied == ["articles", "articles/a", "articles/a/index.html", "index.html"]
    assert (tmp_path / "copy/index.html").stat().st_ino == (source / "index.html").stat().st_ino
    assert not hard_link_copy(tmp_path / "missing", tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_the_differences_of_a_new_bundle_are_what_it_wrote_and_what_it_lacks(tmp_path: Path) -> None:
    from dateline.incremental import differences

    old, new = tmp_path / "old", tmp_path / "new"
    for name in ("manifest.json", "2021/entry.json", "2021/fragment/a", "2021/fragment/gone",
                 "2019/entry.json", "2019/fragment/b"):
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_text(f"old {name}")
    subprocess.run(["cp", "-al", str(old), str(new)], check=True)
    # The new bundle: a period rewritten in part, one gone, one added, the manifest new.
    (new / "2021/fragment/gone").unlink()
    (new / "2021/entry.json").unlink()
    (new / "2021/entry.json").write_text("new entry")
    shutil.rmtree(new / "2019")
    (new / "2024").mkdir()
    (new / "2024/entry.json").write_text("new period")
    (new / "manifest.json").unlink()
    (new / "manifest.json").write_text("new manifest")

    written, removed = differences(new, old)
    assert [path.relative_to(new).as_posix() for path in written] == [
        "2021/entry.json", "2024/entry.json", "manifest.json"]
    assert removed == ["2019/entry.json", "2019/fragment/b", "2021/fragment/gone"]
    assert differences(old, old) == ([], [])


def test_installing_the_test_tools_does_not_render_every_page_again() -> None:
    names = {re.sub(r"[-_.]+", "-", entry.split("==")[0]).lower() for entry in rendering_distributions()}
    # What renders, and what a test tool shares with it (pytest needs Pygments too), count.
    assert {"mkdocs", "mkdocs-material", "markdown", "pygments", "nh3", "pagefind-bin"} <= names
    assert not names & {"pytest", "ruff", "mypy", "hypothesis", "playwright"}


def test_installing_a_distribution_renders_every_page_again_though_the_list_is_kept(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(project.settings)  # keeps the list of distributions in .dateline/
    assert fingerprint(project.settings) == before
    metadata = tmp_path / "site-packages" / "markdown_newext-1.0.dist-info"
    metadata.mkdir(parents=True)
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: markdown-newext\nVersion: 1.0\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    assert fingerprint(project.settings) != before
    assert "markdown-newext==1.0" in (project.root / ".dateline" / "distributions.json").read_text()


def test_env_tags_in_mkdocs_yml_are_read_as_mkdocs_reads_them_and_decide_the_fingerprint(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text("site_url: !ENV [DATELINE_TEST_URL, 'https://example.org/']\n"
                      + config.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.delenv("DATELINE_TEST_URL", raising=False)
    assert (project.settings.site_url, project.settings.site_path) == ("https://example.org/", "/")
    before = fingerprint(project.settings)
    # The variable changes the pages (their canonical links) as much as the file would.
    monkeypatch.setenv("DATELINE_TEST_URL", "https://user.github.io/archive/")
    assert project.settings.site_path == "/archive/"
    assert fingerprint(project.settings) != before


def test_the_build_state_is_read_back_as_saved_and_a_damaged_one_means_a_clean_build(
        project: Project) -> None:
    state = BuildState("print", [1, 2, 3, 4], {"index.md": Source(10, 20, "ab" * 32)},
                       Spare(99, ("articles/x/index.html",)))
    state.save(project.settings)
    assert BuildState.load(project.settings) == state
    next((project.root / ".dateline").glob("build-state.*")).write_bytes(b"\x80\x05garbage")
    assert BuildState.load(project.settings) is None
    assert clean_build_reason(None, "print", project.site) == "no earlier build to start from"
