"""The UN, the EU and the ICC: missions in Kabul, aid delivery, and condemnation of gender persecution."""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import Actor
from sim.model.rules import assumption, rule

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


AID_REFERENCE = assumption(
    "international.aid_reference",
    1500.0,
    1300.0,
    1700.0,
    "US$ million of humanitarian funding received in 2024, the level delivered aid is measured from",
    "OCHA Financial Tracking Service, Afghanistan 2024: about $1.3-1.6 billion received (OCHA, critical funding gaps "
    "of Oct 2024: $962 million by mid-October)",
)


@rule(
    "international.aid_follows_rights",
    statement="Donors other than the US fund aid at the level their policy sets, questioning money seen to prop up the "
    "regime, and give more once girls' schools reopen.",
    sources=("seed 003 ¶7", "seed 003 ¶3"),
    params=(
        assumption(
            "international.other_donors_budget",
            700.0,
            500.0,
            1000.0,
            "US$ million a year of humanitarian funding from donors other than the US, before any emergency appeal",
            "about $1.5 billion received in 2024 with some of the takeover's emergency funding left, 43.9% of it from "
            "the US (OCHA Financial Tracking Service, as cited by ACAPS, Feb 2025)",
        ),
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
    """US$ million a year that donors other than the US set aside for Afghanistan."""
    p = ctx.p
    target = (
        ctx.levers.aid_funding
        * p["international.other_donors_budget"]
        * (1.0 + p["international.rights_aid_gain"] * ctx.prev.taliban.girls_schools_open)
    )
    b = ctx.prev.international.donor_budget
    return b + p["international.policy_adjustment"] * (target - b)


@rule(
    "international.aid_delivery",
    statement="Donor funding, with the emergency funding the collapse calls for, reaches people through UN agencies; "
    "a recognised counterpart lets them coordinate and monitor delivery better.",
    sources=("seed 003 ¶3", "seed 003 ¶6"),
    params=(
        AID_REFERENCE,
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
def aid_delivery(ctx, funding):
    """Aid reaching people (index, 2024 = 1) from this month's funding (US$ million)."""
    reach = 1.0 - ctx.p["international.presence_aid_share"] * (1.0 - ctx.levers.un_eu_presence)
    return 12.0 * funding / ctx.p["international.aid_reference"] * reach * (1.0 + recognised_counterpart_helps_aid(ctx))


@rule(
    "international.appeal_funding",
    statement="Outside the texts (OCHA Financial Tracking Service): the UN appeal asks a sum that grows with the people "
    "in need; the donors' budgets, the US's and the emergency funding make what it receives; seed 003 ¶3 reports the "
    "aid agencies' work against the food and health crisis.",
    sources=("seed 003 ¶3", "seed 003 ¶7"),
    params=(
        assumption(
            "international.cost_per_person",
            130.0,
            100.0,
            185.0,
            "US$ a year the UN appeal asks per person in need",
            "OCHA plans: $4.44 billion for 24.4 million in need (2022), $3.06 billion for 23.7 million (2024), $2.42 "
            "billion for 22.9 million (2025)",
        ),
    ),
)
def appeal_funding(ctx):
    """(US$ million received this month, share of the appeal covered at this month's rate)."""
    i, us = ctx.prev.international, ctx.prev.united_states
    funding = (i.donor_budget + ctx.levers.aid_funding * us.aid_budget) * (1.0 + i.emergency_surge) / 12.0
    requirement = ctx.p["international.cost_per_person"] * ctx.prev.population.humanitarian_need  # US$ million a year
    # funding beyond what the appeal asks is reported outside it, so a covered share stops at the whole appeal
    return funding, np.minimum(12.0 * funding / requirement, 1.0)


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
            "extra funding, relative to the donors' budgets, at the full shock of the takeover",
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
    # donor_budget: US$ million a year from donors other than the US; funding: US$ million received this month,
    # the US's share included; coverage: share of the UN appeal covered at this month's rate; aid_delivered: aid
    # reaching people, index 2024 = 1 (the July 2025 state: after the US cut)
    initial_state = {
        "condemnation": 0.5,
        "aid_delivered": 0.48,
        "presence": 1.0,
        "sanctions": 0.4,
        "donor_budget": 700.0,
        "funding": 60.6,
        "coverage": 0.24,
        "emergency_surge": 0.0,
    }

    def act(self, ctx):
        self.state.emergency_surge = emergency_appeal(ctx)
        self.state.condemnation = condemns_repression(ctx)
        self.state.sanctions = sanctions_follow_rights_and_recognition(ctx)
        self.state.donor_budget = aid_follows_rights(ctx)
        self.state.funding, self.state.coverage = appeal_funding(ctx)
        self.state.aid_delivered = aid_delivery(ctx, self.state.funding)
        self.state.presence = np.full_like(self.state.presence, ctx.levers.un_eu_presence)
