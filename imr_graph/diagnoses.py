"""Diagnoses: where a case summary lists them, and the list read as one entry per condition.

Letters list diagnoses in prose, joined by commas, semicolons and "and"::

    diagnosed with a head contusion, cervical strain and right shoulder sprain.
    diagnoses are documented as strain of muscle, fascia, and tendon of lower back,
        subsequent encounter; other muscle spasm; dorsalgia, unspecified.
    diagnoses of cervical, lumbar, and thoracic strain.

A separator splits two conditions, never an ICD-10 description at its own commas, and a
condition written once for several places ("thoracic and lumbar spine sprain") becomes
one entry per place. What counts as a place comes from the body-region vocabulary
(``ontology/body-regions.ttl``); the rules are those of the words around each separator:

- a piece that only names a place ("cervical", "right wrist", "back") takes the condition
  of the next piece that has one;
- after a comma, a piece that goes on describing the same condition (a tissue, "unspecified",
  "subsequent encounter", "mid cervical region", a spinal level) stays with it;
- after "and", a condition that names no place shares the place before it ("wrist
  tendinitis and bursitis", "lumbar sprain and strain");
- in a list whose conditions are set apart by semicolons, a comma splits only where the
  next piece names a place of its own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from imr_graph.normalize import body_region
from imr_graph.read import word_starts
from imr_graph.vocab import load_vocabulary, tokens

#: Phrases that introduce a list of diagnoses (run on lowercased text).
DIAGNOSIS_LIST = re.compile(
    r"""(?:diagnos(?:es|is)(?:,?\s+and[-/]or\s+impressions,?)?\s+(?:that\s+)?(?:(?:were|was)\s+noted\s+to\s+)?
          (?:include[sd]?|are|is|was|were|of)(?:\s+(?:documented|listed|noted))?
          (?:\s+(?:as|is|of|for|with))*
        |diagnosed\s+(?:as\s+having|with)|dx\s+of|has\s+had\s+diagnoses\s+of
        |(?:undergoing|being)\s+(?:treatments?\s+for|treated\s+for)(?:\s+the\s+diagnos[ie]s\s+of)?
        |(?:filed|has\s+filed)\s+a\s+claim\s+for)
        [\s:]+(?P<list>[^.]+?)
        (?=\s+(?:reportedly\s+)?associated\s+with|\s+secondary\s+to|\.(?:\s|$)|$)""",
    re.X,
)

#: Words one of which begins every phrase DIAGNOSIS_LIST knows; str.find is far quicker
#: than letting the regex try its alternatives at every character.
_LIST_WORDS = ("diagnos", "dx", "undergoing", "being", "filed")

_LEAD = re.compile(r"^(?:documented\s+(?:as\s+)?|as\s+|is\s+|of\s+|for\s+|an?\s+|the\s+|and\s+)+", re.I)
#: What follows a condition but is not part of it: a guess at its cause, the month it began.
_TAIL = re.compile(
    r"""\s+(?:(?:most\s+|more\s+)?likely\s+|probably\s+|possibly\s+)?related\s+to\b.*$
      |,?\s+(?:in\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4,5}$
      |,?\s+(?:on|in)\s+\d{1,2}/\d{1,2}/\d{2,4}$""",
    re.I | re.X,
)
#: "strain in right hip": a condition, then its place.
_CONDITION_AT = re.compile(r"(?P<condition>.+?\s(?:in|of)\s+(?:the\s+)?)(?P<place>.+)$")
_NONSPACE = re.compile(r"\S+")
#: "and" between conditions, not inside an ICD-10 "at right wrist and hand level".
_AND = re.compile(r"\s+and\s+(?![/-])(?!(?:[\w-]+\s+){0,2}level\b)", re.I)
#: Pieces that go on describing the condition before them (after a comma).
_TISSUES = r"(?:muscles?|fascia|tendons?|ligaments?)"
#: "strain of muscle, fascia and tendon of …": the tissues of one ICD-10 description.
_TISSUE = re.compile(rf"^(?:and\s+)?(?:the\s+)?{_TISSUES}(?:\s+(?:of|in|at)\b.*)?$", re.I | re.S)
_ENDS_WITH_TISSUE = re.compile(rf"\b{_TISSUES}$", re.I)
_QUALIFIER = re.compile(
    r"""^(?:unspecified|not\s+otherwise\s+specified|not\s+elsewhere\s+classified|nos|nec
        |(?:initial|subsequent)\s+encounter|sequela|site\s+unspecified|unspecified\s+side
        |(?:[a-z]+\s+)*region(?:\s*\(.*\))?
        |(?:at\s+)?[ctls]\d{1,2}(?:\s*[-–/]\s*[ctls]?\d{1,2})*(?:\s+levels?)?)$""",
    re.I | re.X,
)
#: Words of places that are not themselves places: sides and parts.
_PLACE_WORDS = {
    "right", "left", "bilateral", "both", "upper", "lower", "mid", "middle", "distal", "proximal",
    "spine", "region", "area", "sided", "side",
}  # fmt: skip
#: Region keywords that name a condition, not a place ("cervicalgia", "lumbago", "headaches"):
#: a piece made of them is a condition of its own.
_CONDITION_WORD = re.compile(r"(?:algias?|itis|aches?|ago|ica|ssion|ety|nia)$")

#: A place word a shorter place name borrows ("thoracic and lumbar spine": thoracic spine).
_SHARED_NOUNS = ("spine", "region")


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    words = set(_PLACE_WORDS)
    for _, labels in load_vocabulary().body_regions:
        for label in labels:
            words.update(w for w in tokens(label) if not _CONDITION_WORD.search(w))
    return frozenset(words)


def _bare_place(text: str) -> bool:
    """Whether a piece only names a place ("right wrist", "cervical", "back")."""
    words = tokens(text)
    places = _place_words()
    return bool(words) and all(w in places or w.rstrip("s") in places for w in words)


def diagnosis_lists(low: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Where diagnosis lists stand in ``low[start:end]`` (lowercased text), in order, without overlaps."""
    reached = start
    for at in word_starts(low, _LIST_WORDS, start, end):
        if at < reached:
            continue
        match = DIAGNOSIS_LIST.match(low, at, end)
        if match:
            reached = match.end()
            yield match


