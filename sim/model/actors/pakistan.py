"""Pakistan: open channels without recognition, the TTP threat, strikes, talks with Kandahar, returns of refugees."""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import clip01
from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import assumption, figure, rule

ATTACK_SCALE = figure(
    "pakistan.attack_scale",
    54.0,
    40.0,
    70.0,
    "attacks a month that count as one unit of threat (the 2023 monthly average)",
    "seed 004 ¶1",
)

def militant_threat(ctx):
    """The threat Islamabad answers: last month's militant attacks in Pakistan, the TTP's and its allies' and the
    Baloch separatists' together, in units of their 2023 monthly average (ATTACK_SCALE)."""
    return (ctx.prev.ttp.attacks + ctx.prev.baloch.attacks) / ctx.p["pakistan.attack_scale"]


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
        assumption(
            "pakistan.escalation_strain",
            0.03,
            0.0,
            0.2,
            "rungs Islamabad's wish for ties with Kabul falls per rung of the escalation ladder last month",
            "seed 001 ¶3 warns of further deterioration of bilateral ties; the size is a guess (Islamabad kept its "
            "embassy through the strikes of 2022 and 2024 and upgraded to ambassadors in May 2025)",
        ),
    ),
)
def weighs_ttp_threat(ctx, actor):
    p, pk = ctx.p, ctx.prev.pakistan
    strain = p["pakistan.returns_strain"] * (pk.returns / p["pakistan.returns_base"] - 1.0)
    strain = strain + p["pakistan.escalation_strain"] * pk.escalation
    return desire(ctx, actor, threat=militant_threat(ctx)) - strain


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
            3.0,
            2.0,
            5.0,
            "TTP threat (in units of the 2023 monthly attacks) at which a fully kinetic policy strikes every month",
            "seed 001 ¶3 names kinetic action as part of Islamabad's approach; strikes came in 3 of the 48 months to "
            "July 2025 (Apr 2022, Mar and Dec 2024: news reports), 2 of 12 in 2024 at about 1.4 units of threat; a "
            "guess within that",
        ),
        assumption(
            "pakistan.strike_after_clash",
            0.15,
            0.0,
            0.5,
            "added chance (at a fully kinetic policy) of strikes in the month after an armed clash",
            "an assumption: strikes on Khost and Paktika (March 2024) followed an attack on a post in North "
            "Waziristan, those of December 2024 a month of clashes and attacks (public record); size is a guess",
        ),
    ),
)
def strikes_across_border(ctx):
    p = ctx.p
    threat = militant_threat(ctx)
    after_clash = p["pakistan.strike_after_clash"] * ctx.prev.pakistan.clash
    chance = ctx.levers.pakistan_kinetic * clip01(threat / p["pakistan.strike_trigger"] + after_clash)
    return (ctx.uniform("pakistan.strikes") < chance).astype(np.float64)


# The escalation ladder of the Pakistan-Afghanistan dyad, one rung a month at most up each step:
ESCALATION_RUNGS = {0: "calm", 1: "border incident", 2: "armed clash", 3: "strikes on cities", 4: "break in relations"}
BREAK = 4


def calm_from_relation(ctx):
    """How a better relation rung damps escalation (1 at ambassadors, the level of mid-2025)."""
    return np.exp(-ctx.p["pakistan.relation_calm"] * (ctx.prev_relation["pakistan"] - 3.0))


