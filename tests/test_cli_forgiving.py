"""The forgiving command line: global options after the command, KF_LANG, stemmed occupation
search, ambiguous region names explained, a header on `regions`, progress lines when stderr is
not a terminal, one-line errors and no warnings unless --debug."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from cli_helpers import PROGRESS, invoke
from kompetens_forecast import cli
from kompetens_forecast.classify import regions as regions_module
from kompetens_forecast.jobs import lists as lists_module
from kompetens_forecast.store import datasets


def test_global_options_are_accepted_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = invoke(capsys, "--lang", "en", "occupations", "--search", "2341")
    after = invoke(capsys, "occupations", "--search", "2341", "--lang", "en")
    assert after.code == 0 and after.out == before.out
    assert after.out.startswith("2341\t4\tPrimary school")
    status = invoke(capsys, "data", "status", "--data-dir", str(tmp_path / "d"))
    assert status.code == 0 and f"# data directory: {tmp_path / 'd'}" in status.out
    bad = invoke(capsys, "occupations", "--lang", "fi")
    assert bad.code == 2 and "Invalid language 'fi'" in bad.err


def test_kf_lang_sets_the_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KF_LANG", "en")
    assert invoke(capsys, "occupations", "--search", "2341").out.startswith("2341\t4\tPrimary")
    sv = invoke(capsys, "occupations", "--search", "2341", "--lang", "sv")
    assert "Grundskollärare" in sv.out


def test_data_dir_env_name_matches_the_store() -> None:
    assert cli.DATA_DIR_ENV == datasets.DATA_DIR_ENV


def test_occupation_search_finds_plural_labels_from_a_singular(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = invoke(capsys, "occupations", "--search", "sjuksköterska", "--level", "4")
    codes = [line.split("\t")[0] for line in result.out.splitlines()]
    assert result.code == 0 and codes[0] == "2221" and codes[-1] == "2239"
    assert all(code.startswith(("222", "223")) for code in codes)


def test_ambiguous_region_name_is_explained_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # --horizon 0 is refused after the region is read: the note costs no run
    args = ("--horizon", "0", "--out", str(tmp_path))
    result = invoke(capsys, "run", "--region", "Stockholm", *args)
    note = [line for line in result.messages if line.startswith("Note:")]
    assert note == [
        "Note: Stockholm = 0180 Stockholm (kommun); for the county use 01 (Stockholms län); "
        "for the group use SE11 (Stockholm)."
    ]
    plain = invoke(capsys, "run", "--region", "Dalarna", *args)
    assert not [line for line in plain.messages if line.startswith("Note:")]


def test_regions_prints_a_header_row(capsys: pytest.CaptureFixture[str]) -> None:
    lines = invoke(capsys, "regions", "--search", "Falun").out.splitlines()
    assert lines == ["code\tname\tlevel\tcounty", "2080\tFalun\tkommun\t20"]


def test_progress_is_a_timestamped_line_per_stage_and_quiet_silences(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    loud = invoke(capsys, "run", "--region", "99", "--out", str(tmp_path))
    assert any(PROGRESS.match(line) for line in loud.err.splitlines())
    quiet = invoke(capsys, "run", "--region", "99", "--out", str(tmp_path), "--quiet")
    assert quiet.code == 2 and quiet.err.strip().splitlines() == quiet.messages
    assert len(quiet.messages) == 1


def _registry_that_fails() -> object:
    raise RuntimeError("the registry broke")


def test_unexpected_errors_are_one_line_unless_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists_module, "default_registry", _registry_that_fails)
    plain = invoke(capsys, "regions")
    assert plain.code == 1 and "Traceback" not in plain.err
    assert plain.err.strip() == (
        "Error: unexpected RuntimeError: the registry broke (run with --debug for the traceback)"
    )
    debug = invoke(capsys, "regions", "--debug")
    assert debug.code == 1 and "Traceback" in debug.err and "_registry_that_fails" in debug.err


def test_library_warnings_are_shown_only_with_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = regions_module.default_registry

    def warning_registry() -> regions_module.RegionRegistry:
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=1)
        return real()

    monkeypatch.setattr(lists_module, "default_registry", warning_registry)
    assert "RuntimeWarning" not in invoke(capsys, "regions", "--search", "Falun").err
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert invoke(capsys, "--debug", "regions", "--search", "Falun").code == 0
    assert [str(w.message) for w in caught] == ["Mean of empty slice"]


def test_no_command_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys)
    assert result.code == 2 and "Usage: forecast" in result.err and "run" in result.err
    data = invoke(capsys, "data")
    assert data.code == 2 and "Usage: forecast data" in data.err and "status" in data.err
