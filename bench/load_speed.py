"""How fast the embedded store takes quads: one bulk load at a time, or several side by side.

    python bench/load_speed.py [--letters 10000] [--segments 4]

Composes synthetic records (or reads ``--records FILE``), turns them into each letter's
N-Quads as a build does, and bulk-loads the same bytes into a new on-disk store, cut into
``--segments`` segments, with 1, 2 and 3 loads running at once. Every figure comes from the
same run on the same bytes, one after the other, so they compare on a shared machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from imr_graph.rdf import record_nquads
from imr_graph.records import CaseRecord, read_records
from imr_graph.stats import side_by_side


def records(path: Path | None, letters: int) -> list[CaseRecord]:
    if path is not None:
        found = []
        for record in read_records(path):
            found.append(record)
            if len(found) >= letters:
                break
        return found
    from imr_graph.extract import extract_letter
    from imr_graph.synthetic import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        written = write_corpus(Path(tmp), letters, kinds=("txt",))
        return [extract_letter(p) for p in written]


def load(segments: list[bytes], loads: int, folder: str) -> tuple[int, float, float]:
    """Quads loaded, seconds to load them (``loads`` at once, as a first build's statistics
    are), seconds to compact the store after."""
    store = ox.Store(folder)
    start = time.perf_counter()
    with side_by_side(store, loads) as load_one:
        for segment in segments:
            load_one(segment)
    store.flush()
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    store.optimize()
    return len(store), seconds, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--segments", type=int, default=4)
    parser.add_argument("--records", type=Path, help="a JSON Lines file of case records to read instead")
    args = parser.parse_args()
    parts = [record_nquads(r).encode() for r in records(args.records, args.letters)]
    if not parts:
        print("no records", file=sys.stderr)
        return 2
    size = -(-len(parts) // args.segments)
    segments = [b"".join(parts[k : k + size]) for k in range(0, len(parts), size)]
    quads = sum(segment.count(b"\n") for segment in segments)
    print(f"{len(parts):,} letters, {quads:,} quads in {len(segments)} segments")
    print(f"{'loads at once':>13} {'seconds':>8} {'quads/s':>9} {'compaction s':>12}")
    for at_once in (1, 2, 3):
        folder = tempfile.mkdtemp(prefix="imr-load-")
        try:
            quads, seconds, compaction = load(segments, at_once, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"{at_once:13d} {seconds:8.1f} {quads / seconds:9,.0f} {compaction:12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
