"""Decision analyses: regret and rank flips, Sobol and Morris indices, PRIM boxes, on planted data and end to end."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from sim.analysis.discovery import find_boxes
from sim.analysis.robustness import ALL, WEIGHTED, robustness_table
from sim.analysis.sensitivity import design_settings, design_values, sensitivity_table
from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES
from sim.store.files import parameters_table, summaries_table, write_parameters
from sim.store.reader import replication_values

ROOT = Path(__file__).resolve().parents[2]


def run_sim(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


# ---------------------------------------------------------------- robustness on planted numbers


def _planted_policies(n=400, seed=1):
    """Deaths per policy: B is 5 worse than A under h1 and 5 better under h2; C is always 10 worse than A."""
    rng = np.random.default_rng(seed)
    rows = []
    for h, shift in (("h1", 5.0), ("h2", -5.0)):
        base = 1000 + rng.normal(0, 50, n)
        for policy, value in (("A", base), ("B", base + shift), ("C", base + 10.0)):
            rows += [
                {"scenario": policy, "hypothesis": h, "replication": r, "deaths_pakistan": v}
                for r, v in enumerate(value)
            ]
    return pd.DataFrame(rows)


def test_regret_is_zero_for_the_best_policy_and_the_gap_for_the_others():
    table, _ = robustness_table(_planted_policies(), ["deaths_pakistan"], ["A", "B", "C"], ["h1", "h2"], {})
    row = table.set_index(["policy", "hypothesis"])
    assert row.loc[("A", "h1"), "regret_max"] == 0 and row.loc[("A", "h1"), "rank"] == 1
    assert row.loc[("B", "h2"), "regret_max"] == 0 and row.loc[("B", "h2"), "rank"] == 1
    assert row.loc[("C", "h1"), "regret_mean"] == pytest.approx(10.0)
    assert row.loc[("C", "h2"), "regret_mean"] == pytest.approx(15.0)
    assert row.loc[("C", "h1"), "rank"] == 3
    # across both worldviews, A's regret is 0 or 5 and B's is 5 or 0: equal; C is worst
    assert row.loc[("C", ALL), "rank"] == 3
    assert row.loc[("A", ALL), "regret_max"] == pytest.approx(5.0)


def test_a_planted_reversal_is_the_one_rank_flip():
    _, flips = robustness_table(_planted_policies(), ["deaths_pakistan"], ["A", "B", "C"], ["h1", "h2"], {})
    assert len(flips) == 1  # B beats C under both worldviews, A beats C under both
    pairs = {frozenset((f.better, f.worse)) for f in flips.itertuples()}
    assert frozenset(("A", "B")) in pairs
    assert frozenset(("A", "C")) not in pairs


def test_satisficing_share_counts_futures_under_the_threshold():
    values = _planted_policies()
    table, _ = robustness_table(values, ["deaths_pakistan"], ["A", "B", "C"], ["h1", "h2"], {"deaths_pakistan": 1000})
    row = table[(table["outcome"] == "deaths_pakistan") & (table["hypothesis"] == "h1")].set_index("policy")
    expected = (values[(values.scenario == "C") & (values.hypothesis == "h1")]["deaths_pakistan"] <= 1000).mean()
    assert row.loc["C", "satisficing_share"] == pytest.approx(expected)
    # C is 10 deaths worse than A in every future, so it meets the threshold less often
    assert row.loc["C", "satisficing_share"] < row.loc["A", "satisficing_share"]


# ---------------------------------------------------------------- sensitivity on a planted response


def _fake_store(folder: Path, experiment: dict, params: dict, effect_of):
    """A results folder as a run leaves it, but with outcomes computed from the parameters by ``effect_of``."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {"experiment": experiment, "replications": None, "seed": 5, "params": {}}
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    n = len(next(iter(params.values())))
    cells = [[s, h] for h in experiment["hypotheses"] for s in experiment["scenarios"][:2]]
    manifest = {
        "experiment": experiment["name"],
        "replications": n,
        "baseline": experiment["baseline"],
        "cells": cells,
        "months": 12,
        "start": "2026-01",
        "config": config,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    write_parameters(folder, parameters_table(np.arange(n), params))
    effect = effect_of(params)
    parts = []
    dates = np.arange(np.datetime64("2026-01"), np.datetime64("2027-01")).astype("datetime64[ms]")
    for i, (scenario, h) in enumerate(cells):
        values = effect if scenario == experiment["scenarios"][1] else np.zeros(n)
        parts.append(
            pd.DataFrame(
                {
                    "scenario": scenario,
                    "hypothesis": h,
                    "replication": np.repeat(np.arange(n), 12),
                    "date": np.tile(dates, n),
                    "deaths_pakistan": np.repeat(values / 12.0, 12),
                }
            )
        )
        # the per-replication summaries a run stores beside its results: deaths per year, the rest unknown
        summaries = np.full((len(OUTCOMES), n), np.nan)
        summaries[OUTCOME_INDEX["deaths_pakistan"]] = values
        chunk = folder / "summaries.parquet" / f"cell-{i:03d}" / "chunk-0000000.parquet"
        chunk.parent.mkdir(parents=True)
        pq.write_table(summaries_table(summaries, scenario, h, np.arange(n)), chunk)
    rows = pa.Table.from_pandas(pd.concat(parts, ignore_index=True), preserve_index=False)
    pq.write_table(rows, folder / "results.parquet")


def test_a_planted_driver_gets_the_top_total_index(tmp_path):
    sobol = ["ttp.fighter_ceiling", "ttp.recruitment_rate", "taliban.siege_effect", "population.aid_need"]
    experiment = {
        "name": "sensitivity",
        "replications": 128,
        "scenarios": ["isolation", "recognition"],
        "hypotheses": ["h"],
        "baseline": "isolation",
        "analysis": {
            "effects": [{"policy": "recognition", "against": "isolation", "outcome": "deaths_pakistan"}],
            "morris_trajectories": 10,
            "sobol_parameters": sobol,
        },
    }
    config = {"experiment": experiment, "replications": None, "seed": 5, "params": {}}
    params = design_values(design_settings(config))
    n = len(params["ttp.fighter_ceiling"])
    assert n == 10 * (len(params) + 1) + 128 * (2 * len(sobol) + 2)

    def planted(p):
        lo, hi = p["ttp.recruitment_rate"].min(), p["ttp.recruitment_rate"].max()
        u = (p["ttp.recruitment_rate"] - lo) / (hi - lo)
        # a strong driver, a weak one, and nothing from the rest
        return 400.0 * u**2 + 40.0 * (p["population.aid_need"] / p["population.aid_need"].max())

    _fake_store(tmp_path / "run", experiment, params, planted)
    table = sensitivity_table(tmp_path / "run")
    sob = table[table["method"] == "sobol"].set_index("parameter")
    assert sob["ST"].idxmax() == "ttp.recruitment_rate"
    assert sob.loc["ttp.recruitment_rate", "ST"] > 0.8
    assert sob.loc["ttp.fighter_ceiling", "ST"] < 0.05
    assert 0 < sob.loc["ttp.recruitment_rate", "ST_conf"] < 0.5 and sob["S1_conf"].notna().all()
    morris = table[table["method"] == "morris"].sort_values("mu_star", ascending=False)
    assert morris.iloc[0]["parameter"] == "ttp.recruitment_rate"
    assert morris.iloc[1]["parameter"] == "population.aid_need"
    # a parameter that does not enter the response has no elementary effect
    assert morris.set_index("parameter").loc["ttp.fighter_ceiling", "mu_star"] == pytest.approx(0.0, abs=1e-9)


def test_a_store_that_does_not_match_its_design_is_refused(tmp_path):
    experiment = {
        "name": "sensitivity",
        "replications": 8,
        "scenarios": ["isolation", "recognition"],
        "hypotheses": ["h"],
        "baseline": "isolation",
        "analysis": {"morris_trajectories": 2, "sobol_parameters": ["ttp.fighter_ceiling", "ttp.recruitment_rate"]},
    }
    config = {"experiment": experiment, "replications": None, "seed": 5, "params": {}}
    params = design_values(design_settings(config))
    params["ttp.fighter_ceiling"] = params["ttp.fighter_ceiling"][::-1].copy()
    _fake_store(tmp_path / "run", experiment, params, lambda p: p["ttp.recruitment_rate"])
    with pytest.raises(ValueError, match="does not hold the design"):
        sensitivity_table(tmp_path / "run")


def test_rank_flips_are_a_table_with_one_row_per_pair():
    from sim.analysis.robustness import rank_flip_lines

    _, flips = robustness_table(_planted_policies(), ["deaths_pakistan"], ["A", "B", "C"], ["h1", "h2"], {})
    lines = rank_flip_lines(flips, str)
    rows = [line for line in lines if line.startswith("| ") and not line.startswith(("| Outcome", "| ---"))]
    assert "| Outcome | Better | than | under | but worse under |" in lines
    assert len(rows) == len(flips) == 1
    assert not any(" beats " in line for line in lines)


def test_an_outcome_no_policy_moves_is_said_to_be_still_not_given_a_worst_case_of_zero():
    from sim.analysis.robustness import robust_policy_lines

    values = _planted_policies()
    values["ttp_fighters"] = 5000.0  # the same in every policy and future
    table, _ = robustness_table(values, ["deaths_pakistan", "ttp_fighters"], ["A", "B", "C"], ["h1", "h2"], {})
    lines = robust_policy_lines(table, ["deaths_pakistan", "ttp_fighters"], ALL, str)
    still = next(line for line in lines if "TTP" in line or "fighters" in line)
    assert "does not move" in still and "| 0 |" not in still, still
    moving = next(line for line in lines if "deaths" in line.lower())
    assert "does not move" not in moving


def test_the_regret_heatmap_ranks_by_the_statistic_it_shows():
    """A rarely bad policy (A) has the lower mean regret, a steadily mediocre one (B) the lower 90th percentile:
    the heatmap shows the 90th percentile, so it must rank B first, whatever the mean says."""
    from sim.analysis.robustness import heatmap_cells

    n = 200
    bad = np.arange(n) < 0.15 * n
    rows = [
        {"scenario": "A", "hypothesis": "h1", "replication": r, "deaths_pakistan": 30.0 if bad[r] else 0.0}
        for r in range(n)
    ]
    rows += [{"scenario": "B", "hypothesis": "h1", "replication": r, "deaths_pakistan": 10.0} for r in range(n)]
    table, _ = robustness_table(pd.DataFrame(rows), ["deaths_pakistan"], ["A", "B"], ["h1"], {})
    by = table[table["hypothesis"] == "h1"].set_index("policy")
    assert by.loc["A", "regret_mean"] < by.loc["B", "regret_mean"]  # the mean would rank A first
    grid, rank = heatmap_cells(table, "deaths_pakistan", ["A", "B"], ["h1", ALL])
    assert grid[:, 0] == pytest.approx([by.loc["A", "regret_p90"], by.loc["B", "regret_p90"]])
    assert list(rank[:, 0]) == [2, 1] and list(rank[:, 1]) == [2, 1]


# ---------------------------------------------------------------- discovery on a planted box


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(size=(3000, 6)), columns=[f"p{i}" for i in range(6)])
    fails = ((x["p0"] > 0.7) & (x["p3"] < 0.4)).to_numpy()
    # a little label noise, as shocks give
    flip = rng.uniform(size=len(fails)) < 0.03
    fails = np.where(flip, ~fails, fails)
    boxes = find_boxes(x, fails, min_density=0.9, max_boxes=1, max_dims=3)
    assert len(boxes) == 1
    limits = {name: (low, high) for name, low, high, _ in boxes[0]["limits"]}
    assert set(limits) == {"p0", "p3"}
    assert limits["p0"][0] == pytest.approx(0.7, abs=0.05)
    assert limits["p3"][1] == pytest.approx(0.4, abs=0.05)
    assert boxes[0]["density"] > 0.8 and boxes[0]["coverage"] > 0.7


