"""The local PxWebApi 2 server: shapes equal the SCB recordings, selection semantics, errors,
rate limit and fault injection. Loopback only; every wait is well under a second."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import requests

from support.servers import (
    Codelist,
    PxWebServer,
    ServerConfig,
    Table,
    Variable,
    recorded_codelists,
    tab6471_from_recording,
    yreg_table_from_parquet,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "scb" / "v2"
PARQUET = ROOT / "data" / "raw" / "data" / "scb" / "scb_yreg60_county_ssyk4_sex_2014_2023.parquet"
SCB_BASE = "https://statistikdatabasen.scb.se/api/v2"
RELAXED = ServerConfig(max_calls=10_000, time_window=10.0)

# Problem bodies of PxTools/PxWebApi @ 92f4cfa4 PxWeb/Helper/Api2/ProblemUtility.cs
# (transcribed in shared/fixtures/scb/error_bodies_from_source.json).
TOO_MANY = {
    "type": "Parameter error",
    "title": "Too many cells selected",
    "detail": "Too many cells selected",
    "status": 400,
}
NON_EXISTENT_VARIABLE = {"type": "Parameter error", "title": "Non-existent variable", "status": 400}
NON_EXISTENT_VALUE = {"type": "Parameter error", "title": "Non-existent value", "status": 400}
NON_EXISTENT_CODELIST = {"type": "Parameter error", "title": "Non-existent codelist", "status": 400}
MISSING = {
    "type": "Parameter error",
    "title": "Missing selection for mandantory variable",
    "status": 400,
}
ILLEGAL = {"type": "Parameter error", "title": "Illegal selection expression", "status": 400}
NON_EXISTENT_TABLE = {"type": "Parameter error", "title": "Non-existent table", "status": 404}


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def as_scb(doc: Any, server: PxWebServer) -> Any:
    """The document with this server's links replaced by SCB's host."""
    return json.loads(json.dumps(doc, ensure_ascii=False).replace(server.base_url, SCB_BASE))


def sel(**variables: list[str] | tuple[str, list[str]]) -> dict[str, Any]:
    """A data body: sel(Region=["01"], Alder=("vs_X", ["*"]))."""
    out = []
    for code, spec in variables.items():
        if isinstance(spec, tuple):
            out.append({"variableCode": code, "codelist": spec[0], "valueCodes": spec[1]})
        else:
            out.append({"variableCode": code, "valueCodes": spec})
    return {"selection": out}


@pytest.fixture(scope="module")
def tab6471() -> Table:
    return tab6471_from_recording(FIXTURES)


@pytest.fixture(scope="module")
def yreg_frame() -> pd.DataFrame:
    return pd.read_parquet(PARQUET)


@pytest.fixture(scope="module")
def yreg() -> Table:
    # One small occupation in Gotland (09) is marked "..", as SCB suppresses small cells.
    return yreg_table_from_parquet(PARQUET, markers=[{"Region": "09", "Yrke2012": "0110"}])


@pytest.fixture(scope="module")
def server(tab6471: Table, yreg: Table) -> Iterator[PxWebServer]:
    with PxWebServer(
        tables=[tab6471, yreg], config=RELAXED, codelists=recorded_codelists(FIXTURES)
    ) as srv:
        yield srv


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def post(session: requests.Session, server: PxWebServer, table: str, body: Any) -> Any:
    return session.post(
        f"{server.base_url}/tables/{table}/data",
        params={"outputFormat": "json-stat2", "lang": "sv"},
        json=body,
        timeout=10,
    )


def yreg_body(**overrides: list[str] | tuple[str, list[str]]) -> dict[str, Any]:
    base: dict[str, list[str] | tuple[str, list[str]]] = {
        "Region": ["01"],
        "Yrke2012": ["2512"],
        "Kon": ["1", "2"],
        "ContentsCode": ["000001HF"],
        "Tid": ["2014", "2023"],
    }
    base.update(overrides)
    return sel(**base)


def codes(doc: Any, dim: str) -> list[str]:
    index = doc["dimension"][dim]["category"]["index"]
    return sorted(index, key=lambda c: index[c])


# -- config, tables ------------------------------------------------------------------------------


def test_config_is_the_recording_with_the_servers_limits(session: requests.Session) -> None:
    cfg = ServerConfig(max_cells=1234, max_calls=7, time_window=3.0)
    with PxWebServer(config=cfg) as srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
        assert srv.base_url.endswith("/api/v2")
        doc = session.get(f"{srv.base_url}/config", timeout=5).json()
    expected = recorded("config.json") | {
        "maxDataCells": 1234,
        "maxCallsPerTimeWindow": 7,
        "timeWindow": 3,
    }
    assert doc == expected


def test_tables_page_has_the_recorded_shape_and_filters(
    server: PxWebServer, session: requests.Session
) -> None:
    rec = recorded("tables.json")
    doc = session.get(f"{server.base_url}/tables", params={"lang": "sv"}, timeout=5).json()
    assert list(doc) == list(rec)
    assert list(doc["page"]) == list(rec["page"])
    assert [t["id"] for t in doc["tables"]] == ["TAB6471", "TAB9999"]
    assert all(list(t) == list(rec["tables"][0]) for t in doc["tables"])
    assert [link["rel"] for link in doc["tables"][0]["links"]] == [
        link["rel"] for link in rec["tables"][0]["links"]
    ]
    yreg_item = doc["tables"][1]
    assert yreg_item["variableNames"] == [
        "region",
        "yrke (SSYK 2012)",
        "kön",
        "tabellinnehåll",
        "år",
    ]
    assert (yreg_item["firstPeriod"], yreg_item["lastPeriod"], yreg_item["timeUnit"]) == (
        "2014",
        "2023",
        "Annual",
    )

    def ids(**params: Any) -> list[str]:
        got = session.get(f"{server.base_url}/tables", params=params, timeout=5).json()
        return [t["id"] for t in got["tables"]]

    assert ids(query="YRKE") == ["TAB9999"]  # case-insensitive, on variable names too
    assert ids(query="folkmängden") == ["TAB6471"]
    assert ids(query="tab6471") == ["TAB6471"]
    assert ids(query="no such words") == []
    page2 = session.get(
        f"{server.base_url}/tables", params={"pageSize": 1, "pageNumber": 2}, timeout=5
    ).json()
    assert [t["id"] for t in page2["tables"]] == ["TAB9999"]
    assert page2["page"]["totalPages"] == 2
    assert [link["rel"] for link in page2["page"]["links"]] == ["previous", "first"]
    beyond = session.get(f"{server.base_url}/tables", params={"pageNumber": 9}, timeout=5)
    assert beyond.status_code == 404
    assert beyond.json()["title"] == "Non-existent page"
    one = session.get(f"{server.base_url}/tables/TAB9999", timeout=5).json()
    assert one == {"language": "sv", **yreg_item}


# -- metadata, codelists -------------------------------------------------------------------------


def test_metadata_equals_the_recording(server: PxWebServer, session: requests.Session) -> None:
    response = session.get(
        f"{server.base_url}/tables/TAB6471/metadata",
        params={"lang": "sv", "outputFormat": "json-stat2"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert as_scb(response.json(), server) == recorded("TAB6471_metadata.json")


def test_yreg_metadata_mirrors_the_recordings_keys(
    server: PxWebServer, session: requests.Session
) -> None:
    rec = recorded("TAB6471_metadata.json")
    doc = session.get(f"{server.base_url}/tables/TAB9999/metadata", timeout=5).json()
    assert list(doc) == list(rec)
    assert list(doc["extension"]) == ["px", "contact"]  # no noteMandatory: the note is optional
    assert list(doc["extension"]["px"]) == list(rec["extension"]["px"])
    assert doc["id"] == ["Region", "Yrke2012", "Kon", "ContentsCode", "Tid"]
    assert doc["size"] == [22, 429, 2, 1, 10]
    assert doc["role"] == {"time": ["Tid"], "metric": ["ContentsCode"]}
    for code in doc["id"]:
        assert set(doc["dimension"][code]) <= set(rec["dimension"]["Alder"])
        assert {"elimination", "show", "codelists"} <= set(doc["dimension"][code]["extension"])
    region = doc["dimension"]["Region"]
    assert region["category"]["label"]["00"] == "Riket"
    assert region["category"]["label"]["14"] == "Västra Götalands län"
    assert [c["id"] for c in region["extension"]["codelists"]] == [
        "vs_RegionRiket99",
        "vs_RegionLän07",
    ]
    assert doc["dimension"]["Kon"]["category"]["label"] == {"1": "män", "2": "kvinnor"}
    assert doc["dimension"]["ContentsCode"]["category"]["unit"] == {
        "000001HF": {"base": "antal", "decimals": 0}
    }


def test_percent_encoded_codelist_equals_the_recording(
    server: PxWebServer, session: requests.Session
) -> None:
    response = session.get(f"{server.base_url}/codelists/agg_%C3%85lder10%C3%A5rJ", timeout=5)
    assert response.status_code == 200
    assert as_scb(response.json(), server) == recorded("agg_Alder10arJ.json")
    # The metadata links use /codeLists/ (recorded casing); the route is case-insensitive.
    vs = session.get(f"{server.base_url}/codeLists/vs_CKM02L%C3%A4n", timeout=5).json()
    assert vs["type"] == "Valueset"
    assert [v["code"] for v in vs["values"]][:3] == ["01", "03", "04"]
    assert len(vs["values"]) == 21
    unknown = session.get(f"{server.base_url}/codelists/vs_Nope", timeout=5)
    assert unknown.status_code == 404
    assert unknown.json() == NON_EXISTENT_CODELIST  # the reference body keeps status 400


# -- data ---------------------------------------------------------------------------------------


def test_data_of_the_recorded_request_equals_the_recording(
    server: PxWebServer, session: requests.Session
) -> None:
    body = sel(
        Region=("vs_CKM02Län", ["*"]),
        Alder=("vs_CKM0410årN", ["*"]),
        Kon=["*"],
        ContentsCode=["000007SF"],
        Tid=["2026M01", "2026M02", "2026M03", "2026M04"],
    )
    response = post(session, server, "TAB6471", body)
    assert response.status_code == 200
    assert as_scb(response.json(), server) == recorded("TAB6471_data.json")


def test_unrecorded_cells_of_tab6471_come_back_as_missing(
    server: PxWebServer, session: requests.Session
) -> None:
    body = sel(Region=["01", "0114"], Alder=["0-9"], Kon=["1"], ContentsCode=["*"], Tid=["2026M01"])
    doc = post(session, server, "TAB6471", body).json()
    assert doc["value"][0] == 125373  # recorded: Stockholms län, 0-9 år, män, 2026M01
    assert doc["value"][1] is None
    assert doc["status"] == {"1": ".."}


def test_explicit_selection_equals_the_parquet(
    server: PxWebServer, session: requests.Session, yreg_frame: pd.DataFrame
) -> None:
    body = yreg_body(Region=["14", "01"], Yrke2012=["2512", "5321"], Tid=["2023", "2019"])
    response = post(session, server, "TAB9999", body)
    assert response.status_code == 200
    doc = response.json()
    # Categories come back in the table's order, not the request's.
    assert codes(doc, "Region") == ["01", "14"]
    assert codes(doc, "Tid") == ["2019", "2023"]
    assert doc["id"] == ["Region", "Yrke2012", "Kon", "ContentsCode", "Tid"]
    assert doc["size"] == [2, 2, 2, 1, 2]
    assert "status" not in doc
    frame = yreg_frame.set_index(["county_code", "code_4", "sex", "year"])["value"]
    expected = [
        int(frame[(region, occ, sex, year)])
        for region in ["01", "14"]
        for occ in ["2512", "5321"]
        for sex in ["men", "women"]
        for year in ["2019", "2023"]
    ]
    assert doc["value"] == expected
    assert doc["label"] == "Anställda efter region, yrke (SSYK 2012), kön och år"
    assert doc["dimension"]["Kon"]["extension"] == {"elimination": True, "show": "value"}


def test_riket_and_elimination_are_sums_of_the_real_values(
    server: PxWebServer, session: requests.Session, yreg_frame: pd.DataFrame
) -> None:
    body = sel(Region=["00"], Yrke2012=["2512"], ContentsCode=["*"], Tid=["2020"])  # Kon left out
    doc = post(session, server, "TAB9999", body).json()
    assert doc["id"] == ["Region", "Yrke2012", "ContentsCode", "Tid"]
    part = yreg_frame[(yreg_frame.code_4 == "2512") & (yreg_frame.year == "2020")]
    assert doc["value"] == [int(part.value.sum())]
    # Region left out: reduced to its elimination value "00" (riket), not summed again.
    doc = post(session, server, "TAB9999", sel(Yrke2012=["2512"], ContentsCode=["*"], Tid=["2020"]))
    assert doc.json()["value"] == [int(part.value.sum())]


def test_markers_come_back_in_status(server: PxWebServer, session: requests.Session) -> None:
    body = yreg_body(Region=["09", "10"], Yrke2012=["0110"], Tid=["2014", "2015"])
    doc = post(session, server, "TAB9999", body).json()
    assert doc["size"] == [2, 1, 2, 1, 2]
    assert doc["status"] == {"0": "..", "1": "..", "2": "..", "3": ".."}
    assert doc["value"][:4] == [None] * 4
    assert all(isinstance(v, int) for v in doc["value"][4:])
    # Riket stays the real sum: markers only remove values of the marked cells.
    riket = post(session, server, "TAB9999", yreg_body(Region=["00"], Yrke2012=["0110"])).json()
    assert "status" not in riket


def test_every_expression_type(server: PxWebServer, session: requests.Session) -> None:
    def tid(*values: str) -> list[str]:
        response = post(session, server, "TAB9999", yreg_body(Tid=list(values)))
        assert response.status_code == 200, response.text
        return codes(response.json(), "Tid")

    years = [str(y) for y in range(2014, 2024)]
    assert tid("*") == years
    assert tid("202*") == years[6:]
    assert tid("*3") == ["2023"]
    assert tid("*01*") == years[:6]
    assert tid("201?") == years[:6]
    assert tid("top(3)") == ["2021", "2022", "2023"]  # top on time = the latest periods
    assert tid("TOP(2,1)") == ["2021", "2022"]
    assert tid("bottom(2)") == ["2014", "2015"]
    assert tid("bottom(2,1)") == ["2015", "2016"]
    assert tid("from(2021)") == ["2021", "2022", "2023"]
    assert tid("to(2015)") == ["2014", "2015"]
    assert tid("range(2016,2018)") == ["2016", "2017", "2018"]
    assert tid("RANGE(2018,2016)") == ["2016", "2017", "2018"]
    assert tid("2014", "from(2022)") == ["2014", "2022", "2023"]

    def yrke(*values: str) -> list[str]:
        response = post(session, server, "TAB9999", yreg_body(Yrke2012=list(values)))
        assert response.status_code == 200, response.text
        return codes(response.json(), "Yrke2012")

    assert yrke("top(2)") == ["0110", "0210"]  # elsewhere top = the first in table order
    assert yrke("bottom(1)") == ["9629"]
    assert yrke("251?") == ["2511", "2512", "2513", "2514", "2515", "2516", "2519"]


def test_value_codes_are_case_insensitive_and_time_is_an_alias(
    server: PxWebServer, session: requests.Session
) -> None:
    body = sel(
        region=("vs_ckm02län", ["01"]),
        ALDER=["totsa"],
        kon=["TOTSA"],
        contentscode=["000007sf"],
        time=["2026m01"],
    )
    doc = post(session, server, "TAB6471", body).json()
    assert doc["id"] == ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    assert codes(doc, "Alder") == ["TotSA"]
    assert codes(doc, "Kon") == ["TotSa"]
    assert codes(doc, "Tid") == ["2026M01"]


def test_codelist_value_sets(server: PxWebServer, session: requests.Session) -> None:
    lan = post(session, server, "TAB9999", yreg_body(Region=("vs_RegionLän07", ["*"]))).json()
    assert "00" not in codes(lan, "Region")
    assert len(codes(lan, "Region")) == 21
    assert lan["dimension"]["Region"]["extension"]["elimination"] is False
    kommun = sel(
        Region=("vs_CKM03Kommun", ["*"]), Alder=["TotSA"], ContentsCode=["*"], Tid=["2025M01"]
    )
    doc = post(session, server, "TAB6471", kommun).json()
    assert len(codes(doc, "Region")) == 290
    assert all(len(c) == 4 for c in codes(doc, "Region"))
    # A code outside the value set does not exist under it.
    outside = post(session, server, "TAB9999", yreg_body(Region=("vs_RegionLän07", ["00"])))
    assert (outside.status_code, outside.json()) == (400, NON_EXISTENT_VALUE)


def test_aggregation_codelist_sums_groups() -> None:
    frame = pd.DataFrame(
        {"Region": ["01", "03", "04", "01", "03", "04"], "Tid": ["2020"] * 3 + ["2021"] * 3}
    ).assign(value=[1.0, 2.0, 4.0, 10.0, np.nan, 40.0])
    nuts = Codelist.aggregation(
        "agg_RegionNUTS2_2008",
        "NUTS2 fr.o.m 2008",
        {"SE11": ["01"], "SE12": ["03", "04"]},
        {"SE11": "Stockholm", "SE12": "Östra Mellansverige"},
    )
    table = Table.from_frame(
        frame,
        table_id="TAB0001",
        label="Test",
        variables=[
            Variable("Region", "region", ["01", "03", "04"], codelists=[nuts]),
            Variable("ContentsCode", "tabellinnehåll", ["X"], ["Antal"], role="metric"),
            Variable("Tid", "år", role="time"),
        ],
        contents="Antal",
    )
    with PxWebServer([table], RELAXED) as srv, requests.Session() as s:
        body = sel(Region=("agg_RegionNUTS2_2008", ["*"]), ContentsCode=["X"], Tid=["*"])
        doc = post(s, srv, "TAB0001", body).json()
        assert doc["dimension"]["Region"]["category"]["label"] == {
            "SE11": "Stockholm",
            "SE12": "Östra Mellansverige",
        }
        assert doc["value"] == [1, 10, 6, None]
        assert doc["status"] == {"3": ".."}
        wrong = post(s, srv, "TAB0001", sel(Region=("agg_Nope", ["*"]), ContentsCode=["X"]))
        assert (wrong.status_code, wrong.json()) == (400, NON_EXISTENT_CODELIST)


def test_placement_reorders_dimensions(server: PxWebServer, session: requests.Session) -> None:
    body = yreg_body() | {"placement": {"heading": ["Region"], "stub": ["Tid"]}}
    response = post(session, server, "TAB9999", body)
    # heading and stub both given but not covering every variable -> illegal
    assert (response.status_code, response.json()["title"]) == (400, "Illegal placment")
    body = yreg_body() | {"placement": {"heading": ["Region", "Kon"], "stub": []}}
    doc = post(session, server, "TAB9999", body).json()
    assert doc["id"] == ["Yrke2012", "ContentsCode", "Tid", "Region", "Kon"]
    assert doc["extension"]["px"]["heading"] == ["Region", "Kon"]
    plain = post(session, server, "TAB9999", yreg_body()).json()["value"]  # Kon before Tid
    assert doc["value"] == [plain[k * 2 + t] for t in range(2) for k in range(2)]


def test_get_data_with_valuecodes(server: PxWebServer, session: requests.Session) -> None:
    response = session.get(
        f"{server.base_url}/tables/TAB9999/data",
        params={
            "valuecodes[Region]": "01,03",
            "valuecodes[Yrke2012]": "2512",
            "valuecodes[ContentsCode]": "*",
            "valuecodes[Tid]": "range(2015,2016)",
        },
        timeout=5,
    )
    doc = response.json()
    assert doc["id"] == ["Region", "Yrke2012", "ContentsCode", "Tid"]
    assert doc["size"] == [2, 1, 1, 2]


def test_no_selection_returns_the_default_selection(
    server: PxWebServer, session: requests.Session
) -> None:
    for body in (None, {}, {"selection": []}):
        response = session.post(f"{server.base_url}/tables/TAB9999/data", json=body, timeout=5)
        assert response.status_code == 200
        assert codes(response.json(), "Tid") == ["2023"]
    default = session.get(f"{server.base_url}/tables/TAB9999/defaultselection", timeout=5).json()
    assert {"language", "selection", "placement", "links"} <= set(default)


def test_large_selection_under_the_cap_is_answered_whole(
    server: PxWebServer, session: requests.Session
) -> None:
    # (speed is not asserted here: a wall-clock bound in a unit test fails under load)
    body = yreg_body(Region=["*"], Yrke2012=["*"], Tid=["from(2017)"])  # 22*429*2*1*7 cells
    response = post(session, server, "TAB9999", body)
    assert response.status_code == 200
    doc = response.json()
    assert doc["size"] == [22, 429, 2, 1, 7]
    assert len(doc["value"]) == 132_132 == server.requests[-1].cells


# -- errors -------------------------------------------------------------------------------------


def test_too_many_cells(session: requests.Session, yreg: Table) -> None:
    body = yreg_body(Region=["*"], Yrke2012=["*"], Tid=["from(2016)"])  # 151,008 cells
    with PxWebServer([yreg], RELAXED) as srv:
        response = post(session, srv, "TAB9999", body)
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json() == TOO_MANY
        assert srv.requests[-1].cells == 151_008
    config = ServerConfig(max_cells=100, max_calls=10_000, too_many_cells_status=403)
    with PxWebServer([yreg], config) as srv:
        response = post(session, srv, "TAB9999", yreg_body(Yrke2012=["*"]))
        assert response.status_code == 403
        assert response.json() == TOO_MANY | {"status": 403}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (yreg_body(Nope=["1"]), NON_EXISTENT_VARIABLE),
        (yreg_body(Region=["99"]), NON_EXISTENT_VALUE),
        (yreg_body(Tid=["from(1999)"]), NON_EXISTENT_VALUE),
        (yreg_body(Tid=["top(0)"]), ILLEGAL),
        (yreg_body(Tid=["top(2, 1)"]), ILLEGAL),
        (yreg_body(Tid=["2*1*"]), ILLEGAL),
        (yreg_body(Tid=["range(2014)"]), ILLEGAL),
        (yreg_body(Region=("vs_Nope", ["*"])), NON_EXISTENT_CODELIST),
        (yreg_body(Region=("Nope", ["*"])), NON_EXISTENT_CODELIST),
        (sel(Region=["01"], Yrke2012=["2512"], ContentsCode=["*"]), MISSING),
        (yreg_body(Tid=[]), MISSING),
        (yreg_body(Tid=["19*"]), MISSING),
    ],
)
def test_selection_errors(
    server: PxWebServer, session: requests.Session, body: Any, expected: Any
) -> None:
    response = post(session, server, "TAB9999", body)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json() == expected


def test_unknown_table(server: PxWebServer, session: requests.Session) -> None:
    for path in ("TAB0000", "TAB0000/metadata", "TAB0000/data"):
        response = session.get(f"{server.base_url}/tables/{path}", timeout=5)
        assert response.status_code == 404
        assert response.json() == NON_EXISTENT_TABLE


def test_repeated_value_codes_give_500_with_empty_body(
    server: PxWebServer, session: requests.Session
) -> None:
    for region in (["01", "01"], ["01", "03", "01"]):
        response = post(session, server, "TAB9999", yreg_body(Region=region))
        assert response.status_code == 500
        assert response.content == b""
    # Values added by expressions are merged, not repeated.
    assert post(session, server, "TAB9999", yreg_body(Region=["01", "0*"])).status_code == 200


def test_unsupported_output_format(server: PxWebServer, session: requests.Session) -> None:
    response = session.post(
        f"{server.base_url}/tables/TAB9999/data?outputFormat=csv", json=yreg_body(), timeout=5
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Unsupported output format"


# -- rate limit, faults, log ------------------------------------------------------------------


def test_rate_limit_429_with_retry_after_and_recovery(
    session: requests.Session, yreg: Table
) -> None:
    config = ServerConfig(max_calls=3, time_window=0.5)
    with PxWebServer([yreg], config) as srv:
        assert session.get(f"{srv.base_url}/config", timeout=5).json()["timeWindow"] == 0.5
        for _ in range(2):
            assert session.get(f"{srv.base_url}/tables", timeout=5).status_code == 200
        limited = session.get(f"{srv.base_url}/tables/TAB9999", timeout=5)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "1"  # ceil of the time left, in seconds
        assert limited.text  # opaque text
        time.sleep(0.55)
        assert session.get(f"{srv.base_url}/tables/TAB9999", timeout=5).status_code == 200
        log = srv.requests
        assert [r.status for r in log] == [200, 200, 200, 429, 200]
        assert log[3].fault == "rate-limit"


def test_sliding_window_counts_all_endpoints(session: requests.Session) -> None:
    config = ServerConfig(max_calls=2, time_window=0.6)
    with PxWebServer(config=config) as srv:
        session.get(f"{srv.base_url}/config", timeout=5)
        time.sleep(0.3)
        session.get(f"{srv.base_url}/nowhere", timeout=5)  # a 404 counts too
        assert session.get(f"{srv.base_url}/config", timeout=5).status_code == 429
        time.sleep(0.35)  # the first call has left the window, the second has not
        assert session.get(f"{srv.base_url}/config", timeout=5).status_code == 200
        assert session.get(f"{srv.base_url}/config", timeout=5).status_code == 429


def test_fail_next_and_drop_next(session: requests.Session, yreg: Table) -> None:
    with PxWebServer([yreg], RELAXED) as srv:
        srv.fail_next(503, n=2, body=b"busy", headers={"Retry-After": "2"})
        for _ in range(2):
            response = session.get(f"{srv.base_url}/config", timeout=5)
            assert (response.status_code, response.content) == (503, b"busy")
            assert response.headers["Retry-After"] == "2"
        assert session.get(f"{srv.base_url}/config", timeout=5).status_code == 200
        srv.drop_next()
        with pytest.raises(requests.ConnectionError):
            post(session, srv, "TAB9999", yreg_body())
        assert post(session, srv, "TAB9999", yreg_body()).status_code == 200
        log = srv.requests
        assert [(r.method, r.status, r.fault) for r in log] == [
            ("GET", 503, "fail"),
            ("GET", 503, "fail"),
            ("GET", 200, None),
            ("POST", None, "drop"),
            ("POST", 200, None),
        ]
        assert log[-1].path == "/api/v2/tables/TAB9999/data"
        assert log[-1].query == {"outputFormat": "json-stat2", "lang": "sv"}
        assert log[-1].json() == yreg_body()
        assert log[-1].cells == 4  # 1 x 1 x 2 x 1 x 2
        assert log[0].time <= log[-1].time <= time.monotonic()


def test_default_selection_of_tab6471_applies_the_first_value_sets(
    server: PxWebServer, session: requests.Session
) -> None:
    doc = session.post(f"{server.base_url}/tables/TAB6471/data", timeout=5).json()
    # Region is eliminated to riket, Alder takes vs_CKM01AlderTot, Kon all, latest month;
    # the default placement (stub Alder, heading ContentsCode, Tid, Kon) orders the output.
    assert doc["id"] == ["Alder", "ContentsCode", "Tid", "Kon"]
    assert codes(doc, "Alder") == ["TotSA"]
    assert codes(doc, "Kon") == ["TotSa", "1", "2"]
    assert codes(doc, "Tid") == ["2026M04"]
    assert doc["status"] == {"0": "..", "1": "..", "2": ".."}  # not in the recording


def test_stop_ends_kept_alive_connections(session: requests.Session) -> None:
    srv = PxWebServer(config=RELAXED).start()
    url = f"{srv.base_url}/config"
    assert session.get(url, timeout=5).status_code == 200
    srv.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(url, timeout=5)
