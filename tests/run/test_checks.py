"""A run is checked as it will run: the design is attached before memory, disk and limits are checked."""

from __future__ import annotations

import numpy as np
import pytest

import sim.run.checks as checks
from sim.config.names import CONFIG_DIR, ConfigError
from sim.config.plan import plan

EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_the_checked_replications_are_the_runs(experiment, monkeypatch, tmp_path):
    seen = {}

    def record(replications, months, cells, *rest):
        seen.update(replications=replications, months=months, cells=cells)

    monkeypatch.setattr(checks, "_check_resources", record)
    p = plan([f"experiment={experiment}", f"out_dir={tmp_path / 'out'}"])
    checks.check_can_run(p)
    # what the run computes: every cell's replications, and a design's rows where one is attached
    rows = {len(np.atleast_1d(v)) for v in p.drawn.values() if np.ndim(v)}
    assert rows <= {seen["replications"]}, (experiment, rows, seen)
    assert seen == {"replications": p.replications, "months": p.months, "cells": len(p.cells)}


def test_a_sensitivity_design_is_checked_at_its_own_size(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(checks, "_check_resources", lambda replications, *rest: seen.update(n=replications))
    p = plan(["experiment=sensitivity", "replications=256", f"out_dir={tmp_path / 'out'}"])
    checks.check_can_run(p)
    assert seen["n"] > 256 * 10  # Saltelli's rows and Morris's trajectories, not the base sample asked for


def test_a_design_beyond_the_limit_is_refused_before_anything_runs():
    with pytest.raises(ConfigError, match="the sensitivity design runs .* more than the 200,000"):
        plan(["experiment=sensitivity", "replications=16384"])


@pytest.mark.parametrize("experiment", ["policy_grid", "discovery", "sensitivity"])
def test_an_analysis_has_no_sampling_setting_of_its_own(experiment):
    with pytest.raises(ConfigError, match="the run's one sampling setting is sampling="):
        plan([f"experiment={experiment}", "+experiment.analysis.sampling=lhs"])


def test_the_one_sampling_setting_shapes_an_analysis_design():
    draws = {
        method: plan(["experiment=discovery", "replications=64", f"sampling={method}"]).drawn
        for method in ("random", "lhs")
    }
    from sim.model.rules import PARAMS

    name = next(n for n in sorted(draws["lhs"]) if not PARAMS[n].integer)
    assert not np.array_equal(draws["random"][name], draws["lhs"][name])
    # a Latin hypercube puts one point in each of n equal slices of the range; random draws leave some empty
    low, high = PARAMS[name].sampling_range

    def slices(values):
        return len(set(np.floor((values - low) / (high - low) * 64).astype(int)))

    assert slices(draws["lhs"][name]) == 64
    assert slices(draws["random"][name]) < 64


@pytest.mark.parametrize("experiment", ["policy_grid", "discovery"])
def test_an_analysis_that_draws_its_own_design_runs_with_uncertainty_none(experiment):
    p = plan([f"experiment={experiment}", "uncertainty=none", "replications=12"])
    assert all(len(v) == 12 for v in p.drawn.values()) and p.drawn


@pytest.mark.parametrize(
    "overrides, phrase",
    [
        (["experiment=smoke", "+experiment.analysis.sampling=lhs"], "does nothing in a comparison run"),
        (["experiment=hindcast", "+experiment.analysis.origins=[2023-07]"], "does nothing in a hindcast run"),
        (["experiment=smoke", "uncertainty=none", "sampling=lhs"], "uncertainty=none draws nothing"),
    ],
)
def test_a_setting_that_would_do_nothing_is_refused(overrides, phrase):
    with pytest.raises(ConfigError, match=phrase):
        plan(overrides)


def test_the_memory_check_counts_the_workers_the_run_will_start(monkeypatch):
    """A folder in this process's memory runs serially (workers could not write to it), and is checked so."""
    counted = {}
    real = checks.estimate_resources

    def record(replications, months, cells, chunk_size, workers):
        counted["workers"] = workers
        return real(replications, months, cells, chunk_size, workers)

    monkeypatch.setattr(checks, "estimate_resources", record)
    p = plan(["experiment=smoke", "replications=30000", "executor.kind=auto", "out_dir=memory://checks/a"])
    checks.check_can_run(p)
    assert counted["workers"] == 0
