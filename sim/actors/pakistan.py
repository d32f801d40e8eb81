"""Pakistan: open channels without recognition, the TTP threat, strikes, talks with Kandahar, returns of refugees."""

from __future__ import annotations

import numpy as np

from sim.actors.base import clip01
from sim.actors.states import StateActor, desire, relation_params
from sim.rules import assumption, figure, rule

ATTACK_SCALE = figure(
    "pakistan.attack_scale",
    54.0,
    40.0,
    70.0,
    "attacks a month that count as one unit of threat (the 2023 monthly average)",
    "seed 004 ¶1",
)

PARAMS = relation_params(
    "pakistan",
    base=3.6,
    threat=-0.4,
    follow=0.5,
    rights=0.0,
    why="calibrated so Pakistan keeps ambassador-level ties without recognising, as in mid-2025 (seed 000 ¶2)",
    threat_range=(-1.0, 0.0),
    calibrated={
        "base_desire": (3.52, 4.5),
        "threat_response": (-0.69, 0.0),
        "follow_peers": (0.0, 2.0),
        "rights_weight": (0.0, 1.14),
    },
)


@rule(
    "pakistan.weighs_ttp_threat",
    statement="TTP attacks from Afghan soil strain Islamabad's relation with Kabul, and so does the quarrel over the "
    "Afghans it sends back.",
    sources=("seed 001 ¶3", "seed 000 ¶2", "seed 004 ¶1", "seed 000 ¶3"),
    params=PARAMS
    + (
        ATTACK_SCALE,
        assumption(
            "pakistan.returns_strain",
            0.3,
            0.0,
            0.8,
            "rungs Islamabad's wish falls per unit of forced returns above the base level (relative)",
            "seed 000 ¶3 counts repatriation among the disputes engagement has not settled; size is a guess",
        ),
    ),
)
def weighs_ttp_threat(ctx, actor):
    p = ctx.p
    strain = p["pakistan.returns_strain"] * (ctx.prev.pakistan.returns / p["pakistan.returns_base"] - 1.0)
    return desire(ctx, actor, threat=ctx.prev.ttp.attacks / p["pakistan.attack_scale"]) - strain


@rule(
    "pakistan.engages_kandahar",
    statement="Islamabad courts the Kandahar leadership directly; a border clash sets the talks back (an assumption).",
    sources=("seed 001 ¶4", "seed 001 ¶5"),
    params=(
        assumption(
            "pakistan.talks_build_rate",
            0.08,
            0.02,
            0.2,
            "monthly share of the gap between intended and achieved engagement with Kandahar closed",
            "building access to a reclusive leader takes months (seed 001 ¶4)",
        ),
        assumption(
            "pakistan.clash_setback",
            0.5,
            0.0,
            0.9,
            "share of achieved engagement with Kandahar lost in a month with a border clash",
            "an assumption: clashes set back talks; size is a guess",
        ),
    ),
)
def engages_kandahar(ctx):
    p, k = ctx.p, ctx.prev.pakistan.kandahar_engagement
    k = k + p["pakistan.talks_build_rate"] * (ctx.levers.kandahar_talks - k)
    return k * (1.0 - p["pakistan.clash_setback"] * ctx.prev.pakistan.clash)


@rule(
    "pakistan.strikes_across_border",
    statement="After heavy TTP violence Pakistan may strike inside Afghanistan, as far as its policy allows.",
    sources=("seed 001 ¶3", "seed 000 ¶2"),
    params=(
        ATTACK_SCALE,
        assumption(
            "pakistan.strike_trigger",
            2.0,
            1.0,
            4.0,
            "TTP threat (in units of the 2023 monthly attacks) at which a fully kinetic policy strikes every month",
            "seed 001 ¶3 names kinetic action as part of Islamabad's approach; its frequency and trigger are guesses",
        ),
    ),
)
def strikes_across_border(ctx):
    threat = ctx.prev.ttp.attacks / ctx.p["pakistan.attack_scale"]
    chance = ctx.levers.pakistan_kinetic * clip01(threat / ctx.p["pakistan.strike_trigger"])
    return (ctx.uniform("pakistan.strikes") < chance).astype(np.float64)


