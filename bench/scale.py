"""End to end at scale: synthetic letters → extract → on-disk store → named questions.

    python bench/scale.py --letters 10000 100000 [--pdf-max 20000] [--rdflib-max 10000] [--keep DIR]

For each size, every stage runs in a fresh process (so each peak RSS is that stage's own,
its worker processes included):

- compose: ``imr_graph.synthetic`` writes N letters as text files (and up to ``--pdf-max``
  of them again as PDFs);
- extract: text letters → JSON Lines with all cores; then the PDFs; letters/s for each, and
  the records are checked against what each letter was composed to say;
- build: records → a new on-disk Oxigraph store with its statistics; quads/s, store size;
- parts (optional): records → N-Quads parts with all cores (``imr-graph build --parts``);
- load-parts (optional): ``oxigraph load`` of those parts into a new store (a server's loader);
- questions: every named question of ``bench/query_speed.py``, warm, median of ``--runs``;
- rdflib (up to ``--rdflib-max`` letters): the same quads loaded into rdflib's in-memory
  Dataset (quads/s, peak RSS) and the same questions, with ``query_speed.py``'s budget.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from query_speed import BUDGET, QUESTIONS, _ms, work_folder


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def child(task: str, letters: int, workdir: Path, pdf_max: int, runs: int) -> dict[str, object]:
    from imr_graph.extract import run_extract
    from imr_graph.records import read_records
    from imr_graph.store import ON_DISK_LOADS, build_jsonl, open_store, optimize
    from imr_graph.synthetic import check_records, write_corpus

    text_dir, pdf_dir = workdir / "letters-txt", workdir / "letters-pdf"
    start = time.perf_counter()
    if task == "compose":
        write_corpus(text_dir, letters, kinds=("txt",))
        text_s = time.perf_counter() - start
        write_corpus(pdf_dir, min(letters, pdf_max), kinds=("pdf",))
        return {"text_s": text_s, "text_mb": _size_mb(text_dir), "pdf_letters": min(letters, pdf_max)}
    if task in ("extract-txt", "extract-pdf"):
        folder = text_dir if task == "extract-txt" else pdf_dir
        out_path = workdir / ("cases.jsonl" if task == "extract-txt" else "cases-pdf.jsonl")
        with open(out_path, "w", encoding="utf-8") as out:
            summary = run_extract([folder], out)
        seconds = time.perf_counter() - start
        checked, differences = check_records(read_records(out_path))
        return {
            "seconds": seconds,
            "letters": summary.records,
            "failed": len(summary.failures),
            "checked": checked,
            "differences": len(differences),
            "peak_mb": _peak_mb(),
        }
    if task == "build":
        store = open_store(workdir / "store")
        summary = build_jsonl([workdir / "cases.jsonl"], store, loads=ON_DISK_LOADS)  # as `imr-graph build`
        store.flush()
        seconds = time.perf_counter() - start
        optimize(store)  # as `imr-graph build` does
        result: dict[str, object] = {
            "optimize_s": time.perf_counter() - start - seconds,
            "seconds": seconds,
            "letter_quads": summary.quads,
            "quads": len(store),
            "store_mb": _size_mb(workdir / "store"),
            "peak_mb": _peak_mb(),
            "phases": dict(summary.seconds),  # load, statistics, chapters (the compaction is optimize_s)
        }
        return result
    if task == "parts":
        from imr_graph.parts import write_parts

        written = write_parts([workdir / "cases.jsonl"], workdir / "parts")
        return {
            "seconds": time.perf_counter() - start,
            "letter_quads": written.quads,
            "parts_mb": _size_mb(workdir / "parts"),
            "peak_mb": _peak_mb(),
        }
    if task == "load-parts":
        from imr_graph.parts import part_files

        oxigraph = Path(sys.executable).with_name("oxigraph")
        files = [str(p) for p in part_files(workdir / "parts")]
        target = str(workdir / "parts-store")
        subprocess.run([str(oxigraph), "load", "--location", target, "--file", *files], check=True)
        return {
            "seconds": time.perf_counter() - start,
            "store_mb": _size_mb(workdir / "parts-store"),
            "peak_mb": _peak_mb(),
        }
    if task == "questions":
        import statistics

        import imr_graph

        store = open_store(workdir / "store", read_only=True)
        timings: dict[str, object] = {}
        for name, params in QUESTIONS:
            rows = len(imr_graph.query(store, name, **params))  # warm-up
            times = []
            for _ in range(runs):
                begin = time.perf_counter()
                imr_graph.query(store, name, **params)
                times.append(time.perf_counter() - begin)
            timings[f"{name} {params}"] = [statistics.median(times), rows]
        timings["peak_mb"] = _peak_mb()
        return timings
    if task == "dump":
        import pyoxigraph as ox

        store = open_store(workdir / "store", read_only=True)
        store.dump(workdir / "all.nq", format=ox.RdfFormat.N_QUADS)
        return {}
    raise SystemExit(f"unknown task {task}")


def run(task: str, letters: int, workdir: Path, pdf_max: int, runs: int) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", task, "--letters", str(letters), "--workdir", str(workdir)]
    out = subprocess.run([*command, "--pdf-max", str(pdf_max), "--runs", str(runs)], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"{task} at {letters:,} letters failed (exit {out.returncode}): {out.stderr.strip()[-800:]}", flush=True)
        return {}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def rdflib_run(letters: int, workdir: Path) -> dict[str, object]:
    """query_speed.py's rdflib child on the same quads (it reads workdir/all.nq)."""
    command = [sys.executable, str(Path(__file__).with_name("query_speed.py")), "--child", "rdflib"]
    command += ["--letters", str(letters), "--workdir", str(workdir), "--runs", "1", "--rdflib-max", str(letters)]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"rdflib at {letters:,} letters failed (exit {out.returncode}): {out.stderr.strip()[-800:]}", flush=True)
        return {}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def report(letters: int, stages: dict[str, dict[str, object]]) -> None:
    """Print the figures of the stages that ran (a markdown table, then the questions)."""
    compose, build = stages.get("compose"), stages.get("build")
    asked, theirs = stages.get("questions"), stages.get("rdflib", {})
    print(f"\n## {letters:,} synthetic letters ({os.cpu_count()} cores)\n")
    print("stage | figure | peak RSS")
    print("--- | --- | ---")
    if compose:
        print(f"compose (text) | {compose['text_s']:.0f} s, {compose['text_mb']:,.0f} MB | —")
    for task, label in (("extract-txt", "extract, text"), ("extract-pdf", "extract, PDF")):
        stage = stages.get(task)
        if not stage:
            continue
        rate = float(stage["letters"]) / float(stage["seconds"])  # type: ignore[arg-type]
        print(
            f"{label} | {rate:,.0f} letters/s ({stage['letters']:,} letters, {stage['seconds']:.0f} s; "
            f"{stage['failed']} failed; {stage['checked']:,} checked against the truth, "
            f"{stage['differences']} facts differ) | {stage['peak_mb']:,.0f} MB"
        )
    if build:
        quads = int(build["quads"])  # type: ignore[call-overload]
        rate = int(build["letter_quads"]) / float(build["seconds"])  # type: ignore[call-overload, arg-type]
        print(
            f"build (on disk, with statistics) | {rate:,.0f} letter quads/s, "
            f"{letters / float(build['seconds']):,.0f} letters/s ({build['seconds']:.0f} s, then "  # type: ignore[arg-type]
            f"{build.get('optimize_s', 0):.0f} s to compact; {quads:,} quads; store {build['store_mb']:,.0f} MB) "
            f"| {build['peak_mb']:,.0f} MB"
        )
        phases = build.get("phases") or {}
        print("build phases | " + ", ".join(f"{name} {float(s):.0f} s" for name, s in phases.items()))  # type: ignore[union-attr]
        if theirs:
            load = float(theirs["load_s"])  # type: ignore[arg-type]
            print(f"rdflib memory load | {quads / load:,.0f} quads/s ({load:.0f} s) | {theirs['peak_mb']:,.0f} MB")
    parts, loaded = stages.get("parts"), stages.get("load-parts")
    if parts:
        seconds = float(parts["seconds"])  # type: ignore[arg-type]
        print(
            f"parts (N-Quads, all cores) | {letters / seconds:,.0f} letters/s ({seconds:.0f} s; "
            f"{parts['parts_mb']:,.0f} MB) | {parts['peak_mb']:,.0f} MB"
        )
    if loaded:
        print(
            f"oxigraph load of the parts | {loaded['seconds']:.0f} s; store {loaded['store_mb']:,.0f} MB "
            f"| {loaded['peak_mb']:,.0f} MB"
        )
    if not asked:
        return
    print("\nquestion | rows | on-disk store, ms | rdflib memory: statistics, ms | rdflib memory: raw, ms | ratio")
    print("--- | --- | --- | --- | --- | ---")
    slowest = 0.0
    for name, params in QUESTIONS:
        key = f"{name} {params}"
        ours = asked.get(key)
        other, raw = theirs.get(key + " stats"), theirs.get(key + " raw")
        ratio = "—"  # against what an rdflib user would run: counting from the letter graphs
        if isinstance(ours, list) and isinstance(raw, list):
            ratio = f"{raw[0] / ours[0]:,.0f}×"
        elif isinstance(ours, list) and isinstance(raw, str):
            ratio = f"> {BUDGET / ours[0]:,.0f}×"
        if isinstance(ours, list):
            slowest = max(slowest, ours[0])
        label = name + ("" if not params else " " + ",".join(f"{k}={v}" for k, v in params.items()))
        rows = ours[1] if isinstance(ours, list) else "—"
        print(f"{label} | {rows} | {_ms(ours)} | {_ms(other)} | {_ms(raw)} | {ratio}")
    print(f"\nslowest named question: {slowest * 1000:,.0f} ms; questions peak RSS {asked['peak_mb']:,.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pdf-max", type=int, default=20_000, help="extract at most this many letters as PDFs")
    parser.add_argument("--rdflib-max", type=int, default=10_000, help="run rdflib only up to this many letters")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", type=Path, help="keep each size's letters, records and store here")
    parser.add_argument(
        "--stages",
        default="compose,extract-txt,extract-pdf,build,questions",
        help="which stages to run, comma-separated (e.g. compose,extract-txt where a store would not fit)",
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.letters[0], args.workdir, args.pdf_max, args.runs)))
        return 0
    for letters in args.letters:
        with contextlib.ExitStack() as stack:
            workdir = work_folder(stack, args.keep, letters)
            stages = {}
            for task in args.stages.split(","):
                stages[task] = run(task, letters, workdir, args.pdf_max, args.runs)
                print(f"{letters:,} letters: {task} done {json.dumps(stages[task])[:300]}", flush=True)
            if letters <= args.rdflib_max and "build" in stages:
                run("dump", letters, workdir, args.pdf_max, args.runs)
                stages["rdflib"] = rdflib_run(letters, workdir)
            report(letters, stages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
