"""Remember what reading each article file gave, so an unchanged file is not read again.

Reading (decoding, YAML, validation) costs about half a millisecond a file: five seconds
for 10,000 articles, on every build. The result of reading a file depends only on its
bytes, Dateline's code, the YAML libraries and the size limit, so it is kept in
``.dateline/read-cache.pickle``, keyed by the file's size, times and inode, and salted
with everything else. A file whose key changed (edited, touched, replaced) is read anew.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import pickle
from pathlib import Path
from typing import Any

from dateline.config import Settings
from dateline.errors import Problem
from dateline.model import Article
from dateline.writer import atomic_write

Result = tuple[Article | None, list[Problem]]

_FILE = "read-cache.pickle"


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
    return "\0".join([package_digest(), *versions, str(settings.max_article_bytes),
                      str(settings.root)])


Key = tuple[int, int, int, int]


def _key(stat: os.stat_result) -> Key:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class ReadCache:
    """Results by file, for one project; :meth:`save` keeps them for the next build."""

    def __init__(self, settings: Settings) -> None:
        self._file = settings.root / ".dateline" / _FILE
        self._salt = _salt(settings)
        self._entries: dict[str, tuple[Key, Result]] = {}
        self._used: set[str] = set()
        self._changed = False
        try:
            with open(self._file, "rb") as handle:
                stored: Any = pickle.load(handle)  # noqa: S301 (written by Dateline, in the project)
            if isinstance(stored, dict) and stored.get("salt") == self._salt:
                self._entries = stored["entries"]
        except Exception:  # noqa: BLE001 (a missing, damaged or older cache is only a slower build)
            self._entries = {}

    def get(self, file: Path) -> tuple[Key | None, Result | None]:
        """The file's key now, and the remembered result if the key is unchanged.

        Take the key before reading the file and :meth:`put` it with the result: a file
        edited while it was being read then keeps an older key, and is read again.
        """
        name = str(file)
        self._used.add(name)
        try:
            key = _key(file.stat())
        except OSError:
            return None, None
        entry = self._entries.get(name)
        return key, entry[1] if entry is not None and entry[0] == key else None

    def put(self, file: Path, key: Key | None, result: Result) -> None:
        if key is not None:
            self._entries[str(file)] = (key, result)
            self._changed = True

    def save(self) -> None:
        """Keep the entries of the files seen in this build (deleted files are forgotten)."""
        if not self._changed and self._used == set(self._entries):
            return
        kept = {name: entry for name, entry in self._entries.items() if name in self._used}
        data = pickle.dumps({"salt": self._salt, "entries": kept}, protocol=pickle.HIGHEST_PROTOCOL)
        # A read-only project still builds, only without the cache.
        with contextlib.suppress(OSError):
            atomic_write(self._file, data)
