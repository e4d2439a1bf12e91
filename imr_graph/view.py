"""Views: what the HTML pages show, computed from the graph (``render.py`` draws them).

Five kinds of view, each a frozen record the renderer turns into one offline HTML file:

* :func:`citation_network` — guideline units ↔ treatment categories; :func:`specialty_network`
  — reviewer specialties ↔ the guideline units they cite; :func:`case_network` — one letter.
* :func:`citation_matrix` — guideline units × treatment categories, the readable form when the
  network is too dense.
* :func:`letter_text` — a letter's own text with every extracted value marked at its span.
* :class:`Overview` (built by :func:`imr_graph.overview.overview`) — rates per guideline unit and
  per treatment category as forest plots against the base rate, and the drivers model.

Counts are distinct items. Each node and edge carries *facts*: ``(role, year, upheld,
overturned)`` tuples, so the page can filter by citing role, year and outcome and still show
exact counts; ``year`` is 0 when the letter gives no decision date.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.errors import QueryError
from imr_graph.named import query_text, rows
from imr_graph.projection import (
    ANY_ROLE,
    ROLE_INDEX,
    ROLES,
    Aggregate,
    CaseEntry,
    Counted,
    Fact,
    Read,
    Tally,
    aggregate,
    category_names,
    label_map,
    label_of,
    labels_for,
    unit_name,
)
from imr_graph.records import CaseRecord, NodeKind, Role, Span

Level = Literal["chapter", "section"]


@dataclass(frozen=True)
class Node:
    """A node of a network view; ``id`` is its IRI in the graph."""

    id: str
    label: str
    kind: str  # guideline, category, specialty, letter, item, reviewer, diagnosis
    group: str = ""  # the guideline source (for the source filter) or the item's outcome
    facts: tuple[Fact, ...] = ()
    examples: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()  # extra tooltip lines
    cases: tuple[CaseEntry, ...] = ()  # the letters listed beside the network when it is clicked
    letters: int = 0  # how many letters in all (the list keeps at most CASE_LIST of them)


@dataclass(frozen=True)
class Edge:
    """An edge of a network view; ``facts`` empty for a structural edge (always shown)."""

    source: str
    target: str
    facts: tuple[Fact, ...] = ()
    examples: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Network:
    """A network view: nodes, edges, and what the page lets the reader filter by."""

    kind: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    roles: tuple[str, ...]  # role keys present, in ROLES order
    years: tuple[int, ...]
    sources: tuple[tuple[str, str], ...]  # (IRI, label) of guideline sources present
    note: str = ""
    #: Whether the facts count each item once whoever cites it (:data:`ANY_ROLE`): so when
    #: counted from the letters; the statistics keep each role apart, and no year.
    any_role: bool = True


@dataclass(frozen=True)
class Cell:
    upheld: int
    overturned: int

    @property
    def items(self) -> int:
        return self.upheld + self.overturned


@dataclass(frozen=True)
class Matrix:
    """Guideline units (rows) × treatment categories (columns), items by outcome."""

    title: str
    role: str
    rows: tuple[tuple[str, str], ...]  # (IRI, label)
    columns: tuple[tuple[str, str], ...]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    note: str = ""
    min_items: int = 3  # cells on fewer items are drawn muted, their count shown
    sources: dict[str, str] = field(default_factory=dict)  # each row's guideline (IRI), for the page's filter
    #: The letters behind each cell (case, 1 if overturned), the lowest case numbers first, at
    #: most CELL_CASES; and the rows whose letters were read only in part (see CASE_ROWS).
    cases: dict[tuple[str, str], tuple[tuple[str, int], ...]] = field(default_factory=dict)
    partial: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ForestRow:
    """One row of a forest plot: a guideline unit or category, its counts and rates."""

    key: str  # the unit's or category's IRI
    label: str
    items: int
    letters: int
    overturned: int
    rate: float
    low: float  # the 95% interval, clustered by letter
    high: float
    shrunk: float | None
    q: float | None
    cases: tuple[str, ...] = ()  # case numbers of letters behind the row (the first few)
    more: int = 0  # how many more letters there are


@dataclass(frozen=True)
class Forest:
    """Rates of several rows against the base rate, shrunk rates first."""

    title: str
    legend: str  # what the numbers mean (the answer's legend)
    rows: tuple[ForestRow, ...]
    base: float | None
    hidden: int = 0  # rows left out for resting on fewer items than the page's minimum
    what: str = "guideline unit"  # what a row is: a guideline unit, or a category


@dataclass(frozen=True)
class Overview:
    """The page that answers "which guidelines go with which outcomes" at a glance."""

    title: str
    base: str  # the base rate in a sentence
    forests: tuple[Forest, ...]
    drivers: tuple[tuple[str, ...], ...] = ()  # the drivers table: a header row, then one row each
    drivers_note: str = ""
    min_items: int = 1  # rows on fewer items are left out of the plots (and counted)


@dataclass(frozen=True)
class Mark:
    """One extracted value and where the letter states it."""

    key: str  # anchor name in the page
    kind: str  # header, item, decision, citation-reviewer, citation-claims-administrator, ...
    label: str
    value: str
    node: str  # its node's IRI in the graph
    span: Span


@dataclass(frozen=True)
class LetterText:
    """A letter's text and the values read from it."""

    case: str
    path: str
    text: str
    marks: tuple[Mark, ...]
    missing: tuple[str, ...] = ()  # values with no span (stated nowhere the reader can point)


