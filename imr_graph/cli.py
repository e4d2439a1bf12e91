"""The ``imr-graph`` command line: a thin shell over the library."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from imr_graph import __version__
from imr_graph.errors import ImrGraphError

if TYPE_CHECKING:
    import pyoxigraph as ox

from imr_graph._atomic import atomic_writer
from imr_graph.extract import (
    STDIN,
    Failure,
    extract_paths,
    find_letters,
    pending,
    run_extract,
)
from imr_graph.records import Role, record_json, resumable_writer

#: Citing roles, spelled the one way every command takes them.
ROLE_CHOICE = click.Choice([role.value for role in Role])


class _Main(click.Group):
    """The ``imr-graph`` group: Ctrl-C ends any command with one line and exit code 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(
                "imr-graph: interrupted; nothing half-written was kept: run the same command again "
                "(extract and build take --resume to skip what is done)",
                err=True,
            )
            ctx.exit(130)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
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


@contextlib.contextmanager
def _letters_bar(quiet: bool, total: int | None = None) -> Iterator[Any]:
    """A progress bar of letters on stderr (none with --quiet), closed at the end; the library's
    errors end the command with their message."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="letter", file=sys.stderr, disable=True if quiet else None)
    try:
        yield bar
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    finally:
        bar.close()


@contextlib.contextmanager
def _stdout() -> Iterator[tuple[IO[str], set[str]]]:
    if isinstance(sys.stdout, io.TextIOWrapper):  # a file name that is not UTF-8 is written escaped
        sys.stdout.reconfigure(errors="backslashreplace")
    yield sys.stdout, set()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", metavar="FILE", help="Write JSON Lines here (default: stdout).")
@click.option("--workers", type=click.IntRange(min=1), help="Processes to use (default: all cores).")
@click.option("--errors", "errors_path", metavar="FILE", help="Write one JSON line per letter that failed.")
@click.option(
    "--warnings",
    "warnings_path",
    metavar="FILE",
    help="Write one JSON line per warning of a record (path, id, kind, warning).",
)
@click.option("--resume", is_flag=True, help="Keep the letters -o FILE (or FILE.part) already holds; do the rest.")
@click.option(
    "--engine",
    type=click.Choice(["processes", "dask"]),
    default="processes",
    show_default=True,
    help="processes: a pool on this machine. dask: a Dask cluster (local unless --scheduler).",
)
@click.option("--scheduler", metavar="URL", help="Dask scheduler to run on (tcp://HOST:PORT); implies --engine dask.")
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Letters per Dask task (and per output part).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")
def extract(
    paths: tuple[str, ...],
    output: str | None,
    workers: int | None,
    errors_path: str | None,
    warnings_path: str | None,
    resume: bool,
    engine: str,
    scheduler: str | None,
    partition_size: int,
    quiet: bool,
) -> None:
    """Extract case records from letters (.pdf, .txt, folders, or - for stdin).

    Writes one JSON object per letter (the case-record contract). Letters that
    cannot be read are reported on stderr and in --errors; the others are
    still written. Exit code 1 when any letter failed. The last line on stderr counts
    letters, items, failures and letters with warnings by kind; --warnings FILE lists
    each warning (the records carry them too).

    -o FILE is written through FILE.part and appears whole at the end; a run that was
    stopped leaves FILE.part, and --resume goes on from it (letters are matched by the
    SHA-256 of their content).

    With Dask (--engine dask, or --scheduler URL for a running cluster), -o names a folder:
    each task writes one part-NNNNN-HASH.jsonl there, and `imr-graph build FOLDER` reads
    them in order. Workers must see the letters and the folder at the same paths (a shared
    file system) and have imr-graph installed; --resume keeps the parts already written.

    \b
    Example:
        imr-graph extract letters/ -o cases.jsonl --errors failed.jsonl --warnings warned.jsonl
        imr-graph extract letters/ -o cases.jsonl --resume
        cat letter.txt | imr-graph extract - > case.jsonl
        imr-graph extract /shared/letters --scheduler tcp://10.0.0.5:8786 -o /shared/cases
        imr-graph extract letters/ --engine dask -o cases/      # a local Dask cluster
    """
    from tqdm import tqdm

    if resume and not output:
        raise click.UsageError("--resume needs -o FILE (the output to go on with)")
    letters = find_letters(paths)
    if engine == "dask" or scheduler is not None:
        if warnings_path:
            raise click.UsageError("--warnings is for this machine's engine; with Dask the records carry them")
        _dask_extract(letters, output, errors_path, resume, scheduler, workers, partition_size, quiet)
        return

    def progress(_line: str | None, failure: Failure | None) -> None:
        assert bar is not None
        bar.update(1)
        if failure is not None:
            bar.write(f"imr-graph: {failure}", file=sys.stderr)

    kept = 0
    bar = None
    try:
        with (
            resumable_writer(Path(output), resume) if output and output != "-" else _stdout() as (out, done),
            _output(errors_path) if errors_path else contextlib.nullcontext() as err,
            _output(warnings_path) if warnings_path else contextlib.nullcontext() as warned,
        ):
            todo = pending(letters, done)
            kept = len(done)
            bar = tqdm(total=len(todo), unit="letter", file=sys.stderr, disable=True if quiet else None)
            summary = run_extract(todo, out, workers=workers, errors=err, on_result=progress, warnings=warned)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if bar is not None:
            bar.close()
    if not quiet:
        click.echo(summary.line() + (f"; {kept} kept from the earlier run" if resume else ""), err=True)
    if summary.failures:
        sys.exit(1)


def _dask_extract(
    letters: list[str],
    output: str | None,
    errors_path: str | None,
    resume: bool,
    scheduler: str | None,
    workers: int | None,
    partition_size: int,
    quiet: bool,
) -> None:
    """``extract`` on a Dask cluster: partitioned output in the folder ``output``."""
    from imr_graph.cluster import dask_client, run_dask_extract

    if not output or output == "-":
        raise click.UsageError("the Dask engine writes a folder of parts: give -o FOLDER")
    if STDIN in letters:
        raise click.UsageError("the Dask engine reads letters from files, not stdin")
    if Path(output).is_file():
        raise click.UsageError(f"{output} is a file; the Dask engine writes a folder of parts")
    with _letters_bar(quiet, total=len(letters)) as bar:

        def progress(part: Any, count: int) -> None:
            bar.update(count)
            for failure in part.failures:
                bar.write(f"imr-graph: {failure}", file=sys.stderr)

        with dask_client(scheduler, workers) as client:
            summary = run_dask_extract(letters, output, client, size=partition_size, resume=resume, on_part=progress)
        if errors_path:
            with _output(errors_path) as err:
                for failure in summary.failures:
                    err.write(failure.to_json() + "\n")
    if not quiet:
        click.echo(
            f"{summary.records} letters, {summary.items} items extracted into {output}; {len(summary.failures)} failed",
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
@click.option(
    "--letters",
    "synthetic",
    type=click.IntRange(min=1),
    metavar="N",
    help="Instead of the sample, compose N synthetic letters and run the job on them at scale.",
)
@click.option("--pdf", is_flag=True, help="With --letters: write the letters as PDFs (default: text).")
@click.option("--seed", type=int, default=1, show_default=True, help="With --letters: which letters to compose.")
@click.option("--workers", type=click.IntRange(min=1), help="With --letters: processes (default: all cores).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary table.")
def demo(output_dir: str, synthetic: int | None, pdf: bool, seed: int, workers: int | None, quiet: bool) -> None:
    """Run the main job on the embedded sample letters and print what it found.

    The sample letters are composed for this project (no real case). Outputs go to DIR:
    cases.jsonl (case records), graph.trig (the knowledge graph), citations.html and
    matrix.html (views to open in a browser, offline), citations.gexf (for Gephi).

    With --letters N it composes N synthetic letters in every format (DIR/letters), extracts
    them (DIR/cases.jsonl), checks every record against what each letter was composed to
    say, builds an on-disk store (DIR/store) and answers from it; matrix.html is drawn from
    the store's statistics. For scale tests: the letters are invented, like the sample.

    \b
    Example:
        imr-graph demo -o out/
        imr-graph demo --letters 10000 -o big/
        imr-graph demo --letters 2000 --pdf -o big-pdf/
    """
    if synthetic is not None:
        _synthetic_demo(Path(output_dir), synthetic, "pdf" if pdf else "txt", seed, workers, quiet)
        return
    from imr_graph.network import export as write_network
    from imr_graph.network import to_networkx
    from imr_graph.overview import overview
    from imr_graph.render import write as write_view
    from imr_graph.sample import sample_letters
    from imr_graph.store import build as build_graph
    from imr_graph.store import letter_quads, open_store, write_graph
    from imr_graph.validate import validate_quads
    from imr_graph.view import citation_matrix, citation_network

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
    write_graph(store, folder / "graph.trig")
    write_network(to_networkx(store, kind="citations"), folder / "citations.gexf", "gexf")
    write_view(citation_network(store), folder / "citations.html")
    write_view(citation_matrix(store), folder / "matrix.html")
    write_view(overview(store, min_items=1), folder / "overview.html")
    violations = validate_quads(letter_quads(store))
    if violations:
        raise click.ClickException(f"the sample graph breaks its shapes: {violations[0]}")
    outcomes = Counter(item.decision.value for r in records for item in r.items)
    click.echo(
        f"letters: {len(records)}  items: {sum(outcomes.values())}  "
        f"upheld: {outcomes['upheld']}  overturned: {outcomes['overturned']}"
    )
    _guideline_table(store)
    if not quiet:
        click.echo(
            f"wrote {folder}/cases.jsonl, graph.trig, overview.html, citations.html, matrix.html, citations.gexf; "
            "0 SHACL violations",
            err=True,
        )


def _guideline_table(store: Any) -> None:
    """The demo's answer: overturn rates by guideline source, and what the columns mean."""
    import textwrap

    from imr_graph.questions import run
    from imr_graph.report import table

    click.echo("Which guidelines does the IMR reviewer cite, and how do those items end?")
    result = run(store, "overturn-by-guideline", level="source")
    click.echo(table(result, hide=("unit", "upheld", "difference")), nl=False)
    click.echo(textwrap.fill(result.legend(), width=100))


