"""Each worldview link, alone, moves its target the way its text says, everything else held.

A test builds one month's world, calls one rule with one input raised, and compares the term with the same call
at the input's old value. What the links give together, end to end over sampled parameters, is not required by
any test: it is reported, with its probabilities and the texts' claims beside it, in docs/directions.md
(``python -m sim directions``), held fresh by the slow test at the end.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from sim.config.schema import Levers
from sim.docs.worldviews import REPRODUCED, claim_cases, claim_probability, direction_table
from sim.model.actors import china, india, iran, iskp, population, taliban, ttp, united_states
from sim.model.model import DiplomacyModel, Month, Setup
from sim.model.rules import MECHANISMS, PARAMS, RULES, extension_param, mechanism_param

EM, LE, CL, RB = "engagement_moderates", "legitimacy_emboldens", "conditional_leverage", "regional_security_bargain"
N = 3


def month(view=None, levers=None, **params):
    """One month's world at the start of the July 2025 run, with ``view`` switched on (alone)."""
    switches = {mechanism_param(m): float(m == view) for m in MECHANISMS}
    setup = Setup(levers=levers or Levers(), params={**switches, **params}, months=1)
    return Month(DiplomacyModel(setup, N))


def put(ctx, where, value):
    """Set one input of the month: ``actor.field`` in last month's world, or a signal of the month itself."""
    if "." in where:
        actor, name = where.split(".")
        setattr(getattr(ctx.prev, actor), name, np.full(N, float(value)))
    else:
        setattr(ctx, where, np.full(N, float(value)))
    return ctx


def term(rule, ctx, *args):
    return np.broadcast_to(np.asarray(rule(ctx, *args), dtype=np.float64), (N,))


def moves(rule, view, where, low, high, *args, levers=None, **params):
    """The rule's term at the input ``where`` = high minus the term at low, everything else held."""
    before = term(rule, put(month(view, levers, **params), where, low), *args)
    after = term(rule, put(month(view, levers, **params), where, high), *args)
    return after - before


# (rule, view, input, low, high, extra arguments, the direction its text gives, where the text says so)
TEXT_LINKS = [
    (taliban.siege_hardens, EM, "international.condemnation", 0.5, 0.9, (), "-", "seed 003 ¶4"),
    (taliban.ct_cooperation_helps, EM, "ct_cooperation", 0.0, 1.0, (), "+", "seed 003 ¶3"),
    (iskp.exploits_wider_sanctuary, LE, "taliban.sanctuary", 0.8, 1.0, (), "+", "seed 002 ¶4, ¶10"),
    (taliban.regional_bargain_moves_ttp, RB, "pakistan.kandahar_engagement", 0.0, 1.0, (), "-", "seed 001 ¶4"),
    (taliban.regional_bargain_moves_ttp, RB, "joint_front", 0.0, 1.0, (), "-", "seed 001 ¶5, seed 004 ¶5"),
]


@pytest.mark.parametrize(
    "rule,view,where,low,high,args,direction,source",
    TEXT_LINKS,
    ids=[f"{r.id}-{w}" for r, _, w, *_ in TEXT_LINKS],
)
def test_a_text_link_moves_its_target_the_way_its_text_says(rule, view, where, low, high, args, direction, source):
    assert rule.basis_for(view) == "text", rule.id
    change = moves(rule, view, where, low, high, *args)
    assert (change > 0).all() if direction == "+" else (change < 0).all(), (rule.id, source, change)
    # and only under its own view: with every view off the rule gives nothing
    assert (moves(rule, None, where, low, high, *args) == 0).all(), rule.id


def test_contact_strengthens_the_pragmatists():
    """Seed 003 ¶1-2, ¶4: more contact with Kabul, more pragmatist influence."""
    rule = taliban.engagement_strengthens_pragmatists
    cold, warm, colder = month(EM), month(EM), month(EM)
    warm.prev_relation = {k: np.minimum(v + 1.0, 4.0) for k, v in warm.prev_relation.items()}
    assert (term(rule, warm) > term(rule, cold)).all()
    # less contact than in mid-2025 forgoes the gain; seed 003 ¶1 says isolation failed, not that it backfired
    colder.prev_relation = {k: np.maximum(v - 2.0, 0.0) for k, v in colder.prev_relation.items()}
    assert (term(rule, colder) == 0).all()


