"""By default a comparison draws each worldview's assumptions from the points the record leaves it, and the
results folder stores the draws its models used."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.plan import plan
from sim.model.model import DiplomacyModel
from sim.report.build import build_report
from sim.run.checks import check_can_run
from sim.run.experiment import run_plan


@pytest.mark.parametrize(
    "overrides, mode",
    [
        (["experiment=smoke"], "matched"),
        (["experiment=policy_grid"], "matched"),
        (["experiment=smoke", "sampling=lhs"], "parameters"),
        (["experiment=discovery"], "parameters"),
        (["experiment=sensitivity"], "parameters"),
        (["experiment=hindcast"], "parameters"),
        (["experiment=smoke", "hypothesis=engagement_moderates", "+hypothesis.params.taliban.reversion=0.05"], "parameters"),
        (["experiment=smoke", "uncertainty=parameters"], "parameters"),
        (["experiment=smoke", "uncertainty=none"], "none"),
    ],
)
def test_auto_draws_from_the_record_where_a_run_compares_policies(overrides, mode):
    assert plan([*overrides, "replications=8"]).uncertainty == mode


@pytest.mark.slow
def test_the_stored_draws_are_the_ones_each_worldview_ran_with(tmp_path):
    p = plan(["experiment=smoke", "replications=6", "months=2", f"out_dir={tmp_path / 'run'}", "progress=false"])
    check_can_run(p)
    run_plan(p, build_report, progress=False, figures=False)
    stored = pd.read_parquet(tmp_path / "run" / "parameters.parquet")
    assert sorted(stored["hypothesis"].unique()) == sorted(h.name for h in p.hypotheses)
    views = {}
    for cell in p.cells:
        model = DiplomacyModel(cell.setup, np.arange(p.replications))
        rows = stored[stored["hypothesis"] == cell.hypothesis.name].sort_values("replication")
        for name in rows.columns.drop(["hypothesis", "replication"]):
            assert np.allclose(rows[name].to_numpy(), np.broadcast_to(model.params[name], p.replications)), name
        views[cell.hypothesis.name] = rows.drop(columns=["hypothesis"]).to_numpy()
    first, second = list(views.values())[:2]
    assert not np.array_equal(first, second)  # each worldview its own points, not one shared draw
