"""Answers: rows of plain Python values, shaped the same way whatever ran the query.

Rates: any result with ``items`` and ``overturned`` columns gets ``overturn_rate`` with a
Wilson 95% interval (``rate_low``, ``rate_high``), so a rate from three items shows how
little it says.

>>> round(wilson(9, 10)[0], 3), round(wilson(9, 10)[1], 3)
(0.596, 0.982)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.named import NamedQuery, Term, parameter_variables

if TYPE_CHECKING:
    import pandas

Value = str | int | float | bool | None


def wilson(successes: int, trials: int, *, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default); (0, 1) for no trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low, high = centre - half, centre + half
    # 0 successes give a lower bound of 0 exactly (not 5.55e-17 of rounding), all give 1
    return (0.0 if successes == 0 else max(0.0, low)), (1.0 if successes == trials else min(1.0, high))


@dataclass(frozen=True)
class Result:
    """Rows of a query, each a dict of plain Python values (IRIs as strings)."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Value], ...]
    name: str | None = None
    bound: dict[str, str] = field(default_factory=dict)
    note: str = ""  # what a reader must know about the answer (it counts only part of a store, say)

    def __iter__(self) -> Iterator[dict[str, Value]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, columns in order."""
        import pandas

        return pandas.DataFrame(list(self.rows), columns=list(self.columns))


def python(term: object) -> Value:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.removeprefix(I.XSD)
        if kind in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
            return int(term.value)
        if kind in ("decimal", "double", "float"):
            return float(term.value)
        if kind == "boolean":
            return term.value == "true"
        return term.value
    return getattr(term, "value", str(term))


def _with_rates(columns: list[str], rows: list[dict[str, Value]]) -> tuple[list[str], list[dict[str, Value]]]:
    if "items" not in columns or "overturned" not in columns:
        return columns, rows
    for row in rows:
        items, overturned = row.get("items"), row.get("overturned")
        if isinstance(items, int) and isinstance(overturned, int) and items > 0:
            low, high = wilson(overturned, items)
            row.update(overturn_rate=overturned / items, rate_low=low, rate_high=high)
    return [*columns, "overturn_rate", "rate_low", "rate_high"], rows


def _ordered(rows: list[dict[str, Value]], order: tuple[tuple[str, bool], ...]) -> list[dict[str, Value]]:
    """``rows`` sorted by ``order`` (as SPARQL's ORDER BY would: unbound values first)."""
    for variable, descending in reversed(order):  # a stable sort per key, last key first
        rows = sorted(rows, key=lambda row: _sort_key(row.get(variable)), reverse=descending)
    return rows


def _sort_key(value: Value) -> tuple[int, float, str]:
    if value is None:
        return (0, 0.0, "")
    if isinstance(value, bool | int | float):
        return (1, float(value), "")
    return (2, 0.0, str(value))


def shape(
    question: NamedQuery | None, variables: list[str], solutions: list[dict[str, Value]], bound: Mapping[str, Term]
) -> Result:
    """The rows a query found as a :class:`Result`: a named question's own order, bound or empty
    parameter columns left out, rates and their intervals added."""
    # a parameter's column says nothing when the parameter is bound, or left open and empty
    unset: set[str] = set()
    if question is not None:
        unset = parameter_variables(question)
        solutions = _ordered(solutions, question.order)
    empty = {v for v in unset if all(row.get(v) is None for row in solutions)}
    shown = [v for v in variables if v not in set(bound) | empty | {"slice"}]
    rows = [{k: row.get(k) for k in shown} for row in solutions]
    columns, rows = _with_rates(shown, rows)
    name = question.name if question is not None else None
    return Result(tuple(columns), tuple(rows), name, {k: str(v) for k, v in bound.items()})
