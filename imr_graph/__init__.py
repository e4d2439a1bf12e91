"""imr-graph: IMR determination letters → a guideline-citation knowledge graph.

>>> import imr_graph
>>> sorted(imr_graph.__all__) == imr_graph.__all__
True
"""

from imr_graph._version import __version__
from imr_graph.errors import (
    ImrGraphError,
    LetterError,
    NotAnImrLetter,
    OutputError,
    UnreadableLetter,
)
from imr_graph.extract import Failure, extract_letter, extract_paths, find_letters
from imr_graph.models import (
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
)
from imr_graph.parse import parse_letter
from imr_graph.read import Letter, read_letter

__all__ = [
    "Basis",
    "CaseRecord",
    "Citation",
    "Decision",
    "Diagnosis",
    "Failure",
    "Guideline",
    "ImrGraphError",
    "Item",
    "Letter",
    "LetterError",
    "LetterFormat",
    "NotAnImrLetter",
    "OutputError",
    "PartialAuthorization",
    "Patient",
    "Reviewer",
    "Source",
    "Span",
    "Treatment",
    "UnreadableLetter",
    "__version__",
    "extract_letter",
    "extract_paths",
    "find_letters",
    "parse_letter",
    "read_letter",
]
