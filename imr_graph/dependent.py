"""Dependent items: decided only because another item of the same letter was.

Reviewers say so in the rationale, the other decision first or last::

    As the requested surgery is not medically necessary, the associated post-operative
        physical therapy is also not medically necessary.
    Given that the naproxen was not medically necessary, the request for pantoprazole is
        also not medically necessary.
    Since the primary procedure is not medically necessary, none of the associated
        services are medically necessary.
    The request for a cold therapy unit is not medically necessary because the surgery
        was not found to be medically necessary.

Counting such items as decisions of their own, usually with no guideline cited, distorts
every rate; they are marked ``dependent`` and, where the letter names it, linked to the item
they follow.
"""

from __future__ import annotations

import dataclasses
import re

from imr_graph.read import lowered, word_starts
from imr_graph.records import Item
from imr_graph.vocab import tokens

_DECIDED = r"""(?:is|was|were|are|has\s+been|have\s+been)\s+(?:not\s+)?
    (?:(?:determined|deemed|found|considered|shown)\s+(?:to\s+be\s+)?|also\s+)?
    (?:not\s+|non-?)?(?:medically\s+necessary|certified|supported|authorized|approved)"""
#: "As the requested surgery is not medically necessary, …": the decision this item follows.
_PREMISE = re.compile(
    rf"""\b(?:as|since|because|given(?:\s+that)?|in\s+that)\s+(?:the\s+)?(?:request(?:ed)?\s+for\s+(?:the\s+|a\s+|an\s+)?|(?:requested|proposed)\s+)?
        (?P<primary>[^.;,]{{2,120}}?)\s+{_DECIDED}""",
    re.X,  # run on lowercased text
)
#: What says this item follows from that decision, not from its own merits.
_FOLLOWS = re.compile(
    r"""\b(?:also|likewise|consequently|none\s+of\s+the\s+(?:associated|related|requested)
        |associated|ancillary|adjunct|concurrent|post-?\s?operative|pre-?\s?operative|peri-?\s?operative)\b""",
    re.X,  # run on lowercased text
)
#: Words that name the other item in general terms: surgery, the primary procedure.
_PROCEDURE_WORDS = {"surgery", "surgical", "procedure", "procedures", "operation", "primary"}
_DECISION_WORDS = ("necessary", "certified", "supported", "authorized", "approved")
#: Words one of which a sentence tying this decision to another uses (str.find is far quicker
#: than the patterns below on the many sentences that have none).
_CUES = ("also", "likewise", "consequently", "associated", "ancillary", "adjunct", "concurrent", "operative",
         "surg", "procedure", "operation", "primary", "none of the")  # fmt: skip
_STOP = {"the", "a", "an", "of", "for", "and", "with", "to", "in", "on", "request", "requested", "mg", "x",
         "intervention", "service", "services", "per", "documentation"}  # fmt: skip


def dependency(rationale: str, request: str = "") -> str | None:
    """The words naming the decision an item's rationale says it follows, or None.

    >>> dependency("As the requested surgery is not medically necessary, the associated "
    ...            "post-operative physical therapy is also not medically necessary.")
    'surgery'
    >>> dependency("Physical therapy is not medically necessary as no functional gains were documented.")
    """
    low = lowered(rationale)  # offsets kept, so the primary is read from the rationale as written
    for begin, end in _cued_sentences(low):
        text = low[begin:end]
        # a cheap first look: a decision word besides the word that ties it to another decision
        if not any(word in text for word in _DECISION_WORDS):
            continue
        premise = _PREMISE.search(text)
        if premise is None:
            continue
        rest = text[: premise.start()] + text[premise.end() :]
        at = begin + premise.start("primary")
        primary = rationale[at : at + len(premise.group("primary"))]
        own = _content(primary) <= set(tokens(request)) and not set(tokens(primary)) & _PROCEDURE_WORDS
        if own:
            continue  # "as the <this request> is not medically necessary": its own decision
        if _FOLLOWS.search(rest) or set(tokens(primary)) & _PROCEDURE_WORDS:
            return " ".join(primary.split())
    return None


def _cued_sentences(low: str) -> list[tuple[int, int]]:
    """Where the sentences of ``low`` that hold a cue stand, in order. A sentence is a run of
    characters up to and with its ``.``, ``!`` or ``?`` (or the text's end); the cues hold none.
    Found from the cues (``str.find``), not by splitting every sentence."""
    sentences: list[tuple[int, int]] = []
    for at in word_starts(low, _CUES):
        if sentences and at < sentences[-1][1]:
            continue  # in the sentence just found
        begin = max(low.rfind(".", 0, at), low.rfind("!", 0, at), low.rfind("?", 0, at)) + 1
        ends = [e for e in (low.find(".", at), low.find("!", at), low.find("?", at)) if e >= 0]
        sentences.append((begin, min(ends) + 1 if ends else len(low)))
    return sentences


def mark_dependent(items: list[Item]) -> list[Item]:
    """Mark each item whose rationale says it follows another decision, and link it to the
    item the rationale names: among the letter's other, independent items, the one sharing
    the most words with it, else the only surgery when it names "the surgery"."""
    primaries = {item.n: dependency(item.rationale, item.request) for item in items}
    independent = [item for item in items if primaries[item.n] is None]
    out = []
    for item in items:
        primary = primaries[item.n]
        if primary is None:
            out.append(item)
        else:
            out.append(dataclasses.replace(item, dependent=True, depends_on=_named_item(primary, independent)))
    return out


def _content(text: str) -> set[str]:
    return {w for w in tokens(text) if w not in _STOP and len(w) > 2}


def _named_item(primary: str, candidates: list[Item]) -> int | None:
    words = _content(primary) - _PROCEDURE_WORDS
    best, best_overlap = None, 0
    for other in candidates:
        overlap = len(words & set(tokens(other.request)))
        if overlap > best_overlap:
            best, best_overlap = other.n, overlap
    if best is None and set(tokens(primary)) & _PROCEDURE_WORDS:
        surgeries = [o.n for o in candidates if (o.treatment.category or "").lower() == "surgery"]
        best = surgeries[0] if len(surgeries) == 1 else None
    return best
