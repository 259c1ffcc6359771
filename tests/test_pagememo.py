"""Article pages the page memo vouches for are not rendered again, yet ``docs/`` always
holds exactly what rendering every page would write."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from dateline import pages as pages_module
from dateline import pages_places
from dateline.build import check, generate
from dateline.model import Article
from dateline.pages import GENERATED_ROOTS, Page, render
from tests.projects import Project, article


def docs_tree(project: Project) -> dict[str, str]:
    found = {}
    for root in GENERATED_ROOTS:
        top = project.docs / root
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for file in files:
            found[file.relative_to(project.docs).as_posix()] = file.read_text(encoding="utf-8")
    return found


def assert_docs_as_rendered(project: Project) -> None:
    archive, _warnings = check(project.settings)
    assert docs_tree(project) == {p.path: p.text for p in render(archive, project.settings.latest)}


def rendered_articles(project: Project, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Titles of the article pages one ``generate`` renders."""
    seen: list[str] = []
    original = pages_module.render_article
    dates = pages_module.render_dates

    def spy(article: Article, *rest: Any) -> Page:
        seen.append(article.title)
        return original(article, *rest)

    def dates_spy(*args: Any) -> list[Page]:
        made = dates(*args)
        made_dates.append([page.path for page in made])
        return made

    monkeypatch.setattr(pages_module, "render_article", spy)
    monkeypatch.setattr(pages_module, "render_dates", dates_spy)
    generate(project.settings)
    return seen


made_dates: list[list[str]] = []


def test_only_changed_pages_are_rendered_and_docs_stay_exact(project: Project,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_places, "CITY_LIST_ARTICLES", 2)  # Kabul gets month pages
    days = ["2021-06-10", "2021-07-11", "2021-08-12", "2021-08-13", "2021-09-14", "2021-10-15"]
    files = [project.write(f"a{n}.md", article(f"Title {n}", date=day, cities="[Kabul, Bagram]"))
             for n, day in enumerate(days)]
    (project.root / "places.yml").write_text(
        "places:\n  - name: Bagram\n    country: AF\n    aliases: [Bagram Airfield]\n", encoding="utf-8")
    assert len(rendered_articles(project, monkeypatch)) == 6
    assert_docs_as_rendered(project)
    assert rendered_articles(project, monkeypatch) == []

    # A body edit: that page alone. A title edit: that page and the two that link to it.
    files[2].write_text(article("Title 2", date="2021-08-12", cities="[Kabul, Bagram]",
                                body="Another body.\n"), encoding="utf-8")
    assert rendered_articles(project, monkeypatch) == ["Title 2"]
    # Of the date pages, only the day and the month that list it (and the indexes, which
    # are always made) were made again.
    assert made_dates[-1] == ["dates/index.md", "dates/2021/index.md", "dates/2021/08/index.md",
                              "dates/2021/08/12/index.md"]
    assert_docs_as_rendered(project)
    files[4].write_text(article("Renamed", date="2021-09-14", cities="[Kabul, Bagram]"), encoding="utf-8")
    assert rendered_articles(project, monkeypatch) == ["Title 3", "Renamed", "Title 5"]
    assert_docs_as_rendered(project)

    # A deleted article: its neighbours now link to each other.
    files[1].unlink()
    assert rendered_articles(project, monkeypatch) == ["Title 0", "Title 2"]
    assert_docs_as_rendered(project)

    # A place's new display name reaches every page naming it.
    (project.root / "places.yml").write_text(
        "places:\n  - name: Bagram Airbase\n    country: AF\n    aliases: [Bagram, Bagram Airfield]\n",
        encoding="utf-8")
    assert len(rendered_articles(project, monkeypatch)) == 5
    assert_docs_as_rendered(project)


