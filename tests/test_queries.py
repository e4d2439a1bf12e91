"""Named questions: exact answers on a graph built to know them, agreement with the raw
letter graphs and with counts taken straight from the case records, bound parameters,
the statistics kept through rebuilds, endpoints, and the errors users see."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import imr_graph
from imr_graph import iri, stats
from imr_graph.cli import main
from imr_graph.endpoint import with_values
from imr_graph.errors import QueryError, StoreError
from imr_graph.extract import extract_paths, find_letters
from imr_graph.named import bindings, catalog
from imr_graph.questions import run_rdflib
from imr_graph.rdf import cited_units
from imr_graph.records import (
    CaseRecord,
    Citation,
    Guideline,
    Item,
    record_json,
)
from imr_graph.store import build, open_store, write_graph
from imr_graph.vocab import load_vocabulary
from tests.conftest import oxigraph_server, shared_path
from tests.known import GL, OVERTURNED, STUDY, UPHELD, known_records


def counts(result: imr_graph.Result, *keys: str) -> dict[tuple[object, ...], tuple[int, int]]:
    """Each row as (its key columns) → (items, overturned)."""
    return {tuple(row[k] for k in keys): (int(row["items"]), int(row["overturned"])) for row in result}  # type: ignore[arg-type]


SPECIALTY = iri.VOCAB + "specialty/"
OTHER_STUDY = iri.other_source(STUDY, None)
CAT = iri.VOCAB + "category/"

EXPECTED: list[tuple[str, dict[str, str], tuple[str, ...], dict[tuple[object, ...], tuple[int, int]]]] = [
    ("outcomes", {}, (), {(): (5, 2)}),
    (
        "overturn-by-guideline",
        {"level": "source"},
        ("unit",),
        {(GL + "ACOEM",): (2, 1), (GL + "ODG",): (2, 1), (GL + "CPMTG",): (1, 0), (GL + "OTHER",): (1, 1)},
    ),
    (
        "overturn-by-guideline",
        {"level": "chapter"},
        ("unit",),
        {
            (GL + "acoem-2004-ch12",): (1, 1),
            (GL + "acoem-2004-ch8",): (1, 0),
            (GL + "odg-pain",): (2, 1),
            (GL + "cpmtg-chronic-pain-medical-treatment-2016",): (1, 0),
            (OTHER_STUDY,): (1, 1),
        },
    ),
    (
        "overturn-by-guideline",
        {"level": "source", "role": "claims-administrator"},
        ("unit",),
        {(GL + "ACOEM",): (3, 2), (GL + "ODG",): (1, 0)},
    ),
    (
        "overturn-by-guideline",
        {"level": "page"},
        ("unit",),
        {(GL + "acoem-2004-ch12/pages/303-304",): (1, 1), (GL + "acoem-2004-ch8/pages/181-181",): (1, 0)},
    ),
    (
        "overturn-by-guideline",
        {"level": "section"},
        ("unit",),
        {(GL + "cpmtg-chronic-pain-medical-treatment-2016/section/nsaids",): (1, 0)},
    ),
    ("overturn-by-year", {}, ("year",), {(2016,): (2, 1), (2017,): (2, 0)}),
    (
        "overturn-by-specialty",
        {},
        ("specialty",),
        {(SPECIALTY + "orthopedic-surgery",): (3, 2), (SPECIALTY + "internal-medicine",): (3, 1)},
    ),
    ("overturn-by-state", {}, ("state",), {(iri.state("CA"),): (4, 1), (iri.state("NY"),): (2, 0)}),
    (
        "overturn-by-category",
        {},
        ("category",),
        {(CAT + "pharmaceuticals",): (4, 2), (CAT + "diagnostic-testing",): (1, 0)},
    ),
    (
        "overturn-by-category",
        {"detail": "subcategory"},
        ("category",),
        {
            (CAT + "pharmaceuticals--opioids",): (3, 2),
            (CAT + "pharmaceuticals--nsaid",): (1, 0),
            (CAT + "diagnostic-testing--other-diagnostic-tests",): (1, 0),
        },
    ),
    (
        "citation-agreement",
        {},
        ("agreement",),
        {("shared",): (3, 1), ("claims-administrator-cited-none",): (1, 0), ("different",): (1, 1)},
    ),
    (
        "citation-agreement",
        {"level": "chapter"},
        ("agreement",),
        {("shared",): (2, 1), ("claims-administrator-cited-none",): (1, 0), ("different",): (2, 1)},
    ),
    (
        "evidence-basis",
        {},
        ("tier",),
        {("mtus",): (3, 1), ("other-guideline",): (1, 0), ("other-evidence",): (1, 1)},
    ),
    (
        "evidence-basis",
        {"role": "claims-administrator"},
        ("tier",),
        {("mtus",): (3, 2), ("other-guideline",): (1, 0), ("none",): (1, 0)},
    ),
    ("cocitation", {"level": "source"}, ("unit", "other"), {(GL + "ACOEM", GL + "ODG"): (1, 1)}),
    ("cocitation", {}, ("unit", "other"), {(GL + "acoem-2004-ch12", GL + "odg-pain"): (1, 1)}),
    (
        "guidelines-for-treatment",
        {"category": "Opioids"},
        ("unit",),
        {(GL + "odg-pain",): (2, 1), (GL + "acoem-2004-ch12",): (1, 1), (OTHER_STUDY,): (1, 1)},
    ),
    (
        "guidelines-for-treatment",
        {"category": "pharmaceuticals", "level": "source"},
        ("unit",),
        {(GL + "ACOEM",): (1, 1), (GL + "ODG",): (2, 1), (GL + "CPMTG",): (1, 0), (GL + "OTHER",): (1, 1)},
    ),
    (
        "treatments-for-guideline",
        {"unit": "odg-pain", "detail": "subcategory"},
        ("category",),
        {(CAT + "pharmaceuticals--opioids",): (2, 1)},
    ),
    (
        "treatments-for-guideline",
        {"unit": "ACOEM", "level": "source", "role": "claims-administrator"},
        ("category",),
        {(CAT + "pharmaceuticals",): (2, 2), (CAT + "diagnostic-testing",): (1, 0)},
    ),
]


@pytest.mark.parametrize("raw", [False, True], ids=["statistics", "raw"])
@pytest.mark.parametrize(("name", "params", "keys", "expected"), EXPECTED, ids=[f"{e[0]}-{e[1]}" for e in EXPECTED])
def test_named_query_gives_the_known_answer(
    known: ox.Store, raw: bool, name: str, params: dict[str, str], keys: tuple[str, ...], expected: dict
) -> None:
    result = imr_graph.query(known, name, raw=raw, **params)
    assert counts(result, *keys) == expected


def test_every_rate_query_is_checked_and_has_a_raw_twin() -> None:
    checked = {name for name, *_ in EXPECTED} | {"cases-citing"}
    assert checked == set(catalog())
    for name, query in catalog().items():
        assert (query.raw is not None) == query.uses_statistics, name


def test_rates_carry_intervals_clustered_by_letter(known: ox.Store) -> None:
    """Items (overturned, upheld), (upheld, upheld), (overturned): p = 2/5 over 3 letters.
    By hand: Σ(y - p·n)² = (1 - 0.8)² + (0 - 0.8)² + (1 - 0.4)² = 1.04; the clustered variance
    3/2 · 1.04 / 25 = 0.0624 is 1.3 times the binomial 0.24 / 5, so the 5 items are worth 5/1.3."""
    row = next(iter(imr_graph.query(known, "outcomes")))
    assert row["overturn_rate"] == pytest.approx(0.4)
    assert (row["letters"], row["overturned_letters"], row["interval"]) == (3, 2, "clustered")
    assert row["effective_items"] == pytest.approx(5 / 1.3)
    assert (row["rate_low"], row["rate_high"]) == pytest.approx(imr_graph.wilson(0.4 * 5 / 1.3, 5 / 1.3))
    low, high = imr_graph.wilson(2, 5)
    assert (round(low, 4), round(high, 4)) == (0.1176, 0.7693)
    assert row["rate_low"] < low and row["rate_high"] > high  # wider than if the items were independent
    per_letter = next(iter(imr_graph.query(known, "outcomes", per="letter")))
    assert per_letter["overturn_rate"] == pytest.approx(2 / 3)
    assert (per_letter["rate_low"], per_letter["rate_high"]) == imr_graph.wilson(2, 3)
    assert [round(x, 4) for x in imr_graph.wilson(0, 3)] == [0.0, 0.5615]  # three items say little
    assert imr_graph.wilson(0, 0) == (0.0, 1.0)


def test_cases_citing_a_locator(known: ox.Store) -> None:
    result = imr_graph.query(known, "cases-citing", unit="acoem-2004-ch12", pages="303-304")
    found = sorted((row["case"], row["item"].rsplit("/", 1)[-1], row["role"].rsplit("#", 1)[-1]) for row in result)  # type: ignore[union-attr]
    one, two = (r.id for r in known_records()[:2])
    assert found == sorted(
        [
            (one, "1", "ClaimsAdministratorRole"),
            (one, "1", "ReviewerRole"),
            (two, "2", "ClaimsAdministratorRole"),
        ]
    )
    assert len(imr_graph.query(known, "cases-citing", unit="acoem-2004-ch12", pages="310-320")) == 0
    everywhere = imr_graph.query(known, "cases-citing", unit="acoem-2004-ch12")  # letter three gives no pages
    assert len(everywhere) == 4
    assert {row["outcome"] for row in everywhere} == {"Overturned", "Upheld"}
    narrowed = imr_graph.query(known, "cases-citing", unit="ODG", role="reviewer", contains="REQUEST 1")
    assert [(row["case"], row["request"]) for row in narrowed] == sorted(
        [(one, "request 1"), (known_records()[1].id, "request 1")]
    )


def test_the_same_answers_from_rdflib_memory_with_init_bindings(known: ox.Store) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(known, format=ox.RdfFormat.N_QUADS), format="nquads")
    for name, params, keys, expected in EXPECTED[:6]:
        query = imr_graph.catalog()[name]
        bound = bindings(query, params)
        assert counts(run_rdflib(dataset, query.text, bound, question=query), *keys) == expected, name



def test_label_columns_hold_the_names_the_statistics_give(known: ox.Store) -> None:
    """A question whose header names label columns (``labels:``) fills them after its query,
    one lookup per unit named: each holds the statistics' name of the unit in the column just
    before it, from a store and from rdflib alike; a value that is no IRI has no name."""
    from imr_graph.questions import unit_labels

    labelled = {name: query.labels for name, query in catalog().items() if query.labels}
    assert labelled == {
        "cocitation": (("unit", "label"), ("other", "other_label")),
        "guidelines-for-treatment": (("unit", "label"),),
        "overturn-by-guideline": (("unit", "label"),),
    }
    rdfs_label, statistics = ox.NamedNode(iri.RDFS + "label"), ox.NamedNode(iri.STATISTICS_GRAPH)
    named = known.quads_for_pattern(None, rdfs_label, None, statistics)
    names = {str(q.subject.value): str(q.object.value) for q in named}
    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(known, format=ox.RdfFormat.N_QUADS), format="nquads")
    for name, params in (
        ("cocitation", {"level": "chapter"}),
        ("guidelines-for-treatment", {"category": "Pharmaceuticals"}),
        ("overturn-by-guideline", {"level": "page"}),
    ):
        result = imr_graph.query(known, name, **params)
        assert len(result) > 0, name
        for column, label in labelled[name]:
            assert result.columns.index(label) == result.columns.index(column) + 1
            assert [row[label] for row in result] == [names[str(row[column])] for row in result], (name, label)
        from_rdflib = imr_graph.query(dataset, name, **params)
        assert from_rdflib.columns == result.columns
        assert [row[c] for row in from_rdflib for c in from_rdflib.columns] == [
            row[c] for row in result for c in result.columns
        ], name
    unit = GL + "acoem-2004-ch12"
    assert unit_labels(known, ["no IRI", unit]) == {unit: names[unit]}

# -- parameters are bound, never pasted --------------------------------------------------

HOSTILE = 'x") } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'


def test_a_hostile_parameter_value_does_not_change_the_query(known: ox.Store) -> None:
    before = len(known)
    result = imr_graph.query(known, "cases-citing", unit="ODG", contains=HOSTILE)
    assert len(result) == 0 and len(known) == before
    # the same value as text in a VALUES block stays one escaped literal
    text = with_values(catalog()["cases-citing"].text, {"contains": ox.Literal(HOSTILE)})
    assert text.count("DROP ALL") == 1 and '\\"' in text
    assert len(ox.Store().query(text).variables) > 0  # still the same, valid SELECT
    with pytest.raises(QueryError, match="not a guideline key"):
        imr_graph.query(known, "cases-citing", unit="acoem> } DROP ALL #")
    with pytest.raises(QueryError, match="not an IRI"):
        imr_graph.query(known, "cases-citing", unit="http://x/> } #")


def test_values_bound_listing_equals_substitutions(known: ox.Store) -> None:
    """cases-citing binds its parameters in VALUES (so the store plans from the unit): the rows
    are those the same bindings give as substitutions."""
    from imr_graph.named import bindings
    from imr_graph.questions import run_store

    query = catalog()["cases-citing"]
    assert query.inline
    cases = [
        {"unit": "acoem-2004-ch12"},
        {"unit": "acoem-2004-ch12", "pages": "303-304"},
        {"unit": "ODG", "role": "claims-administrator"},
        {"unit": "CPMTG", "contains": "norco"},
    ]
    found = 0
    for params in cases:
        fast = imr_graph.query(known, "cases-citing", **params)
        slow = run_store(known, query.text, bindings(query, params), question=query)
        assert fast.rows == slow.rows, params
        found += len(fast)
    assert found > 0


def test_parameter_errors_name_the_problem(known: ox.Store) -> None:
    with pytest.raises(QueryError, match=r"no named query 'overturn-by-chapters'; did you mean overturn-by-category"):
        imr_graph.query(known, "overturn-by-chapters")
    with pytest.raises(QueryError, match="needs a value for category"):
        imr_graph.query(known, "guidelines-for-treatment")
    with pytest.raises(QueryError, match="level: 'chapters' is not one of source, chapter, section, topic, page"):
        imr_graph.query(known, "overturn-by-guideline", level="chapters")
    with pytest.raises(QueryError, match="has no parameter 'levle'"):
        imr_graph.query(known, "overturn-by-guideline", levle="chapter")
    with pytest.raises(QueryError, match="not a page or page range"):
        imr_graph.query(known, "cases-citing", unit="ODG", pages="three")
    with pytest.raises(QueryError, match="no request category 'Opiods'; did you mean"):
        imr_graph.query(known, "guidelines-for-treatment", category="Opiods")


# -- the command line ------------------------------------------------------------------


# -- statistics stay equal to a count from scratch ---------------------------------------


def snapshot(store: ox.Store) -> set[ox.Quad]:
    graph = ox.NamedNode(iri.STATISTICS_GRAPH)
    label = ox.NamedNode(iri.RDFS + "label")
    return {q for q in store.quads_for_pattern(None, None, None, graph) if q.predicate != label}


def test_replacing_letters_keeps_the_statistics_exact(tmp_path: Path) -> None:
    records = known_records()
    store = open_store(tmp_path / "s")
    build(records[:2], store)
    changed = dataclasses.replace(
        records[0], items=(dataclasses.replace(records[0].items[0], decision=UPHELD), records[0].items[1])
    )
    build([changed, records[2]], store)  # one letter replaced, one added
    incremental = snapshot(store)
    assert stats.letter_count(store) == 3
    stats.refresh(store)
    assert snapshot(store) == incremental
    assert counts(
        imr_graph.query(store, "outcomes"),
    ) == {(): (5, 1)}
    assert counts(imr_graph.query(store, "outcomes", raw=True)) == {(): (5, 1)}



def test_clearing_the_statistics_removes_them_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statistics go quad by quad, a few at a time, and only they: the letters stay, the
    store says its counts are not current, and counting again gives the same statistics."""
    store = open_store(tmp_path / "store")
    build(known_records(), store)
    graph = ox.NamedNode(iri.STATISTICS_GRAPH)
    before = snapshot(store)
    others = {q for q in store if q.graph_name != graph}
    monkeypatch.setattr(stats, "_REMOVED_AT_ONCE", 7)
    stats.clear(store)
    assert not any(True for _ in store.quads_for_pattern(None, None, None, graph))
    assert not store.contains_named_graph(graph)
    assert set(store) == others
    assert not stats.is_current(store)
    stats.refresh(store)
    assert snapshot(store) == before

