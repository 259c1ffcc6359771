"""The Pages workflow's cache between two of its runs, as ``actions/cache`` keeps it: for
the test that a run builds only what changed, and for ``benchmarks/deploy.py``."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from dateline.pages import GENERATED_ROOTS
from tests.projects import REPO


def cache_step() -> dict[str, Any]:
    """The workflow's ``actions/cache`` step."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    return next(step for step in workflow["jobs"]["build"]["steps"]
                if step.get("uses", "").startswith("actions/cache@"))


def cached_paths() -> list[str]:
    """The paths the Pages workflow keeps in its cache between runs."""
    return str(cache_step()["with"]["path"]).split()


def _compression() -> list[str]:
    """zstd with a long window, as ``actions/cache`` compresses (tar adds ``-d`` to extract)."""
    return ["--use-compress-program", "zstd -T0 --long=30"] if shutil.which("zstd") else []


def next_run(root: Path, archive: Path, patterns: list[str] | None = None) -> tuple[float, float]:
    """Take ``root`` from the end of one run of the workflow to the start of the next: save
    the cache of ``patterns`` (the workflow's, by default) as ``actions/cache`` saves it
    (``tar --posix`` of what they match, folders whole), make ``root`` a fresh checkout
    (what git ignores removed; every article file written anew, with new times and inodes,
    as ``git checkout`` writes it), and restore the cache. The seconds taken to save it and
    to restore it."""
    found = {path.relative_to(root).as_posix() for pattern in patterns or cached_paths()
             for path in root.glob(pattern)}
    started = time.perf_counter()
    subprocess.run(["tar", "--posix", *_compression(), "-cf", str(archive), "-C", str(root), "--",
                    *sorted(found)], check=True)
    saved = time.perf_counter() - started
    for name in [".dateline", "site", *(f"docs/{generated}" for generated in GENERATED_ROOTS),
                 *(path.name for path in root.glob(".site.*"))]:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for file in sorted((root / "articles").rglob("*.md")):
        data = file.read_bytes()
        file.unlink()
        file.write_bytes(data)
    subprocess.run(["sync"], check=False)
    started = time.perf_counter()
    subprocess.run(["tar", *_compression(), "-xf", str(archive), "-C", str(root)], check=True)
    restored = time.perf_counter() - started
    subprocess.run(["sync"], check=False)
    return saved, restored
