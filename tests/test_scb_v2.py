"""PxWebClient against the local server: limits, non-ASCII ids, codelists, search pages, errors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kompetens_forecast.errors import NotFoundError, SourceError, UsageError
from kompetens_forecast.sources.scb_v2 import PxWebClient
from support.servers import (
    PxWebServer,
    ServerConfig,
    recorded_codelists,
    tab6471_from_recording,
)


def tab6471_with_age_groups():  # type: ignore[no-untyped-def]
    """TAB6471 as recorded, with the 10-year age aggregation the recorded data request used."""
    table = tab6471_from_recording()
    groups = recorded_codelists()
    variables = [
        replace(v, codelists=[*v.codelists, *groups]) if v.code == "Alder" else v
        for v in table.variables
    ]
    return replace(table, variables=variables), groups


def test_limits_come_from_config_and_size_the_limiter() -> None:
    with PxWebServer(
        tables=[tab6471_from_recording()],
        config=ServerConfig(max_cells=1234, max_calls=7, time_window=3.0),
    ) as server:
        client = PxWebClient(server.base_url)
        config = client.config()
    assert (config.max_cells, config.max_calls, config.time_window) == (1234, 7, 3.0)
    assert client.http.limiter is not None and client.http.limiter.max_calls == 7


def test_codelist_with_non_ascii_id_is_percent_encoded_and_used_in_the_query() -> None:
    table, groups = tab6471_with_age_groups()
    with PxWebServer(tables=[table], codelists=groups) as server:
        client = PxWebClient(server.base_url)
        ages = client.codelist("agg_Ålder10årJ")
        plan = client.plan(
            "TAB6471",
            {"Region": ["??"], "Alder": ["*"], "Kon": ["*"], "Tid": ["from(2026M01)"]},
            codelists={"Alder": "agg_Ålder10årJ"},
        )
        frame = client.data(plan)
        paths = [r.path for r in server.requests]
        body = next(r.json() for r in server.requests if r.method == "POST")
    assert ages.values[:3] == ("-9", "10-19", "20-29") and len(ages.values) == 11
    assert "/api/v2/codelists/agg_Ålder10årJ" in paths
    alder = next(v for v in body["selection"] if v["variableCode"] == "Alder")
    assert alder["codelist"] == "agg_Ålder10årJ" and alder["valueCodes"] == list(ages.values)
    assert plan.cells == 22 * 11 * 3 * 1 * 4 == len(frame)
    assert frame["Region"].iloc[0] == "00" and frame["Tid"].iloc[-1] == "2026M04"


def test_every_variable_is_selected_explicitly() -> None:
    with PxWebServer(tables=[tab6471_from_recording()]) as server:
        client = PxWebClient(server.base_url)
        plan = client.plan("TAB6471", {"Region": ["20"], "Tid": ["top(1)"]})
    assert list(plan.selection) == ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    assert len(plan.selection["Alder"].codes) == 134 and plan.selection["Tid"].codes == ("2026M04",)


def test_search_follows_pages() -> None:
    first = tab6471_from_recording()
    second = replace(first, id="TAB6472", label="Folkmängden per månad, kopia")
    with PxWebServer(tables=[first, second]) as server:
        found = PxWebClient(server.base_url).search("folkmängd", page_size=1)
        pages = [r.query.get("pageNumber") for r in server.requests if r.path.endswith("/tables")]
    assert sorted(t.id for t in found) == ["TAB6471", "TAB6472"] and pages == ["1", "2"]


def test_unknown_table_and_bad_codes_are_clear_errors() -> None:
    with PxWebServer(tables=[tab6471_from_recording()]) as server:
        client = PxWebClient(server.base_url)
        with pytest.raises(NotFoundError, match="TAB0000"):
            client.metadata("TAB0000")
        with pytest.raises(UsageError, match="Region"):
            client.plan("TAB6471", {"Region": ["99"]})
        server.fail_next(
            400, body='{"type":"Parameter error","title":"Non-existent value","status":400}'
        )
        plan = client.plan(
            "TAB6471", {"Region": ["20"], "Alder": ["top(1)"], "Kon": ["*"], "Tid": ["top(1)"]}
        )
        with pytest.raises(SourceError, match="Non-existent value"):
            client.data(plan)
