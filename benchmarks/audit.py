"""Cost of the site audit per page, and of the render guard per article.

    .venv/bin/python benchmarks/audit.py [ARTICLES] [COPIES]

Builds a synthetic archive of ARTICLES articles once with ``dateline build`` (which runs
the guard and the audit), then audits a folder holding COPIES copies of that site side
by side (relative links stay valid), so the per-page figures come from thousands of
real Material pages without building thousands. Prints, per page: the HTML checks
(standard-library parser, in worker processes), lychee's link and anchor check, and the
whole audit; and, per article: the render guard on a cold cache and on a warm one.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.projects import Project  # noqa: E402

from dateline import audit as audit_module  # noqa: E402
from dateline.build import build  # noqa: E402
from dateline.demo import demo_archive  # noqa: E402
from dateline.guard import CACHE, archive_problems  # noqa: E402


def write_articles(project: Project, count: int) -> None:
    for article in demo_archive(count).articles:
        project.write(f"{article.date:%Y}/{article.slug}.md", "\n".join([
            "---", f"title: {article.title!r}".replace("'", '"'), f"date: {article.date}",
            f"cities: [{', '.join(c.name for c in article.cities)}]", "---", "", article.body, ""]))


def timed(label: str, count: int, unit: str, work: object) -> None:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"{label:34s} {seconds:7.2f} s  {seconds / count * 1000:7.3f} ms/{unit}  ({count:,} {unit}s)")


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "project").mkdir()
        project = Project(Path(folder) / "project")
        write_articles(project, articles)
        started = time.perf_counter()
        build(project.settings)
        print(f"dateline build of {articles} articles: {time.perf_counter() - started:.1f} s")

        published = list(demo_archive(articles).articles)
        cache = project.root / ".dateline" / CACHE
        cache.unlink()
        timed("render guard, cold cache", len(published), "article",
              lambda: archive_problems(project.settings, published))
        timed("render guard, warm cache", len(published), "article",
              lambda: archive_problems(project.settings, published))

        many = Path(folder) / "many"
        for number in range(copies):
            shutil.copytree(project.site, many / f"copy-{number}")
        pages = sorted(many.rglob("*.html"))
        print(f"auditing {len(pages):,} pages ({copies} copies of the site)")
        timed("HTML checks (parallel)", len(pages), "page",
              lambda: audit_module._check_pages(many, pages))
        timed("HTML checks (one process)", len(pages), "page",
              lambda: [audit_module.check_page(many, page) for page in pages])
        timed("lychee links and anchors", len(pages), "page",
              lambda: audit_module.check_links(many, pages))
        timed("whole audit", len(pages), "page", lambda: audit_module.audit(many))


if __name__ == "__main__":
    main()
