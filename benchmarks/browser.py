"""What a reader's browser fetches, for the benchmarks: a local static server that gzips
text as GitHub Pages and most hosts do, and Debian's Chromium driven by Playwright.

Bytes are counted per finished request, including the ones a page's web workers make
(Pagefind's index chunks and fragments, Material's search index), which the page's own
timeline never sees.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TEXT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
              ".json": "application/json"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, with text gzipped. Pagefind's own files (index chunks, fragments,
    WebAssembly) are compressed already."""

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in TEXT_TYPES or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", TEXT_TYPES[path.suffix])
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free local port; yield its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(GzipHandler, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, or None (with the reason on stderr) where it or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        print(f"  no {CHROMIUM}: search bytes not measured", file=sys.stderr)
        yield None
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  Playwright is not installed (pip install -e '.[test]'): search bytes not measured",
              file=sys.stderr)
        yield None
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def count_received(context: Any) -> dict[str, int]:
    """Bytes received per URL (bodies and headers, as sent: gzipped where the server
    gzips) by every request of ``context`` from now on, workers' included; the dict fills
    as requests finish."""
    sizes: dict[str, int] = {}

    def finished(request: Any) -> None:
        size = request.sizes()
        received = size["responseBodySize"] + size["responseHeadersSize"]
        sizes[request.url] = sizes.get(request.url, 0) + received

    context.on("requestfinished", finished)
    return sizes


def cold_visit(browser: Any, url: str, done: str, timeout_ms: int = 300_000) -> tuple[int, float]:
    """Open ``url`` in a fresh context (an empty cache) and wait until the JavaScript
    expression ``done`` is true and the network is idle. Returns the bytes received
    (bodies and headers, as sent: gzipped where the server gzips) and the seconds until
    ``done``."""
    context = browser.new_context()
    page = context.new_page()
    received = count_received(context)
    started = time.perf_counter()
    try:
        page.goto(url)
        page.wait_for_function(done, polling=100, timeout=timeout_ms)
        seconds = time.perf_counter() - started
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return sum(received.values()), seconds
