"""Every outcome stays inside the bounds its meaning gives it (sim.model.outcomes: counts never negative, shares and
chances in 0-1, relation levels in 0-4), in every replication-month, under extreme levers and parameters drawn
across their whole plausible ranges."""

import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.actors import STATES
from sim.model.levers import DESIRE_SHIFT_RANGE, MAX_RELATION_RANGE, NUMERIC_LEVERS, Levers
from sim.model.model import DiplomacyModel, Setup
from sim.model.outcomes import OUTCOMES
from sim.model.rules import MECHANISMS, PARAMS, mechanism_param
from tests.sampled import sampled_parameters

REPLICATIONS = 48
MONTHS = 120


def whole_range_parameters(n: int, seed: int) -> dict:
    """One draw per replication of every uncertain parameter, uniform over its whole plausible range (not only
    the part a calibration keeps), with a quarter of the replications pinned at one end or the other."""
    draws = {}
    for name, p in sorted(PARAMS.items()):
        if not p.uncertain:
            continue
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        values = rng.uniform(p.low, p.high, n)
        ends = rng.random(n)
        values = np.where(ends < 0.125, p.low, np.where(ends > 0.875, p.high, values))
        draws[name] = np.floor(values + 0.5).clip(p.low, p.high) if p.integer else values
    return draws


extreme = st.sampled_from([0.0, 1.0])

levers = st.builds(
    lambda numeric, shifts, caps, conditional: Levers(
        **numeric, desire_shift=shifts, max_relation=caps, conditional=conditional
    ),
    # every lever at one end of its declared range
    st.fixed_dictionaries({lever.name: st.sampled_from([lever.low, lever.high]) for lever in NUMERIC_LEVERS}),
    st.dictionaries(st.sampled_from(STATES), st.sampled_from([float(x) for x in DESIRE_SHIFT_RANGE])),
    st.dictionaries(st.sampled_from(STATES), st.sampled_from(list(MAX_RELATION_RANGE))),
    st.lists(st.sampled_from(STATES), unique=True),
)


def check_bounds(setup: Setup):
    record = DiplomacyModel(setup, REPLICATIONS).run()
    for i, outcome in enumerate(OUTCOMES):
        outside = outcome.outside_bounds(record[:, i, :])
        if outside.any():
            month, rep = np.argwhere(outside)[0]
            pytest.fail(
                f"{outcome.name} = {record[month, i, rep]} in month {month}, replication {rep}, outside "
                f"[{outcome.lower}, {outcome.upper}]"
            )


def test_every_outcome_declares_bounds_from_its_meaning():
    upper_by_unit = {"0/1": 1.0, "0-1": 1.0, "chance a month": 1.0, "months with a clash": 1.0, "0-4": 4.0}
    for o in OUTCOMES:
        assert o.lower is not None, o.name  # every outcome is a count, a level, a share or a balance
        if o.unit in upper_by_unit:
            assert o.upper == upper_by_unit[o.unit], o.name


def test_outside_bounds_catches_values_below_above_and_nan():
    share = next(o for o in OUTCOMES if o.name == "ttp_sanctuary")
    assert list(share.outside_bounds([-0.01, 0.0, 0.5, 1.0, 1.01, np.nan])) == [True, False, False, False, True, True]


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=levers, mechanisms=st.fixed_dictionaries({m: extreme for m in MECHANISMS}), seed=st.integers(0, 2**16))
def test_outcomes_stay_in_bounds_under_extreme_levers_and_whole_range_parameters(levers, mechanisms, seed):
    params = {**whole_range_parameters(REPLICATIONS, seed)}
    params.update({mechanism_param(m): w for m, w in mechanisms.items()})
    check_bounds(Setup(levers=levers, params=params, months=MONTHS, seed=seed))


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=levers, seed=st.integers(0, 2**16))
def test_outcomes_stay_in_bounds_under_extreme_levers_and_the_sampled_parameters(levers, seed):
    params = sampled_parameters(REPLICATIONS, seed)
    params.update({mechanism_param(m): 1.0 for m in MECHANISMS})
    check_bounds(Setup(levers=levers, params=params, months=MONTHS, seed=seed))
