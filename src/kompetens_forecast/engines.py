"""Where the per-series forecast and backtest work runs: in-process, a local process pool, or
a Dask cluster (`--engine local|dask`, `--scheduler ADDRESS`).

Work is split into chunks of whole regions (every series of a region in one chunk); each chunk
is computed by the same function whatever the engine, and results are put back in chunk order,
so every engine gives the same numbers. Pooled steps (interval calibration, reconciliation)
run afterwards in the calling process.

- `inline`: no parallelism (one chunk, this process) — what the library does by default.
- `local`: `concurrent.futures.ProcessPoolExecutor`; each worker limits BLAS/OpenMP threads to
  one (threadpoolctl when installed, plus the usual environment variables), so N workers use N
  cores instead of N × cores threads fighting over them.
- `dask`: `dask.distributed.Client` on `scheduler` (an existing cluster) or on a new
  `LocalCluster`; needs the extra `pip install kompetens-forecast[dask]`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from kompetens_forecast.errors import InvalidOptionError, KFError, MissingExtraError

ENGINES = ("inline", "local", "dask")
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
DASK_HINT = "Install the extra: pip install kompetens-forecast[dask]"

T = TypeVar("T")
R = TypeVar("R")


def limit_blas_threads() -> None:
    """Worker initializer: one BLAS/OpenMP thread per process."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    try:
        threadpoolctl: Any = importlib.import_module("threadpoolctl")
    except ImportError:  # numpy's own BLAS then follows the variables where it still can
        return
    threadpoolctl.threadpool_limits(1)


@dataclass(frozen=True)
class Engine:
    """How to map a function over chunks. `workers` None = one per CPU (local engine)."""

    name: str = "inline"
    workers: int | None = None
    scheduler: str | None = None
    processes: bool = True  # Dask LocalCluster: worker processes (False: threads, for tests)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise InvalidOptionError(
                f"Unknown engine '{self.name}'.", f"Choose one of: {', '.join(ENGINES)}."
            )
        if self.scheduler and self.name != "dask":
            raise InvalidOptionError(
                "--scheduler needs --engine dask.", "Add --engine dask or drop --scheduler."
            )
        if self.workers is not None and self.workers < 1:
            raise InvalidOptionError(f"Invalid worker count {self.workers}.", "Use 1 or more.")

    def n_chunks(self) -> int:
        """How many chunks to cut the work into for this engine."""
        if self.name == "inline":
            return 1
        return 2 * (self.workers or os.cpu_count() or 1)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """fn over items, results in the order of items."""
        if self.name == "dask":  # even one chunk: the user asked for the cluster
            return _dask_map(fn, items, self)
        if self.name == "inline" or len(items) <= 1:
            return [fn(item) for item in items]
        workers = min(self.workers or os.cpu_count() or 1, len(items))
        with ProcessPoolExecutor(workers, initializer=limit_blas_threads) as pool:
            return list(pool.map(fn, items))


def _dask_map(fn: Callable[[T], R], items: Sequence[T], engine: Engine) -> list[R]:
    try:  # imported by name: an optional extra without type information
        distributed: Any = importlib.import_module("dask.distributed")
    except ImportError as exc:
        raise MissingExtraError("--engine dask needs dask.distributed.", DASK_HINT) from exc
    client: Any
    if engine.scheduler:
        try:
            client = distributed.Client(engine.scheduler, timeout="10s")
        except OSError as exc:
            raise KFError(
                f"Cannot reach the Dask scheduler at {engine.scheduler}.",
                "Check the address (tcp://HOST:8786) and that the scheduler runs.",
            ) from exc
        with client:
            return _gather(client, fn, items)
    cluster = distributed.LocalCluster(
        n_workers=engine.workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=engine.processes,
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as client:
        if engine.processes:
            client.run(limit_blas_threads)
        return _gather(client, fn, items)


def _gather(client: Any, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    futures = client.map(fn, list(items), pure=False)
    return list(client.gather(futures))


def engine_from_options(name: str, scheduler: str | None, workers: int | None = None) -> Engine:
    """The engine the CLI options ask for (`local` by default)."""
    return Engine(name.strip().lower(), workers=workers, scheduler=scheduler)
