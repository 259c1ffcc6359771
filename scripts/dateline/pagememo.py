"""Remember which pages in ``docs/`` are already what rendering would write.

An article's page shows only that article, the titles and addresses of the two beside it
and the names of its cities; a day's page, the day's articles and the days beside it (see
:func:`dateline.pages.render_reusing` for each kind and :class:`dateline.pagekit.Reuse`
for the key). A listed article's cities are shown by names other articles can change (a
second Hyderabad makes ``Hyderabad, Pakistan`` of the first), so those names are part of
its key wherever they differ from what the article alone says
(:func:`dateline.pagekit.listed_digests`).

After one edit in a large archive, nearly all of those pages are as they were, so a build
need neither render them nor compare them with ``docs/``: at 10,000 articles the article
pages alone were about 0.5 s of rendering and 0.4 s of reading files.

``.dateline/page-memo.json`` holds, for each such page, the key of what it was rendered
from, and the identity (size, times, inode) and a hash of the bytes of the file written
for it. A page is reused only when its key matches and the file is the one written, or
holds the same bytes (read and hashed: a copy, as when a deployment workflow restores
``docs/`` from its cache, keeps the memo for 0.3 s of reading where rendering every
page again took 1.3 s at 10,000 articles). So a file changed by hand in ``docs/`` is
written again; any change to Dateline's code empties the memo.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable

from dateline.config import Settings
from dateline.pagekit import Page
from dateline.readcache import Key, content_hash, file_key, package_digest
from dateline.writer import atomic_write

_FILE = "page-memo.json"
_FORMAT = 3


class PageMemo:
    """The memo of one project's ``docs/``; :meth:`save` after the pages are written."""

    def __init__(self, settings: Settings) -> None:
        self._file = settings.root / ".dateline" / _FILE
        self._docs = os.fspath(settings.docs_dir)
        self._salt = f"{_FORMAT}\0{package_digest()}"
        self._entries: dict[str, tuple[str, Key, str]] = {}
        self._keys: dict[str, str] = {}
        self._refreshed = False
        """Whether a kept page's file was found as a copy, its identity now remembered."""
        self.kept_stats: dict[str, os.stat_result] = {}
        """The status of each file :meth:`reuse` vouched for, by its path, as it saw it."""
        try:
            stored = json.loads(self._file.read_bytes())
            if stored["salt"] == self._salt:
                self._entries = {path: (str(key), (size, mtime, ctime, inode), str(content))
                                 for path, (key, (size, mtime, ctime, inode), content)
                                 in stored["pages"].items()}
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
        if file_key(stat) != entry[1]:
            # Another file: a copy of the one written, or a file changed by hand.
            try:
                with open(os.path.join(self._docs, path), "rb") as handle:
                    if content_hash(handle.read()).hex() != entry[2]:
                        return False
            except OSError:
                return False
            self._entries[path] = (key, file_key(stat), entry[2])
            self._refreshed = True
        self.kept_stats[path] = stat
        return True

    def save(self, rendered: Iterable[Page]) -> None:
        """Remember the pages asked about since loading, as they are now in ``docs/``:
        those kept, and those ``rendered`` (and written, where they differed)."""
        texts = {page.path: page.text for page in rendered if page.path in self._keys}
        pages: dict[str, tuple[str, Key, str]] = {}
        for path, key in self._keys.items():
            if path in self.kept_stats:
                pages[path] = self._entries[path]
                continue
            text = texts.get(path)
            if text is None:
                continue
            with contextlib.suppress(OSError):
                pages[path] = (key, file_key(os.stat(os.path.join(self._docs, path))),
                               content_hash(text.encode("utf-8")).hex())
        if pages == self._entries and not self._refreshed:
            return
        data = json.dumps({"salt": self._salt, "pages": pages}, separators=(",", ":")).encode()
        # A read-only project still builds, only without the memo.
        with contextlib.suppress(OSError):
            atomic_write(self._file, data)
