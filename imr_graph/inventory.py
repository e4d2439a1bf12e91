"""What a graph holds, and what the questions' parameters accept.

:func:`keys` lists the values a parameter takes — the guideline units a graph's letters cite
(at a level, with how many items cite them), the request categories, reviewer specialties and
license states of the vocabularies — each with the key the questions read and its label.
:func:`info` says what a store or graph file holds: letters, items, quads, letter formats,
the decision dates it spans, and whether its statistics are current.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.answers import Result, Value
from imr_graph.errors import QueryError
from imr_graph.named import query_text
from imr_graph.questions import Target, execute, resolve, run

KINDS = ("units", "categories", "specialties", "states")


def keys(target: Target | None, kind: str, *, level: str = "chapter", role: str = "reviewer") -> Result:
    """The values a parameter of ``kind`` takes: ``units`` (those the letters of ``target``
    cite at ``level``, most cited first), ``categories``, ``specialties`` or ``states`` (from
    the vocabularies; no graph needed)."""
    from imr_graph.report import short
    from imr_graph.vocab import load_vocabulary

    if kind not in KINDS:
        raise QueryError(f"no keys of {kind!r}: choose one of {', '.join(KINDS)}")
    rows: list[dict[str, Value]] = []
    if kind == "units":
        if target is None:
            raise QueryError("units are those a graph's letters cite: give --store, --graph or --endpoint")
        counted = run(target, "overturn-by-guideline", role=role, level=level, include_dependent=True)
        rows = [{"key": short(r["unit"]), "label": r.get("label"), "items": r["items"]} for r in counted]
        return Result(("key", "label", "items"), tuple(rows), "keys")
    vocabulary = load_vocabulary()
    if kind == "categories":
        seen: set[str] = set()
        for category in vocabulary.categories:
            for sub in (None, category.subcategory or None):
                iri = I.category(category.category, sub)
                if iri in seen:
                    continue
                seen.add(iri)
                label = f"{category.category} / {sub}" if sub else category.category
                rows.append({"key": iri.rsplit("/", 1)[1], "label": label})
    elif kind == "specialties":
        rows = [{"key": label, "label": label} for label in sorted(vocabulary.specialty_iris)]
    else:
        names = {code: name for name, code in vocabulary.states.items() if len(name) > 2}
        codes = sorted(set(vocabulary.states.values()))
        rows = [{"key": code, "label": names.get(code, code).title()} for code in codes]
    return Result(("key", "label"), tuple(rows), "keys")


@dataclass(frozen=True)
class Info:
    """What a graph holds."""

    letters: int
    items: int
    dependent_items: int
    quads: int
    formats: dict[str, int]
    first_decision: str | None
    last_decision: str | None
    statistics: str  # "current", "stale" or "absent"

    def lines(self) -> list[str]:
        """The facts as ``name: value`` lines."""
        formats = ", ".join(f"{name} {n:,}" for name, n in sorted(self.formats.items())) or "none"
        span = f"{self.first_decision} to {self.last_decision}" if self.first_decision else "no dates"
        return [
            f"letters: {self.letters:,}",
            f"items: {self.items:,} ({self.dependent_items:,} dependent)",
            f"quads: {self.quads:,}",
            f"letter formats: {formats}",
            f"decisions: {span}",
            f"statistics: {self.statistics}",
        ]


def info(target: Target) -> Info:
    """What a store, graph file or endpoint holds (quads are counted on stores and files only)."""
    from imr_graph import stats

    where = resolve(target)
    nothing: dict[str, ox.NamedNode | ox.Literal] = {}
    (row,) = execute(where, query_text("info"), nothing).rows or ({},)
    formats: dict[str, int] = {}
    for found in execute(where, query_text("info-formats"), nothing):
        formats[str(found["format"])] = int(found["letters"] or 0)
    status, quads = "absent", -1
    if isinstance(where, ox.Store):
        quads = len(where)
        if stats.is_current(where):
            status = "current"
        elif where.contains_named_graph(ox.NamedNode(I.STATISTICS_GRAPH)):
            status = "stale (run imr-graph build --store DIR)"
    return Info(
        letters=int(row.get("letters") or 0),
        items=int(row.get("items") or 0),
        dependent_items=int(row.get("dependent") or 0),
        quads=quads,
        formats=formats,
        first_decision=str(row["first"]) if row.get("first") else None,
        last_decision=str(row["last"]) if row.get("last") else None,
        statistics=status,
    )
