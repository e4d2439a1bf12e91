"""Processes imr-graph starts end with it: pool workers and the SPARQL server, whether their
parent is killed with SIGKILL, stopped with SIGTERM, or ends normally."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.test_resume import letters

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "imr_graph.cli"]


def children(pid: int) -> set[int]:
    """The live child processes of ``pid``, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def gone_within(pids: set[int], seconds: float = 5.0) -> bool:
    return wait_for(lambda: not any(alive(p) for p in pids), seconds)


def with_workers(command: str, cases: Path, tmp_path: Path) -> list[str]:
    """``build`` or ``extract`` of the module's letters, with two workers."""
    if command == "build":
        return [*CLI, "build", str(cases), "--store", str(tmp_path / "store"), "--workers", "2", "-q"]
    return [*CLI, "extract", str(cases.parent / "in"), "-o", str(tmp_path / "out.jsonl"), "--workers", "2", "-q"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("letters")
    out = folder / "cases.jsonl"
    made = subprocess.run([*CLI, "extract", str(letters(folder / "in", 1500)), "-o", str(out), "-q"])
    assert made.returncode == 0
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", ["build", "extract"])
def test_workers_die_with_a_killed_parent(command: str, cases: Path, tmp_path: Path) -> None:
    argv = with_workers(command, cases, tmp_path)
    process = subprocess.Popen(argv, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 2, 30), "the workers never started"
        workers = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert gone_within(workers), f"workers {workers} outlived their killed parent"
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", ["build", "extract"])
def test_ctrl_c_ends_a_command_with_one_line(command: str, cases: Path, tmp_path: Path) -> None:
    """SIGINT (Ctrl-C) while the workers run: exit code 130, one line on stderr, no worker left."""
    argv = with_workers(command, cases, tmp_path)

    def interruptible() -> None:  # as a terminal would start it (a background job ignores SIGINT)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 2, 30), "the workers never started"
        workers = children(process.pid)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 130
        assert err.splitlines() == [
            "imr-graph: interrupted; nothing half-written was kept: run the same command again "
            "(extract and build take --resume to skip what is done)"
        ]
        assert gone_within(workers)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_the_server_ends_with_serve(how: signal.Signals, tmp_path: Path) -> None:
    graph = tmp_path / "graph.trig"
    sample = Path(__file__).resolve().parent.parent / "imr_graph" / "sample" / "letters"
    built = subprocess.run([*CLI, "extract", str(sample), "-o", str(tmp_path / "cases.jsonl"), "-q"])
    assert built.returncode == 0
    assert subprocess.run([*CLI, "build", str(tmp_path / "cases.jsonl"), "-o", str(graph), "-q"]).returncode == 0
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("imr-graph-serve-*"))
    process = subprocess.Popen([*CLI, "serve", str(graph), "--port", str(free_port())], stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: bool(children(process.pid)), 30), "the server never started"
        server = children(process.pid)
        process.send_signal(how)
        process.wait(timeout=20)
        assert gone_within(server), f"the server {server} outlived serve ({how.name})"
        if how == signal.SIGTERM:  # stopped cleanly: its temporary store is removed too
            assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("imr-graph-serve-*")) <= before
    finally:
        if process.poll() is None:
            process.kill()
