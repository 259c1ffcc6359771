"""Write generated pages into ``docs/``: only what changed, and nothing stale left behind.

Unchanged files keep their modification time, so a builder's own caching and
``mkdocs serve`` see only real changes. Each file is replaced atomically, so a build
killed midway never leaves a half-written page.
"""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the MkDocs process imports this module, and needs no page code
    from dateline.pages import Page


class DuplicateOutputError(RuntimeError):
    """Two pages were rendered to one path: a bug in the URL plan, never a user error."""


@dataclass(frozen=True)
class SyncReport:
    written: int
    unchanged: int
    removed: int


@functools.cache
def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a temporary file, then a rename).

    The file gets the permissions it had, or those a new file gets (``0666`` less the
    umask), not the temporary file's ``0600``: a web server must read the site's files,
    and a user's articles keep theirs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise told_of(error, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except OSError:
                mode = 0o666 & ~_umask()
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise told_of(error, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def told_of(error: OSError, path: Path) -> OSError:
    """``error`` told of ``path``, the file the user knows, not of the temporary file
    beside it: "articles/x.md: Permission denied", not ".x.md.d1t8n1pq.tmp"."""
    return type(error)(error.errno, error.strerror, os.fspath(path))


def copy_if_changed(source: Path, target: Path) -> bool:
    """Make ``target`` a copy of ``source``, with its modification time; whether it wrote.

    A copy of the same size and time is taken to be one already (as rsync judges); of the
    same size and another time (after a fresh checkout, say), its bytes decide, and an
    equal copy only takes the source's time.
    """
    status = source.stat()
    data = None
    try:
        present = target.stat()
        if present.st_size == status.st_size:
            if present.st_mtime_ns == status.st_mtime_ns:
                return False
            data = source.read_bytes()
            if target.read_bytes() == data:
                os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
                return False
    except FileNotFoundError:
        pass
    atomic_write(target, source.read_bytes() if data is None else data)
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    return True


def remove_emptied_folders(folders: Iterable[str], top: str) -> None:
    """Remove each of ``folders`` that is empty, then each of its parents this left empty,
    up to ``top`` (kept)."""
    for folder in sorted(set(folders), key=len, reverse=True):
        while folder != top and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)


def sync(docs_dir: Path, pages: Iterable[Page], roots: Iterable[str], kept: Iterable[str] = (),
         files: Mapping[str, Path] | None = None) -> SyncReport:
    """Make the generated part of ``docs_dir`` (``roots``) hold exactly ``pages``, the
    ``files`` (path under ``docs_dir`` → the file to copy there), and the files at the
    paths ``kept`` as they are (counted as unchanged)."""
    pages = list(pages)
    files = files or {}
    base = os.fspath(docs_dir)
    wanted = set(kept)
    unchanged = len(wanted)
    for path in (*(page.path for page in pages), *files):
        if path in wanted:
            raise DuplicateOutputError(f"two pages would be written to {path}")
        wanted.add(path)

    written = 0
    for path, source in files.items():
        if copy_if_changed(source, Path(base, path)):
            written += 1
        else:
            unchanged += 1
    for page in pages:
        # One page's bytes at a time: a large archive's pages are hundreds of MB. Paths
        # stay text: Path objects for 12,000 pages cost a third of this function's time.
        target, data = os.path.join(base, page.path), page.text.encode("utf-8")
        try:
            if os.stat(target).st_size == len(data):
                with open(target, "rb") as handle:
                    same = handle.read() == data
            else:
                same = False
        except FileNotFoundError:
            same = False
        if same:
            unchanged += 1
        else:
            atomic_write(Path(target), data)
            written += 1

    removed = 0

    def prune(folder: str, relative: str) -> int:
        """Remove the files under ``folder`` that are not wanted, then the folder itself if
        that left it empty; return how many entries it keeps. One listing per folder: with
        ``os.walk``, then ``os.listdir`` to see what was left, this took twice as long."""
        nonlocal removed
        left = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                path = f"{relative}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    left += prune(entry.path, path) > 0
                elif path in wanted:
                    left += 1
                else:
                    os.unlink(entry.path)
                    removed += 1
        if not left:
            os.rmdir(folder)
        return left

    for root in roots:
        top = os.path.join(base, root)
        if os.path.isfile(top) and root not in wanted:
            os.unlink(top)
            removed += 1
        if os.path.isdir(top):
            prune(top, root)
    return SyncReport(written=written, unchanged=unchanged, removed=removed)
