"""Links from the archive's root in article bodies: ``[Kabul](/cities/kabul/)``,
``[that day](/dates/2021/08/13/)``.

Such a link is made relative to the page (see :mod:`dateline.bodylinks`). One into the
pages Dateline generates (``/articles/``, ``/cities/``, ``/countries/``, ``/dates/``, the
feeds) that leads to none of them would be found only by the site's audit, after the
build, without the article's line (or stop MkDocs' strict build halfway, for a file).
``dateline check`` finds it first: those pages are known from the archive without making
them (:func:`~dateline.pages.render_reusing` told every page is kept).

Links elsewhere under the root (``/assets/…``, ``/search/``, a page of ``docs/``) are left
to MkDocs and the audit: the theme's files, ``docs/``'s own (``README.md`` pages, linked
folders) and what MkDocs writes itself (``sitemap.xml``, ``404.html``) all count there,
and a list of them kept here would refuse what they accept.
"""

from __future__ import annotations

import posixpath
from collections.abc import Container

from dateline.bodylinks import from_root, meant
from dateline.config import Settings
from dateline.errors import Problem
from dateline.feeds import feed_options
from dateline.model import Archive, Article
from dateline.pagekit import generated
from dateline.pages import render_reusing


def root_link_problems(archive: Archive, settings: Settings) -> list[Problem]:
    """A problem for each link from the root into the generated pages that leads to none."""
    linking = [(article, link, path) for article in archive.articles for link in article.links
               if meant(link).startswith("/") and generated(path := from_root(meant(link))[0])]
    if not linking:
        return []
    feeds = feed_options(settings.site_url, settings.feed_articles)
    made, kept = render_reusing(archive, reuse=lambda _path, _key: True, feeds=feeds)
    there = {page.path for page in made} | set(kept) | set(archive.links.assets.values())
    return [Problem(article.path, link.line, "body",
                    f'links to "{link.target}" (from the archive\'s root): the site has no such page '
                    "(a page is linked by its address: /cities/kabul/)")
            for article, link, path in linking if not any(found in there for found in _candidates(path))]


def to_audit_again(article: Article, written: Container[str], own_changed: bool) -> bool:
    """Whether the article's page, made as before, is to be audited again for links only
    the site's audit checks: from the root to what is not Dateline's (a page or file of
    ``docs/``'s own), when ``own_changed`` says those changed, or to an anchor of one of
    Dateline's pages made again (``written``: files of the new site, relative to it)."""
    for link in article.links:
        target = meant(link)
        if not target.startswith("/"):
            continue
        path, rest = from_root(target)
        if path and not generated(path):
            if own_changed:
                return True
        elif rest.startswith("#"):
            bare = path.rstrip("/")
            if (f"{bare}/index.html" if bare else "index.html") in written or bare in written:
                return True
    return False


def _candidates(path: str) -> list[str]:
    """The files under ``docs/`` a path from the root may be: ``cities/kabul/`` (or
    ``cities/kabul/index.html``) is the page ``cities/kabul.md`` or
    ``cities/kabul/index.md``; ``feed.xml`` a file."""
    bare = path.removesuffix("index.html").rstrip("/")
    if not bare:
        return ["index.md"]
    pages = [f"{bare}.md", f"{bare}/index.md"]
    return pages if path.endswith("/") or not posixpath.splitext(bare)[1] else [bare, *pages]
