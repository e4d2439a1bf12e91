"""The real letters in ../shared: the gold score, and every real PDF extracts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from imr_graph.cli import main
from imr_graph.records import schema_errors
from tests.conftest import shared_path

pytestmark = pytest.mark.slow


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
        assert schema_errors(record) == []
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


@pytest.fixture(scope="module")
def real_records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every real PDF's record, extracted once for the checks below."""
    real = shared_path("corpus", "real")
    out = tmp_path_factory.mktemp("real") / "all.jsonl"
    result = CliRunner().invoke(main, ["extract", str(real), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text().splitlines()]


def _citations(records: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for record in records:
        for item in record["items"]:
            for role in ("claims_administrator", "reviewer"):
                for citation in item[role]["citations"]:
                    yield record["source"]["path"], citation


#: What an ODG statement may say besides its topics: the guideline's names, its chapters (from
#: the catalog), the words around a chapter's name, dates and editions. Whatever is left names a topic.
_ODG_WORDS = re.compile(
    r"official\s+disability\s+guidelines?|\bodg\b|work\s+loss\s+data\s+institute|\bguidelines?\b|\bchapters?\b"
    r"|\bsections?\b|\btopic\b|procedure\s+summary|online\s+version|\bacute\b|\bchronic\b|\bupdated\b"
    r"|\d+(?:st|nd|rd|th)?|\bannual\b|\bedition\b|\band\b|\blumbar\b|\bthoracic\b",
    re.I,
)


def test_every_odg_citation_that_names_a_topic_has_it(real_records: list[dict[str, Any]]) -> None:
    from imr_graph.vocab import fold, load_vocabulary

    chapters = sorted(load_vocabulary().odg_chapters, key=len, reverse=True)
    checked = 0
    for path, citation in _citations(real_records):
        if citation["guideline"] != "ODG" or citation["sections"]:
            continue
        rest = fold(citation["text"])
        for name in chapters:
            rest = re.sub(rf"\b{re.escape(name)}\b", " ", rest)
        rest = _ODG_WORDS.sub(" ", rest)
        assert not re.search(r"[a-z]{2}", rest), f"{path}: {citation['text']!r} names a topic ({rest.strip()!r})"
        checked += 1
    assert checked > 0


def test_every_real_item_has_a_request_category(real_records: list[dict[str, Any]]) -> None:
    missing = [
        (r["source"]["path"], item["request"])
        for r in real_records
        for item in r["items"]
        if not item["treatment"]["category"] or not item["treatment"]["subcategory"]
    ]
    assert missing == []


def test_no_specialty_or_state_outside_the_vocabularies_without_a_warning(
    real_records: list[dict[str, Any]],
) -> None:
    from imr_graph.vocab import load_vocabulary

    vocab = load_vocabulary()
    specialties, states = set(vocab.specialties.values()), set(vocab.states.values())
    for record in real_records:
        reviewer = record["reviewer"]
        outside = [s for s in reviewer["specialties"] + reviewer["subspecialties"] if s not in specialties]
        outside += [s for s in reviewer["license_states"] if s not in states]
        for label in outside:
            assert any(repr(label) in w for w in record["warnings"]), (record["source"]["path"], label)
