"""Human-readable documentation of the ontology, generated from ``ontology/imr.ttl``.

One self-contained HTML page: every class and property with its label, definition,
superclasses, domain and range, and the citing roles. ``imr-graph docs`` regenerates it;
a test checks that the committed copy is fresh.
"""

from __future__ import annotations

import html
from pathlib import Path

from imr_graph.vocab import ontology_dir

_PREFIXES = {
    "https://w3id.org/imr-graph/ns#": "imr:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://purl.org/spar/cito/": "cito:",
    "http://www.w3.org/ns/oa#": "oa:",
    "https://schema.org/": "schema:",
}
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
section { margin: 1.2rem 0; } h3 { margin: 0 0 .3rem; font-family: ui-monospace, monospace; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: .2rem .8rem; margin: .4rem 0; }
dt { color: #666; } dd { margin: 0; } code { background: #f3f3f3; padding: 0 .2rem; }
nav a { margin-right: .8rem; }
"""


def _short(iri: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def ontology_html() -> str:
    """Render the ontology as an HTML page (deterministic: same input, same bytes)."""
    import rdflib
    import rdflib.collection
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    graph = rdflib.Graph().parse(ontology_dir() / "imr.ttl", format="turtle")
    ontology = next(graph.subjects(RDF.type, OWL.Ontology))
    title = str(graph.value(ontology, rdflib.DCTERMS.title))
    description = str(graph.value(ontology, rdflib.DCTERMS.description))
    version = str(graph.value(ontology, OWL.versionInfo))

    def said(value: rdflib.term.Node) -> str:
        """A value as the page shows it: a term by its short name; a blank node (a restriction,
        an inverse, a list) by what it says, so the page is the same on every run."""
        if not isinstance(value, rdflib.BNode):
            return _short(str(value))
        if (inverse := graph.value(value, OWL.inverseOf)) is not None:
            return f"inverse of {_short(str(inverse))}"
        if (on := graph.value(value, OWL.onProperty)) is not None:
            return f"{_short(str(on))} value {said(graph.value(value, OWL.hasValue) or value)}"
        if graph.value(value, RDF.first) is not None:
            return " then ".join(said(step) for step in rdflib.collection.Collection(graph, value))
        return "(an anonymous node)"

    def entry(node: rdflib.term.Node) -> str:
        rows = []
        for name, prop in (
            ("superclass", RDFS.subClassOf),
            ("domain", RDFS.domain),
            ("range", RDFS.range),
            ("subproperty of", RDFS.subPropertyOf),
            ("chain of", OWL.propertyChainAxiom),
            ("in scheme", SKOS.inScheme),
            ("note", RDFS.comment),
        ):
            values = sorted(said(v) if prop != RDFS.comment else str(v) for v in graph.objects(node, prop))
            if values:
                shown = ", ".join(
                    f"<code>{html.escape(v)}</code>" if prop != RDFS.comment else html.escape(v) for v in values
                )
                rows.append(f"<dt>{name}</dt><dd>{shown}</dd>")
        if graph.value(node, OWL.deprecated) is not None:
            rows.append("<dt>deprecated</dt><dd>the earlier form of the graph; still read</dd>")
        label = graph.value(node, RDFS.label) or graph.value(node, SKOS.prefLabel) or ""
        definition = graph.value(node, SKOS.definition) or ""
        anchor = html.escape(_short(str(node)).replace(":", "-"))
        return (
            f'<section id="{anchor}"><h3>{html.escape(_short(str(node)))}</h3>'
            f"<p><strong>{html.escape(str(label))}</strong>: {html.escape(str(definition))}</p>"
            f"<dl><dt>IRI</dt><dd><code>{html.escape(str(node))}</code></dd>{''.join(rows)}</dl></section>"
        )

    groups = [
        ("Classes", sorted(graph.subjects(RDF.type, OWL.Class), key=str)),
        ("Object properties", sorted(graph.subjects(RDF.type, OWL.ObjectProperty), key=str)),
        ("Datatype properties", sorted(graph.subjects(RDF.type, OWL.DatatypeProperty), key=str)),
        ("Citing roles", sorted(graph.subjects(RDF.type, SKOS.Concept), key=str)),
    ]
    nav = " ".join(f'<a href="#{name.lower().replace(" ", "-")}">{name}</a>' for name, _ in groups)
    body = "".join(
        f'<h2 id="{name.lower().replace(" ", "-")}">{name}</h2>' + "".join(entry(n) for n in nodes)
        for name, nodes in groups
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>Version {html.escape(version)} · <code>{html.escape(str(ontology))}</code></p>"
        f"<p>{html.escape(description)}</p><nav>{nav}</nav>{body}</body></html>\n"
    )


def write_docs(path: str | Path) -> Path:
    """Write the ontology page to ``path`` (atomically)."""
    from imr_graph._atomic import atomic_writer

    target = Path(path)
    with atomic_writer(target) as handle:
        handle.write(ontology_html())
    return target
