"""Structure charts for a regional report: largest occupations, change, location quotients,
sub-regions, major groups and women's share. House style in kf.mplstyle, frames in figure.py.

Every chart's title states its finding (computed from the data), the subtitle says what is
shown, and the caption gives source, table ids, retrieval date and tool version (and the
synthetic-data banner when any plotted number is synthetic).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    label_lines,
    nice_ticks,
    save,
    styled_figure,
    thousands,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int, fmt_pct, signed_int, signed_pct
from kompetens_forecast.report.text import AF_LEVEL_MARKS, mid, status_word
from kompetens_forecast.schema import RIKET

BAR_STEP = 0.3  # inches per bar in the a4 size (two-line labels fit)
BAR_STEP_3_LINES = 0.42  # when a label needs three lines

__all__ = [
    "ChartContext",
    "change",
    "largest_occupations",
    "location_quotients",
    "major_groups",
    "subregions",
    "women_share",
]


def bar_height(n: int, labels: Sequence[str] = ()) -> float:
    """Plot height (inches) for `n` bars whose labels are `labels` (wrapped by wrap_label)."""
    step = BAR_STEP_3_LINES if label_lines(labels) > 2 else BAR_STEP
    return step * max(n, 1) + 0.55


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


def _af_label_texts(data: pd.DataFrame, lang: str) -> tuple[list[str], str]:
    """Value labels with AF's recruitment label ("AF: brist", "*" where AF's assessment is
    national, not the county's own) and the subtitle sentence naming AF's round and the marks."""
    situations = list(data["af_situation"]) if "af_situation" in data else [None] * len(data)
    levels = list(data["af_level"]) if "af_level" in data else [None] * len(data)
    rounds = sorted(
        {str(r) for r in data.get("af_omgang", pd.Series(dtype=object)).dropna()}, reverse=True
    )
    national_only = bool((data["region_code"] == RIKET).all()) if "region_code" in data else False
    texts, marked, paradox = [], False, False
    for value, situation, level in zip(data["employed"], situations, levels, strict=True):
        text = fmt_int(value, lang)
        if isinstance(situation, str) and situation:
            mark = "" if national_only else AF_LEVEL_MARKS.get(str(level), "")
            marked |= bool(mark)
            paradox |= situation == "paradox"
            # em spaces: an SVG viewer collapses plain spaces, and "3 333 AF: brist" would run
            # the value into the label
            text += f"\u2003\u2003AF: {status_word(situation, lang)}{mark}"
        texts.append(text)
    if not any(isinstance(x, str) and x for x in situations):
        return texts, ""
    note = " " + translate(
        "chart.largest_sub_af",
        lang,
        omgang=" och ".join(rounds) if lang == "sv" else " and ".join(rounds),
    )
    if marked:
        note += " " + translate("chart.largest_sub_af_national", lang)
    if paradox:
        note += " " + translate("chart.paradox_explained", lang)
    return texts, note


def largest_occupations(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15
) -> list[Path]:
    """The largest occupations; AF's current recruitment label beside each bar where AF has one."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind.nlargest(top, "employed")
    year = int(data["year"].iloc[0])
    texts, af_note = _af_label_texts(data, ctx.lang)
    with styled_figure(ctx, bar_height(len(data), list(data["ssyk_label"]))) as (fig, ax):
        _barh(ax, list(data["ssyk_label"]), list(data["employed"]), palette.REGION, texts)
        ax.margins(x=0.3)
        ax.set_xlabel(translate("chart.employed", ctx.lang))
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        first = str(data["ssyk_label"].iloc[0])
        finish(
            fig,
            ctx,
            translate(
                "chart.largest_finding", ctx.lang, label=first, region=ctx.region_name, year=year
            ),
            translate("chart.largest_sub", ctx.lang, n=len(data), year=year) + af_note,
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
    with styled_figure(ctx, bar_height(len(both), list(both["ssyk_label"]))) as (fig, ax):
        colours = [palette.INCREASE if v >= 0 else palette.DECREASE for v in values]
        _barh(ax, list(both["ssyk_label"]), values, colours, texts)
        ax.axvline(0, color=palette.INK, linewidth=0.8)
        ax.margins(x=0.35)
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        ax.set_xlabel(translate("chart.change_axis", ctx.lang, start=end - 5, end=end))
        if not rising.empty:
            key, row = "change_finding_up", rising.iloc[0]
        elif not falling.empty:
            key, row = "change_finding_down", falling.iloc[-1]
        else:
            key, row = "", None
        title = (
            translate(
                f"chart.{key}",
                ctx.lang,
                label=row["ssyk_label"],
                region=ctx.region_name,
                start=end - 5,
                end=end,
                value=signed_int(row["change_5y_adj"], ctx.lang),
            )
            if row is not None
            else translate(
                "chart.change_title", ctx.lang, region=ctx.region_name, start=end - 5, end=end
            )
        )
        finish(
            fig,
            ctx,
            title,
            translate("chart.change_sub", ctx.lang, start=end - 5, end=end, min=min_employed),
        )
        return save(fig, out, "02_forandring")


def lq_axis_cap(values: Sequence[float]) -> float | None:
    """Where to cut the quotient axis so that one outlier does not flatten the rest: when the
    largest quotient is over twice the second largest (and above 3), the axis ends a little
    beyond the second; None keeps the full axis."""
    ordered = sorted((v for v in values if v == v), reverse=True)
    if len(ordered) < 2 or ordered[0] <= 3.0 or ordered[0] <= 2 * ordered[1]:
        return None
    return ordered[1] * 1.35


def location_quotients(
    ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15, min_employed: float = 50
) -> list[Path]:
    """Over-represented occupations (quotient > 1); an outlier is drawn cut at the axis end,
    marked with a break and labelled with its value."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind[(ind["employed"] >= min_employed) & (ind["lq"] > 1.0)].nlargest(top, "lq")
    year = int(ind["year"].iloc[0])
    values = [float(v) for v in data["lq"]]
    cap = lq_axis_cap(values)
    shown = [min(v, cap) for v in values] if cap is not None else values
    labels = list(data["ssyk_label"])
    with styled_figure(ctx, bar_height(len(data), labels)) as (fig, ax):
        _barh(ax, labels, shown, palette.REGION, [fmt_decimal(v, ctx.lang, 1) for v in values])
        ax.axvline(1.0, color=palette.INK, linewidth=0.8, linestyle="--")
        nice_ticks(ax.xaxis, ctx.lang)
        sub = translate("chart.lq_sub", ctx.lang, year=year, min=min_employed)
        if cap is not None:
            ax.set_xlim(0, cap * 1.12)
            for y, (value, drawn) in enumerate(zip(values, shown, strict=True)):
                if value > drawn:  # the cut: two white strokes across the bar's end
                    for dx in (-0.04, -0.02):
                        ax.plot(
                            [drawn * (1 + dx) - 0.03 * cap, drawn * (1 + dx) + 0.03 * cap],
                            [y + 0.38, y - 0.38],
                            color="white",
                            linewidth=1.6,
                        )
            sub += " " + translate(
                "chart.lq_cut",
                ctx.lang,
                cap=fmt_decimal(cap, ctx.lang, 1),
                label=mid(labels[0], ctx.lang),
                lq=fmt_decimal(values[0], ctx.lang, 1),
            )
        else:
            ax.margins(x=0.12)
        ax.set_xlabel(translate("chart.lq_axis", ctx.lang))
        if data.empty:
            title = translate("chart.lq_title", ctx.lang, region=ctx.region_name, year=year)
        else:
            title = translate(
                "chart.lq_finding",
                ctx.lang,
                label=mid(data["ssyk_label"].iloc[0], ctx.lang),
                lq=fmt_decimal(float(data["lq"].iloc[0]), ctx.lang, 1),
                region=ctx.region_name,
            )
        finish(fig, ctx, title, sub)
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
    with styled_figure(ctx, 0.22 * len(totals) + 0.55) as (fig, ax):
        labels = [names.get(c, c) for c in totals["region_code"]]
        _barh(
            ax,
            labels,
            list(totals["employed"]),
            palette.REGION,
            [
                f"{fmt_int(v, ctx.lang)} ({fmt_pct(v / total * 100, ctx.lang, 0)})"
                for v in totals["employed"]
            ],
        )
        ax.margins(x=0.25)
        ax.set_xlabel(translate("chart.employed", ctx.lang))
        ax.xaxis.set_major_formatter(thousands(ctx.lang))
        kind = translate("chart.kind_kommun" if kommuner else "chart.kind_subregion", ctx.lang)
        title = translate(
            "chart.subregions_finding",
            ctx.lang,
            name=labels[0],
            region=ctx.region_name,
            share=fmt_pct(float(totals["employed"].iloc[0]) / total * 100, ctx.lang, 0),
            year=year,
        )
        finish(fig, ctx, title, translate("chart.subregions_sub", ctx.lang, kind=kind, year=year))
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
    with styled_figure(ctx, 0.36 * len(data) + 0.6) as (fig, ax):
        positions = list(range(len(data)))
        shift = 0.0 if is_riket else 0.19
        ax.barh([p - shift for p in positions], data["share"], height=0.38, color=palette.REGION)
        if not is_riket:
            ax.barh(
                [p + shift for p in positions],
                data["share_riket"],
                height=0.38,
                color=palette.RIKET,
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
        title = translate(
            "chart.groups_finding",
            ctx.lang,
            group=group_labels.get(str(row["major"]), str(row["major"])).lower(),
            a=fmt_pct(float(row["share"]), ctx.lang, 0),
            b=fmt_pct(float(row["share_riket"]), ctx.lang, 0),
            region=ctx.region_name,
        )
        handles = [
            Rectangle((0, 0), 1, 1, color=palette.REGION),
            Rectangle((0, 0), 1, 1, color=palette.RIKET),
        ]
        if is_riket:
            row = data.loc[data["share"].idxmax()]
            title = translate(
                "chart.groups_finding_riket",
                ctx.lang,
                group=group_labels.get(str(row["major"]), str(row["major"])).lower(),
                a=fmt_pct(float(row["share"]), ctx.lang, 0),
            )
        finish(
            fig,
            ctx,
            title,
            translate("chart.groups_sub", ctx.lang, year=year),
            legend=None
            if is_riket
            else (handles, [_capital(ctx.region_name), translate("chart.riket", ctx.lang)]),
        )
        return save(fig, out, "09_yrkesomraden")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def women_share(ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15) -> list[Path]:
    """Share of women in the largest occupations, with the 50 % line; the bar's colour says
    which sex is in the majority (legend below the chart)."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind.nlargest(top, "employed")
    data = data[data["share_women"].notna()]
    year = int(ind["year"].iloc[0])
    values = list(data["share_women"])
    labels = list(data["ssyk_label"])
    with styled_figure(ctx, bar_height(len(data), labels)) as (fig, ax):
        colours = [palette.WOMEN if v > 50 else palette.MEN for v in values]
        _barh(ax, labels, values, colours, [fmt_pct(v, ctx.lang, 0) for v in values])
        ax.axvline(50, color=palette.INK, linewidth=0.8, linestyle="--")
        ax.set_xlim(0, 100)
        nice_ticks(ax.xaxis, ctx.lang, fmt_pct)
        ax.set_xlabel(translate("chart.women_axis", ctx.lang))
        majority = sum(v > 50 for v in values)
        handles = [Rectangle((0, 0), 1, 1, color=c) for c in (palette.WOMEN, palette.MEN)]
        finish(
            fig,
            ctx,
            translate(
                "chart.women_finding", ctx.lang, n=majority, m=len(values), region=ctx.region_name
            ),
            translate("chart.women_sub", ctx.lang, m=len(values), year=year),
            legend=(
                handles,
                [
                    translate("chart.women_majority", ctx.lang),
                    translate("chart.men_majority", ctx.lang),
                ],
            ),
        )
        return save(fig, out, "10_kvinnoandel")
