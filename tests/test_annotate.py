"""Adding cities to an article's front matter leaves every other byte alone."""

from __future__ import annotations

import os

import pytest
import yaml

from dateline.annotate import add_cities, yaml_text
from dateline.archive import load_archive
from dateline.frontmatter_yaml import parse
from tests.projects import Project, article

BODY = "\nKandahar fell on Thursday.  \n\n<!-- keep -->\nHerat: too.\n"


def cities_of(text: str) -> list[str]:
    parsed, _ = parse(text.replace("\r\n", "\n").removeprefix("\ufeff"), "a.md")
    assert parsed is not None
    value = parsed.fields["cities"].value
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(("before", "after"), [
    # block list: same indentation and dash style, after the last item
    ("---\ntitle: T\ncities:\n  - Kandahar   # dateline\n  - Herat\ntags: [x]\n---\n",
     "---\ntitle: T\ncities:\n  - Kandahar   # dateline\n  - Herat\n  - Ghazni\n  - Kabul\ntags: [x]\n---\n"),
    ("---\ncities:\n- Kandahar\n# a comment\n---\n",
     "---\ncities:\n- Kandahar\n- Ghazni\n- Kabul\n# a comment\n---\n"),
    ("---\ncities:\n  - \"Kandahar\"\n---\n",
     "---\ncities:\n  - \"Kandahar\"\n  - Ghazni\n  - Kabul\n---\n"),
    # flow list and single name
    ("---\ncities: [Kandahar]  # c\n---\n", "---\ncities: [Kandahar, Ghazni, Kabul]  # c\n---\n"),
    ("---\ncities: []\n---\n", "---\ncities: [Ghazni, Kabul]\n---\n"),
    ("---\ncities: Kandahar\ntitle: T\n---\n", "---\ncities: [Kandahar, Ghazni, Kabul]\ntitle: T\n---\n"),
    # empty or missing
    ("---\ncities:\ntitle: T\n---\n", "---\ncities:\n  - Ghazni\n  - Kabul\ntitle: T\n---\n"),
    ("---\ncities: ~ # none yet\n---\n", "---\ncities: [Ghazni, Kabul] # none yet\n---\n"),
    ("---\ntitle: T # x\n---\n", "---\ntitle: T # x\ncities:\n  - Ghazni\n  - Kabul\n---\n"),
])
def test_add_cities_edits_only_the_list(before: str, after: str) -> None:
    text, problems = add_cities(before + BODY, ["Ghazni", "Kabul"], "a.md")
    assert problems == []
    assert text == after + BODY
    assert cities_of(text)[-2:] == ["Ghazni", "Kabul"]


@pytest.mark.parametrize(("before", "after"), [
    # a trailing comma, spaces, a comment: the names go after the last item, the rest stays
    ("cities: [Herat,]", "cities: [Herat, Ghazni, Kabul,]"),
    ("cities: [Herat, ]", "cities: [Herat, Ghazni, Kabul, ]"),
    ("cities: [ Herat , ]  # c", "cities: [ Herat, Ghazni, Kabul , ]  # c"),
    ('cities: ["Herat",]', 'cities: ["Herat", Ghazni, Kabul,]'),
    ("cities: [ ]", "cities: [ Ghazni, Kabul]"),
    # over several lines
    ("cities: [Kandahar,\n  Herat]  # c", "cities: [Kandahar,\n  Herat, Ghazni, Kabul]  # c"),
    ("cities: [\n  Kandahar,\n  Herat,  # last\n]", "cities: [\n  Kandahar,\n  Herat, Ghazni, Kabul,  # last\n]"),
    ("cities: [\n]", "cities: [\nGhazni, Kabul]"),
])
def test_a_flow_list_of_any_shape_gets_the_names(before: str, after: str) -> None:
    head = "---\ntitle: T\n{}\ndate: 2021-08-13\n---\n"
    text, problems = add_cities(head.format(before) + BODY, ["Ghazni", "Kabul"], "a.md")
    assert problems == []
    assert text == head.format(after) + BODY
    assert cities_of(text) == cities_of(head.format(before) + BODY) + ["Ghazni", "Kabul"]


