"""Outlook classes relative to the current shortage status (configs/outlook.toml)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kompetens_forecast.analysis.outlook import (
    OUTLOOK_EN,
    OUTLOOKS,
    OutlookSettings,
    load_outlook_settings,
    outlook,
)


def test_rules_read_demand_against_the_current_status() -> None:
    status = pd.Series(
        ["brist", "brist", "brist", "balans", "balans", "balans", "överskott", "överskott",
         "överskott", "paradox", "brist"]
    )  # fmt: skip
    growth = pd.Series([-8.0, 20.0, 2.0, 10.0, -6.0, 1.0, -9.0, 16.0, 0.0, 3.0, math.nan])
    replacement = pd.Series([0.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 20.0, 14.0, 0.0])
    out = outlook(status, growth, replacement, OutlookSettings())
    assert list(out["outlook"]) == [
        "minskande brist",
        "ökande brist",
        "fortsatt brist",
        "risk för brist",  # 10 % growth + 6 % exits = 16 % openings
        "minskande efterfrågan",
        "fortsatt balans",
        "minskande efterfrågan",
        "minskande överskott",
        "minskande överskott",  # replacement alone opens 20 %
        "ökande brist",  # paradox counts as shortage; 3 + 14 = 17 %
        None,  # no forecast: no outlook
    ]
    assert out["openings_pct"].iloc[3] == pytest.approx(16.0)
    assert out["openings_pct"].iloc[0] == 0.0  # decline is not negative openings
    assert set(out["outlook"].dropna()) <= set(OUTLOOKS)


def test_settings_file_and_english_labels() -> None:
    settings = load_outlook_settings()
    assert settings == OutlookSettings()
    assert set(OUTLOOK_EN) == set(OUTLOOKS)