@dataclass(frozen=True, order=True)
class Listed:
    """One letter behind a guideline unit, as the pages list it."""

    case: str
    overturned: int  # 1 if the items counted were overturned, 0 if upheld
    role: str  # the citing role's concept IRI
    category: str = ""  # the request's subcategory concept IRI


#: Rows the unit-cases queries stop at (their LIMIT): a unit with more may list only some of
#: its letters.
CASE_ROWS = 500
#: Letters a matrix cell lists.
CELL_CASES = 20
#: The query listing a unit's letters, by the level of the unit.
_UNIT_CASES = {
    "source": "projection-unit-cases-source",
    "chapter": "projection-unit-cases",
    "section": "projection-unit-cases-section",
    "topic": "projection-unit-cases-section",
}


def unit_cases(target: object, unit: str, level: str = "chapter") -> list[Listed]:
    """Letters behind a guideline unit at ``level`` in a store, graph file or endpoint, by case
    number: from the first :data:`CASE_ROWS` rows the graph gives (``projection-unit-cases``),
    so that a page lists a unit's letters quickly whatever the size of the graph; items filed
    under no category are not listed, and no decision year is read."""
    from imr_graph.questions import execute

    found = execute(target, query_text(_UNIT_CASES[level]), {"unit": ox.NamedNode(unit)})
    overturned = I.outcome("overturned")
    return sorted(
        {
            Listed(
                str(r["case"]),
                int(str(r.get("outcome")) == overturned),
                str(r["role"]),
                str(r.get("category") or ""),
            )
            for r in found
        }
    )


