"""Age structure and recruitment need (replacement + expansion); drawn only when the age data
(`employment_age_ssyk3`) give the indicators `share_55plus` and `exits_5y`."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from kompetens_forecast.report import palette
from kompetens_forecast.report.charts import _barh, bar_height
from kompetens_forecast.report.figure import (
    STYLE,
    ChartContext,
    finish,
    new_figure,
    save,
    thousands,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_int, fmt_pct
from kompetens_forecast.report.text import t


def has_age_data(ind: pd.DataFrame) -> bool:
    return "share_55plus" in ind.columns and bool(ind["share_55plus"].notna().any())


def age_structure(ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15) -> list[Path]:
    """Share aged 55+ among the largest occupations, expected exits (5 years) beside it."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind.nlargest(top, "employed")
    data = data[data["share_55plus"].notna()].sort_values("share_55plus", ascending=False)
    year = int(ind["year"].iloc[0])
    exits = data["exits_5y"] if "exits_5y" in data else pd.Series([float("nan")] * len(data))
    texts = [
        fmt_pct(s, ctx.lang, 0)
        + (f" ({t('age_exits', ctx.lang, n=fmt_int(e, ctx.lang))})" if pd.notna(e) else "")
        for s, e in zip(data["share_55plus"], exits, strict=True)
    ]
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(data), list(data["ssyk_label"])))
        _barh(ax, list(data["ssyk_label"]), list(data["share_55plus"]), palette.REGION, texts)
        ax.margins(x=0.45)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt_pct(x, ctx.lang, 0)))
        ax.set_xlabel(t("age_axis", ctx.lang))
        first = data.iloc[0]
        finish(
            fig,
            ctx,
            t(
                "age_finding",
                ctx.lang,
                pct=fmt_pct(float(first["share_55plus"]), ctx.lang, 0),
                label=str(first["ssyk_label"]).lower(),
            ),
            t("age_sub", ctx.lang, m=len(data), year=year),
        )
        return save(fig, out, "11_aldersstruktur")


def openings_table(ind: pd.DataFrame, forecast: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Per occupation: replacement (expected exits, 5 years) + expansion (forecast change to
    the last forecast year, else the past five years' change) = recruitment need."""
    data = ind[ind["exits_5y"].notna()].copy()
    end = int(forecast["year"].max()) if not forecast.empty else int(ind["year"].iloc[0]) + 5
    if not forecast.empty:
        last = forecast[forecast["year"] == end].set_index("ssyk")["yhat"]
        data["expansion"] = data["ssyk"].map(last) - data["employed"]
    else:
        data["expansion"] = data["change_5y_adj"]
    data["replacement"] = data["exits_5y"]
    data["openings"] = data["replacement"] + data["expansion"].fillna(0.0)
    data["end_year"] = end
    columns = ["ssyk", "ssyk_label", "employed", "replacement", "expansion", "openings", "end_year"]
    return data.nlargest(top, "openings").loc[:, columns].reset_index(drop=True)


def openings(table: pd.DataFrame, ctx: ChartContext, out: Path) -> list[Path]:
    """Top list of recruitment need: replacement and expansion stacked."""
    data = table.head(12) if ctx.size == "slide" else table
    end = int(data["end_year"].iloc[0])
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(data), list(data["ssyk_label"])))
        positions = list(range(len(data)))
        growth = data["expansion"].fillna(0.0).clip(lower=0.0)
        decline = data["expansion"].fillna(0.0).clip(upper=0.0)
        ax.barh(positions, data["replacement"], color=palette.REGION, height=0.7)
        ax.barh(positions, growth, left=data["replacement"], color=palette.INCREASE, height=0.7)
        ax.barh(  # a forecast decline offsets part of the replacement demand
            positions,
            -decline,
            left=data["replacement"] + decline,
            color="white",
            alpha=0.7,
            hatch="////",
            edgecolor=palette.DECREASE,
            linewidth=0,
            height=0.7,
        )
        ax.set_yticks(positions, [wrap_label(s) for s in data["ssyk_label"]])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ends = data["replacement"] + growth
        for y, total, x in zip(positions, data["openings"], ends, strict=True):
            ax.annotate(f" {fmt_int(total, ctx.lang)}", (x, y), va="center", fontsize=7.5)
        ax.margins(x=0.15)
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        ax.set_xlabel(t("persons", ctx.lang))
        first = data.iloc[0]
        handles = [Rectangle((0, 0), 1, 1, color=c) for c in (palette.REGION, palette.INCREASE)]
        handles.append(
            Rectangle(
                (0, 0), 1, 1, facecolor="white", hatch="////", edgecolor=palette.DECREASE, lw=0
            )
        )
        names = [
            t("openings_replacement", ctx.lang),
            t("openings_expansion", ctx.lang),
            t("openings_decline", ctx.lang),
        ]
        finish(
            fig,
            ctx,
            t(
                "openings_finding",
                ctx.lang,
                label=first["ssyk_label"],
                region=ctx.region_name,
                end=end,
                n=fmt_int(float(first["openings"]), ctx.lang),
            ),
            t("openings_sub", ctx.lang),
            legend=(handles, names),
        )
        return save(fig, out, "12_rekryteringsbehov")
