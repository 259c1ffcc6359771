"""Cost of the sanitiser per page: render generated pages with and without it.

    .venv/bin/python benchmarks/sanitize.py [ARTICLES]

Pages come from a synthetic archive rendered by dateline.pages (articles, cities, dates,
home), converted with the project's markdown_extensions from mkdocs.yml, once without
``dateline.sanitize`` and once with it, interleaved so machine noise hits both alike.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import markdown

from dateline.config import load_settings
from dateline.demo import demo_archive  # noqa: E402
from dateline.pages import render

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    settings = load_settings(ROOT / "mkdocs.yml")
    names, configs = settings.extensions()
    without = [n for n in names if n != "dateline.sanitize"]
    pages = [page.text.split("---\n", 2)[2] for page in render(demo_archive(count))]
    plain = markdown.Markdown(extensions=without, extension_configs=configs)
    sanitised = markdown.Markdown(extensions=names, extension_configs=configs)
    times: dict[str, list[float]] = {"without": [], "with": []}
    html_bytes = 0
    for text in pages:
        for label, md in (("without", plain), ("with", sanitised)):
            started = time.perf_counter()
            html = md.reset().convert(text)
            times[label].append(time.perf_counter() - started)
        html_bytes += len(html)
    mean = {label: statistics.fmean(values) * 1000 for label, values in times.items()}
    print(f"{len(pages)} pages, {html_bytes / len(pages) / 1024:.1f} KiB of HTML each on average")
    print(f"render without sanitiser: {mean['without']:.3f} ms/page (median "
          f"{statistics.median(times['without']) * 1000:.3f})")
    print(f"render with sanitiser:    {mean['with']:.3f} ms/page (median "
          f"{statistics.median(times['with']) * 1000:.3f})")
    print(f"sanitiser share:          {mean['with'] - mean['without']:+.3f} ms/page "
          f"({(mean['with'] / mean['without'] - 1) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
