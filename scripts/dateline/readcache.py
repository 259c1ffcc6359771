"""Remember what reading each article file gave, so an unchanged file is not read again.

Reading (decoding, YAML, validation) costs about half a millisecond a file: five seconds
for 10,000 articles, on every build. The result of reading a file depends only on its
bytes, Dateline's code, the YAML libraries, the size limit and where the articles folder
is (an ``index.md`` directly in it is an error), so it is kept in
``.dateline/read-cache.pickle``, keyed by the file's size, times and inode, and salted
with everything else. A file whose key changed (edited, touched, replaced) is read anew,
unless its bytes are the ones read before: each entry keeps a hash of them, so a fresh
checkout of the project (every file new to the disk, as in each run of a deployment
workflow that keeps ``.dateline/`` between runs) costs reading the files, not parsing
them: at 10,000 articles, 0.2 s instead of 5 s.

The entries of files read since that file was written go to a small second file,
``read-cache-recent.pickle``, tied to it by a random token: at 10,000 articles the whole
cache is 80 MB and took about 0.4 s to write, on every build after an edit. Once the
recent entries, or the entries of files gone since, pass :data:`REWRITE_SHARE` of the
whole, the next save writes the whole cache again and drops the recent file.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.metadata
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from dateline.config import Settings
from dateline.errors import Problem
from dateline.model import Article, BodyLink, read_digest
from dateline.writer import atomic_write

Result = tuple[Article | None, list[Problem], tuple[BodyLink, ...]]
"""What reading a file gave: the article (None when it has errors), the problems, and
the body's relative links when the article has errors but is no draft, checked all the
same (:func:`dateline.archive.load_archive`): a link leading nowhere is reported with them."""
Entry = tuple["Key", Result, bytes | None, bytes | None]
"""A file's key, what reading it gave, the article's :func:`~dateline.model.read_digest`,
and the :func:`content_hash` of the bytes it was read from."""

_FILE = "read-cache.pickle"
_RECENT = "read-cache-recent.pickle"

REWRITE_SHARE = 0.05
"""Share of the entries that may be recent (or of files gone) before the whole cache is
written again: the recent file stays at most about 4 MB at 10,000 articles."""


@functools.cache
def package_digest() -> str:
    """A hash of Dateline's own code: a change to it may change what any step produces."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for file in sorted(package.glob("*.py")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _salt(settings: Settings) -> str:
    versions = [importlib.metadata.version(name) for name in ("PyYAML", "python-frontmatter")]
    # The articles folder too: an index.md directly in it has no folder to be named after,
    # so moving the folder (extra.dateline.articles) can make one an error, or mend it.
    return "\0".join([package_digest(), *versions, str(settings.max_article_bytes),
                      str(settings.root), str(settings.articles_dir)])


Key = tuple[int, int, int, int]


def content_hash(data: bytes) -> bytes:
    """What tells one version of a file's bytes from another (an article's, here; a
    generated page's, in :mod:`dateline.pagememo`)."""
    return hashlib.sha256(data).digest()


