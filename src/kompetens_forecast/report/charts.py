"""Structure charts for a regional report: largest occupations, change, location quotients,
sub-regions, major groups and women's share. House style in kf.mplstyle, frames in figure.py.

Every chart's title states its finding (computed from the data), the subtitle says what is
shown, and the caption gives source, table ids, retrieval date and tool version (and the
synthetic-data banner when any plotted number is synthetic).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kompetens_forecast.report.figure import (
    STYLE,
    ChartContext,
    finish,
    new_figure,
    save,
    thousands,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int, fmt_pct, signed_int, signed_pct
from kompetens_forecast.report.text import mid, status_word, t

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
)
BAR_STEP = 0.3  # inches per bar in the a4 size (two-line labels fit)

__all__ = [
    "ChartContext",
    "change",
    "largest_occupations",
    "location_quotients",
    "major_groups",
    "subregions",
    "women_share",
]


def bar_height(n: int) -> float:
    return BAR_STEP * max(n, 1) + 0.55


def _barh(
    ax: Axes,
    labels: Sequence[str],
    values: Sequence[float],
    colour: str | Sequence[str],
    texts: Sequence[str],
) -> None:
    """Horizontal bars, largest first, with a value label beside each bar."""
    positions = list(range(len(labels)))
    ax.barh(positions, list(values), color=colour, height=0.7)
    ax.set_yticks(positions, [wrap_label(label) for label in labels])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    for y, value, text in zip(positions, values, texts, strict=True):
        ax.annotate(
            f" {text} " if text else "",
            (value, y),
            xytext=(2 if value >= 0 else -2, 0),
            textcoords="offset points",
            va="center",
            ha="left" if value >= 0 else "right",
            fontsize=7.5,
        )


def largest_occupations(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15
) -> list[Path]:
    """The largest occupations; AF's current recruitment label beside each bar where AF has one."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind.nlargest(top, "employed")
    year = int(data["year"].iloc[0])
    situations = list(data["af_situation"]) if "af_situation" in data else [None] * len(data)
    texts = []
    for value, situation in zip(data["employed"], situations, strict=True):
        text = fmt_int(value, ctx.lang)
        if isinstance(situation, str) and situation:
            text += f"   AF: {status_word(situation, ctx.lang)}"
        texts.append(text)
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(data)))
        _barh(ax, list(data["ssyk_label"]), list(data["employed"]), BLUE, texts)
        ax.margins(x=0.3)
        ax.set_xlabel(t("employed", ctx.lang))
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        first = str(data["ssyk_label"].iloc[0])
        finish(
            fig,
            ctx,
            t("largest_finding", ctx.lang, label=first, region=ctx.region_name, year=year),
            t("largest_sub", ctx.lang, n=len(data), year=year)
            + (
                " " + t("largest_sub_af", ctx.lang)
                if any(isinstance(x, str) for x in situations)
                else ""
            ),
        )
        return save(fig, out, "01_storsta_yrken")


