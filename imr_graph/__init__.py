"""imr-graph: IMR determination letters → a guideline-citation knowledge graph.

>>> import imr_graph
>>> sorted(imr_graph.__all__) == imr_graph.__all__
True
"""

from imr_graph._version import __version__
from imr_graph.answers import Result
from imr_graph.drivers import drivers
from imr_graph.endpoint import Endpoint
from imr_graph.errors import (
    ImrGraphError,
    LetterError,
    ModelError,
    NotAnImrLetter,
    OutputError,
    QueryError,
    RecordError,
    RecordShapeError,
    StoreError,
    UnreadableLetter,
    ValidationError,
)
from imr_graph.extract import Failure, extract_letter, extract_paths, find_letters
from imr_graph.named import catalog
from imr_graph.network import to_networkx
from imr_graph.parse import parse_letter
from imr_graph.questions import run as query
from imr_graph.questions import sparql
from imr_graph.rates import wilson
from imr_graph.rdf import record_from_quads, record_quads
from imr_graph.read import Letter, read_letter
from imr_graph.records import (
    Basis,
    CaseRecord,
    Citation,
    Decision,
    Diagnosis,
    Guideline,
    Item,
    LetterFormat,
    PartialAuthorization,
    Patient,
    Reviewer,
    Source,
    Span,
    Treatment,
    read_records,
    record_from_dict,
)
from imr_graph.render import notebook_frame
from imr_graph.render import render as render_view
from imr_graph.render import write as write_view
from imr_graph.store import build, open_graph, open_store, write_graph
from imr_graph.validate import Violation, validate_quads
from imr_graph.view import case_network, citation_matrix, citation_network, letter_text, specialty_network

__all__ = [
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
