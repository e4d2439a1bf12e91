"""Outcome statistics kept at build time, as W3C RDF Data Cube observations.

Counting items by guideline over every letter graph is a scan of the whole store (seconds
at 100 k letters, minutes at a million), so builds keep the counts the named queries need
in one named graph, ``id/graph/statistics``: each observation holds how many items were
upheld and overturned for one combination of dimension values (citing role, guideline
unit, treatment category, specialty, year, …).

Every letter contributes a :func:`tally`; a build adds the tallies of the letters it writes
and subtracts those of the letters it replaces, so the counts stay exact as letters come
and go. The counts are the ones the raw queries in ``queries/raw/`` compute from the
letter graphs (the tests hold them equal). A marker (``imr:letterCount``) is written when
the counts are complete; a build that stops half way leaves none, and the next build, or
:func:`refresh`, counts again from the letters.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import combinations, islice
from typing import NamedTuple

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.errors import StoreError
from imr_graph.rdf import cited_units, quoted, record_from_quads, section_label
from imr_graph.records import Basis, CaseRecord, Citation, Decision, Guideline, Item, Role
from imr_graph.vocab import load_vocabulary, ontology_dir


#: A cell of the cube: its data set and its dimension values as (property, N-Triples term).
class Cell(NamedTuple):
    """One observation of the statistics: its data set, and the dimensions that pick it, each a
    (property, N-Triples term) pair in a fixed order. (A named tuple: letters are tallied into
    hundreds of cells each, and a tuple hashes quickly.)"""

    dataset: str
    dims: tuple[tuple[str, str], ...] = ()

    @property
    def iri(self) -> str:
        """The observation's IRI (minted from the data set and the dimensions' text)."""
        return I.observation(self.dataset, repr(self.dims))

    def scoped(self, scope: str) -> Cell:
        """The same cell counting the items of one scope (see :data:`SCOPES`)."""
        return Cell(self.dataset, (_SCOPE_DIMS[scope], *self.dims))


class Tally(dict[Cell, list[int]]):
    """The measures of each cell (in the order of :data:`MEASURES`): a letter's contribution,
    a batch's, or a change to apply. Tallies add and subtract cell by cell."""

    def add(self, other: Tally, sign: int = 1) -> None:
        combine = operator.add if sign == 1 else operator.sub
        for cell, values in other.items():
            mine = self.get(cell)
            if mine is None:
                self[_shared(cell)] = list(values) if sign == 1 else [-v for v in values]
            else:
                mine[:] = map(combine, mine, values)

    def add_measures(self, cell: Cell, items: int, overturned: int) -> None:
        """Add one letter's ``items`` items in ``cell``, ``overturned`` of them overturned."""
        values = _measures(items, overturned)
        mine = self.get(cell)
        if mine is None:
            self[cell] = values
        else:
            mine[:] = map(operator.add, mine, values)

    def take(self, other: Tally) -> None:
        """Subtract ``other`` (a letter replaced or removed)."""
        self.add(other, -1)

    def copy(self) -> Tally:
        return Tally((cell, list(values)) for cell, values in self.items())


#: The data set names and dimension pairs the cells of this process's tallies hold, one object
#: each: a build's running total holds hundreds of thousands of cells, and a copy of the same
#: names and IRIs in each was over a third of its memory (100 k letters: 239 → 150 MB).
_NAMES: dict[str, str] = {}
_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}


def _shared(cell: Cell) -> Cell:
    """``cell`` made of the shared copies of its name and dimension pairs."""
    keep = _PAIRS.setdefault
    return Cell(_NAMES.setdefault(cell.dataset, cell.dataset), tuple([keep(pair, pair) for pair in cell.dims]))


