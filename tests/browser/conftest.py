"""Browser fixtures: Debian's Chromium through Playwright, and built sites served locally.

Browser tests skip, with the reason shown, when /usr/bin/chromium is missing, unless
DATELINE_REQUIRE_BROWSER=1 (as in CI): then a missing browser fails them instead.
Sites are built once per session and served by a thread on 127.0.0.1 (a free port).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dateline.build import build
from tests.projects import Project

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_browser() -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("DATELINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (DATELINE_REQUIRE_BROWSER=1) but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh context (empty cache, no history) per test; page errors fail the test."""
    context = browser.new_context()
    # The theme asks Google for its fonts; offline, that request only slows each page.
    context.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    context.route("**/fonts.gstatic.com/**", lambda route: route.abort())
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # As GitHub Pages does for a project site: a missing address under the project's
        # path gets the project's 404.html, with status 404.
        prefix = self.path.split("/")[1] if self.path.count("/") > 1 else ""
        missing = Path(self.directory, prefix, "404.html")
        if code != 404 or not missing.is_file():
            super().send_error(code, message, explain)
            return
        body = missing.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def settle(page: Any) -> None:
    """Wait until a search has finished drawing: a count or "no results", nothing pending."""
    page.wait_for_function(
        "() => { const status = document.querySelector('.dateline-search__status');"
        " return status && /found|No articles/.test(status.textContent)"
        " && !document.querySelector('.dateline-result-pending'); }")


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "") -> Iterator[str]:
    """Serve ``folder`` at ``http://127.0.0.1:<port>/<prefix>``; yield that base URL."""
    root = folder
    if prefix:
        # Serve a parent folder holding the site under the prefix, as GitHub Pages does
        # for a project site (https://user.github.io/archive/).
        root = folder.parent / f"{folder.name}-served"
        shutil.rmtree(root, ignore_errors=True)
        (root / prefix).parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, root / prefix)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/" + (f"{prefix}/" if prefix else "")
    finally:
        server.shutdown()
        server.server_close()


FIXTURE_ARTICLES = {
    # Obviously synthetic text: these only exercise search.
    "2020/a.md": ("Alpha report from Herat", "2020-03-02", "[Herat]", "Wire One", "[test]",
                  "Sample text about the Kandahār road and lorem ipsum."),
    "2021/b.md": ("Bravo report from Herat and Kabul", "2021-05-10", "[Herat, Kabul]", "Wire Two", "[test]",
                  "Sample text mentioning Kandahar once, then dolor sit amet."),
    "2021/c.md": ("Charlie report from Kabul", "2021-08-14", "[Kabul]", "Wire One", "[other]",
                  "Sample text about Kandahar airport and consectetur."),
    "2021/d.md": ("Delta report from Ghazni", "2021-08-15", "[Ghazni]", "Wire Two", "[other]",
                  "Sample text without the city, only zebrafish and adipiscing."),
    "2021/e.md": ("Echo <b>bold</b> & title from Herat", "2021-09-01", "[Herat]", "Wire One", "[test]",
                  "Sample text with <i>markup</i> & an ampersand near Kandahar."),
}


def fixture_project(root: Path) -> Project:
    project = Project(root)
    for path, (title, date, cities, source, tags, body) in FIXTURE_ARTICLES.items():
        project.write(path, "\n".join([
            "---", f"title: {title!r}".replace("'", '"'), f"date: {date}", f"cities: {cities}",
            f"source: {source}", f"tags: {tags}", "---", "", body, ""]))
    return project


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Build each fixture site once per session: ``"sample"`` (the repository's own
    article), ``"multi"`` (FIXTURE_ARTICLES) or ``"published"`` (the same, with a
    ``site_url`` under a project's path)."""
    sites: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in sites:
            root = tmp_path_factory.mktemp(name)
            if name == "published":  # at https://example.org/archive/, served under /archive/
                project = fixture_project(root)
                project.publish_at()
            elif name == "sample":
                project = Project(root)
                repo_articles = Path(__file__).resolve().parents[2] / "articles"
                shutil.rmtree(project.root / "articles")
                shutil.copytree(repo_articles, project.root / "articles")
            else:
                project = fixture_project(root)
            build(project.settings)
            sites[name] = project.site
        return sites[name]

    return get


@pytest.fixture(scope="session")
def sample_url(built_sites: Callable[[str], Path]) -> Iterator[str]:
    with serve(built_sites("sample")) as url:
        yield url


@pytest.fixture(scope="session")
def multi_url(built_sites: Callable[[str], Path]) -> Iterator[str]:
    with serve(built_sites("multi")) as url:
        yield url


@pytest.fixture(scope="session")
def subpath_url(built_sites: Callable[[str], Path]) -> Iterator[str]:
    with serve(built_sites("multi"), prefix="archive") as url:
        yield url


@pytest.fixture(scope="session")
def published_url(built_sites: Callable[[str], Path]) -> Iterator[str]:
    with serve(built_sites("published"), prefix="archive") as url:
        yield url
