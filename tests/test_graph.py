"""Records → RDF → records, the store, SHACL, serializations, projections."""

from __future__ import annotations

import dataclasses
import gc
import io
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from imr_graph import extract_letter, iri, stats
from imr_graph.cli import main
from imr_graph.errors import RecordError, RecordShapeError, StoreError
from imr_graph.network import to_networkx
from imr_graph.rdf import record_from_quads, record_quads
from imr_graph.records import (
    Basis,
    CaseRecord,
    Citation,
    Decision,
    Diagnosis,
    Guideline,
    Item,
    LetterFormat,
    PartialAuthorization,
    Patient,
    Reviewer,
    Source,
    Span,
    Treatment,
    page_breaks,
    read_records,
    record_json,
)
from imr_graph.sample import LETTERS_DIR
from imr_graph.store import (
    FORMATS,
    build,
    build_jsonl,
    letter_quads,
    open_graph,
    open_store,
    write_graph,
)
from imr_graph.validate import validate_quads
from imr_graph.vocab import load_vocabulary
from tests.conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"


def sample_record(name: str) -> CaseRecord:
    # a path without folders, so the graph does not depend on where the checkout lives
    return extract_letter(name, (LETTERS_DIR / name).read_bytes())


def as_rdflib(quads: list[ox.Quad]) -> rdflib.Graph:
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    data = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=data, format="nt")
    for prefix, namespace in (
        ("imr", iri.NS),
        ("id", iri.ID),
        ("cito", iri.CITO),
        ("prov", iri.PROV),
        ("oa", iri.OA),
        ("gl", iri.VOCAB + "guideline/"),
    ):
        graph.bind(prefix, namespace)
    return graph


def canonical(record: CaseRecord) -> CaseRecord:
    """The record as the graph gives it back: set-valued fields in sorted order."""
    rv = record.reviewer
    reviewer = dataclasses.replace(
        rv,
        specialties=tuple(sorted(rv.specialties)),
        subspecialties=tuple(sorted(rv.subspecialties)),
        license_states=tuple(sorted(rv.license_states)),
    )
    return dataclasses.replace(record, reviewer=reviewer, warnings=tuple(sorted(record.warnings)))


@pytest.mark.parametrize("name", ["sample-2014.txt", "sample-2016-a.txt"])
def test_record_to_rdf_golden(name: str) -> None:
    """The graph of a seed-style and a 2016-style letter, compared as isomorphic graphs.

    To accept a deliberate change: regenerate with ``python tests/test_graph.py``.
    """
    got = as_rdflib(record_quads(sample_record(name)))
    want = rdflib.Graph().parse(GOLDEN / f"{Path(name).stem}.ttl", format="turtle")
    assert isomorphic(got, want), f"graph of {name} differs from tests/golden"


@pytest.mark.parametrize(
    "name",
    ["sample-2013-notice.txt", "sample-2013-review.txt", "sample-2014.txt", "sample-2016-a.txt", "sample-2016-b.pdf"],
)
def test_sample_round_trip(name: str) -> None:
    record = sample_record(name)
    assert record_from_quads(record_quads(record), iri.letter(record.id)) == canonical(record)


