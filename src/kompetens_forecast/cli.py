"""The `forecast` command line: translates arguments to library calls and errors to exit codes.

Exit codes: 0 success; 1 a data or store problem (KFError); 2 a usage error (unknown region,
bad option value), reported as one line on stderr; 130 interrupted.
Data and paths go to stdout; progress and messages to stderr.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import click
import typer

from kompetens_forecast.errors import KFError, UsageError
from kompetens_forecast.languages import check_language

# Fast start: the library's heavy modules (pandas, statsmodels, matplotlib, pyarrow, duckdb,
# scipy, requests, …) are imported inside the commands that use them, never at module level,
# so that `forecast --help` and `--version` answer at once (benchmarks/cli_startup.py).
if TYPE_CHECKING:
    from rich.console import Console

    from kompetens_forecast.jobs.fetchers import Fetcher
    from kompetens_forecast.jobs.options import DataContext, Engine, ForecastSettings
    from kompetens_forecast.jobs.run import RunResult

DATA_DIR_ENV = "KF_DATA_DIR"  # = store.datasets.DATA_DIR_ENV (tested), without importing pandas
LANG_ENV = "KF_LANG"
QUIET_HELP = "No progress output on stderr."
LANG_HELP = "Language of labels, charts and tables: sv or en."
DEBUG_HELP = "Show the traceback of an error (and library warnings)."
DATA_DIR_HELP = "Data directory (default: the platform's user data directory)."

app = typer.Typer(
    name="forecast",
    help="Regional competence-need forecasts from SCB and Arbetsförmedlingen statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help: typer's rich help imports rich.markdown, pygments, … (≈ 0.1–0.5 s)
    rich_markup_mode=None,
)
ENGINE_HELP = (
    "Where the series are computed: local (a process pool, one BLAS thread per worker) or "
    "dask (dask.distributed; a LocalCluster unless --scheduler). Same numbers either way."
)
SCHEDULER_HELP = "Address of an existing Dask scheduler (tcp://HOST:8786); needs --engine dask."
WORKERS_HELP = "Worker processes (default: one per CPU)."

data_app = typer.Typer(
    help="Inspect the data directory and the embedded demo data.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")


@dataclass
class Settings:
    data_dir: Path | None
    quiet: bool
    lang: str
    debug: bool = False

    def context(self) -> DataContext:
        from kompetens_forecast.jobs.options import data_context

        return data_context(self.data_dir)


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


class _LazyConsole:
    """rich's Console for stderr, created on first use (importing rich.console takes time)."""

    _console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return getattr(self._console, name)


err_console = cast("Console", _LazyConsole())


def _stage_line(message: str) -> None:
    """Progress where stderr is not a terminal (CI logs): one timestamped line per stage."""
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} {message}", file=sys.stderr, flush=True)


@contextmanager
def _progress(settings: Settings, first: str) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on stderr (a line per step when stderr is not a
    terminal); nothing with --quiet."""
    if settings.quiet:
        yield lambda _message: None
        return
    if not err_console.is_terminal:
        _stage_line(first)
        yield _stage_line
        return
    with err_console.status(first) as status:
        yield lambda message: status.update(message)


def _version(value: bool) -> None:
    if value:
        from kompetens_forecast import __version__

        typer.echo(f"kompetens-forecast {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        envvar=DATA_DIR_ENV,
        help=DATA_DIR_HELP,
        file_okay=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    lang: str = typer.Option("sv", "--lang", envvar=LANG_ENV, help=LANG_HELP),
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Regional competence-need forecasts from SCB and Arbetsförmedlingen statistics.

    Global options may also follow the command (`forecast run --region 20 --lang en`)."""
    ctx.obj = Settings(data_dir=data_dir, quiet=quiet, lang=check_language(lang), debug=debug)


