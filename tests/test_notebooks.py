"""The notebooks run from top to bottom in a real kernel, and are stored without outputs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT, SHARED

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path) -> None:  # type: ignore[no-untyped-def]
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs are stored"


def _run(name: str, monkeypatch: pytest.MonkeyPatch, corpus: Path | None = None) -> tuple[list[Any], str]:
    """Execute a notebook in a real kernel; its outputs, and their text joined."""
    path = ROOT / "notebooks" / name
    notebook = nbformat.read(path, as_version=4)
    monkeypatch.setenv("IMR_GRAPH_CORPUS", str(corpus or SHARED / "corpus"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs, "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in outputs)


def test_which_guidelines_drive_outcomes_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs, text = _run("which-guidelines-drive-outcomes.ipynb", monkeypatch)
    letters = 5 + (135 if (SHARED / "corpus").is_dir() else 0)
    assert f"{letters} letters read, {letters} in the graph" in text
    assert any("image/png" in o.get("data", {}) for o in outputs), "the rate plot was not drawn"
    assert "Association, not cause" in text or "not enough items" in text
    assert os.environ["IMR_GRAPH_CORPUS"]


def test_the_notebooks_run_on_the_sample_letters_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    absent = tmp_path / "no-shared-corpus"
    _, text = _run("which-guidelines-drive-outcomes.ipynb", monkeypatch, absent)
    assert "5 letters read, 5 in the graph" in text
    _, text = _run("citation-network.ipynb", monkeypatch, absent)
    assert "5 letters in the graph" in text


def test_citation_network_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs, text = _run("citation-network.ipynb", monkeypatch)
    letters = 5 + (135 if (SHARED / "corpus").is_dir() else 0)
    assert f"{letters} letters in the graph" in text
    frames = [
        o["data"]["text/html"]
        for o in outputs
        if "text/html" in o.get("data", {}) and "<iframe" in o["data"]["text/html"]
    ]
    assert len(frames) == 5  # network, matrix, specialties, one case, one letter
    assert all("srcdoc=" in frame and "&lt;!DOCTYPE html&gt;" in frame for frame in frames)
    assert "citations.html:" in text and "networkx:" in text
