"""The ``imr-graph`` command line: a thin shell over the library."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from imr_graph import __version__
from imr_graph.errors import ImrGraphError

if TYPE_CHECKING:
    import pyoxigraph as ox

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

    The sample letters are composed for this project (no real case). Outputs go to DIR:
    cases.jsonl (case records), graph.trig (the knowledge graph), citations.gexf (the
    citation network for Gephi).

    \b
    Example:
        imr-graph demo -o out/
    """
    import pyoxigraph as ox

    from imr_graph.network import export as write_network
    from imr_graph.network import to_networkx
    from imr_graph.query import rows
    from imr_graph.sample import sample_letters
    from imr_graph.store import build as build_graph
    from imr_graph.store import infer_chapters, letter_quads, open_store, write_graph
    from imr_graph.validate import validate_quads

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    with atomic_writer(folder / "cases.jsonl") as out:
        for result in extract_paths(sample_letters(), workers=1):
            if isinstance(result, Failure):
                raise click.ClickException(f"sample letter failed: {result.path}: {result.reason}")
            records.append(result)
            out.write(record_json(result) + "\n")
    store = open_store(None)
    build_graph(records, store)
    infer_chapters(store)
    write_graph(store, folder / "graph.trig")
    write_network(to_networkx(store, "citations"), folder / "citations.gexf", "gexf")
    violations = validate_quads(letter_quads(store))
    if violations:
        raise click.ClickException(f"the sample graph breaks its shapes: {violations[0]}")
    outcomes = Counter(item.decision.value for r in records for item in r.items)
    click.echo(
        f"letters: {len(records)}  items: {sum(outcomes.values())}  "
        f"upheld: {outcomes['upheld']}  overturned: {outcomes['overturned']}"
    )
    click.echo("guideline cited by the IMR reviewer             items  upheld  overturned")
    reviewer = ox.NamedNode("https://w3id.org/imr-graph/ns#ReviewerRole")
    for row in rows(store, "outcomes-by-source", role=reviewer):
        label = row.get("label", row["source"])
        click.echo(f"{label:<46} {row['items']:>6} {row['upheld']:>7} {row['overturned']:>11}")
    if not quiet:
        click.echo(f"wrote {folder}/cases.jsonl, graph.trig, citations.gexf; 0 SHACL violations", err=True)


def _graph_source(store: str | None, graph_file: str | None) -> ox.Store:
    """The store to read: ``--store DIR`` or a serialized graph file."""
    from imr_graph.store import load_graph_file, open_store

    if (store is None) == (graph_file is None):
        raise click.UsageError("give either --store DIR or a graph FILE")
    try:
        return open_store(store, read_only=True) if store else load_graph_file(str(graph_file))
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.argument("records", nargs=-1, required=True)
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to load into (created if absent).")
@click.option("-o", "--output", metavar="FILE", help="Also write the graph: .nq .trig .nt .ttl .jsonld .rdf")
@click.option("--with-vocabulary", is_flag=True, help="Include the ontology, vocabularies and statistics in --output.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes turning records into RDF (default: all cores).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def build(
    records: tuple[str, ...],
    store: str | None,
    output: str | None,
    with_vocabulary: bool,
    workers: int | None,
    quiet: bool,
) -> None:
    """Build the knowledge graph from case records (JSON Lines, - for stdin).

    One named graph per letter: a letter built again replaces its earlier graph, so
    builds are idempotent and new letters can be added at any time. Without --store the
    graph is built in memory and only written to --output.

    \b
    Example:
        imr-graph build cases.jsonl --store graph.oxigraph
        imr-graph build cases.jsonl -o graph.trig
    """
    from tqdm import tqdm

    from imr_graph.store import build_jsonl, infer_chapters, open_store, write_graph

    if store is None and output is None:
        raise click.UsageError("give --store DIR, -o FILE, or both")
    bar = tqdm(unit="letter", file=sys.stderr, disable=True if quiet else None)
    try:
        target = open_store(store)
        summary = build_jsonl(records, target, on_batch=bar.update, workers=workers)
        inferred = infer_chapters(target)
        written = write_graph(target, output, with_vocabulary) if output else 0
        target.flush()
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    finally:
        bar.close()
    if not quiet:
        where = ", ".join(x for x in (store and f"store {store}", output and f"{output} ({written} statements)") if x)
        click.echo(
            f"{summary.letters} letters ({summary.replaced} replaced), {summary.quads} quads, "
            f"{inferred} chapters inferred from pages → {where}",
            err=True,
        )


@main.command()
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to check.")
def validate(graph_file: str | None, store: str | None) -> None:
    """Check the graph against the SHACL shapes (ontology/shapes.ttl).

    Prints one line per violation and exits 1 when there is any.

    \b
    Example:
        imr-graph validate --store graph.oxigraph
        imr-graph validate graph.trig
    """
    from imr_graph.store import letter_quads
    from imr_graph.validate import validate_quads

    source = _graph_source(store, graph_file)
    violations = validate_quads(letter_quads(source))
    for violation in violations:
        click.echo(str(violation))
    click.echo(f"{len(violations)} violations", err=True)
    if violations:
        sys.exit(1)


@main.command()
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to read.")
@click.option("--gexf", metavar="OUT", help="Write GEXF (Gephi) here.")
@click.option("--graphml", metavar="OUT", help="Write GraphML here.")
@click.option(
    "--kind",
    type=click.Choice(["citations", "cocitation", "specialty"]),
    default="citations",
    show_default=True,
    help="Which projection.",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=("claims_administrator", "reviewer"),
    show_default=True,
    type=click.Choice(["claims_administrator", "reviewer", "rationale"]),
    help="Whose citations count (citations projection); repeat for several.",
)
@click.option(
    "--level",
    type=click.Choice(["chapter", "section"]),
    default="chapter",
    show_default=True,
    help="Guideline nodes of the citations projection: chapters/parts or sections.",
)
def export(
    graph_file: str | None,
    store: str | None,
    gexf: str | None,
    graphml: str | None,
    kind: str,
    roles: tuple[str, ...],
    level: str,
) -> None:
    """Export a network projection of the graph for Gephi (GEXF or GraphML).

    \b
    Example:
        imr-graph export --store graph.oxigraph --gexf citations.gexf
        imr-graph export graph.trig --kind cocitation --graphml cocitation.graphml
        imr-graph export graph.trig --level section --gexf sections.gexf
    """
    from imr_graph.network import export as write_network
    from imr_graph.network import to_networkx

    if not gexf and not graphml:
        raise click.UsageError("give --gexf OUT, --graphml OUT, or both")
    graph = to_networkx(_graph_source(store, graph_file), kind, roles, level)  # type: ignore[arg-type]
    try:
        for path, fmt in ((gexf, "gexf"), (graphml, "graphml")):
            if path:
                write_network(graph, path, fmt)  # type: ignore[arg-type]
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", err=True)


@main.command()
@click.option(
    "-o", "--output", default="docs/ontology.html", show_default=True, metavar="FILE", help="Where to write the page."
)
def docs(output: str) -> None:
    """Regenerate the ontology's HTML documentation from ontology/imr.ttl.

    \b
    Example:
        imr-graph docs -o docs/ontology.html
    """
    from imr_graph.docs import write_docs

    Path(output).parent.mkdir(parents=True, exist_ok=True)
    click.echo(f"wrote {write_docs(output)}", err=True)
