"""The drought: the record's seasons in the hindcast, drawn seasons beyond it, a toll on households that deepens with
successive drought years and fades once the rains return, and the need it adds above the toll of 2024.

Each rule is tested on its own, in the style of tests/model/test_mechanisms.py: one month's context from the July 2025
state, the rule's inputs changed, everything else held, and the rule's target compared.
"""

import numpy as np
import pytest

from sim.config.plan import plan
from sim.model.actors import population
from sim.model.model import DiplomacyModel, Setup
from sim.model.outcomes import month_dates
from sim.model.rules import PARAMS
from tests.model.test_mechanisms import N, month

DEFAULTS = {name: p.default for name, p in PARAMS.items()}


def test_beyond_the_record_a_season_is_drawn_at_the_sowing_at_the_drought_rate():
    sowing = dict(taliban__months_to_sowing=0, population__drought_recorded_months=0, population__drought=0,
                  population__months_to_drought_end=-1, population__months_to_drought=-1)
    drawn = population.droughts_come(month(params={"population.drought_rate": 0.4}, **sowing))[0]
    assert 0.3 < drawn.mean() < 0.5 and set(np.unique(drawn)) == {0.0, 1.0}
    assert (population.droughts_come(month(params={"population.drought_rate": 0.0}, **sowing))[0] == 0).all()
    # a dry season ends only at a sowing: in between the season holds, whatever the rate
    between = dict(sowing, taliban__months_to_sowing=4, population__drought=1)
    assert (population.droughts_come(month(params={"population.drought_rate": 0.0}, **between))[0] == 1).all()


def test_over_the_record_the_seasons_are_the_records_dated_turns_not_draws():
    recorded = dict(taliban__months_to_sowing=0, population__drought_recorded_months=20, population__drought=1,
                    population__months_to_drought_end=5, population__months_to_drought=17)
    drought, left, to_end, to_onset = population.droughts_come(month(params={"population.drought_rate": 0.0},
                                                                      **recorded))
    assert (drought == 1).all()  # the recorded spell runs on through a sowing even at a zero rate
    assert (left == 19).all() and (to_end == 4).all() and (to_onset == 16).all()
    ends = dict(recorded, population__months_to_drought_end=0)
    assert (population.droughts_come(month(params={"population.drought_rate": 1.0}, **ends))[0] == 0).all()
    starts = dict(recorded, population__drought=0, population__months_to_drought_end=-9,
                  population__months_to_drought=0)
    assert (population.droughts_come(month(params={"population.drought_rate": 0.0}, **starts))[0] == 1).all()


def _toll(seasons, start=0.0, **params):
    """The toll after running drought_exhausts_coping through ``seasons`` (one 0/1 a month)."""
    strain = start
    for dry in seasons:
        ctx = month(params=params, population__drought=dry, population__drought_strain=strain)
        strain = float(population.drought_exhausts_coping(ctx)[0])
    return strain


def test_the_toll_deepens_with_each_drought_year_and_fades_when_the_rains_return():
    one, two, three = _toll([1] * 12), _toll([1] * 24), _toll([1] * 36)
    assert 0 < one < two < three and three > 1.5 * one
    after = _toll([1] * 36 + [0] * 12)
    assert 0 < after < three
    assert _toll([1] * 36 + [0] * 12, **{"population.drought_recovery": 0.02}) > after  # slower recovery, more left


def test_the_toll_of_2024_is_the_records_seasons_run_through_the_rule():
    for recovery in (0.02, 0.05, 0.15):
        p = {**DEFAULTS, "population.drought_recovery": recovery}
        expected = _toll([1] * 36 + [0] * 12, **{"population.drought_recovery": recovery})
        assert population.drought_strain_2025(p) == pytest.approx(expected, rel=1e-9)


def test_the_start_states_toll_is_what_the_records_seasons_leave():
    reference = population.drought_strain_2025(DEFAULTS)
    assert population.Population.initial_state["drought_strain"] == pytest.approx(_toll([1] * 8, start=reference),
                                                                                  abs=0.01)
    state = plan(["experiment=hindcast", "uncertainty=none", "replications=2"]).cells[0].setup.state
    assert state["population"]["drought_strain"] == pytest.approx(_toll([1] * 9), abs=0.01)


def test_need_rises_with_the_toll_above_that_of_2024():
    reference = population.drought_strain_2025(DEFAULTS)
    level = month(population__drought_strain=reference)
    assert np.allclose(population.drought_raises_need(level), 0.0)
    spent = month(population__drought_strain=reference + 1.0)
    assert np.allclose(population.drought_raises_need(spent), PARAMS["population.drought_need"].default)
    quiet = {"params": {"population.need_volatility": 0.0}}
    assert (population.need_follows_economy(month(**quiet, population__drought_strain=reference + 1.0))
            > population.need_follows_economy(month(**quiet, population__drought_strain=reference))).all()


def _seasons(setup, months, replications=2):
    model = DiplomacyModel(Setup(**{**setup.__dict__, "months": months}), replications)
    dates = month_dates(setup.start, months)
    dry = []
    while model.month_index < months:
        model.step()
        dry.append(model.population.state.drought.copy())
    return [str(d)[:7] for d in dates], np.array(dry)


def test_the_hindcast_follows_the_recorded_seasons_and_draws_after_the_record():
    setup = plan(["experiment=hindcast", "uncertainty=none", "replications=2",
                  "experiment.hypotheses=[engagement_moderates]"]).cells[0].setup
    dates, dry = _seasons(setup, 101, 400)
    by = dict(zip(dates, dry))
    for when in ("2021-08", "2022-06", "2023-10"):
        assert (by[when] == 1).all(), when  # the La Niña drought of 2021-2023
    for when in ("2023-11", "2024-06", "2024-10"):
        assert (by[when] == 0).all(), when  # the average season of 2023-24
    for when in ("2024-11", "2025-07", "2025-10"):
        assert (by[when] == 1).all(), when  # the dry season of 2024-25
    drawn = by["2025-11"]
    assert 0.3 < drawn.mean() < 0.5  # after the record, seasons are drawn at the rate
    assert (by["2026-10"] == drawn).all()  # and hold until the next sowing


def test_forward_runs_start_in_the_dry_season_of_2025_and_draw_from_the_next_sowing():
    dates, dry = _seasons(Setup(), 30, N)
    by = dict(zip(dates, dry))
    assert (by["2025-07"] == 1).all() and (by["2025-10"] == 1).all()
    assert 0.25 < by["2025-11"].mean() < 0.55 and 0.25 < by["2026-11"].mean() < 0.55
    assert (by["2025-11"] != by["2026-11"]).any()  # each season drawn anew
