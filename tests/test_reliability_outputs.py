"""Output folders (issue 14 item 6 and issue 12 item 8) and file-system faults (item 5):
one run's files per folder, a lock per folder, leftovers cleaned, one line on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from cli_helpers import invoke
from kompetens_forecast.errors import OutputError
from kompetens_forecast.jobs.outputs import lock_path, staged_directory


def test_a_second_run_into_a_locked_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_directory(target) as staging:
        (staging / "a.txt").write_text("first")
        with (
            pytest.raises(OutputError, match="Another run is writing"),
            staged_directory(target),
        ):
            pass
    assert (target / "a.txt").read_text() == "first"


def test_the_cli_refuses_a_second_run_while_another_process_holds_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = (tmp_path / "out").absolute()
    lock = lock_path(target)
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; from filelock import FileLock; l=FileLock(sys.argv[1]); l.acquire();"
            " print('held', flush=True); time.sleep(30)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = invoke(capsys, "--quiet", "report", "-r", "20", "--out", str(target))
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"Error: Another run is writing to {target}. Wait for it to finish, or choose another "
        "--out (or set KF_OUTPUT_LOCK_WAIT=SECONDS to wait)."
    ]
    assert not target.exists()


def test_a_run_waits_for_the_folder_when_asked_to(tmp_path: Path) -> None:
    target = tmp_path / "out"
    lock = FileLock(str(lock_path(target.absolute())))
    lock.acquire()
    try:
        with pytest.raises(OutputError), staged_directory(target, lock_wait=0.05):
            pass
    finally:
        lock.release()
    with staged_directory(target, lock_wait=0.05) as staging:
        (staging / "x").write_text("ok")
    assert (target / "x").is_file()


def run_set(target: Path, files: dict[str, str]) -> None:
    with staged_directory(target) as staging:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text)
        outputs = [*files, "manifest.json"]
        (staging / "manifest.json").write_text(json.dumps({"outputs": outputs}))


def test_a_second_run_replaces_the_whole_set_of_the_first(tmp_path: Path) -> None:
    target = tmp_path / "out"
    run_set(target, {"csv/dalarna.csv": "20", "charts/a.png": "a", "tables.md": "20"})
    run_set(target, {"csv/falun.csv": "2080", "tables.md": "2080"})
    present = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert present == ["csv/falun.csv", "manifest.json", "tables.md"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert sorted(manifest["outputs"]) == present


def test_files_not_from_a_run_are_kept_and_the_old_set_still_removed(tmp_path: Path) -> None:
    target = tmp_path / "out"
    run_set(target, {"csv/dalarna.csv": "20", "tables.md": "20"})
    (target / "my-notes.txt").write_text("mine")
    run_set(target, {"tables.md": "2080"})
    present = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert present == ["manifest.json", "my-notes.txt", "tables.md"]
    assert not (target / "csv").exists()


def test_staging_left_by_a_killed_run_is_cleaned_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "out"
    left = tmp_path / ".out.staging-abc123"
    left.mkdir()
    (left / "half.parquet").write_bytes(b"PAR1")
    run_set(target, {"a.txt": "a"})
    assert not left.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_swap_cut_between_its_renames_is_undone_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "out"
    run_set(target, {"a.txt": "first"})
    target.rename(tmp_path / ".out.old-xyz")  # killed after moving the old set aside
    run_set(tmp_path / "other", {"b.txt": "b"})  # another folder's run leaves it alone
    assert (tmp_path / ".out.old-xyz").exists()
    with staged_directory(target):
        assert (target / "a.txt").read_text() == "first"  # put back before anything else
        raise_in_run = False
        assert not raise_in_run


def test_out_below_a_plain_file_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = invoke(capsys, "--quiet", "report", "-r", "20", "--out", str(blocker / "out"))
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "not a folder" in lines[0] and "Traceback" not in result.err
    same = invoke(capsys, "--quiet", "report", "-r", "20", "--out", str(blocker))
    assert same.code == 2 and len(same.err.strip().splitlines()) == 1  # click: a usage error
    with pytest.raises(OutputError, match="is a file, not a folder"), staged_directory(blocker):
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # pragma: no cover - CI runs as a normal user
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    result = invoke(capsys, "--quiet", "report", "-r", "20", "--out", str(parent / "out"))
    parent.chmod(0o755)
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1


def test_a_full_disk_while_writing_is_one_output_error(tmp_path: Path) -> None:
    import errno

    target = tmp_path / "out"
    run_set(target, {"a.txt": "first"})
    with pytest.raises(OutputError) as info, staged_directory(target):
        raise OSError(errno.ENOSPC, "No space left on device", str(target / "x.parquet"))
    assert "No space left on device" in info.value.one_line()
    assert "Free some disk space" in info.value.one_line()
    assert (target / "a.txt").read_text() == "first"  # earlier output kept


def test_a_read_only_file_system_is_one_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import tempfile

    def read_only(*_args: object, **_kwargs: object) -> str:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    with pytest.raises(OutputError) as info, staged_directory(tmp_path / "out"):
        pass
    assert "read-only file system" in info.value.one_line()
    assert "choose another --out" in info.value.one_line()
