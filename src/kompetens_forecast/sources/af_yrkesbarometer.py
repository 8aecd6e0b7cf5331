"""Arbetsförmedlingen's Yrkesbarometer: download and parse (keeping every round is
`analysis.af_rounds`; storing is `jobs.ingest`).

AF publishes one JSON file (`{base}/prognoser/yrkesbarometer.json`, base from
`KF_AF_DATA_BASE_URL`, default `https://data.arbetsformedlingen.se`) holding only the latest
round (`omgang`, e.g. "2025-2"; two rounds a year). A round once fetched is never lost: the
stored dataset `yrkesbarometer` is the union of every round fetched, and a fetch replaces only
the rounds it downloaded.

Layout (the contract of the embedded demo dataset, see data/README.md): one row per round ×
region × SSYK-4 × barometer occupation, columns `YB_COLUMNS`. Labels stay AF's raw ordinal
words (brist / balans / överskott / paradox; små / medelstora / stora; öka / vara oförändrad /
minska).

Dated quirks of the source (2026-11):

- `ssyk` is a text field that may list several SSYK-4 codes ("2611, 2612, 2613, ...") for one
  barometer occupation, with `antal_ssyk` giving their number; rows are exploded to one row
  per code, keeping `antal_ssyk` and `del_av_ssyk`.
- `lan` is a string ("00" = riket, "01".."25" = län). A number would have lost its leading
  zero; it is padded back to two digits.
- A län row whose `hogsta_bedomningsniva` is `nuts2`, `nuts1` or `nationellt` copies a wider
  region's assessment to the län (its text says "baseras delvis på information för ett större
  geografiskt område"): such rows get `county_level = False`. Riket rows are never
  county-level.
- `paradox` is a list of reasons (e.g. `["deltidsarbete"]`); non-empty means paradox. In the
  rows seen it agrees with `rekryteringssituation == "paradox"`.
- Filtered copies of the file circulate in a reduced national format (2026-1, riket only:
  `area, name, ssyk, situation, chances, trend, note`) where `ssyk` holds the SSYK-4 *names*
  joined by ", " — and names themselves may contain commas ("Informatörer, kommunikatörer och
  PR-specialister"). `parse_national_subset` maps them back to codes by whole-label matching.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.errors import DataError
from kompetens_forecast.schema import BAROMETER_DIMS, YB_COLUMNS, normalize_barometer
from kompetens_forecast.sources.download import Download
from kompetens_forecast.sources.http import HttpClient

__all__ = [
    "AF_DATA_BASE_URL_ENV",
    "DATASET",
    "DEFAULT_AF_DATA_BASE_URL",
    "DIMS",
    "SUBSET_ROUND",
    "YB_COLUMNS",
    "YRKESBAROMETER_PATH",
    "af_data_base_url",
    "barometer_download",
    "download_yrkesbarometer",
    "match_ssyk_names",
    "parse_full",
    "parse_national_subset",
    "ssyk4_label_table",
    "yrkesbarometer_url",
]

AF_DATA_BASE_URL_ENV = "KF_AF_DATA_BASE_URL"
DEFAULT_AF_DATA_BASE_URL = "https://data.arbetsformedlingen.se"
YRKESBAROMETER_PATH = "/prognoser/yrkesbarometer.json"
DATASET = "yrkesbarometer"
SOURCE = "af"
DIMS = BAROMETER_DIMS
RIKET = "00"
#: The only round seen in the reduced national format (it carries no round of its own).
SUBSET_ROUND = "2026-1"
TITLE = (
    "Arbetsförmedlingens Yrkesbarometer: rekryteringssituation, jobbmöjligheter och prognos "
    "på fem år per yrke och län"
)
LICENCE = "CC0 (Arbetsförmedlingen open data)"

_FULL_REQUIRED = (
    "omgang",
    "lan",
    "ssyk",
    "antal_ssyk",
    "yb_yrke",
    "yrkesomrade",
    "rekryteringssituation",
    "jobbmojligheter",
    "prognos",
    "hogsta_bedomningsniva",
)
_SUBSET_REQUIRED = ("name", "area", "situation", "chances", "trend")
_SSYK4 = re.compile(r"^\d{4}$")
_ROUND = re.compile(r"^\d{4}-\d$")
_LAN = re.compile(r"^\d{2}$")


# -- parsing ------------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _required(record: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in record or record[name] is None or record[name] == "":
        raise DataError(
            f"Yrkesbarometer {where}: field '{name}' is missing.",
            "The file's format may have changed; check the source and the parser.",
        )
    return record[name]


def _int(value: Any, name: str, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"Yrkesbarometer {where}: {name} {value!r} is not a whole number.") from exc


def _region(value: Any, where: str) -> str:
    # 2026-11: AF sends `lan` as a string; a number would have lost its leading zero.
    region = str(value).strip()
    if region.isdigit() and len(region) < 2:
        region = region.zfill(2)
    if not _LAN.match(region):
        raise DataError(f"Yrkesbarometer {where}: lan {value!r} is not a two-digit code.")
    return region


def _round(value: Any, where: str) -> str:
    text = str(value).strip()
    if not _ROUND.match(text):
        raise DataError(
            f"Yrkesbarometer {where}: omgang {value!r} is not a round like '2025-2'.",
        )
    return text


def _split_ssyk(value: Any, antal: int, where: str) -> list[str]:
    if isinstance(value, int):  # a single code sent as a number (not seen, 2026-11)
        value = str(value).zfill(4)
    codes = [code.strip() for code in str(value).split(",") if code.strip()]
    if not codes or not all(_SSYK4.match(code) for code in codes):
        raise DataError(f"Yrkesbarometer {where}: ssyk {value!r} is not a list of SSYK-4 codes.")
    if len(codes) != antal:
        raise DataError(
            f"Yrkesbarometer {where}: ssyk {value!r} holds {len(codes)} codes, "
            f"antal_ssyk says {antal}."
        )
    return codes


def _paradox(value: Any) -> bool:
    # 2026-11: a list of reasons (["deltidsarbete"]); empty list = no paradox.
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Iterable):
        return any(bool(_text(item)) for item in value)
    return bool(value)


def _records(records: Any, what: str) -> list[Mapping[str, Any]]:
    if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
        raise DataError(f"{what}: expected a JSON list of objects, got {type(records).__name__}.")
    return records


def _finish(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows → the dataset layout: fixed columns and dtypes, sorted, exact duplicates dropped."""
    frame = pd.DataFrame(rows, columns=YB_COLUMNS)
    return normalize_barometer(frame)


