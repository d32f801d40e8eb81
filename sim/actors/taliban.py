"""The Taliban government (Islamic Emirate): its factions, social policy, sanctuary and counter-terrorism.

The movement is not monolithic (seed 003 ¶2): ``pragmatist`` is the influence (0-1)
of the figures open to dialogue against the hard-line Kandahar circle around the
supreme leader (seed 001 ¶4).  Most of the texts' disagreement is about what
moves this balance, so most rules here are bound to a mechanism.
"""

from __future__ import annotations

import numpy as np

from sim.actors.base import Actor, clip01, logistic, logit
from sim.rules import assumption, rule

RECOGNITION_REFERENCE = assumption(
    "taliban.recognition_reference",
    1 / 11,
    0.0,
    0.3,
    "share of modelled states recognising in mid-2025 (all of them without conditions), the point effects of "
    "recognition are measured from",
    "Russia alone among eleven modelled states (seed 000 ¶3)",
)


@rule(
    "taliban.perceived_pressure",
    statement="Sanctions, public condemnation, US coercion and Pakistani strikes add up to the pressure Kabul feels, "
    "blunted by the partners it has gained in the region.",
    sources=("seed 003 ¶4", "seed 000 ¶2-3", "seed 001 ¶1-3", "seed 003 ¶7"),
    params=(
        assumption(
            "taliban.partner_cushion",
            0.5,
            0.0,
            0.9,
            "share of outside pressure absorbed when every regional state engages fully",
            "seed 001 ¶2 credits Kabul with diversifying partners; size is a guess",
        ),
        assumption(
            "taliban.us_coercion_weight",
            0.5,
            0.0,
            1.0,
            "pressure added by each fully applied US coercive lever (equipment leverage, backing resistance)",
            "seed 003 ¶7 reports both under consideration; weight relative to sanctions is a guess",
        ),
    ),
)
def perceived_pressure(ctx):
    lv = ctx.levers
    raw = (
        lv.sanctions
        + ctx.prev.international.condemnation
        + ctx.p["taliban.us_coercion_weight"] * (lv.us_equipment_leverage + lv.us_backs_resistance)
        + ctx.prev.pakistan.strikes
    )
    return raw * (1.0 - ctx.p["taliban.partner_cushion"] * ctx.regional_engagement)


@rule(
    "taliban.hardline_core_reasserts",
    statement="Left alone, power drifts back to the hard-line Kandahar circle around the supreme leader.",
    sources=("seed 003 ¶2", "seed 001 ¶4", "seed 002 ¶7"),
    params=(
        assumption(
            "taliban.pragmatist_home",
            0.3,
            0.15,
            0.45,
            "pragmatist influence the leadership settles at under the engagement of mid-2025",
            "calibrated so girls' schools stay shut under the status quo, as since 2021",
        ),
        assumption(
            "taliban.reversion",
            0.04,
            0.01,
            0.1,
            "monthly share of the gap to that settling point closed (in log-odds)",
            "factional shifts take years, not months",
        ),
    ),
)
def hardline_core_reasserts(ctx):
    p = ctx.p
    return -p["taliban.reversion"] * (logit(ctx.prev.taliban.pragmatist) - logit(p["taliban.pragmatist_home"]))


@rule(
    "taliban.engagement_strengthens_pragmatists",
    statement="Regular contact and recognition strengthen the hand of the leaders open to dialogue.",
    sources=("seed 003 ¶1-2", "seed 003 ¶4"),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "taliban.engagement_effect",
            0.08,
            0.0,
            0.2,
            "log-odds per month added to pragmatist influence per unit of engagement above mid-2025",
            "seed 003 ¶4 hopes contact could strengthen softer voices; size is a guess",
        ),
        assumption(
            "taliban.engagement_reference",
            0.625,
            0.45,
            0.8,
            "engagement level (0-1) of mid-2025 against which change is measured",
            "calibrated to the relation levels of July 2025",
        ),
        assumption(
            "taliban.us_contact_weight",
            3.0,
            1.0,
            5.0,
            "how many regional states' contact a US presence counts for in the engagement Kabul feels",
            "seed 003 ¶1 and ¶4 see a US presence as the lever that would matter most; size is a guess",
        ),
    ),
)
def engagement_strengthens_pragmatists(ctx):
    return ctx.p["taliban.engagement_effect"] * (engagement(ctx) - ctx.p["taliban.engagement_reference"])


def engagement(ctx):
    """Contact Kabul has with the world (0-1): each state's place on the whole ladder, recognition included,
    and the UN/EU missions."""
    us_weight = ctx.p["taliban.us_contact_weight"]
    contact, weights = ctx.prev.international.presence, 1.0
    for state, level in ctx.prev_relation.items():
        w = us_weight if state == "united_states" else 1.0
        contact = contact + w * level / 4.0
        weights += w
    return contact / weights