@rule(
    "pakistan.border_clash",
    statement="The texts warn that the quarrel could turn into open conflict on the western border; the model's "
    "reading (an assumption) is that strikes and heavy violence can tip it into an armed clash between the states.",
    sources=("seed 001 ¶6", "seed 000 ¶1"),
    params=(
        assumption(
            "pakistan.clash_base",
            0.01,
            0.0,
            0.04,
            "monthly chance of an armed interstate clash without strikes or unusual violence",
            "border skirmishes recur a few times a decade; a guess",
        ),
        assumption(
            "pakistan.clash_after_strike",
            0.25,
            0.05,
            0.5,
            "added chance of a clash in a month with Pakistani strikes",
            "strikes invite retaliation (seed 001 ¶3); size is a guess",
        ),
        assumption(
            "pakistan.clash_per_threat",
            0.02,
            0.0,
            0.06,
            "added chance of a clash per unit of TTP threat when talks with Kandahar are absent",
            "seed 001 ¶6 warns of insecurity on the western border (seed 000 ¶1 of a new war); size is a guess",
        ),
        ATTACK_SCALE,
    ),
)
def border_clash(ctx, strikes):
    """(clash 0/1, its chance that month)."""
    p, pk = ctx.p, ctx.prev.pakistan
    threat = ctx.prev.ttp.attacks / p["pakistan.attack_scale"]
    chance = (
        p["pakistan.clash_base"]
        + p["pakistan.clash_after_strike"] * strikes
        + p["pakistan.clash_per_threat"] * threat * (1.0 - pk.kandahar_engagement)
    )
    return (ctx.uniform("pakistan.clash") < chance).astype(np.float64), np.minimum(chance, 1.0)


@rule(
    "pakistan.counterterrorism_at_home",
    statement="Pakistan's own operations kill or capture a share of TTP fighters each month, not enough to end the threat.",
    sources=("seed 001 ¶3",),
    params=(
        assumption(
            "pakistan.operations_attrition",
            0.01,
            0.004,
            0.03,
            "monthly share of TTP fighters lost to operations inside Pakistan",
            "calibrated so the TTP grows from about 4,000 (2021) to about 6,000 (2025, seed 000 ¶2)",
            calibrated_range=(0.0048, 0.027),
        ),
        assumption(
            "pakistan.strike_attrition",
            0.015,
            0.0,
            0.04,
            "share of TTP fighters lost in a month with cross-border strikes",
            "an assumption that strikes cost the TTP fighters; seed 001 ¶3 says only that the approach failed; "
            "size is a guess",
        ),
    ),
)
def counterterrorism_at_home(ctx, strikes):
    p = ctx.p
    return p["pakistan.operations_attrition"] + p["pakistan.strike_attrition"] * strikes


@rule(
    "pakistan.forces_refugee_returns",
    statement="Refugee repatriation is a dispute with Kabul; the model lets Pakistan push more Afghans home when TTP "
    "violence is high and more arrive across the border (an assumption).",
    sources=("seed 000 ¶3", "seed 002 ¶8"),
    params=(
        assumption(
            "pakistan.returns_base",
            30.0,
            5.0,
            60.0,
            "thousand Afghans returned from Pakistan a month during a campaign at the 2023 level of violence",
            "deportations in 2024 ran at tens of thousands a month (IOM-UNHCR flash updates, outside the texts)",
        ),
        assumption(
            "pakistan.returns_elasticity",
            0.5,
            0.0,
            1.0,
            "elasticity of returns to TTP violence",
            "seed 000 ¶3 ties returns to the wider dispute; size is a guess",
        ),
        assumption(
            "pakistan.returns_arrival_elasticity",
            0.5,
            0.0,
            1.0,
            "elasticity of returns to the outflow of people from Afghanistan",
            "seed 002 ¶8 counts population movement among the burdens on neighbours; size is a guess",
        ),
        assumption(
            "pakistan.threat_floor",
            0.05,
            0.01,
            0.2,
            "least threat (in units of the 2023 monthly attacks) that returns respond to",
            "keeps returns from vanishing in a calm month; a guess",
        ),
        ATTACK_SCALE,
    ),
)
def forces_refugee_returns(ctx, deporting, wave):
    """Thousand Afghans returned this month: a trickle before any campaign; once one runs, a rate that rises with
    TTP violence, plus the first wave of the campaign while it lasts."""
    p = ctx.p
    threat = np.maximum(ctx.prev.ttp.attacks / p["pakistan.attack_scale"], p["pakistan.threat_floor"])
    arrivals = ctx.prev.population.refugee_outflow / p["population.outflow_base"]
    campaign = (
        p["pakistan.returns_base"]
        * threat ** p["pakistan.returns_elasticity"]
        * arrivals ** p["pakistan.returns_arrival_elasticity"]
    )
    return p["pakistan.returns_before_campaign"] + deporting * campaign + wave


