"""Render the archive as plain Markdown pages for MkDocs, Zensical or ProperDocs.

Every page is a :class:`Page`: a path under ``docs/`` and its text. The pages about
places (cities, countries) are in :mod:`dateline.pages_places`; the building blocks
shared by all in :mod:`dateline.pagekit`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import quote, unquote

from dateline.bodylinks import destinations, from_page, with_links
from dateline.feeds import FEED, FeedOptions, render_feeds
from dateline.images import Size, sizes_key, with_sizes
from dateline.mdcode import in_code, without_code
from dateline.model import Archive, Article, Links
from dateline.pagekit import (
    GENERATED_ROOTS,
    Page,
    Reuse,
    article_list,
    article_path,
    city_names,
    city_path,
    day_path,
    feed_sentence,
    front_matter,
    language_attributes,
    link,
    listed_digests,
    month_path,
    neighbour_links,
    relative,
    remembering_items,
    year_path,
)
from dateline.pages_places import named_countries, render_cities_index, render_city, render_countries
from dateline.text import escape_markdown_inline as md
from dateline.text import format_date, format_month, plural

__all__ = ["GENERATED_ROOTS", "SEARCH_PAGE", "Page", "demote_headings", "front_matter", "link", "render",
           "render_article", "render_reusing"]

SEARCH_PAGE = "search.md"
"""The search page, hand-written under ``docs/`` (it reads its filters from the address:
``search/?tag=…``)."""


HEADLINE_ID = "headline"
"""The id of an article page's headline (its ``h1``)."""

_ATX = re.compile(r"^((?: {0,3}>[ \t]?| {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+)*)( {0,3})(#{1,5})(?=\s|$)")
"""An ATX heading of levels 1–5, in block quotes and list items too (``> # Statement``)."""
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]\n]+\]:", re.MULTILINE)
"""A footnote's definition (the footnotes extension)."""
_HTML_HEADING = re.compile(r"</?[hH]([1-5])(?=[\s/>])")
_SETEXT_H1 = re.compile(r"^ {0,3}=+\s*$")


def demote_headings(body: str) -> str:
    """Leave the headline the page's only h1: a body with headings of the first level has
    every heading shifted one level down (``#`` to ``##``, ``##`` to ``###``); one whose
    sections start at ``##``, as most imported posts' do, is left as it is, so that no
    level is skipped.

    Headings in block quotes and list items count and shift too, and those written in
    HTML (``<h1>`` becomes ``<h2>``). Code is left alone, so a ``# comment`` in a shell
    example stays as written.
    """
    lines = body.split("\n")
    code = in_code(lines)
    outside = [not shown for shown in code]
    atx = [(index, found) for index, line in enumerate(lines)
           if outside[index] and (found := _ATX.match(line))]
    setext = [index for index, line in enumerate(lines)  # under a line of text, not of code
              if outside[index] and index and _SETEXT_H1.match(line) and lines[index - 1].strip()
              and outside[index - 1]]
    tags = list(_HTML_HEADING.finditer(without_code(body, code))) if "<" in body else []
    if not setext and all(found.group(3) != "#" for _, found in atx) and all(t.group(1) != "1" for t in tags):
        return body
    if tags:
        lines = "".join(_shifted(body, tags)).split("\n")  # the same length: lines stay
    for index, _found in atx:
        lines[index] = _ATX.sub(r"\1\2#\3", lines[index], count=1)
    for index in setext:
        lines[index] = lines[index].replace("=", "-")
    return "\n".join(lines)


def _shifted(body: str, tags: list[re.Match[str]]) -> Iterator[str]:
    """``body`` in parts, each of its HTML heading ``tags`` one level lower."""
    at = 0
    for tag in tags:
        yield body[at:tag.start(1)]
        yield str(int(tag.group(1)) + 1)
        at = tag.end(1)
    yield body[at:]


def _shown_address(url: str) -> str:
    """``url`` decoded for reading, unless decoding gives line breaks, spaces, invisible
    or direction-changing characters, or bytes that are not UTF-8: then as it is."""
    decoded = unquote(url, errors="replace")
    if "\ufffd" in decoded or any(unicodedata.category(c)[0] in "CZ" for c in decoded):
        return url
    return decoded


