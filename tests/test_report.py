"""The report set of `forecast run` / `forecast report`: charts, workbook, CSV for Swedish
Excel, Markdown and the self-contained fact sheet (issue 7)."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from browser import run_chromium
from cli_helpers import messages
from conftest import run_cli_captured
from kompetens_forecast.report.csv_export import csv_frame
from kompetens_forecast.report.numbers import fmt_int, fmt_pct, signed_int
from kompetens_forecast.report.workbook import Sheet

NBSP = "\xa0"


@pytest.fixture(scope="module")
def slide_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`forecast report --region 2080 --size slide`: the report set alone, 16:9 charts."""
    base = tmp_path_factory.mktemp("slide")
    out = base / "k2080"
    args = ["--quiet", "--data-dir", str(base / "data"), "report", "--region", "2080"]
    code, stdout, stderr = run_cli_captured([*args, "--size", "slide", "--out", str(out)])
    assert code == 0, stderr
    return out, stdout


def _manifest(out: Path) -> dict[str, object]:
    return dict(json.loads((out / "manifest.json").read_text(encoding="utf-8")))


# --- charts ------------------------------------------------------------------------------------


def test_county_run_draws_at_least_eight_charts_as_png_and_svg(
    county_run: tuple[Path, str, str],
) -> None:
    charts = county_run[0] / "charts"
    pngs = sorted(p.stem for p in charts.glob("*.png"))
    assert pngs == sorted(p.stem for p in charts.glob("*.svg"))
    assert len(pngs) >= 8
    expected = {
        "01_storsta_yrken",
        "02_forandring",
        "03_lokaliseringskvoter",
        "04_prognos",
        "05_delregioner",
        "07_bristlage",
        "08_sysselsattning",
        "09_yrkesomraden",
        "10_kvinnoandel",
        # the staples of a yearly report, on the demo's national age, pay and ads data
        "11_aldersstruktur",
        "12_rekryteringsbehov",
        "14_lonelage",
        "15_annonser",
    }
    assert expected <= set(pngs)


def test_charts_are_a4_wide_at_300_dpi_and_not_blank(county_run: tuple[Path, str, str]) -> None:
    for png in sorted((county_run[0] / "charts").glob("*.png")):
        assert png.stat().st_size > 50_000, png.name
        image = mpimg.imread(png)
        height, width = image.shape[:2]
        assert abs(width - round(16 / 2.54 * 300)) <= 2, (png.name, width)  # 16 cm at 300 dpi
        assert 600 < height < 3500, (png.name, height)
        grey = image[..., :3].mean(axis=2)
        assert grey.std() > 0.05 and (grey < 0.5).mean() > 0.01, png.name  # ink on the page


def test_charts_speak_swedish_and_cite_their_sources(county_run: tuple[Path, str, str]) -> None:
    charts = county_run[0] / "charts"
    for svg in charts.glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "Källa: SCB" in text and "Bearbetning: kompetens-forecast" in text, svg.name
        # the statistic in plain words; table ids stay in manifest.json and the Källor sheet
        assert "yrkesregistret" in text and "hämtad" in text and "2026-11-28" in text, svg.name
        assert "YREG60BAS" not in text, svg.name
        assert "Source:" not in text and "Employees" not in text, svg.name
    largest = (charts / "01_storsta_yrken.svg").read_text(encoding="utf-8")
    assert "är det största yrket i Dalarnas län 2023" in largest  # the title states the finding
    assert f"4{NBSP}866" in largest  # Babel's Swedish grouping
    fans = (charts / "04_prognos.svg").read_text(encoding="utf-8")
    # the published forecast's own accuracy beside each forecast, in plain words
    assert "träffsäkrare än oförändrad" in fans and "typiskt fel" in fans and "MASE" not in fans
    kommuner = (charts / "05_delregioner.svg").read_text(encoding="utf-8")
    assert "SYNTETISKA DEMODATA" in kommuner  # municipal data are synthetic
    county = (charts / "01_storsta_yrken.svg").read_text(encoding="utf-8")
    assert "SYNTETISKA" not in county  # the county's own numbers are real
    shortage = (charts / "07_bristlage.svg").read_text(encoding="utf-8")
    assert "Arbetsförmedlingen" in shortage and "brist" in shortage


