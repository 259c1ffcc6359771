"""The building blocks of generated pages: paths, links, front matter, article lists.

Internal links are relative ``.md`` links, so the builder checks them (strict mode) and
they keep working under a project subpath on GitHub Pages. Every value from an article
is escaped before it reaches Markdown, and titles in front matter are HTML-escaped
because Material prints ``page.meta.title`` unescaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from dateline.model import Archive, Article
from dateline.text import escape_markdown_inline as md
from dateline.text import format_date, listed, truncate

GENERATED_ROOTS = ("index.md", "feed.xml", "articles", "cities", "countries", "dates")
"""What ``dateline build`` owns under ``docs/``: everything else there is the user's."""


def generated(path: str) -> bool:
    """Whether ``path`` (under ``docs/``) is among the pages and feeds Dateline makes
    (:data:`GENERATED_ROOTS`), not one of ``docs/``'s own files."""
    return path.split("/", 1)[0] in GENERATED_ROOTS


RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"})
"""ISO 15924 scripts written right to left (a language tag's script subtag: ``ku-Arab``)."""

RTL_LANGUAGES = frozenset({"ar", "arc", "azb", "bal", "ckb", "dv", "fa", "glk", "he", "ks", "lrc",
                           "mzn", "nqo", "pnb", "prs", "ps", "sd", "syr", "ug", "ur", "yi"})
"""Languages written right to left unless their tag names another script (Arabic, Persian
and Dari, Pashto, Urdu, Sorani Kurdish, Sindhi, Hebrew, Yiddish, Dhivehi, …)."""


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag (``ps``, ``fa-AF``, ``az-Arab``)."""
    primary, *rest = language.lower().split("-")
    script = next((part for part in rest if len(part) == 4 and part.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if primary in RTL_LANGUAGES else "ltr"


def language_attributes(article: Article) -> str:
    """The attributes that mark an article's title and text as in its language, written
    right to left where it is: none for English, the site's language."""
    if article.in_english:
        return ""
    return f'lang="{article.language}" dir="{text_direction(article.language)}"'


@dataclass(frozen=True)
class Page:
    path: str
    """Posix path relative to ``docs/`` (``cities/kabul.md``)."""
    text: str


@dataclass
class Reuse:
    """Which pages need not be made again: ``ask(path, key)`` says whether ``docs/<path>``
    is what making the page from ``key`` would write (:mod:`dateline.pagememo`); the paths
    it vouched for are collected in ``kept``."""

    ask: Callable[[str, str], bool]
    digests: Mapping[str, bytes]
    """:attr:`dateline.model.Archive.digests`, with the names the articles' cities are
    shown by where other articles decide them (:func:`listed_digests`)."""
    kept: list[str] = field(default_factory=list)

    def keeps(self, path: str, *shown: str, articles: Iterable[Article] = ()) -> bool:
        """Whether the page at ``path`` is kept, its key being everything it shows: the
        texts ``shown`` and the ``articles`` it lists (each whole, in order, with the names
        its cities are shown by: :attr:`digests`)."""
        digest = hashlib.sha256()
        for text in shown:
            data = text.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(data) + data)
        for article in articles:
            digest.update(self.digests[article.path])
        if self.ask(path, digest.hexdigest()):
            self.kept.append(path)
            return True
        return False


def article_path(article: Article) -> str:
    return f"{article.url_path.rstrip('/')}.md"


def page_url(page: str) -> str:
    """A page under ``docs/`` (``cities/kabul.md``) as MkDocs publishes it, relative to
    the site (``cities/kabul/``): directory URLs, as Dateline's links are."""
    folder, _, name = page.rpartition("/")
    if name in ("index.md", "README.md"):
        return f"{folder}/" if folder else ""
    return f"{page.removesuffix('.md')}/"


def published_address(site_url: str, url_path: str) -> str:
    """The absolute address of ``url_path`` (relative to the site, ``cities/kabul/``) on
    the site published at ``site_url`` (with or without its final ``/``), %-encoded: the
    sitemap's and the feeds' addresses."""
    return (site_url if site_url.endswith("/") else f"{site_url}/") + quote(url_path, safe="/")


