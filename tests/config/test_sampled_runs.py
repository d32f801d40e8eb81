"""Sampled assumptions in a run: one draw per replication shared by every cell, fixed where set, stored."""

import numpy as np
import pytest

from sim.config.names import ConfigError
from sim.config.plan import plan
from sim.model.ensemble import run_cell
from sim.model.model import DiplomacyModel
from sim.model.outcomes import OUTCOME_INDEX
from sim.model.rules import PARAMS
from sim.model.sampling import uncertain_parameters


def _model_params(setup, replications):
    return DiplomacyModel(setup, np.asarray(replications)).params


def test_every_cell_sees_the_same_draw_and_it_varies_inside_its_range():
    p = plan(["experiment=smoke", "uncertainty=parameters", "replications=40"])
    assert p.uncertainty == "parameters" and len(p.drawn) == len(uncertain_parameters()) > 50
    first = _model_params(p.cells[0].setup, range(40))
    for cell in p.cells[1:]:
        other = _model_params(cell.setup, range(40))
        for name in p.drawn:
            assert np.array_equal(other[name], first[name]), (cell.scenario.name, cell.hypothesis.name, name)
    for name, values in p.drawn.items():
        lo, hi = PARAMS[name].sampling_range
        assert lo <= values.min() and values.max() <= hi
        assert np.array_equal(first[name], values)  # what the model uses is what parameters.parquet stores
    # 40 uniform draws spread over a good part of each range
    spreads = [np.ptp(v) / np.ptp(PARAMS[k].sampling_range) for k, v in p.drawn.items()]
    assert np.median(spreads) > 0.7


def test_a_replication_draws_the_same_assumptions_alone_or_in_a_larger_run():
    small = plan(["experiment=smoke", "uncertainty=parameters", "replications=10"])
    large = plan(["experiment=smoke", "uncertainty=parameters", "replications=300"])
    name = uncertain_parameters()[3].name
    assert np.array_equal(small.drawn[name], large.drawn[name][:10])
    alone = _model_params(large.cells[2].setup, [7])
    assert alone[name][0] == large.drawn[name][7]


def test_no_uncertainty_runs_every_assumption_at_its_default():
    p = plan(["experiment=smoke", "replications=5", "uncertainty=none"])
    assert p.drawn == {}
    params = _model_params(p.cells[0].setup, range(5))
    for spec in uncertain_parameters()[:20]:
        assert params[spec.name] == spec.default


def test_a_parameter_set_by_the_user_is_fixed_not_drawn():
    name = "taliban.reversion"
    assert PARAMS[name].uncertain
    p = plan(["experiment=smoke", "uncertainty=parameters", "replications=6", f"+params.{name}=0.05"])
    assert name not in p.drawn
    for cell in p.cells:
        assert _model_params(cell.setup, range(6))[name] == 0.05
    assert p.fixed_by_hypothesis["engagement_moderates"][name] == 0.05


def test_a_parameter_set_by_a_hypothesis_is_fixed_there_and_drawn_elsewhere(monkeypatch):
    import sim.config.plan as configuration

    name = "taliban.reversion"
    original = configuration._hypothesis_params

    def with_a_setting(h, where):
        params = original(h, where)
        if h.name == "legitimacy_emboldens":
            params[name] = 0.07
        return params

    monkeypatch.setattr(configuration, "_hypothesis_params", with_a_setting)
    p = plan(["experiment=smoke", "uncertainty=parameters", "replications=30"])
    for cell in p.cells:
        value = _model_params(cell.setup, range(30))[name]
        if cell.hypothesis.name == "legitimacy_emboldens":
            assert value == 0.07
        else:
            assert np.array_equal(value, p.drawn[name]) and np.ptp(value) > 0
    assert p.fixed_by_hypothesis["legitimacy_emboldens"] == {name: 0.07}
    assert p.fixed_by_hypothesis["engagement_moderates"] == {}


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_designs_fill_each_range_evenly_in_a_run(method):
    n = 64
    p = plan(["experiment=smoke", "uncertainty=parameters", f"replications={n}", f"sampling={method}"])
    name = next(s.name for s in uncertain_parameters() if not s.integer)
    lo, hi = PARAMS[name].sampling_range
    counts, _ = np.histogram(p.drawn[name], bins=8, range=(lo, hi))
    assert counts.min() >= 6 and counts.max() <= 10  # 8 per bin; random draws stray much further
    # every cell still shares the design's rows
    assert np.array_equal(_model_params(p.cells[-1].setup, range(n))[name], p.drawn[name])


@pytest.mark.parametrize("override, phrase", [("uncertainty=maybe", "uncertainty="), ("sampling=grid", "sampling=")])
def test_bad_uncertainty_settings_are_refused(override, phrase):
    with pytest.raises(ConfigError, match=phrase):
        plan(["experiment=smoke", "uncertainty=parameters", override])


def test_sampling_widens_the_spread_of_effects_far_beyond_shocks_alone():
    """Random shocks alone leave the isolation effect on deaths in a narrow band; sampled assumptions widen it."""

    def spread(extra):
        p = plan(["experiment=smoke", "uncertainty=parameters", "replications=200", "months=48", *extra])
        cells = {(c.scenario.name, c.hypothesis.name): c.setup for c in p.cells}
        i = OUTCOME_INDEX["deaths_pakistan"]
        base = run_cell(cells[("status_quo", "engagement_moderates")], 200)[:, i, :].sum(axis=0)
        iso = run_cell(cells[("isolation", "engagement_moderates")], 200)[:, i, :].sum(axis=0)
        low, high = np.quantile(iso - base, [0.05, 0.95])
        return high - low

    assert spread([]) > 1.5 * spread(["uncertainty=none"])


def test_relations_stay_on_the_ladder_under_sampled_assumptions():
    """Sampled motives can push a wish below zero (e.g. a low tajikistan.base_desire); the ladder holds at rung 0."""
    p = plan(["experiment=smoke", "uncertainty=parameters", "replications=400", "months=60"])
    record = run_cell(p.cells[0].setup, 400)
    relations = record[:, [i for n, i in OUTCOME_INDEX.items() if n.startswith("relation_")], :]
    assert relations.min() >= 0 and relations.max() <= 4


def test_a_sampled_replication_is_bit_identical_alone_in_chunks_and_in_a_shifted_batch():
    p = plan(["experiment=smoke", "uncertainty=parameters", "replications=8", "months=24"])
    setup = p.cells[-1].setup
    together = run_cell(setup, np.arange(8), chunk_size=8)
    chunked = run_cell(setup, np.arange(8), chunk_size=3)
    assert np.array_equal(together, chunked)
    alone = run_cell(setup, np.array([5]))
    assert np.array_equal(alone[:, :, 0], together[:, :, 5])
    shifted = run_cell(setup, np.array([100, 5, 42]))
    assert np.array_equal(shifted[:, :, 1], together[:, :, 5])
    # and different replications do differ: the draw is not one point for all
    deaths = together[:, OUTCOME_INDEX["deaths_pakistan"], :].sum(axis=0)
    assert len(np.unique(deaths)) == 8
