"""The citation grammar: a guideline statement of a letter → :class:`Basis` and citations.

Letters state each party's basis in fixed phrases::

    Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300-301 and 617-25.
    Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, and
        Chronic Pain Medical Treatment 2016, Section(s): Facet blocks.
    Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back.
    The Claims Administrator did not cite any medical evidence for its decision.

Names of guidelines and chapters come from the SKOS catalog (``ontology/guidelines.ttl``).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from imr_graph.names import NameFinder, name_words, split_sections, trie_pattern
from imr_graph.odg import parse_odg
from imr_graph.read import lowered
from imr_graph.records import Basis, Citation, Guideline, Span
from imr_graph.vocab import ChapterName, Vocabulary, fold, load_vocabulary

# the statement patterns run on lowercased text (see lowered): no re.I needed
_NO_EVIDENCE = re.compile(r"did\s+not\s+cite\s+any\s+(?:medical\s+)?evidence")
#: Two ways of saying the decision was not based on the MTUS, each looked for alone (a pattern
#: led by a word is found far faster than an alternation)
_NOT_MTUS = (
    re.compile(r"did\s+not\s+base\s+(?:their|its|his|her|his/her)\s+decision\s+on\s+the\s+mtus"),
    re.compile(r"based\s+(?:their|its|his|her|his/her)\s+decision\s+on\s+recommendation\(?s?\)?\s+outside"),
)
_STATEMENT = re.compile(r"decision\s+based\s+on\s+(?:(?P<non>non-?\s?mtus(?:\s+citations?)?\b:?)|(?P<mtus>mtus\b:?))")
_PAGES = re.compile(
    r"""\b(?:page\(s\)|pages?|pgs?\.?|pp?\.)\s*:?\s*
        (?P<list>\d{1,4}(?:\s*(?:-|–|to)\s*\d{1,4})?
           (?:\s*(?:,|and|&)\s*\d{1,4}(?:\s*(?:-|–|to)\s*\d{1,4})?)*)
        |\bp\s(?P<single>\d{1,4})\b""",
    re.I | re.X,
)
_RANGE = re.compile(r"(?P<start>\d+)(?:\s*(?:-|–|to)\s*(?P<end>\d+))?")
_CHAPTER_NO = re.compile(r"\bchapter\s+(?P<n>\d{1,2})\b", re.I)
_SECTIONS = re.compile(r",?\s*Section\(s\)\s*:\s*", re.I)
_EDITION = re.compile(r"\b(?P<ed>\d+(?:st|nd|rd|th))\s+ed(?:ition|\.)?", re.I)
_YEAR = re.compile(r"\((?P<paren>(?:19|20)\d\d)\)|,\s*(?P<comma>(?:19|20)\d\d)\b")
_URL = re.compile(r"(?P<url>(?:https?://|www\.)[^\s<>\"')]+)", re.I)
_OTHER_GUIDELINES = "other medical treatment guidelines"
_GENERIC = {"MTUS", "OTHER"}

_TRAILING_GLUE = re.compile(r"(?:\s+(?:and|the))+$", re.I)
_OTHER_LEAD = re.compile(r"^\s*(?:and\s+)?other\s+medical\s+treatment\s+guidelines\s*", re.I)

#: Maps a character offset in the letter to its 1-based page.
PageOf = Callable[[int], int]


@dataclass(frozen=True)
class _Anchor:
    start: int
    end: int
    code: str
    chapter: ChapterName | None


@lru_cache(maxsize=1)
def _patterns() -> tuple[NameFinder, NameFinder, re.Pattern[str]]:
    """Compile the name patterns from the catalog: codes, chapter titles, titled parts."""
    vocab = load_vocabulary()
    code_re = NameFinder([*vocab.guideline_codes, _OTHER_GUIDELINES])
    title_re = NameFinder(list(vocab.chapter_names))
    titles = trie_pattern(list(vocab.chapter_names))
    part_re = re.compile(rf"(?:^|,?\s*\band\s+|,\s*)(?P<title>{titles})\s+(?P<year>(?:19|20)\d\d)\b")
    return code_re, title_re, part_re


@lru_cache(maxsize=1)
def _numbered_titles() -> NameFinder:
    """Titles of numbered ACOEM chapters only: what a rationale's mention can point at."""
    names = [k for k, v in load_vocabulary().chapter_names.items() if v.chapter is not None and v.code == "ACOEM"]
    return NameFinder(names)


