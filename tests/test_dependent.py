"""Dependent items: an item decided only because another item of the letter was."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_graph.dependent import _CUES, _cued_sentences, dependency, mark_dependent
from imr_graph.records import Basis, Decision, Item, Treatment

# (rationale, the decision it says it follows, or None); composed for these tests
PHRASINGS = [
    (
        "As the requested surgery is not medically necessary, the associated post-operative physical therapy "
        "is also not medically necessary.",
        "surgery",
    ),
    (
        "Since the primary procedure is not medically necessary, none of the associated services are medically "
        "necessary.",
        "primary procedure",
    ),
    (
        "Given that the ibuprofen was not medically necessary, the request for omeprazole is also not medically "
        "necessary.",
        "ibuprofen",
    ),
    (
        "Given that the ibuprofen was determined to be not medically necessary, the omeprazole is likewise not "
        "medically necessary.",
        "ibuprofen",
    ),
    (
        "The request for a cold therapy unit is not medically necessary because the surgery was not found to be "
        "medically necessary.",
        "surgery",
    ),
    (
        "Because the shoulder arthroscopy has been certified, the post-operative sling is also medically necessary.",
        "shoulder arthroscopy",
    ),
    (
        "As the knee replacement is not certified, the pre-operative clearance is not medically necessary.",
        "knee replacement",
    ),
    (
        "Since the requested fusion was not authorized, the associated hospital stay is not medically necessary.",
        "fusion",
    ),
    # its own merits, not another decision
    ("Physical therapy is not medically necessary as no functional gains were documented.", None),
    ("Since the requested medication is not recommended for long-term use, it is not medically necessary.", None),
    ("As the patient has completed 24 sessions, additional therapy is not medically necessary.", None),
    ("The guidelines support an MRI when red flags are present; none are documented here.", None),
    ("", None),
]


@pytest.mark.parametrize(("rationale", "primary"), PHRASINGS, ids=[p[0][:40] for p in PHRASINGS])
def test_dependency(rationale: str, primary: str | None) -> None:
    assert dependency(rationale) == primary


def _item(n: int, request: str, rationale: str, category: str | None = None) -> Item:
    basis = Basis(cited_evidence=False, mtus_based=False)
    return Item(n, request, Decision.UPHELD, Treatment(request.lower(), category, None), basis, basis, rationale)


def test_dependent_items_are_linked_to_the_item_they_follow() -> None:
    items = [
        _item(1, "Right knee arthroscopy", "Surgery is not indicated without imaging findings.", "Surgery"),
        _item(2, "Post-operative physical therapy x 12", PHRASINGS[0][0]),
        _item(3, "Ibuprofen 800mg #90", "NSAIDs are recommended at the lowest dose for the shortest time."),
        _item(4, "Omeprazole 20mg #30", PHRASINGS[2][0]),
        _item(5, "Cold therapy unit", PHRASINGS[4][0]),
    ]
    marked = mark_dependent(items)
    assert [(i.n, i.dependent, i.depends_on) for i in marked] == [
        (1, False, None),
        (2, True, 1),  # "surgery": the one surgery of the letter
        (3, False, None),
        (4, True, 3),  # "ibuprofen" names item 3
        (5, True, 1),
    ]


def test_an_item_does_not_depend_on_itself() -> None:
    own = "As the ibuprofen is not medically necessary at this dose, the request is also not medically necessary."
    assert mark_dependent([_item(1, "Ibuprofen 800mg", own)])[0].dependent is False


_PIECES = st.sampled_from(
    ["also", "surgery", "the", "primary", "procedure", " ", ".", "!", "?", "\n", "none of the", "x"]
)


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_cued_sentences_are_the_sentences_that_hold_a_cue(text: str) -> None:
    # the plain reading: every sentence (up to and with its mark), kept when a cue is in it
    sentences = [m.span() for m in re.finditer(r"[^.!?]+(?:[.!?]|$)", text)]
    assert _cued_sentences(text) == [(a, b) for a, b in sentences if any(c in text[a:b] for c in _CUES)]
