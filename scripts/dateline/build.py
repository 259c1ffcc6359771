"""``dateline build``: validate, generate ``docs/``, run the site builder, swap in the result.

The new site is built into a folder beside ``site/`` and replaces it only when every
step succeeded, so a failed build leaves the previous site complete.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, NamedTuple

from dateline import aliases
from dateline.anchors import anchor_problems
from dateline.archive import load_archive
from dateline.audit import require_clean
from dateline.config import Settings
from dateline.errors import BuildError, ConfigError, Problem, Severity, ValidationFailed
from dateline.feeds import FEED, feed_options
from dateline.guard import Anchors, archive_problems
from dateline.images import ImageSizes
from dateline.incremental import (
    BuildState,
    Source,
    Spare,
    changed_sources,
    clean_build_reason,
    copy_from_spare,
    differences,
    fingerprint,
    folder_bytes,
    folder_identity,
    hard_link_copy,
    site_identity,
    snapshot,
    spare_folder,
)
from dateline.mkdocs_run import read_titles
from dateline.model import Archive
from dateline.pagekit import article_path, generated
from dateline.pagememo import PageMemo
from dateline.pages import GENERATED_ROOTS, SEARCH_PAGE, render_reusing
from dateline.rootlinks import to_audit_again
from dateline.search import BUNDLE, MANIFEST, TEXTS, SearchReport, index_site, plan_index, read_manifest
from dateline.sitemap import page_dates, sitemap_files, write_sitemap_files
from dateline.text import plural
from dateline.writer import SyncReport, atomic_write, sync


class SiteChanges(NamedTuple):
    """What a build of the changed pages did to the site folder it started from."""

    written: list[Path]
    removed: list[str]
    """Site-relative paths of the files removed: their pages' sources are gone."""


class Generated(NamedTuple):
    """What the generated part of ``docs/`` holds."""

    pages: int
    feeds: int


@dataclass(frozen=True)
class BuildResult:
    archive: Archive
    generated: Generated
    sync: SyncReport
    warnings: list[Problem]
    seconds: float
    rendered: int | None = None
    """How many ``docs/`` files were rendered again; ``None`` for a clean build of every page."""
    why: str = ""
    """Why every page was rendered, or that only changes were."""
    search: SearchReport | None = None
    site_bytes: int | None = None
    """The built site's size, measured after a clean build (as GitHub's workflow makes)."""
    redirects: int = 0
    """How many pages of articles' former addresses (:mod:`dateline.aliases`) this build
    wrote or removed: a build that changed nothing under ``docs/`` may have changed those."""


PAGES_LIMIT = 1_000_000_000
"""GitHub Pages: "Published GitHub Pages sites may be no larger than 1 GB"."""


def _size_warning(site: Path, size: int, settings: Settings) -> list[Problem]:
    if size <= PAGES_LIMIT:
        return []
    return [Problem(settings.display(site), 0, "size",
                    f"{size / 1e6:,.0f} MB: GitHub Pages publishes sites of at most 1 GB "
                    "(README, Performance: page weight)", Severity.WARNING)]


def check(settings: Settings) -> tuple[Archive, list[Problem]]:
    """Load and validate; raise :class:`ValidationFailed` if anything is an error."""
    archive, problems = load_archive(settings)
    anchors: dict[str, Anchors] = {}
    problems += archive_problems(settings, archive.articles, anchors)
    problems += anchor_problems(archive.articles, anchors)
    if not settings.docs_dir.is_dir():  # a build would stop there: said with the rest
        problems.append(Problem(settings.display(settings.config_file), 0, "docs_dir", _NO_DOCS.format(
            docs=settings.display(settings.docs_dir))))
    if any(p.is_error for p in problems):
        raise ValidationFailed(problems)
    return archive, problems


def _require_docs(settings: Settings) -> None:
    """Refuse to build without ``docs_dir``: its generated folders would be all it held,
    and MkDocs would fail only after they were written."""
    if not settings.docs_dir.is_dir():
        raise ConfigError(f"{settings.display(settings.config_file)}: docs_dir: "
                          + _NO_DOCS.format(docs=settings.display(settings.docs_dir)))


_NO_DOCS = ('"{docs}": no such folder (it holds the site\'s own pages and files, such as search.md and '
            "the stylesheets)")


