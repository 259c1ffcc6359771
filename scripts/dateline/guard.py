"""Keep pathological Markdown from stalling or crashing the site builder.

Python-Markdown is quadratic on runs of ``[`` (20,000 take 52 s) and raises
``RecursionError`` on lists or ``markdown``-enabled HTML blocks nested a few hundred
deep. MkDocs renders every page inside one process, so a single such article would
stall or crash the whole build with a traceback, naming no file. Two defences, both run
by ``dateline check`` and before anything is written by ``dateline build``:

- :func:`scan`: a linear look at each body for the known shapes, with the line they
  are on. Instant, and the message says what to change.
- :func:`render_problems`: every body rendered with the project's own Markdown
  extensions in worker processes, each under a time limit
  (``extra.dateline.render_timeout``). It catches what the scan does not know. It costs
  a second rendering of each new or changed body, spread over the machine's cores (see
  ``benchmarks/guard.py`` for the figures).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import multiprocessing
import os
import re
import signal
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from types import FrameType
from typing import Any

import markdown

from dateline.config import PythonName, Settings
from dateline.errors import ConfigError, Problem
from dateline.model import Article
from dateline.pages import HEADLINE_ID
from dateline.writer import atomic_write

MAX_BRACKETS = 1_000
"""Unescaped ``[`` in one paragraph: 1,000 render in 0.4 s, 4,000 in 3 s, 20,000 in 52 s."""
MAX_INDENT = 400
"""Columns of indentation: 100 nested list levels; a list 250 deep exhausts the stack."""

_BLOCKS = re.compile(r"\n[ \t]*\n")
_OPEN_BRACKET = re.compile(r"(?<!\\)\[")
_INDENT = re.compile(r"^[ \t]*", re.MULTILINE)


def scan(body: str) -> list[tuple[int, str]]:
    """Known pathological shapes in a body, as (line within the body, message)."""
    found: list[tuple[int, str]] = []
    position = 0
    for block in _BLOCKS.split(body):
        start = body.find(block, position)
        position = start + len(block)
        if block.count("[") > MAX_BRACKETS:
            brackets = len(_OPEN_BRACKET.findall(block))
            if brackets > MAX_BRACKETS:
                found.append((body.count("\n", 0, start) + 1,
                              f"a paragraph holds {brackets:,} '[' (the limit is {MAX_BRACKETS:,}); "
                              "Markdown takes minutes over it: split it up or write \\[ for a "
                              "literal bracket"))
    for match in _INDENT.finditer(body):
        if len(match.group().expandtabs(4)) > MAX_INDENT:
            found.append((body.count("\n", 0, match.start()) + 1,
                          f"a line is indented by more than {MAX_INDENT} columns (lists or "
                          "quotes nested about 100 deep); Markdown cannot render that"))
            break
    return found


def scan_problems(path: str, body: str, body_line: int) -> list[Problem]:
    return [Problem(path, body_line + line - 1, "body", message) for line, message in scan(body)]


@dataclass(frozen=True)
class Job:
    path: str
    body: str


class _Timeout(Exception):
    pass


_worker_markdown: Any = None
_worker_timeout = 0.0


def _on_alarm(_signal: int, _frame: FrameType | None) -> None:
    raise _Timeout


def _start_worker(extensions: list[Any], configs: dict[str, Any], timeout: float) -> None:
    global _worker_markdown, _worker_timeout
    _worker_markdown = markdown.Markdown(extensions=extensions, extension_configs=resolve_names(configs))
    _worker_timeout = timeout
    signal.signal(signal.SIGALRM, _on_alarm)
    # Ctrl+C reaches the whole process group: the build stops the workers itself (in
    # render_problems), and each would otherwise print its own traceback of 40 lines.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_HEADLINE_AGAIN = re.compile(rf"{HEADLINE_ID}(?:_(\d+))?")

_IDS = re.compile(r"""\b(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_IN_PAGE = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*(?:"(#[^"]+)"|'(#[^']+)')""")


