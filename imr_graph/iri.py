"""Every IRI the graph uses is minted here, deterministically.

The same letter always gives the same IRIs, so rebuilding is idempotent and letters can
be added or replaced one named graph at a time. Nothing here reads letter text into an
IRI except through :func:`slug`, which keeps only ``[a-z0-9-]``.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

#: The project's ontology (classes and properties).
NS = "https://w3id.org/imr-graph/ns#"
#: Instances: letters, items, citations, guideline units, treatments.
ID = "https://w3id.org/imr-graph/id/"
#: The SKOS vocabularies shipped in ``ontology/``.
VOCAB = "https://w3id.org/imr-graph/vocab/"

CITO = "http://purl.org/spar/cito/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"

#: The named graph that holds the ontology and vocabularies inside a store.
VOCABULARY_GRAPH = ID + "graph/vocabulary"
#: The prefixes tables print IRIs with (``gl:acoem-2004-ch12``), most specific first; ``sparql``
#: declares them and every parameter that takes an IRI reads them.
SHORT = (
    ("gl:", VOCAB + "guideline/"),
    ("cat:", VOCAB + "category/"),
    ("state:", VOCAB + "state/"),
    ("outcome:", VOCAB + "outcome/"),
    ("vocab:", VOCAB),
    ("letter:", ID + "letter/"),
    ("specialty:", ID + "specialty/"),
    ("id:", ID),
    ("imr:", NS),
)


def expand(value: str) -> str:
    """An IRI written with one of the printed prefixes, in full (other text as it is).

    >>> expand("gl:acoem-2004-ch12")
    'https://w3id.org/imr-graph/vocab/guideline/acoem-2004-ch12'
    """
    for prefix, namespace in SHORT:
        if value.startswith(prefix):
            return namespace + value[len(prefix) :]
    return value


#: The named graph where a build records each letter it finished writing (and its source hash).
JOURNAL_GRAPH = ID + "graph/journal"
#: The named graph of outcome statistics (RDF Data Cube observations) kept up to date by builds.
STATISTICS_GRAPH = ID + "graph/statistics"
QB = "http://purl.org/linked-data/cube#"

_SAFE_ID = re.compile(r"\A(?:CM\d{2}-\d{7}|doc-[0-9a-f]{16})\Z")


def slug(text: str, limit: int = 60) -> str:
    """A readable, IRI-safe key for a label; long labels end in a short hash.

    >>> slug("Physical Medicine & Rehabilitation")
    'physical-medicine-rehabilitation'
    >>> slug("<img src=x onerror=alert(1)>")
    'img-src-x-onerror-alert-1'
    """
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
    if len(base) <= limit:
        return base
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return f"{base[:limit].rstrip('-')}-{digest}"


def letter(record_id: str) -> str:
    """The letter (and its named graph): ``id/letter/CM16-0213037``."""
    if not _SAFE_ID.match(record_id):
        record_id = slug(record_id)
    return f"{ID}letter/{record_id}"


def item(letter_iri: str, n: int) -> str:
    return f"{letter_iri}/item/{n}"


def citation(item_iri: str, role: str, k: int) -> str:
    """``…/item/1/reviewer/2``: the second citation the reviewer gave for item 1."""
    return f"{item_iri}/{role}/{k}"


def text_position(source_iri: str, start: int, end: int) -> str:
    """Characters ``[start, end)`` of a source document's cleaned text, as an RFC 5147 fragment:
    ``…/source/sha256-…#char=1043,1120`` (Web Annotation takes such IRIs as targets).

    >>> text_position("https://w3id.org/imr-graph/id/source/sha256-ab", 3, 9)
    'https://w3id.org/imr-graph/id/source/sha256-ab#char=3,9'
    """
    return f"{source_iri}#char={int(start)},{int(end)}"


_POSITION = re.compile(r"\A(?P<source>[^#]+)#char=(?P<start>\d+),(?P<end>\d+)\Z")


def position_of(iri: str) -> tuple[str, int, int] | None:
    """The source document and character range a :func:`text_position` IRI names, else None.

    >>> position_of("https://w3id.org/imr-graph/id/source/sha256-ab#char=3,9")
    ('https://w3id.org/imr-graph/id/source/sha256-ab', 3, 9)
    """
    found = _POSITION.match(iri)
    if found is None:
        return None
    return found["source"], int(found["start"]), int(found["end"])


def reviewer(letter_iri: str) -> str:
    return f"{letter_iri}/reviewer"


def source(sha256: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):  # not a hash: make one, never put raw text in an IRI
        sha256 = hashlib.sha256(sha256.encode()).hexdigest()
    return f"{ID}source/sha256-{sha256}"


def run(version: str) -> str:
    return f"{ID}run/imr-graph-{slug(version)}"


def diagnosis(text: str) -> str:
    return f"{ID}diagnosis/{slug(text)}"


def treatment(label: str) -> str:
    return f"{ID}treatment/{slug(label)}"


def specialty(label: str) -> str:
    """A specialty the vocabulary does not list (listed ones keep their vocabulary IRI)."""
    return f"{ID}specialty/{slug(label)}"


def state(code: str) -> str:
    return f"{VOCAB}state/{re.sub(r'[^A-Z0-9]', '', code.upper()) or 'unknown'}"


def outcome(decision: str) -> str:
    return f"{VOCAB}outcome/{decision}"


def role(key: str) -> str:
    """The concept of a citing role: ``claims-administrator`` → ``imr:ClaimsAdministratorRole``."""
    return NS + "".join(word.capitalize() for word in key.split("-")) + "Role"


def category(category_label: str, subcategory: str | None = None) -> str:
    base = f"{VOCAB}category/{slug(category_label)}"
    return f"{base}--{slug(subcategory)}" if subcategory else base


def body_region(label: str) -> str:
    return f"{VOCAB}body-region/{slug(label)}"


def guideline(code: str) -> str:
    """A guideline source as a whole (the catalog's top concepts): ``vocab/guideline/ODG``."""
    return f"{VOCAB}guideline/{code}"


def guideline_part(code: str, title: str | None, chapter: int | None, year: int | None) -> str:
    """A chapter or titled part of a guideline, edition-specific where it matters.

    ACOEM 2004 chapters are ``acoem-2004-ch12``; other parts are ``{code}-{title}`` with
    ``-{year}`` when the letter gives a year (page numbers differ by edition). These are the
    IRIs of the catalog in ``ontology/guidelines.ttl`` where it lists the part.

    >>> guideline_part("CPMTG", "Chronic Pain Medical Treatment", None, 2016)
    'https://w3id.org/imr-graph/vocab/guideline/cpmtg-chronic-pain-medical-treatment-2016'
    """
    if code == "ACOEM" and chapter is not None and year in (None, 2004):
        return f"{VOCAB}guideline/acoem-2004-ch{chapter}"
    key = slug(title) if title else "part"
    return f"{VOCAB}guideline/{code.lower()}-{key}" + (f"-{year}" if year else "")


def section(part_iri: str, name: str) -> str:
    return f"{part_iri}/section/{slug(name)}"


#: The guideline sources (the catalog's top concepts), by the key their IRIs start with.
SOURCES = ("ACOEM", "CPMTG", "ODG", "PTG", "AMTG", "MTUS", "OTHER")


def source_code(unit: str) -> str | None:
    """The guideline source a unit belongs to, read from its IRI (None for other IRIs).

    >>> source_code(VOCAB + "guideline/odg-shoulder/section/mri"), source_code(VOCAB + "guideline/ACOEM")
    ('ODG', 'ACOEM')
    >>> source_code(ID + "guideline/other/3f2a")
    'OTHER'
    """
    if unit.startswith(ID + "guideline/"):
        return "OTHER"
    if not unit.startswith(VOCAB + "guideline/"):
        return None
    key = unit[len(VOCAB + "guideline/") :].split("/", 1)[0]
    code = key if key in SOURCES else key.split("-", 1)[0].upper()
    return code if code in SOURCES else None


def is_odg_topic(unit: str) -> bool:
    """Whether a section unit is an ODG topic (a section of an ODG chapter).

    >>> is_odg_topic(section(guideline_part("ODG", "Shoulder", None, None), "MRI"))
    True
    """
    return unit.startswith(f"{VOCAB}guideline/odg-") and "/section/" in unit


def pages(part_iri: str, start: int, end: int) -> str:
    return f"{part_iri}/pages/{start}-{end}"


def other_source(text: str, url: str | None) -> str:
    """Other evidence (articles, web pages): keyed by its URL, else by a hash of its text."""
    key = url.lower().rstrip("/") if url else " ".join(text.lower().split())
    return f"{ID}guideline/other/{hashlib.sha256(key.encode()).hexdigest()[:16]}"


@cache  # a few names, asked for once per observation
def dataset(name: str) -> str:
    """A statistics data set (``qb:DataSet``): ``id/statistics/guideline``."""
    return f"{ID}statistics/{slug(name)}"


def statistics_slice(name: str, by: str, terms: list[str]) -> str:
    """A slice of data set ``name``: its observations that share the values ``terms`` (N-Triples)
    of the dimensions slicing ``by`` names, e.g. ``statistics/guideline/by-role-level/3f…``."""
    digest = hashlib.sha256("\n".join(terms).encode()).hexdigest()[:16]
    return f"{ID}statistics/{name}/{by}/{digest}"


@cache
def slice_key(name: str, by: str) -> str:
    """The ``qb:SliceKey`` of a data set's slices ``by`` (declared in ``ontology/statistics.ttl``)."""
    return f"{ID}statistics/{slug(name)}-structure/{by}"


def observation(name: str, key: str) -> str:
    """One observation of a data set, keyed by its dimension values (``key``, any text)."""
    return f"{dataset(name)}/{hashlib.sha256(key.encode()).hexdigest()[:20]}"
