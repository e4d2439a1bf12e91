"""Named SPARQL questions (the ``.rq`` files in ``imr_graph/queries``) and the user's own.

Each named query starts with a header of comments: a ``title:`` line, what it answers,
one ``param NAME: KIND [= DEFAULT]`` line per parameter (``= any`` makes it optional), and
its ``columns:``. Parameters are always bound as values — pyoxigraph substitutions,
rdflib ``initBindings``, or a ``VALUES`` block for a remote endpoint — never written into
the query text, so a value cannot change what the query does.

Rates: any result with ``items`` and ``overturned`` columns gets ``overturn_rate`` with a
Wilson 95% interval (``rate_low``, ``rate_high``), so a rate from three items shows how
little it says.

>>> round(wilson(9, 10)[0], 3), round(wilson(9, 10)[1], 3)
(0.596, 0.982)
"""

from __future__ import annotations

import difflib
import json
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.errors import QueryError, StoreError
from imr_graph.records import Role

if TYPE_CHECKING:
    import pandas

Term = ox.NamedNode | ox.Literal
Value = str | int | float | bool | None

_QUERIES = "queries"
_HIDDEN = ("projection-", "infer-", "model-", "labels", "cases-citing-pages")  # internal: projections, inference, …


# -- the catalog ------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query."""

    name: str
    kind: str
    default: str | None  # None: required; "any": optional, left unbound
    help: str


