"""Benchmark of Dateline's search at scale (a script that prints figures, not a test).

    .venv/bin/python benchmarks/search.py 10000 50000

For each size it builds a synthetic archive in memory (dateline.demo.demo_archive), indexes
it with the same step ``dateline build`` runs, and prints: index seconds, peak memory (this
process and the largest Pagefind process), bundle size, the time to index a hard-link copy
again after one article was edited (as an incremental build does: only that article's shard
is indexed; the newest article, then the oldest), and for a few first queries in
Debian's Chromium on a cold cache the bytes transferred (text gzipped, as GitHub Pages
serves it) and the time until the first results are on screen (the first shard's), then
until the search is complete (every shard answered, the count shown). The page is the real
search page as readers get it: docs/search.md built by MkDocs with this repository's
mkdocs.yml and theme overrides (Material's stylesheets and script included), with the
rest of the site left out. ``--keep DIR`` keeps the index for a later run, which then reuses it
(at 50,000 articles indexing takes minutes; the page script is what changes between runs).
``--against REV`` times the search page of a git revision too, on the same index, the two
pages taking turns run by run, and prints the ratios. ``--workers`` also indexes from
nothing one shard at a time and several at once, taking turns. ``--period-articles N``
indexes in periods of at most N articles (the ``search_period_articles`` setting), to weigh
what smaller periods save a build after an edit against what they cost a search.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from build import PeakMemory  # noqa: E402  (benchmarks/build.py)

from browser import CHROMIUM, CHROMIUM_ARGS, count_received, serve  # noqa: E402  (benchmarks/browser.py)
from dateline.archive import group  # noqa: E402
from dateline.demo import demo_archive  # noqa: E402
from dateline.search import BUNDLE, SEARCH_WORKERS, index_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QUERIES = {
    "word (kandahar)": "search/?q=kandahar",
    "two words": "search/?q=herat+kabul",
    "filter only": "search/?city=Herat&year=2021",
    "word + filter": "search/?q=kandahar&city=Kabul",
}
UI_BUNDLES = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


def page_files(revision: str | None) -> tuple[str, dict[str, bytes]]:
    """docs/search.md's text and the files of docs/assets/search/, as they are now or at a
    git revision."""
    if revision is None:
        assets = REPO / "docs" / "assets" / "search"
        return ((REPO / "docs" / "search.md").read_text(encoding="utf-8"),
                {path.name: path.read_bytes() for path in assets.iterdir() if path.is_file()})

    def show(path: str) -> bytes:
        return subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:{path}"],
                              check=True, capture_output=True).stdout

    names = subprocess.run(
        ["git", "-C", str(REPO), "ls-tree", "--name-only", revision, "docs/assets/search/"],
        check=True, capture_output=True, text=True).stdout.split()
    return show("docs/search.md").decode(), {Path(name).name: show(name) for name in names}


def themed_page(markdown: str, assets: dict[str, bytes], top: Path) -> None:
    """Build the search page with MkDocs and the repository's theme into ``top``: a project
    of docs/search.md (``markdown``), the search assets and the site's stylesheet, so the
    page loads what a reader's browser loads. The other pages of the nav are missing, which
    MkDocs only warns about outside strict mode."""
    with tempfile.TemporaryDirectory(prefix="dateline-search-page-") as scratch:
        project = Path(scratch)
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        shutil.copytree(REPO / "overrides", project / "overrides")
        shutil.copytree(REPO / "docs" / "stylesheets", project / "docs" / "stylesheets")
        # The theme's scripts (assets/scope.js, assets/palette.js); the search assets are
        # the ones given.
        shutil.copytree(REPO / "docs" / "assets", project / "docs" / "assets",
                        ignore=shutil.ignore_patterns("search"))
        (project / "docs" / "assets" / "search").mkdir()
        for name, data in assets.items():
            (project / "docs" / "assets" / "search" / name).write_bytes(data)
        (project / "docs" / "search.md").write_text(markdown, encoding="utf-8")
        (project / "docs" / "index.md").write_text("# Archive\n", encoding="utf-8")
        built = project / "site"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(built)],
                       cwd=project, check=True, capture_output=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        for name in ("search", "assets", "stylesheets"):
            shutil.rmtree(top / name, ignore_errors=True)
            shutil.copytree(built / name, top / name)


def make_site(folder: Path, revision: str | None = None) -> str:
    """The search page in ``folder`` (the index's site), or for an earlier revision in a
    folder of its own next to it that shares the index. Returns the page's folder, relative."""
    markdown, assets = page_files(revision)
    top = folder
    if revision is not None:
        top = folder / "at" / revision
        top.mkdir(parents=True, exist_ok=True)
        if not (top / BUNDLE).exists():
            (top / BUNDLE).symlink_to(folder / BUNDLE)
    themed_page(markdown, assets, top)
    return "" if revision is None else f"at/{revision}/"


def first_query(browser: Any, url: str) -> dict[str, Any]:
    """Bytes and time of one query in a fresh context (an empty cache).

    Bytes are counted per finished request, including the ones Pagefind's web worker
    makes (the index chunks and fragments), which the page's own timeline never sees.
    """
    context = browser.new_context()
    page = context.new_page()
    sizes = count_received(context)
    page.goto(url)
    # The first results on screen may come from the first shard alone (the page searches
    # the others next), so "complete" is when the page says how many articles were found.
    shown = page.wait_for_function(
        "document.querySelector('.dateline-result, .dateline-search__status--none') && performance.now()",
        polling="raf", timeout=60_000).json_value()
    at_results = sum(sizes.values())
    complete = page.wait_for_function(
        "/found|No articles/.test(document.querySelector('.dateline-search__status').textContent)"
        " && !document.querySelector('.dateline-result-pending') && performance.now()",
        polling="raf", timeout=120_000).json_value()
    at_complete = sum(sizes.values())
    # Facet counts arrive after the results; wait until they are drawn too.
    page.wait_for_selector(".dateline-search__facet", timeout=120_000)
    page.wait_for_load_state("networkidle")
    index_bytes = sum(size for address, size in sizes.items() if f"/{BUNDLE}/" in address)
    status = page.locator(".dateline-search__status").inner_text()
    context.close()
    kinds: dict[str, int] = {}
    for address, size in sizes.items():
        kind = address.split("?")[0].rsplit("/", 1)[-1].rsplit(".", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + size
    return {"ms": shown, "at_results": at_results, "complete_ms": complete, "at_complete": at_complete,
            "total": sum(sizes.values()),
            "index": index_bytes, "status": status, "kinds": kinds}


def bundle_sizes(bundle: Path) -> tuple[int, int]:
    total = index = 0
    for path in bundle.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            if not path.name.startswith(UI_BUNDLES):
                index += path.stat().st_size
    return total, index


def reindex_after_one_edit(archive: Any, folder: Path, cap: int | None) -> None:
    """Index a hard-link copy of the site again after editing the newest article (as a
    newsroom corrects today's), then after editing the oldest (an old period, indexed whole)."""
    articles = list(archive.articles)
    order = sorted(range(len(articles)), key=lambda i: articles[i].sort_key)
    for which, index in (("newest", order[-1]), ("oldest", order[0])):
        copy = folder.with_name(folder.name + "-copy")
        subprocess.run(["cp", "-al", str(folder), str(copy)], check=True)
        try:
            changed = list(articles)
            changed[index] = dataclasses.replace(articles[index], body=articles[index].body + "\n\nEdited.\n")
            report = index_site(group(changed, archive.name, archive.description), copy, cap)
            print(f"after editing the {which} article: {report.seconds:.1f} s "
                  f"({report.indexed} shard indexed, {report.reused} reused)")
        finally:
            shutil.rmtree(copy, ignore_errors=True)


def compare_workers(archive: Any, repeat: int, cap: int | None) -> None:
    """Index from nothing one shard at a time and SEARCH_WORKERS shards at once, taking
    turns, and print the median seconds and the peak memory of this process and its
    Pagefind processes together (summed PSS, sampled every 0.2 s)."""
    counts = (1, SEARCH_WORKERS)
    seconds: dict[int, list[float]] = {count: [] for count in counts}
    peaks = dict.fromkeys(counts, 0.0)
    for _ in range(repeat):
        for workers in counts:
            with tempfile.TemporaryDirectory(prefix="dateline-bench-workers-") as tmp, \
                    PeakMemory(os.getpid()) as memory:
                report = index_site(archive, Path(tmp), cap, workers=workers)
            seconds[workers].append(report.seconds)
            peaks[workers] = max(peaks[workers], memory.peak_mb)
    for workers, times in seconds.items():
        print(f"index from nothing, {workers} shard(s) at once: median {statistics.median(times):.1f} s "
              f"({', '.join(f'{one:.1f}' for one in times)}), peak memory {peaks[workers]:,.0f} MB")
    ratio = statistics.median(seconds[SEARCH_WORKERS]) / statistics.median(seconds[1])
    print(f"{SEARCH_WORKERS} at once / 1 at a time: {ratio:.2f}×")


def run(count: int, browser_queries: bool, repeat: int, keep: Path | None, against: str | None,
        workers: bool = False, cap: int | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        folder = Path(tmp)
        if keep:
            # An index kept from an earlier run with the same size: indexing is the slow
            # part (minutes at 50,000), and the page's script is what changes between runs.
            folder = keep / str(count)
            folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        archive = demo_archive(count)
        generated = time.perf_counter() - started
        report = index_site(archive, folder, cap)
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        total, index = bundle_sizes(folder / BUNDLE)
        files = sum(1 for path in (folder / BUNDLE).rglob("*") if path.is_file())
        print(f"\n== {count:,} articles (generated in {generated:.1f} s) ==")
        print(f"index: {report.seconds:.1f} s, {report.indexed} shards, peak RSS pagefind "
              f"{children:,.0f} MB, python {own:,.0f} MB; bundle {total / 1e6:.1f} MB in {files:,} files "
              f"({index / 1e6:.1f} MB without Pagefind's unused UI bundles)")
        reindex_after_one_edit(archive, folder, cap)
        if workers:
            compare_workers(archive, repeat, cap)
        if not browser_queries:
            return
        pages = {"now": make_site(folder)}
        if against:
            pages[against] = make_site(folder, against)
        from playwright.sync_api import sync_playwright

        with serve(folder) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print("first: median ms from navigation to the first results on screen, and KB received\n"
                  "by then; complete: the same once every shard has answered (the count is shown);\n"
                  "KB pagefind / KB all: bytes of the index / of everything once the filter counts\n"
                  "are drawn too (first run)" + ("; the pages take turns, run by run" if against else ""))
            print(f"{'first query (cold cache)':<26} {'page':>8} {'first':>8} {'KB':>6} {'complete':>9} "
                  f"{'KB':>6} {'KB pagefind':>12} {'KB all':>7}  status")
            for name, path in QUERIES.items():
                # Times vary run to run; the median of a few cold runs is steadier, and
                # pages compared take turns so that both see the same noise.
                runs: dict[str, list[dict[str, Any]]] = {page: [] for page in pages}
                for _ in range(repeat):
                    for page, prefix in pages.items():
                        runs[page].append(first_query(browser, base + prefix + path))
                for page, measured in runs.items():
                    figures = measured[0]
                    for key in ("ms", "complete_ms", "at_results", "at_complete"):
                        figures[key] = statistics.median(one[key] for one in measured)
                    print(f"{name:<26} {page[:8]:>8} {figures['ms']:>5.0f} ms "
                          f"{figures['at_results'] / 1024:>6.0f} {figures['complete_ms']:>6.0f} ms "
                          f"{figures['at_complete'] / 1024:>6.0f} "
                          f"{figures['index'] / 1024:>12.0f} {figures['total'] / 1024:>7.0f}  "
                          f"{figures['status']}")
                    print(" " * 27 + "by file: " + ", ".join(
                        f"{kind} {size / 1024:.0f}" for kind, size in sorted(figures["kinds"].items())))
                if against:
                    now, then = runs["now"][0], runs[against][0]
                    print(" " * 27 + f"now / {against[:8]}: first {now['ms'] / then['ms']:.2f}×, "
                          f"complete {now['complete_ms'] / then['complete_ms']:.2f}×")
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium queries")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per query (median time)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="index into DIR/<size> and keep it; a later run reuses the unchanged shards")
    parser.add_argument("--against", metavar="REV",
                        help="also time the search page of a git revision on the same index, taking turns")
    parser.add_argument("--workers", action="store_true",
                        help="also index from nothing one shard at a time and several at once, taking turns")
    parser.add_argument("--period-articles", type=int, metavar="N",
                        help="most articles in a search period (the search_period_articles setting)")
    args = parser.parse_args()
    for size in args.sizes:
        run(size, not args.no_browser, args.repeat, args.keep, args.against, args.workers,
            args.period_articles)


if __name__ == "__main__":
    main()