def test_only_a_us_step_or_a_recognition_counts_as_engagement_unless_switched_on():
    """Seed 003 argues for a US presence and seed 000 ¶3 hopes recognition brings pragmatism, but finds other
    states' contact short of recognition brought nothing: that contact counts only as an extension."""
    rule = taliban.engagement_strengthens_pragmatists

    def gain(state, level, **params):
        ctx = month(EM, **params)
        ctx.prev_relation = {**ctx.prev_relation, state: np.full(N, float(level))}
        return term(rule, ctx)

    assert (gain("china", 4.0) > gain("china", 3.0)).all()  # China recognises
    assert (gain("india", 3.0) == gain("india", 2.0)).all()  # an ambassador, short of recognition
    on = {extension_param("taliban.regional_contact_counts"): 1.0}
    assert (gain("india", 3.0, **on) > gain("india", 2.0, **on)).all()


def test_legitimacy_given_without_conditions_widens_the_sanctuary_and_entrenches_only_as_an_extension():
    """Seed 002 ¶4, ¶6, ¶10: legitimacy conferred without conditions widens the sanctuary; a state whose recognition
    is conditional confers none. That it entrenches the hard core is an extension (the text never names factions)."""
    free, tied = month(LE), month(LE, Levers(conditional=["china"]))
    for ctx in (free, tied):
        ctx.prev_relation = {**ctx.prev_relation, "china": np.full(N, 4.0)}
    conferred_free, _ = taliban.legitimacy_terms(free)
    conferred_tied, _ = taliban.legitimacy_terms(tied)
    assert (conferred_free > conferred_tied).all()
    entrench = taliban.legitimacy_entrenches_hardliners
    assert (term(entrench, free, conferred_free) == 0).all()
    on = {extension_param("taliban.legitimacy_entrenches_hardliners"): 1.0}
    free_on = month(LE, **on)
    free_on.prev_relation = {**free_on.prev_relation, "china": np.full(N, 4.0)}
    assert (term(entrench, free_on, taliban.legitimacy_terms(free_on)[0]) < 0).all()
    widens = taliban.legitimacy_widens_sanctuary
    assert (term(widens, free, 0.3) > term(widens, free, 0.0)).all()


def test_a_state_that_drops_its_conditions_confers_legitimacy_again():
    """A conditional recogniser that breaks ranks recognises on its own terms (`states.drops_conditions`): from then
    on its standing is given without conditions."""
    ctx = month(LE, Levers(conditional=["china"]))
    ctx.prev_relation = {**ctx.prev_relation, "china": np.full(N, 4.0)}
    held, _ = taliban.legitimacy_terms(put(ctx, "china.defected", 0.0))
    dropped, _ = taliban.legitimacy_terms(put(ctx, "china.defected", 1.0))
    assert (dropped > held).all()


def test_legitimacy_withheld_is_not_read_as_restraint():
    """Seed 002 ¶7: outside urging brought no change; only legitimacy conferred above mid-2025 counts."""
    ctx = month(LE)
    ctx.prev_relation = {k: np.maximum(v - 2.0, 0.0) for k, v in ctx.prev_relation.items()}
    conferred, _ = taliban.legitimacy_terms(ctx)
    assert (conferred == 0).all()


def test_an_offer_against_benchmarks_is_weighed_against_the_ideological_cost():
    """Seed 000 ¶3 with seed 003 ¶2: a larger offer, or a leadership less in hard-line hands, leans Kabul further
    towards the benchmarks; meeting them restrains the TTP. The TTP demand is Pakistan's ('for Pakistan'): only
    Pakistan's offer moves Kabul towards it, other states' offers move it towards the schools."""
    levers = Levers(conditional=["pakistan", "china"])

    def lean(offers, pakistan, pragmatist=0.3, conditional=levers):
        ctx = put(put(month(CL, conditional), "conditional_offers", offers), "pakistan.offer", pakistan)
        return taliban.weighs_offer_against_ideology(ctx, np.full(N, pragmatist))

    schools_small, sanctuary_small = lean(0.2, 0.2)
    schools_large, sanctuary_large = lean(1.0, 1.0)
    assert (schools_large > schools_small).all() and (sanctuary_large > sanctuary_small).all()
    assert (lean(1.0, 0.2)[1] == sanctuary_small).all()  # more offers from others: no more TTP restraint
    assert (lean(0.2, 1.0, conditional=Levers(conditional=["china"]))[1] == 0).all()  # Pakistan offers nothing
    schools_soft, _ = lean(0.2, 0.2, pragmatist=0.7)
    assert (schools_soft > schools_small).all()
    ctx = month(CL, levers)
    assert (term(taliban.counterterrorism_benchmark, ctx, np.ones(N)) < 0).all()
    assert (term(taliban.schools_for_recognition, ctx, np.ones(N)) > 0).all()