def _network(
    aggregate: Aggregate | Read,
    labels: dict[str, str],
    *,
    kind: str,
    title: str,
    other_kind: str,
    top: int,
    min_count: int,
) -> Network:
    tallies: Mapping[str, Tally | Counted] = aggregate.units
    others: Mapping[str, Tally | Counted] = aggregate.others
    links: Mapping[tuple[str, str], Tally | Counted] = aggregate.edges
    ranked = sorted(aggregate.units, key=lambda u: (-aggregate.units[u].items, label_of(labels, u), u))
    kept = set(ranked[:top]) if top > 0 else set(ranked)
    edges = [
        Edge(unit, other, tally.facts(), tuple(tally.examples))
        for (unit, other), tally in sorted(links.items())
        if unit in kept and tally.items >= min_count
    ]
    linked = {e.source for e in edges} | {e.target for e in edges}
    names = category_names((o for o in others if o in linked), labels) if other_kind == NodeKind.CATEGORY else {}
    nodes = [
        Node(
            unit,
            unit_name(unit, label_of(labels, unit), labels),
            NodeKind.GUIDELINE.value,
            aggregate.source_of[unit],
            t.facts(),
            tuple(t.examples),
            (label_of(labels, aggregate.source_of[unit]),) if unit != aggregate.source_of[unit] else (),
            t.case_list(),
            t.letter_count,
        )
        for unit, t in sorted(tallies.items())
        if unit in linked
    ] + [
        Node(
            other,
            names.get(other) or label_of(labels, other),
            other_kind,
            facts=t.facts(),
            examples=tuple(t.examples),
            cases=t.case_list(),
            letters=t.letter_count,
        )
        for other, t in sorted(others.items())
        if other in linked
    ]
    sources = sorted({aggregate.source_of[n.id] for n in nodes if n.kind == NodeKind.GUIDELINE})
    shown = sum(1 for n in nodes if n.kind == NodeKind.GUIDELINE)
    note = f"{shown} of {len(ranked)} guideline units shown (the most cited first)"
    if min_count > 1:
        note += f"; links with fewer than {min_count} items hidden"
    return Network(
        kind=kind,
        title=title,
        nodes=tuple(nodes),
        edges=tuple(edges),
        roles=tuple(ROLES[k][0] for k in sorted(aggregate.roles) if k != ANY_ROLE),
        years=tuple(sorted(aggregate.years)),
        sources=tuple((s, label_of(labels, s)) for s in sources),
        note=note,
        any_role=isinstance(aggregate, Aggregate),
    )


def _unit_label(labels: dict[str, str], unit: str, source: str) -> str:
    """A unit's name with its guideline's, so that two "Low Back" chapters stay apart."""
    del source  # the unit's IRI says its guideline
    return unit_name(unit, label_of(labels, unit), labels)


#: Where a network's counts come from (see :func:`citation_network`).
Counts = Literal["auto", "letters", "statistics"]
#: Letters up to which a network is counted from the letter graphs when not told.
LETTERS_WALKED = 10_000


def _from_statistics(store: ox.Store, counts: str) -> bool:
    """Whether a network is read from the statistics: asked, or ``auto`` on a large graph."""
    from imr_graph import stats

    if counts not in ("auto", "letters", "statistics"):
        raise QueryError(f"counts must be auto, letters or statistics, not {counts!r}")
    if counts == "letters":
        return False
    current = stats.is_current(store)
    if counts == "statistics" and not current:
        raise QueryError("the statistics are not current: run imr-graph build (or count from the letters)")
    return current and (counts == "statistics" or (stats.letter_count(store) or 0) > LETTERS_WALKED)


def _outcomes(measures: str) -> tuple[int, int]:
    """Items upheld and overturned, from an observation's packed measures."""
    from imr_graph.stats import unpacked

    found = unpacked(measures)
    return found["upheld"], found["overturned"]


def _sliced(dataset: str, role: str, level: str) -> dict[str, ox.NamedNode | ox.Literal]:
    """What a projection of the statistics binds: the citing role, the unit level, and the slice
    of ``dataset`` they pick (independent items, by subcategory)."""
    from imr_graph.stats import slice_of

    who, at = ox.NamedNode(role), ox.Literal(level)
    scope, detail = ox.Literal("independent"), ox.Literal("subcategory")
    where = slice_of(dataset, "by-role-level", itemScope=scope, citingRole=who, unitLevel=at, categoryDetail=detail)
    return {"role": who, "level": at, "slice": where}


