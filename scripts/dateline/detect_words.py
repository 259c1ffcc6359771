"""The word lists behind city detection (:mod:`dateline.detect`).

They encode English news style: which lowercase words may sit inside a place name,
which capitalised words next to a place make it part of a longer name, and which city
names are more often something else. Edit them here, with a test in test_detect.py.
"""

from __future__ import annotations


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
