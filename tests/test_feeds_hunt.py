"""Feeds as feed readers take them: the order and choice of entries by the publication
times they state, the feed's language, ids that survive edits, and hostile text.

Fast: the archive is loaded and rendered without MkDocs (``tests/test_feeds.py`` builds
whole sites); a real reader (feedparser) parses the feeds.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.build import check
from dateline.feeds import feed_options, newest, published_at
from dateline.model import Article, CityRef
from dateline.pages import render
from tests.projects import PUBLISHED_URL, Project, article

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEEDS = ("feed.xml", "cities/kabul/feed.xml", "countries/afghanistan/feed.xml")


def rendered_feeds(project: Project) -> dict[str, str]:
    """Each feed of the project's archive as a build writes it under ``docs/``: path → XML."""
    archive, _warnings = check(project.settings)
    options = feed_options(project.settings.site_url, project.settings.feed_articles)
    return {page.path: page.text for page in render(archive, project.settings.latest, options)
            if page.path.endswith("feed.xml")}


def entries(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml.encode("utf-8")).findall(f"{ATOM}entry")


def titles(xml: str) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or "" for entry in entries(xml)]


def set_feed_articles(project: Project, size: int) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nextra:\n  dateline:\n    feed_articles: {size}\n",
                      encoding="utf-8")


def write_clock_articles(project: Project) -> None:
    """Articles whose calendar days (their own time zone's) and publication times (UTC)
    disagree on which came first."""
    # On the 14th in Kabul, but 20:00 UTC on the 13th: before the next two.
    project.write("kabul-night.md", article("Kabul night", date="2021-08-14T00:30:00+04:30"))
    project.write("kabul-late.md", article("Kabul late", date="2021-08-13T22:00:00Z"))
    # A day alone is published at its start in UTC.
    project.write("kabul-day.md", article("Kabul day", date="2021-08-14"))
    project.write("kabul-before.md", article("Kabul before", date="2021-08-12"))


def test_entries_come_latest_first_by_the_times_they_are_published_at(project: Project) -> None:
    project.publish_at()
    write_clock_articles(project)
    feeds = rendered_feeds(project)
    for path in FEEDS:
        assert titles(feeds[path]) == ["Kabul day", "Kabul late", "Kabul night", "Kabul before"], path
        published = [dt.datetime.fromisoformat(e.findtext(f"{ATOM}published") or "") for e in entries(feeds[path])]
        assert published == sorted(published, reverse=True)


def test_a_short_feed_holds_the_articles_published_last(project: Project) -> None:
    project.publish_at()
    write_clock_articles(project)
    set_feed_articles(project, 2)
    feeds = rendered_feeds(project)
    for path in FEEDS:
        # Not "Kabul night", the last by calendar day but published before "Kabul late".
        assert titles(feeds[path]) == ["Kabul day", "Kabul late"], path


OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))


@st.composite
def articles(draw: st.DrawFn) -> Article:
    day = draw(st.dates(dt.date(2021, 8, 1), dt.date(2021, 8, 20)))
    stamp = None
    if draw(st.booleans()):
        clock = draw(st.times())
        stamp = dt.datetime.combine(day, clock, tzinfo=draw(OFFSETS))
    slug = f"a{draw(st.integers(0, 10**6))}"
    city = CityRef("kabul", "Kabul")
    return Article(path=f"articles/{slug}.md", title=slug, date=day, timestamp=stamp, cities=(city,),
                   dateline=city, slug=slug, body="", summary="")


@settings(max_examples=300, deadline=None)
@given(st.lists(articles(), max_size=30), st.integers(1, 8))
def test_newest_chooses_as_sorting_every_article_by_its_publication_time_would(found: list[Article],
                                                                             size: int) -> None:
    by_day = sorted(found, key=lambda a: a.sort_key, reverse=True)  # as the archive lists them
    chosen = newest(by_day, size)
    every = sorted(by_day, key=published_at, reverse=True)
    assert [published_at(a) for a in chosen] == [published_at(a) for a in every[:size]]


def test_the_feed_says_its_language_and_an_entry_in_another_says_its_own(project: Project) -> None:
    project.publish_at()
    project.write("en.md", article("Kabul falls", date="2021-08-15"))
    project.write("fa.md", article("سقوط کابل", date="2021-08-16", language="fa-AF"))
    for path, xml in rendered_feeds(project).items():
        root = ET.fromstring(xml.encode("utf-8"))
        assert root.get(XML_LANG) == "en", path
        assert {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in entries(xml)} == {
            "سقوط کابل": "fa-AF", "Kabul falls": None}