@pytest.mark.parametrize(("before", "after"), [
    # libyaml, which check reads front matter with, takes a tab after the colon
    ("---\ntitle:\tTab\ncities: [Herat]\n---\n", "---\ntitle:\tTab\ncities: [Herat, Ghazni]\n---\n"),
    ("---\ntitle:\tTab\n---\n", "---\ntitle:\tTab\ncities:\n  - Ghazni\n---\n"),
    # check's closing line may be longer than "---" or end in spaces; a "---" in the body is a rule
    ("---\ncities: [Herat]\n-----\n", "---\ncities: [Herat, Ghazni]\n-----\n"),
    ("---\ntitle: T\n---  \n", "---\ntitle: T\ncities:\n  - Ghazni\n---  \n"),
])
def test_front_matter_that_check_reads_is_annotated(before: str, after: str) -> None:
    body = "\nKandahar.\n\n---\n\nHerat: [\n"
    text, problems = add_cities(before + body, ["Ghazni"], "a.md")
    assert problems == []
    assert text == after + body


def test_names_already_listed_in_any_spelling_are_skipped() -> None:
    before = "---\ncities:\n  - Kandahār\n---\nBody\n"
    assert add_cities(before, ["kandahar", "KANDAHAR"]) == (before, [])
    text, _ = add_cities(before, ["Herat", "Herāt"])
    assert cities_of(text) == ["Kandahār", "Herat"]


def test_crlf_and_bom_are_kept() -> None:
    before = "\ufeff---\r\ntitle: T\r\ncities:\r\n  - Kandahar\r\n---\r\nBody\r\n"
    text, problems = add_cities(before, ["Herat"])
    assert not [p for p in problems if p.is_error]
    assert text == "\ufeff---\r\ntitle: T\r\ncities:\r\n  - Kandahar\r\n  - Herat\r\n---\r\nBody\r\n"


def test_names_that_yaml_would_misread_are_quoted() -> None:
    assert [yaml_text(n) for n in ("Kabul", "No", "Null", "2021", "a: b", "Sana'a", " x", "#1")] == [
        "Kabul", '"No"', '"Null"', '"2021"', '"a: b"', "Sana'a", '" x"', '"#1"']
    text, _ = add_cities("---\ncities: [Kabul]\n---\n", ["No", "Sana'a"])
    assert cities_of(text) == ["Kabul", "No", "Sana'a"]
    assert yaml.safe_load(text.split("---")[1])["cities"] == ["Kabul", "No", "Sana'a"]


@pytest.mark.parametrize(("before", "message"), [
    ("no front matter\n", "missing"),
    ("---\ncities: [Kabul\n---\n", "invalid YAML"),
    ("---\ncities:\n  - name: Kabul\n---\n", "not a list of names"),
    ("---\ncities: >\n  Kabul\n---\n", "several lines"),
])
def test_problems_leave_the_file_unchanged(before: str, message: str) -> None:
    text, problems = add_cities(before, ["Ghazni"], "a.md")
    assert text == before
    assert problems and message in problems[0].message and problems[0].path == "a.md"


def test_annotate_text_plans_only_missing_cities() -> None:
    from dateline.annotate import annotate_text
    from dateline.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    source = ("---\ntitle: T  # keep\ndate: 2021-08-13\ncities:\n  - Qandahar\n---\n\n"
              "## Kabul\n\nKandahar fell. In [Herat](https://example.com/Ghazni), calm.\n")
    plan = annotate_text(source, "a.md", gazetteer)
    assert [(m.place.name, m.count) for m in plan.found] == [("Kabul", 1), ("Kandahar", 1), ("Herat", 1)]
    assert [p.name for p in plan.listed] == ["Kandahar"]
    assert [m.place.name for m in plan.additions] == ["Kabul", "Herat"] and plan.changed
    assert plan.text == source.replace("  - Qandahar\n", "  - Qandahar\n  - Kabul\n  - Herat\n")
    again = annotate_text(plan.text, "a.md", gazetteer)
    assert not again.changed and again.text == plan.text
    broken = annotate_text("---\ntitle: [\n---\n", "b.md", gazetteer)
    assert not broken.changed and broken.problems[0].field == "front matter"


