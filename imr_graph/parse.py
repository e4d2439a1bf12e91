"""Parse a letter's structure: format, header, reviewer, patient, diagnoses, items.

Each format is found by its fixed headings and phrases; each field is read with
named-group patterns, and its span in the cleaned text is kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from imr_graph import normalize as norm
from imr_graph.citations import PageOf, find_mentions, linked_evidence, parse_basis
from imr_graph.dependent import mark_dependent
from imr_graph.diagnoses import diagnosis_lists, split_conditions
from imr_graph.errors import NotAnImrLetter
from imr_graph.read import Letter, lowered
from imr_graph.records import (
    Basis,
    CaseRecord,
    Citation,
    Decision,
    Diagnosis,
    Item,
    LetterFormat,
    PartialAuthorization,
    Patient,
    Reviewer,
    Source,
    Span,
)

DATE = norm.DATE
#: Format headings stand in a letter's first pages; looking further only costs time.
_FORMAT_WINDOW = 8000
_IMR_MARKERS = re.compile(
    r"MAXIMUS|Independent\s+Medical\s+Review|\bIMR\b|Expert\s+Reviewer|MEDICAL\s+PROFESSIONAL\s+REVIEW",
    re.I,
)
#: Any of these words marks an IMR letter (before the slower pattern is tried).
_IMR_WORDS = ("maximus", "independent medical review", "expert reviewer")
_FINAL = re.compile(r"IMR\s+ISSUES,\s+DECISIONS\s+AND\s+RATIONALES|HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION")
_HEADER_LABEL = re.compile(  # run on lowered text
    r"""(?P<label>case\s+number|date\s+assigned|date\s+of\s+injury|decision\s+date
        |ur\s+denial\s+date|application\s+received|priority)\s*:""",
    re.X,
)
_CASE_NUMBER = re.compile(r"\b(?P<cn>CM\d{2}-\d{7})\b")
_HEADER_VALUE = re.compile(
    rf"(?P<value>cm\d{{2}}-\d{{7}}|{norm.LOWER_DATE}|standard|expedited|urgent)"
)  # on lowered text
_LICENSURE = re.compile(r"state\(s\)\s+of\s+licensure\s*:\s*(?P<states>[^\n]*)")  # on lowered text
_CERTIFICATION = re.compile(
    r"Certification\(s\)\s*/\s*Specialty\s*:\s*(?P<specs>.*?)(?=\n[A-Z][A-Z ]{6,}$|\n\S[^\n]*:\s|\Z)",
    re.S | re.M,
)
_BOARD = re.compile(
    r"""Board\s+Certified\s+in\s*(?P<specs>.+?)
        (?:,?\s+(?:and\s+)?has\s+a\s+subspecialt(?:y|ies)\s+in\s+(?P<subs>.+?))?
        (?:,?\s+and)?\s+(?:is\s+)?licensed\s+to\s+practice\s+in\s+(?P<states>.+?)\.""",
    re.I | re.X | re.S,
)
_LICENSED = re.compile(r"licensed\s+to\s+practice\s+in\s+(?P<states>.+?)\.", re.I | re.S)
_PATIENT = re.compile(
    r"""\b(?P<age>\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?|y/o|y\.\s?o\.?)(?:\s*-?\s*old)?
        [\s,-]+(?:(?:white|black|hispanic|asian|right|left|hand|dominant|-)[\s,-]+){0,3}
        (?P<sex>male|female|man|woman|gentleman|lady|boy|girl)\b""",
    re.X,
)
_SEX_ONLY = re.compile(  # no age given: "The injured worker is a female who …"
    r"\b(?:worker|patient|claimant|applicant|employee)\s+(?:is|was)\s+an?\s+(?P<sex>male|female|man|woman)\b"
)
_INJURY = re.compile(
    rf"""(?:date\s+of\s+injury|injur(?:y|ies|ed)|doi)\b[^.]{{0,40}}?(?:on|of|dated|:)?\s*(?P<date>{DATE})""",
    re.X,
)
_SUMMARY_START = re.compile(r"clinical\s+case\s+summary|case\s+summary\s*:")
_ISSUES_HEADING = re.compile(r"imr\s+issues,\s+decisions")
#: Headings that end a 2013 letter's case summary, each at a line's start (run on lowercased
#: text). The newline leads the pattern rather than ``^`` with re.M: Python's engine then
#: looks for it alone, 7 times faster.
_SUMMARY_HEADING = re.compile(r"documents\s+reviewed|medical\s+treatment\s+guideline|\d{1,2}\)\s*regarding")
_SUMMARY_END = re.compile(rf"\n(?:{_SUMMARY_HEADING.pattern})")
#: The sentence that introduces the items, whichever way its lines were wrapped.
_SET_FORTH = re.compile(r"set\s+forth\s+below\s*:")
#: Where the items begin: that sentence or the heading above them. Looked for one pattern at
#: a time: Python's engine tries an alternation at every character, a literal-led pattern
#: only where its first word stands.
_ITEMS_START = (_SET_FORTH, re.compile(r"imr\s+issues,\s+decisions\s+and\s+rationales"))
_DECISION_LINE = re.compile(r":[ \t]*\n?[ \t]*(?P<decision>Upheld|Overturned)\.?[ \t]*$", re.I | re.M)
_SENTENCE_END = re.compile(r"""[.!?]["”')]*$|set\s+forth\s+below\s*:$|^[A-Z ,]{12,}$""")
_PARTIAL = re.compile(
    r"""^(?P<original>.+?)\s+was\s+the\s+original\s+request\.?\s*
        (?P<authorized>.+?)\s+was\s+authorized\s+by\s+the\s+Claims\s+Administrator\.?\s*
        The\s+remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request,?\s*
        (?P<remaining>.+?)$""",
    re.I | re.X | re.S,
)
_ROLE_WORDS = {
    "claims": r"claims\s+administrator\s+guideline",
    "maximus": r"maximus\s+guideline",
    "decision": r"decision\s+rationale",
}
_ROLE_LABEL = re.compile(rf"(?P<label>{'|'.join(_ROLE_WORDS.values())})\s*:")  # for short strings
#: Each role's label alone (run on lowercased text), for looking through an item's whole body.
_ROLE_LABELS = {role: re.compile(rf"{words}\s*:") for role, words in _ROLE_WORDS.items()}
#: A basis written as a statement rather than as prose (run on lowered text).
_STATED = re.compile(r"decision\s+based\s+on|did\s+not\s+cite")
#: Prose that says no evidence was cited (run on lowered text).
_NONE_CITED = re.compile(r"did\s+not\s+cite\s+any|no\s+(?:medical\s+)?evidence\s+(?:was\s+)?cited")
_NOTICE_ITEM = re.compile(
    r"""(?P<n>\d{1,2})\)\s*MAXIMUS\s+Federal\s+Services,?\s+Inc\.?\s+has\s+determined\s+the\s+request\s+for\s+
        (?P<request>.+?)\s+(?:is|was)\s+(?P<not>not\s*)?medically\s+necessary(?:\s+and\s+appropriate)?""",
    re.I | re.X | re.S,
)
_NOTICE_BLOCK = re.compile(
    r"""(?P<n>\d{1,2})[).]\s*Regarding\s+the\s+request\s+for\s+(?P<request>[^\n]+?)\s*:?\s*\n""",
    re.I | re.X,
)
_NOTICE_ROLE = re.compile(
    r"""(?P<label>Medical\s+Treatment\s+Guideline\(?s\)?\s+Relied\s+Upon\s+by\s+the\s+Claims\s+Administrator
        |Medical\s+Treatment\s+Guideline\(?s\)?\s+Relied\s+Upon\s+by\s+the\s+Expert\s+Reviewer
        |Rationale\s+for\s+the\s+Decision)\s*:""",
    re.I | re.X,
)
_PRO_HEADING = re.compile(
    r"""^(?P<label>ISSUE\s+AT\s+DISPUTE|CASE\s+SUMMARY|DOCUMENTS\s+REVIEWED\s+FOR\s+DETERMINATION
        |MEDICAL\s+TREATMENT\s+GUIDELINE\(S\)\s+RELIED\s+UPON\s+BY\s+PROFESSIONAL\s+REVIEWER\s+AND\s+WHY
        |RATIONALE\s+FOR\s+WHY\s+THE\s+REQUESTED\s+TREATMENT/SERVICE\s+IS/WAS\s+NOT\s+MEDICALLY\s+NECESSARY
        |MEDICAL\s+REVIEWER\s+QUALIFICATIONS)\s*:""",
    re.X | re.M,
)
_PRO_ISSUE = re.compile(
    r"""(?:^|\n)\s*(?:(?P<n>\d{1,2})[.)]\s*)?(?:Is\s+the\s+(?:request(?:ed)?\s+(?:for\s+)?)?)?
        (?P<request>[^\n?]+?)\s*(?:medically\s+necessary(?:\s+and\s+appropriate)?\s*)?\??\s*(?=\n|$)""",
    re.I | re.X,
)
_NECESSITY = re.compile(r"(?P<not>not\s*|non-?)?(?:medically\s+necessary|certified)", re.I)


