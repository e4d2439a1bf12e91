"""Named SPARQL queries: the ``.rq`` files in ``imr_graph/queries``, run with bound values."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources

import pyoxigraph as ox


@cache
def query_text(name: str) -> str:
    """The text of a named query shipped in ``imr_graph/queries``."""
    return (resources.files("imr_graph") / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def rows(store: ox.Store, name: str, **bindings: ox.NamedNode | ox.Literal) -> Iterator[dict[str, str]]:
    """Run a named query; values are bound as parameters, never written into the text.

    Each row maps a variable's name to its value; unbound variables are left out.
    """
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(key): value for key, value in bindings.items()
    }
    solutions = store.query(query_text(name), substitutions=substitutions or None)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        yield {n: row[n].value for n in names if row[n] is not None}
