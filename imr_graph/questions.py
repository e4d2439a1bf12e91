"""Asking questions: a named question or the user's own SPARQL, of a store, a graph file, a
SPARQL endpoint or an rdflib graph. A question only reads: a store whose statistics are not
current is refused (with what to do), never counted into.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.answers import Result, Value, arrange, compare, per_letter, python, shape
from imr_graph.endpoint import Endpoint, with_values, with_values_of
from imr_graph.errors import QueryError, StoreError, shown
from imr_graph.named import (
    FILTER_DEFAULTS,
    NamedQuery,
    Term,
    bindings,
    filters,
    named,
    query_text,
    raw_query,
    with_slice,
)


def _syntax_error(text: str, err: Exception) -> QueryError:
    message = str(err)
    match = re.match(r"error at (?P<line>\d+):(?P<column>\d+): (?P<what>.*)", message, re.S)
    if match is None:
        return QueryError(f"the query is not valid SPARQL: {message[:300]}")
    line, column = int(match["line"]), int(match["column"])
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    what = " ".join(match["what"].split())
    if len(what) > 160:
        what = what[:160] + " …"
    caret = " " * max(column - 1, 0) + "^"
    return QueryError(f"syntax error at line {line}, column {column}: {what}\n  {shown}\n  {caret}")


def run_store(
    store: ox.Store,
    text: str,
    bound: Mapping[str, Term],
    *,
    question: NamedQuery | None = None,
    union: bool = False,
    substitute: bool = True,
) -> Result:
    """Run a SELECT on a pyoxigraph store; bound variables are pyoxigraph substitutions
    (unless ``substitute`` is false: the text already binds them, see :func:`with_values`).

    With ``union`` the default graph is the union of all graphs (for the user's own queries,
    which need not name the letter graphs)."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in bound.items() if substitute
    }
    try:
        solutions = store.query(text, substitutions=substitutions or None, use_default_graph_as_union=union)
    except SyntaxError as err:
        raise _syntax_error(text, err) from None
    except (OSError, RuntimeError, ValueError) as err:
        raise QueryError(f"the query failed: {err}") from None
    if isinstance(solutions, ox.QueryBoolean):  # ASK
        return shape(question, ["answer"], [{"answer": bool(solutions)}], bound)
    if not isinstance(solutions, ox.QuerySolutions):  # CONSTRUCT, DESCRIBE: the triples as rows
        found = [{"subject": python(t.subject), "predicate": python(t.predicate), "object": python(t.object)}
                 for t in solutions]  # fmt: skip
        return shape(question, ["subject", "predicate", "object"], found, bound)
    variables = [v.value for v in solutions.variables]
    # a bound variable's column is left out of the answer (shape): not read row by row
    read = [(k, n) for k, n in enumerate(variables) if n not in bound]
    found = [{n: python(row[k]) for k, n in read} for row in solutions]
    return shape(question, variables, found, bound)


def run_rdflib(graph: Any, text: str, bound: Mapping[str, Term], *, question: NamedQuery | None = None) -> Result:
    """Run a SELECT on an rdflib Graph or Dataset; bound variables are ``initBindings``."""
    import rdflib

    def term(value: Term) -> Any:
        if isinstance(value, ox.NamedNode):
            return rdflib.URIRef(value.value)
        if value.language:
            return rdflib.Literal(value.value, lang=value.language)
        if value.datatype.value == I.XSD + "string":  # rdflib tells "x" and "x"^^xsd:string apart
            return rdflib.Literal(value.value)
        return rdflib.Literal(value.value, datatype=rdflib.URIRef(value.datatype.value))

    try:
        result = graph.query(text, initBindings={k: term(v) for k, v in bound.items()})
    except Exception as err:  # rdflib raises pyparsing's errors and many others
        raise QueryError(f"the query failed: {err}") from None
    variables = [str(v) for v in result.vars or []]
    found = [{v: _python_rdflib(row[v]) for v in variables} for row in result]
    return shape(question, variables, found, bound)


