"""networkx projections of the graph, for analysis and for Gephi (GEXF, GraphML).

* ``citations``: guideline units ↔ treatment categories; each edge counts items, split by
  outcome and by citing role.
* ``cocitation``: guideline units cited together for one item.
* ``specialty``: reviewer specialties ↔ the guideline units those reviewers cite.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from imr_graph.errors import OutputError, QueryError
from imr_graph.named import rows
from imr_graph.projection import ANY_ROLE, ROLES, aggregate, label_map, label_of
from imr_graph.records import NodeKind, Role

Kind = Literal["citations", "cocitation", "specialty"]
KINDS: tuple[str, ...] = ("citations", "cocitation", "specialty")
_ROLES = {role.concept: role for role in Role}


def to_networkx(
    store: ox.Store,
    *,
    kind: Kind = "citations",
    roles: tuple[str, ...] = (Role.CLAIMS_ADMINISTRATOR.value, Role.REVIEWER.value),
    level: Literal["chapter", "section"] = "chapter",
) -> Any:
    """Project the store's letters into a ``networkx.Graph`` of the given kind.

    Node attributes: ``label`` and ``kind`` (guideline, category, specialty). Edge
    attributes: ``items`` (distinct items) and, for ``citations`` and ``specialty``,
    ``upheld`` and ``overturned``; ``citations`` edges also count the items each citing
    role cited them for (``claims_administrator``, ``reviewer``, ``rationale``: the record's
    field names). ``roles`` picks whose citations count (add ``"rationale"`` for
    guidelines named inside rationales). ``level`` picks the guideline nodes of the
    ``citations`` projection: the chapter or part cited (or the whole guideline when the
    citation names no part), or the named sections.
    """
    import networkx as nx

    if kind not in KINDS:
        raise QueryError(f"unknown projection {kind!r}; choose one of {', '.join(KINDS)}")
    labels = label_map(store)
    graph = nx.Graph(kind=kind)

    def node(iri: str, node_kind: NodeKind) -> str:
        if iri not in graph:
            graph.add_node(iri, label=label_of(labels, iri), kind=node_kind.value)
        return iri

    if kind == "cocitation":
        for row in rows(store, "projection-cocitation"):
            key = (node(row["a"], NodeKind.GUIDELINE), node(row["b"], NodeKind.GUIDELINE))
            graph.add_edge(*key, items=int(row["items"]))
        return graph
    if kind == "citations":
        query = "projection-view" if level == "chapter" else "projection-view-sections"
        counted = aggregate(store, query, "category", roles)
        other_kind = NodeKind.CATEGORY
    else:
        counted = aggregate(store, "projection-view-specialty", "specialty", (Role.REVIEWER.value,))
        other_kind = NodeKind.SPECIALTY
    for (unit, other), tally in sorted(counted.edges.items()):
        ends = (node(unit, NodeKind.GUIDELINE), node(other, other_kind))
        attrs: dict[str, int] = {}
        if kind == "citations":  # the items each citing role cited the unit for
            by_role = Counter[int]()
            for (role, _, _), n in tally.counts.items():
                by_role[role] += n
            for index, (role_key, _, _) in enumerate(ROLES):
                if by_role[index]:
                    attrs[Role(role_key).field] = by_role[index]
        for outcome, name in ((0, "upheld"), (1, "overturned")):
            attrs[name] = sum(n for (role, _, o), n in tally.counts.items() if role == ANY_ROLE and o == outcome)
        attrs["items"] = attrs["upheld"] + attrs["overturned"]
        graph.add_edge(*(ends if kind == "citations" else ends[::-1]), **dict(sorted(attrs.items())))
    return graph


def export(graph: Any, path: str | Path, fmt: Literal["gexf", "graphml"]) -> None:
    """Write a projection for Gephi: GEXF or GraphML, atomically."""
    import networkx as nx

    from imr_graph._atomic import atomic_writer

    target = Path(path)
    try:
        with atomic_writer(target) as handle:
            lines = nx.generate_gexf(graph) if fmt == "gexf" else nx.generate_graphml(graph)
            for line in lines:
                handle.write(line + "\n")
    except OSError as err:
        raise OutputError(f"{target}: cannot write ({err.strerror or err})") from err
