"""Extraction on a Dask cluster (a real LocalCluster of worker processes), and build from its parts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_graph.cli import main
from imr_graph.records import record_files
from imr_graph.store import build_jsonl, open_store
from imr_graph.synthetic import write_corpus
from tests.conftest import free_port

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed", reason="the Dask engine needs dask[distributed] (the test extra)")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """230 synthetic letters (text and PDF) and three bad ones."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "letters", 200, seed=4, kinds=("txt",))
    write_corpus(root / "letters", 30, seed=4, kinds=("pdf",), start=200)
    bad = root / "letters" / "zz-bad"
    bad.mkdir()
    (bad / "memo.txt").write_text("Quarterly budget memo. Nothing about medical review.")
    (bad / "noise.pdf").write_bytes(b"%PDF-1.4 not really")
    (bad / "empty.txt").write_bytes(b"")
    return root / "letters"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_parts_equal_the_single_machine_output(scheduler: str, corpus: Path, tmp_path: Path) -> None:
    code, _ = run("extract", str(corpus), "-o", str(tmp_path / "one.jsonl"), "--workers", "2", "-q")
    assert code == 1  # three bad letters
    code, output = run(
        "extract", str(corpus), "--scheduler", scheduler, "-o", str(tmp_path / "parts"),
        "--partition-size", "40", "--errors", str(tmp_path / "errors.jsonl"),
    )  # fmt: skip
    assert code == 1
    assert "230 letters, " in output and "3 failed" in output
    parts = record_files([tmp_path / "parts"])
    assert [p.name[:10] for p in parts] == [f"part-{k:05d}" for k in range(6)]  # 233 letters / 40
    joined = b"".join(p.read_bytes() for p in parts)
    assert joined == (tmp_path / "one.jsonl").read_bytes()
    failed = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert sorted(Path(f["path"]).name for f in failed) == ["empty.txt", "memo.txt", "noise.pdf"]
    assert all(f["reason"] for f in failed)


def test_build_reads_the_parts_folder(scheduler: str, corpus: Path, tmp_path: Path) -> None:
    run("extract", str(corpus), "--scheduler", scheduler, "-o", str(tmp_path / "parts"), "--partition-size", "64", "-q")
    run("extract", str(corpus), "-o", str(tmp_path / "one.jsonl"), "--workers", "1", "-q")
    code, _ = run("build", str(tmp_path / "parts"), "--store", str(tmp_path / "from-parts"), "-q")
    assert code == 0
    from_parts = open_store(tmp_path / "from-parts", read_only=True)
    whole = open_store(None)
    build_jsonl([tmp_path / "one.jsonl"], whole)
    assert set(from_parts) == set(whole)
    assert len(whole) > 230 * 300


def test_resume_keeps_finished_parts_and_removes_stale_ones(scheduler: str, corpus: Path, tmp_path: Path) -> None:
    parts_dir = tmp_path / "parts"
    run("extract", str(corpus), "--scheduler", scheduler, "-o", str(parts_dir), "--partition-size", "50", "-q")
    before = {p.name: p.read_bytes() for p in record_files([parts_dir])}
    kept = record_files([parts_dir])[0]
    kept_inode = kept.stat().st_ino
    record_files([parts_dir])[2].unlink()  # as if the run had stopped before this part was written
    stale = parts_dir / "part-00099-000000000000.jsonl"
    stale.write_text("")
    code, output = run(
        "extract", str(corpus), "--scheduler", scheduler, "-o", str(parts_dir), "--partition-size", "50", "--resume"
    )
    assert code == 1 and "230 letters, " in output
    assert {p.name: p.read_bytes() for p in record_files([parts_dir])} == before
    assert kept.stat().st_ino == kept_inode  # not written again
    assert not stale.exists()


def test_the_local_engine_starts_its_own_cluster(corpus: Path, tmp_path: Path) -> None:
    letters = sorted(corpus.glob("00000/*.txt"))[:20]
    code, output = run("extract", *map(str, letters), "--engine", "dask", "--workers", "1", "-o", str(tmp_path / "p"))
    assert code == 0, output
    assert "20 letters, " in output
    assert sum(len(p.read_text().splitlines()) for p in record_files([tmp_path / "p"])) == 20


def test_bad_dask_use_is_a_clear_error(corpus: Path, tmp_path: Path) -> None:
    code, output = run("extract", str(corpus), "--engine", "dask")
    assert code == 2 and "give -o FOLDER" in output
    (tmp_path / "file.jsonl").write_text("")
    code, output = run("extract", str(corpus), "--engine", "dask", "-o", str(tmp_path / "file.jsonl"))
    assert code == 2 and "is a file" in output
    address = f"tcp://127.0.0.1:{free_port()}"
    code, output = run("extract", str(corpus), "--scheduler", address, "-o", str(tmp_path / "p"))
    assert code == 1
    assert f"cannot reach the Dask scheduler at {address}" in output
    assert "Traceback" not in output
    (tmp_path / "empty").mkdir()
    code, output = run("build", str(tmp_path / "empty"), "--store", str(tmp_path / "s"))
    assert code == 1 and "no .jsonl files" in output


def test_a_partition_that_fails_on_a_worker_is_a_clear_error(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imr_graph import cluster
    from imr_graph.errors import ImrGraphError

    def broken(path: object) -> object:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(cluster, "atomic_writer", broken)  # seen by in-process workers
    letters = [str(p) for p in sorted(corpus.glob("00000/*.txt"))[:5]]
    with (
        distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as local,
        distributed.Client(local) as client,
        pytest.raises(ImrGraphError, match="a partition failed on the cluster: RuntimeError: the disk went away"),
    ):
        cluster.run_dask_extract(letters, tmp_path / "parts", client, size=2)