def write_docs(settings: Settings, archive: Archive,
               kept_stats: dict[str, os.stat_result] | None = None) -> tuple[Generated, SyncReport]:
    """Bring the generated part of ``docs/`` up to date; how many pages and feeds it
    holds. Pages the memo vouches for are neither rendered nor read
    (:mod:`dateline.pagememo`), nor written: ``kept_stats``, if given, receives their
    status (for :func:`snapshot`)."""
    memo = PageMemo(settings)
    search = SEARCH_PAGE if (settings.docs_dir / SEARCH_PAGE).is_file() else None
    pages, kept = render_reusing(archive, settings.latest, memo.reuse,
                                 feed_options(settings.site_url, settings.feed_articles), search,
                                 html_blocks="md_in_html" in settings.extensions()[0],
                                 footnotes=settings.footnotes_marker, image_size=ImageSizes(settings.root))
    report = sync(settings.docs_dir, pages, GENERATED_ROOTS, kept,
                  {docs: settings.root / found for found, docs in archive.links.assets.items()})
    memo.save(pages)
    if kept_stats is not None:
        kept_stats.update(memo.kept_stats)
    feeds = sum(1 for path in (*(page.path for page in pages), *kept) if path.endswith(FEED))
    return Generated(len(pages) + len(kept) - feeds, feeds), report


def generate(settings: Settings) -> tuple[Archive, Generated, SyncReport, list[Problem]]:
    """Validate and bring the generated part of ``docs/`` up to date."""
    _require_docs(settings)
    archive, warnings = check(settings)
    return archive, *write_docs(settings, archive), warnings


_LIBC = ctypes.CDLL(None, use_errno=True)
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_PR_SET_PDEATHSIG = 1


def _give_back_memory() -> None:
    """Hand the memory of the generated pages, freed by now, back to the system.

    glibc keeps freed memory for the process's later use, so without this the build
    would hold the pages' size (about 1 GB at 50,000 articles) through MkDocs and search,
    whose own processes need it.
    """
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def _die_with_parent() -> None:
    # A build killed with SIGKILL must not leave MkDocs writing into a staging folder
    # that the next build is about to clear.
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _cores() -> int:
    return min(os.cpu_count() or 1, 4)


PARALLEL_PAGES = 1_000
"""From this many pages, a clean build shares them among processes, one per core."""

PART_PAGES = 8_000
"""Most pages one MkDocs process renders in a clean build. MkDocs holds every page it
renders in memory until its build ends (about 30 KB a page), so a large archive is
rendered in more shares than cores, each process ending before the next starts."""


