"""Draw views as single HTML files that work with no network.

Network views are assembled with pyvis and drawn by vis-network, whose script (shipped
inside the pyvis package) is inlined; the page is the project's own template, so the
renderer can change without touching ``view.py``. The layout is computed here (networkx),
with physics off, so a page shows its graph at once.

Letter text is untrusted: templates escape everything (Jinja autoescape), page data is
embedded as JSON with ``<``, ``>`` and ``&`` escaped, and the page's script sets strings
with ``textContent`` only. A Content-Security-Policy forbids every request.
"""

from __future__ import annotations

import itertools
import json
import math
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from imr_graph.errors import OutputError
from imr_graph.iri import source_code
from imr_graph.projection import ANY_ROLE, ROLES, Fact
from imr_graph.rates import wilson
from imr_graph.records import NodeKind, Role
from imr_graph.view import CELL_CASES, Cell, Forest, LetterText, Matrix, Network, Overview

View = Network | Matrix | LetterText | Overview

#: Overturn share → link colour (blue: upheld, orange-red: overturned); the legend shows them.
SHARE_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (49, 130, 206)),
    (0.1, (128, 90, 213)),
    (0.25, (214, 158, 46)),
    (0.5, (221, 107, 32)),
    (1.0, (197, 48, 48)),
)
ROLE_COLOURS = {
    Role.REVIEWER.value: "#2b6cb0",
    Role.CLAIMS_ADMINISTRATOR.value: "#c53030",
    Role.RATIONALE.value: "#718096",
}
#: Node kinds: label in the legend, colour, shape (vis-network) and legend swatch.
KINDS: dict[str, tuple[str, str, str, str]] = {
    NodeKind.GUIDELINE.value: ("Guideline unit (colour: its source)", "#90cdf4", "dot", "dot"),
    NodeKind.CATEGORY.value: ("Treatment category", "#9ae6b4", "diamond", "diamond"),
    NodeKind.SPECIALTY.value: ("Reviewer specialty", "#d6bcfa", "triangle", "triangle"),
    NodeKind.LETTER.value: ("The letter", "#4a5568", "box", "square"),
    NodeKind.ITEM.value: ("Disputed item (blue: upheld, orange: overturned)", "#90cdf4", "box", "square"),
    NodeKind.REVIEWER.value: ("Reviewer", "#d6bcfa", "triangle", "triangle"),
    NodeKind.DIAGNOSIS.value: ("Diagnosis", "#fbd38d", "ellipse", "dot"),
}
#: Each guideline source's colour on every page (Paul Tol's colour-blind-safe "muted" scheme,
#: leaving out the blues and oranges that mean upheld and overturned).
SOURCE_COLOURS = {
    "ACOEM": "#117733",
    "CPMTG": "#aa4499",
    "ODG": "#332288",
    "PTG": "#999933",
    "AMTG": "#44aa99",
    "MTUS": "#882255",
    "OTHER": "#ddcc77",
}
_NO_SOURCE = "#a0aec0"
#: Sizes on a fixed scale, the same on every page and under every filter: a node's radius and
#: a link's width are ``base + per_decade · log10(items)`` (canvas pixels), so a 1-item link
#: stays thin whatever else is shown; the legend draws the widths of 1, 10, 100 and 1,000.
NODE_SCALE = (6.0, 6.0)
EDGE_SCALE = (1.0, 3.0)
#: How many node labels a network shows when nothing is hovered or clicked (the most items
#: first, each only where it overlaps no label already shown).
LABELS_SHOWN = 40


def canvas_label(name: str, limit: int = 48) -> str:
    """A node's name short enough to draw (the tooltip and the lists give it whole): the
    guideline and the last part are kept, the parts between shortened first.

    >>> canvas_label("ACOEM · Low Back Complaints · Surgical Considerations")
    'ACOEM · Low Back Compla… · Surgical Considerati…'
    >>> canvas_label("Physical Therapy/Occupational Therapy (PT/OT)", 30)
    'Physical Therapy/Occupational…'
    """
    if len(name) <= limit:
        return name
    parts = name.split(" · ")
    if len(parts) > 2:
        parts[1:-1] = [part if len(part) <= 16 else part[:15].rstrip() + "…" for part in parts[1:-1]]
    text = " · ".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def scaled(items: int, scale: tuple[float, float]) -> float:
    """A size on the fixed scale (see :data:`EDGE_SCALE`).

    >>> scaled(1, EDGE_SCALE), scaled(100, EDGE_SCALE)
    (1.0, 7.0)
    """
    base, per_decade = scale
    return base + per_decade * math.log10(max(items, 1))