def test_an_interrupted_build_is_recounted_and_a_stale_store_says_so(tmp_path: Path) -> None:
    records = known_records()
    store = open_store(tmp_path / "s")
    build(records[:2], store)
    stats.invalidate(store)  # what a build stopped half way leaves behind
    del store
    reader = open_store(tmp_path / "s", read_only=True)
    with pytest.raises(StoreError, match="statistics are not up to date"):
        imr_graph.query(reader, "outcomes")
    assert counts(imr_graph.query(reader, "outcomes", raw=True)) == {(): (4, 1)}  # the letters still answer
    del reader
    store = open_store(tmp_path / "s")
    build(records[2:], store)
    assert stats.letter_count(store) == 3
    assert counts(imr_graph.query(store, "outcomes")) == {(): (5, 2)}


def test_build_with_no_records_recounts_a_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    build(known_records(), store)
    stats.invalidate(store)
    del store
    result = CliRunner().invoke(main, ["build", "--store", str(tmp_path / "s"), "-q"])
    assert result.exit_code == 0, result.output
    assert stats.letter_count(open_store(tmp_path / "s", read_only=True)) == 3


def test_a_first_build_counts_as_it_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def recount(store: ox.Store) -> list[str]:
        raise AssertionError("a store with no letters yet needs no recount")

    monkeypatch.setattr(stats, "refresh", recount)
    for store in (open_store(None), open_store(tmp_path / "s")):
        build(known_records(), store)
        assert stats.letter_count(store) == 3
        assert imr_graph.query(store, "outcomes").rows[0]["items"] == 5


