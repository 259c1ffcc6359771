"""How place names are compared: one normal form for every spelling of a name.

``Kandahar``, ``KANDAHĀR`` and ``Kandahār`` must meet, and so must the Arabic and
Persian spellings of one name (``كندهار`` with Arabic kaf, ``کندهار`` with keheh).
The normal form is for matching only; nothing shows it to a reader.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic-script letters that different keyboards and languages write differently for
# the same sound; each folds to the form Persian uses.
_ARABIC_VARIANTS = str.maketrans({
    "\u0643": "\u06a9",  # ك Arabic kaf → ک keheh
    "\u06aa": "\u06a9",  # ڪ swash kaf
    "\u064a": "\u06cc",  # ي Arabic yeh → ی Farsi yeh
    "\u0649": "\u06cc",  # ى alef maksura
    "\u06d2": "\u06cc",  # ے yeh barree (Urdu)
    "\u0629": "\u0647",  # ة teh marbuta → ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above
    "\u06c1": "\u0647",  # ہ heh goal (Urdu)
    "\u06be": "\u0647",  # ھ heh doachashmee
    "\u06d5": "\u0647",  # ە ae
    "\u0671": "\u0627",  # ٱ alef wasla
})  # fmt: skip

# Characters that are invisible or only stretch a word: dropped outright.
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u0640\u00ad\ufeff\u2060"))

# Apostrophes and okina-like letters vanish (``Sana'a`` = ``Sanaa``, ``Qal‘eh`` = ``Qaleh``),
# rather than splitting a word in two.
_APOSTROPHES = dict.fromkeys(map(ord, "'`´‘’‛′ʹʻʼʽʾʿˈ"))

_SPACES = re.compile(r"\s+")
_NON_ALNUM_ASCII = re.compile(r"[^a-z0-9]+")
_AIRPORT_CODE = re.compile(r"^[A-Z]{3,4}$")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(text: str) -> str:
    """The matching form of a place name: ``Mazār-e  Sharīf`` → ``mazar e sharif``.

    Case, diacritics (NFKD minus combining marks), compatibility forms, apostrophes,
    punctuation and Arabic-script letter variants are folded; words stay apart by one space.
    """
    text = _strip_marks(text.translate(_INVISIBLE).translate(_APOSTROPHES)).casefold()
    text = text.translate(_ARABIC_VARIANTS).translate(_INVISIBLE)
    chars = [c if c.isalnum() else " " for c in text]
    return _SPACES.sub(" ", "".join(chars)).strip()


def name_key(text: str) -> str:
    """Index key of a name: its normal form without spaces.

    Spacing is the least stable part of a transliteration (``Mazari Sharif``,
    ``Mazar-i-Sharif``, ``Hongkong``), so keys ignore it.
    """
    if text.isascii():  # most names; the same result as the full fold, five times faster
        return _NON_ALNUM_ASCII.sub("", text.lower())
    return normalise_name(text).replace(" ", "")


def is_airport_code(alias: str) -> bool:
    """GeoNames lists IATA (``KDH``) and ICAO codes among a city's alternate names.

    They must never match: ``HEA`` or ``MZR`` in a text is not a mention of a city.
    """
    return bool(_AIRPORT_CODE.match(alias))


def is_machine_transliteration(alias: str) -> bool:
    """All-lowercase Latin aliases (``kan da ha``, ``pali``) are GeoNames' automatic
    romanisations of other scripts: no writer uses them and they collide with words."""
    return alias.islower() and all(ord(c) < 0x250 for c in alias)


def ascii_form(name: str) -> str:
    """``Kandahār`` → ``Kandahar``: what GeoNames calls the ASCII name, when one exists."""
    folded = _strip_marks(name)
    return folded if folded.isascii() else name

