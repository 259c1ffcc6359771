"""``dateline serve``: the site on this machine while its articles are written.

It serves the built site over HTTP, watches the project's sources (the articles, the
hand-written pages in ``docs/``, the theme's overrides, ``mkdocs.yml`` and
``places.yml``) and runs ``dateline build`` again once they have been quiet for a
moment. Every page it serves carries a small script that listens for the end of each
build: the page reloads after a build that succeeded, and shows the build's problems
over the page, which stays the last good build's, after one that failed.

``mkdocs serve`` cannot stand in for it: it would neither make the pages from the
articles nor index them for search, and MkDocs' successors, which build the same
``docs/``, run no MkDocs code. Nothing here imports MkDocs.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import io
import json
import logging
import os
import re
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from dateline.config import Settings
from dateline.errors import DatelineError
from dateline.pagekit import GENERATED_ROOTS
from dateline.places_file import PLACES_FILE

EVENTS = "/__dateline__/events"
"""Where a page listens for builds (server-sent events); outside any site's own paths."""

QUIET = 0.3
"""Seconds without a change before a build starts: an editor's save, or a folder of
articles copied in, is often several events in a row."""

KEEP_ALIVE = 15.0
"""Seconds between the comments that keep an idle event stream open, and that tell the
server, by failing, that its page has gone."""


@dataclass
class BuildState:
    """What the pages being served need to know of the builds, shared between the
    builder and the threads answering requests."""

    build: int = 0
    """How many builds have ended, successful or not: the event streams send each."""
    site: int = 0
    """How many of them changed the site: a page older than that reloads."""
    ok: bool = True
    """Whether the last one succeeded; when not, the site is the last good build's."""
    problems: list[str] = field(default_factory=list)
    """The last build's problems, as printed on the terminal (only when it failed)."""
    site_dir: Path = Path("site")
    site_path: str = "/"
    """The path the site is served under (``/archive/`` for a ``site_url`` of
    ``https://user.github.io/archive/``), as it will be published."""
    earlier_paths: tuple[str, ...] = ()
    """The paths it was served under before ``site_url``'s path changed, the latest
    first: their addresses lead to the same ones under :attr:`site_path`."""
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, ok: bool, problems: Iterable[str] = (), site_changed: bool = True) -> None:
        """Tell the pages a build has ended: a good one that changed the site (or not),
        or one that failed with ``problems``."""
        with self.changed:
            self.build += 1
            self.site += ok and site_changed
            self.ok = ok
            self.problems = list(problems)
            self.changed.notify_all()

    def move(self, site_dir: Path, site_path: str) -> None:
        """Serve the site in ``site_dir`` under ``site_path`` from now on."""
        if site_path != self.site_path:
            # Pages open under the old path reload into the same pages under the new one.
            self.earlier_paths = (self.site_path, *(p for p in self.earlier_paths if p != site_path))
        self.site_dir, self.site_path = site_dir, site_path

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def message(self) -> str:
        """The state as one event's data: the page compares ``site`` with its own."""
        return json.dumps({"site": self.site, "ok": self.ok, "problems": self.problems},
                          ensure_ascii=False)


# The page's side: it knows the site it came from, and reloads once a later build has
# changed it. Problems are put in as text, never as HTML: they quote the articles. A
# hidden tab lets its stream go (browsers open at most six connections to one server,
# and each stream holds one), and asks again, for the state now, once it is shown.
_CLIENT = """<script>(() => {
  const built = %d;
  let source = null;
  const listen = () => {
    source = new EventSource("%s");
    source.onmessage = show;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      source?.close();
      source = null;
    } else if (!source) {
      listen();
    }
  });
  const show = (event) => {
    const state = JSON.parse(event.data);
    document.getElementById("dateline-serve-problems")?.remove();
    if (state.ok) {
      if (state.site !== built) location.reload();
      return;
    }
    const first = document.getElementById("dateline-serve-first");
    if (first) {  // no good build yet: the page says so, with the problems now
      first.querySelector("h1").textContent = "The first build failed:";
      first.querySelector("pre").textContent = state.problems.join("\\n");
      return;
    }
    const box = document.createElement("div");
    box.id = "dateline-serve-problems";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:10000;max-height:50vh;" +
      "overflow:auto;margin:0;padding:1em;background:#fff0f0;color:#800;font:14px/1.4 monospace;" +
      "white-space:pre-wrap;border-top:3px solid #c00";
    box.textContent = "The build failed; this page is the last good build's.\\n\\n" +
      state.problems.join("\\n");
    document.body.append(box);
  };
  if (!document.hidden) listen();
})();</script>"""


