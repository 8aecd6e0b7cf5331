"""PX files into the tidy frame (sources/px.py), against the PxWebApi sample database."""

from __future__ import annotations

import math
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.sources.px import DATA_SYMBOLS, read_px, read_px_folder
from kompetens_forecast.sources.tidy import tidy_columns

FIXTURES = Path(__file__).parent / "fixtures" / "px"
PX_FILES = sorted(p.name for p in FIXTURES.glob("*.px"))


def raw_cells(path: Path) -> list[str]:
    """The DATA tokens of a fixture, read naively (the fixtures use spaces and newlines)."""
    text = path.read_bytes().decode("latin-1")
    return text[text.index("\nDATA=") + 6 : text.rindex(";")].split()


def test_all_six_fixtures_are_there() -> None:
    assert PX_FILES == [
        "TAB001.px",
        "TAB002.px",
        "TAB003.px",
        "TAB004.px",
        "TAB005.px",
        "tab4_fewcells.px",
    ]


@pytest.mark.parametrize("name", PX_FILES)
def test_fixture_decodes_with_the_right_shape(name: str) -> None:
    table = read_px(FIXTURES / name)
    frame = table.frame
    sizes = [len(table.codes[d]) for d in table.dimensions]
    assert len(frame) == math.prod(sizes)
    assert list(frame.columns) == tidy_columns(table.dimensions)
    assert all(len(table.values[d]) == len(table.codes[d]) for d in table.dimensions)
    assert frame["value"].dtype == np.float64
    assert (frame["symbol"].notna() == frame["value"].isna()).all()
    # Every cell against the raw file, in file order (C order over STUB + HEADING).
    raw = raw_cells(FIXTURES / name)
    expected = [math.nan if t.startswith('"') else float(t) for t in raw]
    np.testing.assert_array_equal(frame["value"].to_numpy(), np.array(expected))
    marks = [t.strip('"') if t.startswith('"') else None for t in raw]
    assert frame["symbol"].tolist() == marks
    # Each dimension's codes cycle with the later dimensions varying fastest.
    last = table.dimensions[-1]
    assert frame[last].iloc[: sizes[-1]].tolist() == table.codes[last]
    assert frame[table.dimensions[0]].iloc[-1] == table.codes[table.dimensions[0]][-1]


def test_tab005_metadata_and_kommun_codes() -> None:
    table = read_px(FIXTURES / "TAB005.px")
    assert table.matrix == "TAB005"
    assert table.encoding == "iso8859-1"
    assert table.language == "en"
    assert table.languages == ["en", "sv"]
    assert table.dimensions == ["REGION", "LANDUSECLASS", "ContentsCode", "TIME"]
    assert table.variable_names["LANDUSECLASS"] == "land use"
    assert table.units == "hectares"
    assert table.source == "Statistics Sweden"
    assert table.last_updated == "20230525 15:42"
    assert table.updated is not None and table.updated.year == 2023
    assert table.notes == [".. = Data not available"]
    assert table.symbols[".."] == ".."
    assert table.metadata['VARIABLECODE("region")'] == ["REGION"]
    regions = table.codes["REGION"]
    assert len(regions) == 291
    assert regions[:3] == ["00", "0114", "0115"]
    assert all(re.fullmatch(r"\d{4}", code) for code in regions[1:])
    assert regions[-1] == "2584"
    assert table.values["REGION"][1] == "Upplands Väsby"
    assert table.codes["TIME"] == ["2010", "2015"]
    assert table.frame["REGION"].map(type).eq(str).all()


def test_tab005_specific_cells() -> None:
    frame = read_px(FIXTURES / "TAB005.px").frame
    raw = raw_cells(FIXTURES / "TAB005.px")
    first, last = frame.iloc[0], frame.iloc[-1]
    assert (first["REGION"], first["LANDUSECLASS"], first["TIME"]) == ("00", "11", "2010")
    assert first["value"] == float(raw[0]) == 2633457
    assert (last["REGION"], last["LANDUSECLASS"], last["TIME"]) == ("2584", "911", "2015")
    assert last["value"] == float(raw[-1]) == 1915537
    # Upplands Väsby (region 1) × grazing land (land use 1) × 2015 (year 1): row-major index.
    cell = frame[(frame["REGION"] == "0114") & (frame["LANDUSECLASS"] == "14")]
    cell = cell[cell["TIME"] == "2015"]
    assert cell["value"].item() == float(raw[(1 * 11 + 1) * 2 + 1])
    # The first ".." in the file lands on the same row, as a marker with no value.
    at = raw.index('".."')
    assert frame["symbol"].iloc[at] == ".."
    assert math.isnan(frame["value"].iloc[at])
    assert (frame["symbol"] == "..").sum() == raw.count('".."') == 107


