"""SHACL validation of the graph against ``ontology/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from imr_graph.vocab import ontology_dir

_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One failed constraint: the node, the property path, what was wrong."""

    focus: str
    path: str | None
    message: str
    severity: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}"


def validate_quads(quads: Iterable[ox.Quad | ox.Triple]) -> list[Violation]:
    """Check the letters' graphs (their union) against the shapes; return the violations."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    # N-Triples is the quickest way across libraries, and keeps every term exact
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    data.parse(data=ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace(_SH)
    out = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        path = report.value(result, sh.resultPath)
        severity = report.value(result, sh.resultSeverity)
        out.append(
            Violation(
                focus=str(report.value(result, sh.focusNode)),
                path=report.namespace_manager.normalizeUri(path) if isinstance(path, rdflib.URIRef) else None,
                message=str(report.value(result, sh.resultMessage) or "constraint not met"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))
