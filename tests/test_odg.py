"""ODG statements: chapters, topics and edition dates, table-driven over the shapes letters use.

Every statement here is composed for the tests from the patterns of the format.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_graph.citations import parse_basis
from imr_graph.odg import parse_odg, topic_concept

ODG = "Official Disability Guidelines (ODG)"
# (statement, [(chapter title, topics, updated)])
SHAPES = [
    (
        f"{ODG}, Knee and Leg (updated 10/02/17), Arthroscopic surgery for osteoarthritis.",
        [("Knee & Leg", ("Arthroscopic surgery for osteoarthritis",), "2017-10-02")],
    ),
    (f"{ODG}, Elbow Chapter.", [("Elbow", (), None)]),
    (f"{ODG} Ankle & Foot Chapter, X-rays.", [("Ankle & Foot", ("X-rays",), None)]),
    (
        "Official Disability Guidelines - Knee chapter - Magnetic resonance imaging (MRI).",
        [("Knee & Leg", ("Magnetic resonance imaging (MRI)",), None)],
    ),
    (f"{ODG} MRI knee.", [(None, ("MRI knee",), None)]),
    (f"{ODG}, Physical Therapy Guidelines.", [(None, ("Physical Therapy Guidelines",), None)]),
    (
        "Official Disability Guidelines: Hip & Pelvis (Acute & Chronic) Bone scan, Indications for imaging.",
        [("Hip & Pelvis", ("Bone scan", "Indications for imaging"), None)],
    ),
    (
        "Official Disability Guidelines, Head Chapter (updated 01/05/17): CT (computed tomography).",
        [("Head", ("CT (computed tomography)",), "2017-01-05")],
    ),
    (f"{ODG} Elbow section, Epicondylitis surgery.", [("Elbow", ("Epicondylitis surgery",), None)]),
    (f"{ODG} Shoulder Chapter, Arthrography, MR arthrogram.", [("Shoulder", ("Arthrography", "MR arthrogram"), None)]),
    (
        f"{ODG} Forearm, Wrist and Hand Chapter (updated 02/08/17) Splints; Casting.",
        [("Forearm, Wrist & Hand", ("Splints", "Casting"), "2017-02-08")],
    ),
    (f"{ODG} Low Back chapter/ Lumbar supports.", [("Low Back - Lumbar & Thoracic", ("Lumbar supports",), None)]),
    (f"{ODG} Pain Section/Ketoprofen cream Topic.", [("Pain", ("Ketoprofen cream",), None)]),
    (f"{ODG}, Pain (Chronic), Baclofen (Lioresal).", [("Pain", ("Baclofen (Lioresal)",), None)]),
    (f"{ODG}, Neck and Upper Back, Knee and Leg.", [("Neck & Upper Back", (), None), ("Knee & Leg", (), None)]),
    (f"{ODG}, Neck and Upper Back; Shoulder.", [("Neck & Upper Back", (), None), ("Shoulder", (), None)]),
    (
        "Official Disability Guidelines, Elbow Chapter, Knee Chapter, Physical therapy.",
        [("Elbow", ("Physical therapy",), None), ("Knee & Leg", ("Physical therapy",), None)],
    ),
    (
        f"{ODG} Low Back and neck Chapter, Massage therapy.",
        [
            ("Low Back - Lumbar & Thoracic", ("Massage therapy",), None),
            ("Neck & Upper Back", ("Massage therapy",), None),
        ],
    ),
    (
        f"{ODG} Knee & Leg (Continuous passive motion (CPM)).",
        [("Knee & Leg", ("Continuous passive motion (CPM)",), None)],
    ),
    (
        "Official Disability Guidelines: Shoulder - Criteria for diagnostic arthroscopy.",
        [("Shoulder", ("Criteria for diagnostic arthroscopy",), None)],
    ),
    (
        f"{ODG} Low Back (Thoracic and Lumbar, Acute and Chronic) Chapter, Discography.",
        [("Low Back - Lumbar & Thoracic", ("Discography",), None)],
    ),
    (
        f"{ODG}, Work Loss Data Institute (20th Annual Edition), 2015, Shoulder (Acute & Chronic) Chapter.",
        [("Shoulder", (), None)],
    ),
    ("ODG Guidelines, 13th Edition, 2015, Elbow Chapter.", [("Elbow", (), None)]),
    (
        f"{ODG} Chapter: Neck & Upper Back (Acute & Chronic) 03/14/2017 Cervical collar.",
        [("Neck & Upper Back", ("Cervical collar",), "2017-03-14")],
    ),
    (
        f"{ODG}, Shoulder (updated 01/10/17), Physical therapy, ODG physical therapy guidelines, "
        "ODG Elbow (updated 02/01/17), Physical therapy.",
        [
            ("Shoulder", ("Physical therapy",), "2017-01-10"),
            (None, ("physical therapy guidelines",), None),
            ("Elbow", ("Physical therapy",), "2017-02-01"),
        ],
    ),
    (
        f"{ODG}, Knee (updated 01/10/17), Manipulation ODG Chiropractic Guidelines.",
        [("Knee & Leg", ("Manipulation",), "2017-01-10"), (None, ("Chiropractic Guidelines",), None)],
    ),
    (
        "Official Disability Guidelines, Elbow (updated 01/10/17); ODG, Shoulder (updated 02/20/17).",
        [("Elbow", (), "2017-01-10"), ("Shoulder", (), "2017-02-20")],
    ),
    (
        "Knee and Leg, Aquatic therapy, ODG Preface – Physical Therapy.",
        [("Knee & Leg", ("Aquatic therapy",), None), ("Preface", ("Physical Therapy",), None)],
    ),
    (
        f"{ODG} Knee/Walking aids, Low Back Lumbar and Thoracic/Mattress selection",
        [("Knee & Leg", ("Walking aids",), None), ("Low Back - Lumbar & Thoracic", ("Mattress selection",), None)],
    ),
    (f"{ODG} aquatic therapy, knee chapter.", [("Knee & Leg", ("aquatic therapy",), None)]),
    (f"{ODG}, Pain (online version): Opioids, criteria for use.", [("Pain", ("Opioids, criteria for use",), None)]),
    (
        f"{ODG} Shoulder, Surgery for impingement syndrome & Surgery for rotator cuff repair.",
        [("Shoulder", ("Surgery for impingement syndrome", "Surgery for rotator cuff repair"), None)],
    ),
    (
        f"{ODG}, Knee (Acute and Chronic), Meniscectomy, Chondroplasty, Arthroscopy.",
        [("Knee & Leg", ("Meniscectomy", "Chondroplasty", "Arthroscopy"), None)],
    ),
    (f"{ODG} Knee, preoperative testing, general.", [("Knee & Leg", ("preoperative testing, general",), None)]),
    (f"{ODG} Gym Memberships.", [(None, ("Gym Memberships",), None)]),
    (f"{ODG}.", [(None, (), None)]),
]


@pytest.mark.parametrize(("statement", "expected"), SHAPES, ids=[s[0][:50] for s in SHAPES])
def test_odg_statement(statement: str, expected: list[tuple[str | None, tuple[str, ...], str | None]]) -> None:
    assert [(p.chapter_title, p.topics, p.updated) for p in parse_odg(statement)] == expected


def test_odg_parts_become_citations_with_their_own_text() -> None:
    basis = parse_basis(
        "Decision based on Non-MTUS Citation Official Disability Guidelines, Elbow (updated 01/10/17); "
        "ODG, Shoulder (updated 02/20/17)."
    )
    assert [(c.guideline.value, c.chapter_title, c.updated, c.text) for c in basis.citations] == [
        ("ODG", "Elbow", "2017-01-10", "Official Disability Guidelines, Elbow (updated 01/10/17)"),
        ("ODG", "Shoulder", "2017-02-20", "ODG, Shoulder (updated 02/20/17)."),
    ]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("MRI's (magnetic resonance imaging)", "Magnetic resonance imaging (MRI)"),
        ("MRIs", "magnetic resonance imaging"),
        ("MRI knee", "MRI"),
        ("Cervical pillows", "Cervical pillow"),
        ("Electrodiagnostic testing (EMG/NCS)", "Electrodiagnostic studies (EDS)"),
        ("Durable medical equipment", "DME"),
    ],
)
def test_topic_variants_meet_on_one_concept(one: str, other: str) -> None:
    assert topic_concept(one) is not None
    assert topic_concept(one) == topic_concept(other)


def test_an_unknown_topic_is_kept_as_written() -> None:
    assert topic_concept("Hyperbaric widget therapy") is None
    assert parse_odg(f"{ODG} Knee, Hyperbaric widget therapy.")[0].topics == ("Hyperbaric widget therapy",)


@given(st.text(max_size=300))
def test_odg_never_crashes(text: str) -> None:
    for part in parse_odg(text):
        assert 0 <= part.start <= part.end <= len(text)


@pytest.mark.parametrize("raw", [False, True], ids=["statistics", "raw"])
def test_topic_level_counts_one_unit_per_topic_whatever_its_spelling(raw: bool) -> None:
    import imr_graph
    from imr_graph import iri
    from imr_graph.store import build, open_store
    from tests.known import OVERTURNED, UPHELD, basis, cite, item, letter

    def shoulder(*topics: str) -> object:
        return basis(cite("ODG", False, title="Shoulder", sections=topics), mtus=False)

    records = [
        letter(
            "a",
            "2016-12-01",
            (),
            (),
            item(1, UPHELD, "Diagnostic Testing", "Other", shoulder(), shoulder("MRI's (magnetic resonance imaging)")),
        ),  # type: ignore[arg-type]
        letter(
            "b",
            "2016-12-02",
            (),
            (),
            item(
                1, OVERTURNED, "Diagnostic Testing", "Other", shoulder(), shoulder("Magnetic resonance imaging (MRI)")
            ),
        ),  # type: ignore[arg-type]
        letter(
            "c",
            "2016-12-03",
            (),
            (),
            item(1, UPHELD, "Diagnostic Testing", "Other", shoulder(), shoulder("Shoulder widget scan")),
        ),  # type: ignore[arg-type]
    ]
    store = open_store(None)
    build(records, store)
    result = imr_graph.query(store, "overturn-by-guideline", raw=raw, level="section", role="reviewer")
    rows = {row["unit"]: (row["items"], row["overturned"]) for row in result}
    shoulder_unit = iri.VOCAB + "guideline/odg-shoulder/section/"
    assert rows == {shoulder_unit + "mri": (2, 1), shoulder_unit + "shoulder-widget-scan": (1, 0)}
    if not raw:  # the statistics name each unit: the catalog's name of a topic it knows
        assert {row["unit"]: row["label"] for row in result} == {
            shoulder_unit + "mri": "ODG Shoulder: Magnetic resonance imaging (MRI)",
            shoulder_unit + "shoulder-widget-scan": "ODG Shoulder: Shoulder widget scan",
        }
    exact = iri.SKOS + "exactMatch"
    linked = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(exact), None)}
    assert (shoulder_unit + "mri", iri.VOCAB + "odg-topic/mri") in linked
