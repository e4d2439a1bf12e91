"""N-Quads parts: a parallel build written as files equals, quad for quad, the store a serial
build makes; `oxigraph load` puts them into a real server's store, which then answers every
named question as the local store does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import imr_graph
from imr_graph.cli import main
from imr_graph.errors import OutputError, RecordError
from imr_graph.extract import extract_paths
from imr_graph.parts import load_parts, part_files, write_parts
from imr_graph.records import CaseRecord, record_json
from imr_graph.store import build_jsonl, open_store
from tests.conftest import oxigraph_server, shared_path
from tests.test_queries import comparable, shared_parameters


@pytest.fixture(scope="module")
def real_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared corpus's records as JSON Lines."""
    folders = [shared_path("corpus", "seeds"), shared_path("corpus", "real")]
    records = [r for r in extract_paths(folders, workers=2) if isinstance(r, CaseRecord)]
    path = tmp_path_factory.mktemp("cases") / "cases.jsonl"
    path.write_text("".join(record_json(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def serial_store(real_cases: Path) -> ox.Store:
    store = open_store(None)
    build_jsonl([real_cases], store, batch=20, workers=1)
    return store


@pytest.fixture(scope="module")
def parts(real_cases: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parts") / "parts"
    summary = write_parts([real_cases], folder, batch=20, workers=2)
    assert (summary.letters, summary.parts) == (135, 7)
    return folder


def test_a_parallel_build_equals_a_serial_one_quad_for_quad(real_cases: Path, serial_store: ox.Store) -> None:
    parallel = open_store(None)
    build_jsonl([real_cases], parallel, batch=7, workers=2)
    assert set(parallel) == set(serial_store)


def test_loads_side_by_side_equal_a_serial_build_quad_for_quad(
    real_cases: Path, serial_store: ox.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imr_graph import store as stores

    monkeypatch.setattr(stores, "SEGMENT", 20)  # several segments each side
    on_disk = open_store(tmp_path / "store")
    build_jsonl([real_cases], on_disk, batch=7, workers=2, loads=stores.ON_DISK_LOADS)
    assert set(on_disk) == set(serial_store)


def test_parts_load_into_the_store_a_serial_build_makes(parts: Path, serial_store: ox.Store) -> None:
    loaded = open_store(None)
    load_parts(parts, loaded)
    assert set(loaded) == set(serial_store)
    names = [p.name for p in part_files(parts)]
    assert names[:7] == [f"letters-{n:06d}.nq" for n in range(1, 8)]
    for path in part_files(parts):  # each letter part is sorted, and every part is N-Quads
        lines = path.read_text(encoding="utf-8").splitlines()
        if path.name.startswith("letters-"):
            assert lines == sorted(lines)
        assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))) == len(lines)


@pytest.fixture(scope="module")
def served(parts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The parts loaded by `oxigraph load` into a server's store, served read-only."""
    location = tmp_path_factory.mktemp("server") / "store"
    oxigraph = Path(sys.executable).with_name("oxigraph")
    files = [str(p) for p in part_files(parts)]
    loaded = subprocess.run(
        [str(oxigraph), "load", "--location", str(location), "--file", *files], capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr
    with oxigraph_server(location, read_only=True) as base:
        yield f"{base}/query"


def test_a_server_loaded_from_the_parts_answers_as_the_store(served: str, serial_store: ox.Store) -> None:
    asked = list(shared_parameters())
    asked += [("cases-citing", {"unit": "acoem-2004-ch12"}), ("cases-citing", {"unit": "ODG", "pages": "1-900"})]
    asked += [("overturn-by-guideline", {"raw": True, "level": "section"})]  # type: ignore[dict-item]
    for name, params in asked:
        here = imr_graph.query(serial_store, name, **params)  # type: ignore[arg-type]
        there = imr_graph.query(served, name, **params)  # type: ignore[arg-type]
        assert comparable(there) == comparable(here), (name, params)
    assert len(imr_graph.query(served, "overturn-by-guideline", level="page")) > 5


def test_the_build_command_writes_parts(real_cases: Path, tmp_path: Path, serial_store: ox.Store) -> None:
    folder = tmp_path / "parts"
    result = CliRunner().invoke(main, ["build", str(real_cases), "--parts", str(folder), "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    loaded = open_store(None)
    load_parts(folder, loaded)
    assert set(loaded) == set(serial_store)
    refused = CliRunner().invoke(main, ["build", str(real_cases), "--parts", str(folder), "--store", str(tmp_path)])
    assert refused.exit_code == 2 and "--parts writes files to load elsewhere" in refused.output


def test_a_letter_given_twice_or_a_folder_of_other_files_is_refused(real_cases: Path, tmp_path: Path) -> None:
    lines = real_cases.read_text(encoding="utf-8").splitlines(keepends=True)
    twice = tmp_path / "twice.jsonl"
    twice.write_text("".join(lines[:30] + lines[3:4]), encoding="utf-8")
    with pytest.raises(RecordError, match=r"twice\.jsonl, line 31: letter \S+ is there again"):
        write_parts([twice], tmp_path / "parts", batch=10, workers=1)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds notes\.txt, which is no part"):
        write_parts([real_cases], other)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
