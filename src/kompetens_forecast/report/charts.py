"""Charts for a regional report, in the house style (kf.mplstyle), saved as PNG (300 dpi) and SVG.

Every chart carries a caption with source, table ids, retrieval date and tool version, and the
synthetic-data banner when any plotted number is synthetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kompetens_forecast.report.numbers import fmt_decimal, fmt_int
from kompetens_forecast.report.text import t
from kompetens_forecast.store.atomic import write_atomic

STYLE = Path(__file__).with_name("kf.mplstyle")
LABEL_WIDTH = 48


@dataclass(frozen=True)
class ChartContext:
    region_name: str
    lang: str
    caption: str  # source line(s)
    synthetic: bool


def shorten(label: str, width: int = LABEL_WIDTH) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip(" ,") + "…"


def _finish(fig: Figure, ctx: ChartContext, synthetic: bool | None = None) -> None:
    is_synthetic = ctx.synthetic if synthetic is None else synthetic
    fig.text(0.0, -0.02, ctx.caption, ha="left", va="top", fontsize=7.5, color="#444444", wrap=True)
    if is_synthetic:
        fig.text(
            0.99,
            0.99,
            t("synthetic_banner", ctx.lang),
            ha="right",
            va="top",
            fontsize=9,
            fontweight="bold",
            color="white",
            bbox={"facecolor": "#D55E00", "edgecolor": "none", "boxstyle": "round,pad=0.3"},
        )


def _savefig(fig: Figure, ext: str, path: Path) -> None:
    fig.savefig(path, format=ext)


def save(fig: Figure, directory: Path, name: str) -> list[Path]:
    """Write `name`.png and `name`.svg atomically; close the figure."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        target = directory / f"{name}.{ext}"
        write_atomic(target, partial(_savefig, fig, ext))
        paths.append(target)
    plt.close(fig)
    return paths


def _thousands(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: fmt_int(x, lang))


def _barh(
    ax: Axes, labels: list[str], values: list[float], color: str, fmt: Callable[[float], str]
) -> None:
    positions = range(len(labels))
    ax.barh(list(positions), values, color=color)
    ax.set_yticks(list(positions), [shorten(label) for label in labels])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    span = max((abs(v) for v in values), default=1.0) or 1.0
    for y, value in zip(positions, values, strict=True):
        offset = span * 0.01 * (1 if value >= 0 else -1)
        ax.text(
            value + offset,
            y,
            fmt(value),
            va="center",
            ha="left" if value >= 0 else "right",
            fontsize=8,
        )


def largest_occupations(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15
) -> list[Path]:
    """The largest occupations; AF's current recruitment label beside each bar where AF has one."""
    data = ind.nlargest(top, "employed")
    year = int(data["year"].iloc[0])
    situations = (
        list(data["af_situation"]) if "af_situation" in data.columns else [None] * len(data)
    )
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(data) + 1.2))
        _barh(ax, list(data["ssyk_label"]), list(data["employed"]), "#0072B2", lambda _v: "")
        span = float(data["employed"].max()) or 1.0
        for y, (value, situation) in enumerate(zip(data["employed"], situations, strict=True)):
            text = fmt_int(value, ctx.lang)
            if isinstance(situation, str) and situation:
                text += f"   AF: {situation}"
            ax.text(value + span * 0.01, y, text, va="center", ha="left", fontsize=8)
        ax.margins(x=0.25)
        ax.set_xlabel(t("employed", ctx.lang))
        ax.xaxis.set_major_formatter(_thousands(ctx.lang))
        ax.set_title(t("largest_title", ctx.lang, region=ctx.region_name, year=year))
        _finish(fig, ctx)
        return save(fig, out, "01_storsta_yrken")


def change(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 8, min_employed: float = 100
) -> list[Path]:
    """Largest increases and decreases in number of employees over five years (break-adjusted).

    Ranked by persons, not per cent: small groups give the largest percentages and the least
    meaning. The per cent change is printed beside each bar.
    """
    data = ind[(ind["employed"] >= min_employed) & ind["change_5y_adj"].notna()]
    rising = data[data["change_5y_adj"] > 0].nlargest(top, "change_5y_adj")
    falling = data[data["change_5y_adj"] < 0].nsmallest(top, "change_5y_adj").iloc[::-1]
    both = pd.concat([rising, falling])
    end = int(ind["year"].iloc[0])
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.32 * max(len(both), 1) + 1.2))
        values = list(both["change_5y_adj"])
        colours = ["#009E73" if v >= 0 else "#D55E00" for v in values]
        positions = list(range(len(both)))
        ax.barh(positions, values, color=colours)
        ax.set_yticks(positions, [shorten(s) for s in both["ssyk_label"]])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.margins(x=0.22)
        ax.xaxis.set_major_formatter(_thousands(ctx.lang))
        for y, value, pct in zip(positions, values, both["change_5y_pct_adj"], strict=True):
            label = f" {fmt_int(value, ctx.lang)} ({fmt_decimal(pct, ctx.lang, 0)} %) "
            ha = "left" if value >= 0 else "right"
            ax.text(value, y, label, va="center", ha=ha, fontsize=8)
        ax.set_xlabel(t("change_axis", ctx.lang, start=end - 5, end=end))
        ax.set_title(t("change_title", ctx.lang, region=ctx.region_name, start=end - 5, end=end))
        _finish(fig, ctx)
        return save(fig, out, "02_forandring")


