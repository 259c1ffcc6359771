"""Writing docs/: only changed files are rewritten, stale ones go, the user's stay."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dateline import writer as writer_module
from dateline.pages import GENERATED_ROOTS, Page
from dateline.writer import DuplicateOutputError, atomic_write, sync


def test_unchanged_files_are_not_rewritten_and_stale_ones_removed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    first = [Page("index.md", "home"), Page("cities/kabul.md", "kabul"), Page("cities/herat.md", "herat")]
    report = sync(docs, first, GENERATED_ROOTS)
    assert (report.written, report.unchanged, report.removed) == (3, 0, 0)
    kabul = docs / "cities/kabul.md"
    os.utime(kabul, (1, 1))
    (docs / "about.md").write_text("mine")
    (docs / "stylesheets").mkdir()
    (docs / "stylesheets/site.css").write_text("mine")

    report = sync(docs, [Page("index.md", "home 2"), Page("cities/kabul.md", "kabul")], GENERATED_ROOTS)
    assert (report.written, report.unchanged, report.removed) == (1, 1, 1)
    assert kabul.stat().st_mtime == 1
    assert not (docs / "cities/herat.md").exists()
    assert (docs / "about.md").read_text() == "mine" and (docs / "stylesheets/site.css").exists()


def test_files_are_copied_with_their_time_only_when_their_bytes_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"first")
    copy = docs / "articles/files/photo.jpg"
    report = sync(docs, [], GENERATED_ROOTS, files={"articles/files/photo.jpg": photo})
    assert (report.written, report.unchanged) == (1, 0)
    assert copy.read_bytes() == b"first" and copy.stat().st_mtime_ns == photo.stat().st_mtime_ns
    inode = copy.stat().st_ino

    os.utime(photo, ns=(5, 5))  # the same bytes, another time (a fresh checkout)
    report = sync(docs, [], GENERATED_ROOTS, files={"articles/files/photo.jpg": photo})
    assert (report.written, report.unchanged) == (0, 1)
    assert copy.stat().st_ino == inode and copy.stat().st_mtime_ns == 5

    photo.write_bytes(b"other")  # the same size, new bytes
    report = sync(docs, [], GENERATED_ROOTS, files={"articles/files/photo.jpg": photo})
    assert report.written == 1 and copy.read_bytes() == b"other"

    report = sync(docs, [], GENERATED_ROOTS)  # no longer linked to
    assert report.removed == 1 and not copy.exists()


def test_empty_generated_folders_are_removed(tmp_path: Path) -> None:
    sync(tmp_path, [Page("dates/2021/08/13/index.md", "day")], GENERATED_ROOTS)
    sync(tmp_path, [], GENERATED_ROOTS)
    assert not (tmp_path / "dates").exists()


def test_only_the_folders_left_empty_are_removed(tmp_path: Path) -> None:
    pages = [Page("dates/2021/08/13/index.md", "day"), Page("dates/2021/08/14/index.md", "day"),
             Page("dates/2021/09/01/index.md", "day"), Page("dates/2021/index.md", "year")]
    sync(tmp_path, pages, GENERATED_ROOTS)
    report = sync(tmp_path, [pages[0], pages[3]], GENERATED_ROOTS)
    assert report.removed == 2
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "dates").rglob("*")) == [
        "dates/2021", "dates/2021/08", "dates/2021/08/13", "dates/2021/08/13/index.md", "dates/2021/index.md"]


def test_two_pages_on_one_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DuplicateOutputError):
        sync(tmp_path, [Page("index.md", "a"), Page("index.md", "b")], GENERATED_ROOTS)
    assert not (tmp_path / "index.md").exists()


def test_a_file_written_keeps_its_permissions_or_gets_a_new_files(tmp_path: Path) -> None:
    # Not the temporary file's 0600: a web server must read the site, and an article
    # rewritten by `dateline annotate` keeps what its owner gave it.
    previous = os.umask(0o022)
    writer_module._umask.cache_clear()
    try:
        atomic_write(tmp_path / "new.xml", b"<x/>")
        assert stat.S_IMODE((tmp_path / "new.xml").stat().st_mode) == 0o644
        article = tmp_path / "article.md"
        article.write_bytes(b"old")
        article.chmod(0o640)
        atomic_write(article, b"new")
        assert stat.S_IMODE(article.stat().st_mode) == 0o640 and article.read_bytes() == b"new"
    finally:
        os.umask(previous)
        writer_module._umask.cache_clear()


def test_a_refused_write_names_the_file_not_its_temporary_neighbour(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "articles" / "kandahar.md"
    target.parent.mkdir()

    def refused(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "articles" / ".kandahar.md.x1y2.tmp"))

    for where in ("tempfile.mkstemp", "os.replace"):
        with monkeypatch.context() as patched:
            patched.setattr(where, refused)
            with pytest.raises(PermissionError) as raised:
                atomic_write(target, b"text")
        assert raised.value.filename == str(target), where
    assert sorted(p.name for p in target.parent.iterdir()) == []  # no temporary file left
