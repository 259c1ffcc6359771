"""The render guard's cache and ``render_timeout``: a body that rendered within one limit
is checked again when the project lowers it, not when it raises it."""

from __future__ import annotations

from dateline.guard import CACHE
from tests.projects import Project, article
from tests.test_hostile import configure

SLOW_BODY = "Brackets: " + "[" * 900 + "\n"
"""Under the guard's scan's limit of 1,000 brackets, and about 0.25 s to render."""

TOO_SLOW = ("articles/slow.md: body: took more than 0.02 s to render (extra.dateline.render_timeout); "
            "look for long runs of brackets or deeply nested lists")


def test_a_lowered_render_timeout_checks_bodies_again(project: Project) -> None:
    project.write("slow.md", article(body=SLOW_BODY))
    configure(project, render_timeout=30)
    first = project.run("check")
    assert first.returncode == 0, first.stderr
    cache = project.root / ".dateline" / CACHE
    assert cache.is_file()

    configure(project, render_timeout=0.02)
    lowered = project.run("check")
    assert lowered.returncode == 1
    assert TOO_SLOW in lowered.stdout + lowered.stderr


def test_a_raised_render_timeout_renders_nothing_again(project: Project) -> None:
    project.write("slow.md", article(body=SLOW_BODY))
    project.write("quick.md", article(title="Quick", date="2021-08-14", body="A line.\n"))
    configure(project, render_timeout=20)
    assert project.run("check").returncode == 0
    cache = project.root / ".dateline" / CACHE
    kept = cache.read_bytes(), cache.stat().st_mtime_ns

    configure(project, render_timeout=30)
    assert project.run("check").returncode == 0
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == kept
