"""Links in an article's body to other articles and to files beside it."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from dateline.bodylinks import in_page_links, meant, relative_links, resolve
from dateline.build import build
from dateline.errors import ValidationFailed
from dateline.model import BodyLink
from tests.projects import Project, article
from tests.test_incremental import assert_same_site, clean_build_of

GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def targets(body: str) -> list[tuple[str, int]]:
    return [(link.target, link.line) for link in relative_links(body, body_line=7)]


def test_relative_links_are_found_where_markdown_makes_links() -> None:
    body = (
        "See [the day before](kabul-braces.md#headline) and ![The airport](<img/the airport.jpg> \"title\").\n"
        "Also [a report][r], [the wire](https://example.org/x.md), [up](#top), [cdn](//example.org/x.png),\n"
        "[the site](/cities/kabul/), [escaped](a\\_b.pdf) and [parens](map(1).png).\n"
        "\n"
        "[r]: ../2020/report.pdf\n"
        "\n"
        "Code is text: `[x](code.md)` and\n"
        "\n"
        "```markdown\n"
        "[y](fenced.md)\n"
        "```\n"
        "\n"
        "    [z](indented.md)\n"
        "\n"
        "<figure><img alt=\"x\" src=\"photos/p&amp;q.gif\"><figcaption><a href='b.md'>B</a>, "
        "<a href=\"https://example.org/\">web</a>, <img src=\"data:image/gif,x\"></figcaption></figure>\n"
    )
    assert targets(body) == [("kabul-braces.md#headline", 7), ("img/the airport.jpg", 7), ("/cities/kabul/", 9),
                             ("a\\_b.pdf", 9), ("map(1).png", 9), ("../2020/report.pdf", 11),
                             ("photos/p&amp;q.gif", 21), ("b.md", 21)]
    assert [link.html for link in relative_links(body)][-2:] == [True, True]
    assert relative_links("No links at all.\n") == ()
    # Read as browsers read addresses: tabs, line breaks and the spaces around go.
    assert relative_links('<a href="  java&#x09;script:alert(1)">x</a> [y]( \tmailto:a@b.org)\n') == ()
    # A footnote of one word is a footnote (the footnotes extension), not a link to a file.
    assert relative_links("As reported.[^1]\n\n[^1]: Ibid.\n") == ()
    # Targets Python-Markdown reads although CommonMark would not: spaces without
    # brackets, HTML attributes without quotes.
    assert targets('![x](photo one.jpg) [y](a b.md "Title")\n\n<img src=p.gif alt=x> <a href=b.md>b</a>\n') == \
        [("photo one.jpg", 7), ("a b.md", 7), ("p.gif", 9), ("b.md", 9)]


def test_a_target_is_read_from_the_articles_folder() -> None:
    assert resolve("articles/2021/08/a.md", "b.md#headline") == ("articles/2021/08/b.md", "#headline")
    assert resolve("articles/2021/08/a.md", "../../2020/the%20report.pdf?page=2") == (
        "articles/2020/the report.pdf", "?page=2")
    # As Markdown reads a target (escapes undone), and HTML (entities undone).
    assert meant(BodyLink(0, 0, "a\\_b.pdf", 1)) == "a_b.pdf"
    assert meant(BodyLink(0, 0, "a&amp;b.png", 1, html=True)) == "a&b.png"
    # Browsers drop the spaces around an address written in HTML.
    assert [meant(link) for link in relative_links('<img src=" photo.gif\n" alt="">\n')] == ["photo.gif"]


def page(project: Project, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((project.site / url_path / "index.html").read_text(encoding="utf-8"), "html.parser")


def followed(project: Project, url_path: str, href: str) -> Path:
    """The site file a reader following ``href`` on the page at ``url_path`` gets."""
    path = unquote(urlsplit(urljoin(f"http://site/{url_path}", href)).path.lstrip("/"))
    return project.site / (f"{path}index.html" if path.endswith("/") or not path else path)


@pytest.mark.slow
def test_links_lead_to_the_article_and_the_files_the_writer_linked_to(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    project.write("2020/report.md", article("The report", date="2020-05-01"))
    project.write("2021/08/photos/the airport.gif", GIF)
    project.write("2021/08/ministry.pdf", b"%PDF-1.4 not really\n")
    project.publish_at()  # under /archive/, as a project's site on GitHub Pages
    project.write("2021/08/kandahar.md", article(
        "Kandahar falls", body="As [the report](../../2020/report.md#headline) warned. [Kabul](/cities/kabul/),\n"
                               "[home](/) and [the cities](/cities/index.md).\n\n"
                               "<p><img alt=\"In HTML\" src=\" photos/the airport.gif \"> "
                               "<a href=\"../../2020/report.md\">The report, in HTML</a></p>\n\n"
                               "![The airport](<photos/the airport.gif>)\n\n[The statement][s].\n\n"
                               "![Unbracketed](photos/the airport.gif) <a href=../../2020/report.md>Unquoted</a>\n\n"
                               "[s]: ministry.pdf\n"))
    build(project.settings)
    here = "articles/2021/08/13/kandahar/"
    content = page(project, here).select_one("article")
    assert content is not None
    report = content.find("a", string="the report")
    assert report is not None
    assert followed(project, here, str(report["href"])) == project.site / "articles/2020/05/01/report/index.html"
    assert str(report["href"]).endswith("#headline")
    image = content.find("img", alt="The airport")
    assert image is not None
    assert followed(project, here, str(image["src"])).read_bytes() == GIF
    statement = content.find("a", string="The statement")
    assert statement is not None
    assert followed(project, here, str(statement["href"])).read_bytes() == b"%PDF-1.4 not really\n"
    # Written in HTML, where MkDocs leaves addresses as they are.
    in_html = content.find("img", alt="In HTML")
    assert in_html is not None and followed(project, here, str(in_html["src"])).read_bytes() == GIF
    unbracketed = content.find("img", alt="Unbracketed")
    assert unbracketed is not None and followed(project, here, str(unbracketed["src"])).read_bytes() == GIF
    unquoted = content.find("a", string="Unquoted")
    assert unquoted is not None
    assert followed(project, here, str(unquoted["href"])) == project.site / "articles/2020/05/01/report/index.html"
    report_html = content.find("a", string="The report, in HTML")
    assert report_html is not None
    assert followed(project, here, str(report_html["href"])) == project.site / "articles/2020/05/01/report/index.html"
    # From the archive's root, wherever the archive is published.
    for text, file in (("Kabul", "cities/kabul/index.html"), ("home", "index.html"),
                       ("the cities", "cities/index.html")):
        found = content.find("a", string=text)
        assert found is not None and not str(found["href"]).startswith("/"), text
        assert followed(project, here, str(found["href"])) == project.site / file, text

    # A new photo under the same name is published; a file no longer linked to is not.
    replaced = project.root / "articles/2021/08/photos/the airport.gif"
    replaced.write_bytes(GIF.replace(b"\xff\xff\xff", b"\x00\x00\x00"))
    os.utime(replaced, ns=(1, 1))
    article_file = project.root / "articles/2021/08/kandahar.md"
    article_file.write_text(article_file.read_text(encoding="utf-8").replace("[The statement][s].", "The statement."),
                            encoding="utf-8")
    result = build(project.settings)
    assert result.rendered is not None  # a build of what changed
    assert followed(project, here, str(image["src"])).read_bytes() == replaced.read_bytes()
    assert not list(project.site.rglob("ministry.pdf")) and not list(project.docs.rglob("ministry.pdf"))
    assert_same_site(project.site, clean_build_of(project, tmp_path_factory.mktemp("clean")))


@pytest.mark.slow
def test_an_article_linked_to_that_moves_takes_the_link_with_it(
        project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    project.write("b.md", article("B", date="2021-08-14"))
    project.write("a.md", article("A", body="See [B](b.md).\n"))
    build(project.settings)
    (project.root / "articles/b.md").write_text(article("B", date="2021-08-20"), encoding="utf-8")
    build(project.settings)
    link = page(project, "articles/2021/08/13/a/").find("a", string="B")
    assert link is not None
    assert followed(project, "articles/2021/08/13/a/", str(link["href"])) == \
        project.site / "articles/2021/08/20/b/index.html"
    assert_same_site(project.site, clean_build_of(project, tmp_path_factory.mktemp("clean")))


def test_links_that_lead_nowhere_are_errors_naming_the_line_and_nothing_is_written(project: Project) -> None:
    project.write("2021/x.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    project.write("2021/.private/p.png", GIF)
    project.write("2021/draft.md", article("Draft", draft="true"))
    project.write("2021/a.md", article("A", body=(
        "Fine: [web](https://example.org/a.md), [top](#headline).\n\n"
        "[gone](gone.png) [draft](draft.md) [notes](notes.md)\n"
        "[out](../../mkdocs.yml) [svg](x.svg) [hidden](.private/p.png) [exe](run.exe)\n")))
    (project.root / "articles/2021/run.exe").write_bytes(b"MZ")
    (project.root / "secret.png").write_bytes(GIF)
    (project.root / "articles/2021/linked.png").symlink_to(project.root / "secret.png")
    with (project.root / "articles/2021/a.md").open("a", encoding="utf-8") as body:
        body.write("[linked](linked.png)\n<img alt=\"x\" src=\"nowhere.png\">\n[spaced](gone file.png)\n")
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    assert [(p.path, p.line, p.field) for p in failed.value.problems if p.is_error] == \
        [("articles/2021/a.md", 9, "body")] * 3 + [("articles/2021/a.md", 10, "body")] * 4 + \
        [("articles/2021/a.md", 11, "body"), ("articles/2021/a.md", 12, "body"), ("articles/2021/a.md", 13, "body")]
    messages = "\n".join(str(p) for p in failed.value.problems)
    assert 'links to "gone.png" (articles/2021/gone.png): no such file' in messages
    assert 'links to "draft.md" (articles/2021/draft.md): a draft, which the site leaves out' in messages
    assert 'links to "notes.md" (articles/2021/notes.md): no such article' in messages
    assert 'links to "../../mkdocs.yml" (mkdocs.yml): outside articles/' in messages
    assert 'links to "x.svg" (articles/2021/x.svg): SVG, HTML and XML files can carry scripts' in messages
    assert 'links to ".private/p.png" (articles/2021/.private/p.png): a hidden file or folder' in messages
    assert 'links to "run.exe" (articles/2021/run.exe): files of this kind are not published' in messages
    assert 'links to "linked.png" (articles/2021/linked.png): a link leading outside articles/' in messages
    assert 'links to "nowhere.png" (articles/2021/nowhere.png): no such file' in messages  # in HTML
    assert 'links to "gone file.png" (articles/2021/gone file.png): no such file' in messages
    assert not (project.docs / "articles").exists() and not project.site.exists()


def test_anchors_are_checked_against_the_ids_the_article_will_have(project: Project) -> None:
    """What MkDocs' strict build would stop at after writing the pages (naming the page,
    not the line) is found by check, with the line: and nothing MkDocs accepts is refused."""
    project.write("2021/early.md", article("Early", date="2021-08-12", body="## Casualties\n\nSome.\n"))
    an = project.write("2021/an.md", article("Anchors", body=(
        "[top](#headline), [heading](#the-airport), [custom](#custom), [note](#fn:1)[^1],\n"
        "[written in HTML](#rawid), [early](early.md#casualties), [its title](early.md#headline).\n\n"
        "## The airport\n\n## Another {#custom}\n\n<a id=\"rawid\"></a>Text.\n\n"
        "`[in code](#nope)`\n\n    [in an indented code block](#elsewhere)\n\n[^1]: A note.\n")))
    build(project.settings)  # MkDocs agrees: every anchor is there
    with an.open("a", encoding="utf-8") as more:
        more.write("\nSee [below](#nope) and [early](early.md#nope).\n")
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    assert [str(p) for p in failed.value.problems if p.is_error] == [
        'articles/2021/an.md:22: body: links to "#nope": this article has no such anchor '
        "(it has #headline, #fnref:1, #the-airport, #custom, #rawid, …)",
        'articles/2021/an.md:22: body: links to "early.md#nope": articles/2021/early.md has no such anchor '
        "(it has #headline, #casualties)"]


def test_links_within_the_page_are_found_outside_code_spans() -> None:
    body = "[a](#one) `[b](#two)` <a href=\"#three\">c</a> [d](other.md#four) [e](#)\n\n    [f](#five)\n"
    # Nor the indented code block's: the site shows it as code.
    assert [(link.target, link.line) for link in in_page_links(body, 7)] == [("#one", 7), ("#three", 7)]


def test_links_from_the_root_into_the_generated_pages_are_checked(project: Project) -> None:
    """A page nobody made would be found by the audit only after the build (a feed that
    is not there would stop MkDocs halfway): check names both with the line first."""
    project.publish_at()  # with site_url, so the feeds are made
    linking = project.write("2021/r.md", article("Root", body=(
        "[Kabul](/cities/kabul/), [its feed](/cities/kabul/feed.xml), [the feed](/feed.xml),\n"
        "[search](/search/?tag=x), [home](/), [the day](/dates/2021/08/13/), [cities](/cities/),\n"
        "[style](/stylesheets/dateline.css), [itself](/articles/2021/08/13/r/), [bare](/cities/kabul),\n"
        '<a href="/cities/kabul/index.html">as a file</a>.\n')))
    build(project.settings)  # MkDocs and the audit agree: each leads somewhere
    with linking.open("a", encoding="utf-8") as more:
        more.write("\n[gone](/cities/herat/), [no such day](/dates/2020/01/01/), ![map](/assets/map.png).\n")
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    # Outside the generated pages (/assets/…), MkDocs and the audit judge, knowing the
    # theme's files and their own.
    assert [str(p) for p in failed.value.problems if p.is_error] == [
        f'articles/2021/r.md:12: body: links to "{target}" (from the archive\'s root): the site has no '
        "such page (a page is linked by its address: /cities/kabul/)"
        for target in ("/cities/herat/", "/dates/2020/01/01/")]
    # Beside a relative link that leads nowhere, both are told (once a traceback).
    with linking.open("a", encoding="utf-8") as more:
        more.write("\n[nowhere](nowhere.md)\n")
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    assert [(p.line, p.message.split(":")[0]) for p in failed.value.problems if p.is_error] == [
        (12, 'links to "/cities/herat/" (from the archive\'s root)'),
        (12, 'links to "/dates/2020/01/01/" (from the archive\'s root)'),
        (14, 'links to "nowhere.md" (articles/2021/nowhere.md)')]


def test_anchors_are_judged_as_mkdocs_renders_even_without_toc_listed(project: Project) -> None:
    """MkDocs adds toc (and tables, fenced_code) to every project: headings have ids."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - toc:\n      permalink: true\n", ""))
    assert "toc" not in project.settings.extensions()[0]
    project.write("2021/a.md", article("A", body="[below](#casualties)\n\n## Casualties\n\nSome.\n"))
    build(project.settings)


def test_a_body_too_deep_to_render_is_reported_once_even_with_an_anchor_link(project: Project) -> None:
    deep = "Top [link](#headline).\n\n" + "<div markdown>\n\n" * 400 + "x\n" + "\n</div>" * 400 + "\n"
    project.write("2021/deep.md", article("Deep", body=deep))
    project.write("2021/other.md", article("Other", date="2021-08-14", body="[it](deep.md#headline)\n"))
    with pytest.raises(ValidationFailed) as failed:
        build(project.settings)
    assert [(p.path, p.field, p.message.split(" (")[0]) for p in failed.value.problems if p.is_error] == [
        ("articles/2021/deep.md", "body", "is nested too deeply for Markdown to render")]
