"""Table-driven tests of the citation grammar."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_graph.citations import find_mentions, parse_basis, parse_pages
from imr_graph.names import split_sections, split_top_level

# (statement, cited_evidence, mtus_based, [(guideline, mtus, chapter, sections, pages, url)])
CASES = [
    (
        "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300-301 and 617-25.",
        True,
        True,
        [("ACOEM", True, 12, (), ((300, 301), (617, 625)), None)],
    ),
    (
        "Decision based on MTUS ACOEM Page(s): 92,127.",
        True,
        True,
        [("ACOEM", True, None, (), ((92, 92), (127, 127)), None)],
    ),
    (
        "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303-305, and Chronic Pain "
        "Medical Treatment Guidelines Page(s): 46.",
        True,
        True,
        [("ACOEM", True, 12, (), ((303, 305),), None), ("CPMTG", True, None, (), ((46, 46),), None)],
    ),
    (
        "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s):\n31-32.",
        True,
        True,
        [("CPMTG", True, None, (), ((31, 32),), None)],
    ),
    (
        "The Claims Administrator did not cite any medical evidence\nfor its decision.",
        False,
        False,
        [],
    ),
    (
        "The Claims Administrator did not base their decision on the MTUS. Decision based on "
        "Non-MTUS Citation MTUS: ACOEM, CHAPTER 8 NECK AND UPPER BACK COMPLAINTS, PAGES 177-178",
        True,
        False,
        [("ACOEM", False, 8, (), ((177, 178),), None)],
    ),
    (
        "Decision based on MTUS Shoulder Complaints 2004, Section(s):\nSpecial Studies.",
        True,
        True,
        [("ACOEM", True, 9, ("Special Studies",), (), None)],
    ),
    (
        "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): Work-Relatedness, "
        "and Postsurgical Treatment 2009, Section(s): Forearm, Wrist, & Hand, and Chronic Pain Medical "
        "Treatment 2016, Section(s): Physical medicine treatment.",
        True,
        True,
        [
            ("ACOEM", True, 11, ("Work-Relatedness",), (), None),
            ("PTG", True, None, ("Forearm, Wrist, & Hand",), (), None),
            ("CPMTG", True, None, ("Physical medicine treatment",), (), None),
        ],
    ),
    (
        "Decision based on MTUS Acupuncture Treatment 2007.",
        True,
        True,
        [("AMTG", True, None, (), (), None)],
    ),
    (
        "Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3 Opioids for Chronic Pain: "
        "Initiating Treatment, 4.1 Tapering Opioids: Indications.",
        True,
        True,
        [
            (
                "MTUS",
                True,
                None,
                (
                    "3.3 Opioids for Chronic Pain: Initiating Treatment",
                    "4.1 Tapering Opioids: Indications",
                ),
                (),
                None,
            )
        ],
    ),
    (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Shoulder, MRI and "
        "Other Medical Treatment Guidelines http://example.org/policy.html.",
        True,
        False,
        [
            ("ODG", False, None, ("MRI",), (), None),
            ("OTHER", False, None, (), (), "http://example.org/policy.html"),
        ],
    ),
    (
        "Decision based on Non-MTUS Citation ACOEM guidelines and the Official Disability Guidelines.",
        True,
        False,
        [("ACOEM", False, None, (), (), None), ("ODG", False, None, (), (), None)],
    ),
    (
        "Decision based on Non-MTUS Citation Neck and Upper Back (Cervical collar).",
        True,
        False,
        [("ODG", False, None, ("Cervical collar",), (), None)],
    ),
    (
        "Decision based on Non-MTUS Citation A textbook of orthopedics, vol 2, pgs. 211-19.",
        True,
        False,
        [("OTHER", False, None, (), ((211, 219),), None)],
    ),
    (
        "Decision based on MTUS General Approaches 2004, Section(s): Cornerstones of Disability "
        "Prevention and Management.",
        True,
        True,
        [("ACOEM", True, 5, ("Cornerstones of Disability Prevention and Management",), (), None)],
    ),
    (  # two outside sources in one statement: the first address closes the first source
        "Decision based on Non-MTUS Citation National Institute of Examples, Fainting, "
        "https://www.example.gov/health/fainting; ReviewSource, Doe, Fainting in adults: causes.",
        True,
        False,
        [
            ("OTHER", False, None, (), (), "https://www.example.gov/health/fainting"),
            ("OTHER", False, None, (), (), None),
        ],
    ),
    (  # one source whose parts are set apart by semicolons stays one
        "Decision based on Non-MTUS Citation Example Fee Schedule (EFS); Chapter 3-Surgeons; 4.1- Global package.",
        True,
        False,
        [("OTHER", False, None, (), (), None)],
    ),
    (  # "Non-MTUS" without "Citation"
        "Decision based on Non-MTUS Official Disability Guidelines (ODG), Pain.",
        True,
        False,
        [("ODG", False, None, (), (), None)],
    ),
]


@pytest.mark.parametrize(("statement", "cited", "mtus_based", "expected"), CASES)
def test_parse_basis(statement: str, cited: bool, mtus_based: bool, expected: list[tuple[object, ...]]) -> None:
    basis = parse_basis(statement)
    assert (basis.cited_evidence, basis.mtus_based) == (cited, mtus_based)
    got = [(c.guideline.value, c.mtus, c.chapter, c.sections, c.pages, c.url) for c in basis.citations]
    assert got == expected


def test_citation_spans_point_at_their_text() -> None:
    letter = "xxxx Decision based on MTUS Knee Complaints 2004, Section(s): Summary."
    basis = parse_basis(letter[5:], offset=5)
    span = basis.citations[0].span
    assert span is not None
    assert letter[span.start : span.end].startswith("Knee Complaints 2004")


@pytest.mark.parametrize(
    ("text", "pages"),
    [
        ("Page(s): 300-301 and 617-25", ((300, 301), (617, 625))),
        ("Page(s): 92,127", ((92, 92), (127, 127))),
        ("pages 177-178", ((177, 178),)),
        ("page 46", ((46, 46),)),
        ("pgs. 617-25", ((617, 625),)),
        ("p 301", ((301, 301),)),
        ("Page(s): 12-9", ((12, 19),)),
        ("no pages here", ()),
    ],
)
def test_parse_pages(text: str, pages: tuple[tuple[int, int], ...]) -> None:
    assert parse_pages(text) == pages


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        ("Special Studies.", ("Special Studies",)),
        (
            "Surgical Considerations, Physical Methods, Summary.",
            ("Surgical Considerations", "Physical Methods", "Summary"),
        ),
        (
            "TENS, chronic pain (transcutaneous electrical nerve stimulation).",
            ("TENS, chronic pain (transcutaneous electrical nerve stimulation)",),
        ),
        ("Ultrasound, therapeutic.", ("Ultrasound, therapeutic",)),
        (
            "Cyclobenzaprine (Flexeril), Muscle relaxants (for pain).",
            ("Cyclobenzaprine (Flexeril)", "Muscle relaxants (for pain)"),
        ),
        ("Knee, Forearm, Wrist, & Hand.", ("Knee", "Forearm, Wrist, & Hand")),
        (
            "NSAIDs (non-steroidal anti-inflammatory drugs), NSAIDs, GI symptoms & cardiovascular risk.",
            (
                "NSAIDs (non-steroidal anti-inflammatory drugs)",
                "NSAIDs, GI symptoms & cardiovascular risk",
            ),
        ),
        (
            "Naproxen (Naprosyn, Anaprox), NSAIDs (non-steroidal anti-inflammatory drugs).",
            ("Naproxen (Naprosyn, Anaprox)", "NSAIDs (non-steroidal anti-inflammatory drugs)"),
        ),
    ],
)
def test_split_sections(text: str, sections: tuple[str, ...]) -> None:
    assert split_sections(text) == sections


def _split_by_characters(text: str) -> list[str]:
    """The plain reading of a list: at each ", " whose brackets before it are all closed."""
    pieces, depth, cursor = [], 0, 0
    for i, char in enumerate(text):
        depth = depth + 1 if char in "([" else max(0, depth - 1) if char in ")]" else depth
        if char == "," and depth == 0 and text[i + 1 : i + 2] == " ":
            pieces.append(text[cursor:i])
            cursor = i + 2
    pieces.append(text[cursor:])
    return [p.strip() for p in pieces if p.strip()]


@given(st.lists(st.sampled_from(["a", " ", ",", ", ", "(", ")", "[", "]", "b c"]), max_size=20).map("".join))
def test_lists_split_at_top_level_separators(text: str) -> None:
    assert split_top_level(text) == _split_by_characters(text)


def test_mentions_in_rationale() -> None:
    text = (
        "ACOEM Practice Guidelines, 2nd Edition (2004), page 127 supports a referral. "
        "In addition, ODG supports thoracic MRI studies."
    )
    got = [(c.guideline.value, c.pages, c.edition) for c in find_mentions(text)]
    assert got == [("ACOEM", ((127, 127),), "2nd"), ("ODG", (), None)]


@given(st.lists(st.tuples(st.integers(1, 999), st.integers(0, 50)), min_size=1, max_size=4))
def test_page_ranges_round_trip(ranges: list[tuple[int, int]]) -> None:
    text = "Page(s): " + ", ".join(f"{a}-{a + d}" if d else str(a) for a, d in ranges)
    expected = tuple(dict.fromkeys((a, a + d) for a, d in ranges))
    assert parse_pages(text) == expected


@given(st.text(max_size=300))
def test_basis_never_raises(text: str) -> None:
    parse_basis("Decision based on MTUS " + text)
    parse_basis("Decision based on Non-MTUS Citation " + text)


@pytest.mark.parametrize(
    ("sentence", "codes"),
    [
        ("The request is supported by the California MTUS and ACOEM guidelines.", ["MTUS", "ACOEM"]),
        ("Per the ACOEM and MTUS recommendations, an MRI is indicated.", ["ACOEM", "MTUS"]),
        ("According to the MTUS ACOEM guidelines, an MRI is indicated.", ["ACOEM"]),
        ("The MTUS Chronic Pain Medical Treatment Guidelines recommend against it.", ["CPMTG"]),
    ],
)
def test_mtus_named_beside_a_part_is_cited_too(sentence: str, codes: list[str]) -> None:
    assert [c.guideline.value for c in find_mentions(sentence)] == codes
