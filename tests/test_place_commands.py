"""`dateline annotate` and `dateline import` as a user runs them, on the sample article."""

from __future__ import annotations

import pytest

from dateline.build import build
from tests.projects import REPO, Project
from tests.test_build import content

pytestmark = pytest.mark.slow

SAMPLE = REPO / "articles" / "2021" / "08" / "taliban-take-kandahar.md"


def sample_without_cities() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    start = head.index("cities:")
    end = head.index("tags:")
    return head[:start] + "cities: []\n" + head[end:] + "\n---\n" + body


def test_annotate_finds_exactly_the_sample_cities_and_writes_only_the_list(project: Project) -> None:
    original = sample_without_cities()
    path = project.write("sample.md", original)
    result = project.run("annotate", "articles")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "articles/sample.md: would add Kandahar (4), Kabul (5), Herat (3), Ghazni (1)",
        "1 file would change; run again with --write to change them.",
    ]
    assert path.read_text(encoding="utf-8") == original

    result = project.run("annotate", "--write", "articles/sample.md")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == original.replace(
        "cities: []", "cities: [Kandahar, Kabul, Herat, Ghazni]")
    assert project.run("annotate", "articles").stdout.splitlines()[0] == "articles/sample.md: nothing to add"


def test_import_plain_text_builds_a_page_and_never_overwrites(project: Project) -> None:
    text = SAMPLE.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip()
    plain = project.root / "incoming.txt"
    plain.write_text("Taliban take Kandahar\n\n" + text + "\n", encoding="utf-8")
    result = project.run("import", "incoming.txt", "--date", "2021-08-13", "--source", "Example Wire")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "articles/2021/08/taliban-take-kandahar.md: from incoming.txt; "
        "Kandahar (4), Kabul (5), Herat (3), Ghazni (1)")
    created = project.root / "articles/2021/08/taliban-take-kandahar.md"
    first = created.read_bytes()

    again = project.run("import", "incoming.txt", "--date", "2021-08-13")
    assert again.returncode == 1
    assert "incoming.txt: path: articles/2021/08/taliban-take-kandahar.md already exists; not overwritten" in again.stderr
    assert created.read_bytes() == first

    build(project.settings)
    page = content(project, "articles/2021/08/13/taliban-take-kandahar/index.html")
    assert page.h1.get_text(strip=True) == "Taliban take Kandahar"
    assert [a.get_text() for a in page.select("p.dateline-meta a")] == ["Kandahar", "Kabul", "Herat", "Ghazni"]


def test_import_needs_a_date_for_plain_text(project: Project) -> None:
    (project.root / "x.txt").write_text("Headline\n\nText.\n")
    result = project.run("import", "x.txt")
    assert result.returncode == 1
    assert result.stderr.strip() == "--date YYYY-MM-DD is required for plain-text articles"


def test_a_hugo_bundles_files_come_along_and_its_links_hold(project: Project) -> None:
    bundle = project.root / "content" / "posts" / "herat-falls"
    (bundle / "images").mkdir(parents=True)
    (bundle / "index.md").write_text(
        "---\ntitle: Herat falls\ndate: 2021-08-12\n---\n\n![The citadel](images/citadel.gif) "
        "in Herat. [Notes](notes.pdf), [elsewhere](../other/x.png).\n", encoding="utf-8")
    (bundle / "images" / "citadel.gif").write_bytes(b"GIF89a")
    (bundle / "notes.pdf").write_bytes(b"%PDF-1.4")
    (project.root / "content" / "posts" / "kabul.md").write_text(
        "---\ntitle: Kabul\ndate: 2021-08-15\n---\n\nKabul waits.\n", encoding="utf-8")
    result = project.run("import", "content")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = project.root / "articles/2021/08/herat-falls"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "images/citadel.gif", "index.md", "notes.pdf"]
    assert (folder / "images/citadel.gif").read_bytes() == b"GIF89a"
    assert "slug: herat-falls" in (folder / "index.md").read_text(encoding="utf-8")
    assert (project.root / "articles/2021/08/kabul.md").is_file()  # no files: no folder of its own
    # The link to a file out of the bundle was not followed; the check names it.
    result = project.run("check")
    assert result.returncode == 1
    assert ('articles/2021/08/herat-falls/index.md:10: body: links to "../other/x.png" '
            "(articles/2021/08/other/x.png): no such file") in result.stdout + result.stderr