def _shares(pages: list[str], workers: int) -> list[list[str]]:
    """``pages`` in shares of at most PART_PAGES, as many as a multiple of ``workers`` so
    that every round keeps every core busy."""
    count = -(-len(pages) // PART_PAGES)
    count = -(-count // workers) * workers
    ordered = sorted(pages)
    return [ordered[number::count] for number in range(count)]


def _mkdocs_process(settings: Settings, arguments: list[str], **popen: Any) -> subprocess.Popen[bytes]:
    """``python -m dateline.mkdocs_run`` with ``arguments``, in the project folder."""
    # Material's end-of-life notice would stand among the user's warnings on every failure.
    package_root = str(Path(__file__).resolve().parent.parent)
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
                   "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "dateline.mkdocs_run", *arguments], cwd=settings.root,
                            env=environment, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                            **popen)


def _mkdocs_options(settings: Settings, site_dir: Path) -> list[str]:
    scratch = settings.root / ".dateline"
    return ["--template-cache", str(scratch / "templates"),
            "--", "--strict", "--config-file", str(settings.config_file), "--site-dir", str(site_dir)]


def _changed_listing(settings: Settings) -> tuple[Path, Path]:
    """Where a build of the changed pages reads which they are, and lists what it wrote."""
    scratch = settings.root / ".dateline"
    return scratch / "changed-sources.json", scratch / "written.json"


def _titles_file(settings: Settings) -> Path:
    """Where ``dateline.mkdocs_run --titles`` finds what the live site's navigation shows
    of the pages named by their own titles (:attr:`BuildState.titles`), and writes what
    the new site's shows."""
    return settings.root / ".dateline" / "navigation-titles.json"


def _changed_run(settings: Settings, site_dir: Path) -> list[str]:
    """The arguments of ``dateline.mkdocs_run`` for a build of the changed pages alone."""
    listing, written = _changed_listing(settings)
    return ["--changed", str(listing), "--keep", BUNDLE, "--written", str(written),
            "--titles", str(_titles_file(settings)), *_mkdocs_options(settings, site_dir)]


@dataclass
class Prestarted:
    """An MkDocs process started before it is needed (:func:`prestart_mkdocs`)."""

    process: subprocess.Popen[bytes]
    log: IO[str]
    site_dir: Path
    """The site folder it builds into when told to."""

    def run(self) -> int:
        """Tell it to build, and wait for it: its exit status."""
        self.process.communicate(b"build")
        return self.process.returncode


@contextmanager
def prestart_mkdocs(settings: Settings, site_dir: Path) -> Iterator[Prestarted]:
    """Start the MkDocs process of a build after a change while the articles are checked
    and the pages made, with the arguments of a build of the changed pages into
    ``site_dir``. Meanwhile it imports MkDocs (about 0.2 s), lists the live site, of which
    ``site_dir`` will be a copy (0.2 s at 10,000 articles), loads mkdocs.yml and makes
    MkDocs' list of the files in ``docs/`` (0.4 s together), and then waits to be told to
    build (``python -m dateline.mkdocs_run --wait``). It writes nothing until then; if
    the build never asks, it is ended with the ``with`` block."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = _mkdocs_process(settings, ["--wait", "--site", str(settings.site_dir),
                                             *_changed_run(settings, site_dir)],
                                  stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield Prestarted(process, log, site_dir)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdin is not None:
                process.stdin.close()


def run_mkdocs(settings: Settings, site_dir: Path, sources: Mapping[str, str] | None = None,
               changed: list[str] | None = None, pages: list[str] | None = None,
               prestarted: Prestarted | None = None) -> SiteChanges | None:
    """``mkdocs build --strict`` into ``site_dir``; its warnings, if any, fail the build.

    Not ``--quiet``: that hides warnings from the counter strict mode relies on, so a
    broken link would pass. ``sources`` maps a generated page (``articles/…/x.md``) to
    the article it was made from, so each warning names the file the user can fix.
    With ``changed`` (``docs/`` paths), ``site_dir`` already holds the previous site and
    only those pages are rendered again (see :mod:`dateline.mkdocs_run`), by the
    ``prestarted`` process when given, and the files MkDocs wrote and removed are returned.
    Otherwise, when ``pages`` (every page under ``docs/``) are many and mkdocs.yml names
    no plugins or hooks, each core renders a share of them.
    """
    scratch = settings.root / ".dateline"
    workers = _cores()
    runs: list[list[str]] = []
    listing, written = _changed_listing(settings)
    if changed is not None:
        atomic_write(listing, json.dumps(changed).encode())
        written.unlink(missing_ok=True)
        runs.append(_changed_run(settings, site_dir))
    elif pages is not None and len(pages) >= PARALLEL_PAGES and workers > 1 and not settings.plugins:
        # Not with plugins or hooks: each process would run them over its share of the
        # pages, and write their files (a feed of every page, say) from that share alone.
        for number, share in enumerate(_shares(pages, workers)):
            listing = scratch / f"pages-{number}.json"
            atomic_write(listing, json.dumps(share).encode())
            runs.append(["--part", str(listing)]
                        + (["--no-static"] if number else ["--titles", str(_titles_file(settings))]))
    else:
        runs.append(["--titles", str(_titles_file(settings))])
    if changed is None:
        runs = [[*run, *_mkdocs_options(settings, site_dir)] for run in runs]

    def render(run: list[str], log: IO[str]) -> int:
        return _mkdocs_process(settings, run, stdout=log, stderr=subprocess.STDOUT).wait()

    with contextlib.ExitStack() as stack:
        if prestarted is not None and changed is not None and prestarted.site_dir == site_dir:
            logs, codes = [prestarted.log], [prestarted.run()]
        else:
            logs = [stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8")) for _run in runs]
            with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
                codes = list(pool.map(render, runs, logs))
        outputs = []
        for log, code in zip(logs, codes, strict=True):
            log.seek(0)
            outputs.append((log.read(), code))
    failed = [code for _output, code in outputs if code != 0]
    if failed:
        # A warning about no page in particular (the nav, a file left out of it) comes from
        # every process.
        lines = list(dict.fromkeys(line for output, _code in outputs for line in output.splitlines()
                                   if line.strip() and not line.startswith("INFO")))
        origin = sources or {}
        for index, line in enumerate(lines):
            doc = _DOC_FILE.search(line)
            if doc and doc.group(1) in origin:
                lines[index] = f"{line} (made from {origin[doc.group(1)]})"
        raise BuildError(f"MkDocs failed (exit {failed[0]}); the previous site is kept.\n"
                         + "\n".join(lines))
    if changed is None:
        return None
    listed = json.loads(written.read_bytes())
    return SiteChanges([site_dir / path for path in listed["written"]], listed["removed"])


_DOC_FILE = re.compile(r"Doc file '([^']+)'")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2), so readers never find no site."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(done == 0)


def _discard(folder: Path, trash: Path | None) -> None:
    """Remove a folder, without waiting when ``trash`` (a folder on the same disk) is given.

    Deleting a site of 10,000 articles takes seconds (7 s here, for 14,000 folders): it is
    moved into the trash and deleted by a process of its own that outlives the build.
    """
    if not folder.exists():
        return
    if trash is not None and sys.platform == "linux" and shutil.which("rm"):
        try:
            trash.mkdir(parents=True, exist_ok=True)
            # A visible name: the shell's * below does not match names starting with a dot.
            folder.rename(trash / f"{folder.name.lstrip('.')}-{time.time_ns()}")
        except OSError:
            pass
        else:
            # The shell leaves rm running in the background and exits at once, so no
            # child of ours is left to wait for.
            subprocess.run(["sh", "-c", 'rm -rf -- "$1"/* >/dev/null 2>&1 &', "sh", str(trash)],
                           check=False, start_new_session=True)
            return
    shutil.rmtree(folder, ignore_errors=True)


def _swap_in(new: Path, target: Path, trash: Path | None = None, keep: Path | None = None) -> None:
    """Make ``new`` the site at ``target``; the previous site is discarded, or kept as
    ``keep``, its search bundle included (see :class:`~dateline.incremental.Spare`)."""
    if target.is_dir() and _exchange(new, target):
        old = new  # now holds the previous site
    else:
        # Elsewhere (or a filesystem without the exchange): two renames, and a moment with
        # no site/ that a killed build's successor repairs in _recover.
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            target.rename(old)
        new.rename(target)
    if keep is not None and old.is_dir():
        _discard(keep, trash)
        with contextlib.suppress(OSError):
            old.rename(keep)
    _discard(old, trash)


def _recover(target: Path, trash: Path | None = None) -> None:
    """Tidy what a killed build left: restore a site moved aside, drop unfinished ones
    (without waiting, with ``trash``: a killed build's new site may be a whole site)."""
    for leftover in target.parent.glob(f".{target.name}.*"):
        if leftover == spare_folder(target):
            continue  # the site before the last build, kept on purpose
        if ".old-" in leftover.name and not target.exists():
            leftover.rename(target)
        else:
            _discard(leftover, trash)


def _copy_of_site(spare: Spare | None, site: Path, staging: Path, trash: Path) -> bool:
    """Start the new site as a hard-linked copy of the live one: from the site before the
    last build when it was kept (its search bundle too, for search to take), else by
    linking every file but the search bundle's."""
    if spare is not None and spare.bundle and not (spare_folder(site) / BUNDLE).is_dir():
        spare = None  # its search bundle was removed by hand: not a copy of the site any more
    if copy_from_spare(spare, site, staging):
        return True
    _discard(staging, trash)
    _discard(spare_folder(site), trash)
    return hard_link_copy(site, staging, (BUNDLE,))


def _kept_as_spare(staging: Path, site: Path) -> Spare | None:
    """Keep ``staging``, a copy of ``site`` as it is, for the next build. Its search bundle,
    when it has one, is a copy of the live one (the spare's, or search's unchanged)."""
    try:
        staging.rename(spare_folder(site))
        return Spare(folder_identity(spare_folder(site)), (), (spare_folder(site) / BUNDLE).is_dir())
    except OSError:
        return None


def _spare_changes(staging: Path, changes: SiteChanges, bundle_written: list[Path],
                   bundle_removed: list[str]) -> tuple[str, ...]:
    """Where the site before this build differs from this build's: the files MkDocs wrote
    or removed, and those of the search bundle (``bundle_removed`` relative to it)."""
    written = (path.relative_to(staging).as_posix() for path in changes.written)
    pages = {path for path in (*written, *changes.removed)
             if path != BUNDLE and not path.startswith(f"{BUNDLE}/")}
    bundle = {*(path.relative_to(staging).as_posix() for path in bundle_written),
              *(f"{BUNDLE}/{path}" for path in bundle_removed)}
    return tuple(sorted(pages | bundle))


@contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """One build at a time per project: a second one waits rather than trampling docs/."""
    lock_dir = settings.root / ".dateline"
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(settings: Settings, progress: Callable[[str], None] | None = None,
          checked: Callable[[list[Problem]], None] | None = None) -> BuildResult:
    """The whole build; ``progress``, when given, is told each step as it starts, and
    ``checked`` the check's warnings once the articles pass it: a build that fails later
    (MkDocs, search, the audit) raises without them, and they may explain the failure."""
    started = time.perf_counter()
    _require_docs(settings)
    with exclusive(settings):
        return _build_locked(settings, started, progress or (lambda _step: None),
                             checked or (lambda _warnings: None))


SEARCH_BESIDE_ARTICLES = 15_000
"""Up to this many articles, Pagefind indexes beside the rest of the build: in a build
after a change, from the moment the articles are checked; in a clean build, beside MkDocs
(10,000 articles on two cores, taking turns: 65.0–72.5 s instead of 73.6–80.7 s, peaking
at 1.6 GB instead of 1.05 GB). Pagefind holds up to about 0.85 GB for a period of 2,000
articles beside the build's own memory, which grows with the archive (a clean build of
15,000 articles peaked at 1.5 GB), so larger archives' clean builds index after MkDocs,
keeping 50,000 articles within 2 GB."""

SEARCH_BESIDE_CHANGED = 2_000
"""In a build after a change of a larger archive, Pagefind still indexes beside MkDocs, one
period at a time, when MkDocs renders at most this many pages: MkDocs then holds little
(with more, Pagefind indexes before MkDocs). At 50,000 articles, taking turns with
indexing after MkDocs (search started as soon as the articles were checked): after one
edit 12.6–13.6 s instead of 16.0 s, peaking at 1.50 GB instead of 1.40 GB; after one
addition 12.0–12.8 s instead of 14.4–14.7 s. The build benchmark, on this code: 13.1 s
after one edit, peaking at 1.50 GB; 11.9 s after one addition, at 1.18 GB."""


def _render_all_instead(changed: int) -> bool:
    """Whether to render every page, shared among processes, rather than the ``changed``
    files on top of the last site: MkDocs renders those in one process, which holds every
    page it renders until it ends (see :data:`PART_PAGES`): measured on 10,000 articles,
    59 MB for one changed page, 169 MB for 3,000, 389 MB for 9,000, about 37 KB a page. A
    bulk edit of 40,000 articles of 50,000 would hold about 1.5 GB there, beside the
    build's own 0.7 GB. Not for speed: on two cores, with search beside, re-rendering
    7,000 changed files of 12,356 took 54.2 s (peak 1.3 GB), and rendering all of them
    67.4 s (peak 1.5 GB), its audit checking every page."""
    return changed > PART_PAGES


def _own_files(sources: Mapping[str, Source]) -> dict[str, str]:
    """The content hash of each file of ``docs/``'s own (not Dateline's), by its path."""
    return {path: source.sha256 for path, source in sources.items()
            if not generated(path)}


def _same_bytes(first: Path, second: Path) -> bool:
    try:
        return first.read_bytes() == second.read_bytes()
    except OSError:
        return False


def _search_from(site: Path, searching: Path, staged: Path | None = None) -> None:
    """Start ``searching/pagefind`` as a hard-linked copy of the live site's search bundle,
    so that the shards whose articles did not change are kept (see :func:`index_site`):
    ``staged``, the new site's copy of it brought up to date from the spare, when there is
    one (a rename), else a copy of every file (at 10,000 articles, 11,000 links made, and
    as many deleted in the background once the bundle is replaced).

    The bundle depends on the articles alone, never on mkdocs.yml or the theme, so even a
    build that renders every page again reuses it.
    """
    searching.mkdir()
    if staged is not None and staged.is_dir():
        staged.rename(searching / BUNDLE)
    elif (site / BUNDLE).is_dir():
        hard_link_copy(site / BUNDLE, searching / BUNDLE)  # on failure: index from nothing


def _index_from(start: Callable[[Path], None], archive: Archive, folder: Path, cap: int | None,
                workers: int | None, cancel: threading.Event | None = None,
                gate: _Gate | None = None, texts: Path | None = None,
                idle: threading.Event | None = None, live: Path | None = None) -> SearchReport:
    try:
        plan = plan_index(archive, cap)
        if idle is not None and live is not None and \
                sum(plan.stale(read_manifest(live) or {}).values()) < SEARCH_FIRST_ARTICLES:
            # Judged from the live site's bundle, before its copy (which may wait for the
            # site's) is made: Pagefind will not be what the build waits for last.
            idle.set()
        start(folder)
    except BaseException:
        if idle is not None:
            idle.set()
        raise
    return index_site(archive, folder, cap, workers, cancel=cancel,
                      hold=gate.hold if gate is not None else None, texts=texts, idle=idle, plan=plan)


SEARCH_FIRST_ARTICLES = 500
"""In a build after a change, when the periods to index again hold at least this many
articles, their records are made before the pages rather than beside them (see
:func:`_build_locked`): Pagefind, about 1.5 ms an article here, is then what the build
waits for last. Below it, MkDocs' side is: after an addition to the newest month,
making the records first each time cost about 0.05 s. The periods to index again are
judged from the live site's manifest (:func:`_index_from`), not from its copy, which may
wait for the copy of the site."""


SEARCH_EARLY_ARTICLES = 2_000
"""In a build after a change of a larger archive, Pagefind starts as soon as the articles
are checked, beside the pages, when the periods to index again hold at most this many
articles (at most one period: up to 0.85 GB of Pagefind beside the build's own memory;
most often the newest month, far less). With more to index, it waits for the build to
know how much MkDocs will render (see :data:`SEARCH_BESIDE_CHANGED`). At 50,000 articles,
taking turns with starting Pagefind once the pages were made, five of each, in a loaded
hour: after one edit 18.7 s against 20.2 s (medians; paired differences' median −1.6 s,
all five quicker), after one addition 23.7 s against 24.8 s (−0.7 s, four of five
quicker); peaking at 1.23–1.27 GB against 1.15–1.18 GB."""


class _Gate:
    """When a larger archive's search, started as soon as the articles are checked, may
    run Pagefind: at once with little to index (:data:`SEARCH_EARLY_ARTICLES`), else once
    the build opens the gate."""

    def __init__(self, idle: threading.Event) -> None:
        self.open = threading.Event()
        self.idle = idle

    def hold(self, stale: int) -> None:
        if stale > SEARCH_EARLY_ARTICLES:
            self.idle.set()  # the search thread waits: nothing to wait for from it
            self.open.wait()


@contextmanager
def _indexing(start: Callable[[Path], None], archive: Archive, folder: Path, cap: int | None,
              beside: bool, workers: int | None = None, gate: _Gate | None = None,
              texts: Path | None = None, idle: threading.Event | None = None,
              live: Path | None = None) -> Iterator[Callable[[], SearchReport]]:
    """Index ``archive`` into ``folder``, starting from the bundle ``start`` puts there,
    while the ``with`` block runs (``beside``), or when it is asked for; ``workers``
    periods at once (:func:`index_site`, which keeps the articles' texts in ``texts``),
    Pagefind held by ``gate`` if given (asking for the result opens it); ``idle`` as
    :func:`index_site` says, and set at once when ``live``, the live site's bundle, says
    there is little to index again. The block's
    failure stops the indexing before its next shard and waits for it, so nothing writes
    into ``folder`` afterwards."""
    if not beside:
        yield lambda: _index_from(start, archive, folder, cap, workers, texts=texts)
        return
    cancel = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="search") as pool:
        job = pool.submit(_index_from, start, archive, folder, cap, workers, cancel=cancel, gate=gate,
                          texts=texts, idle=idle, live=live)

        def result() -> SearchReport:
            if gate is not None:
                gate.open.set()
            return job.result()

        try:
            yield result
        except BaseException:
            cancel.set()
            raise
        finally:
            if gate is not None:
                gate.open.set()  # a search still held must not keep the pool from closing


def _sitemap_of(settings: Settings, archive: Archive, pages: list[str]) -> dict[str, bytes]:
    return sitemap_files(settings.site_url, pages, page_dates(archive) if settings.site_url else {})


def _build_locked(settings: Settings, started: float, progress: Callable[[str], None],
                  checked: Callable[[list[Problem]], None]) -> BuildResult:
    progress("Reading and checking the articles")
    site = settings.site_dir
    trash = settings.root / ".dateline" / "trash"
    texts = settings.root / ".dateline" / TEXTS
    _recover(site, trash)
    state = BuildState.load(settings)
    # The redirect pages of aliases are the build's own files in the site: those of the
    # last build, to keep or remove, are known only for the site it made (a state whose
    # site is another means a clean build).
    redirected = state.redirects if state is not None else None
    shared = fingerprint(settings)
    titles = state.titles if state is not None else None
    if titles is None:
        _titles_file(settings).unlink(missing_ok=True)
    else:
        atomic_write(_titles_file(settings), json.dumps(titles, ensure_ascii=False).encode("utf-8"))
    staging = site.with_name(f".{site.name}.new-{os.getpid()}")
    searching = site.with_name(f".{site.name}.search-{os.getpid()}")
    cap = settings.search_period_articles
    copying: concurrent.futures.Future[bool] | None = None
    spare = state.spare if state is not None else None

    def search_start(folder: Path) -> None:
        bundled = copying is not None and spare is not None and spare.bundle and copying.result()
        _search_from(site, folder, staging / BUNDLE if bundled else None)

    untouched = True
    """Whether the new site is still an exact copy of the live one (MkDocs not yet run)."""
    try:
        with contextlib.ExitStack() as stack:
            searched = None
            prestarted = None
            reason = clean_build_reason(state, shared, site)
            if reason is None and settings.plugins:
                reason = (f"mkdocs.yml names plugins or hooks ({', '.join(settings.plugins)}), "
                          "whose files only a build of every page writes")
            if reason is None and redirected is None:
                reason = "the last build's pages of former addresses (aliases) are not known"
            if reason is None:
                # A build after a change, most likely. The new site starts as a copy of the
                # live one (its search bundle aside, which search copies for itself), made
                # while the articles are checked and the pages made; a build whose articles
                # fail the check discards it.
                background = stack.enter_context(concurrent.futures.ThreadPoolExecutor(1))
                copying = background.submit(_copy_of_site, spare, site, staging, trash)
                prestarted = stack.enter_context(prestart_mkdocs(settings, staging))
            else:
                _discard(spare_folder(site), trash)  # a clean build's site shares nothing with it
            archive, warnings = check(settings)
            checked(list(warnings))
            articles = plural(len(archive.articles), "article")
            small = len(archive.articles) <= SEARCH_BESIDE_ARTICLES
            gate = None
            if reason is None:
                # Search needs only the checked articles. A larger archive's Pagefind runs
                # one period at a time, and waits unless it has little to index again.
                idle = threading.Event()
                gate = None if small else _Gate(idle)
                searched = stack.enter_context(_indexing(search_start, archive, searching, cap, beside=True,
                                                         workers=None if small else 1, gate=gate,
                                                         texts=texts, idle=idle, live=site / BUNDLE))
                # After an edit, Pagefind indexing the article's period again is what the
                # build waits for last. Its records are made first, rather than beside the
                # pages, for the interpreter's lock: Pagefind then starts sooner (README,
                # Performance), and the pages' few changes still reach MkDocs long before
                # it ends. (See SEARCH_FIRST_ARTICLES.)
                idle.wait()
            kept_stats: dict[str, os.stat_result] = {}
            generated, report = write_docs(settings, archive, kept_stats)
            _give_back_memory()
            sources = snapshot(settings.docs_dir, state.sources if state else {}, kept_stats)
            del kept_stats
            pages = [path for path in sources if path.endswith(".md")]
            changed: list[str] | None = None
            why = reason or "only what changed"
            if state is not None and copying is not None:
                changed = changed_sources(state, sources)
                if not copying.result():
                    changed, why = None, f"{site.name}/'s disk cannot hard-link files"
                elif _render_all_instead(len(changed)):
                    _discard(staging, trash)
                    why = f"{plural(len(changed), 'file')} of {len(sources):,} changed"
                    changed = None
            # A larger archive's build after a change that MkDocs renders little of.
            few = not small and changed is not None and len(changed) <= SEARCH_BESIDE_CHANGED
            beside = small or few
            if searched is None:
                searched = stack.enter_context(_indexing(search_start, archive, searching, cap, beside,
                                                         1 if few else None, texts=texts))
            elif gate is not None and few:
                gate.open.set()
            search = None
            changes: SiteChanges | None = SiteChanges([], [])
            if changed == []:
                # Nothing under docs/ changed: MkDocs would write every page as it is.
                progress(f"Indexing {articles} for search")
            else:
                if gate is not None and not beside:
                    # MkDocs renders much of a large archive: Pagefind indexes first, not
                    # beside it, so that their memory does not add up.
                    progress(f"Indexing {articles} for search")
                    search = searched()
                rendering = (f"Rendering {plural(len(pages), 'page')} with MkDocs" if changed is None
                             else f"Rendering {plural(len(changed), 'changed file')} with MkDocs")
                progress(f"{rendering} and indexing {articles} for search" if beside else rendering)
                untouched = False
                # The sitemap is drafted while MkDocs renders (0.06 s at 10,000 articles),
                # and written once MkDocs is done with the folder.
                with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sitemap") as pool:
                    drafting = pool.submit(_sitemap_of, settings, archive, pages)
                    made_from = {article_path(a): a.path for a in archive.articles}
                    changes = run_mkdocs(settings, staging, made_from, changed, pages=pages,
                                         prestarted=prestarted)
                    titles = read_titles(_titles_file(settings))
                    mapped, unmapped = write_sitemap_files(staging, drafting.result())
                if changes is not None:
                    changes = SiteChanges(changes.written + mapped, changes.removed + unmapped)
                if search is None and not beside:
                    progress(f"Indexing {articles} for search")
            search = search or searched()
        # Aliases' pages, after MkDocs (which removed those of the site it started from).
        wanted = aliases.redirect_files(archive.articles, settings.site_url)
        redirect_pages = aliases.digests(wanted)
        same_redirects = redirect_pages == redirected
        redirects_written: list[Path] = []
        redirects_removed: list[str] = []
        if changed != [] or not same_redirects:
            untouched = False
            redirects_written, redirects_removed = aliases.place(staging, site, wanted,
                                                                 None if changed is None else redirected)
        if changes is not None:
            changes = SiteChanges(changes.written + redirects_written, changes.removed + redirects_removed)
        redirects = len(redirects_written) + len(redirects_removed)
        if changed == [] and same_redirects and search.indexed == 0 and \
                _same_bytes(searching / BUNDLE / MANIFEST, site / BUNDLE / MANIFEST):
            # Neither the pages nor the search index changed: site/ is already this build's,
            # and its copy (search's bundle back in it) is kept for the next build.
            if (searching / BUNDLE).is_dir() and not (staging / BUNDLE).exists():
                (searching / BUNDLE).rename(staging / BUNDLE)
            BuildState(shared, site_identity(site), sources, _kept_as_spare(staging, site),
                       titles, redirect_pages).save(settings)
            return BuildResult(archive, generated, report, warnings, time.perf_counter() - started,
                               0, why, search)
        # The site's copy leaves the bundle out; only a folder of that name in docs/ could
        # be there, and the new bundle takes its place.
        _discard(staging / BUNDLE, trash)
        (searching / BUNDLE).rename(staging / BUNDLE)
        written = None
        spare_changes: tuple[str, ...] = ()
        if changes is not None:
            bundle_written, bundle_removed = differences(staging / BUNDLE, site / BUNDLE)
            written = changes.written + bundle_written
            own_changed = state is not None and _own_files(state.sources) != _own_files(sources)
            if own_changed or changes.written:
                # An article's links from the root to docs/'s own files, and to anchors, are
                # checked by the audit of its page: audited again when what they lead to was.
                made = {path.relative_to(staging).as_posix() for path in changes.written}
                done = set(written)
                written += [page for article in archive.articles if to_audit_again(article, made, own_changed)
                            if (page := staging / article.url_path / "index.html") not in done]
            spare_changes = _spare_changes(staging, changes, bundle_written, bundle_removed)
        progress("Auditing the new site")
        origins = {f"{a.url_path}index.html": a.path for a in archive.articles}
        origins.update((alias.file, a.path) for a in archive.articles for alias in a.aliases)
        require_clean(staging, origins, only=written, site_path=settings.site_path)
        # A build killed between these two steps leaves a state that no longer matches
        # site/, so the next build is a clean one. After a build of the changed pages, the
        # previous site, which differs from the new one in those alone, is kept for the next.
        keep = spare_folder(site) if changes is not None else None
        _swap_in(staging, site, trash, keep)
        kept_spare = None
        if keep is not None:
            with contextlib.suppress(OSError):
                kept_spare = Spare(folder_identity(keep), spare_changes, (keep / BUNDLE).is_dir())
        BuildState(shared, site_identity(site), sources, kept_spare, titles, redirect_pages).save(settings)
    except BaseException:
        if (untouched and state is not None and copying is not None and copying.done()
                and copying.exception() is None and copying.result()):
            # A build that failed before MkDocs ran (an article's mistake, most often) leaves
            # a copy of the live site: the spare of the build that follows the fix.
            kept = _kept_as_spare(staging, site)
            if kept is not None:
                with contextlib.suppress(OSError):
                    replace(state, spare=kept).save(settings)
        raise
    finally:
        _discard(staging, trash)
        _discard(searching, trash)
    # After a clean build only: walking the whole site costs 0.14 s at 10,000 articles.
    size = folder_bytes(site) if changed is None else None
    if size is not None:
        warnings = warnings + _size_warning(site, size, settings)
    return BuildResult(archive, generated, report, warnings, time.perf_counter() - started,
                       None if changed is None else len(changed), why, search, size, redirects)
