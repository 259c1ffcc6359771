"""Atomic builds: a build killed at any point leaves the previous site whole and docs/ usable."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.build import _exchange, _recover, _swap_in, build
from dateline.errors import BuildError
from tests.projects import Project, article

pytestmark = pytest.mark.slow

ARTICLES = 120
"""Enough for MkDocs to spend a few seconds writing pages, so the kill lands mid-build."""


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(project: Project) -> list[str]:
    """Unfinished sites and search indexes; the site before the last build is kept on purpose."""
    return sorted(p.name for p in project.root.glob(".site.*") if p.name != ".site.spare")


def write_archive(project: Project, headline: str) -> None:
    for number in range(ARTICLES):
        project.write(f"2021/story-{number}.md", article(
            title=f"{headline} {number}", date=f"2021-{1 + number % 12:02d}-{1 + number % 28:02d}",
            cities="[Kabul, Herat]", body="Synthetic paragraph of test text.\n\n" * 20))


def test_build_killed_mid_way_keeps_the_previous_site(project: Project) -> None:
    write_archive(project, "First edition")
    build(project.settings)
    before = snapshot(project.site)
    write_archive(project, "Second edition")

    # Its own process group, as a shell or CI runner starts it: the kill takes MkDocs too.
    process = subprocess.Popen([sys.executable, "-m", "dateline", "build"], cwd=project.root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    staged: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None:
        staged = [p for p in project.root.glob(".site.new-*") if any(p.rglob("*.html"))]
        if staged:
            break
        time.sleep(0.01)
    assert staged, "the build finished or never staged pages before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()

    assert snapshot(project.site) == before
    # Every generated page in docs/ is whole: the old text or the new, never a mixture.
    for page in (project.docs / "articles").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("---\ntitle: ") and ("First edition" in text or "Second edition" in text)

    build(project.settings)
    assert leftovers(project) == []
    assert "Second edition 7" in (project.site / "articles/2021/08/08/story-7/index.html").read_text()


def test_kill_between_the_two_renames_of_the_swap_is_recovered(project: Project) -> None:
    """``_swap_in`` moves site/ aside, then moves the new site in: killed in between,
    there is no site/ until the next build puts the previous one back."""
    write_archive(project, "First edition")
    build(project.settings)
    before = snapshot(project.site)
    aside = project.root / ".site.old-99999"
    project.site.rename(aside)
    unfinished = project.root / ".site.new-99999"
    unfinished.mkdir()
    (unfinished / "index.html").write_text("half a site")

    _recover(project.site)
    assert snapshot(project.site) == before and leftovers(project) == []


def test_failed_audit_keeps_the_previous_site(project: Project) -> None:
    write_archive(project, "First edition")
    build(project.settings)
    before = snapshot(project.site)
    # Neither MkDocs nor the check follows an anchor on a city's page; the audit does.
    project.write("2021/broken-link.md", article(title="Broken link", body="<a href=\"/cities/kabul/#missing\">x</a>\n"))
    with pytest.raises(BuildError) as failure:
        build(project.settings)
    assert "failed its audit" in str(failure.value) and "missing" in str(failure.value)
    assert snapshot(project.site) == before and leftovers(project) == []


def test_swap_exchanges_the_folders_in_one_step(tmp_path: Path) -> None:
    site, new = tmp_path / "site", tmp_path / ".site.new-1"
    site.mkdir()
    (site / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    assert _exchange(new, site)  # Linux: renameat2(RENAME_EXCHANGE), no moment without site/
    assert (site / "index.html").read_text() == "new" and (new / "index.html").read_text() == "old"
    (tmp_path / ".site.new-2").mkdir()
    (tmp_path / ".site.new-2" / "index.html").write_text("newer")
    _swap_in(tmp_path / ".site.new-2", site)
    assert (site / "index.html").read_text() == "newer" and not (tmp_path / ".site.new-2").exists()
