"""India: rebuilding its position in Kabul through trade after investing $3 billion before 2021."""

from __future__ import annotations

from sim.actors.states import StateActor, desire, relation_params
from sim.rules import rule


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
    return desire(ctx, actor)


class India(StateActor):
    key = "india"
    label = "India"
    initial_state = {"relation": 2.0}
    motives = rebuilds_through_trade