def test_charts_without_data_are_skipped_with_a_reason(county_run: tuple[Path, str, str]) -> None:
    out = county_run[0]
    manifest = _manifest(out)
    skipped = {s["chart"]: s["reason"] for s in manifest["charts_skipped"]}  # type: ignore[attr-defined]
    assert "matching_grade_county" in skipped["06_matchningsgrad"]
    assert not (out / "charts" / "06_matchningsgrad.png").exists()
    assert not {"11_aldersstruktur", "12_rekryteringsbehov", "14_lonelage", "15_annonser"} & set(
        skipped
    )


def test_manifest_outputs_list_exactly_the_files_written(county_run: tuple[Path, str, str]) -> None:
    out, stdout, _ = county_run
    manifest = _manifest(out)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert sorted(manifest["outputs"]) == written  # type: ignore[arg-type]
    printed = [line for line in stdout.splitlines() if not line.startswith("#")]
    assert sorted(printed) == sorted(str(out / name) for name in written)


# --- workbook, CSV, Markdown -------------------------------------------------------------------


def test_workbook_has_five_or_more_sheets_of_real_numbers(county_workbook: Any) -> None:
    book = county_workbook
    numeric_sheets = []
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        rows = list(ws.iter_rows(min_row=2, max_row=min(ws.max_row, 40), values_only=True))
        numbers = [v for row in rows for v in row if isinstance(v, int | float)]
        digit_strings = [v for row in rows for v in row if isinstance(v, str) and v.isdigit()]
        if len(numbers) >= 10:
            numeric_sheets.append(ws.title)
            formats = {ws.cell(row=2, column=c).number_format for c in range(1, ws.max_column + 1)}
            assert formats & {"#,##0", "0.0", "0.00"}, ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width >= 8
        note = ws.cell(row=ws.max_row, column=1).value
        assert isinstance(note, str) and ("Källa" in note or "Bearbetning" in note), ws.title
        del digit_strings  # codes ("0110") are text on purpose
    assert len(numeric_sheets) >= 5, numeric_sheets
    kommuner = book["Delregioner"]
    assert "SYNTETISKA DEMODATA" in kommuner.cell(row=kommuner.max_row, column=1).value
    county = book["Sysselsättning"]
    assert "SYNTETISKA" not in county.cell(row=county.max_row, column=1).value
    assert {"Utveckling", "Yrkesområden", "Bristläge"} <= set(numeric_sheets)
    headers = [cell.value for cell in county[1]]
    assert headers[:5] == ["Regionkod", "Region", "Regionnivå", "Yrkeskod (SSYK 2012)", "Yrke"]
    assert "Anställda" in headers and "employed" not in headers
    employed = county.cell(row=1, column=headers.index("Anställda") + 1)
    assert employed.comment is not None and employed.comment.text == "employed"  # traceable


def test_english_tables_have_english_headers(municipal_run_en: tuple[Path, str, str]) -> None:
    out = municipal_run_en[0]
    header = (out / "csv" / "sysselsattning.csv").read_text(encoding="utf-8-sig").split("\r\n")[0]
    assert header.startswith("Region code;Region;Region level;Occupation code (SSYK 2012);")
    assert "Employees" in header.split(";")
    markdown = (out / "tables.md").read_text(encoding="utf-8")
    assert "| Employees |" in markdown or "| Employees" in markdown


