"""The read cache: what reading each article gave, kept between builds."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from dateline import archive as archive_module
from dateline import readcache
from dateline.archive import load_archive
from dateline.model import read_digest
from tests.projects import Project, article


def titles(project: Project) -> list[str]:
    archive, _problems = load_archive(project.settings)
    return sorted(a.title for a in archive.articles)


def cache_files(project: Project) -> dict[str, int]:
    folder = project.root / ".dateline"
    return {f.name: f.stat().st_ino for f in folder.glob("read-cache*")}


def edit(path: Path, title: str) -> None:
    path.write_text(article(title), encoding="utf-8")
    stat = path.stat()  # a new time even where the clock is coarse
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_few_changes_go_to_the_recent_file_and_many_rewrite_the_whole_cache(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readcache, "REWRITE_SHARE", 0.2)
    files = [project.write(f"a{n}.md", article(f"Title {n}")) for n in range(10)]
    assert titles(project) == sorted(f"Title {n}" for n in range(10))
    whole = cache_files(project)
    assert list(whole) == ["read-cache.pickle"]

    # One edit in ten: only the recent file is written; the whole cache stays as it was.
    edit(files[3], "Edited once")
    assert "Edited once" in titles(project)
    after = cache_files(project)
    assert after["read-cache.pickle"] == whole["read-cache.pickle"]
    assert "read-cache-recent.pickle" in after
    # The next build sees the edit from the cache, and the second edit of the same file
    # still counts once.
    assert "Edited once" in titles(project)
    edit(files[3], "Edited twice")
    assert titles(project).count("Edited twice") == 1
    assert cache_files(project)["read-cache.pickle"] == whole["read-cache.pickle"]

    # Three files of ten changed since the whole cache was written: past the share, so
    # the whole cache is written again and the recent file goes.
    edit(files[5], "Edited too")
    edit(files[7], "Edited as well")
    expected = titles(project)
    rewritten = cache_files(project)
    assert list(rewritten) == ["read-cache.pickle"]
    assert rewritten["read-cache.pickle"] != whole["read-cache.pickle"]
    assert titles(project) == expected
    assert {"Edited twice", "Edited too", "Edited as well"} <= set(expected)


def test_a_recent_file_from_another_whole_cache_is_ignored(project: Project) -> None:
    files = [project.write(f"a{n}.md", article(f"Title {n}")) for n in range(4)]
    titles(project)
    folder = project.root / ".dateline"
    whole = pickle.loads((folder / "read-cache.pickle").read_bytes())
    name = str(files[1])
    key, (found, problems, links), _digest, content = whole["entries"][name]
    forged_article = dataclasses.replace(found, title="Forged")
    forged = {name: (key, (forged_article, problems, links), read_digest(forged_article), content)}

    def recent(token: str) -> list[str]:
        (folder / "read-cache-recent.pickle").write_bytes(
            pickle.dumps({"token": token, "entries": forged}))
        return titles(project)

    # A recent file left by a build whose whole cache was since written again (a killed
    # build, a copied folder) names another token: none of its entries count, even for
    # a file whose key matches. Written for this whole cache, the same entry would count.
    assert "Forged" not in recent("0" * 32)
    assert "Forged" in recent(whole["token"])


def test_files_gone_are_dropped_once_they_pass_the_share(project: Project,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readcache, "REWRITE_SHARE", 0.25)
    files = [project.write(f"a{n}.md", article(f"Title {n}")) for n in range(8)]
    titles(project)
    whole = cache_files(project)["read-cache.pickle"]
    files[0].unlink()
    assert len(titles(project)) == 7
    assert cache_files(project) == {"read-cache.pickle": whole}  # nothing to write
    files[1].unlink()
    files[2].unlink()
    assert len(titles(project)) == 5
    assert cache_files(project)["read-cache.pickle"] != whole
    cache = readcache.ReadCache(project.settings)
    assert len(cache._entries) == 5


def read_anew(project: Project, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files one load of the archive parses (not taken from the cache)."""
    read: list[str] = []
    original = archive_module.read_all

    def spy(files: list[Path], settings: Any) -> Any:
        read.extend(file.name for file in files)
        return original(files, settings)

    monkeypatch.setattr(archive_module, "read_all", spy)
    titles(project)
    return sorted(read)


def test_a_fresh_copy_of_the_files_is_not_parsed_again_unless_its_bytes_changed(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [project.write(f"a{n}.md", article(f"Title {n}")) for n in range(4)]
    assert read_anew(project, monkeypatch) == ["a0.md", "a1.md", "a2.md", "a3.md"]
    assert read_anew(project, monkeypatch) == []
    # A fresh checkout: every file written anew (new times, new inode), as git does.
    # Only the file whose bytes changed, though its size did not, is parsed again.
    for file in files:
        data = file.read_bytes()
        file.unlink()
        file.write_bytes(data.replace(b"Title 2", b"Title X") if file.name == "a2.md" else data)
    assert read_anew(project, monkeypatch) == ["a2.md"]
    assert titles(project) == ["Title 0", "Title 1", "Title 3", "Title X"]
    # The new times were remembered: the next load reads no file at all.
    reads: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or original(self))
    assert read_anew(project, monkeypatch) == []
    assert not [file for file in reads if file.suffix == ".md"]
