"""Links to a place in an article: ``[below](#casualties)`` within it, and
``[the day before](kabul-braces.md#airport)`` to another's.

MkDocs' strict build stops at an anchor a page lacks ("there is no such anchor on this
page"), after the pages were written, naming the generated page and no line. ``dateline
check`` finds such links first, with the file and line, against the ids the article's
page will have: ``headline`` (its title) and every id the project's Markdown extensions
give the body (headings' ``toc`` ids, footnotes', ``attr_list``'s, and those written in
HTML). That is all MkDocs can find, and perhaps more (ids in raw HTML), so nothing it
accepts is refused here.

Only the articles such links lead to are rendered, once each: in most archives none.
"""

from __future__ import annotations

import html.parser
import re
from collections.abc import Iterable
from urllib.parse import unquote

import markdown

from dateline.bodylinks import in_page_links, meant, resolve
from dateline.config import Settings
from dateline.errors import Problem
from dateline.frontmatter_yaml import decode, parse
from dateline.guard import resolve_names
from dateline.model import Article
from dateline.pages import HEADLINE_ID, demote_headings

_MAY_LINK_WITHIN = re.compile(r"\]\(\s*<?#|\]:\s*<?#|=\s*[\"']\s*#")
"""``](#``, ``]: #`` or ``="#``: a body without any has no link within the page (a quick
test before :func:`~dateline.bodylinks.in_page_links` looks closely)."""

SHOWN_ANCHORS = 5
"""Anchors named in a problem's message, as a hint of what there is."""


class _Ids(html.parser.HTMLParser):
    """Every ``id`` in a piece of HTML, and the ``name`` of each ``<a>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.append(value)


def page_ids(renderer: markdown.Markdown, article: Article) -> list[str]:
    """The ids of ``article``'s page, in order: its headline's, then its body's."""
    # The headline first, as on the page: a body heading "Headline" then gets toc's
    # next id (headline_1), as it will there.
    source = f"# x {{#{HEADLINE_ID}}}\n\n{demote_headings(article.body)}"
    collector = _Ids()
    collector.feed(renderer.reset().convert(source))
    collector.close()
    return collector.ids


def anchor_problems(published: Iterable[Article], settings: Settings) -> list[Problem]:
    """A problem for each link to an anchor the article it leads to will not have."""
    articles = {article.path: article for article in published}
    wanted: list[tuple[Article, int, str, str, Article]] = []  # from, line, as written, anchor, to
    for article in articles.values():
        for link in article.links:
            address = meant(link)
            found, rest = ("", "") if address.startswith("/") else resolve(article.path, address)
            if rest.startswith("#") and len(rest) > 1 and found in articles:
                wanted.append((article, link.line, link.target, rest[1:], articles[found]))
        body = article.body
        if "#" in body and _MAY_LINK_WITHIN.search(body) and (within := in_page_links(body)):
            shift = _body_line(article, settings) - 1  # lines counted from the body's first
            wanted += [(article, link.line + shift, link.target, meant(link)[1:], article) for link in within]
    if not wanted:
        return []
    names, configs = settings.extensions()
    try:
        renderer = markdown.Markdown(extensions=names, extension_configs=resolve_names(configs))
    except Exception:  # noqa: BLE001 - the render guard reports the configuration's mistake
        return []
    ids: dict[str, list[str]] = {}
    problems = []
    for source, line, written, anchor, target in wanted:
        if target.path not in ids:
            ids[target.path] = page_ids(renderer, target)
        there = ids[target.path]
        if anchor in there or unquote(anchor) in there:
            continue
        where = "this article" if target is source else target.path
        hint = ", ".join(f"#{name}" for name in there[:SHOWN_ANCHORS])
        hint += ", …" if len(there) > SHOWN_ANCHORS else ""
        problems.append(Problem(source.path, line, "body",
                                f'links to "{written}": {where} has no such anchor (it has {hint})'))
    return problems


def _body_line(article: Article, settings: Settings) -> int:
    """The line of the article's file its body starts on (read again: the article's
    record keeps only the lines of its relative links)."""
    try:
        text, _problems = decode((settings.root / article.path).read_bytes(), article.path)
    except OSError:
        return 1
    if text is None:
        return 1
    parsed, _problems = parse(text.replace("\r\n", "\n").replace("\r", "\n"), article.path)
    return parsed.body_line if parsed is not None else 1
