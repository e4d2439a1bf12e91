"""Answers: rows of plain Python values, shaped the same way whatever ran the query.

Rates: any result with ``items`` and ``overturned`` columns gets ``overturn_rate`` with a 95%
interval (``rate_low``, ``rate_high``). Where the rows carry their sums over letters (every
named question does), the interval is clustered by letter (``interval`` says ``clustered``)
or, when each letter gives a row one item, Wilson's (``wilson``); see :mod:`imr_graph.rates`.
Counted per letter (``per="letter"``), a rate is the share of letters with an item overturned,
with Wilson's interval on the letters. :func:`compare` adds each row's shrunk rate, its
difference from the base rate and a q-value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.errors import QueryError
from imr_graph.named import NamedQuery, Term, parameter_variables
from imr_graph.rates import Cell, Prior, benjamini_hochberg, estimate_prior, p_value, wilson

if TYPE_CHECKING:
    import pandas

Value = str | int | float | bool | None


@dataclass(frozen=True)
class Result:
    """Rows of a query, each a dict of plain Python values (IRIs as strings)."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Value], ...]
    name: str | None = None
    bound: dict[str, str] = field(default_factory=dict)
    note: str = ""  # what a reader must know about the answer (it counts only part of a store, say)
    per: str = "item"  # what a rate counts: items, or letters (with an item overturned)
    scope: str = "independent"  # which items: independent ones (dependent items left out), or all
    base: float | None = None  # the base rate the rows were compared with (see compare)
    prior: Prior | None = None  # the prior the shrunk rates were shrunk by
    filters: tuple[str, ...] = ()  # which items the answer counts, when filtered ("decided in 2016", …)
    base_of: str = "of all items"  # what the base rate counts ("of the category's items", …)

    def legend(self) -> str:
        """What the rate columns mean, in a sentence or two (empty when there are none)."""
        if "overturn_rate" not in self.columns:
            return ""
        items = "items" if self.scope == "all" else "items decided on their own (dependent items left out)"
        if self.per == "letter":
            said = f"Rates count letters with an item overturned, among letters with {items}; Wilson 95% intervals."
        else:
            said = (
                f"Rates count {items}; 95% intervals are clustered by letter (a letter's items are not "
                "independent), Wilson's where each letter has one item in the row."
            )
        if self.filters:
            said += f" Only items {', '.join(self.filters)} (counted from the letter graphs)."
        if self.base is not None:
            said += (
                f" Base rate {100 * self.base:.1f}% {self.base_of}: difference and q (Benjamini-Hochberg) "
                "compare each row with it."
            )
        if self.prior is not None and self.prior.pools:
            said += (
                f" These rows vary no more than chance would make them: every shrunk rate is their mean, "
                f"{100 * self.prior.mean:.1f}%."
            )
        elif self.prior is not None:
            said += (
                f" Shrunk rates pull small rows toward {100 * self.prior.mean:.1f}% with the weight of "
                f"{self.prior.strength:.1f} items (a beta prior estimated from these rows)."
            )
        return said

    def __iter__(self) -> Iterator[dict[str, Value]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, columns in order."""
        import pandas

        return pandas.DataFrame(list(self.rows), columns=list(self.columns))


def _boolean(text: str) -> bool:
    return text == "true"


#: How a literal of each XSD datatype becomes a Python value (any other keeps its text).
_CONVERT: dict[str, Callable[[str], Value]] = {
    **{I.XSD + kind: int for kind in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")},
    **{I.XSD + kind: float for kind in ("decimal", "double", "float")},
    I.XSD + "boolean": _boolean,
}


def python(term: object) -> Value:
    """A query's term as a Python value: an IRI's text, a number, a truth value, a string."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value  # type: ignore[attr-defined,no-any-return]
    if kind is ox.Literal:
        convert = _CONVERT.get(term.datatype.value)  # type: ignore[attr-defined]
        return term.value if convert is None else convert(term.value)  # type: ignore[attr-defined]
    if term is None:
        return None
    return getattr(term, "value", str(term))


#: The sums over letters the named questions return for the intervals: read, then left out.
_SUMS = ("overturnedLetters", "itemSquares", "overturnedSquares", "itemOverturnedProducts")
_RATES = ("overturn_rate", "rate_low", "rate_high", "interval", "effective_items")


def _with_rates(columns: list[str], rows: list[dict[str, Value]]) -> tuple[list[str], list[dict[str, Value]]]:
    if "items" not in columns or "overturned" not in columns:
        return columns, rows
    summed = all(c in columns for c in ("letters", *_SUMS))
    shown = [c for c in columns if c not in _SUMS] + (["overturned_letters"] if summed else [])
    for row in rows:
        sums = {k: row.pop(k, None) for k in _SUMS}
        items, overturned = row.get("items"), row.get("overturned")
        if summed:
            row["overturned_letters"] = sums["overturnedLetters"]
        if not (isinstance(items, int) and isinstance(overturned, int) and items > 0):
            continue
        if summed:
            cell = Cell(
                items, overturned, int(row["letters"] or 0), int(sums["itemSquares"] or 0),
                int(sums["overturnedSquares"] or 0), int(sums["itemOverturnedProducts"] or 0),
            )  # fmt: skip
            low, high = cell.interval()
            kind, effective = cell.interval_kind, cell.effective_items
        else:  # the user's own query: items only
            (low, high), kind, effective = wilson(overturned, items), "wilson", float(items)
        row.update(overturn_rate=overturned / items, rate_low=low, rate_high=high, interval=kind)
        row["effective_items"] = effective
    return [*shown, *_RATES], rows


def per_letter(result: Result) -> Result:
    """``result`` with its rates counted per letter: the share of the letters behind a row that
    have an item of it overturned, with Wilson's interval on the letters (independent units)."""
    if "overturn_rate" not in result.columns:
        return result
    if "overturned_letters" not in result.columns:
        raise QueryError("a rate per letter needs the letters behind each row, which this answer does not have")
    rows = []
    for original in result.rows:
        row = dict(original)
        letters, hit = row.get("letters"), row.get("overturned_letters")
        if isinstance(letters, int) and isinstance(hit, int) and letters > 0:
            low, high = wilson(hit, letters)
            row.update(overturn_rate=hit / letters, rate_low=low, rate_high=high, interval="wilson")
            row["effective_items"] = float(letters)
        rows.append(row)
    return dataclasses.replace(result, rows=tuple(rows), per="letter")


def compare(result: Result, base: float | None, *, base_of: str = "of all items") -> Result:
    """``result`` with each row's ``shrunk_rate`` (toward a prior estimated from the rows), its
    ``difference`` from the ``base`` rate and that difference's ``q_value`` (Benjamini-Hochberg
    across the rows); unchanged when it has no rates."""
    if "overturn_rate" not in result.columns:
        return result
    rated = [r for r in result.rows if isinstance(r.get("overturn_rate"), float)]
    rates = [float(r["overturn_rate"]) for r in rated]  # type: ignore[arg-type]
    sizes = [float(r["effective_items"]) for r in rated]  # type: ignore[arg-type]
    prior = estimate_prior(rates, sizes)
    p_values = []
    if base is not None:
        p_values = [p_value(rate, size, base) for rate, size in zip(rates, sizes, strict=True)]
    q_values = benjamini_hochberg(p_values) if p_values else []
    rows, k = [], 0
    for original in result.rows:
        row = dict(original)
        if isinstance(row.get("overturn_rate"), float):
            rate, size = rates[k], sizes[k]
            row["shrunk_rate"] = prior.shrink(rate, size) if prior else None
            row["difference"] = rate - base if base is not None else None
            row["q_value"] = q_values[k] if q_values else None
            k += 1
        rows.append(row)
    columns = [*result.columns, "shrunk_rate", "difference", "q_value"]
    return dataclasses.replace(
        result, columns=tuple(columns), rows=tuple(rows), base=base, prior=prior, base_of=base_of
    )


#: What rows can be sorted by (``arrange``): the column, and whether largest comes first.
SORTS = {
    "items": ("items", True),
    "letters": ("letters", True),
    "rate": ("overturn_rate", True),
    "shrunk": ("shrunk_rate", True),
    "difference": ("difference", True),
    "q": ("q_value", False),
}


def arrange(result: Result, *, sort: str | None = None, limit: int | None = None, min_items: int = 1) -> Result:
    """``result`` with rows on fewer than ``min_items`` items left out, sorted by ``sort`` (one
    of :data:`SORTS`: counts and rates largest first, q-values smallest first; ties keep the
    question's order) and cut to the first ``limit``."""
    rows = list(result.rows)
    if min_items > 1 and "items" in result.columns:
        rows = [r for r in rows if int(r.get("items") or 0) >= min_items]
    if sort is not None:
        if sort not in SORTS:
            raise QueryError(f"cannot sort by {sort!r}: sort by {', '.join(SORTS)}")
        column, descending = SORTS[sort]
        if column not in result.columns:
            raise QueryError(f"cannot sort by {sort}: this answer has no {column} column")
        present = [r for r in rows if isinstance(r.get(column), int | float)]
        absent = [r for r in rows if not isinstance(r.get(column), int | float)]
        present.sort(key=lambda r: float(r[column]), reverse=descending)  # type: ignore[arg-type]
        rows = present + absent
    if limit is not None:
        rows = rows[:limit]
    return dataclasses.replace(result, rows=tuple(rows))


def _unpacked(variables: list[str], solutions: list[dict[str, Value]]) -> tuple[list[str], list[dict[str, Value]]]:
    """Rows whose ``measures`` literal is spread into the columns the raw twins give (in place:
    the rows are the query's own)."""
    from imr_graph.stats import unpacked

    names = ["items", "upheld", "overturned", "letters", *_SUMS]
    at = variables.index("measures")
    for row in solutions:
        text = row.pop("measures", None)
        if isinstance(text, str):
            counts = unpacked(text)
            row.update(counts)
            row["items"] = counts["upheld"] + counts["overturned"]
    return [*variables[:at], *names, *variables[at + 1 :]], solutions


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
    question: NamedQuery | None,
    variables: list[str],
    solutions: list[dict[str, Value]],
    bound: Mapping[str, Term],
) -> Result:
    """The rows a query found as a :class:`Result`: a named question's own order, bound or empty
    parameter columns left out, rates and their intervals added."""
    if "measures" in variables:  # the statistics' measures in one literal: read out
        variables, solutions = _unpacked(variables, solutions)
    # a parameter's column says nothing when the parameter is bound, or left open and empty
    unset: set[str] = set()
    if question is not None:
        unset = parameter_variables(question)
        solutions = _ordered(solutions, question.order)
    empty = {v for v in unset if all(row.get(v) is None for row in solutions)}
    shown = [v for v in variables if v not in set(bound) | empty | {"slice"}]
    if question is not None:  # in the order its header's columns say, the others after
        listed = {c: k for k, c in enumerate(question.columns)}
        shown.sort(key=lambda v: listed.get(v, len(listed)))
    rows = [{k: row.get(k) for k in shown} for row in solutions]
    columns, rows = _with_rates(shown, rows)
    name = question.name if question is not None else None
    scope = str(getattr(bound.get("scope"), "value", "independent"))
    return Result(tuple(columns), tuple(rows), name, {k: str(v) for k, v in bound.items()}, scope=scope)