def test_a_compacted_store_holds_the_same_quads(tmp_path: Path) -> None:
    lines = tmp_path / "cases.jsonl"
    lines.write_text("".join(record_json(r) + "\n" for r in known_records()), encoding="utf-8")
    for name, flags in (("compacted", []), ("as-loaded", ["--no-optimize"])):
        result = CliRunner().invoke(main, ["build", str(lines), "--store", str(tmp_path / name), "-q", *flags])
        assert result.exit_code == 0, result.output
    compacted = open_store(tmp_path / "compacted", read_only=True)
    assert set(compacted) == set(open_store(tmp_path / "as-loaded", read_only=True))
    assert imr_graph.query(compacted, "outcomes").rows[0]["items"] == 5


def test_statistics_written_in_small_chunks_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = open_store(None)
    build(known_records(), whole)
    monkeypatch.setattr(stats, "_CHUNK", 5)
    chunked = open_store(None)
    build(known_records()[:2], chunked)
    build(known_records(), chunked)  # replaces two letters: counts go down and up, chunk by chunk
    assert set(chunked) == set(whole)


def test_slices_are_described_as_data_cube_slices(known: ox.Store) -> None:
    """Each slice is a qb:Slice with a declared key, and fixes the values its observations share."""
    graph = ox.NamedNode(iri.STATISTICS_GRAPH)
    keys = {
        str(t.object.value)
        for t in ox.parse(path=str(stats.ontology_dir() / "statistics.ttl"), format=ox.RdfFormat.TURTLE)
        if t.predicate.value == iri.QB + "sliceKey"
    }
    member = ox.NamedNode(iri.QB + "observation")
    slices = {q.subject for q in known.quads_for_pattern(None, member, None, graph)}
    assert len(slices) > 10
    for node in slices:
        about = [(q.predicate.value, q.object) for q in known.quads_for_pattern(node, None, None, graph)]
        assert (iri.RDF + "type", ox.NamedNode(iri.QB + "Slice")) in about
        (key,) = [o.value for p, o in about if p == iri.QB + "sliceStructure"]
        assert key in keys
        fixed = [(p, o) for p, o in about if p.startswith(iri.NS)]
        assert fixed
        for obs in (o for p, o in about if p == member.value):
            assert all(any(True for _ in known.quads_for_pattern(obs, ox.NamedNode(p), o, graph)) for p, o in fixed)


