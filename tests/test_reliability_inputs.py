"""Malformed inputs end in the library's typed one-line errors (issue 14, items 5, 8, 10):
hypothesis property tests for the parsers, and the specific faults the probe found."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetens_forecast.errors import DataError, KFError
from kompetens_forecast.report.csv_export import csv_frame, markdown, neutralise
from kompetens_forecast.report.workbook import Sheet
from kompetens_forecast.schema import validate_observations
from kompetens_forecast.sources.af_jobseekers import read_jobseekers
from kompetens_forecast.sources.jsonstat import decode_jsonstat2, parse_metadata_v2
from kompetens_forecast.sources.px import read_px

FIXTURES = Path(__file__).parent / "fixtures"
DATA_DOC = json.loads((FIXTURES / "scb" / "v2" / "TAB6471_data.json").read_text("utf-8"))
META_DOC = json.loads((FIXTURES / "scb" / "v2" / "TAB6471_metadata.json").read_text("utf-8"))
PX_TEXT = (FIXTURES / "px" / "TAB001.px").read_bytes()
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in list(doc.items())[:30]:
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc[:5]):
            found += _paths(value, (*prefix, index))
    return found


DATA_PATHS = _paths(DATA_DOC)[1:]
META_PATHS = _paths(META_DOC)[1:]


def _mutate(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(doc)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


@QUICK
@given(st.sampled_from(DATA_PATHS), json_values)
def test_json_stat_data_with_any_part_replaced_raises_only_typed_errors(
    path: tuple[Any, ...], value: Any
) -> None:
    try:
        decode_jsonstat2(_mutate(DATA_DOC, path, value))
    except KFError as exc:
        assert "\n" not in exc.one_line()


@QUICK
@given(st.sampled_from(META_PATHS), json_values)
def test_json_stat_metadata_with_any_part_replaced_raises_only_typed_errors(
    path: tuple[Any, ...], value: Any
) -> None:
    try:
        parse_metadata_v2(_mutate(META_DOC, path, value))
    except KFError as exc:
        assert "\n" not in exc.one_line()


@QUICK
@given(st.integers(0, len(PX_TEXT) - 1), st.binary(min_size=0, max_size=8), st.integers(0, 8))
def test_a_px_file_with_bytes_changed_raises_only_typed_errors(
    tmp_path_factory: pytest.TempPathFactory, at: int, insert: bytes, cut: int
) -> None:
    path = tmp_path_factory.mktemp("px") / "t.px"
    path.write_bytes(PX_TEXT[:at] + insert + PX_TEXT[at + cut :])
    try:
        read_px(path)
    except KFError as exc:
        assert "\n" not in exc.one_line()


@QUICK
@given(st.binary(max_size=200))
def test_any_bytes_as_a_jobseekers_file_raise_only_typed_errors(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("js") / "js.csv"
    path.write_bytes(b"period;region_code;ssyk;jobseekers\n" + raw)
    try:
        read_jobseekers(path)
    except KFError as exc:
        assert "\n" not in exc.one_line()


# -- the probe's cases ---------------------------------------------------------------------
def test_json_stat_odd_metadata_cases_are_data_errors() -> None:
    for doc in (
        _mutate(DATA_DOC, ("size",), ["x"] * len(DATA_DOC["size"])),
        _mutate(DATA_DOC, ("dimension",), []),
        _mutate(DATA_DOC, ("value",), [1e999] * len(DATA_DOC["value"])),
    ):
        with pytest.raises(DataError):
            decode_jsonstat2(doc)
    first = DATA_DOC["id"][0]
    index = DATA_DOC["dimension"][first]["category"]["index"]
    codes = list(index) if isinstance(index, dict) else index
    if len(codes) > 1:
        twice = [codes[0]] * len(codes)
        with pytest.raises(DataError, match="twice"):
            decode_jsonstat2(_mutate(DATA_DOC, ("dimension", first, "category", "index"), twice))


HAND = """CHARSET="ANSI";
CODEPAGE="{codepage}";
MATRIX="T1";
TITLE="t";
CONTENTS="c";
UNITS="antal";
STUB="lan";
HEADING="ar";
VALUES("lan")="A","B";
CODES("lan")="{codes}";
VALUES("ar")="2022";
DATA=
{data}
;
"""


def px(tmp_path: Path, codepage: str = "utf-8", codes: str = '01","03', data: str = "1 2") -> Path:
    path = tmp_path / "t.px"
    path.write_bytes(HAND.format(codepage=codepage, codes=codes, data=data).encode("utf-8"))
    return path


def test_px_refuses_duplicate_codes_infinite_values_and_a_nul_in_codepage(
    tmp_path: Path,
) -> None:
    assert read_px(px(tmp_path)).frame["value"].tolist() == [1.0, 2.0]
    with pytest.raises(DataError, match="twice: 01"):
        read_px(px(tmp_path, codes='01","01'))
    with pytest.raises(DataError, match="out of range"):
        read_px(px(tmp_path, data="1 1e999"))
    with pytest.raises(DataError, match="CODEPAGE"):
        read_px(px(tmp_path, codepage="utf\x00-8"))


def jobseekers(
    tmp_path: Path, body: bytes, header: bytes = b"period;region_code;ssyk;jobseekers\n"
) -> Path:
    path = tmp_path / "js.csv"
    path.write_bytes(header + body)
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"2025-01;20;9999;5\n", "unknown ssyk '9999'"),
        (b"2025-01;26;2512;5\n", "unknown region_code '26'"),
        (b"2025-01;20;2512;2.5\n", "invalid jobseekers '2.5'"),
        (b"2025-01;20;2512;1e999\n", "invalid jobseekers '1e999'"),
        (b"2025-01;20;2512;inf\n", "invalid jobseekers 'inf'"),
        (b"2025-01;20;2512;5;7\n", "line 2: 5 fields"),
        (b"", "a header but no rows"),
    ],
)
def test_jobseekers_files_are_validated(tmp_path: Path, body: bytes, message: str) -> None:
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        read_jobseekers(jobseekers(tmp_path, body))


def test_jobseekers_empty_and_utf16_and_latin1(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is empty"):
        read_jobseekers(jobseekers(tmp_path, b"", header=b""))
    text = "period;region_code;ssyk;jobseekers\n2025-01;20;2512;5\n"
    (tmp_path / "u16.csv").write_bytes(text.encode("utf-16"))
    assert read_jobseekers(tmp_path / "u16.csv")["jobseekers"].tolist() == [5.0]
    latin1 = text.replace("jobseekers\n", "jobseekers\n").encode("latin-1")
    (tmp_path / "l1.csv").write_bytes(latin1 + "2025-02;20;2512;6\n".encode("latin-1"))
    assert len(read_jobseekers(tmp_path / "l1.csv")) == 2
    (tmp_path / "nul.csv").write_bytes(text.encode("utf-16-le"))  # no BOM
    with pytest.raises(DataError, match="NUL"):
        read_jobseekers(tmp_path / "nul.csv")


def test_an_unknown_marker_gives_a_short_error() -> None:
    frame = pd.DataFrame(
        {
            "region_code": [f"{i:04d}" for i in range(5000)],
            "year": [2000 + i % 100 for i in range(5000)],
            "value": [None] * 5000,
            "symbol": [f"x{i}" for i in range(5000)],
        }
    )
    with pytest.raises(DataError) as info:
        validate_observations(frame, ("region_code",), "t")
    line = info.value.one_line()
    assert len(line) < 400 and "'x0', 'x1', 'x2'" in line and "5000 distinct" in line


# -- item 8: injection ---------------------------------------------------------------------
def test_csv_cells_and_headers_cannot_become_formulas() -> None:
    frame = pd.DataFrame({"label": ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-", "ok"]})
    sheet = Sheet("T", frame, formats={}, note="n", slug="t")
    cells = csv_frame(sheet).iloc[:, 0].tolist()
    assert cells == ['\'=HYPERLINK("http://x")', "'+1+1", "'@SUM(A1)", "-", "ok"]
    assert neutralise("-3,5") == "-3,5" and neutralise("-cmd|' /C calc'!A0").startswith("'")


def test_tables_md_shows_markup_as_text() -> None:
    frame = pd.DataFrame({"label": ["<script>alert(1)</script>", "a|b", "*bold*"]})
    sheet = Sheet("<b>T</b>", frame, formats={}, note="Källa: <img src=x>", slug="t")
    text = markdown([sheet], "Title <i>", "sv")
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text and "a\\|b" in text and "\\*bold\\*" in text
