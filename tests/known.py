"""Composed case records whose answers are counted by hand: three letters, five items.

Shared by the query and view tests; no real letter's text is in them.
"""

from __future__ import annotations

import hashlib

from imr_graph import iri
from imr_graph.records import (
    Basis,
    CaseRecord,
    Citation,
    Decision,
    Guideline,
    Item,
    LetterFormat,
    Reviewer,
    Source,
    Treatment,
)

GL = iri.VOCAB + "guideline/"
UPHELD, OVERTURNED = Decision.UPHELD, Decision.OVERTURNED


def cite(
    code: str, mtus: bool = True, chapter: int | None = None, title: str | None = None, **more: object
) -> Citation:
    return Citation(Guideline(code), mtus, f"{code} {title or chapter or ''}".strip(), chapter, title, **more)  # type: ignore[arg-type]


def basis(*citations: Citation, mtus: bool = True, cited: bool = True) -> Basis:
    return Basis(cited, mtus, tuple(citations), "Decision based on …")


def item(n: int, decision: Decision, category: str, sub: str, administrator: Basis, reviewer: Basis) -> Item:
    return Item(
        n, f"request {n}", decision, Treatment(f"treatment {category} {sub}", category, sub), administrator, reviewer
    )


def letter(
    key: str, date: str | None, specialties: tuple[str, ...], states: tuple[str, ...], *items: Item
) -> CaseRecord:
    sha = hashlib.sha256(key.encode()).hexdigest()
    return CaseRecord(
        id=f"doc-{sha[:16]}",
        source=Source(f"{key}.txt", sha, LetterFormat.FINAL_DETERMINATION_2016, 1),
        case_number=None,
        decision_date=date,
        reviewer=Reviewer(specialties, (), states),
        items=items,
    )


CH12 = {"chapter": 12, "title": "Low Back Complaints"}
ODG_PAIN = {"title": "Pain"}
STUDY = "Smith J. Opioids for back pain, a cohort study. 2010."


def known_records() -> list[CaseRecord]:
    """Three letters, five items; the expected answers below are counted by hand."""
    return [
        letter(
            "one",
            "2016-03-01",
            ("Orthopedic Surgery",),
            ("CA",),
            item(
                1,
                OVERTURNED,
                "Pharmaceuticals",
                "Opioids",
                basis(cite("ACOEM", **CH12, pages=((303, 304),))),  # type: ignore[arg-type]
                basis(cite("ACOEM", **CH12, pages=((303, 304),)), cite("ODG", False, **ODG_PAIN)),  # type: ignore[arg-type]
            ),
            item(
                2,
                UPHELD,
                "Pharmaceuticals",
                "NSAID",
                basis(mtus=False, cited=False),
                basis(cite("CPMTG", title="Chronic Pain Medical Treatment", year=2016, sections=("NSAIDs",))),
            ),
        ),
        letter(
            "two",
            "2017-02-01",
            ("Internal Medicine",),
            ("CA", "NY"),
            item(
                1,
                UPHELD,
                "Pharmaceuticals",
                "Opioids",
                basis(cite("ODG", False, **ODG_PAIN), mtus=False),  # type: ignore[arg-type]
                basis(cite("ODG", False, **ODG_PAIN), mtus=False),  # type: ignore[arg-type]
            ),
            item(
                2,
                UPHELD,
                "Diagnostic Testing",
                "Other Diagnostic Tests",
                basis(cite("ACOEM", **CH12, pages=((303, 303),))),  # type: ignore[arg-type]
                basis(cite("ACOEM", chapter=8, title="Neck and Upper Back Complaints", pages=((181, 181),))),
            ),
        ),
        letter(
            "three",
            None,
            ("Orthopedic Surgery", "Internal Medicine"),
            (),
            item(
                1,
                OVERTURNED,
                "Pharmaceuticals",
                "Opioids",
                basis(cite("ACOEM", **CH12)),  # type: ignore[arg-type]
                basis(Citation(Guideline.OTHER, False, STUDY), mtus=False),
            ),
        ),
    ]