def change(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 8, min_employed: float = 100
) -> list[Path]:
    """Largest increases and decreases in number of employees over five years (break-adjusted).

    Ranked by persons, not per cent: small groups give the largest percentages and the least
    meaning. The per cent change is printed beside each bar.
    """
    top = min(top, 6) if ctx.size == "slide" else top
    data = ind[(ind["employed"] >= min_employed) & ind["change_5y_adj"].notna()]
    rising = data[data["change_5y_adj"] > 0].nlargest(top, "change_5y_adj")
    falling = data[data["change_5y_adj"] < 0].nsmallest(top, "change_5y_adj").iloc[::-1]
    both = pd.concat([rising, falling])
    end = int(ind["year"].iloc[0])
    values = list(both["change_5y_adj"])
    texts = [
        f"{signed_int(v, ctx.lang)} ({signed_pct(p, ctx.lang, 0)})"
        for v, p in zip(values, both["change_5y_pct_adj"], strict=True)
    ]
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(both)))
        colours = [GREEN if v >= 0 else VERMILLION for v in values]
        _barh(ax, list(both["ssyk_label"]), values, colours, texts)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.margins(x=0.35)
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        ax.set_xlabel(t("change_axis", ctx.lang, start=end - 5, end=end))
        if not rising.empty:
            key, row = "change_finding_up", rising.iloc[0]
        elif not falling.empty:
            key, row = "change_finding_down", falling.iloc[-1]
        else:
            key, row = "", None
        title = (
            t(
                key,
                ctx.lang,
                label=row["ssyk_label"],
                region=ctx.region_name,
                start=end - 5,
                end=end,
                value=signed_int(row["change_5y_adj"], ctx.lang),
            )
            if row is not None
            else t("change_title", ctx.lang, region=ctx.region_name, start=end - 5, end=end)
        )
        finish(fig, ctx, title, t("change_sub", ctx.lang, start=end - 5, end=end, min=min_employed))
        return save(fig, out, "02_forandring")


def location_quotients(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15, min_employed: float = 50
) -> list[Path]:
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind[(ind["employed"] >= min_employed) & (ind["lq"] > 1.0)].nlargest(top, "lq")
    year = int(ind["year"].iloc[0])
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(data)))
        _barh(
            ax,
            list(data["ssyk_label"]),
            list(data["lq"]),
            ORANGE,
            [fmt_decimal(v, ctx.lang, 1) for v in data["lq"]],
        )
        ax.axvline(1.0, color="#333333", linewidth=0.8, linestyle="--")
        ax.margins(x=0.12)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_decimal(x, ctx.lang, 0)))
        ax.set_xlabel(t("lq_axis", ctx.lang))
        if data.empty:
            title = t("lq_title", ctx.lang, region=ctx.region_name, year=year)
        else:
            title = t(
                "lq_finding",
                ctx.lang,
                label=mid(data["ssyk_label"].iloc[0], ctx.lang),
                lq=fmt_decimal(float(data["lq"].iloc[0]), ctx.lang, 1),
                region=ctx.region_name,
            )
        finish(fig, ctx, title, t("lq_sub", ctx.lang, year=year, min=min_employed))
        return save(fig, out, "03_lokaliseringskvoter")


def subregions(
    ind: pd.DataFrame,
    names: dict[str, str],
    ctx: ChartContext,
    out: Path,
    kommuner: bool,
) -> list[Path]:
    """Employees per municipality (or sub-region), largest first, with its share of the total."""
    totals = (
        ind.groupby("region_code")["employed"]
        .sum()
        .reset_index()
        .sort_values("employed", ascending=False)
    )
    total = float(totals["employed"].sum()) or 1.0
    year = int(ind["year"].iloc[0])
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, 0.22 * len(totals) + 0.55)
        labels = [names.get(c, c) for c in totals["region_code"]]
        _barh(
            ax,
            labels,
            list(totals["employed"]),
            PURPLE if ctx.synthetic else BLUE,
            [
                f"{fmt_int(v, ctx.lang)} ({fmt_pct(v / total * 100, ctx.lang, 0)})"
                for v in totals["employed"]
            ],
        )
        ax.margins(x=0.25)
        ax.set_xlabel(t("employed", ctx.lang))
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        kind = t("kind_kommun" if kommuner else "kind_subregion", ctx.lang)
        title = t(
            "subregions_finding",
            ctx.lang,
            name=labels[0],
            region=ctx.region_name,
            share=fmt_pct(float(totals["employed"].iloc[0]) / total * 100, ctx.lang, 0),
            year=year,
        )
        finish(fig, ctx, title, t("subregions_sub", ctx.lang, kind=kind, year=year))
        return save(fig, out, "05_delregioner")