@rule(
    "taliban.siege_hardens",
    statement="Siege and overt condemnation stiffen resistance to reform and favour the hard-liners.",
    sources=("seed 003 ¶4", "seed 000 ¶3", "seed 003 ¶2"),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "taliban.siege_effect",
            0.04,
            0.0,
            0.12,
            "log-odds per month removed from pragmatist influence per unit of pressure above mid-2025",
            "seed 003 ¶4 says condemnation stiffened resistance; size is a guess",
        ),
        assumption(
            "taliban.pressure_reference",
            0.65,
            0.4,
            0.9,
            "pressure felt in mid-2025 against which change is measured",
            "calibrated to the status-quo levers",
        ),
    ),
)
def siege_hardens(ctx, pressure):
    return -ctx.p["taliban.siege_effect"] * (pressure - ctx.p["taliban.pressure_reference"])


@rule(
    "taliban.legitimacy_entrenches_hardliners",
    statement="Recognition given without conditions removes the reason to reform and entrenches the ruling hard core.",
    sources=("seed 002 ¶3", "seed 002 ¶6", "seed 002 ¶10-13"),
    mechanism="legitimacy_emboldens",
    params=(
        assumption(
            "taliban.unconditional_effect",
            0.1,
            0.0,
            0.25,
            "log-odds per month removed from pragmatist influence as the share of unconditional recognisers "
            "goes above mid-2025",
            "seed 002 ¶10 warns of appeasement; size is a guess",
        ),
        RECOGNITION_REFERENCE,
    ),
)
def legitimacy_entrenches_hardliners(ctx):
    return -ctx.p["taliban.unconditional_effect"] * (
        ctx.unconditional_recognition - ctx.p["taliban.recognition_reference"]
    )


@rule(
    "taliban.benchmarks_empower_reformers",
    statement="Recognition on offer against clear benchmarks gives the reformers an argument the hard-liners must answer.",
    sources=("seed 000 ¶3", "seed 002 ¶10", "seed 003 ¶4"),
    mechanism="conditional_leverage",
    params=(
        assumption(
            "taliban.benchmark_effect",
            0.12,
            0.0,
            0.3,
            "log-odds per month added to pragmatist influence as benchmark-tied offers cover all states",
            "seed 000 ¶3 sees some room for movement; size is a guess",
        ),
    ),
)
def benchmarks_empower_reformers(ctx):
    return ctx.p["taliban.benchmark_effect"] * ctx.conditional_offers


@rule(
    "taliban.factional_shocks",
    statement="Deaths, appointments and quarrels at the top shift the balance between factions unpredictably.",
    sources=("seed 003 ¶2",),
    params=(
        assumption(
            "taliban.faction_volatility",
            0.12,
            0.03,
            0.3,
            "standard deviation of the monthly shock to pragmatist influence (log-odds)",
            "the texts say little is known of the divisions at the top (seed 003 ¶2)",
        ),
    ),
)
def factional_shocks(ctx):
    return ctx.p["taliban.faction_volatility"] * ctx.normal("taliban.factions")


@rule(
    "taliban.girls_education_decision",
    statement="Girls' secondary schools reopen only when the pragmatists prevail, and close again if they lose ground.",
    sources=("seed 003 ¶2", "seed 003 ¶4"),
    params=(
        assumption(
            "taliban.schools_threshold",
            0.55,
            0.4,
            0.75,
            "pragmatist influence at which reopening becomes likely",
            "girls' education is the main fault line (seed 003 ¶4); the tipping point is a guess",
        ),
        assumption(
            "taliban.schools_hazard",
            0.06,
            0.01,
            0.2,
            "monthly chance of a reversal once the balance has clearly tipped",
            "policy reversals are announced, not continuous",
        ),
    ),
)
def girls_education_decision(ctx, pragmatist):
    p = ctx.p
    open_now = ctx.prev.taliban.girls_schools_open > 0.5
    width = 0.05
    theta = p["taliban.schools_threshold"]
    reopen = p["taliban.schools_hazard"] * logistic((pragmatist - theta) / width)
    reopen = reopen + schools_for_recognition(ctx, pragmatist)
    close = p["taliban.schools_hazard"] * logistic((theta - 0.1 - pragmatist) / width)
    u = ctx.uniform("taliban.schools")
    return np.where(open_now, u >= close, u < reopen).astype(np.float64)


