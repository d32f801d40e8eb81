"""Decision numbers from per-replication summaries: effect quantiles, P(better), ties, materiality, the
yearly figures and the split of an effect's variance."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.effects import (
    POOLED,
    comparison_text,
    distribution_table,
    horizon_years,
    p_better_text,
    paired_effects,
    summary_table,
    variance_parts,
    year_figures,
)
from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES

DEATHS = OUTCOME_INDEX["deaths_pakistan"]  # lower is better
PRAGMATISTS = OUTCOME_INDEX["pragmatist_influence"]  # higher is better
RECOGNISING = OUTCOME_INDEX["recognising_states"]  # no good direction


def _summaries(diffs_by_cell: dict, n: int) -> dict:
    """Baseline at 100 in every outcome; each policy cell adds the given effect on deaths and on pragmatists."""
    out = {}
    hypotheses = sorted({h for _, h in diffs_by_cell})
    for h in hypotheses:
        out[("base", h)] = np.full((len(OUTCOMES), n), 100.0)
    for (s, h), diff in diffs_by_cell.items():
        values = np.full((len(OUTCOMES), n), 100.0)
        values[DEATHS] += diff
        values[PRAGMATISTS] += diff
        out[(s, h)] = values
    return out


def test_effect_quantiles_and_p_better_follow_the_good_direction():
    diff = np.arange(-30.0, 70.0)  # 100 replications: 30 below zero, one tie, 69 above
    table = summary_table(_summaries({("policy", "h1"): diff}, 100), "base").set_index(["scenario", "outcome"])
    deaths = table.loc[("policy", "deaths_pakistan")]
    assert deaths["effect_p50"] == pytest.approx(np.quantile(diff, 0.5))
    assert deaths["effect_p05"] == pytest.approx(np.quantile(diff, 0.05))
    assert deaths["effect_p95"] == pytest.approx(np.quantile(diff, 0.95))
    assert deaths["p_better"] == pytest.approx(0.30)  # fewer deaths in 30 of 100
    assert deaths["p_same"] == pytest.approx(0.01)
    pragmatists = table.loc[("policy", "pragmatist_influence")]
    assert pragmatists["p_better"] == pytest.approx(0.69)  # more influence in 69 of 100
    assert np.isnan(table.loc[("policy", "recognising_states"), "p_better"])
    base = table.loc[("base", "deaths_pakistan")]
    assert base["p_better"] == 0.0 and base["p_same"] == 1.0


def test_one_replication_has_no_interval():
    table = summary_table(_summaries({("policy", "h1"): np.array([-5.0])}, 1), "base")
    row = table[(table.scenario == "policy") & (table.outcome == "deaths_pakistan")].iloc[0]
    assert np.isnan(row["diff_ci95_low"]) and np.isnan(row["effect_p05"]) and np.isnan(row["p2_5"])
    assert row["effect_p50"] == -5.0 and row["p_better"] == 1.0
    text = comparison_text(table, ["deaths_pakistan"], "base")
    assert "[n/a, n/a]" in text and "nan" not in text


def _four_worldviews():
    rng = np.random.default_rng(0)
    n = 200
    # the policy lowers deaths in most futures under two worldviews and raises them under the other two
    shifts = {"h1": -20.0, "h2": -5.0, "h3": 5.0, "h4": 30.0}
    diffs = {("policy", h): rng.normal(shift, 10.0, n) for h, shift in shifts.items()}
    return summary_table(_summaries(diffs, n), "base"), diffs


def test_the_p_better_table_gives_each_worldview_and_the_worst_case():
    table, diffs = _four_worldviews()
    text = p_better_text(table, ["deaths_pakistan"], "base", {}, "200 replications")
    lines = text.splitlines()
    assert lines[0].startswith("P(better)")
    row = next(line for line in lines if line.startswith("policy"))
    numbers = [float(x) for x in row.split()[1:]]
    p = [float((diffs[("policy", h)] < 0).mean()) for h in ("h1", "h2", "h3", "h4")]
    assert numbers == pytest.approx([round(v, 2) for v in p] + [round(min(p), 2)])


def _long(diffs: dict, level: float = 2490.0, outcome: str = "deaths_pakistan") -> pd.DataFrame:
    """A tidy per-replication table: the baseline at ``level`` and each (policy, hypothesis) cell moved by its
    effects, one row per replication."""
    rows = []
    for (policy, h), diff in diffs.items():
        n = len(diff)
        for scenario, values in (("base", np.full(n, level)), (policy, level + np.asarray(diff, float))):
            rows.append(pd.DataFrame({"scenario": scenario, "hypothesis": h, "replication": np.arange(n),
                                      "outcome": outcome, "value": values}))
    return pd.concat(rows, ignore_index=True).drop_duplicates(["scenario", "hypothesis", "replication"])


def test_a_tiny_effect_is_better_but_not_a_material_improvement():
    # -9 deaths a year out of 2,490 in every future: better every time, never by the 100 a year that counts
    tiny = paired_effects(_long({("policy", "h1"): np.full(50, -9.0)}), "base")
    row = distribution_table(tiny, "effect", ["outcome", "scenario"], None).set_index("hypothesis").loc["h1"]
    assert row["p_better"] == 1.0
    assert row["p_material_improvement"] == 0.0 and row["p_material_harm"] == 0.0
    large = paired_effects(_long({("policy", "h1"): np.full(50, -150.0)}), "base")
    row = distribution_table(large, "effect", ["outcome", "scenario"], None).set_index("hypothesis").loc["h1"]
    assert row["p_material_improvement"] == 1.0 and row["material"] == 100
    # the summary table carries the same shares beside P(better)
    s = summary_table(_summaries({("policy", "h1"): np.full(20, -9.0)}, 20), "base")
    deaths = s[(s.scenario == "policy") & (s.outcome == "deaths_pakistan")].iloc[0]
    assert deaths["p_better"] == 1.0 and deaths["p_material_improvement"] == 0.0


def test_every_outcome_declares_a_materiality_threshold_with_a_reason():
    for o in OUTCOMES:
        assert o.material > 0 and o.material_why.startswith("assumption"), o.name


def test_pooled_figures_weigh_worldviews_not_runs():
    # h1 has 10 futures all better by 200, h2 has 90 all worse by 200: equal weights pool them half and half
    frame = paired_effects(_long({("policy", "h1"): np.full(10, -200.0), ("policy", "h2"): np.full(90, 200.0)}), "base")
    pooled = distribution_table(frame, "effect", ["outcome", "scenario"], None).set_index("hypothesis").loc[POOLED]
    assert pooled["p_material_improvement"] == pytest.approx(0.5) and pooled["p_material_harm"] == pytest.approx(0.5)
    weighted = distribution_table(frame, "effect", ["outcome", "scenario"], {"h1": 0.8, "h2": 0.2})
    row = weighted.set_index("hypothesis").loc[POOLED]
    assert row["p_material_improvement"] == pytest.approx(0.8) and row["median"] == -200.0


@pytest.mark.parametrize("months, years", [(120, [1, 3, 5, 10]), (60, [1, 3, 5]), (36, [1, 3]), (24, [1]), (11, [])])
def test_the_horizon_years_are_those_the_run_covers(months, years):
    assert horizon_years(months) == years


def test_year_figures_take_each_year_s_own_months():
    months = np.arange(48, dtype=float)[:, None] * np.ones((1, 3))  # month m holds m in every replication
    assert year_figures(months, "annual")[2, 0] == sum(range(24, 36))  # year 3: months 24-35
    assert year_figures(months, "mean")[2, 1] == np.mean(range(24, 36))
    assert year_figures(months, "final")[2, 2] == 35
    assert year_figures(months[:47], "annual").shape == (3, 3)  # an unfinished year is left out


def test_variance_parts_sum_to_the_total():
    rng = np.random.default_rng(3)
    diffs = {("policy", h): rng.normal(shift, scale, 200) for h, shift, scale in
             (("h1", -50.0, 10.0), ("h2", 20.0, 40.0), ("h3", 80.0, 5.0))}
    effects = paired_effects(_long(diffs), "base")
    parts = variance_parts(effects, None).iloc[0]
    assert parts["total"] == pytest.approx(np.var(effects["effect"]))  # equal runs, equal weights: plain variance
    assert parts["worldview"] + parts["within"] == pytest.approx(parts["total"])
    assert parts["worldview"] == pytest.approx(np.var([d.mean() for d in diffs.values()]))
    weighted = variance_parts(effects, {"h1": 0.6, "h2": 0.3, "h3": 0.1}).iloc[0]
    assert weighted["worldview"] + weighted["within"] == pytest.approx(weighted["total"])
    assert weighted["worldview"] != pytest.approx(parts["worldview"])
