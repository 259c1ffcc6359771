"""Pages built from the hostile corpus, opened in Chromium: no payload ever runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dateline.build import build
from tests.browser.conftest import serve, settle
from tests.projects import Project
from tests.test_hostile import CORPUS, PLACES, PUBLISHED, copy_case

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = Project(tmp_path_factory.mktemp("hostile"))
    for name in PUBLISHED:
        copy_case(CORPUS / "published" / f"{name}.md", project)
    shutil.copy(PLACES, project.root / "places.yml")
    build(project.settings)
    return project.site


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serve(hostile_site) as url:
        yield url


def test_no_page_opens_a_dialog(page: Any, hostile_site: Path, hostile_url: str) -> None:
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", record)
    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
    assert any(p.startswith("articles/") for p in pages)
    for path in pages:
        page.goto(hostile_url + path.removesuffix("index.html"), wait_until="load")
        # Give handlers (onload, onerror, ontoggle, onmouseover) their chance to fire.
        page.mouse.move(200, 300)
        page.mouse.move(400, 500)
        page.wait_for_timeout(50)
    assert dialogs == []


def test_search_results_show_hostile_titles_as_text(page: Any, hostile_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_url}search/?q=alert")
    settle(page)  # every period has answered, not only the newest
    titles = page.locator(".dateline-result__title a").all_inner_texts()
    assert "</title><script>alert(1)</script>" in titles
    assert page.locator(".dateline-search__results script, .dateline-search__results img").count() == 0
    assert dialogs == []