@dataclass(frozen=True)
class Anchors:
    """What a body's page offers and asks of anchors (:mod:`dateline.anchors`)."""

    ids: tuple[str, ...]
    """Its ids (and ``<a name>``), in order; read loosely (any ``id=`` or ``name=``), so
    that none MkDocs sees is missed."""
    within: tuple[str, ...]
    """The ``#…`` addresses of its links within the page, as rendered."""

    @classmethod
    def of(cls, html: str) -> Anchors:
        """What the page of a body rendered to ``html`` offers and asks."""
        ids = [HEADLINE_ID]
        if "id=" in html or "name=" in html:  # most bodies have neither: skip the scan
            for found in dict.fromkeys(unescape(a or b) for a, b in _IDS.findall(html) if a or b):
                ids.append(found)
                # On the page, after the title's "headline", toc numbers a heading of that
                # name on: "headline_1" where the body alone has "headline".
                again = _HEADLINE_AGAIN.fullmatch(found)
                if again:
                    ids.append(f"{HEADLINE_ID}_{int(again.group(1) or 0) + 1}")
        within = () if "#" not in html else tuple(dict.fromkeys(
            unescape(a or b) for a, b in _IN_PAGE.findall(html)))
        return cls(tuple(dict.fromkeys(ids)), within)


def _render(body: str) -> tuple[str, float, Anchors | None]:
    """Render one body in a worker: ``ok``, ``timeout`` or ``depth``, the seconds taken,
    and its page's :class:`Anchors`."""
    started = time.perf_counter()
    anchors = None
    # Python-Markdown is pure Python between its regular expressions, so the alarm's
    # exception lands within moments of the limit.
    signal.setitimer(signal.ITIMER_REAL, _worker_timeout)
    try:
        html = _worker_markdown.reset().convert(body)
        outcome = "ok"
    except _Timeout:
        outcome = "timeout"
    except RecursionError:
        outcome = "depth"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if outcome == "ok":
        anchors = Anchors.of(html)
    return outcome, time.perf_counter() - started, anchors


