"""India: rebuilding its position in Kabul through trade after investing $3 billion before 2021."""

from __future__ import annotations

from sim.model.actors.states import MID_2025_RELATIONS, StateActor, desire, relation_params, rival_params
from sim.model.rules import assumption, rule

# whose standing in Kabul India would watch, were it moved by rivalry
INDIA_RIVALS = ("pakistan", "china")
INDIA_RIVAL_REFERENCE = sum(MID_2025_RELATIONS[r] for r in INDIA_RIVALS) / len(INDIA_RIVALS)
# the rung at which India has its people in Kabul
MISSIONS = 2.0


@rule(
    "india.rebuilds_through_trade",
    statement="New Delhi re-engages Kabul step by step, trade first, to recover the stake it built before 2021.",
    sources=("seed 001 ¶2", "seed 001 ¶1"),
    params=relation_params(
        "india",
        base=2.4,
        follow=0.6,
        rights=0.3,
        why="calibrated to a technical mission and high-level talks (the Taliban foreign minister with India's "
        "foreign secretary) in early 2025 (seed 001 ¶2)",
        calibrated={"base_desire": (2.4, 3.4), "follow_peers": (0.0, 1.67), "rights_weight": (0.05, 0.64)},
    ),
)
def rebuilds_through_trade(ctx, actor):
    return desire(ctx, actor) + watches_rivals(ctx)


@rule(
    "india.watches_rivals",
    statement="An extension, off by default: New Delhi moves closer to Kabul as Pakistan's and China's standing there "
    "rises. Seed 001 ¶2 has India regaining the foothold it lost in 2021, for trade; no text says rivalry drives it.",
    sources=("seed 001 ¶2",),
    basis="extension",
    params=rival_params("india", 0.3, "no text gives the link or its size; a guess", (0.0, 0.6)),
)
def watches_rivals(ctx):
    mean = sum(ctx.prev_relation[r] for r in INDIA_RIVALS) / len(INDIA_RIVALS)
    return ctx.p["india.rival_response"] * (mean - INDIA_RIVAL_REFERENCE)


@rule(
    "india.returns_to_deliver_aid",
    statement="New Delhi answers the emergency that followed the takeover with aid of its own, and delivering it "
    "needs its people in Kabul: while the takeover's economic shock lasts and India has no mission there, its "
    "preparation to return moves faster. Seed 001 ¶2 has India regaining its foothold; the aid as the occasion is "
    "the record's: India's foreign ministry posted a technical team to its Kabul embassy in June 2022 to oversee "
    "its humanitarian assistance.",
    sources=("seed 001 ¶2",),
    params=(
        assumption(
            "india.aid_presence_impetus",
            0.2,
            0.05,
            0.35,
            "impetus India's own aid adds each month to its preparation for a presence in Kabul, at the full shock "
            "of the takeover (economic_shock = 1)",
            "Indian Ministry of External Affairs, 23 June 2022: the technical team was sent to monitor and "
            "coordinate the delivery of India's humanitarian assistance (50,000 tonnes of wheat by land from "
            "February 2022, medicines and vaccines), ten months after the takeover. The size is calibrated in the "
            "hindcast to that date (at the default the team comes in the autumn of 2022 at the median); at the full "
            "shock a month then adds about as much impetus as two other states' steps; the range is a guess",
        ),
    ),
)
def returns_to_deliver_aid(ctx, actor):
    # delivering aid needs a mission in Kabul, nothing more: the push stops once India has one
    short_of_a_mission = ctx.prev_relation["india"] < MISSIONS
    return ctx.p["india.aid_presence_impetus"] * ctx.prev.population.economic_shock * short_of_a_mission


class India(StateActor):
    key = "india"
    label = "India"
    initial_state = {"relation": 2.0}
    motives = rebuilds_through_trade
    stakes = returns_to_deliver_aid
