"""The projection layer: the rows of the projection queries, aggregated as the views and the
networkx export both count them — distinct items per guideline unit, per other node
(treatment category or specialty) and per edge, by citing role, decision year and outcome —
and the names nodes go by.
"""

from __future__ import annotations

import re
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.named import rows
from imr_graph.records import Role

#: Citing roles in the order the page offers them: (key, label, role concept IRI).
ROLES: tuple[tuple[str, str, str], ...] = tuple((role.value, role.label, role.concept) for role in Role)
#: Each citing role's index into ROLES, by its concept IRI.
ROLE_INDEX = {concept: k for k, (_, _, concept) in enumerate(ROLES)}
_OUTCOMES = {I.outcome("upheld"): 0, I.outcome("overturned"): 1}
#: The role index of facts that count an item once whoever cites it ("any role" on the page).
ANY_ROLE = len(ROLES)
#: How many case identifiers a node or edge keeps as examples.
EXAMPLES = 5
#: How many letters a node lists (those with the lowest case numbers), for the page's side list.
CASE_LIST = 40

#: One fact: citing role (index into ROLES, or ANY_ROLE), decision year (0: not given), upheld,
#: overturned.
Fact = tuple[int, int, int, int]
#: One listed case: case number, decision year (0: not given), whether the items counted were
#: overturned (1) or upheld (0), and the citing roles (bit k: ROLES[k]) behind them. A letter
#: with items of both outcomes is listed once for each.
CaseEntry = tuple[str, int, int, int]


class Tally:
    """Distinct items per (role, year, outcome) for one node or edge, and a few examples.

    Besides each role's counts it keeps those of :data:`ANY_ROLE`, where an item that both
    parties cite counts once.
    """

    __slots__ = ("any", "cases", "counts", "examples", "letters", "listed", "seen")

    def __init__(self, distinct: bool) -> None:
        self.counts: Counter[tuple[int, int, int]] = Counter()
        self.examples: list[str] = []
        self.seen: set[tuple[str, int]] | None = set() if distinct else None
        self.any: set[str] = set()
        self.letters: set[str] = set()
        self.listed: list[str] = []  # the CASE_LIST lowest case numbers, in order
        self.cases: dict[tuple[str, int], list[int]] = {}  # (case, outcome) → [year, role bits]

    def add(self, item: str, case: str, role: int, year: int, outcome: int) -> None:
        if self.seen is not None:
            if (item, role) in self.seen:
                return
            self.seen.add((item, role))
        self.counts[role, year, outcome] += 1
        if item not in self.any:
            self.any.add(item)
            self.counts[ANY_ROLE, year, outcome] += 1
        if case not in self.examples and (len(self.examples) < EXAMPLES or case < self.examples[-1]):
            insort(self.examples, case)
            del self.examples[EXAMPLES:]
        self._list(case, role, year, outcome)

    def _list(self, case: str, role: int, year: int, outcome: int) -> None:
        """Keep ``case`` in the list while it is among the CASE_LIST lowest case numbers seen."""
        if case not in self.letters:
            self.letters.add(case)
            if len(self.listed) == CASE_LIST and case > self.listed[-1]:
                return
            insort(self.listed, case)
            if len(self.listed) > CASE_LIST:
                dropped = self.listed.pop()
                self.cases.pop((dropped, 0), None)
                self.cases.pop((dropped, 1), None)
        elif case not in self.listed:
            return
        entry = self.cases.setdefault((case, outcome), [year, 0])
        entry[1] |= 1 << role

    def case_list(self) -> tuple[CaseEntry, ...]:
        """The listed cases, by case number (see :data:`CaseEntry`)."""
        return tuple((case, year, outcome, roles) for (case, outcome), (year, roles) in sorted(self.cases.items()))

    @property
    def items(self) -> int:
        """Distinct items, whoever cites them."""
        return len(self.any)

    @property
    def letter_count(self) -> int:
        """Letters with an item counted here."""
        return len(self.letters)

    def facts(self) -> tuple[Fact, ...]:
        merged: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        for (role, year, outcome), n in self.counts.items():
            merged[role, year][outcome] += n
        return tuple((role, year, up, over) for (role, year), (up, over) in sorted(merged.items()))


