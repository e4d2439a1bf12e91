"""The graph store: case records into an embedded on-disk Oxigraph store, and out again.

Each letter is one named graph. Letters are written in batches; each batch is one
transaction, so an interrupted build leaves whole letters or none, and running the build
again completes it. Rebuilding the same records gives the same quads (IRIs are minted
deterministically), so a build is idempotent and adding letters is incremental.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import queue
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph import stats
from imr_graph._atomic import atomic_binary_writer
from imr_graph._pool import ordered_map
from imr_graph.errors import OutputError, RecordError, StoreError
from imr_graph.named import rows
from imr_graph.pages import chapter_ranges, place
from imr_graph.rdf import cited_units, record_from_quads, record_nquads
from imr_graph.records import CaseRecord, Role, line_chunks, parse_line, record_files
from imr_graph.vocab import ontology_dir

#: Letters written per transaction: large enough to be fast, small enough to stay flat in memory.
BATCH = 500
ONTOLOGY_FILES = (
    "imr.ttl",
    "guidelines.ttl",
    "odg-topics.ttl",
    "specialties.ttl",
    "categories.ttl",
    "drugs.ttl",
    "states.ttl",
    "outcomes.ttl",
    "body-regions.ttl",
    "statistics.ttl",
)

#: Output formats by file suffix; triple formats get the union of all letters' graphs.
FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
}


def open_store(path: str | Path | None, read_only: bool = False) -> ox.Store:
    """Open (or create) an on-disk store; ``None`` gives an in-memory one.

    Refuses a folder that holds other files (it is not a store) and a store another
    process has open for writing, naming the path in the error.
    """
    if path is None:
        return ox.Store()
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: is a file, not a store directory")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "CURRENT").is_file():
        raise StoreError(f"{folder}: is not an Oxigraph store (the folder holds other files)")
    if read_only and not folder.is_dir():
        raise StoreError(f"{folder}: no store here")
    try:
        store = ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))
    except OSError as err:
        reason = str(err)
        if "lock" in reason.lower():
            raise StoreError(f"{folder}: the store is in use by another process (locked)") from err
        raise StoreError(f"{folder}: cannot open the store ({reason})") from err
    if not read_only:  # held for writing now: files a bulk load cut short left behind can go
        for leftover in folder.glob("bulk-*.sst"):
            leftover.unlink(missing_ok=True)
    return store


@contextmanager
def _writing() -> Iterator[None]:
    """Turn the store's I/O errors (a full disk, say) into one clear :class:`StoreError`; what
    was journaled stays, and the next build removes any letter left half written."""
    try:
        yield
    except OSError as err:
        raise StoreError(f"cannot write the store ({err}); what was built stays, build again to finish") from err


def vocabulary_quads() -> list[ox.Quad]:
    """The ontology and SKOS vocabularies, in their own named graph."""
    graph = ox.NamedNode(I.VOCABULARY_GRAPH)
    quads: list[ox.Quad] = []
    for name in ONTOLOGY_FILES:
        same = _fixed_blank_nodes(re.sub(r"[^a-z]", "", name))
        for t in ox.parse(path=str(ontology_dir() / name), format=ox.RdfFormat.TURTLE):
            quads.append(ox.Quad(same(t.subject), t.predicate, same(t.object), graph))
    return quads


def _fixed_blank_nodes(prefix: str) -> Callable[[Any], Any]:
    """A term as it is, but a blank node as a Skolem IRI (``…/.well-known/genid/prefix0``,
    ``prefix1``… in the order first met): the vocabulary graph is the same on every build and
    through any bulk loader (loaders rename blank nodes), so a rebuild changes nothing."""
    named: dict[ox.BlankNode, ox.NamedNode] = {}

    def same(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return named.setdefault(term, ox.NamedNode(f"{I.ID}.well-known/genid/{prefix}{len(named)}"))
        return term

    return same


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote."""

    letters: int
    quads: int
    replaced: int
    skipped: int = 0  # letters already in the store, unchanged (``resume``)
    placed: int = 0  # ACOEM citations placed in a chapter by their pages
    unplaced: int = 0  # and those whose pages lie in no known chapter
    #: where the time went, in seconds: "load", "statistics", "chapters", "compaction"
    seconds: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Batch:
    """Letters ready to load: their ids and source hashes, and each one's quads as N-Quads."""

    letters: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]
    quads: int
    total: stats.Tally  # what its letters add to the statistics, summed where they were made
    names: dict[str, stats.Unit]  # the guideline units the letters cite: name, part, pages

    @property
    def nquads(self) -> bytes:
        return b"".join(self.parts)

    def only(self, keep: list[int]) -> _Batch:
        """The batch with only the letters at these positions."""
        parts = tuple(self.parts[k] for k in keep)
        total: stats.Tally = stats.Tally()
        for k in keep:
            total.add(_part_tally(self.parts[k], self.letters[k][0]))
        letters = tuple(self.letters[k] for k in keep)
        return _Batch(letters, parts, sum(part.count(b"\n") for part in parts), total, self.names)


