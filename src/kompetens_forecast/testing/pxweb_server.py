"""A protocol-faithful local PxWebApi 2.0 server (SCB's API v2) for tests and benchmarks.

Standard library only (`ThreadingHTTPServer`), bound to 127.0.0.1 on an ephemeral port:

    with PxWebServer(tables=[table], config=ServerConfig(max_cells=150_000)) as server:
        server.base_url  # "http://127.0.0.1:PORT/api/v2"

Endpoints (paths and their fixed segments are case-insensitive, as on ASP.NET):
`GET /config`, `GET /tables`, `GET /tables/{id}`, `GET /tables/{id}/metadata`,
`GET /tables/{id}/defaultselection`, `GET|POST /tables/{id}/data`, `GET /codelists/{id}`.
Response shapes follow the recorded SCB responses (tests/fixtures/scb/v2) and the OpenAPI
spec (PxTools/PxApiSpecs PxAPI-2.yml); selection semantics and error bodies follow the
reference server (PxTools/PxWebApi: SelectionHandler, selection expressions, PlacementHandler,
ProblemUtility). Protocol decisions where neither says enough are listed in `PROTOCOL_NOTES`.

Test hooks: `fail_next(status, n, body, headers)`, `drop_next(n)` (close the connection
without an answer) and a thread-safe request log `server.requests` (`RequestRecord`s).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import numpy as np
import numpy.typing as npt

from kompetens_forecast.testing.tables import Codelist, Table, Variable

__all__ = [
    "PROTOCOL_NOTES",
    "RECORDED_CONFIG",
    "PxWebServer",
    "RequestRecord",
    "ServerConfig",
]

#: `GET /config` of SCB's API v2 as recorded in stefur/pxwebpy @ d45f4cb2 tests/responses
#: (MIT; copy in tests/fixtures/scb/v2/config.json). The server replaces maxDataCells,
#: maxCallsPerTimeWindow, timeWindow (and defaultLanguage) with its own settings.
RECORDED_CONFIG: dict[str, Any] = {
    "apiVersion": "2.2.0",
    "appVersion": "1.0.0",
    "languages": [{"id": "en", "label": "English"}, {"id": "sv", "label": "Svenska"}],
    "defaultLanguage": "sv",
    "maxDataCells": 150000,
    "maxCallsPerTimeWindow": 3,
    "timeWindow": 1,
    "license": "https://creativecommons.org/share-your-work/public-domain/cc0/",
    "sourceReferences": [
        {"language": "en", "text": "Source: Statistics Sweden"},
        {"language": "sv", "text": "Källa: SCB"},
    ],
    "defaultDataFormat": "json-stat2",
    "dataFormats": ["json-stat2", "csv", "px", "xlsx", "html", "json-px"],
    "features": [{"id": "CORS", "params": [{"key": "enabled", "value": "True"}]}],
}

PROTOCOL_NOTES = """
Protocol decisions of the local PxWebApi 2 server (where spec and recordings leave room):

