"""Invariants that must hold for any parameter values inside their plausible ranges."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.ensemble import run_cell
from sim.model.model import Setup
from sim.model.outcomes import OUTCOME_INDEX
from sim.model.rules import PARAMS

NAMES = sorted(PARAMS)


@st.composite
def parameter_draws(draw):
    chosen = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=12, unique=True))
    return {n: draw(st.floats(PARAMS[n].low, PARAMS[n].high)) for n in chosen}


@settings(max_examples=25, deadline=None)
@given(parameter_draws(), st.integers(0, 7))
def test_state_stays_in_its_domain(all_cells, overrides, cell_index):
    base = all_cells[cell_index * len(all_cells) // 8]
    setup = Setup(**{**base.setup.__dict__, "params": {**base.setup.params, **overrides}, "months": 24})
    record = run_cell(setup, 6)
    assert np.isfinite(record).all()
    for name in ("pragmatist_influence", "ttp_sanctuary", "iskp_external_capacity"):
        values = record[:, OUTCOME_INDEX[name], :]
        assert values.min() >= 0.0 and values.max() <= 1.0, name
    for name in ("girls_schools_open", "civil_war", "clash_pakistan_afghanistan"):
        assert set(np.unique(record[:, OUTCOME_INDEX[name], :])) <= {0.0, 1.0}, name
    for name in [n for n in OUTCOME_INDEX if n.startswith("relation_")] + ["recognising_states"]:
        values = record[:, OUTCOME_INDEX[name], :]
        assert np.array_equal(values, np.round(values)) and values.min() >= 0, name
    assert record[:, OUTCOME_INDEX["recognising_states"], :].max() <= 11
    for name in ("attacks_pakistan", "deaths_pakistan", "humanitarian_need", "refugee_flows", "ttp_fighters"):
        assert record[:, OUTCOME_INDEX[name], :].min() >= 0.0, name
    # relations move at most one rung a month
    rel = record[:, [i for n, i in OUTCOME_INDEX.items() if n.startswith("relation_")], :]
    assert np.abs(np.diff(rel, axis=0)).max() <= 1.0