def _part_tally(part: bytes, record_id: str) -> stats.Tally:
    """What a letter adds to the statistics, from its graph as N-Quads (for the few letters a
    batch's summed tally must leave out: given twice, or already in the store)."""
    quads = ox.parse(part, format=ox.RdfFormat.N_QUADS)
    return stats.tally(record_from_quads(quads, I.letter(record_id)))


def batch_of(records: list[CaseRecord]) -> _Batch:
    """Records turned into a batch to load: each letter's graph, their summed tally and names."""
    latest = {record.id: record for record in records}  # the same letter twice: the later one wins
    parts = tuple(record_nquads(record).encode() for record in latest.values())
    count = sum(part.count(b"\n") for part in parts)
    names: dict[str, stats.Unit] = {}
    total: stats.Tally = stats.Tally()
    for record in latest.values():
        for unit, facts in stats.labels(record).items():
            stats.name_unit(names, unit, facts)
        total.add(stats.tally(record))
    return _Batch(tuple((r.id, r.source.sha256) for r in latest.values()), parts, count, total, names)


def _batch_of_lines(chunk: tuple[str, int, list[str]]) -> _Batch:
    path, first, lines = chunk
    return batch_of([parse_line(path, first + k, line) for k, line in enumerate(lines) if line.strip()])


#: What the IRIs of the 2004 ACOEM chapters start with (the parts page → chapter placement learns from).
ACOEM_CHAPTER = I.VOCAB + "guideline/acoem-2004-ch"

#: Letters a first build bulk-loads in one go, then enters in the journal: what an interruption
#: can cost (the segments before it stay, and --resume goes on after them).
SEGMENT = 20_000


