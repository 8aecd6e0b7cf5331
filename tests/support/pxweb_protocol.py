"""The PxWebApi 2 protocol as the local server speaks it: settings, request records, errors.

`RECORDED_CONFIG` (SCB's recorded `GET /config`), `PROTOCOL_NOTES` (the decisions where the spec
and the recordings leave room), `ServerConfig`, `RequestRecord`, and the problem bodies of the
reference server (PxTools/PxWebApi ProblemUtility) as `ProblemError`s. Part of
`support.pxweb_server`; not used by the product at run time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PROTOCOL_NOTES",
    "RECORDED_CONFIG",
    "ProblemError",
    "RequestRecord",
    "ServerConfig",
    "empty_problem",
    "non_existent_table",
    "problem",
    "validation_problem",
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


# -- problem bodies (PxWebApi ProblemUtility) -----------------------------------------------

_PROBLEM_TYPE = "Parameter error"


class ProblemError(Exception):
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


def problem(
    title: str, status: int = 400, detail: bool = False, body_status: int | None = None
) -> ProblemError:
    body: dict[str, Any] = {"type": _PROBLEM_TYPE, "title": title}
    if detail:
        body["detail"] = title
    body["status"] = status if body_status is None else body_status
    return ProblemError(status, body)


def non_existent_table() -> ProblemError:
    return problem("Non-existent table", 404)


def empty_problem(status: int) -> ProblemError:
    return ProblemError(status, None)


def validation_problem(field_name: str, message: str) -> ProblemError:
    return ProblemError(
        400,
        {
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {field_name: [message]},
        },
    )