def test_a_question_with_no_slice_bound_reads_every_slice(known: ox.Store) -> None:
    """Run as plain SPARQL (no parameters bound), a sliced question still counts right."""
    from imr_graph.questions import run_store

    text = catalog()["overturn-by-guideline"].text
    everything = run_store(known, text, {})
    assert {"role", "level"} <= set(everything.columns)
    for role in ("reviewer", "claims-administrator"):
        for level in ("source", "chapter", "page"):
            bound = imr_graph.query(known, "overturn-by-guideline", role=role, level=level)
            role_iri = stats.ROLES[role]
            picked = [
                r for r in everything if r["role"] == role_iri and r["level"] == level and r["scope"] == "independent"
            ]
            keep = [c for c in bound.columns if c in everything.columns]  # not those comparing rows
            # (nor the label: the question fills it after its query, see its "labels:" line)
            assert set(bound.columns) - set(keep) == {"shrunk_rate", "difference", "q_value", "label"}
            assert sorted(tuple(r[c] for c in keep) for r in picked) == sorted(tuple(r[c] for c in keep) for r in bound)
            assert len(bound) > 0


def test_statistics_of_another_form_are_refused_then_counted_again_by_a_build(known: ox.Store) -> None:
    store = open_store(None)
    build(known_records(), store)
    graph = ox.NamedNode(iri.STATISTICS_GRAPH)
    form = list(store.quads_for_pattern(graph, ox.NamedNode(iri.NS + "statisticsForm"), None, graph))
    assert len(form) == 1
    store.remove(form[0])  # as a store written by an earlier version
    assert not stats.is_current(store)
    before = set(store)
    with pytest.raises(StoreError, match="statistics are not up to date"):
        imr_graph.query(store, "outcomes")
    assert set(store) == before  # a question never writes
    raw = imr_graph.query(store, "outcomes", raw=True)
    assert raw.rows[0]["items"] == 5
    assert "counts the 3 letters the store holds" in raw.note  # says what the answer rests on
    build([], store)  # a build with no letters brings the statistics up to date
    assert stats.is_current(store)
    assert imr_graph.query(store, "outcomes").rows[0]["items"] == 5
    assert imr_graph.query(store, "outcomes", raw=True).note == ""
    assert set(store) == set(known)