@rule(
    "taliban.schools_for_recognition",
    statement="Where recognition is tied to girls' education, a leadership that is not firmly hard-line may reopen "
    "schools to win it.",
    sources=("seed 000 ¶3",),
    mechanism="conditional_leverage",
    params=(
        assumption(
            "taliban.benchmark_compliance",
            0.03,
            0.0,
            0.1,
            "extra monthly chance of reopening when benchmark-tied offers cover all states and pragmatists "
            "hold the reference influence",
            "the texts hope for commitments but give no odds; seed 003 ¶2 doubts the movement bargains at all",
        ),
    ),
)
def schools_for_recognition(ctx, pragmatist):
    return ctx.p["taliban.benchmark_compliance"] * ctx.conditional_offers * np.clip(pragmatist / 0.4, 0.0, 1.5)


@rule(
    "taliban.shelters_allied_militants",
    statement="Kabul lets the TTP and other allied groups operate from its soil with near impunity.",
    sources=("seed 000 ¶2", "seed 002 ¶4", "seed 001 ¶3", "seed 002 ¶7"),
    params=(
        assumption(
            "taliban.sanctuary_base",
            0.8,
            0.6,
            0.95,
            "sanctuary (0-1) the TTP enjoys when nothing pushes either way",
            "seed 000 ¶2 says the TTP operates with impunity",
        ),
        assumption(
            "taliban.sanctuary_adjustment",
            0.05,
            0.01,
            0.15,
            "monthly share of the gap to the target sanctuary closed",
            "a guess; seed 001 ¶4 asks for the TTP to be moved but gives no timing",
        ),
    ),
)
def sanctuary_target_base(ctx):
    return ctx.p["taliban.sanctuary_base"]


@rule(
    "taliban.legitimacy_widens_sanctuary",
    statement="Unconditional recognition lets Kabul widen the space it gives to the TTP, IMU, ISKP and al-Qaeda.",
    sources=("seed 002 ¶4", "seed 002 ¶10", "seed 002 ¶12"),
    mechanism="legitimacy_emboldens",
    params=(
        assumption(
            "taliban.legitimacy_sanctuary",
            0.25,
            0.0,
            0.5,
            "sanctuary added as the share of unconditional recognisers goes from mid-2025 to all states",
            "seed 002 ¶10 warns of a new sanctuary; size is a guess",
        ),
        RECOGNITION_REFERENCE,
    ),
)
def legitimacy_widens_sanctuary(ctx):
    return ctx.p["taliban.legitimacy_sanctuary"] * (
        ctx.unconditional_recognition - ctx.p["taliban.recognition_reference"]
    )


@rule(
    "taliban.regional_bargain_moves_ttp",
    statement="Direct talks with Kandahar, a united front of neighbours and US leverage over equipment push the "
    "leadership to move the TTP away from the border.",
    sources=("seed 001 ¶4-5", "seed 004 ¶1", "seed 004 ¶5"),
    mechanism="regional_security_bargain",
    params=(
        assumption(
            "taliban.kandahar_effect",
            0.2,
            0.0,
            0.5,
            "sanctuary removed by full Pakistani engagement of the Kandahar leadership",
            "seed 001 ¶4 cites the 2023 edict as a limited success",
        ),
        assumption(
            "taliban.front_effect",
            0.2,
            0.0,
            0.5,
            "sanctuary removed by a full joint front of Pakistan, China, Russia and Iran",
            "seed 001 ¶5 and seed 004 ¶5 urge it; size is a guess",
        ),
        assumption(
            "taliban.equipment_effect",
            0.1,
            0.0,
            0.3,
            "sanctuary removed when the US fully ties aid to the return of equipment",
            "seed 004 ¶3 expects pressure on the Taliban; size is a guess",
        ),
    ),
)
def regional_bargain_moves_ttp(ctx):
    p = ctx.p
    return -(
        p["taliban.kandahar_effect"] * ctx.prev.pakistan.kandahar_engagement
        + p["taliban.front_effect"] * ctx.joint_front
        + p["taliban.equipment_effect"] * ctx.levers.us_equipment_leverage
    )


@rule(
    "taliban.counterterrorism_benchmark",
    statement="Where recognition is tied to ending the TTP's sanctuary, Kabul restrains the group to qualify.",
    sources=("seed 000 ¶3", "seed 002 ¶10"),
    mechanism="conditional_leverage",
    params=(
        assumption(
            "taliban.benchmark_sanctuary_effect",
            0.35,
            0.0,
            0.5,
            "sanctuary removed when benchmark-tied offers cover all states",
            "seed 000 ¶3 lists no TTP hosting as a string; size is a guess",
        ),
    ),
)
def counterterrorism_benchmark(ctx):
    return -ctx.p["taliban.benchmark_sanctuary_effect"] * ctx.conditional_offers


