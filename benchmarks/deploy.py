"""Deploy benchmark: the Pages workflow's build, from its cache and from nothing.

    .venv/bin/python benchmarks/deploy.py 10000 [--runs 3]

Each run of the GitHub Pages workflow (``.github/workflows/pages.yml``) starts from a
fresh checkout. For each size this writes ``dateline demo`` articles into two projects,
builds both, and then, taking turns so the noisy shared machine affects both alike, runs
the workflow's next run on each after adding one article to the newest month:

- from the cache: the paths the workflow caches, saved as ``actions/cache`` saves them
  (``tar --posix``, zstd with a long window when installed) and restored into a fresh
  checkout of the project (nothing but its tracked files; every article file written
  anew, with new times and inodes, as ``git checkout`` writes them);
- from nothing: the same fresh checkout with only the render guard's memory restored,
  which is what the workflow kept before c85c2fb.

It prints the median wall time of ``dateline build`` in each, and the cache's size and
the times to save and restore it here (on GitHub, downloading and uploading it add to
these).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from build import add_one, dateline_project, size_arguments, timed  # noqa: E402  (benchmarks/build.py)
from tests.pages_workflow import next_run  # noqa: E402

from dateline.demo import write_demo  # noqa: E402

GUARD_ONLY = [".dateline/rendered.json"]
"""What the workflow cached before c85c2fb: the render guard's memory alone (the other
project keeps what the workflow caches now)."""


def main() -> None:
    args = size_arguments(__doc__)
    build_command = [sys.executable, "-m", "dateline", "build"]
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"dateline-deploy-{size}-") as scratch:
            base = Path(scratch)
            write_demo(base / "articles", size)
            projects = {"from the cache": (base / "cached", None),
                        "from nothing": (base / "uncached", GUARD_ONLY)}
            for root, _patterns in projects.values():
                root.mkdir()
                dateline_project(root, base / "articles")
                timed(build_command, root)
                add_one(root, 0)
                timed(build_command, root)  # the workflow's runs after the first keep a spare
            seconds: dict[str, list[float]] = {name: [] for name in projects}
            caches: dict[str, list[tuple[float, float, float]]] = {name: [] for name in projects}
            for number in range(1, args.runs + 1):
                order = list(projects) if number % 2 else list(reversed(projects))
                for name in order:
                    root, patterns = projects[name]
                    add_one(root, number)
                    archive = base / "cache.tar"
                    saved, restored = next_run(root, archive, patterns)
                    caches[name].append((archive.stat().st_size / 1e6, saved, restored))
                    archive.unlink()
                    seconds[name].append(timed(build_command, root).seconds)
                    print(f"  {name} run {number}: {seconds[name][-1]:.1f} s", file=sys.stderr)
            for name in projects:
                sizes, saves, restores = zip(*caches[name], strict=True)
                rows.append((name, size, statistics.median(seconds[name]), seconds[name],
                             statistics.median(sizes), statistics.median(saves), statistics.median(restores)))
    header = ("workflow run", "N", "build s (median)", "runs s", "cache MB", "cache saved in s",
              "cache restored in s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, size, median, runs, megabytes, saved, restored in rows:
        listed = ", ".join(f"{value:.1f}" for value in runs)
        print(f"| {name} | {size:,} | {median:.1f} | {listed} | {megabytes:.1f} | {saved:.1f} "
              f"| {restored:.1f} |")


if __name__ == "__main__":
    main()
