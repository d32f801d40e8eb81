import numpy as np
import pytest

from sim.config.plan import plan


@pytest.fixture(scope="session")
def main_plan():
    """The default experiment's cells, small: every scenario x hypothesis of recognition_vs_isolation.

    Mechanics are tested at the parameters' defaults; tests that want sampled assumptions ask for them.
    """
    return plan(["replications=8", "months=24", "uncertainty=none"])


@pytest.fixture(scope="session")
def all_cells():
    return plan(["experiment=all_policies", "replications=8", "months=36", "uncertainty=none"]).cells


def setup_of(cells, scenario, hypothesis):
    for c in cells:
        if c.scenario.name == scenario and c.hypothesis.name == hypothesis:
            return c.setup
    raise KeyError((scenario, hypothesis))


np.seterr(all="raise", under="ignore")