@rule(
    "taliban.pragmatists_restrain_militants",
    statement="Engagement is hoped to make Afghanistan inhospitable to terrorists; the model assumes this works "
    "through stronger pragmatists restraining the groups, the TTP among them, that embarrass Kabul.",
    sources=("seed 003 ¶1",),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "taliban.pragmatist_sanctuary",
            0.4,
            0.0,
            0.8,
            "sanctuary removed per unit of pragmatist influence above its settling point",
            "seed 003 ¶1 hopes for an Afghanistan inhospitable to terrorists; size is a guess",
        ),
    ),
)
def pragmatists_restrain_militants(ctx):
    p = ctx.p
    return -p["taliban.pragmatist_sanctuary"] * (ctx.prev.taliban.pragmatist - p["taliban.pragmatist_home"])


@rule(
    "taliban.fights_iskp",
    statement="Kabul fights ISKP, its own enemy; shared intelligence and regional cooperation make it more effective.",
    sources=("seed 003 ¶3", "seed 000 ¶3"),
    params=(
        assumption(
            "taliban.iskp_effort",
            0.5,
            0.3,
            0.8,
            "Taliban counter-ISKP effort (0-1) without outside help",
            "seed 003 ¶3 says the two share ISKP as an enemy while cooperation stays minimal",
        ),
    ),
)
def fights_iskp(ctx):
    return clip01(ctx.p["taliban.iskp_effort"] + ct_cooperation_helps(ctx))


@rule(
    "taliban.ct_cooperation_helps",
    statement="Intelligence sharing becomes possible only once trust has been built through engagement.",
    sources=("seed 003 ¶3", "seed 000 ¶3"),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "taliban.cooperation_effect",
            0.3,
            0.0,
            0.5,
            "counter-ISKP effort added by full outside cooperation",
            "seed 003 ¶3 calls current sharing minimal; size is a guess",
        ),
    ),
)
def ct_cooperation_helps(ctx):
    return ctx.p["taliban.cooperation_effect"] * ctx.ct_cooperation


@rule(
    "taliban.keeps_us_equipment",
    statement="Kabul has not returned the equipment the US left; the model assumes it might if aid is tied to it and "
    "pragmatists lead.",
    sources=("seed 004 ¶1-2", "seed 003 ¶7"),
    params=(
        assumption(
            "taliban.equipment_return_rate",
            0.01,
            0.0,
            0.05,
            "monthly chance of returning the equipment under full US leverage and full pragmatist influence",
            "seed 004 ¶2 reports no sign of compliance",
        ),
    ),
)
def keeps_us_equipment(ctx):
    prev = ctx.prev.taliban.equipment_returned
    chance = ctx.p["taliban.equipment_return_rate"] * ctx.levers.us_equipment_leverage * ctx.prev.taliban.pragmatist
    return np.maximum(prev, (ctx.uniform("taliban.equipment") < chance).astype(np.float64))


class Taliban(Actor):
    key = "taliban"
    label = "Taliban government (Islamic Emirate)"
    initial_state = {
        "pragmatist": 0.3,
        "girls_schools_open": 0.0,
        "sanctuary": 0.8,
        "iskp_effort": 0.5,
        "equipment_returned": 0.0,
        "pressure": 0.65,
    }

    def act(self, ctx):
        s = ctx.prev.taliban
        pressure = perceived_pressure(ctx)
        drift = (
            hardline_core_reasserts(ctx)
            + engagement_strengthens_pragmatists(ctx)
            + siege_hardens(ctx, pressure)
            + legitimacy_entrenches_hardliners(ctx)
            + benchmarks_empower_reformers(ctx)
            + factional_shocks(ctx)
        )
        pragmatist = logistic(logit(s.pragmatist) + drift)
        target = (
            sanctuary_target_base(ctx)
            + legitimacy_widens_sanctuary(ctx)
            + regional_bargain_moves_ttp(ctx)
            + counterterrorism_benchmark(ctx)
            + pragmatists_restrain_militants(ctx)
        )
        rate = ctx.p["taliban.sanctuary_adjustment"]
        self.state.sanctuary = np.clip(s.sanctuary + rate * (np.clip(target, 0.05, 1.0) - s.sanctuary), 0.05, 1.0)
        self.state.pragmatist = pragmatist
        self.state.pressure = pressure
        self.state.girls_schools_open = girls_education_decision(ctx, pragmatist)
        self.state.iskp_effort = fights_iskp(ctx)
        self.state.equipment_returned = keeps_us_equipment(ctx)
