"""What ``dateline check`` says about a city name in front matter.

An unknown name is an error with did-you-mean suggestions; a country is an error that
says so; an ambiguous name is a warning that names the place chosen, the others, and
the two ways to choose differently. The gazetteer decides; this module only words it.
"""

from __future__ import annotations

from dateline.errors import Problem, Severity
from dateline.gazetteer import Gazetteer, Place, Resolution

SHOWN_ALTERNATIVES = 3


def describe(place: Place) -> str:
    """``Hyderabad, Pakistan`` or ``Paris, Texas, United States``: enough to tell namesakes apart."""
    parts = [place.name, place.region, place.country]
    return ", ".join(p for p in parts if p)


def check_city(gazetteer: Gazetteer, name: str, path: str, line: int, field: str = "cities",
               prefer_countries: tuple[str, ...] = (), min_share: float = 0.0,
               ) -> tuple[Resolution, list[Problem]]:
    """Resolve one front-matter city name and word any problem with it.

    ``min_share`` silences the ambiguity warning when every namesake is smaller than
    that share of the chosen place's population (0.05 keeps Hyderabad, India/Pakistan
    and drops Kandahar, India at 5% of Kandahar, Afghanistan).
    """
    result = gazetteer.resolve(name, prefer_countries)
    if result.place is None:
        return result, [Problem(path, line, field, _unknown(gazetteer, name, result))]
    if not result.ambiguous or result.reason in ("pinned in places.yml", "defined in places.yml"):
        return result, []
    if result.reason.startswith("qualified by"):
        return result, []
    # A place chosen by its own name outranks namesakes known only by an alternate
    # spelling; a place chosen by an alternate spelling has no such claim.
    rivals = [p for p in result.alternatives
              if (p.primary or not result.place.primary)
              and p.population >= min_share * result.place.population]
    if not rivals:
        return result, []
    others = rivals[:SHOWN_ALTERNATIVES]
    more = len(rivals) - len(others)
    listed = "; ".join(describe(p) for p in others) + (f" and {more} more" if more > 0 else "")
    example = f"{name}, {others[0].country}" if others else name
    message = (f'"{name}" could be several places; chose {describe(result.place)} '
               f"({result.reason}) over {listed}. To choose another, write "
               f'"{example}" or pin "{name}" in places.yml')
    return result, [Problem(path, line, field, message, Severity.WARNING)]


def _unknown(gazetteer: Gazetteer, name: str, result: Resolution) -> str:
    if result.alternatives:  # a qualifier that fits none of the namesakes
        places = "; ".join(describe(p) for p in result.alternatives[:SHOWN_ALTERNATIVES])
        return f'"{name}": {result.reason}; the places of that name are {places}'
    code = gazetteer.country_of(name)
    if code is not None:
        return (f'"{name}" is a country ({gazetteer.country_name(code)}), not a city; '
                "name the city the article is about")
    suggestions = gazetteer.suggest(name)
    if suggestions:
        hint = " or ".join(f'"{describe(p)}"' for p in suggestions)
        return f'"{name}" is not a place the gazetteer knows; did you mean {hint}? ' \
               "(A place it lacks can be added to places.yml.)"
    return f'"{name}" is not a place the gazetteer knows; add it to places.yml'