def _earliest(patterns: tuple[re.Pattern[str], ...], text: str, pos: int = 0) -> re.Match[str] | None:
    """The first match of any of ``patterns`` (the earlier listed at a tie), as one alternation
    of them would find it."""
    found = [m for pattern in patterns if (m := pattern.search(text, pos)) is not None]
    return min(found, key=lambda m: m.start(), default=None)


@dataclass(frozen=True)
class _Region:
    start: int
    end: int


def parse_letter(letter: Letter) -> CaseRecord:
    """Parse one read letter into a case record; raise if it is not an IMR letter."""
    # lowercased once: structural patterns run on it (same offsets, no re.I cost), and on
    # its one-line form the format and IMR tests are plain substring checks
    low = lowered(letter.text)
    flat = low.replace("\n", " ")
    if not any(marker in flat for marker in _IMR_WORDS) and not _IMR_MARKERS.search(flat):
        raise NotAnImrLetter(letter.path, "no sign of an IMR determination (no MAXIMUS, IMR or reviewer wording)")
    return _Parser(letter, low, _format_of(flat)).record()


class _Parser:
    def __init__(self, letter: Letter, low: str, letter_format: LetterFormat) -> None:
        self.letter = letter
        self.text = letter.text
        self.low = low
        self.format = letter_format
        self.warnings: list[str] = list(letter.warnings)
        self.provenance: dict[str, Span] = {}

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.letter.page_of(start))

    def warn(self, message: str, at: int | None = None) -> None:
        where = f" (page {self.letter.page_of(at)}, offset {at})" if at is not None else ""
        self.warnings.append(message + where)

    def record(self) -> CaseRecord:
        header = self.header()
        reviewer = self.reviewer()
        summary = self.summary_region()
        patient = self.patient(summary)
        if "date_of_injury" not in header:
            injury = _INJURY.search(self.low, summary.start, summary.end)
            if injury:
                header["date_of_injury"] = norm.iso_date(injury.group("date"))
                self.provenance["date_of_injury"] = self.span(*injury.span("date"))
        items = mark_dependent(self.items())
        if not items and self.format is LetterFormat.UNKNOWN:
            # IMR words but neither a letter's format nor an item: a web page, a cover sheet
            raise NotAnImrLetter(self.letter.path, "not an IMR determination letter (no letter format, no items)")
        if not items:
            self.warn("no disputed items found")
        if self.format is LetterFormat.UNKNOWN:
            self.warn("letter format not recognized; read what could be found")
        case_number = header.get("case_number")
        return CaseRecord(
            id=case_number or "doc-" + hashlib.sha256(self.text.encode()).hexdigest()[:16],
            source=Source(
                self.letter.path, self.letter.sha256, self.format, self.letter.pages, self.letter.page_starts
            ),
            case_number=case_number,
            decision_date=header.get("decision_date"),
            date_of_injury=header.get("date_of_injury"),
            ur_denial_date=header.get("ur_denial_date"),
            date_assigned=header.get("date_assigned"),
            application_received=header.get("application_received"),
            priority=header.get("priority"),
            reviewer=reviewer,
            patient=patient,
            diagnoses=self.diagnoses(summary),
            items=tuple(items),
            warnings=tuple(self.warnings),
            provenance=dict(self.provenance),
        )

    # -- header ---------------------------------------------------------------
    def header(self) -> dict[str, str | None]:
        """Header fields; labels and values may come apart into two blocks."""
        end = _FINAL.search(self.text)
        stop = end.start() if end else min(len(self.text), 1500)
        fields: dict[str, str | None] = {}
        labels = list(_HEADER_LABEL.finditer(self.low, 0, stop))
        values = list(_HEADER_VALUE.finditer(self.low, 0, stop))
        used: set[int] = set()
        pending = []
        for index, label in enumerate(labels):
            key = _field_key(label.group("label"))
            nxt = next((v for v in values if v.start() >= label.end() and v.start() not in used), None)
            # the value belongs to this label when no other label stands between them
            # ("Priority: Standard Application Received:" puts one label around the value)
            later = labels[index + 1].start() if index + 1 < len(labels) else stop
            inline = nxt is not None and (nxt.start() < later or key == "priority")
            if nxt is not None and inline and _fits(key, nxt):
                used.add(nxt.start())
                self.store(fields, key, nxt)
            else:
                pending.append(key)
        leftovers = [v for v in values if v.start() not in used]
        for key in pending:  # labels and values printed as two blocks: pair them in order
            match = next((v for v in leftovers if _fits(key, v)), None)
            if match is not None:
                leftovers.remove(match)
                self.store(fields, key, match)
        if "case_number" not in fields:
            found = _CASE_NUMBER.search(self.text, 0, min(len(self.text), 3000))
            if found:
                fields["case_number"] = found.group("cn")
                self.provenance["case_number"] = self.span(*found.span("cn"))
        if self.format is LetterFormat.NOTICE_2013:
            self.notice_dates(fields)
        return fields

    def store(self, fields: dict[str, str | None], key: str, match: re.Match[str]) -> None:
        raw = self.text[match.start() : match.end()]
        value = raw if key in ("case_number", "priority") else norm.iso_date(raw)
        if value is None:
            self.warn(f"unreadable {key.replace('_', ' ')} {raw!r}", match.start())
            return
        fields[key] = value.title() if key == "priority" else value
        self.provenance[key] = self.span(match.start(), match.end())

    def notice_dates(self, fields: dict[str, str | None]) -> None:
        for key, pattern in (
            ("decision_date", rf"Dated\s*:\s*(?P<d>{DATE})"),
            ("ur_denial_date", rf"Utilization\s+Review\s+Denial\s+dated\s+(?P<d>{DATE})"),
            (
                "application_received",
                rf"Independent\s+Medical\s+Review\s+was\s+filed\s+on\s+(?P<d>{DATE})",
            ),
        ):
            match = re.search(pattern, self.text, re.I)
            if match and key not in fields:
                fields[key] = norm.iso_date(match.group("d"))
                self.provenance[key] = self.span(*match.span("d"))

    # -- reviewer -------------------------------------------------------------
    def reviewer(self) -> Reviewer:
        found_states: tuple[str, ...] = ()
        specs: tuple[str, ...] = ()
        subs: tuple[str, ...] = ()
        pieces: list[tuple[int, int]] = []
        licensure = _LICENSURE.search(self.low)
        if licensure:
            states = self.text[licensure.start("states") : licensure.end("states")]
            found_states = self.normalized(norm.state_codes(states), "license state", licensure)
            pieces.append(licensure.span())
        certification = _CERTIFICATION.search(self.text)
        board = None if certification else _BOARD.search(self.text)
        if certification:
            specs = self.normalized(norm.specialties(certification.group("specs")), "specialty", certification)
            pieces.append(certification.span())
        elif board:
            specs = self.normalized(norm.specialties(board.group("specs")), "specialty", board)
            if board.group("subs"):
                subs = self.normalized(norm.specialties(board.group("subs")), "subspecialty", board)
            found_states = found_states or self.normalized(
                norm.state_codes(board.group("states")), "license state", board
            )
            pieces.append(board.span())
        if not found_states:
            licensed = _LICENSED.search(self.text)
            if licensed:
                found_states = self.normalized(norm.state_codes(licensed.group("states")), "license state", licensed)
                pieces.append(licensed.span())
        if not pieces:
            self.warn("reviewer qualifications not found")
            return Reviewer()
        start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
        return Reviewer(
            specialties=specs,
            subspecialties=tuple(s for s in subs if s not in specs),
            license_states=found_states,
            text=" ".join(self.text[start:end].split()),
            span=self.span(start, end),
        )

    def normalized(self, found: norm.Normalized, field: str, where: re.Match[str]) -> tuple[str, ...]:
        """The labels of ``found``, warning of each slip read through and each phrase in no
        vocabulary; an unknown specialty is kept as written, an unknown state is dropped."""
        for written, label in found.corrected:
            self.warn(f"{field} {written!r} read as {label!r} (a slip?)", where.start())
        for written in found.unknown:
            kept = "kept as written" if field != "license state" else "left out"
            self.warn(f"{field} {written!r} is in no vocabulary; {kept}", where.start())
        return found.labels + (found.unknown if field != "license state" else ())

    # -- case summary ---------------------------------------------------------
    def summary_region(self) -> _Region:
        start_match = _SUMMARY_START.search(self.low)
        start = start_match.end() if start_match else 0
        ends = [
            m.start() for m in (_earliest(_ITEMS_START, self.low, start), _ISSUES_HEADING.search(self.text, start)) if m
        ]
        if start == 0 and _SUMMARY_HEADING.match(self.low):
            ends.append(0)
        elif heading := _SUMMARY_END.search(self.low, max(start - 1, 0)):  # its newline may be just before start
            ends.append(heading.start() + 1)
        end = min(ends, default=len(self.text))
        return _Region(start, end if end > start else len(self.text))

    def patient(self, region: _Region) -> Patient:
        match = _PATIENT.search(self.low, region.start, region.end) or _PATIENT.search(self.low)
        if not match:
            sex_only = _SEX_ONLY.search(self.low, region.start, region.end)
            if sex_only:
                self.provenance["patient"] = self.span(*sex_only.span("sex"))
                return Patient(sex="female" if sex_only.group("sex") in ("female", "woman") else "male")
            return Patient()
        sex = match.group("sex").lower()
        age = int(match.group("age"))
        if not 10 <= age <= 110:
            self.warn(f"implausible patient age {age} ignored", match.start())
            return Patient(sex="female" if sex in ("female", "woman", "lady", "girl") else "male")
        self.provenance["patient"] = self.span(*match.span())
        female = sex in ("female", "woman", "lady", "girl")
        return Patient(age=age, sex="female" if female else "male")

    def diagnoses(self, region: _Region) -> tuple[Diagnosis, ...]:
        out: list[Diagnosis] = []
        seen: set[str] = set()
        for match in diagnosis_lists(self.low, region.start, region.end):
            for condition in split_conditions(self.text, *match.span("list")):
                text = " ".join(condition.text.split())
                key = text.lower()
                if key in seen:
                    continue
                seen.add(key)
                out.append(Diagnosis(text, norm.body_region(text), self.span(condition.start, condition.end)))
        return tuple(out)

    # -- items ----------------------------------------------------------------
    def items(self) -> list[Item]:
        if self.format is LetterFormat.NOTICE_2013:
            return self.notice_items()
        if self.format is LetterFormat.PROFESSIONAL_REVIEW_2013:
            return self.professional_items()
        return self.final_items()

    def final_items(self) -> list[Item]:
        begin = _earliest(_ITEMS_START, self.low)
        start = begin.end() if begin else 0
        introduced = _SET_FORTH.search(self.low, start, start + 400)
        if introduced:  # items start after the sentence, not after the heading above it
            start = introduced.end()
        heads = [(h, d) for h, d in self._headings(start)]
        items = []
        for index, (head, decision) in enumerate(heads):
            body_end = heads[index + 1][0].start if index + 1 < len(heads) else len(self.text)
            items.append(self._final_item(index + 1, head, decision, body_end))
        return items

    def _headings(self, start: int) -> Iterator[tuple[_Region, re.Match[str]]]:
        floor = start
        for decision in _DECISION_LINE.finditer(self.text, start):
            head_start = self._heading_start(decision.start(), floor)
            if head_start >= decision.start():
                continue
            yield _Region(head_start, decision.start()), decision
            floor = decision.end()

    def _heading_start(self, colon: int, floor: int) -> int:
        line_start = self.text.rfind("\n", floor, colon) + 1
        line_start = max(line_start, floor)
        for _ in range(6):  # a heading spans a few lines at most
            if line_start <= floor:
                break
            prev_start = max(self.text.rfind("\n", floor, line_start - 1) + 1, floor)
            previous = self.text[prev_start : line_start - 1].strip()
            if not previous or _SENTENCE_END.search(previous) or _ROLE_LABEL.search(lowered(previous)):
                break
            line_start = prev_start
        heading = self.text[line_start:colon]
        if "remaining IMR eligible portion" in heading and "original request." not in heading:
            earlier = self.text.rfind("was the original request", floor, line_start)
            if earlier >= 0:
                line_start = max(self.text.rfind("\n", floor, earlier) + 1, floor)
        return line_start

    def _final_item(self, n: int, head: _Region, decision: re.Match[str], end: int) -> Item:
        request = " ".join(self.text[head.start : head.end].split()).removesuffix(" is")
        partial = None
        partial_match = _PARTIAL.match(request)
        if partial_match:
            partial = PartialAuthorization(
                *(" ".join(partial_match.group(k).split()) for k in ("original", "authorized", "remaining"))
            )
        roles: dict[str, re.Match[str]] = {}
        for role, label in _ROLE_LABELS.items():
            found = list(label.finditer(self.low, decision.end(), end))
            if found:  # a label given twice: the later one
                roles[role] = found[-1]
        ordered = sorted(roles.values(), key=lambda m: m.start())

        def section(key: str) -> tuple[int, int] | None:
            match = roles.get(key)
            if match is None:
                return None
            later = [m.start() for m in ordered if m.start() > match.start()]
            return match.end(), (later[0] if later else end)

        claims = self._basis(section("claims"), "claims administrator", n)
        reviewer = self._basis(section("maximus"), "reviewer", n)
        rationale, mentions = self._rationale(section("decision"))
        return Item(
            n=n,
            request=request,
            decision=Decision(decision.group("decision").lower()),
            treatment=norm.treatment(partial.remaining if partial else request),
            claims_administrator=claims,
            reviewer=reviewer,
            rationale=rationale,
            rationale_citations=tuple(mentions),
            partial=partial,
            span=self.span(head.start, decision.end()),
        )

    def _rationale(self, where: tuple[int, int] | None) -> tuple[str, tuple[Citation, ...]]:
        """A rationale's text and the guidelines it mentions."""
        if where is None:
            return "", ()
        start, end = where
        body = self.text[start:end]
        return " ".join(body.split()), tuple(find_mentions(body, offset=start, page_of=self.letter.page_of))

    def _basis(self, where: tuple[int, int] | None, role: str, n: int, prose: bool = False) -> Basis:
        if where is None:
            self.warn(f"item {n}: the {role}'s guideline statement is missing")
            return Basis(cited_evidence=False, mtus_based=False)
        start, end = where
        raw = self.text[start:end]
        if prose or not _STATED.search(self.low, start, end):
            return _prose_basis(raw, start, self.letter.page_of)
        return parse_basis(raw, offset=start, page_of=self.letter.page_of)

    def notice_items(self) -> list[Item]:
        decisions: dict[int, re.Match[str]] = {}
        for match in _NOTICE_ITEM.finditer(self.text):
            decisions.setdefault(int(match.group("n")), match)
        blocks = {int(b.group("n")): b for b in _NOTICE_BLOCK.finditer(self.text)}
        block_order = sorted(blocks.values(), key=lambda b: b.start())
        items = []
        for n, match in sorted(decisions.items()):
            request = " ".join(match.group("request").split())
            decision = Decision.OVERTURNED if match.group("not") is None else Decision.UPHELD
            claims = reviewer = Basis(cited_evidence=False, mtus_based=False)
            rationale, mentions = self._rationale(None)
            block = blocks.get(n)
            if block is None:
                self.warn(f"item {n}: no 'Regarding the request' section with the guidelines relied upon")
            else:
                later = [b.start() for b in block_order if b.start() > block.start()]
                end = later[0] if later else len(self.text)
                roles = list(_NOTICE_ROLE.finditer(self.text, block.end(), end))
                for i, role in enumerate(roles):
                    stop = roles[i + 1].start() if i + 1 < len(roles) else end
                    label = role.group("label").lower()
                    if "claims administrator" in label:
                        claims = self._basis((role.end(), stop), "claims administrator", n, prose=True)
                    elif "expert reviewer" in label:
                        reviewer = self._basis((role.end(), stop), "reviewer", n, prose=True)
                    else:
                        rationale, mentions = self._rationale((role.end(), stop))
            items.append(
                Item(
                    n=n,
                    request=request,
                    decision=decision,
                    treatment=norm.treatment(request),
                    claims_administrator=claims,
                    reviewer=reviewer,
                    rationale=rationale,
                    rationale_citations=mentions,
                    span=self.span(match.start(), match.end()),
                )
            )
        return items

    def professional_items(self) -> list[Item]:
        headings = list(_PRO_HEADING.finditer(self.text))
        parts: dict[str, tuple[int, int]] = {}
        for i, heading in enumerate(headings):
            stop = headings[i + 1].start() if i + 1 < len(headings) else len(self.text)
            parts.setdefault(heading.group("label").split()[0].upper(), (heading.end(), stop))
        issue = parts.get("ISSUE")
        if issue is None:
            return []
        rationale, mentions = self._rationale(parts.get("RATIONALE"))
        verdicts = list(_NECESSITY.finditer(rationale))
        # the heading reads "IS/WAS NOT MEDICALLY NECESSARY"; the rationale's last word decides
        decision = Decision.UPHELD if not verdicts or verdicts[-1].group("not") else Decision.OVERTURNED
        guideline_at = parts.get("MEDICAL")
        items = []
        for n, match in enumerate(_PRO_ISSUE.finditer(self.text, *issue), start=1):
            request = " ".join(match.group("request").split()).rstrip(" ?")
            if not request:
                continue
            claims = Basis(cited_evidence=False, mtus_based=False)
            self.warn(f"item {n}: this format does not state the claims administrator's basis")
            reviewer = self._basis(guideline_at, "reviewer", n, prose=True)
            items.append(
                Item(
                    n=n,
                    request=request,
                    decision=decision,
                    treatment=norm.treatment(request),
                    claims_administrator=claims,
                    reviewer=reviewer,
                    rationale=rationale,
                    rationale_citations=mentions,
                    span=self.span(*match.span("request")),
                )
            )
        return items