@lru_cache(maxsize=1)
def _lookups() -> tuple[dict[tuple[str, ...], ChapterName], dict[tuple[str, ...], str]]:
    vocab = load_vocabulary()
    chapters = {name_words(k): v for k, v in vocab.chapter_names.items()}
    codes = {name_words(k): v for k, v in vocab.guideline_codes.items()}
    return chapters, codes


def _chapter_named(text: str) -> ChapterName:
    """The chapter a matched title names (the title pattern only matches catalog names)."""
    return _lookups()[0][name_words(text)]


def parse_basis(text: str, *, offset: int = 0, page_of: PageOf | None = None) -> Basis:
    """Parse one party's guideline statement; ``offset`` places it in the letter.

    >>> b = parse_basis("Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-178.")
    >>> b.cited_evidence, b.mtus_based, b.citations[0].chapter, b.citations[0].pages
    (True, True, 8, ((177, 178),))
    """
    clean = " ".join(text.split())
    span = _span(offset, offset + len(text), page_of)
    low = lowered(text)
    if _NO_EVIDENCE.search(low):
        return Basis(cited_evidence=False, mtus_based=False, text=clean, span=span)
    statements = list(_STATEMENT.finditer(low))
    citations: list[Citation] = []
    for i, match in enumerate(statements):
        end = statements[i + 1].start() if i + 1 < len(statements) else len(text)
        body_start = match.end()
        body = text[body_start:end]
        where = offset + body_start
        if match.group("mtus"):
            citations.extend(parse_mtus(body, offset=where, page_of=page_of))
        else:
            citations.extend(parse_non_mtus(body, offset=where, page_of=page_of))
    mtus_based = any(c.mtus for c in citations) and not any(p.search(low) for p in _NOT_MTUS)
    return Basis(
        cited_evidence=bool(citations) or (not statements and bool(clean)),
        mtus_based=mtus_based,
        citations=tuple(citations),
        text=clean,
        span=span,
    )


def parse_mtus(text: str, *, offset: int = 0, page_of: PageOf | None = None) -> list[Citation]:
    """Parse the text after ``Decision based on MTUS``: one citation per named part.

    >>> [(c.guideline.value, c.chapter, c.sections) for c in parse_mtus(
    ...     "Low Back Complaints 2004, Section(s): Summary, and Chronic Pain Medical "
    ...     "Treatment 2016, Section(s): Facet blocks.")]
    [('ACOEM', 12, ('Summary',)), ('CPMTG', None, ('Facet blocks',))]
    """
    _, _, part_re = _patterns()
    vocab = load_vocabulary()
    lead = len(text) - len(text.lstrip())
    text, offset = text[lead:], offset + lead
    parts = list(part_re.finditer(lowered(text)))
    if not parts or parts[0].start() > 0:
        # older letters: "ACOEM Chapter 12 … Page(s): 303, Chronic Pain … Page(s): 46" may
        # name several guidelines; each gets its own citation
        return [_old_style_mtus(text[start:end], offset + start, page_of, vocab) for start, end, _ in _segments(text)]
    citations: list[Citation] = []
    for i, part in enumerate(parts):
        end = parts[i + 1].start() if i + 1 < len(parts) else len(text)
        name = _chapter_named(part.group("title"))
        rest = text[part.end() : end]
        sections: tuple[str, ...] = ()
        marker = _SECTIONS.match(rest)
        if marker:
            sections = split_sections(rest[marker.end() :])
        raw = text[part.start("title") : end]
        common = {
            "guideline": Guideline(name.code),
            "mtus": True,
            "text": _tidy(raw),
            "year": int(part.group("year")),
            "span": _span(offset + part.start("title"), offset + end, page_of),
        }
        chapters = _chapters_named_by_sections(name, sections, vocab)
        if chapters:
            # "General Approaches 2004, Section(s): Cornerstones of …" names ACOEM chapters 1-7
            citations.extend(
                Citation(**common, chapter=c.chapter, chapter_title=c.title, sections=(s,))  # type: ignore[arg-type]
                for s, c in chapters
            )
        else:
            citations.append(
                Citation(**common, chapter=name.chapter, chapter_title=name.title, sections=sections)  # type: ignore[arg-type]
            )
    return citations