class Counted:
    """What the statistics kept at build time say of one node or edge: items by citing role
    and outcome, over every year (they keep no year, nor "any role": an item both parties cite
    counts under each), with its letters listed as the first rows of a query found them."""

    __slots__ = ("by_role", "cases")

    def __init__(self) -> None:
        self.by_role: dict[int, list[int]] = {}
        self.cases: dict[tuple[str, int], list[int]] = {}

    def add(self, role: int, upheld: int, overturned: int) -> None:
        counts = self.by_role.setdefault(role, [0, 0])
        counts[0] += upheld
        counts[1] += overturned

    def list_case(self, case: str, role: int, year: int, outcome: int) -> None:
        entry = self.cases.setdefault((case, outcome), [year, 0])
        entry[1] |= 1 << role

    def facts(self) -> tuple[Fact, ...]:
        return tuple((role, 0, up, over) for role, (up, over) in sorted(self.by_role.items()))

    @property
    def items(self) -> int:
        """Items of the role with the most (whoever cites them is not kept)."""
        return max((up + over for up, over in self.by_role.values()), default=0)

    @property
    def letter_count(self) -> int:
        """Letters found (the statistics do not say how many letters cite a node in all)."""
        return len({case for case, _ in self.cases})

    @property
    def examples(self) -> list[str]:
        return sorted({case for case, _ in self.cases})[:EXAMPLES]

    def case_list(self) -> tuple[CaseEntry, ...]:
        listed = set(sorted({case for case, _ in self.cases})[:CASE_LIST])
        return tuple(
            (case, year, outcome, roles)
            for (case, outcome), (year, roles) in sorted(self.cases.items())
            if case in listed
        )


def label_map(store: ox.Store) -> dict[str, str]:
    """Every labelled node's label: catalog names first, then names counted from the letters."""
    labels: dict[str, str] = {}
    for row in rows(store, "labels"):
        labels.setdefault(row["node"], row["label"])
    return labels


def labels_for(store: ox.Store, nodes: Iterable[str], graphs: Iterable[str]) -> dict[str, str]:
    """The labels of a few ``nodes``, looked up one by one (a whole :func:`label_map` reads every
    labelled node: a second at 100,000 letters), from the first of ``graphs`` that names each."""
    predicates = [ox.NamedNode(I.SKOS + "prefLabel"), ox.NamedNode(I.RDFS + "label")]
    found: dict[str, str] = {}
    for node in nodes:
        for graph in graphs:
            labels = (
                q.object.value
                for predicate in predicates
                for q in store.quads_for_pattern(ox.NamedNode(node), predicate, None, ox.NamedNode(graph))
                if isinstance(q.object, ox.Literal)
            )
            label = next(labels, None)
            if label is not None:
                found[node] = label
                break
    return found


def label_of(labels: dict[str, str], node: str) -> str:
    """A node's label, or the last part of its IRI."""
    return labels.get(node) or node.rstrip("/").rsplit("/", 1)[-1]


def unit_name(unit: str, label: str, labels: dict[str, str] | None = None) -> str:
    """A guideline unit's name on every page: its guideline, chapter and section, apart
    (``ODG · Shoulder · MRI``), so that two chapters or sections of one name stay apart. A
    guideline as a whole keeps its own name.

    >>> unit_name("https://w3id.org/imr-graph/vocab/guideline/odg-shoulder/section/mri", "ODG Shoulder: MRI")
    'ODG · Shoulder · MRI'
    >>> unit_name("https://w3id.org/imr-graph/vocab/guideline/acoem-2004-ch9", "Shoulder Complaints")
    'ACOEM · Shoulder Complaints'

    A section named without its chapter takes the chapter's name from ``labels``; a part whose
    IRI says its edition's year keeps it, so that two editions of one name stay apart:

    >>> unit_name("https://w3id.org/imr-graph/vocab/guideline/cpmtg-chronic-pain-2009", "CPMTG Chronic Pain")
    'CPMTG · Chronic Pain (2009)'
    >>> unit_name("https://w3id.org/imr-graph/vocab/guideline/cpmtg-chronic-pain-2009", "Chronic Pain 2009")
    'CPMTG · Chronic Pain (2009)'
    """
    from imr_graph.iri import SOURCES, source_code

    code = source_code(unit)
    if code is None or unit.rstrip("/").rsplit("/", 1)[-1] in SOURCES:
        return label
    who = "Other" if code == "OTHER" else code
    text = label.removeprefix(f"{code} ") if label.startswith(f"{code} ") else label
    parts = [part.strip() for part in text.split(": ", 1)]
    part_of, _, _ = unit.partition("/section/")
    if len(parts) == 1 and part_of != unit and labels and part_of in labels:
        chapter = labels[part_of]
        parts.insert(0, chapter.removeprefix(f"{code} ") if chapter.startswith(f"{code} ") else chapter)
    edition = _EDITION.search(part_of)
    if edition:  # the year in brackets, whether the label ends in it (as the catalog's do) or not
        year = edition.group("year")
        parts[0] = parts[0].removesuffix(f" {year}")
        if year not in parts[0]:
            parts[0] = f"{parts[0]} ({year})"
    return " · ".join([who, *parts])


