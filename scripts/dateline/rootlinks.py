"""Links from the archive's root in article bodies: ``[Kabul](/cities/kabul/)``,
``![map](/assets/map.png)``.

Such a link is made relative to the page (see :mod:`dateline.bodylinks`). One that leads
to no page and no file of the site would stop MkDocs' strict build halfway (a file), or
be found by the site's audit after the build (a page), both without the article's line.
``dateline check`` finds it first: the site's pages are known from the archive without
making them (:func:`~dateline.pages.render_reusing` told every page is kept), and its
other files are ``docs/``'s own.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from dateline.bodylinks import from_root, meant
from dateline.config import Settings
from dateline.errors import Problem
from dateline.feeds import feed_options
from dateline.model import Archive
from dateline.pagekit import GENERATED_ROOTS
from dateline.pages import render_reusing


def root_link_problems(archive: Archive, settings: Settings) -> list[Problem]:
    """A problem for each link from the root that leads to nothing the site will have."""
    linking = [(article, link) for article in archive.articles for link in article.links
               if meant(link).startswith("/")]
    if not linking:
        return []
    there = _site_paths(archive, settings)
    problems = []
    for article, link in linking:
        path, _rest = from_root(meant(link))
        if any(candidate in there for candidate in _candidates(path)):
            continue
        problems.append(Problem(article.path, link.line, "body",
                                f'links to "{link.target}" (from the archive\'s root): the site has no such '
                                "page or file (a page is linked by its address: /cities/kabul/)"))
    return problems


def _candidates(path: str) -> list[str]:
    """The files under ``docs/`` a path from the root may be: ``cities/kabul/`` is the page
    ``cities/kabul.md`` or ``cities/kabul/index.md``; ``assets/map.png`` a file."""
    bare = path.rstrip("/")
    if not bare:
        return ["index.md"]
    pages = [f"{bare}.md", f"{bare}/index.md"]
    return pages if path.endswith("/") or not posixpath.splitext(bare)[1] else [bare, *pages]


def _site_paths(archive: Archive, settings: Settings) -> set[str]:
    """Every file of ``docs/`` once the build has written it: the pages and feeds (made
    only with ``site_url``) it generates, the files articles link to, and ``docs/``'s own."""
    docs = settings.docs_dir
    feeds = feed_options(settings.site_url, settings.feed_articles)
    made, kept = render_reusing(archive, reuse=lambda _path, _key: True, feeds=feeds)
    paths = {page.path for page in made} | set(kept) | set(archive.links.assets.values())
    for folder, subfolders, files in os.walk(docs):
        here = Path(folder).relative_to(docs).as_posix()
        if here == ".":
            subfolders[:] = [name for name in subfolders if name not in GENERATED_ROOTS]
            paths.update(name for name in files if name not in GENERATED_ROOTS)
        else:
            paths.update(f"{here}/{name}" for name in files)
    return paths