def test_resume_skips_letters_already_built_unchanged(tmp_path: Path) -> None:
    first, second, third = known_records()
    changed = dataclasses.replace(
        second, decision_date="2017-02-02", source=dataclasses.replace(second.source, sha256="f" * 64)
    )
    clean = open_store(None)
    build([first, changed, third], clean)
    store = open_store(tmp_path / "s")
    build([first, second], store)
    summary = build([first, changed, third], store, resume=True)
    assert (summary.letters, summary.skipped, summary.replaced) == (2, 1, 1)
    assert set(store) == set(clean)  # letters, journal and statistics alike
    lines = tmp_path / "cases.jsonl"
    lines.write_text("".join(record_json(r) + "\n" for r in (first, changed, third)), encoding="utf-8")
    del store
    result = CliRunner().invoke(main, ["build", str(lines), "--store", str(tmp_path / "s"), "--resume"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("0 letters (0 replaced, 3 already there skipped), 0 quads")
    assert set(open_store(tmp_path / "s", read_only=True)) == set(clean)


# -- the real corpus: statistics = raw SPARQL = counts from the case records -------------


@pytest.fixture(scope="module")
def shared_store() -> tuple[ox.Store, list[CaseRecord]]:
    letters = find_letters([str(shared_path("corpus", "seeds")), str(shared_path("corpus", "real"))])
    records = [r for r in extract_paths(letters, workers=2) if isinstance(r, CaseRecord)]
    assert len(records) == len(letters) == 135
    store = open_store(None)
    build(records, store)
    return store, records


def shared_parameters() -> Iterator[tuple[str, dict[str, str]]]:
    for role in ("reviewer", "claims-administrator", "rationale"):
        for level in ("source", "chapter", "section", "page"):
            yield "overturn-by-guideline", {"role": role, "level": level}
            yield "guidelines-for-treatment", {"role": role, "level": level, "category": "Pharmaceuticals"}
        for level in ("source", "chapter"):
            yield "cocitation", {"role": role, "level": level}
    for name in ("outcomes", "overturn-by-specialty", "overturn-by-state", "overturn-by-year"):
        yield name, {}
    for detail in ("category", "subcategory"):
        yield "overturn-by-category", {"detail": detail}
        yield "treatments-for-guideline", {"unit": "CPMTG", "level": "source", "detail": detail}
    yield "guidelines-for-treatment", {"category": "Physical Therapy/Occupational Therapy (PT/OT)"}
    yield "treatments-for-guideline", {"unit": "acoem-2004-ch12"}
    for level in ("source", "chapter"):
        yield "citation-agreement", {"level": level}
    for role in ("reviewer", "claims-administrator"):
        yield "evidence-basis", {"role": role}


def comparable(result: imr_graph.Result) -> list[tuple[object, ...]]:
    keep = [c for c in result.columns if c not in ("label", "other_label")]
    return sorted(tuple(row[c] for c in keep) for row in result)


def test_statistics_equal_raw_sparql_on_the_real_corpus(shared_store: tuple[ox.Store, list[CaseRecord]]) -> None:
    store, _ = shared_store
    seen = set()
    for name, params in shared_parameters():
        fast = imr_graph.query(store, name, **params)
        assert comparable(fast) == comparable(imr_graph.query(store, name, raw=True, **params)), (name, params)
        seen.add(name)
        if name == "overturn-by-guideline" and params["level"] != "section":
            assert len(fast) > 0, params
    assert seen == {n for n, q in catalog().items() if q.raw}


def test_statistics_give_the_raw_rows_in_the_raw_order(shared_store: tuple[ox.Store, list[CaseRecord]]) -> None:
    """Rows sorted here (``# order:``) come in the order the raw twins' ORDER BY gives, labels too."""
    store, _ = shared_store
    for name, params in shared_parameters():
        if not catalog()[name].order:
            continue
        fast = imr_graph.query(store, name, **params)
        raw = imr_graph.query(store, name, raw=True, **params)
        common = [c for c in fast.columns if c in raw.columns and not c.endswith("label")]
        assert [tuple(r[c] for c in common) for r in fast] == [tuple(r[c] for c in common) for r in raw], name
        for ours, theirs in zip(fast, raw, strict=True):  # raw twins name only catalog units
            for column in ("label", "other_label"):
                assert theirs.get(column) is None or ours[column] == theirs[column], (name, column)


def test_the_pages_variant_lists_what_the_general_query_lists(
    shared_store: tuple[ox.Store, list[CaseRecord]],
) -> None:
    """cases-citing with pages runs its variant (from the locators the statistics describe):
    the same rows as the general text on the real corpus, for parts, whole guidelines and roles."""
    from imr_graph.named import bindings
    from imr_graph.questions import run_store

    store, _ = shared_store
    query = catalog()["cases-citing"]
    assert query.variant == ("firstPage", "cases-citing-pages")
    found = 0
    for params in (
        {"unit": "acoem-2004-ch12", "pages": "290-310"},
        {"unit": "ACOEM", "pages": "1-400"},
        {"unit": "CPMTG", "pages": "60-80"},
        {"unit": "CPMTG", "pages": "1-200", "role": "claims-administrator"},
        {"unit": "CPMTG", "pages": "1-200", "contains": "tramadol"},
        {"unit": "acoem-2004-ch8", "pages": "170"},
    ):
        fast = imr_graph.query(store, "cases-citing", **params)
        general = run_store(store, query.text, bindings(query, params), question=query)
        assert fast.rows == general.rows, params
        found += len(fast)
    assert found > 30


@pytest.mark.parametrize("include_dependent", [False, True], ids=["independent-items", "all-items"])
def test_counts_agree_with_the_case_records(
    shared_store: tuple[ox.Store, list[CaseRecord]], include_dependent: bool
) -> None:
    """An independent path: count straight from the records, in plain Python (dependent items
    left out by default), letters and the sums over letters too."""
    store, records = shared_store
    items = [(r, i) for r in records for i in r.items if include_dependent or not i.dependent]
    assert include_dependent or len(items) < sum(len(r.items) for r in records)  # the corpus has dependent items
    overturned = sum(i.decision is OVERTURNED for _, i in items)

    def query(name: str, **params: str) -> imr_graph.Result:
        return imr_graph.query(store, name, include_dependent=include_dependent, **params)

    assert counts(query("outcomes")) == {(): (len(items), overturned)}
    per_letter = Counter(r.id for r, _ in items)
    letters_overturned = {r.id for r, i in items if i.decision is OVERTURNED}
    (row,) = query("outcomes").rows
    assert (row["letters"], row["overturned_letters"]) == (len(per_letter), len(letters_overturned))

    def tally(keys_of) -> dict[tuple[object, ...], tuple[int, int]]:  # type: ignore[no-untyped-def]
        seen: Counter[tuple[object, ...]] = Counter()
        over: Counter[tuple[object, ...]] = Counter()
        for record, one in items:
            for key in set(keys_of(record, one)):
                seen[key] += 1
                over[key] += one.decision is OVERTURNED
        return {k: (seen[k], over[k]) for k in seen}

    years: dict[object, set[str]] = {}
    for record, _ in items:
        if record.decision_date:
            years.setdefault(int(record.decision_date[:4]), set()).add(record.id)
    assert {r["year"]: r["letters"] for r in query("overturn-by-year")} == {y: len(ids) for y, ids in years.items()}

    for role in ("reviewer", "claims_administrator"):
        by_source = tally(lambda r, i, role=role: [(GL + c.guideline.value,) for c in getattr(i, role).citations])
        name = role.replace("_", "-")
        assert counts(query("overturn-by-guideline", role=name, level="source"), "unit") == by_source
        pages = tally(
            lambda r, i, role=role: [
                (iri.pages(cited_units(c).base, a, b),) for c in getattr(i, role).citations for a, b in c.pages
            ]
        )
        assert counts(query("overturn-by-guideline", role=name, level="page"), "unit") == pages
    years = tally(lambda r, i: [(int(r.decision_date[:4]),)] if r.decision_date else [])
    assert counts(query("overturn-by-year"), "year") == years
    subcategories = tally(
        lambda r, i: [(iri.category(i.treatment.category, i.treatment.subcategory),)] if i.treatment.category else []
    )
    assert counts(query("overturn-by-category", detail="subcategory"), "category") == subcategories
    states = tally(lambda r, i: [(iri.state(s),) for s in r.reviewer.license_states])
    assert counts(query("overturn-by-state"), "state") == states
    vocabulary = load_vocabulary().specialty_iris
    specialties = tally(lambda r, i: [(vocabulary.get(s) or iri.specialty(s),) for s in r.reviewer.specialties])
    assert counts(query("overturn-by-specialty"), "specialty") == specialties

    def sources(citations: tuple[Citation, ...]) -> set[str]:
        return {GL + c.guideline.value for c in citations}

    def agreement(r: CaseRecord, i: Item) -> list[tuple[str]]:
        mine, theirs = sources(i.claims_administrator.citations), sources(i.reviewer.citations)
        if not mine and not theirs:
            return [("neither-cited",)]
        if not mine:
            return [("claims-administrator-cited-none",)]
        return [("reviewer-cited-none",)] if not theirs else [("shared",) if mine & theirs else ("different",)]

    assert counts(query("citation-agreement"), "agreement") == tally(agreement)
    pairs = tally(
        lambda r, i: [(a, b) for a in sources(i.reviewer.citations) for b in sources(i.reviewer.citations) if a < b]
    )
    assert counts(query("cocitation", level="source"), "unit", "other") == pairs
    no_evidence = tally(lambda r, i: [("none",)] if not i.claims_administrator.cited_evidence else [])
    by_tier = counts(query("evidence-basis", role="claims-administrator"), "tier")
    assert by_tier[("none",)] == no_evidence[("none",)]
    assert sum(n for n, _ in by_tier.values()) == len(items)


def test_cases_citing_agrees_with_the_case_records(shared_store: tuple[ox.Store, list[CaseRecord]]) -> None:
    store, records = shared_store
    expected = set()
    for record in records:
        for one in record.items:
            for role, citations in (
                ("ClaimsAdministratorRole", one.claims_administrator.citations),
                ("ReviewerRole", one.reviewer.citations),
                ("RationaleRole", one.rationale_citations),
            ):
                for c in citations:
                    if (
                        c.guideline is Guideline.ACOEM
                        and c.chapter == 12
                        and any(a <= 304 and b >= 303 for a, b in c.pages)
                    ):
                        expected.add((record.id, one.n, role))
    result = imr_graph.query(store, "cases-citing", unit="acoem-2004-ch12", pages="303-304")
    found = {
        (row["case"], int(str(row["item"]).rsplit("/", 1)[1]), str(row["role"]).rsplit("#", 1)[1]) for row in result
    }
    assert found == expected and len(expected) >= 2


# -- any SPARQL endpoint: a real `oxigraph serve` ----------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served") / "store"
    store = open_store(folder)
    build(known_records(), store)
    store.flush()
    del store
    with oxigraph_server(folder, read_only=True) as base:
        yield f"{base}/query"


@pytest.mark.parametrize(("name", "params", "keys", "expected"), EXPECTED, ids=[f"{e[0]}-{e[1]}" for e in EXPECTED])
def test_named_queries_on_a_sparql_endpoint(
    endpoint: str, name: str, params: dict[str, str], keys: tuple[str, ...], expected: dict
) -> None:
    assert counts(imr_graph.query(endpoint, name, **params), *keys) == expected
    assert counts(imr_graph.query(endpoint, name, raw=True, **params), *keys) == expected


def test_endpoint_cases_citing_and_errors(endpoint: str) -> None:
    result = imr_graph.query(endpoint, "cases-citing", unit="acoem-2004-ch12", pages="303-304")
    assert len(result) == 3
    assert len(imr_graph.query(endpoint, "cases-citing", unit="ODG", contains=HOSTILE)) == 0
    with pytest.raises(QueryError, match="answered 400"):
        imr_graph.sparql(endpoint, "SELECT ?x WHERE { ?x ")


def test_an_endpoint_answers_rates_filters_and_units_as_the_store(endpoint: str, known: ox.Store) -> None:
    """Per letter, with dependent items, filtered (the raw twins with their values in a VALUES
    block), at topic level, and an unknown unit: as from the store."""
    for name, params in (
        ("outcomes", {"per": "letter"}),
        ("overturn-by-guideline", {"level": "source", "include_dependent": True}),
        ("overturn-by-year", {"category": "Opioids"}),
        ("overturn-by-guideline", {"level": "source", "year": "2016", "specialty": "Orthopedic Surgery"}),
        ("guidelines-for-treatment", {"category": "Pharmaceuticals"}),
    ):
        remote, local = imr_graph.query(endpoint, name, **params), imr_graph.query(known, name, **params)
        assert comparable(remote) == comparable(local), (name, params)
        assert (remote.base, remote.prior) == (local.base, local.prior), (name, params)
    with pytest.raises(QueryError, match="no letter cites gl:acoem-2004-ch122"):
        imr_graph.query(endpoint, "cases-citing", unit="acoem-2004-ch122")


def test_records_json_round_trip_is_what_build_reads(tmp_path: Path) -> None:
    """The CLI path: case records on disk → build → query, same answers as the API."""
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(record_json(r) + "\n" for r in known_records()))
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(path), "--store", str(tmp_path / "s"), "-q"]).exit_code == 0
    result = runner.invoke(main, ["query", "outcomes", "--store", str(tmp_path / "s"), "--format", "csv"])
    assert result.stdout.splitlines()[1].startswith("5,3,2,3,2,0.4,")  # items, upheld, overturned, letters, …