#: The edition year at the end of a part's IRI (``…/cpmtg-chronic-pain-medical-treatment-2016``).
_EDITION = re.compile(r"-(?P<year>(?:19|20)\d\d)$")


def category_names(categories: Iterable[str], labels: dict[str, str]) -> dict[str, str]:
    """The names treatment categories go by on one page: a subcategory's own label, or its
    category's and its own where another on the page shares it ("Rehabilitation · Other
    Therapies" beside "Therapies · Other Therapies").

    >>> c = "https://w3id.org/imr-graph/vocab/category/"
    >>> labels = {c + "rehab": "Rehabilitation", c + "rehab--other": "Other Therapies",
    ...           c + "therapies": "Therapies", c + "therapies--other": "Other Therapies"}
    >>> sorted(category_names([c + "rehab--other", c + "therapies--other"], labels).values())
    ['Rehabilitation · Other Therapies', 'Therapies · Other Therapies']
    """
    own = {iri: label_of(labels, iri) for iri in categories}
    shared = Counter(own.values())
    names = {}
    for iri, label in own.items():
        parent, _, sub = iri.partition("--")
        names[iri] = f"{label_of(labels, parent)} · {label}" if sub and shared[label] > 1 else label
    return names


_Counts = TypeVar("_Counts", "Tally", "Counted")


@dataclass
class Sides(Generic[_Counts]):
    """The two sides of a projection (guideline units, and categories or specialties) and the
    links between them, each with its counts; what the counts cover."""

    units: dict[str, _Counts] = field(default_factory=dict)
    others: dict[str, _Counts] = field(default_factory=dict)
    edges: dict[tuple[str, str], _Counts] = field(default_factory=dict)
    source_of: dict[str, str] = field(default_factory=dict)
    roles: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


class Aggregate(Sides[Tally]):
    """Tallies counted from the letters, a projection query's row at a time."""

    def add(self, row: dict[str, str], other: str, role: int) -> None:
        outcome = _OUTCOMES.get(row["outcome"])
        if outcome is None:
            return
        item, case, unit = row["item"], row["case"], row["unit"]
        year = int(row.get("year", 0))
        self.roles.add(role)
        self.years.add(year)
        self.source_of[unit] = row["source"]
        # An (edge, item, role) comes once per row; an item reaches a unit once per specialty of
        # its reviewer, and one category by many units: those count each item once.
        if unit not in self.units:
            self.units[unit] = Tally(distinct=True)
        if other not in self.others:
            self.others[other] = Tally(distinct=True)
        if (unit, other) not in self.edges:
            self.edges[unit, other] = Tally(distinct=False)
        for tally in (self.units[unit], self.others[other], self.edges[unit, other]):
            tally.add(item, case, role, year, outcome)


class Read(Sides[Counted]):
    """Counts read from the statistics kept at build time (:class:`Counted`)."""


def aggregate(store: ox.Store, query: str, other: str, roles: Iterable[str]) -> Aggregate:
    """Aggregate a projection query's rows: guideline units against ``other`` (a column of the
    query), counting the citations of ``roles`` (role keys)."""
    wanted = {ROLE_INDEX[concept] for key, _, concept in ROLES if key in set(roles)}
    found = Aggregate()
    for row in rows(store, query):
        role = ROLE_INDEX.get(row.get("role", Role.REVIEWER.concept))
        if role is not None and role in wanted:
            found.add(row, row[other], role)
    return found
