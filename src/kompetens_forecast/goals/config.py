"""The goals config (TOML): parse and validate before anything is computed or written.

```toml
region = "20"                  # optional: region of goals that name none
title = "Kompetensförsörjningsstrategi Dalarna"   # optional: shown in reports

[rules]                        # optional; defaults in StatusRules
tolerance = 0.10

[[goal]]
id = "anstallda"               # unique; a-z, 0-9, _ and -
title = "Fler anställda i länet"
indicator = "employed"         # built-in, "kolada:N00914" or "csv:PATH" (relative to the file)
region = "20"                  # code or name; a list is allowed
baseline_year = 2018
target = 135000
target_year = 2030
direction = "higher"           # or "lower"
ssyk = ["2221"]                # employed_ssyk only
```

Every problem is one `GoalsConfigError` naming the file, the goal and the bad value, with the
valid choices (close matches where possible); the CLI exits 2.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kompetens_forecast.classify.regions import RegionRegistry, default_registry
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.classify.text import closest
from kompetens_forecast.errors import UsageError

#: Built-in indicators: name → what it measures (docs and error hints).
BUILTIN_INDICATORS: dict[str, str] = {
    "employed": "employees by workplace, region total (SCB, break-adjusted)",
    "employed_ssyk": "employees in the occupations of `ssyk = [...]`",
    "share_in_shortage": "share of employees (%) in occupations with shortage status brist",
    "forecast_employed": "the published employment forecast, region total",
    "matching_grade": "SCB's matchningsgrad (%), when matching_grade_county is fetched",
    "employment_rate": "employment rate (%): the Kolada KPI named in [kolada], when fetched",
    "unemployment_rate": "unemployment (%): the Kolada KPI named in [kolada], when fetched",
}
DIRECTIONS = ("higher", "lower")
GOAL_KEYS = (
    "id",
    "title",
    "indicator",
    "region",
    "baseline_year",
    "baseline_value",
    "target",
    "target_year",
    "direction",
    "ssyk",
    "unit",
)
TOP_KEYS = ("region", "title", "rules", "kolada", "goal")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class GoalsConfigError(UsageError):
    """The goals config is malformed: names the file, the goal and the bad value."""


@dataclass(frozen=True)
class StatusRules:
    """How a goal's status is decided (documented defaults; override in `[rules]`).

    - `tolerance`: slack as a share of |target − baseline|. The latest value is *on the path*
      when it is no further than this behind the straight path's value for its year, and the
      projection *reaches* the target when it is no further than this short of it.
    - `trend_years`: the projection is the linear trend of the latest this many years …
    - `min_points`: … fitted only on at least this many values (else no projection).

    Status: on_track when the target is already met, or every check that can be made passes;
    off_track when every check that can be made fails; at_risk otherwise (one passes, one
    fails, or none can be made); no_data without a value since the baseline year or without
    a baseline value. "On the path" cannot be judged without a value after the baseline
    year, "reaches" not without a projection.
    """

    tolerance: float = 0.10
    trend_years: int = 5
    min_points: int = 3


@dataclass(frozen=True)
class GoalSpec:
    id: str
    title: str
    indicator: str  # built-in name, "kolada:KPI" or "csv:PATH"
    regions: tuple[str, ...]  # resolved region codes
    baseline_year: int
    target: float
    target_year: int
    direction: str = "higher"
    ssyk: tuple[str, ...] = ()
    baseline_value: float | None = None  # overrides the indicator's value in baseline_year
    unit: str = ""

    @property
    def kind(self) -> str:
        """ "builtin", "kolada" or "csv"."""
        head, sep, _ = self.indicator.partition(":")
        return head if sep else "builtin"

    @property
    def argument(self) -> str:
        return self.indicator.partition(":")[2]


@dataclass(frozen=True)
class GoalsConfig:
    path: Path
    goals: tuple[GoalSpec, ...]
    title: str = ""
    rules: StatusRules = field(default_factory=StatusRules)
    kolada_kpis: dict[str, str] = field(default_factory=dict)  # built-in → KPI override

    def csv_path(self, goal: GoalSpec) -> Path:
        """A `csv:` goal's file, relative to the config file's directory."""
        path = Path(goal.argument).expanduser()
        return path if path.is_absolute() else self.path.parent / path


def _fail(path: Path, where: str, message: str, hint: str | None = None) -> GoalsConfigError:
    return GoalsConfigError(f"{path.name}: {where}: {message}", hint)


def _unknown_keys(raw: dict[str, Any], valid: tuple[str, ...], path: Path, where: str) -> None:
    for key in raw:
        if key not in valid:
            near = closest(key, {k: k for k in valid})
            hint = f"Did you mean: {', '.join(near)}?" if near else f"Valid: {', '.join(valid)}."
            raise _fail(path, where, f"unknown key '{key}'.", hint)


def _number(raw: dict[str, Any], key: str, path: Path, where: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, where, f"'{key}' must be a number, not {value!r}.")
    return float(value)


def _year(raw: dict[str, Any], key: str, path: Path, where: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise _fail(path, where, f"'{key}' must be a year such as 2018, not {value!r}.")
    return value


def _regions(
    value: Any, default: str | None, registry: RegionRegistry, path: Path, where: str
) -> tuple[str, ...]:
    if value is None:
        value = default
    if value is None:
        raise _fail(path, where, "no region.", 'Give `region = "20"` or --region R.')
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise _fail(path, where, f"'region' must be a code/name or a list of them, not {value!r}.")
    try:
        return tuple(dict.fromkeys(registry.get(item).code for item in items))
    except UsageError as exc:
        raise _fail(path, where, exc.message, exc.hint) from exc


def _indicator(raw: dict[str, Any], path: Path, where: str) -> str:
    value = raw.get("indicator")
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "missing 'indicator'.", _indicator_hint())
    value = value.strip()
    head, sep, argument = value.partition(":")
    if sep:
        if head not in ("kolada", "csv") or not argument:
            raise _fail(path, where, f"unknown indicator '{value}'.", _indicator_hint())
        if head == "kolada":
            from kompetens_forecast.sources.kolada import check_kpi

            try:
                return f"kolada:{check_kpi(argument)}"
            except UsageError as exc:
                raise _fail(path, where, exc.message, exc.hint) from exc
        return value
    if value not in BUILTIN_INDICATORS:
        near = closest(value, {k: k for k in BUILTIN_INDICATORS})
        hint = f"Did you mean: {', '.join(near)}? " if near else ""
        raise _fail(path, where, f"unknown indicator '{value}'.", hint + _indicator_hint())
    return value


def _indicator_hint() -> str:
    return f"Built-in: {', '.join(BUILTIN_INDICATORS)}; or kolada:KPI, csv:PATH."


def _ssyk(raw: dict[str, Any], indicator: str, path: Path, where: str) -> tuple[str, ...]:
    value = raw.get("ssyk")
    if indicator != "employed_ssyk":
        if value is not None:
            raise _fail(path, where, "'ssyk' applies only to indicator employed_ssyk.")
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _fail(path, where, 'employed_ssyk needs `ssyk = ["2221", …]` (codes as text).', None)
    occupations = default_occupations()
    try:
        codes = tuple(dict.fromkeys(occupations.get(code).code for code in value))
    except UsageError as exc:
        raise _fail(path, where, exc.message, exc.hint) from exc
    for code in codes:
        for other in codes:
            if other != code and other.startswith(code):
                # a parent and its child would count the child's employees twice
                raise _fail(path, where, f"SSYK {other} lies within {code}.", "List either.")
    return codes


def _goal(
    raw: Any, index: int, default_region: str | None, registry: RegionRegistry, path: Path
) -> GoalSpec:
    where = f"goal {index}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "a [[goal]] must be a table.")
    goal_id = raw.get("id")
    if not isinstance(goal_id, str) or not _ID.match(goal_id):
        raise _fail(
            path, where, f"invalid id {goal_id!r}.", "Use a-z, 0-9, _ and - (used in file names)."
        )
    where = f"goal '{goal_id}'"
    _unknown_keys(raw, GOAL_KEYS, path, where)
    title = raw.get("title", goal_id)
    if not isinstance(title, str):
        raise _fail(path, where, "'title' must be text.")
    indicator = _indicator(raw, path, where)
    baseline_year = _year(raw, "baseline_year", path, where)
    target_year = _year(raw, "target_year", path, where)
    if target_year <= baseline_year:
        raise _fail(
            path, where, f"target_year {target_year} is not after baseline_year {baseline_year}."
        )
    direction = raw.get("direction", "higher")
    if direction not in DIRECTIONS:
        raise _fail(path, where, f"invalid direction {direction!r}.", "Choose higher or lower.")
    baseline_value = (
        _number(raw, "baseline_value", path, where) if "baseline_value" in raw else None
    )
    unit = raw.get("unit", "")
    if not isinstance(unit, str):
        raise _fail(path, where, "'unit' must be text.")
    return GoalSpec(
        id=goal_id,
        title=title,
        indicator=indicator,
        regions=_regions(raw.get("region"), default_region, registry, path, where),
        baseline_year=baseline_year,
        target=_number(raw, "target", path, where),
        target_year=target_year,
        direction=direction,
        ssyk=_ssyk(raw, indicator, path, where),
        baseline_value=baseline_value,
        unit=unit,
    )


def _rules(raw: Any, path: Path) -> StatusRules:
    if raw is None:
        return StatusRules()
    if not isinstance(raw, dict):
        raise _fail(path, "[rules]", "must be a table.")
    valid = ("tolerance", "trend_years", "min_points")
    _unknown_keys(raw, valid, path, "[rules]")
    defaults = StatusRules()
    tolerance = _number(raw, "tolerance", path, "[rules]") if "tolerance" in raw else None
    if tolerance is not None and not 0 <= tolerance < 1:
        raise _fail(path, "[rules]", f"tolerance {tolerance} outside [0, 1).")
    counts = {}
    for key in ("trend_years", "min_points"):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise _fail(path, "[rules]", f"'{key}' must be a whole number ≥ 2, not {value!r}.")
            counts[key] = value
    return StatusRules(
        tolerance=defaults.tolerance if tolerance is None else tolerance,
        trend_years=counts.get("trend_years", defaults.trend_years),
        min_points=counts.get("min_points", defaults.min_points),
    )


def _kolada(raw: Any, path: Path) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(path, "[kolada]", "must be a table of built-in indicator = KPI id.")
    from kompetens_forecast.sources.kolada import check_kpi

    valid = ("employment_rate", "unemployment_rate")
    _unknown_keys(raw, valid, path, "[kolada]")
    try:
        return {name: check_kpi(str(kpi)) for name, kpi in raw.items()}
    except UsageError as exc:
        raise _fail(path, "[kolada]", exc.message, exc.hint) from exc


def load_goals_config(
    path: Path, *, region: str | None = None, registry: RegionRegistry | None = None
) -> GoalsConfig:
    """Read and validate a goals config; `region` (the CLI's --region) replaces every goal's
    region, so one strategy's goals can be followed up for another region."""
    registry = registry or default_registry()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GoalsConfigError(f"No such goals config: {path}.", "Pass --config FILE.") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GoalsConfigError(f"Cannot read goals config {path}: {exc}") from exc
    _unknown_keys(raw, TOP_KEYS, path, "top level")
    override = registry.get(region).code if region else None
    default = raw.get("region")
    if default is not None and not isinstance(default, str):
        raise _fail(path, "top level", "'region' must be a code or name.")
    goals_raw = raw.get("goal")
    if not isinstance(goals_raw, list) or not goals_raw:
        raise _fail(path, "top level", "no goals.", "Add at least one [[goal]] table.")
    goals = []
    for index, item in enumerate(goals_raw, start=1):
        if override is not None and isinstance(item, dict):
            item = {**item, "region": override}
        goals.append(_goal(item, index, default, registry, path))
    seen: set[str] = set()
    for goal in goals:
        if goal.id in seen:
            raise _fail(path, f"goal '{goal.id}'", "the id is used twice.", "Ids must be unique.")
        seen.add(goal.id)
    title = raw.get("title", "")
    if not isinstance(title, str):
        raise _fail(path, "top level", "'title' must be text.")
    return GoalsConfig(
        path=path,
        goals=tuple(goals),
        title=title,
        rules=_rules(raw.get("rules"), path),
        kolada_kpis=_kolada(raw.get("kolada"), path),
    )
