"""Flat tables: they load in pandas with the dictionary's dtypes, their ids join, and their
counts are the questions' counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import imr_graph
from imr_graph.cli import main
from imr_graph.tables import TABLES


def read(folder: Path, fmt: str) -> dict[str, pd.DataFrame]:
    path = folder / f"dictionary.{fmt}"
    dictionary = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    types = {t: dict(zip(rows["name"], rows["dtype"], strict=True)) for t, rows in dictionary.groupby("table")}
    if fmt == "csv":
        return {t: pd.read_csv(folder / f"{t}.csv", dtype=types[t]) for t in TABLES}  # type: ignore[arg-type]
    return {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_load_with_their_dtypes_and_count_as_the_questions(
    shared_corpus_store: ox.Store, tmp_path: Path, fmt: str
) -> None:
    from imr_graph.tables import write

    counts = write(shared_corpus_store, tmp_path, fmt=fmt)
    frames = read(tmp_path, fmt)
    for table, columns in TABLES.items():
        frame = frames[table]
        assert list(frame.columns) == [c.name for c in columns]
        assert {c.name: str(frame[c.name].dtype) for c in columns} == {
            c.name: str(pd.Series([], dtype=c.dtype).dtype)
            for c in columns  # type: ignore[call-overload]
        }, table
        assert len(frame) == counts[table]
    letters, items, citations = frames["letters"], frames["items"], frames["citations"]
    # ids are unique and join
    assert letters["letter_id"].is_unique and items["item_id"].is_unique and citations["citation_id"].is_unique
    assert set(items["letter_id"]) <= set(letters["letter_id"])
    assert set(citations["item_id"]) <= set(items["item_id"])
    assert set(items["depends_on"].dropna()) <= set(items["item_id"])
    # counts equal the questions'
    (outcome,) = imr_graph.query(shared_corpus_store, "outcomes").rows
    independent = items[~items["dependent"]]
    assert (len(independent), int(independent["overturned"].sum())) == (outcome["items"], outcome["overturned"])
    assert independent["letter_id"].nunique() == outcome["letters"]
    cited = citations[citations["role"] == "reviewer"].merge(independent, on="item_id")
    by_source = cited.groupby("source_unit")["item_id"].nunique().to_dict()
    asked = imr_graph.query(shared_corpus_store, "overturn-by-guideline", level="source")
    assert by_source == {row["unit"]: row["items"] for row in asked}
    by_chapter = cited.groupby("chapter_unit").agg(items=("item_id", "nunique"), letters=("letter_id_x", "nunique"))
    chapters = imr_graph.query(shared_corpus_store, "overturn-by-guideline", level="chapter")
    assert {u: (r["items"], r["letters"]) for u, r in by_chapter.iterrows()} == {
        row["unit"]: (row["items"], row["letters"]) for row in chapters
    }


def test_the_tables_command(known_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tables", "--graph", str(known_file), "-o", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {tmp_path / 't'}: letters 3, items 5, citations ")
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "citations.csv",
        "diagnoses.csv",
        "dictionary.csv",
        "items.csv",
        "letters.csv",
    ]
