"""Views: exact nodes, edges and counts on graphs whose answers are known, escaping of letter
text, self-contained pages, and the command line. The browser tests are in test_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from imr_graph import iri
from imr_graph.errors import QueryError
from imr_graph.projection import ANY_ROLE
from imr_graph.render import layout, page_json, render, vis_script
from imr_graph.view import (
    Cell,
    Network,
    case_network,
    citation_matrix,
    citation_network,
    letter_text,
    specialty_network,
)
from tests.known import GL, known_records
from tests.views import HOSTILE_CASE, HOSTILE_DIAGNOSIS, HOSTILE_REQUEST

CAT = iri.VOCAB + "category/"
OPIOIDS, NSAID, TESTS = (
    CAT + "pharmaceuticals--opioids",
    CAT + "pharmaceuticals--nsaid",
    CAT + "diagnostic-testing--other-diagnostic-tests",
)
CH12, CH8, ODG_PAIN = GL + "acoem-2004-ch12", GL + "acoem-2004-ch8", GL + "odg-pain"
CPMTG = GL + "cpmtg-chronic-pain-medical-treatment-2016"
STUDY = iri.other_source("Smith J. Opioids for back pain, a cohort study. 2010.", None)
REVIEWER, ADMINISTRATOR, ANY = 0, 1, 3


def test_citation_network_counts_items_by_role_year_and_outcome(known: ox.Store) -> None:
    network = citation_network(known)
    edges = {(e.source, e.target): e.facts for e in network.edges}
    # (role, year, upheld, overturned); year 0: letter three gives no decision date; ANY: an
    # item both parties cite counts once
    assert edges == {
        (STUDY, OPIOIDS): ((REVIEWER, 0, 0, 1), (ANY, 0, 0, 1)),
        (CH12, TESTS): ((ADMINISTRATOR, 2017, 1, 0), (ANY, 2017, 1, 0)),
        (CH12, OPIOIDS): (
            (REVIEWER, 2016, 0, 1),
            (ADMINISTRATOR, 0, 0, 1),
            (ADMINISTRATOR, 2016, 0, 1),
            (ANY, 0, 0, 1),
            (ANY, 2016, 0, 1),
        ),
        (CH8, TESTS): ((REVIEWER, 2017, 1, 0), (ANY, 2017, 1, 0)),
        (CPMTG, NSAID): ((REVIEWER, 2016, 1, 0), (ANY, 2016, 1, 0)),
        (ODG_PAIN, OPIOIDS): (
            (REVIEWER, 2016, 0, 1),
            (REVIEWER, 2017, 1, 0),
            (ADMINISTRATOR, 2017, 1, 0),
            (ANY, 2016, 0, 1),
            (ANY, 2017, 1, 0),
        ),
    }
    nodes = {n.id: n for n in network.nodes}
    # one item reaches Opioids through two reviewer units: it counts once for the category
    assert nodes[OPIOIDS].facts == (
        (REVIEWER, 0, 0, 1),
        (REVIEWER, 2016, 0, 1),
        (REVIEWER, 2017, 1, 0),
        (ADMINISTRATOR, 0, 0, 1),
        (ADMINISTRATOR, 2016, 0, 1),
        (ADMINISTRATOR, 2017, 1, 0),
        (ANY, 0, 0, 1),
        (ANY, 2016, 0, 1),
        (ANY, 2017, 1, 0),
    )
    assert (nodes[CH12].label, nodes[CH12].kind, nodes[CH12].group) == (
        "ACOEM · Low Back Complaints",  # its guideline's name first, on every page
        "guideline",
        GL + "ACOEM",
    )
    assert nodes[OPIOIDS].kind == "category" and nodes[OPIOIDS].label == "Opioids"
    assert len(nodes[CH12].examples) == 3 and list(nodes[CH12].examples) == sorted(nodes[CH12].examples)
    assert network.roles == ("reviewer", "claims-administrator")
    assert network.years == (0, 2016, 2017)
    assert [label for _, label in network.sources] == [
        "ACOEM Practice Guidelines",
        "Chronic Pain Medical Treatment Guidelines",
        "Official Disability Guidelines",
        "Other medical evidence",
    ]


def test_top_and_min_count_cap_the_network(known: ox.Store) -> None:
    # ch12 (3 items) and odg-pain (2) are the most cited units
    capped = citation_network(known, top=2)
    assert {n.id for n in capped.nodes if n.kind == "guideline"} == {CH12, ODG_PAIN}
    assert capped.note == "2 of 5 guideline units shown (the most cited first)"
    dense = citation_network(known, min_count=2)
    assert {(e.source, e.target) for e in dense.edges} == {(CH12, OPIOIDS), (ODG_PAIN, OPIOIDS)}
    assert "links with fewer than 2 items hidden" in dense.note
    reviewer_only = citation_network(known, roles=("reviewer",))
    assert reviewer_only.roles == ("reviewer",)
    assert (CH12, TESTS) not in {(e.source, e.target) for e in reviewer_only.edges}


def test_section_level_uses_named_sections(known: ox.Store) -> None:
    network = citation_network(known, level="section")
    assert [(n.label, n.kind) for n in network.nodes] == [
        ("CPMTG · Chronic Pain Medical Treatment (2016) · NSAIDs", "guideline"),
        ("NSAID", "category"),
    ]
    assert [e.facts for e in network.edges] == [((REVIEWER, 2016, 1, 0), (ANY, 2016, 1, 0))]


def test_specialty_network(known: ox.Store) -> None:
    network = specialty_network(known)
    assert "an item counts once for each specialty of its reviewer" in network.note
    spec = iri.VOCAB + "specialty/"
    assert {(e.source, e.target): e.facts for e in network.edges} == {
        (STUDY, spec + "internal-medicine"): ((REVIEWER, 0, 0, 1), (ANY, 0, 0, 1)),
        (STUDY, spec + "orthopedic-surgery"): ((REVIEWER, 0, 0, 1), (ANY, 0, 0, 1)),
        (CH12, spec + "orthopedic-surgery"): ((REVIEWER, 2016, 0, 1), (ANY, 2016, 0, 1)),
        (CH8, spec + "internal-medicine"): ((REVIEWER, 2017, 1, 0), (ANY, 2017, 1, 0)),
        (CPMTG, spec + "orthopedic-surgery"): ((REVIEWER, 2016, 1, 0), (ANY, 2016, 1, 0)),
        (ODG_PAIN, spec + "internal-medicine"): ((REVIEWER, 2017, 1, 0), (ANY, 2017, 1, 0)),
        (ODG_PAIN, spec + "orthopedic-surgery"): ((REVIEWER, 2016, 0, 1), (ANY, 2016, 0, 1)),
    }
    assert network.roles == ("reviewer",)


def test_matrix_cells(known: ox.Store) -> None:
    matrix = citation_matrix(known)
    assert [label for _, label in matrix.rows] == [
        "ODG · Pain",
        "CPMTG · Chronic Pain Medical Treatment (2016)",
        "ACOEM · Low Back Complaints",
        "ACOEM · Neck and Upper Back Complaints",
        "Other · Smith J. Opioids for back pain, a cohort study. 2010.",
    ]
    assert [label for _, label in matrix.columns] == ["Opioids", "NSAID", "Other Diagnostic Tests"]
    assert matrix.cells == {
        (ODG_PAIN, OPIOIDS): Cell(1, 1),
        (CPMTG, NSAID): Cell(1, 0),
        (CH12, OPIOIDS): Cell(0, 1),
        (CH8, TESTS): Cell(1, 0),
        (STUDY, OPIOIDS): Cell(0, 1),
    }
    administrator = citation_matrix(known, role="claims-administrator")
    assert administrator.cells == {
        (CH12, OPIOIDS): Cell(0, 2),
        (CH12, TESTS): Cell(1, 0),
        (ODG_PAIN, OPIOIDS): Cell(1, 0),
    }
    html = render(administrator)
    said = "ACOEM · Low Back Complaints × Opioids: 2 items: 0 upheld, 2 overturned; overturned 100.0%"
    assert f'title="{said} (95% CI 34.2%–100.0%)"' in html
    with pytest.raises(QueryError, match="unknown role 'judge'"):
        citation_matrix(known, role="judge")


def _letters_behind(role: str) -> dict[tuple[str, str], set[tuple[str, int]]]:
    """From the records themselves: each (unit, request subcategory) a party cited, and the
    letters (case, 1 if overturned) of the independent items behind it."""
    from imr_graph.rdf import cited_units
    from imr_graph.records import Role

    found: dict[tuple[str, str], set[tuple[str, int]]] = {}
    for record in known_records():
        for item in record.items:
            if item.dependent:
                continue
            kind = iri.category(item.treatment.category, item.treatment.subcategory)
            for citation in item.citations_of(Role(role)):
                key = (cited_units(citation).cited, kind)
                overturned = int(item.decision.value == "overturned")
                found.setdefault(key, set()).add((record.case_number or record.id, overturned))
    return found


@pytest.mark.parametrize("role", ["reviewer", "claims-administrator"])
def test_matrix_cells_list_their_letters(known: ox.Store, role: str) -> None:
    matrix = citation_matrix(known, role=role)
    assert {key: set(cases) for key, cases in matrix.cases.items()} == _letters_behind(role)
    assert all(list(cases) == sorted(cases) for cases in matrix.cases.values())
    assert matrix.partial == frozenset()


def test_network_nodes_list_their_letters(known: ox.Store) -> None:
    network = citation_network(known, roles=("reviewer",))
    behind = _letters_behind("reviewer")
    for node in network.nodes:
        expected = {entry for (unit, kind), entries in behind.items() if node.id in (unit, kind) for entry in entries}
        assert {(case, overturned) for case, _, overturned, _ in node.cases} == expected, node.label
        assert node.letters == len({case for case, _ in expected})


def test_case_network(known: ox.Store) -> None:
    record = known_records()[0]
    network = case_network(known, record.id)
    letter = iri.letter(record.id)
    kinds = sorted((n.kind, n.label) for n in network.nodes)
    assert kinds == [
        ("guideline", "Chronic Pain Medical Treatment 2016"),  # the catalog's name first
        ("guideline", "Low Back Complaints"),
        ("guideline", "Pain"),
        ("item", "1. treatment Pharmaceuticals Opioids"),
        ("item", "2. treatment Pharmaceuticals NSAID"),
        ("letter", record.id),
        ("reviewer", "Orthopedic Surgery"),
    ]
    cites = sorted((e.source.rsplit("/", 1)[-1], e.target, e.facts) for e in network.edges if e.facts)
    assert cites == [
        ("1", CH12, ((REVIEWER, 2016, 0, 1), (ANY, 2016, 0, 1))),
        ("1", CH12, ((ADMINISTRATOR, 2016, 0, 1), (ANY, 2016, 0, 1))),
        ("1", ODG_PAIN, ((REVIEWER, 2016, 0, 1), (ANY, 2016, 0, 1))),
        ("2", CPMTG, ((REVIEWER, 2016, 1, 0), (ANY, 2016, 1, 0))),
    ]
    assert sum(1 for e in network.edges if not e.facts and e.source == letter) == 3  # reviewer, two items
    with pytest.raises(QueryError, match="no letter 'CM99-0000000' in this graph"):
        case_network(known, "CM99-0000000")


def test_letter_text_marks_every_value_at_its_span(samples: ox.Store) -> None:
    page = letter_text(samples, HOSTILE_CASE)
    assert page.case == HOSTILE_CASE
    for mark in page.marks:
        stated = " ".join(page.text[mark.span.start : mark.span.end].split())
        if mark.kind in ("item", "diagnosis") or mark.kind.startswith("citation"):
            assert " ".join(mark.value.split()) in stated, (mark, stated)
    kinds = {m.kind for m in page.marks}
    assert {"header", "item", "diagnosis", "reviewer", "citation-reviewer", "citation-claims-administrator"} <= kinds
    assert any(m.kind == "diagnosis" and HOSTILE_DIAGNOSIS in m.value for m in page.marks)
    assert any(m.kind == "item" and HOSTILE_REQUEST in m.value for m in page.marks)


def test_letter_text_checks_the_file(samples: ox.Store, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("not the letter", encoding="utf-8")
    with pytest.raises(QueryError, match=r"other\.txt: not the letter CM16-0900666 was extracted from"):
        letter_text(samples, HOSTILE_CASE, letter_path=other)
    with pytest.raises(QueryError, match=r"gone\.txt: the letter of CM16-0900666 is not there; give its file"):
        letter_text(samples, HOSTILE_CASE, letter_path=tmp_path / "gone.txt")


def test_letter_text_is_escaped(samples: ox.Store) -> None:
    html = render(letter_text(samples, HOSTILE_CASE))
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; for 8 sessions" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


@pytest.mark.parametrize("kind", ["citations", "specialty", "case"])
def test_network_pages_embed_letter_text_as_inert_json(samples: ox.Store, kind: str) -> None:
    network = {
        "citations": lambda: citation_network(samples),
        "specialty": lambda: specialty_network(samples),
        "case": lambda: case_network(samples, HOSTILE_CASE),
    }[kind]()
    html = render(network)
    own = html.replace(vis_script(), "")
    assert "<img" not in own and "<script>alert" not in own
    data = html.split('<script type="application/json" id="view-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    if kind == "case":
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in data and "\\u003cscript\\u003ealert(2)" in data
    assert own.count("<script") == 3  # the data, vis-network, the page's own script: none with src
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", own)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_page_json_escapes_markup() -> None:
    assert page_json(["</script>", "a&b"]) == '["\\u003c/script\\u003e", "a\\u0026b"]'


def test_layout_is_deterministic_and_keeps_parts_apart(known: ox.Store) -> None:
    network = citation_network(known)
    first, second = layout(network), layout(network)
    assert first == second and set(first) == {n.id for n in network.nodes}
    xs = [x for x, _ in first.values()]
    assert max(xs) - min(xs) > 100  # spread out, not piled on one point


@pytest.mark.parametrize("level", ["chapter", "section"])
@pytest.mark.parametrize("role", ["reviewer", "claims-administrator", "rationale"])
def test_matrix_from_statistics_equals_matrix_from_letters(
    known: ox.Store, samples: ox.Store, level: str, role: str
) -> None:
    for store in (known, samples):
        fast = citation_matrix(store, role=role, level=level, top=0)  # type: ignore[arg-type]
        assert fast == citation_matrix(store, role=role, level=level, top=0, raw=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["chapter", "section"])
@pytest.mark.parametrize("role", ["reviewer", "claims-administrator"])
def test_matrix_of_the_real_letters_from_statistics_equals_from_letters(
    shared_corpus_store: ox.Store, level: str, role: str
) -> None:
    fast = citation_matrix(shared_corpus_store, role=role, level=level, top=0)  # type: ignore[arg-type]
    assert len(fast.rows) > 5 and fast == citation_matrix(shared_corpus_store, role=role, level=level, top=0, raw=True)  # type: ignore[arg-type]


def test_a_tally_lists_the_lowest_case_numbers_whatever_their_order() -> None:
    import random

    from imr_graph.projection import CASE_LIST, Tally

    cases = [f"CM{n:05d}" for n in range(CASE_LIST * 3)]
    shuffled = random.Random(7).sample(cases, len(cases))
    tally = Tally(distinct=False)
    for k, case in enumerate(shuffled):
        tally.add(f"item-{k}", case, 0, 2016, k % 2)
        tally.add(f"item-{k}b", case, 1, 2016, k % 2)  # the same letter cited by the other party
    listed = tally.case_list()
    assert [case for case, *_ in listed] == cases[:CASE_LIST]
    assert {roles for *_, roles in listed} == {0b11}
    assert len(tally.letters) == len(cases)


def test_the_unit_case_queries_stop_where_the_pages_say() -> None:
    from imr_graph.named import query_text
    from imr_graph.view import _UNIT_CASES, CASE_ROWS

    for name in set(_UNIT_CASES.values()):
        assert query_text(name).rstrip().endswith(f"LIMIT {CASE_ROWS}"), name


def _collapsed(network: Network, *, lists: bool = True) -> tuple[object, ...]:
    """A network as the statistics can tell it: each role's items over every year (no "any role"),
    and its letters without their year."""

    def facts(found: tuple[tuple[int, int, int, int], ...]) -> tuple[tuple[int, int, int], ...]:
        summed: dict[int, list[int]] = {}
        for role, _, up, over in found:
            if role != ANY_ROLE:
                counts = summed.setdefault(role, [0, 0])
                counts[0] += up
                counts[1] += over
        return tuple((role, up, over) for role, (up, over) in sorted(summed.items()))

    nodes = {
        (n.id, n.label, n.kind, n.group, facts(n.facts), n.detail)
        + ((tuple((case, over, roles) for case, _, over, roles in n.cases), n.examples, n.letters) if lists else ())
        for n in network.nodes
    }
    edges = {(e.source, e.target, facts(e.facts)) + ((e.examples,) if lists else ()) for e in network.edges}
    return nodes, edges, network.roles, network.sources


@pytest.mark.parametrize("level", ["chapter", "section"])
@pytest.mark.parametrize("roles", [("reviewer",), ("reviewer", "claims-administrator"), ("rationale",)])
def test_networks_from_statistics_equal_networks_from_letters(
    known: ox.Store, samples: ox.Store, level: str, roles: tuple[str, ...]
) -> None:
    for store in (known, samples):
        fast = citation_network(store, level=level, roles=roles, top=0, counts="statistics")  # type: ignore[arg-type]
        walked = citation_network(store, level=level, roles=roles, top=0, counts="letters")  # type: ignore[arg-type]
        assert _collapsed(fast) == _collapsed(walked)
        assert not fast.any_role and fast.years == () and walked.any_role
        assert "counted from the statistics" in fast.note
    fast = specialty_network(samples, top=0, counts="statistics")
    assert _collapsed(fast, lists=False) == _collapsed(specialty_network(samples, top=0, counts="letters"), lists=False)


@pytest.mark.parametrize("level", ["chapter", "section"])
def test_networks_of_the_real_letters_from_statistics_equal_from_letters(
    shared_corpus_store: ox.Store, level: str
) -> None:
    fast = citation_network(shared_corpus_store, level=level, top=0, counts="statistics")  # type: ignore[arg-type]
    walked = citation_network(shared_corpus_store, level=level, top=0, counts="letters")  # type: ignore[arg-type]
    assert len(fast.nodes) > 50 and _collapsed(fast) == _collapsed(walked)
    specialties = specialty_network(shared_corpus_store, top=0, counts="statistics")
    assert _collapsed(specialties, lists=False) == _collapsed(
        specialty_network(shared_corpus_store, top=0, counts="letters"), lists=False
    )


def test_a_network_counts_from_the_letters_of_a_small_graph_unless_told(known: ox.Store) -> None:
    assert citation_network(known).any_role  # auto: a small graph is walked, with every filter
    assert not citation_network(known, counts="statistics").any_role
    with pytest.raises(QueryError, match="counts must be"):
        citation_network(known, counts="cache")  # type: ignore[arg-type]


def test_no_two_columns_or_nodes_share_a_name(shared_corpus_store: ox.Store) -> None:
    """Two subcategories of one name ("Other Therapies" under Rehabilitation and Therapies) are
    told apart by their categories; every unit's name says its guideline and chapter."""
    matrix = citation_matrix(shared_corpus_store, top=0)
    names = [label for _, label in matrix.columns]
    assert len(set(names)) == len(names) and "Rehabilitation · Other Therapies" in names
    assert len({label for _, label in matrix.rows}) == len(matrix.rows)
    for level in ("chapter", "section"):
        network = citation_network(shared_corpus_store, level=level, top=0)  # type: ignore[arg-type]
        labels = [n.label for n in network.nodes]
        assert len(set(labels)) == len(labels), [x for x in labels if labels.count(x) > 1]


def test_a_network_read_from_the_statistics_offers_only_what_they_keep(known: ox.Store) -> None:
    walked = render(citation_network(known, counts="letters"))
    fast = render(citation_network(known, counts="statistics"))
    assert '<option value="all">Any role</option>' in walked and 'id="year"' in walked
    assert '<option value="all">Any role</option>' not in fast and 'id="year"' not in fast
    assert "counted from the statistics kept at build time" in fast