def parse_full(records: Any) -> pd.DataFrame:
    """AF's full file (a list of row objects) → one row per round × region × SSYK-4 × occupation.

    Multi-code rows are exploded; `region_code` is AF's `lan` as a string; labels stay raw;
    `county_level` is True only for a län row assessed at `län` level.
    """
    rows: list[dict[str, Any]] = []
    for index, record in enumerate(_records(records, "Yrkesbarometer")):
        where = f"row {index}"
        for name in _FULL_REQUIRED:
            _required(record, name, where)
        omgang = _round(record["omgang"], where)
        region = _region(record["lan"], where)
        antal = _int(record["antal_ssyk"], "antal_ssyk", where)
        del_av = record.get("del_av_ssyk")
        level = _text(record.get("hogsta_bedomningsniva"))
        for code in _split_ssyk(record["ssyk"], antal, where):
            rows.append(
                {
                    "omgang": omgang,
                    "region_code": region,
                    "ssyk": code,
                    "yb_yrke": _text(record["yb_yrke"]),
                    "yb_concept_id": _text(record.get("yb_concept_id")),
                    "yrkesomrade": _text(record["yrkesomrade"]),
                    "rekryteringssituation": _text(record["rekryteringssituation"]),
                    "jobbmojligheter": _text(record["jobbmojligheter"]),
                    "prognos": _text(record["prognos"]),
                    "paradox": _paradox(record.get("paradox")),
                    "antal_ssyk": antal,
                    "del_av_ssyk": None if del_av is None else _int(del_av, "del_av_ssyk", where),
                    "delvis_helt": _text(record.get("delvis_helt")),
                    "hogsta_bedomningsniva": level,
                    # Genuinely county-level only when assessed for the län itself.
                    "county_level": region != RIKET and level == "län",
                    "format": "full",
                }
            )
    return _finish(rows)


# -- the reduced national format: SSYK-4 names → codes -----------------------------------------
def _label_key(label: str) -> str:
    """Comparable form of a label: pieces between commas stripped, re-joined, case-folded."""
    return ", ".join(" ".join(part.split()) for part in label.split(",")).casefold()


