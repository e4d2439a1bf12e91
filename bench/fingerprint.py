"""What the pipeline produces, as hashes: run it before and after a change meant to move code only.

    python bench/fingerprint.py [--synthetic 10000] [--shared ../shared/corpus]

Prints one line per product: the records of the shared corpus and of synthetic letters (the
JSON Lines, byte for byte), the quads of the store built from them (letters, statistics,
inferences; canonical N-Quads, sorted), the answer to every named question with each value
of its level parameter (statistics and raw), and every view page. Equal lines before and
after a change mean it changed none of these.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

import imr_graph
from imr_graph.extract import find_letters, run_extract
from imr_graph.named import catalog
from imr_graph.render import View, render
from imr_graph.store import build_jsonl, infer_chapters, open_store
from imr_graph.synthetic import write_corpus
from imr_graph.view import case_network, citation_matrix, citation_network, letter_text, specialty_network

ROOT = Path(__file__).resolve().parent.parent


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()[:16]


def records(paths: list[str]) -> str:
    out = io.StringIO()
    run_extract(find_letters(paths), out, workers=2)
    return out.getvalue()


def quads(store: ox.Store) -> str:
    lines = sorted(ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode().splitlines())  # type: ignore[union-attr]
    return "\n".join(lines)


def answers(store: ox.Store) -> dict[str, str]:
    out = {}
    for name, question in sorted(catalog().items()):
        levels = [p for p in question.parameters if "level" in p.kind]
        choices = {"level": ("source", "chapter", "section", "page"), "pair-level": ("source", "chapter")}
        settings: list[dict[str, str]] = [{}]
        for parameter in levels:
            settings = [{**s, parameter.name: value} for s in settings for value in choices.get(parameter.kind, ())]
        for params in settings:
            if name == "cases-citing":
                params = {"unit": "acoem-2004-ch12"}
            if name == "guidelines-for-treatment":
                params = {**params, "category": "Pharmaceuticals"}
            if name == "treatments-for-guideline":
                params = {**params, "unit": "acoem-2004-ch12"}
            for raw in (False, True) if question.uses_statistics else (False,):
                try:
                    result = imr_graph.query(store, name, raw=raw, **params)
                    text = json.dumps([dict(r) for r in result], sort_keys=True, default=str)
                except imr_graph.ImrGraphError as error:
                    text = f"error: {error}"
                out[f"{name} {params} raw={raw}"] = digest(text)
    return out


def pages(store: ox.Store, case: str) -> dict[str, str]:
    views: dict[str, View] = {
        "citations": citation_network(store),
        "citations-sections": citation_network(store, level="section"),
        "specialty": specialty_network(store),
        "matrix": citation_matrix(store),
        "case": case_network(store, case),
        "letter": letter_text(store, case),
    }
    return {name: digest(render(view)) for name, view in views.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic letters to extract (0: none)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        shared = records([str(args.shared / "seeds"), str(args.shared / "real")])
        print(f"records, shared corpus        {digest(shared)}")
        if args.synthetic:
            write_corpus(Path(work) / "synthetic", args.synthetic)
            here = os.getcwd()
            os.chdir(work)  # records name their letters by the path given: the same in every run
            try:
                print(f"records, {args.synthetic} synthetic      {digest(records(['synthetic']))}")
            finally:
                os.chdir(here)
        cases = Path(work) / "cases.jsonl"
        cases.write_text(shared)
        store = open_store(None)
        build_jsonl([cases], store)
        infer_chapters(store)
        print(f"quads, shared corpus          {digest(quads(store))}")
        for key, value in answers(store).items():
            print(f"answer {key:60s} {value}")
        case = json.loads(shared.splitlines()[-1])["id"]
        for key, value in pages(store, case).items():
            print(f"page {key:20s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
