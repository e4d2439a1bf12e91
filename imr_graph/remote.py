"""The graph on a SPARQL server: push it with the Graph Store HTTP Protocol, or serve a store.

:func:`load` makes a server's imr-graph data a copy of a store: each letter's named graph is
replaced with ``PUT`` (so loading a letter again replaces it), the vocabularies and the
build-time statistics follow, and letter graphs the server holds that the store does not are
removed — unless ``keep_others``, in which case the statistics (which would no longer count
every letter there) are removed instead, and questions on that server need ``--raw``.

:func:`serve` starts Oxigraph's own read-only server (the ``oxigraph`` package) on a store.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph._lifetime import die_with_parent
from imr_graph.endpoint import Endpoint, send
from imr_graph.errors import StoreError


@dataclass(frozen=True)
class LoadSummary:
    """What :func:`load` did."""

    letters: int  # letter graphs put
    quads: int  # quads sent, all graphs
    removed: int  # letter graphs removed from the server
    statistics: bool  # whether the server now holds statistics that count its letters


@dataclass(frozen=True)
class GraphStore:
    """A Graph Store HTTP Protocol endpoint (``…/store`` on Oxigraph, ``…/ds/data`` on Fuseki)."""

    url: str
    timeout: float = 120.0
    retries: int = 3

    def put(self, graph: str, ntriples: bytes) -> None:
        """Replace named graph ``graph`` with these triples."""
        self._send("PUT", graph, ntriples)

    def delete(self, graph: str) -> None:
        """Remove named graph ``graph`` (absent already is fine)."""
        self._send("DELETE", graph, None, missing_ok=True)

    def _send(self, method: str, graph: str, body: bytes | None, missing_ok: bool = False) -> None:
        target = f"{self.url}?{urllib.parse.urlencode({'graph': graph})}"
        headers = {"User-Agent": "imr-graph"}
        if body is not None:
            headers["Content-Type"] = "application/n-triples"
        request = urllib.request.Request(target, data=body, method=method, headers=headers)
        answered = f"{self.url}: {method} of graph {graph}"
        send(
            request,
            self.timeout,
            self.retries,
            answered=answered,
            service=f"{self.url}: ",
            what="graph store",
            missing_ok=missing_ok,
        )


def _graph_triples(store: ox.Store, graph: str) -> tuple[bytes, int]:
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    text = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
    return text.encode(), len(quads)


def remote_letters(endpoint: Endpoint) -> set[str]:
    """The letter graphs a SPARQL endpoint holds."""
    found = endpoint.select(  # each letter's graph says where its letter came from
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g ?derived ?source } FILTER (STRSTARTS(STR(?g), ?prefix)) }",
        {"derived": ox.NamedNode(I.PROV + "wasDerivedFrom"), "prefix": ox.Literal(I.ID + "letter/")},
    )
    return {str(row["g"]) for row in found}


def load(
    store: ox.Store,
    graph_store: GraphStore,
    endpoint: Endpoint,
    *,
    keep_others: bool = False,
    progress: Callable[[int], object] | None = None,
) -> LoadSummary:
    """Copy ``store``'s letters, vocabularies and statistics to a server (see the module doc).

    Raises :class:`QueryError` naming the graph and the server's answer when a request fails
    after its retries; what was sent before stays sent, and running ``load`` again finishes it
    (every step replaces, so it can be repeated).
    """
    from imr_graph import stats

    if not stats.is_current(store):
        raise StoreError("the store's statistics are not up to date: run `imr-graph build --store DIR` first")
    letters = [graph.value for graph in stats.letter_graphs(store)]
    sent = 0
    for k, graph in enumerate(letters, start=1):
        body, count = _graph_triples(store, graph)
        graph_store.put(graph, body)
        sent += count
        if progress is not None:
            progress(k)
    body, count = _graph_triples(store, I.VOCABULARY_GRAPH)
    graph_store.put(I.VOCABULARY_GRAPH, body)
    sent += count
    others = remote_letters(endpoint) - set(letters)
    removed = 0
    if others and not keep_others:
        for graph in sorted(others):
            graph_store.delete(graph)
            removed += 1
        others = remote_letters(endpoint) - set(letters)
    if others:  # the statistics would not count these letters: better none than wrong ones
        graph_store.delete(I.STATISTICS_GRAPH)
        return LoadSummary(len(letters), sent, removed, statistics=False)
    body, count = _graph_triples(store, I.STATISTICS_GRAPH)
    graph_store.put(I.STATISTICS_GRAPH, body)
    return LoadSummary(len(letters), sent + count, removed, statistics=True)


def server_binary() -> str:
    """The ``oxigraph`` server program (from the ``oxigraph`` package, beside this Python)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise StoreError("the oxigraph server is not installed: python -m pip install 'imr-graph[server]'")
    return found


def serve_command(location: str | Path, *, host: str = "127.0.0.1", port: int = 7878, timeout: int = 30) -> list[str]:
    """The command that serves the store at ``location`` read-only, union default graph on, each
    query stopped after ``timeout`` seconds."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        server_binary(),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        bind,
        "--union-default-graph",
        "--timeout-s",
        str(timeout),
    ]


def serve(
    location: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: int = 30,
    allow_service: bool = False,
    ready: Callable[[], None] | None = None,
) -> int:
    """Serve the store until interrupted; returns the server's exit code.

    Oxigraph's server listens on a private port of this machine; in front of it, on
    ``host:port``, a guard passes every request on but refuses queries that call other
    endpoints (SERVICE) unless ``allow_service``. ``ready`` is called once both listen.

    The server ends with this process: on Ctrl-C, on SIGTERM (when the caller turns it into
    ``SystemExit``, see :func:`imr_graph._lifetime.terminate_on_sigterm`) and on kill -9 alike."""
    from imr_graph._guard import guard

    parent = os.getpid()
    inner = _free_port()
    process = subprocess.Popen(
        serve_command(location, host="127.0.0.1", port=inner, timeout=timeout),
        preexec_fn=lambda: die_with_parent(parent),
    )
    front = None
    try:
        if not _listening("127.0.0.1", inner, process):
            return process.wait()
        try:
            front = guard(host, port, ("127.0.0.1", inner), allow_service=allow_service, timeout=timeout)
        except OSError as err:
            raise StoreError(f"cannot listen on {host}:{port} ({err.strerror or err})") from err
        if ready is not None:
            ready()
        front.serve_forever()
        return 0
    except KeyboardInterrupt:
        return _stop(process)
    finally:
        if front is not None:
            front.server_close()
        if process.poll() is None:
            _stop(process)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(host: str, port: int, process: subprocess.Popen[bytes], seconds: float = 30.0) -> bool:
    """Wait until the server accepts connections; False if it ended first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.terminate()
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
