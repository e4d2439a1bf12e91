"""A full disk: one clear line naming the file or store, nothing half written kept, and a build
run again once there is room equals a clean build."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from imr_graph.sample import LETTERS_DIR

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "imr_graph.cli"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 96 MB file system of its own (tmpfs), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill ({made.stderr.decode().strip() or 'not permitted'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` until about ``leave`` bytes are free; the filler file, to free space later."""
    stat = os.statvfs(disk)
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


def test_extract_on_a_full_disk_names_the_file(small_disk: Path) -> None:
    fill(small_disk, 0)
    out = small_disk / "cases.jsonl"
    run = subprocess.run([*CLI, "extract", str(LETTERS_DIR), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == (
        f"Error: {out}.part: cannot write (No space left on device); --resume goes on from here"
    )
    assert "Traceback" not in run.stderr and not out.exists()


def test_a_build_on_a_full_disk_is_finished_by_building_again(small_disk: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    assert subprocess.run([*CLI, "extract", str(LETTERS_DIR), "-o", str(cases), "-q"]).returncode == 0
    many = tmp_path / "many.jsonl"
    lines = cases.read_text(encoding="utf-8").splitlines()
    # the same letters under other ids, enough to outgrow the little room left
    many.write_text("".join(line.replace('"id": "', f'"id": "{n:03d}') + "\n" for n in range(20) for line in lines))
    clean = tmp_path / "clean"
    assert subprocess.run([*CLI, "build", str(many), "--store", str(clean), "-q"]).returncode == 0
    filler = fill(small_disk, 2_000_000)
    store = small_disk / "store"
    run = subprocess.run([*CLI, "build", str(many), "--store", str(store), "-q"], capture_output=True, text=True)
    assert run.returncode == 1
    assert "cannot write the store" in run.stderr and "No space left on device" in run.stderr
    assert "Traceback" not in run.stderr
    filler.unlink()  # room again: building again finishes what was cut short
    again = subprocess.run([*CLI, "build", str(many), "--store", str(store), "-q"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert not list(store.glob("bulk-*.sst"))

    def quads(path: Path) -> set[str]:
        return {str(q) for q in ox.Store.read_only(str(path))}

    assert quads(store) == quads(clean)