def _python_rdflib(value: Any) -> Value:
    import rdflib

    if value is None:
        return None
    if isinstance(value, rdflib.Literal):
        python = value.toPython()
        return python if isinstance(python, int | float | bool | str) else str(value)
    return str(value)


Target = ox.Store | Endpoint | str | Path | Any


def resolve(target: Target) -> ox.Store | Endpoint | Any:
    if isinstance(target, ox.Store | Endpoint):
        return target
    if isinstance(target, str) and target.startswith(("http://", "https://")):
        return Endpoint(target)
    if isinstance(target, str | Path):
        from imr_graph.store import load_graph_file, open_store

        path = Path(target)
        if path.is_dir():
            return open_store(path, read_only=True)
        if path.is_file():
            return load_graph_file(path)
        raise StoreError(f"{path}: no such store or graph file")
    return target  # an rdflib Graph or Dataset


def require_statistics(store: ox.Store) -> None:
    """Refuse a store whose statistics are not current, saying how to bring them up to date
    (a question never writes them: a build does, and so does reading a graph file)."""
    from imr_graph import stats

    if not stats.is_current(store):
        raise StoreError(
            "the store's statistics are not up to date (a build did not finish): run "
            "`imr-graph build --store DIR` to count them, or add --raw to count from the letters"
        )


#: How a rate is counted: per item (the default), or per letter.
PER = ("item", "letter")


def run(
    target: Target,
    name: str,
    *,
    raw: bool = False,
    include_dependent: bool = False,
    per: str = "item",
    year: object = None,
    specialty: object = None,
    sort: str | None = None,
    limit: int | None = None,
    min_items: int = 1,
    **params: object,
) -> Result:
    """Ask a named question of a store, a graph file, an endpoint or an rdflib graph.

    ``raw=True`` runs its twin that counts from the letter graphs rather than the statistics.
    Rates count items decided on their own unless ``include_dependent`` (dependent items are
    decided only because another item was), per item or, with ``per="letter"``, per letter;
    each row is compared with the base rate counted the same way (see :func:`answers.compare`).

    Rate questions also take filters: ``year`` (``2016`` or ``2015-2017``), ``specialty`` (of
    the reviewer) and ``category`` (of the request, for questions that have no category
    parameter of their own). Filtered answers are counted from the letter graphs.

    ``sort`` (items, letters, rate, shrunk, difference, q), ``limit`` and ``min_items`` pick
    the rows shown; the shrunk rates and q-values are computed on every row first.
    """
    if per not in PER:
        raise QueryError(f"per must be item or letter, not {shown(per)}")
    question = named(name)
    category = None
    if "category" in params and not any(p.name == "category" for p in question.parameters):
        category = params.pop("category")
    filtered = filters(year=year, category=category, specialty=specialty)
    if filtered:
        if question.raw is None:
            raise QueryError(f"{name} takes no filters (year, category, specialty): it is not a rate question")
        raw = True
    query = raw_query(name) if raw else question
    bound = bindings(question, params)
    topics = bound.get("level") == ox.Literal("topic")  # ODG's topics: the sections of ODG chapters
    if topics:
        bound["level"] = ox.Literal("section")
    if "?scope" in query.text:
        bound["scope"] = ox.Literal("all" if include_dependent else "independent")
    if "?onlyCategory" in query.text:
        bound.update(filtered or FILTER_DEFAULTS)
    if not raw:
        bound = with_slice(query, bound)
    where = resolve(target)
    for parameter in question.parameters:
        if parameter.kind == "guideline" and parameter.name in bound:
            require_known_unit(where, bound[parameter.name], parameter.name)
    text = query.text
    if isinstance(where, ox.Store) and query.variant is not None and query.variant[0] in bound:
        text = query_text(query.variant[1])
    if isinstance(where, ox.Store) and I.STATISTICS_GRAPH in text:
        require_statistics(where)
    if isinstance(where, ox.Store) and query.inline:
        result = run_store(where, with_values(text, bound), bound, question=question, substitute=False)
    else:
        result = execute(where, text, bound, question)
    if query.labels:
        result = with_labels(where, result, query.labels)
    if raw and isinstance(where, ox.Store):
        result = dataclasses.replace(result, note=unfinished_note(where))
    if topics and "unit" in result.columns:
        kept = tuple(row for row in result.rows if I.is_odg_topic(str(row.get("unit") or "")))
        result = dataclasses.replace(result, rows=kept)
    if per == "letter":
        result = per_letter(result)
    if filtered:
        said = [f"decided in {year}" if year is not None else "", f"filed under {category}" if category else "",
                f"reviewed by {specialty}" if specialty is not None else ""]  # fmt: skip
        result = dataclasses.replace(result, filters=tuple(x for x in said if x))
    if "overturn_rate" in result.columns and name != "outcomes":
        counted = {"raw": raw, "include_dependent": include_dependent, "per": per, "year": year, "specialty": specialty}
        rate: Value = None
        of = "of the items the filters keep" if filtered else "of all items"
        if question.base is not None:  # the rate of the part the question looks into
            other, column = question.base
            picked = bound[column]
            extra = {"detail": bound["detail"].value} if "detail" in bound else {}
            for row in run(where, other, category=category, **counted, **extra):  # type: ignore[arg-type]
                if row.get(column) == picked.value:
                    rate, of = row.get("overturn_rate"), f"of the {column}'s items"
        else:
            base = run(where, "outcomes", category=category, **counted)  # type: ignore[arg-type]
            rate = base.rows[0].get("overturn_rate") if base.rows else None
        result = compare(result, rate if isinstance(rate, float) else None, base_of=of)
    return arrange(result, sort=sort, limit=limit, min_items=min_items)


