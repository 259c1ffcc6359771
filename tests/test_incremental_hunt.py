"""Builds after a change that once gave another site than a clean build of the same
input, or another verdict: found by comparing the two after user actions (random
sequences of them, and experiments beside those), each shrunk to the few steps that
show it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from dateline.build import build
from dateline.errors import BuildError, ValidationFailed
from tests.projects import Project, article
from tests.test_incremental import assert_same_site

pytestmark = pytest.mark.slow


def clean_build_of(project: Project, where: Path) -> Path:
    """A fresh project with the same articles, configuration, places.yml and
    hand-written pages (search.md, about.md), built from nothing."""
    twin = Project(where)
    shutil.rmtree(twin.root / "articles")
    shutil.copytree(project.root / "articles", twin.root / "articles")
    for name in ("mkdocs.yml", "places.yml"):
        if (project.root / name).is_file():
            shutil.copy(project.root / name, twin.root / name)
    for page in ("search.md", "about.md"):
        if (project.docs / page).is_file():
            shutil.copy(project.docs / page, twin.docs / page)
    build(twin.settings)
    return twin.site


def set_articles_folder(project: Project, folder: str) -> None:
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n    articles: articles\n" in text
    config.write_text(text.replace("\n    articles: articles\n", f"\n    articles: {folder}\n", 1),
                      encoding="utf-8")


def test_an_index_md_the_articles_folder_now_holds_directly_is_an_error_as_in_a_clean_build(
        project: Project) -> None:
    # Read before as a page bundle, named after its folder: the read cache must not keep
    # that verdict once the folder is the articles folder itself.
    project.write("news/kabul/index.md", article("Kabul falls", date="2021-08-15"))
    build(project.settings)
    set_articles_folder(project, "articles/news/kabul")
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    assert [(p.path, p.field) for p in failed.value.problems if p.is_error] == [
        ("articles/news/kabul/index.md", "slug")]


def test_an_index_md_given_a_folder_by_moving_the_articles_folder_builds_as_in_a_clean_build(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    project.write("news/kabul/index.md", article("Kabul falls", date="2021-08-15"))
    project.write("news/herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]"))
    set_articles_folder(project, "articles/news/kabul")
    with pytest.raises(ValidationFailed):
        build(project.settings)
    config = project.root / "mkdocs.yml"  # back: the bundle is named after its folder again
    config.write_text(config.read_text(encoding="utf-8").replace(
        "articles: articles/news/kabul", "articles: articles"), encoding="utf-8")
    build(project.settings)
    assert (project.site / "articles/2021/08/15/kabul/index.html").is_file()
    assert_same_site(project.site, clean_build_of(project, tmp_path_factory.mktemp("clean")))


def name_about_in_the_nav(project: Project, title: str) -> None:
    """A hand-written page named in ``nav`` without a title: the navigation of every
    page shows the page's own title."""
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - Search: search.md\n" in text
    config.write_text(text.replace("  - Search: search.md\n", "  - Search: search.md\n  - about.md\n", 1),
                      encoding="utf-8")
    (project.docs / "about.md").write_text(f"# {title}\n\nWho we are.\n", encoding="utf-8")


def nav_titles(page: Path) -> list[str]:
    """The texts of the navigation's links to the about page, in the tabs and the drawer."""
    html = page.read_text(encoding="utf-8")
    return re.findall(r'about/" class="md-(?:tabs|nav)__link">\s*(?:<span class="md-ellipsis">\s*)?([^<\n]*)',
                      html)


@pytest.fixture
def about(project: Project) -> Project:
    project.publish_at()
    name_about_in_the_nav(project, "Our story")
    project.write("2021/08/kabul.md", article("Kabul falls", date="2021-08-15"))
    project.write("2021/08/herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]"))
    build(project.settings)
    return project


