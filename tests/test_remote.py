"""The graph on a real SPARQL server: `imr-graph load` into `oxigraph serve` (Graph Store
protocol, replace semantics, statistics kept honest), questions asked there, `imr-graph serve`,
and servers that are down."""

from __future__ import annotations

import dataclasses
import http.server
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import imr_graph
from imr_graph import iri
from imr_graph.cli import main
from imr_graph.endpoint import Endpoint
from imr_graph.errors import QueryError
from imr_graph.records import Decision
from imr_graph.remote import GraphStore, load, remote_letters
from imr_graph.store import build, open_store, write_graph
from tests.conftest import free_port, oxigraph_server, server_running
from tests.known import known_records

pytestmark = pytest.mark.slow

QUESTIONS = [
    ("outcomes", {}),
    ("overturn-by-guideline", {"level": "chapter"}),
    ("overturn-by-specialty", {}),
    ("citation-agreement", {"level": "source"}),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with oxigraph_server(tmp_path / "server") as base:
        yield base


def answers(target: object, raw: bool = False) -> list[list[dict[str, object]]]:
    return [list(imr_graph.query(target, name, raw=raw, **params)) for name, params in QUESTIONS]  # type: ignore[arg-type]


def letter_triples(target: Endpoint | ox.Store, letter: str) -> int:
    text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    if isinstance(target, Endpoint):
        return int(target.select(text, {"g": ox.NamedNode(letter)}).rows[0]["n"])  # type: ignore[arg-type]
    return sum(1 for _ in target.quads_for_pattern(None, None, None, ox.NamedNode(letter)))


def test_load_then_ask_then_replace_one_letter(server: str) -> None:
    records = known_records()
    store = open_store(None)
    build(records, store)
    sparql = Endpoint(f"{server}/query")
    summary = load(store, GraphStore(f"{server}/store"), sparql)
    assert (summary.letters, summary.removed, summary.statistics) == (3, 0, True)
    journal = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri.JOURNAL_GRAPH)))
    assert summary.quads == len(store) - journal  # every graph but the build journal
    assert remote_letters(sparql) == {iri.letter(r.id) for r in records}
    assert answers(sparql) == answers(store) and answers(sparql, raw=True) == answers(store, raw=True)
    # the claims administrator's first item in letter two is now overturned: replace that letter
    changed = records[1]
    flipped = dataclasses.replace(changed.items[0], decision=Decision.OVERTURNED)
    build([dataclasses.replace(changed, items=(flipped, *changed.items[1:]))], store)
    again = load(store, GraphStore(f"{server}/store"), sparql)
    assert (again.letters, again.removed, again.statistics) == (3, 0, True)
    assert imr_graph.query(sparql, "outcomes").rows[0]["overturned"] == 3
    assert answers(sparql) == answers(store) and answers(sparql, raw=True) == answers(store, raw=True)
    letter = iri.letter(changed.id)
    assert letter_triples(sparql, letter) == letter_triples(store, letter)


def test_letters_the_store_lacks_are_removed_or_the_statistics_go(server: str) -> None:
    records = known_records()
    everything, fewer = open_store(None), open_store(None)
    build(records, everything)
    build(records[:2], fewer)
    sparql, graphs = Endpoint(f"{server}/query"), GraphStore(f"{server}/store")
    load(everything, graphs, sparql)
    kept = load(fewer, graphs, sparql, keep_others=True)
    assert (kept.removed, kept.statistics) == (0, False)
    assert len(remote_letters(sparql)) == 3
    assert list(imr_graph.query(sparql, "outcomes")) == []  # no statistics: none rather than wrong ones
    assert imr_graph.query(sparql, "outcomes", raw=True).rows[0]["items"] == 5
    mirrored = load(fewer, graphs, sparql)
    assert (mirrored.removed, mirrored.statistics) == (1, True)
    assert answers(sparql) == answers(fewer)


def test_load_command(server: str, tmp_path: Path) -> None:
    graph = tmp_path / "known.trig"
    store = open_store(None)
    build(known_records(), store)
    write_graph(store, graph, with_vocabulary=True)
    args = ["load", str(graph), "--endpoint", f"{server}/store", "--sparql", f"{server}/query"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("0 letters removed; statistics sent\n")
    journal = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri.JOURNAL_GRAPH)))
    assert result.stderr.startswith(f"3 letters ({len(store) - journal:,} quads) sent to {server}/store")
    asked = CliRunner().invoke(main, ["query", "outcomes", "--endpoint", f"{server}/query", "--format", "csv"])
    assert asked.stdout.splitlines()[1].startswith("5,3,2,3,2,")  # items, upheld, overturned, letters, …


