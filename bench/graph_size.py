"""How big a letter's graph is: quads and N-Quads bytes per letter, and which properties hold them.

    imr-graph extract ../shared/corpus/real -o real.jsonl
    python bench/graph_size.py real.jsonl [--top 15]

Counts what :func:`imr_graph.rdf.record_nquads` writes for each record (the letter's own named
graph, as a build stores it; the statistics and vocabularies are apart).
"""

from __future__ import annotations

import argparse
from collections import Counter

from imr_graph.rdf import record_nquads
from imr_graph.records import read_records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", help="a JSON Lines file of case records")
    parser.add_argument("--top", type=int, default=15, help="how many properties to list")
    args = parser.parse_args()
    letters = quads = size = 0
    by_property: Counter[str] = Counter()
    for record in read_records(args.records):
        text = record_nquads(record)
        letters += 1
        size += len(text.encode())
        for line in text.splitlines():
            quads += 1
            by_property[line.split("> <", 2)[1].split(">", 1)[0]] += 1
    if not letters:
        raise SystemExit(f"{args.records}: no records")
    print(f"{letters:,} letters: {quads / letters:,.1f} quads and {size / letters / 1000:,.1f} kB of N-Quads a letter")
    print("\nquads a letter | property")
    print("--- | ---")
    for prop, count in by_property.most_common(args.top):
        print(f"{count / letters:,.1f} | {prop}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
