"""Every hypothesis answers every policy: no cell shows the model without its mechanisms, no two columns agree."""

import numpy as np
import pytest

from sim.analysis import replication_summaries
from sim.configuration import plan
from sim.ensemble import run_cell
from sim.model import Setup
from sim.outcomes import OUTCOME_INDEX
from sim.rules import MECHANISMS, mechanism_param

KEY = [
    "attacks_pakistan",
    "ttp_fighters",
    "humanitarian_need",
    "iskp_external_capacity",
    "clash_risk",
    "pragmatist_influence",
]


@pytest.fixture(scope="module")
def summaries():
    p = plan(["experiment=all_policies", "replications=40", "months=60"])
    out = {(c.scenario.name, c.hypothesis.name): replication_summaries(run_cell(c.setup, 40)) for c in p.cells}
    # the same cells with every mechanism switched off: the model no text would recognise as its own
    off = {mechanism_param(m): 0.0 for m in MECHANISMS}
    for c in p.cells:
        if (c.scenario.name, "none") not in out:
            bare = Setup(**{**c.setup.__dict__, "params": {**c.setup.params, **off}})
            out[(c.scenario.name, "none")] = replication_summaries(run_cell(bare, 40))
    return out


def _effect(summaries, scenario, hypothesis):
    rows = [OUTCOME_INDEX[o] for o in KEY]
    return (summaries[(scenario, hypothesis)] - summaries[("status_quo", hypothesis)])[rows]


def test_no_cell_is_the_model_without_mechanisms(summaries):
    """Under each hypothesis every policy's effect on the key outcomes differs from its effect in the bare model."""
    hypotheses = sorted({h for _, h in summaries} - {"none"})
    assert len(hypotheses) == 4
    for s in sorted({s for s, _ in summaries} - {"status_quo"}):
        bare = _effect(summaries, s, "none")
        for h in hypotheses:
            gap = np.abs(_effect(summaries, s, h) - bare).mean(axis=1)
            assert (gap > 1e-6 * (1 + np.abs(bare).mean(axis=1))).any(), (s, h, gap)
