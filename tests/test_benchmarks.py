"""The build benchmark (a deliverable: one script printing the comparison table) still
runs end to end, on a tiny archive. Its figures are not checked: they are for people."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects import REPO

pytestmark = pytest.mark.slow


def test_build_benchmark_prints_its_table() -> None:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "build.py"), "30", "--runs", "1"],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split(" | ") for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[0][0] == "| builder" and "KB first search" in rows[0]
    builders = [row[0].removeprefix("| ") for row in rows[1:]]
    assert builders == ["dateline cold", "dateline after one edit", "dateline after one addition",
                        "dateline check", "stock MkDocs + Material", "Hugo (minimal layout, no search)"]
    hugo = next(row for row in rows[1:] if row[0] == "| Hugo (minimal layout, no search)")
    assert float(hugo[rows[0].index("site MB")]) > 0  # its pages were written
    first_search = {row[0].removeprefix("| "): row[rows[0].index("KB first search")] for row in rows[1:]}
    if Path("/usr/bin/chromium").exists():
        assert first_search["dateline cold"].replace(",", "").isdigit()
        assert first_search["stock MkDocs + Material"].replace(",", "").isdigit()


def test_deploy_benchmark_prints_its_table() -> None:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "deploy.py"), "30", "--runs", "1"],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split(" | ") for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[0][0] == "| workflow run"
    assert [row[0].removeprefix("| ") for row in rows[1:]] == ["from the cache", "from nothing"]
    cache_mb = rows[0].index("cache MB")
    cached, uncached = (float(row[cache_mb]) for row in rows[1:])
    assert cached > uncached  # the whole build, against the render guard's memory alone
