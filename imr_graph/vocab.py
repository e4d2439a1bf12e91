"""The controlled vocabularies extraction normalizes to, loaded once from ``ontology/*.ttl``.

The SKOS files are the single source: preferred labels are the canonical names,
alternative and hidden labels are the forms letters use.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from imr_graph.errors import ImrGraphError

SKOS = "http://www.w3.org/2004/02/skos/core#"
MATCH_ORDER = "https://w3id.org/imr-graph/vocab/matchOrder"


def ontology_dir() -> Path:
    """Return the folder holding the project's ontology and SKOS files."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "ontology", here.parent / "ontology"):
        if (candidate / "guidelines.ttl").is_file():
            return candidate
    raise ImrGraphError(f"ontology files not found next to {here}")


@dataclass(frozen=True)
class ChapterName:
    """A name letters give a guideline part: its code, and its chapter number when numbered."""

    title: str
    code: str
    chapter: int | None


@dataclass(frozen=True)
class Category:
    """A DIR request subcategory and the words (hidden labels) that place a request in it."""

    order: int
    category: str
    subcategory: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Every lookup table normalization needs, keyed by a folded form of the label."""

    specialties: dict[str, str]
    specialty_iris: dict[str, str]
    states: dict[str, str]
    guideline_codes: dict[str, str]
    chapter_names: dict[str, ChapterName]
    odg_chapters: dict[str, str]
    odg_topics: dict[str, tuple[str, str]]  # folded label → (concept IRI, preferred label)
    published_pages: dict[str, tuple[int, int]]  # chapter IRI → the book's first and last page
    section_names: tuple[str, ...]
    categories: tuple[Category, ...]
    category_words: dict[str, int]
    category_first_words: frozenset[str]
    category_longest: int
    body_regions: tuple[tuple[str, tuple[str, ...]], ...]


_NOT_WORD = re.compile(r"[^a-z0-9/]+")


@lru_cache(maxsize=65536)
def fold(label: str) -> str:
    """Fold a label for lookup: case, '&' versus 'and', punctuation and spacing.

    >>> fold("Physical Medicine & Rehabilitation")
    'physical medicine and rehabilitation'
    """
    label = label.lower().replace("&", " and ")
    return " ".join(_NOT_WORD.sub(" ", label).split())


@lru_cache(maxsize=65536)
def topic_fold(name: str) -> str:
    """Fold a topic name so that the ways letters write one topic meet: case, punctuation,
    plurals and possessives, and word order.

    >>> topic_fold("MRI's") == topic_fold("MRIs") == topic_fold("mri")
    True
    >>> topic_fold("Cervical pillows") == topic_fold("pillow, cervical")
    True
    """
    words = fold(name.replace("'s", "").replace("’s", "")).replace("/", " ").split()
    singular = [_singular(w) for w in words]
    return " ".join(sorted(singular))


def _singular(word: str) -> str:
    """ "mris" → "mri", "pillows" → "pillow"; "analysis", "stenosis", "press" stay."""
    if len(word) < 3 or not word.endswith("s") or word.endswith(("ss", "us")):
        return word
    return word if word.endswith("is") and len(word) > 4 else word[:-1]


_TOKEN = re.compile(r"[a-z0-9#%+]+")


def tokens(text: str) -> list[str]:
    """Split lowercased text into the word tokens request matching uses.

    >>> tokens("EMG/NCV of the x-rays, Tylenol #3")
    ['emg', 'ncv', 'of', 'the', 'x', 'rays', 'tylenol', '#3']
    """
    return _TOKEN.findall(text.lower())


class _Triples:
    """Just enough of a graph to read SKOS files: objects, values and subjects by predicate."""

    def __init__(self, paths: Iterable[Path]) -> None:
        import pyoxigraph as ox

        self.forward: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.backward: dict[tuple[str, str], list[str]] = defaultdict(list)
        for path in paths:
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                s, p, o = t.subject.value, t.predicate.value, t.object.value
                self.forward[s, p].append(o)
                self.backward[p, o].append(s)

    def objects(self, subject: str, predicate: str) -> list[str]:
        return self.forward.get((subject, predicate), [])

    def value(self, subject: str, predicate: str) -> str | None:
        found = self.forward.get((subject, predicate))
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str) -> list[str]:
        return self.backward.get((predicate, obj), [])


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Parse the SKOS files once per process and build the lookup tables."""
    folder = ontology_dir()
    graph = _Triples(
        folder / f"{name}.ttl"
        for name in ("specialties", "states", "guidelines", "odg-topics", "categories", "drugs", "body-regions")
    )
    pref, alt, hidden = (SKOS + n for n in ("prefLabel", "altLabel", "hiddenLabel"))
    notation, broader, in_scheme = (SKOS + n for n in ("notation", "broader", "inScheme"))

    def scheme(local: str) -> list[str]:
        return sorted(graph.subjects(in_scheme, f"https://w3id.org/imr-graph/vocab/{local}/"))

    def labels(concept: str, *props: str) -> list[str]:
        return [o for p in props for o in graph.objects(concept, p)]

    def one(concept: str, prop: str) -> str:
        return str(graph.value(concept, prop))

    specialties = {fold(label): one(c, pref) for c in scheme("specialty") for label in labels(c, pref, alt)}
    specialty_iris = {one(c, pref): str(c) for c in scheme("specialty")}
    states: dict[str, str] = {}
    for c in scheme("state"):
        code = one(c, notation)
        states[fold(code)] = code
        states[fold(one(c, pref))] = code

    codes: dict[str, str] = {}
    guideline_codes: dict[str, str] = {}
    for c in scheme("guideline"):
        if graph.value(c, SKOS + "topConceptOf") is not None:
            codes[c] = one(c, notation)
            for label in labels(c, alt):
                guideline_codes[fold(label)] = codes[c]

    def code_of(concept: str) -> str:
        seen = set()
        while concept not in codes and concept not in seen:
            seen.add(concept)
            parent = graph.value(concept, broader)
            if parent is None:
                break
            concept = parent
        return codes.get(concept, "OTHER")

    chapter_names: dict[str, ChapterName] = {}
    odg_chapters: dict[str, str] = {}
    issued = "http://purl.org/dc/terms/issued"
    for c in scheme("guideline"):
        if c in codes or graph.value(c, issued) is not None:  # editions by year are not names to match
            continue
        number = graph.value(c, notation)
        chapter = int(str(number)) if number is not None else None
        title = one(c, pref)
        code = code_of(c)
        for label in labels(c, pref, alt):
            if code == "ODG":
                odg_chapters[fold(label)] = title
            else:
                chapter_names.setdefault(fold(label), ChapterName(title, code, chapter))

    odg_topics: dict[str, tuple[str, str]] = {}
    for c in scheme("odg-topic"):
        for label in labels(c, pref, alt):
            odg_topics.setdefault(topic_fold(label), (c, one(c, pref)))

    page_start, page_end = "https://schema.org/pageStart", "https://schema.org/pageEnd"
    published_pages = {
        c: (int(str(graph.value(c, page_start))), int(str(graph.value(c, page_end))))
        for c in scheme("guideline")
        if graph.value(c, page_start) is not None and graph.value(c, page_end) is not None
    }

    section_names = tuple(sorted((one(c, pref) for c in scheme("section")), key=len, reverse=True))

    placed = []
    for c in scheme("category"):
        order = graph.value(c, MATCH_ORDER)
        parent = graph.value(c, broader)
        if order is None or parent is None:
            continue
        placed.append((Category(int(str(order)), one(parent, pref), one(c, pref), tuple(labels(c, hidden))), c))
    placed.sort(key=lambda k: k[0].order)
    categories = [category for category, _ in placed]
    # each hidden label as its word sequence → the first subcategory (by match order) using it
    words: dict[str, int] = {}
    for index, category in enumerate(categories):
        for label in category.labels:
            words.setdefault(" ".join(tokens(label)), index)
    # then the drug products of ontology/drugs.ttl, each a word of its ingredient's subcategory
    index_of = {iri: i for i, (_, iri) in enumerate(placed)}
    for c in scheme("drug"):
        target = index_of.get(str(graph.value(c, SKOS + "broadMatch")))
        if target is not None:
            for label in labels(c, pref, alt):
                words.setdefault(" ".join(tokens(label)), target)
    regions = tuple((one(c, pref), tuple(labels(c, hidden))) for c in scheme("body-region"))
    return Vocabulary(
        specialties=specialties,
        specialty_iris=specialty_iris,
        states=states,
        guideline_codes=guideline_codes,
        chapter_names=chapter_names,
        odg_chapters=odg_chapters,
        odg_topics=odg_topics,
        published_pages=published_pages,
        section_names=section_names,
        categories=tuple(categories),
        category_words=words,
        category_first_words=frozenset(w.split()[0] for w in words if w),
        category_longest=max((len(w.split()) for w in words), default=1),
        body_regions=regions,
    )
