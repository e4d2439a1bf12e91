"""The views in a real browser: headless Chromium (Debian's package), driven by Playwright,
with the network off. Each page must load without console errors and without a request
leaving the file, draw the nodes and links its data says, filter, and show hostile letter
text as text. Screenshots go to test-artifacts/ (or $IMR_GRAPH_ARTIFACTS)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from imr_graph.answers import wilson
from imr_graph.render import write
from imr_graph.view import case_network, citation_matrix, citation_network, letter_text, specialty_network
from tests.conftest import ROOT
from tests.known import GL
from tests.views import HOSTILE_CASE, HOSTILE_DIAGNOSIS, HOSTILE_REQUEST

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("IMR_GRAPH_ARTIFACTS", ROOT / "test-artifacts"))
#: Keep Chromium from opening connections of its own (updates, sync, metrics).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def visible(self) -> tuple[int, int]:
        return tuple(  # type: ignore[return-value]
            self.page.evaluate(
                "[imrView.nodes.get({filter: (n) => !n.hidden}).length,"
                " imrView.edges.get({filter: (e) => !e.hidden}).length]"
            )
        )

    def clean(self) -> None:
        """No console error, no uncaught exception, no dialog, no request but the page itself."""
        assert self.errors == []
        assert self.dialogs == []
        assert self.requests == [self.url]

    def shoot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000  # a drawn page, not a blank one
        return path


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def opener(path: Path) -> Opened:
        context = browser.new_context(offline=True, viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on("console", lambda m: opened.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("request", lambda r: opened.requests.append(r.url))

        def dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(opened.url)
        if 'id="view-data"' in path.read_text(encoding="utf-8"):  # a network page
            page.wait_for_function("window.imrView && window.imrView.drawn !== null")
        return opened

    yield opener
    for context in contexts:
        context.close()


#: Each shown label's box on the canvas as vis-network reports it: the node's bounding box
#: (shape and label) from the bottom of its shape down, where the label is drawn.
_LABEL_BOXES = """() => {
  const ids = imrView.nodes.get({filter: (n) => !n.hidden && n.label}).map((n) => n.id);
  return ids.map((id) => {
    const box = imrView.network.getBoundingBox(id);
    const at = imrView.network.getPositions([id])[id];
    return [id, box.left, box.right, at.y + imrView.nodes.get(id).size, box.bottom];
  });
}"""


def label_overlaps(opened: Opened) -> tuple[int, list[tuple[str, str]]]:
    """How many labels are shown, and every pair of them whose boxes overlap."""
    opened.page.evaluate("imrView.network.redraw()")  # vis-network measures labels as it draws
    boxes = opened.page.evaluate(_LABEL_BOXES)
    clashes = [
        (a[0], b[0])
        for k, a in enumerate(boxes)
        for b in boxes[k + 1 :]
        if a[1] < b[2] and b[1] < a[2] and a[3] < b[4] and b[3] < a[4]
    ]
    return len(boxes), clashes


def _select(opened: Opened, control: str, value: str) -> tuple[int, int]:
    opened.page.select_option(f"#{control}", value)
    return opened.visible()


def test_citation_network_draws_and_filters(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    path = write(citation_network(known), tmp_path / "citations.html")
    opened = open_page(path)
    # counted by hand from tests/known.py: the page opens on the reviewer's citations
    assert opened.visible() == (8, 5)
    assert opened.page.locator("#status").text_content() == "8 nodes and 5 links shown"
    assert _select(opened, "role", "all") == (8, 6)
    assert _select(opened, "role", "claims-administrator") == (4, 3)
    _select(opened, "role", "reviewer")
    assert _select(opened, "outcome", "overturned") == (4, 3)
    _select(opened, "outcome", "all")
    _select(opened, "role", "all")
    assert _select(opened, "year", "2017") == (5, 3)
    assert _select(opened, "year", "0") == (3, 2)  # letter three gives no date
    _select(opened, "year", "all")
    opened.page.uncheck(f"#sources input[value='{GL}ACOEM']")
    assert opened.visible() == (5, 3)
    opened.page.check(f"#sources input[value='{GL}ACOEM']")
    assert opened.visible() == (8, 6)
    opened.page.fill("#search", "low back")
    assert opened.page.locator("#matches button").all_text_contents() == ["ACOEM · Low Back Complaints"]
    opened.page.click("#matches button")
    assert opened.page.evaluate("imrView.network.getSelectedNodes().length") == 1
    opened.clean()
    opened.shoot("citations-known")


def test_tooltip_shows_counts_rate_interval_and_cases(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    path = write(citation_network(known), tmp_path / "citations.html")
    opened = open_page(path)
    _select(opened, "role", "all")
    point = opened.page.evaluate(
        """() => {
          const id = imrView.nodes.get({filter: (n) => n.full === "ACOEM · Low Back Complaints"})[0].id;
          const at = imrView.network.canvasToDOM(imrView.network.getPositions([id])[id]);
          const box = document.getElementById("network").getBoundingClientRect();
          return [box.left + at.x, box.top + at.y];
        }"""
    )
    opened.page.mouse.move(point[0] + 40, point[1] + 40)
    opened.page.mouse.move(*point)
    tip = opened.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    low, high = wilson(2, 3)
    text = tip.text_content()
    assert "Low Back Complaints" in text
    # item 1 of letter one is cited by both parties: with any role it counts once
    assert "3 items: 1 upheld, 2 overturned" in text
    assert f"Overturned 66.7% (95% CI {100 * low:.1f}%–{100 * high:.1f}%)" in text
    assert "Cases: doc-" in text
    opened.clean()
    opened.shoot("citations-tooltip")


def test_page_interval_matches_python(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    opened = open_page(write(citation_network(known), tmp_path / "citations.html"))
    for k, n in ((0, 1), (1, 3), (3, 4), (17, 250)):
        assert opened.page.evaluate(f"imrView.wilson({k}, {n})") == pytest.approx(list(wilson(k, n)), abs=1e-12)


def test_hostile_letter_text_stays_text(samples: ox.Store, open_page: Any, tmp_path: Path) -> None:
    case = open_page(write(case_network(samples, HOSTILE_CASE), tmp_path / "case.html"))
    labels = case.page.evaluate("imrView.nodes.get().map((n) => n.full)")
    assert f"1. {HOSTILE_REQUEST} for 8 sessions" in labels or any(HOSTILE_REQUEST in label for label in labels)
    assert any(HOSTILE_DIAGNOSIS in label for label in labels)
    tooltip = case.page.evaluate(
        "imrView.nodes.get().filter((n) => n.kind === 'item').map((n) => n.title.textContent).join('|')"
    )
    assert HOSTILE_REQUEST in tooltip
    assert case.page.evaluate("document.querySelectorAll('img, iframe').length") == 0
    case.clean()
    case.shoot("case-hostile")
    letter = open_page(write(letter_text(samples, HOSTILE_CASE), tmp_path / "letter.html"))
    assert HOSTILE_REQUEST in letter.page.locator("#text").text_content()
    assert HOSTILE_DIAGNOSIS in letter.page.locator("#text").text_content()
    assert letter.page.evaluate("document.querySelectorAll('img, #text script').length") == 0
    values = letter.page.locator("#values .value-text").all_text_contents()
    assert any(HOSTILE_REQUEST in v for v in values)
    letter.clean()
    letter.shoot("letter-hostile")


def test_letter_marks_link_to_their_text(samples: ox.Store, open_page: Any, tmp_path: Path) -> None:
    view = letter_text(samples, HOSTILE_CASE)
    opened = open_page(write(view, tmp_path / "letter.html"))
    assert opened.page.locator("#values li.value").count() == len(view.marks)
    first_item = next(m for m in view.marks if m.kind == "item")
    opened.page.click(f"a[href='#{first_item.key}']")
    assert opened.page.evaluate("location.hash") == f"#{first_item.key}"
    marked = opened.page.locator(f"mark[data-marks~='{first_item.key}']").all_text_contents()
    assert " ".join("".join(marked).split()) == " ".join(view.text[first_item.span.start : first_item.span.end].split())
    opened.clean()


def test_every_view_of_the_samples(samples: ox.Store, open_page: Any, tmp_path: Path) -> None:
    views = {
        "citations": citation_network(samples),
        "specialty": specialty_network(samples),
        "case": case_network(samples, "CM16-0900001"),
    }
    for name, network in views.items():
        opened = open_page(write(network, tmp_path / f"{name}.html"))
        drawn = opened.page.evaluate("[imrView.nodes.length, imrView.edges.length]")
        assert drawn == [len(network.nodes), len(network.edges)]
        opened.clean()
        opened.shoot(f"{name}-samples")
    matrix = citation_matrix(samples)
    opened = open_page(write(matrix, tmp_path / "matrix.html"))
    assert opened.page.locator("#matrix tbody tr:not(.total)").count() == len(matrix.rows)
    assert opened.page.locator("#matrix td[data-items]:not(.total)").count() == sum(
        1 for (unit, _), cell in matrix.cells.items() if cell.items
    )
    opened.clean()
    opened.shoot("matrix-samples")


def test_views_of_the_shared_corpus(shared_corpus_store: ox.Store, open_page: Any, tmp_path: Path) -> None:
    network = citation_network(shared_corpus_store)
    opened = open_page(write(network, tmp_path / "citations.html"))
    assert opened.page.evaluate("imrView.nodes.length") == len(network.nodes)
    shown = opened.visible()
    _select(opened, "role", "all")
    assert opened.visible()[1] > shown[1]  # the claims administrators' links join the reviewers'
    opened.clean()
    opened.shoot("citations-shared-corpus")
    from imr_graph.overview import overview

    for name, drawn in (
        ("specialty", specialty_network(shared_corpus_store)),
        ("matrix", citation_matrix(shared_corpus_store)),
        ("overview", overview(shared_corpus_store)),
    ):
        opened = open_page(write(drawn, tmp_path / f"{name}.html"))
        opened.clean()
        opened.shoot(f"{name}-shared-corpus")


def test_the_demo_pages(open_page: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from imr_graph.cli import main

    result = CliRunner().invoke(main, ["demo", "-q", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    opened = open_page(tmp_path / "citations.html")
    nodes, edges = opened.page.evaluate("[imrView.nodes.length, imrView.edges.length]")
    assert nodes > 10 and edges > 10 and opened.visible()[1] > 0
    opened.clean()
    opened.shoot("demo-citations")
    opened = open_page(tmp_path / "matrix.html")
    assert opened.page.locator("#matrix td[data-items]").count() > 5
    opened.clean()


def test_network_labels_never_overlap(shared_corpus_store: ox.Store, open_page: Any, tmp_path: Path) -> None:
    """Every unit of the real letters at section level (the densest network): the page labels
    the most cited nodes that fit, then a hovered node and its neighbours, never two on one spot."""
    network = citation_network(shared_corpus_store, level="section", top=0)
    opened = open_page(write(network, tmp_path / "sections.html"))
    shown, clashes = label_overlaps(opened)
    assert clashes == [] and shown >= 15
    for role in ("all", "claims-administrator"):
        _select(opened, "role", role)
        shown, clashes = label_overlaps(opened)
        assert clashes == [] and shown >= 10
    _select(opened, "role", "reviewer")
    # hovering a node labels it and whichever of its neighbours fit
    quiet = [n["id"] for n in opened.page.evaluate("imrView.nodes.get({filter: (n) => !n.hidden && !n.label})")]
    assert quiet, "every node already labelled: nothing to hover"
    labelled = opened.page.evaluate("(id) => imrView.hover(id)", quiet[0])
    assert quiet[0] in labelled
    shown, clashes = label_overlaps(opened)
    assert clashes == []
    opened.page.evaluate("imrView.hover(null)")
    assert quiet[0] not in [n["id"] for n in opened.page.evaluate("imrView.nodes.get({filter: (n) => n.label})")]
    opened.clean()
    opened.shoot("citations-sections-shared-corpus")


def test_link_widths_stay_on_one_scale(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    """A link's width is set by its own items, not by the widest link shown: filters that hide
    the big links leave the others and the legend as they were."""
    from imr_graph.render import EDGE_SCALE, scaled

    opened = open_page(write(citation_network(known), tmp_path / "citations.html"))
    _select(opened, "role", "all")
    widths = "imrView.edges.get({filter: (e) => !e.hidden}).map((e) => [e.id, e.width])"
    legend = "document.querySelector('.widths').outerHTML"
    before = dict(opened.page.evaluate(widths))
    said = opened.page.evaluate(legend)
    counts = opened.page.evaluate(
        "imrView.edges.get({filter: (e) => !e.hidden}).map((e) => [e.id, e.facts.filter((f) => f[0] === 3)"
        ".reduce((n, f) => n + f[2] + f[3], 0)])"
    )
    assert before == pytest.approx({k: scaled(n, EDGE_SCALE) for k, n in counts})
    _select(opened, "outcome", "overturned")
    after = dict(opened.page.evaluate(widths))
    assert opened.page.evaluate(legend) == said
    overturned = dict(
        opened.page.evaluate(
            "imrView.edges.get({filter: (e) => !e.hidden}).map((e) => [e.id, e.facts.filter((f) => f[0] === 3)"
            ".reduce((n, f) => n + f[3], 0)])"
        )
    )
    assert after == pytest.approx({k: scaled(n, EDGE_SCALE) for k, n in overturned.items()})
    assert min(after.values()) == scaled(1, EDGE_SCALE)  # a 1-item link stays thin
    opened.clean()


def test_a_clicked_node_lists_its_letters(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    """Click a unit: its links stay bright, the rest fades, its letters are listed with their
    outcome; the page's filters and the case-number filter narrow the list."""
    network = citation_network(known)
    node = next(n for n in network.nodes if n.label == "ACOEM · Low Back Complaints")
    letters = sorted({case for case, *_ in node.cases})
    opened = open_page(write(network, tmp_path / "citations.html", case_pages={letters[0]: "case-a.html"}))
    _select(opened, "role", "all")
    at = opened.page.evaluate(
        """(iri) => { const id = imrView.nodes.get({filter: (n) => n.iri === iri})[0].id;
                      return imrView.network.canvasToDOM(imrView.network.getPositions([id])[id]); }""",
        node.id,
    )
    box = opened.page.locator("#network").bounding_box()
    opened.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    opened.page.locator("#cases").wait_for(state="visible")
    assert opened.page.locator("#cases-title").text_content() == node.label
    entries = opened.page.locator("#case-list li")
    assert sorted(set(entries.locator(".case").all_text_contents())) == letters
    outcomes = {(c, "overturned" if o else "upheld") for c, _, o, _ in node.cases}
    shown = {(e.locator(".case").text_content(), e.get_attribute("class")) for e in entries.all()}
    assert shown == outcomes
    assert opened.page.locator("#case-list a.case").all_text_contents() == [letters[0]]
    # the neighbourhood stays, the rest fades
    faded = opened.page.evaluate("imrView.nodes.get({filter: (n) => !n.hidden && n.opacity < 1}).length")
    bright = opened.page.evaluate("imrView.nodes.get({filter: (n) => !n.hidden && n.opacity === 1}).map((n) => n.iri)")
    assert node.id in bright and faded > 0
    linked = {e.target for e in network.edges if e.source == node.id}
    assert set(bright) == {node.id} | linked
    _select(opened, "outcome", "overturned")
    assert {e.get_attribute("class") for e in entries.all()} == {"overturned"}
    _select(opened, "outcome", "all")
    opened.page.fill("#case-filter", letters[-1][-4:])
    assert entries.locator(".case").all_text_contents() == [letters[-1]]
    opened.page.click("#cases-close")
    assert opened.page.locator("#cases").is_hidden()
    assert opened.page.evaluate("imrView.nodes.get({filter: (n) => n.opacity < 1}).length") == 0
    opened.clean()
    opened.shoot("citations-known-clicked")


