"""Reports a region pastes without editing (issue 15): ticks that match gridlines, an LQ axis
that one outlier cannot flatten, labels wrapped and not cut, one meaning per colour, source
lines in plain words, every code value translated, tables sorted by size, and a visual
regression check of the charts of county 20 and riket."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from browser import run_chromium
from chart_baselines import BASELINE_DIR, compare_to_baseline
from conftest import run_cli_captured
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.report import palette
from kompetens_forecast.report.build import largest_first
from kompetens_forecast.report.charts import lq_axis_cap
from kompetens_forecast.report.columns import (
    CODED_COLUMNS,
    column_label,
    value_codes,
    value_label,
)
from kompetens_forecast.report.figure import nice_ticks, tick_decimals, wrap_label
from kompetens_forecast.store.citation import human_source, source_line
from kompetens_forecast.store.manifest import Manifest

REPORT = Path(__file__).parents[1] / "src" / "kompetens_forecast" / "report"


@pytest.fixture(scope="session")
def riket_run_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`forecast --lang en run --region 00 --full`: riket in English (the shortage and source
    sheets with every code column; the fact sheet with its appendix)."""
    base = tmp_path_factory.mktemp("run00")
    out = base / "r00"
    args = ["--quiet", "--lang", "en", "--data-dir", str(base / "data")]
    command = [*args, "run", "--region", "00", "--full", "--out", str(out)]
    code, _stdout, stderr = run_cli_captured(command)
    assert code == 0, stderr
    return out


# --- axes and labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticks", "decimals"),
    [([0, 2.5, 5, 7.5, 10], 1), ([0, 2, 4, 6], 0), ([0, 0.25, 0.5], 2), ([0, 20, 40], 0), ([], 0)],
)
def test_tick_decimals_print_every_tick_exactly(ticks: list[float], decimals: int) -> None:
    assert tick_decimals(ticks) == decimals


def test_tick_labels_read_what_the_gridlines_mark() -> None:
    fig, ax = plt.subplots()
    ax.barh([0, 1, 2], [10.1, 4.4, 3.5])
    nice_ticks(ax.xaxis, "sv")
    fig.canvas.draw()
    for tick, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):
        assert float(label.get_text().replace(",", ".")) == pytest.approx(tick), label
    plt.close(fig)


def test_an_lq_outlier_cuts_the_axis_and_ordinary_values_do_not() -> None:
    cap = lq_axis_cap([10.1, 4.4, 3.5, 3.0])
    assert cap is not None and 4.4 < cap < 10.1
    assert lq_axis_cap([4.4, 3.5, 3.0]) is None  # no outlier
    assert lq_axis_cap([2.9, 1.2]) is None  # small quotients are never cut
    assert lq_axis_cap([5.0]) is None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_occupation_label_is_cut_where_a_wrap_fits(lang: str) -> None:
    occupations = default_occupations()
    labels = [o.label(lang) for o in occupations.level(4)]
    assert len(labels) > 400
    cut = [label for label in labels if "…" in wrap_label(label)]
    assert cut == []


def test_the_lq_chart_of_county_20_labels_its_cut(county_run: tuple[Path, str, str]) -> None:
    svg = (county_run[0] / "charts" / "03_lokaliseringskvoter.svg").read_text(encoding="utf-8")
    assert "Axeln är kapad vid" in svg and "10,1" in svg
    assert "…" not in svg


# --- one colour, one meaning -------------------------------------------------------------------


def test_each_data_colour_means_one_thing() -> None:
    colours = [c.upper() for c in palette.DATA_COLOURS.values()]
    assert len(colours) == len(set(colours)), palette.DATA_COLOURS