def with_reload(html: bytes, site: int) -> bytes:
    """A page of version ``site`` (:attr:`BuildState.site`) with the script that reloads it
    after each build that changes the site, before ``</body>``."""
    script = (_CLIENT % (site, EVENTS)).encode()
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


def placeholder(state: BuildState) -> bytes:
    """The page served while there is no site yet: the first build is running, or failed."""
    said = ("The first build failed:" if not state.ok else "Building the site…")
    problems = "\n".join(state.problems)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dateline</title>'
            f'</head><body><div id="dateline-serve-first"><h1>{escape(said)}</h1>'
            f"<pre>{escape(problems)}</pre></div></body></html>").encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the site under its path, as GitHub Pages serves them (a missing address
    gets the site's 404 page), HTML with the reload script, and the build events."""

    state: BuildState  # set on the class made for each server (see :func:`start_server`)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass

    def end_headers(self) -> None:
        # The site changes under the browser: it must ask again each time.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS:
            self._events()
            return
        super().do_GET()

    def _address(self) -> str:
        """The request's path, decoded, as the site's path is compared with it."""
        return unquote(urlsplit(self.path).path)

    def translate_path(self, path: str) -> str:
        """The file for an address under the site's path (:meth:`send_head` answers the
        others)."""
        inside = unquote(urlsplit(path).path)[len(unquote(self.state.site_path)):]
        return super().translate_path("/" + quote(inside))

    def send_head(self) -> BinaryIO | None:
        address, prefix = self._address(), unquote(self.state.site_path)
        site = self.state.site  # before the page is read: an older page then reloads
        if address + "/" == prefix or (address == "/" and prefix != "/"):
            self.send_response(302)
            self.send_header("Location", quote(prefix))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not self.state.site_dir.is_dir():
            return self._html(200, with_reload(placeholder(self.state), site))
        if not address.startswith(prefix):
            self._moved(address, prefix)
            return None
        self.directory = str(self.state.site_dir)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and address.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            try:
                data = path.read_bytes()
            except OSError:
                self.send_error(404)
                return None
            return self._html(200, with_reload(data, site))
        if "Range" in self.headers and "If-Range" not in self.headers and path.is_file():
            return self._part(path)
        return super().send_head()

    def _moved(self, address: str, prefix: str) -> None:
        """An address outside the site's path: under a path the site had before, a
        redirect to the same address under its path now; else a 404 page."""
        earlier = next((path for path in map(unquote, self.state.earlier_paths)
                        if address.startswith(path) or address + "/" == path), None)
        if earlier is None:
            self.send_error(404)
            return
        query = urlsplit(self.path).query
        self.send_response(302)
        self.send_header("Location", quote(prefix + address[len(earlier):]) + (f"?{query}" if query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _part(self, path: Path) -> BinaryIO | None:
        """The part of a file a ``Range`` header asks for, as GitHub Pages answers it:
        Safari plays no audio or video, and no browser can seek in it, without. Several
        ranges at once (which browsers never ask of media) get the whole file."""
        asked = _RANGE.fullmatch(self.headers["Range"].strip())
        first, last = asked.groups() if asked is not None else ("", "")
        if not (first or last) or (first and last and int(last) < int(first)):
            return super().send_head()  # not a range: ignored, as HTTP says
        try:
            file = path.open("rb")
        except OSError:
            self.send_error(404)
            return None
        size = os.fstat(file.fileno()).st_size
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(size - int(last), 0), size - 1  # the last bytes
        if start > end or not size:
            file.close()
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        file.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BufferedReader(_Part(file, end - start + 1))

    def list_directory(self, path: str | os.PathLike[str]) -> BinaryIO | None:  # type: ignore[override]
        self.send_error(404)  # a folder without index.html: GitHub Pages lists none either
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        site = self.state.site
        try:
            page = (self.state.site_dir / "404.html").read_bytes() if code == 404 else None
        except OSError:
            page = None  # no site, or one without a 404 page
        if page is None:
            super().send_error(code, message, explain)
            return
        body = self._html(404, with_reload(page, site))
        if self.command != "HEAD":
            self.copyfile(body, self.wfile)

    def _html(self, status: int, data: bytes) -> BinaryIO:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def _events(self) -> None:
        """Tell the page the state now, then again after each build, until it goes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        state = self.state
        seen = -1
        try:
            while True:
                with state.changed:
                    if state.build == seen and not state.stopping:
                        state.changed.wait(KEEP_ALIVE)
                    if state.stopping:
                        return
                    fresh = state.build != seen
                    seen, data = state.build, state.message()
                self.wfile.write(f"data: {data}\n\n".encode() if fresh else b": still here\n\n")
                self.wfile.flush()
        except OSError:
            return  # the page was closed or reloaded


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class _Part(io.RawIOBase):
    """The next ``left`` bytes of an open file, read until they are sent."""

    def __init__(self, file: BinaryIO, left: int) -> None:
        self._file, self._left = file, left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(min(len(buffer), self._left))
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


class _Server(http.server.ThreadingHTTPServer):
    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:  # "::" takes IPv4's connections too
            with contextlib.suppress(OSError, AttributeError):
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that lets go of an answer halfway (a page reloaded after a build while
        # its photos load, a video left) is no error: the base prints a traceback for it.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def start_server(state: BuildState, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Serve the site from threads of their own; the caller builds. ``host`` is a name or
    an IPv4 or IPv6 address.

    Raises OSError when the address cannot be had (the port is taken, no such host)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
    handler = type("BoundHandler", (Handler,), {"state": state})
    server: _Server = type("Server", (_Server,), {"address_family": family})((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="serve", daemon=True).start()
    return server


def stop_server(state: BuildState, server: http.server.ThreadingHTTPServer) -> None:
    """End what :func:`start_server` started: the pages' event streams, then the server."""
    state.stop()
    server.shutdown()
    server.server_close()


IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", "___jb_tmp___", "___jb_old___")
"""Names editors and downloads give files beside the one being written (JetBrains' last)."""


Folders = dict[Path, tuple[bool, tuple[int, int]]]
"""Each folder watched: whether its subfolders are watched too, and which folder it is
(device and inode: one replaced by another needs watching again)."""


def watched_folders(settings: Settings) -> Folders:
    """The folders to watch (:data:`Folders`).

    ``docs/``'s generated folders are left out: the build itself writes them. So are the
    site, Dateline's working files and everything else in the project's folder but the
    configuration files and the source folders. The folder of a file ``mkdocs.yml``
    ``INHERIT``-s from elsewhere (``../base.yml``) is watched for that file alone
    (:func:`is_source`).
    """
    wanted: dict[Path, bool] = {settings.root: False}
    for folder in (settings.articles_dir, settings.theme_dir):
        if folder is not None:
            wanted[folder] = True
    wanted[settings.docs_dir] = False
    if settings.docs_dir.is_dir():
        for entry in os.scandir(settings.docs_dir):
            if entry.is_dir() and entry.name not in GENERATED_ROOTS and not entry.name.startswith("."):
                wanted[Path(entry.path)] = True
    for file in settings.config_files:
        folder = file.parent
        if folder not in wanted and not any(wanted.get(above) for above in folder.parents):
            wanted[folder] = False
    folders: Folders = {}
    for folder, recursive in wanted.items():
        try:
            found = folder.stat()
        except OSError:
            continue  # not there (yet): its parent's watch sees it made
        folders[folder] = (recursive, (found.st_dev, found.st_ino))
    return folders


def _sources(settings: Settings) -> tuple[Path, ...]:
    """The folders whose files are all sources (but generated, hidden and editors' files)."""
    return tuple(folder for folder in (settings.articles_dir, settings.theme_dir, settings.docs_dir)
                 if folder is not None)


def is_source(path: Path, settings: Settings) -> bool:
    """Whether a change to ``path`` can change the site: a source (or a source folder
    made, moved or removed), not a generated page, an editor's swap file or a hidden file
    or folder."""
    name = path.name
    if name.endswith(IGNORED_SUFFIXES) or name == "4913" or (name.startswith("#") and name.endswith("#")):
        return False  # 4913: Vim's test of the folder; #name#: Emacs' auto-save
    if path in (*settings.config_files, settings.root / PLACES_FILE, *_sources(settings)):
        return True
    for folder in _sources(settings):
        if path.is_relative_to(folder):
            inside = path.relative_to(folder).parts
            if any(part.startswith(".") for part in inside):
                return False  # .git/, .obsidian/, an editor's hidden copy
            return folder != settings.docs_dir or inside[0] not in GENERATED_ROOTS
    return False


class Changes(FileSystemEventHandler):
    """Notes when a source last changed (:func:`is_source`)."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self._settings = settings
        self.pending = threading.Event()
        self.last = 0.0
        self.folders_changed = False
        """Whether a source folder was made, moved or removed (and made again, perhaps
        with the same inode) since :meth:`Watcher.follow` last looked."""
        self._flag = threading.Lock()  # the observer's thread sets it, the build's takes it

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE) or (
                event.is_directory and event.event_type == EVENT_TYPE_MODIFIED):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        settings = self._settings()
        # The site removed by hand (the build only ever swaps it) would leave every page
        # saying that it is being built: it is built again.
        removed_site = (event.event_type == EVENT_TYPE_DELETED
                        and Path(os.fsdecode(event.src_path)) == settings.site_dir)
        if removed_site or any(path and is_source(Path(os.fsdecode(path)), settings) for path in paths):
            if event.is_directory:
                with self._flag:
                    self.folders_changed = True
            self.last = time.monotonic()
            self.pending.set()

    def take_folders_changed(self) -> bool:
        """Whether a source folder changed since this was last asked (and clear it)."""
        with self._flag:
            changed, self.folders_changed = self.folders_changed, False
        return changed

    def wait(self) -> None:
        """Return once a source has changed and nothing has changed for :data:`QUIET`."""
        self.pending.wait()
        while (still := time.monotonic() - self.last) < QUIET:
            time.sleep(QUIET - still)
        self.pending.clear()


def _not_ending_watch(record: logging.LogRecord) -> bool:
    """Leave out what watchdog logs as an error when a watch ends while it reads (its
    folder was removed, or it is being set again): expected here, and nothing is lost."""
    return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_not_ending_watch)


def _quiet_watchdog() -> None:
    """Leave out the warning watchdog gives when it watches a new folder twice, which it
    does when folders are made inside one just made (``mkdir -p 2024/new/deep``) while it
    sets the watch: it watches it once all the same, and nothing is lost."""
    warnings.filterwarnings("ignore", message=r"Callback with id .* already exists for watch",
                            category=RuntimeWarning)


_WATCH_HINT = {errno.ENOSPC: " (raise fs.inotify.max_user_watches)",
               errno.EMFILE: " (raise fs.inotify.max_user_instances)"}


class Watcher:
    """Watch :func:`watched_folders`, following the configuration as it changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.changes = Changes(lambda: self.settings)
        _quiet_watchdog()  # here, not on import: a test's or caller's own filters are set by then
        self._observer = Observer()
        self._watching: dict[Path, tuple[tuple[bool, tuple[int, int]], ObservedWatch]] = {}
        """Each folder watched: how and which (as :data:`Folders` says), and its watch."""
        self._observer.start()
        self.follow(settings)

    def follow(self, settings: Settings) -> None:
        """Watch the folders ``settings`` name. Called before each build: a folder may
        have been made, removed or made again since, or ``mkdocs.yml`` changed.

        Only watches that changed are set again; the project folder's, which hears its
        source folders made and removed, is never let go of, so no such event is lost
        while the others are set. Anything changed while a watch is being set is read
        by the build that follows.
        """
        self.settings = settings
        folders = watched_folders(settings)
        again = self.changes.take_folders_changed()
        alive = {emitter.watch for emitter in self._observer.emitters if emitter.is_alive()}
        for folder, (how, watch) in list(self._watching.items()):
            if folders.get(folder) != how or watch not in alive or (again and folder != settings.root):
                self._observer.unschedule(watch)
                del self._watching[folder]
        for folder, (recursive, which) in folders.items():
            if folder in self._watching:
                continue
            try:
                watch = self._observer.schedule(self.changes, str(folder), recursive=recursive)
            except (FileNotFoundError, NotADirectoryError):  # gone since: its parent's watch heard it
                continue
            except OSError as error:  # out of inotify watches, say: changes there would go unheard
                hint = _WATCH_HINT.get(error.errno or 0, "")
                raise DatelineError(f"cannot watch {settings.display(folder)} for changes: "
                                    f"{error.strerror or error}{hint}") from None
            self._watching[folder] = (recursive, which), watch

    def close(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)