def city_path(key: str) -> str:
    return f"cities/{key}.md"


def city_month_path(key: str, year: int, month: int) -> str:
    return f"cities/{key}/{year:04d}/{month:02d}.md"


def country_path(key: str) -> str:
    return f"countries/{key}.md"


def day_path(day: dt.date) -> str:
    return f"dates/{day.year:04d}/{day.month:02d}/{day.day:02d}/index.md"


def month_path(year: int, month: int) -> str:
    return f"dates/{year:04d}/{month:02d}/index.md"


def year_path(year: int) -> str:
    return f"dates/{year:04d}/index.md"


def relative(target: str, here: str) -> str:
    """``posixpath.relpath(target, dirname(here))`` for paths under ``docs/``.

    Without relpath's two calls to the working directory: a large archive's pages hold
    hundreds of thousands of links.
    """
    to = target.split("/")
    start = here.split("/")[:-1]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def link(text: str, target: str, here: str, attributes: str = "") -> str:
    """A Markdown link from page ``here`` to page ``target``, its text made literal;
    ``attributes`` (``attr_list``'s, such as :func:`language_attributes`) are the link's."""
    return f"[{md(text)}]({relative(target, here)})" + (f"{{{attributes}}}" if attributes else "")


def feed_sentence(lead: str, feed: str, here: str) -> str:
    """The sentence after a page's opening lines that links to its feed (``feed``, under
    ``docs/``), announced by ``lead``; nothing without a feed."""
    return f" {lead}: {link('Atom feed', feed, here)}." if feed else ""


Neighbour = tuple[str, str] | tuple[str, str, str]
"""A neighbour in :func:`neighbour_links`: its link's text and page, and the link's
attributes, if any (:func:`link`)."""


def neighbour_links(here: str, earlier: Neighbour | None, later: Neighbour | None,
                    labels: tuple[str, str] = ("", ""), joiner: str = " · ") -> str:
    """The closing "← earlier · later →" block of a page in a sequence (articles, days, a
    city's months): each neighbour a :data:`Neighbour`, ``None`` at an end; ``""`` when
    there is neither."""
    neighbours = []
    if earlier is not None:
        neighbours.append(f"← {labels[0]}{link(earlier[0], earlier[1], here, *earlier[2:])}")
    if later is not None:
        neighbours.append(f"{labels[1]}{link(later[0], later[1], here, *later[2:])} →")
    if not neighbours:
        return ""
    return "---\n\n" + joiner.join(neighbours) + "\n{: .dateline-neighbours }\n"


DESCRIPTION_LIMIT = 160
"""Most characters of a page's description (its ``<meta name="description">``): about
what search engines show. An article's summary (up to 300) is cut shorter there; lists
of articles show it whole."""


