"""`forecast goals`: evaluate a goals config and write goals.parquet, goals.xlsx and the chart.

Everything is validated (config, regions, language, size) before a byte is written; the files
are written into a staging directory and published together (outputs.staged_directory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.goals.config import GoalsConfig, load_goals_config
from kompetens_forecast.goals.evaluate import GoalsResult, evaluate_goals
from kompetens_forecast.jobs.captions import goals_caption
from kompetens_forecast.jobs.outputs import (
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.jobs.provenance import output_provenance
from kompetens_forecast.jobs.shortage import score_all
from kompetens_forecast.languages import check_language, translate
from kompetens_forecast.report.charts_goals import goals_chart
from kompetens_forecast.report.figure import ChartContext, check_size
from kompetens_forecast.report.goals_sheet import goals_sheet
from kompetens_forecast.report.tables import sources_sheet
from kompetens_forecast.report.workbook import write_workbook
from kompetens_forecast.store.datasets import DataContext


@dataclass
class GoalsRun:
    result: GoalsResult
    files: list[Path]
    notes: list[str] = field(default_factory=list)


def goals_provenance(config: GoalsConfig, result: GoalsResult) -> dict[str, object]:
    rules = config.rules
    return output_provenance(
        result.datasets,
        result.synthetic,
        {
            "goals_config": str(config.path),
            "rules": {
                "tolerance": rules.tolerance,
                "trend_years": rules.trend_years,
                "min_points": rules.min_points,
            },
        },
        synthetic_datasets=sorted(
            d.manifest.dataset for d in result.datasets if d.manifest.synthetic
        ),
        counts=result.counts(),
        notes=result.notes,
    )


def run_goals(
    config_path: Path,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    region: str | None = None,
    lang: str = "sv",
    size: str = "a4",
) -> GoalsRun:
    """Evaluate the goals in `config_path` (for `region` if given) and write them to `out_dir`:
    goals.parquet, goals.xlsx (sheet Mål and Källor), charts/13_mal.png/.svg, manifest.json."""
    check_language(lang)
    check_size(size)
    registry = default_registry()
    config = load_goals_config(config_path, region=region, registry=registry)
    result = evaluate_goals(config, ctx=ctx, lang=lang, registry=registry, score_shortage=score_all)
    caption = goals_caption(result, lang)
    provenance = goals_provenance(config, result)
    regions = {code for goal in config.goals for code in goal.regions}
    in_region = registry.get(next(iter(regions))).label(lang) if len(regions) == 1 else ""
    names = ["goals.parquet", "goals.xlsx"]
    with staged_directory(out_dir) as staging:
        write_parquet(result.frame, staging / "goals.parquet", provenance)
        note = (
            f"{caption} – {translate('chart.synthetic_banner', lang)}"
            if result.synthetic
            else caption
        )
        sheets = [goals_sheet(result, note, lang)]
        if result.datasets:
            sheets.append(sources_sheet(provenance["datasets"], caption, lang))  # type: ignore[arg-type]
        write_workbook(staging / "goals.xlsx", sheets)
        chart_ctx = ChartContext(in_region, lang, caption, result.synthetic, size)
        charts = goals_chart(result, chart_ctx, staging / "charts", in_region)
        names += [f"charts/{p.name}" for p in charts]
        provenance["outputs"] = [*names, "manifest.json"]
        write_json(staging / "manifest.json", provenance)
        names.append("manifest.json")
    return GoalsRun(result, [out_dir / name for name in names], result.notes)