def detect_format(text: str) -> LetterFormat:
    """Name the letter's format from its fixed headings.

    >>> detect_format("Case Number: CM16-0000001\\nHOW THE IMR FINAL DETERMINATION WAS MADE")
    <LetterFormat.FINAL_DETERMINATION_2016: 'final-determination-2016'>
    """
    return _format_of(_flat(text))


def _format_of(flat: str) -> LetterFormat:
    """:func:`detect_format` on the letter's lowercased one-line form."""
    head = flat[:_FORMAT_WINDOW]
    if "medical professional review" in head or "issue at dispute:" in head:
        return LetterFormat.PROFESSIONAL_REVIEW_2013
    if "notice of independent medical review determination" in head or "has determined the request for" in head:
        return LetterFormat.NOTICE_2013
    final = min((at for at in map(flat.find, _FINAL_HEADINGS) if at >= 0), default=-1)
    if final >= 0:
        if any(label in flat[:final] for label in ("case number", "date assigned", "decision date")):
            return LetterFormat.FINAL_DETERMINATION_2016
        return LetterFormat.FINAL_DETERMINATION_2014
    return LetterFormat.UNKNOWN


_FINAL_HEADINGS = ("imr issues, decisions and rationales", "how the imr final determination")


def _flat(text: str) -> str:
    """Lowercase ASCII and turn line breaks into spaces; offsets do not move."""
    return lowered(text).replace("\n", " ")


