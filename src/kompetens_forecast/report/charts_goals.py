"""The goals chart: one small panel per goal × region, titled with the finding.

Each panel shows the actual series (solid), the straight path from baseline to target
(dashed), the target (a ring at the target year), the projection (dotted, with its 80 %
interval as a bar where the indicator has one) and the status as a coloured label. The
figure's title counts the goals on track ("3 av 5 mål i fas").
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kompetens_forecast.goals.evaluate import GoalsResult
from kompetens_forecast.report import palette
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    save,
    styled_figure,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int

CHART_NAME = "13_mal"
#: Traffic-light colours of their own (report/palette.py), distinct from the shortage chart's.
STATUS_COLOURS = palette.GOAL_STATUS
ACTUAL, PATH = palette.REGION, palette.MUTED
TEXT = {
    "sv": {
        "title": "{n} av {m} mål i fas",
        "title_region": "{n} av {m} mål i fas i {region}",
        "missing": "; {k} saknar uppgift",
        "sub": "Utfall (heldragen), väg från utgångsläge till mål (streckad), mål (ring) och "
        "prognos eller trend till målåret (prickad).",
        "actual": "Utfall",
        "path": "Väg till målet",
        "target": "Mål",
        "projected": "Prognos/trend",
        "no_data": "uppgift saknas",
    },
    "en": {
        "title": "{n} of {m} goals on track",
        "title_region": "{n} of {m} goals on track in {region}",
        "missing": "; {k} without data",
        "sub": "Actual (solid), path from baseline to target (dashed), target (ring) and "
        "forecast or trend to the target year (dotted).",
        "actual": "Actual",
        "path": "Path to target",
        "target": "Target",
        "projected": "Forecast/trend",
        "no_data": "no data",
    },
}


def _fmt(value: float, lang: str) -> str:
    if not math.isfinite(value):
        return "–"
    return fmt_int(value, lang) if abs(value) >= 100 else fmt_decimal(value, lang, 1)


def goals_title(result: GoalsResult, lang: str, region: str = "") -> str:
    """The finding: how many of the goals (× regions) are on track."""
    summary = result.summary
    n, m = int((summary["status"] == "on_track").sum()), len(summary)
    key = "title_region" if region else "title"
    missing = int((summary["status"] == "no_data").sum())
    tail = TEXT[lang]["missing"].format(k=missing) if missing else ""
    return TEXT[lang][key].format(n=n, m=m, region=region) + tail


def _panel(ax: Axes, frame: pd.DataFrame, row: pd.Series, lang: str) -> None:
    text = TEXT[lang]
    status = str(row["status"])
    colour = STATUS_COLOURS[status]
    label = f"{row['title']}" + (f" – {row['region_name']}" if row["multi_region"] else "")
    ax.set_title(wrap_label(label, 32, 2), loc="left", fontsize=7.5)
    # the status sits right of the title, outside the plot, so it never hides a data point
    ax.text(
        1.0,
        1.03,
        str(row["status_label"]),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        fontweight="bold",
        color="white",
        bbox={"facecolor": colour, "edgecolor": "none", "boxstyle": "round,pad=0.25"},
    )
    if status == "no_data":
        ax.set_xlim(row["baseline_year"] - 0.5, row["target_year"] + 0.5)
        ax.set_yticks([])
        ax.grid(visible=False)
        ax.spines["left"].set_visible(False)
        target = f"{text['target']}: {_fmt(float(row['target']), lang)} ({row['target_year']})"
        ax.text(
            0.5,
            0.5,
            f"{text['no_data']}\n{target}",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=palette.GOAL_MARK,
            fontsize=7,
        )
        ax.tick_params(labelsize=6.5)
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        return
    ax.grid(axis="y", color=palette.GRID, linewidth=0.6)
    ax.grid(axis="x", visible=False)
    actual = frame.dropna(subset=["value"])
    observed = actual[actual["year"] <= (row["latest_year"] or actual["year"].max() or 0)]
    ahead = actual[actual["year"] > (row["latest_year"] or 9999)]
    if not observed.empty:
        marker = "o" if len(observed) == 1 else None  # a single value is a point, not a line
        ax.plot(
            observed["year"],
            observed["value"],
            color=ACTUAL,
            linewidth=1.4,
            marker=marker,
            markersize=4,
        )
    if not ahead.empty and not observed.empty:  # forecast_employed: the forecast path itself
        joined = pd.concat([observed.tail(1), ahead])
        ax.plot(joined["year"], joined["value"], color=colour, linewidth=1.0, linestyle=":")
    base = float(row["baseline_value"])
    if math.isfinite(base):
        ax.plot(
            [row["baseline_year"], row["target_year"]],
            [base, row["target"]],
            color=PATH,
            linewidth=0.9,
            linestyle="--",
        )
    ax.plot(
        [row["target_year"]],
        [row["target"]],
        marker="o",
        markersize=6,
        markerfacecolor="white",
        markeredgecolor=PATH,
        markeredgewidth=1.2,
        linestyle="none",
    )
    projected = float(row["projected"])
    if math.isfinite(projected) and row["latest_year"] is not None and not observed.empty:
        last = observed.iloc[-1]
        if ahead.empty:
            ax.plot(
                [last["year"], row["target_year"]],
                [last["value"], projected],
                color=colour,
                linewidth=1.0,
                linestyle=":",
            )
        lo, hi = float(row["projected_lo"]), float(row["projected_hi"])
        if math.isfinite(lo) and math.isfinite(hi):
            ax.errorbar(
                [row["target_year"]],
                [projected],
                yerr=[[projected - lo], [hi - projected]],
                color=colour,
                capsize=2,
                linewidth=1.0,
            )
        ax.plot([row["target_year"]], [projected], marker="D", markersize=3.5, color=colour)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _fmt(v, lang)))
    ax.tick_params(labelsize=6.5)
    ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))


def goals_chart(result: GoalsResult, ctx: ChartContext, out: Path, region: str = "") -> list[Path]:
    """`13_mal.png/.svg`: a grid of small panels, one per goal × region."""
    summary = result.summary.copy()
    summary["multi_region"] = summary.groupby("goal_id")["region_code"].transform("nunique") > 1
    count = len(summary)
    ncols = 1 if count == 1 else 2 if count <= 4 or ctx.size == "a4" else 3
    nrows = math.ceil(count / ncols)
    with styled_figure(ctx, 1.55 * nrows, nrows, ncols, squeeze=False) as (fig, axes):
        flat = list(np.asarray(axes).ravel())
        for ax, (_, row) in zip(flat, summary.iterrows(), strict=False):
            frame = result.frame[
                (result.frame["goal_id"] == row["goal_id"])
                & (result.frame["region_code"] == row["region_code"])
            ]
            _panel(ax, frame, row, ctx.lang)
        for ax in flat[count:]:
            ax.set_visible(False)
        text = TEXT[ctx.lang]
        handles = [
            Line2D([], [], color=ACTUAL, linewidth=1.4),
            Line2D([], [], color=PATH, linewidth=0.9, linestyle="--"),
            Line2D(
                [], [], marker="o", markerfacecolor="white", markeredgecolor=PATH, linestyle="none"
            ),
            Line2D([], [], color=palette.GOAL_MARK, linestyle=":", marker="D", markersize=3.5),
        ]
        labels = [text["actual"], text["path"], text["target"], text["projected"]]
        finish(
            fig,
            ctx,
            goals_title(result, ctx.lang, region),
            text["sub"],
            synthetic=result.synthetic,
            legend=(handles, labels),
        )
        return save(fig, out, CHART_NAME)
