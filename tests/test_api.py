"""The public API and the CLI's documentation are pinned."""

from __future__ import annotations

import imr_graph


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


