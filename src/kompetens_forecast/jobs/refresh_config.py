"""The refresh config (TOML) of `forecast refresh --config FILE`.

    regions = ["20", "Gotland"]   # codes or names as in `forecast run --region`
    datasets = "due"              # or a list of dataset names
    out = "../../out/refresh"     # output folder; one sub-folder per region code
    lang = "sv"                   # optional: sv (default) or en
    size = "a4"                   # optional: a4 (default) or slide
    horizon = 5                   # optional: forecast horizon in years
    goals = "../goals/dalarna.toml"  # optional: a goals config, as `forecast run --goals`

Relative paths are resolved against the config file's folder (as the goals config's `csv:`
paths are), so a job finds the same files whatever its working directory. Every problem is one
`RefreshConfigError` naming the file, the key and the bad value, with the valid choices.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.classify.text import closest
from kompetens_forecast.errors import KFError, UsageError
from kompetens_forecast.resources import configs_dir
from kompetens_forecast.sources.catalog import Catalog

KEYS = ("regions", "datasets", "out", "lang", "size", "horizon", "goals")
LANGS = ("sv", "en")
SIZES = ("a4", "slide")
DUE = "due"


class RefreshConfigError(UsageError):
    """The refresh config cannot be read or holds a bad key or value."""


@dataclass(frozen=True)
class RefreshConfig:
    path: Path
    regions: tuple[str, ...]  # region codes, in the config's order, without repeats
    datasets: tuple[str, ...] | None  # None: what the publication calendar says is due
    out: Path
    lang: str = "sv"
    size: str = "a4"
    horizon: int | None = None
    goals: Path | None = None


def _fail(path: Path, message: str, hint: str | None = None) -> RefreshConfigError:
    return RefreshConfigError(f"{path}: {message}", hint)


def _choice(raw: dict[str, Any], key: str, choices: tuple[str, ...], path: Path) -> str:
    value = raw.get(key, choices[0])
    if value not in choices:
        raise _fail(path, f"{key} = {value!r} is not valid.", f"Valid: {', '.join(choices)}.")
    return str(value)


def _path(raw: dict[str, Any], key: str, path: Path) -> Path:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{key} = {value!r} must be a path (a string).")
    given = Path(value).expanduser()
    return given if given.is_absolute() else (path.parent / given).resolve()


def _regions(raw: dict[str, Any], path: Path) -> tuple[str, ...]:
    value = raw.get("regions")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise _fail(
            path,
            f"regions = {value!r}: give a list of region codes or names.",
            'E.g. regions = ["20", "Gotland"].',
        )
    registry = default_registry()
    codes: dict[str, None] = {}
    for item in items:
        try:
            region = registry.get(item)
        except KFError as exc:
            raise _fail(path, f"regions: {exc.message}", exc.hint) from exc
        codes[region.code] = None
    return tuple(codes)


def _datasets(raw: dict[str, Any], valid: tuple[str, ...], path: Path) -> tuple[str, ...] | None:
    value = raw.get("datasets", DUE)
    if value == DUE:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _fail(
            path,
            f'datasets = {value!r}: give "{DUE}" or a list of dataset names.',
            f"Datasets: {', '.join(valid)}.",
        )
    for name in value:
        if name not in valid:
            near = closest(name, {n: n for n in valid})
            hint = f"Did you mean: {', '.join(near)}?" if near else ""
            raise _fail(
                path,
                f"datasets: unknown dataset '{name}'.",
                f"{hint} Datasets: {', '.join(valid)}.".strip(),
            )
    return tuple(dict.fromkeys(value))


def fetchable_datasets() -> tuple[str, ...]:
    """Datasets a refresh can fetch without further options (no --year, --file or --kpi): the
    SCB catalog's and configs/calendar.toml's `[sources]` not marked `fetch = false` — the same
    as `calendar.releases.load_cadences`, read here without pandas so that a bad config is
    reported at once."""
    try:
        with (configs_dir() / "calendar.toml").open("rb") as handle:
            sources = tomllib.load(handle).get("sources", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RefreshConfigError(f"Cannot read the calendar config: {exc}") from exc
    others = [name for name, entry in sources.items() if entry.get("fetch", True)]
    return tuple(sorted({*Catalog.load().names(), *others}))


def load_refresh_config(path: Path, datasets: tuple[str, ...] | None = None) -> RefreshConfig:
    """Read and validate a refresh config; `datasets` are the names a refresh can fetch
    without further options (default: `fetchable_datasets()`)."""
    datasets = datasets if datasets is not None else fetchable_datasets()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RefreshConfigError(
            f"No such refresh config: {path}.", "See configs/refresh/example.toml."
        ) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RefreshConfigError(f"Cannot read refresh config {path}: {exc}") from exc
    for key in raw:
        if key not in KEYS:
            near = closest(key, {k: k for k in KEYS})
            hint = f"Did you mean: {', '.join(near)}?" if near else f"Valid: {', '.join(KEYS)}."
            raise _fail(path, f"unknown key '{key}'.", hint)
    if "out" not in raw:
        raise _fail(path, "'out' is missing: the output folder.", 'E.g. out = "out/refresh".')
    horizon = raw.get("horizon")
    if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, int)):
        raise _fail(path, f"horizon = {horizon!r} must be a whole number of years.")
    goals = _path(raw, "goals", path) if "goals" in raw else None
    if goals is not None and not goals.is_file():
        raise _fail(path, f"goals = {raw['goals']!r}: no such file ({goals}).")
    return RefreshConfig(
        path=path,
        regions=_regions(raw, path),
        datasets=_datasets(raw, datasets, path),
        out=_path(raw, "out", path),
        lang=_choice(raw, "lang", LANGS, path),
        size=_choice(raw, "size", SIZES, path),
        horizon=horizon,
        goals=goals,
    )
