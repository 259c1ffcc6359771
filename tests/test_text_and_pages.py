"""Slugs, escaping and the Markdown that pages are made of."""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import sys
from concurrent.futures import ThreadPoolExecutor

import markdown
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dateline.archive import group
from dateline.model import Article, CityRef
from dateline.pagekit import relative, text_direction
from dateline.pages import demote_headings, front_matter, link, render, render_article
from dateline.text import escape_markdown_inline, markdown_to_text, slugify


@pytest.mark.parametrize(("name", "slug"), [
    ("Mazār-e Sharīf", "mazar-e-sharif"),
    ("KANDAHAR", "kandahar"),
    ("Lashkar Gah", "lashkar-gah"),
    ("  São Paulo!! ", "sao-paulo"),
    ("Kunduz (city)", "kunduz-city"),
    ("قندهار", "قندهار"),
])
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "*bold* _em_ [link](javascript:alert(1)) `code`",
    "# not a heading",
    "1. not a list",
    "<img src=x onerror=alert(1)>",
    "&amp; stays &amp;",
])
def test_escaped_text_renders_as_the_same_literal_text(hostile: str) -> None:
    html = markdown.markdown(escape_markdown_inline(hostile))
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<em>" not in html
    assert html.startswith("<p>")


def test_front_matter_title_is_html_escaped_yaml() -> None:
    title = 'Kandahar: "falls" </title><script>x</script>'
    parsed = yaml.safe_load(front_matter(title).strip().strip("-"))
    assert parsed["title"] == "Kandahar: &quot;falls&quot; &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;"


def test_a_long_description_is_cut_to_what_search_engines_show() -> None:
    summary = "The provincial capital fell after weeks of fighting; " * 6  # 318 characters
    meta = yaml.safe_load(front_matter("T", summary).split("---")[1])
    assert len(meta["description"]) <= 160 and meta["description"].endswith("fighting…")
    assert summary.startswith(meta["description"][:-1])
    short = yaml.safe_load(front_matter("T", "Kandahar falls.").split("---")[1])
    assert short["description"] == "Kandahar falls."


def test_links_are_relative_so_the_site_works_under_a_subpath() -> None:
    assert link("Kabul", "cities/kabul.md", "articles/2021/08/13/x.md") == "[Kabul](../../../../cities/kabul.md)"
    assert link("Kabul", "cities/kabul.md", "index.md") == "[Kabul](cities/kabul.md)"


def _article(slug: str, day: int, cities: tuple[str, ...] = ("Kabul",)) -> Article:
    refs = tuple(CityRef(slugify(c), c) for c in cities)
    return Article(path=f"articles/{slug}.md", title=slug.title(), date=dt.date(2021, 8, day),
                   timestamp=None, cities=refs, dateline=refs[0], slug=slug, body="Text.",
                   summary="Text.")


def test_an_original_address_without_a_source_is_shown_as_written() -> None:
    encoded = "https://fa.wikipedia.org/wiki/%DA%A9%D8%A7%D8%A8%D9%84"
    article = dataclasses.replace(_article("a", 13), url=encoded)
    html = markdown.markdown(render_article(article, None, None, {"kabul": "Kabul"}).text)
    assert f'<a href="{encoded}">https://fa.wikipedia.org/wiki/کابل</a>' in html
    # Decoded, an address must not change the page's Markdown nor hide what it is.
    for odd in ("https://example.org/a%0A===%0Ab", "https://example.org/%E2%80%AEgpj.exe"):
        page = markdown.markdown(render_article(dataclasses.replace(article, url=odd), None, None,
                                                {"kabul": "Kabul"}).text)
        assert f">{odd}</a>" in page and "<h1>Original" not in page


def test_tags_lead_to_the_search_page_filtered_by_them_when_there_is_one() -> None:
    article = dataclasses.replace(_article("a", 13), tags=("offensive", "A&B (c) [x]"))
    names = {"kabul": "Kabul"}
    linked = render_article(article, None, None, names, search="search.md").text
    odd = escape_markdown_inline("A&B (c) [x]")
    assert (f"Tags: [offensive](../../../../search.md?tag=offensive), "
            f"[{odd}](../../../../search.md?tag=A%26B%20%28c%29%20%5Bx%5D)") in linked
    plain = render_article(article, None, None, names, search=None).text
    assert f"Tags: offensive, {odd}" in plain and "search.md" not in plain


