"""Rates that respect how letters are made: clustered intervals cover where Wilson's do not,
agree with a cluster bootstrap, shrunk rates rank without rewarding tiny rows, and q-values
are Benjamini-Hochberg's."""

from __future__ import annotations

import math

import numpy as np
import pyoxigraph as ox
import pytest

import imr_graph
from imr_graph.answers import Result, arrange, compare
from imr_graph.errors import QueryError
from imr_graph.rates import Cell, Prior, benjamini_hochberg, estimate_prior, p_value, score_p_value, wilson
from imr_graph.stats import letter_measures


def correlated_letters(rng: np.random.Generator, letters: int, *, mean: float, icc: float) -> list[tuple[int, int]]:
    """(items, overturned) per letter: each letter draws its own rate from a beta with the given
    mean and intra-letter correlation, then 1-8 items from it."""
    strength = (1 - icc) / icc  # a beta-binomial's correlation is 1 / (α + β + 1)
    out = []
    for _ in range(letters):
        p = rng.beta(mean * strength, (1 - mean) * strength)
        n = int(rng.integers(1, 9))
        out.append((n, int(rng.binomial(n, p))))
    return out


def cell_of(letters: list[tuple[int, int]]) -> Cell:
    sums = {k: 0 for k in letter_measures(0, 0)}
    for n, y in letters:
        for k, v in letter_measures(n, y).items():
            sums[k] += v
    items = sums["upheld"] + sums["overturned"]
    return Cell(items, sums["overturned"], sums["letters"], sums["itemSquares"], sums["overturnedSquares"],
                sums["itemOverturnedProducts"])  # fmt: skip


def test_clustered_intervals_cover_where_wilson_falls_short() -> None:
    """Composed letters whose items share a rate (intra-letter correlation 0.3, 40 letters of
    1-8 items, true rate 0.2), 1,000 times: the clustered interval covers the true rate in
    about 95% of data sets, Wilson's on the items far less often."""
    rng = np.random.default_rng(15)
    clustered = plain = 0
    runs = 1000
    for _ in range(runs):
        cell = cell_of(correlated_letters(rng, 40, mean=0.2, icc=0.3))
        low, high = cell.interval()
        clustered += low <= 0.2 <= high
        low, high = wilson(cell.overturned, cell.items)
        plain += low <= 0.2 <= high
    assert 0.92 * runs <= clustered <= 0.98 * runs, clustered
    assert plain < 0.82 * runs, plain


def test_clustered_interval_agrees_with_a_cluster_bootstrap() -> None:
    """The design-effect standard error is within 10% of the spread of the rate over 4,000
    resamples of whole letters."""
    rng = np.random.default_rng(4)
    letters = correlated_letters(rng, 120, mean=0.25, icc=0.2)
    cell = cell_of(letters)
    se = math.sqrt(cell.rate * (1 - cell.rate) / cell.effective_items)
    data = np.array(letters)
    picks = rng.integers(0, len(letters), (4000, len(letters)))
    rates = data[picks, 1].sum(axis=1) / data[picks, 0].sum(axis=1)
    assert se == pytest.approx(float(rates.std()), rel=0.1)
    assert cell.design_effect > 1.3 and cell.interval_kind == "clustered"


def test_one_item_per_letter_is_wilson_and_extremes_fall_back_to_letters() -> None:
    single = cell_of([(1, 1)] * 3 + [(1, 0)] * 7)
    assert single.interval_kind == "wilson" and single.interval() == wilson(3, 10)
    none_overturned = cell_of([(5, 0), (4, 0), (1, 0)])  # 10 items, 3 letters: worth 3 letters
    assert none_overturned.effective_items == 3.0 and none_overturned.interval() == wilson(0, 3)
    one_letter = cell_of([(6, 2)])
    assert one_letter.effective_items == 1.0


def test_prior_is_estimated_from_the_rows_and_shrinks_small_rows_most() -> None:
    rng = np.random.default_rng(8)
    sizes = rng.integers(5, 200, 400)
    truths = rng.beta(2.0, 18.0, 400)  # mean 0.1, strength 20
    rates = [rng.binomial(int(n), float(p)) / int(n) for n, p in zip(sizes, truths, strict=True)]
    prior = estimate_prior(rates, [float(n) for n in sizes])
    assert prior is not None
    assert prior.mean == pytest.approx(0.1, abs=0.01)
    assert 15 < prior.strength < 27  # the truth is 20
    assert abs(prior.shrink(1.0, 1) - prior.mean) < abs(prior.shrink(0.4, 100) - prior.mean)
    assert estimate_prior([0.1, 0.2], [10, 10]) is None  # two rows say nothing of a spread
    same = estimate_prior([0.2, 0.2, 0.2, 0.2], [50, 50, 50, 50])
    assert same is not None and same.pools and same.shrink(0.9, 3) == pytest.approx(0.2)


