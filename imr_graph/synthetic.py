"""Synthetic IMR letters whose contents are known, for scale tests and benchmarks only.

Each :class:`SyntheticLetter` is written in one of the four letter formats (the 2013 notice,
the 2013 medical professional review, the 2014–15 final determination, the 2016+ letter with
a header block), as text and as a PDF with the same pages, and carries what a correct
extraction must find in it. :meth:`SyntheticLetter.differences` compares a case record with
that truth, so a corpus of any size checks the extractor as well as timing it.

The mix follows the public figures: about 90% of items upheld, about 1.9 items per letter
(1–21), pharmaceuticals about 40% of items. Letters vary the way real ones do: several
citation styles per format, partial authorizations, one to three license states, header
labels and values in one block or two, page breaks anywhere, wrapped lines, and OCR slips in
the narrative (doubled spaces, words run together). The same seed gives the same letters.
None of the text comes from a real letter; names and numbers are invented.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from imr_graph.records import CaseRecord, Citation, Decision, Guideline, Item, LetterFormat, PartialAuthorization

#: Share of letters in each format (the 2016+ layout dominates the public corpus).
FORMAT_MIX: tuple[tuple[LetterFormat, float], ...] = (
    (LetterFormat.NOTICE_2013, 0.04),
    (LetterFormat.PROFESSIONAL_REVIEW_2013, 0.02),
    (LetterFormat.FINAL_DETERMINATION_2014, 0.30),
    (LetterFormat.FINAL_DETERMINATION_2016, 0.64),
)
UPHELD_SHARE = 0.9
PHARMACEUTICAL_SHARE = 0.4
LINES_PER_PAGE = 36

_PHARMACEUTICALS = (
    "Norco 10/325mg #60",
    "Cyclobenzaprine 7.5mg #90",
    "Omeprazole 20mg #30",
    "Lidoderm 5% patch #30",
    "Tramadol ER 150mg #30",
    "Gabapentin 600mg #90",
    "Naproxen sodium 550mg #60",
    "Flurbiprofen 20% cream 120gm",
    "Ambien 10mg #30",
    "Duloxetine 60mg #30",
    "Oxycodone 10mg #120",
    "Tizanidine 4mg #60",
    "Ondansetron 8mg #20",
    "Celebrex 200mg #30",
    "Hydrocodone/APAP 10/325mg #90",
    "Carisoprodol 350mg #60",
)
#: Other requests and the request category the DIR files them under.
_OTHER_REQUESTS = (
    ("MRI of the lumbar spine without contrast", "Diagnostic Testing"),
    ("Physical therapy 2 times a week for 6 weeks", "Rehabilitation"),
    ("EMG/NCV of the bilateral lower extremities", "Diagnostic Testing"),
    ("Lumbar epidural steroid injection at L4-L5", "Injection"),
    ("Acupuncture 6 sessions", "Rehabilitation"),
    ("TENS unit rental for 30 days", "DMEPOS"),
    ("Pain management consultation", "Evaluation & Management"),
    ("Functional restoration program 160 hours", "Programs"),
    ("Right knee arthroscopy with partial meniscectomy", "Surgery"),
    ("Chiropractic treatment 8 sessions", "Rehabilitation"),
    ("Home health care 4 hours a day for 6 weeks", "Home Health"),
    ("Urine drug screen", "Diagnostic Testing"),
    ("Lumbar support brace", "DMEPOS"),
    ("Cervical facet injection at C5-C6", "Injection"),
    ("Psychotherapy 6 sessions", "Psych Services"),
    ("Right shoulder arthroscopic subacromial decompression", "Surgery"),
    ("X-rays of the left knee", "Diagnostic Testing"),
    ("Orthopedic consultation", "Evaluation & Management"),
    ("Cold therapy unit purchase", "DMEPOS"),
    ("Aquatic therapy 12 sessions", "Rehabilitation"),
    ("Lumbar fusion at L4-S1", "Surgery"),
    ("Work conditioning 10 sessions", "Programs"),
    ("Trigger point injections x4", "Injection"),
)
#: (number, title) of the ACOEM 2004 chapters the MTUS adopted.
_ACOEM_CHAPTERS = (
    (7, "Independent Medical Examinations and Consultations"),
    (8, "Neck and Upper Back Complaints"),
    (9, "Shoulder Complaints"),
    (10, "Elbow Complaints"),
    (11, "Forearm, Wrist, and Hand Complaints"),
    (12, "Low Back Complaints"),
    (13, "Knee Complaints"),
    (14, "Ankle and Foot Complaints"),
)
_ACOEM_SECTIONS = ("Special Studies", "Physical Methods", "Initial Care", "Summary", "Diagnostic Criteria")
_CPMTG_SECTIONS = (
    "Opioids, criteria for use",
    "Muscle relaxants (for pain)",
    "Topical analgesics",
    "NSAIDs, specific drug list & adverse effects",
    "Physical medicine treatment",
    "Epidural steroid injections (ESIs)",
    "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
    "Anti-epilepsy drugs (AEDs)",
    "Functional restoration programs (FRPs)",
)
_PTG_SECTIONS = ("Knee", "Shoulder", "Low Back")
_ODG_CHAPTERS = (  # (as letters write it, as the guideline's table of contents names it)
    ("Low Back", "Low Back - Lumbar & Thoracic"),
    ("Pain", "Pain"),
    ("Knee", "Knee & Leg"),
    ("Shoulder", "Shoulder"),
    ("Neck and Upper Back", "Neck & Upper Back"),
)
_ODG_TOPICS = (
    "MRIs (magnetic resonance imaging)",
    "Urine drug testing",
    "Opioids",
    "Physical therapy",
    "Compound drugs",
)
_OTHER_EVIDENCE = (
    "Example Spine Society position statement on imaging",
    "Invented Journal of Pain Research review of topical agents",
    "Sample Orthopaedic Association clinical note on bracing",
)
_POST_OPERATIVE = "Post-operative physical therapy 12 sessions"
#: Diagnoses (as letters phrase them) the composed case summaries list.
DIAGNOSES = (
    "lumbar radiculopathy",
    "cervical strain",
    "right shoulder impingement",
    "left knee internal derangement",
    "chronic pain syndrome",
    "carpal tunnel syndrome",
    "lumbar disc displacement",
    "myofascial pain",
    "right wrist sprain",
    "thoracic strain",
)
#: Diagnoses written as one phrase for several conditions (or one long ICD-10 description),
#: and the conditions a correct extraction reads from each.
DIAGNOSIS_GROUPS = (
    ("cervical, thoracic and lumbar strain", ("cervical strain", "thoracic strain", "lumbar strain")),
    ("neck sprain and right wrist pain", ("neck sprain", "right wrist pain")),
    ("left knee and right ankle pain", ("left knee pain", "right ankle pain")),
    ("right and left shoulder joint sprain", ("right and left shoulder joint sprain",)),
    (
        "strain of muscle, fascia and tendon of lower back, initial encounter",
        ("strain of muscle, fascia and tendon of lower back, initial encounter",),
    ),
)
_SPECIALTIES = (
    "Orthopedic Surgery",
    "Physical Medicine and Rehabilitation",
    "Pain Medicine",
    "Anesthesiology",
    "Occupational Medicine",
    "Family Medicine",
    "Internal Medicine",
    "Neurology",
    "Psychiatry",
    "Chiropractic",
    "Preventive Medicine",
)
_STATES = (
    ("California", "CA"),
    ("Texas", "TX"),
    ("New York", "NY"),
    ("Arizona", "AZ"),
    ("Oregon", "OR"),
    ("Florida", "FL"),
    ("Washington", "WA"),
    ("Illinois", "IL"),
)
_RATIONALE_OPENINGS = (
    "The guideline criteria were compared with the documented findings.",
    "The records describe ongoing symptoms with little change over recent visits.",
    "Progress notes give pain scores but no measured change in function.",
    "The treating physician documented the request with a short note.",
)
#: Narrative sentences (invented) that make summaries and rationales as long as real ones.
_NARRATIVE = (
    "At the most recent visit pain was rated six out of ten with medication and eight without it.",
    "Examination showed tenderness over the paraspinal muscles and a reduced range of motion.",
    "Sensation was intact to light touch and reflexes were symmetric at the knees and ankles.",
    "The worker remains on modified duty with no lifting over twenty pounds.",
    "An earlier course of therapy gave temporary relief that did not last beyond a few weeks.",
    "Imaging from the prior year was reported to show mild degenerative change.",
    "Sleep is disturbed by pain and the worker reports low mood on most days.",
    "The provider plans a follow-up visit in four to six weeks to reassess function.",
    "No red-flag findings such as progressive weakness or loss of bowel control were recorded.",
    "A urine drug test earlier in the year was consistent with the prescribed medications.",
    "The request for authorization was submitted with a progress report of the same date.",
    "Utilization review noncertified the request, citing a lack of documented functional benefit.",
    "There is no record of a signed treatment agreement or of a risk assessment.",
    "The physician notes that home exercise has been continued as instructed.",
)


@dataclass(frozen=True)
class Cited:
    """A citation a correct extraction must find: its guideline and locator."""

    guideline: Guideline
    mtus: bool
    chapter: int | None = None
    sections: tuple[str, ...] = ()
    pages: tuple[tuple[int, int], ...] = ()
    url: str | None = None

    @classmethod
    def of(cls, citation: Citation) -> Cited:
        return cls(citation.guideline, citation.mtus, citation.chapter, citation.sections, citation.pages, citation.url)


@dataclass(frozen=True)
class SyntheticItem:
    """One disputed item and what each party cited (``claims_administrator`` None: not stated)."""

    request: str
    category: str
    decision: Decision
    claims_administrator: tuple[Cited, ...] | None
    reviewer: tuple[Cited, ...]
    partial: PartialAuthorization | None = None
    follows: tuple[int, str] | None = None  # a dependent item: the item it follows, and its request


@dataclass(frozen=True)
class SyntheticLetter:
    """A composed letter (its pages) and the facts it states."""

    name: str
    format: LetterFormat
    case_number: str | None
    decision_date: str | None
    date_of_injury: str
    age: int
    sex: str
    specialties: tuple[str, ...]
    states: tuple[str, ...]
    diagnoses: tuple[str, ...]
    items: tuple[SyntheticItem, ...]
    pages: tuple[str, ...] = field(repr=False)

    @property
    def text(self) -> str:
        """The letter as a text file: pages separated by form feeds."""
        return "\f".join(self.pages)

    def pdf(self) -> bytes:
        """The letter as a PDF with the same pages."""
        return pdf_bytes(self.pages)

    def differences(self, record: CaseRecord) -> list[str]:
        """What ``record`` gets wrong about this letter (empty when it is right in every fact)."""
        out: list[str] = []

        def check(what: str, found: object, expected: object) -> None:
            if found != expected:
                out.append(f"{self.name}: {what}: found {found!r}, expected {expected!r}")

        check("format", record.source.format, self.format)
        check("case number", record.case_number, self.case_number)
        check("decision date", record.decision_date, self.decision_date)
        check("date of injury", record.date_of_injury, self.date_of_injury)
        check("patient", (record.patient.age, record.patient.sex), (self.age, self.sex))
        check("specialties", sorted(record.reviewer.specialties), sorted(self.specialties))
        check("states", sorted(record.reviewer.license_states), sorted(self.states))
        check("diagnoses", [d.text for d in record.diagnoses], list(self.diagnoses))
        check("item count", len(record.items), len(self.items))
        for n, (item, truth) in enumerate(zip(record.items, self.items, strict=False), start=1):
            _check_item(check, n, item, truth)
        return out


_Check = Callable[[str, object, object], None]


def _check_item(check: _Check, n: int, item: Item, truth: SyntheticItem) -> None:
    if truth.partial is None:
        check(f"item {n} request", item.request, truth.request)
    check(f"item {n} partial", item.partial, truth.partial)
    check(f"item {n} decision", item.decision, truth.decision)
    check(f"item {n} category", item.treatment.category, truth.category)
    follows = truth.follows[0] if truth.follows else None
    check(f"item {n} dependent", (item.dependent, item.depends_on), (follows is not None, follows))
    if truth.claims_administrator is not None:
        check(
            f"item {n} claims administrator cited",
            item.claims_administrator.cited_evidence,
            bool(truth.claims_administrator),
        )
        check(
            f"item {n} claims administrator",
            _cited(item.claims_administrator.citations),
            sorted(truth.claims_administrator, key=repr),
        )
    check(f"item {n} reviewer cited", item.reviewer.cited_evidence, bool(truth.reviewer))
    check(f"item {n} reviewer", _cited(item.reviewer.citations), sorted(truth.reviewer, key=repr))


def _cited(citations: Sequence[Citation]) -> list[Cited]:
    return sorted((Cited.of(c) for c in citations), key=repr)


# -- composing letters ------------------------------------------------------------------


def synthetic_letters(count: int, *, seed: int = 1, start: int = 0) -> Iterator[SyntheticLetter]:
    """Yield ``count`` letters (numbered from ``start``); the same seed gives the same letters.

    Letter ``n`` depends only on ``seed`` and ``n``, so a corpus can be written in parts.
    """
    for index in range(start, start + count):
        yield compose_letter(random.Random(f"{seed}:{index}"), index)


def compose_letter(rng: random.Random, index: int) -> SyntheticLetter:
    """Compose letter number ``index`` from ``rng``."""
    letter_format = rng.choices([f for f, _ in FORMAT_MIX], [w for _, w in FORMAT_MIX])[0]
    return _Composer(rng, index, letter_format).letter()


def _item_count(rng: random.Random) -> int:
    if rng.random() < 0.003:
        return rng.randint(10, 21)
    return min(21, 1 + int(rng.expovariate(1 / 1.25)))


@dataclass(frozen=True)
class _Facts:
    """What a letter states, for the writer of its format."""

    items: tuple[SyntheticItem, ...]
    specialties: tuple[str, ...]
    states: list[str]  # full names, as letters write them
    diagnoses: tuple[str, ...]  # as the letter writes them (a phrase may hold several conditions)
    age: int
    sex: str


class _Composer:
    def __init__(self, rng: random.Random, index: int, letter_format: LetterFormat) -> None:
        self.rng = rng
        self.index = index
        self.format = letter_format
        year = {
            LetterFormat.NOTICE_2013: 2013,
            LetterFormat.PROFESSIONAL_REVIEW_2013: 2013,
            LetterFormat.FINAL_DETERMINATION_2014: rng.choice((2014, 2015)),
            LetterFormat.FINAL_DETERMINATION_2016: rng.choice((2016, 2017, 2018, 2019)),
        }[letter_format]
        self.decided = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
        self.injured = self.decided - timedelta(days=rng.randint(90, 3000))
        self.case_number = f"CM{year % 100:02d}-{9_000_000 + index % 1_000_000:07d}"

    # -- facts
    def letter(self) -> SyntheticLetter:
        rng = self.rng
        one_item = self.format is LetterFormat.PROFESSIONAL_REVIEW_2013
        items = tuple(self.item(n) for n in range(1 if one_item else _item_count(rng)))
        requests = [i.request for i in items]
        if len(set(requests)) < len(requests):  # a letter disputes each request once
            items = tuple(i for k, i in enumerate(items) if i.request not in requests[:k])
        specialties = tuple(
            rng.sample(
                _SPECIALTIES, 1 if self.format is not LetterFormat.FINAL_DETERMINATION_2016 else rng.choice((1, 1, 2))
            )
        )
        states = tuple(rng.sample(_STATES, rng.choice((1, 1, 1, 2, 3))))
        written = list(rng.sample(DIAGNOSES, rng.randint(1, 3)))
        diagnoses = list(written)
        groups = [g for g in DIAGNOSIS_GROUPS if not set(g[1]) & set(written)]
        if rng.random() < 0.3:  # one phrase that holds several conditions, or one long description
            group, conditions = rng.choice(groups)
            at = rng.randint(0, len(written))
            written.insert(at, group)
            diagnoses[at:at] = conditions
        items = self.dependent_item(items)
        age, sex = rng.randint(22, 68), rng.choice(("male", "female"))
        lines = self.lines(_Facts(items, specialties, [name for name, _ in states], tuple(written), age, sex))
        dated = self.format in (LetterFormat.NOTICE_2013, LetterFormat.FINAL_DETERMINATION_2016)
        numbered = self.format is not LetterFormat.FINAL_DETERMINATION_2014
        return SyntheticLetter(
            name=f"synthetic-{self.index:07d}",
            format=self.format,
            case_number=self.case_number if numbered else None,
            decision_date=self.decided.isoformat() if dated else None,
            date_of_injury=self.injured.isoformat(),
            age=age,
            sex=sex,
            specialties=specialties,
            states=tuple(code for _, code in states),
            diagnoses=tuple(diagnoses),
            items=items,
            pages=self.paginate(lines),
        )

    def dependent_item(self, items: tuple[SyntheticItem, ...]) -> tuple[SyntheticItem, ...]:
        """Sometimes add post-operative care decided only because the letter's surgery was."""
        final = (LetterFormat.FINAL_DETERMINATION_2014, LetterFormat.FINAL_DETERMINATION_2016)
        surgeries = [n for n, i in enumerate(items, start=1) if i.category == "Surgery" and i.follows is None]
        if self.format not in final or not surgeries or self.rng.random() > 0.5:
            return items
        primary = surgeries[0]
        truth = items[primary - 1]
        dependent = SyntheticItem(_POST_OPERATIVE, "Surgery", truth.decision, (), (), follows=(primary, truth.request))
        return (*items, dependent)

    def item(self, n: int) -> SyntheticItem:
        rng = self.rng
        if rng.random() < PHARMACEUTICAL_SHARE:
            request, category = rng.choice(_PHARMACEUTICALS), "Pharmaceuticals"
        else:
            request, category = rng.choice(_OTHER_REQUESTS)
        decision = Decision.UPHELD if rng.random() < UPHELD_SHARE else Decision.OVERTURNED
        partial = None
        if self.format is LetterFormat.FINAL_DETERMINATION_2016 and rng.random() < 0.06:
            partial = PartialAuthorization(f"{request} x3", f"{request} x1", f"{request} x2")
        if self.format is LetterFormat.PROFESSIONAL_REVIEW_2013:
            return SyntheticItem(
                request, category, decision, None, self.citations(rng.choice((1, 1, 2)), reviewer=True)
            )
        ca_count = 0 if rng.random() < 0.25 else rng.choice((1, 1, 1, 2))
        reviewer_count = 0 if rng.random() < 0.01 else rng.choice((1, 1, 1, 2, 2, 3))
        return SyntheticItem(
            request,
            category,
            decision,
            self.citations(ca_count, reviewer=False),
            self.citations(reviewer_count, reviewer=True),
            partial,
        )

    def citations(self, count: int, reviewer: bool) -> tuple[Cited, ...]:
        """``count`` distinct citations in this format's repertoire: MTUS parts first, then the rest."""
        found: list[Cited] = []
        for _ in range(count * 3):
            if len(found) == count:
                break
            cited = self.citation()
            if all(c.guideline != cited.guideline or c.chapter != cited.chapter for c in found):
                found.append(cited)
        return tuple(sorted(found, key=lambda c: not c.mtus))

    def citation(self) -> Cited:
        rng = self.rng
        roll = rng.random()
        style_2016 = self.format is LetterFormat.FINAL_DETERMINATION_2016
        if roll < 0.35:
            chapter, _ = rng.choice(_ACOEM_CHAPTERS)
            if style_2016:
                return Cited(Guideline.ACOEM, True, chapter, tuple(rng.sample(_ACOEM_SECTIONS, rng.randint(1, 2))))
            start = rng.randint(120, 340)
            return Cited(Guideline.ACOEM, True, chapter, pages=((start, start + rng.choice((0, 1, 2, 5))),))
        if roll < 0.7:
            if style_2016:
                return Cited(Guideline.CPMTG, True, sections=tuple(rng.sample(_CPMTG_SECTIONS, rng.randint(1, 2))))
            start = rng.randint(8, 120)
            return Cited(Guideline.CPMTG, True, pages=((start, start + rng.choice((0, 1, 3))),))
        if roll < 0.75:
            if style_2016:
                return Cited(Guideline.PTG, True, sections=(rng.choice(_PTG_SECTIONS),))
            return (
                Cited(Guideline.AMTG, True, pages=((8, 9),))
                if self.format is LetterFormat.NOTICE_2013
                else self.citation()
            )
        if roll < 0.95 and self.format is not LetterFormat.PROFESSIONAL_REVIEW_2013:
            # ODG by chapter and topic; the 2013 notices name only the guideline, in prose
            topic = () if self.format is LetterFormat.NOTICE_2013 else (rng.choice(_ODG_TOPICS),)
            return Cited(Guideline.ODG, False, None, topic)
        n = rng.randint(1, 999)
        return Cited(Guideline.OTHER, False, url=f"https://evidence.example.org/{n}")

    # -- text
    def lines(self, facts: _Facts) -> list[str]:
        write = {
            LetterFormat.NOTICE_2013: self.notice,
            LetterFormat.PROFESSIONAL_REVIEW_2013: self.professional_review,
            LetterFormat.FINAL_DETERMINATION_2014: self.final_2014,
            LetterFormat.FINAL_DETERMINATION_2016: self.final_2016,
        }[self.format]
        return write(facts)

    def wrap(self, paragraph: str) -> list[str]:
        return textwrap.wrap(paragraph, width=self.rng.randint(86, 96), break_long_words=False, break_on_hyphens=False)

    def slip(self, sentence: str) -> str:
        """An OCR slip in narrative text: a doubled space or two words run together."""
        roll = self.rng.random()
        words = sentence.split(" ")
        if roll < 0.08 and len(words) > 3:
            k = self.rng.randrange(1, len(words) - 1)
            return " ".join(words[:k]) + "  " + " ".join(words[k:])
        if roll < 0.12 and len(words) > 4:
            k = self.rng.randrange(1, len(words) - 2)
            return " ".join(words[:k]) + " " + words[k] + words[k + 1] + " " + " ".join(words[k + 2 :])
        return sentence

    def page_list(self, pages: tuple[tuple[int, int], ...]) -> str:
        """Page ranges the ways letters write them: ``344``, ``344-345``, ``344-45``."""
        written = []
        for start, end in pages:
            if start == end:
                written.append(str(start))
            elif start // 100 == end // 100 and end % 100 >= 10 and self.rng.random() < 0.3:
                written.append(f"{start}-{end % 100}")
            else:
                written.append(f"{start}-{end}")
        return ", ".join(written)

    def us_date(self, day: date) -> str:
        return f"{day.month:02d}/{day.day:02d}/{day.year}"

    def summary(self, f: _Facts, worker: str) -> str:
        rng = self.rng
        injured = self.injured
        how = rng.choice(("while lifting boxes", "after a fall at work", "from repetitive keyboard use", ""))
        commas = any("," in d for d in f.diagnoses)
        listed = "; ".join(f.diagnoses) if commas or rng.random() < 0.5 else ", ".join(f.diagnoses)
        phrase = rng.choice(("The diagnoses include", "The injured worker is undergoing treatment for"))
        return (
            f"The {worker} is a {f.age} year old {f.sex} who sustained an industrial injury on "
            f"{injured.month:02d}-{injured.day:02d}-{injured.year} {how}".rstrip()
            + f". {phrase} {listed}. "
            + self.slip("Treatment to date has included medication, activity changes and a home exercise program.")
            + " "
            + self.narrative(rng.randint(7, 14))
        )

    def narrative(self, count: int) -> str:
        return " ".join(self.slip(sentence) for sentence in self.rng.sample(_NARRATIVE, count))

    def rationale(self, item: SyntheticItem) -> str:
        rng = self.rng
        if item.follows is not None:
            no = "not " if item.decision is Decision.UPHELD else ""
            return (
                f"As the requested {item.follows[1]} is {no}medically necessary, the associated "
                f"post-operative physical therapy is also {no}medically necessary."
            )
        ending = (
            "the request is not medically necessary."
            if item.decision is Decision.UPHELD
            else "the request is medically necessary."
        )
        return (
            self.slip(rng.choice(_RATIONALE_OPENINGS))
            + " "
            + self.narrative(rng.randint(6, 12))
            + " Having weighed the records, "
            + ending
        )

    def notice(self, f: _Facts) -> list[str]:
        out = [
            "MAXIMUS FEDERAL SERVICES, INC. Notice of Independent Medical Review Determination "
            f"Dated: {self.us_date(self.decided)}",
            f"IMR Case Number: {self.case_number}",
        ]
        decided = []
        for n, item in enumerate(f.items, start=1):
            necessary = "medically"
            if item.decision is Decision.UPHELD:  # the 2013 letters often lost the space in "not medically"
                necessary = self.rng.choice(("not medically", "notmedically"))
            decided.append(
                f"{n}) MAXIMUS Federal Services, Inc. has determined the request for {item.request} is "
                f"{necessary} necessary and appropriate."
            )
        out += [line for text in decided for line in self.wrap(text)]
        out += ["INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"]
        out += self.wrap(
            f"An application for Independent Medical Review was filed on {self.us_date(self.decided - timedelta(40))} "
            "disputing the Utilization Review Denial. A decision has been made for each of the treatment and/or "
            "services that were in dispute:"
        )
        out += [line for text in decided for line in self.wrap(text)]
        out += ["Medical Qualifications of the Expert Reviewer:"]
        out += self.wrap(
            "The independent Medical Doctor who made the decision has no affiliation with the employer, employee, "
            f"providers or the claims administrator. The physician reviewer is Board Certified in {f.specialties[0]} "
            f"and is licensed to practice in {_and(f.states)}."
        )
        out += ["Case Summary:", *self.wrap(self.summary(f, "patient"))]
        for n, item in enumerate(f.items, start=1):
            out += self.wrap(f"{n}) Regarding the request for {item.request}:")
            out += ["Medical Treatment Guideline(s) Relied Upon by the Claims Administrator:"]
            out += self.wrap(
                self.notice_basis(
                    "The Claims Administrator based its decision on",
                    item.claims_administrator or (),
                    "The Claims Administrator",
                )
            )
            out += ["Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:"]
            out += self.wrap(self.notice_basis("The Expert Reviewer relied on", item.reviewer, "The Expert Reviewer"))
            out += ["Rationale for the Decision:", *self.wrap(self.rationale(item))]
        return out

    def notice_basis(self, lead: str, cited: tuple[Cited, ...], party: str) -> str:
        if not cited:
            return f"{party} did not cite any evidence for its decision."
        return " ".join(f"{lead} {self.old_prose(c)}." for c in cited)

    def old_prose(self, cited: Cited) -> str:
        """A citation in the 2013 letters' prose."""
        pages = self.page_list(cited.pages)
        word = "page" if len(cited.pages) == 1 and cited.pages[0][0] == cited.pages[0][1] else "pages"
        if cited.guideline is Guideline.ACOEM:
            edition = "the ACOEM Practice Guidelines, 2nd Edition (2004)"
            return f"{edition}, Chapter {cited.chapter}, {word} {pages}, which is part of the MTUS"
        if cited.guideline is Guideline.CPMTG:
            return f"the Chronic Pain Medical Treatment Guidelines, {word} {pages}, which is part of the MTUS"
        if cited.guideline is Guideline.AMTG:
            return f"the Acupuncture Medical Treatment Guidelines, {word} {pages}"
        if cited.guideline is Guideline.ODG:
            return "the Official Disability Guidelines (ODG), Pain Chapter, which is not part of the MTUS"
        return f"{self.rng.choice(_OTHER_EVIDENCE)}, {cited.url}"

    def professional_review(self, f: _Facts) -> list[str]:
        item = f.items[0]
        out = ["MEDICAL PROFESSIONAL REVIEW", f"IMR Case Number: {self.case_number}", "ISSUE AT DISPUTE:"]
        out += self.wrap(f"Is the request for {item.request} medically necessary?")
        out += ["CASE SUMMARY:", *self.wrap(self.summary(f, "claimant"))]
        out += ["DOCUMENTS REVIEWED FOR DETERMINATION:"]
        out += self.wrap("Utilization review determination, progress reports and the request for authorization.")
        out += ["MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:"]
        out += self.wrap(" ".join(f"{_capital(self.old_prose(c))}, addresses this request." for c in item.reviewer))
        out += ["RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:"]
        out += self.wrap(self.rationale(item))
        out += ["MEDICAL REVIEWER QUALIFICATIONS:"]
        out += self.wrap(
            f"The reviewer is Board Certified in {f.specialties[0]} and is licensed to practice in {_and(f.states)}."
        )
        return out

    def final_2014(self, f: _Facts) -> list[str]:
        run_together = self.rng.random() < 0.1  # "Board Certified inInternal Medicine"
        out = ["HOW THE IMR FINAL DETERMINATION WAS MADE"]
        out += self.wrap(
            "MAXIMUS Federal Services sent the complete case file to a physician reviewer. He/she has no affiliation "
            "with the employer, employee, providers or the claims administrator. The physician reviewer is Board "
            f"Certified {'in' if run_together else 'in '}{f.specialties[0]} and is licensed to practice in "
            f"{_and(f.states)}. "
            "He/she has been in active clinical practice for more than five years."
        )
        return out + self.decisions(f, "patient", self.basis_2014)

    def basis_2014(self, cited: tuple[Cited, ...], party: str) -> str:
        if not cited:
            return f"The {party} did not cite any medical evidence for its decision."
        parts = []
        if not any(c.mtus for c in cited):
            parts.append(f"The {party} did not base their decision on the MTUS.")
        for c in cited:
            pages = self.page_list(c.pages)
            if c.guideline is Guideline.ACOEM:
                title = dict(_ACOEM_CHAPTERS)[c.chapter or 0]
                parts.append(f"Decision based on MTUS ACOEM Chapter {c.chapter} {title} Page(s): {pages}.")
            elif c.guideline is Guideline.CPMTG:
                parts.append(f"Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): {pages}.")
            else:
                parts.append("Decision based on Non-MTUS Citation " + self.non_mtus(c))
        return " ".join(parts)

    def non_mtus(self, cited: Cited) -> str:
        if cited.guideline is Guideline.ODG:
            written, _ = self.rng.choice(_ODG_CHAPTERS)
            return f"Official Disability Guidelines (ODG), {written} Chapter, {cited.sections[0]}."
        return f"{self.rng.choice(_OTHER_EVIDENCE)}, {cited.url}."

    def final_2016(self, f: _Facts) -> list[str]:
        rng = self.rng
        values = {
            "Case Number:": self.case_number,
            "Date Assigned:": self.us_date(self.decided - timedelta(30)),
            "Decision Date:": self.us_date(self.decided),
            "Priority:": rng.choice(("Standard", "Expedited")),
            "Date of Injury:": self.us_date(self.injured),
            "UR Denial Date:": self.us_date(self.decided - timedelta(60)),
            "Application Received:": self.us_date(self.decided - timedelta(45)),
        }
        if rng.random() < 0.5:  # labels, then values (as a PDF's header table comes out)
            out = list(values) + list(values.values())
        else:
            v = list(values.values())
            out = [
                f"Case Number: {v[0]}",
                f"Date Assigned: {v[1]} Date of Injury: {v[4]}",
                f"Decision Date: {v[2]} UR Denial Date: {v[5]}",
                f"Priority: {v[3]} Application",
                "Received:",
                v[6],
            ]
        out += ["HOW THE IMR FINAL DETERMINATION WAS MADE"]
        out += self.wrap(
            "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no affiliation "
            "with the employer, employee, providers or the claims administrator."
        )
        out += ["The Expert Reviewer has the following credentials:"]
        out += [
            f"State(s) of Licensure: {', '.join(f.states)}",
            f"Certification(s)/Specialty: {', '.join(f.specialties)}",
        ]
        return out + self.decisions(f, "injured worker", self.basis_2016)

    def decisions(self, f: _Facts, worker: str, basis: Callable[[tuple[Cited, ...], str], str]) -> list[str]:
        """The case summary and the items of a final determination (2014 and later)."""
        out = ["CLINICAL CASE SUMMARY"]
        out += self.wrap(
            "The expert reviewer developed the following clinical case summary based on a review of the case file, "
            "including all medical records:"
        )
        out += self.wrap(self.summary(f, worker))
        out += ["IMR ISSUES, DECISIONS AND RATIONALES"]
        out += self.wrap(
            "The Final Determination was based on decisions for the disputed items/services set forth below:"
        )
        for item in f.items:
            outcome = item.decision.value.capitalize()
            head = f"{item.request}: {outcome}"
            if item.partial is not None:
                p = item.partial
                head = (
                    f"{p.original} was the original request. {p.authorized} was authorized by the Claims "
                    "Administrator. The remaining IMR eligible portion of the original request, "
                    f"{p.remaining} is: {outcome}"
                )
            out += self.wrap(head)
            out += self.wrap(
                "Claims Administrator guideline: " + basis(item.claims_administrator or (), "Claims Administrator")
            )
            out += self.wrap("MAXIMUS guideline: " + basis(item.reviewer, "Expert Reviewer"))
            out += self.wrap("Decision rationale: " + self.rationale(item))
        return out

    def basis_2016(self, cited: tuple[Cited, ...], party: str) -> str:
        if not cited:
            return f"The {party} did not cite any medical evidence for its decision."
        mtus = [c for c in cited if c.mtus]
        parts = []
        if mtus:
            parts.append("Decision based on MTUS " + ", and ".join(self.mtus_2016(c) for c in mtus) + ".")
        else:
            parts.append(f"The {party} based their decision on recommendation(s) outside of the MTUS Guidelines.")
        parts += ["Decision based on Non-MTUS Citation " + self.non_mtus(c) for c in cited if not c.mtus]
        return " ".join(parts)

    def mtus_2016(self, cited: Cited) -> str:
        if cited.guideline is Guideline.ACOEM:
            title = f"{dict(_ACOEM_CHAPTERS)[cited.chapter or 0]} 2004"
        elif cited.guideline is Guideline.CPMTG:
            title = f"Chronic Pain Medical Treatment {self.rng.choice(('2009', '2016'))}"
        else:
            title = "Postsurgical Treatment 2009"
        return f"{title}, Section(s): {', '.join(cited.sections)}"

    def paginate(self, lines: list[str]) -> tuple[str, ...]:
        """Cut the lines into pages; a letter's first page may be short, like a header page."""
        first = self.rng.randint(16, LINES_PER_PAGE)
        pages = [lines[:first]] + [lines[k : k + LINES_PER_PAGE] for k in range(first, len(lines), LINES_PER_PAGE)]
        return tuple("\n".join(page) + "\n" for page in pages if page)


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_records(records: Iterable[CaseRecord], seed: int = 1) -> tuple[int, list[str]]:
    """Compare records extracted from a corpus :func:`write_corpus` wrote with the letters' truth.

    Records are matched to letters by their file name (``synthetic-NNNNNNN``), so any order
    and any subset will do; one letter is composed at a time. Returns how many records were
    checked and the differences found.
    """
    checked = 0
    differences: list[str] = []
    for record in records:
        stem = Path(record.source.path).stem
        prefix, _, number = stem.rpartition("-")
        if prefix != "synthetic" or not number.isdigit():
            differences.append(f"{record.source.path}: not a synthetic letter")
            continue
        letter = compose_letter(random.Random(f"{seed}:{int(number)}"), int(number))
        differences += letter.differences(record)
        checked += 1
    return checked, differences


