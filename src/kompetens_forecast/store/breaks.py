"""The series-break register (`configs/series_breaks.toml`).

A break marks the first year from which a series is not directly comparable with earlier years
(a new source register, a wider population, a new classification). Breaks are registered per
table family (a chain of SCB tables that replace each other) and looked up by the store
dataset built from that family::

    >>> [b.year for b in load_breaks("employment_county_ssyk4")]
    [2020, 2023]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.resources import configs_dir
from kompetens_forecast.store.manifest import SeriesBreak

REGISTER_FILE: Final = "series_breaks.toml"
LANGUAGES: Final = ("sv", "en")


@dataclass(frozen=True)
class RegisteredBreak:
    """One break as registered, with its description in both languages."""

    year: int
    kind: str
    description_sv: str
    description_en: str
    effect: str = ""

    def to_series_break(self, lang: str = "sv") -> SeriesBreak:
        description = self.description_en if lang == "en" else self.description_sv
        return SeriesBreak(
            year=self.year, kind=self.kind, description=description, effect=self.effect
        )


@dataclass(frozen=True)
class BreakFamily:
    """A table family: its SCB tables, the datasets built from it and its breaks (by year)."""

    name: str
    title: str
    tables: tuple[str, ...]
    datasets: tuple[str, ...]
    breaks: tuple[RegisteredBreak, ...]


def _parse_break(raw: Any, where: str) -> RegisteredBreak:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: a break must be a table, got {type(raw).__name__}.")
    try:
        year, kind = raw["year"], raw["kind"]
        description_sv, description_en = raw["description_sv"], raw["description_en"]
    except KeyError as exc:
        raise DataError(
            f"{where}: a break lacks the field {exc.args[0]!r}.",
            "Each break needs year, kind, description_sv and description_en (effect optional).",
        ) from exc
    effect = raw.get("effect", "")
    if not isinstance(year, int) or isinstance(year, bool):
        raise DataError(f"{where}: break year must be an integer, got {year!r}.")
    for name, value in (
        ("kind", kind),
        ("description_sv", description_sv),
        ("description_en", description_en),
        ("effect", effect),
    ):
        if not isinstance(value, str):
            raise DataError(f"{where}: break field '{name}' must be a string, got {value!r}.")
    return RegisteredBreak(
        year, kind, description_sv.strip(), description_en.strip(), effect.strip()
    )


def _str_list(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise DataError(f"{where} must be a list of strings.")
    return tuple(raw)


def load_register(path: Path | None = None) -> dict[str, BreakFamily]:
    """Every table family of the register, by name. `path` defaults to the shipped register."""
    path = path if path is not None else configs_dir() / REGISTER_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"Cannot read the series-break register {path}: {exc}") from exc
    families_raw = data.get("families", {})
    if not isinstance(families_raw, dict):
        raise DataError(f"{path}: 'families' must be a table of table families.")
    families: dict[str, BreakFamily] = {}
    owner: dict[str, str] = {}
    for name, raw in families_raw.items():
        where = f"{path.name} [families.{name}]"
        if not isinstance(raw, dict):
            raise DataError(f"{where} must be a table.")
        breaks_raw = raw.get("breaks", [])
        if not isinstance(breaks_raw, list):
            raise DataError(f"{where}: 'breaks' must be an array of tables.")
        breaks = sorted((_parse_break(b, where) for b in breaks_raw), key=lambda b: b.year)
        family = BreakFamily(
            name=name,
            title=str(raw.get("title", "")),
            tables=_str_list(raw.get("tables", []), f"{where} tables"),
            datasets=_str_list(raw.get("datasets", []), f"{where} datasets"),
            breaks=tuple(breaks),
        )
        for dataset in family.datasets:
            if dataset in owner:
                raise DataError(
                    f"{path.name}: dataset '{dataset}' is listed in two table families "
                    f"('{owner[dataset]}' and '{name}').",
                    "A dataset belongs to exactly one family.",
                )
            owner[dataset] = name
        families[name] = family
    return families


def load_breaks(dataset: str, *, lang: str = "sv", path: Path | None = None) -> list[SeriesBreak]:
    """The registered breaks of `dataset`, oldest first; [] when none are registered."""
    if lang not in LANGUAGES:
        raise InvalidOptionError(f"Unknown language '{lang}'.", f"Valid: {', '.join(LANGUAGES)}.")
    for family in load_register(path).values():
        if dataset in family.datasets:
            return [b.to_series_break(lang) for b in family.breaks]
    return []
