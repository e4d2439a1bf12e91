"""Which guidelines move the outcome once the treatment mix is held fixed?

Overturn rates by guideline mix two things: what a guideline says, and which requests it is
cited for (a chapter cited mostly for opioids inherits opioids' low overturn rate). This
fits a logistic regression of *overturned* on indicators of the guideline units cited for
an item, with the item's request category, the reviewer's specialties and the decision year
as controls, and reports each unit's odds ratio with a 95% interval.

The fit is L2-penalized (ridge): equivalently, a normal prior with mean 0 on every log odds
ratio, which keeps estimates finite when a unit is always upheld and shrinks those resting
on few items. Intervals come from the curvature of the penalized likelihood at its optimum
(a Laplace approximation). Units cited for fewer than ``min_items`` items are not reported.

It is association, not cause: reviewers choose what to cite after reading the case.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.answers import Result
from imr_graph.errors import ImrGraphError, ModelError
from imr_graph.named import ROLES, Term, query_text
from imr_graph.questions import Target, execute, resolve, run

#: Said with every report.
CAVEAT = (
    "Association, not cause: odds ratios compare items citing a guideline with items that do "
    "not, holding request category, reviewer specialty and year fixed; reviewers choose what "
    "to cite after reading the case."
)
_Z95 = 1.959963984540054
_OVERTURNED = I.outcome("overturned")


@dataclass(frozen=True)
class Design:
    """Items as a 0/1 matrix: an intercept, then one column per feature."""

    features: tuple[str, ...]  # "unit:IRI", "category:IRI", "specialty:IRI", "year:2016"
    matrix: np.ndarray
    outcome: np.ndarray  # 1 = overturned


@dataclass(frozen=True)
class Fit:
    """Penalized maximum-likelihood estimates; ``coef[0]`` is the intercept."""

    coef: np.ndarray
    covariance: np.ndarray
    converged: bool


@dataclass(frozen=True)
class Driver:
    """One guideline unit's association with the outcome."""

    unit: str
    label: str
    items: int
    overturned: int
    odds_ratio: float
    low: float
    high: float


@dataclass(frozen=True)
class Report:
    """What :func:`drivers` found."""

    drivers: tuple[Driver, ...]
    items: int
    overturned: int
    controls: tuple[str, ...]
    too_few: int  # units left out for having fewer than min_items items
    penalty: float
    caveat: str = CAVEAT

    def to_frame(self):  # type: ignore[no-untyped-def]
        """The drivers as a pandas DataFrame, one row each (the columns are there when none is)."""
        import pandas

        columns = [f.name for f in dataclasses.fields(Driver)]
        return pandas.DataFrame([dataclasses.astuple(d) for d in self.drivers], columns=columns)


def fit_logistic(matrix: np.ndarray, outcome: np.ndarray, penalty: float, *, max_iter: int = 100) -> Fit:
    """Newton's method on the L2-penalized log likelihood (the intercept is not penalized).

    >>> x = np.array([[1, 0], [1, 0], [1, 1], [1, 1]], dtype=float)
    >>> fit = fit_logistic(x, np.array([0, 1, 1, 1.0]), penalty=1e-9)
    >>> round(float(fit.coef[0]), 6)  # one of two overturned where the unit is absent
    0.0
    """
    columns = matrix.shape[1]
    prior = np.full(columns, float(penalty))
    prior[0] = 0.0
    coef = np.zeros(columns)
    converged = False
    for _ in range(max_iter):
        eta = np.clip(matrix @ coef, -30, 30)
        mu = 1.0 / (1.0 + np.exp(-eta))
        weight = mu * (1.0 - mu)
        gradient = matrix.T @ (outcome - mu) - prior * coef
        hessian = (matrix.T * weight) @ matrix + np.diag(prior)
        step = np.linalg.solve(hessian, gradient)
        coef = coef + step
        if float(np.max(np.abs(step))) < 1e-10:
            converged = True
            break
    eta = np.clip(matrix @ coef, -30, 30)
    mu = 1.0 / (1.0 + np.exp(-eta))
    hessian = (matrix.T * (mu * (1.0 - mu))) @ matrix + np.diag(prior)
    return Fit(coef, np.linalg.inv(hessian), converged)