def _chapters_named_by_sections(
    part: ChapterName, sections: tuple[str, ...], vocab: Vocabulary
) -> list[tuple[str, ChapterName]]:
    """Map a part's sections to numbered chapters when each section is a chapter title."""
    if part.chapter is not None or part.code != "ACOEM" or not sections:
        return []
    named = [(s, vocab.chapter_names.get(fold(s))) for s in sections]
    if all(c is not None and c.chapter is not None and c.code == "ACOEM" for _, c in named):
        return [(s, c) for s, c in named if c is not None]
    return []


def _old_style_mtus(text: str, offset: int, page_of: PageOf | None, vocab: Vocabulary) -> Citation:
    """``ACOEM Chapter 12 Low Back Complaints Page(s): 300-301`` and its shorter forms."""
    code_re, title_re, _ = _patterns()
    code = "MTUS"
    code_match = code_re.search(text)
    if code_match:
        code = _code_of(code_match.group("name"), vocab)
    chapter_no = _CHAPTER_NO.search(text)
    title_match = title_re.search(text)
    title = _chapter_named(title_match.group("name")) if title_match else None
    if title and code not in _GENERIC and title.code != code:
        title = None  # "Chronic Pain" inside "Chronic Pain Treatment Guidelines" names no chapter
    if title and code in _GENERIC:
        code = title.code
    chapter = int(chapter_no.group("n")) if chapter_no else (title.chapter if title else None)
    if chapter is not None and code in _GENERIC:
        code = "ACOEM"
    return Citation(
        guideline=Guideline(code),
        mtus=True,
        text=_tidy(text),
        chapter=chapter,
        chapter_title=title.title if title else None,
        pages=parse_pages(text),
        edition=_edition(text),
        span=_span(offset, offset + len(text.rstrip()), page_of),
    )


def parse_non_mtus(text: str, *, offset: int = 0, page_of: PageOf | None = None) -> list[Citation]:
    """Parse free text after ``Non-MTUS Citation``: one citation per source it names.

    >>> [(c.guideline.value, c.url) for c in parse_non_mtus(
    ...     "Official Disability Guidelines (ODG) Low Back and Other Medical Treatment "
    ...     "Guidelines www.example.org.")]
    [('ODG', None), ('OTHER', 'www.example.org')]
    """
    body = text.rstrip()
    if not body.strip(" .;"):
        return []
    return [
        c
        for start, end, code in _segments(body)
        for s_start, s_end in (_outside_sources(body, start, end) if code == "OTHER" else [(start, end)])
        for c in _free_citations(body[s_start:s_end], False, offset + s_start, page_of)
    ]


#: Where one outside source ends after its address and another begins: "…/syncope.html; UpToDate, …".
_AFTER_ADDRESS = re.compile(r"[\s.,]*[;.,]\s+(?=\S+\s+\S)")


