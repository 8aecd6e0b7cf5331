"""Reference thumbnails of the report charts, and the comparison the visual regression test
uses (tests/test_report_readable.py; regenerate with scripts/update_chart_baselines.py).

A chart is compared as a grayscale thumbnail (a quarter of the 300-dpi size, block-averaged)
tile by tile: a whole-image average would hide a moved axis label or two labels overlapping in
one corner, a tile does not. Same machine kind, fonts shipped with matplotlib and pinned
versions make the renders repeatable, so the tolerance only absorbs anti-aliasing noise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

BASELINE_DIR = Path(__file__).with_name("chart_baselines")
REDUCE = 4  # thumbnail = 1/4 of the 300-dpi PNG in each direction
TILE = 32  # thumbnail pixels per tile side
TOLERANCE = 6.0  # largest allowed mean absolute difference in a tile (0–255 grey levels)


def thumbnail(png: Path) -> Image.Image:
    with Image.open(png) as image:
        return image.convert("L").reduce(REDUCE)


def compare_to_baseline(chart: Path, reference: Path) -> str:
    """'' when `chart` matches `reference`; otherwise what differs and where."""
    if not chart.exists():
        return f"{chart.name}: not drawn"
    new = np.asarray(thumbnail(chart), dtype=float)
    old = np.asarray(Image.open(reference).convert("L"), dtype=float)
    if new.shape != old.shape:
        return f"{chart.name}: size {new.shape[::-1]} instead of {old.shape[::-1]}"
    diff = np.abs(new - old)
    worst, where = 0.0, (0, 0)
    for y in range(0, diff.shape[0], TILE):
        for x in range(0, diff.shape[1], TILE):
            value = float(diff[y : y + TILE, x : x + TILE].mean())
            if value > worst:
                worst, where = value, (x * REDUCE, y * REDUCE)
    if worst > TOLERANCE:
        return f"{chart.name}: changed near x={where[0]}, y={where[1]} px (tile diff {worst:.1f})"
    return ""
