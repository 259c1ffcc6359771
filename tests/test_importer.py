"""Importing plain-text articles and Jekyll/Hugo posts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dateline.frontmatter_yaml import parse
from dateline.gazetteer import Gazetteer
from dateline.import_posts import import_folder, post_article, split_post
from dateline.importer import Imported, escape_paragraph, file_slug, plain_text_article, write_new
from dateline.load import validate
from dateline.pages import render_article
from dateline.text import markdown_to_text
from tests.projects import Project

# shared/ sits beside the checkout (in CI too); the test is skipped where it does not.
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "afghanistan-taliban-news.txt"
DAY = dt.date(2021, 8, 13)
PLAIN = """\
Taliban take Kandahar after seizing Herat

Kandahar fell on Thursday, officials said.

The Taliban took Herat and Ghazni earlier; Kabul is not yet threatened.
"""


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_plain_text_becomes_an_article_file(gazetteer: Gazetteer) -> None:
    item, problems = plain_text_article(PLAIN, "in/kandahar.txt", gazetteer, day=DAY,
                                        source="Example News", url="https://example.com/k")
    assert problems == [] and item is not None
    assert item.path == "articles/2021/08/taliban-take-kandahar-after-seizing-herat.md"
    assert item.text == (
        "---\n"
        "# imported by dateline import; cities were found in the text: check them\n"
        "title: Taliban take Kandahar after seizing Herat\n"
        "date: 2021-08-13\n"
        "cities:\n  - Kandahar\n  - Herat\n  - Ghazni\n  - Kabul\n"
        "source: Example News\n"
        "url: https://example.com/k\n"
        "---\n\n"
        "Kandahar fell on Thursday, officials said.\n\n"
        "The Taliban took Herat and Ghazni earlier; Kabul is not yet threatened.\n")
    assert [m.count for m in item.mentions] == [1, 1, 1, 1]


@pytest.mark.skipif(not SEED.exists(), reason="shared seed text not present")
def test_seed_round_trip_into_an_article_page(gazetteer: Gazetteer) -> None:
    item, problems = plain_text_article(SEED.read_text(encoding="utf-8"), "seed.txt", gazetteer, day=DAY)
    assert item is not None
    assert [p.field for p in problems] == ["headline"]  # the seed's first line is a section label
    parsed, parse_problems = parse(item.text, item.path)
    assert parsed is not None and parse_problems == []
    article, invalid = validate(item.path, parsed.fields, parsed.body, Path(item.path).stem)
    assert article is not None and not [p for p in invalid if p.is_error]
    assert [c.name for c in article.cities] == ["Kandahar", "Kabul", "Herat", "Ghazni"]
    page = render_article(article, None, None, {c.key: c.name for c in article.cities})
    assert "**KANDAHAR**" in page.text
    # Every paragraph of the seed arrives on the page as the same text.
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")[1:]
    rendered = markdown_to_text(article.body)
    assert all(" ".join(p.split()) in rendered for p in paragraphs)


@pytest.mark.parametrize(("text", "field"), [
    ("", "text"),
    ("Headline\nsecond line\n\nBody.\n", "headline"),
])
def test_unusable_text_is_a_problem(gazetteer: Gazetteer, text: str, field: str) -> None:
    item, problems = plain_text_article(text, "x.txt", gazetteer, day=DAY)
    assert item is None and [p.field for p in problems] == [field]


NOT_UTF8 = "byte 0xE9 at position 3 is not UTF-8; save the file as UTF-8"


def test_no_city_is_a_warning_and_an_empty_list(gazetteer: Gazetteer) -> None:
    item, problems = plain_text_article("Rates rise\n\nThe central bank acted.\n", "x.txt", gazetteer, day=DAY)
    assert item is not None and "cities: []\n" in item.text
    assert [(p.field, p.is_error) for p in problems] == [("cities", False)]


def test_plain_text_is_escaped_for_markdown() -> None:
    assert escape_paragraph("# not a heading\n1. not a list\n- nor this\n*stars* <b>") == (
        "\\# not a heading\n1\\. not a list\n\\- nor this\n\\*stars\\* &lt;b>")
    assert markdown_to_text(escape_paragraph("# 5 *ways* <script>x</script>")) == \
        "# 5 *ways* <script>x</script>"


def test_file_slug() -> None:
    assert file_slug("Taliban take Kandahar!") == "taliban-take-kandahar"
    assert len(file_slug("word " * 40)) <= 60 and not file_slug("word " * 40).endswith("-")
    assert file_slug("طالبان") == "article"


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    first = Imported("articles/2021/08/a.md", "one", "a.txt")
    written, problems = write_new(tmp_path, [first, Imported(first.path, "two", "b.txt")])
    assert written == [first] and (tmp_path / first.path).read_text() == "one"
    assert [p.path for p in problems] == ["b.txt"]
    written, problems = write_new(tmp_path, [Imported(first.path, "three", "c.txt")])
    assert written == [] and "already exists" in problems[0].message
    assert (tmp_path / first.path).read_text() == "one"


def test_import_reports_as_written_only_what_it_wrote(project: Project) -> None:
    (project.root / "in").mkdir()
    for name in ("same1.txt", "same2.txt"):
        (project.root / "in" / name).write_text("Same headline\n\nFighting in Herat.\n", encoding="utf-8")
    result = project.run("import", "in/same1.txt", "in/same2.txt", "--date", "2021-08-15")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "articles/2021/08/same-headline.md: from in/same1.txt; Herat (1)",
        "1 article imported; check their cities, then run dateline check."]
    assert result.stderr.splitlines() == [
        "in/same2.txt: path: articles/2021/08/same-headline.md would also be made from in/same1.txt; "
        "rename one headline or import it separately"]


def test_a_folder_without_posts_says_how_to_import_its_files(project: Project) -> None:
    (project.root / "in").mkdir()
    for name in ("kabul.txt", "herat.txt"):
        (project.root / "in" / name).write_text("Fighting in Herat\n\nHerat.\n", encoding="utf-8")
    result = project.run("import", "in/", "--date", "2021-08-15")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "in: posts: none here: a folder is read as a Jekyll _posts/ or Hugo content/ folder, for its "
        ".md and .markdown files, and this one holds 2 .txt files; to import plain-text articles, "
        "name them: dateline import in/*.txt --date YYYY-MM-DD"]
    assert not list((project.root / "articles").rglob("*.md"))


def test_a_url_that_check_would_refuse_is_refused_before_writing(project: Project) -> None:
    (project.root / "kabul.txt").write_text("Fighting in Kabul\n\nKabul.\n", encoding="utf-8")
    result = project.run("import", "kabul.txt", "--date", "2021-08-15", "--url", "notaurl")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ['--url: "notaurl" is not a web address (http:// or https://)']
    assert not list((project.root / "articles").rglob("*.md"))
    result = project.run("import", "kabul.txt", "--date", "2021-08-15", "--url", "https://example.com/k")
    assert result.returncode == 0 and project.run("check").returncode == 0


JEKYLL = """\
---
layout: post
title: "Kandahar falls: a report"
date: 2021-08-13 10:00:00 +0430
categories: afghanistan news
tags: [taliban]
author: A. Writer
---

