"""The overview page: which guidelines go with which outcomes, at a glance.

It gathers what the questions answer — the base rate, each guideline unit's and each
treatment category's rate with its interval clustered by letter, its shrunk rate and
q-value, and the drivers model — into an :class:`~imr_graph.view.Overview` that
``render.py`` draws as forest plots. Rows are ordered by shrunk rate, so a rate resting on
one item does not lead; rows under ``min_items`` are left out and counted.
"""

from __future__ import annotations

from dataclasses import replace

from imr_graph.answers import Result
from imr_graph.errors import ImrGraphError
from imr_graph.projection import unit_name
from imr_graph.questions import Target, resolve, run
from imr_graph.records import Role
from imr_graph.view import Forest, ForestRow, Overview, unit_cases


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _forest(result: Result, key: str, *, min_items: int, top: int) -> list[ForestRow]:
    kept = [r for r in result if _int(r.get("items")) >= min_items]
    kept.sort(key=lambda r: (-(_float(r.get("shrunk_rate")) or _float(r.get("overturn_rate")) or 0.0), str(r[key])))
    rows = []
    for row in kept[:top] if top else kept:
        rows.append(
            ForestRow(
                key=str(row[key]),
                label=unit_name(str(row[key]), str(row.get("label") or str(row[key]).rsplit("/", 1)[-1])),
                items=_int(row.get("items")),
                letters=_int(row.get("letters")),
                overturned=_int(row.get("overturned")),
                rate=_float(row.get("overturn_rate")) or 0.0,
                low=_float(row.get("rate_low")) or 0.0,
                high=_float(row.get("rate_high")) or 0.0,
                shrunk=_float(row.get("shrunk_rate")),
                q=_float(row.get("q_value")),
            )
        )
    return rows


#: Letters up to which the overview fits the drivers model unless told (it reads every item:
#: about 0.6 ms a letter, a minute at 100,000).
DRIVERS_LETTERS = 20_000


def _with_cases(target: Target, rows: list[ForestRow], role: str, shown: int, level: str) -> list[ForestRow]:
    """Each guideline row with the case numbers of ``shown`` letters behind it (the lowest
    among those listed) and how many more there are."""
    concept = Role(role).concept
    out = []
    for row in rows:
        cases = sorted({c.case for c in unit_cases(target, row.key, level) if c.role == concept})
        out.append(replace(row, cases=tuple(cases[:shown]), more=max(0, row.letters - min(shown, len(cases)))))
    return out


def overview(
    target: Target,
    *,
    level: str = "chapter",
    role: str = "reviewer",
    min_items: int = 5,
    top: int = 30,
    cases: int = 12,
    fit_drivers: bool | None = None,
) -> Overview:
    """The overview of a store, graph file or endpoint: guideline units at ``level`` cited by
    ``role`` and treatment categories, each as a forest plot (rows on at least ``min_items``
    items, the ``top`` first by shrunk rate, each guideline row with up to ``cases`` of its
    case numbers), and the drivers model at source level.

    The drivers model reads every item of every letter (the plots read the statistics), so
    by default (``fit_drivers=None``) it is fitted only on graphs of up to
    :data:`DRIVERS_LETTERS` letters; ``True`` or ``False`` decides for any size."""
    from imr_graph.drivers import drivers

    where = resolve(target)
    base = run(where, "outcomes")
    (whole,) = base.rows or ({},)
    items, letters = _int(whole.get("items")), _int(whole.get("letters"))
    rate, low, high = (_float(whole.get(k)) for k in ("overturn_rate", "rate_low", "rate_high"))
    said = (
        f"{items:,} items decided on their own, in {letters:,} letters: {100 * rate:.1f}% overturned "
        f"(95% interval {100 * (low or 0):.1f}–{100 * (high or 0):.1f}%, clustered by letter)."
        if rate is not None
        else "No items."
    )
    forests = []
    units = run(where, "overturn-by-guideline", level=level, role=role)
    rows = _with_cases(where, _forest(units, "unit", min_items=min_items, top=top), role, cases, level)
    hidden = sum(1 for r in units if _int(r.get("items")) < min_items)
    who = {"reviewer": "the IMR reviewer", "claims-administrator": "the claims administrator"}.get(role, role)
    forests.append(Forest(f"Guideline units ({level}) cited by {who}", units.legend(), tuple(rows), units.base, hidden))
    categories = run(where, "overturn-by-category", detail="category")
    rows = _forest(categories, "category", min_items=min_items, top=top)
    hidden = sum(1 for r in categories if _int(r.get("items")) < min_items)
    forests.append(
        Forest("Treatment categories", categories.legend(), tuple(rows), categories.base, hidden, "category")
    )
    table: tuple[tuple[str, ...], ...] = ()
    if fit_drivers is None:
        fit_drivers = letters <= DRIVERS_LETTERS
    if not fit_drivers:
        note = (
            f"The drivers model reads every item of every letter, and this graph has {letters:,} letters: "
            "it was left out to keep the page quick. `imr-graph drivers` fits it (or draw the page with --drivers)."
        )
        return Overview("Which guidelines go with which outcomes", said, tuple(forests), table, note, min_items)
    try:
        report = drivers(where, by="source", role=role, min_items=max(min_items, 10))
        header = ("guideline", "items", "letters", "odds ratio", "95% interval", "q")
        body = tuple(
            (d.label, f"{d.items:,}", f"{d.letters:,}", f"{d.odds_ratio:.2f}", f"{d.low:.2f}–{d.high:.2f}", q)
            for d in report.drivers
            for q in (f"{d.q_value:.3f}",)
        )
        table = (header, *body)
        note = report.summary()
    except ImrGraphError as error:
        note = f"The drivers model was not fitted: {error}"
    title = "Which guidelines go with which outcomes"
    return Overview(title, said, tuple(forests), table, note, min_items)