def ssyk4_label_table() -> dict[str, str]:
    """Swedish SSYK-4 label → code, from the shipped SSYK 2012 registry (AF's labels).

    English fallback labels are left out; a label shared by two codes would be ambiguous and
    is left out too (none is, 2026-11).
    """
    seen: dict[str, list[str]] = {}
    for occupation in default_occupations().level(4):
        if not occupation.label_sv_is_fallback:
            seen.setdefault(occupation.label_sv, []).append(occupation.code)
    return {label: codes[0] for label, codes in seen.items() if len(codes) == 1}


def _keyed(labels: Mapping[str, str]) -> dict[str, str]:
    return {_label_key(label): code for label, code in labels.items()}


def _match(text: str, table: Mapping[str, str]) -> list[str] | None:
    pieces = [" ".join(p.split()) for p in text.split(",")]
    n = len(pieces)
    # best[i] = the fewest-labels cover of pieces[i:], as a list of codes (None: no cover)
    best: list[list[str] | None] = [None] * n + [[]]
    for start in range(n - 1, -1, -1):
        for end in range(n, start, -1):  # longest candidate label first
            rest = best[end]
            code = table.get(", ".join(pieces[start:end]).casefold())
            if code is None or rest is None:
                continue
            current = best[start]
            if current is None or len(rest) + 1 < len(current):
                best[start] = [code, *rest]
    return best[0]


def match_ssyk_names(text: str, labels: Mapping[str, str]) -> list[str] | None:
    """Split AF's ", "-joined SSYK-4 names into whole labels and return their codes, in order.

    Names may contain commas themselves ("Informatörer, kommunikatörer och PR-specialister"),
    so the text is split at every comma and the pieces are regrouped into whole known labels
    (case and spacing ignored; the cover with the fewest labels wins, ties to the longer first
    label). None when the text cannot be covered by whole labels: no partial matches.
    """
    return _match(text, _keyed(labels))


