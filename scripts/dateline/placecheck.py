"""What ``dateline check`` says about a city name in front matter.

An unknown name is an error with did-you-mean suggestions; a country is an error that
says so; an ambiguous name is a warning that names the place chosen, the others, and
the two ways to choose differently. The gazetteer decides; this module only words it.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from dateline.errors import Problem, Severity
from dateline.gazetteer import DEFINED, PINNED, Gazetteer, Place, Resolution
from dateline.model import Article, CityRef
from dateline.text import fold, plural

SHOWN_ALTERNATIVES = 3


def describe(place: Place) -> str:
    """``Hyderabad, Pakistan`` or ``Paris, Texas, United States``: enough to tell namesakes apart."""
    parts = [place.name, place.region, place.country]
    return ", ".join(p for p in parts if p)


def _describe_apart(places: Sequence[Place], first_note: str = "") -> list[str]:
    """:func:`describe` of each place; those it would word alike (three ``Rampur, India``:
    GeoNames names only US states) also get where they lie and their id, which a
    qualifier or a pin takes. ``first_note`` goes in the first place's brackets."""
    labels = [describe(place) for place in places]
    alike = Counter(labels)
    shown = []
    for index, (label, place) in enumerate(zip(labels, places, strict=True)):
        notes = [first_note] if index == 0 and first_note else []
        if alike[label] > 1:
            notes += [note for note in (place.coordinates, place.id) if note]
        shown.append(f"{label} ({'; '.join(notes)})" if notes else label)
    return shown


def how_to_choose(gazetteer: Gazetteer, name: str, place: Place) -> str:
    """What to write for ``name`` to mean ``place``: its country or region after a comma
    where that leads there, else its id."""
    for qualifier in (place.country, place.region):
        if qualifier:
            written = f"{name}, {qualifier}"
            found = gazetteer.resolve(written).place
            if found is not None and found.id == place.id:
                return written
    return f"{name}, {place.id}"


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
    if not result.ambiguous or result.reason in (PINNED, DEFINED):
        return result, []
    qualified = result.reason.startswith("qualified by")
    # A place chosen by its own name outranks namesakes known only by an alternate
    # spelling; a place chosen by an alternate spelling has no such claim. Qualified
    # ("Jalalabad, India"), only the namesakes the qualifier fits too are rivals.
    base, _, qualifier = name.rpartition(",")
    rivals = [p for p in result.alternatives
              if (p.primary or not result.place.primary)
              and p.population >= min_share * result.place.population
              and (not qualified or gazetteer.fits(p, qualifier.strip()))]
    if not rivals:
        return result, []
    others = rivals[:SHOWN_ALTERNATIVES]
    more = len(rivals) - len(others)
    written = base.strip() if qualified else name
    why = f"the most populous in {qualifier.strip()}" if qualified else result.reason
    chosen, *listed = _describe_apart([result.place, *others], first_note=why)
    message = (f'"{name}" could be several places; chose {chosen} over '
               + "; ".join(listed) + (f" and {more} more" if more > 0 else "")
               + f'. To choose another, write "{how_to_choose(gazetteer, written, others[0])}" '
               + f'or pin "{written}" in places.yml')
    return result, [Problem(path, line, field, message, Severity.WARNING)]


def _unknown(gazetteer: Gazetteer, name: str, result: Resolution) -> str:
    parts = [part.strip() for part in name.split(",")]
    if len(parts) > 1 and all(parts) and all(gazetteer.resolve(part).place for part in parts):
        # "Kabul, Herat, Kandahar": several places written as one name.
        return f'"{name}" names {len(parts)} places; write them as a list: [{", ".join(parts)}]'
    if result.alternatives:  # a qualifier that fits none of the namesakes
        places = "; ".join(_describe_apart(result.alternatives[:SHOWN_ALTERNATIVES]))
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


RARE = 2
"""A city named in at most this many articles is compared with the commoner ones
(:func:`look_alike_problems`)."""
COMMON = 3
"""…those named in at least this many."""
LOOK_ALIKE = 0.8
"""How alike two names must be (``difflib``'s ratio of their folded forms): ``Ghanzi`` and
``Ghazni`` are 0.83, ``Kandhar`` and ``Kandahar`` 0.93."""