Fighting reached **Kandahar** on Thursday. {% include note.html %}
"""


def test_jekyll_post_keeps_its_body_and_maps_its_metadata(gazetteer: Gazetteer) -> None:
    item, problems = post_article(JEKYLL, "_posts/2021-08-13-kandahar-falls.md", gazetteer)
    assert problems == [] and item is not None
    assert item.path == "articles/2021/08/kandahar-falls.md"
    head, body = item.text.split("\n---\n", 1)
    assert body == "\nFighting reached **Kandahar** on Thursday. {% include note.html %}\n"
    assert head.splitlines()[2:] == [
        'title: "Kandahar falls: a report"', "date: 2021-08-13T10:00:00+04:30",
        "cities:", "  - Kandahar", "author:", "  - A. Writer",
        "tags:", "  - afghanistan", "  - news", "  - taliban"]
    parsed, _ = parse(item.text, item.path)
    assert parsed is not None
    article, invalid = validate(item.path, parsed.fields, parsed.body, "kandahar-falls")
    assert article is not None and not [p for p in invalid if p.is_error]


@pytest.mark.parametrize("flag", ["published: false", "draft: true"])
def test_an_unpublished_jekyll_post_becomes_a_draft(gazetteer: Gazetteer, flag: str) -> None:
    post = JEKYLL.replace("layout: post\n", f"layout: post\n{flag}\n")
    item, problems = post_article(post, "_posts/2021-08-13-kandahar-falls.md", gazetteer)
    assert problems == [] and item is not None
    assert item.text.split("\n---\n", 1)[0].endswith("\ndraft: true")
    parsed, _ = parse(item.text, item.path)
    assert parsed is not None
    article, _ = validate(item.path, parsed.fields, parsed.body, "kandahar-falls")
    assert article is not None and article.draft  # kept out of the site


@pytest.mark.parametrize(("written", "authors"), [
    ("author: A. Writer", ["A. Writer"]),
    ("author: [Jane Doe, John Roe]", ["Jane Doe", "John Roe"]),
    ("author: {name: Jane Doe, twitter: jd}", ["Jane Doe"]),
    ("authors: Jane Doe", ["Jane Doe"]),
    ("authors: [Jane Doe, {name: John Roe}]", ["Jane Doe", "John Roe"]),
])
def test_a_posts_authors_are_names(gazetteer: Gazetteer, written: str, authors: list[str]) -> None:
    post = JEKYLL.replace("author: A. Writer", written)
    item, problems = post_article(post, "_posts/2021-08-13-kandahar-falls.md", gazetteer)
    assert problems == [] and item is not None
    parsed, _ = parse(item.text, item.path)
    assert parsed is not None
    article, _ = validate(item.path, parsed.fields, parsed.body, "kandahar-falls")
    assert article is not None and list(article.authors) == authors


def test_hugo_toml_bundle_and_date_from_file_name(gazetteer: Gazetteer, tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "posts" / "herat").mkdir(parents=True)
    (content / "posts" / "herat" / "index.md").write_text(
        '+++\ntitle = "Herat"\ndate = 2021-08-12\ntags = ["war"]\ndraft = true\n+++\nIn Herat, calm.\n')
    (content / "posts" / "_index.md").write_text("---\ntitle: Posts\n---\n")
    (content / "posts" / "2021-08-11-ghazni.md").write_text("No front matter. Ghazni fell, in Afghanistan.\n")
    (content / "posts" / "undated.md").write_text("---\ntitle: Undated\n---\nKabul.\n")
    items, problems = import_folder(content, gazetteer, display="content")
    assert [i.path for i in items] == ["articles/2021/08/ghazni.md", "articles/2021/08/herat.md"]
    assert items[1].text.endswith("draft: true\n---\nIn Herat, calm.\n")
    assert "tags:\n  - war\n" in items[1].text
    assert [(p.path, p.field) for p in problems] == [("content/posts/undated.md", "date")]


@pytest.mark.parametrize(("changed", "updated"), [
    ("lastmod: 2021-08-20", "updated: 2021-08-20"),
    ("last_modified_at: 2021-08-13 12:00:00 +0430", "updated: 2021-08-13T12:00:00+04:30"),
    ("lastmod: 2021-08-13", None),  # the day it was published: nothing to tell
    ("last_modified_at: 2021-08-13 09:00:00 +0430", None),  # before it was published
])
def test_a_posts_last_change_becomes_updated_when_after_its_date(
        gazetteer: Gazetteer, changed: str, updated: str | None) -> None:
    post = JEKYLL.replace("author: A. Writer\n", f"author: A. Writer\n{changed}\n")
    item, problems = post_article(post, "_posts/2021-08-13-kandahar-falls.md", gazetteer)
    assert problems == [] and item is not None
    head = item.text.split("\n---\n", 1)[0].splitlines()
    assert [line for line in head if line.startswith("updated:")] == ([updated] if updated else [])
    parsed, _ = parse(item.text, item.path)
    assert parsed is not None
    article, invalid = validate(item.path, parsed.fields, parsed.body, "kandahar-falls")
    assert article is not None and not [p for p in invalid if p.is_error]


def test_a_post_that_is_not_utf8_is_a_problem_naming_the_byte(gazetteer: Gazetteer, tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2021-08-13-cafe.md").write_bytes(b"---\ntitle: Caf\xe9\n---\nHerat.\n")
    (posts / "2021-08-14-kabul.md").write_bytes(b"---\r\ntitle: Kabul\r\n---\r\nKabul.\r\n")
    items, problems = import_folder(posts, gazetteer, display="_posts")
    assert [(p.path, p.line, p.field, p.message) for p in problems] == [
        ("_posts/2021-08-13-cafe.md", 2, "encoding", "byte 0xE9 at position 14 is not UTF-8; save the file as UTF-8")]
    assert [i.path for i in items] == ["articles/2021/08/kabul.md"]
    assert items[0].text.endswith("\n---\nKabul.\n") and "\r" not in items[0].text  # as before


def test_import_reports_every_file_not_utf8_and_imports_the_rest(project: Project) -> None:
    (project.root / "in").mkdir()
    (project.root / "in" / "latin.txt").write_bytes(b"Caf\xe9 in Herat\n\nHerat.\n")
    (project.root / "in" / "also.txt").write_bytes(b"Kabul\n\nIn Kabul, caf\xe9s.\n")
    (project.root / "in" / "good.txt").write_text("Fighting in Kandahar\n\nKandahar.\n", encoding="utf-8")
    result = project.run("import", "in/latin.txt", "in/also.txt", "in/good.txt", "--date", "2021-08-15")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "in/also.txt:3: encoding: byte 0xE9 at position 20 is not UTF-8; save the file as UTF-8",
        f"in/latin.txt:1: encoding: {NOT_UTF8}"]
    assert sorted(p.name for p in (project.root / "articles").rglob("*.md")) == ["fighting-in-kandahar.md"]


def test_split_post_reports_broken_front_matter() -> None:
    assert split_post("---\ntitle: [x\n---\nBody")[2] is not None
    assert split_post("---\ntitle: x\nBody")[2] == "front matter opened with --- is not closed"
    assert split_post("Just text") == ({}, "Just text", None)
