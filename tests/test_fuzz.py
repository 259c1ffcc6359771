"""Property tests: the loader never fails with anything but a Problem, and rendered pages
never carry input as markup.

Bounded and fast (a few seconds): loader and page rendering run without MkDocs; the
hostile corpus (test_hostile.py) covers full builds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dateline.archive import group
from dateline.bodylinks import is_relative, relative_links, with_links
from dateline.config import load_settings
from dateline.feeds import feed_options
from dateline.frontmatter_yaml import parse
from dateline.load import KNOWN_KEYS, read_article, validate
from dateline.model import Article, CityRef
from dateline.pages import front_matter, render
from dateline.sanitize import sanitize_html
from dateline.search import plan_shards, sort_date
from dateline.sitemap import page_dates
from tests.projects import REPO

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that mean something to YAML, Markdown or HTML, so examples hit the parsers' edges.
TRICKY = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
          "</title>", '"', "'", "&", "&amp;", "&#106;", "<", ">", "[", "]", "(", ")", "{: onclick=x }",
          "*", "_", "`", "#", "|", "\\", ": ", " #", "- ", "&a ", "*a", "!!python/object:os.system",
          "!!binary ", "---", "\n", "\t", "\r\n", "\ufeff", "\u202e", "\x00", "\ud800", "2021-13-45",
          "2021-08-13T09:00:00", "yes", "no", "~", "null", "1e400", "0x1F", "{", "}", "%", "@", "`x`",
          "<!--", "-->", "<![CDATA[", "]]>", "&#x3C;", "\\<", "<svg/onload=alert(1)>", "<a href='x'>"]
pieces = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
tricky_text = st.lists(pieces, max_size=8).map("".join)


@st.composite
def article_files(draw: st.DrawFn) -> str:
    """Text of an article file: mostly well-formed front matter with hostile values."""
    keys = draw(st.lists(st.one_of(st.sampled_from(KNOWN_KEYS), tricky_text), max_size=8))
    lines = ["---"] if draw(st.booleans()) or not keys else [draw(tricky_text)]
    for key in keys:
        value = draw(st.one_of(
            tricky_text,
            tricky_text.map(json.dumps),
            st.lists(tricky_text, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
            st.lists(tricky_text.map(json.dumps), max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        ))
        lines.append(f"{key}: {value}")
    if draw(st.booleans()):
        lines.append("---")
    return "\n".join(lines) + "\n" + draw(tricky_text)


@FAST
@given(article_files())
def test_parse_and_validate_never_raise(text: str) -> None:
    parsed, problems = parse(text, "articles/x.md")
    if parsed is not None:
        article, more = validate("articles/x.md", parsed.fields, parsed.body, "x", body_line=parsed.body_line)
        problems += more
        if article is None:
            assert any(p.is_error for p in problems)
    for problem in problems:
        assert str(problem).startswith("articles/x.md")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "mkdocs.yml").write_text("site_name: Fuzz\n", encoding="utf-8")
    (root / "articles").mkdir()
    return root


@FAST
@given(data=st.one_of(st.binary(max_size=300), article_files().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_reading_any_bytes_never_raises(scratch: Path, data: bytes) -> None:
    file = scratch / "articles" / "x.md"
    file.write_bytes(data)
    article, problems = read_article(file, load_settings(scratch / "mkdocs.yml"))
    assert article is not None or any(p.is_error for p in problems)


# Dates to the calendar's ends, with any offset a date-time can have.
any_moment = st.builds(lambda moment, minutes: moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes))),
                       st.datetimes(), st.integers(-1439, 1439))
any_date = st.one_of(st.dates().map(dt.date.isoformat), any_moment.map(dt.datetime.isoformat))


@FAST
@given(date=any_date, updated=st.one_of(st.none(), any_date))
@example(date="9999-12-31T23:00:00-05:00", updated=None)
@example(date="0001-01-01T00:00:00+05:00", updated=None)
@example(date="9998-12-31T23:00:00-05:00", updated="9998-12-31T23:59:59-23:59")
@example(date="2021-08-13", updated="2021-08-13T01:00:00+04:30")
@example(date="2021-08-14T00:30:00+04:30", updated="2021-08-13T21:00:00Z")
def test_every_date_the_loader_accepts_is_published_and_updates_never_precede_it(date: str,
                                                                                  updated: str | None) -> None:
    text = f"---\ntitle: T\ndate: {date}\ncities: [Kabul]\n" + (f"updated: {updated}\n" if updated else "")
    parsed, problems = parse(text + "---\nBody.\n", "articles/x.md")
    assert parsed is not None and problems == []
    found, problems = validate("articles/x.md", parsed.fields, parsed.body, "x",
                               resolve=lambda name, line: CityRef("kabul", name, line))
    if found is None:
        assert {p.field for p in problems if p.is_error} <= {"date", "updated"} and problems
        return
    archive = group([found], name="Fuzz")
    assert found.updated is None or found.updated >= found.date  # as the page shows them
    for shard in plan_shards(archive.articles, cap=1):
        assert shard.first <= found.date <= shard.last
    assert sort_date(found) and page_dates(archive)
    feeds = [page for page in render(archive, feeds=feed_options("https://example.org/archive", 5))
             if page.path.endswith("feed.xml")]
    for page in feeds:
        (entry,) = ET.fromstring(page.text.encode("utf-8")).findall(f"{ATOM}entry")
        published = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published") or "")
        assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "") >= published


# Rendering: values are already validated text (the loader folds whitespace and refuses
# control characters), so generate them in that shape.
_UNPRINTABLE = {c: None for c in [*range(32), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]}
plain = tricky_text.map(lambda t: " ".join(t.translate(_UNPRINTABLE).split())).filter(bool)


def article(title: str, source: str, tag: str, city: str, number: int = 0) -> Article:
    cities = (CityRef("kabul", "Kabul"), CityRef(f"c{number}", city))
    return Article(path=f"articles/{number}.md", title=title, date=dt.date(2021, 8, 13 + number),
                   timestamp=None, cities=cities, dateline=cities[0], slug=f"a-{number}", body="Body.",
                   summary=title, source=source, url="https://example.org/a", authors=(source,), tags=(tag,))


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.h1: list[str] = []
        self.in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_h1 = self.in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data: str) -> None:
        if self.in_h1:
            self.h1.append(data)


def elements(fragment: str) -> Elements:
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def to_html() -> markdown.Markdown:
    names, configs = load_settings(REPO / "mkdocs.yml").extensions()
    return markdown.Markdown(extensions=names, extension_configs=configs)


# The tags Dateline's own page markup makes; anything else came from the input.
PAGE_TAGS = {"h1", "h2", "h3", "p", "a", "strong", "br", "ul", "ol", "li", "hr"}


@FAST
@given(title=plain, source=plain, tag=plain, city=plain)
def test_values_reach_pages_as_text_only(to_html: markdown.Markdown, title: str, source: str, tag: str,
                                         city: str) -> None:
    archive = group([article(title, source, tag, city)], name=title, description=source)
    for page in render(archive):
        meta_text, body = page.text.split("---\n", 2)[1:]
        assert yaml.safe_load(meta_text)["title"] in {html.escape(title), "Cities", "Dates", "2021",
                                                       "August 2021", "13 August 2021", html.escape(city),
                                                       "Kabul", "Countries"} or page.path.startswith("countries/")
        parsed = elements(to_html.reset().convert(body))
        assert {name for name, _ in parsed.tags} <= PAGE_TAGS, page.path
        for name, attrs in parsed.tags:
            assert set(attrs) <= {"href", "class", "id", "title"}, (name, attrs)
            assert not (attrs.get("href") or "").lower().startswith(("javascript:", "data:"))
        if page.path.startswith("articles/"):
            assert "".join(parsed.h1) == title + "¶"  # the permalink's mark follows the title


@FAST
@given(title=plain)
def test_front_matter_title_is_html_escaped_yaml_text(title: str) -> None:
    assert yaml.safe_load(front_matter(title).split("---\n")[1]) == {"title": html.escape(title)}


# Bodies come from files decoded as UTF-8: never a lone surrogate.
BODY_PIECES = st.one_of(st.sampled_from([t for t in TRICKY if t != "\ud800"] + [
    "<iframe src=x>", "<object data=x>", "<style>x</style>", "<form><input></form>", "<math><mi>",
    "<a href=\"data:text/html,x\">", "[a](javascript:x)", "![i](data:image/png,x)", "<div markdown=\"1\">",
    "</div>", "\n\n", "    ", "<details ontoggle=x>", "<base href=x>", "<meta http-equiv=refresh>"]),
    st.text(max_size=8))
SCRIPTED = {"script", "iframe", "object", "embed", "form", "input", "style", "base", "meta", "svg", "math",
            "link", "frame", "frameset", "textarea", "button", "select"}


@FAST
@given(st.lists(BODY_PIECES, max_size=25).map("".join))
def test_sanitised_bodies_carry_no_script(to_html: markdown.Markdown, body: str) -> None:
    for output in (to_html.reset().convert(body), sanitize_html(body, trusted_html=True)):
        for name, attrs in elements(output).tags:
            assert name not in SCRIPTED
            assert not any(key.startswith("on") for key in attrs)
            for key in ("href", "src", "cite"):
                value = "".join((attrs.get(key) or "").split()).lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:"))


ATOM = "{http://www.w3.org/2005/Atom}"
_NOT_XML = {c: None for c in [*range(9), 11, 12, *range(14, 32), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]}


@FAST
@given(title=plain, source=plain, tag=plain, city=plain, summary=tricky_text)
def test_values_reach_feeds_as_text(title: str, source: str, tag: str, city: str, summary: str) -> None:
    archive = group([dataclasses.replace(article(title, source, tag, city), summary=summary)],
                    name=title, description=source)
    feeds = [page for page in render(archive, feeds=feed_options("https://example.org/archive", 5))
             if page.path.endswith("feed.xml")]
    assert feeds
    for page in feeds:
        root = ET.fromstring(page.text.encode("utf-8"))
        assert root.findtext(f"{ATOM}author/{ATOM}name") == title
        (entry,) = root.findall(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == title
        # An XML reader gets the text's line ends as "\n", as from any XML file.
        kept = summary.translate(_NOT_XML).replace("\r\n", "\n").replace("\r", "\n")
        assert (entry.findtext(f"{ATOM}summary") or "") == kept
        assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == list(
            dict.fromkeys(["Kabul", city, tag]))
        assert entry.findtext(f"{ATOM}id") == "https://example.org/archive/articles/2021/08/13/a-0/"
        via = [link.get("title") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "via"]
        assert via == [source]


LINK_PIECES = st.one_of(st.sampled_from([
    "[a](b.md)", "![i](<p q.png> \"t\")", "[r]: x.pdf", "](", "]: ", "`", "```", "~~~", "\n", "\n\n", "    ",
    "[", "]", "(", ")", "<", ">", "\\", "#", "?", "/", "%20", "../", "[x](/cities/kabul/)"]),
    st.text(max_size=6))


@FAST
@given(st.lists(LINK_PIECES, max_size=30).map("".join))
def test_body_links_are_spans_of_the_body_that_rewriting_replaces(body: str) -> None:
    links = relative_links(body, body_line=3)
    assert all(body[link.start:link.end] == link.target and is_relative(link.target) for link in links)
    assert [link.start for link in links] == sorted(link.start for link in links)
    assert all(link.line == 3 + body.count("\n", 0, link.start) for link in links)
    # Each target replaced by itself gives the body back; by a marker, only the targets change.
    assert with_links(body, links, [(link.target, "") for link in links]) == body or \
        any(link.target != quote(link.target) for link in links)
    marked = with_links(body, links, [("MARK", "") for _link in links])
    assert marked.count("MARK") - body.count("MARK") == len(links)
