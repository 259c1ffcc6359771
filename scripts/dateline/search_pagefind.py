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
import gzip
import hashlib
import importlib.metadata
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


# Pagefind's output is not byte-for-byte reproducible: its filter chunks list each
# filter's values in the order of a Rust HashMap, which is seeded at random in every
# process (Pagefind issue #638: fragments and word chunks are stable since 1.3, "other
# files will still change"). The filter chunk names are hashes of that content, the
# metadata file lists them (filters in HashMap order too) and the entry names the
# metadata. :func:`canonicalize_bundle` rewrites those three in one fixed order, so the
# same records always give the same bytes: a shard indexed again is identical to the
# copy it replaces, and an incremental index identical to a cold one.

_SIGNATURE = b"pagefind_dcd"


def _cbor_head(data: bytes, at: int) -> tuple[int, int, int]:
    major, info = data[at] >> 5, data[at] & 31
    if info < 24:
        return major, info, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise BuildError(f"search: unexpected CBOR item in Pagefind's output (byte {at})")
    return major, int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def cbor_decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    """Decode the CBOR subset Pagefind's index files use: unsigned ints, text, arrays."""
    major, value, at = _cbor_head(data, at)
    if major == 0:
        return value, at
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = cbor_decode(data, at)
            items.append(item)
        return items, at
    raise BuildError(f"search: unexpected CBOR type {major} in Pagefind's output")


def _cbor_encode_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise BuildError("search: integer too large for CBOR")


def cbor_encode(item: Any) -> bytes:
    """The inverse of :func:`cbor_decode`, with the shortest heads (as Pagefind writes them)."""
    if isinstance(item, bool) or not isinstance(item, int | str | list):
        raise BuildError(f"search: cannot encode {type(item).__name__} as Pagefind CBOR")
    if isinstance(item, int):
        return _cbor_encode_head(0, item)
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _cbor_encode_head(3, len(raw)) + raw
    return _cbor_encode_head(4, len(item)) + b"".join(cbor_encode(part) for part in item)


def read_index_file(path: Path) -> Any:
    """A Pagefind ``.pf_meta`` / ``.pf_filter`` file: gzip, a signature, then CBOR."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise BuildError(f"search: {path.name} is not a Pagefind index file")
    item, end = cbor_decode(raw, len(_SIGNATURE))
    if end != len(raw):
        raise BuildError(f"search: {path.name} has trailing bytes")
    return item


def index_file_bytes(item: Any) -> bytes:
    # mtime=0: the gzip header then holds no time, so the same content gives the same bytes.
    return gzip.compress(_SIGNATURE + cbor_encode(item), compresslevel=9, mtime=0)


def _name_hash(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def canonicalize_bundle(folder: Path, wasm_prefix: str = "") -> None:
    """Rewrite the filter chunks, metadata and entry of the bundle in ``folder`` in a fixed
    order (see above); every other file of a Pagefind bundle is reproducible already.

    ``wasm_prefix`` is put before the WebAssembly name in the entry, so that several
    bundles can share one copy: Pagefind fetches ``<bundle>/wasm.<name>.pagefind``, and
    with the prefix ``/../../wasm.`` that URL resolves to the same file in the folder
    above the bundle.
    """
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, index in entry["languages"].items():
        renamed: dict[str, str] = {}
        for chunk in sorted((folder / "filter").glob(f"{language}_*.pf_filter")):
            name, values = read_index_file(chunk)
            data = index_file_bytes([name, sorted(values, key=lambda value: value[0])])
            new = _name_hash(language, data, 7)
            renamed[chunk.stem] = new
            chunk.unlink()
            (folder / "filter" / f"{new}.pf_filter").write_bytes(data)
        meta_path = folder / f"pagefind.{index['hash']}.pf_meta"
        meta = read_index_file(meta_path)
        meta[3] = sorted(([name, renamed.get(chunk, chunk)] for name, chunk in meta[3]),
                         key=lambda pair: pair[0])
        data = index_file_bytes(meta)
        index["hash"] = _name_hash(language, data, 10)
        meta_path.unlink()
        (folder / f"pagefind.{index['hash']}.pf_meta").write_bytes(data)
        if wasm_prefix and index.get("wasm"):
            index["wasm"] = wasm_prefix + index["wasm"]
    entry_path.unlink()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def pagefind_version() -> str:
    """The version of the installed ``pagefind[bin]`` (its bundles differ by version)."""
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