def test_prim_finds_no_box_where_failures_are_nowhere_dense():
    """Failures scattered at random: PRIM's best box falls short of the density asked and is not a finding."""
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.uniform(size=(2000, 5)), columns=[f"p{i}" for i in range(5)])
    fails = rng.uniform(size=len(x)) < 0.3
    densest = []
    assert find_boxes(x, fails, min_density=0.9, max_boxes=2, max_dims=3, densest=densest) == []
    assert len(densest) == 1 and 0.3 < densest[0] < 0.9


def test_discovery_says_no_box_meets_the_density_asked(tmp_path):
    from sim.analysis.discovery import discovery_section

    pd.DataFrame(
        [
            {
                "hypothesis": "h1",
                "policy": "recognition",
                "against": "status_quo",
                "outcome": "deaths_pakistan",
                "threshold": 0.0,
                "futures": 400,
                "failure_share": 0.4,
                "min_density": 0.75,
                "densest": 0.52,
                "box": 0,
            }
        ]
    ).to_csv(tmp_path / "discovery.csv", index=False)
    text = discovery_section(tmp_path)
    assert "No box meets the density asked (min_density 75%)" in text and "52%" in text
    assert "Box 1" not in text


# ---------------------------------------------------------------- the three experiments, end to end and small


def _every_name_is_checked_before_a_run(out):
    """A user's file under any name the run wrote is refused before a run with overwrite=true, not after it."""
    from sim.store.files import MARKER, _might_write

    unchecked = [p.name for p in out.iterdir() if p.name != MARKER and not _might_write(p.name)]
    assert not unchecked, unchecked


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("grid") / "policy_grid"
    result = run_sim("experiment=policy_grid", "replications=6", "months=12", f"out_dir={out}", "progress=false")
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.mark.slow
def test_policy_grid_writes_robustness_parameters_and_heatmap(grid_run):
    out, result = grid_run
    for name in ("robustness.csv", "rank_flips.csv", "regret_heatmap.png", "parameters.parquet"):
        assert (out / name).is_file(), name
    _every_name_is_checked_before_a_run(out)
    assert "Robustness across worldviews" in result.stdout
    # by default each worldview draws from the points the record leaves it (uncertainty=auto: matched)
    params = pd.read_parquet(out / "parameters.parquet")
    for _, rows in params.groupby("hypothesis"):
        assert list(rows["replication"]) == list(range(6))
    assert params.drop(columns=["hypothesis", "replication"]).nunique().min() > 1  # every drawn assumption varies
    table = pd.read_csv(out / "robustness.csv")
    regrets = table[(table["outcome"] == "deaths_pakistan") & ~table["hypothesis"].isin([ALL, WEIGHTED])]
    assert (regrets["regret_mean"] >= 0).all()
    # in every worldview the policy ranked first on mean deaths has the smallest mean regret or ties it
    for h, g in regrets.groupby("hypothesis"):
        assert g.loc[g["rank"] == 1, "mean"].min() == pytest.approx(g["mean"].min())
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"parameters.parquet", "robustness.csv", "regret_heatmap.png"} <= set(manifest["files"])
    # the per-replication draw is stored once, not copied into the manifest
    assert all(not isinstance(v, list) for p in manifest["parameters_by_hypothesis"].values() for v in p.values())