def _synthetic_demo(folder: Path, count: int, kind: str, seed: int, workers: int | None, quiet: bool) -> None:
    """``demo --letters N``: compose, extract, check against the truth, build on disk, answer."""
    import time

    from imr_graph.records import read_records
    from imr_graph.render import write as write_view
    from imr_graph.store import ON_DISK_LOADS, build_jsonl, open_store
    from imr_graph.synthetic import check_records, write_corpus
    from imr_graph.view import citation_matrix

    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    letters = write_corpus(folder / "letters", count, seed=seed, kinds=(kind,))
    say(f"composed {len(letters)} letters ({kind}) in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with atomic_writer(folder / "cases.jsonl") as out:
        summary = run_extract([str(p) for p in letters], out, workers=workers)
    elapsed = time.perf_counter() - started
    say(
        f"extracted {summary.records} letters in {elapsed:.1f} s ({summary.records / max(elapsed, 1e-9):.0f} letters/s)"
    )
    for failure in summary.failures[:10]:
        click.echo(f"imr-graph: {failure}", err=True)
    checked, differences = check_records(read_records(folder / "cases.jsonl"), seed)
    for difference in differences[:10]:
        click.echo(f"imr-graph: {difference}", err=True)
    started = time.perf_counter()
    try:
        store = open_store(folder / "store")
        built = build_jsonl([folder / "cases.jsonl"], store, workers=workers, compact=True, loads=ON_DISK_LOADS)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    elapsed = time.perf_counter() - started
    say(f"built {folder / 'store'}: {built.letters} letters, {built.quads} quads in {elapsed:.1f} s")
    write_view(citation_matrix(store), folder / "matrix.html")
    click.echo(
        f"letters: {count}  extracted: {summary.records}  checked against the composed truth: {checked}, "
        f"{checked - len({d.split(':', 1)[0] for d in differences})} exact"
    )
    _guideline_table(store)
    if summary.failures or differences:
        raise click.ClickException(f"{len(summary.failures)} letters failed, {len(differences)} facts differ")


def _graph_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--graph FILE``, as every command takes it (a bare FILE argument is read the same)."""

    @functools.wraps(command)
    def wrapper(*args: Any, graph_option: str | None = None, **kwargs: Any) -> Any:
        if graph_option is not None:
            if kwargs.get("graph_file"):
                raise click.UsageError("give the graph FILE once: as --graph FILE or as FILE")
            kwargs["graph_file"] = graph_option
        return command(*args, **kwargs)

    option = click.option(
        "--graph", "graph_option", metavar="FILE", help="A graph file (.trig .nq .ttl .nt .rdf .jsonld)."
    )
    return option(wrapper)


#: The store every command reads when none is given (--store, --graph or --endpoint).
STORE_VARIABLE = "IMR_GRAPH_STORE"


def _default_store() -> str | None:
    return os.environ.get(STORE_VARIABLE) or None


def _graph_source(store: str | None, graph_file: str | None) -> ox.Store:
    """The store to read: ``--store DIR`` or a serialized graph file (``IMR_GRAPH_STORE`` when
    neither is given)."""
    from imr_graph.store import load_graph_file, open_store

    if store is None and graph_file is None:
        store = _default_store()
    if (store is None) == (graph_file is None):
        raise click.UsageError(f"give --store DIR or --graph FILE (or set {STORE_VARIABLE})")
    if store and not Path(store).is_dir():
        raise click.ClickException(f"{store}: no such store (build one with imr-graph build --store {store})")
    try:
        return open_store(store, read_only=True) if store else load_graph_file(str(graph_file))
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.argument("records", nargs=-1)
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to load into (created if absent).")
@click.option("-o", "--output", metavar="FILE", help="Also write the graph: .nq .trig .nt .ttl .jsonld .rdf")
@click.option("--with-vocabulary", is_flag=True, help="Include the ontology, vocabularies and statistics in --output.")
@click.option(
    "--parts",
    metavar="DIR",
    help="Instead of a store, write the graph as N-Quads parts to bulk-load anywhere (oxigraph load, a server).",
)
@click.option("--workers", type=click.IntRange(min=1), help="Processes turning records into RDF (default: all cores).")
@click.option("--resume", is_flag=True, help="Skip letters the store already holds unchanged (same content hash).")
@click.option(
    "--no-optimize",
    is_flag=True,
    help="Leave the store's files as loaded (quicker build; questions about half as fast).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def build(
    records: tuple[str, ...],
    store: str | None,
    output: str | None,
    with_vocabulary: bool,
    parts: str | None,
    workers: int | None,
    resume: bool,
    no_optimize: bool,
    quiet: bool,
) -> None:
    """Build the knowledge graph from case records (JSON Lines, - for stdin).

    One named graph per letter: a letter built again replaces its earlier graph, so
    builds are idempotent and new letters can be added at any time. Without --store the
    graph is built in memory and only written to --output. Each build keeps the outcome
    statistics the named queries read; with no RECORDS it only brings them up to date
    (after a build that was stopped).

    \b
    Example:
        imr-graph build cases.jsonl --store graph.oxigraph
        imr-graph build cases.jsonl -o graph.trig
        imr-graph build cases.jsonl --store graph.oxigraph --resume   # after an interruption
        imr-graph build cases/ --parts parts/ && oxigraph load --location server-store --file parts/*.nq
    """

    from imr_graph.store import ON_DISK_LOADS, build_jsonl, open_store, write_graph

    if parts is not None:
        if store or output or resume:
            raise click.UsageError("--parts writes files to load elsewhere: it takes no --store, -o or --resume")
        _build_parts(records, parts, workers, quiet)
        return
    if store is None and output is None:
        raise click.UsageError("give --store DIR, -o FILE, --parts DIR, or more than one")
    if not records and store is None:
        raise click.UsageError("give RECORDS (JSON Lines files, - for stdin) to build from")
    with _letters_bar(quiet) as bar:
        target = open_store(store)
        compact = store is not None and not no_optimize
        loads = ON_DISK_LOADS if store is not None else 1  # an in-memory store takes one at a time
        summary = build_jsonl(
            records, target, on_batch=bar.update, workers=workers, resume=resume, compact=compact, loads=loads
        )
        written = write_graph(target, output, with_vocabulary=with_vocabulary) if output else 0
        target.flush()
    if not quiet:
        where = ", ".join(x for x in (store and f"store {store}", output and f"{output} ({written} statements)") if x)
        click.echo(
            f"{summary.letters} letters ({summary.replaced} replaced"
            + (f", {summary.skipped} already there skipped" if resume else "")
            + f"), {summary.quads} quads, "
            f"{summary.placed} chapters inferred from pages"
            + (
                f" ({summary.unplaced} ACOEM citation(s) with pages in no known chapter left unplaced)"
                if summary.unplaced
                else ""
            )
            + f" → {where}",
            err=True,
        )


def _build_parts(records: tuple[str, ...], folder: str, workers: int | None, quiet: bool) -> None:
    from imr_graph.parts import write_parts

    if not records:
        raise click.UsageError("give RECORDS (JSON Lines files or folders) to write parts of")
    with _letters_bar(quiet) as bar:
        summary = write_parts(records, folder, workers=workers, on_batch=bar.update)
    if not quiet:
        click.echo(
            f"{summary.letters} letters, {summary.quads} quads in {summary.parts} letter parts, "
            f"{summary.placed} chapters inferred from pages → {folder} (with vocabulary.nq, statistics.nq, "
            "placed.nq and journal.nq)",
            err=True,
        )


@main.command()
@_graph_option
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to check.")
@click.option("--inference", is_flag=True, help="Read the data under RDFS entailment with the ontology (pySHACL).")
@click.option("--pyshacl", is_flag=True, help="Check with pySHACL rather than the shapes compiled to SPARQL.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or count on stderr.")
def validate(graph_file: str | None, store: str | None, inference: bool, pyshacl: bool, quiet: bool) -> None:
    """Check the graph against the SHACL shapes (ontology/shapes.ttl).

    Letters are checked a batch at a time (a progress bar shows how far it is), so memory
    stays flat on a large store, by the shapes compiled to SPARQL (the same verdicts as
    pySHACL, which --pyshacl runs instead). Prints one line per violation and exits 1 when
    there is any. --inference reads the data under RDFS entailment with the ontology first.

    \b
    Example:
        imr-graph validate --store graph.oxigraph
        imr-graph validate --graph graph.trig --inference
    """
    from tqdm import tqdm

    from imr_graph.stats import letter_graphs
    from imr_graph.validate import validate_store

    source = _graph_source(store, graph_file)
    with tqdm(total=len(letter_graphs(source)), unit="letter", file=sys.stderr, disable=True if quiet else None) as bar:
        engine = "pyshacl" if pyshacl or inference else "sparql"
        violations = validate_store(source, inference=inference, engine=engine, progress=bar.update)
    for violation in violations:
        click.echo(str(violation))
    if not quiet:
        click.echo(f"{len(violations)} violations", err=True)
    if violations:
        sys.exit(1)


@main.command()
@_graph_option
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
    default=(Role.CLAIMS_ADMINISTRATOR.value, Role.REVIEWER.value),
    show_default=True,
    type=ROLE_CHOICE,
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
    graph = to_networkx(_graph_source(store, graph_file), kind=kind, roles=roles, level=level)  # type: ignore[arg-type]
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


# -- questions ---------------------------------------------------------------------------


def _source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Where to ask: --store DIR, --graph FILE or --endpoint URL (exactly one)."""
    for option in reversed(
        (
            click.option("--store", metavar="DIR", help="Embedded Oxigraph store (from imr-graph build --store)."),
            click.option("--graph", "graph_file", metavar="FILE", help="A graph file (.trig .nq .ttl …)."),
            click.option("--endpoint", metavar="URL", help="Any SPARQL 1.1 query endpoint."),
        )
    ):
        command = option(command)
    return command


def _output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The output options every question shares."""
    for option in reversed(
        (
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["table", "csv", "json", "jsonl", "markdown", "parquet"]),
                default=None,
                help="Output format (default: from -o FILE's extension, else table).",
            ),
            click.option("-o", "--output", metavar="FILE", help="Write here (default: stdout)."),
        )
    ):
        command = option(command)
    return command


def _target(store: str | None, graph_file: str | None, endpoint: str | None) -> Any:
    from imr_graph.endpoint import Endpoint
    from imr_graph.questions import resolve

    if not (store or graph_file or endpoint):
        store = _default_store()
    given = [x for x in (store, graph_file, endpoint) if x]
    if len(given) != 1:
        raise click.UsageError(f"give one of --store DIR, --graph FILE or --endpoint URL (or set {STORE_VARIABLE})")
    if endpoint:
        if not endpoint.startswith(("http://", "https://")):
            raise click.UsageError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
        return Endpoint(endpoint)
    if store and not Path(store).is_dir():
        raise click.ClickException(f"{store}: no such store (build one with imr-graph build --store {store})")
    return resolve(store or str(graph_file))


def _emit(result: Any, fmt: str | None, output: str | None) -> None:
    from imr_graph.report import render, write_parquet

    fmt = _format(fmt, output)
    if fmt == "parquet":
        if output is None or output == "-":
            raise click.UsageError("--format parquet writes a file: give -o FILE.parquet")
        try:
            write_parquet(result, output)
        except ImrGraphError as error:
            raise click.ClickException(str(error)) from error
        return
    with _output(output) as out:
        for chunk in render(result, fmt):
            out.write(chunk)


_BY_SUFFIX = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".txt": "table",
    ".md": "markdown",
    ".parquet": "parquet",
}


def _format(fmt: str | None, output: str | None) -> str:
    """The format asked for, or the one -o FILE's extension names; a clash is a usage error."""
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    implied = _BY_SUFFIX.get(suffix)
    if fmt and implied and fmt != implied:
        raise click.UsageError(f"--format {fmt} and -o {output} disagree: {suffix} files are {implied}")
    return fmt or implied or "table"


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[key.strip()] = value
    return params


def _rate_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every rate question takes: what a rate counts, and which rows to show how."""
    from imr_graph.answers import SORTS

    for option in reversed(
        (
            click.option(
                "--min-items",
                type=click.IntRange(min=1),
                default=1,
                show_default=True,
                help="Hide rows with fewer items.",
            ),
            click.option(
                "--include-dependent",
                is_flag=True,
                help="Count dependent items too (decided only because another item was; left out by default).",
            ),
            click.option(
                "--per",
                type=click.Choice(["item", "letter"]),
                default="item",
                show_default=True,
                help="Count items, or letters (a letter counts as overturned when an item of it is).",
            ),
            click.option(
                "--sort",
                type=click.Choice(list(SORTS)),
                help="Sort rows: shrunk (the rate shrunk toward the rows' mean) ranks without rewarding tiny rows.",
            ),
            click.option("--limit", type=click.IntRange(min=1), help="Show at most this many rows."),
        )
    ):
        command = option(command)
    return command


class _Questions(click.Group):
    """``imr-graph query NAME``: one subcommand per named query, built from its header."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from imr_graph.named import catalog

        return list(catalog())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from imr_graph.errors import QueryError
        from imr_graph.named import named

        try:
            query = named(cmd_name)
        except QueryError as error:
            ctx.fail(str(error))
        return _question_command(query)


def _sentence(text: str) -> str:
    return text if text.endswith(("?", ".", "!")) else text + "."


def _question_command(query: Any) -> click.Command:
    from imr_graph.questions import run

    params: list[click.Parameter] = [
        click.Option(
            [f"--{p.name}"],
            metavar="VALUE",
            help=f"{p.help} [default: {p.default}]" if p.default else f"{p.help} [required]",
        )
        for p in query.parameters
    ]

    if query.raw is not None:  # a rate question: it takes the filters too
        params += [
            click.Option(
                ["--year"], metavar="YEAR[-YEAR]", help="Only letters decided in these years (2016, 2015-2017)."
            ),
            click.Option(["--specialty"], metavar="NAME", help="Only letters whose reviewer has this specialty."),
        ]
        if not any(p.name == "category" for p in query.parameters):
            params.append(
                click.Option(["--category"], metavar="NAME", help="Only items of this request category or subcategory.")
            )

    @_output_options
    @_source_options
    @click.option("--param", "pairs", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable).")
    @click.option("--raw", is_flag=True, help="Count from the letter graphs, not the build-time statistics.")
    @_rate_options
    def command(
        pairs: tuple[str, ...],
        raw: bool,
        min_items: int,
        include_dependent: bool,
        per: str,
        sort: str | None,
        limit: int | None,
        store: str | None,
        graph_file: str | None,
        endpoint: str | None,
        fmt: str | None,
        output: str | None,
        **options: str | None,
    ) -> None:
        values: dict[str, object] = {k: v for k, v in options.items() if v is not None}
        for key, value in _parse_params(pairs).items():
            option = key.replace("_", "-")
            given = values.get(key.replace("-", "_"))
            if given is not None and given != value:
                raise click.UsageError(f"--param {key}={value} and --{option} {given} disagree: give one")
            values[key.replace("-", "_")] = value
        try:
            result = run(
                _target(store, graph_file, endpoint),
                query.name,
                raw=raw,
                include_dependent=include_dependent,
                per=per,
                sort=sort,
                limit=limit,
                min_items=min_items,
                **values,
            )
            if result.note:
                click.echo(f"imr-graph: warning: {result.note}", err=True)
        except ImrGraphError as error:
            raise click.ClickException(str(error)) from error
        _emit(result, fmt, output)
        if result.legend():
            click.echo(result.legend(), err=True)

    example = " ".join(f"--{p.name} VALUE" for p in query.parameters if p.default is None)
    command.__doc__ = (
        f"{_sentence(query.title)}\n\n{query.description}\n\nColumns: {', '.join(query.columns)}.\n\n"
        f"\b\nExample:\n    imr-graph query {query.name} --store graph.oxigraph {example}".rstrip()
    )
    built: click.Command = click.command(name=query.name)(command)
    built.params.extend(params)
    return built


@main.group(cls=_Questions, invoke_without_command=True)
@click.option("--list", "show_list", is_flag=True, help="List the named queries, their parameters and columns.")
@click.pass_context
def query(ctx: click.Context, show_list: bool) -> None:
    """Ask a named question: overturn rates by guideline, specialty, category, year, ….

    Each question is a SPARQL file shipped in imr_graph/queries; parameters are bound as
    values, never pasted into the query. Rates come with a Wilson 95% interval.
    `imr-graph query NAME --help` tells what one question answers.

    \b
    Example:
        imr-graph query --list
        imr-graph query overturn-by-guideline --store graph.oxigraph --level source
        imr-graph query cases-citing --graph graph.trig --unit acoem-2004-ch12 --pages 303-304
    """
    from imr_graph.named import catalog

    if ctx.invoked_subcommand is not None:
        return
    if not show_list:
        click.echo(ctx.get_help())
        return
    for name, named_query in catalog().items():
        click.echo(f"{name}\n    {_sentence(named_query.title)}")
        for p in named_query.parameters:
            default = f" (default {p.default})" if p.default else " (required)"
            click.echo(f"    --{p.name}{default}: {p.help}")
        click.echo(f"    columns: {', '.join(named_query.columns)}")


@main.command()
@click.argument("text", required=False, metavar="[QUERY]")
@click.option("--file", "query_file", metavar="FILE", help="Read the query from a file (.rq).")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let the query call other endpoints (SERVICE): off, as it makes this machine send requests.",
)
@_source_options
@_output_options
def sparql(
    text: str | None,
    query_file: str | None,
    allow_service: bool,
    store: str | None,
    graph_file: str | None,
    endpoint: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """Run your own SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); QUERY - reads it from stdin.

    On a store or graph file the default graph is the union of all graphs, so a query
    need not name the letter graphs (GRAPH ?letter { … } still works). The prefixes the
    tables print (gl:, cat:, imr:, …) are declared for you. ASK answers one row; CONSTRUCT
    and DESCRIBE answer their triples as rows.

    \b
    Example:
        imr-graph sparql --store graph.oxigraph 'PREFIX imr: <https://w3id.org/imr-graph/ns#>
          SELECT ?request WHERE { ?item imr:request ?request } LIMIT 5'
        imr-graph sparql --file my-question.rq --graph graph.trig --format csv
    """
    from imr_graph.questions import sparql as ask

    if (text is None) == (query_file is None):
        raise click.UsageError("give a QUERY or --file FILE")
    if query_file:
        try:
            text = Path(query_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{query_file}: cannot read ({error})") from error
    elif text == "-":
        text = sys.stdin.read()
    try:
        result = ask(_target(store, graph_file, endpoint), str(text), allow_service=allow_service)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    _emit(result, fmt, output)


@main.command()
@click.option(
    "--level",
    "--by",
    "level",
    type=click.Choice(["source", "chapter", "section", "topic"]),
    default="chapter",
    show_default=True,
    help="Guideline units to test (topic: ODG's topics).",
)
@click.option(
    "--role",
    type=ROLE_CHOICE,
    default="reviewer",
    show_default=True,
    help="Whose citations.",
)
@click.option(
    "--min-items",
    type=click.IntRange(min=2),
    default=10,
    show_default=True,
    help="Units cited for fewer items are not reported (and control levels with fewer are pooled).",
)
@click.option(
    "--penalty",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Ridge penalty on each unit's log odds ratio (1 = a normal prior with sd 1); controls are not penalized.",
)
@click.option("--top", type=click.IntRange(min=1), default=60, show_default=True, help="At most this many units.")
@click.option(
    "--include-dependent",
    is_flag=True,
    help="Count dependent items too (decided only because another item was; left out by default).",
)
@_source_options
@_output_options
def drivers(
    level: str,
    role: str,
    min_items: int,
    penalty: float,
    top: int,
    include_dependent: bool,
    store: str | None,
    graph_file: str | None,
    endpoint: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """Which guidelines go with overturned items once the treatment mix is held fixed.

    Fits a logistic regression of overturned on the guideline units cited for each item,
    with request category, reviewer specialty group and decision year as unpenalized
    controls (each against a named reference level) and a ridge penalty on the units. Each
    unit gets an odds ratio with a 95% interval and a q-value, clustered by letter, and its
    odds ratio at four penalty strengths side by side. An association, not a cause.

    \b
    Example:
        imr-graph drivers --store graph.oxigraph --level chapter --role reviewer
        imr-graph drivers --graph graph.trig --level source --role claims-administrator --format csv
    """
    from imr_graph.answers import Result, Value
    from imr_graph.drivers import drivers as fit

    try:
        report = fit(
            _target(store, graph_file, endpoint),
            by=level,
            role=role,
            min_items=min_items,
            penalty=penalty,
            top=top,
            include_dependent=include_dependent,
        )
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    rows: tuple[dict[str, Value], ...] = tuple(report.rows())
    _emit(Result(report.columns(), rows), fmt, output)
    click.echo(report.summary(), err=True)


@main.command()
@click.argument("kind", type=click.Choice(["units", "categories", "specialties", "states"]))
@click.option(
    "--level",
    type=click.Choice(["source", "chapter", "section", "page"]),
    default="chapter",
    show_default=True,
    help="With units: the level they are cited at.",
)
@click.option("--role", type=ROLE_CHOICE, default="reviewer", show_default=True, help="With units: whose citations.")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store (units only).")
@click.option("--graph", "graph_file", metavar="FILE", help="A graph file (units only).")
@click.option("--endpoint", metavar="URL", help="Any SPARQL 1.1 query endpoint (units only).")
@_output_options
def keys(
    kind: str,
    level: str,
    role: str,
    store: str | None,
    graph_file: str | None,
    endpoint: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """List what a parameter accepts: guideline units, request categories, specialties, states.

    Units are those the graph's letters cite (with how many items cite each), written as the
    tables print them, which every --unit reads; categories, specialties and states come
    from the vocabularies, with the key --category, --specialty and the tables use.

    \b
    Example:
        imr-graph keys units --store graph.oxigraph --level chapter
        imr-graph keys categories
        imr-graph keys specialties --format csv
    """
    from imr_graph.inventory import keys as listed

    target = _target(store, graph_file, endpoint) if kind == "units" or store or graph_file or endpoint else None
    try:
        result = listed(target, kind, level=level, role=role)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    _emit(result, fmt, output)


@main.command()
@_source_options
def info(store: str | None, graph_file: str | None, endpoint: str | None) -> None:
    """Say what a store, graph file or endpoint holds.

    Letters, items (and how many are dependent), quads, letter formats, the decision dates
    the letters span, and whether the statistics the questions read are current.

    \b
    Example:
        imr-graph info --store graph.oxigraph
        imr-graph info --graph graph.trig
    """
    from imr_graph.inventory import info as held

    try:
        found = held(_target(store, graph_file, endpoint))
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    for line in found.lines():
        if not line.startswith("quads: -1"):
            click.echo(line)


@main.command()
@_graph_option
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to read.")
@click.option("-o", "--output", required=True, metavar="DIR", help="The folder to write the tables into.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True, help="File format."
)
def tables(graph_file: str | None, store: str | None, output: str, fmt: str) -> None:
    """Write flat tables: letters, items, citations, diagnoses, and their data dictionary.

    One row per letter, item, citation and diagnosis, with ids that join (letter_id,
    item_id, citation_id: the last part of each node's IRI), for pandas, R or Stata.
    dictionary.csv gives every column's type and meaning. Parquet needs pyarrow
    (python -m pip install 'imr-graph[parquet]').

    \b
    Example:
        imr-graph tables --store graph.oxigraph -o tables/
        imr-graph tables --graph graph.trig -o tables/ --format parquet
    """
    from imr_graph.tables import write

    source = _graph_source(store, graph_file)
    try:
        counts = write(source, output, fmt=fmt)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    said = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    click.echo(f"wrote {output}: {said} rows, and dictionary.{fmt}", err=True)


# -- views -------------------------------------------------------------------------------


@main.group()
def view() -> None:
    """Draw the graph as an interactive HTML page that works offline.

    \b
    Example:
        imr-graph view citations --store graph.oxigraph -o citations.html
        imr-graph view matrix graph.trig -o matrix.html
        imr-graph view letter CM16-0213037 --store graph.oxigraph
    """


def _view_options(default_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The graph to draw (a FILE or --store DIR) and where the page goes."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(
            (
                _graph_option,
                click.argument("graph_file", required=False, metavar="[FILE]"),
                click.option("--store", metavar="DIR", help="Embedded Oxigraph store to read."),
                click.option("-o", "--output", metavar="FILE", help=f"Write the page here (default: {default_name})."),
            )
        ):
            command = option(command)
        return command

    return decorate


def _write_view(make: Callable[[], Any], output: str) -> None:
    from imr_graph.render import write
    from imr_graph.view import Network

    try:
        drawn = make()
        path = write(drawn, output)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    size = path.stat().st_size / 1000
    what = f"{len(drawn.nodes)} nodes, {len(drawn.edges)} links; " if isinstance(drawn, Network) else ""
    click.echo(f"wrote {path} ({what}{size:,.0f} kB)", err=True)


_LEVEL = click.option(
    "--level",
    type=click.Choice(["chapter", "section"]),
    default="chapter",
    show_default=True,
    help="Guideline nodes: the chapter or part cited, or the named sections.",
)
_TOP = click.option(
    "--top", type=click.IntRange(min=0), default=60, show_default=True, help="Keep the N most cited units (0: all)."
)
_MIN_COUNT = click.option(
    "--min-count", type=click.IntRange(min=1), default=1, show_default=True, help="Leave out links with fewer items."
)
_COUNTS = click.option(
    "--counts",
    type=click.Choice(["auto", "letters", "statistics"]),
    default="auto",
    show_default=True,
    help="Count from the letters (every filter; slow past 10,000 letters) or read the statistics kept at build "
    "time (quick at any size; no year filter): auto picks by size.",
)


@view.command()
@_view_options("citations.html")
@_LEVEL
@_TOP
@_MIN_COUNT
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=(Role.REVIEWER.value, Role.CLAIMS_ADMINISTRATOR.value),
    show_default=True,
    type=ROLE_CHOICE,
    help="Citing roles the page offers (repeat for several); the page selects among them.",
)
@_COUNTS
def citations(
    graph_file: str | None,
    store: str | None,
    output: str | None,
    level: str,
    top: int,
    min_count: int,
    roles: tuple[str, ...],
    counts: str,
) -> None:
    """The citation network: guideline units ↔ treatment categories.

    Links are coloured by the share of items overturned and sized by items on one fixed
    scale; the page filters by citing role, outcome, guideline source and year, and finds
    nodes by name. It labels the most cited nodes that fit; hover a node to name it and its
    neighbours, click it to keep its links in view and list its letters.

    \b
    Example:
        imr-graph view citations --store graph.oxigraph -o citations.html
        imr-graph view citations graph.trig --level section --top 40 --min-count 3
    """
    from imr_graph.view import citation_network

    source = _graph_source(store, graph_file)
    _write_view(
        lambda: citation_network(source, level=level, top=top, min_count=min_count, roles=roles, counts=counts),  # type: ignore[arg-type]
        output or "citations.html",
    )


@view.command()
@_view_options("specialty.html")
@_TOP
@_MIN_COUNT
@_COUNTS
def specialty(
    graph_file: str | None, store: str | None, output: str | None, top: int, min_count: int, counts: str
) -> None:
    """Reviewer specialties ↔ the guideline units those reviewers cite.

    \b
    Example:
        imr-graph view specialty --store graph.oxigraph -o specialty.html
    """
    from imr_graph.view import specialty_network

    source = _graph_source(store, graph_file)
    _write_view(
        lambda: specialty_network(source, top=top, min_count=min_count, counts=counts),  # type: ignore[arg-type]
        output or "specialty.html",
    )


_DRIVERS = click.option(
    "--drivers/--no-drivers",
    "fit_drivers",
    default=None,
    help="Fit the drivers model for the overview (default: on graphs of up to 20,000 letters; it reads every item).",
)


@view.command(name="all")
@_graph_option
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to read.")
@click.option("-o", "--output", required=True, metavar="DIR", help="The folder to write the pages into.")
@click.option(
    "--cases", type=click.IntRange(min=0), default=12, show_default=True, help="Case pages for each overview row."
)
@click.option(
    "--min-items", type=click.IntRange(min=1), default=5, show_default=True, help="Leave out overview rows on fewer."
)
@_DRIVERS
def all_views(
    graph_file: str | None, store: str | None, output: str, cases: int, min_items: int, fit_drivers: bool | None
) -> None:
    """Write every view as a set of pages that link to each other, offline.

    overview.html lists the cases behind each guideline unit, the networks each node's and the
    matrix each cell's; the first --cases of each overview row (and the first 3 of each node,
    the first of each cell) link to a case page, which links to the letter's text (when the
    letter file can be read) and back. Every page links to the overview, the networks and the
    matrix.

    \b
    Example:
        imr-graph view all --store graph.oxigraph -o pages/
    """
    import re

    from imr_graph.overview import overview as gather
    from imr_graph.render import write
    from imr_graph.view import case_network, citation_matrix, citation_network, letter_text, specialty_network

    source = _graph_source(store, graph_file)
    folder = Path(output)
    top: tuple[tuple[str, str], ...] = (
        ("overview.html", "overview"),
        ("citations.html", "citation network"),
        ("specialty.html", "specialties"),
        ("matrix.html", "matrix"),
    )

    def name(kind: str, case: str) -> str:
        return f"{kind}-{re.sub(r'[^A-Za-z0-9-]', '_', case)}.html"

    try:
        folder.mkdir(parents=True, exist_ok=True)
        summary = gather(source, cases=cases, min_items=min_items, fit_drivers=fit_drivers)
        networks = {"citations.html": citation_network(source), "specialty.html": specialty_network(source)}
        matrix = citation_matrix(source)
        # a case page for the first letters each overview row lists, and the first few of each
        # node's and cell's list (every case page holds its own copy of the drawing script)
        wanted = {case for forest in summary.forests for row in forest.rows for case in row.cases}
        for network in networks.values():
            for node in network.nodes:
                wanted.update(sorted({entry[0] for entry in node.cases})[: min(cases, 3)])
        for found in matrix.cases.values():
            wanted.update(case for case, _ in found[: min(cases, 1)])
        listed = sorted(wanted)
        letters = unread = 0
        for case in listed:
            links = (*top, (name("letter", case), "the letter's text"))
            try:
                back = (*top, (name("case", case), "the case"))
                write(letter_text(source, case), folder / name("letter", case), links=back)
                letters += 1
            except ImrGraphError:
                links, unread = top, unread + 1  # its letter file is not where the record says
            write(case_network(source, case), folder / name("case", case), links=links)
        pages = {case: name("case", case) for case in listed}
        write(summary, folder / "overview.html", links=top, case_pages=pages)
        for file_name, network in networks.items():
            write(network, folder / file_name, links=top, case_pages=pages)
        write(matrix, folder / "matrix.html", links=top, case_pages=pages)
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    said = f"; {unread} letter files not found" if unread else ""
    click.echo(f"wrote {folder}: 4 views, {len(listed)} cases, {letters} letters{said}", err=True)


@view.command()
@_view_options("overview.html")
@click.option(
    "--level",
    type=click.Choice(["source", "chapter", "section", "topic"]),
    default="chapter",
    show_default=True,
    help="Guideline units to plot (topic: ODG's topics).",
)
@click.option("--role", type=ROLE_CHOICE, default="reviewer", show_default=True, help="Whose citations.")
@click.option(
    "--min-items", type=click.IntRange(min=1), default=5, show_default=True, help="Leave out rows on fewer items."
)
@click.option(
    "--top", type=click.IntRange(min=0), default=30, show_default=True, help="At most N rows a plot (0: all)."
)
@_DRIVERS
def overview(
    graph_file: str | None,
    store: str | None,
    output: str | None,
    level: str,
    role: str,
    min_items: int,
    top: int,
    fit_drivers: bool | None,
) -> None:
    """Which guidelines go with which outcomes, on one page: the base rate, forest plots.

    One row per guideline unit (and, below, per treatment category): its items and letters,
    its overturn rate with a 95% interval clustered by letter, its shrunk rate (rows are
    ordered by it, so a rate on one item does not lead) and q-value, against the base rate;
    each guideline row lists the cases behind it. Then the drivers model at source level
    (on graphs of up to 20,000 letters unless --drivers or --no-drivers says otherwise).

    \b
    Example:
        imr-graph view overview --store graph.oxigraph -o overview.html
        imr-graph view overview --store graph.oxigraph --level topic --min-items 10
    """
    from imr_graph.overview import overview as gather

    source = _graph_source(store, graph_file)
    _write_view(
        lambda: gather(source, level=level, role=role, min_items=min_items, top=top, fit_drivers=fit_drivers),
        output or "overview.html",
    )


@view.command()
@_view_options("matrix.html")
@_LEVEL
@click.option("--top", type=click.IntRange(min=0), default=40, show_default=True, help="Rows: the N most cited units.")
@click.option(
    "--role",
    type=ROLE_CHOICE,
    default="reviewer",
    show_default=True,
    help="Whose citations.",
)
@click.option(
    "--min-items",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Cells on fewer items are hatched grey (their count still shown).",
)
def matrix(
    graph_file: str | None, store: str | None, output: str | None, level: str, top: int, role: str, min_items: int
) -> None:
    """Guideline units × treatment categories, each cell coloured by its overturn rate.

    The fewer items a cell rests on, the paler its colour; cells on fewer than --min-items
    are hatched grey. The last row and column total each unit and category.

    \b
    Example:
        imr-graph view matrix --store graph.oxigraph -o matrix.html
        imr-graph view matrix graph.trig --role claims-administrator --level section
    """
    from imr_graph.view import citation_matrix

    source = _graph_source(store, graph_file)

    def drawn() -> Any:
        import dataclasses

        return dataclasses.replace(citation_matrix(source, role=role, level=level, top=top), min_items=min_items)  # type: ignore[arg-type]

    _write_view(drawn, output or "matrix.html")


@view.command()
@click.argument("case_id", metavar="CASE_ID")
@_view_options("case-CASE_ID.html")
def case(case_id: str, graph_file: str | None, store: str | None, output: str | None) -> None:
    """One letter as a graph: items and outcomes, both parties' citations, diagnoses, reviewer.

    \b
    Example:
        imr-graph view case CM16-0213037 --store graph.oxigraph
    """
    from imr_graph.view import case_network

    source = _graph_source(store, graph_file)
    _write_view(lambda: case_network(source, case_id), output or f"case-{_file_safe(case_id)}.html")


@view.command()
@click.argument("case_id", metavar="CASE_ID")
@_view_options("letter-CASE_ID.html")
@click.option("--letter", "letter_path", metavar="PATH", help="The letter file (default: where it was extracted from).")
def letter(
    case_id: str, graph_file: str | None, store: str | None, output: str | None, letter_path: str | None
) -> None:
    """A letter's own text with every extracted value marked where the letter states it.

    \b
    Example:
        imr-graph view letter CM16-0213037 --store graph.oxigraph
        imr-graph view letter CM16-0213037 graph.trig --letter letters/CM16-0213037.pdf
    """
    from imr_graph.view import letter_text

    source = _graph_source(store, graph_file)
    _write_view(
        lambda: letter_text(source, case_id, letter_path=letter_path), output or f"letter-{_file_safe(case_id)}.html"
    )


def _file_safe(text: str) -> str:
    from imr_graph.iri import slug

    return slug(text, 60)


# -- servers -----------------------------------------------------------------------------


@main.command()
@_graph_option
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to push.")
@click.option("--endpoint", required=True, metavar="URL", help="The server's Graph Store (GSP) endpoint.")
@click.option("--sparql", "query_url", required=True, metavar="URL", help="The server's SPARQL query endpoint.")
@click.option(
    "--keep-others",
    is_flag=True,
    help="Keep letters the server holds that the store does not (its statistics are then removed).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def load(
    graph_file: str | None, store: str | None, endpoint: str, query_url: str, keep_others: bool, quiet: bool
) -> None:
    """Copy the graph to any SPARQL 1.1 server with the Graph Store HTTP Protocol.

    Each letter's named graph is replaced (PUT), then the vocabularies and the build-time
    statistics; letters the server holds that the store does not are removed, so the server
    answers every question as the store does. Running it again after a build replaces what
    changed.

    \b
    Example:
        imr-graph load --store graph.oxigraph --endpoint http://localhost:7878/store --sparql http://localhost:7878/query
        imr-graph load graph.trig --endpoint http://localhost:3030/imr/data --sparql http://localhost:3030/imr/query
    """
    from tqdm import tqdm

    from imr_graph.endpoint import Endpoint
    from imr_graph.remote import GraphStore
    from imr_graph.remote import load as push

    for url in (endpoint, query_url):
        if not url.startswith(("http://", "https://")):
            raise click.UsageError(f"{url!r} is not an http(s) URL")
    source = _graph_source(store, graph_file)
    try:
        bar = tqdm(unit="letter", file=sys.stderr, disable=True if quiet else None)
        summary = push(
            source, GraphStore(endpoint), Endpoint(query_url), keep_others=keep_others, progress=lambda _: bar.update()
        )
        bar.close()
    except ImrGraphError as error:
        raise click.ClickException(str(error)) from error
    if not quiet:
        note = "statistics sent" if summary.statistics else "statistics removed: query that server with --raw"
        click.echo(
            f"{summary.letters} letters ({summary.quads:,} quads) sent to {endpoint}; "
            f"{summary.removed} letters removed; {note}",
            err=True,
        )


@main.command()
@_graph_option
@click.argument("graph_file", required=False, metavar="[FILE]")
@click.option("--store", metavar="DIR", help="Embedded Oxigraph store to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port to listen on.")
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Seconds a query may run before the server stops it.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let queries call other endpoints (SERVICE): off, as anyone reaching the port could use it.",
)
def serve(graph_file: str | None, store: str | None, host: str, port: int, timeout: int, allow_service: bool) -> None:
    """Serve the graph read-only as a SPARQL endpoint, with a query page, for your own clients.

    This runs Oxigraph's own server (the `oxigraph` package) on the store; a graph FILE is
    first loaded into a temporary store. Queries see every graph as the default graph, as
    `imr-graph sparql` does. Stop it with Ctrl-C.

    Whoever reaches the port can read the whole store (every letter's graph, at /query and
    /store): keep the default host 127.0.0.1 unless the store is meant to be public. Queries
    that call other endpoints (SERVICE) are refused unless --allow-service.

    \b
    Example:
        imr-graph serve --store graph.oxigraph
        imr-graph query outcomes --endpoint http://127.0.0.1:7878/query
    """
    import tempfile

    from imr_graph._lifetime import terminate_on_sigterm
    from imr_graph.remote import serve as run_server
    from imr_graph.remote import serve_command

    if store is None and graph_file is None:
        store = _default_store()
    if (store is None) == (graph_file is None):
        raise click.UsageError(f"give --store DIR or --graph FILE (or set {STORE_VARIABLE})")
    terminate_on_sigterm()  # so that the server stops and the temporary store is removed
    with tempfile.TemporaryDirectory(prefix="imr-graph-serve-") as tmp:
        location = str(store)
        try:
            if graph_file:
                location = str(_file_to_store(graph_file, Path(tmp) / "store"))
            elif not Path(str(store)).is_dir():
                raise click.ClickException(f"{store}: no such store (build one with imr-graph build --store {store})")
            serve_command(str(location), host=host, port=port, timeout=timeout)  # says so if not installed
        except ImrGraphError as error:
            raise click.ClickException(str(error)) from error

        def ready() -> None:
            click.echo(
                f"serving http://{host}:{port}/query (a query page at http://{host}:{port}/); Ctrl-C stops", err=True
            )

        try:
            code = run_server(
                str(location), host=host, port=port, timeout=timeout, allow_service=allow_service, ready=ready
            )
        except ImrGraphError as error:
            raise click.ClickException(str(error)) from error
    if code not in (0, -2, -15, 130):
        raise click.ClickException(f"the oxigraph server stopped with code {code}")


def _file_to_store(graph_file: str, location: Path) -> Path:
    """A graph file loaded into an on-disk store with its statistics, for the server."""
    from imr_graph import stats
    from imr_graph.store import load_graph_file, open_store

    loaded = load_graph_file(graph_file)
    target = open_store(location)
    target.extend(loaded.quads_for_pattern(None, None, None, None))
    if not stats.is_current(target):
        stats.refresh(target)
    target.flush()
    del target
    return location


if __name__ == "__main__":
    main()
