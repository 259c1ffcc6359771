"""Links to a place in an article: ``[below](#casualties)`` within it, and
``[the day before](kabul-braces.md#airport)`` to another's.

MkDocs' strict build stops at an anchor a page lacks ("there is no such anchor on this
page"), after the pages were written, naming the generated page and no line. ``dateline
check`` finds such links first, with the file and line, against the ids the article's
page will have: ``headline`` (its title) and every id its body renders with (headings'
``toc`` ids, footnotes', ``attr_list``'s, and those written in HTML), read from the render
guard's own rendering (:func:`dateline.guard.archive_problems`), which is cached, runs on
every core and under the time limit. That is all MkDocs can find, and perhaps more, so
nothing it accepts is refused here. An article the guard could not render is reported
by it; links to it are not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from dateline.bodylinks import meant, resolve
from dateline.errors import Problem
from dateline.guard import Anchors
from dateline.model import Article

SHOWN_ANCHORS = 5
"""Anchors named in a problem's message, as a hint of what there is."""


def anchor_problems(published: Iterable[Article], anchors: Mapping[str, Anchors]) -> list[Problem]:
    """A problem for each link to an anchor the article it leads to will not have;
    ``anchors``: what each article's page offers and asks, by path, from the render guard."""
    articles = {article.path: article for article in published}
    problems = []
    for article in articles.values():
        rendered = anchors[article.path].within if article.path in anchors else ()
        # Only what rendered as a link is one (not "[x](#y)" shown in an indented code
        # block), told by its address: the same one also in a code block is judged too.
        wanted = [(link, meant(link)[1:], article)
                  for link in article.anchor_links if meant(link) in rendered]
        for link in article.links:
            address = meant(link)
            found, rest = ("", "") if address.startswith("/") else resolve(article.path, address)
            if rest.startswith("#") and len(rest) > 1 and found in articles:
                wanted.append((link, rest[1:], articles[found]))
        for link, anchor, target in wanted:
            if target.path not in anchors:
                continue  # not rendered: the guard says why
            there = anchors[target.path].ids
            if anchor in there or unquote(anchor) in there:
                continue
            where = "this article" if target is article else target.path
            hint = ", ".join(f"#{name}" for name in there[:SHOWN_ANCHORS])
            hint += ", …" if len(there) > SHOWN_ANCHORS else ""
            problems.append(Problem(article.path, link.line, "body",
                                    f'links to "{link.target}": {where} has no such anchor (it has {hint})'))
    return problems
