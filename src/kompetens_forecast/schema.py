"""The canonical long format shared by every stage, as pandera schemas.

Observation frames hold one row per cell: dimension code columns (strings with leading zeros),
`year` (int), `value` (float, NaN when missing) and `symbol` (SCB's marker for a missing or
special value, e.g. "..", ".", "-"; null when the value is an ordinary number). A marker is
never turned into 0.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from kompetens_forecast.errors import DataError

SCHEMA_VERSION: Final = 1

#: SCB's codes for sex (variable `Kon`).
SEX_LABELS: Final[dict[str, dict[str, str]]] = {
    "1": {"sv": "män", "en": "men"},
    "2": {"sv": "kvinnor", "en": "women"},
}

#: Markers SCB uses in place of a value (PxWeb `status`, PX data symbols).
KNOWN_SYMBOLS: Final = ("..", ".", "-", "...", "....", ".....", "......")

RIKET: Final = "00"

#: Code patterns per dimension: region 00/län 2 digits or kommun 4 digits; SSYK 1–4 digits.
CODE_PATTERNS: Final[dict[str, str]] = {
    # riket 00, län 2 digits, kommun 4 digits; NUTS ids (riksområden SE11…, landsdelar SE1…)
    "region_code": r"^(\d{2}(\d{2})?|SE\d{1,2})$",
    "ssyk": r"^\d{1,4}$",
    "sex": r"^(1|2|1\+2)$",  # SCB Kon: 1 män, 2 kvinnor, 1+2 totalt
}


def observation_schema(dims: tuple[str, ...]) -> pa.DataFrameSchema:
    """Schema of a canonical observation frame with the given dimension columns."""
    columns: dict[str, pa.Column] = {
        dim: pa.Column(
            str, pa.Check.str_matches(CODE_PATTERNS[dim]) if dim in CODE_PATTERNS else None
        )
        for dim in dims
    }
    columns["year"] = pa.Column("int64", pa.Check.in_range(1900, 2100), coerce=True)
    columns["value"] = pa.Column("float64", nullable=True, coerce=True)
    columns["symbol"] = pa.Column(object, pa.Check.isin(KNOWN_SYMBOLS), nullable=True)
    return pa.DataFrameSchema(
        columns,
        unique=[*dims, "year"],
        checks=pa.Check(
            # "-" is SCB's nil: a true zero, kept as 0 beside its marker; the dots are missing
            lambda frame: (
                ~(frame["symbol"].notna() & frame["value"].notna())
                | ((frame["symbol"] == "-") & (frame["value"] == 0))
            ),
            error="a cell with a value marker must not hold a value (except 0 with '-')",
        ),
    )


def schema_problem(exc: SchemaError | SchemaErrors, limit: int = 3) -> str:
    """A pandera error as one short line: what failed, how many cases, the first `limit`."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    head = text.split(" failure cases:")[0]
    cases = getattr(exc, "failure_cases", None)
    if isinstance(cases, pd.DataFrame) and "failure_case" in cases.columns and len(cases):
        values = cases["failure_case"].astype(str).drop_duplicates()
        shown = ", ".join(repr(v) for v in values.head(limit))
        more = f", … ({len(values)} distinct in all)" if len(values) > limit else ""
        return f"{head[:200]}; failure cases: {shown}{more}"
    return head[:300]


def validate_observations(frame: pd.DataFrame, dims: tuple[str, ...], name: str) -> pd.DataFrame:
    """Validate and normalise dtypes; raise DataError naming the dataset and the first problem
    (summarised: the failing check, the number of cases and the first three)."""
    try:
        return observation_schema(dims).validate(frame)
    except (SchemaError, SchemaErrors) as exc:
        raise DataError(
            f"Dataset '{name}' does not have the canonical layout: {schema_problem(exc)}"
        ) from exc


# -- AF Yrkesbarometer: the stored dataset's layout (sources parse into it, analysis reads it) --
YB_COLUMNS = [
    "omgang",
    "region_code",
    "ssyk",
    "yb_yrke",
    "yb_concept_id",
    "yrkesomrade",
    "rekryteringssituation",
    "jobbmojligheter",
    "prognos",
    "paradox",
    "antal_ssyk",
    "del_av_ssyk",
    "delvis_helt",
    "hogsta_bedomningsniva",
    "county_level",
    "format",
]

#: One row per round × region × SSYK-4 × barometer occupation.
BAROMETER_DIMS: Final = ["omgang", "region_code", "ssyk", "yb_yrke"]


def normalize_barometer(frame: pd.DataFrame) -> pd.DataFrame:
    """A Yrkesbarometer frame in the dataset layout: fixed columns and dtypes, exact duplicates
    dropped, sorted; two different assessments of one (round, region, SSYK-4, occupation) are
    an error."""
    missing = [c for c in YB_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"Yrkesbarometer frame lacks columns {missing}.")
    out = frame.loc[:, YB_COLUMNS].copy()
    out["antal_ssyk"] = out["antal_ssyk"].astype("int64")
    out["del_av_ssyk"] = out["del_av_ssyk"].astype("Int64")
    for column in ("paradox", "county_level"):
        out[column] = out[column].astype(bool)
    out = out.drop_duplicates(ignore_index=True)
    duplicated = out.duplicated(BAROMETER_DIMS, keep=False)
    if duplicated.any():
        first = out.loc[duplicated, BAROMETER_DIMS].iloc[0].tolist()
        raise DataError(
            f"Yrkesbarometer: conflicting rows for (omgang, region_code, ssyk, yb_yrke) {first}.",
            "The same barometer occupation appears twice with different assessments.",
        )
    return out.sort_values(BAROMETER_DIMS, ignore_index=True)
