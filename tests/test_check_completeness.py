"""``dateline check`` reports every problem in one run: a link leading nowhere in an
article whose front matter has errors too, and an ``index.md`` that names no article."""

from __future__ import annotations

import pytest

from dateline.archive import load_archive
from dateline.build import check
from dateline.errors import ValidationFailed
from dateline.frontmatter_yaml import parse
from dateline.load import validate
from tests.projects import Project, article

GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def messages(project: Project) -> list[str]:
    return [str(problem) for problem in load_archive(project.settings)[1]]


def test_a_link_leading_nowhere_is_reported_with_its_articles_front_matter_errors(project: Project) -> None:
    project.write("2021/date.md", article(date="2021-13-40", body="See [the report](report.md).\n"))
    project.write("2021/slug.md", article(slug="Not A Slug", body="![The airport](airport.png)\n"))
    project.write("2021/place.md", article(cities="[Kandahr]", body="[Before](../2020/gone.md)\n"))
    project.write("2021/title.md", "---\ndate: 2021-08-13\ncities: [Kabul]\n---\n\n<a href='x.pdf'>X</a>\n")
    for _run in range(2):  # the second from the read cache
        run = project.run("check")
        assert run.returncode == 1
        lines = run.stderr.splitlines()
        # The gazetteer's message, its suggestions aside.
        assert lines[2].startswith('articles/2021/place.md:4: cities: "Kandahr" is not a place the gazetteer '
                                   'knows; did you mean "Kandahar, Afghanistan"')
        assert lines[:2] + lines[3:] == [
            'articles/2021/date.md:3: date: "2021-13-40" is not a valid date (use YYYY-MM-DD)',
            'articles/2021/date.md:7: body: links to "report.md" (articles/2021/report.md): no such article '
            "(a page of the site is linked by its address: /cities/kabul/)",
            'articles/2021/place.md:7: body: links to "../2020/gone.md" (articles/2020/gone.md): no such article '
            "(a page of the site is linked by its address: /cities/kabul/)",
            'articles/2021/slug.md:5: slug: "Not A Slug" may hold only lowercase letters a-z, digits and '
            "single hyphens (e.g. kandahar-falls)",
            'articles/2021/slug.md:8: body: links to "airport.png" (articles/2021/airport.png): no such file',
            "articles/2021/title.md:1: title: missing (required)",
            'articles/2021/title.md:6: body: links to "x.pdf" (articles/2021/x.pdf): no such file',
            "8 errors; nothing was written.",
        ]
    # build checks the same way, and writes nothing.
    run = project.run("build")
    assert run.returncode == 1
    assert 'articles/2021/date.md:7: body: links to "report.md"' in run.stderr
    assert run.stderr.splitlines()[-1] == "8 errors; nothing was written."
    assert not (project.docs / "articles").exists() and not project.site.exists()


def test_only_what_holds_whatever_the_front_matter_says_is_reported(project: Project) -> None:
    project.write("2021/fine.md", article(title="Fine"))
    project.write("2021/plan.md", article(title="Plan", draft="true"))
    project.write("2021/photo.gif", GIF)
    links = ("[Below](#casualties), [here](bad.md#casualties), [fine](fine.md#nowhere), ![A photo](photo.gif), "
             "[Herat](/cities/herat/), [gone](gone.md)\n\n## Casualties\n")
    project.write("2021/bad.md", article(date="nope", body=links))
    project.write("2021/to-draft.md", article(title="", body="[The plan](plan.md)\n"))
    project.write("2021/draft.md", article(date="nope", draft="true", body="[gone](gone.md)\n"))
    project.write("2021/maybe.md", article(date="nope", draft="perhaps", body="[gone](gone.md)\n"))
    project.write("2021/broken-yaml.md", "---\ntitle: [x\ndate: 2021-08-13\n---\n\n[gone](gone.md)\n")
    found = [m for m in messages(project) if ": body: " in m]
    # Read from the article's file, which its errors leave known, links to files that are
    # not there, and to a draft from an article that is none, lead nowhere. Its own
    # file's page, its anchors and the pages its places make are unknown until it is
    # mended; a draft's links are not judged, nor those of one that may be a draft.
    assert found == [
        'articles/2021/bad.md:7: body: links to "gone.md" (articles/2021/gone.md): no such article '
        "(a page of the site is linked by its address: /cities/kabul/)",
        'articles/2021/to-draft.md:7: body: links to "plan.md" (articles/2021/plan.md): a draft, which the site '
        "leaves out; publish it or remove the link",
    ]


def test_an_index_md_directly_in_the_articles_folder_names_no_article(project: Project) -> None:
    project.write("index.md", article(title="The fall of Kabul"))
    project.write("Index.markdown", article(title="The fall of Herat"))
    project.write("2021/kandahar-falls/index.md", article(title="Kandahar falls"))
    run = project.run("check")
    assert run.returncode == 1
    why = ("directly in articles/ names no article (an index.md takes its folder's name, as in "
           "kandahar-falls/index.md); name the file after the article (kandahar-falls.md), or add slug:")
    assert run.stderr.splitlines() == [
        f'articles/Index.markdown:1: slug: "Index.markdown" {why}',
        f'articles/index.md:1: slug: "index.md" {why}',
        "2 errors; nothing was written.",
    ]
    project.write("index.md", article(title="The fall of Kabul", slug="fall-of-kabul"))
    (project.root / "articles" / "Index.markdown").unlink()
    archive, problems = load_archive(project.settings)
    assert problems == []
    assert sorted(a.url_path for a in archive.articles) == [
        "articles/2021/08/13/fall-of-kabul/", "articles/2021/08/13/kandahar-falls/"]


def test_an_index_md_in_a_project_whose_articles_folder_is_its_own_is_named_too() -> None:
    parsed, _ = parse(article(), "index.md")
    assert parsed is not None
    _article, problems = validate("index.md", parsed.fields, parsed.body, "index", top_level=True)
    assert [str(p) for p in problems] == [
        'index.md:1: slug: "index.md" directly in the articles folder names no article (an index.md takes its '
        "folder's name, as in kandahar-falls/index.md); name the file after the article (kandahar-falls.md), "
        "or add slug:"]


def test_a_drafts_link_leading_nowhere_is_a_warning_until_it_is_published(project: Project) -> None:
    """A draft is checked too, as the README says, but is work in progress."""
    project.write("2021/other.md", article(title="Other", draft="true"))
    project.write("2021/plan.md", article(title="Plan", draft="true",
                                          body="[gone](gone.md) and [the other draft](other.md)\n"))
    archive, problems = check(project.settings)
    assert [str(p) for p in problems] == [
        'articles/2021/plan.md:8: body: warning: links to "gone.md" (articles/2021/gone.md): no such article '
        "(a page of the site is linked by its address: /cities/kabul/) (a draft: an error once it is published)"]
    edit = project.root / "articles" / "2021" / "plan.md"
    edit.write_text(edit.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        check(project.settings)
    assert [p.message.split(":")[0] for p in failed.value.problems if p.is_error] == [
        'links to "gone.md" (articles/2021/gone.md)', 'links to "other.md" (articles/2021/other.md)']
