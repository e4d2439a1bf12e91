"""Case records → N-Quads parts that any store or server bulk-loads as the graph a build makes.

:func:`write_parts` is the build's map-reduce: worker processes each turn a chunk of record
lines into one part of letter graphs (``letters-000001.nq``, written atomically, its lines
sorted) and hand back only what the statistics and the page → chapter placement need (each
letter's tally, its units' names, the pages its ACOEM citations give). The main process merges
those and writes the rest: ``vocabulary.nq``, ``statistics.nq``, ``placed.nq`` (chapters
placed by pages) and ``journal.nq``. Loading every part into an empty store gives, quad for
quad, the store ``imr-graph build`` makes; ``oxigraph load`` does the same for a server's store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph import stats
from imr_graph._atomic import atomic_binary_writer
from imr_graph._pool import ordered_map
from imr_graph.errors import OutputError, RecordError
from imr_graph.records import line_chunks, parse_line, record_files
from imr_graph.store import BATCH, Pages, batch_of, vocabulary_quads

#: The part files a folder of parts holds besides the letters' parts.
SHARED_PARTS = ("vocabulary.nq", "statistics.nq", "placed.nq", "journal.nq")


@dataclass(frozen=True)
class _Part:
    """What a worker hands back for the part it wrote."""

    letters: tuple[tuple[str, str, str, int], ...]  # (id, sha256, file, line) of each letter in the part
    quads: int
    tally: stats.Tally
    names: dict[str, stats.Unit]
    pages: Pages


@dataclass(frozen=True)
class PartsSummary:
    """What :func:`write_parts` wrote."""

    letters: int
    quads: int  # in the letters' parts
    parts: int  # letters' parts
    placed: int
    unplaced: int


def _write_part(job: tuple[Path, int, tuple[str, int, list[str]]]) -> _Part:
    folder, number, (path, first, lines) = job
    read = [(parse_line(path, first + k, line), first + k) for k, line in enumerate(lines) if line.strip()]
    latest = {record.id: (record, number) for record, number in read}  # twice in a chunk: the later one
    records = [record for record, _ in latest.values()]
    batch = batch_of(records)
    pages = Pages()
    for record in records:
        pages.add(record)
    rows = b"".join(batch.parts).decode().splitlines(keepends=True)
    rows.sort()
    with atomic_binary_writer(folder / f"letters-{number:06d}.nq") as out:
        out.write("".join(rows).encode())
    letters = tuple((r.id, r.source.sha256, path, number) for r, number in latest.values())
    return _Part(letters, batch.quads, batch.total, batch.names, pages)


def write_parts(
    paths: Iterable[str | Path],
    folder: str | Path,
    *,
    batch: int = BATCH,
    workers: int | None = None,
    on_batch: Callable[[int], Any] | None = None,
) -> PartsSummary:
    """Write the graph of the records in ``paths`` (JSON Lines files or folders of them) as
    N-Quads parts in ``folder``, with its vocabulary, statistics, placed chapters and journal.

    Letters are turned into parts by ``workers`` processes (all cores by default). A letter
    may appear only once in the records (a store keeps the later of two; parts cannot, as each
    is written on its own): a second one raises :class:`RecordError` naming it. The folder must
    be empty or hold only parts an earlier run wrote (they are replaced).
    """
    target = Path(folder)
    _prepare(target)
    count = workers if workers is not None else (os.cpu_count() or 1)
    chunks = (chunk for path in record_files(paths) for chunk in line_chunks(path, batch))
    jobs = ((target, number, chunk) for number, chunk in enumerate(chunks, start=1))
    seen: dict[str, str] = {}
    tally: stats.Tally = stats.Tally()
    names: dict[str, stats.Unit] = {}
    pages = Pages()
    quads = parts = 0
    for part in ordered_map(_write_part, jobs, count):
        for record_id, sha256, path, line in part.letters:
            if record_id in seen:
                said = f"letter {record_id} is there again (parts hold each letter once; a store keeps the later)"
                raise RecordError(path, line, said)
            seen[record_id] = sha256
        tally.add(part.tally)
        for unit, facts in part.names.items():
            stats.name_unit(names, unit, facts)
        pages.merge(part.pages)
        quads += part.quads
        parts += 1
        if on_batch is not None:
            on_batch(len(part.letters))
    placed = pages.placed()
    _write_shared(target, seen, tally, names, placed)
    return PartsSummary(len(seen), quads, parts, len(placed), len(pages.unplaced) - len(placed))


def _prepare(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: not a folder")
    target.mkdir(parents=True, exist_ok=True)
    for path in target.iterdir():
        if path.name in SHARED_PARTS or (path.name.startswith("letters-") and path.suffix == ".nq"):
            path.unlink()
        else:
            raise OutputError(f"{target}: holds {path.name}, which is no part; give an empty folder")


def _write_shared(
    target: Path,
    letters: dict[str, str],
    tally: stats.Tally,
    names: dict[str, stats.Unit],
    placed: list[tuple[str, str, str]],
) -> None:
    def write(name: str, quads: Iterable[ox.Quad]) -> None:
        with atomic_binary_writer(target / name) as out:
            ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)

    write("vocabulary.nq", vocabulary_quads())
    counted = ox.Store()  # the statistics alone, as a build writes them into a store
    stats.apply(counted, tally, names, len(letters))
    write("statistics.nq", counted)
    inferred = ox.NamedNode(I.NS + "inferredPart")
    write(
        "placed.nq",
        (ox.Quad(ox.NamedNode(c), inferred, ox.NamedNode(p), ox.NamedNode(g)) for g, c, p in placed),
    )
    journal, sha = ox.NamedNode(I.JOURNAL_GRAPH), ox.NamedNode(I.NS + "sha256")
    write("journal.nq", (ox.Quad(ox.NamedNode(I.letter(r)), sha, ox.Literal(h), journal) for r, h in letters.items()))


def part_files(folder: str | Path) -> Iterator[Path]:
    """The parts in ``folder``, in the order to load them."""
    target = Path(folder)
    yield from sorted(target.glob("letters-*.nq"))
    for name in SHARED_PARTS:
        yield target / name


def load_parts(folder: str | Path, store: ox.Store) -> None:
    """Bulk-load every part in ``folder`` into ``store`` (an empty one)."""
    for path in part_files(folder):
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store.flush()
