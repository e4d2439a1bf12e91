"""The ``imr-graph`` command line: a thin shell over the library."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from imr_graph import __version__
from imr_graph.errors import ImrGraphError
from imr_graph.extract import Failure, atomic_writer, extract_paths, find_letters, record_json, run_extract


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="imr-graph")
def main() -> None:
    """Turn IMR determination letters into a guideline-citation knowledge graph.

    \b
    Example:
        imr-graph extract letters/ -o cases.jsonl
    """


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    if path is None or path == "-":
        yield sys.stdout
        return
    with atomic_writer(path) as handle:
        yield handle


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", metavar="FILE", help="Write JSON Lines here (default: stdout).")
@click.option("--workers", type=click.IntRange(min=1), help="Processes to use (default: all cores).")
@click.option("--errors", "errors_path", metavar="FILE", help="Write one JSON line per letter that failed.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")
def extract(
    paths: tuple[str, ...],
    output: str | None,
    workers: int | None,
    errors_path: str | None,
    quiet: bool,
) -> None:
    """Extract case records from letters (.pdf, .txt, folders, or - for stdin).

    Writes one JSON object per letter (the case-record contract). Letters that
    cannot be read are reported on stderr and in --errors; the others are
    still written. Exit code 1 when any letter failed.

    \b
    Example:
        imr-graph extract letters/ -o cases.jsonl --errors failed.jsonl
        cat letter.txt | imr-graph extract - > case.jsonl
    """
    letters = find_letters(paths)
    from tqdm import tqdm

    bar = tqdm(total=len(letters), unit="letter", file=sys.stderr, disable=True if quiet else None)

    def progress(_line: str | None, failure: Failure | None) -> None:
        bar.update(1)
        if failure is not None:
            bar.write(f"imr-graph: {failure.path}: {failure.reason}", file=sys.stderr)

    try:
        with (
            _output(output) as out,
            _output(errors_path) if errors_path else contextlib.nullcontext() as err,
        ):
            summary = run_extract(letters, out, workers, err, on_result=progress)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    finally:
        bar.close()
    if not quiet:
        click.echo(
            f"{summary.records} letters, {summary.items} items extracted; {len(summary.failures)} failed",
            err=True,
        )
    if summary.failures:
        sys.exit(1)


@main.command()
@click.option(
    "-o",
    "--output-dir",
    default="imr-graph-demo",
    show_default=True,
    metavar="DIR",
    help="Folder for the demo's outputs.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary table.")
def demo(output_dir: str, quiet: bool) -> None:
    """Run the main job on the embedded sample letters and print what it found.

    The sample letters are composed for this project (no real case). Outputs go
    to DIR: cases.jsonl (the case records).

    \b
    Example:
        imr-graph demo -o out/
    """
    from imr_graph.sample import sample_letters

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    cases = folder / "cases.jsonl"
    records = []
    with atomic_writer(cases) as out:
        for result in extract_paths(sample_letters(), workers=1):
            if isinstance(result, Failure):
                raise click.ClickException(f"sample letter failed: {result.path}: {result.reason}")
            records.append(result)
            out.write(record_json(result) + "\n")
    outcomes = Counter(item.decision.value for r in records for item in r.items)
    cited = Counter(c.guideline.value for r in records for item in r.items for c in item.reviewer.citations)
    if not quiet:
        click.echo(f"wrote {cases}", err=True)
    click.echo(
        f"letters: {len(records)}  items: {sum(outcomes.values())}  "
        f"upheld: {outcomes['upheld']}  overturned: {outcomes['overturned']}"
    )
    click.echo("guideline  reviewer citations")
    for code, count in cited.most_common():
        click.echo(f"{code:<10} {count}")
