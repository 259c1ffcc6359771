"""The words of a text as city detection (:mod:`dateline.detect`) reads them, and the
word lists behind it.

The lists encode English news style: which lowercase words may sit inside a place name,
which capitalised words next to a place make it part of a longer name, and which city
names are more often something else. Edit them here, with a test in test_detect.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters, with the combining marks of decomposed Latin and Arabic and the Persian
# zero-width non-joiner kept inside a word, and apostrophes between letters (Sana'a).
_LETTER = r"[^\W\d_][\u0300-\u036f\u064b-\u065f\u0670\u200c]*"
_TOKEN = re.compile(rf"(?:{_LETTER})+(?:['’](?:{_LETTER})+)*")
_JOIN = re.compile(r"[ \t\u00a0]*[-\u2010\u2011][ \t\u00a0]*|[ \t\u00a0]+")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Token:
    """One word of the text, where it is, and how it is joined to the word before."""

    start: int
    end: int
    text: str
    joined: bool
    """Joined to the previous token by spaces or a hyphen only (one phrase)."""
    hyphen: bool = False
    """Joined to the previous token by a hyphen (Kandahar-Kabul)."""

    @property
    def capitalised(self) -> bool:
        first = self.text[0]
        return first.isupper() or not first.islower()  # scripts without case count too

    @property
    def proper(self) -> bool:
        """Capitalised in a script with case: the only evidence of a longer proper name."""
        return self.text[0].isupper()

    @property
    def acronym(self) -> bool:
        return self.text.isupper() and len(self.text) <= 4


def tokenize(text: str) -> list[Token]:
    """The words of ``text``; a possessive ``'s`` is cut off and ends the phrase."""
    tokens: list[Token] = []
    previous_end = None
    for match in _TOKEN.finditer(text):
        word = _POSSESSIVE.sub("", match.group()) if "'" in match.group() or "’" in match.group() else \
            match.group()
        gap = text[previous_end:match.start()] if previous_end is not None else "\n"
        joined = bool(_JOIN.fullmatch(gap))
        tokens.append(Token(match.start(), match.start() + len(word), word or match.group(), joined,
                            joined and not gap.isspace()))
        previous_end = match.end() if word == match.group() else None  # a possessive ends a phrase
    return tokens


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lowercase words allowed inside a multi-word name (Rio de Janeiro, Mazar-i-Sharif).
CONNECTORS = words(
    "of de del della di da do dos das du des la le les los las el al e i y en am an der im "
    "upon on sur sous the van von op aan ul ol")

# A capitalised word before a place that does not make the two one proper name.
NEUTRAL_BEFORE = words(
    "in at from to near outside inside around across through throughout beyond via toward "
    "towards into within between both and but or like unlike since until after before while "
    "when where whereas as on of for with without over under despite meanwhile also then now "
    "even only yet because if although though than by about against along among amid beside "
    "besides past per upon north south east west northern southern eastern western central "
    "greater downtown old southeast southwest northeast northwest the a an this that")
NEUTRAL_AFTER = words(
    "city monday tuesday wednesday thursday friday saturday sunday")

# Prepositions of place: after one of these even a common word is a place (in Reading).
LOCATIVE = words(
    "in at from to near outside inside around across via toward towards into")

# A capitalised word before "of" that makes an institution or title, not a place.
ORG_OF = words(
    "bank university college battle treaty congress peace duke duchess earl count countess "
    "prince princess marquess baron viscount archbishop bishop diocese republic kingdom "
    "emirate sultanate")

# A name just before one of these (Parwan province, Washington state) or after one and
# "of" (the province of Balkh) names an administrative division, not a town; so does each
# name of a list before or after the plural (Balkh and Baghlan provinces). Not "the state
# of", which is as often a condition (the state of Kabul's roads).
DIVISIONS = words("province district region governorate oblast state")
DIVISIONS_PLURAL = frozenset(f"{word}s" for word in DIVISIONS)
DIVISION_ADJECTIVES = words("provincial")
# "state" before these is the government, not a division (Tehran state television).
STATE_AS_GOVERNMENT = words("media television tv radio news agency broadcaster newspaper visit funeral")

# Never a city in running text, whatever the gazetteer says: months and days, pronouns
# and acronyms that happen to be alternate names somewhere.
NEVER = words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday us uk un eu i")

# City names that are, in English text, more often a common word or a person's name.
# They count only after a preposition of place ("in Nice", "to Split").
STOPLIST = words("""
reading mobile nice split bath florence victoria sale man san can salt van hail oral bush apex
enterprise independence surprise orange providence concord paradise midway delta vista sparks
moron bend sandy marina corona mango samba tamale batman ariel mary nancy aurora chandler gilbert
mason warren newton harper samson franklin kyle woodrow dudley garland lafayette chester kent
surrey bali goa police best most goes born deal bury wells street hove male bar gap normal moore
bowie taylor wilson allen sherman tyler logan eugene irving carson clinton douglas stanley milton
preston quincy marion jackson lincoln madison hamilton nelson lawrence henderson murray jefferson
marshall kennedy union mission temple commerce industry sunrise plantation liberty justice hope
summit spring chelsea crawley harrow barking brent lander muse para pari po pa ho bo ami ann mon
pare bade mage tete ama anda anta cham mila serra mora saga trinidad
troy flint chase bell eagle ocean obama
""")
# Hand-picked: GeoNames city names that are English words (a dictionary check lists about
# a thousand) or common first names and surnames, kept where the word use is frequent.
