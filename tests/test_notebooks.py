"""The notebooks run in a real Jupyter kernel (nbclient), in order, offline, and are committed
without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(
    path: Path,
    tmp_path: Path,
    county_run: tuple[Path, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the county report the other tests share, instead of running it once more in a notebook
    monkeypatch.setenv("KF_REPORT_DIR", str(county_run[0]))
    notebook = nbformat.read(path, as_version=4)
    # a cell that raises fails the test (CellExecutionError) with the cell's traceback
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    assert any(
        output.get("output_type") == "display_data" for cell in code for output in cell.outputs
    ), "no plot"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs"


def test_there_are_at_least_three_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3
