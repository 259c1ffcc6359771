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

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from build import add_one, dateline_project, timed  # noqa: E402  (benchmarks/build.py)

from dateline.demo import write_demo  # noqa: E402
from dateline.pages import GENERATED_ROOTS  # noqa: E402

GUARD_ONLY = [".dateline/rendered-in-time"]
"""What the workflow cached before c85c2fb: the render guard's memory alone."""


def cached_paths() -> list[str]:
    """The paths the Pages workflow keeps in its cache between runs."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    step = next(step for step in workflow["jobs"]["build"]["steps"]
                if step.get("uses", "").startswith("actions/cache@"))
    return str(step["with"]["path"]).split()


def _compression() -> list[str]:
    """zstd with a long window, as ``actions/cache`` compresses (tar adds ``-d`` to extract)."""
    return ["--use-compress-program", "zstd -T0 --long=30"] if shutil.which("zstd") else []


def next_run(root: Path, patterns: list[str], archive: Path) -> tuple[float, float]:
    """Save the cache of ``patterns``, make ``root`` a fresh checkout, restore the cache;
    the seconds taken to save and to restore it."""
    kept = sorted({path.relative_to(root).as_posix() for pattern in patterns for path in root.glob(pattern)})
    started = time.perf_counter()
    subprocess.run(["tar", "--posix", *_compression(), "-cf", str(archive), "-C", str(root), "--", *kept],
                   check=True)
    saved = time.perf_counter() - started
    # What a checkout lacks: everything git ignores.
    for name in [".dateline", "site", *(f"docs/{root_name}" for root_name in GENERATED_ROOTS)]:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for folder in root.glob(".site.*"):
        shutil.rmtree(folder)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    build_command = [sys.executable, "-m", "dateline", "build"]
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"dateline-deploy-{size}-") as scratch:
            base = Path(scratch)
            write_demo(base / "articles", size)
            projects = {"from the cache": (base / "cached", cached_paths()),
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
                    saved, restored = next_run(root, patterns, archive)
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
