"""India: rebuilding its position in Kabul through trade after investing $3 billion before 2021."""

from __future__ import annotations

from sim.model.actors.states import MID_2025_RELATIONS, StateActor, desire, relation_params, rival_params
from sim.model.rules import rule

# whose standing in Kabul India would watch, were it moved by rivalry
INDIA_RIVALS = ("pakistan", "china")
INDIA_RIVAL_REFERENCE = sum(MID_2025_RELATIONS[r] for r in INDIA_RIVALS) / len(INDIA_RIVALS)


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


class India(StateActor):
    key = "india"
    label = "India"
    initial_state = {"relation": 2.0}
    motives = rebuilds_through_trade
