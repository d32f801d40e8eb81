"""The UN, the EU and the ICC: missions in Kabul, aid delivery, and condemnation of gender persecution."""

from __future__ import annotations

import numpy as np

from sim.actors.base import Actor
from sim.rules import assumption, rule


@rule(
    "international.condemns_repression",
    statement="While girls stay out of school, the UN, EU and ICC keep up public condemnation (arrest warrants, "
    "resolutions); it eases when schools reopen.",
    sources=("seed 000 ¶1", "seed 003 ¶4"),
    params=(
        assumption(
            "international.condemnation_relief",
            0.6,
            0.2,
            0.9,
            "share of condemnation dropped once girls' secondary schools reopen",
            "other abuses remain criticised (seed 002 ¶6); a guess",
        ),
    ),
)
def condemns_repression(ctx):
    relief = ctx.p["international.condemnation_relief"] * ctx.prev.taliban.girls_schools_open
    return ctx.levers.condemnation * (1.0 - relief)


@rule(
    "international.aid_delivery",
    statement="Donor funding reaches people through UN agencies; a recognised counterpart lets them coordinate and "
    "monitor delivery better.",
    sources=("seed 003 ¶3", "seed 003 ¶6"),
    params=(
        assumption(
            "international.presence_aid_share",
            0.4,
            0.1,
            0.8,
            "share of aid delivery lost if the UN and EU missions leave Kabul entirely",
            "seed 003 ¶6 counts the missions among the channels now open; size is a guess",
        ),
    ),
)
def aid_delivery(ctx):
    lv = ctx.levers
    reach = 1.0 - ctx.p["international.presence_aid_share"] * (1.0 - lv.un_eu_presence)
    return lv.aid_funding * reach * (1.0 + recognised_counterpart_helps_aid(ctx))


@rule(
    "international.recognised_counterpart_helps_aid",
    statement="Aid agencies say an internationally recognised government would improve coordination and accountability.",
    sources=("seed 003 ¶3",),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "international.recognition_aid_gain",
            0.3,
            0.0,
            0.6,
            "relative gain in aid delivered as recognition goes from mid-2025 to all states",
            "seed 003 ¶3 reports the aid agencies' view without a figure",
        ),
    ),
)
def recognised_counterpart_helps_aid(ctx):
    return ctx.p["international.recognition_aid_gain"] * (ctx.recognised_share - ctx.p["taliban.recognition_reference"])


class International(Actor):
    key = "international"
    label = "UN, EU and ICC"
    initial_state = {"condemnation": 0.5, "aid_delivered": 1.0, "presence": 1.0}

    def act(self, ctx):
        self.state.condemnation = condemns_repression(ctx)
        self.state.aid_delivered = np.maximum(aid_delivery(ctx), 0.0)
        self.state.presence = np.full_like(self.state.presence, ctx.levers.un_eu_presence)
