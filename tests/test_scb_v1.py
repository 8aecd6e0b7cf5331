"""The v1 adapter against a loopback server replaying the recorded v1 responses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

import pandas as pd
import pytest

from kompetens_forecast.errors import TooManyCellsError
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.sources.jsonstat import decode_v1_json
from kompetens_forecast.sources.scb_v1 import ScbV1Client, v1_filter

V1 = Path(__file__).parent / "fixtures" / "scb" / "v1"
TABLE = "BE/BE0101/BE0101A/BefolkningNy"
RECORDED_QUERY = {  # the selection behind the recorded data response
    "Civilstand": ["OG", "G", "ÄNKL", "SK"],
    "Kon": ["1", "2"],
    "ContentsCode": ["BE0101N1"],
    "Tid": ["2015", "2016", "2017"],
}


def load(name: str) -> object:
    return json.loads((V1 / name).read_text(encoding="utf-8"))


class Replay(BaseHTTPRequestHandler):
    posts: ClassVar[list[dict[str, Any]]] = []
    max_values = 150_000

    def log_message(self, *_: object) -> None:
        return None

    def _send(self, status: int, doc: object) -> None:
        body = json.dumps(doc, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = unquote(self.path)
        if path == "/OV0104/v1/doris/en/?config":
            self._send(
                200, {"maxValues": self.max_values, "maxCalls": 30, "timeWindow": 10, "CORS": True}
            )
        elif path == "/OV0104/v1/doris/en/ssd/BE/BE0101/BE0101A":
            self._send(200, load("BE0101A_levels_en.json"))
        elif path == f"/OV0104/v1/doris/en/ssd/{TABLE}":
            self._send(200, load("BefolkningNy_metadata_en.json"))
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Replay.posts.append(body)
        cells = 1
        for entry in body["query"]:
            cells *= len(entry["selection"]["values"])
        if cells > self.max_values:
            self._send(403, {"error": "Too many values selected"})
            return
        asked = {e["code"]: e["selection"]["values"] for e in body["query"]}
        if asked != RECORDED_QUERY or body["response"]["format"] != "json-stat":
            self._send(400, {"error": "Parameter error"})
            return
        self._send(200, load("BefolkningNy_data_format-json-stat_en.json"))


@pytest.fixture
def v1_server() -> Iterator[str]:
    Replay.posts = []
    Replay.max_values = 150_000
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/OV0104/v1/doris"
    httpd.shutdown()
    httpd.server_close()


def client(base: str) -> ScbV1Client:
    return ScbV1Client(base, HttpClient(HttpSettings(backoff_initial=0.01)), lang="en")


def test_metadata_has_variables_and_the_folder_updated_stamp(v1_server: str) -> None:
    meta = client(v1_server).metadata(TABLE)
    assert meta.dimension_codes == ("Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid")
    assert meta.updated == "2023-02-22T08:00:00"
    assert meta.dimension("Region").values[:3] == ("00", "01", "0114")


def test_query_is_sent_as_explicit_items_and_decoded(v1_server: str) -> None:
    scb = client(v1_server)
    request = {
        "Civilstand": ["*"],
        "Kon": ["*"],
        "ContentsCode": ["BE0101N1"],
        "Tid": ["range(2015,2017)"],
    }
    plan = scb.plan(TABLE, request, complete=False)  # Region and Alder are eliminable
    frame = scb.data(plan)
    assert Replay.posts[0]["query"][0] == {
        "code": "Civilstand",
        "selection": {"filter": "item", "values": ["OG", "G", "ÄNKL", "SK"]},
    }
    assert len(frame) == 24 and frame["Tid"].tolist()[:3] == ["2015", "2016", "2017"]
    as_json = decode_v1_json(load("BefolkningNy_data_format-json_en.json"))  # type: ignore[arg-type]
    merged = frame.merge(as_json, on=["Civilstand", "Kon", "Tid"], suffixes=("", "_json"))
    assert len(merged) == 24
    pd.testing.assert_series_equal(merged["value"], merged["value_json"], check_names=False)


def test_too_many_values_403_is_a_typed_error_after_halving_to_one_cell(v1_server: str) -> None:
    scb = client(v1_server)
    request = {
        "Civilstand": ["OG", "G"],
        "Kon": ["1"],
        "ContentsCode": ["BE0101N1"],
        "Tid": ["2015"],
    }
    plan = scb.plan(TABLE, request, complete=False)
    Replay.max_values = 0  # stricter than the config the client read
    with pytest.raises(TooManyCellsError):
        scb.data(plan)
    assert [len(p["query"][0]["selection"]["values"]) for p in Replay.posts] == [2, 1]


def test_codelist_ids_become_v1_filters() -> None:
    assert v1_filter(None) == "item"
    assert v1_filter("vs_RegionLän07") == "vs:RegionLän07"
    assert v1_filter("agg_Ålder10årJ") == "agg:Ålder10årJ"