def _read_citations(store: ox.Store, level: str, roles: Iterable[str]) -> Read:
    """The citation network's counts as the statistics keep them (see :class:`Counted`)."""
    read = Read()
    for key, _, concept in ROLES:
        if key not in set(roles):
            continue
        k = ROLE_INDEX[concept]
        for row in rows(store, "projection-network-categories", **_sliced("category-cited", concept, level)):
            read.others.setdefault(row["category"], Counted()).add(k, *_outcomes(row["measures"]))
        # an item is filed under one category, so a unit's items are those of its links
        for row in rows(store, "projection-matrix", **_sliced("guideline-category", concept, level)):
            unit, counts = row["unit"], _outcomes(row["measures"])
            read.units.setdefault(unit, Counted()).add(k, *counts)
            read.edges.setdefault((unit, row["category"]), Counted()).add(k, *counts)
            read.roles.add(k)
            if "source" in row:
                read.source_of[unit] = row["source"]
    return read


def _list_letters(store: ox.Store, read: Read, units: Iterable[str], level: str) -> None:
    """List the letters of ``units`` (and of their links and categories) from the first rows
    the unit-cases query finds for each."""
    for unit in units:
        for entry in unit_cases(store, unit, level):
            k = ROLE_INDEX.get(entry.role)
            if k is None or k not in read.roles or (unit, entry.category) not in read.edges:
                continue  # another role's, or an item filed under no category (it has no link)
            for counted in (read.units[unit], read.edges[unit, entry.category], read.others[entry.category]):
                counted.list_case(entry.case, k, 0, entry.overturned)


def citation_network(
    store: ox.Store,
    *,
    level: Level = "chapter",
    top: int = 60,
    min_count: int = 1,
    roles: Iterable[str] = (Role.REVIEWER.value, Role.CLAIMS_ADMINISTRATOR.value),
    counts: Counts = "auto",
) -> Network:
    """Guideline units ↔ treatment categories, from every letter in ``store``.

    ``level`` picks the guideline nodes: the chapter or part cited (``chapter``; the whole
    guideline when no part is named) or the named sections. Only the ``top`` most cited units
    are kept (0: all), and links with fewer than ``min_count`` items are left out.

    ``counts`` says where the counts come from: ``letters`` walks the letter graphs (about
    0.6 ms a letter), ``statistics`` reads those kept at build time (seconds at any size; they
    keep each citing role apart and no year, so the page then offers neither "any role" nor
    the year filter); ``auto`` reads the letters of graphs of up to :data:`LETTERS_WALKED`
    letters, the statistics of larger ones.
    """
    counted: Aggregate | Read
    if _from_statistics(store, counts):
        counted = _read_citations(store, level, roles)
        for unit in counted.units:
            if unit not in counted.source_of:
                counted.source_of[unit] = _source(unit)
        ranked = sorted(counted.units, key=lambda u: (-counted.units[u].items, u))
        _list_letters(store, counted, ranked[:top] if top > 0 else ranked, level)
    else:
        query = "projection-view" if level == "chapter" else "projection-view-sections"
        counted = aggregate(store, query, "category", roles)
    drawn = _network(
        counted,
        label_map(store),
        kind="citations",
        title="Guidelines cited for each kind of treatment",
        other_kind=NodeKind.CATEGORY.value,
        top=top,
        min_count=min_count,
    )
    return drawn if isinstance(counted, Aggregate) else replace(drawn, note=drawn.note + _FROM_STATISTICS)


#: What a network read from the statistics says of its counts.
_FROM_STATISTICS = (
    "; counted from the statistics kept at build time: each citing role apart, every year together "
    "(--raw counts from the letters, with the year filter and any role)"
)


def _read_specialties(store: ox.Store) -> Read:
    """The specialty network's counts as the statistics keep them."""
    reviewer = ROLE_INDEX[Role.REVIEWER.concept]
    read = Read(roles={reviewer})
    for row in rows(store, "projection-specialty-stats"):
        specialty, unit = row.get("specialty"), row.get("unit")
        counts = (int(row["upheld"]), int(row["overturned"]))
        if specialty and unit:
            read.edges.setdefault((unit, specialty), Counted()).add(reviewer, *counts)
        elif specialty:
            read.others.setdefault(specialty, Counted()).add(reviewer, *counts)
        elif unit:
            read.units.setdefault(unit, Counted()).add(reviewer, *counts)
            read.source_of[unit] = row.get("source") or _source(unit)
    return read