1. Category order: the values of a dimension come back in the table's (or the applied value
   set's / aggregation's) order, not in the order of the request; expression results too.
   Dimension order = px stub + heading, which is the table's variable order unless the request
   has a placement (then stub + heading of the placement, as PlacementHandler resolves it) or
   no selection (then the default selection's placement, see 8).
2. Matching: variable codes, value codes and expressions are case-insensitive (reference
   server); "time" is an alias of the time variable. Explicit codes are tried before
   expressions. Expression forms (reference regexes): "*", "xyz*", "*xyz", "*xyz*"; "?" = one
   character ("20??"); TOP(n[,offset]) / BOTTOM(n[,offset]) with n >= 1 and no spaces, TOP on
   the time variable = the latest n periods (BOTTOM = the earliest), elsewhere TOP = the first n
   in table order; FROM(code), TO(code), RANGE(a,b) (ends in either order, inclusive).
   Function-style expressions are recognised before wildcards. A malformed expression -> 400
   "Illegal selection expression"; FROM/TO/RANGE on an unknown code or an unknown plain code ->
   400 "Non-existent value"; an expression matching nothing is not an error, but a mandatory
   variable left without values -> 400 "Missing selection for mandantory variable".
3. Repeated explicit value codes (also differing only in case) -> 500 with an empty body (the
   reference server fails inside Paxiom); values added by expressions are de-duplicated.
   A variable listed twice in one selection -> 500 with an empty body as well (a guess).
4. Elimination: a variable left out (or sent with no values) is allowed only when eliminable
   (metadata `elimination: true`); it is reduced to its eliminationValueCode if it has one,
   else summed over all values, and it is dropped from the response. A codelist applied to a
   variable replaces the variable's elimination flag and value with the codelist's (the
   recorded data response shows Region `elimination: false` under vs_CKM02Län).
5. Cell count = product of the selected value counts of the non-eliminated variables, checked
   after expansion and before placement. Over `max_cells` -> 400 (or `too_many_cells_status`,
   e.g. 403 as the spec says) with the body of ProblemUtility.TooManyCellsSelected.
6. Aggregations (agg_…) sum the table values of each group; a sum (also an elimination sum) has
   no value if any part has none and then carries a marker of a missing part.
7. Missing data: cells without value are `null` in `value` and listed in `status` (cell index
   as a string -> marker, e.g. {"17": ".."}); `status` is omitted when no cell has a marker.
   Numbers are integers when the table has decimals 0, else rounded to `decimals`.
8. No selection (no body, `{}`, or `"selection": []`; GET without valuecodes) returns the
   default selection: an approximation of the reference Bjarte3 algorithm (first value set
   applied; first content; latest period, the latest 13 for tables with 2-3 variables;
   classification variables as in Bjarte3 cases A-C, others eliminated).
9. Placement: only used when both `heading` and `stub` are present (may be empty lists, not
   both); the variables must be selected, non-eliminated ones; otherwise 400 "Illegal placment"
   (reference spelling). "TIME" is an alias of the time variable.
10. Output formats: only json-stat2 is implemented; any other `outputFormat` -> 400
   "Unsupported output format" (although /config lists the recorded dataFormats).
11. Languages: tables hold one set of labels; `lang` (default: defaultLanguage, lower-cased)
   is echoed in `language`, `hreflang` and `extension.px.language`. A language not in /config
   -> 404 "Non-existent table" / "Non-existent codelist", and an empty /tables page.
12. GET /codelists/{unknown} -> HTTP 404 whose body says status 400 (the reference controller
   returns NotFound(ProblemUtility.NonExistentCodelist())). Unknown table -> 404 "Non-existent
   table" (body status 404). /tables beyond the last page -> 404 "Non-existent page".
13. /tables: `query` terms (split on spaces) must each occur, case-insensitively, in the id,
   label or a variable name/code; `pastDays` keeps tables updated in the last n days;
   discontinued tables are left out unless includeDiscontinued=true; tables are listed in the
   order served; default pageSize 20. `discontinued` is omitted from a table item when None
   (as in the recordings). Page links: previous/first when not on page 1, next/last when not
   on the last page (the recorded page 1 has next and last).
14. Metadata vs data responses, as recorded: metadata dimensions list `codelists` but not
   `eliminationValueCode`; data dimensions give `eliminationValueCode` but no `codelists`;
   the data `extension` has `discontinued` (null when unknown), metadata only when set. The
   data label is "<contents> efter <dimension labels, ..., och last>" ("by"/"and" for en).
   Links point at this server; codelist links keep the recorded "/codeLists/" casing.
15. Rate limit: a sliding window of `max_calls` requests per `time_window` seconds per client
   IP over all endpoints (all of loopback is one client). The request over the limit gets 429
   with `Retry-After` = ceil(seconds until the oldest counted request leaves the window), at
   least 1, and an opaque text/plain body. Rejected requests are not counted unless
   `count_rejected=True`. A fractional `time_window` is reported in /config as a number.
16. Faults from `fail_next` / `drop_next` are consumed first (they stand for the network or a
   proxy in front of the server), are logged, and do not count towards the rate limit.
17. Malformed JSON bodies -> 400 with an ASP.NET-style validation problem
   ("One or more validation errors occurred."); unknown paths -> 404 with an empty body;
   a known path with another method -> 405 with an empty body. `savedqueries` is not served.
"""

_PROBLEM_TYPE = "Parameter error"
_EXPR_TOP = re.compile(r"^TOP\(([1-9]\d*)(?:,([0-9]\d*))?\)$", re.IGNORECASE)
_EXPR_BOTTOM = re.compile(r"^BOTTOM\(([1-9]\d*)(?:,([0-9]\d*))?\)$", re.IGNORECASE)
_EXPR_FROM = re.compile(r"^FROM\(([^,]+)\)$", re.IGNORECASE)
_EXPR_TO = re.compile(r"^TO\(([^,]+)\)$", re.IGNORECASE)
_EXPR_RANGE = re.compile(r"^RANGE\(([^,]+),([^,)]+)\)$", re.IGNORECASE)
_FUNCTION_PREFIXES = ("top(", "bottom(", "from(", "to(", "range(")

IntArray = npt.NDArray[np.intp]


# -- configuration and log -------------------------------------------------------------------


@dataclass(frozen=True)
class ServerConfig:
    """Limits and behaviour of the local server (the /config values come from here)."""

    max_cells: int = 150_000
    max_calls: int = 30
    time_window: float = 10.0
    too_many_cells_status: int = 400
    rate_limit: bool = True
    count_rejected: bool = False
    default_language: str = "sv"
    page_size: int = 20

    def __post_init__(self) -> None:
        if self.max_calls < 1 or self.time_window <= 0:
            raise ValueError("max_calls must be >= 1 and time_window > 0")
        if self.too_many_cells_status not in (400, 403):
            raise ValueError("too_many_cells_status must be 400 or 403")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it.

    `path` is percent-decoded and without the query; `query` maps each parameter (as sent) to
    its last value; `status` is None for a dropped connection; `time` is `time.monotonic()` at
    arrival; `cells` is the number of cells a data selection expanded to (None when the
    request never got that far); `fault` is "fail", "drop" or "rate-limit" for injected faults
    and 429s; `error` names a server-side exception behind a 500.
    """

    method: str
    path: str
    query: dict[str, str]
    body: bytes
    status: int | None
    time: float
    client: str = "127.0.0.1"
    cells: int | None = None
    fault: str | None = None
    error: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class _Fault:
    kind: str  # "fail" | "drop"
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class _ProblemError(Exception):
    def __init__(
        self,
        status: int,
        body: Mapping[str, Any] | None,
        content_type: str = "application/problem+json; charset=utf-8",
    ) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body
        self.content_type = content_type


def _problem(
    title: str, status: int = 400, detail: bool = False, body_status: int | None = None
) -> _ProblemError:
    body: dict[str, Any] = {"type": _PROBLEM_TYPE, "title": title}
    if detail:
        body["detail"] = title
    body["status"] = status if body_status is None else body_status
    return _ProblemError(status, body)


def _non_existent_table() -> _ProblemError:
    return _problem("Non-existent table", 404)


def _empty(status: int) -> _ProblemError:
    return _ProblemError(status, None)


def _validation_problem(field_name: str, message: str) -> _ProblemError:
    return _ProblemError(
        400,
        {
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {field_name: [message]},
        },
    )


# -- selection ---------------------------------------------------------------------------------


@dataclass
class _Effective:
    """A variable as seen by a selection: its own codes or those of an applied codelist."""

    var: Variable
    codelist: Codelist | None
    codes: list[str]
    labels: list[str]
    members: list[IntArray]  # table positions of each effective value
    elimination: bool
    elimination_value_code: str | None

    exact: dict[str, int] = field(init=False, repr=False)
    folded: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.exact = {c: i for i, c in enumerate(self.codes)}
        self.folded = {}
        for i, c in enumerate(self.codes):
            self.folded.setdefault(c.lower(), i)

    def lookup(self, code: str) -> int | None:
        """The index of a code: exact match first, then case-insensitive (reference server)."""
        found = self.exact.get(code)
        return found if found is not None else self.folded.get(code.lower())


def _effective(var: Variable, codelist: Codelist | None) -> _Effective:
    if codelist is None:
        return _Effective(
            var,
            None,
            list(var.codes),
            list(var.labels or var.codes),
            [np.array([i], dtype=np.intp) for i in range(var.size)],
            var.elimination,
            var.elimination_value_code,
        )
    codes: list[str] = []
    labels: list[str] = []
    members: list[IntArray] = []
    for value in codelist.values:
        pos = [var.index[c] for c in value.value_map if c in var.index]
        if not pos:
            continue
        codes.append(value.code)
        labels.append(value.label)
        members.append(np.array(pos, dtype=np.intp))
    elim_code = codelist.elimination_value_code
    return _Effective(
        var,
        codelist,
        codes,
        labels,
        members,
        codelist.elimination,
        elim_code if elim_code in codes else None,
    )


def _expand_expression(eff: _Effective, expression: str) -> list[int]:
    """Indices (effective order) selected by an expression; raises the reference problems."""
    n = len(eff.codes)
    lowered = expression.lower()
    is_time = eff.var.role == "time"
    if lowered.startswith(_FUNCTION_PREFIXES):
        for pattern, kind in (
            (_EXPR_TOP, "top"),
            (_EXPR_BOTTOM, "bottom"),
            (_EXPR_FROM, "from"),
            (_EXPR_TO, "to"),
            (_EXPR_RANGE, "range"),
        ):
            if not lowered.startswith(kind + "("):
                continue
            m = pattern.match(expression)
            if m is None:
                raise _problem("Illegal selection expression")
            if kind in ("top", "bottom"):
                count, offset = int(m.group(1)), int(m.group(2) or 0)
                first = (kind == "top") != is_time  # TOP on time = latest periods
                if first:
                    return list(range(n))[offset : offset + count]
                end = n - offset
                return list(range(max(0, end - count), max(0, end)))
            codes = [m.group(i) for i in range(1, (pattern.groups or 0) + 1)]
            found = [eff.lookup(c) for c in codes]
            if any(i is None for i in found):
                raise _problem("Non-existent value")
            idx = [i for i in found if i is not None]
            if kind == "from":
                return list(range(idx[0], n))
            if kind == "to":
                return list(range(idx[0] + 1))
            lo, hi = sorted(idx)
            return list(range(lo, hi + 1))
    if "*" in expression:
        stars = expression.count("*")
        if expression != "*" and (
            stars > 2
            or (stars == 1 and not (expression.startswith("*") or expression.endswith("*")))
            or (stars == 2 and not (expression.startswith("*") and expression.endswith("*")))
        ):
            raise _problem("Illegal selection expression")
        if expression == "*":
            return list(range(n))
        if stars == 2 or expression == "**":
            part = lowered[1:-1]
            return [i for i, c in enumerate(eff.codes) if part in c.lower()]
        if expression.startswith("*"):
            part = lowered[1:]
            return [i for i, c in enumerate(eff.codes) if c.lower().endswith(part)]
        part = lowered[:-1]
        return [i for i, c in enumerate(eff.codes) if c.lower().startswith(part)]
    if "?" in expression:
        pattern_q = re.compile("^" + re.escape(expression).replace("\\?", ".") + "$", re.IGNORECASE)
        return [i for i, c in enumerate(eff.codes) if pattern_q.match(c)]
    raise _problem("Non-existent value")


@dataclass
class _Resolved:
    eff: _Effective
    selected: list[int]  # effective indices, in effective order
    eliminated: bool


@dataclass
class _Plan:
    table: Table
    dims: list[_Resolved]  # table order
    order: list[str]  # output variable order (stub + heading)
    stub: list[str]
    heading: list[str]

    @property
    def cells(self) -> int:
        total = 1
        for d in self.dims:
            if not d.eliminated:
                total *= len(d.selected)
        return total


def _split_list(text: str) -> list[str]:
    """Split "a,b,range(1,3)" on commas outside parentheses."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in parts if p != ""]


def _default_selection(table: Table) -> tuple[list[dict[str, Any]], dict[str, list[str]] | None]:
    """An approximation of the reference server's Bjarte3 default selection."""

    def first_valueset(var: Variable) -> Codelist | None:
        return next((c for c in var.codelists if c.type == "Valueset"), None)

    def entry(var: Variable, how: str, count: int | None = None) -> dict[str, Any]:
        cl = first_valueset(var) if how != "none" else None
        eff = _effective(var, cl)
        codes = eff.codes
        if how == "first":
            chosen = codes[: count or 1]
        elif how == "last":
            chosen = codes[-(count or 1) :]
        elif how == "all":
            chosen = codes
        else:
            chosen = []
        return {
            "variableCode": var.code,
            "codelist": cl.id if cl else None,
            "valueCodes": list(chosen),
        }

    contents = table.contents_variable
    time_var = table.time_variable
    sel: list[dict[str, Any]] = []
    if contents is None or time_var is None:
        for var in table.variables:
            sel.append(entry(var, "none" if var.elimination else "first"))
        return sel, None
    others = [v for v in table.variables if v.role not in ("time", "metric")]
    heading: list[str] = []
    stub: list[str] = []
    if not others:
        sel += [entry(contents, "all"), entry(time_var, "last", 13)]
        if contents.size < 6:
            heading, stub = [contents.code], [time_var.code]
        else:
            heading, stub = [time_var.code], [contents.code]
    elif len(others) == 1:
        other = others[0]
        if contents.size == 1:
            sel += [entry(contents, "all"), entry(time_var, "last", 13), entry(other, "all")]
            heading, stub = [contents.code, time_var.code], [other.code]
        else:
            sel += [entry(time_var, "last"), entry(contents, "all"), entry(other, "all")]
            big, small = (contents, other) if contents.size > other.size else (other, contents)
            heading, stub = [time_var.code, small.code], [big.code]
    else:
        mandatory = [v for v in others if not v.elimination]
        optional = [v for v in others if v.elimination]
        sel += [entry(contents, "first"), entry(time_var, "last")]
        heading = [contents.code, time_var.code]
        if len(mandatory) > 1:
            ends = [mandatory[0], mandatory[-1]]
            middle = mandatory[1:-1]
            eliminated = optional
        elif len(mandatory) == 1:
            ends = [mandatory[0], optional[-1]]
            middle = []
            eliminated = optional[:-1]
        else:
            ends = [others[0], others[-1]]
            middle = []
            eliminated = [v for v in optional if v not in ends]
        for v in middle:
            sel.append(entry(v, "first"))
            heading.append(v.code)
        big, small = (ends[0], ends[1]) if ends[0].size > ends[1].size else (ends[1], ends[0])
        sel += [entry(big, "all"), entry(small, "all")]
        stub.append(big.code)
        heading.append(small.code)
        for v in eliminated:
            sel.append(entry(v, "none"))
    order = {v.code: i for i, v in enumerate(table.variables)}
    sel.sort(key=lambda e: order[e["variableCode"]])
    return sel, {"heading": heading, "stub": stub}


def _get_ci(obj: Mapping[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    lowered = key.lower()
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return None


def _parse_body(body: bytes) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(selection entries, placement) of a POST body; no/empty body = no selection."""
    if not body.strip():
        return [], None
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _validation_problem("$", f"The JSON value could not be converted: {exc}") from None
    if not isinstance(doc, dict):
        raise _validation_problem("$", "The request body must be a JSON object.")
    raw_selection = _get_ci(doc, "selection")
    if raw_selection is None:
        raw_selection = []
    if not isinstance(raw_selection, list):
        raise _validation_problem("$.selection", "selection must be an array.")
    entries: list[dict[str, Any]] = []
    for i, item in enumerate(raw_selection):
        if not isinstance(item, dict):
            raise _validation_problem(f"$.selection[{i}]", "must be an object.")
        code = _get_ci(item, "variableCode")
        values = _get_ci(item, "valueCodes")
        codelist = _get_ci(item, "codelist")
        if not isinstance(code, str):
            raise _validation_problem(f"$.selection[{i}].variableCode", "is required.")
        if values is None:
            values = []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _validation_problem(f"$.selection[{i}].valueCodes", "must be strings.")
        if codelist is not None and not isinstance(codelist, str):
            raise _validation_problem(f"$.selection[{i}].codelist", "must be a string.")
        entries.append({"variableCode": code, "valueCodes": values, "codelist": codelist})
    placement = _get_ci(doc, "placement")
    if placement is not None and not isinstance(placement, dict):
        raise _validation_problem("$.placement", "must be an object.")
    return entries, placement


def _plan(
    table: Table, entries: list[dict[str, Any]], placement: Mapping[str, Any] | None
) -> _Plan:
    """Resolve a selection as the reference SelectionHandler does (see PROTOCOL_NOTES)."""
    if not entries:
        entries, placement = _default_selection(table)
    by_code: dict[str, dict[str, Any]] = {}
    time_var = table.time_variable
    for item in entries:
        code = item["variableCode"]
        if code.lower() == "time" and time_var is not None:
            code = time_var.code
        var = next((v for v in table.variables if v.code == code), None)
        if var is None:
            var = next((v for v in table.variables if v.code.lower() == code.lower()), None)
        if var is None:
            raise _problem("Non-existent variable")
        if var.code in by_code:
            raise _empty(500)
        cl_id = item.get("codelist")
        codelist: Codelist | None = None
        if cl_id:
            if not (cl_id.startswith("agg_") or cl_id.startswith("vs_")):
                raise _problem("Non-existent codelist")
            codelist = var.codelist(cl_id)
            if codelist is None:
                raise _problem("Non-existent codelist")
        by_code[var.code] = {"var": var, "codelist": codelist, "values": item["valueCodes"]}
    dims: list[_Resolved] = []
    for var in table.variables:
        chosen = by_code.get(var.code)
        eff = _effective(var, chosen["codelist"] if chosen else None)
        if chosen is None and not eff.elimination:
            raise _problem("Missing selection for mandantory variable")
        dims.append(_Resolved(eff, [], chosen is None))
    for dim in dims:
        chosen = by_code.get(dim.eff.var.code)
        if chosen is None:
            continue
        explicit: list[int] = []
        added: set[int] = set()
        for value in chosen["values"]:
            i = dim.eff.lookup(value)
            if i is not None:
                explicit.append(i)
            else:
                added.update(_expand_expression(dim.eff, value))
        if len(set(explicit)) != len(explicit):
            raise _empty(500)
        selected = sorted(set(explicit) | added)
        if not selected:
            if not dim.eff.elimination:
                raise _problem("Missing selection for mandantory variable")
            dim.eliminated = True
        dim.selected = selected
    stub, heading = _placement(table, dims, placement)
    return _Plan(table, dims, stub + heading, stub, heading)


def _placement(
    table: Table, dims: list[_Resolved], placement: Mapping[str, Any] | None
) -> tuple[list[str], list[str]]:
    kept = [d.eff.var.code for d in dims if not d.eliminated]
    default = (
        [c for c in table.stub or () if c in kept],
        [c for c in table.heading or () if c in kept],
    )
    if placement is None:
        return default
    heading_raw = _get_ci(placement, "heading")
    stub_raw = _get_ci(placement, "stub")
    if heading_raw is None or stub_raw is None:
        return default
    if not isinstance(heading_raw, list) or not isinstance(stub_raw, list):
        raise _problem("Illegal placment")
    if not heading_raw and not stub_raw:
        return default
    time_var = table.time_variable

    def canon(code: Any) -> str:
        if not isinstance(code, str):
            raise _problem("Illegal placment")
        if code.lower() == "time" and time_var is not None:
            code = time_var.code
        match = next((k for k in kept if k.lower() == code.lower()), None)
        if match is None:
            raise _problem("Illegal placment")
        return match

    heading = [canon(c) for c in heading_raw]
    stub = [canon(c) for c in stub_raw]
    if len(heading) + len(stub) == len(kept):
        if set(heading) & set(stub) or len(set(heading + stub)) != len(kept):
            raise _problem("Illegal placment")
        return stub, heading
    if bool(heading) != bool(stub):
        unused = [k for k in kept if k not in set(heading + stub)]
        return (unused, heading) if heading else (stub, unused)
    raise _problem("Illegal placment")


def _compute(plan: _Plan) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
    """The selected cube (output order) and its status codes."""
    table = plan.table
    pos_arrays: list[IntArray] = []
    groups: list[tuple[int, list[IntArray]]] = []
    for axis, dim in enumerate(plan.dims):
        eff = dim.eff
        if dim.eliminated:
            elim = eff.elimination_value_code
            if elim is not None:
                picked = [eff.members[eff.codes.index(elim)]]
            else:  # one group: the sum over every value
                picked = [np.unique(np.concatenate(eff.members))]
        else:
            picked = [eff.members[i] for i in dim.selected]
        if all(len(m) == 1 for m in picked):
            pos_arrays.append(np.concatenate(picked).astype(np.intp))
            continue
        union = np.unique(np.concatenate(picked))
        local = {int(p): i for i, p in enumerate(union)}
        pos_arrays.append(union.astype(np.intp))
        groups.append((axis, [np.array([local[int(p)] for p in m], dtype=np.intp) for m in picked]))
    grid = np.ix_(*pos_arrays)
    values = table.values[grid]
    status = table.status_array[grid]
    for axis, members in groups:
        values = np.stack([values.take(m, axis=axis).sum(axis=axis) for m in members], axis=axis)
        status = np.stack([status.take(m, axis=axis).max(axis=axis) for m in members], axis=axis)
    codes = [d.eff.var.code for d in plan.dims]
    keep = [i for i, d in enumerate(plan.dims) if not d.eliminated]
    drop = tuple(i for i, d in enumerate(plan.dims) if d.eliminated)
    if drop:
        values = values.reshape([values.shape[i] for i in keep])
        status = status.reshape([status.shape[i] for i in keep])
    kept_codes = [codes[i] for i in keep]
    perm = [kept_codes.index(c) for c in plan.order]
    if perm != list(range(len(perm))):
        values = np.transpose(values, perm)
        status = np.transpose(status, perm)
    return values, status


# -- rendering ---------------------------------------------------------------------------------


def _join_labels(labels: Sequence[str], lang: str) -> str:
    conj = " och " if lang == "sv" else " and "
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + conj + labels[-1]


class _Renderer:
    def __init__(self, base_url: str, config: ServerConfig, languages: Sequence[str]) -> None:
        self.base = base_url
        self.config = config
        self.languages = list(languages)

    # links
    def codelist_info(self, cl: Codelist, lang: str) -> dict[str, Any]:
        return {
            "id": cl.id,
            "label": cl.label,
            "type": cl.type,
            "links": [
                {
                    "rel": "metadata",
                    "hreflang": lang,
                    "href": f"{self.base}/codeLists/{cl.id}?lang={lang}",
                }
            ],
        }

    def codelist(self, cl: Codelist, lang: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": cl.id,
            "label": cl.label,
            "language": lang,
            "languages": list(cl.languages),
            "elimination": cl.elimination,
        }
        if cl.elimination_value_code is not None:
            doc["eliminationValueCode"] = cl.elimination_value_code
        doc["type"] = cl.type
        doc["values"] = [
            {"code": v.code, "label": v.label, "valueMap": list(v.value_map)} for v in cl.values
        ]
        links = [
            {"rel": "self", "hreflang": lang, "href": f"{self.base}/codeLists/{cl.id}?lang={lang}"}
        ]
        links += [
            {
                "rel": "alternate",
                "hreflang": other,
                "href": f"{self.base}/codeLists/{cl.id}?lang={other}",
            }
            for other in cl.languages
            if other != lang
        ]
        doc["links"] = links
        return doc

    def table_item(self, table: Table, lang: str) -> dict[str, Any]:
        base = f"{self.base}/tables/{table.id}"
        item: dict[str, Any] = {
            "id": table.id,
            "label": table.label,
            "description": table.description,
            "sortCode": table.sort_code if table.sort_code is not None else table.id,
            "updated": table.updated,
            "firstPeriod": table.first_period,
            "lastPeriod": table.last_period,
            "category": table.category,
            "variableNames": [v.label for v in table.variables],
        }
        if table.discontinued is not None:
            item["discontinued"] = table.discontinued
        item["source"] = table.source
        item["subjectCode"] = table.subject_code
        item["timeUnit"] = table.time_unit
        item["paths"] = [[dict(p) for p in path] for path in table.paths]
        links = [{"rel": "self", "hreflang": lang, "href": f"{base}?lang={lang}"}]
        links += [
            {"rel": "alternate", "hreflang": other, "href": f"{base}?lang={other}"}
            for other in self.languages
            if other != lang
        ]
        links += [
            {"rel": "metadata", "hreflang": lang, "href": f"{base}/metadata?lang={lang}"},
            {
                "rel": "data",
                "hreflang": lang,
                "href": f"{base}/data?lang={lang}&outputFormat=json-stat2",
            },
        ]
        item["links"] = links
        return item

    def _px(
        self, table: Table, lang: str, stub: Sequence[str], heading: Sequence[str]
    ) -> dict[str, Any]:
        return {
            "infofile": table.infofile,
            "tableid": table.id,
            "decimals": table.decimals,
            "official-statistics": table.official_statistics,
            "aggregallowed": table.aggregallowed,
            "copyright": table.copyright,
            "language": lang,
            "contents": table.contents,
            "descriptiondefault": table.descriptiondefault,
            "heading": list(heading),
            "stub": list(stub),
            "matrix": table.matrix or table.id,
            "subject-code": table.subject_code,
            "subject-area": table.subject_area,
        }

    def _dimension(
        self,
        var: Variable,
        codes: Sequence[str],
        labels: Sequence[str],
        elimination: bool,
        elimination_value_code: str | None,
        codelists: Sequence[Codelist] | None,
        lang: str,
    ) -> dict[str, Any]:
        dim: dict[str, Any] = {"label": var.label}
        if var.notes:
            dim["note"] = list(var.notes)
        category: dict[str, Any] = {
            "index": {c: i for i, c in enumerate(codes)},
            "label": dict(zip(codes, labels, strict=True)),
        }
        notes = {c: list(var.value_notes[c]) for c in codes if c in var.value_notes}
        if notes:
            category["note"] = notes
        units = {c: dict(var.units[c]) for c in codes if c in var.units}
        if units:
            category["unit"] = units
        dim["category"] = category
        ext: dict[str, Any] = {"elimination": elimination}
        if codelists is None and elimination_value_code is not None:
            ext["eliminationValueCode"] = elimination_value_code
        if var.note_mandatory:
            ext["noteMandatory"] = dict(var.note_mandatory)
        extra = dict(var.extension)
        if "refperiod" in extra:
            ext["refperiod"] = self._per_code(extra.pop("refperiod"), var, codes)
        ext["show"] = var.show
        if codelists is not None:
            ext["codelists"] = [self.codelist_info(cl, lang) for cl in codelists]
        for key, value in extra.items():
            ext[key] = self._per_code(value, var, codes)
        dim["extension"] = ext
        return dim

    @staticmethod
    def _per_code(value: Any, var: Variable, codes: Sequence[str]) -> Any:
        if isinstance(value, Mapping) and value and all(k in var.index for k in value):
            return {c: value[c] for c in codes if c in value}
        return value

    def _role(self, table: Table, present: Sequence[str]) -> dict[str, list[str]]:
        role: dict[str, list[str]] = {}
        for name in ("time", "geo", "metric"):
            codes = [v.code for v in table.variables if v.role == name and v.code in present]
            if codes:
                role[name] = codes
        return role

    def metadata(self, table: Table, lang: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": table.label,
            "source": table.source,
            "updated": table.updated,
        }
        if table.notes:
            doc["note"] = list(table.notes)
        codes = [v.code for v in table.variables]
        doc["role"] = self._role(table, codes)
        doc["id"] = codes
        doc["size"] = [v.size for v in table.variables]
        doc["dimension"] = {
            v.code: self._dimension(
                v, v.codes, v.labels or v.codes, v.elimination, None, v.codelists, lang
            )
            for v in table.variables
        }
        ext: dict[str, Any] = {}
        if table.note_mandatory:
            ext["noteMandatory"] = dict(table.note_mandatory)
        ext["px"] = self._px(table, lang, table.stub or (), table.heading or ())
        if table.discontinued is not None:
            ext["discontinued"] = table.discontinued
        ext["contact"] = [dict(c) for c in table.contact]
        doc["extension"] = ext
        doc["value"] = []
        return doc

    def data(self, plan: _Plan, lang: str) -> bytes:
        table = plan.table
        values, status = _compute(plan)
        dims = {d.eff.var.code: d for d in plan.dims}
        out_labels = [dims[c].eff.var.label for c in plan.order if dims[c].eff.var.role != "metric"]
        if table.contents:
            label = f"{table.contents} {'efter' if lang == 'sv' else 'by'} " + _join_labels(
                out_labels, lang
            )
        else:
            label = table.label
        doc: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": label,
            "source": table.source,
            "updated": table.updated,
        }
        if table.notes:
            doc["note"] = list(table.notes)
        doc["role"] = self._role(table, plan.order)
        doc["id"] = list(plan.order)
        doc["size"] = [len(dims[c].selected) for c in plan.order]
        dimension: dict[str, Any] = {}
        for code in plan.order:
            d = dims[code]
            eff = d.eff
            dimension[code] = self._dimension(
                eff.var,
                [eff.codes[i] for i in d.selected],
                [eff.labels[i] for i in d.selected],
                eff.elimination,
                eff.elimination_value_code,
                None,
                lang,
            )
        doc["dimension"] = dimension
        ext: dict[str, Any] = {}
        if table.note_mandatory:
            ext["noteMandatory"] = dict(table.note_mandatory)
        ext["px"] = self._px(table, lang, plan.stub, plan.heading)
        ext["discontinued"] = table.discontinued
        ext["contact"] = [dict(c) for c in table.contact]
        doc["extension"] = ext
        flat = values.reshape(-1)
        flat_status = status.reshape(-1)
        missing = np.flatnonzero(flat_status)
        if table.decimals == 0:
            filled = np.where(flat_status != 0, 0.0, flat)
            out: list[Any] = np.rint(filled).astype(np.int64).tolist()
        else:
            out = np.round(np.where(flat_status != 0, 0.0, flat), table.decimals).tolist()
        markers = table.markers
        status_doc: dict[str, str] = {}
        for i in missing.tolist():
            out[i] = None
            status_doc[str(i)] = markers[int(flat_status[i])]
        doc["value"] = out
        if status_doc:
            doc["status"] = status_doc
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- HTTP --------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: PxWebServer

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections so no handler serves requests after `stop()`."""
        with self._open_lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PxWebApi-local/2"
    timeout = 30
    # One write per response and no Nagle delay: keep-alive round trips stay sub-millisecond.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline().strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, method: str) -> None:
        app = cast(_HTTPServer, self.server).app
        arrived = time.monotonic()
        body = self._read_body()
        split = urlsplit(self.path)
        raw_path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        client = str(self.client_address[0])
        record = RequestRecord(
            method=method,
            path=unquote(raw_path, encoding="utf-8", errors="replace"),
            query=query,
            body=body,
            status=None,
            time=arrived,
            client=client,
        )
        fault = app._take_fault()
        if fault is not None:
            if fault.kind == "drop":
                self.close_connection = True
                app._log(replace(record, status=None, fault="drop"))
                return
            self._send(fault.status, fault.body, fault.headers)
            app._log(replace(record, status=fault.status, fault="fail"))
            return
        retry_after = app._rate_limit(client, arrived)
        if retry_after is not None:
            cfg = app.config
            text = (
                f"API calls quota exceeded! maximum admitted {cfg.max_calls} "
                f"per {cfg.time_window:g}s."
            ).encode()
            self._send(
                429,
                text,
                {"Content-Type": "text/plain; charset=utf-8", "Retry-After": str(retry_after)},
            )
            app._log(replace(record, status=429, fault="rate-limit"))
            return
        info: dict[str, Any] = {}
        try:
            status, payload, content_type = app._route(method, raw_path, query, body, info)
            headers = {"Content-Type": content_type} if content_type else {}
            self._send(status, payload, headers)
            app._log(replace(record, status=status, cells=info.get("cells")))
        except _ProblemError as problem:
            if problem.body is None:
                payload, headers = b"", {}
            else:
                payload = json.dumps(problem.body, ensure_ascii=False).encode("utf-8")
                headers = {"Content-Type": problem.content_type}
            self._send(problem.status, payload, headers)
            app._log(replace(record, status=problem.status, cells=info.get("cells")))
        except Exception as exc:  # a bug here must still answer, as a real server would
            self._send(500, b"", {})
            app._log(
                replace(
                    record,
                    status=500,
                    cells=info.get("cells"),
                    error=f"{type(exc).__name__}: {exc}",
                )
            )

    def _send(self, status: int, payload: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)


class PxWebServer:
    """The local PxWebApi 2 server; a context manager that starts and stops it.

    `tables`: the served `Table`s; `codelists`: extra codelists for `GET /codelists/{id}`
    besides those attached to the tables' variables (e.g. `recorded_codelists()`).
    """

    API_PATH = "/api/v2"

    def __init__(
        self,
        tables: Iterable[Table] = (),
        config: ServerConfig | None = None,
        *,
        codelists: Iterable[Codelist] = (),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.config = config or ServerConfig()
        self._tables: dict[str, Table] = {}
        self._extra_codelists = list(codelists)
        for table in tables:
            self.add_table(table)
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._log_entries: list[RequestRecord] = []
        self._faults: deque[_Fault] = deque()
        self._windows: dict[str, deque[float]] = {}
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._languages = [str(lang["id"]) for lang in RECORDED_CONFIG["languages"]]

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> PxWebServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.app = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"pxweb-server-{httpd.server_address[1]}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> PxWebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{self.API_PATH}"

    # -- tables and codelists ----------------------------------------------------------------
    def add_table(self, table: Table) -> None:
        if any(t.lower() == table.id.lower() for t in self._tables):
            raise ValueError(f"table {table.id} is already served")
        self._tables[table.id] = table

    @property
    def tables(self) -> dict[str, Table]:
        return dict(self._tables)

    def replace_table(self, table: Table) -> None:
        """Serve a new version of an existing table (e.g. with a later `updated` stamp)."""
        with self._lock:
            if table.id not in self._tables:
                raise ValueError(f"table {table.id} is not served")
            self._tables[table.id] = table

    def _find_table(self, table_id: str) -> Table | None:
        table = self._tables.get(table_id)
        if table is None:
            table = next(
                (t for k, t in self._tables.items() if k.lower() == table_id.lower()), None
            )
        return table

    def _codelists(self) -> list[Codelist]:
        seen: dict[str, Codelist] = {}
        for table in self._tables.values():
            for var in table.variables:
                for cl in var.codelists:
                    seen.setdefault(cl.id, cl)
        for cl in self._extra_codelists:
            seen.setdefault(cl.id, cl)
        return list(seen.values())

    # -- test hooks ----------------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        n: int = 1,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next `n` requests with `status`, `body` and `headers` (then as normal)."""
        payload = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        with self._lock:
            for _ in range(n):
                self._faults.append(_Fault("fail", status, payload, dict(headers or {})))

    def drop_next(self, n: int = 1) -> None:
        """Close the connection of the next `n` requests without sending a response."""
        with self._lock:
            for _ in range(n):
                self._faults.append(_Fault("drop"))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log_entries)

    def clear_requests(self) -> None:
        with self._lock:
            self._log_entries.clear()

    def reset_rate_limit(self) -> None:
        with self._lock:
            self._windows.clear()

    def _take_fault(self) -> _Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _log(self, record: RequestRecord) -> None:
        with self._lock:
            self._log_entries.append(record)

    def _rate_limit(self, client: str, now: float) -> int | None:
        """None if the request may pass (and is counted), else the Retry-After seconds."""
        cfg = self.config
        if not cfg.rate_limit:
            return None
        with self._lock:
            window = self._windows.setdefault(client, deque())
            while window and window[0] <= now - cfg.time_window:
                window.popleft()
            if len(window) < cfg.max_calls:
                window.append(now)
                return None
            wait = window[0] + cfg.time_window - now
            if cfg.count_rejected:
                window.append(now)
            return max(1, math.ceil(wait))

    # -- routing --------------------------------------------------------------------------------
    def _route(
        self, method: str, raw_path: str, query: dict[str, str], body: bytes, info: dict[str, Any]
    ) -> tuple[int, bytes, str | None]:
        if not raw_path.lower().startswith(self.API_PATH):
            raise _empty(404)
        rest = raw_path[len(self.API_PATH) :]
        if rest and not rest.startswith("/"):
            raise _empty(404)
        segments = [unquote(s, encoding="utf-8", errors="strict") for s in rest.split("/") if s]
        params = {k.lower(): v for k, v in query.items()}
        lang = (params.get("lang") or self.config.default_language).lower()
        renderer = _Renderer(self.base_url, self.config, self._languages)
        head = [s.lower() for s in segments]
        allowed = ("GET", "HEAD")

        def need(methods: Sequence[str]) -> None:
            if method not in methods:
                raise _empty(405)

        if head == ["config"]:
            need(allowed)
            return self._json(self._config_doc())
        if head == ["tables"]:
            need(allowed)
            return self._json(self._tables_page(renderer, params, lang))
        if len(head) >= 2 and head[0] == "tables":
            table = self._find_table(segments[1]) if lang in self._languages else None
            if len(head) == 2:
                need(allowed)
                if table is None:
                    raise _non_existent_table()
                return self._json({"language": lang, **renderer.table_item(table, lang)})
            if len(head) == 3 and head[2] == "metadata":
                need(allowed)
                if table is None:
                    raise _non_existent_table()
                return self._json(renderer.metadata(table, lang))
            if len(head) == 3 and head[2] == "defaultselection":
                need(allowed)
                if table is None:
                    raise _non_existent_table()
                return self._json(self._default_selection_doc(renderer, table, lang))
            if len(head) == 3 and head[2] == "data":
                need(("GET", "HEAD", "POST"))
                if table is None:
                    raise _non_existent_table()
                fmt = params.get("outputformat") or "json-stat2"
                if fmt.lower() != "json-stat2":
                    raise _problem("Unsupported output format", detail=True)
                if method == "POST":
                    entries, placement = _parse_body(body)
                else:
                    entries, placement = self._selection_from_query(query)
                plan = _plan(table, entries, placement)
                info["cells"] = plan.cells
                if plan.cells > self.config.max_cells:
                    status = self.config.too_many_cells_status
                    raise _problem("Too many cells selected", status, detail=True)
                payload = renderer.data(plan, lang)
                return 200, payload, "application/json; charset=utf-8"
            raise _empty(404)
        if len(head) == 2 and head[0] == "codelists":
            need(allowed)
            wanted = segments[1]
            codelists = self._codelists() if lang in self._languages else []
            cl = next((c for c in codelists if c.id == wanted), None)
            if cl is None:
                cl = next((c for c in codelists if c.id.lower() == wanted.lower()), None)
            if cl is None:
                raise _problem("Non-existent codelist", 404, body_status=400)
            return self._json(renderer.codelist(cl, lang))
        raise _empty(404)

    @staticmethod
    def _json(doc: Any) -> tuple[int, bytes, str]:
        payload = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return 200, payload, "application/json; charset=utf-8"

    def _config_doc(self) -> dict[str, Any]:
        doc = json.loads(json.dumps(RECORDED_CONFIG))
        window = self.config.time_window
        doc["defaultLanguage"] = self.config.default_language
        doc["maxDataCells"] = self.config.max_cells
        doc["maxCallsPerTimeWindow"] = self.config.max_calls
        doc["timeWindow"] = int(window) if float(window).is_integer() else window
        return cast(dict[str, Any], doc)

    def _tables_page(
        self, renderer: _Renderer, params: dict[str, str], lang: str
    ) -> dict[str, Any]:
        def integer(name: str, default: int | None) -> int | None:
            raw = params.get(name.lower())
            if raw is None or raw == "":
                return default
            try:
                return int(raw)
            except ValueError:
                raise _validation_problem(name, f"The value '{raw}' is not valid.") from None

        page_number = integer("pageNumber", 1) or 1
        page_size = integer("pageSize", self.config.page_size) or self.config.page_size
        past_days = integer("pastDays", None)
        include_disc = (params.get("includediscontinued") or "").lower() == "true"
        query_text = params.get("query") or ""
        if page_number < 1 or page_size < 1:
            raise _validation_problem("pageNumber", "pageNumber and pageSize must be >= 1")
        tables = list(self._tables.values()) if lang in self._languages else []
        terms = [t.lower() for t in query_text.split() if t]

        def matches(table: Table) -> bool:
            haystack = [table.id.lower(), table.label.lower()]
            haystack += [v.label.lower() for v in table.variables]
            haystack += [v.code.lower() for v in table.variables]
            return all(any(term in h for h in haystack) for term in terms)

        selected = [t for t in tables if matches(t)]
        if not include_disc:
            selected = [t for t in selected if t.discontinued is not True]
        if past_days is not None:
            since = datetime.now(UTC) - timedelta(days=past_days)
            selected = [
                t
                for t in selected
                if datetime.fromisoformat(t.updated.replace("Z", "+00:00")) >= since
            ]
        total = len(selected)
        pages = max(1, math.ceil(total / page_size))
        if page_number > pages:
            raise _problem("Non-existent page", 404, detail=True)
        chunk = selected[(page_number - 1) * page_size : page_number * page_size]

        def href(n: int) -> str:
            parts = [f"lang={lang}"]
            if query_text:
                parts.append(f"query={query_text}")
            parts += [f"pagesize={page_size}", f"pageNumber={n}"]
            if past_days is not None:
                parts.append(f"pastDays={past_days}")
            return f"{self.base_url}/tables/?" + "&".join(parts)

        page_links = []
        if page_number > 1:
            page_links.append({"rel": "previous", "hreflang": lang, "href": href(page_number - 1)})
            page_links.append({"rel": "first", "hreflang": lang, "href": href(1)})
        if page_number < pages:
            page_links.append({"rel": "next", "hreflang": lang, "href": href(page_number + 1)})
            page_links.append({"rel": "last", "hreflang": lang, "href": href(pages)})
        return {
            "language": lang,
            "tables": [renderer.table_item(t, lang) for t in chunk],
            "page": {
                "pageNumber": page_number,
                "pageSize": page_size,
                "totalElements": total,
                "totalPages": pages,
                "links": page_links,
            },
            "links": [{"rel": "self", "hreflang": lang, "href": href(page_number)}],
        }

    def _default_selection_doc(
        self, renderer: _Renderer, table: Table, lang: str
    ) -> dict[str, Any]:
        selection, placement = _default_selection(table)
        base = f"{self.base_url}/tables/{table.id}"
        return {
            "language": lang,
            "selection": selection,
            "placement": placement or {"heading": [], "stub": []},
            "links": [
                {"rel": "self", "hreflang": lang, "href": f"{base}/defaultselection?lang={lang}"},
                {
                    "rel": "data",
                    "hreflang": lang,
                    "href": f"{base}/data?lang={lang}&outputFormat=json-stat2",
                },
            ],
        }

    @staticmethod
    def _selection_from_query(
        query: Mapping[str, str],
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """GET data: valuecodes[VAR]=a,b codelist[VAR]=id heading=a,b stub=c (deepObject)."""
        values: dict[str, list[str]] = {}
        codelists: dict[str, str] = {}
        placement: dict[str, Any] = {}
        for key, raw in query.items():
            m = re.fullmatch(r"(valuecodes|codelist)\[(.+)\]", key, re.IGNORECASE)
            if m:
                if m.group(1).lower() == "valuecodes":
                    values[m.group(2)] = _split_list(raw)
                else:
                    codelists[m.group(2)] = raw
            elif key.lower() in ("heading", "stub"):
                placement[key.lower()] = _split_list(raw)
        entries = [
            {"variableCode": code, "valueCodes": codes, "codelist": codelists.get(code)}
            for code, codes in values.items()
        ]
        for code, cl in codelists.items():
            if code not in values:
                entries.append({"variableCode": code, "valueCodes": [], "codelist": cl})
        if placement:
            placement.setdefault("heading", [])
            placement.setdefault("stub", [])
        return entries, placement or None