def major_group_shares(panel: pd.DataFrame, region_code: str, riket_code: str) -> pd.DataFrame:
    """Share (%) of employees by SSYK major group (first digit), latest year: the region
    (`share`) and riket (`share_riket`)."""
    latest = panel[panel["year"] == panel["year"].max()]
    out = {}
    for name, code in (("share", region_code), ("share_riket", riket_code)):
        part = latest[latest["region_code"] == code]
        sums = part.groupby(part["ssyk"].str[0])["value"].sum()
        out[name] = sums / sums.sum() * 100
    frame = pd.DataFrame(out).fillna(0.0)
    frame.index.name = "major"
    frame["year"] = int(latest["year"].max())
    return frame.reset_index()


def major_groups(
    shares: pd.DataFrame,
    group_labels: dict[str, str],
    ctx: ChartContext,
    out: Path,
    *,
    is_riket: bool = False,
) -> list[Path]:
    """Share of employees by major group, the region beside riket."""
    data = shares.sort_values("major")
    year = int(data["year"].iloc[0])
    labels = [group_labels.get(str(c), str(c)) for c in data["major"]]
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, 0.36 * len(data) + 0.6)
        positions = list(range(len(data)))
        shift = 0.0 if is_riket else 0.19
        ax.barh([p - shift for p in positions], data["share"], height=0.38, color=BLUE)
        if not is_riket:
            ax.barh(
                [p + shift for p in positions], data["share_riket"], height=0.38, color="#BBBBBB"
            )
        ax.set_yticks(positions, [wrap_label(label, 34, 3) for label in labels])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        for p, value in zip(positions, data["share"], strict=True):
            ax.annotate(
                f" {fmt_pct(value, ctx.lang, 0)}",
                (value, p - shift),
                va="center",
                fontsize=7,
            )
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_pct(x, ctx.lang, 0)))
        ax.margins(x=0.12)
        diff = (data["share"] - data["share_riket"]).abs()
        row = data.loc[diff.idxmax()]
        title = t(
            "groups_finding",
            ctx.lang,
            group=group_labels.get(str(row["major"]), str(row["major"])).lower(),
            a=fmt_pct(float(row["share"]), ctx.lang, 0),
            b=fmt_pct(float(row["share_riket"]), ctx.lang, 0),
            region=ctx.region_name,
        )
        handles = [
            Rectangle((0, 0), 1, 1, color=BLUE),
            Rectangle((0, 0), 1, 1, color="#BBBBBB"),
        ]
        if is_riket:
            row = data.loc[data["share"].idxmax()]
            title = t(
                "groups_finding_riket",
                ctx.lang,
                group=group_labels.get(str(row["major"]), str(row["major"])).lower(),
                a=fmt_pct(float(row["share"]), ctx.lang, 0),
            )
        finish(
            fig,
            ctx,
            title,
            t("groups_sub", ctx.lang, year=year),
            legend=None
            if is_riket
            else (handles, [_capital(ctx.region_name), t("riket", ctx.lang)]),
        )
        return save(fig, out, "09_yrkesomraden")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def women_share(ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15) -> list[Path]:
    """Share of women in the largest occupations, with the 50 % line."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind.nlargest(top, "employed")
    data = data[data["share_women"].notna()]
    year = int(ind["year"].iloc[0])
    values = list(data["share_women"])
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(data)))
        colours = [VERMILLION if v >= 50 else BLUE for v in values]
        _barh(
            ax, list(data["ssyk_label"]), values, colours, [fmt_pct(v, ctx.lang, 0) for v in values]
        )
        ax.axvline(50, color="#333333", linewidth=0.8, linestyle="--")
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_pct(x, ctx.lang, 0)))
        ax.set_xlabel(t("women_axis", ctx.lang))
        majority = sum(v > 50 for v in values)
        finish(
            fig,
            ctx,
            t("women_finding", ctx.lang, n=majority, m=len(values), region=ctx.region_name),
            t("women_sub", ctx.lang, m=len(values), year=year),
        )
        return save(fig, out, "10_kvinnoandel")