class _Loader:
    """Writes batches into a store: bulk load, then one journal transaction per batch."""

    def __init__(self, store: ox.Store, resume: bool = False) -> None:
        self.store = store
        self.resume = resume
        self.skipped = 0
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.journal = ox.NamedNode(I.JOURNAL_GRAPH)
        self.sha = ox.NamedNode(I.NS + "sha256")
        self.letters = self.quads = self.replaced = 0
        recover(store)
        # an earlier build stopped before counting: count again from the letters at the end; or,
        # when none is left (recovery removed them all), drop counts of letters no longer here
        stale = not stats.is_current(store)
        self.recount = stale and not self.fresh
        if stale and self.fresh:
            stats.clear(store)
        stats.invalidate(store)
        self.change: stats.Tally = stats.Tally()
        self.names: dict[str, stats.Unit] = {}
        vocabulary = ox.NamedNode(I.VOCABULARY_GRAPH)
        if store.contains_named_graph(vocabulary):
            store.remove_graph(vocabulary)
        store.extend(vocabulary_quads())

    def _entry(self, graph: ox.NamedNode, sha256: str) -> ox.Quad:
        """The journal's entry for a letter's graph written whole from content hash ``sha256``."""
        return ox.Quad(graph, self.sha, ox.Literal(sha256), self.journal)

    def _unchanged(self, record_id: str, sha256: str) -> bool:
        """True when the journal holds this letter with this content hash."""
        graph = ox.NamedNode(I.letter(record_id))
        return self._entry(graph, sha256) in self.store

    def write(self, batch: _Batch) -> None:
        if self.resume:
            keep = [k for k, (record_id, sha256) in enumerate(batch.letters) if not self._unchanged(record_id, sha256)]
            self.skipped += len(batch.letters) - len(keep)
            if len(keep) < len(batch.letters):
                batch = batch.only(keep)
        entries = []
        for record_id, sha256 in batch.letters:
            graph = ox.NamedNode(I.letter(record_id))
            if self.store.contains_named_graph(graph):
                if not self.recount:
                    self.change.take(stats.letter_tally(self.store, graph))
                for old in list(self.store.quads_for_pattern(graph, self.sha, None, self.journal)):
                    self.store.remove(old)  # out of the journal first: a crash now leaves it "partial"
                self.store.remove_graph(graph)
                self.replaced += 1
            entries.append(self._entry(graph, sha256))
        self.store.bulk_load(input=batch.nquads, format=ox.RdfFormat.N_QUADS)
        self.store.flush()
        self.store.extend(entries)  # one transaction: the batch's letters count as written
        self._count(batch.total, batch.names)
        self.letters += len(batch.letters)
        self.quads += batch.quads

    def _count(self, total: stats.Tally, names: dict[str, stats.Unit]) -> None:
        if self.recount:
            return
        self.change.add(total)
        for unit, facts in names.items():
            stats.name_unit(self.names, unit, facts)

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Bring the statistics up to date at the end, also when bad input stops the build
        (the letters written before it stay, and are counted)."""
        try:
            yield
        except RecordError:
            self.finish()
            raise
        loaded = time.perf_counter()
        self.seconds["load"] = loaded - self.started
        self.finish()
        self.seconds["statistics"] = time.perf_counter() - loaded

    def finish(self) -> None:
        """Bring the statistics up to date with the letters now in the store."""
        letters = stats.journaled_count(self.store)
        if self.recount:
            stats.refresh(self.store)
        else:
            stats.apply(self.store, self.change, self.names, letters)
        self.store.flush()

    @property
    def fresh(self) -> bool:
        """True when the store holds no letter yet."""
        return not any(_is_letter(g) for g in self.store.named_graphs())

    def stream(self, batches: Iterator[_Batch], on_batch: Callable[[int], Any] | None, loads: int = 1) -> None:
        """Load every batch through the bulk loader, reading them as workers produce them.

        For a store with no letters yet: nothing to replace, so the input goes through the bulk
        loader in long segments (it is fastest that way), ``loads`` of them loading side by
        side, each of :data:`SEGMENT` letters entering the journal when it is loaded, so that a
        build cut short keeps its finished segments and ``--resume`` goes on from there. A
        letter given twice is loaded again from its last version afterwards. If the input
        fails half way, the letters of the segments being loaded are removed again
        (:func:`recover`).
        """
        written: set[str] = set()  # ids only: 1.5 M letters' content hashes would take 0.2 GB more
        repeated: dict[str, tuple[bytes, str]] = {}
        lanes: list[_Lane] = []
        try:
            lanes = [_Lane(self.store) for _ in range(max(1, loads))]
            for index, batch in enumerate(batches):
                lane = lanes[index % len(lanes)]  # batches go to the lanes in turn
                letters: dict[str, str] = {}
                parts: list[bytes] = []
                again = []
                for (record_id, sha256), part in zip(batch.letters, batch.parts, strict=True):
                    if record_id in written:  # loaded again from its last version at the end
                        repeated[record_id] = part, sha256
                        again.append((part, record_id))
                    else:  # (batch_of keeps one version of a letter a batch holds twice)
                        letters[record_id] = sha256
                        parts.append(part)
                    written.add(record_id)
                lane.put(letters, b"".join(parts))
                total = batch.total.copy() if again else batch.total
                for part, record_id in again:
                    total.take(_part_tally(part, record_id))
                self._count(total, batch.names)
                self.quads += batch.quads
                if on_batch is not None:
                    on_batch(len(batch.letters))
                if len(lane.letters) >= SEGMENT:
                    self._journal(lane)
                    lanes[index % len(lanes)] = _Lane(self.store)
            for lane in lanes:
                self._journal(lane)
            lanes = []
        except BaseException:
            for lane in lanes:  # the loads under way end before what they wrote is removed
                with contextlib.suppress(BaseException):
                    lane.close()
            recover(self.store)  # the segments cut short go; the journaled ones stay
            self.change.clear()
            self.recount = True  # what stays is counted from the letters, by this build or the next
            raise
        for record_id, (part, sha256) in repeated.items():
            graph = ox.NamedNode(I.letter(record_id))
            if not self.recount:
                self.change.take(stats.letter_tally(self.store, graph))
                self.change.add(_part_tally(part, record_id))
            self.store.remove_graph(graph)
            self.store.extend(ox.parse(part, format=ox.RdfFormat.N_QUADS))
            for old in list(self.store.quads_for_pattern(graph, self.sha, None, self.journal)):
                self.store.remove(old)  # the journal keeps the version now in the store
            self.store.add(self._entry(graph, sha256))
            self.replaced += 1
            self.letters += 1

    def _journal(self, lane: _Lane) -> None:
        """Wait for a segment's load to end, then enter its letters in the journal."""
        lane.close()
        if not lane.letters:
            return
        self.store.flush()
        self.store.extend(self._entry(ox.NamedNode(I.letter(r)), sha) for r, sha in lane.letters.items())
        self.letters += len(lane.letters)

    def summary(self) -> BuildSummary:
        return BuildSummary(self.letters, self.quads, self.replaced, self.skipped, seconds=dict(self.seconds))


