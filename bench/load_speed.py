"""How fast the embedded store takes quads: one bulk load at a time, or several side by side.

    python bench/load_speed.py [--letters 10000] [--segments 4]

Composes synthetic records (or reads ``--records FILE``), turns them into each letter's
N-Quads as a build does, and bulk-loads the same bytes into a new on-disk store, cut into
``--segments`` segments, with 1, 2 and 3 loads running at once. Every figure comes from the
same run on the same bytes, one after the other, so they compare on a shared machine.
"""

from __future__ import annotations

import argparse
import queue
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from imr_graph.rdf import record_nquads
from imr_graph.records import CaseRecord, read_records


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


def load(segments: list[bytes], side_by_side: int, folder: str) -> tuple[int, float, float]:
    """Quads loaded, seconds to load them, seconds to compact the store after."""
    store = ox.Store(folder)
    waiting: queue.Queue[bytes] = queue.Queue()
    for segment in segments:
        waiting.put(segment)

    def work() -> None:
        while True:
            try:
                segment = waiting.get_nowait()
            except queue.Empty:
                return
            store.bulk_load(input=segment, format=ox.RdfFormat.N_QUADS)

    start = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(side_by_side)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
    for side_by_side in (1, 2, 3):
        folder = tempfile.mkdtemp(prefix="imr-load-")
        try:
            quads, seconds, compaction = load(segments, side_by_side, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"{side_by_side:13d} {seconds:8.1f} {quads / seconds:9,.0f} {compaction:12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