def location_quotients(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15, min_employed: float = 50
) -> list[Path]:
    data = ind[(ind["employed"] >= min_employed) & (ind["lq"] > 1.0)].nlargest(top, "lq")
    year = int(ind["year"].iloc[0])
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.32 * max(len(data), 1) + 1.2))
        _barh(
            ax,
            list(data["ssyk_label"]),
            list(data["lq"]),
            "#E69F00",
            lambda v: fmt_decimal(v, ctx.lang, 2),
        )
        ax.axvline(1.0, color="#333333", linewidth=0.8, linestyle="--")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_decimal(x, ctx.lang, 1)))
        ax.set_xlabel(t("lq_axis", ctx.lang))
        ax.set_title(t("lq_title", ctx.lang, region=ctx.region_name, year=year))
        _finish(fig, ctx)
        return save(fig, out, "03_lokaliseringskvoter")


def forecast_fans(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    labels: dict[str, str],
    ctx: ChartContext,
    out: Path,
    top: int = 6,
) -> list[Path]:
    """Small multiples: observed, break-adjusted history and forecast with its 80 % band."""
    latest = history["year"].max()
    biggest = history[history["year"] == latest].nlargest(top, "value")["ssyk"].tolist()
    end = int(forecast["year"].max())
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(2, 3, figsize=(10, 5.6), sharex=True)
        for ax, code in zip(axes.ravel(), biggest, strict=False):
            hist = history[history["ssyk"] == code].sort_values("year")
            fc = forecast[forecast["ssyk"] == code].sort_values("year")
            ax.plot(
                hist["year"],
                hist["value"],
                color="#000000",
                linewidth=1.2,
                label=t("forecast_legend_history", ctx.lang),
            )
            ax.plot(
                hist["year"],
                hist["value_adj"],
                color="#56B4E9",
                linewidth=1.0,
                linestyle=":",
                label=t("forecast_legend_adjusted", ctx.lang),
            )
            ax.fill_between(
                fc["year"],
                fc["yhat_lo"],
                fc["yhat_hi"],
                color="#0072B2",
                alpha=0.2,
                linewidth=0,
                label=t("forecast_legend_interval", ctx.lang),
            )
            joined = pd.concat(
                [
                    hist.tail(1).rename(columns={"value": "yhat"})[["year", "yhat"]],
                    fc[["year", "yhat"]],
                ]
            )
            ax.plot(
                joined["year"],
                joined["yhat"],
                color="#0072B2",
                linewidth=1.6,
                label=t("forecast_legend_forecast", ctx.lang),
            )
            ax.set_title(shorten(f"{code} {labels.get(code, '')}", 34), fontsize=9, loc="left")
            ax.yaxis.set_major_formatter(_thousands(ctx.lang))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: str(int(x))))
            ax.grid(axis="y", visible=True)
            ax.set_ylim(bottom=0)
        for ax in axes.ravel()[len(biggest) :]:
            ax.set_visible(False)
        handles, names = axes.ravel()[0].get_legend_handles_labels()
        fig.legend(
            handles, names, loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.01), fontsize=8
        )
        fig.suptitle(
            t("forecast_title", ctx.lang, region=ctx.region_name, end=end),
            x=0.0,
            ha="left",
            fontweight="bold",
            fontsize=12,
        )
        fig.tight_layout(rect=(0, 0.05, 1, 0.97))
        _finish(fig, ctx)
        return save(fig, out, "04_prognos")


def subregions(
    ind: pd.DataFrame,
    names: dict[str, str],
    ctx: ChartContext,
    out: Path,
    synthetic: bool,
    kommuner: bool,
) -> list[Path]:
    totals = (
        ind.groupby("region_code")["employed"]
        .sum()
        .reset_index()
        .sort_values("employed", ascending=False)
    )
    year = int(ind["year"].iloc[0])
    key = "municipalities_title" if kommuner else "subregions_title"
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(totals) + 1.2))
        colour = "#CC79A7" if synthetic else "#0072B2"
        _barh(
            ax,
            [names.get(c, c) for c in totals["region_code"]],
            list(totals["employed"]),
            colour,
            lambda v: fmt_int(v, ctx.lang),
        )
        ax.set_xlabel(t("employed", ctx.lang))
        ax.xaxis.set_major_formatter(_thousands(ctx.lang))
        ax.set_title(t(key, ctx.lang, region=ctx.region_name, year=year))
        _finish(fig, ctx, synthetic=synthetic)
        return save(fig, out, "05_delregioner")


def matching_grade(table: pd.DataFrame, ctx: ChartContext, out: Path) -> list[Path]:
    """Matchningsgrad by sex over time: the region (solid) against riket (dashed)."""
    colours = {"1+2": "#000000", "2": "#D55E00", "1": "#0072B2"}
    with plt.style.context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 5))
        for sex, part in table.groupby("sex", sort=False):
            colour = colours.get(str(sex), "#009E73")
            label = str(part["sex_label"].iloc[0])
            ax.plot(
                part["year"],
                part["region"],
                color=colour,
                linewidth=1.8,
                marker="o",
                label=f"{ctx.region_name}, {label}",
            )
            if part["riket"].notna().any():
                riket = t("riket", ctx.lang)
                ax.plot(
                    part["year"],
                    part["riket"],
                    color=colour,
                    linewidth=1.0,
                    linestyle="--",
                    label=f"{riket}, {label}",
                )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: str(int(x))))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda y, _pos: fmt_decimal(y, ctx.lang, 0) + " %")
        )
        ax.grid(axis="y", visible=True)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
        ax.set_title(t("matching_title", ctx.lang, region=ctx.region_name))
        _finish(fig, ctx)
        return save(fig, out, "06_matchningsgrad")
