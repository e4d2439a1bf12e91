"""SHACL validation speed: one pySHACL run over the union of the letters (as validate did)
against letters a batch at a time, with pySHACL and with the shapes compiled to SPARQL.

    python bench/validate_speed.py STORE [--letters N] [--batches 0 100 25] [--engines pyshacl sparql]

Prints seconds, letters/s and peak RSS (each run in a fresh process) for the first N letters
of STORE, with the number of violations each run found (batch 0: the union in one run).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def child(store_path: str, letters: int, batch: int, engine: str) -> dict[str, float]:
    from imr_graph.stats import letter_graphs
    from imr_graph.store import open_store
    from imr_graph.validate import quick_violations, validate_quads

    check = quick_violations if engine == "sparql" else validate_quads

    store = open_store(store_path, read_only=True)
    graphs = letter_graphs(store)[:letters]
    start = time.perf_counter()
    found: set[object] = set()
    size = batch or len(graphs)
    for k in range(0, len(graphs), size):
        quads = [q for g in graphs[k : k + size] for q in store.quads_for_pattern(None, None, None, g)]
        found.update(check(quads))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "letters": len(graphs), "violations": len(found), "peak_mb": peak}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--batches", type=int, nargs="+", default=[0, 100, 25])
    parser.add_argument("--engines", nargs="+", default=["pyshacl", "sparql"])
    parser.add_argument("--child", type=int)
    parser.add_argument("--engine", default="pyshacl")
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.store, args.letters, args.child, args.engine)))
        return 0
    print("engine | batch | letters | seconds | letters/s | violations | peak RSS MB")
    print("--- | --- | --- | --- | --- | --- | ---")
    for engine in args.engines:
        for batch in args.batches:
            command = [sys.executable, __file__, args.store, "--letters", str(args.letters)]
            command += ["--child", str(batch), "--engine", engine]
            done = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            label = "all (one run)" if batch == 0 else str(batch)
            rate = done["letters"] / done["seconds"]
            figures = f"{done['seconds']:.1f} | {rate:.0f} | {done['violations']} | {done['peak_mb']:.0f}"
            print(f"{engine} | {label} | {done['letters']:,} | {figures}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
