"""The site's sitemap, written by ``dateline build`` after MkDocs, in MkDocs' stead.

MkDocs' own sitemap does not suit an archive that grows every day:

- It dates every page with the day of the build, so each build on a new day tells
  search engines that all the archive's pages changed; they learn to ignore the dates.
  Here a page is dated by the newest article it shows: an article by its own date (or
  the day it was last ``updated``), a day by that day, a month, year, city or country
  by its newest article, the home page and the indexes by the archive's newest article.
  The dates follow from the articles, so a build after a change writes what a clean
  build would.
- It lists every page in one file, and the sitemap protocol allows 50,000 addresses a
  file: an archive of some 40,000 articles has more pages than that, and search engines
  would refuse the whole file. Above :data:`URLS_PER_FILE` pages, ``sitemap.xml`` is a
  sitemap index naming ``sitemap-1.xml``, ``sitemap-2.xml``… of at most that many each.

Sitemaps need absolute addresses, so without ``site_url`` the sitemap lists no page (as
MkDocs' does). Pages that are not Dateline's (hand-written ones under ``docs/``) are
listed without a date. The pages of articles' former addresses (:mod:`dateline.aliases`),
written into the site, not ``docs/``, are not listed: they send search engines on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from dateline.model import Archive
from dateline.pagekit import (
    article_path,
    city_month_path,
    city_path,
    country_path,
    day_path,
    month_path,
    page_url,
    published_address,
    year_path,
)
from dateline.pages_places import countries_of
from dateline.writer import atomic_write

SITEMAP = "sitemap.xml"
URLS_PER_FILE = 50_000
"""The sitemap protocol's limit of addresses in one file (sitemaps.org)."""
_PART = re.compile(r"sitemap-[0-9]+\.xml")
_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_dates(archive: Archive) -> dict[str, dt.date]:
    """Dateline's pages under ``docs/`` with the date of the newest article each shows."""
    dates = {article_path(article): article.updated or article.date for article in archive.articles}
    months: dict[tuple[int, int], dt.date] = {}
    for day in archive.days:  # oldest first: the last day of a month is its newest
        dates[day_path(day)] = day
        months[day.year, day.month] = day
    for (year, month), day in months.items():
        dates[month_path(year, month)] = day
        dates[year_path(year)] = day
    for city in archive.cities.values():
        newest: dict[tuple[int, int], dt.date] = {}
        for article in city.articles:
            key = (article.date.year, article.date.month)
            if newest.get(key, dt.date.min) < article.date:
                newest[key] = article.date
        if newest:
            dates[city_path(city.key)] = max(newest.values())
        for (year, month), day in newest.items():
            dates[city_month_path(city.key, year, month)] = day
    for country in countries_of(archive):
        if country.articles:
            dates[country_path(country.key)] = max(article.date for article in country.articles)
    if archive.days:
        newest_day = max(archive.days)
        for page in ("index.md", "dates/index.md", "cities/index.md", "countries/index.md"):
            dates[page] = newest_day
    return dates


def _urlset(entries: Iterable[tuple[str, dt.date | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{_NAMESPACE}">']
    for location, day in entries:
        lastmod = f"<lastmod>{day.isoformat()}</lastmod>" if day else ""
        lines.append(f"<url><loc>{escape(location)}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


def sitemap_files(site_url: str, pages: Iterable[str], dates: dict[str, dt.date]) -> dict[str, bytes]:
    """The sitemap of the ``docs/`` pages ``pages``: ``sitemap.xml``, and its parts when
    there are many pages, by file name."""
    entries = sorted((published_address(site_url, page_url(page)), dates.get(page))
                     for page in pages) if site_url else []
    parts = [entries[at:at + URLS_PER_FILE] for at in range(0, len(entries), URLS_PER_FILE)]
    if len(parts) <= 1:
        return {SITEMAP: _urlset(entries).encode("utf-8")}
    files = {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{_NAMESPACE}">']
    for number, part in enumerate(parts, start=1):
        name = f"sitemap-{number}.xml"
        files[name] = _urlset(part).encode("utf-8")
        days = [day for _location, day in part if day]
        lastmod = f"<lastmod>{max(days).isoformat()}</lastmod>" if days else ""
        lines.append(f"<sitemap><loc>{escape(published_address(site_url, name))}</loc>{lastmod}</sitemap>")
    lines.append("</sitemapindex>\n")
    files[SITEMAP] = "\n".join(lines).encode("utf-8")
    return files


def write_sitemap_files(site: Path, files: dict[str, bytes]) -> tuple[list[Path], list[str]]:
    """Write :func:`sitemap_files`' files into ``site``; return the files written and the
    names of parts removed. Every file is written anew (never into the old one: the live
    site may share it)."""
    written = []
    for name, data in files.items():
        atomic_write(site / name, data)
        written.append(site / name)
    removed = []
    for old in sorted(site.glob("sitemap-*.xml")):
        if _PART.fullmatch(old.name) and old.name not in files:
            old.unlink()
            removed.append(old.name)
    return written, removed