@dataclass(frozen=True)
class NamedQuery:
    """A named question: its text and what its header says about it."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str
    raw: str | None  # the twin in queries/raw/ that computes it from the letter graphs
    #: the statistics slice its bound parameters pick: (data set, slicing, variables in order)
    slice: tuple[str, str, tuple[str, ...]] | None = None
    #: how rows are ordered, (variable, descending) first key first, when the header says so
    #: (sorting here is quicker than the engine's ORDER BY on thousands of rows)
    order: tuple[tuple[str, bool], ...] = ()
    #: bind its parameters in a VALUES block (``# bind: values``) rather than as substitutions:
    #: the store plans a query before it sees substitutions, and a listing that must start
    #: from its bound guideline unit scans every letter otherwise
    inline: bool = False
    #: (variable, query): on a store with statistics, when the variable is bound, run that
    #: query (same columns) instead (``# variant: VARIABLE QUERY``)
    variant: tuple[str, str] | None = None

    @property
    def uses_statistics(self) -> bool:
        return I.STATISTICS_GRAPH in self.text


_PARAM = re.compile(r"^param (?P<name>[a-z][a-z0-9-]*): (?P<kind>[a-z-]+)(?: = (?P<default>\S+))?$")


def _parse_header(name: str, text: str, raw: str | None) -> NamedQuery:
    title, description = name, []
    columns: tuple[str, ...] = ()
    parameters: list[Parameter] = []
    sliced: tuple[str, str, tuple[str, ...]] | None = None
    order: list[tuple[str, bool]] = []
    inline = False
    variant: tuple[str, str] | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.startswith("title:"):
            title = body.removeprefix("title:").strip()
        elif body.startswith("columns:"):
            columns = tuple(c.strip() for c in body.removeprefix("columns:").split(","))
        elif match := _PARAM.match(body):
            parameters.append(Parameter(match["name"], match["kind"], match["default"], ""))
        elif body.startswith("raw:"):
            raw = body.removeprefix("raw:").strip()
        elif body == "bind: values":
            inline = True
        elif body.startswith("variant:"):
            variable, other = body.removeprefix("variant:").split()
            variant = (variable, other)
        elif body.startswith("order:"):
            for key in body.removeprefix("order:").split(","):
                variable, *direction = key.split()
                order.append((variable, direction == ["desc"]))
        elif body.startswith("slice:"):
            dataset, by, *variables = body.removeprefix("slice:").split()
            sliced = (dataset, by, tuple(variables))
        elif parameters and line.startswith("#     "):
            last = parameters[-1]
            parameters[-1] = Parameter(last.name, last.kind, last.default, f"{last.help} {body}".strip())
        elif body:
            description.append(body)
    return NamedQuery(
        name, title, " ".join(description), tuple(parameters), columns, text, raw, sliced, tuple(order), inline, variant
    )


@cache
def catalog() -> dict[str, NamedQuery]:
    """Every named query shipped with imr-graph, by name."""
    folder = resources.files("imr_graph") / _QUERIES
    raw_names = {p.name.removesuffix(".rq") for p in (folder / "raw").iterdir() if p.name.endswith(".rq")}
    found = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name.removesuffix(".rq")
        if not path.name.endswith(".rq") or name.startswith(_HIDDEN):
            continue
        text = path.read_text(encoding="utf-8")
        found[name] = _parse_header(name, text, name if name in raw_names else None)
    return found


def raw_query(name: str) -> NamedQuery:
    """The twin of a named query that counts from the letter graphs instead of the statistics."""
    query = named(name)
    if query.raw is None:
        return query
    text = (resources.files("imr_graph") / _QUERIES / "raw" / f"{query.raw}.rq").read_text(encoding="utf-8")
    return _parse_header(query.raw, text, None)


def named(name: str) -> NamedQuery:
    """A named query, or :class:`QueryError` naming the closest names."""
    known = catalog()
    if name in known:
        return known[name]
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
    raise QueryError(f"no named query {name!r}{hint} (imr-graph query --list shows them all)")


@cache
def query_text(name: str) -> str:
    """The text of any query file shipped in ``imr_graph/queries`` (internal ones too)."""
    return (resources.files("imr_graph") / _QUERIES / f"{name}.rq").read_text(encoding="utf-8")


# -- parameters -------------------------------------------------------------------------

#: Each citing role's key (as questions take it) and concept.
ROLES = {role.value: role.concept for role in Role}
_CHOICES = {
    "role": tuple(ROLES),
    "basis-role": tuple(role.value for role in (Role.REVIEWER, Role.CLAIMS_ADMINISTRATOR)),
    "level": ("source", "chapter", "section", "page"),
    "pair-level": ("source", "chapter"),
    "category-level": ("category", "subcategory"),
}
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*(?:/(?:section|pages)/[a-z0-9-]+)?$")
_PAGES = re.compile(r"^(?P<first>\d{1,5})(?:\s*[-–]\s*(?P<last>\d{1,5}))?$")
_INT = ox.NamedNode(I.XSD + "integer")


def _choice(parameter: Parameter, value: str) -> str:
    choices = _CHOICES[parameter.kind]
    key = value.strip().lower().replace("_", "-")
    if key not in choices:
        raise QueryError(f"parameter {parameter.name}: {value!r} is not one of {', '.join(choices)}")
    return key


@cache
def _categories() -> dict[str, str]:
    from imr_graph.vocab import fold, load_vocabulary

    found = {}
    for category in load_vocabulary().categories:
        sub = category.subcategory or None
        concept = I.category(category.category, sub)
        label = f"{category.category} {sub}" if sub else category.category
        top = I.category(category.category)
        for key, iri in ((concept, concept), (top, top)):
            found[key.rsplit("/", 1)[1]] = iri
        found.setdefault(fold(sub or ""), concept)  # "Opioids" alone, when no other category has it
        found[fold(label)] = concept
        found[fold(category.category)] = top
    found.pop("", None)
    return found


def _iri(parameter: Parameter, value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as err:
        raise QueryError(f"parameter {parameter.name}: {value!r} is not an IRI ({err})") from None


def bind(parameter: Parameter, value: object) -> dict[str, Term]:
    """The variable bindings a parameter value stands for (checked, never formatted as text)."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return {parameter.name: value}
    text = str(value)
    kind = parameter.kind
    if kind in ("role", "basis-role"):
        return {parameter.name: ox.NamedNode(ROLES[_choice(parameter, text)])}
    if kind in ("level", "pair-level", "category-level"):
        return {parameter.name: ox.Literal(_choice(parameter, text))}
    if kind == "category":  # binds ?detail too: whether it is a category or a subcategory
        from imr_graph.vocab import fold

        categories = _categories()
        if text.startswith(("http://", "https://")):
            concept = _iri(parameter, text).value
        else:
            concept = categories.get(text) or categories.get(fold(text)) or ""
        if not concept:
            close = difflib.get_close_matches(fold(text), list(categories), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise QueryError(f"parameter {parameter.name}: no request category {text!r}{hint}")
        detail = "subcategory" if "--" in concept.rsplit("/", 1)[-1] else "category"
        return {parameter.name: ox.NamedNode(concept), "detail": ox.Literal(detail)}
    if kind == "guideline":
        if text.startswith(("http://", "https://")):
            return {parameter.name: _iri(parameter, text)}
        if not _KEY.match(text):
            raise QueryError(f"parameter {parameter.name}: {text!r} is not a guideline key such as acoem-2004-ch12")
        return {parameter.name: ox.NamedNode(I.guideline(text))}
    if kind == "pages":
        match = _PAGES.match(text.strip())
        if match is None:
            raise QueryError(f"parameter {parameter.name}: {text!r} is not a page or page range such as 303-304")
        first = int(match["first"])
        last = int(match["last"] or first)
        if last < first:
            raise QueryError(f"parameter {parameter.name}: {text!r} ends before it starts")
        return {"firstPage": ox.Literal(str(first), datatype=_INT), "lastPage": ox.Literal(str(last), datatype=_INT)}
    if kind == "integer":
        if not text.strip().lstrip("-").isdigit():
            raise QueryError(f"parameter {parameter.name}: {text!r} is not a whole number")
        return {parameter.name: ox.Literal(str(int(text)), datatype=_INT)}
    return {parameter.name: ox.Literal(text)}


def _parameter_variables(query: NamedQuery) -> set[str]:
    """The variables a query's parameters bind (left out of its results: their value is known)."""
    found = {p.name for p in query.parameters}
    for p in query.parameters:
        found |= {"firstPage", "lastPage"} if p.kind == "pages" else {"detail"} if p.kind == "category" else set()
    return found


def bindings(query: NamedQuery, params: Mapping[str, object]) -> dict[str, Term]:
    """Check ``params`` against the query's parameters and turn them into bindings."""
    by_name = {p.name.replace("-", "_"): p for p in query.parameters}
    unknown = [k for k in params if k.replace("-", "_") not in by_name]
    if unknown:
        names = ", ".join(p.name for p in query.parameters) or "none"
        raise QueryError(f"{query.name} has no parameter {unknown[0]!r} (its parameters: {names})")
    given = {k.replace("-", "_"): v for k, v in params.items()}
    bound: dict[str, Term] = {}
    for key, parameter in by_name.items():
        value = given.get(key, parameter.default)
        if value is None:
            raise QueryError(f"{query.name} needs a value for {parameter.name}: {parameter.help}")
        if value == "any" and parameter.default == "any":
            continue
        bound.update(bind(parameter, value))
    return bound


# -- results ----------------------------------------------------------------------------


def wilson(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default); (0, 1) for no trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Result:
    """Rows of a query, each a dict of plain Python values (IRIs as strings)."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Value], ...]
    name: str | None = None
    bound: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[dict[str, Value]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, columns in order."""
        import pandas

        return pandas.DataFrame(list(self.rows), columns=list(self.columns))


def _python(term: object) -> Value:
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


def _result(
    name: str | None, variables: list[str], solutions: list[dict[str, Value]], bound: Mapping[str, Term]
) -> Result:
    # a parameter's column says nothing when the parameter is bound, or left open and empty
    unset: set[str] = set()
    if name in catalog():
        unset = _parameter_variables(named(name))
        solutions = _ordered(solutions, named(name).order)
    empty = {v for v in unset if all(row.get(v) is None for row in solutions)}
    shown = [v for v in variables if v not in set(bound) | empty | {"slice"}]
    rows = [{k: row.get(k) for k in shown} for row in solutions]
    columns, rows = _with_rates(shown, rows)
    return Result(tuple(columns), tuple(rows), name, {k: str(v) for k, v in bound.items()})


# -- running ----------------------------------------------------------------------------


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
    name: str | None = None,
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
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("only SELECT queries give rows; this one is an ASK or CONSTRUCT query")
    variables = [v.value for v in solutions.variables]
    found = [{n: _python(row[n]) for n in variables} for row in solutions]
    return _result(name, variables, found, bound)


def run_rdflib(graph: Any, text: str, bound: Mapping[str, Term], name: str | None = None) -> Result:
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
    return _result(name, variables, found, bound)


def _python_rdflib(value: Any) -> Value:
    import rdflib

    if value is None:
        return None
    if isinstance(value, rdflib.Literal):
        python = value.toPython()
        return python if isinstance(python, int | float | bool | str) else str(value)
    return str(value)


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 endpoint reached over HTTP (the SPARQL protocol, results as JSON)."""

    url: str
    timeout: float = 60.0
    retries: int = 3

    def select(self, text: str, bound: Mapping[str, Term], name: str | None = None) -> Result:
        """Run a SELECT; bound variables travel as a ``VALUES`` block of escaped RDF terms."""
        body = urllib.parse.urlencode({"query": with_values(text, bound)}).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "imr-graph",
            },
        )
        payload = self._send(request)
        try:
            data = json.loads(payload)
            variables = list(data["head"]["vars"])
            found = [{v: _python_json(row.get(v)) for v in variables} for row in data["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as err:
            raise QueryError(f"{self.url}: the answer is not SPARQL JSON results ({err})") from None
        return _result(name, variables, found, bound)

    def _send(self, request: urllib.request.Request) -> bytes:
        return send(request, self.timeout, self.retries, answered=self.url, service=f"{self.url}: ", what="endpoint")


def send(
    request: urllib.request.Request,
    timeout: float,
    retries: int,
    *,
    answered: str,
    service: str,
    what: str,
    missing_ok: bool = False,
) -> bytes:
    """Send an HTTP request with bounded retries (server errors and no answer are retried).

    Raises :class:`QueryError`: "``answered`` answered CODE REASON: detail" for an HTTP error,
    "``service``no answer after N tries (…); is the ``what`` up?" when nothing answers. A 404
    with ``missing_ok`` is a success with no body.
    """
    for attempt in range(1, retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload: bytes = response.read()
                return payload
        except urllib.error.HTTPError as err:
            if missing_ok and err.code == 404:
                return b""
            detail = err.read(2000).decode("utf-8", "replace").strip()
            if err.code < 500 or attempt == retries:
                raise QueryError(f"{answered} answered {err.code} {err.reason}: {detail[:500]}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
            if attempt == retries:
                reason = getattr(err, "reason", err)
                raise QueryError(f"{service}no answer after {retries} tries ({reason}); is the {what} up?") from None
        time.sleep(0.5 * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def _python_json(binding: Mapping[str, str] | None) -> Value:
    if binding is None:
        return None
    if binding.get("type") == "literal" and "datatype" in binding:
        return _python(ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"])))
    return binding.get("value")


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def with_values(text: str, bound: Mapping[str, Term]) -> str:
    """The query with a ``VALUES`` block opening its WHERE clause: how bindings reach a remote
    endpoint. Terms are written by pyoxigraph, which escapes them; IRIs are checked."""
    if not bound:
        return text
    match = _WHERE.search(_strip_comments(text))
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    names = " ".join(f"?{k}" for k in bound)
    values = " ".join(str(v) for v in bound.values())
    return f"{text[: match.end()]}\n  VALUES ({names}) {{ ({values}) }}{text[match.end() :]}"


def _strip_comments(text: str) -> str:
    """The text with comment lines blanked (same length, so offsets still match)."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group()), text)


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


def ensure_statistics(store: ox.Store) -> None:
    """Count the statistics if the store lacks them and can be written (a graph read from a
    file); otherwise say how to bring them up to date."""
    from imr_graph import stats

    if stats.is_current(store):
        return
    try:
        stats.refresh(store)
    except (OSError, RuntimeError) as err:  # a store opened read-only
        raise StoreError(
            "the store's statistics are not up to date (a build did not finish): run "
            "`imr-graph build --store DIR` to count them, or add --raw to count from the letters"
        ) from err


def run(target: Target, name: str, raw: bool = False, **params: object) -> Result:
    """Ask a named question of a store, a graph file, an endpoint or an rdflib graph.

    ``raw=True`` runs its twin that counts from the letter graphs rather than the statistics.
    """
    query = raw_query(name) if raw else named(name)
    bound = bindings(named(name) if raw else query, params)
    if not raw:
        bound = with_slice(query, bound)
    where = resolve(target)
    text = query.text
    if isinstance(where, ox.Store) and query.variant is not None and query.variant[0] in bound:
        text = query_text(query.variant[1])
    if isinstance(where, ox.Store) and I.STATISTICS_GRAPH in text:
        ensure_statistics(where)
    if isinstance(where, ox.Store) and query.inline:
        return run_store(where, with_values(text, bound), bound, name, substitute=False)
    return execute(where, text, bound, name)


def with_slice(query: NamedQuery, bound: Mapping[str, Term]) -> dict[str, Term]:
    """The bindings plus ``?slice``, the statistics slice they pick, when the query reads one and
    every value that picks it is bound: the query then starts from that slice's few observations
    (a store plans a query before it sees the bound values, so it is told where to start)."""
    out = dict(bound)
    if query.slice is not None:
        dataset, by, variables = query.slice
        if all(v in bound for v in variables):
            out["slice"] = ox.NamedNode(I.statistics_slice(dataset, by, [str(bound[v]) for v in variables]))
    return out


def execute(
    target: Target, text: str, bound: Mapping[str, Term], name: str | None = None, union: bool = False
) -> Result:
    """Run a SELECT with bound values on whatever ``target`` is (see :func:`run`)."""
    where = resolve(target)
    if isinstance(where, ox.Store):
        return run_store(where, text, bound, name, union=union)
    if isinstance(where, Endpoint):
        return where.select(text, bound, name)
    return run_rdflib(where, text, bound, name)


def sparql(target: Target, text: str) -> Result:
    """Run the user's own SELECT query (no parameters). On a store, the default graph is the
    union of all graphs, so a query need not name the letter graphs."""
    return execute(target, text, {}, union=True)


def rows(store: ox.Store, name: str, **bindings: ox.NamedNode | ox.Literal) -> Iterator[dict[str, str]]:
    """Run an internal query file with bound values; each row maps a variable to its value's
    text (unbound variables are left out). Used by the projections and chapter inference."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(key): value for key, value in bindings.items()
    }
    solutions = store.query(query_text(name), substitutions=substitutions or None)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        yield {n: row[n].value for n in names if row[n] is not None}
