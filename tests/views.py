"""Graphs for the view tests: the hand-counted records, and sample letters with a hostile one.

The hostile letter is the embedded 2016 sample with its treatment and one diagnosis renamed
to markup that would run script if a page ever treated letter text as HTML.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from imr_graph.extract import extract_paths
from imr_graph.records import CaseRecord
from imr_graph.store import build, open_store

SAMPLES = Path(__file__).resolve().parent.parent / "imr_graph" / "sample" / "letters"
HOSTILE_REQUEST = "<img src=x onerror=alert(1)>"
HOSTILE_DIAGNOSIS = "<script>alert(2)</script>"
HOSTILE_CASE = "CM16-0900666"


def hostile_letter(folder: Path) -> Path:
    """Write the hostile letter into ``folder`` and return its path."""
    text = (SAMPLES / "sample-2016-a.txt").read_text(encoding="utf-8")
    assert "Physical therapy" in text and "sleep disturbance" in text and "CM16-0900001" in text
    text = text.replace("Physical therapy", HOSTILE_REQUEST).replace("sleep disturbance", HOSTILE_DIAGNOSIS)
    path = folder / "hostile-2016.txt"
    path.write_text(text.replace("CM16-0900001", HOSTILE_CASE), encoding="utf-8")
    return path


def sample_store(folder: Path) -> ox.Store:
    """The embedded sample letters and the hostile one, extracted and built into a store."""
    records = list(extract_paths([SAMPLES, hostile_letter(folder)], workers=1))
    assert all(isinstance(record, CaseRecord) for record in records), records
    store = open_store(None)
    build(records, store)  # type: ignore[arg-type]
    return store