def render_article(article: Article, before: Article | None, after: Article | None,
                   names: dict[str, str], links: Links | None = None, search: str | None = None,
                   html_blocks: bool = True, footnotes: str | None = None,
                   image_size: Callable[[str], Size | None] | None = None) -> Page:
    """An article's page; ``links``: where its body's relative links lead
    (:attr:`~dateline.model.Archive.links`); ``search``: the search page under ``docs/``,
    if there is one, which each tag leads to, filtered by it; ``html_blocks``: whether
    Markdown inside an HTML block is rendered (``md_in_html``), so that the text of an
    article in another language can be marked as in it; ``footnotes``: the footnotes
    extension's place marker, when it is on, so that the article's footnotes end its
    text (inside its language's mark), not the page (after the neighbours' links);
    ``image_size``: the size of an image file by its project path
    (:class:`~dateline.images.ImageSizes`), given to its images that have none written."""
    here = article_path(article)
    date_link = link(format_date(article.date), day_path(article.date), here)
    language = language_attributes(article)  # a checked tag: letters, digits and hyphens
    parts = [
        front_matter(article.title, article.summary, language="" if article.in_english else article.language),
        # A short id: the title's slug would be written three times (the heading, its
        # permalink and Material's "skip to content" link), 0.25 KB a page.
        f"# {md(article.title)} {{#{HEADLINE_ID}{' ' + language if language else ''}}}\n\n",
        f"**{md(names[article.dateline.key].upper())}** — {date_link}\n{{: .dateline }}\n\n",
    ]
    meta = []
    if article.updated is not None:
        meta.append(f"Updated: {format_date(article.updated)}")
    if article.source:
        source = f"[{md(article.source)}](<{article.url}>)" if article.url else md(article.source)
        meta.append(f"Source: {source}")
    elif article.url:
        # Shown as written: "https://fa.wikipedia.org/wiki/کابل", not its %-encoding.
        meta.append(f"Original: [{md(_shown_address(article.url))}](<{article.url}>)")
    if article.authors:
        meta.append(f"By: {', '.join(md(a) for a in article.authors)}")
    meta.append("Cities: " + ", ".join(link(names[c.key], city_path(c.key), here)
                                       for c in article.cities))
    if article.tags and search:
        to_search = relative(search, here)
        meta.append("Tags: " + ", ".join(f"[{md(tag)}]({to_search}?tag={quote(tag, safe='')})"
                                         for tag in article.tags))
    elif article.tags:
        meta.append(f"Tags: {', '.join(md(t) for t in article.tags)}")
    parts.append("  \n".join(meta) + "\n{: .dateline-meta }\n\n")
    body, body_links = article.body, article.links
    if body_links and links is not None and image_size is not None:
        body, body_links = with_sizes(body, body_links, article.path, links.assets, image_size)
    if body_links and links is not None:
        leads = zip(body_links, destinations(body_links, article.path, links), strict=True)
        body = with_links(body, body_links, [(from_page(path, here, link.html), rest)
                                             for link, (path, rest) in leads])
    body = demote_headings(body).rstrip()
    # md_in_html renders the Markdown inside; the sanitiser keeps lang and dir.
    # The footnotes extension puts the notes at the end of the page, after the links to
    # the neighbouring articles, unless its marker says where: at the end of the text.
    # (Most bodies have no "[^": they are spared blanking their code, 0.07 ms each.)
    has_notes = footnotes and "[^" in body and _FOOTNOTE.search(without_code(body))
    notes = f"{footnotes}\n\n" if has_notes else ""
    if language and html_blocks:
        parts.append(f"<div {language} markdown>\n\n{body}\n\n{notes}</div>\n\n")
    else:
        parts.append(f"{body}\n\n{notes}")
    parts.append(neighbour_links(here, None if before is None else _neighbour(before),
                                 None if after is None else _neighbour(after),
                                 labels=("Earlier: ", "Later: "), joiner="  \n"))
    return Page(here, "".join(parts))


def _neighbour(article: Article) -> tuple[str, str, str]:
    return article.title, article_path(article), language_attributes(article)