def test_the_overview_plots_every_row_and_keeps_text_inert(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    from imr_graph.overview import overview
    from imr_graph.view import Forest, ForestRow, Overview

    view = overview(known, level="source", min_items=1)
    assert [len(f.rows) for f in view.forests] == [4, 2]
    opened = open_page(write(view, tmp_path / "overview.html"))
    rows = opened.page.locator("section.forest").first.locator("tr.row")
    assert rows.count() == 4
    assert [int(x) for x in rows.evaluate_all("(rows) => rows.map((r) => r.dataset.items)")] == [
        row.items for row in view.forests[0].rows
    ]
    # each row draws its interval, rate and base-rate line inside the plot's width
    for row in range(rows.count()):
        box = rows.nth(row).locator("svg").bounding_box()
        assert box is not None and box["width"] == 320
        assert rows.nth(row).locator("svg circle").count() == 1
    assert "clustered by letter" in opened.page.locator("#base").text_content()
    assert opened.page.locator("#drivers-note").text_content()  # fitted, or why not
    opened.clean()
    opened.shoot("overview")
    hostile = ForestRow(HOSTILE_REQUEST, HOSTILE_REQUEST, 3, 2, 1, 1 / 3, 0.1, 0.7, 0.2, 0.5, (HOSTILE_DIAGNOSIS,))
    page = Overview(HOSTILE_REQUEST, HOSTILE_DIAGNOSIS, (Forest(HOSTILE_REQUEST, HOSTILE_REQUEST, (hostile,), 0.2),))
    opened = open_page(write(page, tmp_path / "hostile.html"))
    assert HOSTILE_REQUEST in opened.page.locator("tr.row th").text_content()
    assert opened.page.evaluate("document.querySelectorAll('img, iframe, script').length") == 0
    opened.clean()


def test_a_source_has_one_colour_on_every_page(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    from imr_graph.overview import overview
    from imr_graph.render import SOURCE_COLOURS

    network = open_page(write(citation_network(known), tmp_path / "citations.html"))
    legend = network.page.evaluate(
        """(iri) => getComputedStyle(document.querySelector(`#sources input[value='${iri}']`)
               .parentElement.querySelector('.swatch')).backgroundColor""",
        f"{GL}ACOEM",
    )
    page = open_page(write(overview(known, level="source", min_items=1), tmp_path / "overview.html"))
    swatch = page.page.evaluate(
        """(iri) => getComputedStyle(document.querySelector(`tr.row[data-key='${iri}'] .swatch`)).backgroundColor""",
        f"{GL}ACOEM",
    )
    matrix = open_page(write(citation_matrix(known), tmp_path / "matrix.html"))
    filter_swatch = matrix.page.evaluate(
        """(iri) => getComputedStyle(document.querySelector(`#filters input[value='${iri}']`)
               .parentElement.querySelector('.swatch')).backgroundColor""",
        f"{GL}ACOEM",
    )
    red, green, blue = (int(SOURCE_COLOURS["ACOEM"][k : k + 2], 16) for k in (1, 3, 5))
    assert legend == swatch == filter_swatch == f"rgb({red}, {green}, {blue})"
    network.clean()
    page.clean()
    matrix.clean()


def test_the_matrix_mutes_thin_cells_and_totals_rows_and_columns(
    known: ox.Store, open_page: Any, tmp_path: Path
) -> None:
    import dataclasses

    matrix = dataclasses.replace(citation_matrix(known), min_items=2)
    opened = open_page(write(matrix, tmp_path / "matrix.html"))
    thin = opened.page.locator("td.thin:not(.total)")
    assert thin.count() == sum(1 for c in matrix.cells.values() if 0 < c.items < 2) > 0
    hatched = thin.first.evaluate("(td) => getComputedStyle(td).backgroundImage")
    assert "repeating-linear-gradient" in hatched
    full = opened.page.locator("td:not(.thin):not(.empty):not(.total)")
    assert full.count() == sum(1 for c in matrix.cells.values() if c.items >= 2)
    backgrounds = full.evaluate_all("(tds) => tds.map((td) => getComputedStyle(td).backgroundImage)")
    assert set(backgrounds) == {"none"}
    # one total per row and per column, each the sum of its cells
    rows = opened.page.locator("tbody tr:not(.total) td.total")
    assert [int(x) for x in rows.evaluate_all("(tds) => tds.map((td) => td.dataset.items)")] == [
        sum(c.items for (u, _), c in matrix.cells.items() if u == unit) for unit, _ in matrix.rows
    ]
    columns = opened.page.locator("tr.total td.total[data-items]")
    assert columns.count() == len(matrix.columns)
    opened.clean()
    opened.shoot("matrix-known")


def test_the_matrix_sorts_by_a_column(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    matrix = citation_matrix(known)
    opened = open_page(write(matrix, tmp_path / "matrix.html"))
    labels = dict(matrix.rows)
    column, _ = matrix.columns[0]

    def shown() -> list[str]:
        return opened.page.locator("#matrix tbody tr:not(.total) th").all_text_contents()

    def share(unit: str) -> tuple[float, int]:
        cell = matrix.cells.get((unit, column))
        return (cell.overturned / cell.items, cell.items) if cell and cell.items else (-1.0, 0)

    by_share = sorted((unit for unit, _ in matrix.rows), key=lambda u: share(u), reverse=True)
    opened.page.click("#matrix thead th[data-sort='1']")
    first = shown()
    assert [labels[u] for u in by_share if share(u)[1]] == first[: sum(1 for u in by_share if share(u)[1])]
    opened.page.click("#matrix thead th[data-sort='1']")
    units = {label: unit for unit, label in matrix.rows}
    again = [share(units[label]) for label in shown()]
    assert again == sorted(again)  # the other way round
    opened.page.click("#matrix thead th.corner")
    assert shown() == sorted(labels.values(), reverse=False) or shown() == sorted(labels.values(), reverse=True)
    assert opened.page.locator("#matrix tbody tr").last.get_attribute("class") == "total"  # totals stay last
    opened.clean()


@pytest.fixture(scope="module")
def all_pages(samples: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``imr-graph view all`` writes for the sample letters."""
    from click.testing import CliRunner

    from imr_graph.cli import main
    from imr_graph.store import write_graph

    folder = tmp_path_factory.mktemp("all")
    graph = folder / "samples.trig"
    write_graph(samples, graph)
    pages = folder / "pages"
    done = CliRunner().invoke(main, ["view", "all", "--graph", str(graph), "-o", str(pages), "--min-items", "1"])
    assert done.exit_code == 0, done.output
    return pages


def test_view_all_writes_pages_that_click_through(all_pages: Path, open_page: Any) -> None:
    """overview → a unit's case → its letter → back to the case and to the overview, offline."""
    folder = all_pages
    opened = open_page(folder / "overview.html")
    link = opened.page.locator("section.forest a[href^='case-']").first
    case = link.text_content()
    opened.page.locator("section.forest details").first.evaluate("(d) => { d.open = true; }")
    link.click()
    opened.page.wait_for_url("**/case-*.html")
    opened.page.wait_for_function("window.imrView && window.imrView.drawn !== null")
    assert opened.page.evaluate("imrView.nodes.get().some((n) => n.kind === 'letter')")
    opened.page.click("nav.pages a[href^='letter-']")
    opened.page.wait_for_url("**/letter-*.html")
    assert case in opened.page.locator("h1").text_content()
    assert opened.page.locator("#values li.value").count() > 3
    opened.page.click("nav.pages a[href^='case-']")
    opened.page.wait_for_url("**/case-*.html")
    opened.page.click("nav.pages a[href='overview.html']")
    opened.page.wait_for_url("**/overview.html")
    assert opened.errors == [] and opened.dialogs == []
    assert all(url.startswith(folder.resolve().as_uri()) for url in opened.requests)  # only the pages written


def test_the_matrix_filters_and_lists_a_cells_letters(known: ox.Store, open_page: Any, tmp_path: Path) -> None:
    """Uncheck a source, filter rows by name and by items, re-hatch: the totals follow the rows
    shown; a clicked cell lists its letters with their outcome."""
    from imr_graph.iri import source_code

    matrix = citation_matrix(known)
    (unit, kind), cell = next((key, c) for key, c in sorted(matrix.cells.items()) if c.items and key in matrix.cases)
    page_of = {matrix.cases[unit, kind][0][0]: "case-first.html"}
    opened = open_page(write(matrix, tmp_path / "matrix.html", case_pages=page_of))
    rows = opened.page.locator("#matrix tbody tr:not(.total)")

    def column_totals() -> list[int]:
        return [
            int(x or 0)
            for x in opened.page.locator("tr.total td").evaluate_all("(tds) => tds.map((td) => td.dataset.items)")[:-1]
        ]

    def expected(kept: set[str]) -> list[int]:
        cells = matrix.cells.items()
        return [sum(c.items for (u, k), c in cells if u in kept and k == column) for column, _ in matrix.columns]

    everything = {u for u, _ in matrix.rows}
    assert column_totals() == expected(everything)
    acoem = next(s for s in matrix.sources.values() if source_code(s) == "ACOEM")
    opened.page.uncheck(f"#filters input[value='{acoem}']")
    kept = {u for u in everything if matrix.sources[u] != acoem}
    assert rows.evaluate_all("(trs) => trs.filter((tr) => !tr.hidden).length") == len(kept) < len(everything)
    assert column_totals() == expected(kept)
    opened.page.check(f"#filters input[value='{acoem}']")
    label = dict(matrix.rows)[unit]
    opened.page.fill("#row-filter", label[-6:])
    assert label in rows.evaluate_all("(trs) => trs.filter((tr) => !tr.hidden).map((tr) => tr.cells[0].textContent)")
    opened.page.fill("#row-filter", "")
    opened.page.fill("#row-items", "1000000")
    assert rows.evaluate_all("(trs) => trs.filter((tr) => !tr.hidden).length") == 0
    assert opened.page.locator("#shown").text_content() == f"0 of {len(matrix.rows)} units shown"
    opened.page.fill("#row-items", "0")
    opened.page.fill("#min-items", "100")
    assert opened.page.locator("td.thin[data-at]").count() == sum(1 for c in matrix.cells.values() if c.items)
    opened.page.fill("#min-items", "1")
    assert opened.page.locator("td.thin[data-at]").count() == 0
    # a cell's letters
    r = [u for u, _ in matrix.rows].index(unit)
    c = [k for k, _ in matrix.columns].index(kind)
    opened.page.click(f"td[data-at='{r},{c}']")
    assert opened.page.locator("#cell").is_visible()
    entries = opened.page.locator("#cell-list li")
    assert [(e.locator(".case").text_content(), e.get_attribute("class")) for e in entries.all()] == [
        (case, "overturned" if over else "upheld") for case, over in matrix.cases[unit, kind]
    ]
    assert opened.page.locator("#cell-list a.case").all_text_contents() == list(page_of)
    assert opened.page.locator("#cell-count").text_content().startswith(f"{cell.items} items")
    opened.page.click("#cell-close")
    assert opened.page.locator("#cell").is_hidden()
    opened.clean()


def test_view_all_networks_and_matrix_click_through_to_cases(all_pages: Path, open_page: Any) -> None:
    """citation network: node → its letters → a case page → its letter → back; matrix: cell →
    its letters → a case page. Offline, only the pages written."""
    folder = all_pages
    opened = open_page(folder / "citations.html")
    node = opened.page.evaluate(
        "imrView.nodes.get({filter: (n) => !n.hidden && n.kind === 'guideline' && n.cases.length})[0].id"
    )
    opened.page.evaluate("(id) => imrView.focus(id)", node)
    opened.shoot("all-citations-focused")
    link = opened.page.locator("#case-list a.case").first
    case = link.text_content()
    link.click()
    opened.page.wait_for_url("**/case-*.html")
    opened.page.wait_for_function("window.imrView && window.imrView.drawn !== null")
    opened.shoot("all-case")
    opened.page.click("nav.pages a[href^='letter-']")
    opened.page.wait_for_url("**/letter-*.html")
    assert case in opened.page.locator("h1").text_content()
    opened.shoot("all-letter")
    opened.page.click("nav.pages a[href='citations.html']")
    opened.page.wait_for_url("**/citations.html")
    opened.page.wait_for_function("window.imrView && window.imrView.drawn !== null")
    opened.page.click("nav.pages a[href='matrix.html']")
    opened.page.wait_for_url("**/matrix.html")
    opened.page.locator("td[data-at]").first.click()
    opened.shoot("all-matrix-cell")
    link = opened.page.locator("#cell-list a.case").first
    case = link.text_content()
    link.click()
    opened.page.wait_for_url("**/case-*.html")
    opened.page.wait_for_function("window.imrView && window.imrView.drawn !== null")
    assert opened.page.evaluate("imrView.nodes.get().some((n) => n.kind === 'letter')")
    assert case in opened.page.title() or opened.page.evaluate(
        "(c) => imrView.nodes.get().some((n) => n.full === c)", case
    )
    assert opened.errors == [] and opened.dialogs == []
    assert all(url.startswith(folder.resolve().as_uri()) for url in opened.requests)