def made_city_pages(project: Project, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The city pages (not their months) one ``generate`` makes."""
    made: list[str] = []
    original = pages_places.render_city

    def spy(*args: Any) -> list[Page]:
        pages = original(*args)
        made.extend(page.path for page in pages if page.path.count("/") == 1)
        return pages

    monkeypatch.setattr(pages_module, "render_city", spy)
    generate(project.settings)
    return made


def test_a_city_page_is_made_again_only_when_what_it_shows_changed(project: Project,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    places = project.root / "places.yml"
    places.write_text("places:\n  - name: Bagram\n    country: AF\n    aliases: [Bagram Airfield]\n",
                      encoding="utf-8")
    kabul = project.write("kabul.md", article("In Kabul", date="2021-08-13", cities="[Kabul]"))
    project.write("both.md", article("In both", date="2021-08-14", cities="[Kabul, Herat]"))
    project.write("bagram.md", article("In Bagram", date="2021-08-15", cities="[Bagram]"))
    assert sorted(made_city_pages(project, monkeypatch)) == ["cities/bagram.md", "cities/herat.md",
                                                             "cities/kabul.md"]
    assert made_city_pages(project, monkeypatch) == []
    assert_docs_as_rendered(project)

    # An edited summary shows on its city's page, not on the others.
    kabul.write_text(article("In Kabul", date="2021-08-13", cities="[Kabul]", summary="New summary."),
                     encoding="utf-8")
    assert made_city_pages(project, monkeypatch) == ["cities/kabul.md"]
    assert_docs_as_rendered(project)
    # A place's new alias shows on its page ("Also written").
    places.write_text("places:\n  - name: Bagram\n    country: AF\n    aliases: [Bagram Airfield, Bagram Base]\n",
                      encoding="utf-8")
    assert made_city_pages(project, monkeypatch) == ["cities/bagram.md"]
    assert_docs_as_rendered(project)


def test_a_generated_page_changed_by_hand_is_written_again(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("kept.md", article("Kept", date="2021-08-13"))
    project.write("other.md", article("Other", date="2021-08-14"))
    generate(project.settings)
    page = project.docs / "articles/2021/08/13/kept.md"
    stat = page.stat()
    text = page.read_text(encoding="utf-8")
    # Same size, same modification time: only the file's change time and inode tell.
    page.write_text(text.replace("Kept", "Kxpt"), encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rendered_articles(project, monkeypatch) == ["Kept"]
    assert page.read_text(encoding="utf-8") == text
    # A deleted page is written again too.
    page.unlink()
    assert rendered_articles(project, monkeypatch) == ["Kept"]
    assert page.read_text(encoding="utf-8") == text


def test_a_copy_of_docs_restored_by_a_deployment_cache_is_not_rendered_again(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("kept.md", article("Kept", date="2021-08-13"))
    project.write("other.md", article("Other", date="2021-08-14"))
    generate(project.settings)
    # Every file a new one (new inode and change time), with its bytes and times kept.
    copy = project.root / "docs-copy"
    shutil.copytree(project.docs, copy)
    shutil.rmtree(project.docs)
    copy.rename(project.docs)
    page = project.docs / "articles/2021/08/14/other.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Other", "Othxr"), encoding="utf-8")
    assert rendered_articles(project, monkeypatch) == ["Other"]  # only the one changed since
    assert_docs_as_rendered(project)
    assert rendered_articles(project, monkeypatch) == []


def test_a_memo_from_other_code_or_damaged_is_not_trusted(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("kept.md", article("Kept", date="2021-08-13"))
    generate(project.settings)
    memo = project.root / ".dateline" / "page-memo.json"
    good = memo.read_text(encoding="utf-8")
    memo.write_text(json.dumps({**json.loads(good), "salt": "other code"}), encoding="utf-8")
    assert rendered_articles(project, monkeypatch) == ["Kept"]
    memo.write_text(good[: len(good) // 2], encoding="utf-8")
    assert rendered_articles(project, monkeypatch) == ["Kept"]
    assert rendered_articles(project, monkeypatch) == []
    assert Path(memo).is_file()