def test_render_plans_one_page_per_article_city_and_period() -> None:
    archive = group([_article("a", 13, ("Kabul", "Herat")), _article("b", 14), _article("c", 14)])
    paths = [page.path for page in render(archive)]
    assert paths == [
        "index.md", "cities/index.md",
        "articles/2021/08/13/a.md", "articles/2021/08/14/b.md", "articles/2021/08/14/c.md",
        "cities/herat.md", "cities/kabul.md",
        "countries/index.md",
        "dates/index.md", "dates/2021/index.md", "dates/2021/08/index.md",
        "dates/2021/08/13/index.md", "dates/2021/08/14/index.md",
    ]


def test_body_headings_step_down_so_the_headline_is_the_only_h1() -> None:
    body = "# Section\n\nText\n\n## Sub\n\n```sh\n# a comment\n```\n\nSetext\n======\n\n###### Six\n"
    html = markdown.markdown(demote_headings(body), extensions=["fenced_code"])
    assert "<h1>" not in html
    assert "<h2>Section</h2>" in html and "<h3>Sub</h3>" in html and "<h2>Setext</h2>" in html
    assert "# a comment" in html and "<h6>Six</h6>" in html
    # In block quotes and list items, and written in HTML, but not in code.
    body = ("> # Statement of the Islamic Emirate\n\n- # A list heading\n\n1. ## Numbered\n\n"
            '<h1 class="x">Raw</h1>\n\n<H2>Upper</H2>\n\nIn code: `<h1>` and\n\n```html\n<h1>Kept</h1>\n```\n')
    html = markdown.markdown(demote_headings(body), extensions=["fenced_code"])
    assert "<h1" not in html.replace("&lt;h1&gt;", "")
    assert "<h2>Statement of the Islamic Emirate</h2>" in html and "<h2>A list heading</h2>" in html
    assert "<h3>Numbered</h3>" in html and '<h2 class="x">Raw</h2>' in html and "<H3>Upper</H3>" in html
    assert "<code>&lt;h1&gt;</code>" in html and "&lt;h1&gt;Kept&lt;/h1&gt;" in html
    # Sections that start at ## (as imported posts' mostly do) stay there: no level skipped.
    body = "Lede.\n\n## Section\n\n### Sub\n\n<h2>Raw</h2>\n\n```sh\n# a comment\n```\n"
    assert demote_headings(body) == body


_segment = st.sampled_from(["articles", "cities", "dates", "2021", "08", "13", "index.md", "kabul.md", "a"])


@given(st.lists(_segment, min_size=1, max_size=6), st.lists(_segment, min_size=1, max_size=6))
def test_links_between_pages_are_the_relative_paths_posixpath_gives(target: list[str], here: list[str]) -> None:
    to, start = "/".join(target), "/".join(here)
    assert relative(to, start) == posixpath.relpath(to, posixpath.dirname(start) or ".")


@pytest.mark.parametrize(("language", "direction"), [
    ("ps", "rtl"), ("fa", "rtl"), ("fa-AF", "rtl"), ("prs", "rtl"), ("ar", "rtl"), ("ur", "rtl"),
    ("en", "ltr"), ("en-GB", "ltr"), ("ru", "ltr"), ("az-Arab", "rtl"), ("ku-Latn", "ltr"), ("pa", "ltr")])
def test_text_direction_follows_the_language_tag(language: str, direction: str) -> None:
    assert text_direction(language) == direction


def test_a_summary_leaves_out_footnote_numbers() -> None:
    assert markdown_to_text("The lede.[^1] More[^note] *here*.") == "The lede. More here."
    assert markdown_to_text("A smile: [^_^](https://example.org/).") == "A smile: ^_^."  # a link


def test_an_image_in_a_summary_stands_for_its_words() -> None:
    assert markdown_to_text("See [the first](a.md) and ![a map of Kabul](m.png).") == \
        "See the first and a map of Kabul."


def test_a_text_reads_tables_and_footnotes_as_the_page_shows_them() -> None:
    # Search's excerpts showed "| Province | Fell on | |---|---|" and "[^1]: According…".
    body = ("| Province | Fell on |\n|---|---|\n| Balkh | 14 August |\n\n"
            "The city fell.[^1]\n\n[^1]: According to officials.\n")
    assert markdown_to_text(body) == "Province Fell on Balkh 14 August The city fell. According to officials."


def test_texts_made_in_several_threads_at_once_are_each_their_own() -> None:
    # Search makes two periods' texts at once, beside the thread making the pages.
    bodies = [f"Uniquemarker{n} with *emphasis* and [a link](x{n}.md).\n\n" * 20 for n in range(64)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns as often as they can
    try:
        with ThreadPoolExecutor(4) as pool:
            texts = list(pool.map(markdown_to_text, bodies * 4))
    finally:
        sys.setswitchinterval(interval)
    for n, text in enumerate(texts):
        assert text.count(f"Uniquemarker{n % 64} ") == 20 and text.count("Uniquemarker") == 20
