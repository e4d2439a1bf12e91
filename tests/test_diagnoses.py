"""Diagnosis lists read as one entry per condition, each with the body region it names."""

from __future__ import annotations

import pytest

from imr_graph.diagnoses import split_conditions
from imr_graph.normalize import body_region

# (list as a letter writes it, [(condition, body region)]); composed for these tests
CASES = [
    ("neck sprain and right wrist pain", [("neck sprain", "cervical spine"), ("right wrist pain", "wrist")]),
    (
        "lumbar, hip, and neck strain",
        [("lumbar strain", "lumbar spine"), ("hip strain", "hip"), ("neck strain", "cervical spine")],
    ),
    ("right and left shoulder joint sprain", [("right and left shoulder joint sprain", "shoulder")]),
    (
        "strain of muscle, fascia and tendon of the lower back",
        [("strain of muscle, fascia and tendon of the lower back", "lumbar spine")],
    ),
    (
        "other injury of the muscle, fascia, tendon of the left knee",
        [("other injury of the muscle, fascia, tendon of the left knee", "knee")],
    ),
    ("nondisplaced fracture of the left radius head", [("nondisplaced fracture of the left radius head", "elbow")]),
    ("fracture of the right femoral head", [("fracture of the right femoral head", "hip")]),
    (
        "open wound of right thumb, open wound of left index finger, contusion of right hand and sprain of right wrist",
        [
            ("open wound of right thumb", "hand"),
            ("open wound of left index finger", "hand"),
            ("contusion of right hand", "hand"),
            ("sprain of right wrist", "wrist"),
        ],
    ),
    (
        "thoracic and lumbar spine sprain and strain",
        [("thoracic spine sprain and strain", "thoracic spine"), ("lumbar spine sprain and strain", "lumbar spine")],
    ),
    (
        "cervical, thoracic and lumbar spine sprain/strain",
        [
            ("cervical spine sprain/strain", "cervical spine"),
            ("thoracic spine sprain/strain", "thoracic spine"),
            ("lumbar spine sprain/strain", "lumbar spine"),
        ],
    ),
    ("knee and left ankle pain", [("knee pain", "knee"), ("left ankle pain", "ankle")]),
    (
        "elbow strain, and trigger finger, left wrist and left hand sprain and hand tendinitis and synovitis",
        [
            ("elbow strain", "elbow"),
            ("trigger finger", "hand"),
            ("left wrist sprain", "wrist"),
            ("left hand sprain", "hand"),
            ("hand tendinitis and synovitis", "hand"),
        ],
    ),
    (
        "lumbar strain; sacroiliac joint dysfunction, L4-5; right knee meniscus tear, early arthritis",
        [
            ("lumbar strain", "lumbar spine"),
            ("sacroiliac joint dysfunction, L4-5", "lumbar spine"),
            ("right knee meniscus tear, early arthritis", "knee"),
        ],
    ),
    (
        "mild lumbar strain, bilateral foot numbness probably related to the back; left sciatica",
        [
            ("mild lumbar strain", "lumbar spine"),
            ("bilateral foot numbness", "foot"),
            ("left sciatica", "lumbar spine"),
        ],
    ),
    (
        "sprain of ligaments of the cervical spine, subsequent encounter; myalgia; thoracalgia, unspecified",
        [
            ("sprain of ligaments of the cervical spine, subsequent encounter", "cervical spine"),
            ("myalgia", None),
            ("thoracalgia, unspecified", None),
        ],
    ),
    ("radiculopathy, lumbar region (left leg)", [("radiculopathy, lumbar region (left leg)", "lumbar spine")]),
    (
        "left knee sprain and tear status post-surgery March 2015, atrial fibrillation May 2016",
        [("left knee sprain and tear status post-surgery", "knee"), ("atrial fibrillation", None)],
    ),
    (
        "strain in left hip, knee, and ankle",
        [("strain in left hip", "hip"), ("strain in knee", "knee"), ("strain in ankle", "ankle")],
    ),
    ("labral tear, right shoulder", [("labral tear, right shoulder", "shoulder")]),
    ("hypertension and diabetes", [("hypertension", None), ("diabetes", None)]),
    (
        "cervicalgia and cervical disc bulge",
        [("cervicalgia", "cervical spine"), ("cervical disc bulge", "cervical spine")],
    ),
    (
        "headaches, anxiety disorder, and low back pain",
        [("headaches", "head"), ("anxiety disorder", "psyche"), ("low back pain", "lumbar spine")],
    ),
    (
        "fracture of the left tibia; and fracture of the left fibula",
        [("fracture of the left tibia", "leg"), ("fracture of the left fibula", "leg")],
    ),
    (
        "strain of unspecified muscle, fascia and tendon at lower leg level, left leg, "
        "and strain of muscle, fascia and tendon at hip level",
        [
            ("strain of unspecified muscle, fascia and tendon at lower leg level, left leg", "leg"),
            ("strain of muscle, fascia and tendon at hip level", "hip"),
        ],
    ),
    (
        "pain in the neck and pain in the right knee",
        [("pain in the neck", "cervical spine"), ("pain in the right knee", "knee")],
    ),
]


@pytest.mark.parametrize(("written", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_conditions(written: str, expected: list[tuple[str, str | None]]) -> None:
    conditions = split_conditions(written, 0, len(written))
    assert [(c.text, body_region(c.text)) for c in conditions] == expected
    for c in conditions:  # every entry points into the list it came from
        assert 0 <= c.start < c.end <= len(written)


def test_conditions_are_found_inside_a_letter() -> None:
    text = "The injured worker is being treated for the diagnoses of neck strain and right wrist pain. More text."
    start = text.index("neck")
    end = text.index(". More")
    found = split_conditions(text, start, end)
    assert [text[c.start : c.end] for c in found] == ["neck strain", "right wrist pain"]
