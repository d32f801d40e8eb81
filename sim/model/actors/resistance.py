"""The northern resistance: a dozen disunited groups; outside backing risks a return to civil war."""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import Actor, logistic
from sim.model.rules import assumption, rule


@rule(
    "resistance.grows_with_backing",
    statement="Without outside backing the resistance stays weak; material support from a state makes it grow.",
    sources=("seed 003 ¶5", "seed 003 ¶7", "seed 003 ¶1"),
    params=(
        assumption(
            "resistance.backing_gain",
            0.02,
            0.005,
            0.06,
            "monthly strength gained under full outside backing (share of the gap to full strength)",
            "seed 003 ¶7 reports backing under consideration; size is a guess",
        ),
        assumption(
            "resistance.decay",
            0.02,
            0.005,
            0.05,
            "monthly share of strength lost without backing",
            "seed 003 ¶1 sees no force able to remove the Taliban",
        ),
        assumption(
            "resistance.volatility",
            0.01,
            0.0,
            0.03,
            "standard deviation of the monthly shock to resistance strength",
            "a guess",
        ),
    ),
)
def grows_with_backing(ctx):
    p, n = ctx.p, ctx.prev.resistance.strength
    change = (
        p["resistance.backing_gain"] * ctx.levers.us_backs_resistance * (1.0 - n)
        - p["resistance.decay"] * n
        + p["resistance.volatility"] * ctx.normal("resistance.strength")
    )
    return np.clip(n + change, 0.0, 1.0)


@rule(
    "resistance.civil_war",
    statement="A resistance strong enough to contest Kabul turns the north into civil war; war ends when it weakens.",
    sources=("seed 003 ¶5",),
    params=(
        assumption(
            "resistance.war_threshold",
            0.55,
            0.35,
            0.75,
            "resistance strength (0-1) at which civil war becomes likely",
            "seed 003 ¶5 recalls the 1992-96 war; the threshold is a guess",
        ),
        assumption(
            "resistance.war_onset",
            0.08,
            0.01,
            0.2,
            "monthly chance of civil war breaking out well above the threshold",
            "a guess",
        ),
        assumption(
            "resistance.war_end",
            0.05,
            0.01,
            0.2,
            "monthly chance a civil war ends once the resistance has fallen below the threshold",
            "a guess",
        ),
        assumption(
            "resistance.war_width",
            0.03,
            0.01,
            0.08,
            "spread of resistance strength around the threshold over which war onset or end goes from rare to full",
            "a guess",
        ),
    ),
)
def civil_war(ctx, strength):
    p = ctx.p
    at_war = ctx.prev.resistance.civil_war > 0.5
    width = p["resistance.war_width"]
    onset = p["resistance.war_onset"] * logistic((strength - p["resistance.war_threshold"]) / width)
    end = p["resistance.war_end"] * logistic((p["resistance.war_threshold"] - strength) / width)
    u = ctx.uniform("resistance.war")
    return np.where(at_war, u >= end, u < onset).astype(np.float64)


class Resistance(Actor):
    key = "resistance"
    label = "Northern resistance groups"
    initial_state = {"strength": 0.1, "civil_war": 0.0}

    def act(self, ctx):
        strength = grows_with_backing(ctx)
        self.state.strength = strength
        self.state.civil_war = civil_war(ctx, strength)
