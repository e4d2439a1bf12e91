"""Normalization: dates to ISO, states to USPS codes, specialties to board names,
requests to a treatment label and DIR category, diagnoses to a body region."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from imr_graph.records import Treatment
from imr_graph.vocab import fold, load_vocabulary, tokens

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
#: A date as letters write it: 11/09/2016, 10-13-16, 5/9/13, January 1, 1996, Nov. 3, 2016.
DATE = (
    r"(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})(?!\d)"
    r"|(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})"
)
#: The same, for lowercased text: without the inline case flag Python's engine finds it 3 times faster.
LOWER_DATE = DATE.replace(
    "(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)",
    "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)",
)
#: Between the names of a list of states, and of specialties.
_STATE_LIST = re.compile(r",|;|\band\b|/")
_SPECIALTY_LIST = re.compile(r",|;|\band\b|&")
#: Letters enough to be a name someone meant (two), or a word (four).
_WORDLIKE = re.compile(r"[A-Za-z]{2}")
_WORD = re.compile(r"[A-Za-z]{4,}")
#: What goes before the part of a partly authorized request that is reviewed.
_REMAINING = re.compile(r"^.*?remaining imr eligible portion of the original request,?\s*")
#: A strength or count: a drug.
_DOSE = re.compile(r"\d\s*(?:mg|mcg|ml|%)\b|#\s*\d")
_NUMERIC = re.compile(r"(?P<m>\d{1,2})[/-](?P<d>\d{1,2})[/-](?P<y>\d{4}|\d{2})$")
_WORDY = re.compile(r"(?P<mon>[A-Za-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})$")


def iso_date(text: str, pivot_year: int = 2030) -> str | None:
    """Return ``YYYY-MM-DD`` for a date as letters write it, or None when it is not one.

    >>> iso_date("11/09/2016"), iso_date("10-13-16"), iso_date("January 1, 1996"), iso_date("5/9/96")
    ('2016-11-09', '2016-10-13', '1996-01-01', '1996-05-09')
    """
    text = " ".join(text.split()).strip(" .,")
    numeric, wordy = _NUMERIC.match(text), _WORDY.match(text)
    try:
        if numeric:
            year = int(numeric.group("y"))
            if year < 100:
                year += 2000 if 2000 + year <= pivot_year else 1900
            return dt.date(year, int(numeric.group("m")), int(numeric.group("d"))).isoformat()
        if wordy and wordy.group("mon").lower() in _MONTHS:
            month = _MONTHS[wordy.group("mon").lower()]
            return dt.date(int(wordy.group("y")), month, int(wordy.group("d"))).isoformat()
    except ValueError:
        return None
    return None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between ``a`` and ``b``, or ``limit + 1`` once it must exceed ``limit``.

    >>> edit_distance("sports medicinea", "sports medicine", 2), edit_distance("surgery", "urology", 2)
    (1, 3)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def nearest(written: str, table: dict[str, str]) -> str | None:
    """The value of the one key of ``table`` (folded labels) within two edits of ``written``
    (one for labels under eight letters), or None when none is, or several are, that close.

    >>> nearest("Sports Medicinea", {"sports medicine": "Sports Medicine", "family medicine": "Family Medicine"})
    'Sports Medicine'
    """
    key = fold(written)
    limit = 1 if len(key) < 8 else 2
    if len(key) < 5:
        return None  # too short to tell a slip from another name
    found = {table[k] for k in table if edit_distance(key, k, limit) <= limit}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Normalized:
    """Labels read from a phrase of a letter: the vocabulary's, and what needed care."""

    labels: tuple[str, ...]
    corrected: tuple[tuple[str, str], ...] = ()  # (as written, label): read through a slip
    unknown: tuple[str, ...] = ()  # in no vocabulary; kept as written where the field allows


def state_codes(text: str) -> Normalized:
    """Return USPS codes for a list of state names or codes, in the letter's order.

    >>> state_codes("California,North Carolina").labels
    ('CA', 'NC')
    >>> state_codes("Californa, Atlantis")
    Normalized(labels=('CA',), corrected=(('Californa', 'CA'),), unknown=('Atlantis',))
    """
    states = load_vocabulary().states
    codes: list[str] = []
    corrected: list[tuple[str, str]] = []
    unknown: list[str] = []
    for piece in _STATE_LIST.split(text):
        written = " ".join(piece.split()).strip(" .")
        if not written:
            continue
        code = states.get(fold(written))
        if code is None:
            code = nearest(written, states)
            if code is not None:
                corrected.append((written, code))
            elif _WORDLIKE.search(written):
                unknown.append(written)
        if code and code not in codes:
            codes.append(code)
    return Normalized(tuple(codes), tuple(corrected), tuple(unknown))


@lru_cache(maxsize=1)
def _specialty_pattern() -> re.Pattern[str]:
    names = sorted(load_vocabulary().specialties, key=len, reverse=True)
    flex = [r"\s*(?:&|and)\s*".join(re.escape(w) for w in n.split(" and ")) for n in names]
    flex = [f.replace(r"\ ", r"\s+") for f in flex]
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(flex) + r")(?![A-Za-z])", re.I)