#: Bulk loads a first build into an on-disk store runs side by side. One load parses in one
#: thread and writes in another, and its writing holds it back; two use both cores (1.8 times
#: the quads a second on this project's 2-core machine, bench/load_speed.py). An in-memory
#: store takes one load at a time: there, loads side by side would wait on each other.
ON_DISK_LOADS = 2


class _Lane:
    """One segment of a first build, bulk-loaded in a thread of its own from the batches given
    to it; :meth:`close` waits for the load to end."""

    def __init__(self, store: ox.Store) -> None:
        self.letters: dict[str, str] = {}  # each letter's id and content hash
        self._batches: queue.Queue[bytes | None] = queue.Queue(maxsize=2)  # a little ahead of the load
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._load, args=(store,), name="imr-graph bulk load", daemon=True)
        self._thread.start()

    def _load(self, store: ox.Store) -> None:
        chunks = iter(self._batches.get, None)
        try:
            store.bulk_load(input=io.BufferedReader(_Reader(chunks), 1 << 20), format=ox.RdfFormat.N_QUADS)
        except BaseException as err:  # raised again by close(), in the thread that builds
            self._error.append(err)
            for _ in chunks:  # so that put() never waits for a load that has stopped
                pass

    def put(self, letters: dict[str, str], nquads: bytes) -> None:
        self.letters.update(letters)
        self._batches.put(nquads)

    def close(self) -> None:
        self._batches.put(None)
        self._thread.join()
        if self._error:
            raise self._error[0]


