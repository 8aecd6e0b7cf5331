"""The dataset catalog (configs/catalog.toml, plus the user's own catalog file).

See the comments at the top of configs/catalog.toml for the format. A user catalog is read
from `$KF_CATALOG` or `catalog.toml` in the user config directory; its datasets replace the
shipped ones of the same name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from kompetens_forecast.classify.text import closest
from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.resources import configs_dir, read_toml

CATALOG_ENV = "KF_CATALOG"
CADENCES = ("monthly", "quarterly", "half-yearly", "yearly")


@dataclass(frozen=True)
class VariableSelection:
    codes: tuple[str, ...]  # codes or selection expressions
    codelist: str | None = None


@dataclass(frozen=True)
class Segment:
    table: str | None
    search: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    api: str = "v2"
    v1_path: str | None = None
    years: tuple[int, int] | None = None
    selection: dict[str, VariableSelection] = field(default_factory=dict)
    #: Leave unlisted variables that may be eliminated out of the query (the server then gives
    #: their total); by default every unlisted variable is selected in full.
    eliminate: bool = False

    def describe(self) -> str:
        return self.table or self.v1_path or f"search {list(self.search)}"


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    dims: tuple[str, ...]
    rename: dict[str, str]
    segments: tuple[Segment, ...]
    source: str = "scb"
    verified: bool = False
    notes: str = ""
    origin: str = ""  # the file the entry came from
    cadence: str = "yearly"  # how often the source publishes (`forecast calendar`)
    #: canonical column → {SCB code → canonical code} (e.g. ContentsCode ids → "mean")
    recode: dict[str, dict[str, str]] = field(default_factory=dict)
    #: canonical column → {regular expression on SCB's label → canonical code}, for codes
    #: `recode` does not list (tables whose ids are not known in advance)
    recode_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: columns whose values must come out of `recode`/`recode_labels`; other rows are dropped
    #: (e.g. a table's headcount beside its pay)
    keep_recoded: tuple[str, ...] = ()
    #: columns a table may lack, with the value they take then (a riket-only table: region 00)
    constants: dict[str, str] = field(default_factory=dict)
    #: "newest" (default): one segment per period, the newest wins; "union": segments add
    #: different cells (regions, measures) and only the same cell is decided newest-wins
    stitch: str = "newest"


def _selection(raw: Any, where: str) -> dict[str, VariableSelection]:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: 'selection' must be a table of variables.")
    out: dict[str, VariableSelection] = {}
    for variable, value in raw.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[variable] = VariableSelection(tuple(value))
        elif isinstance(value, dict) and isinstance(value.get("codes"), list):
            out[variable] = VariableSelection(tuple(value["codes"]), value.get("codelist"))
        else:
            raise DataError(
                f"{where}: selection of '{variable}' must be a list of codes or "
                '{ codes = [...], codelist = "…" }.'
            )
    return out


def _segment(raw: Any, where: str) -> Segment:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: a segment must be a table.")
    table, search = raw.get("table"), tuple(raw.get("search", ()))
    api = raw.get("api", "v2")
    if api not in ("v1", "v2"):
        raise DataError(f"{where}: api must be 'v1' or 'v2', not {api!r}.")
    if api == "v2" and not table and not search:
        raise DataError(f"{where}: a v2 segment needs 'table' or 'search'.")
    if api == "v1" and not raw.get("v1_path"):
        raise DataError(f"{where}: a v1 segment needs 'v1_path'.")
    years = raw.get("years")
    if years is not None and (len(years) != 2 or years[0] > years[1]):
        raise DataError(f"{where}: years must be [first, last].")
    return Segment(
        table=table,
        search=search,
        require=tuple(raw.get("require", ())),
        api=api,
        v1_path=raw.get("v1_path"),
        years=(int(years[0]), int(years[1])) if years else None,
        selection=_selection(raw.get("selection", {}), where),
        eliminate=bool(raw.get("eliminate", False)),
    )


def _dataset(name: str, raw: Any, origin: Path) -> DatasetSpec:
    where = f"{origin}: dataset '{name}'"
    if not isinstance(raw, dict) or not raw.get("segments"):
        raise DataError(f"{where} needs at least one [[segments]] entry.")
    cadence = raw.get("cadence", "yearly")
    if cadence not in CADENCES:
        raise DataError(f"{where}: cadence {cadence!r} is not one of {', '.join(CADENCES)}.")
    return DatasetSpec(
        name=name,
        title=str(raw.get("title", name)),
        dims=tuple(raw.get("dims", ())),
        rename=dict(raw.get("rename", {})),
        segments=tuple(
            _segment(s, f"{where}, segment {i + 1}") for i, s in enumerate(raw["segments"])
        ),
        source=str(raw.get("source", "scb")),
        verified=bool(raw.get("verified", False)),
        notes=str(raw.get("notes", "")),
        origin=str(origin),
        cadence=cadence,
        recode=_mapping_of_mappings(raw.get("recode", {}), where, "recode"),
        recode_labels=_mapping_of_mappings(raw.get("recode_labels", {}), where, "recode_labels"),
        keep_recoded=tuple(str(c) for c in raw.get("keep_recoded", ())),
        constants={str(k): str(v) for k, v in dict(raw.get("constants", {})).items()},
        stitch=_stitch_rule(raw.get("stitch", "newest"), where),
    )


def _mapping_of_mappings(raw: Any, where: str, key: str) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise DataError(f"{where}: '{key}' must map columns to tables of codes.")
    return {str(c): {str(a): str(b) for a, b in m.items()} for c, m in raw.items()}


def _stitch_rule(raw: Any, where: str) -> str:
    if raw not in ("newest", "union"):
        raise DataError(f"{where}: stitch must be 'newest' or 'union', not {raw!r}.")
    return str(raw)


def read_catalog_file(path: Path) -> dict[str, DatasetSpec]:
    raw = read_toml(path, "catalog")
    datasets = raw.get("datasets", {})
    return {name: _dataset(name, entry, path) for name, entry in datasets.items()}


def user_catalog_path() -> Path:
    env = os.environ.get(CATALOG_ENV)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_config_path("kompetens-forecast", appauthor=False) / "catalog.toml"


class Catalog:
    def __init__(self, datasets: dict[str, DatasetSpec]) -> None:
        self.datasets = datasets

    @classmethod
    def load(cls, user_file: Path | None = None) -> Catalog:
        datasets = read_catalog_file(configs_dir() / "catalog.toml")
        user = user_file if user_file is not None else user_catalog_path()
        if user.is_file():
            datasets.update(read_catalog_file(user))
        elif user_file is not None or os.environ.get(CATALOG_ENV):
            raise DataError(
                f"Catalog file {user} does not exist.", f"Unset {CATALOG_ENV} or create it."
            )
        return cls(datasets)

    def names(self) -> list[str]:
        return sorted(self.datasets)

    def get(self, name: str) -> DatasetSpec:
        if name in self.datasets:
            return self.datasets[name]
        suggestions = closest(name, {n: n for n in self.datasets})
        hint = f"Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise UsageError(
            f"Unknown dataset '{name}'.",
            f"{hint} Datasets: {', '.join(self.names())}.".strip(),
        )
