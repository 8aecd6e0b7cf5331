"""The translation catalogue: every key in both languages, the same fields in both, and the
keys the code asks for present."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.languages import (
    LANGUAGES,
    catalogue,
    has_text,
    translate,
    translate_all,
)
from kompetens_forecast.report.columns import column_label, value_label, yes_no

SRC = Path(__file__).resolve().parents[1] / "src" / "kompetens_forecast"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_translated_into_every_language() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["sv"] == keys["en"]
    assert len(keys["sv"]) > 300
    empty = [(lang, k) for lang in LANGUAGES for k, v in catalogue(lang).items() if not v]
    assert empty == []


def test_both_languages_fill_the_same_fields() -> None:
    # "{Region}" is the region's name capitalised to start an English sentence
    differ = {
        key: (_fields(text), _fields(catalogue("en")[key]))
        for key, text in catalogue("sv").items()
        if {f.lower() for f in _fields(text)} != {f.lower() for f in _fields(catalogue("en")[key])}
    }
    assert differ == {}


def test_every_literal_key_in_the_code_is_in_the_catalogue() -> None:
    pattern = re.compile(
        r"""["'](chart|factsheet|column|value|word|goals|citation)\.([\w.]+)["']"""
    )
    used = {
        f"{m.group(1)}.{m.group(2)}"
        for path in SRC.rglob("*.py")
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    }
    prefixes = {"factsheet.methods", "factsheet.methods_short"}  # read with translate_all
    files = {k for k in used if k.rsplit(".", 1)[-1] in ("parquet", "xlsx", "csv", "png", "svg")}
    missing = sorted(k for k in used - prefixes - files if not has_text(k))
    assert len(used) > 80
    assert missing == []


def test_translate_fills_fields_and_codes_read_in_the_reader_s_language() -> None:
    assert translate("chart.largest_title", "sv", region="Dalarna", year=2023) == (
        "Största yrkesgrupperna i Dalarna 2023"
    )
    assert value_label("level", "lan", "sv") == "län"
    assert value_label("level", "lan", "en") == "county"
    assert value_label("model", "naive", "sv") == "oförändrad nivå (naiv)"
    assert value_label("level", "not-a-code", "sv") == "not-a-code"
    assert column_label("ssyk", "en") == "Occupation code (SSYK 2012)"
    assert column_label("no_such_column", "sv") == "no_such_column"
    assert (yes_no(True, "sv"), yes_no(False, "en")) == ("ja", "no")
    assert len(translate_all("factsheet.methods", "en")) == 5


def test_no_code_stands_as_a_swedish_text() -> None:
    codes = {"lan", "naive", "share", "national", "damped_trend", "empirical"}
    assert sorted(v for v in catalogue("sv").values() if v in codes) == []


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="Invalid language 'de'"):
        catalogue("de")
