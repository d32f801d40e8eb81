"""The ensemble model: replications as an array axis, batch-independence, common random numbers."""

import numpy as np
import pytest

from sim.model.ensemble import run_cell
from sim.model.model import DiplomacyModel, Month, Setup
from sim.model.outcomes import OUTCOME_INDEX
from tests.conftest import setup_of


def test_replication_is_bit_identical_alone_in_a_batch_and_in_chunks(all_cells):
    setup = setup_of(all_cells, "conditional_recognition", "conditional_leverage")
    reps = np.arange(8)
    together = run_cell(setup, reps, chunk_size=8)
    chunked = run_cell(setup, reps, chunk_size=3)
    assert np.array_equal(together, chunked)
    for r in (0, 5, 7):
        alone = run_cell(setup, np.array([r]))
        assert np.array_equal(alone[:, :, 0], together[:, :, r])
    # the same replication index inside a larger, shifted batch
    shifted = run_cell(setup, np.array([100, 5, 42]))
    assert np.array_equal(shifted[:, :, 1], together[:, :, 5])


def test_activation_order_does_not_matter(all_cells):
    setup = setup_of(all_cells, "recognition", "engagement_moderates")
    forward = DiplomacyModel(setup, 6)
    backward = DiplomacyModel(setup, 6)
    for _ in range(setup.months):
        for m, order in ((forward, list(forward.actors.values())), (backward, list(backward.actors.values())[::-1])):
            ctx = Month(m)
            for actor in order:
                actor.act(ctx)
            m._record_month()
            m.month_index += 1
    assert np.array_equal(forward.record, backward.record)
    assert np.array_equal(forward.record, DiplomacyModel(setup, 6).run())


def test_common_random_numbers_sharpen_scenario_differences(all_cells):
    base = setup_of(all_cells, "status_quo", "regional_security_bargain")
    other = setup_of(all_cells, "joint_ct_front", "regional_security_bargain")
    i = OUTCOME_INDEX["deaths_pakistan"]
    a = run_cell(base, 300)[:, i, :].sum(axis=0)
    b = run_cell(other, 300)[:, i, :].sum(axis=0)
    # the two scenarios differ: the joint front cuts deaths in most replications
    assert (b < a).mean() > 0.8 and np.var(a - b) > 0.0
    # with the same shocks per replication the paired difference is far less noisy than unpaired draws
    assert np.var(a - b) < 0.5 * (np.var(a) + np.var(b))


def test_identical_scenarios_give_identical_results(all_cells):
    setup = setup_of(all_cells, "status_quo", "legitimacy_emboldens")
    assert np.array_equal(run_cell(setup, 5), run_cell(Setup(**setup.__dict__), 5))


def test_parameters_broadcast_one_value_per_replication(all_cells):
    setup = setup_of(all_cells, "us_normalisation", "engagement_moderates")
    values = np.array([0.0, 0.05, 0.1, 0.2])
    per_rep = Setup(**{**setup.__dict__, "params": {**setup.params, "taliban.engagement_effect": values}})
    batch = run_cell(per_rep, 4)
    for r, v in enumerate(values):
        single = Setup(**{**setup.__dict__, "params": {**setup.params, "taliban.engagement_effect": float(v)}})
        alone = run_cell(single, np.array([r]))
        assert np.array_equal(alone[:, :, 0], batch[:, :, r])


def test_parameter_array_of_wrong_length_is_refused(all_cells):
    setup = setup_of(all_cells, "status_quo", "engagement_moderates")
    bad = Setup(**{**setup.__dict__, "params": {**setup.params, "taliban.reversion": np.ones(3)}})
    with pytest.raises(ValueError, match="one per replication"):
        DiplomacyModel(bad, 5)


def test_one_replication_is_the_same_code_path(all_cells):
    setup = setup_of(all_cells, "isolation", "legitimacy_emboldens")
    model = DiplomacyModel(setup, 1)
    assert model.taliban.state.pragmatist.shape == (1,)
    record = model.run()
    assert record.shape[2] == 1
