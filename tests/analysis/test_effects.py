"""Decision numbers from per-replication summaries: effect quantiles, P(better), ties, and the sentences."""

import numpy as np
import pytest

from sim.analysis.effects import answer_sentences, answer_text, comparison_text, summary_table
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


def test_sentences_count_worldviews_and_give_the_range_of_p_better():
    table, diffs = _four_worldviews()
    labels = {"policy": "Recognition", "h1": "One", "h2": "Two", "h3": "Three", "h4": "Four"}
    sentences = answer_sentences(table, ["deaths_pakistan", "recognising_states"], "base", labels)
    assert len(sentences) == 1  # no sentence for an outcome without a good direction
    p = {h: float((d < 0).mean()) for (_, h), d in diffs.items()}
    assert p["h1"] > 0.9 and p["h4"] < 0.1
    expected = (
        f"Recognition lowers deaths in Pakistan in most futures under 2 of 4 worldviews; "
        f"P(better) from {p['h4']:.2f} (Four) to {p['h1']:.2f} (One)."
    )
    assert sentences[0] == expected


def test_the_answer_leads_with_p_better_and_the_worst_case():
    table, diffs = _four_worldviews()
    text = answer_text(table, ["deaths_pakistan"], "base", {}, "200 replications")
    lines = text.splitlines()
    assert lines[0].startswith("ANSWER")
    row = next(line for line in lines if line.startswith("policy"))
    numbers = [float(x) for x in row.split()[1:]]
    p = [float((diffs[("policy", h)] < 0).mean()) for h in ("h1", "h2", "h3", "h4")]
    assert numbers == pytest.approx([round(v, 2) for v in p] + [round(min(p), 2)])


def test_a_policy_that_changes_nothing_says_so():
    table = summary_table(_summaries({("policy", "h1"): np.zeros(50), ("policy", "h2"): np.zeros(50)}, 50), "base")
    sentences = answer_sentences(table, ["deaths_pakistan"], "base", {"policy": "Talks"})
    assert sentences == ["Talks leaves deaths in Pakistan unchanged in every future under every worldview."]


def test_no_change_under_one_worldview_is_not_no_change_everywhere():
    moved = np.where(np.arange(50) < 40, -3.0, 0.0)
    table = summary_table(_summaries({("policy", "h1"): np.zeros(50), ("policy", "h2"): moved}, 50), "base")
    labels = {"policy": "Talks", "h1": "One", "h2": "Two"}
    sentences = answer_sentences(table, ["deaths_pakistan"], "base", labels)
    assert sentences == [
        "Talks lowers deaths in Pakistan in most futures under 1 of 2 worldviews; P(better) from 0.00 (One) "
        "to 0.80 (Two). No change at all in up to 100% of futures (One)."
    ]