class _Reader(io.RawIOBase):
    """A readable binary stream over byte chunks, for the bulk loader to pull from."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.buffer = chunk
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def build(
    records: Iterable[CaseRecord],
    store: ox.Store,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int], Any] | None = None,
    workers: int = 1,
    resume: bool = False,
    compact: bool = False,
) -> BuildSummary:
    """Build the graph: write records into ``store``, one named graph per letter, replacing any
    earlier version; keep the outcome statistics; place page-only ACOEM citations in their
    chapters (:func:`infer_chapters`); with ``compact``, compact an on-disk store at the end
    (:func:`optimize`). ``imr-graph build`` and ``demo`` run exactly this.

    Letters are bulk-loaded a batch at a time (fast, not transactional), then entered in the
    build journal in one transaction. A letter graph missing from the journal was cut short
    by a crash: the next build removes it first (:func:`recover`), so the store never keeps
    half a letter and re-running the build completes it. With ``workers`` > 1, turning
    records into quads runs in that many processes while this one loads. With ``resume``,
    letters the journal already holds with the same content hash are skipped (an interrupted
    build goes on where it stopped).
    """
    with _writing():
        return _build(records, store, batch, on_batch, workers, resume, compact)


def _build(
    records: Iterable[CaseRecord],
    store: ox.Store,
    batch: int,
    on_batch: Callable[[int], Any] | None,
    workers: int,
    resume: bool,
    compact: bool,
) -> BuildSummary:
    loader = _Loader(store, resume)
    with loader.counting():
        for converted in ordered_map(batch_of, _chunked(records, batch), workers):
            loader.write(converted)
            if on_batch is not None:
                on_batch(len(converted.letters))
    return _finish(store, loader.summary(), compact)


def _finish(store: ox.Store, summary: BuildSummary, compact: bool) -> BuildSummary:
    """What every build does after loading: place chapters by pages, and compact if asked."""
    start = time.perf_counter()
    placement = infer_chapters(store)
    placed = time.perf_counter()
    seconds = {**summary.seconds, "chapters": placed - start}
    if compact and summary.letters:
        store.flush()
        optimize(store)
        seconds["compaction"] = time.perf_counter() - placed
    return dataclasses.replace(summary, placed=placement.placed, unplaced=placement.unplaced, seconds=seconds)


def build_jsonl(
    paths: Iterable[str | Path],
    store: ox.Store,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int], Any] | None = None,
    workers: int | None = None,
    resume: bool = False,
    compact: bool = False,
    loads: int = 1,
) -> BuildSummary:
    """Like :func:`build`, from JSON Lines files: workers read, check and convert the lines.

    A bad line raises :class:`RecordError` with its file and line number; the batches before
    it are in the store, the batch holding it and those after are not. A folder stands for
    the JSON Lines files in it (a partitioned extract), in name order. A first build into an
    on-disk store is quicker with ``loads`` = :data:`ON_DISK_LOADS` (an in-memory store must
    keep 1).
    """
    count = workers if workers is not None else (os.cpu_count() or 1)
    with _writing():
        return _build_lines(paths, store, batch, on_batch, count, resume, compact, loads)


def _build_lines(
    paths: Iterable[str | Path],
    store: ox.Store,
    batch: int,
    on_batch: Callable[[int], Any] | None,
    count: int,
    resume: bool,
    compact: bool,
    loads: int,
) -> BuildSummary:
    loader = _Loader(store, resume)
    chunks = (chunk for path in record_files(paths) for chunk in line_chunks(path, batch))
    converted = ordered_map(_batch_of_lines, chunks, count)
    with loader.counting():
        if loader.fresh:
            loader.stream(converted, on_batch, loads)
        else:
            for one in converted:
                loader.write(one)
                if on_batch is not None:
                    on_batch(len(one.letters))
    return _finish(store, loader.summary(), compact)


def _chunked(records: Iterable[CaseRecord], size: int) -> Iterator[list[CaseRecord]]:
    chunk: list[CaseRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def recover(store: ox.Store) -> int:
    """Remove letter graphs a crashed build left unfinished (not in the journal); return how many."""
    journal = ox.NamedNode(I.JOURNAL_GRAPH)
    written = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(I.NS + "sha256"), None, journal)}
    partial = [g for g in store.named_graphs() if _is_letter(g) and g not in written]
    for graph in partial:
        store.remove_graph(graph)
    return len(partial)


def _is_letter(graph: object) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.startswith(I.ID + "letter/")


@dataclass
class Pages:
    """The pages ACOEM citations give: with a chapter of the 2004 book (what the placement learns
    from), and with none (what it places), by letter graph and citation."""

    stated: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    unplaced: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, record: CaseRecord) -> None:
        letter = I.letter(record.id)
        for item in record.items:
            for role in Role:
                for k, citation in enumerate(item.citations_of(role), start=1):
                    if not citation.pages:
                        continue
                    cited = cited_units(citation).cited
                    if cited.startswith(ACOEM_CHAPTER):
                        self.stated.setdefault(cited, []).extend(citation.pages)
                    elif cited == I.guideline("ACOEM"):
                        node = I.citation(I.item(letter, item.n), role.value, k)
                        self.unplaced.setdefault((letter, node), []).extend(citation.pages)

    def merge(self, other: Pages) -> None:
        for part, spans in other.stated.items():
            self.stated.setdefault(part, []).extend(spans)
        self.unplaced.update(other.unplaced)

    def placed(self) -> list[tuple[str, str, str]]:
        """(letter graph, citation, chapter) for each citation its pages place."""
        ranges = chapter_ranges(self.stated)
        found = []
        for (graph, citation), spans in sorted(self.unplaced.items()):
            part = place(spans, ranges)
            if part is not None:
                found.append((graph, citation, part))
        return found


class Placement(NamedTuple):
    """What the chapter inference did: citations placed in a chapter, and left unplaced."""

    placed: int
    unplaced: int


def infer_chapters(store: ox.Store) -> Placement:
    """Place ACOEM citations that give pages but no chapter (``imr:inferredPart``), by the
    published page ranges of the 2004 chapters and, where the book's range is not known, the
    dense core of the pages letters cite with a chapter (see :mod:`imr_graph.pages`).

    Earlier inferences are replaced, so running this after every build keeps them current.
    """
    inferred = ox.NamedNode(I.NS + "inferredPart")
    for quad in list(store.quads_for_pattern(None, inferred, None, None)):
        store.remove(quad)
    pages = Pages()
    for row in rows(store, "infer-unplaced-pages"):
        pages.unplaced.setdefault((row["letter"], row["citation"]), []).append((int(row["start"]), int(row["end"])))
    if not pages.unplaced:  # nothing to place: the pages stated with a chapter need not be read (300 k letters: 39 s)
        return Placement(0, 0)
    for row in rows(store, "infer-stated-pages"):
        pages.stated.setdefault(row["part"], []).append((int(row["start"]), int(row["end"])))
    found = pages.placed()
    placed = [ox.Quad(ox.NamedNode(c), inferred, ox.NamedNode(part), ox.NamedNode(g)) for g, c, part in found]
    store.extend(placed)
    return Placement(len(placed), len(pages.unplaced) - len(placed))


def optimize(store: ox.Store) -> None:
    """Compact an on-disk store's files (RocksDB's full compaction) after a build.

    Bulk loading leaves many overlapping files, and every lookup has to look into each of
    them; compacted, the named questions read their statistics about twice as fast (10 k
    letters: 5 s to compact, the page-level question 270 → 160 ms). The quads are unchanged.
    """
    try:
        store.optimize()
    except OSError as err:
        raise StoreError(f"cannot compact the store ({err})") from err


def letter_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of every letter graph (not the vocabulary or journal graphs)."""
    for quad in store.quads_for_pattern(None, None, None, None):
        if _is_letter(quad.graph_name):
            yield quad


