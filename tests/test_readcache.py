"""The read cache: what reading each article gave, kept between builds."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

import pytest

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
    key, (found, problems), _digest = whole["entries"][name]
    forged_article = dataclasses.replace(found, title="Forged")
    forged = {name: (key, (forged_article, problems), read_digest(forged_article))}

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
