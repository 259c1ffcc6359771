"""`dateline serve`'s pages in a real browser: the problems of each build shown over the
page, and the reload after a good one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dateline.serve import BuildState, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_page_shows_each_builds_problems_and_reloads_after_a_good_one(tmp_path: Path, page: Any) -> None:
    """The page served before there is a site says what each build says, and never that
    it is the last good build's: there is none. Then a page of the site shows the problems
    over it, lets them go after a good build, and reloads after one that changed the site."""
    state = BuildState(site_dir=tmp_path / "site")
    running = start_server(state, "127.0.0.1", 0)
    try:
        page.goto(f"http://127.0.0.1:{running.server_address[1]}/")
        assert page.locator("h1").inner_text() == "Building the site…"
        state.publish(False, ['articles/a.md:3: date: "13/08/2021" is not a date'])
        page.wait_for_function("document.querySelector('h1').textContent === 'The first build failed:'",
                               timeout=10_000)
        assert page.locator("pre").inner_text() == 'articles/a.md:3: date: "13/08/2021" is not a date'
        state.publish(False, ["articles/a.md:4: cities: missing (required)"])
        page.wait_for_function("document.querySelector('pre').textContent.includes('cities')",
                               timeout=10_000)
        assert page.locator("pre").inner_text() == "articles/a.md:4: cities: missing (required)"
        assert page.locator("#dateline-serve-problems").count() == 0
        # The first good build: the page reloads into the site.
        state.site_dir.mkdir()
        (state.site_dir / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
        state.publish(True)
        page.wait_for_function("document.querySelector('h1').textContent === 'Home'", timeout=10_000)
        # A page of the site: the problems over it, until a build mends them.
        page.evaluate("window.notReloaded = true")
        state.publish(False, ["articles/a.md:3: <b>not a tag</b>"])
        box = page.locator("#dateline-serve-problems")
        box.wait_for(timeout=10_000)
        assert box.inner_text() == ("The build failed; this page is the last good build's.\n\n"
                                    "articles/a.md:3: <b>not a tag</b>")
        state.publish(True, site_changed=False)
        box.wait_for(state="detached", timeout=10_000)
        assert page.evaluate("window.notReloaded") is True
        state.publish(True)
        page.wait_for_function("window.notReloaded === undefined", timeout=10_000)
    finally:
        stop_server(state, running)
