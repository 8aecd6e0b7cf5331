"""Figure frames in the house style: sizes, header (banner, title, subtitle), caption, saving.

Two sizes (`--size`): `a4` is 16 cm wide (an A4 page's text width at 100 %), its height follows
the content; `slide` is 25.4 × 14.3 cm (16:9). The axes are laid out by matplotlib's
constrained layout inside a rectangle that leaves room for the header and the caption, and the
figure is saved at exactly its size (no tight bounding box: one draw per file, and the
size is the size asked for). PNG at 300 dpi and SVG (text kept as text).
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib

if "ipykernel" not in sys.modules:  # in a notebook, keep its inline plots working
    matplotlib.use("Agg")  # files only; never a window

import matplotlib.pyplot as plt
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int
from kompetens_forecast.store.atomic import write_atomic

STYLE = Path(__file__).with_name("kf.mplstyle")
CM = 1 / 2.54
SIZES: dict[str, tuple[float, float | None]] = {
    "a4": (16 * CM, None),  # width; height from the content
    "slide": (25.4 * CM, 25.4 * CM * 9 / 16),
}
SYNTHETIC_COLOUR = palette.SYNTHETIC_BANNER
CAPTION_PT, TITLE_PT, SUBTITLE_PT, BANNER_PT = 6.5, 10.5, 8.0, 8.0


def check_size(size: str) -> str:
    if size not in SIZES:
        raise InvalidOptionError(f"Invalid chart size '{size}'.", "Choose one of: a4, slide.")
    return size


@dataclass(frozen=True)
class ChartContext:
    region_name: str  # as it reads in a sentence: "Dalarnas län", "riket"
    lang: str
    caption: str  # source line(s)
    synthetic: bool
    size: str = "a4"

    def with_caption(self, caption: str, synthetic: bool | None = None) -> ChartContext:
        return replace(
            self, caption=caption, synthetic=self.synthetic if synthetic is None else synthetic
        )

    @property
    def width(self) -> float:
        return SIZES[self.size][0]


_KEEP_UNIT = re.compile(r"(\d) (%|kr\b|år\b|SEK\b)")
_KEEP_SIGN = re.compile(r"(?<!\S)([+−-]) (?=\d)")


#: joins a number to its sign and unit while lines are cut (a private-use character: textwrap
#: does not break at it, and no text holds it, so it can be turned back into a space)
_GLUE = "\ue000"


def _wrap(text: str, width: int, **options: Any) -> list[str]:
    """`textwrap.wrap` that never separates a number from its sign or unit ("+ 5 %", not
    "+ 5" / "%"); the text itself is unchanged."""
    glued = _KEEP_SIGN.sub(f"\\1{_GLUE}", _KEEP_UNIT.sub(f"\\1{_GLUE}\\2", text))
    return [line.replace(_GLUE, " ") for line in textwrap.wrap(glued, width, **options)]


def wrap_label(label: str, width: int = 30, lines: int = 3) -> str:
    """An occupation label on at most `lines` lines of about `width` characters.

    Cut with "…" only when even `lines` lines cannot hold it (SSYK's longest labels fit in
    three lines of 30 characters, so in practice nothing is cut)."""
    parts = _wrap(label, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip(" ,") + "…"
    return "\n".join(parts)


def thousands(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: fmt_int(x, lang))


def tick_decimals(ticks: Sequence[float]) -> int:
    """Decimals needed to print evenly spaced ticks exactly: 0, 2.5, 5 → 1; 0, 2, 4 → 0."""
    steps = [abs(b - a) for a, b in itertools.pairwise(ticks) if b != a]
    if not steps:
        return 0
    step = min(steps)
    decimals = max(0, -math.floor(math.log10(step)))
    while decimals < 4 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return decimals


def nice_ticks(
    axis: Axis, lang: str, fmt: Callable[[float, str, int], str] = fmt_decimal, nbins: int = 5
) -> None:
    """Ticks at round values, each labelled exactly where its gridline is (decimals as needed:
    a tick at 2.5 reads "2,5", never a rounded "2")."""
    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(
        FuncFormatter(lambda x, _pos: fmt(x, lang, tick_decimals(list(axis.get_majorticklocs()))))
    )


def label_lines(labels: Sequence[str]) -> int:
    """The most lines any of `labels` takes when wrapped by `wrap_label`."""
    return max((wrap_label(label).count("\n") + 1 for label in labels), default=1)


def new_figure(
    ctx: ChartContext, height: float, nrows: int = 1, ncols: int = 1, **kwargs: Any
) -> tuple[Figure, Any]:
    """A figure `ctx.width` wide; `height` (inches) is the plot area's height in `a4` size."""
    width, fixed = SIZES[ctx.size]
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, fixed or height), layout="constrained", **kwargs
    )
    return fig, axes


