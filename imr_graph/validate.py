"""SHACL validation of the graph against ``ontology/shapes.ttl`` (pySHACL).

Every shape is about nodes of one letter's graph (the shared units, treatments and
diagnoses a letter describes are in its graph too), so :func:`validate_store` checks the
letters a batch at a time: memory stays flat however many letters a store holds, and
pySHACL, whose cost grows faster than the graph it is given, runs on small graphs. The
verdicts are those of one run over the union of every letter (a test holds them equal).
With ``inference`` the data is read under RDFS entailment with the ontology first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from imr_graph.vocab import ontology_dir

if TYPE_CHECKING:
    import rdflib

_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One failed constraint: the node, the property path, what was wrong."""

    focus: str
    path: str | None
    message: str
    severity: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}"


@cache
def _shapes() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


@cache
def _ontology() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(ontology_dir() / "imr.ttl", format="turtle")


def validate_quads(quads: Iterable[ox.Quad | ox.Triple], *, inference: bool = False) -> list[Violation]:
    """Check the letters' graphs (their union) against the shapes; return the violations."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    # N-Triples is the quickest way across libraries, and keeps every term exact
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    data.parse(data=ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=_shapes(),
        ont_graph=_ontology() if inference else None,
        inference="rdfs" if inference else "none",
        allow_warnings=True,
    )
    if conforms:
        return []
    sh = rdflib.Namespace(_SH)
    out = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        path = report.value(result, sh.resultPath)
        severity = report.value(result, sh.resultSeverity)
        out.append(
            Violation(
                focus=str(report.value(result, sh.focusNode)),
                path=report.namespace_manager.normalizeUri(path) if isinstance(path, rdflib.URIRef) else None,
                message=str(report.value(result, sh.resultMessage) or "constraint not met"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))


#: Letters checked together: small enough for memory to stay flat, large enough to share the
#: work of setting up (measured by bench/validate_speed.py).
BATCH = 100
ENGINES = ("sparql", "pyshacl")


def validate_store(
    store: ox.Store,
    *,
    inference: bool = False,
    engine: str = "sparql",
    batch: int = BATCH,
    progress: Callable[[int], object] | None = None,
) -> list[Violation]:
    """Check every letter of ``store`` against the shapes, ``batch`` letters at a time;
    ``progress`` is told how many letters each batch held. ``engine`` ``sparql`` runs the
    shapes compiled to SPARQL (:func:`checks`) on pyoxigraph, ``pyshacl`` runs pySHACL (which
    ``inference`` needs). Either gives the violations of one run over the union, each once."""
    from imr_graph.stats import letter_graphs

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")

    def check(quads: list[ox.Quad]) -> list[Violation]:
        if engine == "sparql" and not inference:
            return quick_violations(quads)
        return validate_quads(quads, inference=inference)

    letters = letter_graphs(store)
    found: set[Violation] = set()
    for start in range(0, len(letters), batch):
        chunk = letters[start : start + batch]
        quads = [q for graph in chunk for q in store.quads_for_pattern(None, None, None, graph)]
        found.update(check(quads))
        if progress is not None:
            progress(len(chunk))
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.message))


# -- the same shapes as SPARQL: a quick path through the shapes' SHACL Core subset ---------


@dataclass(frozen=True)
class Check:
    """One constraint of the shapes as a query: focus nodes (``?this``) and values (``?value``)
    that break it, on the union of the letters' graphs (the default graph)."""

    query: str
    path: str | None
    message: str


def _term(node: object) -> str:
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    raise ValueError(f"unsupported term in the shapes: {node!r}")


@cache
def checks() -> tuple[Check, ...]:
    """The shapes' constraints as SPARQL (node shapes targeting a class, the objects or the
    subjects of a property; their own nodeKind IRI and pattern; property shapes of IRI,
    inverse or sequence paths with minCount, maxCount, datatype, class, nodeKind IRI, in,
    min/maxInclusive and pattern; and ``sh:sparql`` selects). A shape using anything else is
    refused here, so that the quick path never checks less than pySHACL would."""
    import rdflib

    shapes = _shapes()
    sh = rdflib.Namespace(_SH)
    own = {rdflib.RDF.type, rdflib.RDFS.label, rdflib.RDFS.comment, sh.targetClass, sh.targetObjectsOf,
           sh.targetSubjectsOf, sh.property, sh.sparql, sh.nodeKind, sh.pattern, sh.message}  # fmt: skip
    found: list[Check] = []
    for shape in shapes.subjects(rdflib.RDF.type, sh.NodeShape):
        if unknown := set(shapes.predicates(shape)) - own:
            raise ValueError(f"the quick path cannot check {sorted(map(str, unknown))}")
        targets = [f"?this a {_term(c)}" for c in shapes.objects(shape, sh.targetClass)]
        targets += [f"?holder {_term(p)} ?this" for p in shapes.objects(shape, sh.targetObjectsOf)]
        targets += [f"?this {_term(p)} ?held" for p in shapes.objects(shape, sh.targetSubjectsOf)]
        focus = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {t} }}" for t in targets) + " } }"
        said = str(shapes.value(shape, sh.message) or "")
        if shapes.value(shape, sh.nodeKind) == sh.IRI:
            found.append(Check(f"SELECT ?this WHERE {{ {focus} FILTER (!isIRI(?this)) }}", None, said or "not an IRI"))
        if (pattern := shapes.value(shape, sh.pattern)) is not None:
            text = rdflib.Literal(str(pattern)).n3()
            test = f"isBlank(?this) || !REGEX(STR(?this), {text})"
            found.append(Check(f"SELECT ?this WHERE {{ {focus} FILTER ({test}) }}", None, said or f"not {pattern}"))
        for constraint in shapes.objects(shape, sh.property):
            found.extend(_property_checks(shapes, focus, constraint))
        for rule in shapes.objects(shape, sh.sparql):
            select = str(shapes.value(rule, sh.select))
            message = shapes.value(rule, sh.message)
            found.append(Check(f"SELECT ?this WHERE {{ {focus} {{ {select} }} }}", None, str(message or "SPARQL rule")))
    return tuple(found)


