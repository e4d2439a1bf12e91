"""Draw the pictures the README and the notebooks show, from synthetic letters (no real case).

    python docs/figures.py [--letters 1500] [--store DIR]

Writes into docs/images/: overview.png and citations.png (the overview and citation-network
pages as Chromium draws them, 1150 px wide) and sparql.png (a SPARQL answer as a bar chart,
drawn by matplotlib). ``--store`` reuses a built store; otherwise the letters are composed,
extracted and built in a temporary folder first (about a minute for 1,500).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import imr_graph

IMAGES = Path(__file__).resolve().parent / "images"

#: The SPARQL answer drawn: overturned share of items by how many items a letter holds.
QUERY = """
PREFIX imr: <https://w3id.org/imr-graph/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX outcome: <https://w3id.org/imr-graph/vocab/outcome/>
SELECT ?size (COUNT(?item) AS ?items) (SUM(IF(?outcome = outcome:overturned, 1, 0)) AS ?overturned)
WHERE {
  { SELECT ?letter (COUNT(?one) AS ?size)
    WHERE { GRAPH ?letter { ?d dcterms:hasPart ?one } } GROUP BY ?letter }
  GRAPH ?letter { ?d dcterms:hasPart ?item . ?item imr:outcome ?outcome }
}
GROUP BY ?size ORDER BY ?size
"""


def screenshot(page: Path, target: Path, *, network: bool = False) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        tab = browser.new_context(offline=True, viewport={"width": 1150, "height": 760}).new_page()
        tab.goto(page.resolve().as_uri())
        if network:
            tab.wait_for_function("window.imrView && window.imrView.drawn !== null")
        tab.wait_for_timeout(400)
        tab.screenshot(path=str(target))
        browser.close()


def sparql_chart(store: object, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = imr_graph.sparql(store, QUERY).rows
    sizes = [int(r["size"]) for r in rows]  # type: ignore[arg-type]
    shares = [100 * int(r["overturned"]) / int(r["items"]) for r in rows]  # type: ignore[arg-type]
    counts = [int(r["items"]) for r in rows]  # type: ignore[arg-type]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    bars = ax.bar([str(s) for s in sizes], shares, color="#332288")
    ax.bar_label(bars, labels=[f"{n:,}" for n in counts], fontsize=7, padding=2)
    ax.set_xlabel("items in the letter (over each bar: items counted, all items of those letters)")
    ax.set_ylabel("items overturned, %")
    ax.set_title("A SPARQL answer: overturned share by letter size")
    fig.tight_layout()
    fig.savefig(target, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=1500)
    parser.add_argument("--store")
    args = parser.parse_args()
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store_path = Path(args.store) if args.store else folder / "demo" / "store"
        if not args.store:
            command = ["imr-graph", "demo", "--letters", str(args.letters), "-o", str(folder / "demo"), "-q"]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        store = imr_graph.open_store(store_path, read_only=True)
        from imr_graph.overview import overview

        imr_graph.write_view(overview(store), folder / "overview.html")
        screenshot(folder / "overview.html", IMAGES / "overview.png")
        imr_graph.write_view(imr_graph.citation_network(store, top=30), folder / "citations.html")
        screenshot(folder / "citations.html", IMAGES / "citations.png", network=True)
        sparql_chart(store, IMAGES / "sparql.png")
    print(f"wrote {IMAGES}/overview.png, citations.png, sparql.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