def test_an_edited_article_keeps_its_id_and_is_dated_by_its_update(project: Project) -> None:
    project.publish_at()
    project.write("other.md", article("Herat waits", date="2021-08-12", cities="[Herat]"))
    project.write("kabul.md", article("Kabul falls", date="2021-08-15"))
    before = rendered_feeds(project)
    project.write("kabul.md", article("Kabul has fallen", date="2021-08-15", body="Corrected.\n",
                                      updated="2021-08-16T10:00:00+04:30", summary="A correction."))
    after = rendered_feeds(project)
    for path in FEEDS:
        if path not in before:
            continue
        (was,), (now,) = ([e for e in entries(f[path]) if "kabul" in (e.findtext(f"{ATOM}id") or "")]
                          for f in (before, after))
        assert now.findtext(f"{ATOM}id") == was.findtext(f"{ATOM}id") == f"{PUBLISHED_URL}articles/2021/08/15/kabul/"
        assert now.findtext(f"{ATOM}published") == was.findtext(f"{ATOM}published")
        assert now.findtext(f"{ATOM}updated") == "2021-08-16T10:00:00+04:30"
        assert ET.fromstring(after[path].encode("utf-8")).findtext(f"{ATOM}updated") == "2021-08-16T10:00:00+04:30"
    # Herat's feed holds nothing that changed: the same bytes.
    assert after["cities/herat/feed.xml"] == before["cities/herat/feed.xml"]


def test_drafts_are_in_no_feed(project: Project) -> None:
    project.publish_at()
    project.write("kabul.md", article("Kabul falls", date="2021-08-15"))
    project.write("draft.md", article("Not yet", date="2021-08-16", cities="[Kabul, Herat]", draft="true"))
    feeds = rendered_feeds(project)
    assert sorted(feeds) == sorted(FEEDS)  # Herat, named by the draft alone, has none
    assert all("Not yet" not in xml for xml in feeds.values())


HOSTILE_TITLE = 'Ampersand & <b>bold</b> ]]> end 🎉 كابل \u202eevil'
HOSTILE_SUMMARY = 'Tom & "Jerry" <i>x</i> ]]> 😀 שלום'


def write_hostile(project: Project) -> None:
    project.write("a.md", article(json_string(HOSTILE_TITLE), date="1990-01-02", summary=json_string(HOSTILE_SUMMARY),
                                  tags='["t&g", "x<y", "]]>"]', source='"A & B <Wire>"',
                                  url='"https://example.org/a?b=1&c=<2>"', author='["Ann & <Bo>"]'))
    project.write("b.md", article("Body summary", date=dt.datetime.now(dt.UTC).date().isoformat(),
                                  body="A form\x0cfeed, a \x1b escape, &amp; an entity &eacute;.\n"))


def json_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (YAML's escapes are JSON's)."""
    return json.dumps(text, ensure_ascii=False)


def test_hostile_text_is_text_in_every_feed(project: Project) -> None:
    project.publish_at()
    write_hostile(project)
    for path, xml in rendered_feeds(project).items():
        # An entry dated in 1990 beside one dated today, newest first.
        hostile = entries(xml)[-1]
        assert hostile.findtext(f"{ATOM}title") == HOSTILE_TITLE, path
        assert hostile.findtext(f"{ATOM}summary") == HOSTILE_SUMMARY
        assert [c.get("term") for c in hostile.findall(f"{ATOM}category")] == ["Kabul", "t&g", "x<y", "]]>"]
        assert hostile.findtext(f"{ATOM}author/{ATOM}name") == "Ann & <Bo>"
        via = {link.get("rel"): (link.get("href"), link.get("title")) for link in hostile.findall(f"{ATOM}link")}
        assert via["via"] == ("https://example.org/a?b=1&c=%3C2%3E", "A & B <Wire>")  # the loader encodes it
        assert entries(xml)[0].findtext(f"{ATOM}summary") == "A form feed, a  escape, & an entity é."


def test_a_real_feed_reader_reads_every_feed_as_written(project: Project) -> None:
    project.publish_at()
    write_hostile(project)
    write_clock_articles(project)
    for path, xml in rendered_feeds(project).items():
        parsed = feedparser.parse(xml.encode("utf-8"))
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.link == PUBLISHED_URL + path.removesuffix("feed.xml")
        assert parsed.feed.title_detail.language == "en"
        assert [e.title for e in parsed.entries][-1] == HOSTILE_TITLE
        ids = [e.id for e in parsed.entries]
        assert len(set(ids)) == len(ids)
        for entry in parsed.entries:
            assert entry.id == entry.link and entry.link.startswith(PUBLISHED_URL)
            assert entry.updated_parsed >= entry.published_parsed
        stamps = [e.published_parsed for e in parsed.entries]
        assert stamps == sorted(stamps, reverse=True)


def test_the_same_articles_make_the_same_bytes(project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    project.publish_at()
    write_hostile(project)
    write_clock_articles(project)
    again = Project(tmp_path_factory.mktemp("again"))
    again.publish_at()
    for source in (project.root / "articles").iterdir():
        again.write(source.name, source.read_bytes())
    assert rendered_feeds(again) == rendered_feeds(project)
