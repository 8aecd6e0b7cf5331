"""SSYK 2012 occupation registry: codes, Swedish labels, gaps and lookups."""

from __future__ import annotations

import pytest

from kompetens_forecast.classify.ssyk import OccupationRegistry, default_occupations
from kompetens_forecast.errors import InvalidOptionError, UnknownOccupationError


@pytest.fixture(scope="module")
def occ() -> OccupationRegistry:
    return default_occupations()


def test_levels(occ: OccupationRegistry) -> None:
    assert [len(occ.level(n)) for n in (1, 2, 3, 4)] == [10, 46, 148, 429]
    assert len(occ.level(4, include_unknown=True)) == 430
    for n in (1, 2, 3, 4):
        assert all(o.level == n and len(o.code) == n for o in occ.level(n))
    assert occ.level(1)[0].code == "0"  # codes are strings: "0" and "0110" keep their zeros
    assert occ.get("0110").code == "0110"
    with pytest.raises(InvalidOptionError):
        occ.level(5)


def test_swedish_label(occ: OccupationRegistry) -> None:
    o = occ.get("2141")
    assert o.level == 4
    assert o.label_sv == "Civilingenjörsyrken inom logistik och produktionsplanering"
    assert o.label() == o.label_sv
    assert o.label("en") == o.label_en == "Engineering professionals in logistics and production"
    assert not o.label_sv_is_fallback
    swedish = [o for o in occ.level(4) if not o.label_sv_is_fallback]
    assert len(swedish) == 425


def test_manager_levels_follow_scb_naming(occ: OccupationRegistry) -> None:
    assert occ.get("1211").label_sv == "Ekonomi- och finanschefer, nivå 1"
    assert occ.get("1212").label_sv.endswith("nivå 2")
    assert not occ.get("1211").label_sv_is_fallback


@pytest.mark.parametrize("code", ["4430", "443", "5322", "5324", "7619"])
def test_fallback_to_english(occ: OccupationRegistry, code: str) -> None:
    o = occ.get(code)
    assert o.label_sv_is_fallback
    assert o.label_sv == o.label_en


def test_unknown_occupation_code(occ: OccupationRegistry) -> None:
    o = occ.get("0002")
    assert o.is_unknown
    assert (o.level, o.label_sv, o.label_en) == (4, "Yrke okänt", "Occupation unknown")
    assert o not in occ.level(4)
    assert o not in occ.search("")
    assert o in occ.search("okänt", include_unknown=True)
    with pytest.raises(InvalidOptionError):
        occ.parent("0002", 3)


def test_parent(occ: OccupationRegistry) -> None:
    assert occ.parent("2141", 3) == "214"
    assert occ.parent("2141", 2) == "21"
    assert occ.parent("2141", 1) == "2"
    assert occ.parent("2141", 4) == "2141"
    assert occ.parent("0110", 1) == "0"
    with pytest.raises(InvalidOptionError):
        occ.parent("214", 4)
    with pytest.raises(InvalidOptionError):
        occ.parent("2141", 0)
    with pytest.raises(UnknownOccupationError):
        occ.parent("9999", 3)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Grundskollärare", "2341"),
        ("grundskollarare", "2341"),
        (" 2341 ", "2341"),
        ("Primary school teachers", "2341"),
        ("Civilingenjörsyrken, logistik och prod.planering", "2141"),  # AF/SCB short label
        ("Officerare", "0110"),  # same name on levels 2–4: the most detailed wins
        ("Ekonomi- och finanschefer, nivå 2", "1212"),
    ],
)
def test_get_by_name(occ: OccupationRegistry, query: str, code: str) -> None:
    assert occ.get(query).code == code


def test_typo_suggestions(occ: OccupationRegistry) -> None:
    with pytest.raises(UnknownOccupationError) as info:
        occ.get("sjuksköterska")
    assert info.value.suggestions
    assert all("sjuksköterskor" in s.lower() for s in info.value.suggestions)


def test_unknown_code(occ: OccupationRegistry) -> None:
    with pytest.raises(UnknownOccupationError) as info:
        occ.get("9999")
    assert info.value.hint is not None
    assert "2141" in info.value.hint


def test_af_merged_manager_code_suggests_scb_codes(occ: OccupationRegistry) -> None:
    with pytest.raises(UnknownOccupationError) as info:
        occ.get("1210")
    assert [s[:4] for s in info.value.suggestions] == ["1211", "1212"]


def test_ambiguous_english_name(occ: OccupationRegistry) -> None:
    # SCB's English list names both 2515 and 3513 "System administrators".
    with pytest.raises(UnknownOccupationError) as info:
        occ.get("System administrators")
    assert [s[:4] for s in info.value.suggestions] == ["2515", "3513"]


def test_search(occ: OccupationRegistry) -> None:
    nurses = {o.code for o in occ.search("sjuksköt", level=4)}
    assert {"2221", "2239"} <= nurses
    assert all(len(c) == 4 for c in nurses)
    assert "2341" in {o.code for o in occ.search("grundskol")}
    assert "5322" in {o.code for o in occ.search("assistant nurses")}
    assert len(occ.search("")) == 10 + 46 + 148 + 429


def test_search_by_stem_finds_plural_labels_from_a_singular(occ: OccupationRegistry) -> None:
    nurses = [o.code for o in occ.search("sjuksköterska", level=4)]
    assert nurses[0] == "2221" and nurses[-1] == "2239"
    assert all(c.startswith(("222", "223")) for c in nurses)
    assert "5321" not in nurses  # undersköterskor: another stem
    assert [o.code for o in occ.search("revisorer", level=4)] == ["2411"]


def test_plain_matches_win_over_stems(occ: OccupationRegistry) -> None:
    # "lärare" is found as written; its short stem "lär" is not used
    found = {o.code for o in occ.search("lärare", level=4)}
    assert "2341" in found and all("lärare" in occ.get(c).label_sv.casefold() for c in found)
    assert occ.search("xyzzy") == []
