"""Which guidelines move the outcome once the treatment mix is held fixed?

Overturn rates by guideline mix two things: what a guideline says, and which requests it is
cited for (a chapter cited mostly for opioids inherits opioids' low overturn rate). This
fits a logistic regression of *overturned* on indicators of the guideline units cited for
an item, with the item's request category, the reviewer's specialty group and the decision
year as controls, and reports each unit's odds ratio with a 95% interval and a q-value.

- **Controls are not penalized.** Each is coded against an explicit reference level (its
  most common level, named in the report); levels with fewer than ``min_items`` items are
  pooled into ``other``. A reviewer's specialties map to one group (surgery, rehabilitation,
  pain, …) so that every letter has exactly one level.
- **Units are penalized** (ridge: a normal prior with mean 0 and variance 1/penalty on each
  log odds ratio), which keeps estimates finite when a unit is always upheld and shrinks
  those resting on few items. How much that choice matters is shown, not hidden: the report
  gives every unit's odds ratio at four strengths side by side (0: none, 0.25, 1, 4).
- **Intervals are clustered by letter**: the sandwich estimator over letters (with the usual
  small-sample factor G/(G-1)·(N-1)/(N-K)), since a letter's items share one reviewer.
- **Too little data is said**: a warning when events per parameter fall below 10.
- Dependent items (decided only because another item was) are left out unless asked for.

It is association, not cause: reviewers choose what to cite after reading the case.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyoxigraph as ox

from imr_graph import iri as I
from imr_graph.answers import Result, Value
from imr_graph.errors import ImrGraphError, ModelError
from imr_graph.named import ROLES, Term, query_text
from imr_graph.questions import Target, execute, resolve, run
from imr_graph.rates import benjamini_hochberg

#: Said with every report.
CAVEAT = (
    "Association, not cause: odds ratios compare items citing a guideline with items that do "
    "not, holding request category, reviewer specialty group and year fixed; reviewers choose "
    "what to cite after reading the case."
)
#: Levels a model can be fitted at: ``topic`` is the section level of ODG (its topics).
LEVELS = ("source", "chapter", "section", "topic")
#: The penalty strengths every report shows side by side (0: none; 1/penalty is the prior variance).
PENALTIES = (0.0, 0.25, 1.0, 4.0)
#: Below this many events (the rarer outcome) per parameter a logistic model is unreliable.
EVENTS_PER_PARAMETER = 10.0
_Z95 = 1.959963984540054
_OVERTURNED = I.outcome("overturned")
#: Keeps the unpenalized columns' Newton steps finite (no estimate moves by more than 1e-6).
_NUMERICAL = 1e-8
#: Specialty groups, first match wins: a reviewer's group is the first group, in this order,
#: that one of their specialties falls in.
SPECIALTY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("orthopaedic surgery", ("orthop", "hand surgery", "sports medicine", "spine")),
    ("physical medicine & rehabilitation", ("physical medicine", "rehabilitation")),
    ("pain medicine & anesthesiology", ("pain", "anesthes")),
    ("neurology & neurosurgery", ("neurolog", "neurosurg", "neuromuscular")),
    ("psychiatry & psychology", ("psychiat", "psycholog")),
    ("chiropractic", ("chiropract",)),
    ("primary & occupational medicine", ("family", "internal medicine", "occupational", "preventive", "emergency")),
    ("surgery", ("surg",)),
)


def specialty_group(labels: Sequence[str]) -> str:
    """The one group a reviewer's specialties fall in (``other specialties`` if none matches).

    >>> specialty_group(["Preventive Medicine", "Occupational Medicine"])
    'primary & occupational medicine'
    >>> specialty_group(["Pain Medicine", "Physical Medicine & Rehabilitation"])
    'physical medicine & rehabilitation'
    """
    folded = [label.lower() for label in labels]
    for group, keys in SPECIALTY_GROUPS:
        if any(key in label for label in folded for key in keys):
            return group
    return "other specialties" if labels else "unknown"


@dataclass(frozen=True)
class Design:
    """Items as a 0/1 matrix: an intercept, then one column per feature."""

    features: tuple[str, ...]  # "unit:IRI", then controls: "category:IRI", "specialty:group", "year:2016"
    matrix: np.ndarray
    outcome: np.ndarray  # 1 = overturned
    groups: np.ndarray  # each item's letter, as an index (for the clustered intervals)
    references: tuple[tuple[str, str], ...] = ()  # (control, its reference level)

    @property
    def penalized(self) -> np.ndarray:
        """1 for each unit column, 0 for the intercept and the controls."""
        return np.array([0.0] + [1.0 if f.startswith("unit:") else 0.0 for f in self.features])


@dataclass(frozen=True)
class Fit:
    """Penalized maximum-likelihood estimates; ``coef[0]`` is the intercept. ``covariance`` is
    the model-based one (inverse curvature); ``clustered`` the sandwich over ``groups``."""

    coef: np.ndarray
    covariance: np.ndarray
    converged: bool
    clustered: np.ndarray | None = None


@dataclass(frozen=True)
class Driver:
    """One guideline unit's association with the outcome."""

    unit: str
    label: str
    items: int
    letters: int
    overturned: int
    odds_ratio: float
    low: float
    high: float
    q_value: float
    #: the odds ratio at each of :data:`PENALTIES`, in order
    sensitivity: tuple[float, ...] = ()


