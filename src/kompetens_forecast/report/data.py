"""What the report set is drawn from: `ReportData` (the run's labelled tables, captions and
provenance for one region) and its `Captions`. Its own module so that the report writers
(build, factsheet) can share it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kompetens_forecast.analysis.matching import MatchingGrade
from kompetens_forecast.classify.regions import Region
from kompetens_forecast.goals.evaluate import GoalsResult
from kompetens_forecast.report.shortage_cells import ShortageCells


@dataclass(frozen=True)
class Captions:
    """The source lines under the report's charts and tables, one per set of data they show."""

    main: str  # the region's employment data
    largest: str  # plus AF's Yrkesbarometer (labels on the chart)
    sub: str  # sub-regions (with the synthetic source where it applies)
    shortage: str  # employment data and AF (the score is calibrated to AF's labels)
    matching: str = ""
    age: str = ""  # plus the age structure
    pay: str = ""  # plus the pay statistics
    ads: str = ""  # plus AF's job ads


@dataclass
class ReportData:
    """Everything the report set of one region is drawn from: labelled tables, panel,
    captions, provenance, optional shortage/matching/goals, and why charts are left out."""

    region: Region
    in_text: str  # the region's name inside a sentence ("Dalarnas län", "riket")
    lang: str
    size: str
    ind: pd.DataFrame  # labelled indicators: the region and its sub-regions
    fc: pd.DataFrame  # labelled forecast of the region
    sub_fc: pd.DataFrame  # labelled forecast of the sub-regions (may be empty)
    panel: pd.DataFrame  # region_code, ssyk, year, value, value_adj (incl. riket)
    riket_code: str
    sub_names: dict[str, str]
    group_labels: dict[str, str]  # SSYK major group code → label
    captions: Captions
    synthetic: bool  # the region's own numbers are synthetic
    sub_synthetic: bool
    kommuner: bool  # sub-regions are municipalities
    datasets: list[dict[str, Any]]  # dataset provenance (manifest "datasets")
    breaks: list[dict[str, Any]]
    matching: MatchingGrade | None = None
    shortage: ShortageCells | None = None
    skip_reasons: dict[str, str] = field(default_factory=dict)  # chart → why it cannot be drawn
    pdf: bool = False  # also faktablad.pdf (the `pdf` extra)
    goals: GoalsResult | None = None  # `forecast run --goals FILE`
    goals_caption: str = ""
    full: bool = False  # the fact sheet's appendix: every chart, full methods and licences
    citations: list[str] = field(default_factory=list)  # sources in plain words
    pay: pd.DataFrame | None = None  # analysis.pay_level: the region's occupations' pay
    pay_reference: dict[str, float] = field(default_factory=dict)  # all occupations' mean pay
    ads: pd.DataFrame | None = None  # analysis.ads_trend: ads per year
