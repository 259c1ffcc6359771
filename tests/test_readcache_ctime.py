"""An edit that keeps a file's size and modification time (``cp -p``, ``touch -r``, some
sync tools) is still seen: the read cache's quick check includes the inode's change
time, which no user tool sets."""

from __future__ import annotations

import os
import shutil
import subprocess

from tests.projects import Project, article

BAD_DATE = 'articles/story.md:3: date: "2021-13-08" is not a valid date'


def test_a_same_size_edit_with_its_old_mtime_is_read_again(project: Project) -> None:
    story = project.write("story.md", article(date="2021-08-13"))
    assert project.run("check").returncode == 0
    before = story.stat()
    story.write_text(article(date="2021-13-08"), encoding="utf-8")  # same size
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = story.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    checked = project.run("check")
    assert checked.returncode == 1
    assert BAD_DATE in checked.stdout + checked.stderr


def test_files_restored_by_tar_keep_their_results_and_show_their_edits(project: Project) -> None:
    # As a deployment workflow's cache restores them (tar --posix, as actions/cache): each
    # file new to the disk (new inode and change time), its modification time kept.
    for name in ("a.md", "b.md", "story.md"):
        project.write(name, article(title=f"Title {name}", date="2021-08-13"))
    assert project.run("check").returncode == 0
    story = project.root / "articles" / "story.md"
    before = story.stat()
    story.write_text(article(title="Title story.md", date="2021-13-08"), encoding="utf-8")
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    archive = project.root / "articles.tar"
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-C", str(project.root), "articles"], check=True)
    shutil.rmtree(project.root / "articles")
    subprocess.run(["tar", "-xf", str(archive), "-C", str(project.root)], check=True)
    assert story.stat().st_mtime_ns == before.st_mtime_ns
    checked = project.run("check")
    assert checked.returncode == 1
    problems = [line for line in (checked.stdout + checked.stderr).splitlines() if "articles/" in line]
    assert len(problems) == 1 and BAD_DATE in problems[0]
