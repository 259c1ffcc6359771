"""Loading and validation: every problem reported at once, each message exact."""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path

import pytest

import dateline.archive
from dateline.archive import load_archive
from dateline.config import Settings
from dateline.errors import Problem, Severity
from tests.projects import Project, article


def problems_of(project: Project, text: str | bytes, name: str = "story.md") -> list[str]:
    project.write(name, text)
    _archive, problems = load_archive(project.settings)
    return [str(p) for p in problems]


def test_valid_article_is_loaded_with_every_field(project: Project) -> None:
    project.write("2021/08/kandahar-falls.md", article(
        title="Kandahar falls", date="2021-08-13T22:30:00+04:30",
        cities="\n  - Kandahar\n  - Kabul", dateline="Kabul", source="Example Wire",
        url="https://example.org/story", author="[A. Writer, B. Writer]", tags="[war, cities]",
        language="en-GB", body="The *first* paragraph.\n\nSecond.\n"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    [a] = archive.articles
    assert a.path == "articles/2021/08/kandahar-falls.md"
    assert (a.title, a.slug, a.date) == ("Kandahar falls", "kandahar-falls", dt.date(2021, 8, 13))
    assert a.timestamp is not None and a.timestamp.utcoffset() == dt.timedelta(hours=4, minutes=30)
    assert [c.name for c in a.cities] == ["Kandahar", "Kabul"]
    assert a.dateline.name == "Kabul"
    assert (a.source, a.url, a.language) == ("Example Wire", "https://example.org/story", "en-GB")
    assert a.authors == ("A. Writer", "B. Writer")
    assert a.tags == ("war", "cities")
    assert a.summary == "The first paragraph."
    assert a.url_path == "articles/2021/08/13/kandahar-falls/"


def test_updated_says_when_the_article_last_changed(project: Project) -> None:
    project.write("a.md", article(date="2021-08-13", updated="2021-08-14"))
    project.write("b.md", article(date="2021-08-13T22:30:00+04:30", updated="2021-08-13T23:00:00+04:30"))
    project.write("c.md", article(date="2021-08-13T22:30:00+04:30", updated="2021-08-13"))  # that day
    project.write("d.md", article(date="2021-08-13"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    a, b, c, d = sorted(archive.articles, key=lambda found: found.path)
    assert (a.updated, a.updated_timestamp) == (dt.date(2021, 8, 14), None)
    assert b.updated == dt.date(2021, 8, 13) and b.updated_timestamp is not None
    assert b.updated_timestamp.isoformat() == "2021-08-13T23:00:00+04:30"
    assert (c.updated, c.updated_timestamp) == (dt.date(2021, 8, 13), None)
    assert (d.updated, d.updated_timestamp) == (None, None)


def test_an_update_after_publication_is_never_on_a_day_before_it(project: Project) -> None:
    # 21:00 UTC on the 13th is after 00:30 on the 14th in Kabul (20:00 UTC), but on the
    # 13th in its own zone: the page would say it was updated the day before publication.
    project.write("a.md", article(date="2021-08-14T00:30:00+04:30", updated="2021-08-13T21:00:00Z"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    [a] = archive.articles
    assert (a.date, a.updated) == (dt.date(2021, 8, 14), dt.date(2021, 8, 14))
    assert a.updated_timestamp is not None and a.updated_timestamp.isoformat() == "2021-08-13T21:00:00+00:00"


def test_dates_at_the_limits_of_the_accepted_years_are_read(project: Project) -> None:
    project.write("first.md", article(date="1000-01-01T00:00:00+05:00"))  # 0999-12-31 in UTC
    project.write("last.md", article(date="9998-12-31", updated="9998-12-31T23:59:59-12:00"))
    archive, problems = load_archive(project.settings)
    # Read, and a warning that the date is in the future (tests/test_future_dates.py).
    assert [(p.path, p.field, p.is_error) for p in problems] == [("articles/last.md", "date", False)]
    assert [(a.date, a.updated) for a in archive.articles] == [
        (dt.date(1000, 1, 1), None), (dt.date(9998, 12, 31), dt.date(9998, 12, 31))]


def test_date_with_time_keeps_the_local_calendar_day(project: Project) -> None:
    # 23:30 in Kabul on the 13th is already the 14th nowhere that matters to the reader.
    project.write("late.md", article(date="2021-08-13T23:30:00+04:30"))
    archive, _ = load_archive(project.settings)
    assert archive.articles[0].date == dt.date(2021, 8, 13)


def test_single_city_may_be_written_as_text(project: Project) -> None:
    project.write("one.md", article(cities="Herat"))
    archive, problems = load_archive(project.settings)
    assert problems == [] and [c.name for c in archive.articles[0].cities] == ["Herat"]


def test_drafts_are_checked_but_not_published(project: Project) -> None:
    project.write("draft.md", article(draft="true"))
    project.write("bad-draft.md", article(date="tomorrow", draft="true"))
    archive, problems = load_archive(project.settings)
    assert archive.articles == ()
    assert [str(p) for p in problems] == [
        'articles/bad-draft.md:3: date: "tomorrow" is not a date (use YYYY-MM-DD)']


def test_files_in_any_subfolder_and_crlf_are_read(project: Project) -> None:
    project.write("a/b/c/deep.md", article(title="Deep").replace("\n", "\r\n"))
    archive, problems = load_archive(project.settings)
    assert problems == [] and archive.articles[0].title == "Deep"


def test_summary_defaults_to_first_prose_paragraph_as_plain_text(project: Project) -> None:
    body = "## A heading\n\n![photo](x.jpg)\n\nThe **lede** with a [link](https://x.org).\n\nMore.\n"
    project.write("s.md", article(body=body))
    archive, _ = load_archive(project.settings)
    assert archive.articles[0].summary == "The lede with a link."


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(article(date='"13/08/2021"'),
                 'articles/story.md:3: date: "13/08/2021" is not a date (use YYYY-MM-DD)', id="date-format"),
    pytest.param(article(date="[2021-08-13]"),
                 "articles/story.md:3: date: expected one date (YYYY-MM-DD), found a list", id="date-list"),
    pytest.param(article(updated="{day: 2021-08-14}"),
                 "articles/story.md:5: updated: expected one date (YYYY-MM-DD), found 'key: value' pairs",
                 id="updated-mapping"),
    pytest.param(article(date="2021-13-45"),
                 'articles/story.md:3: date: "2021-13-45" is not a valid date (use YYYY-MM-DD)',
                 id="date-impossible"),
    pytest.param(article(date="2021-08-13T10:00:00"),
                 'articles/story.md:3: date: "2021-08-13T10:00:00" has a time but no offset; '
                 "add one such as +04:30 or Z, or give the date alone", id="date-naive"),
    *(pytest.param(article(**{key: value}), f'articles/story.md:{line}: {key}: "{value}" is outside the years '
                   "1000 to 9998 that an archive can hold; check the year", id=name)
      for key, value, line, name in (
          ("date", "9999-12-31T23:00:00-05:00", 3, "date-time-past-the-calendar"),
          ("date", "0001-01-01T00:00:00+05:00", 3, "date-time-before-the-calendar"),
          ("date", "9999-12-31", 3, "date-too-late"),
          ("date", "0999-12-31", 3, "date-too-early"),
          ("updated", "9999-01-01T00:00:00Z", 5, "updated-too-late"))),
    pytest.param(article(updated="2021-08-12"),
                 'articles/story.md:5: updated: "2021-08-12" is before the article\'s date (2021-08-13); '
                 "give when it was last changed, or remove updated:", id="updated-before-date"),
    pytest.param(article(date="2021-08-13T22:30:00+04:30", updated="2021-08-13T17:00:00Z"),
                 'articles/story.md:5: updated: "2021-08-13T17:00:00Z" is before the article\'s date '
                 "(2021-08-13T22:30:00+04:30); give when it was last changed, or remove updated:",
                 id="updated-before-time"),
    pytest.param(article(updated="2021-08-14T10:00:00"),
                 'articles/story.md:5: updated: "2021-08-14T10:00:00" has a time but no offset; '
                 "add one such as +04:30 or Z, or give the date alone", id="updated-naive"),
    pytest.param(article(updated="soon"),
                 'articles/story.md:5: updated: "soon" is not a date (use YYYY-MM-DD)', id="updated-text"),
    pytest.param("---\ndate: 2021-08-13\ncities: [Kabul]\n---\nBody\n",
                 "articles/story.md:1: title: missing (required)", id="title-missing"),
    pytest.param(article(title="Null"), "articles/story.md:2: title: is empty (required)", id="title-null"),
    pytest.param("---\n\n\ntitle: T\ndate: 2021-13-13\ncities: [Kabul]\n---\nBody\n",
                 'articles/story.md:5: date: "2021-13-13" is not a valid date (use YYYY-MM-DD)',
                 id="blank-lines-after-the-opening-line"),
    pytest.param(article(source='"a\x01b"'),
                 "articles/story.md:5: front matter: a control character (U+0001) is not allowed; remove it",
                 id="control-character"),
    pytest.param(article(title="2021"),
                 'articles/story.md:2: title: 2021 is read by YAML as a number; '
                 'put it in quotes ("2021") if it is text', id="title-number"),
    pytest.param(article(title="x" * 301),
                 "articles/story.md:2: title: is 301 characters long; the limit is 300", id="title-long"),
    pytest.param(article(cities="no"),
                 'articles/story.md:4: cities: no is read by YAML as false; '
                 'put it in quotes ("no") if it is text', id="city-no"),
    pytest.param(article(cities="\n  - Kabul\n  - yes"),
                 'articles/story.md:6: cities[2]: yes is read by YAML as true; '
                 'put it in quotes ("yes") if it is text', id="city-item-yes"),
    pytest.param(article(cities="[]"),
                 "articles/story.md:4: cities: is empty: list at least one place", id="cities-empty"),
    pytest.param("---\ntitle: T\ndate: 2021-08-13\n---\nBody\n",
                 "articles/story.md:1: cities: missing (required): list at least one place",
                 id="cities-missing"),
    pytest.param(article(dateline="Herat"),
                 'articles/story.md:5: dateline: "Herat" is not one of the cities; add it to cities',
                 id="dateline-elsewhere"),
    pytest.param(article(url="javascript:alert(1)"),
                 'articles/story.md:5: url: "javascript:alert(1)" is not a web address (http:// or https://)',
                 id="url-scheme"),
    pytest.param(article(url="https://example.org:99999/x"),
                 'articles/story.md:5: url: "https://example.org:99999/x" is not a web address (http:// or https://)',
                 id="url-port"),
    pytest.param(article(slug="Kandahar Falls"),
                 'articles/story.md:5: slug: "Kandahar Falls" may hold only lowercase letters a-z, '
                 "digits and single hyphens (e.g. kandahar-falls)", id="slug-charset"),
    pytest.param(article(slug="a" * 201),
                 "articles/story.md:5: slug: is 201 characters long; at most 200 (it names a file and a folder "
                 "of the site)", id="slug-long"),
    pytest.param(article(slug="index"),
                 'articles/story.md:5: slug: "index" would make the article its folder\'s own page; '
                 "choose another", id="slug-index"),
    pytest.param(article(draft="maybe"),
                 'articles/story.md:5: draft: "maybe" is not true or false', id="draft-text"),
    pytest.param(article(language="english!"),
                 'articles/story.md:5: language: "english!" is not a language tag (e.g. en, fa, ps, en-GB)',
                 id="language"),
    pytest.param("---\ntitle: T\ntitle: U\ndate: 2021-08-13\ncities: [Kabul]\n---\nBody\n",
                 "articles/story.md:3: title: appears twice (first on line 2)", id="duplicate-key"),
    pytest.param("---\ntitle: T\ndate: 2021-08-13\ncities: [Kabul]\nBody\n",
                 "articles/story.md:1: front matter: not closed: add a line '---' after the last key",
                 id="unclosed"),
    pytest.param("Just text, no front matter.\n",
                 "articles/story.md:1: front matter: missing: the file must start with a line '---'",
                 id="no-front-matter"),
    pytest.param("---\n- a\n- b\n---\nBody\n",
                 "articles/story.md:2: front matter: must be 'key: value' lines, found a list",
                 id="not-a-mapping"),
    pytest.param('---\ntitle: "open\ndate: 2021-08-13\n---\nBody\n',
                 "articles/story.md:2: front matter: invalid YAML: while scanning a quoted scalar, "
                 "found unexpected end of stream", id="yaml-syntax"),
    pytest.param(b"---\ntitle: caf\xe9\ndate: 2021-08-13\ncities: [Kabul]\n---\n",
                 "articles/story.md:2: encoding: byte 0xE9 at position 14 is not UTF-8; save the file as UTF-8",
                 id="latin-1"),
])
def test_each_mistake_has_one_exact_message(project: Project, text: str | bytes, expected: str) -> None:
    assert problems_of(project, text) == [expected]


def test_byte_order_mark_is_accepted_with_a_warning(project: Project) -> None:
    project.write("bom.md", b"\xef\xbb\xbf" + article().encode())
    archive, problems = load_archive(project.settings)
    assert len(archive.articles) == 1
    assert [(str(p), p.severity) for p in problems] == [(
        "articles/bom.md:1: encoding: warning: file starts with a UTF-8 byte-order mark; "
        "it was ignored (save as UTF-8 without BOM)", Severity.WARNING)]


def test_unknown_key_is_a_warning_with_a_suggestion(project: Project) -> None:
    assert problems_of(project, article(titel="Oops", sauce="Wire")) == [
        "articles/story.md:5: titel: warning: unknown key, ignored; did you mean 'title'?",
        "articles/story.md:6: sauce: warning: unknown key, ignored; did you mean 'source'?",
    ]


def test_every_problem_in_every_file_is_reported_at_once(project: Project) -> None:
    project.write("a.md", article(date="2021-02-30"))
    project.write("b.md", "---\ntitle: [x]\ndate: nope\ncities: [Kabul]\n---\nBody\n")
    project.write("c.md", article(title="Fine", body=""))
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == [
        'articles/a.md:3: date: "2021-02-30" is not a valid date (use YYYY-MM-DD)',
        "articles/b.md:2: title: expected text, found a list",
        'articles/b.md:3: date: "nope" is not a date (use YYYY-MM-DD)',
        "articles/c.md:1: body: warning: is empty: the article page will show only its front matter",
    ]


def test_two_articles_on_one_url_name_both_files(project: Project) -> None:
    project.write("2021/one.md", article(slug="fall-of-kabul"))
    project.write("2021/two.md", article(title="Other", slug="fall-of-kabul"))
    project.write("Fall-Of-Kabul.md", article(title="Third"))
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == [
        "articles/2021/two.md:1: slug: URL /articles/2021/08/13/fall-of-kabul/ is already taken by "
        "articles/2021/one.md; set a different slug: in one of them",
        "articles/Fall-Of-Kabul.md:1: slug: URL /articles/2021/08/13/fall-of-kabul/ is already taken by "
        "articles/2021/one.md; set a different slug: in one of them",
    ]


def test_a_file_name_too_long_for_an_address_is_an_error_of_check(project: Project) -> None:
    project.write(f"{'kandahar-' * 24}.md", article())
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == [
        f"articles/{'kandahar-' * 24}.md:1: slug: the file name gives a slug of 215 characters; at most 200 "
        "(it names a file and a folder of the site): rename the file, or add a shorter slug:"]


def test_an_index_md_takes_its_folders_name_as_in_a_page_bundle(project: Project) -> None:
    project.write("2021/kandahar-falls/index.md", article(title="Kandahar falls"))
    project.write("2021/Index.md", article(title="Top"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    assert sorted(a.url_path for a in archive.articles) == [
        "articles/2021/08/13/2021/", "articles/2021/08/13/kandahar-falls/"]


def test_unknown_city_is_an_error_with_suggestions_from_the_gazetteer(project: Project) -> None:
    project.write("typo.md", article(title="Typo", cities="[Kabul, Kandahr]"))
    archive, problems = load_archive(project.settings)
    assert archive.articles == ()
    assert [str(p) for p in problems] == [
        'articles/typo.md:4: cities: "Kandahr" is not a place the gazetteer knows; did you mean '
        '"Kandahar, Afghanistan" or "Kandari, India" or "Kanda, Japan"? '
        "(A place it lacks can be added to places.yml.)"]


def test_html_left_open_or_closed_twice_is_a_warning_with_its_line(project: Project) -> None:
    project.write("a.md", article(body=(
        "<div>\n\n<table><tr><td>cell\n\nText, `<div>` in code, <b>bold</b>, <span>a<br>b</span>.\n\n"
        "```html\n<table>\n```\n")))
    project.write("b.md", article(title="B", body="<div><em>left open</div>\n\nThe end.</div>\n"))
    project.write("c.md", article(title="C", body="<details>\n<summary>More</summary>\n\nText.\n\n</details>\n"))
    project.write("d.md", article(title="D", body="Pasted: <![foo[ bar ]]> and more.\n"))  # no traceback
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == [
        "articles/a.md:7: body: warning: <div> is never closed, so what follows it on the page would be "
        "inside it; close it (</div>)",
        "articles/a.md:9: body: warning: <table> is never closed, so what follows it on the page would be "
        "inside it; close it (</table>)",
        "articles/b.md:7: body: warning: <em> is never closed, so what follows it on the page would be "
        "inside it; close it (</em>)",
        "articles/b.md:9: body: warning: </div> closes nothing the article opened, and would close a part "
        "of the page around it; remove it"]


def test_a_rare_city_that_looks_like_a_common_one_is_a_warning(project: Project) -> None:
    for day in (13, 14, 15):
        project.write(f"ghazni-{day}.md", article(title=f"G{day}", date=f"2021-08-{day}", cities="[Ghazni]"))
    project.write("x.md", article(title="X", cities="[Kabul, Ghanzi]"))
    archive, problems = load_archive(project.settings)
    assert len(archive.articles) == 4  # a warning: the place may be meant
    assert [str(p) for p in problems] == [
        'articles/x.md:4: cities: warning: "Ghanzi" is Ghanzi, Botswana, named in 1 article; did you mean '
        '"Ghazni" (Ghazni, Afghanistan, in 3)? If so, write "Ghazni"; if not, write "Ghanzi, Botswana" to say so']


def test_an_image_without_alternative_text_is_a_warning_with_its_line(project: Project) -> None:
    project.write("a.md", article(body=(
        "![](map.png) and ![The airport](airport.png)\n\n<img src=\"b.png\"> <img alt=\"\" src=\"rule.png\">\n\n"
        "`![](in-code.png)`\n")))
    _, problems = load_archive(project.settings)
    said = ("body: warning: an image without alternative text (![words for it](…), or alt=\"…\"): readers "
            "who cannot see it, and search engines, get nothing")
    assert [str(p) for p in problems if "image" in p.message] == [
        f"articles/a.md:7: {said}", f"articles/a.md:9: {said}"]


def test_several_cities_written_as_one_name_are_told_to_be_a_list(project: Project) -> None:
    project.write("a.md", article(cities="Kabul, Herat, Kandahar"))
    project.write("b.md", article(title="B", cities="[Kabul, Herat]"))
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == [
        'articles/a.md:4: cities: "Kabul, Herat, Kandahar" names 3 places; write them as a list: '
        "[Kabul, Herat, Kandahar]"]


def test_every_file_naming_an_unknown_city_gets_its_error(project: Project) -> None:
    for name in ("one", "two", "three"):
        project.write(f"{name}.md", article(title=name, cities="[Kabul, Kandahr]"))
    project.write("fine.md", article(title="Fine", cities="[Kabul, Kandahar]"))
    archive, problems = load_archive(project.settings)
    assert [a.title for a in archive.articles] == ["Fine"]
    assert [(p.path, p.line) for p in problems] == [
        ("articles/one.md", 4), ("articles/three.md", 4), ("articles/two.md", 4)]


def test_country_is_not_a_city(project: Project) -> None:
    assert problems_of(project, article(cities="[Qatar]")) == [
        'articles/story.md:4: cities: "Qatar" is a country (Qatar), not a city; name the city the article is about']


def test_spellings_aliases_and_scripts_share_one_city_page(project: Project) -> None:
    for day, name in enumerate(("Kandahar", "Kandahār", "Qandahar", "قندهار", "KANDAHAR"), 10):
        project.write(f"k{day}.md", article(title=f"K{day}", date=f"2021-08-{day}", cities=f"[{name}]"))
    project.write("m.md", article(title="M", cities="[Mazār-e Sharīf]"))
    project.write("n.md", article(title="N", date="2021-08-14", cities="[mazar-i-sharif]"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    assert list(archive.cities) == ["kandahar", "mazar-e-sharif"]
    kandahar, mazar = archive.cities.values()
    assert (kandahar.name, len(kandahar.articles)) == ("Kandahar", 5)
    assert (mazar.name, len(mazar.articles)) == ("Mazar-e Sharif", 2)
    assert kandahar.place is not None and kandahar.place.country == "Afghanistan"


def test_ambiguous_name_is_decided_by_the_articles_other_places_and_reported_once(project: Project) -> None:
    project.write("a.md", article(title="A", cities="[Kabul, Faizabad]"))
    project.write("b.md", article(title="B", date="2021-08-14", cities="[Kabul, Faizabad]"))
    project.write("c.md", article(title="C", date="2021-08-15", cities="[Hyderabad]"))
    archive, problems = load_archive(project.settings)
    assert [c.place.country for c in archive.articles[0].cities if c.place] == ["Afghanistan", "Afghanistan"]
    assert [str(p) for p in problems] == [
        'articles/a.md:4: cities: warning: "Faizabad" could be several places; chose Fayzabad, Afghanistan '
        "(the country of the article's other places) over Fyzabad, India. To choose another, write "
        '"Faizabad, India" or pin "Faizabad" in places.yml',
        'articles/c.md:4: cities: warning: "Hyderabad" could be several places; chose Hyderabad, India '
        '(most populous) over Hyderabad, Pakistan. To choose another, write "Hyderabad, Pakistan" or pin '
        '"Hyderabad" in places.yml',
    ]


def test_places_file_pins_a_name_and_adds_a_place(project: Project) -> None:
    (project.root / "places.yml").write_text(
        "places:\n  - name: Bagram\n    country: AF\n    lat: 34.946\n    lon: 69.265\n"
        "pins:\n  Hyderabad: Hyderabad, Pakistan\n")
    project.write("a.md", article(cities="[Bagram, Hyderabad]"))
    archive, problems = load_archive(project.settings)
    assert problems == []
    assert [(c.name, c.place.country if c.place else "") for c in archive.cities.values()] == [
        ("Bagram", "Afghanistan"), ("Hyderabad", "Pakistan")]


def test_link_leading_outside_articles_is_refused(project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text(article())
    (project.root / "articles" / "linked.md").symlink_to(outside)
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == ["articles/linked.md: link: leads outside articles/; refused"]


def test_which_files_are_articles(project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    project.write("2021/a.md", article(title="A"))
    project.write("2021/b.MARKDOWN", article(title="B"))
    project.write("2021/inside-link-target.md", article(title="C"))
    (project.root / "articles" / "2021" / "c-link.md").symlink_to("inside-link-target.md")
    project.write("notes.txt", "A plain-text draft.")
    project.write("2021/image.png", "not text")
    project.write(".hidden/d.md", article(title="Hidden"))
    project.write("2021/.e.md", article(title="Hidden too"))
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "f.md").write_text(article(title="Elsewhere"))
    (project.root / "articles" / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    archive, problems = load_archive(project.settings)
    assert sorted(a.path for a in archive.articles) == [
        "articles/2021/a.md", "articles/2021/b.MARKDOWN", "articles/2021/c-link.md",
        "articles/2021/inside-link-target.md"]
    assert [str(p) for p in problems if p.field in ("file", "link")] == [
        "articles/linked-folder: link: linked folders are not followed; move the articles here",
        "articles/notes.txt: file: warning: not an article (articles end in .md); skipped"]


def test_a_link_leading_nowhere_is_refused_with_every_other_problem(project: Project) -> None:
    project.write("fine.md", article())
    project.write("bad.md", article(date="soon"))
    (project.root / "articles" / "gone-link.md").symlink_to("gone.md")
    (project.root / "articles" / "loop.md").symlink_to("loop.md")
    archive, problems = load_archive(project.settings)
    assert [a.path for a in archive.articles] == ["articles/fine.md"]
    assert [str(p) for p in problems] == [
        'articles/bad.md:3: date: "soon" is not a date (use YYYY-MM-DD)',
        'articles/gone-link.md: link: leads nowhere ("gone.md" does not exist); refused',
        "articles/loop.md: link: leads nowhere (a loop of links); refused"]
    assert all(p.is_error for p in problems)


def test_a_pipe_named_like_an_article_is_refused_not_read(project: Project) -> None:
    os.mkfifo(project.root / "articles" / "pipe.md")  # reading it would wait for a writer forever
    _, problems = load_archive(project.settings)
    assert [str(p) for p in problems] == ["articles/pipe.md: file: is not a plain file (a pipe or a device); refused"]


def test_a_file_gone_or_unreadable_when_it_is_read_is_a_problem(project: Project,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("fine.md", article())
    project.write("gone.md", article(title="Gone"))
    project.write("locked.md", article(title="Locked"))
    listed, read = dateline.archive.article_files, Path.read_bytes

    def list_then_remove(settings: Settings) -> tuple[list[Path], list[Problem]]:
        found = listed(settings)
        (project.root / "articles" / "gone.md").unlink()  # as an editor saving by renaming
        return found

    def read_unless_locked(file: Path) -> bytes:
        if file.name == "locked.md":  # the tests may run as root, who may read any file
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return read(file)

    monkeypatch.setattr(dateline.archive, "article_files", list_then_remove)
    monkeypatch.setattr(Path, "read_bytes", read_unless_locked)
    archive, problems = load_archive(project.settings)
    assert [a.path for a in archive.articles] == ["articles/fine.md"]
    assert [str(p) for p in problems] == [
        "articles/gone.md: file: was removed while the articles were read; check again",
        "articles/locked.md: file: cannot be read (permission denied); check its permissions"]
    assert all(p.is_error for p in problems)
