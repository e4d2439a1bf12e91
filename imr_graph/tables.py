"""Flat tables for pandas, R or Stata: one row per letter, item, citation and diagnosis, with
stable ids that join.

Ids are the last part of each node's IRI in the graph: a letter is ``CM16-0213037``, its
second item ``CM16-0213037/item/2``, that item's first reviewer citation
``CM16-0213037/item/2/reviewer/1``, so a row can be found in the graph and in ``imr-graph
view letter``. Lists (specialties, sections, pages) are joined with ``; ``. The tables are
read from the letter graphs of a store or graph file, whatever built them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph._atomic import atomic_binary_writer
from imr_graph.errors import OutputError
from imr_graph.rdf import cited_units, record_from_quads
from imr_graph.records import CaseRecord, Role

if TYPE_CHECKING:
    import pandas

FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class Column:
    """A column of a table: its name, its pandas dtype and what it holds."""

    name: str
    dtype: str
    meaning: str


#: Every table and its columns (the data dictionary).
TABLES: dict[str, tuple[Column, ...]] = {
    "letters": (
        Column("letter_id", "string", "The letter's id (the case number when the letter gives one)."),
        Column("case_number", "string", "The IMR case number (CM16-0213037)."),
        Column("decision_date", "string", "The decision date, ISO (YYYY-MM-DD)."),
        Column("year", "Int64", "The decision year."),
        Column("letter_format", "string", "The letter's format (2013 notice, 2014-15, 2016+, …)."),
        Column("pages", "Int64", "Pages of the letter file."),
        Column("reviewer_specialties", "string", "The reviewer's specialties (vocabulary names); '; '-joined."),
        Column("license_states", "string", "The reviewer's license states (USPS codes); '; '-joined."),
        Column("items", "Int64", "Disputed items in the letter."),
        Column("overturned_items", "Int64", "Of them, overturned."),
        Column("sha256", "string", "SHA-256 of the letter file."),
        Column("source_path", "string", "Where the letter was read from."),
    ),
    "items": (
        Column("item_id", "string", "The item's id: letter_id/item/N."),
        Column("letter_id", "string", "Its letter (joins letters.letter_id)."),
        Column("item_number", "Int64", "Its number in the letter."),
        Column("request", "string", "The disputed request as the letter states it."),
        Column("category", "string", "The DIR request category."),
        Column("subcategory", "string", "The DIR request subcategory."),
        Column("decision", "string", "upheld or overturned."),
        Column("overturned", "boolean", "True when the denial was overturned."),
        Column("dependent", "boolean", "Decided only because another item was (left out of rates by default)."),
        Column("depends_on", "string", "The item it follows, when the letter names it (joins items.item_id)."),
        Column("claims_administrator_cited_evidence", "boolean", "The claims administrator cited any evidence."),
        Column("reviewer_cited_evidence", "boolean", "The reviewer cited any evidence."),
        Column("reviewer_mtus_based", "boolean", "The reviewer's decision rests on the MTUS."),
    ),
    "citations": (
        Column("citation_id", "string", "The citation's id: item_id/role/K."),
        Column("item_id", "string", "The item it is cited for (joins items.item_id)."),
        Column("letter_id", "string", "Its letter (joins letters.letter_id)."),
        Column("role", "string", "Who cites it: claims-administrator, reviewer or rationale (the reviewer's text)."),
        Column("guideline", "string", "ACOEM, CPMTG, ODG, PTG, AMTG, MTUS or OTHER."),
        Column("mtus", "boolean", "The letter labels the citation MTUS."),
        Column("chapter", "Int64", "The chapter number, when given."),
        Column("chapter_title", "string", "The chapter or part, as the catalog names it."),
        Column("sections", "string", "Sections or ODG topics; '; '-joined."),
        Column("pages", "string", "Page ranges (303-304); '; '-joined."),
        Column("year", "Int64", "The guideline edition's year, when given."),
        Column("updated", "string", "ODG: the online edition's date, ISO."),
        Column("url", "string", "The address of other evidence."),
        Column("source_unit", "string", "The guideline unit IRI at source level (the questions' --level source)."),
        Column("chapter_unit", "string", "The unit IRI at chapter level (--level chapter)."),
        Column("text", "string", "The citation as the letter writes it."),
    ),
    "diagnoses": (
        Column("diagnosis_id", "string", "The diagnosis's id: letter_id/diagnosis/K."),
        Column("letter_id", "string", "Its letter (joins letters.letter_id)."),
        Column("diagnosis", "string", "The condition as the letter states it."),
        Column("body_region", "string", "The body region it names."),
    ),
}


def _joined(values: tuple[object, ...]) -> str | None:
    return "; ".join(str(v) for v in values) if values else None


def _rows(record: CaseRecord, letter_id: str) -> Iterator[tuple[str, dict[str, object]]]:
    yield (
        "letters",
        {
            "letter_id": letter_id,
            "case_number": record.case_number,
            "decision_date": record.decision_date,
            "year": int(record.decision_date[:4]) if record.decision_date else None,
            "letter_format": record.source.format.value,
            "pages": record.source.pages,
            "reviewer_specialties": _joined(record.reviewer.specialties),
            "license_states": _joined(record.reviewer.license_states),
            "items": len(record.items),
            "overturned_items": sum(item.decision.value == "overturned" for item in record.items),
            "sha256": record.source.sha256,
            "source_path": record.source.path,
        },
    )
    for item in record.items:
        item_id = f"{letter_id}/item/{item.n}"
        yield (
            "items",
            {
                "item_id": item_id,
                "letter_id": letter_id,
                "item_number": item.n,
                "request": item.request,
                "category": item.treatment.category,
                "subcategory": item.treatment.subcategory,
                "decision": item.decision.value,
                "overturned": item.decision.value == "overturned",
                "dependent": item.dependent,
                "depends_on": f"{letter_id}/item/{item.depends_on}" if item.depends_on is not None else None,
                "claims_administrator_cited_evidence": item.claims_administrator.cited_evidence,
                "reviewer_cited_evidence": item.reviewer.cited_evidence,
                "reviewer_mtus_based": item.reviewer.mtus_based,
            },
        )
        for role in (Role.CLAIMS_ADMINISTRATOR, Role.REVIEWER, Role.RATIONALE):
            for k, citation in enumerate(item.citations_of(role), start=1):
                units = cited_units(citation)
                yield (
                    "citations",
                    {
                        "citation_id": f"{item_id}/{role.value}/{k}",
                        "item_id": item_id,
                        "letter_id": letter_id,
                        "role": role.value,
                        "guideline": citation.guideline.value,
                        "mtus": citation.mtus,
                        "chapter": citation.chapter,
                        "chapter_title": citation.chapter_title,
                        "sections": _joined(citation.sections),
                        "pages": _joined(tuple(f"{a}-{b}" if a != b else str(a) for a, b in citation.pages)),
                        "year": citation.year,
                        "updated": citation.updated,
                        "url": citation.url,
                        "source_unit": units.source,
                        "chapter_unit": units.cited,
                        "text": citation.text,
                    },
                )
    for k, diagnosis in enumerate(record.diagnoses, start=1):
        yield (
            "diagnoses",
            {
                "diagnosis_id": f"{letter_id}/diagnosis/{k}",
                "letter_id": letter_id,
                "diagnosis": diagnosis.text,
                "body_region": diagnosis.body_region,
            },
        )


def frames(store: ox.Store) -> dict[str, pandas.DataFrame]:
    """The four tables of the letters in ``store``, as pandas DataFrames with the dictionary's
    dtypes, rows in letter, item and citation order."""
    import pandas

    from imr_graph.stats import letter_graphs

    found: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    for graph in letter_graphs(store):
        record = record_from_quads(store.quads_for_pattern(None, None, None, graph), graph.value)
        letter_id = graph.value.removeprefix(I.ID + "letter/")
        for table, row in _rows(record, letter_id):
            found[table].append(row)
    out = {}
    for table, columns in TABLES.items():
        frame = pandas.DataFrame(found[table], columns=[c.name for c in columns])
        out[table] = frame.astype({c.name: c.dtype for c in columns})
    return out


def dictionary() -> pandas.DataFrame:
    """The data dictionary: one row per table and column, with its dtype and meaning."""
    import pandas

    rows = [dataclasses.asdict(c) | {"table": t} for t, columns in TABLES.items() for c in columns]
    return pandas.DataFrame(rows, columns=["table", "name", "dtype", "meaning"])


def write(store: ox.Store, folder: str | Path, *, fmt: str = "csv") -> dict[str, int]:
    """Write the four tables and ``dictionary`` into ``folder`` as CSV or Parquet (each file
    whole or not at all); returns each table's row count."""
    if fmt not in FORMATS:
        raise OutputError(f"tables are written as {' or '.join(FORMATS)}, not {fmt!r}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise OutputError(
                "Parquet needs pyarrow: python -m pip install 'imr-graph[parquet]' (or write --format csv)"
            ) from None
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{target}: cannot create the folder ({err.strerror or err})") from err
    tables = frames(store) | {"dictionary": dictionary()}
    for name, frame in tables.items():
        with atomic_binary_writer(target / f"{name}.{fmt}") as out:
            if fmt == "csv":
                out.write(frame.to_csv(index=False).encode("utf-8"))
            else:
                frame.to_parquet(out, index=False)
    return {name: len(frame) for name, frame in tables.items() if name != "dictionary"}
