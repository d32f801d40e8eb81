"""The flight that followed the takeover: at its height in the start state of August 2021, fading month by month,
counted in the outflow with those sent back within months, while only those who stay join the Afghans in Iran and
Pakistan; forward runs from July 2025 carry none of it.

Each rule is tested on its own, in the style of tests/model/test_mechanisms.py: one month's context from the July 2025
state, the rule's inputs changed, everything else held, and the rule's target compared.
"""

import numpy as np
import pytest

from sim.config.plan import plan
from sim.model.actors import iran, pakistan, population
from sim.model.model import DiplomacyModel, Setup
from sim.model.rules import PARAMS
from tests.model.test_mechanisms import N, month

SHARE = PARAMS["iran.share_of_outflow"].default


def test_the_flight_fades_by_its_rate_each_month_and_none_comes_where_none_runs():
    height = month(params={"population.flight_fade": 0.2}, population__takeover_flight=1.0)
    assert np.allclose(population.flight_fades(height), 0.8)
    later = month(params={"population.flight_fade": 0.2}, population__takeover_flight=0.5)
    assert np.allclose(population.flight_fades(later), 0.4)
    assert np.allclose(population.flight_fades(month(population__takeover_flight=0.0)), 0.0)


def test_the_flight_adds_to_the_outflow_and_only_its_staying_share_to_those_who_stay():
    params = {"population.takeover_flight": 200.0, "population.flight_stays": 0.3}
    share = np.full(N, 0.5)
    calm_out, calm_stay = population.displacement(month(params=params, population__takeover_flight=0.0), share)
    assert np.allclose(calm_out, calm_stay)  # without the flight, all who leave stay
    out, stay = population.displacement(month(params=params, population__takeover_flight=0.5), share)
    # the same keyed draws of the departures hardship drives, plus the flight
    assert np.allclose(out - calm_out, 100.0)
    assert np.allclose(stay - calm_stay, 30.0)


def test_the_neighbours_take_in_only_those_who_stay():
    ctx = month(population__refugee_outflow=1000.0, population__emigrants=100.0, iran__undocumented=2000.0,
                iran__newcomers=0.0)
    undocumented, newcomers = iran.undocumented_afghans(ctx, np.zeros(N))
    assert np.allclose(undocumented, 2000.0 + SHARE * 100.0) and np.allclose(newcomers, SHARE * 100.0)


def test_pakistans_returns_answer_those_who_stay_not_those_sent_back():
    base = dict(population__emigrants=20.0, ttp__attacks=60.0)
    settled = pakistan.forces_refugee_returns(month(population__refugee_outflow=20.0, **base), 1.0, 0.0)
    surge = pakistan.forces_refugee_returns(month(population__refugee_outflow=500.0, **base), 1.0, 0.0)
    assert np.allclose(settled, surge)
    more = pakistan.forces_refugee_returns(month(population__refugee_outflow=20.0, population__emigrants=80.0,
                                                 ttp__attacks=60.0), 1.0, 0.0)
    assert (more > settled).all()


def _outflow(setup, months, replications):
    model = DiplomacyModel(Setup(**{**setup.__dict__, "months": months}), replications)
    flows = []
    while model.month_index < months:
        model.step()
        flows.append(model.population.state.refugee_outflow.copy())
    return np.array(flows)


def test_the_hindcast_starts_at_the_flights_height_and_forward_runs_carry_none():
    setup = plan(["experiment=hindcast", "uncertainty=none", "replications=2",
                  "experiment.hypotheses=[engagement_moderates]"]).cells[0].setup
    assert setup.state["population"]["takeover_flight"] == 1.0
    assert population.Population.initial_state["takeover_flight"] == 0.0
    none = {**setup.params, "population.takeover_flight": 0.0}
    with_flight = _outflow(setup, 17, 200)
    without = _outflow(Setup(**{**setup.__dict__, "params": none}), 17, 200)
    fade = PARAMS["population.flight_fade"].default
    height = PARAMS["population.takeover_flight"].default
    expected = height * (1.0 - fade) ** np.arange(17)
    # the departures hardship drives barely move with the flight over 17 months; the flight is on top, fading
    assert np.median(with_flight - without, axis=1) == pytest.approx(expected, rel=0.05, abs=2.0)
    # from July 2025 the flight's size changes nothing
    forward = _outflow(Setup(), 12, N)
    forward_big = _outflow(Setup(params={"population.takeover_flight": 300.0}), 12, N)
    assert np.array_equal(forward, forward_big)