def test_condemnation_hardens_only_when_louder_than_in_mid_2025():
    """Seed 003 ¶4: condemnation stiffened resistance; it never says quieter condemnation softens it."""
    assert (moves(taliban.siege_hardens, EM, "international.condemnation", 0.5, 0.9) < 0).all()
    assert (moves(taliban.siege_hardens, EM, "international.condemnation", 0.1, 0.5) == 0).all()


def test_one_states_step_back_does_not_buy_back_anothers_upgrade():
    """Seed 002 ¶7: withheld legitimacy is not restraint, so a US step down leaves India's step up counted."""
    india_up, india_up_us_down = month(LE), month(LE)
    for ctx in (india_up, india_up_us_down):
        ctx.prev_relation = {**ctx.prev_relation, "india": ctx.prev_relation["india"] + 1.0}
    india_up_us_down.prev_relation["united_states"] = np.zeros(N)
    conferred, _ = taliban.legitimacy_terms(india_up)
    assert (conferred > 0).all()
    assert (taliban.legitimacy_terms(india_up_us_down)[0] == conferred).all()


# --- what the texts do not say is not read ---------------------------------------------------------------------


def test_what_no_text_states_of_sanctuary_and_misrule_acts_only_when_switched_on():
    """Seed 002 ¶10 speaks of the sanctuary widening, not narrowing; ¶8 of misrule as a cause, not of how it
    changes. Those readings are extensions: off, a narrower sanctuary leaves ISKP as it is and the factions' balance
    leaves need as it is; switched on, they act."""
    assert (moves(iskp.exploits_wider_sanctuary, LE, "taliban.sanctuary", 0.5, 0.7) == 0).all()
    assert (moves(iskp.narrower_sanctuary_confines, LE, "taliban.sanctuary", 0.5, 0.7) == 0).all()
    trust_on = {extension_param("taliban.recognition_builds_trust"): 1.0}
    helps = taliban.ct_cooperation_helps
    assert (moves(helps, EM, "recognised_share", 1 / 11, 1.0) == 0).all()
    assert (moves(helps, EM, "recognised_share", 1 / 11, 1.0, **trust_on) > 0).all()
    narrower_on = {extension_param("iskp.narrower_sanctuary_confines"): 1.0}
    offers_on = {extension_param("taliban.accountability_restrains_sanctuary"): 1.0}
    offer = taliban.accountability_restrains_sanctuary
    assert (moves(offer, LE, "conditional_offers", 0.0, 1.0) == 0).all()
    assert (moves(offer, LE, "conditional_offers", 0.0, 1.0, **offers_on) < 0).all()
    assert (moves(iskp.narrower_sanctuary_confines, LE, "taliban.sanctuary", 0.5, 0.7, **narrower_on) > 0).all()
    assert (moves(population.misrule_deepens_need, LE, "taliban.pragmatist", 0.3, 0.1) == 0).all()
    misrule_on = {extension_param("population.misrule_deepens_need"): 1.0}
    assert (moves(population.misrule_deepens_need, LE, "taliban.pragmatist", 0.3, 0.1, **misrule_on) > 0).all()


