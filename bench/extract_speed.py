"""Extraction speed: letters/s and MB/s from text, pages/s from PDF, next to bare pypdfium2.

Run from the project root with the shared corpus beside it:

    python bench/extract_speed.py [--corpus ../shared/corpus/real] [--workers 2] [--repeat 5]

Every figure comes from the same run on the same files, so they can be compared side by
side on a shared, noisy machine. Text letters are the PDFs' own text (written once by bare
pypdfium2), so the text and PDF figures describe the same letters.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from imr_graph.extract import run_extract as extract_to

ROOT = Path(__file__).resolve().parent.parent


def bare_pdfium(path: str) -> tuple[str, int]:
    """Read every page's text with pypdfium2 and nothing else; return text and page count."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\f".join(texts), len(texts)
    finally:
        pdf.close()


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def run_extract(paths: list[str], workers: int) -> None:
    """What ``imr-graph extract`` does: records serialized and written (here to /dev/null)."""
    with open(os.devnull, "w", encoding="utf-8") as sink:
        summary = extract_to(paths, sink, workers=workers)
    if summary.failures:
        failed = summary.failures[0]
        raise SystemExit(f"benchmark letter failed: {failed.path}: {failed.reason}")


def run_bare(paths: list[str], workers: int) -> None:
    if workers == 1:
        for path in paths:
            bare_pdfium(path)
        return
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(bare_pdfium, paths, chunksize=8))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "real")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=20, help="times each text letter is read (longer, steadier runs)")
    args = parser.parse_args()
    pdfs = sorted(str(p) for p in args.corpus.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {args.corpus}", file=sys.stderr)
        return 2
    pages = sum(bare_pdfium(p)[1] for p in pdfs)  # also warms the file cache

    with tempfile.TemporaryDirectory() as tmp:
        texts = []
        for path in pdfs:
            text, _ = bare_pdfium(path)
            out = Path(tmp) / (Path(path).stem + ".txt")
            out.write_text(text, encoding="utf-8")
            texts.append(str(out))
        text_letters = texts * args.repeat
        megabytes = sum(Path(t).stat().st_size for t in texts) * args.repeat / 1e6
        run_extract(texts[:5], 1)  # load vocabularies before timing

        print(f"corpus: {len(pdfs)} PDF letters, {pages} pages; text: {len(text_letters)} letters, {megabytes:.1f} MB")
        print(f"{'what':44} {'workers':>7} {'seconds':>8} {'rate':>18}")
        for workers in (1, args.workers):
            seconds = timed(lambda w=workers: run_extract(text_letters, w))
            rate = len(text_letters) / seconds
            print(
                f"{'imr-graph extract, text':44} {workers:7d} {seconds:8.2f} {rate:10.0f} letters/s"
                f"  {megabytes / seconds:6.2f} MB/s  {rate / workers:6.0f} letters/s/core"
            )
        for workers in (1, args.workers):
            bare = timed(lambda w=workers: run_bare(pdfs, w))
            ours = timed(lambda w=workers: run_extract(pdfs, w))
            print(f"{'bare pypdfium2 text, PDF':44} {workers:7d} {bare:8.2f} {pages / bare:10.0f} pages/s")
            print(
                f"{'imr-graph extract, PDF':44} {workers:7d} {ours:8.2f} {pages / ours:10.0f} pages/s"
                f"  = {bare / ours:.0%} of bare pypdfium2"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