def specialty_network(store: ox.Store, *, top: int = 60, min_count: int = 1, counts: Counts = "auto") -> Network:
    """Reviewer specialties ↔ the guideline units reviewers of that specialty cite (``counts``:
    as for :func:`citation_network`)."""
    counted: Aggregate | Read
    if _from_statistics(store, counts):
        counted = _read_specialties(store)
        ranked = sorted(counted.units, key=lambda u: (-counted.units[u].items, u))
        for unit in ranked[:top] if top > 0 else ranked:
            for entry in unit_cases(store, unit):
                if ROLE_INDEX.get(entry.role) in counted.roles:
                    counted.units[unit].list_case(entry.case, ROLE_INDEX[entry.role], 0, entry.overturned)
    else:
        counted = aggregate(store, "projection-view-specialty", "specialty", ("reviewer",))
    drawn = _network(
        counted,
        label_map(store),
        kind=NodeKind.SPECIALTY.value,
        title="Guidelines cited by reviewers of each specialty",
        other_kind=NodeKind.SPECIALTY.value,
        top=top,
        min_count=min_count,
    )
    said = (
        "; an item counts once for each specialty of its reviewer (a reviewer board-certified in two "
        "counts under both), so the specialties' items add up to more than the items"
    )
    return replace(drawn, note=drawn.note + said + ("" if isinstance(counted, Aggregate) else _FROM_STATISTICS))


def citation_matrix(
    store: ox.Store, *, role: str = "reviewer", level: Level = "chapter", top: int = 40, raw: bool = False
) -> Matrix:
    """Guideline units × treatment categories for one citing role, all years.

    Read from the statistics kept at build time when they are current (instant at any size),
    else (or with ``raw``) counted from the letter graphs; both give the same matrix.
    """
    from imr_graph import stats

    concepts = {key: concept for key, _, concept in ROLES}
    if role not in concepts:
        raise QueryError(f"unknown role {role!r}; choose one of {', '.join(concepts)}")
    labels = label_map(store)
    totals: Counter[str] = Counter()
    counted: dict[tuple[str, str], Cell] = {}
    source_of: dict[str, str] = {}
    if stats.is_current(store) and not raw:
        for row in rows(store, "projection-matrix", **_sliced("guideline-category", concepts[role], level)):
            unit = row["unit"]
            upheld, overturned = _outcomes(row["measures"])
            counted[unit, row["category"]] = Cell(upheld, overturned)
            totals[unit] += upheld + overturned
    else:
        query = "projection-view" if level == "chapter" else "projection-view-sections"
        tallied = aggregate(store, query, "category", (role,))
        for (unit, category), tally in tallied.edges.items():
            up = sum(n for (r, _, outcome), n in tally.counts.items() if r == ANY_ROLE and outcome == 0)
            counted[unit, category] = Cell(up, tally.items - up)
        totals.update({unit: tally.items for unit, tally in tallied.units.items()})
        source_of = tallied.source_of
    ranked = sorted(totals, key=lambda u: (-totals[u], label_of(labels, u), u))
    kept = ranked[:top] if top > 0 else ranked
    for unit in kept:
        if unit not in source_of:
            source_of[unit] = _source(unit)
    shown = set(kept)
    cells = {key: cell for key, cell in counted.items() if key[0] in shown}
    by_column: Counter[str] = Counter()
    for (_, category), cell in cells.items():
        by_column[category] += cell.items
    columns = sorted(by_column, key=lambda c: (-by_column[c], label_of(labels, c), c))
    label = {key: text for key, text, _ in ROLES}[role]
    listed: dict[tuple[str, str], set[tuple[str, int]]] = {}
    partial = set()
    for unit in kept:
        found = unit_cases(store, unit, level)
        if len(found) >= CASE_ROWS:
            partial.add(unit)
        for entry in found:
            if entry.role == concepts[role] and (unit, entry.category) in cells:
                listed.setdefault((unit, entry.category), set()).add((entry.case, entry.overturned))
    return Matrix(
        title=f"Overturn rate by guideline and treatment category ({label}'s citations)",
        role=role,
        rows=tuple((u, _unit_label(labels, u, source_of.get(u, u))) for u in kept),
        columns=tuple(category_names(columns, labels).items()),
        cells=cells,
        note=f"{len(kept)} of {len(ranked)} guideline units shown (the most cited first)",
        sources={u: source_of.get(u, u) for u in kept},
        cases={key: tuple(sorted(found)[:CELL_CASES]) for key, found in listed.items()},
        partial=frozenset(partial),
    )


