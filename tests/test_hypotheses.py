"""The four hypotheses differ in consequence, and each scenario differs from the status quo."""

import numpy as np
import pytest

from sim.analysis import replication_summaries
from sim.configuration import plan
from sim.ensemble import run_cell


@pytest.fixture(scope="module")
def summaries():
    p = plan(["experiment=all_policies", "replications=60", "months=60"])
    return {(c.scenario.name, c.hypothesis.name): replication_summaries(run_cell(c.setup, 60)) for c in p.cells}


def test_each_hypothesis_changes_results(summaries):
    hypotheses = sorted({h for _, h in summaries})
    assert len(hypotheses) == 4
    scenarios = sorted({s for s, _ in summaries})
    for i, a in enumerate(hypotheses):
        for b in hypotheses[i + 1 :]:
            differs = any(not np.allclose(summaries[(s, a)], summaries[(s, b)]) for s in scenarios)
            assert differs, (a, b)


def test_every_scenario_moves_something_under_every_hypothesis(summaries):
    for (s, h), values in summaries.items():
        if s != "status_quo":
            assert not np.array_equal(values, summaries[("status_quo", h)]), (s, h)
