"""The worldviews weighed against the record: the implausibility measure, the committed weights and their
staleness, weights on the command line, pooled answers with weights, the value of information and sampling
from the history match's kept points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.robustness import (
    ALL,
    WEIGHTED,
    robustness_table,
    value_of_information,
    weighted_quantile,
)
from sim.analysis.weights import analysis_weights
from sim.calibration import evidence
from sim.config.names import ConfigError
from sim.config.plan import plan
from sim.model.weights import kept_points, record_weights

HYPOTHESES = ["engagement_moderates", "legitimacy_emboldens", "conditional_leverage", "regional_security_bargain"]


# ---------------------------------------------------------------- the implausibility measure


def _scale(value, record_var=3.0, discrepancy_var=5.0, at_least=False):
    return evidence.Scale(
        value=np.array([value]),
        low=np.array([value]),
        at_least=np.array([at_least]),
        record_var=np.array([record_var]),
        discrepancy_var=np.array([discrepancy_var]),
    )


def test_implausibility_is_the_gap_over_the_three_variances():
    mean, var = np.array([[7.0], [10.0], [13.0]]), np.array([[1.0], [1.0], [1.0]])
    imp = evidence.implausibility(mean, var, _scale(10.0))
    assert imp[:, 0] == pytest.approx([1.0, 0.0, 1.0])  # 3 / sqrt(1 + 3 + 5)


def test_a_lower_bound_is_missed_only_from_below():
    mean, var = np.array([[700.0], [600.0]]), np.array([[0.0], [0.0]])
    imp = evidence.implausibility(mean, var, _scale(650.0, record_var=625.0, discrepancy_var=0.0, at_least=True))
    assert imp[0, 0] == 0.0 and imp[1, 0] == pytest.approx(2.0)


def test_a_range_is_read_as_its_95_percent_interval_and_a_single_figure_has_a_floor():
    checks = {c.id: c for c in evidence.matched_checks()}
    s = evidence.scales([checks["ttp_2023"], checks["need_2022"]])
    assert s.record_var[0] == pytest.approx(((6000 - 4000) / 4) ** 2)
    assert s.record_var[1] == pytest.approx((evidence.RECORD_ERROR["firm"] * 24.4) ** 2)
    assert s.discrepancy_var[1] == pytest.approx((evidence.DISCREPANCY["relative"] * 24.4) ** 2)


def test_a_date_that_never_comes_counts_as_the_month_after_the_run():
    checks = [c for c in evidence.matched_checks() if c.id == "first_recognition"]
    values = {"first_recognition": np.array([np.nan, np.nan])}
    mean, var = evidence.point_statistics(values, 2, (2021, 8), 53, checks)
    assert mean[0, 0] == float(np.datetime64("2026-01", "M").astype(np.int64))
    assert var[0, 0] == 0.0


def test_figures_are_matched_except_shares_of_futures():
    ids = {c.id for c in evidence.matched_checks()}
    assert "drugs_2023_vs_2022" in ids and "attacks_2024" in ids and "russia_first" not in ids


def test_a_point_is_kept_on_its_second_largest_implausibility_without_the_shared_models_misses():
    imp = np.array([[5.0, 1.0, 1.0], [5.0, 4.0, 1.0], [5.0, 4.0, 1.0]])
    checks = ["a", "b", "c"]
    assert evidence.kept_by(imp, checks).tolist() == [True, False, False]
    assert evidence.kept_by(imp, checks, structural=["a"]).tolist() == [True, True, True]


def test_a_figure_every_worldview_mostly_misses_is_a_miss_of_the_shared_model():
    miss, hit = np.array([[4.0, 1.0]] * 9 + [[1.0, 1.0]]), np.array([[4.0, 1.0]] * 5 + [[1.0, 1.0]] * 5)
    both = {"x": {"checks": ["a", "b"], "implausibility": miss}, "y": {"checks": ["a", "b"], "implausibility": miss}}
    assert evidence.structural_misses(both) == ["a"]
    one = {"x": both["x"], "y": {"checks": ["a", "b"], "implausibility": hit}}
    assert evidence.structural_misses(one) == []


# ---------------------------------------------------------------- the committed table cannot drift


def test_the_committed_weights_are_the_normalised_shares_and_the_doc_is_theirs():
    data = evidence.load_evidence()
    assert data is not None, "run python -m sim evidence"
    shares = {h: v["non_implausible_share"] for h, v in data["worldviews"].items()}
    assert set(shares) == set(HYPOTHESES)
    for h, v in data["worldviews"].items():
        assert v["weight"] == pytest.approx(shares[h] / sum(shares.values()), abs=1e-4)
        assert v["kept"] == len(v["kept_points"]) == round(shares[h] * data["points"])
    assert evidence.EVIDENCE_DOC.read_text(encoding="utf-8") == evidence.evidence_doc(data)
    assert data["inputs"] == evidence.inputs_digest(), "the model's inputs changed: run python -m sim evidence"


def test_the_first_points_are_kept_or_ruled_out_as_the_committed_table_says():
    """Rerun the match on the first 80 points of every worldview: a change to the model that moves the verdict
    of any of them makes the committed weights stale (rerun python -m sim evidence)."""
    data = evidence.load_evidence()
    first = np.arange(80)
    for h in HYPOTHESES:
        fresh = evidence.match_worldview(h, first, data["replicates"], data["seed"], data["structural"])
        committed = sorted(i for i in data["worldviews"][h]["kept_points"] if i < len(first))
        assert [int(i) for i in first[fresh["kept"]]] == committed, h


# ---------------------------------------------------------------- weights from the record and from the user


def test_a_users_weight_replaces_the_records_and_all_are_normalised():
    record = record_weights()
    weights, how = analysis_weights(HYPOTHESES, {"legitimacy_emboldens": 0})
    assert weights["legitimacy_emboldens"] == 0 and sum(weights.values()) == pytest.approx(1.0)
    rest = sum(record[h] for h in HYPOTHESES if h != "legitimacy_emboldens")
    assert weights["engagement_moderates"] == pytest.approx(record["engagement_moderates"] / rest)
    assert "set by the user" in how
    weights, how = analysis_weights(HYPOTHESES)
    assert weights == pytest.approx(record, abs=1e-3) and "from the record" in how


def test_a_worldview_without_a_weight_gives_no_weighted_answer():
    weights, how = analysis_weights(["engagement_moderates", "my_view"])
    assert weights is None and "weights.my_view" in how
    weights, _ = analysis_weights(["engagement_moderates", "my_view"], {"my_view": 1})
    assert weights["my_view"] > 0
    weights, how = analysis_weights(["engagement_moderates", "legitimacy_emboldens[x=1]"])
    assert weights is None and "changed on the command line" in how


@pytest.mark.parametrize(
    "override, message",
    [
        ("+weights.nope=1", "no hypothesis 'nope'"),
        ("weights.engagement_moderates=-1", "finite number, 0 or more"),
        ("weights.engagement_moderates=inf", "finite number, 0 or more"),
        ("weights.engagement_moderates=abc", "finite number, 0 or more"),
    ],
)
def test_bad_weights_are_refused_in_one_line(override, message):
    with pytest.raises(ConfigError, match=message) as info:
        plan(["experiment=policy_grid", override])
    assert "\n" not in str(info.value)


def test_every_worldview_at_zero_is_refused():
    zero = [f"weights.{h}=0" for h in HYPOTHESES]
    with pytest.raises(ConfigError, match="weight 0"):
        plan(["experiment=policy_grid", *zero])


def test_an_unknown_weight_on_the_command_line_exits_2_with_one_line(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "never"
    done = subprocess.run(
        [sys.executable, "-m", "sim", "experiment=smoke", "+weights.nope=1", f"out_dir={out}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "nope" in done.stderr
    assert not out.exists()


# ---------------------------------------------------------------- pooled answers with weights


def _values(n=300, seed=3):
    """Deaths: B beats A by 10 under h1 and loses by 30 under h2."""
    rng = np.random.default_rng(seed)
    rows = []
    for h, shift in (("h1", -10.0), ("h2", 30.0)):
        base = 1000 + rng.normal(0, 40, n)
        for policy, value in (("A", base), ("B", base + shift)):
            rows += [
                {"scenario": policy, "hypothesis": h, "replication": r, "deaths_pakistan": v}
                for r, v in enumerate(value)
            ]
    return pd.DataFrame(rows)


def _rows(table, hypothesis):
    return table[(table["hypothesis"] == hypothesis) & (table["outcome"] == "deaths_pakistan")].set_index("policy")


def test_all_weight_on_one_worldview_gives_that_worldviews_answer():
    args = (_values(), ["deaths_pakistan"], ["A", "B"], ["h1", "h2"], {"deaths_pakistan": 1000})
    table, _ = robustness_table(*args, weights={"h1": 1.0, "h2": 0.0})
    weighted, h1 = _rows(table, WEIGHTED), _rows(table, "h1")
    for column in ("mean", "regret_mean", "best_share", "satisficing_share"):
        assert weighted[column].to_numpy() == pytest.approx(h1[column].to_numpy()), column
    assert weighted.loc["B", "rank"] == 1  # B is best under h1 alone, while pooled unweighted A is
    assert _rows(table, ALL).loc["A", "rank"] == 1


def test_equal_weights_pool_like_the_unweighted_answer_and_no_weights_add_no_rows():
    args = (_values(), ["deaths_pakistan"], ["A", "B"], ["h1", "h2"], {})
    table, _ = robustness_table(*args, weights={"h1": 0.5, "h2": 0.5})
    for column in ("mean", "regret_mean", "best_share"):
        assert _rows(table, WEIGHTED)[column].to_numpy() == pytest.approx(_rows(table, ALL)[column].to_numpy())
    plain, _ = robustness_table(*args)
    assert WEIGHTED not in set(plain["hypothesis"])


def test_weighted_quantile_with_equal_weights_is_numpys_inverted_cdf():
    x = np.random.default_rng(0).normal(size=101)
    for q in (0.1, 0.5, 0.9):
        assert weighted_quantile(x, np.ones_like(x), q) == pytest.approx(np.quantile(x, q, method="inverted_cdf"))
    assert weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 1.0]), 0.5) == 3.0


# ---------------------------------------------------------------- value of information


def _cube():
    """Loss of policies A, B in 4 futures of 2 worldviews: A is best where the event happens, B elsewhere."""
    seen = np.array([[True, True, False, False], [True, False, False, False]])
    loss = np.where(seen[:, :, None], [0.0, 10.0], [10.0, 0.0])
    return loss, seen


def test_an_event_that_tells_which_policy_is_best_removes_all_regret():
    cube, seen = _cube()
    v = value_of_information(cube, "deaths_pakistan", seen, {"h1": 0.5, "h2": 0.5}, ["h1", "h2"])
    assert v["regret_now"] > 0
    assert v["value"] == pytest.approx(v["regret_now"])
    assert (v["best_if_seen"], v["best_if_not_seen"]) == (0, 1)
    # Bayes: h1 sees the event in 2 of its 4 futures, h2 in 1 of 4
    assert v["weights_if_seen"] == pytest.approx({"h1": 2 / 3, "h2": 1 / 3})


def test_an_event_that_always_happens_is_worth_nothing():
    cube, _ = _cube()
    always = np.ones((2, 4), dtype=bool)
    v = value_of_information(cube, "deaths_pakistan", always, {"h1": 0.5, "h2": 0.5}, ["h1", "h2"])
    assert v["value"] == 0.0 and v["p_seen"] == pytest.approx(1.0)


# ---------------------------------------------------------------- sampling the joint non-implausible set


def test_matched_draws_are_kept_points_keyed_by_replication():
    from sim.model.sampling import draw_matched, draw_parameters

    seed, kept = kept_points("engagement_moderates")
    reps = np.arange(40)
    drawn = draw_matched(7, reps, "engagement_moderates")
    alone = draw_matched(7, [5, 17], "engagement_moderates")
    assert all(np.array_equal(drawn[k][[5, 17]], alone[k]) for k in drawn)
    values = draw_parameters(seed, kept)
    points = {tuple(values[n][i] for n in sorted(drawn)) for i in range(len(kept))}
    rows = {tuple(drawn[n][r] for n in sorted(drawn)) for r in reps}
    assert rows <= points and len(rows) > 1


def test_every_scenario_of_a_replication_shares_its_worldviews_point(tmp_path):
    from sim.model.model import DiplomacyModel

    p = plan(["experiment=policy_grid", "uncertainty=matched", "replications=12", "months=2"])
    assert not p.drawn  # the independent design is not drawn over the matched one
    by_hypothesis = {}
    for cell in p.cells:
        assert cell.setup.sampling.matched == cell.hypothesis.name
        params = DiplomacyModel(cell.setup, np.arange(12)).params
        point = params["ttp.recruitment_rate"]
        first = by_hypothesis.setdefault(cell.hypothesis.name, point)
        assert np.array_equal(first, point)
    a, b = by_hypothesis["engagement_moderates"], by_hypothesis["legitimacy_emboldens"]
    assert not np.array_equal(a, b)  # each worldview draws from its own kept set


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["experiment=sensitivity"], "does not fit a sensitivity analysis"),
        (["sampling=lhs"], "draws kept points"),
    ],
)
def test_matched_sampling_refuses_what_it_cannot_do(overrides, message):
    with pytest.raises(ConfigError, match=message):
        plan(["uncertainty=matched", *overrides])


# ---------------------------------------------------------------- end to end: the two answers side by side


@pytest.fixture(scope="module")
def weighted_grid(tmp_path_factory):
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("grid") / "policy_grid"
    args = ["experiment=policy_grid", "replications=6", "months=12", f"out_dir={out}", "progress=false"]
    done = subprocess.run(
        [sys.executable, "-m", "sim", *args, "weights.legitimacy_emboldens=0", "figures=false"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_report_labels_the_unweighted_pool_and_names_the_weights(weighted_grid):
    report = (weighted_grid / "report.md").read_text(encoding="utf-8")
    assert "Robust across worldviews (unweighted: each worldview counts equally)" in report
    assert "Evidence-weighted (weights: " in report and "Legitimacy emboldens 0.00" in report
    assert "set by the user (legitimacy_emboldens=0)" in report
    assert "all worldviews, unweighted | evidence-weighted |" in report
    assert "Value of information" in report
    table = pd.read_csv(weighted_grid / "robustness.csv")
    assert {ALL, WEIGHTED} <= set(table["hypothesis"])
    weights = pd.read_csv(weighted_grid / "worldview_weights.csv").set_index("hypothesis")
    assert weights.loc["legitimacy_emboldens", "evidence_weighted"] == 0
    assert weights["evidence_weighted"].sum() == pytest.approx(1.0, abs=1e-5)  # written to six decimals
    voi = pd.read_csv(weighted_grid / "value_of_information.csv")
    assert set(voi["weighting"]) == {"unweighted", WEIGHTED}
    assert (voi["value"] >= 0).all() and (voi["value"] <= voi["regret_now"] + 1e-9).all()


def test_equal_pooled_tables_are_said_to_be_equal(weighted_grid, tmp_path):
    """Where weighing by the record changes no answer, the report says why the two tables match."""
    import shutil

    from sim.analysis.robustness import robustness_section

    sentence = "The evidence-weighted table is the unweighted one at the precision shown"
    copy = tmp_path / "grid"
    shutil.copytree(weighted_grid, copy)
    table = pd.read_csv(copy / "robustness.csv")
    weighted = table["hypothesis"] == WEIGHTED
    pooled = table[table["hypothesis"] == ALL].assign(hypothesis=WEIGHTED)
    pd.concat([table[~weighted], pooled]).to_csv(copy / "robustness.csv", index=False)
    assert sentence in robustness_section(copy)


def test_the_evidence_command_checks_its_doc_and_refuses_bad_options(capsys):
    assert evidence.main(["--check"]) == 0
    assert evidence.main(["--points", "5"]) == 2
    assert "error:" in capsys.readouterr().err
