"""Metadata parsing and data decoding against recorded SCB responses (v2 json-stat2, v1)."""

from __future__ import annotations

import copy
import itertools
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.sources.jsonstat import (
    decode_jsonstat1,
    decode_jsonstat2,
    decode_v1_json,
    parse_metadata_v1,
    parse_metadata_v2,
)
from kompetens_forecast.sources.tidy import tidy_columns
from recordings import recording


@pytest.fixture(scope="module")
def tab6471_metadata() -> dict[str, Any]:
    return recording("v2", "TAB6471_metadata.json")


@pytest.fixture(scope="module")
def tab6471_data() -> dict[str, Any]:
    return recording("v2", "TAB6471_data.json")


# --- v2 metadata ----------------------------------------------------------------------------


def test_parse_metadata_v2_tab6471(tab6471_metadata: dict[str, Any]) -> None:
    meta = parse_metadata_v2(tab6471_metadata)
    assert meta.table_id == "TAB6471"
    assert meta.label.startswith("Folkmängden per månad")
    assert meta.updated == "2026-06-08T06:00:00Z"
    assert meta.source == "SCB"
    assert meta.language == "sv"
    assert meta.discontinued is None  # the metadata recording has no flag
    assert len(meta.notes) == 4
    assert meta.dimension_codes == ("Region", "Alder", "Kon", "ContentsCode", "Tid")
    assert [d.size for d in meta.dimensions] == [312, 134, 3, 1, 16]

    region = meta.dimension("Region")
    assert region.values[:3] == ("00", "01", "0114")
    assert region.label_of("20") == "Dalarnas län"
    assert region.elimination is True
    assert region.role is None
    assert [c.id for c in region.codelists] == ["vs_CKM01Riket", "vs_CKM02Län", "vs_CKM03Kommun"]
    assert {c.type for c in region.codelists} == {"Valueset"}

    alder = meta.dimension("Alder")
    assert alder.elimination is False
    assert alder.notes and alder.notes[0].startswith("Med ålder avses")
    assert meta.dimension("Tid").role == "time"
    assert meta.time_dimension is meta.dimension("Tid")
    assert meta.dimension("ContentsCode").role == "metric"
    assert meta.dimension("tid").code == "Tid"  # the server matches variables ignoring case


def test_parse_metadata_v2_reads_elimination_value_and_discontinued(
    tab6471_data: dict[str, Any],
) -> None:
    meta = parse_metadata_v2(tab6471_data)
    assert meta.dimension("Kon").elimination_value == "TotSa"
    assert meta.discontinued is None  # recorded as null


def test_parse_metadata_v2_geo_role_from_reference_server() -> None:
    meta = parse_metadata_v2(recording("px", "MetadataById_tab001_js2.json"))
    assert meta.table_id == "TAB001"
    assert meta.dimension("REGION").role == "geo"
    assert meta.dimension("TIME").role == "time"


def test_unknown_variable_names_the_choices(tab6471_metadata: dict[str, Any]) -> None:
    meta = parse_metadata_v2(tab6471_metadata)
    with pytest.raises(UsageError, match="no variable 'Kommun'") as info:
        meta.dimension("Kommun")
    assert info.value.hint is not None and "Region" in info.value.hint


def test_cells_counts_selection_and_eliminated_variables(tab6471_metadata: dict[str, Any]) -> None:
    meta = parse_metadata_v2(tab6471_metadata)
    assert meta.cells() == 312 * 134 * 3 * 16
    selection = {"Region": ["01", "03"], "Alder": ["0", "1", "2"], "ContentsCode": ["000007SF"]}
    # Kon is eliminable (counts once); Tid is mandatory.
    with pytest.raises(UsageError, match=r"'Tid'.*mandatory"):
        meta.cells(selection)
    assert meta.cells({**selection, "Tid": ["2026M01"]}) == 2 * 3 * 1 * 1


def test_metadata_size_mismatch_is_a_data_error(tab6471_metadata: dict[str, Any]) -> None:
    broken = copy.deepcopy(tab6471_metadata)
    broken["size"][0] = 311
    with pytest.raises(DataError, match=r"TAB6471.*Region"):
        parse_metadata_v2(broken)


# --- v2 data --------------------------------------------------------------------------------