@dataclass(frozen=True)
class Condition:
    """One condition of a list: its words, and where in the letter they were read from."""

    text: str
    start: int
    end: int


@dataclass
class _Entry:
    text: str
    start: int
    end: int
    place: str | None


@dataclass
class _Reader:
    """Reads one list's pieces in order and keeps the entries they make."""

    text: str
    semicolons: bool
    entries: list[_Entry] = field(default_factory=list)
    group: list[_Entry] = field(default_factory=list)  # the entries the last piece made
    waiting: list[tuple[int, int]] = field(default_factory=list)  # places waiting for a condition

    def piece(self, start: int, end: int, joiner: str, whole: bool) -> None:
        """Take the piece ``text[start:end]``, which follows a ``joiner`` (";", "," or "and");
        ``whole`` when no "and" cuts its comma piece."""
        raw = self.text[start:end]
        words = raw.strip()
        if not words:
            return
        if self.group and (
            (joiner == "," and _QUALIFIER.match(words))
            or (_TISSUE.match(words) and _ENDS_WITH_TISSUE.search(self.group[-1].text))
        ):
            self.extend(end)
            return
        if _bare_place(words):
            if whole and joiner != "and" and self.group and not self.waiting and self._spread_back(start, end):
                return
            if whole and joiner == "," and self.group and self.group[-1].place is None and not self.waiting:
                self.extend(end)  # "SLAP lesion, right shoulder": where the condition is
                return
            self.waiting.append((start, end))
            return
        place = body_region(words)
        if self.waiting and self.group and joiner != "and" and not _split_place(words)[0]:
            # "… at upper arm level, right arm, and strain of …": the places said where the last was
            self.extend(self.waiting[-1][1])
            self.waiting.clear()
        if self.waiting:
            self.spread(start, end, place)
            return
        if self.group and place is None and (joiner == "and" and self.group[-1].place is not None):
            self.extend(end)
            return
        if self.group and joiner == "," and self.semicolons and (place is None or place == self.group[-1].place):
            self.extend(end)
            return
        self.new_group([_Entry(raw.strip(), start, end, place)])

    def extend(self, end: int) -> None:
        """The piece ending at ``end`` goes on describing the last entries."""
        anchor = self.group[-1].end
        tail = self.text[anchor:end]
        for entry in self.group:
            entry.text = entry.text + tail if entry.end == anchor else entry.text + " " + " ".join(tail.split())
            entry.text = " ".join(entry.text.split())
        for entry in self.group:
            if entry.end == anchor:
                entry.end = end

    def spread(self, start: int, end: int, place: str | None) -> None:
        """Places waiting for a condition take this piece's condition, each as its own entry."""
        head, condition = _split_place(self.text[start:end])
        if not condition or not head:
            first = self.waiting[0][0]
            self.waiting.clear()
            self.new_group([_Entry(self.text[first:end].strip(), first, end, place)])
            return
        head_words = tokens(head)
        head_place = body_region(head)
        if all(body_region(self.text[a:b]) in (None, head_place) for a, b in self.waiting):
            # "right and left shoulder joint sprain": places in one region stay one entry
            first = self.waiting[0][0]
            self.waiting.clear()
            self.new_group([_Entry(" ".join(self.text[first:end].split()), first, end, place)])
            return
        group = []
        for w_start, w_end in self.waiting:
            name = " ".join(self.text[w_start:w_end].split())
            own = tokens(name)
            shared = [n for n in _SHARED_NOUNS if head_words and head_words[-1] == n and n not in own]
            full = " ".join([name, *shared, condition])
            group.append(_Entry(full, w_start, end, body_region(full)))
        self.waiting.clear()
        group.append(_Entry(self.text[start:end].strip(), start, end, place))
        self.new_group(group)

    def _spread_back(self, start: int, end: int) -> bool:
        """ "strain in right hip, ankle, and foot": a condition written before its places."""
        last = self.group[-1]
        match = _CONDITION_AT.match(last.text)
        if match is None or last.place is None or not _bare_place(match.group("place")):
            return False
        place = " ".join(self.text[start:end].split())
        full = match.group("condition") + place
        self.group.append(_Entry(full, start, end, body_region(place)))
        self.entries.append(self.group[-1])
        return True

    def new_group(self, group: list[_Entry]) -> None:
        self.entries.extend(group)
        self.group = group

    def finish(self) -> list[_Entry]:
        if self.group and len(self.waiting) == 1 and self.waiting[0][0] > self.group[-1].end:
            # "SLAP lesion, right shoulder": a place at the end says where the condition is
            self.extend(self.waiting.pop()[1])
        for w_start, w_end in self.waiting:
            place = " ".join(self.text[w_start:w_end].split())
            self.entries.append(_Entry(place, w_start, w_end, body_region(place)))
        self.waiting.clear()
        return self.entries