def test_annotate_reports_each_file_it_cannot_change_and_does_the_rest(project: Project) -> None:
    body = "\nFighting in Kandahar.\n"
    tab = project.write("a.md", "---\ntitle:\tTab\ndate: 2021-08-13\ncities: [Herat,]\n---\n" + body)
    folded = project.write("b.md", "---\ntitle: B\ndate: 2021-08-13\ncities: >\n  Herat\n---\n" + body)
    closed = project.write("c.md", "---\ntitle: C\ndate: 2021-08-13\ncities: [Herat]\n----\n" + body)
    (project.root / "articles" / "d.md").mkdir()
    os.mkfifo(project.root / "articles" / "e.md")  # read, it would wait for a writer for ever
    unchanged = folded.read_bytes()
    result = project.run("annotate", "--write", "articles")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "articles/b.md:4: cities: is written over several lines; add the cities by hand",
        "articles/d.md: file: is not a plain file; skipped",
        "articles/e.md: file: is not a plain file; skipped"]
    assert tab.read_text(encoding="utf-8") == (
        "---\ntitle:\tTab\ndate: 2021-08-13\ncities: [Herat, Kandahar,]\n---\n" + body)
    assert closed.read_text(encoding="utf-8") == (
        "---\ntitle: C\ndate: 2021-08-13\ncities: [Herat, Kandahar]\n----\n" + body)
    assert folded.read_bytes() == unchanged
    (project.root / "articles" / "e.md").unlink()  # check refuses it too
    assert project.run("check").returncode == 0


def places_check_reads(project: Project) -> list[tuple[str, str]]:
    """(name, country code) of each place the one article's ``cities:`` means to ``check``."""
    archive, problems = load_archive(project.settings)
    assert not [p for p in problems if p.is_error]
    [story] = archive.articles
    return [(c.place.name, c.place.country_code) for c in story.cities if c.place is not None]


def test_annotate_adds_the_namesake_the_text_means_and_check_reads_it_so(project: Project) -> None:
    # Chicago and Washington make the US the article's country: Berlin must still be Berlin,
    # Germany, not North Canton, Ohio (once called Berlin), for annotate and for check.
    story = project.write("a.md", article(cities="[Chicago]", body=(
        "Officials in Washington and Berlin discussed Kabul.\n")))
    result = project.run("annotate", "--write", "articles")
    assert result.stdout.splitlines() == ["articles/a.md: added Washington (1), Berlin (1), Kabul (1)",
                                          "1 file changed."]
    assert "cities: [Chicago, Washington, Berlin, Kabul]\n" in story.read_text(encoding="utf-8")
    assert places_check_reads(project) == [("Chicago", "US"), ("Washington", "US"), ("Berlin", "DE"),
                                           ("Kabul", "AF")]


def test_a_name_the_list_gives_is_the_listed_place(project: Project) -> None:
    # check reads Washington beside Kabul as Washington, DC, and Hyderabad as India's:
    # the same names in the text are those places, whatever else the text suggests.
    washington = project.write("a.md", article(cities="[Kabul, Washington]", body=(
        "The State Department in Washington spoke. There were protests in London and Manchester.\n")))
    hyderabad = project.write("b.md", article(cities="[Kabul, Hyderabad]", body=(
        "Floods hit Hyderabad, in Sindh, Pakistan. Aid came from Kabul.\n")))
    unchanged = hyderabad.read_bytes()
    result = project.run("annotate", "--write", "articles")
    assert result.stdout.splitlines() == ["articles/a.md: added London (1), Manchester (1)",
                                          "articles/b.md: nothing to add", "1 file changed."]
    assert "cities: [Kabul, Washington, London, Manchester]\n" in washington.read_text(encoding="utf-8")
    assert hyderabad.read_bytes() == unchanged
    again = project.run("annotate", "--write", "articles")
    assert again.stdout.splitlines() == ["articles/a.md: nothing to add", "articles/b.md: nothing to add",
                                         "0 files changed."]


def test_write_reports_only_the_changes_it_makes(project: Project) -> None:
    # The text's Haidarabad is Hyderabad, Pakistan; the list's Hyderabad is India's. Adding
    # "Hyderabad" would change nothing: annotate says so and how to add it instead.
    story = project.write("a.md", article(cities="[Hyderabad]", body="Floods hit Haidarabad, in Sindh.\n"))
    unchanged = story.read_bytes()
    for _ in range(2):
        result = project.run("annotate", "--write", "articles")
        assert result.returncode == 0
        assert result.stdout.splitlines() == ["articles/a.md: nothing to add", "0 files changed."]
        assert result.stderr.splitlines() == [
            'articles/a.md:4: cities: warning: the text names Hyderabad, Pakistan ("Haidarabad"), but '
            '"Hyderabad" in cities: is another place; to add it, write "Hyderabad, Pakistan"']
        assert story.read_bytes() == unchanged
