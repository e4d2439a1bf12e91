"""The real letters in ../shared: the gold score, and every real PDF extracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from click.testing import CliRunner
from conftest import ROOT, shared_path

from imr_graph.cli import main

SCHEMA = json.loads((ROOT / "imr_graph/schema/case-record.schema.json").read_text())


def _score(corpus: Path, suffix: str, tmp_path: Path) -> str:
    gold = corpus / "gold"
    files = [str(corpus / f"{g.stem}{suffix}") for g in sorted(gold.glob("*.json"))]
    out = tmp_path / "cases.jsonl"
    result = CliRunner().invoke(main, ["extract", *files, "-o", str(out), "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    scorer = shared_path("tools", "score_extraction.py")
    run = subprocess.run([sys.executable, str(scorer), str(out), str(gold), "-v"], capture_output=True, text=True)
    return run.stdout


def test_seed_gold_scores_one(tmp_path: Path) -> None:
    report = _score(shared_path("corpus", "seeds"), ".txt", tmp_path)
    assert report.splitlines()[-1].startswith("score: 1.000"), report


def test_real_gold_scores_one(tmp_path: Path) -> None:
    report = _score(shared_path("corpus", "real"), ".pdf", tmp_path)
    assert report.splitlines()[-1].startswith("score: 1.000"), report


def test_every_real_pdf_extracts_with_items(tmp_path: Path) -> None:
    real = shared_path("corpus", "real")
    pdfs = sorted(real.glob("*.pdf"))
    assert len(pdfs) == 130
    out = tmp_path / "all.jsonl"
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(main, ["extract", str(real), "-o", str(out), "--errors", str(errors), "-q"])
    assert result.exit_code == 0, result.output
    assert errors.read_text() == ""
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [Path(r["source"]["path"]).name for r in records] == [p.name for p in pdfs]
    for record in records:
        jsonschema.validate(record, SCHEMA)
        assert record["items"], record["source"]["path"]
        assert record["case_number"] == Path(record["source"]["path"]).stem.split("_")[-1]
        assert record["source"]["format"] == "final-determination-2016"


def test_output_is_deterministic(tmp_path: Path) -> None:
    seeds = shared_path("corpus", "seeds")
    runs = []
    for workers in ("1", "2"):
        out = tmp_path / f"run{workers}.jsonl"
        CliRunner().invoke(main, ["extract", str(seeds), "-o", str(out), "--workers", workers, "-q"])
        runs.append(out.read_bytes())
    assert runs[0] == runs[1] and runs[0]
