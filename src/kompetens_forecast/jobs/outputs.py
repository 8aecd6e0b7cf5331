"""Writing run outputs: Parquet with provenance metadata, JSON, and publishing a staged directory.

A run writes everything into a staging directory beside the target and publishes it only when
complete, so a failed run leaves the previous output (or nothing) behind. A run's set of files
(the one with `manifest.json`) replaces the previous run's set as a whole, so a folder never
mixes two runs and its manifest lists exactly the run's files. One run writes into a folder
at a time (a lock file in the system's temp folder, `lock_path`); staging folders a killed
run left are removed by the next run into the same folder.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from kompetens_forecast import __version__
from kompetens_forecast.errors import OutputError
from kompetens_forecast.store.atomic import apply_default_mode, write_atomic, write_text_atomic

METADATA_KEY = b"kompetens_forecast"


def provenance_header() -> dict[str, Any]:
    """What every output says about itself: the tool, its version and when it was made."""
    return {
        "tool": "kompetens-forecast",
        "tool_version": __version__,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def write_parquet(frame: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> Path:
    """Parquet with the provenance (sources, table ids, retrieval times, tool version) embedded."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(provenance, ensure_ascii=False).encode("utf-8")
    table = table.replace_schema_metadata(metadata)
    return write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def read_provenance(path: Path) -> dict[str, Any]:
    """The provenance embedded in a Parquet output by `write_parquet`."""
    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(METADATA_KEY)
    return dict(json.loads(raw)) if raw else {}


def write_json(path: Path, data: dict[str, Any]) -> Path:
    """Write `data` as indented UTF-8 JSON, atomically."""
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


#: Seconds a run waits for another run writing to the same folder (default 0: refuse at once).
LOCK_WAIT_ENV = "KF_OUTPUT_LOCK_WAIT"
MANIFEST = "manifest.json"


def output_error(exc: OSError, target: Path) -> OutputError:
    """One line for a failed write of run outputs: where, why, what to do."""
    hints = {
        errno.ENOSPC: "Free some disk space and run again.",
        errno.EROFS: "It is on a read-only file system: choose another --out.",
        errno.EACCES: "No permission to write there: choose another --out.",
        errno.EPERM: "No permission to write there: choose another --out.",
        errno.ENOTDIR: "A part of that path is a file, not a folder: choose another --out.",
        errno.EEXIST: "A file of that name is in the way: choose another --out.",
    }
    where = exc.filename or target
    return OutputError(
        f"Cannot write the outputs to {target}: {exc.strerror or exc} ({where}).",
        hints.get(exc.errno or 0, "Check the path and the disk.")
        + " Nothing was half-written; earlier output is kept.",
    )


def _lock_wait() -> float:
    raw = os.environ.get(LOCK_WAIT_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else 0.0
    except ValueError:
        return 0.0


def lock_path(target: Path) -> Path:
    """The lock file of an output folder: in the system's temp folder (named by a hash of the
    folder's absolute path), so that nothing is left beside the outputs."""
    digest = hashlib.sha256(str(target).encode("utf-8")).hexdigest()[:20]
    return Path(tempfile.gettempdir()) / "kompetens-forecast-locks" / f"out-{digest}.lock"


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what a killed run left beside `target` (call with the folder's lock held):
    staging folders, and a previous output set moved aside whose swap did not finish (put
    back first if the target itself is gone)."""
    removed = []
    aside = sorted(target.parent.glob(f".{target.name}.old-*"))
    if aside and not target.exists():
        aside.pop().rename(target)  # the swap was cut between its two renames: undo it
    for path in [*target.parent.glob(f".{target.name}.staging-*"), *aside]:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _previous_set(target: Path) -> set[str] | None:
    """The files the previous run in `target` listed in its manifest (None: no run there)."""
    try:
        listed = json.loads((target / MANIFEST).read_text(encoding="utf-8")).get("outputs")
    except (OSError, ValueError, AttributeError):
        return None
    return {str(name) for name in listed} | {MANIFEST} if isinstance(listed, list) else None


def _publish(staging: Path, target: Path) -> None:
    """Put the staged files in place. A run's set (with a manifest) replaces the previous
    run's set as a whole: one folder swap when the folder holds nothing else, else file by
    file with the previous set's leftovers removed and the manifest moved last. Single-file
    commands replace only their own files."""
    if not target.exists():
        staging.rename(target)
        return
    new = _files(staging)
    present = _files(target)
    previous = _previous_set(target) if MANIFEST in new else None
    if MANIFEST in new and (not present or (previous is not None and present <= previous)):
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        aside.rmdir()
        target.rename(aside)
        staging.rename(target)
        shutil.rmtree(aside, ignore_errors=True)
        return
    for name in sorted(new - {MANIFEST}):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        (staging / name).replace(destination)
    if previous is not None:
        for name in sorted((previous & present) - new):
            (target / name).unlink(missing_ok=True)
        for directory in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                directory.rmdir()  # only empty ones, e.g. charts/ of a chart-less run
    if MANIFEST in new:
        (staging / MANIFEST).replace(target / MANIFEST)


def _check_target(target: Path) -> None:
    blocker = next((p for p in (target, *target.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        if blocker == target:
            raise OutputError(f"--out {target} is a file, not a folder.", "Choose another --out.")
        raise OutputError(
            f"Cannot write the outputs to {target}: {blocker} is a file, not a folder.",
            "Choose another --out.",
        )


def _locked(target: Path, lock: FileLock, wait: float) -> OutputError | None:
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        return OutputError(
            f"Another run is writing to {target}.",
            f"Wait for it to finish, or choose another --out (or set {LOCK_WAIT_ENV}=SECONDS "
            "to wait).",
        )
    return None


def preflight(target: Path) -> None:
    """Refuse an output folder before a run spends minutes computing: `--out` below a file,
    or a folder another run is writing to (and not waiting for it). `staged_directory`
    checks again when it writes."""
    target = target.expanduser().absolute()
    _check_target(target)
    if _lock_wait() > 0:
        return
    path = lock_path(target)
    if not path.exists():
        return
    lock = FileLock(str(path))
    problem = _locked(target, lock, 0)
    if problem is not None:
        raise problem
    lock.release()


@contextlib.contextmanager
def staged_directory(target: Path, *, lock_wait: float | None = None) -> Iterator[Path]:
    """Yield an empty staging directory; on success publish its files into `target`.

    One run at a time per folder (a lock file, `lock_path`; a second run waits `lock_wait` s,
    default env KF_OUTPUT_LOCK_WAIT or 0, then is refused with OutputError). Leftovers of a
    killed run are cleaned first. A failed run leaves the previous output as it was; a file
    system error (disk full, read-only, a file in the way) is one OutputError line.
    """
    target = target.expanduser().absolute()
    try:
        _check_target(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        path = lock_path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path))
        problem = _locked(target, lock, _lock_wait() if lock_wait is None else lock_wait)
    except OSError as exc:
        raise output_error(exc, target) from exc
    if problem is not None:
        raise problem
    try:
        clean_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
        try:
            yield staging
            for directory in (staging, *(p for p in staging.rglob("*") if p.is_dir())):
                apply_default_mode(directory)
            _publish(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise output_error(exc, target) from exc
    finally:
        lock.release()