@contextmanager
def styled_figure(
    ctx: ChartContext, height: float, nrows: int = 1, ncols: int = 1, **kwargs: Any
) -> Iterator[tuple[Figure, Any]]:
    """`new_figure` with the report's style (`STYLE`) in force while the chart is drawn."""
    with plt.style.context(STYLE):
        yield new_figure(ctx, height, nrows, ncols, **kwargs)


def _chars(width_in: float, points: float, factor: float) -> int:
    return max(20, int(width_in * 72 / (points * factor)))


def finish(
    fig: Figure,
    ctx: ChartContext,
    title: str,
    subtitle: str = "",
    *,
    synthetic: bool | None = None,
    legend: tuple[list[Any], list[str]] | None = None,
    legend_rows: int = 1,
) -> None:
    """Banner (synthetic data), title stating the finding, subtitle, legend row and caption."""
    is_synthetic = ctx.synthetic if synthetic is None else synthetic
    width, fixed = SIZES[ctx.size]

    # never split at a hyphen ("kompetens-forecast" and "--horizon" stay whole), nor between
    # a number and its unit
    wrap = partial(_wrap, break_on_hyphens=False)

    title_lines = wrap(title, _chars(width, TITLE_PT, 0.62))
    sub_lines = wrap(subtitle, _chars(width, SUBTITLE_PT, 0.58)) if subtitle else []
    cap_lines = wrap(ctx.caption, _chars(width, CAPTION_PT, 0.6))
    line = 1.3 / 72
    banner_h = (BANNER_PT * 2.1 / 72) if is_synthetic else 0.0
    header_h = (
        0.08
        + banner_h
        + len(title_lines) * TITLE_PT * line
        + len(sub_lines) * SUBTITLE_PT * line
        + (0.06 if sub_lines else 0.0)
    )
    legend_h = 0.3 + 0.16 * (legend_rows - 1) if legend else 0.0
    footer_h = 0.1 + len(cap_lines) * CAPTION_PT * line + legend_h
    plot_h = fig.get_figheight()
    total = fixed if fixed else plot_h + header_h + footer_h
    fig.set_size_inches(width, total)
    x0 = 0.1 / width
    y = 1 - 0.06 / total
    if is_synthetic:
        fig.text(
            x0,
            y,
            translate("chart.synthetic_banner", ctx.lang),
            ha="left",
            va="top",
            fontsize=BANNER_PT,
            fontweight="bold",
            color="white",
            bbox={"facecolor": SYNTHETIC_COLOUR, "edgecolor": "none", "boxstyle": "square,pad=0.3"},
        )
        y -= banner_h / total
    fig.text(
        x0, y, "\n".join(title_lines), ha="left", va="top", fontsize=TITLE_PT, fontweight="bold"
    )
    y -= len(title_lines) * TITLE_PT * line / total
    if sub_lines:
        fig.text(
            x0,
            y,
            "\n".join(sub_lines),
            ha="left",
            va="top",
            fontsize=SUBTITLE_PT,
            color=palette.MUTED,
        )
    fig.text(
        x0,
        0.05 / total,
        "\n".join(cap_lines),
        ha="left",
        va="bottom",
        fontsize=CAPTION_PT,
        color=palette.MUTED,
        linespacing=1.2,
    )
    bottom = footer_h / total
    if legend:
        fig.legend(
            *legend,
            loc="lower left",
            bbox_to_anchor=(x0, (footer_h - legend_h + 0.02) / total),
            ncol=math.ceil(len(legend[1]) / legend_rows),
            fontsize=7.5,
            frameon=False,
            borderaxespad=0,
        )
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        # rect is (left, bottom, width, height) in figure fractions
        engine.set(rect=(0.0, bottom, 1.0, 1 - header_h / total - bottom))


def _savefig(fig: Figure, ext: str, path: Path) -> None:
    fig.savefig(path, format=ext, dpi=300, bbox_inches=None)


def save(fig: Figure, directory: Path, name: str) -> list[Path]:
    """Write `name`.png and `name`.svg atomically; close the figure."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        target = directory / f"{name}.{ext}"
        write_atomic(target, partial(_savefig, fig, ext))
        paths.append(target)
        fig.set_layout_engine("none")  # laid out once: the SVG keeps the PNG's positions
    plt.close(fig)
    return paths