def test_decode_jsonstat2_tab6471(tab6471_data: dict[str, Any]) -> None:
    frame = decode_jsonstat2(tab6471_data)
    assert list(frame.columns) == tidy_columns(["Region", "Alder", "Kon", "ContentsCode", "Tid"])
    assert len(frame) == 21 * 11 * 3 * 1 * 4
    assert frame["value"].dtype == np.float64
    assert frame["value"].iloc[:8].tolist() == [
        245284, 247245, 249358, 251635, 125373, 126402, 127502, 128675,
    ]  # fmt: skip
    first = frame.iloc[0]
    assert (first["Region"], first["Region_label"]) == ("01", "Stockholms län")
    assert (first["Alder"], first["Kon"], first["Tid"]) == ("0-9", "TotSa", "2026M01")
    assert frame["Kon"].iloc[4] == "1"  # Tid (4 values) varies fastest, then Kon
    assert frame["Region"].unique().tolist()[:3] == ["01", "03", "04"]  # leading zeros kept
    assert frame["Alder"].iloc[-1] == "100+10"
    assert frame["symbol"].isna().all()
    assert all(isinstance(code, str) for code in frame["Region"])


def test_decode_jsonstat2_is_row_major_over_every_cell(tab6471_data: dict[str, Any]) -> None:
    frame = decode_jsonstat2(tab6471_data)
    ids = tab6471_data["id"]
    codes = [list(tab6471_data["dimension"][d]["category"]["index"]) for d in ids]
    expected = pd.DataFrame(list(itertools.product(*codes)), columns=ids)
    pd.testing.assert_frame_equal(frame[ids], expected)
    assert frame["value"].tolist() == [float(v) for v in tab6471_data["value"]]


def test_decode_jsonstat2_size_mismatch_names_the_table(tab6471_data: dict[str, Any]) -> None:
    broken = copy.deepcopy(tab6471_data)
    broken["value"] = broken["value"][:-1]
    with pytest.raises(DataError, match=r"TAB6471.*2771 values.*2772 cells"):
        decode_jsonstat2(broken)


def test_decode_jsonstat2_categories_must_match_size(tab6471_data: dict[str, Any]) -> None:
    broken = copy.deepcopy(tab6471_data)
    broken["size"][4] = 5
    with pytest.raises(DataError, match="TAB6471"):
        decode_jsonstat2(broken)


def small_cube(**overrides: Any) -> dict[str, Any]:
    """A 2 × 3 json-stat2 dataset shaped like SCB's responses."""
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "test",
        "id": ["Region", "Tid"],
        "size": [2, 3],
        "role": {"time": ["Tid"]},
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {"01": 0, "0114": 1}, "label": {"01": "Sthlm"}},
            },
            "Tid": {"label": "år", "category": {"index": ["2021", "2022", "2023"]}},
        },
        "value": [1, 2, None, 4, 5, None],
        "extension": {"px": {"tableid": "TABX"}},
    }
    doc.update(overrides)
    return doc


@pytest.mark.parametrize(
    "status",
    [
        {"2": "..", "5": "."},
        [None, None, "..", None, None, "."],
        [None, "", "..", None, None, "."],
    ],
)
def test_status_as_dict_or_list_keeps_markers(status: Any) -> None:
    frame = decode_jsonstat2(small_cube(status=status))
    assert frame["symbol"].tolist() == [None, None, "..", None, None, "."]
    assert frame["value"].isna().tolist() == [False, False, True, False, False, True]
    # Index given as a list, missing labels fall back to the code.
    assert frame["Tid"].tolist() == ["2021", "2022", "2023"] * 2
    assert frame["Region_label"].tolist() == ["Sthlm"] * 3 + ["0114"] * 3


def test_status_as_one_string_applies_to_every_cell() -> None:
    frame = decode_jsonstat2(small_cube(status=".."))
    assert (frame["symbol"] == "..").all()


def test_sparse_values_leave_other_cells_missing() -> None:
    frame = decode_jsonstat2(small_cube(value={"0": 7, "4": 9.5}))
    assert frame["value"].fillna(-1).tolist() == [7, -1, -1, -1, 9.5, -1]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": ["..", None]}, "'status' has 2 entries"),
        ({"value": [1, 2, "x", 4, 5, 6]}, "not a number"),
        ({"value": {"9": 1}}, "outside"),
        ({"id": ["Region", "Kon"]}, "'Kon'"),
        ({"class": "error"}, "expected a json-stat2 dataset"),
    ],
)
def test_malformed_responses_are_data_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        decode_jsonstat2(small_cube(**overrides))


def test_zero_cells_give_an_empty_tidy_frame() -> None:
    doc = small_cube(size=[0, 3], value=[])
    doc["dimension"]["Region"]["category"] = {"index": {}}
    frame = decode_jsonstat2(doc)
    assert frame.empty
    assert list(frame.columns) == tidy_columns(["Region", "Tid"])


