from __future__ import annotations

import pandas as pd

from kompetens_forecast.analysis.af_labels import af_labels, with_af_labels
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.store import DataContext


def test_newest_round_wins_and_county_rows_beat_national_within_a_round(isolated_data_dir) -> None:  # type: ignore[no-untyped-def]
    ctx = DataContext(
        isolated_data_dir
    )  # the embedded demo: 2025-2 (county rows) + 2026-1 (national)
    labels = af_labels(ctx, default_registry().get("20"))
    assert labels is not None
    by = labels.labels.set_index("ssyk")
    assert by.loc["2221", "af_level"] == "national" and by.loc["2221", "af_omgang"] == "2026-1"
    # 2222 Barnmorskor: only the 2025-2 round has it, with a Dalarna row copied from a wider region
    assert by.loc["2222", "af_omgang"] == "2025-2" and by.loc["2222", "af_level"] == "wider"
    # 4119 is in both rounds: the newer national 2026-1 label wins over Dalarna's 2025-2 row
    assert by.loc["4119", "af_omgang"] == "2026-1" and by.loc["4119", "af_level"] == "national"
    assert by.loc["2611", "af_yrke"] == "Jurister"


def test_labels_go_only_on_the_regions_own_ssyk4_rows(isolated_data_dir) -> None:  # type: ignore[no-untyped-def]
    labels = af_labels(DataContext(isolated_data_dir), default_registry().get("20"))
    indicators = pd.DataFrame(
        {"region_code": ["20", "20", "2080"], "ssyk": ["2221", "9999", "222"]}
    )
    out = with_af_labels(indicators, "20", labels)
    assert out.loc[0, "af_situation"] == "brist"
    assert pd.isna(out.loc[1, "af_situation"]) and pd.isna(out.loc[2, "af_situation"])
