"""SHACL validation: the shapes compiled to SPARQL give pySHACL's verdicts on graphs broken in
every way the shapes check, checking letters a batch at a time gives the verdicts of one run
over the union, and the real letters conform, with RDFS inference too."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pyoxigraph as ox
import pytest

from imr_graph import iri
from imr_graph.extract import extract_paths
from imr_graph.records import CaseRecord
from imr_graph.sample import sample_letters
from imr_graph.stats import letter_graphs
from imr_graph.store import build, letter_quads, open_store
from imr_graph.validate import quick_violations, validate_quads, validate_store
from tests.known import known_records

NS, XSD = iri.NS, iri.XSD
INT = ox.NamedNode(XSD + "integer")


@cache
def _sample_records() -> tuple[CaseRecord, ...]:
    letter = [p for p in sample_letters() if p.name == "sample-2016-a.txt"]
    return tuple(r for r in extract_paths(letter, workers=1) if isinstance(r, CaseRecord))


def known_store() -> ox.Store:
    """The known letters, and a sample letter (which says where each value was read)."""
    store = open_store(None)
    build([*known_records(), *_sample_records()], store)
    return store


def first(store: ox.Store, predicate: str) -> ox.Quad:
    """The first quad with ``predicate`` in a letter's graph (not the statistics or journal)."""
    letters = iri.ID + "letter/"
    found = store.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
    return next(q for q in found if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(letters))


def replace(store: ox.Store, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
    quad = first(store, predicate)
    store.remove(quad)
    store.add(ox.Quad(quad.subject, quad.predicate, value, quad.graph_name))


def drop(store: ox.Store, predicate: str) -> None:
    store.remove(first(store, predicate))


def twice(store: ox.Store, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
    """Give the first node with ``predicate`` a second value (``value``, or another when it
    already has that one)."""
    quad = first(store, predicate)
    if quad.object == value:
        value = ox.Literal("another") if isinstance(value, ox.Literal) else ox.NamedNode(value.value + "-another")
    store.add(ox.Quad(quad.subject, quad.predicate, value, quad.graph_name))


def drop_all(store: ox.Store, predicate: str) -> None:
    for quad in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, None)):
        store.remove(quad)


def follows_a_guideline(store: ox.Store) -> None:
    item = first(store, NS + "itemNumber")
    unit = ox.NamedNode(iri.guideline("ACOEM"))
    store.add(ox.Quad(item.subject, ox.NamedNode(NS + "dependsOn"), unit, item.graph_name))


def drop_basis(store: ox.Store, role: str) -> None:
    """Drop the first item's basis of one party."""
    quad = next(
        q for q in store.quads_for_pattern(None, ox.NamedNode(NS + "basis"), None) if q.object.value.endswith(role)
    )
    store.remove(quad)


def moved(store: ox.Store, fragment: str) -> None:
    """Point the first located value at another place of its document (``fragment`` after it)."""
    quad = first(store, NS + "context")
    document = quad.object.value.split("#", 1)[0]  # type: ignore[union-attr]
    replace(store, NS + "context", ox.NamedNode(document + fragment))


def field_on(store: ox.Store, node: ox.NamedNode) -> None:
    quad = first(store, NS + "field")
    store.remove(quad)
    store.add(ox.Quad(node, quad.predicate, quad.object, quad.graph_name))


BREAKS: dict[str, Callable[[ox.Store], None]] = {
    "no outcome": lambda s: drop(s, NS + "outcome"),
    "two outcomes": lambda s: twice(s, NS + "outcome", ox.NamedNode(iri.outcome("overturned"))),
    "outcome not in the list": lambda s: replace(s, NS + "outcome", ox.NamedNode(iri.outcome("withdrawn"))),
    "item number not an integer": lambda s: replace(s, NS + "itemNumber", ox.Literal("one")),
    "item number below 1": lambda s: replace(s, NS + "itemNumber", ox.Literal("0", datatype=INT)),
    "sha256 not hex": lambda s: replace(s, NS + "sha256", ox.Literal("not-a-hash")),
    "unknown letter format": lambda s: replace(s, NS + "letterFormat", ox.Literal("fax")),
    "page count a string": lambda s: replace(s, NS + "pageCount", ox.Literal("3")),
    "follows something not an item": lambda s: follows_a_guideline(s),
    "reversed pages": lambda s: replace(s, NS + "endPage", ox.Literal("1", datatype=INT)),
    "a second cited part": lambda s: twice(
        s, "http://purl.org/spar/cito/hasCitedEntity", ox.NamedNode(iri.guideline("acoem-2004-ch7"))
    ),
    "no cited entity": lambda s: drop_all(s, "http://purl.org/spar/cito/hasCitedEntity"),
    "license state not a code": lambda s: replace(s, NS + "licensedIn", ox.NamedNode(iri.VOCAB + "state/california")),
    "basis missing": lambda s: drop_basis(s, "reviewer"),
    "a place in no source document": lambda s: moved(s, "/elsewhere#char=5,9"),
    "a place that is no text position": lambda s: moved(s, "/elsewhere"),
    "a field given by no place": lambda s: field_on(s, ox.NamedNode(iri.ID + "somewhere")),
    "page starts not offsets": lambda s: replace(s, NS + "pageStarts", ox.Literal("0 12 x")),
    "no citing basis": lambda s: drop(s, NS + "hasCitation"),
}


def comparable(violations: list[object]) -> set[tuple[str, str | None]]:
    # pySHACL reports a sequence or inverse path as a blank node: compare those by focus alone
    return {
        (v.focus, v.path if v.path and " / " not in v.path and not v.path.startswith("^") else None)  # type: ignore[attr-defined]
        for v in violations
    }


@pytest.mark.parametrize("name", list(BREAKS))
def test_the_sparql_checks_give_pyshacls_verdicts(name: str) -> None:
    store = known_store()
    assert quick_violations(letter_quads(store)) == [] == validate_quads(letter_quads(store))
    BREAKS[name](store)
    quick = quick_violations(letter_quads(store))
    reference = validate_quads(letter_quads(store))
    assert reference, f"{name}: pySHACL finds nothing wrong, so the break does not test a shape"
    assert comparable(quick) == comparable(reference), name


def test_batches_give_the_verdicts_of_one_run(shared_corpus_store: ox.Store) -> None:
    store = open_store(None)
    store.extend(letter_quads(shared_corpus_store))
    graphs = letter_graphs(store)[:40]
    for graph in graphs[::7]:  # break a few letters in different places
        quad = next(iter(store.quads_for_pattern(None, ox.NamedNode(NS + "itemNumber"), None, graph)))
        store.remove(quad)
    for graph in letter_graphs(store)[40:]:
        store.remove_graph(graph)
    whole = validate_quads(letter_quads(store))
    assert len(whole) == len(graphs[::7])
    seen: list[int] = []
    for batch in (1, 7, 100):
        assert validate_store(store, batch=batch, progress=seen.append) == quick_violations(letter_quads(store))
        assert comparable(validate_store(store, batch=batch)) == comparable(whole)
    assert sum(seen) == 3 * 40
    assert comparable(validate_store(store, engine="pyshacl", batch=10)) == comparable(whole)


@pytest.mark.slow
def test_the_real_letters_conform_with_rdfs_inference_too(shared_corpus_store: ox.Store) -> None:
    assert validate_store(shared_corpus_store) == []
    store = open_store(None)
    store.extend(q for k, g in enumerate(letter_graphs(shared_corpus_store)) if k < 30
                 for q in shared_corpus_store.quads_for_pattern(None, None, None, g))  # fmt: skip
    assert validate_store(store, inference=True) == []