LEVELS = ("source", "chapter", "section", "page")
#: Which items a cell counts: every item, or (the default of every question) the items that
#: were decided on their own, leaving out those decided only because another item was.
SCOPES = ("all", "independent")
_SCOPE_DIMS = {scope: ("itemScope", quoted(scope)) for scope in SCOPES}
#: Levels at which guideline pairs (co-citation) and the two parties' agreement are counted.
PAIR_LEVELS = ("source", "chapter")
ROLES = {role.value: role.concept for role in (Role.CLAIMS_ADMINISTRATOR, Role.REVIEWER, Role.RATIONALE)}
#: Each measure an observation keeps, by name, and its property. All are sums over letters,
#: so a letter's contribution can be added and taken away: items upheld and overturned, the
#: letters with items in the cell and those with at least one overturned, and the sums over
#: letters of n², y² and n·y (n items, y overturned in the letter), which the letter-clustered
#: variance of the overturn rate needs.
MEASURES = {
    "upheld": I.NS + "upheldCount",
    "overturned": I.NS + "overturnedCount",
    "letters": I.NS + "letterCount",
    "overturnedLetters": I.NS + "overturnedLetterCount",
    "itemSquares": I.NS + "itemSquares",
    "overturnedSquares": I.NS + "overturnedSquares",
    "itemOverturnedProducts": I.NS + "itemOverturnedProducts",
}
_ITEMS = I.NS + "itemCount"
#: Every measure of an observation again in one literal (the order of MEASURES, separated by
#: spaces): a question reading thousands of observations reads one value each, not seven.
_PACKED = I.NS + "measures"
_MARKER = I.NS + "letterCount"
#: The form of the statistics this version writes and reads; a store whose statistics are in
#: another form is counted again (as after an unfinished build).
_FORM = I.NS + "statisticsForm"
_FORM_VALUE = ox.Literal("8", datatype=ox.NamedNode(I.XSD + "integer"))
_XSD_INT = f"<{I.XSD}integer>"
#: Statistics quads written per transaction when counts are applied.
_CHUNK = 100_000
#: Slices (``qb:Slice``, linked to their observations by ``qb:observation``): how a named
#: question finds the few observations it needs without reading a whole data set. Each is
#: (its name, the dimensions whose values it fixes, in the order the questions bind them).
SLICES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "guideline": (("by-role-level", ("itemScope", "citingRole", "unitLevel")),),
    "guideline-category": (
        ("by-category", ("itemScope", "citingRole", "unitLevel", "categoryDetail", "treatmentCategory")),
        ("by-unit", ("itemScope", "citingRole", "unitLevel", "categoryDetail", "unit")),
        ("by-role-level", ("itemScope", "citingRole", "unitLevel", "categoryDetail")),
    ),
    "category-cited": (("by-role-level", ("itemScope", "citingRole", "unitLevel", "categoryDetail")),),
    "cocitation": (("by-role-level", ("itemScope", "citingRole", "unitLevel")),),
}


def _iri(value: str) -> str:
    return f"<{value}>"


def _int(value: int) -> str:
    return f'"{value}"^^{_XSD_INT}'