def test_decode_150k_cells_is_fast() -> None:
    sizes = [312, 30, 2, 1, 8]
    dimension = {
        f"D{i}": {"category": {"index": [f"{j:04d}" for j in range(size)]}}
        for i, size in enumerate(sizes)
    }
    n = int(np.prod(sizes))
    doc: dict[str, Any] = {
        "id": list(dimension),
        "size": sizes,
        "dimension": dimension,
        "value": [None if i % 7 == 0 else i for i in range(n)],
        "status": {str(i): ".." for i in range(0, n, 7)},
    }
    start = time.perf_counter()
    frame = decode_jsonstat2(doc)
    assert time.perf_counter() - start < 3  # ~0.15 s here; generous for slow CI
    assert len(frame) == n == 149_760
    assert frame["symbol"].notna().sum() == frame["value"].isna().sum()


# --- v1 -------------------------------------------------------------------------------------


V1_CELLS = ["Civilstand", "Kon", "ContentsCode", "Tid"]


def test_parse_metadata_v1() -> None:
    meta = parse_metadata_v1(
        recording("v1", "BefolkningNy_metadata_en.json"), table_id="BefolkningNy"
    )
    assert meta.table_id == "BefolkningNy"
    assert meta.label.startswith("Population by region")
    assert meta.dimension_codes == ("Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid")
    region = meta.dimension("Region")
    assert region.size == 312 and region.values[0] == "00"
    assert region.label_of("00") == "Sweden"
    assert region.elimination is True
    assert meta.dimension("Tid").role == "time"
    assert meta.dimension("Tid").elimination is False
    assert meta.dimension("ContentsCode").role == "metric"
    assert meta.updated is None
    assert all(d.codelists == () for d in meta.dimensions)


def test_decode_jsonstat1() -> None:
    frame = decode_jsonstat1(recording("v1", "BefolkningNy_data_format-json-stat_en.json"))
    assert list(frame.columns) == tidy_columns(V1_CELLS)
    assert len(frame) == 4 * 2 * 1 * 3
    first = frame.iloc[0]
    assert (first["Civilstand"], first["Civilstand_label"], first["Kon"], first["Tid"]) == (
        "OG",
        "single",
        "1",
        "2015",
    )
    assert frame["value"].iloc[:3].tolist() == [2762601, 2820248, 2870477]
    assert frame["ContentsCode_label"].unique().tolist() == ["Population"]


def test_decode_v1_json_without_metadata() -> None:
    frame = decode_v1_json(recording("v1", "BefolkningNy_data_format-json_en.json"))
    assert list(frame.columns) == tidy_columns(["Civilstand", "Kon", "Tid", "ContentsCode"])
    assert len(frame) == 24
    assert frame["ContentsCode"].unique().tolist() == ["BE0101N1"]
    assert frame["ContentsCode_label"].unique().tolist() == ["Population"]
    assert frame["Kon_label"].isna().all()  # the json format carries no value labels
    assert frame["value"].iloc[0] == 2762601


def test_v1_json_and_json_stat_decode_to_the_same_cells() -> None:
    meta = parse_metadata_v1(recording("v1", "BefolkningNy_metadata_en.json"))
    from_jsonstat = decode_jsonstat1(recording("v1", "BefolkningNy_data_format-json-stat_en.json"))
    json_doc = recording("v1", "BefolkningNy_data_format-json_en.json")
    # With metadata: same dimension order, labels and row order as json-stat.
    pd.testing.assert_frame_equal(decode_v1_json(json_doc, meta), from_jsonstat)
    # Without: same numbers for the same cells.
    plain = decode_v1_json(json_doc)
    merged = from_jsonstat.merge(plain, on=V1_CELLS, suffixes=("", "_json"), validate="1:1")
    assert len(merged) == len(from_jsonstat)
    assert (merged["value"] == merged["value_json"]).all()


def test_v1_json_markers_and_several_contents() -> None:
    doc: dict[str, Any] = {
        "columns": [
            {"code": "Region", "text": "region", "type": "d"},
            {"code": "Tid", "text": "year", "type": "t"},
            {"code": "A", "text": "persons", "type": "c"},
            {"code": "B", "text": "share", "type": "c"},
        ],
        "data": [
            {"key": ["01", "2020"], "values": ["10", ".."]},
            {"key": ["01", "2021"], "values": [" 12.5 ", "-"]},
        ],
        "metadata": [{"label": "test table"}],
    }
    frame = decode_v1_json(doc)
    assert frame["ContentsCode"].tolist() == ["A", "B", "A", "B"]
    assert frame["Tid"].tolist() == ["2020", "2020", "2021", "2021"]
    assert frame["value"].fillna(-1).tolist() == [10, -1, 12.5, -1]
    assert frame["symbol"].tolist() == [None, "..", None, "-"]
    with pytest.raises(DataError, match=r"test table.*row 1"):
        decode_v1_json({**doc, "data": [doc["data"][0], {"key": ["01"], "values": ["1", "2"]}]})