def test_pages_rendered_after_a_change_show_the_titles_of_unchanged_pages_the_nav_names_untitled(
        about: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # MkDocs reads only the pages it renders again: the others' titles were "None".
    kabul = about.root / "articles/2021/08/kabul.md"
    kabul.write_text(kabul.read_text(encoding="utf-8").replace("Kabul falls", "Kabul falls to the Taliban"),
                     encoding="utf-8")
    result = build(about.settings)
    assert result.rendered is not None  # only what changed
    assert nav_titles(about.site / "articles/2021/08/15/kabul/index.html") == ["Our story", "Our story"]
    assert_same_site(about.site, clean_build_of(about, tmp_path_factory.mktemp("clean")))


def test_a_new_title_of_a_page_the_nav_names_untitled_reaches_every_page(
        about: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    (about.docs / "about.md").write_text("# About us\n\nWho we are.\n", encoding="utf-8")
    result = build(about.settings)
    assert result.rendered is not None
    for page in ("index.html", "articles/2021/08/12/herat/index.html", "cities/kabul/index.html"):
        assert nav_titles(about.site / page) == ["About us", "About us"]
    assert_same_site(about.site, clean_build_of(about, tmp_path_factory.mktemp("clean")))


def test_a_clean_build_shared_among_processes_shows_the_titles_the_nav_leaves_to_pages(
        about: Project, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each process reads only its share of the pages: the others' titles were "None".
    monkeypatch.setattr("dateline.build.PARALLEL_PAGES", 1)
    monkeypatch.setattr("dateline.build.PART_PAGES", 5)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    shared = clean_build_of(about, tmp_path_factory.mktemp("shared"))
    assert nav_titles(shared / "dates/index.html") == ["Our story", "Our story"]
    assert_same_site(shared, about.site)


def page_ids(site: Path) -> dict[Path, int]:
    """Each HTML page of the site, by its file's identity: a page a build after a change
    did not render again is the live site's file, linked into the new site."""
    return {path.relative_to(site): path.stat().st_ino for path in site.rglob("*.html")}


def test_a_change_to_a_page_the_nav_names_untitled_renders_only_that_page_while_its_title_stays(
        about: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    before = page_ids(about.site)
    (about.docs / "about.md").write_text("# Our story\n\nWho we are, and since when.\n", encoding="utf-8")
    build(about.settings)
    after = page_ids(about.site)
    assert after[Path("about/index.html")] != before[Path("about/index.html")]
    assert after[Path("articles/2021/08/12/herat/index.html")] == before[Path("articles/2021/08/12/herat/index.html")]
    assert after[Path("cities/kabul/index.html")] == before[Path("cities/kabul/index.html")]
    assert_same_site(about.site, clean_build_of(about, tmp_path_factory.mktemp("clean")))


def without_nav(project: Project) -> None:
    """mkdocs.yml without ``nav``: MkDocs lists every page not kept out of it, by its own title."""
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"\nnav:\n(?:  - .*\n)+", "\n", text)
    assert count == 1
    config.write_text(text, encoding="utf-8")


def test_an_article_added_to_a_project_without_nav_renders_the_pages_it_changes_not_every_page(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # The home page, listed by its own title in every page's navigation, changes with each
    # article added; its title does not, so the other pages are not rendered again.
    project.publish_at()
    without_nav(project)
    project.write("2021/08/kabul.md", article("Kabul falls", date="2021-08-15"))
    project.write("2020/03/herat.md", article("Herat floods", date="2020-03-02", cities="[Herat]"))
    build(project.settings)
    before = page_ids(project.site)
    project.write("2021/08/ghazni.md", article("Ghazni falls", date="2021-08-20", cities="[Ghazni]"))
    result = build(project.settings)
    assert result.rendered is not None  # only what changed
    after = page_ids(project.site)
    assert after[Path("index.html")] != before[Path("index.html")]
    assert after[Path("articles/2020/03/02/herat/index.html")] == before[Path("articles/2020/03/02/herat/index.html")]
    assert after[Path("cities/herat/index.html")] == before[Path("cities/herat/index.html")]
    assert_same_site(project.site, clean_build_of(project, tmp_path_factory.mktemp("clean")))
    # A hand-written page added shows in every page's navigation: every page is rendered.
    (project.docs / "about.md").write_text("# About us\n\nWho we are.\n", encoding="utf-8")
    build(project.settings)
    assert 'about/"' in (project.site / "articles/2020/03/02/herat/index.html").read_text(encoding="utf-8")
    assert_same_site(project.site, clean_build_of(project, tmp_path_factory.mktemp("clean2")))
    # And a new title of it too.
    (project.docs / "about.md").write_text("# Who we are\n\nUs.\n", encoding="utf-8")
    build(project.settings)
    assert "Who we are" in (project.site / "cities/herat/index.html").read_text(encoding="utf-8")
    assert_same_site(project.site, clean_build_of(project, tmp_path_factory.mktemp("clean3")))


def fails_as_a_clean_build(project: Project, factory: pytest.TempPathFactory, match: str) -> None:
    """The build after the change fails, and so does a clean build of the same input."""
    with pytest.raises(BuildError, match=match):
        build(project.settings)
    with pytest.raises(BuildError, match=match):
        clean_build_of(project, factory.mktemp("clean"))


def name_about_titled(project: Project, text: str) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - Search: search.md\n", "  - Search: search.md\n  - About: about.md\n", 1), encoding="utf-8")
    (project.docs / "about.md").write_text(text, encoding="utf-8")


def test_a_hand_written_page_linking_to_an_anchor_an_article_lost_fails_as_a_clean_build(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # MkDocs checks a page's links as it renders it: about.md, unchanged, was not rendered
    # again, and its link to the lost heading was kept; a clean build stops on it.
    project.publish_at()
    name_about_titled(project, "# About\n\nSee [the airport](articles/2021/08/15/kabul.md#the-airport).\n")
    kabul = project.write("2021/08/kabul.md", article("Kabul falls", date="2021-08-15",
                                                      body="Text.\n\n## The airport\n\nCrowds.\n"))
    project.write("2021/08/herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]"))
    build(project.settings)
    kabul.write_text(kabul.read_text(encoding="utf-8").replace("## The airport\n\n", ""), encoding="utf-8")
    fails_as_a_clean_build(project, tmp_path_factory, "the-airport")


def test_an_article_linking_to_an_anchor_a_hand_written_page_lost_fails_as_a_clean_build(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # The site's audit checks the links of the pages a build wrote: the article's page,
    # unchanged, was not checked again; a clean build's audit finds its link broken.
    project.publish_at()
    name_about_titled(project, "# About\n\n## Team\n\nWho we are.\n")
    project.write("2021/08/kabul.md", article("Kabul falls", date="2021-08-15",
                                              body="Text by [the team](/about/#team).\n"))
    project.write("2021/08/herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]"))
    build(project.settings)
    (project.docs / "about.md").write_text("# About\n\nWho we are.\n", encoding="utf-8")
    fails_as_a_clean_build(project, tmp_path_factory, "about#team")


def test_an_article_linking_to_an_anchor_another_page_lost_fails_as_a_clean_build(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Dateline checks that a link from the root leads to one of its pages, and leaves its
    # anchor to the audit: Mazar's page, made as before, was not audited again.
    project.publish_at()
    herat = project.write("2021/08/herat.md", article("Herat falls", date="2021-08-12", cities="[Herat]"))
    project.write("2021/08/kabul.md", article("Kabul falls", date="2021-08-15"))
    project.write("2021/08/mazar.md", article("Mazar falls", date="2021-08-20", cities="[Mazar-e Sharif]",
                                              body="As [Herat in August](/cities/herat/#august-2021).\n"))
    build(project.settings)
    herat.write_text(herat.read_text(encoding="utf-8").replace("2021-08-12", "2021-07-30"), encoding="utf-8")
    fails_as_a_clean_build(project, tmp_path_factory, "august-2021")


def test_an_edit_of_a_hand_written_page_that_keeps_its_size_and_time_is_built(
        about: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    # cp -p, touch -r and some sync tools put the old modification time back; the
    # inode's change time still tells the file changed.
    page = about.docs / "about.md"
    before = page.stat()
    page.write_text(page.read_text(encoding="utf-8").replace("Who we are.", "Who we were"), encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    build(about.settings)
    assert "Who we were" in (about.site / "about/index.html").read_text(encoding="utf-8")
    assert_same_site(about.site, clean_build_of(about, tmp_path_factory.mktemp("clean")))