@dataclass(frozen=True)
class Report:
    """What :func:`drivers` found."""

    drivers: tuple[Driver, ...]
    items: int
    overturned: int
    controls: tuple[str, ...]
    too_few: int  # units left out for having fewer than min_items items
    penalty: float
    letters: int = 0
    references: tuple[tuple[str, str], ...] = ()
    events_per_parameter: float = 0.0
    penalties: tuple[float, ...] = PENALTIES
    warnings: tuple[str, ...] = ()
    caveat: str = CAVEAT
    level: str = "chapter"
    include_dependent: bool = False

    def to_frame(self):  # type: ignore[no-untyped-def]
        """The drivers as a pandas DataFrame, one row each (the columns are there when none is)."""
        import pandas

        return pandas.DataFrame(list(self.rows()), columns=list(self.columns()))

    def columns(self) -> tuple[str, ...]:
        """The columns of :meth:`rows`: each unit's counts, odds ratio, interval and q-value,
        then its odds ratio at each penalty strength."""
        strengths = tuple(f"or_penalty_{p:g}" for p in self.penalties)
        return ("unit", "label", "items", "letters", "overturned", "odds_ratio", "or_low", "or_high", "q_value",
                *strengths)  # fmt: skip

    def rows(self) -> list[dict[str, Value]]:
        found: list[dict[str, Value]] = []
        for d in self.drivers:
            counted: tuple[Value, ...] = (d.unit, d.label, d.items, d.letters, d.overturned)
            values = (*counted, d.odds_ratio, d.low, d.high, d.q_value, *d.sensitivity)
            found.append(dict(zip(self.columns(), values, strict=True)))
        return found

    def summary(self) -> str:
        """What was fitted, in a few sentences (the CLI prints it under the table)."""
        scope = "all items" if self.include_dependent else "items decided on their own (dependent items left out)"
        references = "; ".join(f"{kind}: {_short(level)}" for kind, level in self.references) or "none"
        lines = [
            f"{self.items} {scope} in {self.letters} letters ({self.overturned} overturned); "
            f"{len(self.drivers)} units at {self.level} level reported, {self.too_few} cited for too few items "
            "left out.",
            f"Controls (not penalized): {len(self.controls)} indicators of request category, reviewer specialty "
            f"group and year; reference levels: {references}.",
            f"Units penalized at {self.penalty:g} (a normal prior on each log odds ratio with variance "
            f"1/{self.penalty:g}); the or_penalty_* columns show the same odds ratios at other strengths. "
            "Intervals and q-values (Benjamini-Hochberg) are clustered by letter.",
            f"Events per parameter: {self.events_per_parameter:.1f}.",
            *self.warnings,
            self.caveat,
        ]
        return "\n".join(lines)


def _short(value: str) -> str:
    return value.rsplit("/", 1)[-1] if value.startswith("http") else value


def fit_logistic(
    matrix: np.ndarray,
    outcome: np.ndarray,
    penalty: float | np.ndarray,
    *,
    groups: np.ndarray | None = None,
    max_iter: int = 100,
) -> Fit:
    """Newton's method on the L2-penalized log likelihood. ``penalty`` is one strength for every
    column but the intercept, or one per column. With ``groups`` (a cluster index per row) the
    fit also carries the clustered sandwich covariance.

    >>> x = np.array([[1, 0], [1, 0], [1, 1], [1, 1]], dtype=float)
    >>> fit = fit_logistic(x, np.array([0, 1, 1, 1.0]), penalty=1e-9)
    >>> round(float(fit.coef[0]), 6)  # one of two overturned where the unit is absent
    0.0
    """
    columns = matrix.shape[1]
    if isinstance(penalty, np.ndarray):
        prior = penalty.astype(float).copy()
    else:
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
    bread = np.linalg.inv(hessian)
    clustered = None
    if groups is not None:
        scores = matrix * (outcome - mu)[:, None]
        count = int(groups.max()) + 1 if len(groups) else 0
        summed = np.zeros((count, columns))
        np.add.at(summed, groups, scores)
        meat = summed.T @ summed
        rows = matrix.shape[0]
        factor = count / (count - 1) * (rows - 1) / (rows - columns) if count > 1 and rows > columns else 1.0
        clustered = factor * bread @ meat @ bread
    return Fit(coef, bread, converged, clustered)