def specialties(text: str) -> Normalized:
    """Return the canonical specialties a phrase names; a phrase one or two edits from a
    specialty is read as it, with a note; any other phrase is unknown.

    >>> specialties("Physical Medicine & Rehabilitation, Pain Management").labels
    ('Physical Medicine and Rehabilitation', 'Pain Medicine')
    >>> specialties("Sports Medicinea").corrected
    (('Sports Medicinea', 'Sports Medicine'),)
    """
    table = load_vocabulary().specialties
    found: list[str] = []
    corrected: list[tuple[str, str]] = []
    unknown: list[str] = []
    last = 0

    def leftovers(gap: str) -> None:
        for phrase in _leftovers(gap):
            label = nearest(phrase, table)
            if label is None:
                unknown.append(phrase)
                continue
            corrected.append((phrase, label))
            if label not in found:
                found.append(label)

    for match in _specialty_pattern().finditer(text):
        leftovers(text[last : match.start()])
        label = table[fold(match.group())]
        if label not in found:
            found.append(label)
        last = match.end()
    leftovers(text[last:])
    return Normalized(tuple(found), tuple(corrected), tuple(unknown))


def _leftovers(gap: str) -> list[str]:
    return [" ".join(w.split()) for w in _SPECIALTY_LIST.split(gap) if _WORD.search(w)]


#: Several strengths in one product: "4%-27.5%-0.0325%", "flurbiprofen 20%/lidocaine 5%".
_COMPOUNDED = re.compile(r"\d(?:\.\d+)?\s*%\s*(?:[-/,+]|and)\s*(?:[a-z]+\s+)?\d(?:\.\d+)?\s*%")
#: A topical form with a strength: "12% gel".
_TOPICAL = re.compile(
    r"\b(?:cream|ointment|lotion|gel|liniment)\b.*\d\s*%|\d\s*%.*\b(?:cream|ointment|lotion|gel|liniment)\b"
)


def treatment(request: str) -> Treatment:
    """Place a request in a DIR request category by the words it uses.

    >>> treatment("Norco 10/325mg #60")
    Treatment(label='norco 10/325mg #60', category='Pharmaceuticals', subcategory='Opioids')
    >>> treatment("MRI of the lumbar spine").subcategory
    'Other Diagnostic Tests'
    """
    label = " ".join(request.lower().split())
    core = _REMAINING.sub("", label)
    vocab = load_vocabulary()
    words = tokens(core)
    # every run of words that a hidden label could be is looked up; the lowest match order wins
    longest = vocab.category_longest
    hits = [
        index
        for start, word in enumerate(words)
        if word in vocab.category_first_words
        for end in range(start + 1, min(len(words), start + longest) + 1)
        if (index := vocab.category_words.get(" ".join(words[start:end]))) is not None
    ]
    if hits:
        category = vocab.categories[min(hits)]
        return Treatment(label, category.category, category.subcategory)
    if _COMPOUNDED.search(core):
        # an unknown product: several strengths in one is a compound; one strength in a
        # topical form, a topical analgesic
        return Treatment(label, "Pharmaceuticals", "Topical Compounds")
    if _TOPICAL.search(core):
        return Treatment(label, "Pharmaceuticals", "Topical Analgesics")
    if _DOSE.search(core):
        return Treatment(label, "Pharmaceuticals", None)
    return Treatment(label, None, None)


@lru_cache(maxsize=1)
def _region_words() -> tuple[dict[tuple[str, ...], str], int, frozenset[str]]:
    """Each body-region keyword as its word tuple, the longest keyword's length in words, and
    the words keywords begin with."""
    table: dict[tuple[str, ...], str] = {}
    for label, words in load_vocabulary().body_regions:
        for word in words:
            key = tuple(tokens(word))
            table.setdefault(key, label)
            if not key[-1].endswith("s"):  # "knees", "hands": plurals name the same place
                table.setdefault((*key[:-1], key[-1] + "s"), label)
    return table, max(len(k) for k in table), frozenset(k[0] for k in table)


def body_region(diagnosis: str) -> str | None:
    """Return the body region a diagnosis names first (the longest keyword there), or None.

    Plural places are the same places ("knees"), and a bone's part is the bone's
    region: "fracture of the left radius head" is the elbow, not the head.

    >>> body_region("left knee internal derangement")
    'knee'
    >>> body_region("low back pain")
    'lumbar spine'
    >>> body_region("nondisplaced fracture of the left radius head")
    'elbow'
    """
    table, longest, firsts = _region_words()
    words = tokens(diagnosis)
    for start, first in enumerate(words):
        if first not in firsts:
            continue
        for end in range(min(len(words), start + longest), start, -1):
            label = table.get(tuple(words[start:end]))
            if label is not None:
                return label
    return None