def design(
    items: Mapping[str, tuple[bool, set[str]]],
    units: Mapping[str, set[str]],
    kept_units: Sequence[str],
) -> Design:
    """The model's matrix: ``items`` maps an item to (overturned, control features);
    ``units`` maps an item to the units it cites; only ``kept_units`` get a column."""
    controls = Counter(f for _, features in items.values() for f in features)
    # each control's most common level is the reference; levels on every item say nothing
    by_kind: dict[str, list[str]] = defaultdict(list)
    for feature, _count in controls.most_common():
        by_kind[feature.split(":", 1)[0]].append(feature)
    dropped = {levels[0] for levels in by_kind.values()}
    features = [f"unit:{u}" for u in kept_units] + sorted(f for f in controls if f not in dropped)
    index = {f: k + 1 for k, f in enumerate(features)}
    names = sorted(items)
    matrix = np.zeros((len(names), len(features) + 1))
    matrix[:, 0] = 1.0
    outcome = np.zeros(len(names))
    for row, item in enumerate(names):
        overturned, present = items[item]
        outcome[row] = 1.0 if overturned else 0.0
        for feature in present:
            if feature in index:
                matrix[row, index[feature]] = 1.0
        for unit in units.get(item, ()):
            if f"unit:{unit}" in index:
                matrix[row, index[f"unit:{unit}"]] = 1.0
    return Design(tuple(features), matrix, outcome)


def _items(target: Target) -> dict[str, tuple[bool, set[str]]]:
    found: dict[str, tuple[bool, set[str]]] = {}
    nothing: dict[str, Term] = {}
    for row in execute(target, query_text("model-items"), nothing):
        item = str(row["item"])
        overturned = row["outcome"] == _OVERTURNED
        features = found.setdefault(item, (overturned, set()))[1]
        features.add(f"category:{row['category'] or 'none'}")
        if row.get("specialty"):
            features.add(f"specialty:{row['specialty']}")
        features.add(f"year:{row['year'] if row.get('year') is not None else 'unknown'}")
    return found


def _units(target: Target, role: str, level: str) -> dict[str, set[str]]:
    bound: dict[str, Term] = {"role": ox.NamedNode(ROLES[role]), "level": ox.Literal(level)}
    cited: dict[str, set[str]] = defaultdict(set)
    for row in execute(target, query_text("model-units"), bound):
        cited[str(row["item"])].add(str(row["unit"]))
    return cited


def drivers(
    target: Target,
    *,
    by: str = "chapter",
    role: str = "reviewer",
    min_items: int = 10,
    penalty: float = 1.0,
    top: int | None = 60,
) -> Report:
    """Fit the model on the items of a store, graph file, endpoint or rdflib graph.

    ``by``: source, chapter or section; ``role``: whose citations (reviewer,
    claims-administrator, rationale); ``top``: at most this many units, most cited first.
    """
    if by not in ("source", "chapter", "section"):
        raise ModelError(f"--by must be source, chapter or section, not {by!r}")
    if role not in ROLES:
        raise ModelError(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    where = resolve(target)
    items = _items(where)
    cited = _units(where, role, by)
    counts = Counter(u for item, units in cited.items() if item in items for u in units)
    overturned_by_unit = Counter(u for item, units in cited.items() if item in items and items[item][0] for u in units)
    eligible = [u for u, n in counts.most_common() if n >= min_items and n < len(items)]
    kept = sorted(eligible[:top] if top else eligible)
    total_overturned = sum(1 for overturned, _ in items.values() if overturned)
    if not items or total_overturned in (0, len(items)):
        raise ModelError("the model needs items of both outcomes, upheld and overturned")
    data = design(items, cited, kept)
    fitted = fit_logistic(data.matrix, data.outcome, penalty)
    labels = _labels(where, role, by)
    found = []
    for unit in kept:
        k = data.features.index(f"unit:{unit}") + 1
        estimate, se = float(fitted.coef[k]), float(np.sqrt(fitted.covariance[k, k]))
        found.append(
            Driver(
                unit,
                labels.get(unit, unit.rsplit("/", 1)[-1]),
                counts[unit],
                overturned_by_unit[unit],
                float(np.exp(estimate)),
                float(np.exp(estimate - _Z95 * se)),
                float(np.exp(estimate + _Z95 * se)),
            )
        )
    found.sort(key=lambda d: (-d.odds_ratio, d.unit))
    controls = tuple(f for f in data.features if not f.startswith("unit:"))
    too_few = sum(1 for n in counts.values() if n < min_items)
    return Report(tuple(found), len(items), total_overturned, controls, too_few, penalty)


def _labels(target: Target, role: str, level: str) -> dict[str, str]:
    try:
        rows: Result = run(target, "overturn-by-guideline", role=role, level=level)
    except ImrGraphError:  # an endpoint without the statistics: count from the letters
        rows = run(target, "overturn-by-guideline", raw=True, role=role, level=level)
    return {str(r["unit"]): str(r["label"]) for r in rows if r.get("label")}
