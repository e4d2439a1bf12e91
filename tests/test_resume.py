"""Interrupted runs go on where they stopped: extract --resume keeps the records an earlier run
wrote (matched by the letters' content hashes, a torn last line dropped), build --resume skips
letters the store holds unchanged; a run killed with SIGKILL is finished by a resumed one."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_graph.cli import main

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "imr_graph" / "sample" / "letters"


def letters(folder: Path, copies: int) -> Path:
    """Text sample letters, each copy made distinct (and so its own letter) by trailing lines."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = sorted(SAMPLES.glob("*.txt"))
    for n in range(copies):
        source = texts[n % len(texts)]
        (folder / f"{n:05d}-{source.name}").write_text(source.read_text(encoding="utf-8") + "\n" * (n + 1))
    return folder


def hashes(path: Path) -> list[str]:
    return sorted(json.loads(line)["source"]["sha256"] for line in path.read_text(encoding="utf-8").splitlines())


def test_extract_resume_keeps_what_an_earlier_run_wrote(tmp_path: Path) -> None:
    folder = letters(tmp_path / "letters", 8)
    full = tmp_path / "full.jsonl"
    assert CliRunner().invoke(main, ["extract", str(folder), "-o", str(full), "--workers", "1"]).exit_code == 0
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.part"
    partial.write_text("".join(lines[:3]) + lines[3][:100], encoding="utf-8")  # stopped mid-line
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--resume", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"5 letters, \d+ items extracted; 0 failed(?:; letters with warnings: [^\n]*)?; 3 kept from the earlier run\n",
        result.stderr,
    )
    assert out.read_text(encoding="utf-8").splitlines(keepends=True)[:3] == lines[:3]
    assert hashes(out) == hashes(full) and not partial.exists()
    again = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--resume", "--workers", "1"])
    assert again.exit_code == 0 and "0 letters" in again.stderr and "8 kept from the earlier run" in again.stderr
    assert hashes(out) == hashes(full)
    usage = CliRunner().invoke(main, ["extract", str(folder), "--resume"])
    assert usage.exit_code == 2 and "--resume needs -o FILE" in usage.stderr


def test_a_killed_extract_is_finished_by_resume(tmp_path: Path) -> None:
    folder = letters(tmp_path / "letters", 3000)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "imr_graph.cli", "extract", str(folder), "-o", str(out), "-q", "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = tmp_path / "out.jsonl.part"
    deadline = time.monotonic() + 60
    while (not partial.exists() or partial.stat().st_size < 200_000) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not out.exists() and partial.exists()  # the output never appears half written
    done = len(partial.read_bytes().split(b"\n")) - 1
    assert 0 < done < 3000
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert len(set(hashes(out))) == len(hashes(out)) == 3000  # each letter once


def test_a_build_killed_at_any_point_is_finished_by_a_rerun(tmp_path: Path) -> None:
    from imr_graph.store import open_store

    cases = tmp_path / "cases.jsonl"
    made = CliRunner().invoke(main, ["extract", str(letters(tmp_path / "letters", 600)), "-o", str(cases), "-q"])
    assert made.exit_code == 0
    clean = tmp_path / "clean"
    assert CliRunner().invoke(main, ["build", str(cases), "--store", str(clean), "-q"]).exit_code == 0
    expected = set(open_store(clean, read_only=True))
    build = [sys.executable, "-m", "imr_graph.cli", "build", str(cases), "-q"]
    for n, delay in enumerate((0.3, 0.8, 1.5, 2.5)):
        store = tmp_path / f"store-{n}"
        process = subprocess.Popen([*build, "--store", str(store)], stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for flags in ((), ("--resume",)):  # a plain re-run, then a resumed one: both finish it
            rerun = subprocess.run([*build, "--store", str(store), *flags], capture_output=True, text=True)
            assert rerun.returncode == 0, rerun.stderr
            found = set(open_store(store, read_only=True))
            assert found == expected, (delay, flags, len(found ^ expected))


def test_a_rebuild_killed_at_any_point_is_finished_by_a_rerun(tmp_path: Path) -> None:
    """A store already holding letters, rebuilt (each letter replaced, others added) and killed
    part way: building again gives the store a clean build gives, statistics included."""
    from imr_graph.store import open_store

    cases = tmp_path / "cases.jsonl"
    made = CliRunner().invoke(main, ["extract", str(letters(tmp_path / "letters", 600)), "-o", str(cases), "-q"])
    assert made.exit_code == 0
    half = tmp_path / "half.jsonl"
    half.write_text("".join(cases.read_text(encoding="utf-8").splitlines(keepends=True)[::2]), encoding="utf-8")
    clean = tmp_path / "clean"
    assert CliRunner().invoke(main, ["build", str(cases), "--store", str(clean), "-q"]).exit_code == 0
    expected = set(open_store(clean, read_only=True))
    build = [sys.executable, "-m", "imr_graph.cli", "build", "-q"]
    for n, delay in enumerate((0.4, 0.5, 0.6, 0.8, 1.5)):
        store = tmp_path / f"store-{n}"
        first = subprocess.run([*build, str(half), "--store", str(store)], capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        process = subprocess.Popen([*build, str(cases), "--store", str(store)], stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        rerun = subprocess.run([*build, str(cases), "--store", str(store)], capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        found = set(open_store(store, read_only=True))
        assert found == expected, (delay, len(found ^ expected))


def test_an_interrupted_first_build_keeps_its_finished_segments_for_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build loads in segments, each journaled when loaded: stopped in the third
    segment (here by a bad line), it keeps the first two, and --resume skips them and ends
    with the store a clean build gives, statistics included."""
    from imr_graph import store as stores
    from imr_graph.errors import RecordError
    from imr_graph.synthetic import write_corpus

    monkeypatch.setattr(stores, "SEGMENT", 40)
    cases = tmp_path / "cases.jsonl"
    write_corpus(tmp_path / "letters", 150, seed=3)  # each its own case
    made = CliRunner().invoke(main, ["extract", str(tmp_path / "letters"), "-o", str(cases), "-q"])
    assert made.exit_code == 0
    lines = cases.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(lines[:100]) + "{not json\n" + "".join(lines[100:]), encoding="utf-8")
    clean = stores.open_store(tmp_path / "clean")
    stores.build_jsonl([cases], clean, batch=10, workers=2)
    store = stores.open_store(tmp_path / "store")
    with pytest.raises(RecordError, match="line 101"):  # two segments loading side by side
        stores.build_jsonl([broken], store, batch=10, workers=2, loads=stores.ON_DISK_LOADS)
    from imr_graph.stats import journaled_letters

    assert len(journaled_letters(store)) == 80  # two segments of 40 stayed
    resumed = stores.build_jsonl([cases], store, batch=10, workers=2, resume=True)
    assert resumed.skipped == 80 and resumed.letters == 70
    assert set(store) == set(clean)
