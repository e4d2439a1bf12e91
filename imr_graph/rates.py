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
  shrunk toward the mean of the rows by an empirical-Bayes beta-binomial prior, estimated
  from the rows (Kleinman's weighted moments) on their effective sample sizes:
  (p·n + μ·κ) / (n + κ), with μ the prior mean and κ its strength in items.
- **Difference and q-value.** Each row's rate minus the base rate, with the two-sided score
  test of "this row's rate is the base rate" on the effective sample size (the test the
  Wilson interval inverts), and Benjamini–Hochberg q-values across the rows.

>>> cell = Cell(items=10, overturned=5, letters=10, item_squares=10, overturned_squares=5, products=5)
>>> cell.interval_kind, round(cell.effective_items, 6)
('wilson', 10.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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


def estimate_prior(rates: Sequence[float], sizes: Sequence[float]) -> Prior | None:
    """The beta prior the rows suggest, by Kleinman's weighted moment estimator: the mean of
    the rates weighted by their sizes, and a strength from how much more they spread than
    sampling alone would make them. None for fewer than three rows or no spread to measure.

    >>> prior = estimate_prior([0.1, 0.5, 0.9, 0.5], [50, 50, 50, 50])
    >>> round(prior.mean, 3), round(prior.strength, 1)
    (0.5, 1.4)
    """
    rows = [(r, w) for r, w in zip(rates, sizes, strict=True) if w > 0]
    k = len(rows)
    total = sum(w for _, w in rows)
    if k < 3 or total <= 0:
        return None
    mean = sum(r * w for r, w in rows) / total
    spread = mean * (1 - mean)
    if spread <= 0:
        return None
    observed = sum(w * (r - mean) ** 2 for r, w in rows)
    room = total - sum(w * w for _, w in rows) / total - (k - 1)
    if room <= 0:
        return None
    # φ = 1/(κ + 1): the share of the spread that is real, not sampling
    phi = (observed - spread * (k - 1)) / (spread * room)
    if phi <= 0:
        return Prior(mean, math.inf)
    phi = min(phi, 1 - 1e-6)
    return Prior(mean, (1 - phi) / phi)


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
