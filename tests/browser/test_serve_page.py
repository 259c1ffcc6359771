"""A page open in Chromium while ``dateline serve`` runs: it follows the articles."""

from __future__ import annotations

from typing import Any

import pytest

from tests.projects import Project, article
from tests.served import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_open_page_reloads_after_a_change_and_shows_a_failed_build(page: Any, project: Project) -> None:
    project.publish_at()
    source = project.write("2021/a.md", article("Alpha from Kabul", body="First paragraph.\n"))
    with Served(project.root) as served:
        served.wait_for(r"^Built 1 article")
        page.goto(served.url + "articles/2021/08/13/a/")
        heading = page.locator("article h1")  # its text, then the permalink's "¶"
        assert heading.text_content().startswith("Alpha from Kabul")

        source.write_text(article("Alpha, corrected"), encoding="utf-8")
        page.wait_for_function("() => document.querySelector('article h1')?.textContent.startsWith('Alpha, corrected')")

        # A mistake: the page stays, and says what is wrong and where, as text.
        source.write_text(article("<img src=x onerror=alert(1)>", date="2021-13-13"), encoding="utf-8")
        problems = page.locator("#dateline-serve-problems")
        problems.wait_for()
        said = problems.text_content()
        assert "The build failed; this page is the last good build's." in said
        assert 'articles/2021/a.md:3: date: "2021-13-13" is not a valid date' in said
        assert page.locator("#dateline-serve-problems img").count() == 0
        assert heading.text_content().startswith("Alpha, corrected")

        source.write_text(article("Alpha, fixed"), encoding="utf-8")
        page.wait_for_function("() => document.querySelector('article h1')?.textContent.startsWith('Alpha, fixed')")
        assert problems.count() == 0
        assert served.stop() == 0
