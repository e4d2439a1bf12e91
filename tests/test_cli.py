"""The command line: help and the README, usage errors, output formats, each command's files.

The commands are thin: each test here checks what the shell gives a user (exit codes, the
words on stderr, the files written), not what the library computes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import imr_graph
from imr_graph import iri
from imr_graph.cli import main
from imr_graph.extract import extract_letter, extract_paths
from imr_graph.named import catalog
from imr_graph.records import CaseRecord, record_json
from imr_graph.sample import LETTERS_DIR, sample_letters
from imr_graph.store import build, load_graph_file, open_store, write_graph
from tests.conftest import ROOT, free_port
from tests.known import GL, known_records

GOOD = (LETTERS_DIR / "sample-2014.txt").read_bytes()


def sample_record(name: str) -> CaseRecord:
    # a path without folders, so the graph does not depend on where the checkout lives
    return extract_letter(name, (LETTERS_DIR / name).read_bytes())


def test_demo_runs_on_the_embedded_sample(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    # counted by hand from the five sample letters
    assert result.output.splitlines() == [
        "letters: 5  items: 11  upheld: 8  overturned: 3",
        "Which guidelines does the IMR reviewer cite, and how do those items end?",
        "label                                      items  overturned  letters  overturned %  95% interval  shrunk %      q",  # noqa: E501
        "-----------------------------------------  -----  ----------  -------  ------------  ------------  --------  -----",  # noqa: E501
        "Chronic Pain Medical Treatment Guidelines      6           1        4          16.7      3.0–56.4      30.8  1.000",  # noqa: E501
        "ACOEM Practice Guidelines                      4           2        4          50.0     15.0–85.0      30.8  1.000",  # noqa: E501
        "Acupuncture Medical Treatment Guidelines       1           1        1         100.0    20.7–100.0      30.8  1.000",  # noqa: E501
        "Other medical evidence                         1           0        1           0.0      0.0–79.3      30.8  1.000",  # noqa: E501
        "Postsurgical Treatment Guidelines              1           0        1           0.0      0.0–79.3      30.8  1.000",  # noqa: E501
        "Rates count items decided on their own (dependent items left out); 95% intervals are clustered by",
        "letter (a letter's items are not independent), Wilson's where each letter has one item in the row.",
        "Base rate 27.3% of all items: difference and q (Benjamini-Hochberg) compare each row with it. These",
        "rows vary no more than chance would make them: every shrunk rate is their mean, 30.8%.",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cases.jsonl",
        "citations.gexf",
        "citations.html",
        "graph.trig",
        "matrix.html",
        "overview.html",
    ]


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    assert "imr-graph demo" in blocks[0]
    ci = (ROOT / ".ci/run").read_text()
    assert blocks[1].strip().splitlines()[-1] in ci


def test_every_named_query_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    listing = CliRunner().invoke(main, ["query", "--list"])
    assert listing.exit_code == 0
    for name, query in imr_graph.catalog().items():
        assert query.title and query.description and query.columns, name
        assert f"{name}\n" in listing.output
        result = CliRunner().invoke(main, ["query", name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example:" in result.output and query.title in result.output
        for parameter in query.parameters:
            assert parameter.help and f"--{parameter.name}" in result.output, (name, parameter)
        assert re.search(rf"imr-graph query {name}\b", readme), f"query {name} is not in the README"


def test_every_command_has_help_with_an_example_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:  # type: ignore[attr-defined]
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, name
        assert re.search(rf"imr-graph {name}\b", readme), f"{name} is not in the README"
    for name in main.commands["view"].commands:  # type: ignore[attr-defined]
        result = CliRunner().invoke(main, ["view", name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name
        assert re.search(rf"imr-graph view {name}\b", readme), f"view {name} is not in the README"


def test_query_list_names_every_question() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    names = [line for line in result.output.splitlines() if line and not line.startswith(" ")]
    assert names == sorted(catalog())


def test_cli_sparql_on_the_union_of_letter_graphs(known_file: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(
        "PREFIX imr: <https://w3id.org/imr-graph/ns#>\nSELECT (COUNT(?i) AS ?n) WHERE { ?i imr:request ?r }"
    )
    result = CliRunner().invoke(main, ["sparql", "--file", str(query), "--graph", str(known_file), "--format", "csv"])
    assert result.output == "n\n5\n"


def test_cli_errors_are_messages_not_tracebacks(known_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    typo = runner.invoke(main, ["query", "overturn-by-guidline", "--graph", str(known_file)])
    assert typo.exit_code == 2 and "did you mean overturn-by-guideline" in typo.output
    missing = runner.invoke(main, ["query", "guidelines-for-treatment", "--graph", str(known_file)])
    assert missing.exit_code == 1 and "needs a value for category" in missing.output
    bad = runner.invoke(main, ["query", "overturn-by-guideline", "--graph", str(known_file), "--level", "chapters"])
    assert bad.exit_code == 1 and "is not one of source, chapter, section, topic, page" in bad.output
    syntax = runner.invoke(main, ["sparql", "--graph", str(known_file), "SELECT ?x WHERE {\n  ?x ?y \n}"])
    assert syntax.exit_code == 1
    assert "syntax error at line 3" in syntax.output and "\n  }\n" in syntax.output
    nowhere = runner.invoke(main, ["query", "outcomes", "--store", str(tmp_path / "absent")])
    assert nowhere.exit_code == 1 and "no such store" in nowhere.output
    both = runner.invoke(main, ["query", "outcomes", "--graph", str(known_file), "--store", str(tmp_path)])
    assert both.exit_code == 2
    down = runner.invoke(main, ["query", "outcomes", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert down.exit_code == 1 and "no answer after 3 tries" in down.output and "Traceback" not in down.output
    for result in (typo, missing, bad, syntax, nowhere, down):
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_query_table_and_formats(known_file: Path) -> None:
    runner = CliRunner()
    args = ["query", "overturn-by-guideline", "--graph", str(known_file), "--level", "source"]
    table = runner.invoke(main, args)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        *("unit", "label", "items", "upheld", "overturned", "letters"),
        *("overturned", "%", "95%", "interval", "shrunk", "%", "vs", "base", "q"),
    ]
    assert re.split(r"\s{2,}", lines[2]) == [
        *("gl:ACOEM", "ACOEM Practice Guidelines", "2", "1", "1", "2", "50.0", "9.5–90.5", "50.0", "+10.0", "1.000")
    ]
    assert "95% intervals are clustered by letter" in table.stderr and "Base rate 40.0% of all items" in table.stderr
    csv = runner.invoke(main, [*args, "--format", "csv", "--param", "role=claims-administrator"])
    assert csv.stdout.splitlines()[:2] == [
        "unit,label,items,upheld,overturned,letters,overturned_letters,overturn_rate,rate_low,rate_high,interval,"
        "effective_items,shrunk_rate,difference,q_value",
        f"{GL}ACOEM,ACOEM Practice Guidelines,3,1,2,3,2,0.6666666666666666,"
        f"{imr_graph.wilson(2, 3)[0]!r},{imr_graph.wilson(2, 3)[1]!r},wilson,3.0,,{2 / 3 - 0.4!r},1.0",
    ]
    jsonl = runner.invoke(main, ["query", "outcomes", "--graph", str(known_file), "--format", "jsonl"])
    assert jsonl.stdout.startswith('{"items": 5, "upheld": 3, "overturned": 2, "letters": 3, "overturned_letters": 2')
    small = runner.invoke(main, [*args, "--min-items", "2", "--format", "csv"])
    assert len(small.stdout.splitlines()) == 3  # header, ACOEM, ODG


def test_warnings_file_lists_each_warning_with_its_kind(tmp_path: Path) -> None:

    warned = tmp_path / "warned.jsonl"
    args = ["extract", str(LETTERS_DIR), "-o", str(tmp_path / "out.jsonl"), "--warnings", str(warned)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in warned.read_text().splitlines()]
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(rows) == sum(len(r["warnings"]) for r in records) > 0
    assert {(r["path"], r["id"], r["warning"]) for r in rows} == {
        (r["source"]["path"], r["id"], w) for r in records for w in r["warnings"]
    }
    kinds = sorted({row["kind"] for row in rows})
    assert result.output.splitlines()[-1].endswith(
        "letters with warnings: " + ", ".join(f"{kind}: 1" for kind in kinds)
    )


def test_usage_error_exits_two() -> None:
    assert CliRunner().invoke(main, ["extract"]).exit_code == 2
    assert CliRunner().invoke(main, ["extract", "x", "--workers", "0"]).exit_code == 2


def test_stdin(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", "-", "-q"], input=GOOD)
    assert result.exit_code == 0
    assert json.loads(result.output)["source"]["path"] == "-"


def test_batch_goes_on_and_exit_code_says_so(tmp_path: Path) -> None:
    (tmp_path / "a_good.txt").write_bytes(GOOD)
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_corrupt.pdf").write_bytes(b"%PDF-1.7 broken")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = CliRunner().invoke(
        main, ["extract", str(tmp_path), "-o", str(out), "--errors", str(errors), "--workers", "1"]
    )
    assert result.exit_code == 1
    assert [json.loads(x)["source"]["path"] for x in out.read_text().splitlines()] == [str(tmp_path / "a_good.txt")]
    failed = [json.loads(x) for x in errors.read_text().splitlines()]
    assert [(Path(f["path"]).name, f["error"]) for f in failed] == [
        ("b_empty.txt", "UnreadableLetter"),
        ("c_corrupt.pdf", "UnreadableLetter"),
    ]
    assert "b_empty.txt: file is empty" in result.output
    assert "1 letters, 3 items extracted; 2 failed" in result.output


def test_view_command_errors(known: ox.Store, tmp_path: Path) -> None:
    graph = tmp_path / "known.trig"
    write_graph(known, graph, with_vocabulary=True)
    runner = CliRunner()
    missing = runner.invoke(main, ["view", "case", "CM99-0000000", str(graph), "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == 1
    assert missing.stderr == "Error: no letter 'CM99-0000000' in this graph (give the case number, e.g. CM16-0213037)\n"
    assert not (tmp_path / "x.html").exists()
    neither = runner.invoke(main, ["view", "citations"])
    assert neither.exit_code == 2 and "give --store DIR or --graph FILE" in neither.stderr
    letter = runner.invoke(main, ["view", "letter", known_records()[0].id, str(graph)])
    assert letter.exit_code == 1 and "one.txt: the letter of doc-" in letter.stderr
    unwritable = runner.invoke(
        main, ["view", "citations", str(graph), "-o", str(tmp_path / "no" / "such" / "dir.html")]
    )
    assert unwritable.exit_code == 1 and "dir.html: cannot write" in unwritable.stderr


def test_view_commands_write_pages(known: ox.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = tmp_path / "known.trig"
    write_graph(known, graph, with_vocabulary=True)
    runner = CliRunner()
    record = known_records()[0]
    for args, name, said in (
        (["citations"], "citations.html", "wrote citations.html (8 nodes, 6 links; "),
        (["specialty"], "specialty.html", "wrote specialty.html (7 nodes, 7 links; "),
        (["matrix", "--role", "claims-administrator"], "matrix.html", "wrote matrix.html ("),
        (["case", record.id], f"case-{record.id}.html", f"wrote case-{record.id}.html (7 nodes, 7 links; "),
    ):
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(main, ["view", *args, str(graph)])
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith(said), result.stderr
        assert Path(name).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_library_build_and_cli_build_give_the_same_store(tmp_path: Path) -> None:
    import imr_graph

    records = [r for r in extract_paths(sample_letters(), workers=1) if isinstance(r, CaseRecord)]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(record_json(r) + "\n" for r in records))
    result = CliRunner().invoke(main, ["build", str(cases), "--store", str(tmp_path / "cli"), "-q"])
    assert result.exit_code == 0, result.output
    library = open_store(tmp_path / "library")
    summary = imr_graph.build(records, library, compact=True)
    assert summary.placed > 0  # the pipeline places page-only ACOEM citations, as the command does
    # where the time went, phase by phase, in the order the phases run
    assert list(summary.seconds) == ["load", "statistics", "chapters", "compaction"]
    assert all(s >= 0 for s in summary.seconds.values())
    cli = open_store(tmp_path / "cli", read_only=True)

    def quads(store: ox.Store) -> list[str]:
        skip = {iri.NS + "builtAt", iri.PROV + "startedAtTime", iri.PROV + "endedAtTime"}
        return sorted(str(q) for q in store if q.predicate.value not in skip)

    assert quads(library) == quads(cli)


def test_validate_reports_violations_and_exits_one(tmp_path: Path) -> None:
    store = open_store(None)
    build([sample_record("sample-2014.txt")], store)
    outcome = ox.NamedNode(iri.NS + "outcome")
    for quad in list(store.quads_for_pattern(None, outcome, None, None))[:1]:
        store.remove(quad)
    path = tmp_path / "broken.nq"
    write_graph(store, path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "every item has exactly one outcome, upheld or overturned" in result.output
    assert load_graph_file(path) is not None


def test_sparql_refuses_service_calls_unless_allowed(known_file: Path) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    refused = CliRunner().invoke(main, ["sparql", "--graph", str(known_file), query])
    assert refused.exit_code == 1
    assert refused.output.strip() == "Error: the query calls another endpoint (SERVICE); allow it with --allow-service"
    harmless = 'SELECT ?s WHERE { ?s ?p "SERVICE" } LIMIT 1  # SERVICE named in a comment'
    assert CliRunner().invoke(main, ["sparql", "--graph", str(known_file), harmless]).exit_code == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "cases-citing", "--unit", "acoem-2004-ch12\n"],
        ["view", "letter", "CM16-0213037\n"],
    ],
    ids=["unit", "case"],
)
def test_a_key_with_a_trailing_newline_is_a_clear_error(argv: list[str], known_file: Path, tmp_path: Path) -> None:
    if argv[0] == "query":
        argv = [*argv, "--graph", str(known_file)]
    else:
        argv = [*argv, str(known_file), "-o", str(tmp_path / "page.html")]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.output.startswith("Error: ")


def test_error_messages_do_not_echo_a_long_value_in_full(known_file: Path) -> None:
    hostile = "<x!>" * 25_000
    result = CliRunner().invoke(main, ["query", "cases-citing", "--graph", str(known_file), "--unit", hostile])
    assert result.exit_code == 1
    assert "(100,002 characters)" in result.output and len(result.output) < 300


def test_sparql_reads_stdin_knows_the_printed_prefixes_and_answers_ask_and_construct(known_file: Path) -> None:
    runner = CliRunner()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?item a imr:DisputedItem }"
    piped = runner.invoke(main, ["sparql", "--graph", str(known_file), "-", "--format", "csv"], input=count)
    assert piped.exit_code == 0, piped.output
    assert piped.output.splitlines() == ["n", "5"]
    ask = runner.invoke(main, ["sparql", "--graph", str(known_file), "ASK { ?i imr:outcome outcome:upheld }"])
    assert ask.exit_code == 0 and ask.output.split() == ["answer", "------", "True"]
    construct = "CONSTRUCT { ?i imr:outcome ?o } WHERE { ?i imr:outcome ?o }"
    triples = runner.invoke(main, ["sparql", "--graph", str(known_file), construct, "--format", "jsonl"])
    assert triples.exit_code == 0
    rows = [json.loads(line) for line in triples.output.splitlines()]
    assert len(rows) == 5 and set(rows[0]) == {"subject", "predicate", "object"}
    own = "PREFIX imr: <https://w3id.org/imr-graph/ns#> SELECT (COUNT(*) AS ?n) WHERE { ?i a imr:DisputedItem }"
    assert runner.invoke(main, ["sparql", "--graph", str(known_file), own, "--format", "csv"]).output == "n\n5\n"


def test_the_output_format_follows_the_file_name_unless_it_disagrees(known_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "outcomes.csv"
    assert runner.invoke(main, ["query", "outcomes", "--graph", str(known_file), "-o", str(out)]).exit_code == 0
    assert out.read_text().splitlines()[0] == (
        "items,upheld,overturned,letters,overturned_letters,overturn_rate,rate_low,rate_high,interval,effective_items"
    )
    clash = runner.invoke(main, ["query", "outcomes", "--graph", str(known_file), "-o", str(out), "--format", "json"])
    assert clash.exit_code == 2 and "--format json and -o" in clash.output and "disagree" in clash.output


def test_a_rate_of_none_has_a_lower_bound_of_exactly_zero() -> None:
    assert imr_graph.wilson(0, 7)[0] == 0.0
    assert imr_graph.wilson(7, 7)[1] == 1.0


@pytest.mark.slow
def test_the_readme_examples_are_what_the_commands_print(tmp_path: Path) -> None:
    """Every ``$ imr-graph …`` example of the README, run on the 130 real letters it speaks of,
    prints what the README shows (``python -m tests.readme STORE --write`` refreshes them)."""
    from tests.conftest import shared_path
    from tests.readme import README, examples, printed

    records = [r for r in extract_paths([shared_path("corpus", "real")]) if isinstance(r, CaseRecord)]
    assert len(records) == 130
    store = tmp_path / "graph.oxigraph"
    build(records, open_store(store))

    def invoke(args: list[str]) -> tuple[str, str]:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout, result.stderr

    shown = list(examples(README.read_text()))
    assert len(shown) >= 15
    for command, output in shown:
        assert printed(command, str(store), invoke) == output, command


@pytest.mark.slow
def test_the_readme_five_commands_run_on_letters_in_a_fresh_folder(tmp_path: Path) -> None:
    import shutil
    import subprocess

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Your own letters in five commands", 1)[1]
    (block,) = re.findall(r"```bash\n(.*?)```", section, re.S)[:1]
    commands = [line.split("  #")[0].strip() for line in block.strip().splitlines()]
    assert len(commands) == 5 and all(c.startswith("imr-graph ") for c in commands)
    shutil.copytree(LETTERS_DIR, tmp_path / "letters")
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stderr)
    assert len((tmp_path / "cases.jsonl").read_text().splitlines()) == len(sample_letters())
    assert (tmp_path / "graph.oxigraph").is_dir() and (tmp_path / "citations.html").stat().st_size > 10_000


def test_keys_list_what_the_parameters_accept(known_file: Path) -> None:
    runner = CliRunner()
    units = runner.invoke(main, ["keys", "units", "--graph", str(known_file), "--level", "source", "--format", "csv"])
    assert units.exit_code == 0, units.output
    assert units.stdout.splitlines() == [
        "key,label,items",
        "gl:ACOEM,ACOEM Practice Guidelines,2",
        "gl:ODG,Official Disability Guidelines,2",
        "gl:CPMTG,Chronic Pain Medical Treatment Guidelines,1",
        "gl:OTHER,Other medical evidence,1",
    ]
    categories = runner.invoke(main, ["keys", "categories", "--format", "csv"]).stdout.splitlines()
    assert "pharmaceuticals--opioids,Pharmaceuticals / Opioids" in categories
    for line in categories[1:]:  # every key is one --category reads
        key = line.split(",", 1)[0]
        assert imr_graph.catalog()["guidelines-for-treatment"] and key
    states = runner.invoke(main, ["keys", "states", "--format", "csv"]).stdout
    assert "CA,California" in states
    specialties = runner.invoke(main, ["keys", "specialties", "--format", "csv"]).stdout.splitlines()
    assert "Orthopedic Surgery,Orthopedic Surgery" in specialties
    alone = runner.invoke(main, ["keys", "units"])
    assert alone.exit_code == 2 and "give one of --store DIR" in alone.output


def test_every_printed_key_is_read_back(known_file: Path) -> None:
    """The keys `keys` prints (as the tables print units) are what --unit and --category take."""
    runner = CliRunner()
    listed = runner.invoke(main, ["keys", "units", "--graph", str(known_file), "--level", "chapter", "--format", "csv"])
    for line in listed.stdout.splitlines()[1:]:
        key = line.split(",", 1)[0]
        asked = runner.invoke(main, ["query", "treatments-for-guideline", "--graph", str(known_file), "--unit", key])
        assert asked.exit_code == 0 and len(asked.stdout.splitlines()) > 2, (key, asked.output)
    for line in runner.invoke(main, ["keys", "categories", "--format", "csv"]).stdout.splitlines()[1:6]:
        key = line.split(",", 1)[0]
        args = ["query", "guidelines-for-treatment", "--graph", str(known_file), "--category", key]
        asked = runner.invoke(main, args)
        assert asked.exit_code == 0, (key, asked.output)


def test_an_unknown_unit_is_an_error_with_the_nearest_ones(known_file: Path) -> None:
    runner = CliRunner()
    for question in ("cases-citing", "treatments-for-guideline"):
        result = runner.invoke(main, ["query", question, "--graph", str(known_file), "--unit", "acoem-2004-ch122"])
        assert result.exit_code == 1
        assert "no letter cites gl:acoem-2004-ch122; the nearest it knows: gl:acoem-2004-ch12" in result.stderr
    listed = runner.invoke(main, ["query", "cases-citing", "--graph", str(known_file), "--unit", "gl:acoem-2004-ch12"])
    assert listed.exit_code == 0
    assert listed.stdout.split()[:6] == ["case", "item", "request", "outcome", "role", "citation"]  # as --list says
    assert catalog()["cases-citing"].columns == ("case", "item", "request", "outcome", "role", "citation")


def test_info_says_what_a_graph_holds(known_file: Path) -> None:
    result = CliRunner().invoke(main, ["info", "--graph", str(known_file)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["letters: 3", "items: 5 (0 dependent)"]
    assert lines[2].startswith("quads: ")
    assert lines[4:] == ["decisions: 2016-03-01 to 2017-02-01", "statistics: current"]


def test_every_command_reads_a_graph_the_same_way(known_file: Path, tmp_path: Path) -> None:
    """--graph FILE everywhere (a bare FILE too), --store DIR, and IMR_GRAPH_STORE when neither."""
    runner = CliRunner()
    store = tmp_path / "store"
    assert runner.invoke(main, ["build", "--store", str(store), "-q"]).exit_code == 0  # an empty store
    build(known_records(), open_store(store))
    for args in (
        ["validate"],
        ["export", "--gexf", str(tmp_path / "g.gexf")],
        ["view", "matrix", "-o", str(tmp_path / "m.html")],
        ["view", "citations", "-o", str(tmp_path / "c.html")],
        ["query", "outcomes"],
        ["drivers", "--min-items", "2"],
        ["info"],
        ["keys", "units"],
    ):
        by_file = runner.invoke(main, [*args, "--graph", str(known_file)])
        by_store = runner.invoke(main, [*args, "--store", str(store)])
        by_variable = runner.invoke(main, args, env={"IMR_GRAPH_STORE": str(store)})
        for result in (by_file, by_store, by_variable):
            assert result.exit_code in (0, 1), (args, result.output)
            assert "give" not in result.output, (args, result.output)
        if args[0] in ("query", "keys"):
            assert by_file.stdout == by_store.stdout == by_variable.stdout, args
    nothing = runner.invoke(main, ["validate"], env={"IMR_GRAPH_STORE": ""})
    assert nothing.exit_code == 2 and "give --store DIR or --graph FILE (or set IMR_GRAPH_STORE)" in nothing.output
    twice = runner.invoke(main, ["validate", str(known_file), "--graph", str(known_file)])
    assert twice.exit_code == 2 and "give the graph FILE once" in twice.output


def test_markdown_and_parquet_outputs(known_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["query", "overturn-by-guideline", "--graph", str(known_file), "--level", "source"]
    shown = runner.invoke(main, [*args, "--format", "markdown"])
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("| unit | label | items | upheld | overturned | letters | overturned % |")
    assert lines[2].split(" | ") == [
        *("| gl:ACOEM", "ACOEM Practice Guidelines", "2", "1", "1", "2"),
        *("50.0", "9.5–90.5", "50.0", "+10.0", "1.000 |"),
    ]
    path = tmp_path / "rates.parquet"
    assert runner.invoke(main, [*args, "-o", str(path)]).exit_code == 0  # the format follows the name
    frame = pd.read_parquet(path)
    asked = imr_graph.query(known_file, "overturn-by-guideline", level="source")
    assert list(frame.columns) == list(asked.columns) and frame["items"].tolist() == [r["items"] for r in asked]
    bare = runner.invoke(main, [*args, "--format", "parquet"])
    assert bare.exit_code == 2 and "give -o FILE.parquet" in bare.output