@dataclass(frozen=True)
class Item:
    """What the model knows of an item: its outcome, its letter and its control levels."""

    overturned: bool
    letter: str
    controls: dict[str, str] = field(default_factory=dict)  # kind → level


def design(
    items: Mapping[str, Item],
    units: Mapping[str, set[str]],
    kept_units: Sequence[str],
    *,
    min_level: int = 10,
) -> Design:
    """The model's matrix: ``items`` maps an item to what the model knows of it; ``units`` maps
    an item to the units it cites; only ``kept_units`` get a column. Each control is coded
    against its most common level (the reference), levels on fewer than ``min_level`` items
    pooled into ``other``."""
    names = sorted(items)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for name in names:
        for kind, level in items[name].controls.items():
            counts[kind][level] += 1
    levels: dict[str, dict[str, str]] = {}  # kind → level → the level it is coded as
    references: list[tuple[str, str]] = []
    control_features: list[str] = []
    for kind in sorted(counts):
        pooled = {lv: (lv if n >= min_level else "other") for lv, n in counts[kind].items()}
        sizes: Counter[str] = Counter()
        for lv, n in counts[kind].items():
            sizes[pooled[lv]] += n
        reference = min(sizes, key=lambda lv: (-sizes[lv], lv))
        references.append((kind, reference))
        levels[kind] = pooled
        control_features += [f"{kind}:{lv}" for lv in sorted(sizes) if lv != reference]
    features = [f"unit:{u}" for u in kept_units] + control_features
    index = {f: k + 1 for k, f in enumerate(features)}
    matrix = np.zeros((len(names), len(features) + 1))
    matrix[:, 0] = 1.0
    outcome = np.zeros(len(names))
    letters: dict[str, int] = {}
    groups = np.zeros(len(names), dtype=int)
    for row, name in enumerate(names):
        known = items[name]
        outcome[row] = 1.0 if known.overturned else 0.0
        groups[row] = letters.setdefault(known.letter, len(letters))
        for kind, level in known.controls.items():
            column = index.get(f"{kind}:{levels[kind][level]}")
            if column is not None:
                matrix[row, column] = 1.0
        for unit in units.get(name, ()):
            column = index.get(f"unit:{unit}")
            if column is not None:
                matrix[row, column] = 1.0
    return Design(tuple(features), matrix, outcome, groups, tuple(references))


def _items(target: Target, include_dependent: bool) -> dict[str, Item]:
    specialties: dict[str, set[str]] = defaultdict(set)
    rows: dict[str, dict[str, Value]] = {}
    nothing: dict[str, Term] = {}
    for row in execute(target, query_text("model-items"), nothing):
        item = str(row["item"])
        if row.get("dependent") and not include_dependent:
            continue
        rows.setdefault(item, row)
        if row.get("specialty"):  # a specialty the vocabulary does not list: its IRI's words
            specialties[item].add(
                str(row.get("specialtyLabel") or str(row["specialty"]).rsplit("/", 1)[-1]).replace("-", " ")
            )
    found = {}
    for item, row in rows.items():
        year = row.get("year")
        controls = {
            "category": str(row.get("category") or "none"),
            "specialty group": specialty_group(sorted(specialties.get(item, ()))),
            "year": str(year) if year is not None else "unknown",
        }
        found[item] = Item(row["outcome"] == _OVERTURNED, str(row["letter"]), controls)
    return found


def _units(target: Target, role: str, level: str) -> dict[str, set[str]]:
    topics = level == "topic"
    bound: dict[str, Term] = {"role": ox.NamedNode(ROLES[role]), "level": ox.Literal("section" if topics else level)}
    cited: dict[str, set[str]] = defaultdict(set)
    for row in execute(target, query_text("model-units"), bound):
        unit = str(row["unit"])
        if not topics or I.is_odg_topic(unit):
            cited[str(row["item"])].add(unit)
    return cited


