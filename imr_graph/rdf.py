"""Case records ⇄ RDF: one named graph per letter, in the shape of ``ontology/imr.ttl``.

:func:`record_quads` writes a record; :func:`record_from_quads` reads one back, so the
graph holds everything a record holds. Set-valued fields (specialties, states, warnings)
come back in a canonical order; ordered ones (items, citations, sections, pages,
diagnoses) keep their order through ``imr:order`` or their text position.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph._version import __version__
from imr_graph.errors import RecordShapeError
from imr_graph.odg import topic_concept
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
    Role,
    Source,
    Span,
    Treatment,
)
from imr_graph.vocab import load_vocabulary

_IMR = I.NS
_HEADER_DATES = ("decision_date", "date_of_injury", "ur_denial_date", "date_assigned", "application_received")


def _p(local: str) -> str:
    return _IMR + local


_TYPE = I.RDF + "type"


class _Lit(str):
    """A literal already written in N-Quads syntax (typed or escaped)."""


def _int(value: int) -> _Lit:
    return _Lit(f'"{int(value)}"^^<{I.XSD}integer>')


def _bool(value: bool) -> _Lit:
    return _Lit(f'"{"true" if value else "false"}"^^<{I.XSD}boolean>')


def _date(value: str) -> _Lit:
    return _Lit(f"{quoted(value)}^^<{I.XSD}date>")


def quoted(text: str) -> str:
    """``text`` as an N-Quads string literal, escaped.

    >>> print(quoted('a "b"\\nc'))
    "a \\"b\\"\\nc"
    """
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


class _Writer:
    """Writes one letter's named graph as N-Quads lines (far quicker than building term objects;
    the store's bulk loader and ``pyoxigraph.parse`` read them back)."""

    def __init__(self, graph: str, source: str) -> None:
        self.tail = f" <{graph}> .\n"
        self.lines: list[str] = []
        self.source = source

    def add(self, s: str, p: str, o: str) -> None:
        obj = o if isinstance(o, _Lit) else quoted(o)
        self.lines.append(f"<{s}> <{p}> {obj}{self.tail}")

    def link(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> <{o}>{self.tail}")

    def position(self, span: Span) -> str:
        """The IRI of a span's characters in the source (its page follows from the page starts)."""
        return I.text_position(self.source, span.start, span.end)

    def context(self, node: str, span: Span | None) -> None:
        """Where in the letter a node (item, basis, citation, reviewer, diagnosis) was read."""
        if span is not None:
            self.link(node, _p("context"), self.position(span))


def record_quads(record: CaseRecord) -> list[ox.Quad]:
    """Every quad of one record, all in the letter's own named graph."""
    return list(ox.parse(record_nquads(record).encode(), format=ox.RdfFormat.N_QUADS))


def record_nquads(record: CaseRecord) -> str:
    """One record's graph as N-Quads text."""
    letter = I.letter(record.id)
    if (problem := record.misplaced()) is not None:  # a span's page would not follow from its start
        raise RecordShapeError(f"{record.id}: {problem}")
    source = I.source(record.source.sha256)
    w = _Writer(letter, source)
    run = I.run(__version__)
    w.link(letter, _TYPE, _IMR + "Determination")
    w.add(letter, I.DCT + "identifier", record.id)
    w.link(letter, I.PROV + "wasDerivedFrom", source)
    w.link(letter, I.PROV + "wasGeneratedBy", run)
    w.add(run, I.RDFS + "label", f"imr-graph {__version__}")
    w.link(source, _TYPE, _IMR + "SourceDocument")
    w.add(source, _p("sha256"), record.source.sha256)
    w.add(source, _p("sourcePath"), record.source.path)
    w.add(source, _p("letterFormat"), record.source.format.value)
    w.add(source, _p("pageCount"), _int(record.source.pages))
    w.add(source, _p("pageStarts"), " ".join(map(str, record.source.page_starts)))
    if record.case_number:
        w.add(letter, _p("caseNumber"), record.case_number)
    for key in _HEADER_DATES:
        value = getattr(record, key)
        if value:
            w.add(letter, _p(_camel(key)), _date(value))
    if record.priority:
        w.add(letter, _p("priority"), record.priority)
    if record.patient.age is not None:
        w.add(letter, _p("patientAge"), _int(record.patient.age))
    if record.patient.sex:
        w.add(letter, _p("patientSex"), record.patient.sex)
    for warning in record.warnings:
        w.add(letter, _p("warning"), warning)
    for key, span in record.provenance.items():
        w.add(w.position(span), _p("field"), key)  # these characters give this field of the record
    _reviewer(w, letter, record.reviewer)
    for k, diagnosis in enumerate(record.diagnoses, start=1):
        _diagnosis(w, letter, k, diagnosis, len(record.diagnoses) > 1)
    for item in record.items:
        _item(w, letter, item)
    return "".join(dict.fromkeys(w.lines))  # once each: a shared node is described once, and counted once


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _reviewer(w: _Writer, letter: str, reviewer: Reviewer) -> None:
    node = I.reviewer(letter)
    w.link(letter, _p("reviewer"), node)
    iris = load_vocabulary().specialty_iris
    for prop, labels in (("specialty", reviewer.specialties), ("subspecialty", reviewer.subspecialties)):
        for label in labels:
            concept = iris.get(label) or I.specialty(label)
            w.link(node, _p(prop), concept)
            if label not in iris:  # not in the vocabulary: say what it is
                w.link(concept, _TYPE, I.SKOS + "Concept")
                w.add(concept, I.SKOS + "prefLabel", label)
    for code in reviewer.license_states:
        w.link(node, _p("licensedIn"), I.state(code))
    if reviewer.text:
        w.add(node, _p("statement"), reviewer.text)
    w.context(node, reviewer.span)


def _diagnosis(w: _Writer, letter: str, k: int, diagnosis: Diagnosis, many: bool) -> None:
    node = I.diagnosis(diagnosis.text)
    mention = f"{letter}/diagnosis/{k}"
    w.add(node, I.SKOS + "prefLabel", diagnosis.text)
    if diagnosis.body_region:
        w.link(node, _p("bodyRegion"), I.body_region(diagnosis.body_region))
    w.link(letter, _p("diagnosisStatement"), mention)
    if many:
        w.add(mention, _p("order"), _int(k))
    w.link(mention, I.DCT + "subject", node)
    w.add(mention, _p("statement"), diagnosis.text)
    w.context(mention, diagnosis.span)


def _item(w: _Writer, letter: str, item: Item) -> None:
    node = I.item(letter, item.n)
    w.link(letter, I.DCT + "hasPart", node)
    w.link(node, _TYPE, _IMR + "DisputedItem")
    w.add(node, _p("itemNumber"), _int(item.n))
    w.add(node, _p("request"), item.request)
    w.link(node, _p("outcome"), I.outcome(item.decision.value))
    treatment = I.treatment(item.treatment.label)
    w.link(node, _p("treatment"), treatment)
    w.add(treatment, I.SKOS + "prefLabel", item.treatment.label)
    if item.treatment.category:
        w.link(node, _p("treatmentCategory"), I.category(item.treatment.category, item.treatment.subcategory))
    if item.rationale:
        w.add(node, _p("rationale"), item.rationale)
    if item.partial:
        w.add(node, _p("originalRequest"), item.partial.original)
        w.add(node, _p("authorizedPortion"), item.partial.authorized)
        w.add(node, _p("remainingPortion"), item.partial.remaining)
    if item.dependent:
        w.add(node, _p("dependent"), _bool(True))
    if item.depends_on is not None:
        w.link(node, _p("dependsOn"), I.item(letter, item.depends_on))
    w.context(node, item.span)
    for role in Role.parties():
        _basis(w, node, role, item.basis(role))
    if item.rationale_citations:  # the rationale's basis is its citations: none, no basis
        rationale = f"{node}/{Role.RATIONALE.value}"
        w.link(node, _p("basis"), rationale)
        w.link(rationale, _p("citingRole"), Role.RATIONALE.concept)
        for k, citation in enumerate(item.rationale_citations, start=1):
            _citation(w, node, rationale, Role.RATIONALE, k, citation, len(item.rationale_citations) > 1)


def _basis(w: _Writer, item: str, role: Role, basis: Basis) -> None:
    node = f"{item}/{role.value}"
    w.link(item, _p("basis"), node)
    w.link(node, _p("citingRole"), role.concept)
    w.add(node, _p("citedEvidence"), _bool(basis.cited_evidence))
    w.add(node, _p("mtusBased"), _bool(basis.mtus_based))
    if basis.text:
        w.add(node, _p("statement"), basis.text)
    w.context(node, basis.span)
    for k, citation in enumerate(basis.citations, start=1):
        _citation(w, item, node, role, k, citation, len(basis.citations) > 1)


def cited_part(citation: Citation) -> str | None:
    """The guideline part a citation names, if it names one (chapter, title, or year)."""
    code = citation.guideline.value
    if code == "OTHER":
        return None
    if citation.chapter is None and citation.chapter_title is None and citation.year is None:
        return None
    return I.guideline_part(code, citation.chapter_title, citation.chapter, citation.year)


class CitedUnits(NamedTuple):
    """The guideline units one citation points at, at each level of detail."""

    source: str  # the guideline as a whole (``imr:guideline``)
    cited: str  # the most specific part the letter names (``cito:hasCitedEntity``)
    base: str  # the part its sections and pages belong to
    sections: tuple[str, ...]  # ``imr:citesSection``
    pages: tuple[str, ...]  # ``imr:citesPages``


def cited_units(citation: Citation) -> CitedUnits:
    """The IRIs a citation's graph links to; the statistics count items by these."""
    code = citation.guideline.value
    guideline = I.guideline(code)
    part = cited_part(citation)
    cited = I.other_source(citation.text, citation.url) if code == "OTHER" else part or guideline
    base = part or (I.guideline_part(code, None, None, None) if code != "OTHER" else cited)
    return CitedUnits(
        guideline,
        cited,
        base,
        tuple(I.section(base, _section_key(code, name)) for name in citation.sections),
        tuple(I.pages(base, start, end) for start, end in citation.pages),
    )


def _section_key(code: str, name: str) -> str:
    """What a section unit is minted from: an ODG topic the catalog knows by its concept, so
    the names letters give one topic make one unit; any other section by its name."""
    if code == "ODG":
        concept = topic_concept(name)
        if concept is not None:
            return concept[0].rsplit("/", 1)[-1]
    return name


def section_label(code: str, name: str) -> tuple[str, str | None]:
    """A section unit's label, and the catalog concept it matches (ODG topics the catalog knows)."""
    concept = topic_concept(name) if code == "ODG" else None
    return (concept[1], concept[0]) if concept else (name, None)


def _citation(w: _Writer, item: str, basis: str, role: Role, k: int, citation: Citation, many: bool) -> None:
    """A citation is reached from its basis (``imr:hasCitation``): its citing item and role are
    the basis's (the ontology derives ``cito:hasCitingEntity`` from that path). What it cites
    (guideline units) is described once in the store, by the catalog and the statistics, not
    in every letter. ``imr:order`` is its place among the basis's citations when it has others."""
    node = I.citation(item, role.value, k)
    units = cited_units(citation)
    w.link(basis, _p("hasCitation"), node)
    w.link(node, _p("guideline"), units.source)
    w.add(node, _p("labelledMtus"), _bool(citation.mtus))
    w.add(node, I.DCT + "bibliographicCitation", citation.text)
    if k > 1 or many:
        w.add(node, _p("order"), _int(k))
    for prop, value in (("chapterNumber", citation.chapter), ("year", citation.year)):
        if value is not None:
            w.add(node, _p(prop), _int(value))
    for prop, text in (("chapterTitle", citation.chapter_title), ("edition", citation.edition)):
        if text:
            w.add(node, _p(prop), text)
    if citation.url:
        w.add(node, I.SCHEMA + "url", citation.url)
    if citation.updated:
        w.add(node, _p("updated"), _date(citation.updated))
    w.link(node, I.CITO + "hasCitedEntity", units.cited)
    if citation.sections:  # the names as the letter gives them, in its order
        names = json.dumps(list(citation.sections), ensure_ascii=False)
        w.add(node, _p("sectionNames"), _Lit(f"{quoted(names)}^^<{I.RDF}JSON>"))
    for unit in units.sections:
        w.link(node, _p("citesSection"), unit)
    for j, ((start, end), unit) in enumerate(zip(citation.pages, units.pages, strict=True), start=1):
        slot = f"{node}/pages/{j}"
        w.link(node, _p("citesPages"), unit)
        w.link(node, _p("pageSlot"), slot)
        w.add(slot, _p("order"), _int(j))
        w.add(slot, _p("startPage"), _int(start))
        w.add(slot, _p("endPage"), _int(end))
        w.link(slot, _p("locator"), unit)
    w.context(node, citation.span)


# -- reading back ------------------------------------------------------------------


class _Index:
    """Subject → predicate → objects, for reading one letter's graph."""

    def __init__(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.data: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(lambda: defaultdict(list))
        for q in quads:
            self.data[q.subject.value][q.predicate.value].append(q.object)  # type: ignore[union-attr,arg-type]

    def all(self, s: str, p: str) -> list[ox.NamedNode | ox.Literal]:
        return self.data.get(s, {}).get(p, [])

    def one(self, s: str, p: str) -> str | None:
        values = self.all(s, p)
        return values[0].value if values else None

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.all(s, p)]

    def int(self, s: str, p: str) -> int | None:
        value = self.one(s, p)
        return int(value) if value is not None else None

    def bool(self, s: str, p: str) -> bool:
        return self.one(s, p) == "true"


def record_from_quads(quads: Iterable[ox.Quad | ox.Triple], letter: str) -> CaseRecord:
    """Rebuild the case record of ``letter`` from its graph's quads."""
    g = _Index(quads)
    imr = _IMR
    source = g.one(letter, I.PROV + "wasDerivedFrom")
    if source is None:
        raise RecordShapeError(f"{letter} is not a letter in this graph")
    starts = tuple(int(x) for x in (g.one(source, imr + "pageStarts") or "").split())
    provenance: dict[str, Span] = {}
    for node, facts in g.data.items():
        for field in facts.get(imr + "field", ()):
            if field.value != "diagnoses" and (span := _span_of(g, node, starts)) is not None:
                provenance[field.value] = span
    mentions = g.iris(letter, imr + "diagnosisStatement") or [  # or as graphs of the earlier form say it
        node for node in g.iris(letter, imr + "fieldContext") if g.one(node, imr + "field") == "diagnoses"
    ]
    diagnoses: list[tuple[int, Diagnosis]] = []
    for node in mentions:
        concept = g.one(node, I.DCT + "subject") or ""
        region = g.one(concept, imr + "bodyRegion")
        text = g.one(node, imr + "statement") or ""
        span = _context(g, node, starts) or _span_of(g, node, starts)  # the earlier form: the mention is the span
        diagnoses.append((g.int(node, imr + "order") or 0, Diagnosis(text, _region_label(region), span)))
    items = sorted(
        (_read_item(g, node, starts) for node in g.iris(letter, I.DCT + "hasPart")),
        key=lambda item: item.n,
    )
    dates = {key: g.one(letter, imr + _camel(key)) for key in _HEADER_DATES}
    return CaseRecord(
        id=g.one(letter, I.DCT + "identifier") or "",
        source=Source(
            path=g.one(source, imr + "sourcePath") or "",
            sha256=g.one(source, imr + "sha256") or "",
            format=LetterFormat(g.one(source, imr + "letterFormat") or "unknown"),
            pages=g.int(source, imr + "pageCount") or 1,
            page_starts=starts,
        ),
        case_number=g.one(letter, imr + "caseNumber"),
        priority=g.one(letter, imr + "priority"),
        reviewer=_read_reviewer(g, I.reviewer(letter), starts),
        patient=Patient(g.int(letter, imr + "patientAge"), g.one(letter, imr + "patientSex")),
        diagnoses=tuple(d for _, d in sorted(diagnoses, key=lambda pair: pair[0])),
        items=tuple(items),
        warnings=tuple(sorted(o.value for o in g.all(letter, imr + "warning"))),
        provenance=dict(sorted(provenance.items())),
        **dates,
    )


def _span_of(g: _Index, node: str, starts: tuple[int, ...]) -> Span | None:
    """The span a text-position IRI names, its page from the page starts; or, in graphs of the
    earlier form, the span a text-span node describes (a Web Annotation selector and a page)."""
    position = I.position_of(node)
    if position is not None:
        _, start, end = position
        return Span(start, end, bisect_right(starts, start))
    selector = g.one(node, I.OA + "hasSelector")
    if selector is None:
        return None
    return Span(
        g.int(selector, I.OA + "start") or 0, g.int(selector, I.OA + "end") or 0, g.int(node, _IMR + "page") or 1
    )


def _context(g: _Index, node: str, starts: tuple[int, ...]) -> Span | None:
    context = g.one(node, _IMR + "context")
    return _span_of(g, context, starts) if context else None


def _read_reviewer(g: _Index, node: str, starts: tuple[int, ...]) -> Reviewer:
    labels = {iri: label for label, iri in load_vocabulary().specialty_iris.items()}

    def names(prop: str) -> tuple[str, ...]:
        found = [labels.get(c) or g.one(c, I.SKOS + "prefLabel") or c for c in g.iris(node, _IMR + prop)]
        return tuple(sorted(found))

    states = sorted(c.rsplit("/", 1)[-1] for c in g.iris(node, _IMR + "licensedIn"))
    return Reviewer(
        specialties=names("specialty"),
        subspecialties=names("subspecialty"),
        license_states=tuple(states),
        text=g.one(node, _IMR + "statement") or "",
        span=_context(g, node, starts),
    )


@lru_cache(maxsize=1)
def _category_labels() -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for c in load_vocabulary().categories:
        out[I.category(c.category, c.subcategory)] = (c.category, c.subcategory)
        out[I.category(c.category)] = (c.category, None)
    return out


@lru_cache(maxsize=1)
def _region_labels() -> dict[str, str]:
    return {I.body_region(label): label for label, _ in load_vocabulary().body_regions}


def _region_label(iri: str | None) -> str | None:
    return _region_labels().get(iri) if iri else None


def _read_item(g: _Index, node: str, starts: tuple[int, ...]) -> Item:
    imr = _IMR
    treatment = g.one(node, imr + "treatment") or ""
    category, subcategory = _category_labels().get(g.one(node, imr + "treatmentCategory") or "", (None, None))
    partial = None
    if g.one(node, imr + "remainingPortion") is not None:
        partial = PartialAuthorization(
            g.one(node, imr + "originalRequest") or "",
            g.one(node, imr + "authorizedPortion") or "",
            g.one(node, imr + "remainingPortion") or "",
        )
    bases = {g.one(b, imr + "citingRole"): b for b in g.iris(node, imr + "basis")}
    rationale_basis = bases.get(Role.RATIONALE.concept)
    return Item(
        n=g.int(node, imr + "itemNumber") or 0,
        request=g.one(node, imr + "request") or "",
        decision=Decision((g.one(node, imr + "outcome") or "").rsplit("/", 1)[-1]),
        treatment=Treatment(g.one(treatment, I.SKOS + "prefLabel") or "", category, subcategory),
        claims_administrator=_read_basis(g, bases.get(Role.CLAIMS_ADMINISTRATOR.concept), starts),
        reviewer=_read_basis(g, bases.get(Role.REVIEWER.concept), starts),
        rationale=g.one(node, imr + "rationale") or "",
        rationale_citations=_read_citations(g, rationale_basis, starts),
        partial=partial,
        dependent=g.bool(node, imr + "dependent"),
        depends_on=_item_number(g.one(node, imr + "dependsOn")),
        span=_context(g, node, starts),
    )


def _item_number(iri: str | None) -> int | None:
    """The number of the item an item IRI names (``…/item/3`` is 3)."""
    return None if iri is None else int(iri.rsplit("/", 1)[-1])


def _read_basis(g: _Index, node: str | None, starts: tuple[int, ...]) -> Basis:
    if node is None:
        return Basis(cited_evidence=False, mtus_based=False)
    return Basis(
        cited_evidence=g.bool(node, _IMR + "citedEvidence"),
        mtus_based=g.bool(node, _IMR + "mtusBased"),
        citations=_read_citations(g, node, starts),
        text=g.one(node, _IMR + "statement") or "",
        span=_context(g, node, starts),
    )


def _read_citations(g: _Index, basis: str | None, starts: tuple[int, ...]) -> tuple[Citation, ...]:
    if basis is None:
        return ()
    nodes = sorted(g.iris(basis, _IMR + "hasCitation"), key=lambda c: g.int(c, _IMR + "order") or 0)
    return tuple(_read_citation(g, c, starts) for c in nodes)


def _section_names(g: _Index, node: str) -> tuple[str, ...]:
    names = g.one(node, _IMR + "sectionNames")
    if names is not None:
        return tuple(json.loads(names))
    slots = sorted(g.iris(node, _IMR + "sectionSlot"), key=lambda s: g.int(s, _IMR + "order") or 0)  # the earlier form
    return tuple(g.one(s, _IMR + "sectionName") or "" for s in slots)


def _read_citation(g: _Index, node: str, starts: tuple[int, ...]) -> Citation:
    imr = _IMR

    def slots(prop: str) -> list[str]:
        return sorted(g.iris(node, imr + prop), key=lambda s: g.int(s, imr + "order") or 0)

    return Citation(
        guideline=Guideline((g.one(node, imr + "guideline") or "").rsplit("/", 1)[-1]),
        mtus=g.bool(node, imr + "labelledMtus"),
        text=g.one(node, I.DCT + "bibliographicCitation") or "",
        chapter=g.int(node, imr + "chapterNumber"),
        chapter_title=g.one(node, imr + "chapterTitle"),
        sections=_section_names(g, node),
        pages=tuple((g.int(s, imr + "startPage") or 0, g.int(s, imr + "endPage") or 0) for s in slots("pageSlot")),
        edition=g.one(node, imr + "edition"),
        year=g.int(node, imr + "year"),
        url=g.one(node, I.SCHEMA + "url"),
        updated=g.one(node, imr + "updated"),
        span=_context(g, node, starts),
    )
