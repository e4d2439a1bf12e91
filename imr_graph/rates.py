"""Rates that respect how letters are made: intervals clustered by letter, rates shrunk toward
what the other rows say, and each row's difference from the base rate with a q-value.

The items of one letter are decided by one reviewer on one record, so they are not
independent: a chapter cited for ten items of two letters says about as much as two letters.
Every rate here is computed from a cell's sums over letters (see ``stats.letter_measures``):

- **Interval.** The overturn rate p = Y/N of a cell (Y overturned of N items, in m letters) is a
  ratio estimator; its variance clustered by letter is m/(m-1) · Σ(yᵢ - p·nᵢ)² / N² (nᵢ, yᵢ:
  letter i's items and overturned items in the cell). Its ratio to the binomial variance
  p(1-p)/N is the design effect d (at least 1), and the interval is Wilson's on the effective
  sample size N/d. When every letter has one item in the cell, that is Wilson's interval on
  N items. When p is 0 or 1 the variance says nothing of the clustering, and the letters are
  taken as the sample size (as if a letter's items always agree), the cautious choice.
- **Shrunk rate.** A rate on 3 items should not rank beside a rate on 300. Each row's rate is
  shrunk toward the rows' pooled rate by an empirical-Bayes beta-binomial prior, whose
  strength is estimated from the rows by maximum likelihood on their effective sample sizes:
  (p·n + μ·κ) / (n + κ), with μ the prior mean and κ its strength in items.
- **Difference and q-value.** Each row's rate minus the base rate, with the two-sided test of
  "this row's rate is the base rate" on the effective sample size (exact binomial on small
  rows, else the score test that the Wilson interval inverts), and Benjamini–Hochberg
  q-values across the rows.

>>> cell = Cell(items=10, overturned=5, letters=10, item_squares=10, overturned_squares=5, products=5)
>>> cell.interval_kind, round(cell.effective_items, 6)
('wilson', 10.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_Z95 = 1.959963984540054


def wilson(successes: float, trials: float, *, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default); (0, 1) for no trials.
    ``successes`` and ``trials`` may be effective (non-whole) counts.

    >>> round(wilson(9, 10)[0], 3), round(wilson(9, 10)[1], 3)
    (0.596, 0.982)
    """
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(max(p * (1 - p), 0.0) / trials + z * z / (4 * trials * trials)) / denominator
    low, high = centre - half, centre + half
    # 0 successes give a lower bound of 0 exactly (not 5.55e-17 of rounding), all give 1
    return (0.0 if successes <= 0 else max(0.0, low)), (1.0 if successes >= trials else min(1.0, high))


@dataclass(frozen=True)
class Cell:
    """A cell's sums over letters: N items, Y overturned, m letters, Σn², Σy², Σn·y."""

    items: int
    overturned: int
    letters: int
    item_squares: int
    overturned_squares: int
    products: int

    @property
    def rate(self) -> float:
        return self.overturned / self.items if self.items else 0.0

    @property
    def interval_kind(self) -> str:
        """``wilson`` when each letter gives the cell one item, else ``clustered``."""
        return "wilson" if self.item_squares <= self.items else "clustered"

    @property
    def design_effect(self) -> float:
        """The letter-clustered variance of the rate over the binomial one (at least 1)."""
        return self.items / self.effective_items if self.items else 1.0

    @property
    def effective_items(self) -> float:
        """How many independent items the cell's evidence is worth (between about m and N)."""
        n, m, p = self.items, self.letters, self.rate
        if n == 0 or self.interval_kind == "wilson":
            return float(n)
        if m < 2:
            return 1.0
        if p in (0.0, 1.0):
            return float(m)
        residual = self.overturned_squares - 2 * p * self.products + p * p * self.item_squares
        clustered = m / (m - 1) * max(residual, 0.0) / (n * n)
        binomial = p * (1 - p) / n
        return n / max(1.0, clustered / binomial)

    def interval(self) -> tuple[float, float]:
        """The 95% interval of the overturn rate (see the module's text)."""
        effective = self.effective_items
        return wilson(self.rate * effective, effective)


@dataclass(frozen=True)
class Prior:
    """An empirical-Bayes beta prior: its mean and its strength (κ = α + β, in items)."""

    mean: float
    strength: float

    @property
    def pools(self) -> bool:
        """True when the rows vary no more than sampling alone would make them vary: every
        rate is then shrunk all the way to the mean."""
        return math.isinf(self.strength)

    def shrink(self, rate: float, items: float) -> float:
        """A rate on ``items`` (effective) items, shrunk toward the prior mean."""
        if self.pools:
            return self.mean
        return (rate * items + self.mean * self.strength) / (items + self.strength)


def log_gamma(x: np.ndarray) -> np.ndarray:
    """log Γ(x) for positive ``x``, elementwise (Stirling's series after shifting x past 8;
    within 1e-9 of :func:`math.lgamma`).

    >>> round(float(log_gamma(np.array([0.5]))[0]), 9) == round(math.lgamma(0.5), 9)
    True
    """
    z = np.array(x, dtype=float)
    shift = np.zeros_like(z)
    for _ in range(8):
        small = z < 8.0
        shift += np.where(small, np.log(np.where(small, z, 1.0)), 0.0)
        z = np.where(small, z + 1.0, z)
    inverse = 1.0 / (z * z)
    series = (1 / 12 - inverse * (1 / 360 - inverse * (1 / 1260 - inverse / 1680))) / z
    found: np.ndarray = (z - 0.5) * np.log(z) - z + 0.5 * math.log(2 * math.pi) + series - shift
    return found