def test_talks_with_kandahar_carry_nothing_of_their_own_unless_switched_on():
    """Seed 003 argues for contact by the US and the conditional view's texts never say who carries an offer:
    Pakistan's talks with Kandahar neither count as engagement nor carry an offer further, unless switched on."""

    def warm(ctx, kandahar):
        ctx.prev_relation = {k: np.full(N, 3.5) for k in ctx.prev_relation}  # contact above mid-2025
        return put(ctx, "pakistan.kandahar_engagement", kandahar)

    def pragmatist_gain(**params):
        rule = taliban.engagement_strengthens_pragmatists
        return term(rule, warm(month(EM, **params), 1.0)) - term(rule, warm(month(EM, **params), 0.0))

    assert (pragmatist_gain() == 0).all()
    assert (pragmatist_gain(**{extension_param("taliban.talks_count_as_engagement"): 1.0}) > 0).all()

    levers = Levers(conditional=["pakistan", "china"])
    reformers, cooperation = taliban.benchmarks_empower_reformers, taliban.benchmarked_cooperation
    assert (moves(reformers, CL, "conditional_offers", 0.0, 1.0, levers=levers) == 0).all()
    on = {extension_param(r.id): 1.0 for r in (reformers, cooperation)}
    assert (moves(reformers, CL, "conditional_offers", 0.0, 1.0, levers=levers, **on) > 0).all()
    assert (term(cooperation, month(CL, levers), np.ones(N)) == 0).all()
    assert (term(cooperation, month(CL, levers, **on), np.ones(N)) > 0).all()

    def sanctuary_lean(kandahar, **params):
        ctx = put(put(month(CL, levers, **params), "pakistan.offer", 1.0), "pakistan.kandahar_engagement", kandahar)
        return taliban.weighs_offer_against_ideology(ctx, np.full(N, 0.3))[1]

    assert (sanctuary_lean(1.0) == sanctuary_lean(0.0)).all()
    carry_on = {extension_param("taliban.talks_carry_offer"): 1.0}
    assert (sanctuary_lean(1.0, **carry_on) > sanctuary_lean(0.0, **carry_on)).all()


@pytest.mark.parametrize(
    "where,low,high",
    [
        ("pakistan.strikes", 0.0, 1.0),
        ("international.sanctions", 0.4, 0.9),
        ("international.condemnation", 0.5, 0.9),
    ],
)
def test_strikes_sanctions_and_condemnation_are_not_accountability(where, low, high):
    """Seed 002 never counts strikes, sanctions or condemnation as the accountability that restrains the
    sanctuary (it ties accountability to recognition's commitments, ¶10-12)."""
    on = {extension_param("taliban.accountability_restrains_sanctuary"): 1.0}  # even with the offer's link on
    assert (moves(taliban.accountability_restrains_sanctuary, LE, where, low, high, **on) == 0).all()


def test_a_joint_front_is_neither_accountability_nor_an_offer_unless_its_extension_is_on():
    """Seed 002 ¶12 asks for unity behind principles but ¶9 distrusts Russia's realpolitik; seed 000 ¶3 finds that
    engagement without recognition brought no cooperation against militancy. The front's effect on Kabul under
    these views is an extension, off by default."""
    assert (moves(taliban.accountability_restrains_sanctuary, LE, "joint_front", 0.0, 1.0) == 0).all()
    assert (moves(taliban.front_as_accountability, LE, "joint_front", 0.0, 1.0) == 0).all()
    assert (moves(taliban.front_demand_weighed, CL, "joint_front", 0.0, 1.0) == 0).all()


@pytest.mark.parametrize("where,low,high", [("pakistan.strikes", 0.0, 1.0), ("international.sanctions", 0.4, 0.9)])
def test_only_condemnation_hardens_under_engagement(where, low, high):
    """Seed 003 ¶4 says condemnation stiffened resistance; it says no such thing of strikes or sanctions."""
    assert (moves(taliban.siege_hardens, EM, where, low, high) == 0).all()


def test_us_equipment_leverage_does_not_move_the_ttp_under_the_regional_bargain():
    """Seed 004 ¶2 reports no sign of compliance with the US demand."""
    held = month(RB)
    pressed = month(RB, Levers(us_equipment_leverage=1.0))
    assert (term(taliban.regional_bargain_moves_ttp, pressed) == term(taliban.regional_bargain_moves_ttp, held)).all()


@pytest.mark.parametrize("view", [None, *MECHANISMS])
def test_the_equipment_stays_under_full_us_leverage_unless_an_extension_returns_it(view):
    """Seed 004 ¶2: no sign of compliance. The shared core keeps the equipment; returning it under leverage is an
    extension of every view."""
    pressed = Levers(us_equipment_leverage=1.0)
    strong = put(month(view, pressed), "taliban.pragmatist", 0.9)
    assert (taliban.keeps_us_equipment(strong) == 0).all()
    chance = taliban.returns_equipment_under_leverage
    assert (term(chance, strong) == 0).all()
    on = {extension_param("taliban.returns_equipment_under_leverage"): 1.0}
    assert (term(chance, put(month(view, pressed, **on), "taliban.pragmatist", 0.9)) > 0).all()