def test_every_cell_of_the_grid_sees_the_same_assumptions(grid_run):
    out, _ = grid_run
    values = replication_values(out, ["deaths_pakistan"])
    assert len(values) == 8 * 4 * 6
    # a parameter draw is per replication, so two runs with another seed give other parameters
    other = run_sim(
        "experiment=policy_grid", "replications=6", "months=12", "seed=7", f"out_dir={out}-7", "figures=false"
    )
    assert other.returncode == 0, other.stderr
    a = pd.read_parquet(out / "parameters.parquet")
    b = pd.read_parquet(f"{out}-7/parameters.parquet")
    assert (a["ttp.fighter_ceiling"] != b["ttp.fighter_ceiling"]).all()


@pytest.mark.slow
def test_sensitivity_and_discovery_run_small(tmp_path):
    out = tmp_path / "sens"
    result = run_sim("experiment=sensitivity", "replications=4", "months=12", f"out_dir={out}", "progress=false")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"parameter", "outcome", "S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    from sim.model.sampling import uncertain_parameters

    # 4 Morris trajectories over every assumption (k + 1 points each), then a Sobol design of N = 4 over ten
    # parameters with second-order indices (N * (2k + 2) = 4 * 22 points)
    k = len(uncertain_parameters())
    assert len(pd.read_parquet(out / "parameters.parquet")) == 4 * (k + 1) + 4 * 22
    assert (out / "sobol_recognition_isolation_deaths_pakistan.png").is_file()
    _every_name_is_checked_before_a_run(out)
    out = tmp_path / "disc"
    result = run_sim("experiment=discovery", "replications=60", "months=12", f"out_dir={out}", "progress=false")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "discovery.csv")
    assert set(table["hypothesis"]) == {
        "engagement_moderates",
        "legitimacy_emboldens",
        "conditional_leverage",
        "regional_security_bargain",
    }
    assert (out / "discovery_boxes.png").is_file()
    _every_name_is_checked_before_a_run(out)


@pytest.mark.parametrize(
    "args, message",
    [
        (["experiment=sensitivity", "replications=10"], "power of two"),
        (["experiment=discovery", "experiment.analysis.policy=nowhere"], "experiment.analysis.policy"),
        (["experiment=policy_grid", "+experiment.analysis.satisficing.ttp_fighters=5"], "not a key outcome"),
        (["experiment=policy_grid", "+experiment.analysis.colour=red"], "not a robustness setting"),
    ],
)
def test_bad_analysis_settings_are_one_line_errors(tmp_path, args, message):
    out = tmp_path / "never"
    result = run_sim(*args, f"out_dir={out}")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
