"""Conditional leverage acts only through offers states actually make, phased in, and a compliance decision."""

import dataclasses

import numpy as np

from sim.config.plan import plan
from sim.model.actors import STATES
from sim.model.ensemble import run_cell
from sim.model.model import DiplomacyModel, Setup
from sim.model.outcomes import OUTCOME_INDEX

REPLICATIONS = 100


def _setup(scenario, hypothesis="conditional_leverage", months=60):
    # at the defaults, where no state wishes past recognition; with sampled motives a state may make real offers
    p = plan(["experiment=all_policies", "uncertainty=none", f"replications={REPLICATIONS}", f"months={months}"])
    for c in p.cells:
        if c.scenario.name == scenario and c.hypothesis.name == hypothesis:
            return c.setup
    raise KeyError(scenario)


def test_labelling_states_conditional_makes_no_offer_and_changes_nothing():
    base = _setup("status_quo")
    conditional = [k for k in STATES if k != "russia"]
    labelled = Setup(**{**base.__dict__, "levers": dataclasses.replace(base.levers, conditional=conditional)})
    model = DiplomacyModel(labelled, REPLICATIONS)
    model.run()
    assert all(np.all(model.actors[k].state.offer == 0.0) for k in STATES)
    i = OUTCOME_INDEX["deaths_pakistan"]
    a = run_cell(base, REPLICATIONS)[:, i, :].sum(axis=0)
    b = model.record[:, i, :].sum(axis=0)
    assert abs(b.mean() - a.mean()) < 0.01 * a.mean()


def test_offers_are_phased_in_not_full_from_the_first_month():
    setup = dataclasses.replace(_setup("conditional_recognition"), months=1)
    model = DiplomacyModel(setup, REPLICATIONS)
    offers = []
    for _ in range(36):
        model.setup = dataclasses.replace(model.setup, months=model.month_index + 1)
        model.record = np.empty((model.setup.months, *model.record.shape[1:]), dtype=np.float32)
        model.step()
        offers.append(sum(model.actors[k].state.offer for k in setup.levers.conditional).mean())
    offers = np.array(offers)
    assert offers[0] < 1.0  # a tenth of a full offer from each state at most
    assert offers[-1] > 3 * offers[0]
    assert np.all(np.diff(offers) >= -0.5)


def test_compliance_weighs_the_offer_against_the_ideological_cost():
    setup = _setup("conditional_recognition", months=120)
    i = OUTCOME_INDEX["girls_schools_open"]

    def schools(**params):
        s = Setup(**{**setup.__dict__, "params": {**setup.params, **params}})
        return run_cell(s, REPLICATIONS)[:, i, :].mean()

    cheap = schools(**{"taliban.schools_ideological_cost": 0.4, "taliban.offer_value": 2.0})
    dear = schools(**{"taliban.schools_ideological_cost": 1.5, "taliban.offer_value": 0.5})
    assert cheap > dear + 0.1, (cheap, dear)


def test_mid_2025_reference_relations_are_those_of_the_starting_point():
    from sim.model.actors.states import MID_2025_RELATIONS

    p = plan(["experiment=recognition_vs_isolation", "replications=1"])
    assert {k: int(v) for k, v in p.cells[0].setup.relations.items()} == MID_2025_RELATIONS