def drivers(
    target: Target,
    *,
    by: str = "chapter",
    role: str = "reviewer",
    min_items: int = 10,
    penalty: float = 1.0,
    top: int | None = 60,
    include_dependent: bool = False,
) -> Report:
    """Fit the model on the items of a store, graph file, endpoint or rdflib graph.

    ``by``: source, chapter, section or topic (ODG's); ``role``: whose citations (reviewer,
    claims-administrator, rationale); ``top``: at most this many units, most cited first.
    """
    if by not in LEVELS:
        raise ModelError(f"--level must be one of {', '.join(LEVELS)}, not {by!r}")
    if role not in ROLES:
        raise ModelError(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    if penalty <= 0:
        raise ModelError("the penalty must be above 0 (the or_penalty_0 column shows the unpenalized fit)")
    where = resolve(target)
    items = _items(where, include_dependent)
    cited = _units(where, role, by)
    report = fit_drivers(items, cited, min_items=min_items, penalty=penalty, top=top)
    labels = _labels(where, role, by)
    named = tuple(dataclasses.replace(d, label=labels.get(d.unit, d.label)) for d in report.drivers)
    return dataclasses.replace(report, drivers=named, level=by, include_dependent=include_dependent)


def fit_drivers(
    items: Mapping[str, Item],
    cited: Mapping[str, set[str]],
    *,
    min_items: int = 10,
    penalty: float = 1.0,
    top: int | None = 60,
) -> Report:
    """The model on items already read: ``items`` maps an item to what the model knows of it,
    ``cited`` an item to the units it cites (see :func:`drivers`)."""
    counts = Counter(u for item, units in cited.items() if item in items for u in units)
    overturned_by_unit = Counter(u for item, units in cited.items() if item in items and items[item].overturned
                                 for u in units)  # fmt: skip
    letters_by_unit: dict[str, set[str]] = defaultdict(set)
    for item, units in cited.items():
        if item in items:
            for u in units:
                letters_by_unit[u].add(items[item].letter)
    eligible = [u for u, n in counts.most_common() if n >= min_items and n < len(items)]
    kept = sorted(eligible[:top] if top else eligible)
    total_overturned = sum(1 for item in items.values() if item.overturned)
    if not items or total_overturned in (0, len(items)):
        raise ModelError("the model needs items of both outcomes, upheld and overturned")
    data = design(items, cited, kept, min_level=min_items)
    penalized = data.penalized

    def strengths(unit: float) -> np.ndarray:  # units at ``unit``; the controls only kept finite
        return penalized * max(unit, _NUMERICAL) + (1 - penalized) * _NUMERICAL

    fitted = fit_logistic(data.matrix, data.outcome, strengths(penalty), groups=data.groups)
    # the fit at the chosen penalty is one of them already
    others = [fitted if k == penalty else fit_logistic(data.matrix, data.outcome, strengths(k)) for k in PENALTIES]
    assert fitted.clustered is not None
    columns = [data.features.index(f"unit:{unit}") + 1 for unit in kept]
    errors = [float(np.sqrt(fitted.clustered[k, k])) for k in columns]
    p_values = [math.erfc(abs(float(fitted.coef[k])) / se / math.sqrt(2)) if se > 0 else 1.0
                for k, se in zip(columns, errors, strict=True)]  # fmt: skip
    q_values = benjamini_hochberg(p_values)
    found = []
    for unit, k, se, q in zip(kept, columns, errors, q_values, strict=True):
        estimate = float(fitted.coef[k])
        found.append(
            Driver(
                unit,
                unit.rsplit("/", 1)[-1],
                counts[unit],
                len(letters_by_unit[unit]),
                overturned_by_unit[unit],
                math.exp(estimate),
                math.exp(estimate - _Z95 * se),
                math.exp(estimate + _Z95 * se),
                q,
                tuple(math.exp(float(np.clip(other.coef[k], -700, 700))) for other in others),
            )
        )
    found.sort(key=lambda d: (-d.odds_ratio, d.unit))
    controls = tuple(f for f in data.features if not f.startswith("unit:"))
    too_few = sum(1 for n in counts.values() if n < min_items)
    events = min(total_overturned, len(items) - total_overturned)
    per_parameter = events / max(1, len(data.features))
    warnings: list[str] = []
    if per_parameter < EVENTS_PER_PARAMETER:
        warnings.append(
            f"Warning: {events} events (the rarer outcome) for {len(data.features)} parameters is "
            f"{per_parameter:.1f} per parameter, under {EVENTS_PER_PARAMETER:g}: estimates are unstable; "
            "raise --min-items or --top fewer units, or fit at a coarser level."
        )
    if not fitted.converged:
        warnings.append("Warning: the fit did not converge; read the odds ratios with care.")
    return Report(
        tuple(found),
        len(items),
        total_overturned,
        controls,
        too_few,
        penalty,
        letters=len({item.letter for item in items.values()}),
        references=data.references,
        events_per_parameter=per_parameter,
        warnings=tuple(warnings),
    )


def _labels(target: Target, role: str, level: str) -> dict[str, str]:
    at = "section" if level == "topic" else level
    try:
        rows: Result = run(target, "overturn-by-guideline", include_dependent=True, role=role, level=at)
    except ImrGraphError:  # an endpoint without the statistics: count from the letters
        rows = run(target, "overturn-by-guideline", raw=True, include_dependent=True, role=role, level=at)
    return {str(r["unit"]): str(r["label"]) for r in rows if r.get("label")}
