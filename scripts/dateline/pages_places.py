"""Pages about places: a page per city, the cities index by country, and country pages.

Place facts (country, region, coordinates, other names) come from the gazetteer, and
every page that shows them credits GeoNames, as its licence requires.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dateline.feeds import city_feed_path, country_feed_path
from dateline.gazetteer import Place
from dateline.gazetteer_index import ATTRIBUTION
from dateline.model import Archive, Article, City
from dateline.pagekit import (
    Page,
    Reuse,
    article_list,
    city_month_path,
    city_path,
    country_path,
    feed_sentence,
    front_matter,
    link,
    neighbour_links,
)
from dateline.text import escape_markdown_inline as md
from dateline.text import format_date, format_month, plural, slugify

MOST_COVERED = 5
COUNTRY_LATEST = 20
CITY_LIST_ARTICLES = 500
"""A city page lists every article of its city up to this many (about 270 KB of HTML). A
city with more gets a page per month it has articles in (``/cities/kabul/2021/08/``), and
its own page shows the latest :data:`CITY_LATEST` and the months. At 10,000 synthetic
articles, Kabul's single page listed 3,814 in 2 MB, and MkDocs rendered it again after
every article added about Kabul (0.9 s). A lower limit would split middling cities into
months of a few articles each: with 100, 1,744 month pages and 27 MB more site, where 500
gives 421 pages and 4.6 MB more."""
CITY_LATEST = 20
NO_COUNTRY = "Other places"


@dataclass(frozen=True)
class Country:
    key: str
    name: str
    cities: tuple[City, ...]
    """Most covered first."""
    articles: tuple[Article, ...]
    """Every article naming one of its cities, newest first."""


def countries_of(archive: Archive) -> list[Country]:
    """Countries with their cities, in alphabetical order (places without one last)."""
    grouped: dict[str, list[City]] = defaultdict(list)
    for city in archive.cities.values():
        grouped[city.place.country if city.place and city.place.country else NO_COUNTRY].append(city)
    countries = []
    for name in sorted(grouped, key=lambda n: (n == NO_COUNTRY, n.casefold())):
        cities = sorted(grouped[name], key=lambda c: (-len(c.articles), c.name.casefold()))
        articles = {a.path: a for c in cities for a in c.articles}
        newest = sorted(articles.values(), key=lambda a: a.sort_key, reverse=True)
        countries.append(Country(slugify(name), name, tuple(cities), tuple(newest)))
    return countries


def _coordinates(place: Place) -> str:
    """The place's coordinates, linked to the map around it (known coordinates only)."""
    lat, lon = place.lat, place.lon
    assert lat is not None and lon is not None
    return f"[{place.coordinates}](https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=10/{lat:.4f}/{lon:.4f})"


def _place_lines(city: City, here: str) -> str:
    place = city.place
    if place is None:
        return ""
    where = [md(place.region)] if place.region else []
    if place.country:
        where.append(link(place.country, country_path(slugify(place.country)), here))
    if place.coordinates:
        where.append(_coordinates(place))
    lines = [" · ".join(where)] if where else []
    if place.aliases:
        # Each name isolated: a run of Arabic or Hebrew names would otherwise be read as
        # one right-to-left phrase, its names reversed and its commas misplaced.
        lines.append("Also written: " + ", ".join(f"<bdi>{md(a)}</bdi>" for a in place.aliases))
    return "  \n".join(lines) + "\n{: .dateline-place }\n\n" if lines else ""


def _by_month(articles: Sequence[Article]) -> dict[tuple[int, int], list[Article]]:
    months: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in articles:
        months[(article.date.year, article.date.month)].append(article)
    return months


def _credit(archive_has_places: bool) -> str:
    return f"\n---\n\n{ATTRIBUTION}\n{{: .dateline-credit }}\n" if archive_has_places else ""


def render_city(city: City, names: Mapping[str, str], reuse: Reuse | None = None,
                feed: bool = False) -> list[Page]:
    """The city's page, and a page per month once it has more than
    :data:`CITY_LIST_ARTICLES` articles (but the pages ``reuse`` keeps); the page links to
    the city's feed (:func:`dateline.feeds.city_feed_path`) when ``feed``. Its articles'
    cities are shown by their ``names`` (:func:`dateline.pagekit.city_names`)."""
    here = city_path(city.key)
    place = _place_lines(city, here)
    large = len(city.articles) > CITY_LIST_ARTICLES
    feed_path = city_feed_path(city.key) if feed else ""
    # The page shows the place and every article of the city (or its latest and a count
    # per month). A small city's page lists each with its summary: rendering them all
    # again took 0.2 s of every build at 10,000 articles.
    if reuse is not None and reuse.keeps(here, city.key, city.name, place, str(city.place is not None),
                                         feed_path, articles=city.articles):
        return _city_months(city, _by_month(city.articles), names, reuse) if large else []
    months = _by_month(city.articles)
    count = plural(len(city.articles), "article")
    span = (format_date(city.first_date) if city.first_date == city.last_date
            else f"{format_date(city.first_date)} to {format_date(city.last_date)}")
    follow = feed_sentence(f"New articles about {md(city.name)}", feed_path, here)
    parts = [front_matter(city.name, f"{count} about {city.name}", feed_path),
             f"# {md(city.name)}\n\n", place, f"**{count}**, {span}.{follow}\n\n"]
    if large:
        parts.append(f"## Latest articles\n\n{article_list(city.articles[:CITY_LATEST], here, names)}\n")
    year = None
    for (article_year, month), articles in months.items():
        if article_year != year:
            year = article_year
            parts.append(f"\n## {year}\n\n" if large else f"## {year}\n\n")
        if large:  # a line linking to the month's page
            parts.append(f"- {link(format_month(year, month), city_month_path(city.key, year, month), here)}"
                         f" — {plural(len(articles), 'article')}\n")
        else:
            parts.append(f"### {format_month(year, month)}\n\n{article_list(articles, here, names)}\n")
    if large:
        parts.append("\n")
    parts.append(_credit(city.place is not None))
    return [Page(here, "".join(parts)), *(_city_months(city, months, names, reuse) if large else [])]