#: Units whose names one query asks for (a VALUES block of this many IRIs).
_LABELS_AT_ONCE = 1000


def with_labels(target: Target, result: Result, labels: tuple[tuple[str, str], ...]) -> Result:
    """``result`` with its label columns (a question's ``labels``: column, label column) filled
    with the names the statistics give the units in their columns, each placed after its column."""
    units = sorted({unit for column, _ in labels for row in result.rows if isinstance(unit := row.get(column), str)})
    names = unit_labels(target, units)
    after = dict(labels)
    plan: list[tuple[str, str | None]] = []  # each column of the answer, and the column whose unit it names
    for column in result.columns:
        plan.append((column, None))
        if column in after:
            plan.append((after[column], column))
    rows = tuple(
        {c: row.get(c) if source is None else names.get(row.get(source)) for c, source in plan}  # type: ignore[arg-type]
        for row in result.rows
    )
    columns = [c for c, _ in plan]
    return dataclasses.replace(result, columns=tuple(columns), rows=rows)


def unit_labels(target: Target, units: list[str]) -> dict[str, str]:
    """The name the statistics give each of ``units`` (IRIs), for those they name (the
    lexically first, should there be more than one)."""
    nodes = []
    for unit in units:
        try:
            nodes.append(ox.NamedNode(unit))
        except ValueError:  # not an IRI (an endpoint's odd answer): it has no name here
            continue
    names: dict[str, str] = {}
    text = query_text("labels-of-units")
    for start in range(0, len(nodes), _LABELS_AT_ONCE):
        found = execute(target, with_values_of(text, "unit", nodes[start : start + _LABELS_AT_ONCE]), {})
        for row in found.rows:
            unit, label = str(row["unit"]), str(row["label"])
            names[unit] = min(label, names.get(unit, label))
    return names


