"""Selection expressions, cell counts and query splitting (TAB6471 metadata + properties)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetens_forecast.errors import UsageError
from kompetens_forecast.sources.jsonstat import Dimension, TableMetadata, parse_metadata_v2
from kompetens_forecast.sources.selection import (
    Selection,
    VariableSelection,
    count_cells,
    expand,
    halve,
    resolve,
    split,
)
from recordings import recording

DALARNA_KOMMUNER = [
    "2021", "2023", "2026", "2029", "2031", "2034", "2039", "2061",
    "2062", "2080", "2081", "2082", "2083", "2084", "2085",
]  # fmt: skip


@pytest.fixture(scope="module")
def meta() -> TableMetadata:
    return parse_metadata_v2(recording("v2", "TAB6471_metadata.json"))


@pytest.fixture(scope="module")
def region(meta: TableMetadata) -> Dimension:
    return meta.dimension("Region")


@pytest.fixture(scope="module")
def tid(meta: TableMetadata) -> Dimension:
    return meta.dimension("Tid")


# --- expressions against TAB6471 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("top(3)", ["2026M02", "2026M03", "2026M04"]),  # time: the newest periods
        ("TOP( 2 , 1 )", ["2026M02", "2026M03"]),  # offset skips from the newest end
        ("bottom(2)", ["2025M01", "2025M02"]),
        ("bottom(2,1)", ["2025M02", "2025M03"]),
        ("top(3,15)", ["2025M01"]),
        ("from(2026M02)", ["2026M02", "2026M03", "2026M04"]),
        ("to(2025m02)", ["2025M01", "2025M02"]),  # codes match ignoring case
        ("range(2026M03,2026M01)", ["2026M01", "2026M02", "2026M03"]),  # either order
        ("2025M1?", ["2025M10", "2025M11", "2025M12"]),
        ("*M12", ["2025M12"]),
    ],
)
def test_time_expressions(tid: Dimension, expression: str, expected: list[str]) -> None:
    assert expand([expression], tid) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("top(2)", ["00", "01"]),  # not time: the first values in the table's order
        ("top(2,1)", ["01", "0114"]),
        ("bottom(2)", ["2583", "2584"]),
        ("20??", DALARNA_KOMMUNER),
        ("20*", ["20", *DALARNA_KOMMUNER]),
        ("range(20,2085)", ["20", *DALARNA_KOMMUNER]),
        ("from(2584)", ["2584"]),
    ],
)
def test_region_expressions(region: Dimension, expression: str, expected: list[str]) -> None:
    assert expand([expression], region) == expected


def test_star_selects_everything_in_order(region: Dimension) -> None:
    assert expand(["*"], region) == list(region.values)
    assert expand("*", region) == list(region.values)  # a single string is one value


def test_codes_and_expressions_combine_in_table_order_without_duplicates(
    region: Dimension,
) -> None:
    assert expand(["2021", "20", "top(1)", "20", "202?"], region) == [
        "00", "20", "2021", "2023", "2026", "2029",
    ]  # fmt: skip


def test_contains_pattern_and_case(meta: TableMetadata) -> None:
    alder = meta.dimension("Alder")
    assert expand(["*tot*"], alder) == ["TotSA"]
    assert expand(["totsa"], alder) == ["TotSA"]
    assert expand(["TotSA"], meta.dimension("Kon")) == ["TotSa"]


def test_exact_code_wins_over_expression() -> None:
    dim = Dimension("X", "x", ("top(1)", "a", "b*"))
    assert expand(["top(1)"], dim) == ["top(1)"]
    assert expand(["b*"], dim) == ["b*"]


def test_codes_differing_only_in_case_need_the_exact_code() -> None:
    dim = Dimension("X", "x", ("ab", "AB"))
    assert expand(["AB"], dim) == ["AB"]
    with pytest.raises(UsageError, match="Unknown value 'Ab'"):
        expand(["Ab"], dim)


def test_range_with_codes_that_contain_commas() -> None:
    dim = Dimension("WASTE", "waste", ("01.3", "01.4,02,03.1", "03.2", "05"))
    assert expand(["range(01.4,02,03.1,03.2)"], dim) == ["01.4,02,03.1", "03.2"]
    assert expand(["from(01.4,02,03.1)"], dim) == ["01.4,02,03.1", "03.2", "05"]


def test_top_without_time_role_counts_from_the_first_value() -> None:
    years = ("2020", "2021", "2022")
    assert expand(["top(1)"], Dimension("Ar", "år", years)) == ["2020"]
    assert expand(["top(1)"], Dimension("Ar", "år", years, role="time")) == ["2022"]


# --- expression errors ----------------------------------------------------------------------


def test_unknown_code_names_variable_value_and_close_codes(region: Dimension) -> None:
    with pytest.raises(UsageError) as info:
        expand(["20", "2099"], region)
    assert "'2099'" in info.value.message and "'Region'" in info.value.message
    assert info.value.hint is not None and "2029 (Leksand)" in info.value.hint


def test_label_instead_of_code_suggests_the_code(region: Dimension) -> None:
    with pytest.raises(UsageError) as info:
        expand(["Dalarnas län"], region)
    assert info.value.hint == "'Dalarnas län' is a label; use the code: 20."


@pytest.mark.parametrize(
    "expression",
    ["top(0)", "top()", "top(x)", "top(1,-1)", "bottom(1,2,3)", "last(3)", "2*0", "*2*0*",
     "range(2021)", "range(2021,2023,2026)", "from()"],
)  # fmt: skip
def test_illegal_expressions(region: Dimension, expression: str) -> None:
    with pytest.raises(UsageError, match=r"Illegal selection expression .* 'Region'") as info:
        expand([expression], region)
    assert info.value.hint is not None and "top(n" in info.value.hint


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("from(2099)", r"Unknown value '2099' in 'from\(2099\)'"),
        ("range(20,2099)", r"Unknown value '2099' in 'range\(20,2099\)'"),
        ("X*", "'X\\*' selects no value of variable 'Region'"),
        ("top(1,400)", "selects no value"),
    ],
)
def test_expressions_that_select_nothing(region: Dimension, expression: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        expand([expression], region)


def test_no_values_requested(region: Dimension) -> None:
    with pytest.raises(UsageError, match="No values requested for variable 'Region'"):
        expand([], region)


# --- selections and resolve -----------------------------------------------------------------


def test_resolve_expands_in_table_order_with_codelists(meta: TableMetadata) -> None:
    selection = resolve(
        meta,
        {"tid": "top(2)", "Region": ["20??"], "Alder": ["*"], "ContentsCode": "*"},
        codelists={"Region": "vs_CKM03Kommun"},
    )
    assert list(selection) == ["Region", "Alder", "ContentsCode", "Tid"]  # Kon eliminated
    assert selection["Region"] == VariableSelection(tuple(DALARNA_KOMMUNER), "vs_CKM03Kommun")
    assert selection["Tid"].codes == ("2026M03", "2026M04")
    assert selection.cells == count_cells(selection) == 15 * 134 * 1 * 2
    assert meta.cells(selection) == selection.cells
    assert selection.to_query()[0] == {
        "variableCode": "Region",
        "valueCodes": DALARNA_KOMMUNER,
        "codelist": "vs_CKM03Kommun",
    }
    assert "codelist" not in selection.to_query()[1]


def test_resolve_requires_mandatory_variables(meta: TableMetadata) -> None:
    with pytest.raises(UsageError, match=r"'Alder'.*mandatory"):
        resolve(meta, {"Region": ["00"], "ContentsCode": ["*"], "Tid": ["top(1)"]})


def test_resolve_rejects_unknown_variables(meta: TableMetadata) -> None:
    with pytest.raises(UsageError, match="no variable 'Kommun'"):
        resolve(meta, {"Kommun": ["2021"]})


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"Region": []}, "No codes selected for variable 'Region'"),
        ({"Region": ["01", "03", "01"]}, "'Region' lists codes more than once: 01"),
        ({"Region": "01"}, "must be a list"),
    ],
)
def test_selection_rejects_what_the_server_mishandles(
    variables: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        Selection(variables)


def test_selection_is_an_ordered_mapping() -> None:
    selection = Selection([("B", ["1", "2"]), ("A", VariableSelection(("x",), "vs_A"))])
    assert list(selection) == ["B", "A"]
    assert len(selection) == 2
    assert selection.replace("A", ["y", "z"])["A"] == VariableSelection(("y", "z"), "vs_A")
    assert repr(selection) == "Selection(B=['1', '2'], A=['x']@vs_A)"


# --- split and halve ------------------------------------------------------------------------


def cells_of(selection: Selection) -> list[tuple[str, ...]]:
    return list(itertools.product(*(sel.codes for sel in selection.values())))


def assert_partition(chunks: list[Selection], whole: Selection, cap: int) -> None:
    seen = [cell for chunk in chunks for cell in cells_of(chunk)]
    assert len(seen) == len(set(seen)) == whole.cells  # each cell exactly once ...
    assert set(seen) == set(cells_of(whole))  # ... and no other cell
    for chunk in chunks:
        assert list(chunk) == list(whole)  # every variable listed, same order
        assert chunk.cells <= cap
        for name, sel in chunk.items():  # contiguous blocks of the table's order
            codes = whole[name].codes
            start = codes.index(sel.codes[0])
            assert codes[start : start + len(sel.codes)] == sel.codes
            assert sel.codelist == whole[name].codelist


def test_split_tab6471_into_the_fewest_chunks(meta: TableMetadata) -> None:
    whole = resolve(meta, dict.fromkeys(meta.dimension_codes, "*"))
    chunks = split(whole, 150_000)
    assert len(chunks) == math.ceil(whole.cells / 150_000) == 14
    assert {len(c["Region"].codes) for c in chunks} == {22, 23}  # balanced blocks of Region
    assert all(c["Tid"] == whole["Tid"] and c["Alder"] == whole["Alder"] for c in chunks)
    # 312 = 4 × 23 + 10 × 22: the larger blocks come first.
    assert [len(c["Region"].codes) for c in chunks[3:5]] == [23, 22]
    assert chunks[1]["Region"].codes[0] == whole["Region"].codes[23] == "0186"
    assert sum(c.cells for c in chunks) == whole.cells


def test_split_prefers_the_named_variable_on_a_tie(meta: TableMetadata) -> None:
    whole = resolve(meta, dict.fromkeys(meta.dimension_codes, "*"))
    chunks = split(whole, 150_000, prefer=["Alder", "NotAVariable"])
    assert len(chunks) == 14
    assert all(c["Region"] == whole["Region"] for c in chunks)


def test_split_leaves_a_small_selection_alone() -> None:
    whole = Selection({"A": ["1", "2"], "B": ["x"]})
    assert split(whole, 2) == [whole]
    assert split(Selection(), 1) == [Selection()]


def test_split_cuts_a_second_variable_when_one_code_is_too_big() -> None:
    whole = Selection({f"V{i}": [str(j) for j in range(n)] for i, n in enumerate((4, 30, 40))})
    chunks = split(whole, 500)
    assert_partition(chunks, whole, 500)
    assert len(chunks) <= 2 * math.ceil(whole.cells / 500) + 4


def test_split_rejects_a_cap_below_one() -> None:
    with pytest.raises(UsageError, match="max_cells must be at least 1"):
        split(Selection({"A": ["1"]}), 0)


def test_halve_splits_the_largest_variable() -> None:
    whole = Selection({"A": ["1", "2"], "B": ["a", "b", "c", "d", "e"]})
    first, second = halve(whole)
    assert first["B"].codes == ("a", "b", "c") and second["B"].codes == ("d", "e")
    assert_partition([first, second], whole, whole.cells)
    with pytest.raises(UsageError, match="single cell"):
        halve(Selection({"A": ["1"], "B": ["a"]}))


sizes_strategy = st.lists(st.integers(1, 12), min_size=1, max_size=4)


def selection_of(sizes: list[int]) -> Selection:
    return Selection({f"V{i}": [f"{i}-{j:02d}" for j in range(n)] for i, n in enumerate(sizes)})


@settings(max_examples=150, deadline=None)
@given(
    sizes=sizes_strategy,
    cap=st.integers(1, 3000),
    prefer=st.lists(st.sampled_from(["V0", "V1", "V2", "V3", "X"]), max_size=3),
)
def test_split_partitions_under_the_cap(sizes: list[int], cap: int, prefer: list[str]) -> None:
    whole = selection_of(sizes)
    chunks = split(whole, cap, prefer=prefer)
    assert_partition(chunks, whole, cap)
    lower = math.ceil(whole.cells / cap)
    assert len(chunks) <= 4 * lower
    if any(whole.cells // n <= cap for n in sizes):  # one variable cut is enough
        assert len(chunks) <= 2 * lower


@settings(max_examples=200, deadline=None)
@given(big=st.integers(2, 2000), small=st.lists(st.integers(1, 6), max_size=3),
       cap=st.integers(20, 200_000))  # fmt: skip
def test_one_big_variable_needs_few_chunks(big: int, small: list[int], cap: int) -> None:
    rest = math.prod(small)
    whole = Selection(
        {
            "Big": [str(i) for i in range(big)],
            **{f"S{i}": list("abcdef"[:n]) for i, n in enumerate(small)},
        }
    )
    chunks = split(whole, cap)
    assert sum(c.cells for c in chunks) == whole.cells
    assert all(c.cells <= cap for c in chunks)
    lower = math.ceil(whole.cells / cap)
    assert len(chunks) <= (2 * lower if rest <= cap else 4 * lower)


@settings(max_examples=100, deadline=None)
@given(sizes=sizes_strategy.filter(lambda s: math.prod(s) > 1))
def test_halve_partitions_into_two(sizes: list[int]) -> None:
    whole = selection_of(sizes)
    halves = halve(whole)
    assert len(halves) == 2
    assert_partition(halves, whole, whole.cells)
    assert max(h.cells for h in halves) <= math.ceil(whole.cells * 2 / 3)


@settings(max_examples=100, deadline=None)
@given(size=st.integers(1, 40), n=st.integers(1, 50), offset=st.integers(0, 45),
       time=st.booleans())  # fmt: skip
def test_top_and_bottom_are_mirror_images(size: int, n: int, offset: int, time: bool) -> None:
    dim = Dimension("V", "v", tuple(f"{i:03d}" for i in range(size)), role="time" if time else None)
    expected = min(n, max(size - offset, 0))
    try:
        top = expand([f"top({n},{offset})"], dim)
    except UsageError:
        assert expected == 0
        return
    bottom = expand([f"bottom({n},{offset})"], dim)
    assert len(top) == len(bottom) == expected
    mirrored = sorted(dim.values[size - 1 - dim.values.index(c)] for c in top)
    assert bottom == mirrored