# -- writing letters ----------------------------------------------------------------------

#: Letters per sub-folder, so that no folder of a large corpus holds too many files.
FOLDER_SIZE = 1000


def write_corpus(
    folder: str | Path, count: int, *, seed: int = 1, kinds: Sequence[str] = ("txt",), start: int = 0
) -> list[Path]:
    """Write ``count`` synthetic letters under ``folder`` (``kinds``: ``txt`` and/or ``pdf``).

    Letters go into sub-folders of :data:`FOLDER_SIZE`; the written paths are returned.
    """
    root = Path(folder)
    written: list[Path] = []
    for number, letter in enumerate(synthetic_letters(count, seed=seed, start=start), start=start):
        part = root / f"{number // FOLDER_SIZE:05d}"
        part.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            path = part / f"{letter.name}.{kind}"
            path.write_bytes(letter.pdf() if kind == "pdf" else letter.text.encode())
            written.append(path)
    return written


def _escape_pdf(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[str]) -> bytes:
    """A minimal PDF whose pages show the given texts line by line (Helvetica, no dependencies)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    page_ids = [3 + 2 * i for i in range(len(pages))]
    kids = " ".join(f"{n} 0 R" for n in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font_id = 3 + 2 * len(pages)
    for number, text in zip(page_ids, pages, strict=True):
        body = ["BT /F1 9 Tf 11 TL 40 800 Td"]
        body += [f"({_escape_pdf(line)}) Tj T*" for line in text.splitlines()]
        body.append("ET")
        stream = "\n".join(body).encode("latin-1", errors="replace")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {number + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def bomb_pdf(megabytes: int) -> bytes:
    """A hostile PDF for tests and fault runs: a small file whose one page's content stream
    inflates to ``megabytes`` MB (a decompression bomb)."""
    import zlib

    content = b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n" + b" " * (megabytes * 1024 * 1024)
    packed = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode /DecodeParms << >> >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