def _city_months(city: City, months: dict[tuple[int, int], list[Article]], names: Mapping[str, str],
                 reuse: Reuse | None) -> list[Page]:
    """A page per month of a large city, newest first, linked to the months beside it."""
    pages = []
    order = list(months)  # newest first
    for index, (year, month) in enumerate(order):
        here = city_month_path(city.key, year, month)
        articles = months[(year, month)]
        earlier = order[index + 1] if index + 1 < len(order) else None
        later = order[index - 1] if index > 0 else None
        if reuse is not None and reuse.keeps(
                here, city.key, city.name, *(f"{ym[0]}-{ym[1]}" if ym else "" for ym in (earlier, later)),
                articles=articles):
            continue
        title = f"{city.name}: {format_month(year, month)}"
        parts = [front_matter(title, f"Articles about {city.name} in {format_month(year, month)}"),
                 f"# {md(title)}\n\n{plural(len(articles), 'article')} · "
                 f"{link(city.name, city_path(city.key), here)}\n\n"
                 f"{article_list(articles, here, names, summaries=False)}\n"]
        parts.append(neighbour_links(
            here, None if earlier is None else (format_month(*earlier), city_month_path(city.key, *earlier)),
            None if later is None else (format_month(*later), city_month_path(city.key, *later))))
        pages.append(Page(here, "".join(parts)))
    return pages


def _city_counts(cities: Iterable[City], here: str, marker: str = "-") -> str:
    return "".join(f"{marker} {link(c.name, city_path(c.key), here)} — "
                   f"{plural(len(c.articles), 'article')}\n" for c in cities)


def render_cities_index(archive: Archive) -> Page:
    here = "cities/index.md"
    cities = list(archive.cities.values())
    countries = countries_of(archive)
    parts = [front_matter("Cities", "Every city in the archive"),
             f"# Cities\n\n{plural(len(cities), 'city', 'cities')} in "
             f"{link(plural(len(countries), 'country', 'countries'), 'countries/index.md', here)}.\n\n"]
    if len(cities) > MOST_COVERED:
        top = sorted(cities, key=lambda c: (-len(c.articles), c.name.casefold()))[:MOST_COVERED]
        parts.append(f"## Most covered\n\n{_city_counts(top, here, '1.')}\n")
    for country in countries:
        heading = (md(country.name) if country.name == NO_COUNTRY
                   else link(country.name, country_path(country.key), here))
        alphabetical = sorted(country.cities, key=lambda c: (c.name.casefold(), c.key))
        parts.append(f"## {heading}\n\n{_city_counts(alphabetical, here)}\n")
    parts.append(_credit(any(c.place for c in cities)))
    return Page(here, "".join(parts))


def named_countries(archive: Archive) -> list[Country]:
    """The countries that have a page (:func:`countries_of` but places without one)."""
    return [c for c in countries_of(archive) if c.name != NO_COUNTRY]


def render_countries(countries: list[Country], names: Mapping[str, str], feed: bool = False) -> list[Page]:
    """``/countries/`` and a page per country (the archive's :func:`named_countries`)
    rolling up its cities; each links to the country's feed when ``feed``. Its articles'
    cities are shown by their ``names`` (:func:`dateline.pagekit.city_names`)."""
    here = "countries/index.md"
    pages = [Page(here, front_matter("Countries", "The archive by country") + "# Countries\n\n" + "".join(
        f"- {link(c.name, country_path(c.key), here)} — {plural(len(c.articles), 'article')}, "
        f"{plural(len(c.cities), 'city', 'cities')}\n" for c in countries) + _credit(bool(countries)))]
    for country in countries:
        here = country_path(country.key)
        count = plural(len(country.articles), "article")
        feed_path = country_feed_path(country.key) if feed else ""
        follow = feed_sentence(f"New articles about {md(country.name)}", feed_path, here)
        parts = [front_matter(country.name, f"{count} about places in {country.name}", feed_path),
                 f"# {md(country.name)}\n\n**{count}** about "
                 f"{plural(len(country.cities), 'city', 'cities')}.{follow}\n\n",
                 f"## Cities\n\n{_city_counts(country.cities, here)}\n",
                 f"## Latest articles\n\n{article_list(country.articles[:COUNTRY_LATEST], here, names)}",
                 _credit(True)]
        pages.append(Page(here, "".join(parts)))
    return pages
