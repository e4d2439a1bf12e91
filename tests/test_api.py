"""The public API and the CLI's documentation are pinned."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT

import imr_graph
from imr_graph.cli import main


def test_public_api() -> None:
    assert imr_graph.__all__ == [
        "Basis",
        "CaseRecord",
        "Citation",
        "Decision",
        "Diagnosis",
        "Endpoint",
        "Failure",
        "Guideline",
        "ImrGraphError",
        "Item",
        "Letter",
        "LetterError",
        "LetterFormat",
        "ModelError",
        "NotAnImrLetter",
        "OutputError",
        "PartialAuthorization",
        "Patient",
        "QueryError",
        "RecordError",
        "RecordShapeError",
        "Result",
        "Reviewer",
        "Source",
        "Span",
        "StoreError",
        "Treatment",
        "UnreadableLetter",
        "ValidationError",
        "Violation",
        "__version__",
        "build",
        "case_network",
        "catalog",
        "citation_matrix",
        "citation_network",
        "drivers",
        "extract_letter",
        "extract_paths",
        "find_letters",
        "letter_text",
        "notebook_frame",
        "open_graph",
        "open_store",
        "parse_letter",
        "query",
        "read_letter",
        "read_records",
        "record_from_dict",
        "record_from_quads",
        "record_quads",
        "render_view",
        "sparql",
        "specialty_network",
        "to_networkx",
        "validate_quads",
        "wilson",
        "write_graph",
        "write_view",
    ]
    for name in imr_graph.__all__:
        assert hasattr(imr_graph, name)


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


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    assert "imr-graph demo" in blocks[0]
    ci = (ROOT / ".ci/run").read_text()
    assert blocks[1].strip().splitlines()[-1] in ci


def test_demo_runs_on_the_embedded_sample(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    # counted by hand from the five sample letters
    assert result.output.splitlines() == [
        "letters: 5  items: 11  upheld: 8  overturned: 3",
        "Which guidelines does the IMR reviewer cite, and how do those items end?",
        "label                                      items  upheld  overturned  overturned %  95% interval",
        "-----------------------------------------  -----  ------  ----------  ------------  ------------",
        "Chronic Pain Medical Treatment Guidelines      6       5           1          16.7      3.0–56.4",
        "ACOEM Practice Guidelines                      4       2           2          50.0     15.0–85.0",
        "Acupuncture Medical Treatment Guidelines       1       0           1         100.0    20.7–100.0",
        "Other medical evidence                         1       1           0           0.0      0.0–79.3",
        "Postsurgical Treatment Guidelines              1       1           0           0.0      0.0–79.3",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cases.jsonl",
        "citations.gexf",
        "citations.html",
        "graph.trig",
        "matrix.html",
    ]
