"""Write generated pages into ``docs/``: only what changed, and nothing stale left behind.

Unchanged files keep their modification time, so a builder's own caching and
``mkdocs serve`` see only real changes. Each file is replaced atomically, so a build
killed midway never leaves a half-written page.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dateline.pages import Page


class DuplicateOutputError(RuntimeError):
    """Two pages were rendered to one path: a bug in the URL plan, never a user error."""


@dataclass(frozen=True)
class SyncReport:
    written: int
    unchanged: int
    removed: int


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync(docs_dir: Path, pages: Iterable[Page], roots: Iterable[str]) -> SyncReport:
    """Make the generated part of ``docs_dir`` (``roots``) hold exactly ``pages``."""
    pages = list(pages)
    wanted: set[Path] = set()
    for page in pages:
        target = docs_dir / page.path
        if target in wanted:
            raise DuplicateOutputError(f"two pages would be written to {page.path}")
        wanted.add(target)

    written = unchanged = 0
    for page in pages:
        # One page's bytes at a time: a large archive's pages are hundreds of MB.
        target, data = docs_dir / page.path, page.text.encode("utf-8")
        try:
            same = target.stat().st_size == len(data) and target.read_bytes() == data
        except FileNotFoundError:
            same = False
        if same:
            unchanged += 1
        else:
            atomic_write(target, data)
            written += 1

    removed = 0
    for root in roots:
        top = docs_dir / root
        if top.is_file() and top not in wanted:
            top.unlink()
            removed += 1
        if not top.is_dir():
            continue
        for folder, _dirs, files in os.walk(top, topdown=False):
            for name in files:
                file = Path(folder, name)
                if file not in wanted:
                    file.unlink()
                    removed += 1
            if not os.listdir(folder):
                os.rmdir(folder)
    return SyncReport(written=written, unchanged=unchanged, removed=removed)
