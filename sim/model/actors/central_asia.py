"""The Central Asian neighbours: Uzbekistan engages for security and trade, Tajikistan keeps its distance.

Both fear extremists, the IMU among them, crossing from Afghan territory (seed 002 ¶5).
"""

from __future__ import annotations

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import rule


@rule(
    "uzbekistan.engages_for_security",
    statement="Uzbekistan fears extremists crossing from Afghanistan (seed 002 ¶5). How the threat moves its wish "
    "for ties is left to `uzbekistan.engages_against_threat`.",
    sources=("seed 002 ¶5",),
    params=relation_params(
        "uzbekistan",
        base=2.7,
        threat=0.5,
        follow=0.8,
        rights=0.0,
        why="calibrated to ambassador-level ties without recognition in mid-2025",
        calibrated={
            "base_desire": (1.88, 3.7),
            "threat_response": (0.0, 1.0),
            "follow_peers": (0.0, 2.0),
            "rights_weight": (0.0, 1.47),
        },
    ),
)
def engages_for_security(ctx, actor):
    return desire(ctx, actor) + uzbek_threat_response(ctx)


@rule(
    "uzbekistan.engages_against_threat",
    statement="An extension, off by default: Uzbekistan answers the extremist threat by engaging Kabul more. Seed 002 "
    "¶5 reports the concern, not the answer, and the history match of its record leaves a response of zero plausible.",
    sources=("seed 002 ¶5",),
    basis="extension",
)
def uzbek_threat_response(ctx):
    return ctx.p["uzbekistan.threat_response"] * ctx.prev.foreign_militants.presence


@rule(
    "tajikistan.keeps_distance",
    statement="Tajikistan fears extremists crossing from Afghanistan (seed 002 ¶5); that it answers by keeping Kabul "
    "at arm's length is no text's claim but kept in the shared core for the record: Dushanbe stayed at working "
    "channels through 2021-25 while its neighbours climbed, and without this response the model lifts it to missions.",
    sources=("seed 002 ¶5",),
    params=relation_params(
        "tajikistan",
        base=1.6,
        threat=-0.5,
        follow=0.5,
        rights=0.0,
        why="calibrated to working channels without missions in mid-2025",
        calibrated={
            "base_desire": (1.29, 2.6),
            "threat_response": (-1.0, 0.0),
            "follow_peers": (0.0, 2.0),
            "rights_weight": (0.0, 1.04),
        },
    ),
)
def keeps_distance(ctx, actor):
    return desire(ctx, actor, threat=ctx.prev.foreign_militants.presence)


class Uzbekistan(StateActor):
    key = "uzbekistan"
    label = "Uzbekistan"
    initial_state = {"relation": 3.0}
    motives = engages_for_security


class Tajikistan(StateActor):
    key = "tajikistan"
    label = "Tajikistan"
    initial_state = {"relation": 1.0}
    motives = keeps_distance
