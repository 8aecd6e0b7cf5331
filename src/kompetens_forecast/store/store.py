"""A Parquet store of datasets, hive-partitioned by source, dataset and vintage.

Layout under the store root::

    source=scb/dataset=employment_county_ssyk4/manifest.json          ← the current vintage
    source=scb/dataset=employment_county_ssyk4/vintage=20250102T0900Z/part-0.parquet

A new vintage is written under a temporary directory name, renamed into place, and becomes
current only when the manifest is (atomically) replaced. Earlier vintages are kept.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from kompetens_forecast import __version__
from kompetens_forecast.errors import DamagedDataError, StoreError
from kompetens_forecast.schema import SCHEMA_VERSION
from kompetens_forecast.store.atomic import apply_default_mode
from kompetens_forecast.store.manifest import Manifest, SeriesBreak

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VINTAGE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.:-]*$")
PART_FILE = "part-0.parquet"


def utc_now() -> str:
    """Now in UTC, to the second, as ISO 8601 with a `Z`."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def vintage_from_time(timestamp: str) -> str:
    """'2025-01-02T09:00:00Z' → '20250102T090000Z' (sortable, filesystem-safe)."""
    return re.sub(r"[-:]", "", timestamp)


def sha256_file(path: Path) -> str:
    """The SHA-256 hex digest of the file at `path`, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_CHECKSUMS: dict[tuple[str, int, int, int], str] = {}


def checksum_of(path: Path) -> str:
    """sha256 of `path`, remembered per (path, inode, size, mtime) so that a run reading a
    dataset several times hashes it once; a rewritten or replaced file is hashed anew."""
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if key not in _CHECKSUMS:
        _CHECKSUMS[key] = sha256_file(path)
    return _CHECKSUMS[key]


class Store:
    """Datasets under one root directory. A read-only store refuses writes (the embedded demo)."""

    def __init__(self, root: Path, *, read_only: bool = False, label: str = "store") -> None:
        self.root = root
        self.read_only = read_only
        self.label = label

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r}, read_only={self.read_only})"

    # -- reading ---------------------------------------------------------------------------
    def _dataset_dirs(self, dataset: str) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent for p in self.root.glob(f"source=*/dataset={dataset}/manifest.json"))

    def _dataset_dir(self, dataset: str) -> Path | None:
        dirs = self._dataset_dirs(dataset)
        if len(dirs) > 1:
            raise StoreError(f"Dataset '{dataset}' exists under several sources in {self.root}.")
        return dirs[0] if dirs else None

    def manifest(self, dataset: str) -> Manifest | None:
        """The current vintage's manifest of `dataset`; None when the store lacks it."""
        directory = self._dataset_dir(dataset)
        return Manifest.read(directory / "manifest.json") if directory else None

    def manifests(self) -> list[Manifest]:
        """The current manifests of every dataset in the store."""
        if not self.root.is_dir():
            return []
        paths = sorted(self.root.glob("source=*/dataset=*/manifest.json"))
        return [Manifest.read(path) for path in paths]

    def has(self, dataset: str) -> bool:
        """Whether the store holds `dataset`."""
        return self._dataset_dir(dataset) is not None

    def parquet_path(self, dataset: str) -> Path:
        """The current vintage's Parquet file of `dataset`; StoreError when missing."""
        directory = self._dataset_dir(dataset)
        if directory is None:
            raise StoreError(f"Dataset '{dataset}' is not in {self.label} {self.root}.")
        manifest = Manifest.read(directory / "manifest.json")
        path = directory / f"vintage={manifest.vintage}" / PART_FILE
        if not path.is_file():
            raise DamagedDataError(
                f"Dataset '{dataset}': current vintage file {path} is missing.",
                self._remedy(dataset, manifest.vintage),
            )
        return path

    def damage(self, dataset: str, vintage: str | None = None) -> str | None:
        """What is wrong with a vintage (default: the current one): None when its file is
        there and matches its manifest's checksum, else a short reason."""
        directory = self._dataset_dir(dataset)
        if directory is None:
            return "not in the store"
        try:
            manifest = (
                Manifest.read(directory / "manifest.json")
                if vintage is None
                else Manifest.read(directory / f"vintage={vintage}" / "manifest.json")
            )
        except StoreError as exc:
            return exc.message
        path = directory / f"vintage={manifest.vintage}" / PART_FILE
        if not path.is_file():
            return f"{path} is missing"
        if checksum_of(path) != manifest.checksum:
            return f"{path} does not match its checksum (damaged or replaced)"
        return None

    def _remedy(self, dataset: str, current: str) -> str:
        if self.read_only:
            return "The embedded demo data are damaged: reinstall kompetens-forecast."
        earlier = [
            v for v in self.vintages(dataset) if v != current and not self.damage(dataset, v)
        ]
        back = (
            f", or go back with `forecast data use --dataset {dataset} --vintage {earlier[-1]}`"
            if earlier
            else ""
        )
        return f"Repair it with `forecast fetch --dataset {dataset}`{back}."

    def read(self, dataset: str, *, verify: bool = True) -> pd.DataFrame:
        """The current vintage. With `verify` (the default) its file must match the manifest's
        checksum, so a damaged or swapped file is never read as if it were the data."""
        path = self.parquet_path(dataset)
        if verify:
            problem = self.damage(dataset)
            if problem is not None:
                manifest = self.manifest(dataset)
                raise DamagedDataError(
                    f"Dataset '{dataset}' in {self.label}: {problem}.",
                    self._remedy(dataset, manifest.vintage if manifest else ""),
                )
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise DamagedDataError(
                f"Dataset '{dataset}': cannot read {path}: {exc}".splitlines()[0],
                self._remedy(dataset, path.parent.name.removeprefix("vintage=")),
            ) from exc

    def vintages(self, dataset: str) -> list[str]:
        """The vintages of `dataset` on disk, oldest first."""
        directory = self._dataset_dir(dataset)
        if directory is None:
            return []
        return sorted(p.name.removeprefix("vintage=") for p in directory.glob("vintage=*"))

    def vintage_manifest(self, dataset: str, vintage: str) -> Manifest:
        """The manifest kept beside one vintage's file."""
        directory = self._dataset_dir(dataset)
        path = directory / f"vintage={vintage}" / "manifest.json" if directory else None
        if path is None or not path.is_file():
            raise StoreError(
                f"Dataset '{dataset}' has no vintage '{vintage}'.",
                f"Vintages: {', '.join(self.vintages(dataset)) or 'none'}.",
            )
        return Manifest.read(path)

    # -- writing ---------------------------------------------------------------------------
    def write(
        self,
        frame: pd.DataFrame,
        *,
        dataset: str,
        source: str,
        title: str,
        table_ids: Sequence[str],
        dims: Sequence[str],
        vintage: str | None = None,
        retrieved_at: str | None = None,
        synthetic: bool = False,
        source_updated: str | None = None,
        query: dict[str, Any] | None = None,
        provenance: str = "",
        licence: str = "",
        breaks: Sequence[SeriesBreak] = (),
        extra: dict[str, Any] | None = None,
        make_current: bool = True,
    ) -> Manifest:
        """Write `frame` as a new vintage of `dataset` and make it current, atomically
        (`make_current=False`: keep it aside, e.g. an upstream change awaiting acceptance;
        the first vintage of a dataset is always made current)."""
        if self.read_only:
            raise StoreError(f"The {self.label} at {self.root} is read-only.")
        for name, value in (("dataset", dataset), ("source", source)):
            if not _NAME.match(value):
                raise StoreError(f"Invalid {name} name '{value}'.", "Use lowercase a-z, 0-9 and _.")
        retrieved_at = retrieved_at or utc_now()
        explicit = vintage
        vintage = vintage or vintage_from_time(retrieved_at)
        if not _VINTAGE.match(vintage):
            raise StoreError(f"Invalid vintage '{vintage}'.")
        existing = self._dataset_dir(dataset)
        if existing is not None and existing.parent.name != f"source={source}":
            raise StoreError(f"Dataset '{dataset}' already exists under {existing.parent.name}.")
        dataset_dir = self.root / f"source={source}" / f"dataset={dataset}"
        dataset_dir.mkdir(parents=True, exist_ok=True)
        if explicit is None:  # a vintage named by the clock: two in one second get -2, -3 …
            base, n = vintage, 1
            while (dataset_dir / f"vintage={vintage}").exists():
                n += 1
                vintage = f"{base}-{n}"
        final_dir = dataset_dir / f"vintage={vintage}"
        current = self.manifest(dataset) if (dataset_dir / "manifest.json").is_file() else None
        if not make_current and current is not None and current.vintage == vintage:
            raise StoreError(
                f"Dataset '{dataset}': a vintage kept aside cannot replace the current one "
                f"({vintage})."
            )

        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dataset_dir))
        try:
            part = staging / PART_FILE
            frame.to_parquet(part, index=False)
            manifest = Manifest(
                dataset=dataset,
                source=source,
                vintage=vintage,
                title=title,
                table_ids=list(table_ids),
                dims=list(dims),
                rows=len(frame),
                retrieved_at=retrieved_at,
                schema_version=SCHEMA_VERSION,
                checksum=sha256_file(part),
                tool_version=__version__,
                synthetic=synthetic,
                source_updated=source_updated,
                query=query,
                provenance=provenance,
                licence=licence,
                breaks=list(breaks),
                extra=dict(extra or {}),
            )
            (staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
            apply_default_mode(staging)
            if final_dir.exists():  # rewriting the same vintage: move the old one aside first
                retired = dataset_dir / f".retired-{vintage}-{utc_now().replace(':', '')}"
                final_dir.rename(retired)
                shutil.rmtree(retired, ignore_errors=True)
            staging.rename(final_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if make_current or not (dataset_dir / "manifest.json").is_file():
            manifest.write(dataset_dir / "manifest.json")  # the switch: atomic replace
        return manifest

    def set_current(self, dataset: str, vintage: str) -> Manifest:
        """Make an earlier vintage current again (its own manifest copy is kept beside it)."""
        directory = self._dataset_dir(dataset)
        if directory is None or not (directory / f"vintage={vintage}").is_dir():
            raise StoreError(
                f"Dataset '{dataset}' has no vintage '{vintage}'.",
                f"Vintages: {', '.join(self.vintages(dataset)) or 'none'}.",
            )
        if self.read_only:
            raise StoreError(f"The {self.label} at {self.root} is read-only.")
        problem = self.damage(dataset, vintage)
        if problem is not None:
            raise DamagedDataError(
                f"Dataset '{dataset}' vintage '{vintage}': {problem}.",
                "Choose another vintage (`forecast data vintages`).",
            )
        manifest = Manifest.read(directory / f"vintage={vintage}" / "manifest.json")
        manifest.write(directory / "manifest.json")
        return replace(manifest)

    # -- querying --------------------------------------------------------------------------
    def connect(self, stores: Sequence[Store] = ()) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per current dataset.

        Views of this store shadow views of the same name in `stores` (listed in precedence
        order after this one).
        """
        con = duckdb.connect(":memory:")
        seen: set[str] = set()
        for store in (self, *stores):
            for manifest in store.manifests():
                if manifest.dataset in seen:
                    continue
                seen.add(manifest.dataset)
                problem = store.damage(manifest.dataset)
                if problem is not None:
                    raise DamagedDataError(
                        f"Dataset '{manifest.dataset}' in {store.label}: {problem}.",
                        store._remedy(manifest.dataset, manifest.vintage),
                    )
                path = str(store.parquet_path(manifest.dataset)).replace("'", "''")
                con.execute(
                    f"CREATE VIEW \"{manifest.dataset}\" AS SELECT * FROM read_parquet('{path}')"
                )
        return con