def test_a_server_that_is_down_is_named(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    store = open_store(None)
    build(known_records()[:1], store)
    with pytest.raises(QueryError, match=rf"{down}/store: no answer after 2 tries \(.*\); is the graph store up\?"):
        load(store, GraphStore(f"{down}/store", timeout=2, retries=2), Endpoint(f"{down}/query"))
    graph = tmp_path / "one.trig"
    write_graph(store, graph, with_vocabulary=True)
    result = CliRunner().invoke(main, ["load", str(graph), "--endpoint", f"{down}/store", "--sparql", f"{down}/query"])
    assert result.exit_code == 1 and "no answer after 3 tries" in result.stderr and "Traceback" not in result.output
    usage = CliRunner().invoke(main, ["load", str(graph), "--endpoint", "ftp://x", "--sparql", f"{down}/query"])
    assert usage.exit_code == 2 and "'ftp://x' is not an http(s) URL" in usage.stderr


def test_a_server_that_refuses_is_named(server: str) -> None:
    store = open_store(None)
    build(known_records()[:1], store)
    with pytest.raises(QueryError, match=r"/nowhere: PUT of graph .* answered 404"):
        load(store, GraphStore(f"{server}/nowhere"), Endpoint(f"{server}/query"))


def test_serve_answers_the_named_questions(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = open_store(folder)
    build(known_records(), store)
    expected = answers(store)
    store.flush()
    del store
    for source in (["--store", str(folder)], [str(_graph_file(tmp_path))]):
        port = free_port()
        command = [sys.executable, "-m", "imr_graph.cli", "serve", *source, "--port", str(port)]
        with server_running(command, f"http://127.0.0.1:{port}") as base:
            sparql = Endpoint(f"{base}/query")
            assert answers(sparql) == expected
            union = sparql.select("SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item ?p ?outcome }", {})
            assert union.rows  # the union of the letter graphs is the default graph


def _graph_file(tmp_path: Path) -> Path:
    path = tmp_path / "known.trig"
    store = open_store(None)
    build(known_records(), store)
    write_graph(store, path, with_vocabulary=True)
    return path


def test_serve_errors() -> None:
    runner = CliRunner()
    neither = runner.invoke(main, ["serve"])
    assert neither.exit_code == 2 and "give --store DIR or --graph FILE" in neither.stderr
    missing = runner.invoke(main, ["serve", "--store", "/no/such/store"])
    assert missing.exit_code == 1 and "/no/such/store: no such store" in missing.stderr
    assert (
        subprocess.run([sys.executable, "-m", "imr_graph.cli", "serve", "--help"], capture_output=True).returncode == 0
    )


class _Faulty(http.server.BaseHTTPRequestHandler):
    """A server that answers every request with an error, or too slowly."""

    calls: ClassVar[list[str]] = []
    mode: ClassVar[str] = "error"

    def _answer(self) -> None:
        type(self).calls.append(self.command)
        if type(self).mode == "slow":
            time.sleep(1.5)
        if type(self).mode == "trickle":  # one byte now and then: every single read is quick
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.25)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        try:
            self.send_response(503 if type(self).mode == "error" else 200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"overloaded")
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            pass

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def faulty() -> Iterator[tuple[str, type[_Faulty]]]:
    handler = type("Handler", (_Faulty,), {"calls": [], "mode": "error"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_failing_server_gets_bounded_retries_and_a_clear_message(faulty: tuple[str, type[_Faulty]]) -> None:
    base, handler = faulty
    with pytest.raises(QueryError, match=rf"^{base}/query answered 503 Service Unavailable: overloaded$"):
        imr_graph.query(Endpoint(f"{base}/query", retries=3), "outcomes")
    assert handler.calls == ["POST"] * 3
    handler.calls.clear()
    store = open_store(None)
    build(known_records()[:1], store)
    with pytest.raises(QueryError, match=r"/store: PUT of graph .* answered 503 Service Unavailable: overloaded"):
        load(store, GraphStore(f"{base}/store", retries=2), Endpoint(f"{base}/query"))
    assert handler.calls == ["PUT", "PUT"]  # the first letter failed twice; nothing after it was tried


def test_a_trickling_server_times_out_within_the_deadline(faulty: tuple[str, type[_Faulty]]) -> None:
    base, handler = faulty
    handler.mode = "trickle"
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"no answer after 1 tries \(.*longer than the timeout.*\)"):
        imr_graph.query(Endpoint(f"{base}/query", timeout=1.0, retries=1), "outcomes")
    assert time.monotonic() - started < 2.0  # the whole request, not each read, is bounded


def test_a_slow_server_times_out_with_a_clear_message(faulty: tuple[str, type[_Faulty]]) -> None:
    base, handler = faulty
    handler.mode = "slow"
    with pytest.raises(
        QueryError, match=rf"^{base}/query: no answer after 2 tries \(.*timed out.*\); is the endpoint up\?$"
    ):
        imr_graph.query(Endpoint(f"{base}/query", timeout=0.3, retries=2), "outcomes")
    assert handler.calls == ["POST", "POST"]
    result = CliRunner().invoke(main, ["query", "outcomes", "--endpoint", f"{base}/query"])
    assert result.exit_code == 1 and "the answer is not SPARQL JSON results" in result.stderr


def test_serve_refuses_federated_queries_unless_allowed(tmp_path: Path) -> None:
    graph = _graph_file(tmp_path)
    far = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    federated = f"SELECT * WHERE {{ SERVICE <{far}> {{ ?s ?p ?o }} }}"
    for allow in (False, True):
        port = free_port()
        command = [sys.executable, "-m", "imr_graph.cli", "serve", str(graph), "--port", str(port)]
        with server_running([*command, *(["--allow-service"] if allow else [])], f"http://127.0.0.1:{port}") as base:
            for request in (
                urllib.request.Request(f"{base}/query?" + urllib.parse.urlencode({"query": federated})),
                urllib.request.Request(
                    f"{base}/query", data=federated.encode(), headers={"Content-Type": "application/sparql-query"}
                ),
            ):
                try:
                    with urllib.request.urlopen(request, timeout=10) as answer:
                        code, body = answer.status, answer.read()
                except urllib.error.HTTPError as error:
                    code, body = error.code, error.read()
                if allow:  # passed on: whatever the store's server made of it, the guard let it by
                    assert code != 403
                else:
                    assert code == 403 and b"calls another endpoint (SERVICE)" in body
            assert Endpoint(f"{base}/query").select("SELECT (1 AS ?up) WHERE {}", {}).rows == ({"up": 1},)