def test_a_running_tally_keeps_one_copy_of_each_dimension_pair() -> None:
    """Cells added from different tallies (different batches, say, each with its own strings)
    share their equal dimension pairs, and their counts add up as before."""

    def fresh(text: str) -> str:  # an equal string that is another object
        return "".join(list(text))

    role = f"<{iri.NS}ReviewerRole>"
    one = stats.Cell(fresh("guideline"), ((fresh("citingRole"), fresh(role)), ("unit", fresh("<a>"))))
    two = stats.Cell(fresh("guideline"), ((fresh("citingRole"), fresh(role)), ("unit", fresh("<b>"))))
    assert one.dims[0] is not two.dims[0] and one.dims[0][1] is not two.dims[0][1]
    total = stats.Tally()
    for cell in (one, two, one):
        batch = stats.Tally()
        batch.add_measures(cell, 2, 1)
        total.add(batch)
    first, second = total
    assert first.dims[0] is second.dims[0] and first.dataset is second.dataset
    once = list(stats.letter_measures(2, 1).values())
    assert total == {one: [2 * n for n in once], two: once}

def test_statistics_name_a_unit_the_same_whatever_order_letters_come_in() -> None:
    """Two letters cite one web page (same address) by different titles: every build order, and
    a recount, name it by the lexically first title."""
    from imr_graph.records import Citation, Decision, Guideline
    from tests.known import OVERTURNED, UPHELD, basis, item, letter

    def citing(key: str, title: str, decision: Decision) -> CaseRecord:
        page = Citation(Guideline.OTHER, False, title, url="https://evidence.example.org/7")
        return letter(key, "2016-05-01", (), (), item(1, decision, "DMEPOS", "DME", basis(), basis(page)))

    first, second = citing("b", "Zebra review of braces", UPHELD), citing("a", "A review of braces", OVERTURNED)
    stores = []
    for order in ([first, second], [second, first]):
        store = open_store(None)
        for record in order:
            build([record], store)  # one letter at a time: the second build meets the first's name
        stores.append(store)
    recounted = open_store(None)
    build([first, second], recounted)
    stats.refresh(recounted)
    graph = ox.NamedNode(iri.STATISTICS_GRAPH)

    def statistics(store: ox.Store) -> set[ox.Quad]:
        return set(store.quads_for_pattern(None, None, None, graph))

    assert statistics(stores[0]) == statistics(stores[1]) == statistics(recounted)
    unit = iri.other_source("", "https://evidence.example.org/7")
    names = [
        q.object.value
        for q in stores[0].quads_for_pattern(ox.NamedNode(unit), None, None, graph)
        if q.predicate.value == iri.RDFS + "label"
    ]
    assert names == ["A review of braces"]