def look_alike_problems(articles: Sequence[Article], pinned: Collection[str] = ()) -> list[Problem]:
    """A warning on each line naming a rare city (:data:`RARE`) whose name looks like a
    common one's (:data:`COMMON`, :data:`LOOK_ALIKE`): a misspelling that GeoNames takes
    for another place (``Ghanzi``, a town in Botswana, for ``Ghazni``) would otherwise
    give the archive a page, and a country, of its own without a word.

    A mention that says which place it means is not compared (:func:`_chosen`): a
    qualifier (``Pokrov, Ukraine`` beside Pokrovsk, ``Marib, Yemen`` beside Maribor), a
    name ``pinned`` in places.yml (names as written, :func:`pinned_names`), or a place
    places.yml defines. That is also what the warning tells the writer to do. A misspelling
    cannot pass for such a choice: one qualified by the country of the place meant is an
    error already (no "Ghanzi" in Afghanistan).

    Only names of the same first letter and about the same length are compared, so the
    cost follows the archive's cities, not their pairs."""
    counts: Counter[str] = Counter(city.key for article in articles for city in article.cities)
    shown: dict[str, tuple[str, Place | None]] = {}
    for article in articles:
        for city in article.cities:
            shown.setdefault(city.key, (city.place.name if city.place else city.name, city.place))
    common: dict[str, list[tuple[str, str]]] = {}
    for key, count in counts.items():
        if count >= COMMON:
            folded = fold(shown[key][0])
            common.setdefault(folded[:1], []).append((folded, key))
    if not common:
        return []
    likely: dict[tuple[str, str], str | None] = {}
    problems = []
    for article in articles:
        for city in article.cities:
            if counts[city.key] > RARE:
                continue
            asked = (city.key, city.name)
            if asked not in likely:
                chosen = _chosen(city, pinned)
                likely[asked] = None if chosen else _looks_like(fold(city.name), city.key, common)
            other = likely[asked]
            if other is None:
                continue
            name, place = shown[other]
            meant = describe(place) if place else name
            here = describe(city.place) if city.place else city.name
            # Saying which place is meant is the other answer; without a place there is none.
            choose = f'; if not, write "{_qualified(city.name, city.place)}" to say so' if city.place else ""
            problems.append(Problem(
                article.path, city.line, "cities",
                f'"{city.name}" is {here}, named in {plural(counts[city.key], "article")}; did you mean '
                f'"{name}" ({meant}, in {counts[other]})? If so, write "{name}"{choose}', Severity.WARNING))
    return problems


def pinned_names(resolutions: Iterable[Resolution]) -> frozenset[str]:
    """The names, as written, that a pin in places.yml resolved: for :func:`look_alike_problems`."""
    return frozenset(r.query for r in resolutions if r.reason == PINNED)


def _chosen(city: CityRef, pinned: Collection[str]) -> bool:
    """Whether the article, or places.yml, says which place ``city`` is."""
    if city.place is None:
        return False
    # A name with a comma that the gazetteer knew is qualified, or names its place in
    # full (a few GeoNames names have one: "Misato, Saitama"); either way it is meant.
    base, comma, qualifier = city.name.rpartition(",")
    return (bool(comma and base.strip() and qualifier.strip()) or city.name in pinned
            or city.place.id.startswith("local:"))


def _qualified(name: str, place: Place) -> str:
    """``name`` with what says it means ``place``: its region where known (a US state,
    narrower than the country), else its country, else its id."""
    return f"{name}, {place.region or place.country or place.id}"


def _looks_like(folded: str, key: str, common: dict[str, list[tuple[str, str]]]) -> str | None:
    """The key of the common city whose name looks most like ``folded``, if any does."""
    best, best_ratio = None, LOOK_ALIKE
    matcher = difflib.SequenceMatcher(None, b=folded)
    for name, other in common.get(folded[:1], ()):
        if other == key or name == folded or abs(len(name) - len(folded)) > 2:
            continue
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = other, ratio
    return best