def test_swedish_labels_keep_the_codes() -> None:
    en = read_px(FIXTURES / "TAB005.px")
    sv = read_px(FIXTURES / "TAB005.px", lang="sv")
    assert sv.language == "sv"
    assert (en.values["REGION"][0], sv.values["REGION"][0]) == ("Sweden", "Riket")
    assert sv.variable_names["LANDUSECLASS"] == "markanvändning"
    assert sv.values["LANDUSECLASS"][0] == "åkermark"
    assert sv.title is not None and sv.title.startswith("Markanvändningen i Sverige")
    assert sv.units == "Hektar"
    assert sv.dimensions == en.dimensions
    assert sv.codes == en.codes  # CODES[sv]("år") is missing: CODES("year") is used
    for column in [*en.dimensions, "value"]:
        assert sv.frame[column].equals(en.frame[column])
    assert sv.frame["REGION_label"].iloc[0] == "Riket"
    assert sv.last_updated == "20230831 15:42"  # the file's sv LAST-UPDATED differs


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no language 'fi'") as info:
        read_px(FIXTURES / "TAB001.px", lang="fi")
    assert info.value.hint is not None and "en, sv" in info.value.hint


def test_utf8_bytes_under_a_latin1_codepage() -> None:
    table = read_px(FIXTURES / "tab4_fewcells.px", lang="sv")
    assert table.encoding == "utf-8"
    assert table.variable_names["GREENHOUSEGAS"] == "växthusgas"
    assert table.values["ContentsCode"] == ["Ämne"]
    assert table.frame["value"].tolist() == [445.0]
    assert table.notes == ["Text för Fotnot\n\n.. = Data not available", "sektor: Text för Fotnot"]


HANDMADE = """\
CHARSET="ANSI";
AXIS-VERSION="2013";
CODEPAGE="utf-8";
LANGUAGE="sv";
MATRIX="HAND01";
TITLE="Anställda efter län, "
"yrke och år";
CONTENTS="Anställda";
UNITS="antal";
STUB="län","yrke";
HEADING="år";
VARIABLECODE("län")="Region";
VALUES("län")="Stockholms län","Uppsala län",
"Södermanlands län";
CODES("län")="01","03",
"04";
VALUES("yrke")="Chefer","Läkare";
CODES("yrke")="1111","2211";
VALUES("år")="2022","2023";
TIMEVAL("år")=TLIST(A1),"2022","2023";
NOTE("yrke")="Källa: SCB#yrkesregistret";
DATASYMBOL1="..";
DATASYMBOLNIL="-";
DATA=
1 2
3.5, ".."
"." -4
.. "-"
"...." 1e3
"7" 0
;
"""


def write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [False, True])
def test_handmade_utf8_file(tmp_path: Path, bom: bool) -> None:
    table = read_px(write(tmp_path / "hand.px", HANDMADE, bom=bom))
    assert table.encoding == ("utf-8-sig" if bom else "utf-8")
    assert table.matrix == "HAND01"
    assert table.title == "Anställda efter län, yrke och år"
    assert table.languages == ["sv"]
    assert table.dimensions == ["Region", "yrke", "år"]  # no VARIABLECODE: the name
    assert table.codes["Region"] == ["01", "03", "04"]
    assert table.values["Region"][2] == "Södermanlands län"
    assert table.codes["år"] == ["2022", "2023"]  # no CODES: the values are the codes
    assert table.notes == ["yrke: Källa: SCB\nyrkesregistret"]
    assert table.symbols == {".": "..", "-": "-"}
    assert table.metadata['TIMEVAL("år")'] == ["TLIST(A1)", "2022", "2023"]
    frame = table.frame
    assert frame["value"].tolist()[:3] == [1.0, 2.0, 3.5]
    symbols = [None, None, None, "..", ".", None, "..", "-", "....", None, None, None]
    assert frame["symbol"].tolist() == symbols
    assert frame["value"].iloc[5] == -4.0  # a negative number is not the "-" marker
    assert frame["value"].iloc[7] == 0.0  # "-" is SCB's nil: a true zero, marker kept
    assert frame["value"].iloc[[3, 4, 6, 8]].isna().all()  # the dots stay missing
    assert frame["value"].iloc[9:].tolist() == [1000.0, 7.0, 0.0]
    row = frame.iloc[11]
    assert (row["Region"], row["Region_label"], row["yrke"], row["år"]) == (
        "04",
        "Södermanlands län",
        "2211",
        "2023",
    )
    assert set(frame["symbol"].dropna()) <= set(DATA_SYMBOLS)