@rule(
    "pakistan.border_incident",
    statement="The disputed border produces incidents (firing at crossings, quarrels over the fence Kabul rejects, "
    "closures of Torkham and Chaman): more while Pakistan deports Afghans, while a crossing stays shut, after "
    "Pakistani strikes and under heavy TTP violence; fewer the better the two states' relation (the drivers are "
    "the public record of 2021-2025, their sizes assumptions).",
    sources=("seed 001 ¶3", "seed 001 ¶6", "seed 000 ¶3"),
    params=(
        ATTACK_SCALE,
        assumption(
            "pakistan.incident_base",
            0.08,
            0.03,
            0.15,
            "monthly chance of a border incident from the disputed line and its fence alone, at ambassador-level ties",
            "fence-pulling by Taliban guards (Dec 2021-Jan 2022), firing at Chaman (Dec 2022), at Torkham (Feb "
            "and Sep 2023) and on the Kurram and Bajaur line (2024); incidents in perhaps one month in five, "
            "2021-2025 (news reports; a guess within that)",
        ),
        assumption(
            "pakistan.deportation_friction",
            0.04,
            0.0,
            0.12,
            "added monthly chance of an incident while Pakistan's deportation campaign runs",
            "Kabul protested the expulsions of October 2023 and crowds and clashes at the crossings followed "
            "(IOM-UNHCR flash updates); seed 000 ¶3 counts repatriation among the disputes; size is a guess",
        ),
        assumption(
            "pakistan.closure_friction",
            0.12,
            0.0,
            0.3,
            "added monthly chance of an incident in the month after a crossing was closed",
            "the Torkham closure of Feb-Mar 2025 ended in an exchange of fire on 3 March 2025 (news reports); "
            "size is a guess",
        ),
        assumption(
            "pakistan.threat_friction",
            0.03,
            0.0,
            0.1,
            "added monthly chance of an incident per unit of TTP threat (2023 monthly attacks)",
            "seed 001 ¶3 ties the strained ties to the TTP; size is a guess",
        ),
        assumption(
            "pakistan.strike_friction",
            0.5,
            0.2,
            0.9,
            "added chance of an incident in a month with Pakistani strikes inside Afghanistan",
            "Afghan forces fired on Pakistani posts after the strikes of March and December 2024 (news reports); "
            "size is a guess",
        ),
        assumption(
            "pakistan.relation_calm",
            0.25,
            0.0,
            0.5,
            "log-change of the chances of incidents and clashes per rung the relation falls below ambassadors "
            "(or rises above them)",
            "an assumption: open channels and envoys settle incidents before they grow (seed 001 ¶5 urges open "
            "channels); size is a guess",
        ),
    ),
)
def border_incident(ctx, strikes):
    """(incident 0/1, its chance this month)."""
    p, pk = ctx.p, ctx.prev.pakistan
    threat = militant_threat(ctx)
    chance = (
        p["pakistan.incident_base"]
        + p["pakistan.deportation_friction"] * pk.deporting
        + p["pakistan.closure_friction"] * pk.closure
        + p["pakistan.threat_friction"] * threat
        + p["pakistan.strike_friction"] * strikes
    )
    chance = clip01(chance * calm_from_relation(ctx))
    return (ctx.uniform("pakistan.incident") < chance).astype(np.float64), chance


@rule(
    "pakistan.crossing_closure",
    statement="After an incident Pakistan may shut a crossing such as Torkham; closures last days to weeks.",
    sources=("seed 001 ¶3",),
    params=(
        assumption(
            "pakistan.closure_on_incident",
            0.4,
            0.1,
            0.8,
            "chance that an incident closes a main crossing for the month",
            "Torkham closed after firing in Feb 2023 (about a week), Sep 2023 (nine days) and Feb-Mar 2025 "
            "(about 25 days), Chaman after Dec 2022 (news reports); not every incident closed one; a guess",
        ),
        assumption(
            "pakistan.closure_persistence",
            0.2,
            0.0,
            0.5,
            "chance a closed crossing stays closed into the next month",
            "closures of 2023-2025 lasted days to weeks (news reports); a guess",
        ),
    ),
)
def crossing_closure(ctx, incident):
    p, u = ctx.p, ctx.uniform("pakistan.closure")
    stays = (ctx.prev.pakistan.closure > 0.5) & (u < p["pakistan.closure_persistence"])
    closes = (incident > 0.5) & (u < p["pakistan.closure_on_incident"])
    return (stays | closes).astype(np.float64)


@rule(
    "pakistan.border_clash",
    statement="The texts warn that the quarrel could turn into open conflict on the western border, and on the "
    "record it did: Afghan and Pakistani forces clashed at Chaman (December 2022), at Torkham while the crossing was "
    "shut (September 2023) and after Pakistan's strikes of March and December 2024 (news reports). An incident "
    "becomes an armed clash more often after strikes, under heavy violence and while a crossing is shut, less the "
    "better the relation and while Islamabad talks with Kandahar; the sizes, and the talks' part, are assumptions.",
    sources=("seed 001 ¶6", "seed 000 ¶1"),
    params=(
        assumption(
            "pakistan.clash_given_incident",
            0.2,
            0.08,
            0.4,
            "chance that a border incident becomes an armed clash, at ambassador-level ties without aggravation",
            "about five armed clashes (Chaman Dec 2022, Torkham Sep 2023, after the strikes of Mar and Dec 2024, "
            "Torkham Mar 2025) among perhaps a dozen months with incidents, Aug 2021-Jul 2025 (news reports)",
        ),
        assumption(
            "pakistan.clash_after_strike",
            0.2,
            0.05,
            0.4,
            "added chance that an incident becomes a clash in a month with Pakistani strikes",
            "strikes invite retaliation (seed 001 ¶3); size is a guess",
        ),
        assumption(
            "pakistan.clash_per_threat",
            0.03,
            0.0,
            0.1,
            "added chance that an incident becomes a clash per unit of TTP threat when talks with Kandahar are absent",
            "seed 001 ¶6 warns of insecurity on the western border (seed 000 ¶1 of a new war); size is a guess",
        ),
        assumption(
            "pakistan.clash_on_closure",
            0.1,
            0.0,
            0.3,
            "added chance that an incident becomes a clash while a crossing is shut",
            "the Torkham clashes of Sep 2023 and Mar 2025 came during closures (news reports); size is a guess",
        ),
        ATTACK_SCALE,
    ),
)
def border_clash(ctx, incident, incident_chance, strikes, closure):
    """(clash 0/1, its chance this month)."""
    p, pk = ctx.p, ctx.prev.pakistan
    threat = militant_threat(ctx)
    given = (
        p["pakistan.clash_given_incident"]
        + p["pakistan.clash_after_strike"] * strikes
        + p["pakistan.clash_per_threat"] * threat * (1.0 - pk.kandahar_engagement)
        + p["pakistan.clash_on_closure"] * closure
    )
    given = clip01(given * calm_from_relation(ctx))
    clash = (incident > 0.5) & (ctx.uniform("pakistan.clash") < given)
    return clash.astype(np.float64), incident_chance * given