@pytest.mark.parametrize("view", [None, *MECHANISMS])
def test_strikes_breed_recruits_and_retaliation_under_every_view(view):
    """Shared core: seed 001 ¶3's verdict on the kinetic approach, which no text disputes, holds in every view."""
    for rule in (taliban.strikes_provoke_retaliation, ttp.strikes_feed_recruitment):
        assert rule.basis == "shared" and not rule.mechanisms
        assert (moves(rule, view, "pakistan.strikes", 0.0, 1.0) > 0).all(), (rule.id, view)


@pytest.mark.parametrize("view", [None, *MECHANISMS])
def test_hardship_feeds_recruitment_under_every_view(view):
    """Shared core: seed 002 ¶8, disputed by no text."""
    assert (moves(ttp.hardship_feeds_recruitment, view, "hardship", 1.0, 1.5) > 0).all()


@pytest.mark.parametrize("view", [None, *MECHANISMS])
def test_sanctions_deepen_need_under_every_view(view):
    """Shared core, backed by the record (the humanitarian exemption of December 2021), disputed by no text."""
    assert (moves(population.sanctions_deepen_need, view, "international.sanctions", 0.4, 0.9) > 0).all()


def test_states_answer_threats_only_where_a_text_or_the_record_says_so():
    """Iran's answer to the ISKP threat is an extension (off); China's to the militants is backed by its record."""
    iran_actor = SimpleNamespace(key="iran")
    quiet = put(month(), "iskp.capacity", 0.1)
    loud = put(month(), "iskp.capacity", 0.9)
    assert (term(iran.guards_its_border, loud, iran_actor) == term(iran.guards_its_border, quiet, iran_actor)).all()
    on = {extension_param("iran.engages_against_threat"): 1.0}
    quiet_on = put(month(**on), "iskp.capacity", 0.1)
    loud_on = put(month(**on), "iskp.capacity", 0.9)
    guards = iran.guards_its_border
    assert (term(guards, loud_on, iran_actor) > term(guards, quiet_on, iran_actor)).all()
    china_actor = SimpleNamespace(key="china")
    assert (
        moves(china.secures_interests, None, "foreign_militants.presence", 0.1, 0.9, china_actor) > 0
    ).all()


def test_washington_is_not_pulled_towards_kabul_by_iskp_unless_switched_on():
    """Seed 003 ¶3 argues the shared enemy should pull the US closer; ¶7 reports a harder line instead."""
    us = SimpleNamespace(key="united_states")
    wish = united_states.weighs_iskp_and_domestic_pressure
    assert (moves(wish, None, "iskp.capacity", 0.1, 0.9, us) == 0).all()
    on = {extension_param("united_states.seeks_contact_against_iskp"): 1.0}
    assert (moves(wish, None, "iskp.capacity", 0.1, 0.9, us, **on) > 0).all()


def test_india_is_not_moved_by_rivalry_unless_switched_on():
    india_actor = SimpleNamespace(key="india")

    def wish(pakistan_level, **params):
        ctx = month(**params)
        ctx.prev_relation = {**ctx.prev_relation, "pakistan": np.full(N, pakistan_level)}
        return term(india.rebuilds_through_trade, ctx, india_actor)

    assert (wish(4.0) == wish(3.0)).all()
    on = {extension_param("india.watches_rivals"): 1.0}
    assert (wish(4.0, **on) > wish(3.0, **on)).all()


# --- extensions: labelled, weighted, off by default -------------------------------------------------------------

EXTENSIONS = sorted(r.id for r in RULES.values() if "extension" in r.kinds)


def test_the_extensions_the_texts_do_not_state_are_labelled():
    for rule_id in (
        "taliban.neighbours_leverage",
        "taliban.free_upgrades_spend_leverage",
        "taliban.pragmatists_restrain_militants",
        "taliban.front_fights_iskp",
        "taliban.trades_equipment_for_aid",
        "iran.engages_against_threat",
        "india.watches_rivals",
        "united_states.seeks_contact_against_iskp",
    ):
        assert rule_id in EXTENSIONS, rule_id


