"""The drivers model: its fit against statsmodels, planted effects recovered and null ones not
flagged on letters whose items are correlated, the report's coding of the controls, and the
real corpus through the API and the CLI."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import imr_graph
from imr_graph.cli import main
from imr_graph.drivers import PENALTIES, Item, design, fit_drivers, fit_logistic, specialty_group
from imr_graph.errors import ModelError
from imr_graph.records import CaseRecord
from imr_graph.store import build, open_store, write_graph
from tests.known import UPHELD, known_records

#: The planted odds ratio, as the model sees it: averaged over letters. A letter effect of sd σ
#: flattens an odds ratio by about √(1 + 0.346σ²) on the log scale (Zeger, Liang & Albert
#: 1988), so the letters are made with the log odds ratio that much larger.
PLANTED = 3.0


def compose(
    rng: np.random.Generator, *, letters: int = 300, spread: float = 1.0
) -> tuple[dict[str, Item], dict[str, set[str]]]:
    """Letters of 1-6 items that share a letter effect (sd ``spread`` on the log odds: one
    reviewer, one record). Unit P raises the odds by :data:`PLANTED`; units N1-N3 do nothing,
    but N1 is cited more for the risky category, which raises the odds too."""
    planted = math.log(PLANTED) * math.sqrt(1 + 0.346 * spread * spread)
    items: dict[str, Item] = {}
    cited: dict[str, set[str]] = {}
    for letter in range(letters):
        lean = rng.normal(0.0, spread)
        year = str(2015 + letter % 3)
        for k in range(int(rng.integers(1, 7))):
            risky = rng.random() < 0.4
            units = {
                u for u, p in (("P", 0.3), ("N1", 0.5 if risky else 0.15), ("N2", 0.3), ("N3", 0.2)) if rng.random() < p
            }
            logit = -1.8 + 1.0 * risky + lean + (planted if "P" in units else 0.0)
            name = f"l{letter:04d}-{k}"
            overturned = bool(rng.random() < 1 / (1 + math.exp(-logit)))
            items[name] = Item(overturned, f"l{letter}", {"category": "risky" if risky else "plain", "year": year})
            cited[name] = units
    return items, cited


def test_unpenalized_fit_with_clustered_errors_matches_statsmodels() -> None:
    """On the same design, the fit with no penalty gives statsmodels' Logit coefficients and
    its cluster-robust standard errors (groups = letters) to 3 decimals."""
    import statsmodels.api as sm

    items, cited = compose(np.random.default_rng(11))
    data = design(items, cited, ["N1", "N2", "N3", "P"])
    years = Counter(item.controls["year"] for item in items.values())
    assert data.references == (("category", "plain"), ("year", years.most_common(1)[0][0]))
    others = sorted(f"year:{y}" for y in years if y != dict(data.references)["year"])
    assert data.features == ("unit:N1", "unit:N2", "unit:N3", "unit:P", "category:risky", *others)
    ours = fit_logistic(data.matrix, data.outcome, np.zeros(data.matrix.shape[1]), groups=data.groups)
    theirs = sm.Logit(data.outcome, data.matrix).fit(disp=0, cov_type="cluster", cov_kwds={"groups": data.groups})
    glm = sm.GLM(data.outcome, data.matrix, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": data.groups}
    )
    assert ours.converged and ours.clustered is not None
    np.testing.assert_allclose(ours.coef, theirs.params, atol=5e-4)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.clustered)), theirs.bse, atol=5e-4)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.clustered)), glm.bse, atol=5e-4)
    # what every item shares with its letter-mates (the intercept) is known less well than the
    # model-based error says: items of a letter move together
    assert math.sqrt(ours.covariance[0, 0]) < math.sqrt(ours.clustered[0, 0])


def test_penalized_fit_matches_statsmodels_when_the_penalty_vanishes() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(7)
    x = np.column_stack([np.ones(2000), rng.integers(0, 2, (2000, 3))]).astype(float)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(x @ np.array([-1.5, 1.2, -0.8, 0.0]))))).astype(float)
    ours = fit_logistic(x, y, penalty=1e-10)
    theirs = sm.Logit(y, x).fit(disp=0)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, theirs.params, rtol=1e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.covariance)), theirs.bse, rtol=1e-6)
    shrunk = fit_logistic(x, y, penalty=50.0)
    assert all(abs(a) < abs(b) for a, b in zip(shrunk.coef[1:3], ours.coef[1:3], strict=True))


def test_controls_are_not_penalized() -> None:
    """A strong penalty shrinks the units' log odds ratios, never the controls'."""
    items, cited = compose(np.random.default_rng(5))
    data = design(items, cited, ["N1", "P"])
    weak = fit_logistic(data.matrix, data.outcome, data.penalized * 1e-8, groups=data.groups)
    strong = fit_logistic(data.matrix, data.outcome, data.penalized * 100.0, groups=data.groups)
    risky = data.features.index("category:risky") + 1
    planted = data.features.index("unit:P") + 1
    assert abs(strong.coef[planted]) < 0.5 * abs(weak.coef[planted])
    assert strong.coef[risky] == pytest.approx(weak.coef[risky], abs=0.35)
    assert strong.coef[risky] > 0.5


@pytest.mark.slow
def test_planted_effect_recovered_and_null_units_rarely_flagged_over_200_runs() -> None:
    """200 composed corpora (seeded): the planted odds ratio of 3 is inside its interval in at
    least 90% of runs, and each null unit is flagged at q < 0.05 in at most 5% of them."""
    rng = np.random.default_rng(2026)
    covered = 0
    flagged: Counter[str] = Counter()
    runs = 200
    for _ in range(runs):
        items, cited = compose(rng)
        report = fit_drivers(items, cited, min_items=10, penalty=1.0)
        by_unit = {d.unit: d for d in report.drivers}
        covered += by_unit["P"].low < PLANTED < by_unit["P"].high
        flagged.update(u for u in ("N1", "N2", "N3") if by_unit[u].q_value < 0.05)
    assert covered >= 0.9 * runs, covered
    assert all(flagged[u] <= 0.05 * runs for u in ("N1", "N2", "N3")), flagged


def test_report_names_its_references_sensitivity_and_thin_data() -> None:
    items, cited = compose(np.random.default_rng(3), letters=60)
    report = fit_drivers(items, cited, min_items=10, penalty=1.0)
    years = Counter(item.controls["year"] for item in items.values())
    reference = years.most_common(1)[0][0]
    assert report.references == (("category", "plain"), ("year", reference))
    assert report.controls == ("category:risky", *sorted(f"year:{y}" for y in years if y != reference))
    assert report.letters == 60 and report.items == len(items)
    for driver in report.drivers:
        assert len(driver.sensitivity) == len(PENALTIES) == 4
        assert driver.sensitivity[PENALTIES.index(1.0)] == pytest.approx(driver.odds_ratio)
        # more penalty, closer to 1
        logs = [abs(math.log(x)) for x in driver.sensitivity]
        assert logs == sorted(logs, reverse=True)
    assert report.events_per_parameter < 10
    assert any("per parameter" in w for w in report.warnings)
    assert f"reference levels: category: plain; year: {reference}" in report.summary()
    assert report.columns()[-4:] == ("or_penalty_0", "or_penalty_0.25", "or_penalty_1", "or_penalty_4")


def test_specialty_groups_give_each_reviewer_one_level() -> None:
    assert specialty_group(["Orthopaedic Surgery"]) == "orthopaedic surgery"
    assert specialty_group(["Physical Medicine & Rehabilitation", "Pain Medicine"]) == (
        "physical medicine & rehabilitation"
    )
    assert specialty_group(["Anesthesiology", "Pain Medicine"]) == "pain medicine & anesthesiology"
    assert specialty_group(["Psychology"]) == "psychiatry & psychology"
    assert specialty_group(["Dermatology"]) == "other specialties"
    assert specialty_group([]) == "unknown"


def test_drivers_on_the_real_corpus_refuse_thin_units_and_say_it_is_association(
    shared_corpus_store: ox.Store, tmp_path: Path
) -> None:
    from imr_graph.rdf import record_from_quads
    from imr_graph.stats import letter_graphs

    store = shared_corpus_store
    records: list[CaseRecord] = [
        record_from_quads(store.quads_for_pattern(None, None, None, g), g.value) for g in letter_graphs(store)
    ]
    report = imr_graph.drivers(store, by="source", min_items=20)
    cited = Counter(
        c.guideline.value
        for r in records
        for i in r.items
        if not i.dependent
        for c in {c.guideline: c for c in i.reviewer.citations}.values()
    )
    assert {d.unit.rsplit("/", 1)[1]: d.items for d in report.drivers} == {
        code: n for code, n in cited.items() if n >= 20
    }
    assert report.too_few == sum(1 for n in cited.values() if n < 20)
    assert report.items == sum(1 for r in records for i in r.items if not i.dependent)
    assert all(d.low < d.odds_ratio < d.high and 0 <= d.q_value <= 1 for d in report.drivers)
    assert all(d.letters <= d.items for d in report.drivers)
    assert dict(report.references)["specialty group"]
    assert "not cause" in report.caveat
    everything = imr_graph.drivers(store, by="source", min_items=20, include_dependent=True)
    assert everything.items == sum(len(r.items) for r in records) > report.items
    path = tmp_path / "g.trig"
    write_graph(store, path)
    result = CliRunner().invoke(
        main, ["drivers", "--graph", str(path), "--level", "source", "--min-items", "20", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "unit,label,items,letters,overturned,odds_ratio,or_low,or_high,q_value,"
        "or_penalty_0,or_penalty_0.25,or_penalty_1,or_penalty_4"
    )
    assert len(result.stdout.splitlines()) == 1 + len(report.drivers)
    assert "Association, not cause" in result.stderr and "reference levels" in result.stderr
    topics = imr_graph.drivers(store, by="topic", min_items=5)
    assert topics.drivers and all("/odg-" in d.unit and "/section/" in d.unit for d in topics.drivers)


def test_drivers_need_both_outcomes() -> None:
    store = open_store(None)
    only_upheld = [r for r in known_records() if all(i.decision is UPHELD for i in r.items)]
    build(only_upheld, store)
    with pytest.raises(ModelError, match="both outcomes"):
        imr_graph.drivers(store)
