"""View generation time, page size and time to interactive in Chromium.

For the shared corpus (``../shared/corpus``, when present) and for synthetic graphs of the
given sizes, every view is generated from the store and written to a file; then headless
Chromium (Debian's package, driven by Playwright, network off) opens each network page and
reports when vis-network first drew it and how long one filter change takes.

Usage::

    python bench/view_speed.py --letters 100000 --keep /work/qbench
    python bench/view_speed.py --store /work/scale/100000/store --letters

``--keep`` reuses (or leaves) the store of each size that ``bench/query_speed.py --keep``
prepares, so the 100 k-letter graph is built once for both benches; ``--store`` measures a
store built elsewhere (``bench/scale.py`` keeps its stores).

Every page is drawn as ``imr-graph view`` draws it by default (networks past 10,000 letters
read the statistics). For each: seconds to generate, file size, and in Chromium the time
from navigation to the first drawing (vis-network's first frame for a network page, the
first contentful paint for the others) and, for networks, one filter change.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _store_of_shared() -> Any:
    from imr_graph.extract import extract_paths
    from imr_graph.records import CaseRecord
    from imr_graph.store import build, open_store

    records = [r for r in extract_paths([SHARED / "seeds", SHARED / "real"]) if isinstance(r, CaseRecord)]
    store = open_store(None)
    build(records, store)
    return store


def _store_of_synthetic(letters: int, keep: Path | None, stack: contextlib.ExitStack) -> Any:
    from synthetic import synthetic_records

    from imr_graph.store import build, open_store

    folder = keep / str(letters) if keep else Path(stack.enter_context(tempfile.TemporaryDirectory()))
    if not (folder / "prepared.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        store = open_store(folder / "store")
        build(synthetic_records(letters), store)
        store.flush()
        (folder / "prepared.json").write_text(json.dumps({"letters": letters}))
        del store
    return open_store(folder / "store", read_only=True)


def _some_case(store: Any) -> str:
    for row in store.query(
        "SELECT ?case WHERE { GRAPH ?g { ?d <http://purl.org/dc/terms/identifier> ?case ;"
        " <http://purl.org/dc/terms/hasPart> ?i } } LIMIT 1"
    ):
        return str(row["case"].value)
    raise SystemExit("no letter in the store")


def generate(store: Any, folder: Path) -> list[tuple[str, Path, float]]:
    from imr_graph.errors import ImrGraphError
    from imr_graph.overview import overview
    from imr_graph.render import write
    from imr_graph.view import case_network, citation_matrix, citation_network, letter_text, specialty_network

    case = _some_case(store)

    def letter() -> Any:
        try:
            return letter_text(store, case)
        except ImrGraphError:  # the letter file is not where the record says
            return None

    makers: list[tuple[str, Callable[[], Any]]] = [
        ("overview (chapter)", lambda: overview(store)),
        ("citations (chapter, top 60)", lambda: citation_network(store)),
        ("citations (section, top 60)", lambda: citation_network(store, level="section")),
        ("specialty (top 60)", lambda: specialty_network(store)),
        ("matrix (top 40)", lambda: citation_matrix(store)),
        (f"case {case}", lambda: case_network(store, case)),
        (f"letter {case}", letter),
    ]
    done = []
    for k, (name, make) in enumerate(makers):
        start = time.perf_counter()
        drawn = make()
        if drawn is None:
            print(f"{name}: left out (its letter file cannot be read)")
            continue
        path = write(drawn, folder / f"view-{k}.html")
        done.append((name, path, time.perf_counter() - start))
        print(f"  {name}: {done[-1][2]:.2f} s", file=sys.stderr, flush=True)
    return done


def browse(pages: list[tuple[str, Path, float]]) -> dict[str, tuple[float, float]]:
    """Per network page: ms from navigation to first drawing, and ms for one filter change."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        return {}
    timings: dict[str, tuple[float, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        for name, path, _ in pages:
            network = 'id="view-data"' in path.read_text(encoding="utf-8")
            runs = []
            for _ in range(3):
                # CSP bypassed only so that the bench may poll the page (the pages forbid eval)
                context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900}, bypass_csp=True)
                page = context.new_page()
                page.goto(path.resolve().as_uri())
                if network:
                    page.wait_for_function("window.imrView && window.imrView.drawn !== null", timeout=60_000)
                    drawn = page.evaluate("imrView.drawn")
                    apply = page.evaluate(
                        "(() => { const t = performance.now(); imrView.apply(); return performance.now() - t; })()"
                    )
                else:
                    page.wait_for_function(
                        "performance.getEntriesByName('first-contentful-paint').length > 0", timeout=60_000
                    )
                    drawn = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
                    apply = float("nan")
                runs.append((drawn, apply))
                context.close()
            runs.sort()
            timings[name] = runs[len(runs) // 2]
        browser.close()
    return timings


def report(title: str, store: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pages = generate(store, Path(tmp))
        shown = browse(pages)
        print(f"\n{title}")
        print("view | generate s | file kB | Chromium: drawn after ms | one filter change ms")
        print("--- | --- | --- | --- | ---")
        for name, path, seconds in pages:
            drawn, apply = shown.get(name, (None, None))
            cells = "— | —" if drawn is None else f"{drawn:,.0f} | " + ("—" if apply != apply else f"{apply:,.1f}")
            print(f"{name} | {seconds:.2f} | {path.stat().st_size / 1000:,.0f} | {cells}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, nargs="*", default=[100_000])
    parser.add_argument("--keep", type=Path, help="keep (and reuse) each size's store here")
    parser.add_argument("--store", type=Path, help="also measure this on-disk store (opened read-only)")
    args = parser.parse_args()
    if args.store:
        from imr_graph import stats
        from imr_graph.store import open_store

        store = open_store(args.store, read_only=True)
        report(f"{args.store}: {stats.letter_count(store) or 0:,} letters ({len(store):,} quads)", store)
    if (SHARED / "real").is_dir():
        start = time.perf_counter()
        store = _store_of_shared()
        report(
            f"shared corpus: {len(list(store.named_graphs()))} graphs, built in {time.perf_counter() - start:.0f} s",
            store,
        )
    else:
        print(f"{SHARED} is absent: the shared corpus row is left out")
    for letters in args.letters:
        with contextlib.ExitStack() as stack:
            store = _store_of_synthetic(letters, args.keep, stack)
            report(f"{letters:,} synthetic letters ({len(store):,} quads)", store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