def _units(citations: Iterable[Citation]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {level: set() for level in LEVELS}
    for citation in citations:
        units = cited_units(citation)
        found["source"].add(units.source)
        found["chapter"].add(units.cited)
        found["section"].update(units.sections)
        found["page"].update(units.pages)
    return found


def evidence_tier(basis: Basis) -> str:
    """Where a party's basis stands in the evidence sequence: MTUS, then other guidelines,
    then other evidence (studies, articles); ``unspecified`` when it cited evidence the
    letter does not name, ``none`` when it cited none."""
    if basis.mtus_based:
        return "mtus"
    if any(c.guideline is not Guideline.OTHER for c in basis.citations):
        return "other-guideline"
    if basis.citations:
        return "other-evidence"
    return "unspecified" if basis.cited_evidence else "none"


def agreement(administrator: set[str], reviewer: set[str]) -> str:
    """Whether the reviewer cites a unit the claims administrator also cited; when a side cited
    nothing, which one (or that neither did)."""
    if not administrator and not reviewer:
        return "neither-cited"
    if not administrator:
        return "claims-administrator-cited-none"
    if not reviewer:
        return "reviewer-cited-none"
    return "shared" if administrator & reviewer else "different"


#: Levels at which the network views count the items a party cites something for.
VIEW_LEVELS = ("chapter", "section")


def _item_cells(item: Item, letter_cells: list[Cell], specialties: tuple[str, ...] = ()) -> set[Cell]:
    """The cells one item is counted in (without its scope); ``specialties`` are its reviewer's
    specialty concepts (as N-Triples terms)."""
    cells: set[Cell] = set(letter_cells)
    categories: list[tuple[tuple[str, str], tuple[str, str]]] = []
    if item.treatment.category:  # counted under its category and, apart, its subcategory
        top = _iri(I.category(item.treatment.category))
        linked = _iri(I.category(item.treatment.category, item.treatment.subcategory))
        for detail, concept in (("category", top), ("subcategory", linked)):
            categories.append((("categoryDetail", quoted(detail)), ("treatmentCategory", concept)))
    for category in categories:
        cells.add(Cell("category", category))
    cited: dict[str, dict[str, set[str]]] = {}
    for role in (Role.CLAIMS_ADMINISTRATOR, Role.REVIEWER, Role.RATIONALE):
        cited[role.value] = units = _units(item.citations_of(role))
        who = ("citingRole", _iri(role.concept))
        for level, found in units.items():
            for unit in found:
                dims = (who, ("unitLevel", quoted(level)), ("unit", _iri(unit)))
                cells.add(Cell("guideline", dims))
                for category in categories:
                    cells.add(Cell("guideline-category", (*dims, *category)))
        for level in PAIR_LEVELS:
            for a, b in combinations(sorted(units[level]), 2):
                pair = (("unit", _iri(a)), ("coUnit", _iri(b)))
                cells.add(Cell("cocitation", (who, ("unitLevel", quoted(level)), *pair)))
        for level in VIEW_LEVELS:  # the category nodes of the network views
            if units[level]:
                for category in categories:
                    cells.add(Cell("category-cited", (who, ("unitLevel", quoted(level)), *category)))
    for role in Role.parties():
        tier = ("evidenceTier", quoted(evidence_tier(item.basis(role))))
        cells.add(Cell("evidence", (("citingRole", _iri(role.concept)), tier)))
    for level in PAIR_LEVELS:
        kind = agreement(cited[Role.CLAIMS_ADMINISTRATOR.value][level], cited[Role.REVIEWER.value][level])
        cells.add(Cell("agreement", (("unitLevel", quoted(level)), ("agreement", quoted(kind)))))
    reviewed = cited[Role.REVIEWER.value]["chapter"]
    for specialty in specialties if reviewed else ():  # the specialty network
        cells.add(Cell("specialty-cited", (("specialty", specialty),)))
        for unit in reviewed:
            cells.add(Cell("specialty-guideline", (("specialty", specialty), ("unit", _iri(unit)))))
    for unit in reviewed if specialties else ():
        cells.add(Cell("guideline-reviewed", (("unit", _iri(unit)),)))
    return cells


def tally(record: CaseRecord, into: Tally | None = None) -> Tally:
    """What one letter adds to the statistics: for each cell its items fall in, and each scope
    (every item, or independent items only), the letter's measures (see :data:`MEASURES`).
    Added to ``into`` when given (a batch's sum), and returned."""
    specialty_iris = load_vocabulary().specialty_iris
    letter_cells: list[Cell] = [Cell("all")]
    concepts = {specialty_iris.get(label) or I.specialty(label) for label in record.reviewer.specialties}
    specialties = tuple(sorted(_iri(concept) for concept in concepts))
    for concept in specialties:
        letter_cells.append(Cell("specialty", (("specialty", concept),)))
    for code in record.reviewer.license_states:
        letter_cells.append(Cell("state", (("licensedIn", _iri(I.state(code))),)))
    if record.decision_date:
        letter_cells.append(Cell("year", (("decisionYear", _int(int(record.decision_date[:4]))),)))
    # this letter's items and overturned items in each cell: all of them, and the independent ones
    within: dict[Cell, list[int]] = {}
    for item in record.items:
        overturned = int(item.decision is Decision.OVERTURNED)
        counts_item = [1, overturned, 0, 0] if item.dependent else [1, overturned, 1, overturned]
        for cell in _item_cells(item, letter_cells, specialties):
            counts = within.get(cell)
            if counts is None:
                within[cell] = list(counts_item)
            else:
                counts[:] = map(operator.add, counts, counts_item)
    out = Tally() if into is None else into
    every, independent = SCOPES
    for cell, (n, y, n_independent, y_independent) in within.items():
        out.add_measures(cell.scoped(every), n, y)
        if n_independent:
            out.add_measures(cell.scoped(independent), n_independent, y_independent)
    return out


def letter_measures(items: int, overturned: int) -> dict[str, int]:
    """What one letter with ``items`` items in a cell, ``overturned`` of them overturned, adds to
    the cell's measures: sums over letters, so that a cell's counts and its letter-clustered
    variance can be kept up to date as letters come and go.

    >>> letter_measures(3, 1)["itemOverturnedProducts"]
    3
    """
    return dict(zip(MEASURES, _measures(items, overturned), strict=True))


def _measures(items: int, overturned: int) -> list[int]:
    """:func:`letter_measures` as a list, in the order of :data:`MEASURES` (as a tally keeps them)."""
    return [
        items - overturned,
        overturned,
        1,
        int(overturned > 0),
        items * items,
        overturned * overturned,
        items * overturned,
    ]


@cache
def catalog_labels() -> dict[str, str]:
    """The guideline catalog's names (``skos:prefLabel``) of the units it knows, by IRI."""
    pref = I.SKOS + "prefLabel"
    path = ontology_dir() / "guidelines.ttl"
    return {
        t.subject.value: t.object.value
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        if t.predicate.value == pref and isinstance(t.object, ox.Literal)
    }


@dataclass(frozen=True)
class Unit:
    """What the statistics say of a guideline unit once: its name, what it is part of, and the
    pages of a page locator (so a question can find the locators of a part that overlap some
    pages without reading every letter)."""

    label: str
    part_of: str | None = None
    pages: tuple[int, int] | None = None
    match: str | None = None  # the catalog concept of the ODG topic a section unit is


def name_unit(names: dict[str, Unit], unit: str, facts: Unit) -> None:
    """Keep one name per unit whatever order letters come in: the lexically first (a catalog
    name is the same in every letter), so any build or recovery gives the same statistics."""
    known = names.get(unit)
    if known is None or facts.label < known.label:
        names[unit] = facts


def labels(record: CaseRecord) -> dict[str, Unit]:
    """The guideline units a letter cites, each with a readable name (the catalog's where it
    has one, else one made from the citation: the questions read only these) and its place."""
    found: dict[str, Unit] = {}
    catalog = catalog_labels()

    def add(
        unit: str,
        label: str,
        part_of: str | None = None,
        pages: tuple[int, int] | None = None,
        match: str | None = None,
    ) -> None:
        if unit not in found:
            found[unit] = Unit(catalog.get(unit, label), part_of if part_of != unit else None, pages, match)

    for item in record.items:
        for citation in (
            *item.claims_administrator.citations,
            *item.reviewer.citations,
            *item.rationale_citations,
        ):
            units = cited_units(citation)
            title = citation.chapter_title or (f"chapter {citation.chapter}" if citation.chapter else None)
            part = f"{citation.guideline.value} {title}" if title else citation.guideline.value
            if citation.guideline is Guideline.OTHER:
                part = citation.text[:200]
            add(units.source, citation.guideline.value)
            add(units.cited, part, units.source if citation.guideline is not Guideline.OTHER else None)
            if citation.sections or citation.pages:
                add(units.base, part, units.source if units.base != units.cited else None)
            for name, unit in zip(citation.sections, units.sections, strict=True):
                label, concept = section_label(citation.guideline.value, name)
                add(unit, f"{part}: {label}", units.base, match=concept)
            for (start, end), unit in zip(citation.pages, units.pages, strict=True):
                pages = f"page {start}" if start == end else f"pages {start}-{end}"
                add(unit, f"{part}, {pages}", units.base, (start, end))
    return found


def _unit_lines(unit: str, facts: Unit) -> Iterator[str]:
    tail = f" <{I.STATISTICS_GRAPH}> .\n"
    yield f"<{unit}> <{I.RDFS}label> {quoted(facts.label)}{tail}"
    if facts.part_of is not None:
        yield f"<{unit}> <{I.DCT}isPartOf> <{facts.part_of}>{tail}"
    if facts.match is not None:
        yield f"<{unit}> <{I.SKOS}exactMatch> <{facts.match}>{tail}"
    if facts.pages is not None:
        yield f"<{unit}> <{I.NS}startPage> {_int(facts.pages[0])}{tail}"
        yield f"<{unit}> <{I.NS}endPage> {_int(facts.pages[1])}{tail}"


def slice_of(dataset: str, by: str, **values: ox.NamedNode | ox.Literal) -> ox.NamedNode:
    """The slice of ``dataset`` keyed ``by`` (see :data:`SLICES`) that ``values`` pick: where a
    projection reading it starts (``?slice``)."""
    (fixed,) = [dims for name, dims in SLICES[dataset] if name == by]
    return ox.NamedNode(I.statistics_slice(dataset, by, [str(values[dim]) for dim in fixed]))


#: A slice an observation belongs to: its IRI, its key's name, the dimensions it fixes.
_Slice = tuple[str, str, tuple[str, ...]]


def _slices(cell: Cell) -> list[_Slice]:
    """The slices an observation belongs to: each one's IRI, key name and fixed dimensions."""
    values = dict(cell.dims)
    return [
        (I.statistics_slice(cell.dataset, by, [values[d] for d in fixed]), by, fixed)
        for by, fixed in SLICES.get(cell.dataset, ())
    ]


def _slice_lines(cell: Cell, slices: list[_Slice], described: set[str]) -> Iterator[str]:
    """The slices of a cell (its :func:`_slices`) not yet in ``described``, described: a
    ``qb:Slice`` with its key and the values it fixes (once per slice, however many
    observations it holds)."""
    values = dict(cell.dims)
    tail = f" <{I.STATISTICS_GRAPH}> .\n"
    for node, by, fixed in slices:
        if node in described:
            continue
        described.add(node)
        yield f"<{node}> <{I.RDF}type> <{I.QB}Slice>{tail}"
        yield f"<{node}> <{I.QB}sliceStructure> <{I.slice_key(cell.dataset, by)}>{tail}"
        for dim in fixed:
            yield f"<{node}> <{I.NS}{dim}> {values[dim]}{tail}"


def _observation_lines(cell: Cell, counts: dict[str, int], slices: list[_Slice]) -> Iterator[str]:
    node = _iri(cell.iri)
    tail = f" <{I.STATISTICS_GRAPH}> .\n"
    for slice_, _, _ in slices:
        yield f"<{slice_}> <{I.QB}observation> {node}{tail}"
    yield f"{node} <{I.RDF}type> <{I.QB}Observation>{tail}"
    yield f"{node} <{I.QB}dataSet> <{I.dataset(cell.dataset)}>{tail}"
    for prop, term in cell.dims:
        yield f"{node} <{I.NS}{prop}> {term}{tail}"
    yield f"{node} <{_ITEMS}> {_int(counts['upheld'] + counts['overturned'])}{tail}"
    for measure, prop in MEASURES.items():
        yield f"{node} <{prop}> {_int(counts.get(measure, 0))}{tail}"
    yield f"{node} <{_PACKED}> {quoted(packed(counts))}{tail}"


def packed(counts: dict[str, int]) -> str:
    """An observation's measures in one literal, in the order of :data:`MEASURES`.

    >>> packed({"upheld": 3, "overturned": 1, "letters": 2})
    '3 1 2 0 0 0 0'
    """
    return " ".join(str(counts.get(measure, 0)) for measure in MEASURES)


def unpacked(text: str) -> dict[str, int]:
    """The measures of :func:`packed` text, by name."""
    return dict(zip(MEASURES, (int(n) for n in text.split()), strict=True))


def _count_of(quad: ox.Quad) -> int:
    value = quad.object
    return int(value.value) if isinstance(value, ox.Literal) else 0


def _graph() -> ox.NamedNode:
    return ox.NamedNode(I.STATISTICS_GRAPH)


#: Statistics quads :func:`clear` reads at a time, to remove them one by one.
_REMOVED_AT_ONCE = 100_000


def clear(store: ox.Store) -> None:
    """Remove the statistics (their letters are gone, or they are about to be counted again).

    Quad by quad, after the mark of complete counts: pyoxigraph removes a whole graph in one
    transaction, whose cost grows faster than the graph (400 k quads: 15.6 s, against 8.8 s
    one at a time; the statistics of 100 k letters hold 8.5 M). Cut short, it leaves counts
    that are marked incomplete, and the next build counts them again."""
    graph = _graph()
    if not store.contains_named_graph(graph):
        return
    invalidate(store)
    while chunk := list(islice(store.quads_for_pattern(None, None, None, graph), _REMOVED_AT_ONCE)):
        for quad in chunk:
            store.remove(quad)
    store.remove_graph(graph)  # empty now: its name goes too


def invalidate(store: ox.Store) -> None:
    """Mark the statistics as incomplete (a build is about to change the letters)."""
    for quad in list(store.quads_for_pattern(_graph(), ox.NamedNode(_MARKER), None, _graph())):
        store.remove(quad)


def is_current(store: ox.Store) -> bool:
    """True when the statistics count every letter in the store, in this version's form."""
    graph = _graph()
    return any(True for _ in store.quads_for_pattern(graph, ox.NamedNode(_MARKER), None, graph)) and any(
        True for _ in store.quads_for_pattern(graph, ox.NamedNode(_FORM), _FORM_VALUE, graph)
    )


def letter_count(store: ox.Store) -> int | None:
    """How many letters the statistics count, or None when they are not complete."""
    for quad in store.quads_for_pattern(_graph(), ox.NamedNode(_MARKER), None, _graph()):
        return _count_of(quad)
    return None


def apply(store: ox.Store, change: Tally, names: dict[str, Unit], letters: int) -> None:
    """Add ``change`` to the counts in ``store``, name new units, and mark the counts complete
    for ``letters`` letters. Observations whose counts fall to zero are removed."""
    graph = _graph()
    invalidate(store)
    # none yet (a first build): nothing to look up, and the chunks can load side by side
    first = next(store.quads_for_pattern(None, None, None, graph), None) is None
    with side_by_side(store, 2 if first else 1) as load:
        _apply(store, change, names, graph, first, load)
    # last, on its own: the counts above are bulk-loaded (quick, not transactional), so a
    # build cut short leaves them unmarked, and the next build counts again
    count = ox.Literal(str(letters), datatype=ox.NamedNode(I.XSD + "integer"))
    store.extend(
        [ox.Quad(graph, ox.NamedNode(_FORM), _FORM_VALUE, graph), ox.Quad(graph, ox.NamedNode(_MARKER), count, graph)]
    )


def _apply(
    store: ox.Store,
    change: Tally,
    names: dict[str, Unit],
    graph: ox.NamedNode,
    first: bool,
    load: Callable[[bytes], None],
) -> None:
    lines: list[str] = []
    stale: list[ox.Quad] = []
    by_property = {prop: measure for measure, prop in MEASURES.items()}
    described: set[str] = set()  # slices already described by this change

    def write() -> None:  # a chunk at a time: a first build changes every cell at once
        for quad in stale:  # before the new quads: an unchanged count is the same quad
            store.remove(quad)
        load("".join(lines).encode())
        lines.clear()
        stale.clear()

    for cell, values in change.items():
        if not any(values):
            continue
        node = ox.NamedNode(cell.iri)
        old = [] if first else list(store.quads_for_pattern(node, None, None, graph))
        counts = dict(zip(MEASURES, values, strict=True))
        for quad in old:
            if quad.predicate.value in by_property:
                counts[by_property[quad.predicate.value]] += _count_of(quad)
        if any(n < 0 for n in counts.values()):
            raise StoreError(f"statistics would go negative for {cell}; run a full refresh")
        stale.extend(old)
        if counts["letters"]:
            slices = _slices(cell)
            lines.extend(_slice_lines(cell, slices, described))
            lines.extend(_observation_lines(cell, counts, slices))
        else:  # gone: out of its slices too
            member = ox.NamedNode(I.QB + "observation")
            stale.extend(ox.Quad(ox.NamedNode(s), member, node, graph) for s, _, _ in _slices(cell))
        if len(lines) >= _CHUNK:
            write()
    label = ox.NamedNode(I.RDFS + "label")
    for unit, facts in sorted(names.items()):
        named = list(store.quads_for_pattern(ox.NamedNode(unit), label, None, graph))
        if not named:
            lines.extend(_unit_lines(unit, facts))
        elif facts.label < min(str(getattr(q.object, "value", "")) for q in named):  # lexically first wins
            stale.extend(named)
            lines.append(f"<{unit}> <{I.RDFS}label> {quoted(facts.label)} <{I.STATISTICS_GRAPH}> .\n")
    write()


@contextmanager
def side_by_side(store: ox.Store, loads: int) -> Iterator[Callable[[bytes], None]]:
    """A function that bulk-loads N-Quads bytes into ``store``, up to ``loads`` at once in
    threads of their own (one load's writing holds it to about one core), each waiting its
    turn when as many are under way; all have ended, their first error raised, on leaving."""
    if loads <= 1:
        yield lambda data: store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
        return
    under_way: deque[Future[None]] = deque()
    with ThreadPoolExecutor(loads, thread_name_prefix="imr-graph bulk load") as pool:

        def load(data: bytes) -> None:
            if len(under_way) >= loads:
                under_way.popleft().result()
            under_way.append(pool.submit(store.bulk_load, input=data, format=ox.RdfFormat.N_QUADS))

        try:
            yield load
        except BaseException:
            wait(under_way)  # the loads under way end before the error goes on
            raise
        for future in under_way:
            future.result()


def letter_tally(store: ox.Store, graph: ox.NamedNode) -> Tally:
    """The tally of a letter as the store holds it (before it is replaced or removed)."""
    quads = store.quads_for_pattern(None, None, None, graph)
    return tally(record_from_quads(quads, graph.value))


def journaled_letters(store: ox.Store) -> list[ox.NamedNode]:
    """The letters a build finished writing (those the statistics count)."""
    return [q.subject for q in _journal_entries(store)]  # type: ignore[misc]


def journaled_count(store: ox.Store) -> int:
    """How many letters a build finished writing, without holding them (1.5 M letters' names
    would take 0.2 GB)."""
    return sum(1 for _ in _journal_entries(store))


def _journal_entries(store: ox.Store) -> Iterator[ox.Quad]:
    journal = ox.NamedNode(I.JOURNAL_GRAPH)
    return store.quads_for_pattern(None, ox.NamedNode(I.NS + "sha256"), None, journal)


def refresh(store: ox.Store) -> list[str]:
    """Count again from every letter in the store (after a build stopped half way, or for a
    graph read from a file). Returns the letters left out because their graph is not one a
    build writes (an item with no outcome, say); ``imr-graph validate`` says what is wrong."""
    clear(store)
    total = Tally()
    names: dict[str, Unit] = {}
    skipped: list[str] = []
    letters = letter_graphs(store)
    for letter in letters:
        try:
            record = record_from_quads(store.quads_for_pattern(None, None, None, letter), letter.value)
        except (ValueError, KeyError):
            skipped.append(letter.value)
            continue
        total.add(tally(record))
        for unit, facts in labels(record).items():
            name_unit(names, unit, facts)
    apply(store, total, names, len(letters) - len(skipped))
    return skipped


def letter_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The letters the statistics count: the journaled ones, or every letter graph of a file."""
    journaled = journaled_letters(store)
    if journaled:
        return sorted(journaled, key=lambda n: n.value)
    prefix = I.ID + "letter/"  # a graph read from a file has no journal: every letter graph counts
    return sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)),
        key=lambda n: n.value,
    )
