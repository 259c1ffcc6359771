"""Remember which pages in ``docs/`` are already what rendering would write.

An article's page shows only that article, the titles and addresses of the two beside it
and the names of its cities; a day's page, the day's articles and the days beside it (see
:func:`dateline.pages.render_reusing` for each kind and :class:`dateline.pagekit.Reuse`
for the key). After one edit in a large archive, nearly all of those pages are as they
were, so a build need neither render them nor compare them with ``docs/``: at 10,000
articles the article pages alone were about 0.5 s of rendering and 0.4 s of reading files.

``.dateline/page-memo.json`` holds, for each such page, the key of what it was rendered
from and the identity (size, times, inode) of the file written for it. A page is
reused only when both still match, so a file changed by hand in ``docs/`` is written
again; any change to Dateline's code empties the memo.
"""

from __future__ import annotations

import contextlib
import json
import os

from dateline.config import Settings
from dateline.readcache import Key, file_key, package_digest
from dateline.writer import atomic_write

_FILE = "page-memo.json"
_FORMAT = 2

class PageMemo:
    """The memo of one project's ``docs/``; :meth:`save` after the pages are written."""

    def __init__(self, settings: Settings) -> None:
        self._file = settings.root / ".dateline" / _FILE
        self._docs = os.fspath(settings.docs_dir)
        self._salt = f"{_FORMAT}\0{package_digest()}"
        self._entries: dict[str, tuple[str, Key]] = {}
        self._keys: dict[str, str] = {}
        self.kept_stats: dict[str, os.stat_result] = {}
        """The status of each file :meth:`reuse` vouched for, by its path, as it saw it."""
        try:
            stored = json.loads(self._file.read_bytes())
            if stored["salt"] == self._salt:
                self._entries = {path: (str(key), (size, mtime, ctime, inode))
                                 for path, (key, (size, mtime, ctime, inode)) in stored["pages"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._entries = {}

    def reuse(self, path: str, key: str) -> bool:
        """Whether ``docs/<path>`` is what rendering from ``key`` would write. Either way,
        ``key`` is what the page is rendered from now."""
        self._keys[path] = key
        entry = self._entries.get(path)
        if entry is None or entry[0] != key:
            return False
        try:
            stat = os.stat(os.path.join(self._docs, path))
        except OSError:
            return False
        same = file_key(stat) == entry[1]
        if same:
            self.kept_stats[path] = stat
        return same

    def save(self) -> None:
        """Remember the pages asked about since loading, as they are now in ``docs/``."""
        pages: dict[str, tuple[str, Key]] = {}
        for path, key in self._keys.items():
            if path in self.kept_stats:
                pages[path] = self._entries[path]
                continue
            with contextlib.suppress(OSError):
                pages[path] = (key, file_key(os.stat(os.path.join(self._docs, path))))
        if pages == self._entries:
            return
        data = json.dumps({"salt": self._salt, "pages": pages}, separators=(",", ":")).encode()
        # A read-only project still builds, only without the memo.
        with contextlib.suppress(OSError):
            atomic_write(self._file, data)
