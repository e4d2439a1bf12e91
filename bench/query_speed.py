"""Named-query latency: the embedded on-disk store vs rdflib's in-memory store, side by side.

For each size: synthetic case records (``bench/synthetic.py``) are built into an on-disk
store with ``imr-graph build`` (which keeps the outcome statistics), then every named
question runs warm on

- the on-disk Oxigraph store, reading the build-time statistics (what ``imr-graph query`` does),
- the same store, counting from the letter graphs (``--raw``, the twin queries),
- rdflib's in-memory Dataset holding the same quads, both ways (only up to ``--rdflib-max``
  letters: rdflib needs roughly 1.5 kB of memory per quad).

Each measurement is the median of ``--runs`` runs after one warm-up run; each engine runs in
a fresh process. Usage::

    python bench/query_speed.py --letters 10000 100000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUESTIONS: list[tuple[str, dict[str, str]]] = [
    ("outcomes", {}),
    ("overturn-by-guideline", {"level": "source"}),
    ("overturn-by-guideline", {"level": "chapter", "role": "claims-administrator"}),
    ("overturn-by-guideline", {"level": "section"}),
    ("overturn-by-guideline", {"level": "page"}),
    ("overturn-by-guideline", {"level": "chapter", "per": "letter"}),
    ("overturn-by-specialty", {}),
    ("overturn-by-category", {"detail": "subcategory"}),
    ("overturn-by-year", {}),
    ("overturn-by-state", {}),
    ("citation-agreement", {"level": "chapter"}),
    ("evidence-basis", {"role": "claims-administrator"}),
    ("guidelines-for-treatment", {"category": "Pharmaceuticals"}),
    ("treatments-for-guideline", {"unit": "acoem-2004-ch12"}),
    ("cocitation", {"level": "chapter"}),
    ("cases-citing", {"unit": "acoem-2004-ch12", "pages": "300-340"}),
]
#: Seconds an rdflib query may take (warm-up and timed run) before it is reported as over budget.
BUDGET = 60


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(call, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    rows = len(call())  # warm-up: caches, statistics check
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


class _OverBudget(BaseException):  # not an Exception, so no library handler wraps it
    pass


def _within(seconds: int, call):  # type: ignore[no-untyped-def]
    """Run ``call`` with a time budget (rdflib is pure Python, so an alarm can stop it)."""

    def stop(signum: int, frame: object) -> None:
        raise _OverBudget

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return call()
    except _OverBudget:
        return f"> {seconds} s"
    finally:
        signal.alarm(0)


def child(task: str, letters: int, workdir: Path, runs: int, rdflib_max: int, raw: bool = True) -> dict[str, object]:
    import imr_graph
    from imr_graph.named import bindings, catalog, raw_query, with_slice
    from imr_graph.questions import run_rdflib
    from imr_graph.store import build_jsonl, open_store

    records, store_dir = workdir / "cases.jsonl", workdir / "store"
    if task == "prepare":
        if (workdir / "prepared.json").exists():
            return dict(json.loads((workdir / "prepared.json").read_text()))
        from synthetic import synthetic_records

        from imr_graph.records import record_json

        with open(records, "w", encoding="utf-8") as out:
            for record in synthetic_records(letters):
                out.write(record_json(record) + "\n")
        start = time.perf_counter()
        store = open_store(store_dir)
        summary = build_jsonl([records], store)
        store.flush()
        seconds = time.perf_counter() - start
        quads = len(store)
        if letters <= rdflib_max:  # rdflib reads the same quads from a file
            store.dump(workdir / "all.nq", format=__import__("pyoxigraph").RdfFormat.N_QUADS)
        prepared = {"build_s": seconds, "letter_quads": summary.quads, "quads": quads, "peak_mb": _peak_mb()}
        (workdir / "prepared.json").write_text(json.dumps(prepared))
        return prepared
    timings: dict[str, object] = {}
    if task == "oxigraph":
        store = open_store(store_dir, read_only=True)
        for name, params in QUESTIONS:
            key = f"{name} {params}"
            timings[key + " stats"] = _timed(lambda n=name, p=params: imr_graph.query(store, n, **p), runs)
            if raw and catalog()[name].raw is not None:
                raw_runs = runs if letters <= 20_000 else 1
                timings[key + " raw"] = _timed(
                    lambda n=name, p=params: imr_graph.query(store, n, raw=True, **p), raw_runs
                )
        timings["peak_mb"] = _peak_mb()
        return timings
    if task == "rdflib":
        import rdflib

        start = time.perf_counter()
        dataset = rdflib.Dataset()
        dataset.parse(str(workdir / "all.nq"), format="nquads")
        timings["load_s"] = time.perf_counter() - start
        for name, params in QUESTIONS:
            key = f"{name} {params}"
            query = catalog()[name]
            bound = bindings(query, params)
            sliced = with_slice(query, bound)
            timings[key + " stats"] = _within(
                BUDGET, lambda q=query, b=sliced: _timed(lambda: run_rdflib(dataset, q.text, b, question=q), 1)
            )
            if query.raw is not None:
                raw = raw_query(name)
                timings[key + " raw"] = _within(
                    BUDGET,
                    lambda q=raw, b=bound, n=query: _timed(lambda: run_rdflib(dataset, q.text, b, question=n), 1),
                )
        timings["peak_mb"] = _peak_mb()
        return timings
    raise SystemExit(f"unknown task {task}")


def run(task: str, letters: int, workdir: Path, runs: int, rdflib_max: int, raw: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", task, "--letters", str(letters), "--workdir", str(workdir)]
    command += ["--rdflib-max", str(rdflib_max)] + ([] if raw else ["--no-raw"])
    out = subprocess.run([*command, "--runs", str(runs)], capture_output=True, text=True)
    if out.returncode != 0:  # say why, and go on with what the other engines measured
        print(f"{task} at {letters:,} letters failed (exit {out.returncode}): {out.stderr.strip()[-800:]}", flush=True)
        return {}
    return json.loads(out.stdout.strip().splitlines()[-1])


def work_folder(stack: contextlib.ExitStack, keep: Path | None, letters: int) -> Path:
    """``keep/letters`` (kept, reused), or a temporary folder removed when ``stack`` closes."""
    if keep:
        folder = keep / str(letters)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="imr-bench-")))


def _ms(value: object) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return "—"
    return f"{1000 * value[0]:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rdflib-max", type=int, default=10_000, help="run rdflib only up to this many letters")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-raw", action="store_true", help="time only the statistics queries")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) each size's store here")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.letters[0], args.workdir, args.runs, args.rdflib_max, not args.no_raw)))
        return 0
    for letters in args.letters:
        with contextlib.ExitStack() as stack:
            workdir = work_folder(stack, args.keep, letters)
            raw = not args.no_raw
            built = run("prepare", letters, workdir, args.runs, args.rdflib_max, raw)
            ours = run("oxigraph", letters, workdir, args.runs, args.rdflib_max, raw)
            theirs = (
                run("rdflib", letters, workdir, args.runs, args.rdflib_max, raw) if letters <= args.rdflib_max else {}
            )
            print(
                f"\n{letters:,} letters: {built['quads']:,} quads ({built['letter_quads']:,} in letter graphs); "
                f"build {built['build_s']:.1f} s with statistics; peak RSS: build {built['peak_mb']:,.0f} MB, "
                f"queries {ours['peak_mb']:,.0f} MB"
                + (f", rdflib {theirs['peak_mb']:,.0f} MB (load {theirs['load_s']:.0f} s)" if theirs else "")
            )
            header = (
                "question",
                "rows",
                "oxigraph disk, statistics ms",
                "oxigraph disk, raw ms",
                "rdflib memory, statistics ms",
                "rdflib memory, raw ms",
                "rdflib raw / ours",
            )
            print(" | ".join(header))
            print(" | ".join("---" for _ in header))
            for name, params in QUESTIONS:
                key = f"{name} {params}"
                fast = ours[key + " stats"]
                ratio = "—"
                if isinstance(theirs.get(key + " raw"), list) and isinstance(fast, list):
                    ratio = f"{theirs[key + ' raw'][0] / fast[0]:,.0f}×"  # type: ignore[index]
                elif isinstance(theirs.get(key + " raw"), str):
                    ratio = f"> {BUDGET / fast[0]:,.0f}×"  # type: ignore[index]
                elif isinstance(theirs.get(key + " stats"), list) and isinstance(fast, list):
                    ratio = f"{theirs[key + ' stats'][0] / fast[0]:,.0f}×"  # type: ignore[index]
                label = name + ("" if not params else " " + ",".join(f"{k}={v}" for k, v in params.items()))
                rows = fast[1] if isinstance(fast, list) else "—"
                cells = (ours.get(key + " raw"), theirs.get(key + " stats"), theirs.get(key + " raw"))
                print(f"{label} | {rows} | {_ms(fast)} | " + " | ".join(_ms(c) for c in cells) + f" | {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
