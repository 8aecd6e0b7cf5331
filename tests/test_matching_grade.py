"""RMI matchningsgrad (TAB6366 shape) from a local server into the county report, unchanged.

The served values are SYNTHETIC (seeded, one decimal): no recording of TAB6366 exists. They
test that the published one-decimal values travel through fetch, export and report unchanged.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from cli_helpers import invoke
from support.pxweb_server import PxWebServer
from support.tables import Table, Variable

REGIONS = [
    "00",
    *(
        f"{c:02d}"
        for c in (1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25)
    ),
]
SEXES = ["1", "2", "1+2"]
YEARS = [str(y) for y in range(2019, 2024)]


def synthetic_tab6366() -> tuple[Table, pd.DataFrame]:
    rng = np.random.default_rng(6366)
    ages = ["20-64", "20-39", "40-64"]  # an eliminable extra variable, total "20-64"
    cells = pd.DataFrame(
        list(itertools.product(REGIONS, ages, SEXES, YEARS)),
        columns=["Region", "Alder", "Kon", "Tid"],
    )
    cells["value"] = np.round(rng.uniform(45.0, 65.0, len(cells)), 1)  # synthetic, one decimal
    variables = [
        Variable("Region", "region", REGIONS, role="geo"),
        Variable("Alder", "ålder", ages, elimination=True, elimination_value_code="20-64"),
        Variable("Kon", "kön", SEXES, ["män", "kvinnor", "totalt"]),
        Variable(
            "ContentsCode",
            "tabellinnehåll",
            ["000006RL"],
            ["Matchningsgrad, procent"],
            role="metric",
        ),
        Variable("Tid", "år", YEARS, role="time"),
    ]
    table = Table.from_frame(
        cells,
        table_id="TAB6366",
        label="Matchningsgrad (SYNTETISKA testvärden)",
        variables=variables,
        decimals=1,
    )
    return table, cells[cells["Alder"] == "20-64"]  # what an eliminated query returns


def test_matching_grade_is_fetched_exported_and_reported_to_one_decimal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    table, served = synthetic_tab6366()
    data = tmp_path / "data"
    with PxWebServer(tables=[table]) as server:
        monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
        fetched = invoke(
            capsys,
            "--quiet",
            "--data-dir",
            str(data),
            "fetch",
            "--dataset",
            "matching_grade_county",
        )
    assert fetched.code == 0, fetched.err

    out = tmp_path / "m.parquet"
    assert (
        invoke(
            capsys,
            "--data-dir",
            str(data),
            "data",
            "export",
            "-d",
            "matching_grade_county",
            "-o",
            str(out),
        ).code
        == 0
    )
    exported = pd.read_parquet(out)
    assert set(exported.columns) >= {"region_code", "sex", "year", "value", "symbol"}
    assert "alder" not in exported.columns  # eliminated: the server gave the 20-64 total
    merged = exported.merge(
        served.assign(year=served["Tid"].astype(int)),
        left_on=["region_code", "sex", "year"],
        right_on=["Region", "Kon", "year"],
    )
    assert len(merged) == len(served) and (merged["value_x"] == merged["value_y"]).all()

    run = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(data),
        "run",
        "--region",
        "20",
        "--out",
        str(tmp_path / "r20"),
    )
    assert run.code == 0, run.err
    assert (tmp_path / "r20" / "charts" / "06_matchningsgrad.png").stat().st_size > 20_000
    sheet = load_workbook(tmp_path / "r20" / "tables.xlsx")["Matchningsgrad"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    body = [dict(zip(header, r, strict=False)) for r in rows[1:] if isinstance(r[0], int)]
    expected = served[served["Region"] == "20"].set_index(["Tid", "Kon"])["value"]
    assert len(body) == 15
    for row in body:  # plain-language headers: År, Kön, Regionen (the county), Riket
        assert row["Regionen"] == expected[(str(row["År"]), row["Kön"])]
    assert sheet.cell(row=2, column=header.index("Regionen") + 1).number_format == "0.0"
