"""Group validated articles into the archive: cities, days, and the URL plan.

This is the first of two phases (as in Pelican: group everything, then write): it
decides every URL and refuses collisions before a single page is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from dateline.aliases import alias_problems, own_outputs
from dateline.bodylinks import check_links
from dateline.cities import display_names, places_of, resolve_places
from dateline.config import Settings
from dateline.errors import Problem, Severity
from dateline.load import article_files, read_article_and_hash
from dateline.model import Archive, Article, BodyLink, City, Links
from dateline.pagekit import article_path
from dateline.readcache import ReadCache, Result
from dateline.rootlinks import root_link_problems


def url_collisions(articles: Iterable[Article]) -> list[Problem]:
    """Two articles on one URL (also when they differ only in case) is an error naming both."""
    owners: dict[str, Article] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.path):
        key = article.url_path.casefold()
        if key in owners:
            first = owners[key]
            problems.append(Problem(
                article.path, 1, "slug",
                f"URL /{article.url_path} is already taken by {first.path}; "
                "set a different slug: in one of them"))
        else:
            owners[key] = article
    return problems


def group(articles: Iterable[Article], name: str = "", description: str = "",
          read_digests: Mapping[str, bytes] | None = None, links: Links | None = None) -> Archive:
    """Build the archive from published articles (drafts are left out); ``read_digests``
    are :attr:`Archive.read_digests`, ``links`` :attr:`Archive.links`."""
    published = sorted((a for a in articles if not a.draft), key=lambda a: a.sort_key)
    names = display_names(published)
    places = places_of(published)
    by_city: dict[str, list[Article]] = defaultdict(list)
    by_day: dict[dt.date, list[Article]] = defaultdict(list)
    for article in published:
        by_day[article.date].append(article)
        for city in article.cities:
            by_city[city.key].append(article)
    cities = {
        key: City(key=key, name=names[key], articles=tuple(reversed(by_city[key])), place=places.get(key))
        for key in sorted(by_city, key=lambda k: (names[k].casefold(), k))
    }
    return Archive(
        name=name, description=description, articles=tuple(published),
        cities=cities, days={day: tuple(by_day[day]) for day in sorted(by_day)},
        read_digests=read_digests or {}, links=links or Links({}, {}),
    )


PARALLEL_FROM = 2_000
"""Below this many files, starting worker processes costs more than it saves."""


def read_all(files: list[Path], settings: Settings) -> Iterator[tuple[Result, bytes | None]]:
    """:func:`~dateline.load.read_article_and_hash` for every file, in order, on every
    core for large archives.

    Reading is CPU-bound (YAML, validation, the render guard's scan): about 0.5 ms a file,
    so 10,000 files take five seconds on one core.
    """
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(files) < PARALLEL_FROM:
        for file in files:
            yield read_article_and_hash(file, settings)
        return
    # forkserver: the build may run threads (a test's web server, a progress display),
    # and forking a process with threads can deadlock on a lock held at that moment.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dateline.load"])
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(read_article_and_hash, files, itertools.repeat(settings),
                            chunksize=max(64, len(files) // (workers * 8)))


def _body_link_problems(articles: list[Article], unpublished: list[tuple[str, tuple[BodyLink, ...]]],
                        settings: Settings) -> tuple[Links | None, list[Problem]]:
    """Where the published ``articles``' relative links lead, and a problem for each link
    leading nowhere: theirs, those of the ``unpublished`` (articles with errors, by path),
    and, as warnings, the drafts'."""
    linking = [(a.path, a.links) for a in articles if a.links and not a.draft]
    drafted = [(a.path, a.links) for a in articles if a.links and a.draft]
    if not (linking or unpublished or drafted):
        return None, []
    every = {a.path: article_path(a) for a in articles}
    pages = {a.path: every[a.path] for a in articles if not a.draft}
    drafts = every.keys() - pages.keys()
    where = settings.root, settings.display(settings.articles_dir)
    links, problems = check_links(linking, pages, drafts, *where) if linking else (None, [])
    if unpublished:
        # Their problems alone: the files they link to are published once they are.
        problems += check_links(unpublished, pages, drafts, *where)[1]
    if drafted:
        # A draft is checked too, but is work in progress: a link of its leading nowhere
        # is a warning until it is published (to another draft, it leads to its page).
        problems += [dataclasses.replace(p, severity=Severity.WARNING,
                                         message=f"{p.message} (a draft: an error once it is published)")
                     for p in check_links(drafted, every, (), *where)[1]]
    return links, problems


def load_archive(settings: Settings) -> tuple[Archive, list[Problem]]:
    """Load and check every article; the archive holds those without errors."""
    files, problems = article_files(settings)
    cache = ReadCache(settings)
    keys = {}
    results = {}
    for file in files:
        keys[file], remembered = cache.get(file)
        if remembered is not None:
            results[file] = remembered
    unread = [file for file in files if file not in results]
    for file, (result, content) in zip(unread, read_all(unread, settings), strict=True):
        cache.put(file, keys[file], result, content)
        results[file] = result
    cache.save()
    articles: list[Article] = []
    read_digests = {}
    # The links of articles with errors that are no drafts: checked all the same, so that
    # one leading nowhere is reported with the errors, not once they are mended.
    unpublished: list[tuple[str, tuple[BodyLink, ...]]] = []
    for file in files:
        article, found, links_anyway = results[file]
        problems.extend(found)
        if article is not None:
            articles.append(article)
            digest = cache.read_digest(file)
            if digest is not None:
                read_digests[article.path] = digest
        elif links_anyway:
            unpublished.append((settings.display(file), links_anyway))
    read = articles
    articles, place_problems = resolve_places(read, settings)
    problems.extend(place_problems)
    if len(articles) < len(read):  # some name an unknown place
        kept = {a.path for a in articles}
        unpublished += [(a.path, a.links) for a in read if a.path not in kept and a.links and not a.draft]
    published = [a for a in articles if not a.draft]
    problems.extend(url_collisions(published))
    if any(a.aliases for a in published):
        own = own_outputs(settings.docs_dir, settings.display(settings.docs_dir)) \
            if settings.docs_dir.is_dir() else {}
        problems.extend(alias_problems(published, own, settings.site_path))
    links, broken = _body_link_problems(articles, unpublished, settings)
    problems.extend(broken)
    if not files and not problems:
        problems.append(Problem(settings.display(settings.articles_dir), 0, "articles",
                                "no articles found (files ending in .md)", Severity.WARNING))
    archive = group(published, settings.site_name, settings.site_description, read_digests, links)
    problems.extend(root_link_problems(archive, settings))
    return archive, sorted(problems)