def write_graph(store: ox.Store, path: str | Path, *, with_vocabulary: bool = False) -> int:
    """Serialize the letters (and optionally the vocabularies and statistics) to ``path``.

    Dataset formats (.nq, .trig) keep one named graph per letter; triple formats (.nt,
    .ttl, .jsonld, .rdf) get the union of the letters' graphs. Written atomically.
    """
    target = Path(path)
    journal = ox.NamedNode(I.JOURNAL_GRAPH)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise OutputError(f"{target}: unknown RDF format {target.suffix!r} (use one of {known})")
    quads: Iterable[ox.Quad] = (
        (q for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != journal)
        if with_vocabulary
        else letter_quads(store)
    )
    with atomic_binary_writer(target) as out:
        if fmt.supports_datasets:
            items: list[Any] = sorted(quads, key=str)
        else:
            items = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        plain = fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
        ox.serialize(items, out, fmt, prefixes=None if plain else _PREFIXES)
    return len(items)


_PREFIXES = {
    "imr": I.NS,
    "id": I.ID,
    "cito": I.CITO,
    "prov": I.PROV,
    "skos": I.SKOS,
    "dcterms": I.DCT,
    "oa": I.OA,
    "xsd": I.XSD,
    "schema": I.SCHEMA,
}


#: Nodes a letter's graph describes besides its own (``id/letter/CASE/…``): the treatments,
#: diagnoses, source document and extraction run it names, and the other evidence and
#: guideline units it cites.
_DESCRIBED = tuple(I.ID + kind for kind in ("treatment/", "diagnosis/", "source/", "run/", "guideline/"))
#: What a letter's graph says of a guideline unit it cites (the catalog says more).
_UNIT_FACTS = frozenset(
    [
        *(I.RDF + "type", I.DCT + "isPartOf", I.SKOS + "prefLabel", I.SKOS + "broader", I.SKOS + "notation"),
        *(I.SKOS + "exactMatch", I.NS + "startPage", I.NS + "endPage"),
    ]
)
_LETTER = re.compile(re.escape(I.ID) + r"letter/[^/]+")