def test_csv_files_are_for_swedish_excel(
    county_run: tuple[Path, str, str], county_workbook: Any
) -> None:
    out, book = county_run[0], county_workbook
    csvs = sorted((out / "csv").glob("*.csv"))
    assert len(csvs) == len(book.sheetnames)
    raw = (out / "csv" / "sysselsattning.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    text = raw.decode("utf-8-sig")
    header, first = text.split("\r\n")[:2]
    assert header.startswith("Regionkod;Region;Regionnivå;Yrkeskod (SSYK 2012);Yrke;")
    assert re.search(r";\d+,\d{2};", first) and not re.search(r";\d+\.\d+;", first)
    assert ";True" not in text and ";False" not in text  # booleans as ja/nej
    assert re.search(r";(ja|nej)\r?$", first)  # the synthetic flag, last column
    frame = pd.read_csv(
        out / "csv" / "sysselsattning.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"Regionkod": str, "Yrkeskod (SSYK 2012)": str},
    )
    ind = pd.read_parquet(out / "indicators.parquet")
    own = ind[ind["region_code"] == "20"].set_index("ssyk")
    assert frame["Yrkeskod (SSYK 2012)"].str.fullmatch(r"\d{4}").all()  # leading zeros kept
    merged = frame.set_index("Yrkeskod (SSYK 2012)")
    assert (merged["Anställda"] == own.loc[merged.index, "employed"]).all()
    assert np.allclose(
        merged["Lokaliseringskvot"], own.loc[merged.index, "lq"].round(2), equal_nan=True
    )
    readme = (out / "csv" / "README.txt").read_text(encoding="utf-8")
    assert "sysselsattning.csv" in readme and "Källa: SCB" in readme


def test_csv_rounds_as_displayed_and_keeps_missing_empty() -> None:
    frame = pd.DataFrame({"ssyk": ["0110", "2341"], "employed": [12.0, np.nan], "lq": [1.234, 2]})
    out = csv_frame(Sheet("x", frame, {"employed": "#,##0", "lq": "0.00"}, "note", "x"))
    text = out.to_csv(sep=";", decimal=",", index=False)
    assert text.splitlines() == ["ssyk;employed;lq", "0110;12;1,23", "2341;;2,0"]


def test_markdown_tables_use_swedish_numbers(county_run: tuple[Path, str, str]) -> None:
    md = (county_run[0] / "tables.md").read_text(encoding="utf-8")
    assert md.startswith("# Tabeller: Dalarnas län")
    assert f"| 4{NBSP}866 |" in md and "| 3,84 |" in md
    assert "## Bristläge" in md and "*Källa: SCB" in md
    assert "Visar 20 av" in md


def test_swedish_number_formats() -> None:
    assert fmt_int(12345, "sv") == f"12{NBSP}345"
    assert fmt_pct(3.4, "sv") == "3,4 %"
    assert fmt_pct(-3.4, "sv") == "−3,4 %"
    assert signed_int(-1234, "sv") == f"−1{NBSP}234" and signed_int(5, "sv") == "+5"
    assert fmt_int(12345, "en") == "12,345" and fmt_pct(3.4, "en") == "3.4%"


# --- fact sheet ----------------------------------------------------------------------------------


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name in ("src", "href", "xlink:href", "srcset", "data", "poster") and value:
                self.refs.append(value)


def _parse(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


def test_factsheet_is_self_contained_swedish_and_flags_synthetic_data(
    county_run: tuple[Path, str, str],
) -> None:
    html = (county_run[0] / "faktablad.html").read_text(encoding="utf-8")
    parsed = _parse(html)
    external = [r for r in parsed.refs if not r.startswith("#")]
    assert external == []  # only in-document references (SVG clip paths, glyphs)
    assert len(parsed.ids) == len(set(parsed.ids))  # charts on one page share no id
    assert {r[1:] for r in parsed.refs} <= set(parsed.ids)  # every reference resolves
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "@import" not in html and not re.search(r"url\((?!#)", html)  # local url(#id) only
    assert parsed.tags.count("svg") >= 4  # key charts inline: two per printed page
    assert '<html lang="sv">' in html
    assert "Syntetiska demodata" in html  # municipal figures are synthetic
    assert f"I Dalarnas län fanns 126{NBSP}857 anställda 2023" in html  # text from the data
    assert "Källor" in html and "Så är siffrorna framtagna" in html
    assert "yrkesregistret med yrkesstatistik" in html  # sources in plain words
    assert "AM0208M/YREG60BAS" not in html  # table ids: in the appendix (--full), the manifest


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_factsheet_renders_in_headless_chromium(
    county_run: tuple[Path, str, str], tmp_path: Path
) -> None:
    shot = tmp_path / "faktablad.png"
    run_chromium(
        county_run[0] / "faktablad.html",
        tmp_path / "profile",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        "--window-size=1000,1800",
        timeout=60,
    )
    image = mpimg.imread(shot)
    assert image.shape[:2] == (1800, 1000)
    grey = image[..., :3].mean(axis=2)
    assert grey.std() > 0.1  # text and charts, not a blank page
    banner = image[:400, :, :3]  # the orange synthetic banner near the top
    orange = (banner[..., 0] > 0.75) & (banner[..., 1] > 0.3) & (banner[..., 1] < 0.45)
    assert orange.mean() > 0.01


# --- English and a municipality ------------------------------------------------------------------


def test_english_municipal_run_is_english_and_synthetic(
    municipal_run_en: tuple[Path, str, str],
) -> None:
    out, stdout, _ = municipal_run_en
    assert "SYNTHETIC DATA" in stdout
    charts = sorted((out / "charts").glob("*.svg"))
    assert len(charts) >= 6
    for svg in charts:
        text = svg.read_text(encoding="utf-8")
        assert "SYNTHETIC DEMO DATA" in text and "Source: SCB" in text, svg.name
        assert "Källa" not in text and "anställda" not in text, svg.name
    html = (out / "faktablad.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Synthetic demo data" in html
    assert "Fact sheet: Falun" in html and "Sources" in html
    book = load_workbook(out / "tables.xlsx", read_only=True)
    assert {"Employment", "Forecast", "Trend", "Sources"} <= set(book.sheetnames)
    readme = (out / "csv" / "README.txt").read_text(encoding="utf-8")
    assert readme.startswith("Tables for Excel") and "Source: SCB" in readme
    skipped = {s["chart"] for s in _manifest(out)["charts_skipped"]}  # type: ignore[attr-defined]
    assert {"05_delregioner", "07_bristlage"} <= skipped


def test_report_command_writes_the_report_set_alone_in_slide_size(
    slide_report: tuple[Path, str],
) -> None:
    out, stdout = slide_report
    assert not (out / "forecast.parquet").exists() and not (out / "indicators.parquet").exists()
    for name in ("tables.xlsx", "tables.md", "faktablad.html", "manifest.json", "csv/README.txt"):
        assert (out / name).is_file() and str(out / name) in stdout, name
    for png in (out / "charts").glob("*.png"):
        height, width = mpimg.imread(png).shape[:2]
        assert width == 3000 and abs(height - 1688) <= 1, png.name  # 25.4 × 14.3 cm: 16:9
    assert "SYNTETISKA DEMODATA" in (out / "charts" / "01_storsta_yrken.svg").read_text("utf-8")
    manifest = _manifest(out)
    assert manifest["parameters"]["size"] == "slide"  # type: ignore[index]
    assert "forecast.parquet" not in manifest["outputs"]  # type: ignore[operator]


def test_report_for_an_unknown_region_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "never"
    code, _, stderr = run_cli_captured(["report", "--region", "99", "--out", str(out)])
    assert code == 2 and len(messages(stderr)) == 1 and "'99'" in stderr
    assert not out.exists()
    code, _, stderr = run_cli_captured(["run", "--region", "20", "--size", "a3", "--out", str(out)])
    assert code == 2 and "a4, slide" in stderr and not out.exists()


def test_recruitment_need_adds_forecast_change_to_expected_exits(
    county_run: tuple[Path, str, str], tmp_path: Path
) -> None:
    """Five-year need = exits (riket's age structure × the county's employees) + the published
    forecast's change to 2028; without a forecast to 2033 the ten-year need stays missing and
    the chart shows the ten-year exits alone, saying so."""
    from kompetens_forecast.report import charts_age
    from kompetens_forecast.report.figure import ChartContext

    out = county_run[0]
    ind = pd.read_parquet(out / "indicators.parquet")
    own = ind[ind["region_code"] == "20"].copy()
    assert charts_age.has_age_data(own) and set(own["age_basis"].dropna()) == {"riket"}
    fc = pd.read_parquet(out / "forecast.parquet")
    table = charts_age.openings_table(own, fc)
    end = fc[fc["year"] == 2028].set_index("ssyk")["yhat"]
    first = table.iloc[0]
    assert first["openings_5y"] == pytest.approx(
        first["exits_5y"] + end[first["ssyk"]] - first["employed"]
    )
    assert first["exits_10y"] > first["exits_5y"] > 0
    assert table["openings_10y"].isna().all() and table["expansion_10y"].isna().all()
    assert table["openings_5y"].dropna().is_monotonic_decreasing
    ctx = ChartContext("Dalarnas län", "sv", "Källa: test", synthetic=False)
    files = charts_age.age_structure(own, ctx, tmp_path) + charts_age.openings(
        table, fc, ctx, tmp_path
    )
    assert sorted(p.name for p in files) == [
        "11_aldersstruktur.png",
        "11_aldersstruktur.svg",
        "12_rekryteringsbehov.png",
        "12_rekryteringsbehov.svg",
    ]
    svg = (tmp_path / "12_rekryteringsbehov.svg").read_text(encoding="utf-8")
    assert "i Dalarnas län till 2028" in svg and "för tio år visas bara avgångarna" in svg
    age = (tmp_path / "11_aldersstruktur.svg").read_text(encoding="utf-8")
    assert "åldersstruktur för yrket i riket" in age and " i riket är 55 år eller äldre" in age


def test_new_charts_cite_their_data_and_state_findings(county_run: tuple[Path, str, str]) -> None:
    charts = county_run[0] / "charts"
    pay = (charts / "14_lonelage.svg").read_text(encoding="utf-8")
    assert "lönestrukturstatistik" in pay and "Norra Mellansverige (riksområde)" in pay
    assert "lägre medellön än" in pay  # the title states the finding
    ads = (charts / "15_annonser.svg").read_text(encoding="utf-8")
    # AF's ads history is CC BY 4.0: its credit is in every caption that shows it
    assert "Lodefalk, Löthman, Koch, Engberg (2026), canaries-sweden" in ads
    assert "Platsannonserna i riket" in ads and "Annonserna gäller hela riket" in ads
    for name in ("11_aldersstruktur", "12_rekryteringsbehov"):
        text = (charts / f"{name}.svg").read_text(encoding="utf-8")
        # employees by county and by age: one register, named once
        assert text.count("yrkesregistret med yrkesstatistik") == 1, name


def test_new_tables_are_in_the_workbook_csv_and_markdown(county_run: tuple[Path, str, str]) -> None:
    out = county_run[0]
    book = load_workbook(out / "tables.xlsx", read_only=True)
    assert {"Åldersstruktur", "Rekryteringsbehov", "Lönenivå", "Platsannonser"} <= set(
        book.sheetnames
    )
    for slug in ("aldersstruktur", "rekryteringsbehov", "lonelage", "annonser"):
        assert (out / "csv" / f"{slug}.csv").is_file(), slug
    markdown = (out / "tables.md").read_text(encoding="utf-8")
    assert "## Lönenivå" in markdown and "## Platsannonser" in markdown
    ads = pd.read_csv(out / "csv" / "annonser.csv", sep=";", dtype=str, encoding="utf-8-sig")
    assert "Alla yrken" in set(ads["Yrke"]) and "total" not in set(ads.iloc[:, 1].dropna())


def test_a_municipality_skips_the_pay_chart_with_a_reason(
    municipal_run_en: tuple[Path, str, str],
) -> None:
    out = municipal_run_en[0]
    skipped = {s["chart"]: s["reason"] for s in _manifest(out)["charts_skipped"]}  # type: ignore[attr-defined]
    assert "SSYK-4" in skipped["14_lonelage"]
    age = (out / "charts" / "11_aldersstruktur.svg").read_text(encoding="utf-8")
    assert "SYNTHETIC DEMO DATA" in age  # exits on the municipality's synthetic employees
    pay_tables = load_workbook(out / "tables.xlsx", read_only=True).sheetnames
    assert "Pay level" not in pay_tables and "Job ads" in pay_tables


def test_pdf_is_refused_without_weasyprint_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kompetens_forecast.report import pdf

    monkeypatch.setattr(pdf, "pdf_available", lambda: False)
    out = tmp_path / "never"
    code, _, stderr = run_cli_captured(["report", "--region", "20", "--pdf", "--out", str(out)])
    assert code == 2 and "pip install 'kompetens-forecast[pdf]'" in stderr
    assert len(messages(stderr)) == 1 and not out.exists()


@pytest.mark.skipif(
    not __import__("kompetens_forecast.report.pdf").report.pdf.pdf_available(),
    reason="the pdf extra (WeasyPrint) is not installed",
)
def test_factsheet_renders_to_an_a4_pdf(county_run: tuple[Path, str, str], tmp_path: Path) -> None:
    from kompetens_forecast.report.pdf import write_pdf

    target = write_pdf(county_run[0] / "faktablad.html", tmp_path / "faktablad.pdf")
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
