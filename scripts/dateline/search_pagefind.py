"""Pagefind, the binary shipped in ``pagefind[bin]``: running it, and making its output
reproducible.

Dateline writes one small HTML page per record (:func:`record_page`) and runs the
``pagefind`` command on them. Its ``--service`` mode, which takes records over a pipe,
writes the very same fragments but took 1.5× as long and 1.3× the CPU on 2,000 articles
(measured: 8.2–8.5 s against 5.6–5.8 s), for the same memory.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import os
import subprocess
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

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


PAGEFIND_OPTIONS = ("--quiet",)
"""How Dateline runs Pagefind, besides the folders; part of what decides a bundle's bytes."""


def record_page(record: Mapping[str, Any]) -> str:
    """One record (``url``, ``content``, ``language``, ``meta``, ``filters``, ``sort``) as
    the HTML page Pagefind reads it from.

    Only the ``data-pagefind-body`` element is indexed as content; the metadata, filter
    and sort elements around it give their text as values (one element per filter value).
    """
    parts = [f'<!doctype html><html lang="{escape(record["language"])}"><head><meta charset="utf-8">'
             "</head><body>"]
    for key, value in record.get("meta", {}).items():
        parts.append(f'<p data-pagefind-meta="{escape(key)}">{escape(value, quote=False)}</p>')
    for key, values in record.get("filters", {}).items():
        parts.extend(f'<p data-pagefind-filter="{escape(key)}">{escape(value, quote=False)}</p>'
                     for value in values)
    for key, value in record.get("sort", {}).items():
        parts.append(f'<p data-pagefind-sort="{escape(key)}">{escape(value, quote=False)}</p>')
    parts.append(f'<main data-pagefind-body><p>{escape(record["content"], quote=False)}</p></main>'
                 "</body></html>\n")
    return "".join(parts)


def run_pagefind(pages: Path, output: Path) -> None:
    """Index every HTML page under ``pages`` into a bundle at ``output`` (absolute).

    A page at ``pages/articles/x/index.html`` is found at ``/articles/x/``. Pagefind runs
    in ``pages``, and without the caller's ``PAGEFIND_*`` variables, so no configuration
    file or setting of the user's changes what it writes.
    """
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    try:
        done = subprocess.run([str(pagefind_binary()), "--site", ".", "--output-path", str(output),
                               *PAGEFIND_OPTIONS], cwd=pages, env=environment, capture_output=True,
                              check=False)
    except OSError as error:
        raise BuildError(f"search: Pagefind could not be started: {error}") from None
    if done.returncode != 0:
        said = (done.stderr + done.stdout).decode(errors="replace").splitlines()
        lines = list(dict.fromkeys(line.strip() for line in said if line.strip()))[:5]
        raise BuildError(f"search: Pagefind failed (exit {done.returncode}): " + " ".join(lines))


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
        if wasm_prefix:
            # A language Pagefind has no stemmer for (Persian, Pashto) has none named: its
            # script then fetches wasm.unknown.pagefind, which is shared as the others are.
            index["wasm"] = wasm_prefix + (index.get("wasm") or "unknown")
    entry_path.unlink()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def pagefind_version() -> str:
    """The version of the installed ``pagefind[bin]`` (its bundles differ by version)."""
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
