"""What moves a state's own steps on the ladder: its business on the ground and its own law.

Each rule is tested on its own: one month's context from the July 2025 state, the rule's inputs changed, everything
else held, and the rule's target (a state's impetus, its chance of completing a preparatory stage, its stages)
compared.
"""

import numpy as np

from sim.config.plan import plan
from sim.model.actors import gulf_turkey, india, russia
from sim.model.actors.states import preparation_pace
from sim.model.model import DiplomacyModel, Month, Setup

N = 200


def month(params=None, relations=None, **changes):
    """(model, context) of one month from the July 2025 state; ``relations`` sets last month's relation levels and
    ``changes`` set ``actor__variable`` in last month's world."""
    model = DiplomacyModel(Setup(params=params or {}, months=1), N)
    ctx = Month(model)
    for key, value in changes.items():
        actor, var = key.split("__")
        setattr(getattr(ctx.prev, actor), var, np.full(N, float(value)))
    for state, level in (relations or {}).items():
        ctx.prev_relation = {**ctx.prev_relation, state: np.full(N, float(level))}
    return model, ctx


# --- India: its aid after the takeover brings its people back to Kabul ------------------------------------------


def test_the_takeovers_emergency_hastens_indias_return_until_it_has_a_mission():
    def impetus(shock, level):
        model, ctx = month(relations={"india": level}, population__economic_shock=shock, india__impetus=0.0)
        return india.returns_to_deliver_aid(ctx, model.actors["india"])

    assert (impetus(1.0, 1.0) > 0).all()
    assert (impetus(1.0, 1.0) > impetus(0.3, 1.0)).all()  # the push fades with the shock
    assert (impetus(0.0, 1.0) == 0).all()  # no emergency, no push
    assert (impetus(1.0, 2.0) == 0).all()  # with a mission in Kabul the aid needs nothing more


def test_indias_aid_raises_its_chance_of_a_stage_and_no_other_states():
    def chances(shock):
        model, ctx = month(relations={"india": 1.0}, population__economic_shock=shock, india__impetus=0.0,
                           qatar__impetus=0.0)
        return (preparation_pace(ctx, model.actors["india"])[1], preparation_pace(ctx, model.actors["qatar"])[1])

    india_shock, qatar_shock = chances(1.0)
    india_calm, qatar_calm = chances(0.0)
    assert (india_shock > india_calm).all()
    assert np.array_equal(qatar_shock, qatar_calm)


# --- the UAE: the airports it runs keep its preparation moving --------------------------------------------------


def test_the_airports_keep_the_uaes_preparation_moving_until_ambassadors_are_exchanged():
    def chance(level, size):
        model, ctx = month(params={"uae.operations_impetus": size}, relations={"uae": level}, uae__impetus=0.0)
        return preparation_pace(ctx, model.actors["uae"])[1]

    assert (chance(1.0, 0.05) > chance(1.0, 0.0)).all()
    assert (chance(2.0, 0.1) > chance(2.0, 0.05)).all()
    assert np.array_equal(chance(3.0, 0.1), chance(3.0, 0.0))  # at ambassadors the business asks for nothing more


def test_the_airports_push_is_the_uaes_alone():
    model, ctx = month(relations={"uae": 1.0})
    assert (gulf_turkey.runs_afghan_airports(ctx, model.actors["uae"]) > 0).all()
    assert model.actors["qatar"].stakes is None and model.actors["turkey"].stakes is None


# --- Russia: the Taliban's terrorist listing is lifted by law before recognition --------------------------------


def listing(listed, momentum, level=3.0, wish=4.5, params=None):
    model, ctx = month(params=params, russia__listed=listed, russia__momentum=momentum)
    stages = ctx.ladder.stages
    diplomatic = np.full(N, 0.9)  # a chance far above the law's, as after a strong trigger
    return russia.lifts_terrorist_listing(ctx, model.actors["russia"], np.full(N, level), np.full(N, wish), stages,
                                          diplomatic), stages


def test_the_legal_stages_of_recognition_move_at_the_laws_pace_whatever_the_triggers():
    params = {"states.stages_per_rung": 5, "russia.legal_stages": 2, "russia.months_per_legal_step": 5.5}
    (stages, chance), default_stages = listing(1.0, momentum=3.0, params=params)
    assert np.array_equal(stages, default_stages)  # the legal steps are stages of the rung, not extra ones
    assert np.allclose(chance, 1.0 / 5.5)
    (_, early), _ = listing(1.0, momentum=2.0, params=params)
    assert np.allclose(early, 0.9)  # the diplomatic stages before them keep the triggers' pace


def test_once_lifted_or_below_ambassadors_the_listing_slows_nothing():
    (_, lifted), _ = listing(0.0, momentum=4.0)
    assert np.allclose(lifted, 0.9)
    (_, lower_rung), _ = listing(1.0, momentum=4.0, level=2.0)
    assert np.allclose(lower_rung, 0.9)
    (_, content), _ = listing(1.0, momentum=4.0, wish=3.0)  # no wish to recognise: nothing to lift
    assert np.allclose(content, 0.9)


def test_recognition_lifts_the_listing_for_good_and_the_takeover_starts_with_it():
    model = DiplomacyModel(Setup(months=2, relations={"russia": 4.0}, state={"russia": {"listed": 1.0}}), N)
    model.step()
    assert (model.actors["russia"].state.listed == 0).all()
    below = DiplomacyModel(Setup(months=2, relations={"russia": 2.0}, state={"russia": {"listed": 1.0}}), N)
    below.step()
    assert (below.actors["russia"].state.listed == 1).all()
    takeover = plan(["experiment=hindcast", "uncertainty=none", "replications=1"]).cells[0].setup
    assert takeover.state["russia"]["listed"] == 1
