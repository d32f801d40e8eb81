"""The Baloch separatist insurgency: each of its links, alone, moves its target the way its text or the record says;
Islamabad answers its attacks with the TTP's; the hindcast reads its records.

A test builds one month's world from the July 2025 state, calls one rule with one input changed, and compares the
result with the same call at the input's old value, everything else held.
"""

import numpy as np
import pytest

import sim.model.actors.baloch as baloch
import sim.model.actors.pakistan as pakistan
from sim.config.plan import plan
from sim.config.schema import Levers
from sim.model.ensemble import run_cell
from sim.model.model import DiplomacyModel, Month, Setup
from sim.model.outcomes import OUTCOME, OUTCOME_INDEX
from sim.model.record import CHECKS, extract
from sim.model.rules import MECHANISMS, PARAMS, RULES, mechanism_param

N = 400
BALOCH_RULES = sorted(r for r in RULES if r.startswith("baloch."))


def month(view=None, levers=None, **params):
    """One month's world at the start of the July 2025 run, with ``view`` switched on (alone)."""
    switches = {mechanism_param(m): float(m == view) for m in MECHANISMS}
    setup = Setup(levers=levers or Levers(), params={**switches, **params}, months=1)
    return Month(DiplomacyModel(setup, N))


def put(ctx, where, value):
    actor, name = where.split(".")
    setattr(getattr(ctx.prev, actor), name, np.full(N, float(value)))
    return ctx


def at(rule, where, value, *args, view=None, **params):
    """The rule's result with ``where`` set to ``value`` in last month's world."""
    return rule(put(month(view, **params), where, value), *args)


def test_every_baloch_link_is_shared_core_and_cites_a_text():
    """No text disputes the links (seed 000 ¶2, seed 004 ¶3) or the record's counter-insurgency: all act in
    every view, none is an extension, and each cites the paragraph its statement rests on."""
    assert BALOCH_RULES == [
        "baloch.attacks_in_pakistan",
        "baloch.insurgency_grows",
        "baloch.joins_ttp_sabotage",
        "baloch.operations_in_balochistan",
        "baloch.uses_left_behind_weapons",
    ]
    for rule_id in BALOCH_RULES:
        rule = RULES[rule_id]
        assert rule.basis == "shared" and not rule.mechanisms, rule_id
    assert "seed 000 ¶2" in RULES["baloch.joins_ttp_sabotage"].sources
    assert "seed 004 ¶3" in RULES["baloch.uses_left_behind_weapons"].sources


@pytest.mark.parametrize("view", [None, *MECHANISMS])
def test_the_ttp_alliance_lifts_baloch_attacks_under_every_view(view):
    """seed 000 ¶2: the TTP works with the Baloch separatists; a stronger TTP means more joint sabotage."""
    weak = at(baloch.joins_ttp_sabotage, "ttp.fighters", 3000, view=view)
    strong = at(baloch.joins_ttp_sabotage, "ttp.fighters", 9000, view=view)
    assert (strong > weak).all() and (weak > 0).all()
    assert np.all(at(baloch.joins_ttp_sabotage, "ttp.fighters", 9000, **{"baloch.ttp_collaboration": 0.0}) == 0)


@pytest.mark.parametrize("view", [None, *MECHANISMS])
def test_left_behind_weapons_add_baloch_attacks_until_returned(view):
    """seed 004 ¶3: the weapons are used in attacks in Balochistan; returned, they add nothing."""
    kept = at(baloch.uses_left_behind_weapons, "taliban.equipment_returned", 0.0, view=view)
    returned = at(baloch.uses_left_behind_weapons, "taliban.equipment_returned", 1.0, view=view)
    assert (kept > 0).all() and np.all(returned == 0)


def test_the_insurgency_grows_less_near_its_ceiling():
    quiet = {"baloch.volatility": 0.0}
    small = at(baloch.insurgency_grows, "baloch.capacity", 5.0, **quiet)
    large = at(baloch.insurgency_grows, "baloch.capacity", 30.0, **quiet)
    assert (small > large).all() and (large > 0).all()
    full = at(baloch.insurgency_grows, "baloch.capacity", PARAMS["baloch.capacity_ceiling"].default, **quiet)
    assert np.allclose(full, 0.0)


