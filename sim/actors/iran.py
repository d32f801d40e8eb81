"""Iran: close contacts with Kabul and instability on its border."""

from __future__ import annotations

from sim.actors.states import StateActor, desire, relation_params
from sim.rules import rule


@rule(
    "iran.guards_its_border",
    statement="Tehran keeps close contacts with Kabul (seed 003 ¶6) while groups sheltered in Afghanistan threaten "
    "Iran and instability grows on its border (seed 002 ¶4-5). How the threat moves its wish for ties is left to "
    "`iran.engages_against_threat`.",
    sources=("seed 002 ¶5", "seed 003 ¶6", "seed 002 ¶4"),
    params=relation_params(
        "iran",
        base=3.0,
        threat=0.5,
        follow=0.8,
        rights=0.0,
        why="calibrated to ambassador-level ties without recognition in mid-2025 (public record: "
        "Tehran handed the Afghan embassy to Taliban diplomats in 2023; "
        "seed 003 ¶6 reports only close contacts)",
        calibrated={
            "base_desire": (2.27, 3.91),
            "threat_response": (0.0, 1.0),
            "follow_peers": (0.0, 2.0),
            "rights_weight": (0.0, 1.62),
        },
    ),
)
def guards_its_border(ctx, actor):
    return desire(ctx, actor) + engages_against_threat(ctx)


@rule(
    "iran.engages_against_threat",
    statement="An extension, off by default: Tehran answers the ISKP threat by seeking closer ties with Kabul. Seed "
    "002 ¶4-5 report the threat to Iran, not how Tehran answers it, and the history match of Iran's record leaves a "
    "response of zero plausible.",
    sources=("seed 002 ¶4-5",),
    basis="extension",
)
def engages_against_threat(ctx):
    return ctx.p["iran.threat_response"] * ctx.prev.iskp.capacity


class Iran(StateActor):
    key = "iran"
    label = "Iran"
    initial_state = {"relation": 3.0}

    motives = guards_its_border
