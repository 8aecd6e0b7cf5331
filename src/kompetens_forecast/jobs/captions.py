"""The words a run puts under its charts and in its manifest: source captions, the fact
sheet's citations, the national-path note, and why a chart was left out."""

from __future__ import annotations

from collections.abc import Sequence

from kompetens_forecast import __version__
from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.classify.regions import Region
from kompetens_forecast.goals.evaluate import GoalsResult
from kompetens_forecast.languages import translate
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.citation import human_source, source_line
from kompetens_forecast.store.datasets import LoadedDataset
from kompetens_forecast.store.manifest import Manifest


def in_sentence(region: Region, lang: str) -> str:
    """The region's name as it reads inside a sentence ('i riket', 'in Sweden')."""
    if region.code == RIKET:
        return "riket" if lang == "sv" else "Sweden"
    return region.label(lang)


def caption(datasets: Sequence[LoadedDataset], lang: str, synthetic: bool) -> str:
    """The chart/table source line: the statistics in plain words (store.citation), the
    synthetic-data note where it applies, and the tool that processed them."""
    lines = [source_line([d.manifest for d in datasets], lang)]
    if synthetic:
        lines.append(translate("chart.synthetic_source", lang))
    lines.append(translate("chart.processing", lang, version=__version__))
    return "; ".join(line for line in lines if line)


def citations(manifests: Sequence[Manifest], lang: str) -> list[str]:
    """The fact sheet's source list: one plain-words line per statistic, then one line for the
    synthetic data where any are used."""
    lines: list[str] = []
    for manifest in manifests:
        line = human_source(manifest, lang) if not manifest.synthetic else ""
        if line and line not in lines:
            lines.append(line)
    if any(m.synthetic for m in manifests):
        lines.append(translate("chart.synthetic_source", lang))
    return lines


def national_path_note(settings: ForecastSettings, lang: str) -> str:
    """The caption's note on an external national path (empty without one)."""
    path = settings.national_path
    if path is None:
        return ""
    if lang == "sv":
        return f"; Riksprognos för total sysselsättning: {path.source}"
    return f"; National path for total employment: {path.source}"


SKIP_REASONS = {
    "lq": "location quotients compare a region with riket; riket's own are all 1",
    "sub": "the region has no sub-regions with data",
    "matching": "dataset matching_grade_county is not available for this region "
    "(forecast fetch --dataset matching_grade_county; counties and riket only)",
    "shortage": "shortage status is computed for riket and counties (SSYK-4) with AF "
    "Yrkesbarometer labels",
}


def goals_caption(result: GoalsResult, lang: str) -> str:
    """Sources of the goals' series (each dataset once, own files by name), the synthetic
    note where it applies, and the tool version: the line under the goals chart and sheet."""
    parts = [source_line([d.manifest for d in result.datasets], lang)]
    files = result.summary.loc[result.summary["indicator"].str.startswith("csv:"), "source"]
    own = "Egen fil" if lang == "sv" else "Own file"
    parts += [f"{own}: {name}" for name in dict.fromkeys(files) if name]
    if result.synthetic:
        parts.append(translate("chart.synthetic_source", lang))
    parts.append(translate("chart.processing", lang, version=__version__))
    return "; ".join(part for part in parts if part)