def require_known_unit(target: Target, unit: Term, name: str = "unit") -> None:
    """Refuse a guideline unit the graph does not know (no letter cites or describes it, and the
    catalog does not list it), naming the nearest units it knows: an unknown unit would
    otherwise give an empty answer that looks like a real one."""
    import difflib

    from imr_graph.report import short

    if execute(target, query_text("unit-known"), {"unit": unit}).rows:
        return
    from imr_graph.stats import catalog_labels

    known = {str(row["unit"]) for row in execute(target, query_text("units-cited"), {})} | set(catalog_labels())
    keys = {short(iri): iri for iri in known}
    close = difflib.get_close_matches(short(getattr(unit, "value", str(unit))), list(keys), n=3, cutoff=0.6)
    hint = f"; the nearest it knows: {', '.join(close)}" if close else ""
    raise QueryError(
        f"{name}: no letter cites {short(getattr(unit, 'value', str(unit)))}{hint} "
        "(imr-graph keys units lists the units a graph knows)"
    )


def unfinished_note(store: ox.Store) -> str:
    """Empty, or what to know of an answer counted from the letters of a store whose statistics
    are not current (its last build may have been cut short: only its letters are counted)."""
    from imr_graph import stats

    if stats.is_current(store):
        return ""
    journal = ox.NamedNode(I.JOURNAL_GRAPH)
    letters = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(I.NS + "sha256"), None, journal))
    return (
        f"the store's statistics are not current (its last build may not have finished): this answer "
        f"counts the {letters:,} letters the store holds; run imr-graph build --store DIR to finish"
    )


def execute(
    target: Target,
    text: str,
    bound: Mapping[str, Term],
    question: NamedQuery | None = None,
    *,
    union: bool = False,
) -> Result:
    """Run a SELECT with bound values on whatever ``target`` is (see :func:`run`)."""
    where = resolve(target)
    if isinstance(where, ox.Store):
        return run_store(where, text, bound, question=question, union=union)
    if isinstance(where, Endpoint):
        return where.select(text, bound, question=question)
    return run_rdflib(where, text, bound, question=question)


#: Comments, strings and IRIs: where the word SERVICE says nothing about what a query does.
_INERT = re.compile(
    r"""\#[^\n]*                                  # a comment
      | \"\"\"[\s\S]*?\"\"\" | \'\'\'[\s\S]*?\'\'\'  # long strings
      | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'   # strings
      | <[^<>\s]*>                                # IRIs""",
    re.X,
)
_SERVICE = re.compile(r"\bSERVICE\b", re.I)


def calls_service(text: str) -> bool:
    """Whether a query asks another endpoint (SPARQL 1.1 federation, ``SERVICE <…> { … }``).

    >>> calls_service("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> calls_service('SELECT * { ?s ?p "SERVICE" } # SERVICE in a comment')
    False
    """
    return bool(_SERVICE.search(_INERT.sub(" ", text)))


def sparql(target: Target, text: str, *, allow_service: bool = False) -> Result:
    """Run the user's own SELECT query (no parameters). On a store, the default graph is the
    union of all graphs, so a query need not name the letter graphs.

    A query that calls another endpoint (``SERVICE``) is refused unless ``allow_service``:
    it would make this machine send requests wherever the query says."""
    if not allow_service and calls_service(text):
        raise QueryError("the query calls another endpoint (SERVICE); allow it with --allow-service")
    return execute(target, with_prefixes(text), {}, union=True)


_DECLARED = re.compile(r"\bPREFIX\s+(?P<name>[A-Za-z][\w-]*)?\s*:", re.I)


def with_prefixes(text: str) -> str:
    """The query with the prefixes the tables print (``gl:``, ``cat:``, ``imr:`` …) declared,
    each unless the query declares it itself.

    >>> with_prefixes("SELECT * { ?s a imr:DisputedItem }")[:56]
    'PREFIX gl: <https://w3id.org/imr-graph/vocab/guideline/>'
    """
    from imr_graph.report import prefixes

    declared = {m.group("name") or "" for m in _DECLARED.finditer(_INERT.sub(" ", text))}
    lines = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes().items() if name not in declared]
    # on the query's first line, so that an error's line number is the user's own
    return " ".join([*lines, text]) if lines else text