@rule(
    "pakistan.escalation_ladder",
    statement="Escalation between the two states climbs from incident to clash to strikes on cities to a break in "
    "relations, and falls back a rung at a time in quiet months, faster with talks in Kandahar; a break is rare "
    "and sticky, and while it lasts Islamabad withdraws to channels. No break happened to July 2025: strikes in "
    "April 2022, March and December 2024 left the embassy open (seed 000 ¶2).",
    sources=("seed 001 ¶3", "seed 001 ¶6", "seed 000 ¶2", "seed 001 ¶4"),
    params=(
        assumption(
            "pakistan.break_chance",
            0.01,
            0.0,
            0.03,
            "chance of a break in relations in a month with strikes on Afghan cities, at ambassador-level ties",
            "none of three rounds of strikes (Apr 2022, Mar 2024, Dec 2024) broke relations by July 2025; a guess",
        ),
        assumption(
            "pakistan.deescalation",
            0.5,
            0.2,
            0.8,
            "monthly chance the ladder falls a rung in a month without a new event",
            "tensions after the clashes and strikes of 2022-2025 eased within weeks to months (news reports); "
            "a guess",
        ),
        assumption(
            "pakistan.break_repair",
            0.08,
            0.02,
            0.2,
            "monthly chance a break in relations is repaired (falls to strikes, then down the ladder)",
            "a break is costlier to undo than a clash; a guess",
        ),
    ),
)
def escalation_ladder(ctx, incident, clash, strikes):
    """The escalation rung this month (0 calm .. 4 break in relations)."""
    p, prev = ctx.p, ctx.prev.pakistan.escalation
    calm = calm_from_relation(ctx)
    breaks = (strikes > 0.5) & (ctx.uniform("pakistan.break") < clip01(p["pakistan.break_chance"] * calm))
    event = np.maximum(np.maximum(incident, 2.0 * clash), 3.0 * strikes)
    event = np.where(breaks, float(BREAK), event)
    talks = 1.0 + ctx.prev.pakistan.kandahar_engagement
    fall_chance = np.where(prev >= BREAK, p["pakistan.break_repair"], p["pakistan.deescalation"]) * talks
    falls = ctx.uniform("pakistan.deescalation") < clip01(fall_chance)
    return np.maximum(event, np.maximum(prev - falls, 0.0))


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
            calibrated_range=(0.0056, 0.025),
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
            "elasticity of returns to the outflow of people from Afghanistan who stay abroad",
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
    threat = np.maximum(militant_threat(ctx), p["pakistan.threat_floor"])
    arrivals = ctx.prev.population.emigrants / p["population.outflow_base"]
    campaign = (
        p["pakistan.returns_base"]
        * threat ** p["pakistan.returns_elasticity"]
        * arrivals ** p["pakistan.returns_arrival_elasticity"]
    )
    return p["pakistan.returns_before_campaign"] + deporting * campaign + wave