def letter_graphs_of(triples: Iterable[ox.Triple | ox.Quad]) -> Iterator[ox.Quad]:
    """The letters' graphs in triples read from a file with no named graphs (.ttl, .nt, .rdf,
    .jsonld): each letter's graph holds what its determination reaches (its own nodes, the
    treatments, diagnoses, source and run it names, the places in its source that give its
    header fields, and what graphs of the earlier form say of the units it cites),
    as a build writes it. The rest (ontology, vocabularies, statistics) is left out: the
    shipped vocabularies are added and the statistics counted again on reading."""
    about: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for read in triples:  # a parser gives quads in the default graph
        about[read.subject].append(ox.Triple(read.subject, read.predicate, read.object))  # type: ignore[index]
    units = I.VOCAB + "guideline/"
    places: dict[str, list[ox.NamedNode]] = defaultdict(list)  # a source's places that say which field they give
    for subject in about:
        if isinstance(subject, ox.NamedNode) and (position := I.position_of(subject.value)) is not None:
            places[position[0]].append(subject)
    for root in sorted((s for s in about if isinstance(s, ox.NamedNode) and _LETTER.fullmatch(s.value)), key=str):
        graph = ox.NamedNode(root.value)
        seen: set[ox.NamedNode | ox.BlankNode] = {root}
        queue: list[ox.NamedNode | ox.BlankNode] = [root]
        while queue:
            node = queue.pop()
            for spot in places.get(getattr(node, "value", ""), ()):
                if spot not in seen:
                    seen.add(spot)
                    queue.append(spot)
            unit = isinstance(node, ox.NamedNode) and node.value.startswith(units)
            for triple in about.get(node, ()):
                if unit and not _letter_fact(triple):
                    continue  # what the catalog says of a unit is the vocabulary's, not the letter's
                yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)
                target = triple.object
                if target in seen or not isinstance(target, ox.NamedNode | ox.BlankNode):
                    continue
                value = getattr(target, "value", "")
                if isinstance(target, ox.BlankNode) or value.startswith((root.value + "/", units, *_DESCRIBED)):
                    seen.add(target)
                    queue.append(target)


def _letter_fact(triple: ox.Triple) -> bool:
    """Whether a triple about a guideline unit is one a letter's graph states (the catalog's
    own are typed skos:Concept and labelled in a language)."""
    if triple.predicate.value not in _UNIT_FACTS:
        return False
    if triple.predicate.value == I.RDF + "type":
        return isinstance(triple.object, ox.NamedNode) and triple.object.value.startswith(I.NS)
    return not (isinstance(triple.object, ox.Literal) and triple.object.language)


def load_graph_file(path: str | Path) -> ox.Store:
    """Read a serialized graph (any supported format) into an in-memory store, with the
    shipped vocabularies beside it when the file does not carry them."""
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise StoreError(f"{target}: unknown RDF format {target.suffix!r}")
    store = ox.Store()
    try:
        if fmt.supports_datasets:
            store.load(path=str(target), format=fmt)
        else:  # one graph of triples: the letters' graphs are told apart again
            store.bulk_extend(letter_graphs_of(ox.parse(path=str(target), format=fmt)))
    except (OSError, SyntaxError) as err:
        raise StoreError(f"{target}: cannot read ({err})") from err
    if not store.contains_named_graph(ox.NamedNode(I.VOCABULARY_GRAPH)):
        store.extend(vocabulary_quads())  # labels and category hierarchy for the named queries
    if not stats.is_current(store):
        stats.refresh(store)  # counted here, on reading, so that a question never writes
    return store


def open_graph(path: str | Path) -> Any:
    """Open a store directory as an ``rdflib.Dataset`` (through oxrdflib), read-only.

    >>> import tempfile
    >>> ds = open_graph(tempfile.mkdtemp())  # an empty store
    >>> len(ds)
    0
    """
    import rdflib
    from oxrdflib import OxigraphStore

    folder = Path(path)
    if not folder.is_dir() or not any(folder.iterdir()):
        open_store(folder).flush()  # create an empty store so it can be opened read-only
    store = open_store(folder, read_only=True)
    return rdflib.Dataset(store=OxigraphStore(store=store), default_union=True)
