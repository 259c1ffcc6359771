"""Accessibility: axe-core in Chromium finds no serious or critical violation on any kind
of page (home, article, city, country, date, search… each new kind is picked up by
itself), with the hostile corpus' titles among the pages.

axe-core comes inside the PyPI package ``axe-playwright-python`` (its ``axe.min.js``);
nothing is downloaded at test time.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMPACTS = {"serious", "critical"}
THEME_CHROME = [[".md-tabs"], [".md-copyright"]]
"""Material's own navigation tabs and footer credit: their colours are the theme's
(inactive tabs at 70 % opacity fail contrast on the default palette), not Dateline's
markup. The header (with Dateline's search box) and the content are checked."""
KNOWN: set[str] = set()
"""Violations of Dateline's markup awaiting a fix elsewhere (none now: links inside text
were told apart by colour alone until the stylesheet underlined them)."""


@cache
def axe_source() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        message = "axe-core is not installed (pip install axe-playwright-python)"
        if os.environ.get("DATELINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (DATELINE_REQUIRE_BROWSER=1) but {message}")
        pytest.skip(message)


def kind(path: str) -> str:
    """``dates/2021/08/13/index.html`` → ``dates/N/N/N``: one page of each shape is enough."""
    parts = path.removesuffix("index.html").strip("/").split("/")
    shape = [re.sub(r"^\d+$", "N", part) for part in parts if part]
    if shape and shape[0] in ("articles", "cities", "countries") and len(shape) > 1:
        shape = [shape[0], "*"]
    return "/".join(shape) or "home"


def one_page_of_each_kind(site: Path) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for file in sorted(site.rglob("*.html")):
        path = file.relative_to(site).as_posix()
        if path.startswith(("pagefind/", "assets/")) or path == "404.html":
            continue
        kinds.setdefault(kind(path), path.removesuffix("index.html"))
    return kinds


def violations(page: Any, known: set[str] | None = None) -> list[str]:
    page.add_script_tag(content=axe_source())
    result = page.evaluate("async chrome => await axe.run({exclude: chrome}, {resultTypes: ['violations']})",
                           THEME_CHROME)
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in IMPACTS or violation["id"] in (KNOWN if known is None else known):
            continue
        targets = [json.dumps(node["target"]) for node in violation["nodes"]][:3]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {', '.join(targets)}")
    return found


def test_page_kinds_are_found(built_sites: Callable[[str], Path]) -> None:
    kinds = one_page_of_each_kind(built_sites("multi"))
    assert {"home", "articles/*", "cities", "cities/*", "dates", "dates/N", "dates/N/N", "dates/N/N/N",
            "search"} <= set(kinds)


def violations_by_kind(page: Any, site: Path, url: str, known: set[str] | None = None) -> dict[str, list[str]]:
    axe_source()
    found = {}
    for name, path in one_page_of_each_kind(site).items():
        page.goto(url + path, wait_until="load")
        if name == "search":
            page.goto(url + path + "?q=sample")
            page.wait_for_selector(".dateline-result")
        problems = violations(page, known)
        if problems:
            found[f"{name} ({path})"] = problems
    return found


def test_no_serious_or_critical_violation_on_any_kind_of_page(
        page: Any, built_sites: Callable[[str], Path], multi_url: str) -> None:
    assert violations_by_kind(page, built_sites("multi"), multi_url) == {}