def file_key(stat: os.stat_result) -> Key:
    """Which version of a file this is: size, modification and change times, inode. A
    rewrite, a touch or a replacement changes it."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class ReadCache:
    """Results by file, for one project; :meth:`save` keeps them for the next build."""

    def __init__(self, settings: Settings) -> None:
        folder = settings.root / ".dateline"
        self._file, self._recent_file = folder / _FILE, folder / _RECENT
        self._salt = _salt(settings)
        self._entries: dict[str, Entry] = {}
        self._token = ""
        self._recent: dict[str, Entry] = {}
        """Entries not in the whole cache's file (read since it was written)."""
        self._used: set[str] = set()
        self._changed = False
        stored = load_pickle(self._file)
        if isinstance(stored, dict) and stored.get("salt") == self._salt:
            self._entries, self._token = stored["entries"], str(stored.get("token", ""))
            recent = load_pickle(self._recent_file)
            if isinstance(recent, dict) and recent.get("token") == self._token and self._token:
                self._recent = recent["entries"]
                self._entries.update(self._recent)

    def get(self, file: Path) -> tuple[Key | None, Result | None]:
        """The file's key now, and the remembered result if the key is unchanged, or if
        the file's bytes are those it was read from (the entry then takes the new key).

        Take the key before reading the file and :meth:`put` it with the result: a file
        edited while it was being read then keeps an older key, and is read again.
        """
        name = str(file)
        self._used.add(name)
        try:
            key = file_key(file.stat())
        except OSError:
            return None, None
        entry = self._entries.get(name)
        if entry is None:
            return key, None
        if entry[0] == key:
            return key, entry[1]
        if entry[3] is None or entry[0][0] != key[0]:
            return key, None  # bytes never read, or not as many as before
        try:
            same = content_hash(file.read_bytes()) == entry[3]
        except OSError:
            return key, None
        if not same:
            return key, None
        self._entries[name] = self._recent[name] = (key, *entry[1:])
        self._changed = True
        return key, entry[1]

    def put(self, file: Path, key: Key | None, result: Result, content: bytes | None) -> None:
        """Remember ``result``, read from bytes whose :func:`content_hash`
        is ``content``, for the file as ``key`` found it."""
        if key is not None and not _of_today(result):
            digest = None if result[0] is None else read_digest(result[0])
            self._entries[str(file)] = self._recent[str(file)] = (key, result, digest, content)
            self._changed = True

    def read_digest(self, file: Path) -> bytes | None:
        """The :func:`~dateline.model.read_digest` of the article :meth:`get` or :meth:`put`
        gave for ``file``: made once, when the file was read, not on every build."""
        entry = self._entries.get(str(file))
        return None if entry is None else entry[2]

    def save(self) -> None:
        """Keep the entries of the files seen in this build: the recent ones alone while
        they are few, else the whole cache (and then the entries of files gone are dropped).
        A read-only project still builds, only without the cache."""
        gone = len(self._entries) - len(self._used & self._entries.keys())
        if not self._changed and not gone:
            return
        with contextlib.suppress(OSError):
            if self._token and len(self._recent) + gone <= REWRITE_SHARE * max(len(self._used), 1):
                if self._changed:
                    dump_pickle(self._recent_file, {"token": self._token, "entries": self._recent})
                return
            kept = {name: entry for name, entry in self._entries.items() if name in self._used}
            # The recent file names the old token, so it no longer counts even if it stays.
            dump_pickle(self._file, {"salt": self._salt, "token": secrets.token_hex(16), "entries": kept})
            self._recent_file.unlink(missing_ok=True)


def _of_today(result: Result) -> bool:
    """Whether reading the file gave a warning that holds only for now: an article dated in
    the future (the only warning on ``date``, :func:`dateline.load._future`). Such a result
    is not kept, so that the warning goes when the day comes; the file is read at each
    build until then."""
    return any(problem.field == "date" and not problem.is_error for problem in result[1])


def load_pickle(file: Path) -> Any:
    """A file Dateline pickled (the read cache, the gazetteer's answers); None when it is
    missing or damaged. Loaded with the cyclic garbage collector paused, and its objects
    then frozen out of the collector's sight (:func:`gc.freeze`).

    Unpickling makes millions of objects (the articles, their texts and places); the
    collector scanned all of them again and again while they were made, and again after:
    at 50,000 articles the load took 1.3–1.6 s instead of 0.4 s. None of them can be part
    of a reference cycle, and reference counting still frees them when dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(file, "rb") as handle:
            return pickle.load(handle)  # noqa: S301 (written by Dateline, in the project)
    except Exception:  # noqa: BLE001 (a missing, damaged or older cache is only a slower build)
        return None
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def dump_pickle(file: Path, value: object) -> None:
    atomic_write(file, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
