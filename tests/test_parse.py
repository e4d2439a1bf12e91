"""Each letter format, read from the composed sample letters: exact values."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from imr_graph import LetterFormat, extract_letter
from imr_graph.records import schema_errors
from imr_graph.sample import LETTERS_DIR, sample_letters


def cites(basis: object) -> list[tuple[object, ...]]:
    return [(c.guideline.value, c.mtus, c.chapter, c.sections, c.pages) for c in basis.citations]  # type: ignore[attr-defined]


def test_2016_header_inline_partial_request_and_multi_part_citation() -> None:
    rec = extract_letter(LETTERS_DIR / "sample-2016-a.txt")
    assert rec.source.format is LetterFormat.FINAL_DETERMINATION_2016
    assert (rec.id, rec.case_number, rec.decision_date, rec.date_of_injury, rec.ur_denial_date) == (
        "CM16-0900001",
        "CM16-0900001",
        "2016-04-05",
        "2015-07-14",
        "2016-02-10",
    )
    assert (rec.date_assigned, rec.application_received, rec.priority) == (
        "2016-03-02",
        "2016-02-20",
        "Standard",
    )
    assert rec.reviewer.specialties == ("Physical Medicine and Rehabilitation", "Pain Medicine")
    assert rec.reviewer.license_states == ("CA", "OR")
    assert (rec.patient.age, rec.patient.sex) == (51, "female")
    assert rec.diagnoses[0].text == "lumbar radiculopathy"
    first, second, third = rec.items
    assert first.partial is not None
    assert first.partial.remaining == "Physical therapy for 8 sessions"
    assert first.request.endswith(
        "The remaining IMR eligible portion of the original request, Physical therapy for 8 sessions"
    )
    assert cites(first.reviewer) == [
        (
            "CPMTG",
            True,
            None,
            (
                "Physical medicine treatment",
                "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
            ),
            (),
        )
    ]
    assert (second.request, second.decision.value, second.claims_administrator.cited_evidence) == (
        "Cyclobenzaprine 7.5mg #60",
        "upheld",
        False,
    )
    assert (second.treatment.category, second.treatment.subcategory) == (
        "Pharmaceuticals",
        "Muscle Relaxant",
    )
    assert [(c.guideline.value, c.pages) for c in second.rationale_citations] == [("CPMTG", ((41, 41),))]
    assert third.decision.value == "overturned"
    assert cites(third.claims_administrator) == [
        ("ACOEM", True, 12, ("Special Studies",), ()),
        ("ODG", False, None, ("MRIs (magnetic resonance imaging)",), ()),
    ]
    assert cites(third.reviewer) == [
        ("ACOEM", True, 12, ("Special Studies", "Summary"), ()),
        ("CPMTG", True, None, ("Epidural steroid injections (ESIs)",), ()),
    ]


def test_2016_pdf_with_header_labels_and_values_apart() -> None:
    rec = extract_letter(LETTERS_DIR / "sample-2016-b.pdf")
    assert rec.source.pages == 2
    assert (rec.case_number, rec.date_assigned, rec.decision_date, rec.priority) == (
        "CM17-0900002",
        "2017-01-09",
        "2017-02-14",
        "Expedited",
    )
    assert (rec.date_of_injury, rec.ur_denial_date, rec.application_received) == (
        "2015-11-30",
        "2016-12-28",
        "2017-01-03",
    )
    assert rec.reviewer.specialties == ("Family Medicine",)
    item = rec.items[1]
    assert item.span is not None and item.span.page == 2
    assert cites(item.reviewer) == [
        ("PTG", True, None, ("Forearm, Wrist, & Hand",), ()),
        ("CPMTG", True, None, ("Physical medicine treatment",), ()),
    ]


def test_2014_letter() -> None:
    rec = extract_letter(LETTERS_DIR / "sample-2014.txt")
    assert rec.source.format is LetterFormat.FINAL_DETERMINATION_2014
    assert rec.id.startswith("doc-") and rec.case_number is None
    assert (rec.reviewer.specialties, rec.reviewer.subspecialties, rec.reviewer.license_states) == (
        ("Orthopedic Surgery",),
        ("Sports Medicine",),
        ("AZ", "CA"),
    )
    assert (rec.patient.age, rec.patient.sex, rec.date_of_injury) == (38, "male", "2012-03-03")
    assert [d.text for d in rec.diagnoses] == [
        "right knee medial meniscus tear",
        "chondromalacia patella",
        "lumbar strain",
    ]
    assert [d.body_region for d in rec.diagnoses] == ["knee", "knee", "lumbar spine"]
    knee, naproxen, drug_screen = rec.items
    assert cites(knee.reviewer) == [("ACOEM", True, 13, (), ((344, 345), (347, 347)))]
    assert cites(naproxen.reviewer) == [("CPMTG", True, None, (), ((67, 68),))]
    assert drug_screen.reviewer.mtus_based is False
    assert drug_screen.reviewer.citations[0].url == "https://guidelines.example.org/drug-testing"


def test_items_start_after_the_introducing_sentence_however_it_wraps() -> None:
    text = (LETTERS_DIR / "sample-2014.txt").read_text()
    wrapped = text.replace("items/services set forth below:", "items/services set forth\nbelow:")
    assert wrapped != text
    rec = extract_letter("wrapped.txt", wrapped.encode())
    assert [i.request for i in rec.items] == [
        "Arthroscopic partial medial meniscectomy of the right knee",
        "Naproxen 550mg #90",
        "Urine drug screen",
    ]


def test_2013_prose_basis_keeps_evidence_cited_by_its_address() -> None:
    text = (LETTERS_DIR / "sample-2013-notice.txt").read_text()
    cited = text.replace(
        "The Expert Reviewer relied on the Acupuncture Medical Treatment Guidelines, pages 8-9.",
        "The Expert Reviewer relied on the Acupuncture Medical Treatment Guidelines, pages 8-9. "
        "The Expert Reviewer also relied on A trial of needling for back pain, https://evidence.example.org/12.",
    )
    assert cited != text
    reviewer = extract_letter("cited.txt", cited.encode()).items[1].reviewer
    assert [(c.guideline.value, c.mtus, c.pages, c.url) for c in reviewer.citations] == [
        ("AMTG", True, ((8, 9),), None),
        ("OTHER", False, (), "https://evidence.example.org/12"),
    ]


def test_2013_notice_letter() -> None:
    rec = extract_letter(LETTERS_DIR / "sample-2013-notice.txt")
    assert rec.source.format is LetterFormat.NOTICE_2013
    assert (rec.case_number, rec.decision_date, rec.ur_denial_date, rec.application_received) == (
        "CM13-0900003",
        "2013-10-15",
        "2013-09-03",
        "2013-09-12",
    )
    assert [(i.n, i.request, i.decision.value) for i in rec.items] == [
        (1, "a lumbar epidural steroid injection at L4-5", "upheld"),
        (2, "six sessions of acupuncture", "overturned"),
    ]
    assert cites(rec.items[0].claims_administrator) == [("CPMTG", True, None, (), ((46, 46),))]
    assert rec.items[1].claims_administrator.cited_evidence is False
    assert cites(rec.items[1].reviewer) == [("AMTG", True, None, (), ((8, 9),))]
    assert rec.reviewer.specialties == ("Anesthesiology",) and rec.reviewer.license_states == ("TX",)


def test_2013_professional_review_letter() -> None:
    rec = extract_letter(LETTERS_DIR / "sample-2013-review.txt")
    assert rec.source.format is LetterFormat.PROFESSIONAL_REVIEW_2013
    assert [(i.request, i.decision.value) for i in rec.items] == [("a functional capacity evaluation", "upheld")]
    assert cites(rec.items[0].reviewer) == [("ACOEM", True, 7, (), ((137, 138),))]
    assert any("claims administrator's basis" in w for w in rec.warnings)


def test_shared_2013_excerpt(tmp_path: Path) -> None:
    from tests.conftest import shared_path

    rec = extract_letter(shared_path("corpus", "partial", "2013-notice-excerpt.txt"))
    assert rec.source.format is LetterFormat.NOTICE_2013
    assert [i.decision.value for i in rec.items] == ["upheld", "upheld"]
    assert rec.items[0].request == "a 28 day functional restoration program"


def test_unknown_format_yields_a_record_with_a_warning() -> None:
    text = b"MAXIMUS Federal Services\nSome other layout entirely.\nKnee brace: Upheld\n"
    rec = extract_letter("odd.txt", text)
    assert rec.source.format is LetterFormat.UNKNOWN
    assert [i.request for i in rec.items] == ["Knee brace"]
    assert any("format not recognized" in w for w in rec.warnings)


@pytest.mark.parametrize("path", sample_letters(), ids=lambda p: p.name)
def test_sample_records_match_the_schema(path: Path) -> None:
    assert schema_errors(extract_letter(path).to_dict()) == []


def test_spans_point_back_at_values() -> None:
    from imr_graph.read import read_letter

    letter = read_letter(LETTERS_DIR / "sample-2016-a.txt")
    rec = extract_letter(LETTERS_DIR / "sample-2016-a.txt")
    span = rec.provenance["decision_date"]
    assert letter.text[span.start : span.end] == "04/05/2016"
    item = rec.items[1]
    assert item.span is not None
    assert letter.text[item.span.start : item.span.end] == "Cyclobenzaprine 7.5mg #60: Upheld"
    for d in rec.diagnoses:
        assert d.span is not None and " ".join(letter.text[d.span.start : d.span.end].split()) == d.text


@pytest.mark.parametrize("path", sample_letters(), ids=lambda p: p.name)
def test_json_line_is_the_record_dict(path: Path) -> None:
    from imr_graph.records import record_json

    record = extract_letter(path)
    # orjson's line against the standard library's compact form of the library's own walk
    reference = json.dumps(dataclasses.asdict(record), ensure_ascii=False, separators=(",", ":"))
    assert record_json(record) == reference
    assert json.loads(record_json(record)) == record.to_dict()


def test_a_record_orjson_refuses_is_written_and_read_back_by_the_standard_library() -> None:
    from types import MappingProxyType

    from imr_graph.records import parse_line, record_json

    record = extract_letter(sample_letters()[0])
    odd = os.fsdecode(b"letters/x\xe9.txt")  # a file name that is not UTF-8, kept as a surrogate
    renamed = dataclasses.replace(record, source=dataclasses.replace(record.source, path=odd))
    line = record_json(renamed)
    assert json.loads(line)["source"]["path"] == odd
    assert parse_line("cases.jsonl", 1, line.encode("utf-8", "backslashreplace").decode()) == renamed
    frozen = dataclasses.replace(record, provenance=MappingProxyType(dict(record.provenance)))
    assert record_json(frozen) == record_json(record)  # a mapping that is not a dict


def test_numbers_past_64_bits_are_written_and_read_by_the_standard_library() -> None:
    from imr_graph.records import dumps_json, loads_json

    line = dumps_json({"n": 2**70})
    assert line == '{"n":1180591620717411303424}'
    assert loads_json(line) == {"n": 2**70}


def test_a_value_with_no_json_form_is_refused_by_type() -> None:
    from imr_graph.records import dumps_json

    with pytest.raises(TypeError, match="no JSON form for object"):
        dumps_json({"x": object()})


_LETTER = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE\nThe Expert Reviewer has the following credentials:\n"
    "State(s) of Licensure: Nevada\nCertification(s)/Specialty: Internal Medicine\nCLINICAL CASE SUMMARY\n"
    "{summary}\nIMR ISSUES, DECISIONS AND RATIONALES\n"
    "The Final Determination was based on decisions for the disputed items/services set forth below:\n"
    "Knee brace: Upheld\nClaims Administrator guideline: Decision based on MTUS Knee Complaints 2004.\n"
    "MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004.\nDecision rationale: Not needed.\n"
)


@pytest.mark.parametrize(
    ("summary", "diagnoses", "patient"),
    [
        (
            "The injured worker was diagnosed as having right elbow epicondylitis.",
            ["right elbow epicondylitis"],
            (None, None),
        ),
        (
            "Diagnoses, and-or impressions, were noted to include: low back injury; hip sprain.",
            ["low back injury", "hip sprain"],
            (None, None),
        ),
        (
            "The injured worker is a female who sustained an injury. She was diagnosed with a wrist sprain.",
            ["wrist sprain"],
            (None, "female"),
        ),
        (
            "The applicant is a 61-year-old man who has filed a claim for chronic neck pain reportedly associated "
            "with an industrial injury of March 3, 2015.",
            ["chronic neck pain"],
            (61, "male"),
        ),
        (
            "The current diagnoses are documented as cervical strain and lumbar strain.",
            ["cervical strain", "lumbar strain"],
            (None, None),
        ),
    ],
)
def test_case_summary_phrases(summary: str, diagnoses: list[str], patient: tuple[object, object]) -> None:
    rec = extract_letter("composed.txt", _LETTER.format(summary=summary).encode())
    assert [d.text for d in rec.diagnoses] == diagnoses
    assert (rec.patient.age, rec.patient.sex) == patient
    assert rec.reviewer.license_states == ("NV",)


def test_slips_in_a_vocabulary_label_are_read_through_with_a_warning() -> None:
    letter = (LETTERS_DIR / "sample-2016-a.txt").read_text()
    slipped = letter.replace("State(s) of Licensure: California, Oregon", "State(s) of Licensure: Californa, Atlantis")
    slipped = slipped.replace("Physical Medicine & Rehabilitation, Pain Management", "Sports Medicinea, Zoology")
    record = extract_letter("slipped.txt", slipped.encode())
    assert record.reviewer.license_states == ("CA",)
    assert record.reviewer.specialties == ("Sports Medicine", "Zoology")
    kinds = [w.split(" (page")[0] for w in record.warnings]
    assert kinds == [
        "license state 'Californa' read as 'CA' (a slip?)",
        "license state 'Atlantis' is in no vocabulary; left out",
        "specialty 'Sports Medicinea' read as 'Sports Medicine' (a slip?)",
        "specialty 'Zoology' is in no vocabulary; kept as written",
    ]


def test_schema_errors_name_the_field() -> None:
    record = extract_letter(LETTERS_DIR / "sample-2014.txt").to_dict()
    assert schema_errors(record) == []
    record["items"][0]["decision"] = "maybe"
    record["items"][0]["dependent"] = "no"
    errors = schema_errors(record)
    assert len(errors) == 2
    assert errors[0].startswith("items.0.decision: 'maybe' is not one of")
    assert errors[1] == "items.0.dependent: 'no' is not of type 'boolean'"
