"""Typed, frozen records that flow between the stages, and their JSON form.

Every extracted value carries a :class:`Span` into the cleaned letter text, so a
later stage (graph provenance, the letter view) can point back at the sentence.
The JSON form is the case-record contract of ``spec/case-record.md``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any


class Decision(str, enum.Enum):
    """What the IMR reviewer decided for one disputed item."""

    UPHELD = "upheld"  # the denial stands: not medically necessary
    OVERTURNED = "overturned"  # the denial is reversed: medically necessary


class Guideline(str, enum.Enum):
    """The guideline a citation points at (codes of the case-record contract)."""

    ACOEM = "ACOEM"  # ACOEM Practice Guidelines, any edition
    CPMTG = "CPMTG"  # MTUS Chronic Pain Medical Treatment Guidelines
    ODG = "ODG"  # Official Disability Guidelines
    PTG = "PTG"  # MTUS Postsurgical Treatment Guidelines
    AMTG = "AMTG"  # MTUS Acupuncture Medical Treatment Guidelines
    MTUS = "MTUS"  # the schedule itself, or a part with no code of its own
    OTHER = "OTHER"  # articles, textbooks, web pages, other payers' policies


class LetterFormat(str, enum.Enum):
    """The layouts IMR letters have had since 2013."""

    NOTICE_2013 = "notice-2013"
    PROFESSIONAL_REVIEW_2013 = "professional-review-2013"
    FINAL_DETERMINATION_2014 = "final-determination-2014"
    FINAL_DETERMINATION_2016 = "final-determination-2016"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Span:
    """Half-open character range ``[start, end)`` in the cleaned text, and its page (1-based)."""

    start: int
    end: int
    page: int


@dataclass(frozen=True)
class Citation:
    """One guideline reference as the letter states it."""

    guideline: Guideline
    mtus: bool
    text: str
    chapter: int | None = None
    chapter_title: str | None = None
    sections: tuple[str, ...] = ()
    pages: tuple[tuple[int, int], ...] = ()
    edition: str | None = None
    year: int | None = None
    url: str | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Basis:
    """What one party (claims administrator or IMR reviewer) based its decision on."""

    cited_evidence: bool
    mtus_based: bool
    citations: tuple[Citation, ...] = ()
    text: str = ""
    span: Span | None = None


@dataclass(frozen=True)
class Treatment:
    """A request normalized to a label and a DIR request category."""

    label: str
    category: str | None
    subcategory: str | None = None


@dataclass(frozen=True)
class PartialAuthorization:
    """The parts of a request the claims administrator partly authorized."""

    original: str
    authorized: str
    remaining: str


@dataclass(frozen=True)
class Item:
    """One disputed item (treatment or service) and its decision."""

    n: int
    request: str
    decision: Decision
    treatment: Treatment
    claims_administrator: Basis
    reviewer: Basis
    rationale: str = ""
    rationale_citations: tuple[Citation, ...] = ()
    partial: PartialAuthorization | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Reviewer:
    """The IMR expert reviewer's qualifications (the reviewer is never named)."""

    specialties: tuple[str, ...] = ()
    subspecialties: tuple[str, ...] = ()
    license_states: tuple[str, ...] = ()
    text: str = ""
    span: Span | None = None


@dataclass(frozen=True)
class Patient:
    """What the letter says of the injured worker: age and sex only."""

    age: int | None = None
    sex: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosis as written, with the body region it names when it names one."""

    text: str
    body_region: str | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Source:
    """Where a record came from."""

    path: str
    sha256: str
    format: LetterFormat
    pages: int


@dataclass(frozen=True)
class CaseRecord:
    """Everything extracted from one letter: the case-record contract."""

    id: str
    source: Source
    case_number: str | None = None
    decision_date: str | None = None
    date_of_injury: str | None = None
    ur_denial_date: str | None = None
    date_assigned: str | None = None
    application_received: str | None = None
    priority: str | None = None
    reviewer: Reviewer = field(default_factory=Reviewer)
    patient: Patient = field(default_factory=Patient)
    diagnoses: tuple[Diagnosis, ...] = ()
    items: tuple[Item, ...] = ()
    warnings: tuple[str, ...] = ()
    provenance: Mapping[str, Span] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form, keys in contract order.

        >>> rec = CaseRecord(id="doc-0", source=Source("a.txt", "00", LetterFormat.UNKNOWN, 1))
        >>> rec.to_dict()["source"]["format"]
        'unknown'
        """
        out = _jsonable(self)
        assert isinstance(out, dict)
        return out


_SCALARS = (str, int, float, bool, type(None))


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type, or None for any other type (cached per type)."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def json_fields(value: Any) -> dict[str, Any]:
    """``json.dumps(default=…)`` hook: a record's fields, one level deep (json does the rest).

    The enums are ``str`` subclasses and tuples are JSON arrays, so only dataclasses need it.
    """
    names = _field_names(type(value))  # type: ignore[arg-type]
    if names is None:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return {name: getattr(value, name) for name in names}


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):  # before str: the enums are str subclasses
        return value.value
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    names = _field_names(type(value))  # type: ignore[arg-type]
    if names is not None:
        return {name: _jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