def parse_national_subset(
    records: Any,
    *,
    omgang: str = SUBSET_ROUND,
    labels: Mapping[str, str] | None = None,
    codes: Mapping[str, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The reduced national format → (rows in the dataset layout, unmatched occupation names).

    Each record's `ssyk` (SSYK-4 names joined by ", ") is matched against `labels` (default:
    `ssyk4_label_table()`); `codes` (occupation name → SSYK-4 codes) overrides the matching for
    the names it lists. The format carries no round: `omgang` gives it. Rows: region "00",
    `paradox` = label "paradox", no concept id, `del_av_ssyk`, `delvis_helt` or
    `hogsta_bedomningsniva`; `county_level` False. Names that cannot be matched are left out
    and returned.
    """
    omgang = _round(omgang, "national subset")
    table = _keyed(ssyk4_label_table() if labels is None else labels)
    rows: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for index, record in enumerate(_records(records, "Yrkesbarometer national subset")):
        where = f"national subset row {index}"
        for name in _SUBSET_REQUIRED:
            _required(record, name, where)
        name = _text(record["name"]) or ""
        found: Sequence[str] | None
        if codes is not None and name in codes:
            found = list(codes[name])
        else:
            found = _match(str(record.get("ssyk") or ""), table)
        if not found:
            unmatched.append(name)
            continue
        bad = [c for c in found if not _SSYK4.match(c)]
        if bad:
            raise DataError(f"Yrkesbarometer {where}: {bad} are not SSYK-4 codes.")
        situation = _text(record["situation"])
        for code in found:
            rows.append(
                {
                    "omgang": omgang,
                    "region_code": RIKET,
                    "ssyk": code,
                    "yb_yrke": name,
                    "yb_concept_id": None,
                    "yrkesomrade": _text(record["area"]),
                    "rekryteringssituation": situation,
                    "jobbmojligheter": _text(record["chances"]),
                    "prognos": _text(record["trend"]),
                    # No paradox list in this format; AF's label 'paradox' is the same flag.
                    "paradox": situation == "paradox",
                    "antal_ssyk": len(found),
                    "del_av_ssyk": None,
                    "delvis_helt": None,
                    "hogsta_bedomningsniva": None,
                    "county_level": False,
                    "format": "national_subset",
                }
            )
    return _finish(rows), unmatched


# -- fetching -----------------------------------------------------------------------------------
def af_data_base_url(base_url: str | None = None) -> str:
    """`base_url`, else `$KF_AF_DATA_BASE_URL`, else AF's open-data host; no trailing slash."""
    return (base_url or os.environ.get(AF_DATA_BASE_URL_ENV) or DEFAULT_AF_DATA_BASE_URL).rstrip(
        "/"
    )


def yrkesbarometer_url(base_url: str | None = None) -> str:
    return af_data_base_url(base_url) + YRKESBAROMETER_PATH


def detect_full(records: Any, url: str) -> list[Mapping[str, Any]]:
    rows = _records(records, f"GET {url}")
    if not rows:
        raise DataError(f"GET {url} returned an empty list.", "AF may be publishing; retry later.")
    first = rows[0]
    if "lan" in first and "omgang" in first:
        return rows
    if "name" in first and "situation" in first:
        raise DataError(
            f"GET {url} returned the reduced national format, which carries no round.",
            "Read such a file with parse_national_subset(records, omgang=...).",
        )
    if "bristvarde" in first or "datatyp" in first:
        raise DataError(
            f"GET {url} returned the discontinued pre-2024 Yrkesprognos format.",
            f"Point {AF_DATA_BASE_URL_ENV} at a host serving the current Yrkesbarometer.",
        )
    raise DataError(
        f"GET {url}: unknown Yrkesbarometer format (fields {sorted(first)[:8]}…).",
        "Check the source; the parser expects AF's full field set.",
    )


def round_info(
    frame: pd.DataFrame,
    records: Sequence[Mapping[str, Any]],
    old: Mapping[str, Any],
    fetched: set[str],
    retrieved_at: str,
    url: str,
) -> dict[str, dict[str, Any]]:
    """Per stored round: rows, and for the rounds in `fetched` when, from where and from how
    many source rows; `old` is the previous manifest's `extra["round_info"]`."""
    source_rows = Counter(str(r.get("omgang")) for r in records)
    versions: dict[str, set[str]] = {}
    for record in records:
        if record.get("taxonomi_version") is not None:
            versions.setdefault(str(record["omgang"]), set()).add(str(record["taxonomi_version"]))
    info: dict[str, dict[str, Any]] = {}
    for omgang, rows in frame.groupby("omgang")["omgang"].size().items():
        key = str(omgang)
        entry = dict(old.get(key, {}))
        if key in fetched:
            entry.setdefault("first_retrieved_at", retrieved_at)
            entry.update(
                {
                    "retrieved_at": retrieved_at,
                    "url": url,
                    "source_rows": int(source_rows.get(key, 0)),
                    "taxonomi_version": sorted(versions.get(key, set())),
                }
            )
        entry["rows"] = int(rows)
        info[key] = entry
    return info


def download_yrkesbarometer(
    http: HttpClient, base_url: str | None = None
) -> tuple[pd.DataFrame, list[Mapping[str, Any]], str]:
    """AF's current file, parsed: (rows in the dataset layout, the raw records, the URL). The
    file is always asked for afresh (the HTTP cache only serves it offline), because AF
    overwrites it in place."""
    url = yrkesbarometer_url(base_url)
    records = detect_full(http.get_json(url, refresh=True), url)
    return parse_full(records), records, url


def barometer_download(
    merged: pd.DataFrame,
    records: Sequence[Mapping[str, Any]],
    info: Mapping[str, Mapping[str, Any]],
    url: str,
    retrieved_at: str,
) -> Download:
    """The stored rounds (`merged`) with their provenance, ready for the store."""
    all_rounds = sorted(info)
    return Download(
        merged,
        dataset=DATASET,
        source=SOURCE,
        title=f"{TITLE} (omgång {', '.join(all_rounds)})",
        table_ids=["yrkesbarometer.json"],
        dims=DIMS,
        retrieved_at=retrieved_at,
        urls=[url],
        calls=1,
        cells=len(records),
        query={"url": url},
        provenance=(
            f"Arbetsförmedlingen, Yrkesbarometer ({url}), fetched by kompetens-forecast. "
            "AF publishes only the latest round; earlier rounds are kept from earlier "
            "fetches (see extra.round_info). Multi-code rows exploded to one row per SSYK-4."
        ),
        licence=LICENCE,
        extra={
            "rounds": all_rounds,
            "rows_per_round": {k: v["rows"] for k, v in info.items()},
            "round_info": dict(info),
            "labels_raw": True,
            "county_level_rule": (
                "county_level is True only for a län row (region_code != '00') whose "
                "hogsta_bedomningsniva is 'län'."
            ),
            "paradox_rule": "full format: the row's paradox list is non-empty",
        },
    )