def test_operations_remove_more_of_the_insurgency_after_heavy_months():
    calm = at(baloch.operations_in_balochistan, "baloch.attacks", 2.0)
    heavy = at(baloch.operations_in_balochistan, "baloch.attacks", 40.0)
    assert (heavy > calm).all() and (calm > 0).all()
    flat = {"baloch.operations_response": 0.0}
    assert np.all(at(baloch.operations_in_balochistan, "baloch.attacks", 40.0, **flat) == PARAMS[
        "baloch.operations_attrition"].default)


def test_attacks_follow_capacity_the_alliance_and_the_weapons_and_kill_by_their_number():
    def mean_attacks(capacity, **changes):
        ctx = month()
        for where, value in changes.items():
            put(ctx, where.replace("__", "."), value)
        attacks, deaths = baloch.attacks_in_pakistan(ctx, np.full(N, capacity))
        return attacks.mean(), deaths.mean()

    base, base_deaths = mean_attacks(10.0)
    assert mean_attacks(20.0)[0] > base * 1.6
    assert mean_attacks(10.0, ttp__fighters=12000)[0] > base
    assert mean_attacks(10.0, taliban__equipment_returned=1.0)[0] < base
    per_attack = PARAMS["baloch.deaths_per_attack"].default
    assert base_deaths == pytest.approx(per_attack * base, rel=0.1)


def test_capacity_never_falls_to_nothing_and_the_outcome_reads_the_actor():
    setup = Setup(params={"baloch.operations_attrition": 0.03, "baloch.operations_response": 0.03,
                          "baloch.growth_rate": 0.02}, months=120)
    model = DiplomacyModel(setup, 50)
    record = model.run()
    assert (model.baloch.state.capacity >= 0.5).all()
    assert np.array_equal(record[-1, OUTCOME_INDEX["baloch_attacks"]], model.baloch.state.attacks.astype(np.float32))
    assert OUTCOME["baloch_attacks"].lower == 0.0 and "PIPS" in OUTCOME["baloch_attacks"].tracker


def test_islamabad_answers_baloch_attacks_as_it_answers_the_ttps():
    """attacks_pakistan is the sum of both actors' attacks and ATTACK_SCALE the 2023 average of all of them, so the
    state's threat reads Baloch attacks too: hardening rises with them, as with the TTP's."""
    low = pakistan.hardens_targets(put(month(), "baloch.attacks", 0.0))
    high = pakistan.hardens_targets(put(month(), "baloch.attacks", 60.0))
    assert (high > low).all()
    ctx = put(put(month(), "ttp.attacks", 40.0), "baloch.attacks", 20.0)
    assert np.all(pakistan.militant_threat(ctx) == 60.0 / ctx.p["pakistan.attack_scale"])


def test_the_totals_count_both_actors():
    model = DiplomacyModel(Setup(months=3), 20)
    record = model.run()
    ttp, bal = model.ttp.state, model.baloch.state
    assert np.allclose(record[-1, OUTCOME_INDEX["attacks_pakistan"]], ttp.attacks + bal.attacks)
    assert np.allclose(record[-1, OUTCOME_INDEX["deaths_pakistan"]], ttp.deaths + bal.deaths)
    assert (bal.attacks > 0).any() and (bal.deaths > 0).any()


def test_the_hindcast_reads_the_baloch_records():
    ids = [c.id for c in CHECKS if c.outcome == "baloch_attacks"]
    assert ids == ["baloch_2021", "baloch_2022", "baloch_2023", "baloch_2024"]
    p = plan(["experiment=hindcast", "replications=20", "uncertainty=none"])
    cell = p.cells[0]
    values = extract(run_cell(cell.setup, np.arange(p.replications)), cell.setup.start)
    for i in ids:
        assert np.isfinite(values[i]).all() and (values[i] > 0).all(), i
    # PIPS counted 74 in 2021 and 171 in Balochistan in 2024: the insurgency grows over the hindcast
    assert np.median(values["baloch_2024"]) > np.median(values["baloch_2022"])
