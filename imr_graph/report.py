"""Query results as text: an aligned table for people, CSV, JSON and JSON Lines for programs.

Tables shorten IRIs to prefixed names and show rates as percentages: the overturn rate with
its 95% interval, the shrunk rate, the difference from the base rate in points, and the
q-value; the other formats keep every value as it is, with the interval's kind and the
effective number of items behind it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from imr_graph import iri as I
from imr_graph.answers import Result, Value
from imr_graph.errors import QueryError

FORMATS = ("table", "csv", "json", "jsonl", "markdown", "parquet")


def prefixes() -> dict[str, str]:
    """The prefixes the tables print, as SPARQL would declare them (name without the colon)."""
    return {name.rstrip(":"): iri for name, iri in I.SHORT}


def short(value: Value) -> str:
    """A value as a table cell: IRIs as prefixed names, nothing for unbound.

    >>> short("https://w3id.org/imr-graph/vocab/guideline/acoem-2004-ch12")
    'gl:acoem-2004-ch12'
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    for prefix, namespace in I.SHORT:
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return " ".join(text.split())


#: Columns a table shows in its own way (rates as percentages), or not at all (kept in the data formats).
_RATE_COLUMNS = ("overturn_rate", "rate_low", "rate_high", "shrunk_rate", "difference", "q_value")
_DATA_ONLY = ("interval", "effective_items")


def _percent(value: Value, *, signed: bool = False) -> str:
    if not isinstance(value, float):
        return ""
    return f"{100 * value:+.1f}" if signed else f"{100 * value:.1f}"


def _cells(result: Result, hide: tuple[str, ...] = ()) -> tuple[list[str], list[list[str]]]:
    rated = "overturn_rate" in result.columns
    shown = set(result.columns) - {*(_RATE_COLUMNS if rated else ()), *_DATA_ONLY, *hide}
    if result.per != "letter":
        shown.discard("overturned_letters")
    columns = [c for c in result.columns if c in shown]
    header = list(columns)
    extra: list[tuple[str, str]] = []
    if rated:
        header += ["overturned %", "95% interval"]
        extra = [(c, h) for c, h in (("shrunk_rate", "shrunk %"), ("difference", "vs base"), ("q_value", "q"))
                 if c in result.columns and c not in hide]  # fmt: skip
        header += [h for _, h in extra]
    body = []
    for row in result.rows:
        cells = [short(row.get(c)) for c in columns]
        if rated:
            rate, low, high = row.get("overturn_rate"), row.get("rate_low"), row.get("rate_high")
            if isinstance(rate, float) and isinstance(low, float) and isinstance(high, float):
                cells += [f"{100 * rate:.1f}", f"{100 * low:.1f}–{100 * high:.1f}"]
            else:
                cells += ["", ""]
            for column, _ in extra:
                value = row.get(column)
                if column == "q_value":
                    cells.append(f"{value:.3f}" if isinstance(value, float) else "")
                else:
                    cells.append(_percent(value, signed=column == "difference"))
        body.append(cells)
    return header, body


def table(result: Result, *, width: int = 60, hide: tuple[str, ...] = ()) -> str:
    """An aligned text table without the ``hide`` columns; long cells are cut to ``width``."""
    header, body = _cells(result, hide)
    body = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in body]
    numeric = [all(_is_number(row[k]) for row in body) and bool(body) for k in range(len(header))]
    sizes = [max([len(header[k]), *(len(row[k]) for row in body)]) for k in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(sizes[k]) if numeric[k] else c.ljust(sizes[k]) for k, c in enumerate(cells)).rstrip()

    return "\n".join([line(header), "  ".join("-" * s for s in sizes), *(line(row) for row in body)]) + "\n"


def _is_number(cell: str) -> bool:
    return cell.lstrip("+-").replace(".", "", 1).replace("–", "", 1).replace(".", "", 1).isdigit() or cell == ""


def markdown(result: Result) -> str:
    """A Markdown (GitHub) table, its cells as the text table shows them (``|`` escaped)."""
    header, body = _cells(result)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = "| " + " | ".join("---:" if all(_is_number(r[k]) for r in body) and body else "---"
                             for k in range(len(header))) + " |"  # fmt: skip
    return "\n".join([line(header), rule, *(line(r) for r in body)]) + "\n"


def write_parquet(result: Result, path: str | Path) -> None:
    """The result as a Parquet file (needs pyarrow), written whole or not at all."""
    from imr_graph._atomic import atomic_binary_writer

    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise QueryError("Parquet needs pyarrow: python -m pip install 'imr-graph[parquet]'") from None
    with atomic_binary_writer(path) as out:
        result.to_frame().to_parquet(out, index=False)


def render(result: Result, fmt: str) -> Iterator[str]:
    """The result in ``fmt`` (a text one of :data:`FORMATS`), as chunks of text."""
    if fmt == "table":
        yield table(result)
    elif fmt == "markdown":
        yield markdown(result)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(result.columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(result.rows)
        yield buffer.getvalue()
    elif fmt == "json":
        yield json.dumps(list(result.rows), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "jsonl":
        yield from _lines(result.rows)
    else:
        raise QueryError(f"unknown format {fmt!r}")


def _lines(rows: Iterable[dict[str, Value]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"
