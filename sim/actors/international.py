"""The UN, the EU and the ICC: missions in Kabul, aid delivery, and condemnation of gender persecution."""

from __future__ import annotations

import numpy as np

from sim.actors.base import Actor
from sim.rules import assumption, rule


POLICY_ADJUSTMENT = assumption(
    "international.policy_adjustment",
    0.15,
    0.05,
    0.5,
    "monthly share of the gap between the donors' measures and what their policy and the situation call for closed",
    "sanctions regimes, budgets and resolutions change over months, not at once; a guess",
)
FRONT_EROSION = assumption(
    "international.front_erosion",
    0.5,
    0.0,
    1.0,
    "share of the donors' sanctions and condemnation given up as recognition spreads from mid-2025 to every state",
    "seed 002 ¶11 warns that recognition without accountability weakens the common front, seed 000 ¶3 sees a hole in "
    "the wall of non-recognition; size is a guess",
)


def _united_front(ctx):
    """What is left of the common front of non-recognition (1 in mid-2025) as other states recognise."""
    spread = np.maximum(ctx.recognised_share - ctx.p["taliban.recognition_reference"], 0.0)
    return 1.0 - ctx.p["international.front_erosion"] * spread


@rule(
    "international.condemns_repression",
    statement="While girls stay out of school, the UN, EU and ICC keep up public condemnation (arrest warrants, "
    "resolutions); it eases when schools reopen and as the common front of non-recognition erodes.",
    sources=("seed 000 ¶1", "seed 003 ¶4", "seed 002 ¶11"),
    params=(
        assumption(
            "international.condemnation_relief",
            0.6,
            0.2,
            0.9,
            "share of condemnation dropped once girls' secondary schools reopen",
            "other abuses remain criticised (seed 002 ¶6); a guess",
        ),
        POLICY_ADJUSTMENT,
        FRONT_EROSION,
    ),
)
def condemns_repression(ctx):
    relief = ctx.p["international.condemnation_relief"] * ctx.prev.taliban.girls_schools_open
    target = ctx.levers.condemnation * (1.0 - relief) * _united_front(ctx)
    c = ctx.prev.international.condemnation
    return c + ctx.p["international.policy_adjustment"] * (target - c)


@rule(
    "international.sanctions_follow_rights_and_recognition",
    statement="Donors keep sanctions for the regime's policies and ease them when girls' schools reopen; as more "
    "states recognise Kabul the common front behind them erodes.",
    sources=("seed 003 ¶7", "seed 002 ¶11", "seed 000 ¶2-3"),
    params=(
        assumption(
            "international.sanctions_relief",
            0.5,
            0.2,
            0.9,
            "share of sanctions lifted once girls' secondary schools reopen",
            "seed 003 ¶7 ties calls for sanctions to the regime's policies; size is a guess",
        ),
        POLICY_ADJUSTMENT,
        FRONT_EROSION,
    ),
)
def sanctions_follow_rights_and_recognition(ctx):
    relief = ctx.p["international.sanctions_relief"] * ctx.prev.taliban.girls_schools_open
    target = ctx.levers.sanctions * (1.0 - relief) * _united_front(ctx)
    s = ctx.prev.international.sanctions
    return s + ctx.p["international.policy_adjustment"] * (target - s)


@rule(
    "international.aid_follows_rights",
    statement="Donors fund aid at the level their policy sets, questioning money seen to prop up the regime, and "
    "give more once girls' schools reopen.",
    sources=("seed 003 ¶7", "seed 003 ¶3"),
    params=(
        assumption(
            "international.rights_aid_gain",
            0.2,
            0.0,
            0.5,
            "relative rise in aid funding once girls' secondary schools reopen",
            "seed 003 ¶7 reports funding questioned because it props up Kabul; size is a guess",
        ),
        POLICY_ADJUSTMENT,
    ),
)
def aid_follows_rights(ctx):
    target = ctx.levers.aid_funding * (
        1.0 + ctx.p["international.rights_aid_gain"] * ctx.prev.taliban.girls_schools_open
    )
    a = ctx.prev.international.aid_funding
    return a + ctx.p["international.policy_adjustment"] * (target - a)


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
    reach = 1.0 - ctx.p["international.presence_aid_share"] * (1.0 - ctx.levers.un_eu_presence)
    surge = ctx.prev.international.emergency_surge
    return ctx.prev.international.aid_funding * reach * (1.0 + recognised_counterpart_helps_aid(ctx)) * (1.0 + surge)


@rule(
    "international.emergency_appeal",
    statement="Donors answer the economic collapse with emergency humanitarian funding that arrives within months "
    "and fades as the collapse does.",
    sources=("seed 003 ¶3", "seed 003 ¶7"),
    params=(
        assumption(
            "international.emergency_surge",
            2.8,
            0.5,
            4.0,
            "extra aid delivered (relative to the 2025 level) at the full shock of the takeover",
            "calibrated in the hindcast to UN appeals' funding: about $3.2-3.3 billion received in 2022, twice the "
            "2024 amount (OCHA Financial Tracking Service)",
            calibrated_range=(1.7, 3.9),
        ),
        assumption(
            "international.donor_response",
            0.5,
            0.1,
            0.8,
            "monthly share of the gap between the emergency funding the collapse calls for and what arrives",
            "the flash appeal of September 2021 and the plan of January 2022 came within months of the takeover",
        ),
    ),
)
def emergency_appeal(ctx):
    p, surge = ctx.p, ctx.prev.international.emergency_surge
    called_for = p["international.emergency_surge"] * ctx.prev.population.economic_shock
    return surge + p["international.donor_response"] * (called_for - surge)


@rule(
    "international.recognised_counterpart_helps_aid",
    statement="Aid agencies say an internationally recognised government would improve coordination and accountability "
    "(seed 003 ¶3); the case for recognition accepts it (engage to avert collapse, seed 000 ¶2). Shared core: no "
    "text disputes it (the critic and the regional texts do not weigh aid against recognition).",
    sources=("seed 003 ¶3", "seed 000 ¶2"),
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
    initial_state = {
        "condemnation": 0.5,
        "aid_delivered": 1.0,
        "presence": 1.0,
        "sanctions": 0.4,
        "aid_funding": 1.0,
        "emergency_surge": 0.0,
    }

    def act(self, ctx):
        self.state.emergency_surge = emergency_appeal(ctx)
        self.state.condemnation = condemns_repression(ctx)
        self.state.sanctions = sanctions_follow_rights_and_recognition(ctx)
        self.state.aid_funding = aid_follows_rights(ctx)
        self.state.aid_delivered = np.maximum(aid_delivery(ctx), 0.0)
        self.state.presence = np.full_like(self.state.presence, ctx.levers.un_eu_presence)