@pytest.mark.parametrize("name", ["sample-2014.txt", "sample-2016-a.txt"])
def test_graphs_of_the_earlier_form_read_back_as_the_same_record(name: str) -> None:
    """Graphs written before spans became text-position IRIs (a span node, a Web Annotation
    selector and a page each; section slots) still read back as the same record: only where
    each page starts is not known there, so the record gets the page breaks its spans allow."""
    earlier = rdflib.Graph().parse(GOLDEN / "earlier-form" / f"{Path(name).stem}.ttl", format="turtle")
    record = canonical(sample_record(name))
    quads = ox.parse(earlier.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    read = record_from_quads(quads, iri.letter(record.id))
    breaks = page_breaks(record.spans(), record.source.pages)
    assert read.source.page_starts == breaks
    assert read == dataclasses.replace(record, source=dataclasses.replace(record.source, page_starts=breaks))
    assert sum(1 for _ in record.spans()) > 10


# -- Hypothesis-generated records ---------------------------------------------------------

_text = st.text(min_size=1, max_size=30)
_opt_text = st.none() | _text
#: a span's page is where its start falls, pages being 20,000 characters here
_span: st.SearchStrategy[Span | None] = st.none() | st.integers(0, 10**6).flatmap(
    lambda start: st.builds(Span, st.just(start), st.integers(0, 10**6), st.just(start // 20_000 + 1))
)


def _unique_by_slug(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(iri.slug(value), value)
    return list(seen.values())


@st.composite
def citations(draw: st.DrawFn) -> Citation:
    return Citation(
        guideline=draw(st.sampled_from(list(Guideline))),
        mtus=draw(st.booleans()),
        text=draw(_text),
        chapter=draw(st.none() | st.integers(1, 40)),
        chapter_title=draw(_opt_text),
        sections=tuple(draw(st.lists(_text, max_size=3))),
        pages=tuple(draw(st.lists(st.tuples(st.integers(1, 900), st.integers(1, 900)), max_size=3))),
        edition=draw(_opt_text),
        year=draw(st.none() | st.integers(1990, 2030)),
        url=draw(_opt_text),
        updated=draw(st.none() | st.dates().map(str)),
        span=draw(_span),
    )


bases = st.builds(
    Basis, st.booleans(), st.booleans(), st.lists(citations(), max_size=3).map(tuple), st.text(max_size=40), _span
)


@st.composite
def records(draw: st.DrawFn) -> CaseRecord:
    vocab = load_vocabulary()
    categories = [(c.category, c.subcategory) for c in vocab.categories] + [("Surgery", None), (None, None)]
    regions = [label for label, _ in vocab.body_regions] + [None]
    states = sorted(set(vocab.states.values()))
    labels = _unique_by_slug(draw(st.lists(_text, max_size=4)))
    items = []
    for n, label in enumerate(labels, start=1):
        category, subcategory = draw(st.sampled_from(categories))
        items.append(
            Item(
                n=n,
                request=draw(st.text(max_size=40)),
                decision=draw(st.sampled_from(list(Decision))),
                treatment=Treatment(label, category, subcategory),
                claims_administrator=draw(bases),
                reviewer=draw(bases),
                rationale=draw(st.text(max_size=60)),
                rationale_citations=tuple(draw(st.lists(citations(), max_size=2))),
                partial=draw(st.none() | st.builds(PartialAuthorization, _text, _text, _text)),
                dependent=draw(st.booleans()),
                depends_on=draw(st.none() | st.integers(1, len(labels))),
                span=draw(_span),
            )
        )
    specialty_pool = [*sorted(vocab.specialty_iris), "Wound Care Specialist"]
    diagnoses = _unique_by_slug(draw(st.lists(_text, max_size=3)))
    return CaseRecord(
        id="doc-" + draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        source=Source(
            draw(_text),
            draw(st.text("0123456789abcdef", min_size=64, max_size=64)),
            draw(st.sampled_from(list(LetterFormat))),
            draw(st.integers(1, 20)),
        ),
        case_number=draw(st.none() | st.from_regex(r"\ACM1[3-9]-[0-9]{7}\Z")),
        decision_date=draw(st.none() | st.dates().map(str)),
        date_of_injury=draw(st.none() | st.dates().map(str)),
        ur_denial_date=draw(st.none() | st.dates().map(str)),
        date_assigned=draw(st.none() | st.dates().map(str)),
        application_received=draw(st.none() | st.dates().map(str)),
        priority=draw(_opt_text),
        reviewer=Reviewer(
            specialties=tuple(draw(st.lists(st.sampled_from(specialty_pool), unique=True, max_size=3))),
            subspecialties=tuple(draw(st.lists(st.sampled_from(specialty_pool[:5]), unique=True, max_size=2))),
            license_states=tuple(draw(st.lists(st.sampled_from(states), unique=True, max_size=3))),
            text=draw(st.text(max_size=40)),
            span=draw(_span),
        ),
        patient=Patient(draw(st.none() | st.integers(14, 100)), draw(st.none() | st.sampled_from(["male", "female"]))),
        diagnoses=tuple(Diagnosis(t, draw(st.sampled_from(regions)), draw(_span)) for t in diagnoses),
        items=tuple(items),
        warnings=tuple(draw(st.lists(_text, unique=True, max_size=3))),
        provenance=draw(
            st.dictionaries(
                st.sampled_from(["case_number", "decision_date", "patient"]),
                _span.filter(lambda span: span is not None),
            )
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_round_trip_record_rdf_record(record: CaseRecord) -> None:
    assert record_from_quads(record_quads(record), iri.letter(record.id)) == canonical(record)


# -- the store ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_records() -> list[CaseRecord]:
    from imr_graph.extract import extract_paths
    from tests.conftest import shared_path

    corpus = shared_path("corpus")
    return [r for r in extract_paths([corpus / "seeds", corpus / "real"], workers=2) if isinstance(r, CaseRecord)]


def quad_set(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, None))


@pytest.mark.slow
def test_shared_corpus_builds_validates_and_rebuilds_identically(
    shared_records: list[CaseRecord], tmp_path: Path
) -> None:
    assert len(shared_records) == 135
    store = open_store(tmp_path / "store")
    first = build(shared_records, store)
    assert first.letters == 135 and first.replaced == 0
    assert validate_quads(letter_quads(store)) == []
    before = quad_set(store)
    again = build(shared_records, store)
    assert again.replaced == 135
    assert quad_set(store) == before
    names = {g.value for g in store.named_graphs()}
    assert {iri.letter(r.id) for r in shared_records} <= names


@pytest.mark.slow
def test_rdflib_memory_and_oxigraph_give_the_same_triples(shared_records: list[CaseRecord]) -> None:
    oxi = open_store(None)
    build(shared_records[:40], oxi)
    memory = rdflib.Dataset()
    for record in shared_records[:40]:
        graph = memory.graph(rdflib.URIRef(iri.letter(record.id)))
        graph += as_rdflib(record_quads(record))
    # the build also places page-only citations in chapters (imr:inferredPart): not the record's
    inferred = iri.NS + "inferredPart"
    oxi_triples = as_rdflib([q for q in letter_quads(oxi) if q.predicate.value != inferred])
    memory_triples = rdflib.Graph()
    for s, p, o, _ in memory.quads((None, None, None, None)):
        memory_triples.add((s, p, o))
    assert set(oxi_triples) == set(memory_triples)


def test_interrupted_build_is_completed_by_a_rerun(tmp_path: Path) -> None:
    records = [sample_record(p.name) for p in sorted(LETTERS_DIR.iterdir())]

    def interrupted():  # the build dies after three letters
        yield from records[:3]
        raise KeyboardInterrupt

    store = open_store(tmp_path / "s")
    with pytest.raises(KeyboardInterrupt):
        build(interrupted(), store, batch=2)
    letters = {g.value for g in store.named_graphs()} - {iri.VOCABULARY_GRAPH, iri.JOURNAL_GRAPH}
    assert letters == {iri.letter(r.id) for r in records[:2]}  # whole letters only
    build(records, store)
    clean = open_store(None)
    build(records, clean)
    assert quad_set(store) == quad_set(clean)


def test_half_written_letter_is_removed_and_rewritten(tmp_path: Path) -> None:
    """A crash inside a batch's bulk load leaves a letter graph with no journal entry."""
    records = [sample_record(p.name) for p in sorted(LETTERS_DIR.iterdir())]
    store = open_store(tmp_path / "s")
    build(records[:2], store)
    torn = record_quads(records[2])
    store.bulk_extend(torn[: len(torn) // 2])  # what kill -9 during the load would leave
    store.flush()
    build(records, store)
    clean = open_store(None)
    build(records, clean)
    assert quad_set(store) == quad_set(clean)


def test_every_serialization_reads_back_with_an_independent_parser(tmp_path: Path) -> None:
    store = open_store(None)
    build([sample_record(p.name) for p in sorted(LETTERS_DIR.iterdir())], store)
    expected = {(q.subject, q.predicate, q.object) for q in letter_quads(store)}
    rdflib_formats = {
        ".nq": "nquads",
        ".trig": "trig",
        ".nt": "nt",
        ".ttl": "turtle",
        ".jsonld": "json-ld",
        ".rdf": "xml",
    }
    for suffix, name in rdflib_formats.items():
        path = tmp_path / f"graph{suffix}"
        write_graph(store, path)
        theirs = rdflib.Dataset() if suffix in (".nq", ".trig", ".jsonld") else rdflib.Graph()
        theirs.parse(data=path.read_bytes(), format=name)
        triples = {
            (s, p, o)
            for s, p, o, *_ in (
                theirs.quads((None, None, None, None))
                if isinstance(theirs, rdflib.Dataset)
                else ((s, p, o, None) for s, p, o in theirs)
            )
        }
        assert len(triples) == len(expected), suffix
        # and the reverse: rdflib writes, pyoxigraph reads
        back = io.BytesIO(theirs.serialize(format=name, encoding="utf-8"))
        reread = list(ox.parse(back, format=FORMATS[suffix]))
        assert len({(q.subject, q.predicate, q.object) for q in reread}) == len(expected), suffix


def test_ontology_loads_and_documents_every_term() -> None:
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    graph = rdflib.Graph()
    for name in (
        "imr",
        "guidelines",
        "specialties",
        "categories",
        "states",
        "outcomes",
        "body-regions",
        "shapes",
        "statistics",
    ):
        graph.parse(ROOT / "ontology" / f"{name}.ttl", format="turtle")
        list(ox.parse(path=str(ROOT / "ontology" / f"{name}.ttl"), format=ox.RdfFormat.TURTLE))
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            assert graph.value(term, RDFS.label), f"{term} has no label"
            assert graph.value(term, SKOS.definition), f"{term} has no definition"


def test_ontology_docs_are_fresh() -> None:
    from imr_graph.docs import ontology_html

    committed = (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    assert committed == ontology_html(), "docs/ontology.html is stale: run `imr-graph docs`"


def test_open_graph_gives_an_rdflib_dataset(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    build([sample_record("sample-2014.txt")], store)
    del store  # release the writer's lock
    dataset = open_graph(tmp_path / "s")
    rows = list(
        dataset.query(
            "SELECT ?request WHERE { ?item <https://w3id.org/imr-graph/ns#request> ?request } ORDER BY ?request"
        )
    )
    assert [str(r[0]) for r in rows] == [
        "Arthroscopic partial medial meniscectomy of the right knee",
        "Naproxen 550mg #90",
        "Urine drug screen",
    ]


def test_chapter_is_inferred_from_pages(tmp_path: Path) -> None:
    stated = sample_record("sample-2014.txt")  # ACOEM chapter 13, pages 344-345 and 347
    base = stated.items[0].reviewer.citations[0]
    unplaced = dataclasses.replace(base, chapter=None, chapter_title=None, pages=((344, 344),))
    item = dataclasses.replace(
        stated.items[0], reviewer=dataclasses.replace(stated.items[0].reviewer, citations=(unplaced,))
    )
    other = dataclasses.replace(stated, id="doc-00000000000000aa", items=(item,))
    from imr_graph.store import infer_chapters

    store = open_store(None)
    build([stated, other], store)
    # the unplaced reviewer citation, and the rationale's "ACOEM … 2nd Edition (2004), pages
    # 344-345" (no chapter) in both letters
    assert infer_chapters(store) == (3, 0)
    placed = {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(iri.NS + "inferredPart"), None, None)
    }
    chapter13 = iri.VOCAB + "guideline/acoem-2004-ch13"
    item = iri.item(iri.letter("doc-00000000000000aa"), 1)
    assert placed == {
        (iri.citation(item, "reviewer", 1), chapter13),
        (iri.citation(item, "rationale", 1), chapter13),
        (iri.citation(iri.item(iri.letter(stated.id), 1), "rationale", 1), chapter13),
    }
    assert infer_chapters(store) == (3, 0)  # idempotent
    # the letters built again with every ACOEM citation in its chapter: nothing is left to
    # place, and the earlier placements go
    placed_item = dataclasses.replace(stated.items[0], rationale_citations=())
    build([dataclasses.replace(r, items=(placed_item,)) for r in (stated, other)], store)
    placed_now = list(store.quads_for_pattern(None, ox.NamedNode(iri.NS + "inferredPart"), None, None))
    assert infer_chapters(store) == (0, 0) and not placed_now


# -- projections --------------------------------------------------------------------------


def test_citation_network_counts_are_exact() -> None:
    store = open_store(None)
    build([sample_record("sample-2014.txt"), sample_record("sample-2016-a.txt")], store)
    graph = to_networkx(store, kind="citations")
    chapter12 = iri.VOCAB + "guideline/acoem-2004-ch12"
    imaging = iri.category("Diagnostic Testing", "Other Diagnostic Tests")
    assert graph.edges[chapter12, imaging] == {
        "claims_administrator": 1,
        "reviewer": 1,
        "upheld": 0,
        "overturned": 1,
        "items": 1,
    }
    knee = iri.VOCAB + "guideline/acoem-2004-ch13"
    surgery = iri.category("Surgery", "Arthroscopic Surgery")
    assert graph.edges[knee, surgery] == {
        "claims_administrator": 1,
        "reviewer": 1,
        "upheld": 0,
        "overturned": 1,
        "items": 1,
    }
    assert graph.nodes[knee] == {"label": "Knee Complaints", "kind": "guideline"}
    sections = to_networkx(store, kind="citations", level="section")
    special_studies = iri.section(chapter12, "Special Studies")
    assert sections.edges[special_studies, imaging] == {
        "claims_administrator": 1,
        "reviewer": 1,
        "upheld": 0,
        "overturned": 1,
        "items": 1,
    }
    assert sections.nodes[special_studies] == {
        "label": "ACOEM Low Back Complaints: Special Studies",
        "kind": "guideline",
    }
    specialty = to_networkx(store, kind="specialty")
    orthopedics = load_vocabulary().specialty_iris["Orthopedic Surgery"]
    assert specialty.edges[orthopedics, knee] == {"upheld": 0, "overturned": 1, "items": 1}


def test_export_gexf_and_graphml_read_back(tmp_path: Path) -> None:
    records = tmp_path / "cases.jsonl"
    records.write_text("".join(record_json(sample_record(p.name)) + "\n" for p in sorted(LETTERS_DIR.iterdir())))
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(records), "-o", str(tmp_path / "g.trig"), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        [
            "export",
            str(tmp_path / "g.trig"),
            "--gexf",
            str(tmp_path / "c.gexf"),
            "--graphml",
            str(tmp_path / "c.graphml"),
        ],
    )
    assert result.exit_code == 0, result.output
    gexf, graphml = nx.read_gexf(tmp_path / "c.gexf"), nx.read_graphml(tmp_path / "c.graphml")
    assert gexf.number_of_edges() == graphml.number_of_edges() > 0


# -- bad input ----------------------------------------------------------------------------


def test_a_record_whose_spans_contradict_its_page_starts_is_not_written() -> None:
    record = sample_record("sample-2016-b.pdf")
    assert record.misplaced() is None and len(record.source.page_starts) > 1
    broken = dataclasses.replace(record, source=dataclasses.replace(record.source, page_starts=(0,)))
    with pytest.raises(RecordShapeError, match=rf"{record.id}: a span at characters \d+-\d+ says page 2, but"):
        record_quads(broken)


def test_bad_record_lines_name_the_line(tmp_path: Path) -> None:
    good = record_json(sample_record("sample-2014.txt"))
    path = tmp_path / "cases.jsonl"
    path.write_text(good + "\n{not json\n")
    with pytest.raises(RecordError, match=r"cases.jsonl, line 2: not JSON"):
        list(read_records(path))
    broken = json.loads(good)
    broken["items"][0]["decision"] = "maybe"
    path.write_text(good + "\n\n" + json.dumps(broken) + "\n")
    with pytest.raises(RecordError, match=r"line 3: not a case record: items\[0\].decision: 'maybe' is not one of"):
        list(read_records(path))
    misplaced = json.loads(record_json(sample_record("sample-2016-b.pdf")))
    assert len(misplaced["source"]["page_starts"]) > 1
    misplaced["source"]["page_starts"] = [0]  # every span now on page 1, though some say page 2
    path.write_text(json.dumps(misplaced) + "\n")
    with pytest.raises(RecordError, match=r"line 1: not a case record: a span at characters \d+-\d+ says page 2, but"):
        list(read_records(path))
    misplaced["source"]["page_starts"] = [0, 90, 40]
    path.write_text(json.dumps(misplaced) + "\n")
    with pytest.raises(RecordError, match=r"line 1: not a case record: source.page_starts must begin at 0 and never"):
        list(read_records(path))


def test_failed_build_loses_nothing_already_in_the_store(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(record_json(sample_record("sample-2014.txt")) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(record_json(sample_record("sample-2016-a.txt")) + "\n[1, 2]\n")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(good), "--store", str(tmp_path / "s"), "-q"]).exit_code == 0
    result = runner.invoke(main, ["build", str(bad), "--store", str(tmp_path / "s"), "-q"])
    assert result.exit_code == 1
    assert "bad.jsonl, line 2: not a case record: record: expected an object, got list" in result.output
    gc.collect()  # the failed build's store handle lives on in its traceback until collected
    store = open_store(tmp_path / "s", read_only=True)
    letters = {g.value for g in store.named_graphs()} - {iri.VOCABULARY_GRAPH, iri.JOURNAL_GRAPH, iri.STATISTICS_GRAPH}
    assert letters == {iri.letter(sample_record("sample-2014.txt").id)}
    assert stats.letter_count(store) == 1  # the letter kept is counted, the one not written is not


def test_first_build_streams_and_a_bad_line_leaves_no_letter(tmp_path: Path) -> None:
    first = record_json(sample_record("sample-2014.txt"))
    path = tmp_path / "cases.jsonl"
    path.write_text(first + "\n" + first.replace('"upheld"', '"maybe"', 1) + "\n")
    store = open_store(tmp_path / "s")
    with pytest.raises(RecordError, match="line 2"):
        build_jsonl([path], store, batch=1, workers=1)
    assert not any(g.value.startswith(iri.ID + "letter/") for g in store.named_graphs())


def test_same_letter_twice_keeps_the_later_one(tmp_path: Path) -> None:
    record = sample_record("sample-2014.txt")
    later = dataclasses.replace(record, warnings=("read again",))
    path = tmp_path / "cases.jsonl"
    path.write_text(record_json(record) + "\n" + record_json(later) + "\n")
    for batch, counts in ((1, (2, 1)), (10, (1, 0))):  # in two batches (replaced), in one batch
        streamed = open_store(None)
        summary = build_jsonl([path], streamed, batch=batch, workers=1)
        assert (summary.letters, summary.replaced) == counts
        alone = open_store(None)
        build([later], alone)
        assert set(letter_quads(streamed)) == set(letter_quads(alone))


def test_store_that_is_locked_or_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "notes.txt").write_text("not a store")
    with pytest.raises(StoreError, match="is not an Oxigraph store"):
        open_store(tmp_path / "papers")
    writer = open_store(tmp_path / "s")
    with pytest.raises(StoreError, match="in use by another process"):
        open_store(tmp_path / "s")
    del writer


# The graphs of one real seed letter and one real 2016 letter, pinned by the SHA-256 of their
# canonical N-Quads (the letters' text must not be copied into the project, so the golden
# files hold only hashes). Regenerate with `python tests/test_graph.py` after a deliberate change.
SHARED_GOLDEN = GOLDEN / "shared-graph-hashes.json"
SHARED_LETTERS = ("seeds/000_5b260d964d357f7b.txt", "real/001_imrcrawler_CM16-0213037.pdf")


def canonical_hash(letter: Path) -> str:
    import hashlib

    record = extract_letter(letter.name, letter.read_bytes())
    dataset = ox.Dataset(record_quads(record))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("name", SHARED_LETTERS)
def test_real_letter_graph_golden(name: str) -> None:
    from tests.conftest import shared_path

    letter = shared_path("corpus", *name.split("/"))
    assert canonical_hash(letter) == json.loads(SHARED_GOLDEN.read_text())[name]


if __name__ == "__main__":  # regenerate the golden graphs after a deliberate change
    from tests.conftest import SHARED

    for letter in ("sample-2014.txt", "sample-2016-a.txt"):
        as_rdflib(record_quads(sample_record(letter))).serialize(GOLDEN / f"{Path(letter).stem}.ttl", format="turtle")
    hashes = {name: canonical_hash(SHARED / "corpus" / name) for name in SHARED_LETTERS}
    SHARED_GOLDEN.write_text(json.dumps(hashes, indent=2) + "\n")


def test_the_build_summary_counts_the_quads_stored() -> None:
    from imr_graph.extract import extract_paths
    from imr_graph.sample import sample_letters

    records = [r for r in extract_paths(sample_letters(), workers=1) if isinstance(r, CaseRecord)]
    store = open_store(None)
    summary = build(records, store)
    inferred = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(iri.NS + "inferredPart"), None, None))
    assert summary.quads == sum(1 for _ in letter_quads(store)) - inferred
