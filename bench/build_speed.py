"""Graph build speed: records → on-disk Oxigraph store, next to pyoxigraph's own bulk load.

    python bench/build_speed.py [--letters 10000 100000] [--keep]

For each size, in fresh processes (so peak memory is each run's own):
  * imr-graph build: synthetic case records (JSON Lines, as `imr-graph extract` writes
    them) read, turned into quads and written to a new on-disk store;
  * pyoxigraph bulk load: the same quads from an N-Quads file into a new on-disk store,
    and into memory.
It prints quads/s, the ratio, the store's size per letter and each run's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def child(task: str, letters: int, workdir: Path) -> dict[str, float]:
    import pyoxigraph as ox
    from synthetic import synthetic_records

    from imr_graph.rdf import record_quads
    from imr_graph.records import record_json
    from imr_graph.store import build_jsonl, open_store

    records_file = workdir / "cases.jsonl"
    quads_file = workdir / "quads.nq"
    if task == "prepare":
        count = 0
        with open(records_file, "w", encoding="utf-8") as out, open(quads_file, "wb") as nq:
            for record in synthetic_records(letters):
                out.write(record_json(record) + "\n")
                quads = record_quads(record)
                count += len(quads)
                ox.serialize(quads, nq, ox.RdfFormat.N_QUADS)
        return {"quads": count}
    if task == "build":
        store_dir = workdir / "store-build"
        start = time.perf_counter()
        store = open_store(store_dir)
        summary = build_jsonl([records_file], store)
        store.flush()
        seconds = time.perf_counter() - start
        del store
        return {"seconds": seconds, "quads": summary.quads, "peak_mb": _peak_mb(), "store_mb": _size_mb(store_dir)}
    if task in ("bulk-disk", "bulk-memory"):
        start = time.perf_counter()
        store = ox.Store(str(workdir / "store-bulk")) if task == "bulk-disk" else ox.Store()
        store.bulk_load(path=str(quads_file), format=ox.RdfFormat.N_QUADS)
        store.flush()
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "peak_mb": _peak_mb()}
    raise SystemExit(f"unknown task {task}")


def run(task: str, letters: int, workdir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, "--letters", str(letters), "--workdir", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the stores and files")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.letters[0], args.workdir)))
        return 0
    print(f"{'letters':>8} {'what':30} {'seconds':>8} {'quads/s':>10} {'peak RSS':>9}  notes")
    for letters in args.letters:
        with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
            workdir = Path(tmp)
            quads = run("prepare", letters, workdir)["quads"]
            ours = run("build", letters, workdir)
            rate = quads / ours["seconds"]
            print(
                f"{letters:8d} {'imr-graph build (records)':30} {ours['seconds']:8.1f} {rate:10.0f} "
                f"{ours['peak_mb']:7.0f}MB  store {ours['store_mb'] / letters * 1000:.0f} kB/letter, "
                f"{quads / letters:.0f} quads/letter",
                flush=True,
            )
            for task, name in (
                ("bulk-disk", "pyoxigraph bulk load, disk"),
                ("bulk-memory", "pyoxigraph bulk load, memory"),
            ):
                result = run(task, letters, workdir)
                bulk = quads / result["seconds"]
                print(
                    f"{letters:8d} {name:30} {result['seconds']:8.1f} {bulk:10.0f} {result['peak_mb']:7.0f}MB  "
                    f"build = {rate / bulk:.0%} of this",
                    flush=True,
                )
            if args.keep:
                os.system(f"cp -r {workdir} {workdir}-kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