def _property_checks(shapes: rdflib.Graph, focus: str, constraint: rdflib.term.Node) -> list[Check]:
    import rdflib
    from rdflib.collection import Collection

    sh = rdflib.Namespace(_SH)
    known = {sh.path, sh.minCount, sh.maxCount, sh.datatype, sh["class"], sh.nodeKind, sh["in"], sh.minInclusive,
             sh.maxInclusive, sh.pattern, sh.message}  # fmt: skip
    used = set(shapes.predicates(constraint))
    if used - known:
        raise ValueError(f"the quick path cannot check {sorted(map(str, used - known))}")

    def value(predicate: rdflib.URIRef) -> rdflib.term.Node | None:
        return shapes.value(constraint, predicate)

    raw = value(sh.path)
    inverse = shapes.value(raw, sh.inversePath) if isinstance(raw, rdflib.BNode) else None
    if inverse is not None:  # ^p
        path, shown = f"^{_term(inverse)}", "^" + shapes.namespace_manager.normalizeUri(str(inverse))
    else:
        steps = list(Collection(shapes, raw)) if isinstance(raw, rdflib.BNode) else [raw]  # a sequence path, or one IRI
        path = "/".join(_term(step) for step in steps)
        shown = " / ".join(shapes.namespace_manager.normalizeUri(str(step)) for step in steps)
    said = value(sh.message)
    found: list[Check] = []

    def add(query: str, default: str) -> None:
        found.append(Check(query, shown, str(said) if said is not None else default))

    for bound, test in ((sh.minCount, "<"), (sh.maxCount, ">")):
        if (limit := value(bound)) is not None:
            add(
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {test} {int(str(limit))})",
                f"{'fewer' if test == '<' else 'more'} than {limit} values",
            )
    each = f"SELECT ?this ?value WHERE {{ {focus} ?this {path} ?value . FILTER (TEST) }}"
    if (kind := value(sh.datatype)) is not None:
        add(each.replace("TEST", f"!isLiteral(?value) || datatype(?value) != {_term(kind)}"), f"not {kind}")
    if (cls := value(sh["class"])) is not None:
        add(each.replace("TEST", f"NOT EXISTS {{ ?value a {_term(cls)} }}"), f"not a {cls}")
    if value(sh.nodeKind) == sh.IRI:
        add(each.replace("TEST", "!isIRI(?value)"), "not an IRI")
    if (listed := value(sh["in"])) is not None:
        choices = ", ".join(_term(x) for x in Collection(shapes, listed))
        add(each.replace("TEST", f"?value NOT IN ({choices})"), f"not one of {choices}")
    for bound, test in ((sh.minInclusive, ">="), (sh.maxInclusive, "<=")):
        if (edge := value(bound)) is not None:
            add(each.replace("TEST", f"!COALESCE(?value {test} {_term(edge)}, false)"), f"not {test} {edge}")
    if (pattern := value(sh.pattern)) is not None:
        text = rdflib.Literal(str(pattern)).n3()
        add(each.replace("TEST", f"isBlank(?value) || !REGEX(STR(?value), {text})"), f"does not match {pattern}")
    return found


def quick_violations(quads: Iterable[ox.Quad | ox.Triple]) -> list[Violation]:
    """The shapes' violations by :func:`checks`, on the union of ``quads`` (in an in-memory
    store): the verdicts pySHACL gives (a test holds them equal), in milliseconds."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    out = []
    for check in checks():
        solutions = store.query(check.query)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            focus = row["this"]
            out.append(Violation(str(getattr(focus, "value", focus)), check.path, check.message, "Violation"))
    return sorted(set(out), key=lambda v: (v.focus, v.path or "", v.message))