@pytest.mark.parametrize("rule_id", EXTENSIONS)
def test_an_extension_has_its_own_weight_and_is_off_by_default(rule_id):
    rule = RULES[rule_id]
    weight = PARAMS[rule.extension_weight]
    assert weight.default == 0.0 and (weight.low, weight.high) == (0.0, 1.0)
    assert not weight.uncertain  # a switch, never drawn with the uncertain numbers
    views = [m for m in rule.mechanisms if rule.basis_for(m) == "extension"] or [None]
    for view in views:
        p = {mechanism_param(m): float(m == view) for m in MECHANISMS}
        assert rule.weight({**p, rule.extension_weight: 0.0}) == 0.0
        assert rule.weight({**p, rule.extension_weight: 1.0}) == 1.0
    # a view that does not carry it never gets it, whatever its weight
    for m in set(MECHANISMS) - set(rule.mechanisms) if rule.mechanisms else ():
        p = {mechanism_param(v): float(v == m) for v in MECHANISMS}
        assert rule.weight({**p, rule.extension_weight: 1.0}) == 0.0


def test_an_extension_switched_on_acts():
    """The dependence on the neighbours, switched on, makes a cold West lower the sanctuary under the regional
    bargain; off (the default) it gives nothing."""
    on = {extension_param("taliban.neighbours_leverage"): 1.0}
    cold = moves(taliban.neighbours_leverage, RB, "international.sanctions", 0.4, 0.9, **on)
    assert (cold < 0).all()
    assert (moves(taliban.neighbours_leverage, RB, "international.sanctions", 0.4, 0.9) == 0).all()


# --- the end-to-end directions are a report -------------------------------------------------------------------


@pytest.fixture(scope="module")
def direction_summaries():
    from sim.docs.worldviews import DIRECTIONS_MONTHS, DIRECTIONS_REPLICATIONS, run_directions

    return run_directions(DIRECTIONS_REPLICATIONS, DIRECTIONS_MONTHS)


@pytest.mark.slow
def test_directions_report_is_fresh(direction_summaries):
    from sim.docs.worldviews import DIRECTIONS_DOC, DIRECTIONS_MONTHS, DIRECTIONS_REPLICATIONS, render_directions

    text = render_directions(direction_summaries, DIRECTIONS_REPLICATIONS, DIRECTIONS_MONTHS)
    assert DIRECTIONS_DOC.read_text(encoding="utf-8") == text, "run 'python -m sim directions'"


def _written_findings():
    return [
        pytest.param(
            claim, view, marks=[pytest.mark.slow, pytest.mark.xfail(strict=True, reason=claim.finding)],
            id=f"{view}-{claim.policy}-{claim.outcome}",
        )
        for claim, view in claim_cases()
        if claim.finding
    ]


@pytest.mark.parametrize("claim,view", _written_findings())
def test_a_claim_the_model_does_not_reproduce_stays_a_written_finding(direction_summaries, claim, view):
    """Each claim with a written finding is expected to fail: should the model come to reproduce it, the strict
    expectation fails and the finding must be taken back."""
    assert claim_probability(direction_table(direction_summaries), view, claim) >= REPRODUCED


@pytest.mark.slow
def test_every_claim_the_model_does_not_reproduce_has_a_written_finding(direction_summaries):
    table = direction_table(direction_summaries)
    unwritten = [
        (view, c.policy, c.outcome)
        for c, view in claim_cases()
        if claim_probability(table, view, c) < REPRODUCED and not c.finding
    ]
    assert not unwritten, f"write the finding (Claim.finding in sim/docs/worldviews.py) for {unwritten}"


TESTED_APART = {
    "taliban.engagement_strengthens_pragmatists",
    "taliban.legitimacy_widens_sanctuary",
    "taliban.weighs_offer_against_ideology",
    "taliban.counterterrorism_benchmark",
    "taliban.schools_for_recognition",
}


def test_every_text_link_is_tested_alone():
    text_rules = {r.id for r in RULES.values() if "text" in r.kinds}
    assert text_rules == {r.id for r, *_ in TEXT_LINKS} | TESTED_APART