def _prose_basis(raw: str, start: int, page_of: PageOf) -> Basis:
    """A basis written as prose (2013 letters): find the guidelines it mentions."""
    text = " ".join(raw.split())
    if _NONE_CITED.search(lowered(text)):
        return Basis(cited_evidence=False, mtus_based=False, text=text)
    mentions = find_mentions(raw, offset=start, page_of=page_of, as_basis=True)
    mentions += linked_evidence(raw, mentions, offset=start, page_of=page_of)
    outside = re.search(
        r"not\s+(?:part\s+of|based\s+on|address(?:ed)?\s+(?:in|by))\s+the\s+MTUS|outside\s+of\s+the\s+MTUS",
        text,
        re.I,
    )
    return Basis(
        cited_evidence=bool(mentions) or bool(text),
        mtus_based=any(c.mtus for c in mentions) and not outside,
        citations=tuple(mentions),
        text=text,
    )


def _field_key(label: str) -> str:
    """The record field a header label fills: "Date of Injury" → ``date_of_injury``."""
    return "_".join(label.lower().split())


def _fits(key: str, value: re.Match[str]) -> bool:
    raw = value.group("value")
    if key == "case_number":
        return raw.lower().startswith("cm")
    if key == "priority":
        return raw.isalpha()
    return raw[:1].isalnum() and not raw.lower().startswith("cm") and not raw.isalpha()
