"""The synthetic letter generator: letters in every format, extracted back to exactly their truth."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_graph.cli import main
from imr_graph.extract import extract_letter
from imr_graph.records import Decision, LetterFormat, read_records
from imr_graph.synthetic import SyntheticLetter, check_records, synthetic_letters, write_corpus


@pytest.fixture(scope="module")
def letters() -> list[SyntheticLetter]:
    return list(synthetic_letters(3000, seed=11))


def test_text_letters_extract_to_their_truth(letters: list[SyntheticLetter]) -> None:
    differences = []
    for letter in letters[:600]:
        differences += letter.differences(extract_letter(f"{letter.name}.txt", letter.text.encode()))
    assert differences == []


def test_pdf_letters_extract_to_their_truth(letters: list[SyntheticLetter]) -> None:
    differences = []
    for letter in letters[600:750]:
        record = extract_letter(f"{letter.name}.pdf", letter.pdf())
        assert record.source.pages == len(letter.pages)
        differences += letter.differences(record)
    assert differences == []


def test_a_wrong_record_is_caught(letters: list[SyntheticLetter]) -> None:
    letter = next(x for x in letters if len(x.items) >= 2)
    record = extract_letter(f"{letter.name}.txt", letter.text.encode())
    first = record.items[0]
    flipped = Decision.OVERTURNED if first.decision is Decision.UPHELD else Decision.UPHELD
    wrong = dataclasses.replace(record, items=(dataclasses.replace(first, decision=flipped), *record.items[1:]))
    assert letter.differences(wrong) == [
        f"{letter.name}: item 1 decision: found {flipped!r}, expected {first.decision!r}"
    ]
    assert letter.differences(dataclasses.replace(record, items=record.items[1:]))[0].startswith(
        f"{letter.name}: item count: found {len(letter.items) - 1}"
    )


def test_the_mix_follows_the_public_figures(letters: list[SyntheticLetter]) -> None:
    items = [item for letter in letters for item in letter.items]
    assert 1.6 <= len(items) / len(letters) <= 2.3
    assert 0.88 <= sum(i.decision is Decision.UPHELD for i in items) / len(items) <= 0.92
    assert 0.37 <= sum(i.category == "Pharmaceuticals" for i in items) / len(items) <= 0.43
    counts = Counter(len(letter.items) for letter in letters)
    assert min(counts) == 1 and 12 <= max(counts) <= 21
    assert set(Counter(letter.format for letter in letters)) == set(LetterFormat) - {LetterFormat.UNKNOWN}


def test_letters_vary_the_way_real_ones_do(letters: list[SyntheticLetter]) -> None:
    texts = [letter.text for letter in letters]
    assert any(item.partial for letter in letters for item in letter.items)  # partial authorizations
    assert any(len(letter.states) >= 3 for letter in letters)  # multi-state licences
    assert any(len(letter.pages) >= 4 for letter in letters)  # page breaks
    assert any("notmedically" in text for text in texts)  # OCR slips
    assert any("  " in text for text in texts)
    assert any("Board Certified in" + letter.specialties[0] in letter.text for letter in letters)
    styles = ("Section(s):", "Page(s):", "which is part of the MTUS", "Non-MTUS Citation", "did not cite any")
    assert all(any(style in text for text in texts) for style in styles)
    both_layouts = (
        [t for t in texts if t.startswith("Case Number:\nDate Assigned:")],
        [t for t in texts if t.startswith("Case Number: CM")],
    )
    assert all(both_layouts)  # header labels and values in two blocks, and inline
    # what extraction must read past the surface: ODG topics, dependent items, several conditions in a phrase
    odg = [c for letter in letters for i in letter.items for c in i.reviewer if c.guideline.value == "ODG"]
    assert sum(1 for c in odg if c.sections) > 100  # ODG cited by chapter and topic
    assert sum(1 for letter in letters for i in letter.items if i.follows) > 50  # dependent items
    assert any("cervical, thoracic and lumbar strain" in t for t in texts)
    assert any("strain of muscle, fascia and tendon of lower back, initial encounter" in t for t in texts)


def test_same_seed_same_letters_in_any_part() -> None:
    whole = list(synthetic_letters(12, seed=5))
    assert list(synthetic_letters(4, seed=5, start=8)) == whole[8:]
    assert [x.text for x in synthetic_letters(12, seed=6)] != [x.text for x in whole]


def test_corpus_on_disk_checks_out(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "letters", 30, seed=2, kinds=("txt", "pdf"), start=990)
    assert len(paths) == 60
    assert {p.parent.name for p in paths} == {"00000", "00001"}  # 1,000 letters per folder
    records = [extract_letter(p) for p in paths]
    assert check_records(records, seed=2) == (60, [])
    checked, differences = check_records(records[:1], seed=3)  # another seed: other letters
    assert checked == 1 and differences


def test_demo_letters_runs_the_whole_job(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--letters", "40", "--workers", "1", "-q", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "letters: 40  extracted: 40  checked against the composed truth: 40, 40 exact" in result.output
    records = list(read_records(tmp_path / "cases.jsonl"))
    items = sum(len(r.items) for r in records)
    row = next(line for line in result.output.splitlines() if line.startswith("ACOEM Practice Guidelines"))
    acoem = sum(any(c.guideline.value == "ACOEM" for c in i.reviewer.citations) for r in records for i in r.items)
    assert int(row.split()[3]) == acoem  # the answer counts the items the records say
    assert items >= 40
    assert (tmp_path / "matrix.html").stat().st_size > 0
    assert (tmp_path / "store").is_dir()