def _source(unit: str) -> str:
    """The guideline a unit belongs to, as its IRI says (every unit IRI starts with its
    guideline's key; other evidence is minted apart); a node that is no unit is its own."""
    code = I.source_code(unit)
    return I.guideline(code) if code is not None else unit


# --- one letter -------------------------------------------------------------------------


def case_record(store: ox.Store, case: str) -> CaseRecord:
    """The case record of one letter in ``store``, read back from its graph."""
    from imr_graph.rdf import record_from_quads

    letter = I.letter(case)
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(letter)))
    if not quads:
        raise QueryError(f"no letter {case!r} in this graph (give the case number, e.g. CM16-0213037)")
    return record_from_quads(quads, letter)


def case_network(store: ox.Store, case: str) -> Network:
    """One letter as a graph: its items and outcomes, both parties' citations, diagnoses, reviewer."""
    from imr_graph.rdf import cited_units

    record = case_record(store, case)
    letter = I.letter(record.id)
    parties = (Role.REVIEWER, Role.CLAIMS_ADMINISTRATOR)
    named = [cited_units(c) for item in record.items for party in parties for c in item.citations_of(party)]
    cited = {u.cited for u in named} | {u.source for u in named}
    labels = labels_for(store, cited, (I.VOCABULARY_GRAPH, I.STATISTICS_GRAPH, letter))
    year = int(record.decision_date[:4]) if record.decision_date else 0
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    nodes[letter] = Node(letter, record.case_number or record.id, NodeKind.LETTER.value, detail=_letter_detail(record))
    reviewer = record.reviewer
    if reviewer.specialties or reviewer.license_states:
        node = I.reviewer(letter)
        text = ", ".join(reviewer.specialties) or "Reviewer"
        states = ", ".join(reviewer.license_states)
        nodes[node] = Node(node, text, NodeKind.REVIEWER.value, detail=(f"Licensed in {states}",) if states else ())
        edges.append(Edge(letter, node))
    for diagnosis in record.diagnoses:
        node = I.diagnosis(diagnosis.text)
        nodes.setdefault(
            node, Node(node, diagnosis.text, NodeKind.DIAGNOSIS.value, detail=(diagnosis.body_region or "",))
        )
        edges.append(Edge(letter, node))
    roles = set()
    for item in record.items:
        node = I.item(letter, item.n)
        outcome = 1 if item.decision.value == "overturned" else 0
        nodes[node] = Node(
            node,
            f"{item.n}. {item.treatment.label or item.request}",
            NodeKind.ITEM.value,
            group=item.decision.value,
            detail=(item.request, f"Decision: {item.decision.value}", f"Category: {item.treatment.category or '—'}"),
        )
        edges.append(Edge(letter, node))
        for party in (Role.REVIEWER, Role.CLAIMS_ADMINISTRATOR):
            role = ROLE_INDEX[party.concept]
            for citation in item.citations_of(party):
                units = cited_units(citation)
                unit = units.cited
                roles.add(role)
                nodes.setdefault(unit, Node(unit, label_of(labels, unit), NodeKind.GUIDELINE.value, group=units.source))
                facts = ((role, year, 1 - outcome, outcome), (ANY_ROLE, year, 1 - outcome, outcome))
                edges.append(Edge(node, unit, facts, (record.id,), (citation.text,)))
    sources = sorted({n.group for n in nodes.values() if n.kind == NodeKind.GUIDELINE})
    return Network(
        kind="case",
        title=f"Case {record.case_number or record.id}",
        nodes=tuple(nodes.values()),
        edges=tuple(edges),
        roles=tuple(ROLES[k][0] for k in sorted(roles)),
        years=(year,),
        sources=tuple((s, label_of(labels, s)) for s in sources),
        note=f"{len(record.items)} items; {record.source.path}",
    )


