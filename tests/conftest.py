from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip saying it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpus is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def shared_corpus_store() -> object:
    """The shared corpus (seeds and real letters) extracted and built into a store in memory."""
    from imr_graph.extract import extract_paths
    from imr_graph.records import CaseRecord
    from imr_graph.store import build, open_store

    folders = [shared_path("corpus", "seeds"), shared_path("corpus", "real")]
    records = [r for r in extract_paths(folders) if isinstance(r, CaseRecord)]
    store = open_store(None)
    build(records, store)
    return store


@pytest.fixture(scope="module")
def known() -> object:
    """The hand-counted records of tests/known.py in a store."""
    from imr_graph.store import build, open_store
    from tests.known import known_records

    store = open_store(None)
    build(known_records(), store)
    return store


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The embedded sample letters and a hostile one (tests/views.py) in a store."""
    from tests.views import sample_store

    return sample_store(tmp_path_factory.mktemp("samples"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server_running(command: list[str], base: str) -> Iterator[str]:
    """Start a SPARQL server process, wait until ``base``/query answers, stop it after."""
    from imr_graph.endpoint import Endpoint
    from imr_graph.errors import QueryError

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                Endpoint(f"{base}/query", timeout=2, retries=1).select("SELECT (1 AS ?up) WHERE {}", {})
                break
            except QueryError:
                if process.poll() is not None:
                    raise RuntimeError(f"{command[0]} stopped with code {process.returncode}") from None
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{command[0]} did not answer at {base} within 20 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def oxigraph_server(folder: Path, read_only: bool = False) -> Iterator[str]:
    """A real Oxigraph server (the `oxigraph` package) on ``folder``, on a free loopback port."""
    port = free_port()
    server = Path(sys.executable).with_name("oxigraph")
    mode = "serve-read-only" if read_only else "serve"
    with server_running(
        [str(server), mode, "--location", str(folder), "--bind", f"127.0.0.1:{port}"], f"http://127.0.0.1:{port}"
    ) as base:
        yield base


@pytest.fixture(scope="module")
def known_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-counted records of tests/known.py written as a TriG file (letters only)."""
    from imr_graph.store import build, open_store, write_graph
    from tests.known import known_records

    path = tmp_path_factory.mktemp("known") / "known.trig"
    store = open_store(None)
    build(known_records(), store)
    write_graph(store, path)  # letters only: the statistics are counted when it is read
    return path


# -- no process outlives the test run -----------------------------------------------------

_SESSION_MARK = "IMR_GRAPH_TEST_SESSION"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Mark this run in the environment every process it starts inherits."""
    import uuid

    os.environ[_SESSION_MARK] = uuid.uuid4().hex


def _left_behind() -> list[tuple[int, str]]:
    """Processes of this test run still alive, other than pytest itself (Linux: /proc)."""
    mark = f"{_SESSION_MARK}={os.environ.get(_SESSION_MARK, '')}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            stat = (entry / "stat").read_text()
            if stat[stat.rindex(")") + 2] == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
            if "multiprocessing.resource_tracker" in command:  # pytest's own helper: ends with it
                continue
            found.append((int(entry.name), command))
        except (OSError, ValueError):
            continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a server, worker or fixture process outlived it (and end them)."""
    if not sys.platform.startswith("linux") or _SESSION_MARK not in os.environ:
        return
    time.sleep(0.5)  # processes ending with their parents need a moment
    left = _left_behind()
    for pid, _ in left:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    if left:
        lines = "\n".join(f"  {pid}: {command}" for pid, command in left)
        sys.stderr.write(f"\nprocesses left running by the tests (now killed):\n{lines}\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