def _outside_sources(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut other evidence where a source's address ends and more text follows: each address
    closes one source. Sources without addresses are not cut (their parts hold semicolons too)."""
    cuts = [start]
    for url in _URL.finditer(text, start, end):
        address_end = url.start() + len(url.group().rstrip(".,;:"))
        after = _AFTER_ADDRESS.match(text, address_end, end)
        if after is not None and text[after.end() : end].strip(" .;,"):
            cuts.append(after.end())
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip(" .;,")]


def _free_citations(raw: str, mtus: bool, offset: int, page_of: PageOf | None) -> list[Citation]:
    """One free-text source; an ODG statement gives one citation per chapter it names."""
    citation = _free_citation(raw, mtus, offset, page_of)
    if citation.guideline is not Guideline.ODG:
        return [citation]
    parts = parse_odg(raw)
    if len(parts) == 1:
        part = parts[0]
        title = part.chapter_title or citation.chapter_title
        return [dataclasses.replace(citation, chapter_title=title, sections=part.topics, updated=part.updated)]
    out = []
    for k, part in enumerate(parts):
        start = 0 if k == 0 else part.start
        text = raw[start : part.end]
        out.append(
            dataclasses.replace(
                citation,
                text=_tidy(text),
                chapter_title=part.chapter_title,
                sections=part.topics,
                updated=part.updated,
                pages=parse_pages(text),
                span=_span(offset + start, offset + start + len(text.rstrip()), page_of),
            )
        )
    return out


def _segments(text: str) -> list[tuple[int, int, str]]:
    """Cut free text where it moves on to a source with another guideline code."""
    vocab = load_vocabulary()
    segments: list[list[int | str]] = [[0, len(text), "OTHER"]]
    for anchor in _anchors(text, vocab):
        current = segments[-1]
        if anchor.code == "OTHER":  # "… and Other Medical Treatment Guidelines X"
            current[1] = anchor.start
            segments.append([anchor.start, len(text), "OTHER"])
        elif current[2] in _GENERIC:
            if not (anchor.code == "MTUS" and current[2] == "OTHER" and len(segments) > 1):
                current[2] = anchor.code
        elif anchor.code not in (current[2], "MTUS"):
            current[1] = anchor.start
            segments.append([anchor.start, len(text), anchor.code])
    return [(int(s), int(e), str(c)) for s, e, c in segments if str(text[int(s) : int(e)]).strip(" .;,")]


def _anchors(text: str, vocab: Vocabulary) -> Iterator[_Anchor]:
    code_re, _, _ = _patterns()
    for match in code_re.finditer(text):
        name = fold(match.group("name"))
        code = "OTHER" if name_words(name) == name_words(_OTHER_GUIDELINES) else _code_of(name, vocab)
        yield _Anchor(match.start(), match.end(), code, None)


def _code_of(name: str, vocab: Vocabulary) -> str:
    return _lookups()[1].get(name_words(name), "OTHER")


def _free_citation(raw: str, mtus: bool, offset: int, page_of: PageOf | None) -> Citation:
    vocab = load_vocabulary()
    code_re, title_re, _ = _patterns()
    head = _OTHER_LEAD.sub("", raw)
    code = "OTHER"
    for match in code_re.finditer(head):
        found = _code_of(match.group("name"), vocab)
        if found != "MTUS" or code == "OTHER":
            code = found
        if code != "MTUS":
            break
    chapter: int | None = None
    chapter_title: str | None = None
    if code in ("ACOEM", "MTUS"):
        title_match = title_re.search(head)
        if title_match:
            name = _chapter_named(title_match.group("name"))
            chapter_title, chapter = name.title, name.chapter
            code = name.code if code == "MTUS" else code
        number = _CHAPTER_NO.search(head)
        if number:
            chapter = int(number.group("n"))
        if code == "MTUS" and chapter is not None:
            code = "ACOEM"
    if code in ("ODG", "OTHER"):
        odg_chapter = _odg_chapter(head, vocab, anywhere=code == "ODG")
        if odg_chapter:
            # ODG is cited by its chapter names, sometimes with no other name at all
            code, chapter_title = "ODG", odg_chapter
    url = _URL.search(raw)
    year = _YEAR.search(raw)
    return Citation(
        guideline=Guideline(code),
        mtus=mtus,
        text=_tidy(raw),
        chapter=chapter,
        chapter_title=chapter_title,
        pages=parse_pages(raw),
        edition=_edition(raw),
        year=int(year.group("paren") or year.group("comma")) if year else None,
        url=url.group("url").rstrip(".,;") if url else None,
        span=_span(offset, offset + len(raw.rstrip()), page_of),
    )


def _odg_chapter(text: str, vocab: Vocabulary, anywhere: bool) -> str | None:
    """The ODG chapter a citation names: at its start, or (when it names ODG) anywhere."""
    pattern = _odg_pattern()
    match = pattern.search(text) if anywhere else pattern.match(text.lstrip(" :-,"))
    return _odg_lookup()[name_words(match.group("name"))] if match else None


@lru_cache(maxsize=1)
def _odg_pattern() -> re.Pattern[str]:
    names = trie_pattern(list(load_vocabulary().odg_chapters))
    return re.compile(rf"(?<![\w-])(?P<name>{names})(?![\w-])", re.I)


@lru_cache(maxsize=1)
def _odg_lookup() -> dict[tuple[str, ...], str]:
    return {name_words(k): v for k, v in load_vocabulary().odg_chapters.items()}


def parse_pages(text: str) -> tuple[tuple[int, int], ...]:
    """Return the inclusive page ranges a text states.

    >>> parse_pages("Page(s): 300-301 and 617-25")
    ((300, 301), (617, 625))
    >>> parse_pages("pages 92,127")
    ((92, 92), (127, 127))
    """
    ranges: list[tuple[int, int]] = []
    for match in _PAGES.finditer(text):
        if match.group("single"):
            n = int(match.group("single"))
            ranges.append((n, n))
            continue
        for part in _RANGE.finditer(match.group("list")):
            start = int(part.group("start"))
            end = _expand_end(part.group("start"), part.group("end"))
            ranges.append((start, max(start, end)))
    return tuple(dict.fromkeys(ranges))


def _expand_end(start: str, end: str | None) -> int:
    """``617-25`` means 617–625: a shorter end borrows the start's leading digits."""
    if end is None:
        return int(start)
    if len(end) < len(start) and int(end) < int(start):
        return int(start[: len(start) - len(end)] + end)
    return int(end)


def _edition(text: str) -> str | None:
    match = _EDITION.search(text)
    return match.group("ed").lower() if match else None


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;")
    return _TRAILING_GLUE.sub("", text) if text[-3:].lower() in ("and", "the") else text


def _span(start: int, end: int, page_of: PageOf | None) -> Span:
    return Span(start, end, page_of(start) if page_of else 1)


_MTUS_FAMILY = {"ACOEM", "CPMTG", "PTG", "AMTG", "MTUS"}
_PAGES_BEFORE = re.compile(r"(?:page\(s\)|pages?|pgs?\.?|pp?\.)\s*\d[\d\s,\-–and&]*\s+(?:of|in)\s+(?:the\s+)?$", re.I)
_SENTENCE = re.compile(r"[.!?]\s+(?=[A-Z\"“(])")
_GUIDELINE_WORDS = re.compile(r"\b(?:chapter|guidelines?|ACOEM|MTUS)\b", re.I)
_PAGES_AFTER = re.compile(r"[^.;]{0,40}?(?=(?:,|\s)\s*(?:page|pages|pgs?\.|pp?\.))[^.;]*", re.I)


def _mention(
    text: str,
    lo: int,
    hi: int,
    a_start: int,
    a_end: int,
    code: str,
    titles: list[tuple[int, int, ChapterName]],
    offset: int = 0,
    page_of: PageOf | None = None,
) -> Citation:
    """One guideline named at ``text[a_start:a_end]``, with pages said next to it in its sentence."""
    window = text[max(lo, a_start - 40) : a_start]
    # pages said before the name end in "of", "in" or "the" ("on page 46 of the …"): looked for only then
    before = _PAGES_BEFORE.search(window) if window.rstrip()[-3:].lower().endswith(("of", "in", "the")) else None
    pages = parse_pages(before.group()) if before else ()
    after = _PAGES_AFTER.match(text, a_end, min(hi, a_end + 60))
    if not pages and after:
        pages = parse_pages(after.group())
    chapter = None
    if code == "ACOEM":
        chapter = titles[0][2].chapter if titles else None
        number = _CHAPTER_NO.search(text, lo, hi)
        if number:
            chapter = int(number.group("n"))
    frag_start = a_start - (len(before.group()) if before else 0)
    frag_end = after.end() if after and pages else a_end
    return Citation(
        guideline=Guideline(code),
        mtus=code in _MTUS_FAMILY,
        text=_tidy(text[frag_start:frag_end]),
        chapter=chapter,
        pages=pages,
        edition=_edition(text[lo:hi]) if code == "ACOEM" else None,
        span=_span(offset + frag_start, offset + frag_end, page_of),
    )


_COORDINATION = re.compile(r"\s*(?:,\s*)?(?:and|&|as\s+well\s+as)\s+(?:the\s+)?|\s*,\s*(?:the\s+)?", re.I)


def _coordinated(generic: tuple[int, int], specific: list[tuple[int, int, str]], text: str) -> bool:
    """Whether a generic name ("MTUS") is coordinated with a specific one ("MTUS and ACOEM"),
    so that both are cited, rather than part of its name ("MTUS ACOEM") or a gloss on it."""
    start, end = generic
    for s_start, s_end, _ in specific:
        between = text[end:s_start] if s_start >= end else text[s_end:start] if start >= s_end else None
        if between is not None and _COORDINATION.fullmatch(between):
            return True
    return False


def find_mentions(
    text: str, *, offset: int = 0, page_of: PageOf | None = None, as_basis: bool = False
) -> list[Citation]:
    """Find guidelines named in prose (a rationale, or a 2013 letter's basis).

    >>> [(c.guideline.value, c.pages) for c in find_mentions(
    ...     "As noted on page 46 of the Chronic Pain Medical Treatment Guidelines, ESIs are an option.")]
    [('CPMTG', ((46, 46),))]
    """
    vocab = load_vocabulary()
    code_re, _, _ = _patterns()
    # names are found once in the whole text, then read sentence by sentence
    names = [(m.start(), m.end(), _code_of(m.group("name"), vocab)) for m in code_re.finditer(text)]
    titles = [(m.start(), m.end(), _chapter_named(m.group("name"))) for m in _numbered_titles().finditer(text)]
    if not names and not titles:
        return []
    bounds = [0, *(m.end() for m in _SENTENCE.finditer(text)), len(text)]
    # each name in its sentence (found by bisection): only sentences that name something are read
    by_sentence: dict[int, tuple[list[tuple[int, int, str]], list[tuple[int, int, ChapterName]]]] = {}
    for name in names:
        by_sentence.setdefault(bisect_right(bounds, name[0]) - 1, ([], []))[0].append(name)
    for title in titles:
        by_sentence.setdefault(bisect_right(bounds, title[0]) - 1, ([], []))[1].append(title)
    found: dict[tuple[object, ...], Citation] = {}
    for index in sorted(by_sentence):
        lo, hi = bounds[index], bounds[index + 1]
        anchors, sentence_titles = by_sentence[index]
        if sentence_titles and _GUIDELINE_WORDS.search(text, lo, hi):
            anchors = anchors + [(t0, t1, "ACOEM") for t0, t1, _ in sentence_titles]
        specific = [a for a in anchors if a[2] not in _GENERIC]
        for a_start, a_end, code in sorted(anchors):
            if code in _GENERIC and specific and not _coordinated((a_start, a_end), specific, text):
                continue
            citation = _mention(text, lo, hi, a_start, a_end, code, sentence_titles, offset, page_of)
            found.setdefault((citation.guideline, citation.chapter, citation.pages), citation)
    mentions = list(found.values())
    if as_basis:
        # keep the most specific mention of each guideline
        best: dict[tuple[str, int | None], Citation] = {}
        for c in mentions:
            k = (c.guideline.value, c.chapter)
            if k not in best or (c.pages and not best[k].pages):
                best[k] = c
        mentions = list(best.values())
    return mentions


def linked_evidence(
    text: str, mentions: list[Citation], *, offset: int = 0, page_of: PageOf | None = None
) -> list[Citation]:
    """Other evidence cited in prose by its address: each sentence of ``text`` that gives a URL
    and names no guideline among ``mentions`` (spans as :func:`find_mentions` gives them).

    >>> [(c.guideline.value, c.url) for c in linked_evidence(
    ...     "A review of bracing, https://evidence.example.org/7.", [])]
    [('OTHER', 'https://evidence.example.org/7')]
    """
    if _URL.search(text) is None:
        return []
    bounds = [0, *(m.end() for m in _SENTENCE.finditer(text)), len(text)]
    taken = [(c.span.start - offset, c.span.end - offset) for c in mentions if c.span is not None]
    found = []
    for lo, hi in itertools.pairwise(bounds):
        if _URL.search(text, lo, hi) and not any(lo <= start < hi for start, _ in taken):
            found.append(_free_citation(text[lo:hi], False, offset + lo, page_of))
    return found