@rule(
    "pakistan.deportation_campaign",
    statement="Refugee repatriation is a dispute with Kabul (seed 000 ¶3). On the record, Islamabad announced its "
    "plan to expel undocumented Afghans in October 2023 after a year of rising TTP violence it blamed in part on "
    "Afghan nationals, and the campaign stayed: heavy violence tips it into a campaign that, once launched, stays, "
    "with a first wave of returns that ebbs over months. A month of violence first sends Islamabad to Kabul with "
    "demands; the grievance builds as the violence goes on (the form and sizes are assumptions).",
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
            "no campaign through 2022 at some 31 attacks a month (PICSS: 376 in the year), one in 2023 at over 50",
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
            "pakistan.grievance_memory",
            0.15,
            0.05,
            0.5,
            "monthly share of the gap closed between Islamabad's grievance and this month's violence above the "
            "tolerated level",
            "the TTP's truce ended in November 2022 and the Peshawar mosque bombing of January 2023 killed about 100, "
            "yet Islamabad first sent its defence minister and spy chief to Kabul (Feb 2023) and launched its plan "
            "against undocumented Afghans only on 3 Oct 2023, after the bombings of 29 Sep 2023 (Pakistani government "
            "statements, IOM-UNHCR flash updates); at 0.15 a steady excess is felt in full after about half a year; "
            "a guess; the range is what the history match against the returns of 2022-25 leaves plausible",
            calibrated_range=(0.085, 0.48),
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
    """(campaign on 0/1, first wave this month, grievance): launched at a chance rising with the violence Islamabad
    has borne over the past months, never called off."""
    p, pk = ctx.p, ctx.prev.pakistan
    threat = militant_threat(ctx)
    excess = np.maximum(threat - p["pakistan.campaign_tolerance"], 0.0)
    # a month of heavy violence first sends Islamabad to Kabul with demands; the grievance that turns it on the
    # refugees builds only as the violence goes on
    grievance = pk.grievance + p["pakistan.grievance_memory"] * (excess - pk.grievance)
    chance = p["pakistan.campaign_trigger"] * grievance
    launched = (pk.deporting < 0.5) & (ctx.uniform("pakistan.deportation") < chance)
    deporting = np.where(launched, 1.0, pk.deporting)
    wave = np.where(launched, p["pakistan.first_wave"], pk.deportation_wave * (1.0 - p["pakistan.wave_decay"]))
    return deporting, wave, grievance


@rule(
    "pakistan.hardens_targets",
    statement="Under sustained attack the state hardens the targets militants strike (guards, checkpoints, "
    "protection of markets, mosques and transport), which lowers the civilian toll per attack after a lag.",
    sources=("seed 004 ¶1", "seed 001 ¶3"),
    params=(
        ATTACK_SCALE,
        assumption(
            "pakistan.hardening_effect",
            0.3,
            0.0,
            0.5,
            "share of civilian deaths per attack averted by hardening at its height",
            "an assumption: protective security after waves of attacks (the National Action Plan of 2014-15, "
            "public record); size is a guess",
        ),
        assumption(
            "pakistan.hardening_rate",
            0.05,
            0.01,
            0.15,
            "monthly share of the gap between achieved and called-for hardening closed",
            "guards, walls and checkpoints take months to put in place and are relaxed slowly; a guess",
        ),
    ),
)
def hardens_targets(ctx):
    """Hardening (0-1 of the civilian toll per attack averted): moves towards a level rising with the threat."""
    p = ctx.p
    threat = militant_threat(ctx)
    called_for = p["pakistan.hardening_effect"] * threat / (1.0 + threat)
    h = ctx.prev.pakistan.hardening
    return h + p["pakistan.hardening_rate"] * (called_for - h)


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
        # the escalation ladder (ESCALATION_RUNGS), a border incident and a closed crossing this month
        "escalation": 0.0,
        "incident": 0.0,
        "closure": 0.0,
        # share of the civilian toll per attack averted by hardened targets: the level called for in mid-2025
        "hardening": 0.16,
        "operations": 0.01,
        "returns": 30.0,
        # a deportation campaign has run since October 2023 (the July 2025 state); 0 before it, as in 2021
        "deporting": 1.0,
        "deportation_wave": 0.0,
        # violence above the tolerated level that Islamabad still holds against Kabul (units of the 2023 monthly
        # attacks, remembered over months)
        "grievance": 0.0,
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
        incident, incident_chance = border_incident(ctx, strikes)
        closure = crossing_closure(ctx, incident)
        self.state.incident, self.state.closure = incident, closure
        self.state.clash, self.state.clash_risk = border_clash(ctx, incident, incident_chance, strikes, closure)
        self.state.escalation = escalation_ladder(ctx, incident, self.state.clash, strikes)
        # a break in relations: Islamabad withdraws to channels while it lasts
        self.state.relation = np.where(self.state.escalation >= BREAK, np.minimum(self.state.relation, 1.0),
                                       self.state.relation)
        self.state.hardening = hardens_targets(ctx)
        self.state.kandahar_engagement = engages_kandahar(ctx)
        self.state.operations = counterterrorism_at_home(ctx, strikes)
        self.state.deporting, self.state.deportation_wave, self.state.grievance = deportation_campaign(ctx)
        # no more Afghans can be returned than are in Pakistan; those who leave Afghanistan to stay abroad and do not
        # go to Iran come here
        afghans = ctx.prev.pakistan.afghans
        self.state.returns = np.minimum(
            forces_refugee_returns(ctx, self.state.deporting, self.state.deportation_wave), afghans
        )
        arrivals = (1.0 - ctx.p["iran.share_of_outflow"]) * ctx.prev.population.emigrants
        self.state.afghans = afghans + arrivals - self.state.returns
        self.state.front = convenes_joint_front(ctx)
