"""Synthetic case records with the variety of real ones, for scale benchmarks only.

Deterministic for a seed. Shapes follow the public figures and the real letters: about 90%
of items upheld, 1.6–2.3 items per letter (1–21), pharmaceuticals about 40% of items,
citations in both letter styles (2004 chapters with sections or pages, the Chronic Pain
guidelines, ODG, other evidence with URLs), partial authorizations, several license states.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

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
)
from imr_graph.synthetic import DIAGNOSES as _DIAGNOSES
from imr_graph.vocab import load_vocabulary

_CHAPTERS = [
    (8, "Neck and Upper Back Complaints"),
    (9, "Shoulder Complaints"),
    (11, "Forearm, Wrist, and Hand Complaints"),
    (12, "Low Back Complaints"),
    (13, "Knee Complaints"),
    (14, "Ankle and Foot Complaints"),
]
_SECTIONS_2004 = [
    "Special Studies",
    "Physical Methods",
    "Initial Care",
    "Summary",
    "Diagnostic Criteria",
    "Surgical Considerations",
]
_CPMTG = [
    "Physical medicine treatment",
    "Opioids, criteria for use",
    "Muscle relaxants (for pain)",
    "Topical analgesics",
    "NSAIDs (non-steroidal anti-inflammatory drugs)",
    "Proton Pump Inhibitors (PPIs)",
    "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
    "Epidural steroid injections (ESIs)",
]
_ODG = ["Low Back - Lumbar & Thoracic", "Pain", "Knee & Leg", "Shoulder", "Neck & Upper Back"]
_DRUGS = [
    "Norco 10/325mg #60",
    "Cyclobenzaprine 7.5mg #90",
    "Omeprazole 20mg #30",
    "Lidoderm patch #30",
    "Tramadol 50mg #60",
    "Gabapentin 300mg #90",
    "Naproxen 550mg #60",
    "Flurbiprofen cream 120g",
]
_OTHER_REQUESTS = [
    "MRI of the lumbar spine",
    "Physical therapy 2 times a week for 6 weeks",
    "EMG/NCV of the bilateral lower extremities",
    "Lumbar epidural steroid injection at L4-5",
    "Acupuncture 6 sessions",
    "TENS unit",
    "Pain management consultation",
    "Functional restoration program",
    "Right knee arthroscopy",
    "Chiropractic therapy 8 sessions",
    "Home health care 4 hours a day",
]


def _span(rng: random.Random, at: int) -> Span:
    return Span(at, at + rng.randint(20, 200), 1 + at // 3000)


def _citation(rng: random.Random, mtus_letter_2016: bool, at: int) -> Citation:
    kind = rng.random()
    if kind < 0.35:
        chapter, title = rng.choice(_CHAPTERS)
        if mtus_letter_2016:
            sections = tuple(rng.sample(_SECTIONS_2004, rng.randint(0, 2)))
            return Citation(
                Guideline.ACOEM, True, f"{title} 2004", chapter, title, sections, year=2004, span=_span(rng, at)
            )
        start = rng.randint(150, 340)
        return Citation(
            Guideline.ACOEM,
            True,
            f"ACOEM Chapter {chapter} {title}",
            chapter,
            title,
            pages=((start, start + rng.randint(0, 3)),),
            span=_span(rng, at),
        )
    if kind < 0.75:
        sections = tuple(rng.sample(_CPMTG, rng.randint(1, 2)))
        if mtus_letter_2016:
            return Citation(
                Guideline.CPMTG,
                True,
                "Chronic Pain Medical Treatment 2016",
                None,
                "Chronic Pain Medical Treatment",
                sections,
                year=2016,
                span=_span(rng, at),
            )
        page = rng.randint(20, 120)
        return Citation(
            Guideline.CPMTG, True, "Chronic Pain Treatment Guidelines", pages=((page, page + 1),), span=_span(rng, at)
        )
    if kind < 0.95:
        chapter_title = rng.choice(_ODG)
        return Citation(
            Guideline.ODG,
            False,
            f"Official Disability Guidelines (ODG), {chapter_title}",
            chapter_title=chapter_title,
            span=_span(rng, at),
        )
    n = rng.randint(1, 5000)
    return Citation(
        Guideline.OTHER, False, f"Journal article {n}", url=f"https://journal.example/{n}", span=_span(rng, at)
    )


def _basis(rng: random.Random, letter_2016: bool, at: int, cites: bool) -> Basis:
    if not cites:
        return Basis(False, False, text="did not cite any medical evidence", span=_span(rng, at))
    citations = tuple(_citation(rng, letter_2016, at + 30 * k) for k in range(rng.choice((1, 1, 1, 2, 2, 3))))
    return Basis(True, any(c.mtus for c in citations), citations, "Decision based on …", _span(rng, at))


def synthetic_records(count: int, seed: int = 1) -> Iterator[CaseRecord]:
    """Yield ``count`` realistic case records, the same ones for the same seed."""
    rng = random.Random(seed)
    vocab = load_vocabulary()
    specialties = sorted(vocab.specialty_iris)
    states = sorted(set(vocab.states.values()))
    categories = [(c.category, c.subcategory) for c in vocab.categories]
    pharma = [c for c in categories if c[0] == "Pharmaceuticals"]
    others = [c for c in categories if c[0] != "Pharmaceuticals"]
    for index in range(count):
        letter_2016 = rng.random() < 0.7
        n_items = min(21, 1 + int(rng.expovariate(1 / 0.9)))
        items = []
        for n in range(1, n_items + 1):
            drug = rng.random() < 0.4
            request = rng.choice(_DRUGS if drug else _OTHER_REQUESTS)
            category = rng.choice(pharma if drug else others)
            partial = None
            if rng.random() < 0.05:
                partial = PartialAuthorization(f"{request} x2", request, f"{request} (remaining)")
            at = 3000 * n
            items.append(
                Item(
                    n=n,
                    request=request,
                    decision=Decision.UPHELD if rng.random() < 0.9 else Decision.OVERTURNED,
                    treatment=Treatment(request.lower(), *category),
                    claims_administrator=_basis(rng, letter_2016, at, rng.random() < 0.7),
                    reviewer=_basis(rng, letter_2016, at + 400, True),
                    rationale="The guidelines were applied to the documented findings.",
                    rationale_citations=tuple(_citation(rng, letter_2016, at + 900) for _ in range(rng.randint(0, 2))),
                    partial=partial,
                    span=_span(rng, at - 100),
                )
            )
        digest = hashlib.sha256(f"{seed}-{index}".encode()).hexdigest()
        case = f"CM{rng.randint(13, 19)}-{index:07d}"
        yield CaseRecord(
            id=case,
            source=Source(
                f"synthetic/{case}.pdf",
                digest,
                LetterFormat.FINAL_DETERMINATION_2016 if letter_2016 else LetterFormat.FINAL_DETERMINATION_2014,
                rng.randint(2, 5),
            ),
            case_number=case,
            decision_date=f"20{rng.randint(14, 19)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            date_of_injury=f"20{rng.randint(0, 13):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            reviewer=Reviewer(
                tuple(rng.sample(specialties, rng.randint(1, 3))),
                (),
                tuple(rng.sample(states, rng.randint(1, 3))),
                "credentials",
                _span(rng, 900),
            ),
            patient=Patient(rng.randint(20, 70), rng.choice(("male", "female"))),
            diagnoses=tuple(
                Diagnosis(d, None, _span(rng, 1500 + 40 * k))
                for k, d in enumerate(rng.sample(_DIAGNOSES, rng.randint(1, 4)))
            ),
            items=tuple(items),
            provenance={"case_number": Span(14, 26, 1), "decision_date": Span(90, 100, 1)},
        )
