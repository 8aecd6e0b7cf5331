"""The shortage overview: a traffic-light table of status per occupation, the model's status
beside Arbetsförmedlingen's label (colour and word, so colour is never the only cue)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Rectangle

from kompetens_forecast.report import palette
from kompetens_forecast.report.charts import bar_height
from kompetens_forecast.report.figure import STYLE, ChartContext, finish, new_figure, save
from kompetens_forecast.report.figure import wrap_label as wrap
from kompetens_forecast.report.numbers import fmt_decimal
from kompetens_forecast.report.text import status_word, t

STATUS_COLOURS = palette.STATUS
TEXT_COLOURS = palette.STATUS_TEXT


def overview_table(
    ind: pd.DataFrame, shortage: pd.DataFrame, region_code: str, top: int = 15
) -> pd.DataFrame:
    """The region's `top` largest occupations with the model's status and AF's label.

    `af_status` is AF's label that applies to the region (its county row, else national, as in
    indicators.parquet); `af_national` marks a national label.
    """
    own = ind[ind["region_code"] == region_code].nlargest(top, "employed")
    cells = shortage[shortage["region_code"] == region_code].set_index("ssyk")
    table = pd.DataFrame(
        {
            "ssyk": own["ssyk"].to_numpy(),
            "ssyk_label": own["ssyk_label"].to_numpy(),
            "employed": own["employed"].to_numpy(),
            "model_status": [cells["model_status"].get(c) for c in own["ssyk"]],
            "score": [cells["score"].get(c) for c in own["ssyk"]],
        }
    )
    af = own["af_situation"] if "af_situation" in own else pd.Series([None] * len(own))
    level = own["af_level"] if "af_level" in own else pd.Series([None] * len(own))
    table["af_status"] = af.to_numpy()
    table["af_national"] = [  # empty where AF has no label
        bool(lvl == "national") if isinstance(a, str) else None
        for a, lvl in zip(af, level, strict=True)
    ]
    return table


def shortage_overview(
    table: pd.DataFrame,
    omgang: str | None,
    ctx: ChartContext,
    out: Path,
    auc: float | None = None,
) -> list[Path]:
    """Traffic-light table: one row per occupation, columns Model and AF."""
    data = table.head(12) if ctx.size == "slide" else table
    columns = [("model_status", t("shortage_model", ctx.lang)), ("af_status", "AF")]
    with plt.style.context(STYLE):
        fig, ax = new_figure(ctx, bar_height(len(data), list(data["ssyk_label"])))
        for x, (column, _name) in enumerate(columns):
            for y, (status, national) in enumerate(
                zip(data[column], data["af_national"], strict=True)
            ):
                if not isinstance(status, str) or not status:
                    ax.add_patch(
                        Rectangle((x, y), 0.96, 0.9, facecolor=palette.NO_DATA, edgecolor="none")
                    )
                    continue
                ax.add_patch(
                    Rectangle(
                        (x, y),
                        0.96,
                        0.9,
                        facecolor=STATUS_COLOURS.get(status, palette.NO_DATA),
                        edgecolor="none",
                    )
                )
                word = status_word(status, ctx.lang)
                if column == "af_status" and national:
                    word += "*"
                ax.text(
                    x + 0.48,
                    y + 0.45,
                    word,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=TEXT_COLOURS.get(status, "black"),
                )
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(data), 0)
        ax.set_yticks([y + 0.45 for y in range(len(data))], [wrap(s) for s in data["ssyk_label"]])
        ax.set_xticks([x + 0.48 for x in range(len(columns))], [n for _c, n in columns])
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.grid(visible=False)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_box_aspect(None)
        n = int((data["model_status"] == "brist").sum())
        title = t("shortage_finding", ctx.lang, n=n, m=len(data), region=ctx.region_name)
        sub = t("shortage_sub", ctx.lang, omgang=f" ({omgang})" if omgang else "")
        if auc is not None:
            sub += " " + t("shortage_auc", ctx.lang, auc=fmt_decimal(auc, ctx.lang, 2))
        finish(fig, ctx, title, sub)
        return save(fig, out, "07_bristlage")