def resolve_names(value: Any) -> Any:
    """``value`` with every ``!!python/name:`` imported, as MkDocs does when it reads them."""
    if isinstance(value, PythonName):
        module, _, attribute = value.dotted.rpartition(".")
        return getattr(importlib.import_module(module), attribute)
    if isinstance(value, dict):
        return {key: resolve_names(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_names(item) for item in value]
    return value


def _check_extensions(extensions: list[Any], configs: dict[str, Any]) -> None:
    try:
        markdown.Markdown(extensions=extensions, extension_configs=resolve_names(configs))
    except Exception as error:  # noqa: BLE001 - any failure here is the configuration's
        raise ConfigError(f"mkdocs.yml: markdown_extensions cannot be loaded: {error}") from None


def render_problems(jobs: Sequence[Job], extensions: list[Any], configs: dict[str, Any],
                    timeout: float, workers: int | None = None,
                    anchors: dict[str, Anchors] | None = None,
                    seconds: dict[str, float] | None = None) -> list[Problem]:
    """Render every body under the time limit; a problem for each that is too slow or
    deep. ``anchors``, if given, receives each rendered page's :class:`Anchors`, by path,
    and ``seconds`` how long each took."""
    if not jobs:
        return []
    _check_extensions(extensions, configs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    problems: list[Problem] = []
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, _start_worker, (extensions, configs, timeout))
    try:
        results = pool.imap(_render, (job.body for job in jobs), chunksize=1)
        for job in jobs:
            # The alarm stops a slow render; this backstop covers a worker stuck inside C
            # code that never lets the alarm's handler run. In order of submission, the
            # result we wait for is always one that a worker has started.
            try:
                outcome, taken, found = results.next(timeout * 3 + 10)
            except multiprocessing.TimeoutError:
                outcome = "timeout"
                problems.append(_problem(job.path, outcome, timeout))
                break
            if outcome != "ok":
                problems.append(_problem(job.path, outcome, timeout))
            else:
                if anchors is not None and found is not None:
                    anchors[job.path] = found
                if seconds is not None:
                    seconds[job.path] = taken
    finally:
        pool.terminate()
        pool.join()
    return problems


def _problem(path: str, outcome: str, timeout: float) -> Problem:
    if outcome == "depth":
        return Problem(path, 0, "body", "is nested too deeply for Markdown to render "
                       "(lists, quotes or HTML blocks inside each other); flatten it")
    return Problem(path, 0, "body", f"took more than {timeout:g} s to render "
                   "(extra.dateline.render_timeout); look for long runs of brackets or "
                   "deeply nested lists")


BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
"""What MkDocs adds to every project's ``markdown_extensions``: a page has its headings'
ids even when ``toc`` is not listed."""

CACHE = "rendered.json"
"""Under ``.dateline/``: each body that rendered in time, by key, with its :class:`Anchors`
and the lowest ``render_timeout`` it is known to render within."""

MARGIN = 2.0
"""A body that rendered in ``s`` seconds is taken to render within any limit of
``MARGIN * s`` or more (a rendering's time varies with the machine's load) without being
rendered again, as it is within the limit it rendered under."""


def archive_problems(settings: Settings, articles: Iterable[Article],
                     anchors: dict[str, Anchors] | None = None) -> list[Problem]:
    """Render-time problems of the given articles, with the project's Markdown settings
    (and MkDocs' own extensions); ``anchors``, if given, receives the :class:`Anchors` of
    each article's page that rendered, by path.

    A body that rendered in time once, under the same Markdown version and extension
    settings, renders in time again, and the same: those are remembered in ``.dateline/``
    and skipped, so a build after a small change renders only the changed articles twice.
    A lower ``render_timeout`` than one it rendered under renders it again, unless it took
    well under the new limit (:data:`MARGIN`).
    """
    articles = list(articles)
    names, configs = settings.extensions()
    names = [*(name for name in BUILTIN_EXTENSIONS if name not in names), *names]
    salt = json.dumps([markdown.__version__, names, configs], sort_keys=True, default=str)
    cache = settings.root / ".dateline" / CACHE
    limit = settings.render_timeout
    known = {key: entry for key, entry in _read_cache(cache).items() if entry[1] <= limit}
    keys = {a.path: _key(salt, a.body) for a in articles}
    keyed = {keys[a.path]: a for a in articles}  # one rendering for bodies alike
    jobs = [Job(a.path, a.body) for key, a in keyed.items() if key not in known]
    rendered: dict[str, Anchors] = {}
    seconds: dict[str, float] = {}
    problems = render_problems(jobs, names, configs, limit, anchors=rendered, seconds=seconds)
    # Rendered in time: before, or now (a worker stuck in C code ends the rendering early,
    # and what it never reached is not vouched for).
    passed = {key: known[key] if key in known else
              (rendered[a.path], min(limit, round(MARGIN * seconds[a.path], 4)))
              for key, a in keyed.items() if key in known or a.path in rendered}
    if passed.keys() != known.keys():  # a body's key says all: its anchors follow from it
        cache.parent.mkdir(exist_ok=True)
        atomic_write(cache, json.dumps({key: [found.ids, found.within, within]
                                        for key, (found, within) in passed.items()},
                                       ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                     .encode("utf-8"))
    if anchors is not None:
        anchors.update((path, passed[key][0]) for path, key in keys.items() if key in passed)
    return problems


def _read_cache(cache: Path) -> dict[str, tuple[Anchors, float]]:
    """The cache's bodies, by key, with the lowest limit each is known to render within
    (one written before limits were kept, none: it is rendered again)."""
    try:
        return {key: (Anchors(tuple(entry[0]), tuple(entry[1])),
                      float(entry[2]) if len(entry) > 2 else math.inf)
                for key, entry in json.loads(cache.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return {}


def _key(salt: str, body: str) -> str:
    return hashlib.sha256(f"{salt}\0{body}".encode()).hexdigest()
