"""The example notebook runs end to end (nbclient), so the README's notebook loop cannot rot."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "first_hour.ipynb"


def test_first_hour_notebook_runs_without_errors_or_warnings(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="needs nbformat and nbclient (pip install -r requirements.lock)")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "commit the notebook without outputs"
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    noise = [o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert noise == [], f"the notebook printed warnings or noise: {noise}"
    shown = "".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("data", {}).get("text/html", ""))
                    for o in outputs)
    assert "| # | kind | name | result |" in shown  # the report renders as a table
    assert "<table" in shown  # the attention grids
    texts = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "PASS" in texts and "FAIL" in texts  # one claim holds, one does not, and the failures say why
