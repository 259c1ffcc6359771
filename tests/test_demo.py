"""The synthetic archive: deterministic, valid, and marked as synthetic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dateline import archive as archive_module
from dateline.archive import load_archive
from dateline.demo import generate, write_demo
from dateline.errors import DatelineError
from tests.projects import Project


def test_same_seed_same_files_and_every_file_says_it_is_synthetic() -> None:
    first, second = list(generate(30, seed=7)), list(generate(30, seed=7))
    assert first == second
    assert first != list(generate(30, seed=8))
    for item in first:
        assert "not news" in item.text and '"synthetic"' in item.text and "(synthetic)" in item.text


def test_demo_articles_pass_validation(project: Project) -> None:
    assert write_demo(project.root / "articles", 40) == 40
    assert write_demo(project.root / "articles", 40) == 0
    archive, problems = load_archive(project.settings)
    # Real city names: a namesake elsewhere (Jalalabad, India) is worth a warning only.
    assert [p for p in problems if p.is_error] == [] and len(archive.articles) == 40
    assert all(1 <= len(a.cities) <= 3 for a in archive.articles)


def test_reading_on_every_core_gives_the_same_archive_and_problems(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    write_demo(project.root / "articles", 60)
    project.write("broken.md", "---\ntitle: [x]\ndate: 2021-13-01\ncities: [Kabul]\n---\nText.\n")
    serial = load_archive(project.settings)
    monkeypatch.setattr(archive_module, "PARALLEL_FROM", 10)
    parallel = load_archive(project.settings)
    assert parallel == serial and len(parallel[0].articles) == 60 and len(parallel[1]) >= 2


def test_demo_text_is_as_long_in_bytes_as_real_text_of_as_many_words() -> None:
    # The sample article has 5.31 letters a word (6.5 bytes with spaces and punctuation):
    # page weight and site size measured on demo articles must hold for real ones.
    bodies = [item.text.split("\n---\n", 1)[1] for item in generate(300)]
    words = [word.strip(".,") for body in bodies for word in body.split()]
    assert 650 <= len(words) / len(bodies) <= 750
    assert 5.0 <= sum(map(len, words)) / len(words) <= 5.6
    assert 6.0 <= sum(len(body.encode()) for body in bodies) / len(words) <= 7.0


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_out_must_be_a_folder_or_one_to_make(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    before = files_under(project.root)
    with pytest.raises(DatelineError, match=f"^{config}: is a file, not a folder; give --out a folder"):
        write_demo(config, 5)
    with pytest.raises(DatelineError, match=f"^{config / 'x'}: cannot be made: {config} is a file, not a folder$"):
        write_demo(config / "x", 5)
    assert files_under(project.root) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in any folder")
def test_a_folder_it_cannot_write_in_is_an_error_before_any_file(tmp_path: Path) -> None:
    locked, out = tmp_path / "locked", tmp_path / "open"
    locked.mkdir(mode=0o555)
    write_demo(out, 5)
    year = sorted(out.iterdir())[-1]
    year.chmod(0o555)
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o600)  # not to be looked into
    try:
        with pytest.raises(DatelineError, match=f"^{locked / 'demo'}: cannot be written: {locked} is not writable$"):
            write_demo(locked / "demo", 5)
        with pytest.raises(DatelineError, match=f"^{shut / 'demo'}: cannot be read \\(Permission denied\\)$"):
            write_demo(shut / "demo", 5)
        before = files_under(out)
        with pytest.raises(DatelineError, match=f"1 path in its way .*:\n  {year}$"):
            write_demo(out, 10)  # some of its articles go into the locked year, some not
        assert files_under(out) == before
    finally:
        for folder in (locked, shut, year):
            folder.chmod(0o755)


def test_it_never_overwrites_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "articles"
    write_demo(out, 5)
    own = files_under(out)
    first, second, *_ = own
    (out / first).write_text("---\ntitle: Mine\n---\nA user's article.\n", encoding="utf-8")
    (out / second).write_bytes(own[second] + b"An edit.\n")
    (out / "2021" / "mine.md").write_text("---\ntitle: Beside\n---\n", encoding="utf-8")
    before = files_under(out)
    with pytest.raises(DatelineError) as failure:
        write_demo(out, 5)
    assert str(failure.value) == (
        f"{out}: dateline demo wrote nothing: 1 path in its way (files it did not write, or folders it "
        f"cannot write in); move them, or give --out another folder:\n  {out / first}")
    assert files_under(out) == before
    # Its own files it writes again; the user's beside them it leaves as they are.
    (out / first).unlink()
    assert write_demo(out, 5) == 2
    assert files_under(out) == {**own, "2021/mine.md": before["2021/mine.md"]}


def test_a_file_of_its_name_it_would_not_write_is_not_in_its_way(tmp_path: Path) -> None:
    # A user's file named as a demo article, but of a number or a month the demo does
    # not write: it stays, and is no reason to refuse.
    out = tmp_path / "articles"
    (out / "2019" / "01").mkdir(parents=True)
    (out / "2019" / "01" / "synthetic-000009.md").write_text("mine\n", encoding="utf-8")
    assert write_demo(out, 5) == 5
    assert (out / "2019" / "01" / "synthetic-000009.md").read_text(encoding="utf-8") == "mine\n"


def test_a_file_where_its_folder_goes_is_in_its_way(tmp_path: Path) -> None:
    out = tmp_path / "articles"
    year = next(generate(1)).path.split("/")[0]
    out.mkdir()
    (out / year).write_text("not a folder\n", encoding="utf-8")
    with pytest.raises(DatelineError, match=f"1 path in its way .*:\n  {out / year}$"):
        write_demo(out, 5)
    assert files_under(out) == {year: b"not a folder\n"}


def test_the_command_says_plainly_that_out_is_a_file(project: Project) -> None:
    done = project.run("demo", "--articles", "5", "--out", "mkdocs.yml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("mkdocs.yml: is a file"), done.stderr