def _split_place(text: str) -> tuple[str, str]:
    """A piece's leading place words and the condition after them: "right hand sprain"."""
    places = _place_words()
    words = list(_NONSPACE.finditer(text.strip()))
    cut = 0
    for word in words:
        bare = tokens(word.group())
        if bare and all(w in places or w.rstrip("s") in places for w in bare):
            cut += 1
        else:
            break
    if cut == 0 or cut == len(words):
        return "", ""
    head = " ".join(w.group() for w in words[:cut])
    return head, " ".join(w.group() for w in words[cut:])


def _top_level(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at ``separator`` outside parentheses."""
    if text.find(separator, start, end) < 0:
        return [(start, end)]
    if text.find("(", start, end) < 0 and text.find("[", start, end) < 0:
        cuts = [m.start() for m in re.finditer(re.escape(separator), text[start:end])]
        bounds = [start - 1, *(start + c for c in cuts), end]
        return [(a + 1, b) for a, b in itertools.pairwise(bounds)]
    pieces = []
    depth = 0
    cursor = start
    for i in range(start, end):
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            pieces.append((cursor, i))
            cursor = i + 1
    pieces.append((cursor, end))
    return pieces


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A piece without its leading glue words ("as", "a", "and") and trailing clauses."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    match = _LEAD.match(piece[lead:])
    start += lead + (match.end() if match else 0)
    piece = text[start:end]
    # each trailing clause says "related" or ends in a digit: the pattern is tried only then
    last = piece[-2:].rstrip("\n")[-1:]
    tail = _TAIL.search(piece) if last.isdigit() or "related" in piece.lower() else None
    if tail:
        end = start + tail.start()
    return start, start + len(text[start:end].rstrip(" ,;:"))


def split_conditions(text: str, start: int, end: int) -> list[Condition]:
    """Read ``text[start:end]``, a diagnosis list, as one entry per condition.

    >>> written = "cervical, lumbar, and thoracic strain"
    >>> [c.text for c in split_conditions(written, 0, len(written))]
    ['cervical strain', 'lumbar strain', 'thoracic strain']
    >>> written = "strain of muscle, fascia and tendon of lower back"
    >>> [c.text for c in split_conditions(written, 0, len(written))]
    ['strain of muscle, fascia and tendon of lower back']
    """
    semicolons = len(_top_level(text, start, end, ";")) > 1
    reader = _Reader(text, semicolons)
    for entry_start, entry_end in _top_level(text, start, end, ";"):
        first_piece = True
        for piece_start, piece_end in _top_level(text, entry_start, entry_end, ","):
            joiner = ";" if first_piece else ","
            first_piece = False
            cursor = piece_start
            conjuncts = []
            for conjunct in [*_AND.finditer(text, piece_start, piece_end), None]:
                stop = conjunct.start() if conjunct else piece_end
                a, b = _trimmed(text, cursor, stop)
                if b > a:  # else ", and X": the comma, not the "and", joins X
                    conjuncts.append((a, b))
                cursor = conjunct.end() if conjunct else piece_end
            for a, b in conjuncts:
                reader.piece(a, b, joiner, whole=len(conjuncts) == 1)
                joiner = "and"
    return [Condition(e.text, e.start, e.end) for e in reader.finish() if len(e.text) >= 3]