def _letter_detail(record: CaseRecord) -> tuple[str, ...]:
    lines = [f"Decision date: {record.decision_date}"] if record.decision_date else []
    if record.patient.age or record.patient.sex:
        lines.append(f"Patient: {record.patient.age or ''} {record.patient.sex or ''}".strip())
    lines.append(f"Format: {record.source.format.value}")
    return tuple(lines)


def letter_text(store: ox.Store, case: str, *, letter_path: str | Path | None = None) -> LetterText:
    """A letter's text with the spans of everything read from it.

    The text is read again from ``letter_path`` (default: the path the record was extracted
    from) and must be the same file: its SHA-256 is checked against the record's.
    """
    from imr_graph.read import read_letter

    record = case_record(store, case)
    path = Path(letter_path or record.source.path)
    if not path.is_file():
        raise QueryError(f"{path}: the letter of {case} is not there; give its file with --letter PATH")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != record.source.sha256:
        raise QueryError(f"{path}: not the letter {case} was extracted from (its SHA-256 differs)")
    letter = read_letter(path, data)
    marks, missing = _marks(record)
    return LetterText(record.case_number or record.id, str(path), letter.text, marks, missing)


def _marks(record: CaseRecord) -> tuple[tuple[Mark, ...], tuple[str, ...]]:
    letter = I.letter(record.id)
    found: list[tuple[str, str, str, str, Span | None]] = []
    patient = record.patient
    for key, span in sorted(record.provenance.items()):
        value = getattr(record, key, "")
        if key == "patient":
            value = ", ".join(str(v) for v in (patient.age, patient.sex) if v is not None)
        found.append(("header", key.replace("_", " "), str(value or ""), letter, span))
    reviewer = record.reviewer
    found.append(("reviewer", "reviewer", ", ".join(reviewer.specialties), I.reviewer(letter), reviewer.span))
    for diagnosis in record.diagnoses:
        found.append(("diagnosis", "diagnosis", diagnosis.text, I.diagnosis(diagnosis.text), diagnosis.span))
    for item in record.items:
        node = I.item(letter, item.n)
        found.append(("item", f"item {item.n} ({item.decision.value})", item.request, node, item.span))
        for party in Role.parties():
            role = party.value
            for k, citation in enumerate(item.citations_of(party), start=1):
                name = f"item {item.n}: {role.replace('-', ' ')} citation {k}"
                found.append((f"citation-{role}", name, citation.text, I.citation(node, role, k), citation.span))
        for k, citation in enumerate(item.rationale_citations, start=1):
            name = f"item {item.n}: rationale citation {k}"
            node_iri = I.citation(node, "rationale", k)
            found.append(("citation-rationale", name, citation.text, node_iri, citation.span))
    marks, missing = [], []
    for n, (kind, label, value, node, where) in enumerate(found, start=1):
        if where is None or where.end <= where.start:
            missing.append(f"{label}: {value}")
        else:
            marks.append(Mark(f"m{n}", kind, label, value, node, where))
    return tuple(marks), tuple(missing)
