"""The synthetic archive: deterministic, valid, and marked as synthetic."""

from __future__ import annotations

import pytest

from dateline import archive as archive_module
from dateline.archive import load_archive
from dateline.demo import generate, write_demo
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
