"""Find the cities a text mentions, for ``dateline annotate`` and ``dateline import``.

Precision comes first: a wrong city puts an article on the wrong page, a missed one
is easy to add by hand. So a name counts only when it is written as a name (whole
words, capitalised), is not a country, an airport code or a common word, and is not
part of a longer proper name: ``Manchester United``, ``Real Madrid``, ``Bank of
England``, ``Ismail Khan`` and later a bare ``Khan`` are people and organisations.
Small places and alternate spellings must also be backed by the text: a preposition of
place before them (``in Farah``) or their country named or implied nearby.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown

from dateline.detect_words import (
    CONNECTORS,
    DIVISION_ADJECTIVES,
    DIVISIONS,
    DIVISIONS_PLURAL,
    LOCATIVE,
    NEUTRAL_AFTER,
    NEUTRAL_BEFORE,
    NEVER,
    ORG_OF,
    STATE_AS_GOVERNMENT,
    STOPLIST,
    Token,
    tokenize,
    words,
)
from dateline.gazetteer import MAJOR_CITY, Gazetteer, Place
from dateline.placenames import name_key

MAX_WORDS = 5

@dataclass(frozen=True)
class Mention:
    """A place the text mentions, how often, where first, and in which spellings."""

    place: Place
    count: int
    first: int
    """Character offset of the first counted mention."""
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Span:
    first: int
    last: int
    text: str


def _spans(tokens: list[Token], text: str, gazetteer: Gazetteer) -> list[_Span]:
    """Longest known names, left to right, that are written as names."""
    spans: list[_Span] = []
    i = 0
    while i < len(tokens):
        found = None
        if tokens[i].capitalised and tokens[i].text.lower() not in CONNECTORS - {"the", "al", "el"}:
            for j in range(min(len(tokens), i + MAX_WORDS) - 1, i - 1, -1):
                inner = tokens[i + 1:j + 1]
                if any(not t.joined for t in inner) or not tokens[j].capitalised:
                    continue
                if any(not t.capitalised and t.text.lower() not in CONNECTORS for t in inner):
                    continue
                name = text[tokens[i].start:tokens[j].end]
                if gazetteer.knows(name) or gazetteer.country_of(name):
                    found = _Span(i, j, name)
                    break
        if found:
            spans.append(found)
            i = found.last + 1
        else:
            i += 1
    return spans


def _name_parts(tokens: list[Token], spans: list[_Span]) -> set[str]:
    """Words seen inside a longer capitalised name (``Ismail Khan``): later alone, a person."""
    exact = {(s.first, s.last) for s in spans}
    parts: set[str] = set()
    run: list[int] = []
    for i, token in enumerate([*tokens, None]):
        if token is not None and token.proper and token.text.lower() not in NEUTRAL_BEFORE \
                and token.text.lower() not in NEUTRAL_AFTER and (token.joined and run):
            run.append(i)
            continue
        if len(run) > 1 and (run[0], run[-1]) not in exact:
            parts.update(name_key(tokens[k].text) for k in run[1:])
        run = [i] if token is not None and token.proper \
            and token.text.lower() not in NEUTRAL_BEFORE else []
    return parts


def _context_rejects(tokens: list[Token], span: _Span, cities: set[int]) -> bool:
    """Part of a longer proper name (person, team, company, institution)?

    ``cities`` holds the tokens of big cities: a hyphen to one of them joins two places
    (the Kandahar-Kabul highway), not one name.
    """
    before = tokens[span.first - 1] if span.first > 0 else None
    after = tokens[span.last + 1] if span.last + 1 < len(tokens) else None
    first = tokens[span.first]
    if before is not None and first.joined and before.proper \
            and before.text.lower() not in NEUTRAL_BEFORE \
            and not (first.hyphen and span.first - 1 in cities):
        return True
    if after is not None and after.joined and after.proper \
            and after.text.lower() not in NEUTRAL_AFTER \
            and not (after.hyphen and span.last + 1 in cities):
        return True
    if before is not None and before.text == "of" and first.joined and span.first >= 2:
        title = tokens[span.first - 2]
        return before.joined and title.text.lower() in ORG_OF and title.proper
    return False


def _division(tokens: list[Token], span: _Span, text: str) -> bool:
    """Named as a province, district or state, not a town: ``Parwan province``, ``Kabul
    provincial council``, ``the province of Balkh``, and in a list before or after the
    plural (``Balkh and Baghlan provinces``, ``the provinces of Balkh and Kunduz``)."""
    def word(i: int) -> str:
        """Token ``i``, lowercased, if it is in one phrase with the token before it."""
        return tokens[i].text.lower() if 0 <= i < len(tokens) and tokens[i].joined else ""

    last = _list_end(tokens, text, span.last, 1)
    after = word(last + 1)
    if after in DIVISIONS_PLURAL or last == span.last and after in DIVISIONS | DIVISION_ADJECTIVES:
        return not (after == "state" and word(last + 2) in STATE_AS_GOVERNMENT)
    first = _list_end(tokens, text, span.first, -1)
    if first < 2 or word(first) == "" or word(first - 1) != "of":
        return False
    before = tokens[first - 2].text.lower()
    return before in DIVISIONS_PLURAL or first == span.first and before in DIVISIONS - {"state"}


def _list_end(tokens: list[Token], text: str, i: int, step: int) -> int:
    """The last token, from token ``i`` on in direction ``step``, of a list of names
    joined by commas, ``and`` or ``or`` (``Balkh, Sar-e Pol and Jowzjan``)."""
    while 0 <= i + step < len(tokens):
        following = tokens[i + step]
        earlier, later = sorted((tokens[i], following), key=lambda t: t.start)
        if text[earlier.end:later.start].strip(" \t\u00a0") not in ("", ",", "-") \
                or following.text.lower() in DIVISIONS | DIVISIONS_PLURAL \
                or not (following.proper or following.text in ("and", "or") or later.hyphen):
            break
        i += step
    return i


def _supported(tokens: list[Token], span: _Span, text: str, gazetteer: Gazetteer) -> bool:
    """The text itself marks the name as a place: a preposition of place before it
    (``in Reading``) or its country or state after a comma (``Mobile, Alabama``)."""
    if span.first > 0 and tokens[span.first].joined and tokens[span.first - 1].text.lower() in LOCATIVE:
        return True
    after = span.last + 1
    if after >= len(tokens) or text[tokens[span.last].end:tokens[after].start].strip() != ",":
        return False
    for last in range(after, min(after + 3, len(tokens))):
        if last > after and not tokens[last].joined:
            break
        name = text[tokens[after].start:tokens[last].end]
        if gazetteer.country_of(name) or gazetteer.is_region(name):
            return True
    return False


def find_cities(text: str, gazetteer: Gazetteer, listed: Iterable[Place] = ()) -> list[Mention]:
    """Cities ``text`` mentions, in order of first mention.

    ``text`` should be running prose (an article body): headlines in title case defeat
    the capitalisation tests. Spellings of one place add up (``Kandahar``, ``Qandahar``).
    ``listed`` are the places the article's ``cities:`` already means (as ``check`` reads
    it): a name one of them goes by is that place, not a namesake the text suggests.
    """
    tokens = tokenize(text)
    spans = _spans(tokens, text, gazetteer)
    name_parts = _name_parts(tokens, spans)
    cities = {i for span in spans if name_key(span.text) not in STOPLIST
              and (place := gazetteer.resolve(span.text).place) is not None and _strong(place)
              for i in range(span.first, span.last + 1)}
    countries: Counter[str] = Counter()
    candidates: list[_Span] = []
    for span in spans:
        key = name_key(span.text)
        single = span.first == span.last
        code = gazetteer.country_of(span.text)
        if code is not None:
            countries[code] += 1
            if not gazetteer.is_city_state(code):
                continue  # Qatar, Kuwait, Mexico: the country, not its capital
        if key in NEVER or (single and tokens[span.first].acronym) or _context_rejects(tokens, span, cities):
            continue
        if key in STOPLIST and not _supported(tokens, span, text, gazetteer):
            continue
        candidates.append(span)

    # Countries the text names, then those of the unambiguous big cities it names, decide
    # between namesakes (Hyderabad after Karachi is the Pakistani one).
    context = Counter(countries)
    for span in candidates:
        result = gazetteer.resolve(span.text)
        if result.place is None or not _strong(result.place) or name_key(span.text) in STOPLIST:
            continue
        rivals = [p.population for p in result.alternatives if p.primary]
        if not rivals or result.place.population >= 2 * max(rivals):  # Vancouver, not Vancouver WA
            context[result.place.country_code] += 1
    prefer = tuple(code for code, _ in context.most_common())

    divisions = {span for span in candidates if _division(tokens, span, text)}
    division_names = {name_key(span.text) for span in divisions}
    listed_ids = {p.id for p in listed}
    found: dict[str, tuple[Place, list[int], list[str]]] = {}
    for span in candidates:
        place = next((p for p in gazetteer.candidates(span.text) if p.id in listed_ids), None) \
            or gazetteer.resolve(span.text, prefer).place
        # A name the text gives a province or state means, alone too, that province, or a
        # town with the name as its own (Balkh), never one it is another name of (Parwan).
        if place is None or span in divisions \
                or (not place.primary and name_key(span.text) in division_names):
            continue
        single = span.first == span.last
        weak = place.population < MAJOR_CITY and not place.id.startswith("local:")
        # A word seen inside a person's or team's name (Ismail Khan) is, alone, that name,
        # unless it is a big city in its own right (Madrid after Real Madrid).
        if single and weak and name_key(span.text) in name_parts:
            continue
        # Small places named by one word or an alternate spelling need the text's support.
        if weak and (single or not place.primary) and place.country_code not in context \
                and not _supported(tokens, span, text, gazetteer):
            continue
        entry = found.setdefault(place.id, (place, [], []))
        entry[1].append(tokens[span.first].start)
        if span.text not in entry[2]:
            entry[2].append(span.text)
    mentions = [Mention(place, len(offsets), offsets[0], tuple(names))
                for place, offsets, names in found.values()]
    return sorted(mentions, key=lambda m: m.first)


class _Prose(HTMLParser):
    # Inline code ends a phrase too: the words on either side were never next to each other.
    BREAKS = words("p h1 h2 h3 h4 h5 h6 li blockquote pre table tr td th div br hr code")
    CODE = words("pre code")
    """Code blocks and spans hold commands and sample text, not the article's prose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code = 0

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)
        if tag in self.CODE:
            self.code += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.CODE and self.code:
            self.code -= 1
        self._break(tag)

    def _break(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n\n")


def prose_of_markdown(source: str) -> str:
    """The text of a Markdown body for :func:`find_cities`: markup, link addresses and
    code (indented, fenced or inline) gone, and a blank line between blocks so a heading
    never runs into the next line."""
    parser = _Prose()
    parser.feed(markdown.markdown(source, extensions=["fenced_code"]))
    parser.close()
    return "".join(parser.parts)


def _strong(place: Place) -> bool:
    return place.primary and place.population >= MAJOR_CITY