def front_matter(title: str, description: str = "", feed: str = "", language: str = "") -> str:
    """A page's front matter; ``feed``, the ``docs/`` path of a feed the page announces
    to feed readers (``overrides/main.html`` links it in the page's head); ``language``,
    the title's language when it is not the site's, which the header marks it as in,
    written in its direction (``overrides/partials/header.html``)."""
    # JSON strings are valid YAML; the HTML escaping is for the theme's raw title.
    lines = ["---", f"title: {json.dumps(html.escape(title), ensure_ascii=False)}"]
    if description:
        description = truncate(description, DESCRIPTION_LIMIT)
        lines.append(f"description: {json.dumps(html.escape(description), ensure_ascii=False)}")
    if feed:
        lines.append(f"feed: {json.dumps(html.escape(feed), ensure_ascii=False)}")
    if language:
        lines.append(f"language: {json.dumps(html.escape(language))}")
        lines.append(f"direction: {text_direction(language)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def city_names(archive: Archive) -> dict[str, str]:
    """The name each city of the archive is shown by (city key → name): the gazetteer's,
    else the spelling most articles use, namesakes told apart (``Hyderabad, Pakistan``;
    :func:`dateline.cities.told_apart`). Pages, lists of articles and feeds all show
    these, so that an entry's Hyderabad is the one its link leads to."""
    return {key: city.name for key, city in archive.cities.items()}


def listed_digests(archive: Archive, names: Mapping[str, str]) -> Mapping[str, bytes]:
    """:attr:`~dateline.model.Archive.digests`, but for the articles whose cities are
    shown by other ``names`` than the article alone gives them (the gazetteer's name, else
    its own spelling) with those names in too: a namesake elsewhere in the archive (a
    second Hyderabad) or the spelling most articles use changes what an entry of the
    article shows, and a page's key (:class:`Reuse`) must change with it.

    Only the articles of such cities are looked at: an archive without namesakes pays a
    glance at each city."""
    digests = archive.digests
    differing = [city for city in archive.cities.values()
                 if city.place is None or city.name != city.place.name]
    if not differing:
        return digests
    changed = {}
    for article in {a.path: a for city in differing for a in city.articles}.values():
        shown = [names[c.key] for c in article.cities]
        if shown != [c.place.name if c.place is not None else c.name for c in article.cities]:
            digest = hashlib.sha256(digests[article.path])
            for name in shown:
                data = name.encode("utf-8", "surrogatepass")
                digest.update(b"%d:" % len(data) + data)
            changed[article.path] = digest.digest()
    return {**digests, **changed} if changed else digests


def _item_parts(article: Article, names: Mapping[str, str]) -> tuple[str, str, str, str, str]:
    """What an article's list entry holds besides its link's target: the title as link
    text, the page's path, the link's attributes (:func:`language_attributes`), the line
    of details after the link (its cities by their ``names``, :func:`city_names`), and the
    summary's line."""
    details = [format_date(article.date), listed([md(names[c.key]) for c in article.cities])]
    if article.source:
        details.append(md(article.source))
    language = language_attributes(article)
    summary = md(article.summary)
    if language and summary:
        summary = f"<span {language}>{summary}</span>"
    return (md(article.title), article_path(article), f"{{{language}}}" if language else "",
            f"  {' · '.join(details)}", f"  \n  {summary}" if summary else "")


_remembered: dict[int, tuple[Article, Mapping[str, str], tuple[str, str, str, str, str]]] | None = None


@contextmanager
def remembering_items() -> Iterator[None]:
    """While the block runs, each article's list entry is made once, however many lists
    it is in (a day, a month, each of its cities): 37,000 entries for 10,000 articles."""
    global _remembered  # noqa: PLW0603 (one render at a time, in one thread)
    _remembered = {}
    try:
        yield
    finally:
        _remembered = None


def article_item(article: Article, here: str, names: Mapping[str, str], summary: bool = True) -> str:
    """One entry of an article list: title, date, cities (by their ``names``,
    :func:`city_names`), source and (unless ``summary`` is false) the summary."""
    if _remembered is None:
        parts = _item_parts(article, names)
    else:
        # The article is kept with its entry, so its id is not reused while remembered.
        known = _remembered.get(id(article))
        if known is None or known[1] is not names:
            known = _remembered[id(article)] = (article, names, _item_parts(article, names))
        parts = known[2]
    title, path, attributes, details, summary_line = parts
    summary_line = summary_line if summary else ""
    return f"- **[{title}]({relative(path, here)}){attributes}**  \n{details}{summary_line}"


def article_list(articles: Iterable[Article], here: str, names: Mapping[str, str],
                 summaries: bool = True) -> str:
    """A Markdown list of ``articles``, their cities shown by their ``names``
    (:func:`city_names`). A month's list (of the archive or of a city) leaves
    the summaries out: it is an overview of hundreds of headlines, and the summaries
    were most of its weight (a month of a 10,000-article archive: 110 KB with them, 56 KB
    without)."""
    return "\n".join(article_item(a, here, names, summaries) for a in articles) + "\n"
