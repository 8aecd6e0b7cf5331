"""The report's colours: one meaning per colour across every chart of a report.

A reader who has learnt on chart 07 that vermillion means "brist" must not meet vermillion as
"decline" on chart 02 or as "women" on chart 10. Every data colour is defined here, once, by
what it means; chart modules import the meaning, never a hex code (a test checks both: the
values are distinct and no chart module holds a colour literal). Okabe–Ito colours where they
fit (readable with the common colour-vision deficiencies), Paul Tol's for the sexes.

| name | colour | means |
|---|---|---|
| REGION | blue | the region's own numbers (employees, quotients, forecast, index) |
| RIKET | grey | riket, for comparison |
| INCREASE | sky blue | growth: more employees, expansion demand |
| DECREASE | orange | decline: fewer employees, a forecast decline |
| WOMEN / MEN / BOTH_SEXES | purple / indigo / black | the sexes |
| STATUS["brist"], … | vermillion, yellow, green, pink, light grey | a shortage status |
| HISTORY | black | observed values on a time line |
"""

from __future__ import annotations

from typing import Final

REGION: Final = "#0072B2"
RIKET: Final = "#999999"
INCREASE: Final = "#56B4E9"
DECREASE: Final = "#E69F00"
WOMEN: Final = "#AA3377"
MEN: Final = "#332288"
BOTH_SEXES: Final = "#000000"
HISTORY: Final = BOTH_SEXES  # a black line is "observed" on a time line, "both sexes" by sex

# shortage status: vermillion = shortage, yellow = balance, bluish green = surplus,
# reddish purple = paradox (shortage although many jobseekers), light grey = no assessment
STATUS: Final[dict[str, str]] = {
    "brist": "#D55E00",
    "balans": "#F0E442",
    "överskott": "#009E73",
    "paradox": "#CC79A7",
    "ingen bedömning": "#DDDDDD",
}
STATUS_TEXT: Final[dict[str, str]] = {
    "brist": "white",
    "balans": "black",
    "överskott": "white",
    "paradox": "black",
    "ingen bedömning": "black",
}
NO_DATA: Final = "#F2F2F2"  # an empty cell in a table chart

# not data colours: reference lines, muted text and the synthetic-data banner
INK: Final = "#333333"
MUTED: Final = "#444444"
SYNTHETIC_BANNER: Final = "#D55E00"

# the goals chart (13_mal): traffic lights for a goal's status, with white bold text on them.
# Their own hues (Paul Tol's colour-blind-safe "muted" scheme: green, olive, wine, and a dark
# grey), so that a report with both charts never uses the shortage chart's green for "on
# track" or its vermillion for "off track" (one colour, one meaning per report).
GOAL_STATUS: Final[dict[str, str]] = {
    "on_track": "#117733",
    "at_risk": "#999933",
    "off_track": "#882255",
    "no_data": "#777777",
}
GOAL_MARK: Final = "#666666"
GRID: Final = "#D9D9D9"

DATA_COLOURS: Final[dict[str, str]] = {
    "REGION": REGION,
    "RIKET": RIKET,
    "INCREASE": INCREASE,
    "DECREASE": DECREASE,
    "WOMEN": WOMEN,
    "MEN": MEN,
    "BOTH_SEXES": BOTH_SEXES,
    **{f"STATUS[{k}]": v for k, v in STATUS.items()},
    **{f"GOAL_STATUS[{k}]": v for k, v in GOAL_STATUS.items()},
}