@rule(
    "pakistan.deportation_campaign",
    statement="Refugee repatriation is a dispute with Kabul; the model's reading (an assumption) is that heavy TTP "
    "violence, blamed on Afghans, tips Islamabad into a deportation campaign that, once launched, stays, with a first "
    "wave of returns that ebbs over months.",
    sources=("seed 000 ¶3",),
    params=(
        ATTACK_SCALE,
        assumption(
            "pakistan.campaign_trigger",
            0.5,
            0.1,
            1.0,
            "monthly chance of launching a deportation campaign per unit of TTP threat above the tolerated level",
            "Pakistan launched its plan to expel undocumented Afghans on 3 Oct 2023, days after suicide bombings "
            "it blamed on Afghans, about ten months after the TTP's truce ended (IOM-UNHCR flash updates)",
            calibrated_range=(0.16, 0.95),
        ),
        assumption(
            "pakistan.campaign_tolerance",
            0.75,
            0.5,
            0.95,
            "TTP threat (in units of the 2023 monthly attacks) Islamabad bears without turning on Afghan refugees",
            "no campaign through 2022 at some 25-33 attacks a month (PIPS, PICSS), one in 2023 at over 50",
            calibrated_range=(0.52, 0.93),
        ),
        assumption(
            "pakistan.returns_before_campaign",
            4.0,
            1.0,
            10.0,
            "thousand Afghans returned from Pakistan a month before any campaign",
            "returns and deportations of 2022 in the tens of thousands a year (IOM flow monitoring; uncertain)",
            calibrated_range=(1.5, 8.7),
        ),
        assumption(
            "pakistan.first_wave",
            170.0,
            80.0,
            250.0,
            "thousand Afghans returned in the first month of a campaign, on top of its steady rate",
            "about 490,000 returned from mid-September to December 2023 (IOM-UNHCR flash updates)",
            calibrated_range=(85.0, 232.0),
        ),
        assumption(
            "pakistan.wave_decay",
            0.45,
            0.2,
            0.7,
            "monthly share of the first wave that ebbs",
            "returns fell from their peak in November 2023 to tens of thousands a month in 2024 (IOM-UNHCR)",
            calibrated_range=(0.32, 0.68),
        ),
    ),
)
def deportation_campaign(ctx):
    """(campaign on 0/1, first wave this month): launched at a chance rising with violence, never called off."""
    p, pk = ctx.p, ctx.prev.pakistan
    threat = ctx.prev.ttp.attacks / p["pakistan.attack_scale"]
    excess = np.maximum(threat - p["pakistan.campaign_tolerance"], 0.0)
    launched = (pk.deporting < 0.5) & (ctx.uniform("pakistan.deportation") < p["pakistan.campaign_trigger"] * excess)
    deporting = np.where(launched, 1.0, pk.deporting)
    wave = np.where(launched, p["pakistan.first_wave"], pk.deportation_wave * (1.0 - p["pakistan.wave_decay"]))
    return deporting, wave


FRONT_PARTNERS = ("china", "russia", "iran")


@rule(
    "pakistan.convenes_joint_front",
    statement="Pakistan rallies China, Russia and Iran into a united message against militant sanctuary (seed 001 ¶5, "
    "seed 004 ¶5); that each partner joins only while it keeps at least a mission in Kabul is an assumption.",
    sources=("seed 001 ¶5", "seed 004 ¶5", "seed 002 ¶4"),
)
def convenes_joint_front(ctx):
    present = sum((ctx.prev_relation[k] >= 2).astype(np.float64) for k in FRONT_PARTNERS)
    return ctx.levers.joint_front * present / len(FRONT_PARTNERS)


class Pakistan(StateActor):
    key = "pakistan"
    label = "Pakistan"
    initial_state = {
        "relation": 3.0,
        "kandahar_engagement": 0.0,
        "strikes": 0.0,
        "clash": 0.0,
        "clash_risk": 0.0,
        "operations": 0.01,
        "returns": 30.0,
        # a deportation campaign has run since October 2023 (the July 2025 state); 0 before it, as in 2021
        "deporting": 1.0,
        "deportation_wave": 0.0,
        "front": 0.0,
        # thousand Afghans in Pakistan, of every status: about 3.4 million in 2023 (UNHCR, IOM), less the million
        # or so returned by mid-2025
        "afghans": 2600.0,
    }

    motives = weighs_ttp_threat

    def act(self, ctx):
        super().act(ctx)
        strikes = strikes_across_border(ctx)
        self.state.strikes = strikes
        self.state.clash, self.state.clash_risk = border_clash(ctx, strikes)
        self.state.kandahar_engagement = engages_kandahar(ctx)
        self.state.operations = counterterrorism_at_home(ctx, strikes)
        self.state.deporting, self.state.deportation_wave = deportation_campaign(ctx)
        # no more Afghans can be returned than are in Pakistan; those who leave Afghanistan and do not go to Iran come here
        afghans = ctx.prev.pakistan.afghans
        self.state.returns = np.minimum(
            forces_refugee_returns(ctx, self.state.deporting, self.state.deportation_wave), afghans
        )
        arrivals = (1.0 - ctx.p["iran.share_of_outflow"]) * ctx.prev.population.refugee_outflow
        self.state.afghans = afghans + arrivals - self.state.returns
        self.state.front = convenes_joint_front(ctx)