def test_benjamini_hochberg_and_the_score_test() -> None:
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert benjamini_hochberg([]) == []
    # the score test rejects exactly when Wilson's interval leaves the base rate out
    for successes, trials, base in ((3, 10, 0.6), (30, 100, 0.4), (5, 9, 0.2), (50, 60, 0.7), (90, 300, 0.25)):
        low, high = wilson(successes, trials)
        outside = not low <= base <= high
        assert (score_p_value(successes / trials, trials, base) < 0.05) == outside
    # small rows are tested exactly: one item overturned where 14.6% are is no news
    assert p_value(1.0, 1, 0.146) == pytest.approx(2 * 0.146)
    assert p_value(0.0, 10, 0.146) == pytest.approx(min(1.0, 2 * 0.854**10))
    assert p_value(90 / 300, 300, 0.25) == score_p_value(90 / 300, 300, 0.25)


def rows(*cells: tuple[str, int, int]) -> Result:
    found = []
    for name, items, overturned in cells:
        low, high = wilson(overturned, items)
        found.append({"unit": name, "items": items, "overturned": overturned, "overturn_rate": overturned / items,
                      "rate_low": low, "rate_high": high, "effective_items": float(items)})  # fmt: skip
    columns = ("unit", "items", "overturned", "overturn_rate", "rate_low", "rate_high", "effective_items")
    return Result(columns, tuple(found))


def test_sorting_by_shrunk_rate_does_not_put_one_item_on_top() -> None:
    units = (("one", 1, 1), ("big", 100, 30), ("a", 200, 30), ("b", 150, 25), ("c", 120, 15), ("d", 80, 12))
    result = compare(rows(*units, ("two", 2, 0)), 0.15)
    assert result.prior is not None and result.base == 0.15
    assert result.prior.mean == pytest.approx(0.173, abs=0.001) and 60 < result.prior.strength < 95
    by_rate = [r["unit"] for r in arrange(result, sort="rate")]
    by_shrunk = [r["unit"] for r in arrange(result, sort="shrunk")]
    assert by_rate[:2] == ["one", "big"]
    assert by_shrunk[:2] == ["big", "one"]
    shrunk = {r["unit"]: r["shrunk_rate"] for r in result}
    assert shrunk["one"] == pytest.approx(result.prior.shrink(1.0, 1.0)) and shrunk["one"] < 0.2
    by_q = arrange(result, sort="q", limit=1)
    assert [r["unit"] for r in by_q] == ["big"]  # the one row surely away from 15%
    assert [r["unit"] for r in arrange(result, min_items=120)] == ["a", "b", "c"]
    with pytest.raises(QueryError, match="sort by"):
        arrange(result, sort="colour")
    assert "Shrunk rates pull small rows toward 17.3% with the weight of 77" in result.legend()


def test_every_rate_question_gives_letters_intervals_shrunk_rates_and_q(known: ox.Store) -> None:
    for name, params in (
        ("overturn-by-guideline", {"level": "source"}),
        ("overturn-by-year", {}),
        ("overturn-by-category", {}),
        ("overturn-by-specialty", {}),
        ("citation-agreement", {}),
        ("evidence-basis", {}),
        ("cocitation", {"level": "source"}),
        ("guidelines-for-treatment", {"category": "Pharmaceuticals"}),
        ("treatments-for-guideline", {"unit": "acoem-2004-ch12"}),
    ):
        for per in ("item", "letter"):
            result = imr_graph.query(known, name, per=per, **params)
            assert {"letters", "overturned_letters", "rate_low", "shrunk_rate", "difference", "q_value"} <= set(
                result.columns
            ), name
            if name == "guidelines-for-treatment":  # against the category's own rate: 2 of its 4 items
                assert result.base == (0.5 if per == "item" else 2 / 3), name
            else:
                assert result.base == (0.4 if per == "item" else 2 / 3), name
            for row in result:
                assert row["letters"] <= row["items"]  # type: ignore[operator]
                assert row["rate_low"] <= row["overturn_rate"] <= row["rate_high"]  # type: ignore[operator]
                assert row["difference"] == pytest.approx(row["overturn_rate"] - result.base)  # type: ignore[operator]
    with pytest.raises(QueryError, match="per must be item or letter"):
        imr_graph.query(known, "outcomes", per="reviewer")


def test_prior_pools_when_rows_agree() -> None:
    prior = Prior(0.3, math.inf)
    assert prior.pools and prior.shrink(1.0, 50) == 0.3