#: The strengths a prior is looked for between (in items); at the upper end the rows pool.
_STRENGTHS = (1e-2, 1e6)


def estimate_prior(rates: Sequence[float], sizes: Sequence[float]) -> Prior | None:
    """The beta prior the rows suggest: its mean is the rows' pooled rate, its strength the one
    that makes the rows most likely under a beta-binomial with that mean (maximum likelihood on
    the rows' effective sizes, by golden-section search on log strength). Rows that vary no
    more than sampling alone would make them give a pooling prior. None for fewer than three
    rows.

    >>> prior = estimate_prior([0.1, 0.5, 0.9, 0.5], [50, 50, 50, 50])
    >>> round(prior.mean, 3), round(prior.strength, 1)
    (0.5, 2.5)
    """
    counted: dict[tuple[float, float], int] = {}
    for rate, size in zip(rates, sizes, strict=True):
        if size > 0:  # the same rows once each, with their multiplicity (page-level answers repeat 0/1 often)
            key = (round(size, 6), round(rate * size, 6))
            counted[key] = counted.get(key, 0) + 1
    if sum(counted.values()) < 3:
        return None
    n = np.array([k[0] for k in counted])
    y = np.clip(np.array([k[1] for k in counted]), 0.0, n)
    weight = np.array(list(counted.values()), dtype=float)
    mean = float((weight * y).sum() / (weight * n).sum())
    if mean <= 0.0 or mean >= 1.0:
        return Prior(mean, math.inf)

    def likelihood(log_strength: float) -> float:
        strength = math.exp(log_strength)
        a, b = mean * strength, (1 - mean) * strength
        terms = log_gamma(y + a) + log_gamma(n - y + b) - log_gamma(n + strength)
        return float((weight * terms).sum()) + float(weight.sum()) * (
            math.lgamma(strength) - math.lgamma(a) - math.lgamma(b)
        )

    low, high = math.log(_STRENGTHS[0]), math.log(_STRENGTHS[1])
    golden = (math.sqrt(5) - 1) / 2
    left, right = high - golden * (high - low), low + golden * (high - low)
    f_left, f_right = likelihood(left), likelihood(right)
    for _ in range(60):
        if f_left < f_right:
            low, left, f_left = left, right, f_right
            right = low + golden * (high - low)
            f_right = likelihood(right)
        else:
            high, right, f_right = right, left, f_left
            left = high - golden * (high - low)
            f_left = likelihood(left)
    best = (low + high) / 2
    if best > math.log(_STRENGTHS[1]) - 0.5:  # the likelihood keeps rising: one rate fits every row
        return Prior(mean, math.inf)
    return Prior(mean, math.exp(best))


#: Up to this many (effective) items a difference is tested exactly; above, by the score test.
EXACT_UP_TO = 200


def p_value(rate: float, items: float, base: float) -> float:
    """Two-sided p-value of "a rate on ``items`` (effective) items is really ``base``": the exact
    binomial test on the rounded counts up to :data:`EXACT_UP_TO` items (a rate on one item is
    never news), the score test above (the test Wilson's interval inverts, so there p < 0.05
    exactly when the interval leaves the base rate out).

    >>> round(p_value(1.0, 1, 0.146), 3)  # one item overturned where 14.6% are
    0.292
    >>> round(p_value(0.5, 400, 0.4), 5)
    4e-05
    """
    if items <= 0:
        return 1.0
    if base <= 0.0 or base >= 1.0:
        return 1.0 if rate == base else 0.0
    n = round(items)
    if n <= EXACT_UP_TO:
        y = min(max(round(rate * items), 0), n)
        below = sum(math.comb(n, j) * base**j * (1 - base) ** (n - j) for j in range(y + 1))
        above = sum(math.comb(n, j) * base**j * (1 - base) ** (n - j) for j in range(y, n + 1))
        return min(1.0, 2 * min(below, above))
    return score_p_value(rate, items, base)


def score_p_value(rate: float, items: float, base: float) -> float:
    """Two-sided p-value of the score test that a rate on ``items`` (effective) items is
    ``base``: the test Wilson's interval inverts, so p < 0.05 exactly when the interval leaves
    the base rate out.

    >>> round(score_p_value(0.5, 100, 0.4), 4)
    0.0412
    """
    if items <= 0:
        return 1.0
    if base <= 0.0 or base >= 1.0:
        return 1.0 if rate == base else 0.0
    z = (rate - base) / math.sqrt(base * (1 - base) / items)
    return math.erfc(abs(z) / math.sqrt(2))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg q-values, in the order of ``p_values``.

    >>> [round(q, 3) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.5])]
    [0.04, 0.053, 0.053, 0.5]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda k: p_values[k])
    q = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        k = order[rank - 1]
        running = min(running, p_values[k] * m / rank)
        q[k] = min(running, 1.0)
    return q