def test_filters_by_year_category_and_specialty_on_the_known_letters(known: ox.Store) -> None:
    """Counted by hand: letter 1 (2016, orthopedic surgery: opioid overturned, NSAID upheld),
    letter 2 (2017, internal medicine: opioid upheld, test upheld), letter 3 (no date, both
    specialties: opioid overturned)."""

    def years(**filters: str) -> list[tuple[object, ...]]:
        result = imr_graph.query(known, "overturn-by-year", **filters)
        return [(r["year"], r["items"], r["overturned"], r["letters"]) for r in result]

    assert years(year="2016") == [(2016, 2, 1, 1)]
    assert years(year="2015-2017") == [(2016, 2, 1, 1), (2017, 2, 0, 1)]
    assert years(year="2015") == []
    assert years(specialty="Orthopedic Surgery") == [(2016, 2, 1, 1)]
    assert years(category="Opioids") == [(2016, 1, 1, 1), (2017, 1, 0, 1)]
    assert years(category="Pharmaceuticals", year="2016") == [(2016, 2, 1, 1)]
    opioids = imr_graph.query(known, "outcomes", category="Opioids")
    assert (opioids.rows[0]["items"], opioids.rows[0]["overturned"]) == (3, 2)
    ortho = imr_graph.query(known, "overturn-by-guideline", level="source", specialty="orthopedic surgery")
    assert ortho.base == pytest.approx(2 / 3)  # the base rate is the filtered population's
    assert "Only items reviewed by orthopedic surgery" in ortho.legend()
    treated = imr_graph.query(known, "guidelines-for-treatment", category="Pharmaceuticals", year="2016")
    assert {r["unit"].rsplit("/", 1)[1] for r in treated} == {  # type: ignore[union-attr]
        "acoem-2004-ch12",
        "cpmtg-chronic-pain-medical-treatment-2016",
        "odg-pain",
    }
    with pytest.raises(QueryError, match="did you mean orthopedic surgery"):
        imr_graph.query(known, "outcomes", specialty="Orthopedic surgeon")
    with pytest.raises(QueryError, match="not a year"):
        imr_graph.query(known, "outcomes", year="16")
    with pytest.raises(QueryError, match="takes no filters"):
        imr_graph.query(known, "cases-citing", unit="ODG", year="2016")
    hostile = 'x" } } DROP ALL ; #'
    with pytest.raises(QueryError, match="no request category"):
        imr_graph.query(known, "outcomes", category=hostile)


def test_filtered_answers_agree_with_the_case_records(shared_store: tuple[ox.Store, list[CaseRecord]]) -> None:
    store, records = shared_store
    vocabulary = load_vocabulary().specialty_iris
    year = "2016"
    specialty = Counter(s for r in records for s in r.reviewer.specialties).most_common(1)[0][0]
    picked = [
        (r, i)
        for r in records
        for i in r.items
        if not i.dependent and (r.decision_date or "").startswith(year) and specialty in r.reviewer.specialties
    ]
    result = imr_graph.query(store, "overturn-by-guideline", level="source", year=year, specialty=specialty)
    expected: dict[str, tuple[int, int, set[str]]] = {}
    for r, i in picked:
        for source in {GL + c.guideline.value for c in i.reviewer.citations}:
            n, y, letters = expected.get(source, (0, 0, set()))
            expected[source] = (n + 1, y + (i.decision is OVERTURNED), letters | {r.id})
    assert {r["unit"]: (r["items"], r["overturned"], r["letters"]) for r in result} == {
        k: (n, y, len(ls)) for k, (n, y, ls) in expected.items()
    }
    assert vocabulary[specialty] in result.bound.get("onlySpecialty", "")
    base = imr_graph.query(store, "outcomes", year=year, specialty=specialty).rows[0]
    assert (base["items"], base["overturned"]) == (len(picked), sum(i.decision is OVERTURNED for _, i in picked))