def source_colour(unit: str) -> str:
    """The colour of the guideline source a unit belongs to (grey when none)."""
    return SOURCE_COLOURS.get(source_code(unit) or "", _NO_SOURCE)


_OUTCOME_COLOURS = {"upheld": "#90cdf4", "overturned": "#f6ad55"}


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("imr_graph", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


@cache
def vis_script() -> str:
    """The vis-network script that ships inside pyvis."""
    import pyvis

    path = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower():  # would end the inline script early
        raise OutputError(f"{path}: cannot be inlined")
    return text


def page_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` survives.

    >>> page_json({"label": "</script><img src=x>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: Canvas pixels a node's square gets in the layout: with labels and sizes in canvas pixels
#: too, a small network is not spread thin (and drawn tiny) nor a large one crowded.
NODE_SPACING = 110.0


def layout(network: Network, size: float | None = None) -> dict[str, tuple[float, float]]:
    """Place nodes once, in Python, the same on every run, in a square of side ``size``
    (default: :data:`NODE_SPACING` for each node, as a square's area).

    Each connected part gets a force layout weighted by items (log scale) and a square of
    its own: the largest in the middle, the others in rings of squares around it, the larger
    nearer, so that small parts neither drift away nor push the main one off-centre.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(node.id for node in network.nodes)
    for edge in network.edges:
        items = _items(edge.facts) or 1
        previous = graph.get_edge_data(edge.source, edge.target, {}).get("weight", 0)
        graph.add_edge(edge.source, edge.target, weight=previous + math.log1p(items))
    parts = sorted((sorted(part) for part in nx.connected_components(graph)), key=lambda p: (-len(p), p[0]))
    if size is None:
        size = NODE_SPACING * math.sqrt(max(len(graph), 1))
    unit = size / math.sqrt(max(len(graph), 1))  # side of the square one node needs
    sides = [unit * (math.sqrt(len(part)) * 1.1 + 1) for part in parts]
    centres = [(0.0, 0.0), *_ring_cells(sides[0] / 2 if sides else 0.0, max(sides[1:], default=unit), len(parts) - 1)]
    places: dict[str, tuple[float, float]] = {}
    for part, side, (cx, cy) in zip(parts, sides, centres, strict=True):
        # a subgraph view iterates its nodes in set order, which changes from process to
        # process; the layout starts from node order, so each part is copied in sorted order
        sub = nx.Graph()
        sub.add_nodes_from(part)
        pairs = sorted(tuple(sorted(edge)) for edge in graph.subgraph(part).edges())
        sub.add_edges_from((a, b, graph.edges[a, b]) for a, b in pairs)
        if len(part) == 1:
            found = {part[0]: (0.0, 0.0)}
        else:
            k = 3.0 / math.sqrt(len(part))
            found = _spread(nx.spring_layout(sub, k=k, weight="weight", seed=20130101, iterations=150))
        for node, (px, py) in found.items():
            places[node] = (cx + float(px) * (side - unit) / 2, cy + float(py) * (side - unit) / 2)
    return places


def _spread(found: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """A force layout with its dense middle opened and its far leaves drawn in: each node's
    distance from the centre is replaced by its square root (the layout spans -1 to 1), so the
    hubs of a nearly complete network stop piling up while one-link nodes stop drifting off.

    >>> _spread({"hub": (0.04, 0.0), "leaf": (1.0, 0.0)})
    {'hub': (0.2, 0.0), 'leaf': (1.0, 0.0)}
    """
    out = {}
    for node, (x, y) in found.items():
        r = math.hypot(float(x), float(y))
        scale = 1 / math.sqrt(r) if r > 0 else 0.0
        out[node] = (round(float(x) * scale, 12), round(float(y) * scale, 12))
    return out


def _ring_cells(half: float, cell: float, count: int) -> list[tuple[float, float]]:
    """Centres of ``count`` square cells of side ``cell`` in rings around a square of half-width
    ``half`` centred on the origin: ring after ring outward, each from the top-left corner clockwise.

    >>> _ring_cells(1.0, 2.0, 8)[:3]
    [(-2.0, -2.0), (0.0, -2.0), (2.0, -2.0)]
    """
    out: list[tuple[float, float]] = []
    inner = half
    while len(out) < count:
        outer = inner + cell
        steps = max(1, round(2 * outer / cell))
        along = [-outer + cell / 2 + k * (2 * outer - cell) / max(steps - 1, 1) for k in range(steps)]
        top = [(x, -outer + cell / 2) for x in along]
        right = [(outer - cell / 2, y) for y in along[1:]]
        bottom = [(x, outer - cell / 2) for x in reversed(along[:-1])]
        left = [(-outer + cell / 2, y) for y in reversed(along[1:-1])]
        out.extend(top + right + bottom + left)
        inner = outer
    return out[:count]


def _network_page(network: Network, links: Links = (), case_pages: dict[str, str] | None = None) -> str:
    from pyvis.network import Network as PyvisNetwork

    from imr_graph.report import short

    case_pages = case_pages or {}
    places = layout(network)
    case = network.kind == "case"
    sources = {iri: source_colour(iri) for iri, _ in network.sources}
    net = PyvisNetwork(directed=True)  # directed: pyvis skips its quadratic duplicate check
    index = {node.id: n for n, node in enumerate(network.nodes)}
    for node in network.nodes:
        _, colour, shape, _ = KINDS.get(node.kind, KINDS[NodeKind.GUIDELINE])
        if node.kind == NodeKind.GUIDELINE:
            colour = sources.get(node.group, colour)
        elif node.kind == NodeKind.ITEM:
            colour = _OUTCOME_COLOURS.get(node.group, colour)
        x, y = places.get(node.id, (0.0, 0.0))
        shortened = canvas_label(node.label)
        net.add_node(
            index[node.id],
            label=shortened if case else "",  # a network's labels are placed by the page
            shape=shape,
            color=colour,
            x=round(x, 1),
            y=round(y, 1),
            size=scaled(_items(node.facts), NODE_SCALE) if node.facts else NODE_SCALE[0] + 4,
            iri=node.id,
            kind=node.kind,
            sourceKey=node.group if node.kind == NodeKind.GUIDELINE else "",
            facts=[list(f) for f in node.facts],
            examples=list(node.examples),
            detail=[line for line in node.detail if line],
            full=node.label,
            short=shortened,
            unit=short(node.id) if node.kind == NodeKind.GUIDELINE else "",
            cases=[list(c) for c in node.cases],
            letters=node.letters,
        )
    for n, edge in enumerate(network.edges):
        items = _items(edge.facts)
        role_colour = None
        if network.kind == "case" and edge.facts:
            role_colour = ROLE_COLOURS[ROLES[edge.facts[0][0]][0]]
        net.add_edge(
            index[edge.source],
            index[edge.target],
            id=n,
            width=scaled(items, EDGE_SCALE),
            color=role_colour or "#a0aec0",
            facts=[list(f) for f in edge.facts],
            examples=list(edge.examples),
            detail=list(edge.detail),
        )
    net.set_options(json.dumps(_options(network)))
    nodes, edges, _, _, _, options = net.get_network_data()
    for node in nodes:  # pyvis adds its own font colour; the page's options set the font
        node.pop("font", None)
        node["label"] = node["short"] if case else ""  # pyvis names an unlabelled node by its number
    for edge in edges:  # a directed pyvis network draws arrows; these links have no direction
        edge.pop("arrows", None)
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "meta": {
            "kind": network.kind,
            "roles": list(network.roles),
            "anyRole": ANY_ROLE,
            "roleIndex": [next(k for k, r in enumerate(ROLES) if r[0] == key) for key in network.roles],
            "edgeColour": "role" if case else "share",
            "sizeByItems": not case,
            "shareStops": [[stop, list(colour)] for stop, colour in SHARE_STOPS],
            "nodeScale": list(NODE_SCALE),
            "edgeScale": list(EDGE_SCALE),
            "labels": 0 if case else LABELS_SHOWN,
            "fromStatistics": not network.any_role,
            "font": _FONT,
            "casePages": {c: case_pages[c] for n in network.nodes for c, *_ in n.cases if c in case_pages},
        },
    }
    from markupsafe import Markup

    role_labels = {key: label for key, label, _ in ROLES}
    kinds = sorted({node.kind for node in network.nodes}, key=list(KINDS).index)
    return str(
        _environment()
        .get_template("network.html")
        .render(
            title=network.title,
            note=network.note,
            filters={
                "role": len(network.roles) > 0,
                "outcome": not case,
                "year": not case and bool(network.years),
                "source": not case,
            },
            any_role=network.any_role,
            roles=[(key, role_labels[key]) for key in network.roles],
            default_role="all" if case or "reviewer" not in network.roles else "reviewer",
            years=network.years,
            sources=network.sources,
            source_colours=sources,
            edge_colour="role" if case else "share",
            share_stops=_legend_stops(),
            role_colours=ROLE_COLOURS,
            kinds=[(kind, *KINDS[kind][:2], KINDS[kind][3]) for kind in kinds],
            data=Markup(page_json(data)),
            vis_script=Markup(vis_script()),
            links=links,
            widths=[(f"{n:,}", scaled(n, EDGE_SCALE)) for n in (1, 10, 100, 1000)],
            side_list=not case,
        )
    )


def _items(facts: tuple[Fact, ...]) -> int:
    """Distinct items, whoever cites them (read from the statistics: the role with the most)."""
    if any(role == ANY_ROLE for role, _, _, _ in facts):
        return sum(up + over for role, _, up, over in facts if role == ANY_ROLE)
    by_role: dict[int, int] = {}
    for role, _, up, over in facts:
        by_role[role] = by_role.get(role, 0) + up + over
    return max(by_role.values(), default=0)


def _legend_stops() -> list[tuple[str, str]]:
    return [(f"{round(stop * 100)}%", "rgb" + str(colour)) for stop, colour in SHARE_STOPS]


#: Node labels' font (size in canvas pixels, face): the page measures labels in it.
_FONT = (14, "arial")


def _options(network: Network) -> dict[str, Any]:
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(network.edges) > 800},
        # labels outlined in white, so that a label over a link or a node can still be read
        "nodes": {"font": {"size": _FONT[0], "face": _FONT[1], "strokeWidth": 4, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": False}}, "smooth": False, "color": {"inherit": False}},
    }


class _Shade(NamedTuple):
    """One matrix cell as the page shows it."""

    text: str
    n: int
    colour: str
    title: str
    thin: bool = False  # on fewer items than the page's minimum: muted
    overturned: int = 0


class _Piece(NamedTuple):
    """A stretch of letter text and the marks covering it (the innermost gives its colour)."""

    text: str
    kind: str
    marks: str  # the keys of every mark covering it
    anchors: tuple[str, ...]  # marks that start here
    title: str


#: Items at which a matrix cell's colour is full: fewer items, paler colour (evidence, not
#: only the rate, shows), on a log scale so that 1 item is faint and 30 are not.
_FULL_EVIDENCE = 30


def _evidence(items: int) -> float:
    """How strongly a cell on ``items`` items is coloured, from 0.25 to 1.

    >>> _evidence(1) < _evidence(5) < _evidence(30) == 1.0
    True
    """
    return round(min(1.0, 0.25 + 0.75 * math.log1p(items) / math.log1p(_FULL_EVIDENCE)), 3)


def _matrix_page(matrix: Matrix, links: Links = (), case_pages: dict[str, str] | None = None) -> str:
    from imr_graph.report import short

    def shade(found: Cell | None, what: str) -> _Shade | None:
        if found is None or found.items == 0:
            return None
        share = found.overturned / found.items
        low, high = wilson(found.overturned, found.items)
        title = (
            f"{what}: {found.items} items: {found.upheld} upheld, {found.overturned} overturned; "
            f"overturned {100 * share:.1f}% (95% CI {100 * low:.1f}%–{100 * high:.1f}%)"
        )
        thin = found.items < matrix.min_items
        colour = _share_colour(share, _evidence(found.items))
        return _Shade(f"{100 * share:.0f}%", found.items, colour, title, thin, found.overturned)

    names = dict(matrix.columns)
    table = [
        (
            label,
            [shade(matrix.cells.get((unit, kind)), f"{label} × {names[kind]}") for kind, _ in matrix.columns],
            shade(_total(matrix, unit=unit), f"{label}, every category"),
            matrix.sources.get(unit, ""),
        )
        for unit, label in matrix.rows
    ]
    totals = [shade(_total(matrix, category=kind), f"{label}, every unit shown") for kind, label in matrix.columns]
    case_pages = case_pages or {}
    listed = {
        f"{r},{c}": [[case, overturned] for case, overturned in matrix.cases[unit, kind]]
        for r, (unit, _) in enumerate(matrix.rows)
        for c, (kind, _) in enumerate(matrix.columns)
        if (unit, kind) in matrix.cases
    }
    data = {
        "rows": [
            {"unit": short(unit), "label": label, "partial": unit in matrix.partial} for unit, label in matrix.rows
        ],
        "columns": [label for _, label in matrix.columns],
        "cases": listed,
        "casePages": {c: case_pages[c] for found in matrix.cases.values() for c, _ in found if c in case_pages},
        "cellCases": CELL_CASES,
        "shareStops": [[stop, list(colour)] for stop, colour in SHARE_STOPS],
        "fullEvidence": _FULL_EVIDENCE,
    }
    sources = sorted({source for source in matrix.sources.values() if source})
    from markupsafe import Markup

    return str(
        _environment()
        .get_template("matrix.html")
        .render(
            title=matrix.title,
            note=matrix.note,
            columns=[label for _, label in matrix.columns],
            table=table,
            totals=totals,
            min_items=matrix.min_items,
            share_stops=_legend_stops(),
            links=links,
            sources=[(iri, source_code(iri) or iri, source_colour(iri)) for iri in sources],
            data=Markup(page_json(data)),
        )
    )


def _total(matrix: Matrix, *, unit: str | None = None, category: str | None = None) -> Cell:
    """The items of a row or a column (an item counts once per cell it is in)."""
    cells = [c for (u, k), c in matrix.cells.items() if unit in (None, u) and category in (None, k)]
    return Cell(sum(c.upheld for c in cells), sum(c.overturned for c in cells))


#: Width of a forest plot's drawing, in pixels.
_PLOT = 320


def _forest_rows(forest: Forest) -> tuple[int, list[dict[str, Any]]]:
    """A forest's rows with their drawing's coordinates, on one scale from 0 to the highest
    upper bound (rounded up to 10%), the same for every row of the plot."""
    top = max([0.1, *(row.high for row in forest.rows), forest.base or 0.0])
    scale = min(100, math.ceil(top * 10) * 10)

    def x(share: float) -> float:
        return round(4 + (_PLOT - 8) * min(share * 100 / scale, 1.0), 1)

    rows = []
    for row in forest.rows:
        shrunk = f"{100 * row.shrunk:.1f}%" if row.shrunk is not None else ""
        rows.append(
            {
                "key": row.key,
                "label": row.label,
                "colour": source_colour(row.key) if source_code(row.key) else None,
                "items": row.items,
                "letters": row.letters,
                "overturned": row.overturned,
                "cases": row.cases,
                "more": row.more,
                "rate_x": x(row.rate),
                "low_x": x(row.low),
                "high_x": x(row.high),
                "shrunk_x": x(row.shrunk) if row.shrunk is not None else None,
                "base_x": x(forest.base or 0.0),
                "interval": f"{100 * row.low:.1f}–{100 * row.high:.1f}%",
                "shrunk": shrunk,
                "q": f"{row.q:.3f}" if row.q is not None else "",
                "said": f"{100 * row.rate:.1f}% overturned of {row.items} items, "
                f"95% interval {100 * row.low:.1f}–{100 * row.high:.1f}%",
            }
        )
    return scale, rows


def _overview_page(view: Overview, links: Links = (), case_pages: dict[str, str] | None = None) -> str:
    forests = []
    for forest in view.forests:
        scale, rows = _forest_rows(forest)
        shown = {"title": forest.title, "legend": forest.legend, "hidden": forest.hidden, "rows": rows}
        forests.append(shown | {"scale": scale, "what": forest.what})
    return str(
        _environment()
        .get_template("overview.html")
        .render(
            title=view.title,
            base=view.base,
            forests=forests,
            width=_PLOT,
            min_items=view.min_items,
            drivers=view.drivers,
            drivers_note=view.drivers_note.splitlines(),
            links=links,
            case_pages=case_pages or {},
        )
    )


def _share_colour(share: float, strength: float = 1.0) -> str:
    """The colour of an overturn share; ``strength`` below 1 fades it toward white."""
    for (a, ca), (b, cb) in itertools.pairwise(SHARE_STOPS):
        if share <= b or b == SHARE_STOPS[-1][0]:
            t = max(0.0, min(1.0, (share - a) / (b - a)))
            mixed = (x + t * (y - x) for x, y in zip(ca, cb, strict=True))
            return "rgb({},{},{})".format(*(round(255 - strength * (255 - v)) for v in mixed))
    return "rgb(0,0,0)"


def _letter_page(letter: LetterText, links: Links = ()) -> str:
    """The text cut at every span boundary; each piece knows the marks covering it."""
    bounds = sorted({0, len(letter.text)} | {m.span.start for m in letter.marks} | {m.span.end for m in letter.marks})
    pieces: list[_Piece] = []
    first: set[str] = set()
    for start, end in itertools.pairwise(bounds):
        covering = [m for m in letter.marks if m.span.start <= start and end <= m.span.end]
        covering.sort(key=lambda m: m.span.end - m.span.start)  # the innermost mark colours it
        anchors = [m.key for m in covering if m.key not in first]
        first.update(anchors)
        pieces.append(
            _Piece(
                letter.text[start:end],
                covering[0].kind if covering else "",
                " ".join(m.key for m in covering),
                tuple(anchors),
                "; ".join(m.label for m in covering),
            )
        )
    return str(
        _environment()
        .get_template("letter.html")
        .render(letter=letter, pieces=pieces, role_colours=ROLE_COLOURS, links=links)
    )


#: Links a page shows to pages written beside it: (file name, text).
Links = tuple[tuple[str, str], ...]


def render(view: View, *, links: Links = (), case_pages: dict[str, str] | None = None) -> str:
    """The view as one self-contained HTML page; ``links`` go to pages written beside it, and an
    overview, a network or a matrix links each case it lists to its page in ``case_pages``
    (case → file name)."""
    if isinstance(view, Network):
        return _network_page(view, links, case_pages)
    if isinstance(view, Matrix):
        return _matrix_page(view, links, case_pages)
    if isinstance(view, Overview):
        return _overview_page(view, links, case_pages or {})
    return _letter_page(view, links)


def write(view: View, path: str | Path, *, links: Links = (), case_pages: dict[str, str] | None = None) -> Path:
    """Render ``view`` to ``path`` atomically; returns the path."""
    from imr_graph._atomic import atomic_writer

    target = Path(path)
    html = render(view, links=links, case_pages=case_pages)
    try:
        with atomic_writer(target) as handle:
            handle.write(html)
    except OSError as err:
        raise OutputError(f"{target}: cannot write ({err.strerror or err})") from err
    return target


def notebook_frame(view: View, height: int = 720) -> Any:
    """The page inside a Jupyter output cell: an ``<iframe srcdoc>``, self-contained like the file.

    >>> from imr_graph.view import Matrix
    >>> str(notebook_frame(Matrix("t", "reviewer", (), ()), 200).data)[:70]
    '<div class="imr-graph-view"><iframe style="width: 100%; height: 200px;'
    """
    from html import escape

    from IPython.display import HTML

    page = escape(render(view), quote=True)
    style = f"width: 100%; height: {height}px; border: 1px solid #cbd5e0"
    frame = f'<div class="imr-graph-view"><iframe style="{style}" srcdoc="{page}"></iframe></div>'
    return HTML(frame)  # type: ignore[no-untyped-call]
