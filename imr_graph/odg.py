"""ODG statements: chapters (body parts), the topics cited in each, and the online edition's date.

ODG is cited by chapter and topic, in many shapes::

    Official Disability Guidelines (ODG), Forearm, Wrist, and hand (updated 11/23/16), MRI's (…).
    Official Disability Guidelines (ODG) Low Back chapter/ x-ray.
    ODG Neck & Upper Back (Extracorporeal shock wave therapy (ESWT)).
    Official Disability Guidelines, Shoulder Chapter, Hand Chapter, Physical therapy.
    Official Disability Guidelines (ODG) MRI shoulder.

A statement is cut where it names ODG again; each piece is read as chapters, each followed
by its topics. A chapter is a catalog name (``ontology/guidelines.ttl``) standing at the start
or after a separator; chapters named one after another share the topics that follow them
("Shoulder Chapter, Hand Chapter, Physical therapy"); words before any chapter are topics of
the first chapter after them, or of none ("MRI shoulder" names a topic, not the chapter).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from imr_graph.names import NameFinder, name_words, split_sections, trie_pattern
from imr_graph.normalize import iso_date
from imr_graph.vocab import fold, load_vocabulary, topic_fold

#: The guideline's own names, and what a letter says of its edition.
_ODG_NAME = re.compile(
    r"""(?:official\s+disability\s+guidelines?|\bodg\b)(?:\s*\(\s*odg\s*\))?(?:\s+guidelines?\b)?
        (?:[\s,:;-]*(?:work\s+loss\s+data\s+institute|treatment\s+in\s+workers'?\s+comp(?:ensation)?
            |\(?\d+(?:st|nd|rd|th)\s+(?:annual\s+)?edition\)?|(?:19|20)\d\d\b(?!\s*/)))*""",
    re.X,  # run on lowercased text
)
_UPDATED = re.compile(
    r"\(?\s*(?:updated|last\s+updated|revised)\s*:?\s*(?P<date>\d{1,2}/\d{1,2}/\d{2,4})\s*\)?"
    r"|(?<![\d/])(?P<bare>\d{1,2}/\d{1,2}/(?:19|20)\d\d)(?![\d/])",
    re.I,
)
#: Words between a chapter's name and its topics that belong to the chapter.
_CHAPTER_TAIL = re.compile(
    r"""(?:\s*(?:[-,&]\s*)?
          (?:\((?:\s*(?:acute|chronic|and|&|,|lumbar|thoracic|online|version|procedure\s+summary)\s*)+\)
            |chapters?\b|sections?\b|procedure\s+summary\b|online\s+version\b|\(online\s+version\)
            |(?:lumbar\s*)?(?:&|and)\s+thoracic\b|guidelines\b(?!\s*[:,]?\s*[a-z]))
        )*""",
    re.I | re.X,
)
#: What separates topics from a chapter, or one chapter from the next.
_SEPARATOR = re.compile(r"^[\s,;:/–—-]*(?:and\s+|&\s+)?")
#: Before a chapter name: only glue, or text ending in a separator (tried on its last few
#: characters: a pattern anchored at the end would be tried at every character)
_ONLY_GLUE = re.compile(r"[\s,.;:()–-]*")
_SEPARATOR_END = re.compile(r"(?:[,;:/–(-]|\band|&)$")
#: After a chapter name: "(Acute & Chronic) chapter" says it is one.
_NAMES_CHAPTER = re.compile(r"\s*(?:\(.*?\)\s*)?(?:chapters?|sections?)\b")
_LETTER = re.compile(r"[A-Za-z]")
_TOPIC_SPLIT = re.compile(r"\s*;\s*|\s+(?:and|&)\s+(?=[A-Z])")
_TOPIC_NOISE = re.compile(
    r"^(?:topic|chapter|section|subheading)\b[\s:]*|[\s,]+(?:topic|subheading)$|^\W+|[\s.,;:]+$", re.I
)


@dataclass(frozen=True)
class OdgPart:
    """One chapter of an ODG statement (or none) with its topics and edition date, and where
    it stands in the statement."""

    chapter_title: str | None
    topics: tuple[str, ...]
    updated: str | None
    start: int
    end: int


@lru_cache(maxsize=1)
def _chapter_pattern() -> re.Pattern[str]:
    names = trie_pattern(list(load_vocabulary().odg_chapters))
    return re.compile(rf"(?<![\w-])(?P<name>{names})(?![\w-])")


@lru_cache(maxsize=1)
def _chapters() -> NameFinder:
    return NameFinder(list(load_vocabulary().odg_chapters))


@lru_cache(maxsize=1)
def _chapter_titles() -> dict[tuple[str, ...], str]:
    return {name_words(k): v for k, v in load_vocabulary().odg_chapters.items()}


def _chapter_title(name: str) -> str:
    return _chapter_titles()[name_words(fold(name))]


@lru_cache(maxsize=4096)  # letters repeat their ODG statements word for word
def parse_odg(text: str) -> tuple[OdgPart, ...]:
    """Read one ODG statement as its chapters, topics and edition dates.

    >>> [(p.chapter_title, p.topics, p.updated) for p in parse_odg(
    ...     "Official Disability Guidelines (ODG), Shoulder (updated 12/12/16), Physical therapy")]
    [('Shoulder', ('Physical therapy',), '2016-12-12')]
    >>> [(p.chapter_title, p.topics) for p in parse_odg("Official Disability Guidelines (ODG) MRI shoulder.")]
    [(None, ('MRI shoulder',))]
    """
    low = text.lower()
    names = list(_ODG_NAME.finditer(low))
    cuts = [m for m in names if m.end() > m.start()]
    starts = [0] + [m.start() for m in cuts if m.start() > 0]
    parts: list[OdgPart] = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        name = _ODG_NAME.match(low, start)
        body_start = name.end() if name and name.start() == start else start
        found = _statement(text, low, body_start, end)
        if found:  # the first part of a statement begins where it names ODG
            found[0] = dataclasses.replace(found[0], start=start)
        parts.extend(found)
    if not parts:
        return (OdgPart(None, (), None, 0, len(text)),)
    return tuple(parts)


def _statement(text: str, low: str, start: int, end: int) -> list[OdgPart]:
    """One run of an ODG statement between mentions of ODG: its chapters and their topics."""
    chapters: list[tuple[int, int, str]] = []  # where each chapter name stands, and its title
    for found in _chapters().finditer(text[start:end]):
        match_start, match_end = start + found.start(), start + found.end()
        before = low[start:match_start]
        after = low[match_end:end]
        at_start = _ONLY_GLUE.fullmatch(before) is not None
        after_separator = _SEPARATOR_END.search(before.rstrip()[-5:]) is not None
        names_chapter = _NAMES_CHAPTER.match(after) is not None
        if at_start or after_separator or names_chapter:
            chapters.append((match_start, match_end, _chapter_title(found.group("name"))))
    if not chapters:
        topics, updated = _topics(text, start, end)
        if not topics and not updated:
            return []
        return [OdgPart(None, topics, updated, start, end)]
    parts: list[OdgPart] = []
    lead_topics, _ = _topics(text, start, chapters[0][0])
    waiting: list[tuple[int, str]] = []  # chapters named one after another, before their topics
    for i, (c_start, c_end, title) in enumerate(chapters):
        stop = chapters[i + 1][0] if i + 1 < len(chapters) else end
        tail = _CHAPTER_TAIL.match(text, c_end, stop)
        body_start = tail.end() if tail else c_end
        topics, updated = _topics(text, body_start, stop)
        if i == 0 and lead_topics and not topics:
            topics = lead_topics  # "physical therapy, elbow chapter"
        waiting.append((c_start, title))
        if not topics and i + 1 < len(chapters) and not updated:
            continue
        for w_start, w_title in waiting:
            parts.append(OdgPart(w_title, topics, updated, w_start, stop))
        waiting = []
    return parts


def _topics(text: str, start: int, end: int) -> tuple[tuple[str, ...], str | None]:
    """The topics written in ``text[start:end]``, and the edition date said among them."""
    body = text[start:end]
    updated = None
    date = _UPDATED.search(body)
    if date:
        updated = iso_date(date.group("date") or date.group("bare"))
        body = body[: date.start()] + " " + body[date.end() :]
    body = _SEPARATOR.sub("", body)
    body = _SEPARATOR.sub("", body[_CHAPTER_TAIL.match(body).end() :])  # type: ignore[union-attr]  # matches always
    body = _unwrap(body.strip())
    topics: list[str] = []
    for chunk in _TOPIC_SPLIT.split(body):
        for topic in split_sections(chunk):
            topic = _TOPIC_NOISE.sub("", _TOPIC_NOISE.sub("", topic.strip())).strip()
            if topic and _LETTER.search(topic):
                topics.append(topic)
    return tuple(topics), updated


def _unwrap(body: str) -> str:
    """A topic wrapped whole in parentheses, "(Durable medical equipment (DME))", without them."""
    if body.startswith("(") and body.rstrip(".").endswith(")"):
        inner = body.rstrip(".")[1:-1]
        depth = 0
        for char in inner:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return body
        return inner
    return body


_PAREN = re.compile(r"^(?P<outer>[^()]*?)\s*\((?P<inner>[^()]*(?:\([^()]*\))?[^()]*)\)\s*$")


@lru_cache(maxsize=8192)  # asked for each section as the graph is written and as it is counted
def topic_concept(name: str) -> tuple[str, str] | None:
    """The catalog concept a topic as written names, as (IRI, preferred label), or None.

    A name is looked up whole, then by its words outside and inside a closing parenthesis,
    so "MRI's (magnetic resonance imaging)" and "Magnetic resonance imaging (MRI)" meet.

    >>> topic_concept("MRI's (magnetic resonance imaging)") == topic_concept("Magnetic resonance imaging")
    True
    >>> topic_concept("Hand-held widgets") is None
    True
    """
    table = load_vocabulary().odg_topics
    candidates = [name]
    match = _PAREN.match(name)
    if match:
        candidates += [match.group("outer"), match.group("inner")]
    # "MRI shoulder": a topic named with its chapter's body part
    candidates += [_chapter_pattern().sub("", c.lower()) for c in candidates]
    for candidate in candidates:
        found = table.get(topic_fold(candidate))
        if found is not None:
            return found
    return None