def render_dates(archive: Archive, names: Mapping[str, str], reuse: Reuse | None = None) -> list[Page]:
    """The dates index, and a page per year, month and day that has articles (but the
    month and day pages ``reuse`` keeps); the articles' cities shown by their ``names``
    (:func:`~dateline.pagekit.city_names`)."""
    years: dict[int, dict[int, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    for day in archive.days:
        years[day.year][day.month].append(day)

    def count_days(days: Iterable[dt.date]) -> int:
        return sum(len(archive.days[d]) for d in days)

    here = "dates/index.md"
    pages = [Page(here, front_matter("Dates", "The archive by year") + "# Dates\n\n" + "".join(
        f"- {link(str(year), year_path(year), here)} — "
        f"{plural(count_days(d for m in months.values() for d in m), 'article')}\n"
        for year, months in years.items()))]

    days = list(archive.days)
    for year, months in years.items():
        here = year_path(year)
        pages.append(Page(here, front_matter(str(year), f"The archive for {year}")
                          + f"# {year}\n\n" + "".join(
            f"- {link(format_month(year, month), month_path(year, month), here)} — "
            f"{plural(count_days(month_days), 'article')}\n"
            for month, month_days in months.items())))
        for month, month_days in months.items():
            here = month_path(year, month)
            if reuse is not None and reuse.keeps(
                    here, *(f"{day}:{len(archive.days[day])}" for day in month_days),
                    articles=(a for day in month_days for a in archive.days[day])):
                continue
            title = format_month(year, month)
            parts = [front_matter(title, f"The archive for {title}"), f"# {md(title)}\n\n"]
            for day in month_days:
                articles = archive.days[day]
                parts.append(f"## {link(format_date(day), day_path(day), here)}\n\n"
                             f"{plural(len(articles), 'article')}\n\n"
                             f"{article_list(articles, here, names, summaries=False)}\n")
            pages.append(Page(here, "".join(parts)))
    for index, day in enumerate(days):
        here = day_path(day)
        if reuse is not None and reuse.keeps(
                here, days[index - 1].isoformat() if index > 0 else "", day.isoformat(),
                days[index + 1].isoformat() if index + 1 < len(days) else "", articles=archive.days[day]):
            continue
        title = format_date(day)
        text = (front_matter(title, f"Articles of {title}") + f"# {md(title)}\n\n"
                f"{plural(len(archive.days[day]), 'article')} · "
                f"{link(format_month(day.year, day.month), month_path(day.year, day.month), here)}"
                f"\n\n{article_list(archive.days[day], here, names)}\n")
        earlier, later = (days[index - 1] if index > 0 else None,
                          days[index + 1] if index + 1 < len(days) else None)
        text += neighbour_links(here, None if earlier is None else (format_date(earlier), day_path(earlier)),
                                None if later is None else (format_date(later), day_path(later)))
        pages.append(Page(here, text))
    return pages


def render_home(archive: Archive, latest: int, feeds: FeedOptions | None, names: Mapping[str, str]) -> Page:
    here = "index.md"
    feed = FEED if feeds is not None and archive.articles else ""
    parts = [front_matter(archive.name, archive.description, feed), f"# {md(archive.name)}\n\n"]
    if archive.description:
        parts.append(f"{md(archive.description)}\n\n")
    if archive.articles:
        first, last = archive.articles[0].date, archive.articles[-1].date
        parts.append(f"**{plural(len(archive.articles), 'article')}** about "
                     f"**{plural(len(archive.cities), 'city', 'cities')}**, "
                     f"from {format_date(first)} to {format_date(last)}.\n\n")
    else:
        parts.append("No articles yet.\n\n")
    parts.append(f"Browse by {link('city', 'cities/index.md', here)} or by "
                 f"{link('date', 'dates/index.md', here)}."
                 f"{feed_sentence('Follow new articles in a feed reader', feed, here)}\n\n")
    if archive.articles:
        newest = list(reversed(archive.articles[-latest:]))
        parts.append(f"## Latest articles\n\n{article_list(newest, here, names)}")
    return Page(here, "".join(parts))


def render(archive: Archive, latest: int = 20, feeds: FeedOptions | None = None,
           search: str | None = SEARCH_PAGE) -> list[Page]:
    """Every generated page (and feed) of the site, in a stable order."""
    return render_reusing(archive, latest, feeds=feeds, search=search)[0]


def render_reusing(archive: Archive, latest: int = 20, reuse: Callable[[str, str], bool] | None = None,
                   feeds: FeedOptions | None = None, search: str | None = SEARCH_PAGE,
                   html_blocks: bool = True, footnotes: str | None = None,
                   image_size: Callable[[str], Size | None] | None = None) -> tuple[list[Page], list[str]]:
    """Every generated page of the site, in a stable order, and the feeds when ``feeds``
    says there are to be some (:mod:`dateline.feeds`); tags lead to ``search``, the
    search page, when there is one, and ``html_blocks`` and ``footnotes`` say how
    Markdown renders the articles' bodies and ``image_size`` sizes their images
    (:func:`render_article`); except the pages that
    ``reuse(path, key)`` says are already written (see :mod:`dateline.pagememo`), whose
    paths come second. Only the pages made in large numbers or long to make ask: articles,
    days, months, cities, large cities' months and feeds; each key covers all the page
    shows."""
    names = city_names(archive)
    keeping = None if reuse is None else Reuse(reuse, listed_digests(archive, names))
    with remembering_items():
        pages = [render_home(archive, latest, feeds, names), render_cities_index(archive)]
        for index, article in enumerate(archive.articles):
            before, after = archive.neighbours(index)
            if keeping is not None:
                # The article whole, its neighbours' titles and paths, its cities' names.
                shown = [names[city.key] for city in (article.dateline, *article.cities)]
                for neighbour in (before, after):
                    shown += ["", "", ""] if neighbour is None else list(_neighbour(neighbour))
                # Where its links lead: an article linked to may have moved.
                shown += ["".join(lead) for lead in destinations(article.links, article.path, archive.links)]
                shown += [search or "", str(html_blocks), str(footnotes)]
                if image_size is not None and article.links:
                    # A photo replaced by one of another size under the same name.
                    shown.append(sizes_key(article.links, article.path, archive.links.assets, image_size))
                if keeping.keeps(article_path(article), *shown, articles=[article]):
                    continue
            pages.append(render_article(article, before, after, names, archive.links, search, html_blocks,
                                        footnotes, image_size))
        pages.extend(page for city in archive.cities.values()
                     for page in render_city(city, names, keeping, feeds is not None))
        countries = named_countries(archive)
        pages.extend(render_countries(countries, names, feeds is not None))
        pages.extend(render_feeds(archive, feeds, names, keeping,
                                  [(c.key, c.name, c.articles) for c in countries]))
        pages.extend(render_dates(archive, names, keeping))
    return pages, [] if keeping is None else keeping.kept