def test_chart_modules_take_colours_from_the_palette_only() -> None:
    literal = re.compile(r"#[0-9A-Fa-f]{6}\b")
    offenders = {
        path.name: literal.findall(path.read_text(encoding="utf-8"))
        for path in REPORT.glob("*.py")
        if path.name not in {"palette.py", "workbook.py"}
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_women_share_chart_has_a_legend(county_run: tuple[Path, str, str]) -> None:
    svg = (county_run[0] / "charts" / "10_kvinnoandel.svg").read_text(encoding="utf-8")
    assert "Kvinnor i majoritet" in svg and "Män i majoritet" in svg


def test_largest_occupations_say_which_af_labels_are_national_and_the_round(
    county_run: tuple[Path, str, str],
) -> None:
    svg = (county_run[0] / "charts" / "01_storsta_yrken.svg").read_text(encoding="utf-8")
    assert "omgång 2026-1" in svg or "omgång 2025-2" in svg
    assert "AF:s bedömning för hela riket" in svg
    assert "brist trots många arbetssökande" in svg  # "paradox" explained where it is shown


# --- source lines --------------------------------------------------------------------------------


def _manifest(**kw: Any) -> Manifest:
    fields: dict[str, Any] = {
        "dataset": "employment_county_ssyk4",
        "source": "scb",
        "vintage": "v",
        "title": "Anställda efter län",
        "table_ids": ["AM0208M/YREG60BAS"],
        "dims": [],
        "rows": 1,
        "retrieved_at": "2026-11-28T00:00:00Z",
        "schema_version": 1,
        "checksum": "x",
        "tool_version": "0",
        "extra": {"years": [2014, 2023]},
    }
    return Manifest(**(fields | kw))


def test_source_lines_name_the_statistic_not_the_table_id() -> None:
    scb = _manifest()
    af = _manifest(dataset="yrkesbarometer", source="af", extra={"rounds": ["2026-1", "2025-2"]})
    line = source_line([scb, af, _manifest(synthetic=True, dataset="x")], "sv")
    assert line == (
        "Källa: SCB, yrkesregistret med yrkesstatistik 2014–2023, hämtad 2026-11-28; "
        "Arbetsförmedlingen, Yrkesbarometern omgång 2025-2 och 2026-1, hämtad 2026-11-28"
    )
    assert "YREG" not in line
    assert human_source(_manifest(dataset="my_own", extra={}), "en").startswith(
        "SCB, Anställda efter län, retrieved"
    )


def test_chart_captions_cite_in_plain_words(county_run: tuple[Path, str, str]) -> None:
    svg = (county_run[0] / "charts" / "02_forandring.svg").read_text(encoding="utf-8")
    assert "yrkesregistret med yrkesstatistik" in svg and "YREG60BAS" not in svg
    manifest = (county_run[0] / "manifest.json").read_text(encoding="utf-8")
    assert "AM0208M/YREG60BAS" in manifest  # the technical ids stay in the manifest


# --- tables: every code translated, sorted by size -------------------------------------------


def _scan_codes(workbook: Path, lang: str) -> dict[str, set[str]]:
    """Per sheet, the cells that show a raw code (a catalogued code whose label differs) or a
    value of a coded column that the catalogue does not know."""
    labels = {
        column: {str(value_label(column, code, lang)) for code in value_codes(column)}
        for column in CODED_COLUMNS
    }
    by_header = {column_label(c, lang): c for c in CODED_COLUMNS}
    problems: dict[str, set[str]] = {}
    for name, frame in pd.read_excel(workbook, sheet_name=None, dtype=str).items():
        body = frame.iloc[:-2]  # the source line sits under the table
        for header in body.columns:
            column = by_header.get(str(header))
            if column is None:
                continue
            unknown = set(body[header].dropna()) - labels[column]
            if unknown:
                problems.setdefault(name, set()).update(f"{header}={v}" for v in unknown)
    return problems


def test_no_untranslated_code_value_in_the_swedish_workbook(
    county_run: tuple[Path, str, str],
) -> None:
    assert _scan_codes(county_run[0] / "tables.xlsx", "sv") == {}


def test_no_untranslated_code_value_in_the_english_workbooks(
    riket_run_en: Path, municipal_run_en: tuple[Path, str, str]
) -> None:
    for out in (riket_run_en, municipal_run_en[0]):
        assert _scan_codes(out / "tables.xlsx", "en") == {}, out.name


def test_the_scan_finds_a_code_left_untranslated(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Regionnivå": ["län", "lan", None, "Källa: x"],  # a blank row, then the source line
            "Modell": ["andelsmodell", "share", None, None],
        }
    )
    path = tmp_path / "t.xlsx"
    frame.to_excel(path, sheet_name="S", index=False)
    assert _scan_codes(path, "sv") == {"S": {"Regionnivå=lan", "Modell=share"}}