@pytest.mark.parametrize("with_vocabulary", [False, True], ids=["letters", "with-vocabulary"])
@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".rdf", ".jsonld", ".nq", ".trig"])
def test_every_graph_file_format_answers_as_the_store(
    known: ox.Store, tmp_path: Path, suffix: str, with_vocabulary: bool
) -> None:
    """Triple formats have no named graphs: the letters' graphs are told apart on reading, so
    every question answers from the file as from the store."""
    from imr_graph.store import load_graph_file

    path = tmp_path / f"known{suffix}"
    write_graph(known, path, with_vocabulary=with_vocabulary)
    read = load_graph_file(path)
    for name, params, *_ in EXPECTED:
        assert comparable(imr_graph.query(read, name, **params)) == comparable(
            imr_graph.query(known, name, **params)
        ), (name, params)
        assert comparable(imr_graph.query(read, name, raw=True, **params)) == comparable(
            imr_graph.query(known, name, **params)
        ), (name, params)
    found = imr_graph.query(read, "cases-citing", unit="acoem-2004-ch12", pages="303-304")
    assert found.rows == imr_graph.query(known, "cases-citing", unit="acoem-2004-ch12", pages="303-304").rows


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_a_triple_file_of_the_real_letters_answers_as_the_store(
    shared_store: tuple[ox.Store, list[CaseRecord]], tmp_path: Path, suffix: str
) -> None:
    from imr_graph.store import letter_quads, load_graph_file

    store, _ = shared_store
    path = tmp_path / f"real{suffix}"
    write_graph(store, path)
    read = load_graph_file(path)
    letters = {q.graph_name for q in letter_quads(store)}
    assert {q.graph_name for q in letter_quads(read)} == letters
    for name, params in shared_parameters():
        assert comparable(imr_graph.query(read, name, **params)) == comparable(imr_graph.query(store, name, **params))
    runner = CliRunner()
    validated = runner.invoke(main, ["validate", str(path)])
    assert validated.exit_code == 0 and "0 violations" in validated.output
    matrix = runner.invoke(main, ["view", "matrix", str(path), "-o", str(tmp_path / "m.html"), "--top", "5"])
    assert matrix.exit_code == 0, matrix.output
    assert "Low Back Complaints" in (tmp_path / "m.html").read_text()
    drivers = runner.invoke(main, ["drivers", "--graph", str(path), "--level", "source", "--min-items", "20"])
    assert drivers.exit_code == 0 and "gl:ACOEM" in drivers.stdout


def test_questions_can_be_asked_at_odg_topic_level(shared_store: tuple[ox.Store, list[CaseRecord]]) -> None:
    """Topic level: the section-level rows of ODG chapters, with their own base and prior."""
    store, records = shared_store
    topics = imr_graph.query(store, "overturn-by-guideline", level="topic")
    sections = imr_graph.query(store, "overturn-by-guideline", level="section")
    odg = [r for r in sections if iri.is_odg_topic(str(r["unit"]))]
    assert len(topics) == len(odg) > 10
    keep = ("unit", "items", "overturned", "letters", "rate_low", "rate_high")
    assert sorted(tuple(r[c] for c in keep) for r in topics) == sorted(tuple(r[c] for c in keep) for r in odg)
    cited = {
        unit
        for r in records
        for i in r.items
        if not i.dependent
        for c in i.reviewer.citations
        if c.guideline is Guideline.ODG
        for unit in cited_units(c).sections
    }
    assert {r["unit"] for r in topics} == cited
    assert comparable(topics) == comparable(imr_graph.query(store, "overturn-by-guideline", level="topic", raw=True))


# -- the answers a store of the real letters gives, pinned ---------------------------------

ANSWERS_GOLDEN = Path(__file__).parent / "golden" / "shared-answers.json"


def pinned_questions() -> Iterator[tuple[str, dict[str, str | bool]]]:
    """Every named question, counted from the letter graphs, in the forms users ask it."""
    for name, params in shared_parameters():
        yield name, {**params, "raw": True}
        if name.startswith("overturn-by"):
            yield name, {**params, "raw": True, "per": "letter", "include_dependent": True}
    for name, question in sorted(catalog().items()):
        if all(parameter.default is not None for parameter in question.parameters):
            yield name, {"raw": True}
    yield "treatments-for-guideline", {"unit": "ODG", "level": "source", "raw": True}
    yield "treatments-for-guideline", {"unit": "acoem-2004-ch12", "detail": "subcategory", "raw": True}
    for unit in ("acoem-2004-ch12", "CPMTG", "ODG", "odg-low-back-lumbar-thoracic"):
        yield "cases-citing", {"unit": unit}
    yield "cases-citing", {"unit": "acoem-2004-ch12", "pages": "300-310"}


def answer_digests(store: ox.Store) -> dict[str, str]:
    import hashlib
    import json

    out = {}
    for name, params in pinned_questions():
        result = imr_graph.query(store, name, **params)  # type: ignore[arg-type]
        rows = sorted(json.dumps([row[c] for c in result.columns], default=str) for row in result)
        key = f"{name} {json.dumps(params, sort_keys=True)}"
        out[key] = hashlib.sha256("\n".join([*result.columns, *rows]).encode()).hexdigest()[:16] + f" {len(rows)}"
    return out


def test_the_real_letters_give_the_pinned_answers(shared_store: tuple[ox.Store, list[CaseRecord]]) -> None:
    """What every named question answers from the letter graphs of the real letters stays what
    it was when it was pinned, whatever form the letter graphs take (`--write` pins them anew:
    python -m tests.test_queries)."""
    import json

    store, _ = shared_store
    found = answer_digests(store)
    pinned = json.loads(ANSWERS_GOLDEN.read_text(encoding="utf-8"))
    changed = {key: (pinned.get(key), value) for key, value in found.items() if pinned.get(key) != value}
    assert not changed, "\n".join(f"{key}: pinned {old}, now {new}" for key, (old, new) in changed.items())
    assert len(found) == len(pinned) > 60


if __name__ == "__main__":  # pin the answers: python -m tests.test_queries
    import json

    letters = find_letters([str(shared_path("corpus", "seeds")), str(shared_path("corpus", "real"))])
    pinned_store = open_store(None)
    build([r for r in extract_paths(letters, workers=2) if isinstance(r, CaseRecord)], pinned_store)
    ANSWERS_GOLDEN.write_text(json.dumps(answer_digests(pinned_store), indent=1) + "\n", encoding="utf-8")
