"""Typed, frozen records that flow between the stages, and their JSON form.

Every extracted value carries a :class:`Span` into the cleaned letter text, so a
later stage (graph provenance, the letter view) can point back at the sentence.
The JSON form is the case-record contract of ``spec/case-record.md``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, TypeVar

import orjson

from imr_graph._atomic import DISK_ERRORS
from imr_graph.errors import ImrGraphError, OutputError, RecordError, RecordShapeError

#: Lines read from a record file at a time.
_LINES = 500


class Role(str, enum.Enum):
    """Who cites a guideline for an item: the one definition every stage and command uses."""

    REVIEWER = "reviewer"  # the IMR reviewer's basis ("MAXIMUS guideline")
    CLAIMS_ADMINISTRATOR = "claims-administrator"  # what the claims administrator relied on
    RATIONALE = "rationale"  # named in the reviewer's rationale

    @property
    def field(self) -> str:
        """The record field of its basis (``claims_administrator``); the rationale's citations are
        ``rationale_citations``."""
        return self.value.replace("-", "_")

    @property
    def concept(self) -> str:
        """Its concept in the graph (``imr:ReviewerRole``)."""
        from imr_graph.iri import role

        return role(self.value)

    @property
    def label(self) -> str:
        """How pages name it."""
        return _ROLE_LABELS[self]

    @classmethod
    def parties(cls) -> tuple[Role, Role]:
        """The two parties whose stated basis a letter records, in record order."""
        return (cls.CLAIMS_ADMINISTRATOR, cls.REVIEWER)


_ROLE_LABELS = {
    Role.REVIEWER: "IMR reviewer",
    Role.CLAIMS_ADMINISTRATOR: "Claims administrator",
    Role.RATIONALE: "Named in a rationale",
}


class NodeKind(str, enum.Enum):
    """What a node of a network or case view stands for."""

    GUIDELINE = "guideline"
    CATEGORY = "category"
    SPECIALTY = "specialty"
    LETTER = "letter"
    ITEM = "item"
    REVIEWER = "reviewer"
    DIAGNOSIS = "diagnosis"


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
    updated: str | None = None  # ODG: the online edition's date, ISO
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
    dependent: bool = False  # decided only because another item of the letter was
    depends_on: int | None = None  # that item's number, when the letter names it
    span: Span | None = None

    def basis(self, role: Role) -> Basis:
        """The basis one party states (the rationale has citations, not a stated basis)."""
        if role is Role.RATIONALE:
            raise ValueError("the rationale states no basis; see citations_of")
        return self.reviewer if role is Role.REVIEWER else self.claims_administrator

    def citations_of(self, role: Role) -> tuple[Citation, ...]:
        """The citations one role makes for this item."""
        return self.rationale_citations if role is Role.RATIONALE else self.basis(role).citations


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
    #: where each page begins in the cleaned text, so a span's page follows from its start; a
    #: record made without them gets the latest page breaks its spans allow (:func:`page_breaks`)
    page_starts: tuple[int, ...] = ()

    def page_of(self, offset: int) -> int:
        """The page a character offset of the cleaned text is on, by :attr:`page_starts`.

        >>> Source("a.txt", "00", LetterFormat.UNKNOWN, 2, (0, 40)).page_of(40)
        2
        """
        return bisect_right(self.page_starts, offset)


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

    def __post_init__(self) -> None:
        if not self.source.page_starts:
            breaks = page_breaks(self.spans(), self.source.pages)
            object.__setattr__(self, "source", dataclasses.replace(self.source, page_starts=breaks))

    def misplaced(self) -> str | None:
        """What is wrong with the first span whose page is not the page its start is on (none
        in a record the extractor wrote): such a record cannot be stored, as the graph gives a
        span's page by the page starts."""
        for span in self.spans():
            if (page := self.source.page_of(span.start)) != span.page:
                return (
                    f"a span at characters {span.start}-{span.end} says page {span.page}, but "
                    f"source.page_starts {list(self.source.page_starts)} put it on page {page}"
                )
        return None

    def spans(self) -> Iterator[Span]:
        """Every span the record holds."""
        for span in (*self.provenance.values(), self.reviewer.span, *(d.span for d in self.diagnoses)):
            if span is not None:
                yield span
        for item in self.items:
            if item.span is not None:
                yield item.span
            for basis in (item.claims_administrator, item.reviewer):
                if basis.span is not None:
                    yield basis.span
            for role in Role:
                for citation in item.citations_of(role):
                    if citation.span is not None:
                        yield citation.span

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form, keys in contract order.

        >>> rec = CaseRecord(id="doc-0", source=Source("a.txt", "00", LetterFormat.UNKNOWN, 1))
        >>> rec.to_dict()["source"]["format"]
        'unknown'
        """
        out: dict[str, Any] = json.loads(self.to_json())
        return out

    def to_json(self) -> str:
        """One JSON line (stable key order, non-ASCII kept), the form ``imr-graph extract`` writes."""
        return dumps_json(self)


def page_breaks(spans: Iterable[Span], pages: int) -> tuple[int, ...]:
    """Where each of ``pages`` pages may begin for every span to start on its own page: the
    latest such breaks (page 1 at 0; a page no span starts on at or after the next one's).

    >>> page_breaks([Span(5, 9, 1), Span(40, 44, 3)], 3)
    (0, 40, 40)
    """
    first: dict[int, int] = {}
    last = 0
    for span in spans:
        first[span.page] = min(span.start, first.get(span.page, span.start))
        last = max(last, span.start)
    count = max(pages, *first) if first else pages
    later = last + 1  # a page no span starts on: after every span
    breaks = [0] * count
    for page in range(count, 1, -1):
        later = min(later, first.get(page, later))
        breaks[page - 1] = later
    return tuple(breaks)


def dumps_json(value: Any) -> str:
    """``value`` (records, and what JSON holds) as compact JSON, non-ASCII kept, records as
    objects of their fields in order, enums as their values.

    orjson writes it, seven times quicker than ``json``. It refuses a string that is not
    valid UTF-8 (a file name kept as surrogates), which ``json`` writes as it is, to be
    escaped when the line is written out.

    >>> dumps_json({"text": "neck pain", "page": 2, "spans": (1, 2)})
    '{"text":"neck pain","page":2,"spans":[1,2]}'
    """
    try:
        return orjson.dumps(value, default=_plain).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """The JSON-ready form of what the JSON writers do not know themselves: a record the
    standard library writes, a mapping that is not a dict."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"no JSON form for {type(value).__name__}")


def loads_json(text: str | bytes) -> Any:
    """Parse JSON text; orjson reads it, and ``json`` what orjson refuses (escaped surrogates,
    numbers past 64 bits), so what is accepted and the error raised are the standard ones."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


# -- reading records back from JSON -----------------------------------------------------


def record_from_dict(data: Any) -> CaseRecord:
    """Rebuild a :class:`CaseRecord` from its JSON form, checking every field's type.

    >>> rec = CaseRecord(id="doc-0", source=Source("a.txt", "00", LetterFormat.UNKNOWN, 1))
    >>> record_from_dict(rec.to_dict()) == rec
    True
    """
    record = _record_from_dict(_obj(data, "record"))
    if (problem := record.misplaced()) is not None:
        raise RecordShapeError(problem)
    return record


def _record_from_dict(d: dict[str, Any]) -> CaseRecord:
    source = _obj(d.get("source"), "source")
    reviewer = _obj(d.get("reviewer", {}), "reviewer")
    patient = _obj(d.get("patient", {}), "patient")
    provenance = _obj(d.get("provenance", {}), "provenance")
    return CaseRecord(
        id=_str(d.get("id"), "id"),
        source=Source(
            path=_str(source.get("path"), "source.path"),
            sha256=_str(source.get("sha256"), "source.sha256"),
            format=_enum(LetterFormat, source.get("format"), "source.format"),
            pages=_int(source.get("pages"), "source.pages"),
            page_starts=_page_starts(source.get("page_starts", [])),
        ),
        case_number=_opt_str(d.get("case_number"), "case_number"),
        decision_date=_opt_str(d.get("decision_date"), "decision_date"),
        date_of_injury=_opt_str(d.get("date_of_injury"), "date_of_injury"),
        ur_denial_date=_opt_str(d.get("ur_denial_date"), "ur_denial_date"),
        date_assigned=_opt_str(d.get("date_assigned"), "date_assigned"),
        application_received=_opt_str(d.get("application_received"), "application_received"),
        priority=_opt_str(d.get("priority"), "priority"),
        reviewer=Reviewer(
            specialties=_strs(reviewer.get("specialties", []), "reviewer.specialties"),
            subspecialties=_strs(reviewer.get("subspecialties", []), "reviewer.subspecialties"),
            license_states=_strs(reviewer.get("license_states", []), "reviewer.license_states"),
            text=_str(reviewer.get("text", ""), "reviewer.text"),
            span=_span(reviewer.get("span"), "reviewer.span"),
        ),
        patient=Patient(
            age=None if patient.get("age") is None else _int(patient.get("age"), "patient.age"),
            sex=_opt_str(patient.get("sex"), "patient.sex"),
        ),
        diagnoses=tuple(
            Diagnosis(
                text=_str(x.get("text"), f"diagnoses[{i}].text"),
                body_region=_opt_str(x.get("body_region"), f"diagnoses[{i}].body_region"),
                span=_span(x.get("span"), f"diagnoses[{i}].span"),
            )
            for i, x in enumerate(_objs(d.get("diagnoses", []), "diagnoses"))
        ),
        items=tuple(_item(x, f"items[{i}]") for i, x in enumerate(_objs(d.get("items", []), "items"))),
        warnings=_strs(d.get("warnings", []), "warnings"),
        provenance={str(k): s for k, v in provenance.items() if (s := _span(v, f"provenance.{k}")) is not None},
    )


def _item(d: dict[str, Any], where: str) -> Item:
    treatment = _obj(d.get("treatment"), f"{where}.treatment")
    partial = d.get("partial")
    return Item(
        n=_int(d.get("n"), f"{where}.n"),
        request=_str(d.get("request"), f"{where}.request"),
        decision=_enum(Decision, d.get("decision"), f"{where}.decision"),
        treatment=Treatment(
            label=_str(treatment.get("label"), f"{where}.treatment.label"),
            category=_opt_str(treatment.get("category"), f"{where}.treatment.category"),
            subcategory=_opt_str(treatment.get("subcategory"), f"{where}.treatment.subcategory"),
        ),
        claims_administrator=_basis(d.get("claims_administrator"), f"{where}.claims_administrator"),
        reviewer=_basis(d.get("reviewer"), f"{where}.reviewer"),
        rationale=_str(d.get("rationale", ""), f"{where}.rationale"),
        rationale_citations=_citations(d.get("rationale_citations", []), f"{where}.rationale_citations"),
        partial=None
        if partial is None
        else PartialAuthorization(
            *(
                _str(_obj(partial, f"{where}.partial").get(k), f"{where}.partial.{k}")
                for k in ("original", "authorized", "remaining")
            )
        ),
        dependent=_bool(d.get("dependent", False), f"{where}.dependent"),
        depends_on=None if d.get("depends_on") is None else _int(d.get("depends_on"), f"{where}.depends_on"),
        span=_span(d.get("span"), f"{where}.span"),
    )


def _basis(data: Any, where: str) -> Basis:
    d = _obj(data, where)
    return Basis(
        cited_evidence=_bool(d.get("cited_evidence"), f"{where}.cited_evidence"),
        mtus_based=_bool(d.get("mtus_based"), f"{where}.mtus_based"),
        citations=_citations(d.get("citations", []), f"{where}.citations"),
        text=_str(d.get("text", ""), f"{where}.text"),
        span=_span(d.get("span"), f"{where}.span"),
    )


def _citations(data: Any, where: str) -> tuple[Citation, ...]:
    out = []
    for i, d in enumerate(_objs(data, where)):
        at = f"{where}[{i}]"
        pages = []
        for j, pair in enumerate(_list(d.get("pages", []), f"{at}.pages")):
            if not isinstance(pair, list) or len(pair) != 2:
                raise RecordShapeError(f"{at}.pages[{j}]: expected [start, end]")
            pages.append((_int(pair[0], f"{at}.pages[{j}]"), _int(pair[1], f"{at}.pages[{j}]")))
        out.append(
            Citation(
                guideline=_enum(Guideline, d.get("guideline"), f"{at}.guideline"),
                mtus=_bool(d.get("mtus"), f"{at}.mtus"),
                text=_str(d.get("text"), f"{at}.text"),
                chapter=None if d.get("chapter") is None else _int(d.get("chapter"), f"{at}.chapter"),
                chapter_title=_opt_str(d.get("chapter_title"), f"{at}.chapter_title"),
                sections=_strs(d.get("sections", []), f"{at}.sections"),
                pages=tuple(pages),
                edition=_opt_str(d.get("edition"), f"{at}.edition"),
                year=None if d.get("year") is None else _int(d.get("year"), f"{at}.year"),
                url=_opt_str(d.get("url"), f"{at}.url"),
                updated=_opt_str(d.get("updated"), f"{at}.updated"),
                span=_span(d.get("span"), f"{at}.span"),
            )
        )
    return tuple(out)


def _page_starts(data: Any) -> tuple[int, ...]:
    starts = tuple(_int(x, f"source.page_starts[{k}]") for k, x in enumerate(_list(data, "source.page_starts")))
    if list(starts) != sorted(starts) or (starts and starts[0] != 0):
        raise RecordShapeError(f"source.page_starts must begin at 0 and never go back, not {list(starts)}")
    return starts


def _span(data: Any, where: str) -> Span | None:
    if data is None:
        return None
    d = _obj(data, where)
    return Span(
        _int(d.get("start"), f"{where}.start"), _int(d.get("end"), f"{where}.end"), _int(d.get("page"), f"{where}.page")
    )


def _kind(data: Any) -> str:
    return "nothing (the field is missing)" if data is None else type(data).__name__


def _obj(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RecordShapeError(f"{where}: expected an object, got {_kind(data)}")
    return data


def _list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise RecordShapeError(f"{where}: expected an array, got {_kind(data)}")
    return data


def _objs(data: Any, where: str) -> list[dict[str, Any]]:
    return [_obj(x, f"{where}[{i}]") for i, x in enumerate(_list(data, where))]


def _str(data: Any, where: str) -> str:
    if not isinstance(data, str):
        raise RecordShapeError(f"{where}: expected a string, got {_kind(data)}")
    return data


def _opt_str(data: Any, where: str) -> str | None:
    return None if data is None else _str(data, where)


def _strs(data: Any, where: str) -> tuple[str, ...]:
    return tuple(_str(x, f"{where}[{i}]") for i, x in enumerate(_list(data, where)))


def _int(data: Any, where: str) -> int:
    if not isinstance(data, int) or isinstance(data, bool):
        raise RecordShapeError(f"{where}: expected an integer, got {_kind(data)}")
    return data


def _bool(data: Any, where: str) -> bool:
    if not isinstance(data, bool):
        raise RecordShapeError(f"{where}: expected true or false, got {_kind(data)}")
    return data


_E = TypeVar("_E", bound=enum.Enum)


def _enum(kind: type[_E], data: Any, where: str) -> _E:
    try:
        return kind(data)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in kind)
        raise RecordShapeError(f"{where}: {data!r} is not one of {allowed}") from None


# -- record files: JSON Lines, read and written -------------------------------------------


def record_json(record: CaseRecord) -> str:
    """Serialize a record as one JSON line (the form of :meth:`CaseRecord.to_dict`, key order kept)."""
    return record.to_json()


def record_files(paths: Iterable[str | Path]) -> list[str | Path]:
    """Files of records: each path as given, a folder as its ``*.jsonl`` files in name order."""
    out: list[str | Path] = []
    for path in paths:
        if str(path) != "-" and Path(path).is_dir():
            found = sorted(Path(path).glob("*.jsonl"))
            if not found:
                raise ImrGraphError(f"{path}: no .jsonl files in this folder (a partitioned extract holds parts)")
            out.extend(found)
        else:
            out.append(path)
    return out


def read_records(path: str | Path) -> Iterator[CaseRecord]:
    """Stream case records from a JSON Lines file (``-`` for stdin), checking each line.

    Raises :class:`RecordError` naming the file and line of the first bad line.
    """
    for source, first, lines in line_chunks(path, _LINES):
        for k, line in enumerate(lines):
            if line.strip():
                yield parse_line(source, first + k, line)


def parse_line(path: str, number: int, line: str) -> CaseRecord:
    try:
        data = loads_json(line)
    except json.JSONDecodeError as err:
        raise RecordError(path, number, f"not JSON ({err.msg} at column {err.colno})") from err
    try:
        return record_from_dict(data)
    except RecordShapeError as err:
        raise RecordError(path, number, f"not a case record: {err}") from err


@contextmanager
def open_text(path: str | Path) -> Iterator[IO[str]]:
    if str(path) == "-":
        yield sys.stdin
        return
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as err:
        raise RecordError(path, 0, f"cannot open: {err.strerror or err}") from err
    with handle:
        yield handle


def line_chunks(path: str | Path, size: int) -> Iterator[tuple[str, int, list[str]]]:
    with open_text(path) as handle:
        first, lines = 1, []
        try:
            for number, line in enumerate(handle, start=1):
                lines.append(line)
                if len(lines) >= size:
                    yield str(path), first, lines
                    first, lines = number + 1, []
        except UnicodeDecodeError as err:
            raise RecordError(path, first + len(lines), f"not UTF-8 text (byte {err.start})") from err
        if lines:
            yield str(path), first, lines


def done_letters(path: Path) -> tuple[set[str], int]:
    """The content hashes of the letters a JSON Lines output already holds, and how many bytes
    of it are whole lines (a run stopped mid-line leaves a torn last line, which is dropped)."""
    hashes: set[str] = set()
    whole = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                hashes.add(str(loads_json(line)["source"]["sha256"]))
            except (ValueError, KeyError, TypeError):
                break
            whole += len(line)
    return hashes, whole


@contextmanager
def resumable_writer(target: Path, resume: bool) -> Iterator[tuple[IO[str], set[str]]]:
    """Write ``target`` through ``target.part``, line by line; rename it into place at the end.

    An interrupted run leaves ``target.part``. With ``resume``, the lines already there (or in
    a finished ``target``) are kept and their letters' hashes returned, to be skipped; without
    it, a new run starts afresh. ``target`` itself only ever appears whole.
    """
    partial = target.with_name(target.name + ".part")
    hashes: set[str] = set()
    try:
        if resume and not partial.exists() and target.exists():
            partial.write_bytes(target.read_bytes())
        if resume and partial.exists():
            hashes, whole = done_letters(partial)
            with partial.open("r+b") as torn:
                torn.truncate(whole)
        # a file name that is not UTF-8 (kept as surrogates) is written as its JSON escape
        handle = partial.open("a" if resume else "w", encoding="utf-8", errors="backslashreplace")
    except OSError as err:
        raise OutputError(f"{partial}: cannot write ({err.strerror or err})") from err
    try:
        with handle:
            yield handle, hashes
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as err:
        if err.errno in DISK_ERRORS:  # what was written stays in the .part file for --resume
            raise OutputError(f"{partial}: cannot write ({err.strerror}); --resume goes on from here") from err
        raise


# -- the contract as JSON Schema --------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """The case-record contract as JSON Schema (``imr_graph/schema/case-record.schema.json``)."""
    from importlib import resources

    text = (resources.files("imr_graph") / "schema" / "case-record.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def schema_errors(data: Any) -> list[str]:
    """Where a record's JSON form breaks the schema, one message per place (empty: it keeps it).

    Needs the ``jsonschema`` package (in the ``test`` extra).
    """
    try:
        import jsonschema
    except ImportError as err:
        raise ImrGraphError("checking records against the schema needs jsonschema: pip install jsonschema") from err
    validator = jsonschema.Draft202012Validator(schema())
    found = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}" for e in found]
