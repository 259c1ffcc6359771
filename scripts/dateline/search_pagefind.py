"""A small synchronous client for ``pagefind --service``, the binary shipped in ``pagefind[bin]``.

Pagefind's own Python wrapper speaks the same protocol, but its reader sleeps 100 ms
before each response, so it indexes ten records a second (measured): 50,000 articles
would take well over an hour. This client streams requests and drains responses
concurrently, which keeps the binary busy.

The protocol, as the wrapper uses it: each request is ``{"message_id", "payload"}`` as
JSON, base64-encoded and followed by a comma; each response comes back the same way.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import subprocess
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from dateline.errors import BuildError


def pagefind_binary() -> Path:
    """The Pagefind executable from the ``pagefind[bin]`` wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise BuildError("search: the Pagefind binary is missing; install it with "
                         "`pip install 'pagefind[bin]'`") from None
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise BuildError(f"search: the Pagefind binary is missing ({error}); reinstall "
                         "`pagefind[bin]`") from None


def _encode(message_id: int, payload: dict[str, Any]) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()) + b","


def _pump(stream: IO[bytes], replies: queue.SimpleQueue[dict[str, Any] | None]) -> None:
    """Decode comma-terminated responses into ``replies`` until EOF (base64 has no comma)."""
    pending = b""
    while chunk := stream.read1(1 << 16):  # type: ignore[attr-defined]
        pending += chunk
        *complete, pending = pending.split(b",")
        for raw in complete:
            if raw.strip():
                replies.put(json.loads(base64.b64decode(raw)))
    replies.put(None)


class PagefindService:
    """One running ``pagefind --service`` process holding one index.

    Use as a context manager; :meth:`add_records` then :meth:`write` produce the bundle.
    Any error the service reports becomes a :class:`BuildError`. Requests are written
    from the calling thread while a reader thread drains the responses, so neither pipe
    can fill up and block the other side.
    """

    def __init__(self, config: dict[str, Any] | None = None, cwd: Path | None = None) -> None:
        self._config = config or {}
        self._cwd = cwd
        self._next_id = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._replies: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._index_id = 0

    def __enter__(self) -> PagefindService:
        self._process = subprocess.Popen(
            [str(pagefind_binary()), "--service"], cwd=self._cwd,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self._process.stdout is not None
        threading.Thread(target=_pump, args=(self._process.stdout, self._replies),
                         name="pagefind-reader", daemon=True).start()
        self._index_id = int(self._call({"type": "NewIndex", "config": self._config})["index_id"])
        return self

    def __exit__(self, *_exc: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _send(self, payloads: Iterable[dict[str, Any]]) -> int:
        process = self._process
        assert process is not None and process.stdin is not None, "use PagefindService in a with block"
        count = 0
        try:
            for payload in payloads:
                self._next_id += 1
                process.stdin.write(_encode(self._next_id, payload))
                count += 1
            process.stdin.flush()
        except OSError:
            raise BuildError("search: the Pagefind service stopped unexpectedly") from None
        return count

    def _collect(self, count: int) -> list[dict[str, Any]]:
        payloads = []
        for _ in range(count):
            reply = self._replies.get()
            if reply is None:
                raise BuildError("search: the Pagefind service stopped unexpectedly")
            payload: dict[str, Any] = reply.get("payload") or {}
            if payload.get("type") == "Error":
                raise BuildError(f"search: Pagefind reported an error: {payload.get('message')}")
            payloads.append(payload)
        return payloads

    def _call(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._collect(self._send([payload]))[0]

    def add_records(self, records: Iterable[dict[str, Any]]) -> int:
        """Add custom records (``url``, ``content``, ``language``, ``meta``, ``filters``, ``sort``).

        Records are encoded one at a time, so memory stays flat however many there are.
        """
        payloads = ({"type": "AddRecord", "index_id": self._index_id, **record} for record in records)
        return len(self._collect(self._send(payloads)))

    def write(self, output_path: Path) -> None:
        """Write the bundle (``pagefind.js``, index chunks, fragments) into ``output_path``."""
        self._call({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(output_path)})
        wait_until_written(output_path)


def _bundle_state(folder: Path) -> tuple[int, int, int]:
    files = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(files), sum(size == 0 for size in files)


def wait_until_written(folder: Path, timeout: float = 30.0, settle: float = 0.1) -> None:
    """Return once the bundle has stopped changing and holds no empty file.

    The service answers WriteFiles before its writes are all on disk (measured: one
    build in about twelve left a file empty when the service was closed at once), and
    closing it ends unfinished writes. No file of a complete bundle is empty.
    """
    deadline = time.monotonic() + timeout
    previous = _bundle_state(folder)
    while time.monotonic() < deadline:
        time.sleep(settle)
        current = _bundle_state(folder)
        if current == previous and current[0] and not current[2]:
            return
        previous = current
    raise BuildError(f"search: Pagefind did not finish writing {folder} within {timeout:.0f} s "
                     f"({previous[2]} file(s) still empty)")