def test_forecast_tables_list_the_largest_occupations_first() -> None:
    fc = pd.DataFrame(
        {
            "region_code": ["20"] * 4,
            "ssyk": ["0110", "0110", "5321", "5321"],
            "year": [2024, 2025, 2024, 2025],
            "yhat": [13.0, 12.0, 4800.0, 4900.0],
        }
    )
    ordered = largest_first(fc)
    assert list(ordered["ssyk"]) == ["5321", "5321", "0110", "0110"]
    assert list(ordered["year"]) == [2024, 2025, 2024, 2025]


def test_the_forecast_sheet_starts_with_a_large_occupation(county_workbook: Any) -> None:
    sheet = county_workbook["Prognos"]
    headers = [c.value for c in sheet[1]]
    first = sheet.cell(row=2, column=headers.index("Prognos") + 1).value
    assert isinstance(first, float) and first > 1000


def test_csv_readme_says_how_to_keep_leading_zeros(county_run: tuple[Path, str, str]) -> None:
    readme = (county_run[0] / "csv" / "README.txt").read_text(encoding="utf-8")
    assert "0110 → 110" in readme and "Text" in readme


def test_markdown_shows_the_few_columns_a_reader_needs(county_run: tuple[Path, str, str]) -> None:
    md = (county_run[0] / "tables.md").read_text(encoding="utf-8")
    section = md.split("## Sysselsättning")[1].split("## ")[0]
    header = next(line for line in section.splitlines() if line.startswith("| "))
    assert header.count("|") - 1 <= 8
    assert "Anställda" in header and "Koncentration (HHI)" not in header
    assert "kolumner; hela tabellen i `csv/sysselsattning.csv`" in section


# --- the fact sheet: two printed pages, key figures a reader understands ---------------------


def test_factsheet_key_figures_say_what_they_are(county_run: tuple[Path, str, str]) -> None:
    html = (county_run[0] / "faktablad.html").read_text(encoding="utf-8")
    facts = html.split('<div class="facts">')[1].split("</div>\n  </div>")[0]
    assert "anställda 2023" in facts
    assert "justerat för seriebrott (ojusterat +" in facts  # adjusted, with the raw figure
    assert "Yrkesbarometern" in facts and "enligt Arbetsförmedlingen" in facts
    assert "yrken (SSYK)" not in facts and "(modell)" not in facts
    assert "docs/methods.md" not in html  # no path the reader cannot open
    assert 'class="appendix"' not in html  # the appendix only with --full


def test_full_factsheet_has_the_appendix_with_table_ids_and_licences(riket_run_en: Path) -> None:
    html = (riket_run_en / "faktablad.html").read_text(encoding="utf-8")
    appendix = html.split('class="appendix"')[1]
    assert "Appendix" in appendix and "Methods in detail" in appendix
    assert "AM0208M/YREG60BAS" in appendix and "licence:" in appendix
    assert "SYNTETISKA DATA (synthetic)" not in html


def _print_pages(html: Path, tmp_path: Path) -> int:
    pdf = tmp_path / "faktablad.pdf"
    run_chromium(html, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_factsheet_prints_on_two_a4_pages(
    county_run: tuple[Path, str, str], riket_run_en: Path, tmp_path: Path
) -> None:
    assert 1 <= _print_pages(county_run[0] / "faktablad.html", tmp_path / "county") <= 2
    assert _print_pages(riket_run_en / "faktablad.html", tmp_path / "riket") > 2  # --full


# --- visual regression -------------------------------------------------------------------------


@pytest.mark.parametrize("run", ["county", "riket"])
def test_charts_match_their_reference_images(
    run: str, county_run: tuple[Path, str, str], riket_run_en: Path
) -> None:
    """Each chart against its reference thumbnail (tests/chart_baselines/): a moved axis, an
    overlapping or missing label or a changed colour shows as a changed tile. After an
    intended change: `python scripts/update_chart_baselines.py` and look at the new images."""
    charts = (county_run[0] if run == "county" else riket_run_en) / "charts"
    references = sorted(BASELINE_DIR.glob(f"{run}_*.png"))
    assert references, "no reference images: run scripts/update_chart_baselines.py"
    failures = []
    for reference in references:
        chart = charts / (reference.name.removeprefix(f"{run}_"))
        failure = compare_to_baseline(chart, reference)
        if failure:
            failures.append(failure)
    assert failures == []
