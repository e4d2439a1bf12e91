"""The named questions shipped with imr-graph: the ``.rq`` files in ``imr_graph/queries``, what
their headers say, and how a parameter value becomes a bound value.

Each named query starts with a header of comments: a ``title:`` line, what it answers,
one ``param NAME: KIND [= DEFAULT]`` line per parameter (``= any`` makes it optional), and
its ``columns:``. Parameters are always bound as values — pyoxigraph substitutions,
rdflib ``initBindings``, or a ``VALUES`` block for a remote endpoint — never written into
the query text, so a value cannot change what the query does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.errors import QueryError, shown
from imr_graph.records import Role

Term = ox.NamedNode | ox.Literal

_QUERIES = "queries"
#: internal queries: projections, inference, the model's inputs, lookups
_HIDDEN = ("projection-", "infer-", "model-", "labels", "cases-citing-pages", "unit-known", "units-cited", "info")


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
    #: (question, column): the base rate its rows are compared with is the row of that question
    #: whose column holds the value this one's parameter of the same name is bound to
    #: (``# base: overturn-by-category category``); the overall rate when absent
    base: tuple[str, str] | None = None
    #: (column, label column) pairs: each label column is filled, after the query, with the name
    #: the statistics give the guideline unit in its column (``# labels: unit label``), placed
    #: after that column: one lookup per unit named rather than one per row
    labels: tuple[tuple[str, str], ...] = ()

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
    base: tuple[str, str] | None = None
    labels: list[tuple[str, str]] = []
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
        elif body.startswith("base:"):
            question, column = body.removeprefix("base:").split()
            base = (question, column)
        elif body.startswith("variant:"):
            variable, other = body.removeprefix("variant:").split()
            variant = (variable, other)
        elif body.startswith("labels:"):
            for pair in body.removeprefix("labels:").split(","):
                column, label = pair.split()
                labels.append((column, label))
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
        name,
        title,
        " ".join(description),
        tuple(parameters),
        columns,
        text,
        raw,
        sliced,
        tuple(order),
        inline,
        variant,
        base,
        tuple(labels),
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
    "level": ("source", "chapter", "section", "topic", "page"),
    "pair-level": ("source", "chapter"),
    "category-level": ("category", "subcategory"),
}
_KEY = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9-]*(?:/(?:section|pages)/[a-z0-9-]+)?\Z")
_PAGES = re.compile(r"^(?P<first>\d{1,5})(?:\s*[-–]\s*(?P<last>\d{1,5}))?$")
_INT = ox.NamedNode(I.XSD + "integer")


def _choice(parameter: Parameter, value: str) -> str:
    choices = _CHOICES[parameter.kind]
    key = value.strip().lower().replace("_", "-")
    if key not in choices:
        raise QueryError(f"parameter {parameter.name}: {shown(value)} is not one of {', '.join(choices)}")
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
        raise QueryError(f"parameter {parameter.name}: {shown(value)} is not an IRI ({err})") from None


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
            raise QueryError(f"parameter {parameter.name}: no request category {shown(text)}{hint}")
        detail = "subcategory" if "--" in concept.rsplit("/", 1)[-1] else "category"
        return {parameter.name: ox.NamedNode(concept), "detail": ox.Literal(detail)}
    if kind == "guideline":
        text = I.expand(text.strip()) if ":" in text and not text.startswith(("http://", "https://")) else text
        if text.startswith(("http://", "https://")):
            return {parameter.name: _iri(parameter, text)}
        if not _KEY.match(text):
            raise QueryError(
                f"parameter {parameter.name}: {shown(text)} is not a guideline key such as acoem-2004-ch12"
            )
        return {parameter.name: ox.NamedNode(I.guideline(text))}
    if kind == "pages":
        match = _PAGES.match(text.strip())
        if match is None:
            raise QueryError(f"parameter {parameter.name}: {shown(text)} is not a page or page range such as 303-304")
        first = int(match["first"])
        last = int(match["last"] or first)
        if last < first:
            raise QueryError(f"parameter {parameter.name}: {shown(text)} ends before it starts")
        return {"firstPage": ox.Literal(str(first), datatype=_INT), "lastPage": ox.Literal(str(last), datatype=_INT)}
    if kind == "integer":
        if not text.strip().lstrip("-").isdigit():
            raise QueryError(f"parameter {parameter.name}: {shown(text)} is not a whole number")
        return {parameter.name: ox.Literal(str(int(text)), datatype=_INT)}
    return {parameter.name: ox.Literal(text)}


#: The variables the filters bind in a raw twin, with the values that mean "no filter".
FILTER_DEFAULTS: dict[str, Term] = {
    "onlyCategory": ox.Literal("any"),
    "fromYear": ox.Literal("0", datatype=_INT),
    "toYear": ox.Literal("0", datatype=_INT),
    "onlySpecialty": ox.Literal("any"),
}
_YEARS = re.compile(r"^(?P<first>\d{4})(?:\s*[-–]\s*(?P<last>\d{4}))?$")


@cache
def _specialties() -> dict[str, str]:
    from imr_graph.vocab import fold, load_vocabulary

    return {fold(label): concept for label, concept in load_vocabulary().specialty_iris.items()}


def filters(*, year: object = None, category: object = None, specialty: object = None) -> dict[str, Term]:
    """The bindings of the filters a rate question takes from the letter graphs: decision years
    (``2016`` or ``2015-2017``), a request category or subcategory, a reviewer specialty; each
    value checked and bound, never written into the query. Empty when none is given.

    >>> sorted(filters(year="2015-2016"))
    ['fromYear', 'onlyCategory', 'onlySpecialty', 'toYear']
    """
    if year is None and category is None and specialty is None:
        return {}
    bound = dict(FILTER_DEFAULTS)
    if year is not None:
        match = _YEARS.match(str(year).strip())
        if match is None:
            raise QueryError(f"year: {shown(year)} is not a year or a range of years such as 2015-2017")
        first, last = int(match["first"]), int(match["last"] or match["first"])
        if last < first:
            raise QueryError(f"year: {shown(year)} ends before it starts")
        bound["fromYear"] = ox.Literal(str(first), datatype=_INT)
        bound["toYear"] = ox.Literal(str(last), datatype=_INT)
    if category is not None:
        bound["onlyCategory"] = bind(Parameter("category", "category", None, ""), category)["category"]
    if specialty is not None:
        from imr_graph.vocab import fold

        text = str(specialty)
        known = _specialties()
        if text.startswith(("http://", "https://")):
            concept = _iri(Parameter("specialty", "iri", None, ""), text).value
        else:
            concept = known.get(fold(text), "")
        if not concept:
            close = difflib.get_close_matches(fold(text), list(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise QueryError(f"specialty: no reviewer specialty {shown(text)}{hint}")
        bound["onlySpecialty"] = ox.NamedNode(concept)
    return bound


def parameter_variables(query: NamedQuery) -> set[str]:
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
        raise QueryError(f"{query.name} has no parameter {shown(unknown[0])} (its parameters: {names})")
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