def _set_global(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the command: it overrides the one given before."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings) or value is None or value is False:
        return
    if param.name == "lang":
        settings.lang = check_language(str(value))
    elif param.name == "data_dir":
        settings.data_dir = Path(value)
    elif param.name == "quiet":
        settings.quiet = True
    elif param.name == "debug":
        settings.debug = True


def _global_options() -> list[click.Parameter]:
    """The root's options once more, for use after a command (values go to the root's
    Settings through `_set_global`; commands' own parameters are left untouched)."""

    def option(decls: list[str], help_text: str, **kwargs: Any) -> click.Parameter:
        return click.Option(
            decls,
            help=f"{help_text} (global option)",
            expose_value=False,
            callback=_set_global,
            **kwargs,
        )

    return [
        option(["--lang"], LANG_HELP, default=None, type=str),
        option(
            ["--data-dir", "data_dir"],
            "Data directory.",
            default=None,
            type=click.Path(file_okay=False, path_type=Path),
        ),
        option(["--quiet", "-q"], QUIET_HELP, is_flag=True, default=False),
        option(["--debug"], DEBUG_HELP, is_flag=True, default=False),
    ]


def _add_global_options(command: click.Command) -> None:
    """Give every subcommand the global options (except any a command defines itself)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            taken = {name for param in sub.params for name in param.opts}
            sub.params += [p for p in _global_options() if not taken & set(p.opts)]
            _add_global_options(sub)


def build_command() -> click.Command:
    """The click command tree of `forecast`, global options accepted after every command
    (used by `main` and by scripts/gen_cli_reference.py)."""
    command = typer.main.get_command(app)
    _add_global_options(command)
    return command


# Shared options as Annotated aliases (the sqlite-utils way): one declaration, every command
# that takes the option says so in its signature.
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output directory.", file_okay=False)]
SizeOption = Annotated[
    str,
    typer.Option(
        "--size",
        help="Chart size: a4 (16 cm wide, for an A4 report) or slide (16:9, 25.4 × 14.3 cm).",
    ),
]
RegionOption = Annotated[
    str,
    typer.Option(
        "--region",
        "-r",
        help="Region: 00 (riket), län (20, Dalarna), kommun (2080, Falun) or group id (SE31).",
    ),
]
CountiesOption = Annotated[
    str,
    typer.Option("--region", "-r", help="Riket (00), a county, or 'all' (riket and every county)."),
]
HorizonOption = Annotated[
    int | None, typer.Option("--horizon", help="Forecast horizon in years (default 5).")
]
NationalPathOption = Annotated[
    Path | None,
    typer.Option(
        "--national-path",
        help="CSV year;growth_pct: riket's total employment growth from a macro forecast.",
        dir_okay=False,
    ),
]
PdfOption = Annotated[
    bool, typer.Option("--pdf", help="Also faktablad.pdf (needs the pdf extra: WeasyPrint).")
]
FullOption = Annotated[
    bool,
    typer.Option(
        "--full", help="The fact sheet with an appendix: every chart, full methods, licences."
    ),
]
EngineOption = Annotated[str, typer.Option("--engine", help=ENGINE_HELP)]
SchedulerOption = Annotated[str | None, typer.Option("--scheduler", help=SCHEDULER_HELP)]
WorkersOption = Annotated[int | None, typer.Option("--workers", help=WORKERS_HELP)]
SearchOption = Annotated[
    str,
    typer.Option("--search", "-s", help="Filter by code or name (accents and case ignored)."),
]
OfflineOption = Annotated[bool, typer.Option("--offline", help="Use cached responses only.")]
DatasetOption = Annotated[str, typer.Option("--dataset", "-d", help="Dataset name.")]


def _forecast_settings(national_path: Path | None) -> ForecastSettings | None:
    """Default settings, with the external national path when one is given."""
    from kompetens_forecast.jobs.options import forecast_settings

    return forecast_settings(national_path)


def _start(ctx: typer.Context, region: str) -> Settings:
    """A region command's settings, after noting what else the region query could mean."""
    settings = _settings(ctx)
    _note_other_meanings(region)
    return settings


def _engine(engine: str, scheduler: str | None, workers: int | None) -> Engine:
    from kompetens_forecast.jobs.options import engine as engine_from_options

    return engine_from_options(engine, scheduler, workers)


def _write_region(
    ctx: typer.Context,
    runner: Callable[..., RunResult],
    region: str,
    out: Path,
    horizon: int | None,
    size: str,
    pdf: bool,
    goals: Path | None = None,
    national_path: Path | None = None,
    full: bool = False,
) -> None:
    """`run` and `report`: the same options, a different set of files."""
    from kompetens_forecast.jobs.outputs import preflight

    settings = _settings(ctx)
    preflight(out)  # a bad or busy --out is refused before minutes of computing
    _note_other_meanings(region)
    forecast_settings = _forecast_settings(national_path)
    with _progress(settings, "Starting") as progress:
        result = runner(
            region,
            out,
            ctx=settings.context(),
            horizon=horizon,
            settings=forecast_settings,
            lang=settings.lang,
            size=size,
            pdf=pdf,
            full=full,
            progress=progress,
            **({"goals": goals} if goals is not None else {}),
        )
    _print_result(settings, result)


@app.command()
def run(
    ctx: typer.Context,
    region: RegionOption,
    out: OutOption = Path("out"),
    horizon: HorizonOption = None,
    size: SizeOption = "a4",
    pdf: PdfOption = False,
    goals: Path | None = typer.Option(
        None, "--goals", dir_okay=False, help="Goals config (TOML): adds Mål and Måluppfyllelse."
    ),
    national_path: NationalPathOption = None,
    full: FullOption = False,
) -> None:
    """Indicators, forecasts, tables, charts and the fact sheet for one region."""
    from kompetens_forecast.jobs.run import run_region

    _write_region(ctx, run_region, region, out, horizon, size, pdf, goals, national_path, full)


@app.command()
def report(
    ctx: typer.Context,
    region: RegionOption,
    out: OutOption = Path("out"),
    horizon: HorizonOption = None,
    size: SizeOption = "a4",
    pdf: PdfOption = False,
    national_path: NationalPathOption = None,
    full: FullOption = False,
) -> None:
    """Report set only: tables.xlsx, csv/, tables.md, charts/, faktablad.html, manifest.json."""
    from kompetens_forecast.jobs.run import run_report

    _write_region(ctx, run_report, region, out, horizon, size, pdf, None, national_path, full)


def _print_result(settings: Settings, result: RunResult) -> None:
    sv = settings.lang == "sv"
    marker = ""
    if result.region_synthetic:
        marker = "  [SYNTETISKA DATA]" if sv else "  [SYNTHETIC DATA]"
    elif result.synthetic:
        marker = "  [kommundata: SYNTETISKA]" if sv else "  [municipal data: SYNTHETIC]"
    found = result.region
    typer.echo(f"# {found.code} {found.label(settings.lang)} ({found.level}){marker}")
    for path in result.files:
        typer.echo(str(path))
    for note in result.notes:
        err_console.print(f"[bold yellow]Note:[/] {note}", highlight=False, soft_wrap=True)


@app.command("forecast")
def forecast_command(
    ctx: typer.Context,
    region: str = typer.Option(
        ..., "--region", "-r", help="Region code or name, or 'all' (riket and every county)."
    ),
    horizon: HorizonOption = None,
    out: OutOption = Path("out"),
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    national_path: NationalPathOption = None,
) -> None:
    """Employment forecasts per occupation: writes OUT/forecast.parquet."""
    from kompetens_forecast.jobs.forecast import run_forecast

    settings = _start(ctx, region)
    chosen = _engine(engine, scheduler, workers)
    forecast_settings = _forecast_settings(national_path)
    with _progress(settings, "Forecasting"):
        path, frame = run_forecast(
            region,
            out,
            ctx=settings.context(),
            horizon=horizon,
            settings=forecast_settings,
            lang=settings.lang,
            engine=chosen,
        )
    typer.echo(str(path))
    if bool(frame["synthetic"].any()):
        err_console.print(
            "[bold yellow]Note:[/] the forecast uses SYNTHETIC municipal demo data.",
            highlight=False,
        )


@app.command("backtest")
def backtest_command(
    ctx: typer.Context,
    region: CountiesOption,
    out: OutOption = Path("out"),
    horizon: int = typer.Option(3, "--horizon", help="Backtest horizons 1..N years (default 3)."),
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Rolling-origin backtests: writes OUT/backtest.parquet and OUT/backtest_summary.json."""
    from kompetens_forecast.jobs.backtest import run_backtest

    settings = _start(ctx, region)
    chosen = _engine(engine, scheduler, workers)
    with _progress(settings, "Backtesting"):
        path, _frame, summary = run_backtest(
            region, out, ctx=settings.context(), horizons=horizon, engine=chosen
        )
    typer.echo(str(path))
    if settings.quiet:
        return
    for row in summary["by_horizon"]:
        err_console.print(
            f"h={row['horizon']}: MASE {_num(row['mase_mean'])} (naive "
            f"{_num(row['mase_mean_naive'])}, share-naive {_num(row['mase_mean_share_naive'])}); "
            f"error ratio vs naive {_num(row['mase_ratio_naive'])} (abs errors "
            f"{_num(row['abs_error_ratio_naive'])}), vs share-naive "
            f"{_num(row['mase_ratio_share_naive'])}; cells beating naive "
            f"{_pct(row['share_cells_beating_naive'])}; direction "
            f"{_pct(row['direction_accuracy'])} (up/down {_pct(row['direction_accuracy_up_down'])}"
            f", naive {_pct(row['direction_accuracy_naive'])}); 80 % coverage "
            f"{_pct(row['coverage'])} (normal-theory {_pct(row['coverage_normal'])}); "
            f"n={row['rows']}",
            highlight=False,
            soft_wrap=True,
        )
    err_console.print(
        "[bold yellow]Note:[/] history and actuals are break-adjusted (value_adj).",
        highlight=False,
    )


@app.command()
def outlook(
    ctx: typer.Context,
    region: CountiesOption,
    out: OutOption = Path("out"),
) -> None:
    """Outlook class per occupation (shortage status × demand): writes OUT/outlook.parquet."""
    from kompetens_forecast.jobs.outlook import run_outlook

    settings = _start(ctx, region)
    with _progress(settings, "Outlook"):
        path, frame, provenance = run_outlook(region, out, ctx=settings.context())
    typer.echo(str(path))
    if settings.quiet:
        return
    for name, count in frame["outlook"].value_counts().items():
        err_console.print(f"{name or '–'}: {count}", highlight=False)
    if not provenance["parameters"]["replacement_included"]:
        err_console.print(
            "[bold yellow]Note:[/] without employment_age_ssyk3 the openings are expansion "
            "demand only (no replacement demand).",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def indicators(
    ctx: typer.Context,
    region: str = typer.Option(..., "--region", "-r", help="Region code or name, or 'all'."),
    out: OutOption = Path("out"),
) -> None:
    """Regional indicators per occupation: writes OUT/indicators.parquet (and, with AF job ads
    and jobseekers fetched, OUT/labour_market.parquet: Beveridge points, mismatch index)."""
    from kompetens_forecast.jobs.indicators import run_indicators

    settings = _start(ctx, region)
    with _progress(settings, "Computing indicators"):
        paths, frame = run_indicators(region, out, ctx=settings.context(), lang=settings.lang)
    for path in paths:
        typer.echo(str(path))
    if bool(frame["synthetic"].any()):
        err_console.print(
            "[bold yellow]Note:[/] municipal rows use SYNTHETIC demo data.", highlight=False
        )


@app.command()
def shortage(
    ctx: typer.Context,
    region: str = typer.Option(
        ..., "--region", "-r", help="Riket (00), a county, a county group (SE31), or 'all'."
    ),
    out: OutOption = Path("out"),
    candidates: bool = typer.Option(
        True,
        "--candidates/--no-candidates",
        help="Also cross-validate every candidate procedure of configs/shortage.toml "
        "(about a minute; written to shortage_report.json).",
    ),
) -> None:
    """Shortage status per occupation (score, brist/balans/överskott/paradox, AF beside it)."""
    from kompetens_forecast.jobs.shortage import run_shortage, shortage_summary_lines

    settings = _start(ctx, region)
    with _progress(settings, "Scoring shortage"):
        path, _frame, report = run_shortage(
            region, out, ctx=settings.context(), candidates=candidates
        )
    typer.echo(str(path))
    for line in shortage_summary_lines(report):
        typer.echo(line)


def _num(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else "–"


def _pct(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, float) else "–"


@app.command()
def regions(
    ctx: typer.Context,
    search: SearchOption = "",
) -> None:
    """List regions: code, name, level, county (tab-separated, with a header row)."""
    from kompetens_forecast.jobs.lists import find_regions

    settings = _settings(ctx)
    rows = [
        f"{region.code}\t{region.label(settings.lang)}\t{region.level}\t{region.lan_code or ''}"
        for region in find_regions(search)
    ]
    missing = UsageError(
        f"No region matches '{search}'.", "Try `forecast regions` for the full list."
    )
    _echo_listing(rows, missing, header="code\tname\tlevel\tcounty")


@app.command()
def occupations(
    ctx: typer.Context,
    search: SearchOption = "",
    level: int | None = typer.Option(None, "--level", help="SSYK level 1–4."),
) -> None:
    """List SSYK 2012 occupations: code, level, label (tab-separated)."""
    from kompetens_forecast.jobs.lists import find_occupations

    settings = _settings(ctx)
    rows = [
        f"{occupation.code}\t{occupation.level}\t{occupation.label(settings.lang)}"
        for occupation in find_occupations(search, level)
    ]
    missing = UsageError(
        f"No occupation matches '{search}'.", "Try `forecast occupations --level 4`."
    )
    _echo_listing(rows, missing)


def _echo_listing(rows: list[str], missing: UsageError, header: str | None = None) -> None:
    """A listing's rows on stdout (after its header); no rows is `missing`, a usage error."""
    if not rows:
        raise missing
    for line in [header, *rows] if header is not None else rows:
        typer.echo(line)


@app.command()
def fetch(
    ctx: typer.Context,
    dataset: list[str] = typer.Option([], "--dataset", "-d", help="Dataset name (repeatable)."),
    all_datasets: bool = typer.Option(False, "--all", help="Every dataset (SCB catalog and AF)."),
    offline: OfflineOption = False,
    refresh: bool = typer.Option(
        False, "--refresh", help="Ignore the cache; fetch even if unchanged."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan: calls, cells, time."),
    year: list[int] = typer.Option([], "--year", help="job_ads_history: year(s) of AF's files."),
    file: Path | None = typer.Option(
        None,
        "--file",
        exists=True,
        help="job_ads_history/_snapshot: a local .jsonl(.zip); jobseekers: a CSV.",
    ),
    kpi: list[str] = typer.Option([], "--kpi", help="kolada: KPI id(s), e.g. N00914."),
    due: bool = typer.Option(
        False, "--due", help="Only what `forecast calendar` says is due (or never fetched)."
    ),
    accept_changes: bool = typer.Option(
        False,
        "--accept-changes",
        help="Make a new vintage current even if regions, codes or dimensions changed upstream.",
    ),
) -> None:
    """Fetch datasets into the data directory: SCB catalog datasets (env KF_SCB_BASE_URL) and
    Arbetsförmedlingen's (yrkesbarometer, taxonomy, job ads; env KF_AF_DATA_BASE_URL, …)."""
    from kompetens_forecast.jobs.fetchers import Fetcher

    settings = _settings(ctx)
    fetcher = Fetcher(
        settings.context(),
        offline=offline,
        refresh=refresh,
        quick=dry_run,
        accept_changes=accept_changes,
    )
    if due:
        names = _due_names(settings, fetcher, bool(dataset) or all_datasets)
    elif all_datasets == bool(dataset):
        raise UsageError(
            "Give --dataset NAME (repeatable), --all or --due: one of them.",
            f"Datasets: {', '.join(fetcher.names())}.",
        )
    else:
        names = fetcher.all_names() if all_datasets else [fetcher.check(name) for name in dataset]
    typer.echo("dataset\tstatus\ttables\tcalls\tcells\tseconds_at_rate\tvintage")
    failures = 0
    for name in names:
        try:
            with _fetch_progress(settings) as progress:
                result = fetcher.fetch(
                    name, dry_run=dry_run, progress=progress, years=year, path=file, kpis=kpi
                )
        except KFError as exc:
            if len(names) == 1:
                raise
            failures += 1
            err_console.print(f"Error: {name}: {exc.one_line()}", highlight=False, markup=False)
            continue
        vintage = result.manifest.vintage if result.manifest else ""
        for note in result.notes:
            err_console.print(
                f"Note: {name}: {note}", highlight=False, markup=False, soft_wrap=True
            )
        typer.echo(
            f"{name}\t{result.status}\t{','.join(result.tables)}\t{result.calls}\t"
            f"{result.cells}\t{result.seconds_at_rate:.0f}\t{vintage}"
        )
    if failures:
        raise KFError(f"{failures} of {len(names)} datasets failed; the others were fetched.")


@app.command()
def search(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="Words to look for in SCB's table titles."),
    offline: OfflineOption = False,
) -> None:
    """Search SCB's tables (PxWebApi 2 /tables?query=): id, period, updated, title."""
    from kompetens_forecast.jobs.fetch import scb_clients

    settings = _settings(ctx)
    clients = scb_clients(
        settings.context().data_dir, offline=offline, refresh=False, lang=settings.lang
    )
    for info in clients.v2.search(text):
        period = f"{info.first_period or ''}–{info.last_period or ''}"
        typer.echo(f"{info.id}\t{period}\t{info.updated or ''}\t{info.label}")


@data_app.command("export")
def data_export(
    ctx: typer.Context,
    dataset: str = typer.Option(
        ..., "--dataset", "-d", help="Dataset name (see `forecast data status`)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="FILE.parquet or FILE.csv", dir_okay=False),
) -> None:
    """Write the dataset in use (fetched, else demo) in the canonical layout."""
    from kompetens_forecast.jobs.export import export_dataset

    settings = _settings(ctx)
    path = export_dataset(settings.context(), dataset, out)
    typer.echo(str(path))


@data_app.command("vintages")
def data_vintages(
    ctx: typer.Context,
    dataset: DatasetOption,
) -> None:
    """Vintages of a fetched dataset: vintage, current, rows, retrieved_at, state."""
    from kompetens_forecast.jobs.lists import vintages

    typer.echo("vintage\tcurrent\trows\tretrieved_at\tstate")
    for row in vintages(_settings(ctx).context(), dataset):
        typer.echo(
            f"{row.vintage}\t{'yes' if row.current else 'no'}\t{row.rows}\t"
            f"{row.retrieved_at}\t{row.state}"
        )


@data_app.command("use")
def data_use(
    ctx: typer.Context,
    dataset: DatasetOption,
    vintage: str = typer.Option(
        ..., "--vintage", help="Vintage to make current (see `forecast data vintages`)."
    ),
) -> None:
    """Make another vintage of a fetched dataset current (go back, or take one kept aside)."""
    from kompetens_forecast.jobs.lists import set_vintage

    manifest = set_vintage(_settings(ctx).context(), dataset, vintage)
    typer.echo(f"{manifest.dataset}\t{manifest.vintage}")


@app.command()
def doctor(
    ctx: typer.Context,
    offline: bool = typer.Option(
        False, "--offline", help="Skip the checks that ask the servers (reachability, catalog)."
    ),
) -> None:
    """Check the APIs (reachability, limits), the cache and store (checksums), stale locks and
    staging folders, and catalog tables changed upstream; each problem with what to do."""
    from kompetens_forecast.jobs.doctor import run_checks

    settings = _settings(ctx)
    with _progress(settings, "Checking"):
        checks = run_checks(settings.context(), offline=offline)
    typer.echo("status\tcheck\tdetail\twhat_to_do")
    for check in checks:
        typer.echo(f"{check.status}\t{check.name}\t{check.detail}\t{check.remedy}")
    failed = [c for c in checks if c.status == "fail"]
    if failed:
        raise KFError(
            f"{len(failed)} of {len(checks)} checks failed: "
            + "; ".join(f"{c.name}: {c.detail}" for c in failed[:3])
            + ("; …" if len(failed) > 3 else "")
        )


@data_app.command("status")
def data_status(ctx: typer.Context) -> None:
    """Datasets available to runs: fetched data (store) before the embedded demo (demo)."""
    settings = _settings(ctx)
    context = settings.context()
    typer.echo(f"# data directory: {context.data_dir}")
    typer.echo(
        "dataset\torigin\tin_use\tsource\tvintage\trows\tretrieved_at\tsynthetic\ttables\tlicence"
    )
    for origin, manifest, in_use in context.status():
        cells = [
            manifest.dataset,
            origin,
            "yes" if in_use else "no",
            manifest.source,
            manifest.vintage,
            str(manifest.rows),
            manifest.retrieved_at,
            "SYNTHETIC" if manifest.synthetic else "no",
            ", ".join(manifest.table_ids),
            " ".join(manifest.licence.split()),
        ]
        typer.echo("\t".join(cells))


@contextmanager
def _fetch_progress(settings: Settings) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per table on stderr (cells received of cells asked for); a line per
    table when stderr is not a terminal."""
    if settings.quiet:
        yield lambda _what, _done, _total: None
        return
    if not err_console.is_terminal:
        seen: set[str] = set()

        def line(what: str, _done: int, total: int) -> None:
            if what not in seen:
                seen.add(what)
                _stage_line(what)

        yield line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def _due_names(settings: Settings, fetcher: Fetcher, also_named: bool) -> list[str]:
    """`fetch --due`: the datasets the calendar says are due and can be fetched alone."""
    from kompetens_forecast.jobs.lists import due_datasets

    if also_named:
        raise UsageError("--due chooses the datasets itself: leave out --dataset and --all.")
    names, skipped = due_datasets(settings.context())
    if skipped and not settings.quiet:
        err_console.print(
            f"[bold yellow]Note:[/] due but not fetched alone: {', '.join(skipped)} "
            "(they need --year, --file or --kpi).",
            highlight=False,
            soft_wrap=True,
        )
    return [n for n in names if n in fetcher.names()]


@app.command()
def goals(
    ctx: typer.Context,
    config: Path = typer.Option(
        ..., "--config", "-c", dir_okay=False, help="Goals config (TOML), see configs/goals/."
    ),
    region: str | None = typer.Option(
        None, "--region", "-r", help="Follow the goals up for this region instead (code or name)."
    ),
    out: OutOption = Path("out"),
    lang: str | None = typer.Option(None, "--lang", help="sv or en (default: the global --lang)."),
    size: SizeOption = "a4",
) -> None:
    """Follow up goals (målnivåer): OUT/goals.parquet, goals.xlsx, charts/13_mal.png/.svg."""
    from kompetens_forecast.jobs.goals import run_goals

    settings = _settings(ctx)
    chosen = check_language(lang) if lang is not None else settings.lang
    with _progress(settings, "Following up goals"):
        run = run_goals(config, out, ctx=settings.context(), region=region, lang=chosen, size=size)
    for path in run.files:
        typer.echo(str(path))
    if settings.quiet:
        return
    for _, row in run.result.summary.iterrows():
        err_console.print(
            f"{row['goal_id']} ({row['region_code']}): {row['status_label']}",
            highlight=False,
        )
    for note in run.notes:
        err_console.print(f"[bold yellow]Note:[/] {note}", highlight=False, soft_wrap=True)
    if run.result.synthetic:
        err_console.print(
            "[bold yellow]Note:[/] some goals use SYNTHETIC demo data.", highlight=False
        )


@app.command("calendar")
def calendar_command(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", help="Calendar year (default: this year)."),
    out: OutOption = Path("out"),
    size: SizeOption = "a4",
) -> None:
    """Publication calendar (årshjul): OUT/calendar.ics, calendar.csv, charts/arshjul.png/.svg."""
    from kompetens_forecast.jobs.calendar import run_calendar

    settings = _settings(ctx)
    with _progress(settings, "Planning the calendar"):
        run = run_calendar(out, ctx=settings.context(), year=year, lang=settings.lang, size=size)
    for path in run.files:
        typer.echo(str(path))
    if not settings.quiet:
        due = [r.cadence.dataset for r in run.releases if r.due]
        err_console.print(
            f"Due now: {', '.join(due) or 'nothing'}.", highlight=False, soft_wrap=True
        )


@app.command("refresh")
def refresh_command(
    ctx: typer.Context,
    config: Path = typer.Option(
        ..., "--config", "-c", dir_okay=False, help="Refresh config (TOML), see configs/refresh/."
    ),
    exit_code: bool = typer.Option(
        False, "--exit-code", help="Exit 3 when nothing changed (like git diff --exit-code)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would be fetched and rebuilt; write nothing."
    ),
) -> None:
    """Scheduled jobs: fetch what is due or changed, rebuild the regions whose inputs changed,
    write OUT/refresh.json. Exit 0; with --exit-code 3 when nothing changed."""
    from kompetens_forecast.jobs.refresh_config import load_refresh_config

    settings, checked = _settings(ctx), load_refresh_config(config)  # before the heavy imports
    with _progress(settings, "Refreshing") as progress:
        from kompetens_forecast.jobs.refresh import print_lines, run_refresh

        report = run_refresh(checked, ctx=settings.context(), dry_run=dry_run, progress=progress)
    for line in print_lines(report):
        typer.echo(line)
    if report.failures:
        where = "" if dry_run else " (see refresh.json)"
        raise KFError(f"Refresh incomplete: {', '.join(report.failures)} failed{where}.")
    if exit_code and not report.changed:
        raise typer.Exit(3)


def _note_other_meanings(region: str) -> None:
    """Say on stderr what else an ambiguous region name could mean ("Stockholm" is the kommun;
    the county is 01). Unknown names are left to the command, which reports them."""
    from kompetens_forecast.jobs.lists import other_meanings

    found = other_meanings(region)
    if found is None:
        return
    chosen, others = found
    if others:
        kinds = {
            "riket": "riket",
            "lan": "the county",
            "kommun": "the kommun",
            "group": "the group",
        }
        alternatives = "; ".join(f"for {kinds[r.level]} use {r.code} ({r.name})" for r in others)
        err_console.print(
            f"[bold yellow]Note:[/] {region.strip()} = {chosen.code} {chosen.name} "
            f"({chosen.level}); {alternatives}.",
            highlight=False,
            soft_wrap=True,
        )


def _fail(message: str, code: int) -> None:
    err_console.print(f"Error: {message}", highlight=False, markup=False, soft_wrap=True)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; maps library errors to one-line messages and exit codes.

    Library warnings are not shown and unexpected errors are one line, unless --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args[: args.index("--")] if "--" in args else "--debug" in args
    command = build_command()
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            code = command.main(args=args, prog_name="forecast", standalone_mode=False)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _fail_for(exc)
    except KeyboardInterrupt:
        _fail(interrupted_message(list(args)), 130)
    if code == 130:  # typer turns KeyboardInterrupt into Exit(130), silently
        _fail(interrupted_message(list(args)), 130)
    raise SystemExit(code if isinstance(code, int) else 0)


def interrupted_message(argv: list[str]) -> str:
    """'Avbrutet.' or 'Interrupted.' in the language asked for (--lang or KF_LANG; sv)."""
    lang = os.environ.get(LANG_ENV, "sv")
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return "Interrupted." if lang == "en" else "Avbrutet."


def _os_error_line(exc: OSError) -> str:
    """One line for a failed file operation: what, where, and what to do."""
    where = f" {exc.filename}" if exc.filename else ""
    hints = {
        errno.ENOSPC: "Free some disk space and run again.",
        errno.EROFS: "The folder is on a read-only file system: choose another --out.",
        errno.EACCES: "No permission to write there: choose another --out or folder.",
        errno.EPERM: "No permission to write there: choose another --out or folder.",
        errno.ENOTDIR: "A part of that path is a file, not a folder: choose another --out.",
        errno.EEXIST: "A file of that name is in the way: choose another --out.",
    }
    hint = hints.get(exc.errno or 0, "Check the path and the disk, then run again.")
    return f"cannot write{where}: {exc.strerror or exc}. {hint} Nothing was half-written."


def _fail_for(exc: Exception) -> None:
    """The one-line message and exit code of an error."""
    if isinstance(exc, UsageError):
        _fail(exc.one_line(), 2)
    if isinstance(exc, KFError):
        _fail(exc.one_line(), 1)
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        exc.show()  # the help, on stderr (a command was expected)
        raise SystemExit(2) from None
    if isinstance(exc, click.UsageError):
        command_name = exc.ctx.command_path if exc.ctx else "forecast"
        _fail(f"{exc.format_message()} See `{command_name} --help`.", 2)
    if isinstance(exc, click.ClickException):
        _fail(exc.format_message(), exc.exit_code)
    if isinstance(exc, click.Abort):
        _fail(interrupted_message(sys.argv[1:]), 130)
    if isinstance(exc, OSError):
        _fail(_os_error_line(exc), 1)
    _fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", 1)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