def test_truncated_data_names_the_file(tmp_path: Path) -> None:
    raw = (FIXTURES / "TAB005.px").read_bytes()
    cut = tmp_path / "TAB005_cut.px"
    cut.write_bytes(raw[: len(raw) - 200])
    with pytest.raises(DataError, match=r"TAB005_cut\.px.*does not end with ';'"):
        read_px(cut)
    cut.write_bytes(raw[: len(raw) - 200] + b"\n;\n")
    with pytest.raises(DataError, match=r"TAB005_cut\.px', DATA at line \d+: \d+ cells") as info:
        read_px(cut)
    assert "6402" in info.value.message


def test_header_errors_name_the_line_or_keyword(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.px", HANDMADE.replace('UNITS="antal";', "UNITS antal"))
    with pytest.raises(DataError, match=r"bad\.px', line 9: cannot parse"):
        read_px(bad)
    unclosed = write(tmp_path / "unclosed.px", HANDMADE.replace('UNITS="antal";', 'UNITS="antal"'))
    with pytest.raises(DataError, match=r"unclosed\.px', line 9: UNITS has no closing ';'"):
        read_px(unclosed)
    short = write(tmp_path / "short.px", HANDMADE.replace('"1111","2211"', '"1111"'))
    with pytest.raises(DataError, match=r'short\.px.*CODES/VALUES\("yrke"\)'):
        read_px(short)
    cell = write(tmp_path / "cell.px", HANDMADE.replace("1e3", "x1"))
    with pytest.raises(DataError, match=r"cell\.px', DATA at line 24: bad cell 'x1'"):
        read_px(cell)
    keys = write(tmp_path / "keys.px", HANDMADE.replace("DATA=", 'KEYS("yrke")=CODES;\nDATA='))
    with pytest.raises(DataError, match="KEYS"):
        read_px(keys)
    with pytest.raises(UsageError, match="does not exist"):
        read_px(tmp_path / "missing.px")


def test_read_folder_sorted_by_name(tmp_path: Path) -> None:
    for name in ("TAB005.px", "TAB003.px"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    write(tmp_path / "a_hand.PX", HANDMADE)
    (tmp_path / "notes.txt").write_text("not a PX file")
    tables = read_px_folder(tmp_path, lang="sv")
    assert [t.path.name for t in tables] == ["TAB003.px", "TAB005.px", "a_hand.PX"]
    assert [t.matrix for t in tables] == ["TAB003", "TAB005", "HAND01"]
    assert tables[1].values["REGION"][0] == "Riket"
    assert [t.path.name for t in read_px_folder(FIXTURES)] == PX_FILES


def test_folder_with_a_bad_file_names_it(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "TAB003.px", tmp_path / "TAB003.px")
    write(tmp_path / "TAB004.px", HANDMADE.replace("DATA=", 'BROKEN="x\nDATA='))
    with pytest.raises(DataError, match=r"TAB004\.px"):
        read_px_folder(tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        read_px_folder(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match=r"holds no \.px files"):
        read_px_folder(empty)


def test_a_million_cells_read_in_seconds(tmp_path: Path) -> None:
    regions, occupations, years = 1000, 100, 10
    cells = np.arange(regions * occupations * years).astype(str).astype(object)
    cells[::5] = '".."'
    body = "\n".join(" ".join(cells[i : i + years]) for i in range(0, len(cells), years))

    def quoted(n: int) -> str:
        return ",".join(f'"{i:04d}"' for i in range(n))

    header = (
        'CODEPAGE="iso-8859-1";\nLANGUAGE="sv";\nMATRIX="BIG";\nSTUB="region","yrke";\n'
        f'HEADING="år";\nVALUES("region")={quoted(regions)};\n'
        f'VALUES("yrke")={quoted(occupations)};\nVALUES("år")={quoted(years)};\nDATA=\n'
    )
    path = tmp_path / "big.px"
    path.write_bytes((header + body + "\n;\n").encode("latin-1"))
    start = time.perf_counter()
    frame = read_px(path).frame
    assert time.perf_counter() - start < 10
    assert len(frame) == 1_000_000
    assert frame["value"].iloc[1] == 1.0
    assert frame["symbol"].iloc[0] == ".."
    last = frame.iloc[-1]
    assert (last["region"], last["yrke"], last["år"], last["value"]) == (
        "0999",
        "0099",
        "0009",
        999_999.0,
    )
