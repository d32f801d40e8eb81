"""The Taliban government (Islamic Emirate): its factions, social policy, sanctuary and counter-terrorism.

The movement is not monolithic (seed 003 ¶2): ``pragmatist`` is the influence (0-1)
of the figures open to dialogue against the hard-line Kandahar circle around the
supreme leader (seed 001 ¶4).  Most of the texts' disagreement is about what
moves this balance, so most rules here are bound to a mechanism.
"""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import Actor, clip01, logistic, logit
from sim.model.actors.states import MID_2025_RELATIONS, NEIGHBOURS
from sim.model.rules import assumption, mechanism_active, rule

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
    statement="Sanctions, public condemnation, US coercion, Pakistani strikes, a joint front of the neighbours and "
    "publicly set benchmarks add up to the pressure Kabul feels, blunted by the partners it has gained in the region. "
    "The sum is recorded for the analyst; each view's rule reads only the pressures its own text names.",
    sources=("seed 003 ¶4", "seed 000 ¶2-3", "seed 001 ¶1-3", "seed 003 ¶7", "seed 003 ¶2", "seed 001 ¶5"),
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
        assumption(
            "taliban.front_pressure",
            0.5,
            0.0,
            1.0,
            "pressure added by a full joint front of the neighbours against militant sanctuary",
            "seed 001 ¶5 means the front as a single message of pressure; weight is a guess",
        ),
        assumption(
            "taliban.conditions_pressure",
            0.3,
            0.0,
            0.8,
            "pressure added when offers tied to benchmarks cover every state",
            "seed 003 ¶2 reads demands from outside as pressure the movement resists; weight is a guess",
        ),
    ),
)
def perceived_pressure(ctx):
    lv, p, intl = ctx.levers, ctx.p, ctx.prev.international
    raw = (
        intl.sanctions
        + intl.condemnation
        + p["taliban.us_coercion_weight"] * (lv.us_equipment_leverage + lv.us_backs_resistance)
        + ctx.prev.pakistan.strikes
        + p["taliban.front_pressure"] * ctx.joint_front
        + p["taliban.conditions_pressure"] * ctx.conditional_offers
    )
    return raw * (1.0 - p["taliban.partner_cushion"] * ctx.regional_engagement)


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


def weighted_state_count(ctx):
    """The states counted with their weight in what Kabul feels: the US as taliban.us_contact_weight states, every
    other state once."""
    return len(ctx.prev_relation) + (ctx.p["taliban.us_contact_weight"] - 1.0)


@rule(
    "taliban.engagement_strengthens_pragmatists",
    statement="A US presence and recognition strengthen the hand of the leaders open to dialogue: seed 003 ¶1-2, ¶4 "
    "argue it for regular US contact, and seed 000 ¶3 hopes that a recognised, non-isolated Afghanistan chooses "
    "pragmatism. Other states' contact short of recognition is not read (seed 000 ¶3 finds it brought nothing; its "
    "reading is the extension `taliban.regional_contact_counts`). Less contact than in mid-2025 forgoes the gain "
    "(seed 003 ¶1: isolation failed) without being read as a loss.",
    sources=("seed 003 ¶1-2", "seed 003 ¶4", "seed 000 ¶3"),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "taliban.engagement_effect",
            0.08,
            0.0,
            0.2,
            "log-odds per month added to pragmatist influence per unit of engagement gained since mid-2025",
            "seed 003 ¶4 hopes contact could strengthen softer voices; size is a guess",
        ),
        assumption(
            "taliban.us_contact_weight",
            3.0,
            1.0,
            5.0,
            "how many states' steps a step of the US counts for in the engagement Kabul feels",
            "seed 003 is written for Washington and argues for a US presence (¶1, ¶4); its weight against other "
            "states' steps is a guess",
        ),
    ),
)
def engagement_strengthens_pragmatists(ctx):
    # steps below mid-2025 forgo the gain but are not read as a loss: seed 003 ¶1 says isolation failed, not that
    # it backfired (the hardening it reports comes from condemnation, `taliban.siege_hardens`)
    us_weight = ctx.p["taliban.us_contact_weight"]
    gain = us_weight * np.maximum(ctx.prev_relation["united_states"] - MID_2025_RELATIONS["united_states"], 0.0) / 4.0
    for state, level in ctx.prev_relation.items():
        if state != "united_states":
            gain = gain + np.maximum((level >= 4) - float(MID_2025_RELATIONS[state] >= 4), 0.0)
    gain = gain / weighted_state_count(ctx) + regional_contact_counts(ctx)
    return ctx.p["taliban.engagement_effect"] * (gain + talks_count_as_engagement(ctx))


@rule(
    "taliban.regional_contact_counts",
    statement="An extension, off by default: other states' contact short of recognition (missions, embassies, "
    "ambassadors) strengthens the pragmatists as well. Seed 003 argues for a US presence; seed 000 ¶3 finds that "
    "Pakistan's engagement without recognition brought neither cooperation nor progress.",
    sources=("seed 003 ¶6", "seed 000 ¶3"),
    mechanism="engagement_moderates",
    basis="extension",
)
def regional_contact_counts(ctx):
    gain = 0.0
    for state, level in ctx.prev_relation.items():
        if state != "united_states":
            mid = float(min(MID_2025_RELATIONS[state], 3))
            gain = gain + np.maximum(np.minimum(level, 3.0) - mid, 0.0) / 4.0
    return gain / weighted_state_count(ctx)


@rule(
    "taliban.talks_count_as_engagement",
    statement="An extension, off by default: Pakistan's direct talks with the Kandahar leadership count as contact "
    "that strengthens the pragmatists. Seed 003 ¶1-2 argue for regular contact by the US; that a neighbour's talks "
    "on the TTP build the same influence is the model's reading.",
    sources=("seed 003 ¶1-2", "seed 001 ¶4"),
    mechanism="engagement_moderates",
    basis="extension",
    params=(
        assumption(
            "taliban.talks_engagement",
            0.1,
            0.0,
            0.25,
            "engagement gained by full Pakistani talks with the Kandahar leadership",
            "an extension of seed 003 ¶1 (regular contact builds influence) to Pakistan's talks; size is a guess",
        ),
    ),
)
def talks_count_as_engagement(ctx):
    return ctx.p["taliban.talks_engagement"] * ctx.prev.pakistan.kandahar_engagement


# share of the neighbours recognising in July 2025 (Russia alone)
MID_2025_REGIONAL_RECOGNITION = sum(MID_2025_RELATIONS[k] >= 4 for k in NEIGHBOURS) / len(NEIGHBOURS)


def gives_freely(ctx, state):
    """1 where ``state`` confers its standing without conditions: it sets none, or it has dropped them
    (`states.drops_conditions`) and recognised on its own terms; else 0."""
    if state not in ctx.levers.conditional:
        return 1.0
    return getattr(ctx.prev, state).defected


def legitimacy_terms(ctx):
    """(conferred, spent): legitimacy handed over without conditions since July 2025 (when no state set benchmarks),
    counted state by state, so that one state's step back does not buy back what another gave away; the two views
    that read it (legitimacy emboldens, and the conditional view's extension) read the same quantity. Seed 002 warns
    against conferring more (¶10-12) but reports that outside urging has brought no change (¶7): legitimacy
    withheld is not read as restraint.

    A state confers all of recognition's legitimacy by recognising and a share per rung below it; while its policy
    ties recognition to benchmarks, its recognition confers no more than an ambassador's rung. A US step counts as
    much as its weight in engagement.
    """
    p = ctx.p
    upgrade, us_weight = p["taliban.upgrade_legitimacy"], p["taliban.us_contact_weight"]
    states = list(ctx.prev_relation)
    us = states.index("united_states")
    levels = np.stack([ctx.prev_relation[k] for k in states])
    mid = np.array([float(MID_2025_RELATIONS[k]) for k in states])[:, None]
    free = np.stack([gives_freely(ctx, k) * np.ones(levels.shape[1]) for k in states])
    now = np.where(levels >= 4, 1.0, upgrade * levels / 3.0)
    # conditions hold back recognition only: a conditional state's steps below it confer standing like anyone's
    now = np.where(free > 0.5, now, np.minimum(now, upgrade))
    then = np.where(mid >= 4, 1.0, upgrade * mid / 3.0) * np.ones_like(now[:1])
    given = np.maximum(now - then, 0.0)
    extra = us_weight - 1.0  # the US counts us_weight times, the others once
    spent = (given.sum(axis=0) + extra * given[us]) / weighted_state_count(ctx)
    return spent, spent


@rule(
    "taliban.siege_hardens",
    statement="Overt condemnation from outside stiffens resistance to reform and favours the hard-liners (seed 003 "
    "¶4). Other pressure (sanctions, coercion, strikes) brings no reform either (seed 003 ¶2, seed 000 ¶3), but no "
    "text of this view says it hardens the leadership: it is left out.",
    sources=("seed 003 ¶4", "seed 000 ¶3", "seed 003 ¶2"),
    mechanism="engagement_moderates",
    params=(
        assumption(
            "taliban.siege_effect",
            0.04,
            0.0,
            0.12,
            "log-odds per month removed from pragmatist influence per unit of condemnation above mid-2025",
            "seed 003 ¶4 says condemnation stiffened resistance; size is a guess",
        ),
        assumption(
            "taliban.condemnation_reference",
            0.5,
            0.3,
            0.7,
            "condemnation of mid-2025 against which change is measured",
            "equal to the status-quo lever",
        ),
    ),
)
def siege_hardens(ctx):
    # only condemnation louder than in mid-2025 hardens: seed 003 ¶4 says it stiffened resistance, not that quieter
    # condemnation softens it
    p = ctx.p
    louder = np.maximum(ctx.prev.international.condemnation - p["taliban.condemnation_reference"], 0.0)
    return -p["taliban.siege_effect"] * louder


UPGRADE_LEGITIMACY = assumption(
    "taliban.upgrade_legitimacy",
    0.3,
    0.1,
    0.6,
    "share of recognition's legitimacy that ties at ambassador level confer (missions and channels pro rata)",
    "seed 002 ¶6 says visits, forums and upgrades build an appearance of recognition; the share is a guess",
)


@rule(
    "taliban.legitimacy_entrenches_hardliners",
    statement="An extension, off by default: recognition and upgrades given without conditions entrench the hard "
    "core against the leaders open to dialogue. Seed 002 ¶3, ¶6 and ¶10-13 say such rewards approve an unreformed "
    "regime and bring no change, but never speak of factions; the shift in their balance is the model's. Legitimacy "
    "withheld is not read as its opposite: seed 002 ¶7 reports that outside urging brought no change.",
    sources=("seed 002 ¶3", "seed 002 ¶6", "seed 002 ¶10-13"),
    mechanism="legitimacy_emboldens",
    basis="extension",
    params=(
        assumption(
            "taliban.unconditional_effect",
            0.15,
            0.0,
            0.3,
            "log-odds per month removed from pragmatist influence per unit of legitimacy conferred without conditions "
            "above mid-2025",
            "an extension of seed 002 ¶10 (appeasement); size is a guess",
        ),
        UPGRADE_LEGITIMACY,
    ),
)
def legitimacy_entrenches_hardliners(ctx, conferred):
    return -ctx.p["taliban.unconditional_effect"] * conferred


@rule(
    "taliban.benchmarks_empower_reformers",
    statement="An extension, off by default: an offer against benchmarks strengthens the leaders open to dialogue, "
    "who can argue from it against the hard core. Seed 000 ¶3 sees some room for movement when recognition is tied "
    "to benchmarks but does not place it among the factions, and seed 003 ¶2 doubts that outside pressure brings "
    "reform.",
    sources=("seed 000 ¶3", "seed 003 ¶2"),
    mechanism="conditional_leverage",
    basis="extension",
    params=(
        assumption(
            "taliban.benchmark_effect",
            0.12,
            0.0,
            0.3,
            "log-odds per month added to pragmatist influence as benchmark-tied offers cover all states",
            "an extension of seed 000 ¶3 (some room for movement); size is a guess",
        ),
    ),
)
def benchmarks_empower_reformers(ctx):
    return ctx.p["taliban.benchmark_effect"] * ctx.conditional_offers


@rule(
    "taliban.free_upgrades_spend_leverage",
    statement="An extension, off by default: recognition and upgrades handed over without strings spend the "
    "leverage the reformers argue from. Seed 002 ¶10-12 warns against rewards without commitments; seed 000 ¶3 "
    "welcomes Russia's unconditional recognition as a possible new chapter. The view's texts disagree, so it "
    "states no effect of free recognition.",
    sources=("seed 002 ¶10-12", "seed 000 ¶3"),
    mechanism="conditional_leverage",
    basis="extension",
    params=(
        assumption(
            "taliban.spent_leverage_effect",
            0.08,
            0.0,
            0.2,
            "log-odds per month removed from pragmatist influence per unit of legitimacy handed over without "
            "conditions since mid-2025 (each state's upgrades counted, withdrawals not netted)",
            "an extension of seed 002 ¶10-12 (rewards only against commitments); size is a guess",
        ),
        UPGRADE_LEGITIMACY,
    ),
)
def free_upgrades_spend_leverage(ctx, spent):
    return -ctx.p["taliban.spent_leverage_effect"] * spent


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
    statement="Girls' secondary schools reopen when the pragmatists prevail, or under conditional leverage as the "
    "price of recognition (`taliban.schools_for_recognition`), and close again if the pragmatists lose ground.",
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
        assumption(
            "taliban.schools_width",
            0.05,
            0.02,
            0.1,
            "spread of pragmatist influence over which the chance of a reversal goes from low to full",
            "a sharp but not instant tipping point; a guess",
        ),
        assumption(
            "taliban.schools_close_gap",
            0.1,
            0.05,
            0.2,
            "how far pragmatist influence must fall below the threshold before open schools are shut again",
            "a reversal once made is costly to undo; a guess",
        ),
    ),
)
def girls_education_decision(ctx, pragmatist, schools_compliance):
    p = ctx.p
    open_now = ctx.prev.taliban.girls_schools_open > 0.5
    width = p["taliban.schools_width"]
    theta = p["taliban.schools_threshold"]
    reopen = p["taliban.schools_hazard"] * logistic((pragmatist - theta) / width)
    reopen = reopen + schools_for_recognition(ctx, schools_compliance)
    close = p["taliban.schools_hazard"] * logistic((theta - p["taliban.schools_close_gap"] - pragmatist) / width)
    u = ctx.uniform("taliban.schools")
    return np.where(open_now, u >= close, u < reopen).astype(np.float64)


@rule(
    "taliban.talks_carry_offer",
    statement="An extension, off by default: direct talks with the Kandahar leadership carry the offers and their "
    "benchmarks to those who decide, so Kabul values them more. Seed 001 ¶4 places power in Kandahar, but it is the "
    "regional view's text; the conditional view's texts say nothing of who carries the offer.",
    sources=("seed 001 ¶4", "seed 000 ¶3"),
    mechanism="conditional_leverage",
    basis="extension",
    params=(
        assumption(
            "taliban.talks_channel_gain",
            0.5,
            0.0,
            1.0,
            "relative extra value of offers and demands carried by full talks with the Kandahar leadership",
            "an extension of seed 001 ¶4 (power lies in Kandahar); size is a guess",
        ),
    ),
)
def talks_carry_offer(ctx):
    return ctx.p["taliban.talks_channel_gain"] * ctx.prev.pakistan.kandahar_engagement


@rule(
    "taliban.weighs_offer_against_ideology",
    statement="Recognition with strings such as women's education leaves some room for movement (seed 000 ¶3), and "
    "Pakistan's offer carries its demand that Kabul stop hosting the TTP (¶3, 'for Pakistan'). Kabul leans towards meeting a string the more the offers on the table are worth (recognition, "
    "with any sanctions relief the donors tie to it) against the string's cost to the hard-liners: the movement is "
    "ideological and loath to trade its principles (seed 003 ¶2) and lets the TTP operate with impunity (seed 000 "
    "¶2). The weighing's "
    "form and sizes are assumptions.",
    sources=("seed 000 ¶3", "seed 003 ¶2", "seed 000 ¶2"),
    mechanism="conditional_leverage",
    params=(
        assumption(
            "taliban.offer_value",
            1.2,
            0.5,
            2.0,
            "value to Kabul of offers of recognition against benchmarks from every state",
            "seed 001 ¶1 and seed 002 ¶6 show Kabul seeking recognition; size relative to the costs is a guess",
        ),
        assumption(
            "taliban.sanctions_stake",
            0.5,
            0.0,
            1.0,
            "relative extra value of an offer per unit of sanctions it would lift",
            "seed 000 ¶3 ties recognition to commitments; that relief adds to it is an assumption",
        ),
        assumption(
            "taliban.schools_ideological_cost",
            0.8,
            0.4,
            1.5,
            "cost of reopening girls' secondary schools to a leadership wholly in hard-line hands",
            "seed 003 ¶2: the movement is ideological and rarely bargains; size relative to the value is a guess",
        ),
        assumption(
            "taliban.ttp_kinship_cost",
            0.6,
            0.3,
            1.2,
            "cost of restraining the TTP to a leadership wholly in hard-line hands",
            "seed 002 ¶4 and seed 000 ¶2 on Kabul's protection of the group; size is a guess",
        ),
        assumption(
            "taliban.compliance_width",
            0.15,
            0.05,
            0.3,
            "spread of the value-minus-cost balance over which meeting a benchmark goes from unlikely to likely",
            "uncertainty about the leadership's calculus; a guess",
        ),
    ),
)
def weighs_offer_against_ideology(ctx, pragmatist):
    """(schools, sanctuary): how far Kabul leans (0-1) towards meeting each benchmark."""
    if not ctx.levers.conditional and not ctx.levers.joint_front:
        return 0.0, 0.0  # nothing on the table: no benchmark to meet
    p = ctx.p
    # relief is its own lever: it adds to an offer's value only where the donors tie it to the benchmarks
    relief = 1.0 + p["taliban.sanctions_stake"] * ctx.levers.sanctions_relief * ctx.prev.international.sanctions
    channel = 1.0 + talks_carry_offer(ctx)  # 1.0 unless the extension is switched on
    value = p["taliban.offer_value"] * ctx.conditional_offers * relief * channel
    hard = 1.0 - pragmatist
    width = p["taliban.compliance_width"]
    schools = np.where(value > 0.0, logistic((value - p["taliban.schools_ideological_cost"] * hard) / width), 0.0)
    # seed 000 ¶3 puts the TTP demand "for Pakistan": only Pakistan's offer (one state's share) buys restraint of
    # the TTP; the other states' strings are rights and governance
    pakistan = ctx.prev.pakistan.offer / len(ctx.prev_relation) if "pakistan" in ctx.levers.conditional else 0.0
    ct_value = p["taliban.offer_value"] * pakistan * relief * channel + front_demand_weighed(ctx) * channel
    sanctuary = np.where(ct_value > 0.0, logistic((ct_value - p["taliban.ttp_kinship_cost"] * hard) / width), 0.0)
    return schools, sanctuary


@rule(
    "taliban.front_demand_weighed",
    statement="An extension, off by default: under conditional leverage Kabul also weighs a joint front's demand "
    "on sanctuary like an offer. Seed 001 ¶5 urges the front, but it is the regional view's text; seed 000 ¶3 finds "
    "that engagement without recognition brought no cooperation against militancy.",
    sources=("seed 001 ¶5", "seed 000 ¶3"),
    mechanism="conditional_leverage",
    basis="extension",
    params=(
        assumption(
            "taliban.front_demand_value",
            0.4,
            0.0,
            0.8,
            "value to Kabul of meeting a full joint front's demand on sanctuary",
            "an extension of seed 001 ¶5 (the front as a message Kabul must heed) to this view; size is a guess",
        ),
    ),
)
def front_demand_weighed(ctx):
    return ctx.p["taliban.front_demand_value"] * ctx.joint_front


@rule(
    "taliban.schools_for_recognition",
    statement="Where recognition is tied to girls' education and Kabul judges the offer worth its ideological cost, "
    "it may reopen schools to win it.",
    sources=("seed 000 ¶3",),
    mechanism="conditional_leverage",
    params=(
        assumption(
            "taliban.benchmark_compliance",
            0.03,
            0.0,
            0.1,
            "monthly chance of reopening for recognition once Kabul leans fully towards meeting the benchmark",
            "the texts hope for commitments but give no odds; seed 003 ¶2 doubts the movement bargains at all",
        ),
    ),
)
def schools_for_recognition(ctx, schools_compliance):
    return ctx.p["taliban.benchmark_compliance"] * schools_compliance


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
        assumption(
            "taliban.sanctuary_floor",
            0.05,
            0.0,
            0.15,
            "least sanctuary left whatever Kabul does: a border it cannot seal",
            "a guess; seed 001 ¶4 hopes only to move the TTP from the border",
        ),
    ),
)
def sanctuary_target_base(ctx):
    return ctx.p["taliban.sanctuary_base"]


@rule(
    "taliban.legitimacy_widens_sanctuary",
    statement="Legitimacy given without conditions (recognition, upgrades) lets Kabul widen the space it gives "
    "to the TTP, IMU, ISKP and al-Qaeda.",
    sources=("seed 002 ¶4", "seed 002 ¶10", "seed 002 ¶12"),
    mechanism="legitimacy_emboldens",
    params=(
        assumption(
            "taliban.legitimacy_sanctuary",
            0.35,
            0.0,
            0.6,
            "sanctuary added per unit of legitimacy conferred without conditions above mid-2025",
            "seed 002 ¶10 warns of a new sanctuary; size is a guess",
        ),
        UPGRADE_LEGITIMACY,
    ),
)
def legitimacy_widens_sanctuary(ctx, conferred):
    return ctx.p["taliban.legitimacy_sanctuary"] * conferred


@rule(
    "taliban.talks_lend_legitimacy",
    statement="An extension, off by default: talks with Kandahar held without conditions widen the sanctuary as "
    "recognition does. Seed 002 ¶6 says visits and meetings lend an air of recognition; it does not say they widen "
    "the sanctuary.",
    sources=("seed 002 ¶6",),
    mechanism="legitimacy_emboldens",
    basis="extension",
    params=(
        assumption(
            "taliban.talks_legitimacy",
            0.05,
            0.0,
            0.15,
            "sanctuary added by full talks with Kandahar held without conditions",
            "an extension of seed 002 ¶6 (meetings turned into standing); size a guess",
        ),
    ),
)
def talks_lend_legitimacy(ctx):
    return ctx.p["taliban.talks_legitimacy"] * ctx.prev.pakistan.kandahar_engagement


@rule(
    "taliban.accountability_restrains_sanctuary",
    statement="An extension, off by default: recognition offered against commitments on terrorism narrows the "
    "sanctuary below where it stands. Seed 002 ¶10-12 ask for such commitments before rewards and warn that rewards "
    "without them widen the sanctuary (`taliban.legitimacy_widens_sanctuary`), but state no effect of the offer "
    "itself. Strikes, sanctions and condemnation are never accountability in seed 002 and are not read here.",
    sources=("seed 002 ¶10-12",),
    mechanism="legitimacy_emboldens",
    basis="extension",
    params=(
        assumption(
            "taliban.accountability_effect",
            0.15,
            0.0,
            0.35,
            "sanctuary removed by full accountability: benchmark-tied offers from every state, or a full joint front, "
            "each counted with its weight in the pressure Kabul feels",
            "an extension of seed 002 ¶11-12 (commitments on terrorism before rewards); size is a guess",
        ),
    ),
)
def accountability_restrains_sanctuary(ctx):
    p = ctx.p
    return -p["taliban.accountability_effect"] * p["taliban.conditions_pressure"] * ctx.conditional_offers


@rule(
    "taliban.front_as_accountability",
    statement="An extension, off by default: a joint front of Pakistan, China, Russia and Iran counts as the unity "
    "behind principles that seed 002 ¶12 asks for, and restrains the sanctuary. The text asks for unity on terrorism "
    "but ¶9 distrusts Russia's realpolitik, so it does not say such a front is that unity.",
    sources=("seed 002 ¶12", "seed 002 ¶9"),
    mechanism="legitimacy_emboldens",
    basis="extension",
)
def front_as_accountability(ctx):
    p = ctx.p
    return -p["taliban.accountability_effect"] * p["taliban.front_pressure"] * ctx.joint_front


@rule(
    "taliban.regional_bargain_moves_ttp",
    statement="Direct talks with Kandahar and a united front of neighbours push the leadership to move the TTP away "
    "from the border. US leverage over the left-behind equipment is not read here: seed 004 ¶1-3 report the demand "
    "and hope for pressure, but ¶2 finds no sign of compliance.",
    sources=("seed 001 ¶4-5", "seed 004 ¶5"),
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
    ),
)
def regional_bargain_moves_ttp(ctx):
    p = ctx.p
    return -(
        p["taliban.kandahar_effect"] * ctx.prev.pakistan.kandahar_engagement
        + p["taliban.front_effect"] * ctx.joint_front
    )


WESTERN_REFERENCE = assumption(
    "taliban.western_distance_reference",
    1.65,
    1.2,
    2.1,
    "the West's distance from Kabul in mid-2025: sanctions 0.4, condemnation 0.5, no coercion, US at channels (0.75)",
    "the status-quo levers and the US relation of July 2025",
)


@rule(
    "taliban.neighbours_leverage",
    statement="An extension, off by default: Kabul needs its neighbours most when the West keeps it at a distance, "
    "and their demands on the TTP then weigh more; recognition the neighbours give freely spends that leverage, "
    "benchmarks they set on sanctuary use it. No text states this dependence: seed 001 ¶1 has Kabul seeking regional "
    "ties to counter isolation, and ¶2 reports it succeeding at diversifying its partners.",
    sources=("seed 001 ¶1-3", "seed 001 ¶5", "seed 004 ¶5", "seed 003 ¶6"),
    mechanism="regional_security_bargain",
    basis="extension",
    params=(
        assumption(
            "taliban.dependence_effect",
            0.08,
            0.0,
            0.2,
            "sanctuary removed per unit of Western distance above mid-2025",
            "an extension of seed 001 ¶1 (Kabul turns to the region to escape isolation); size is a guess",
        ),
        assumption(
            "taliban.free_recognition_sanctuary",
            0.25,
            0.0,
            0.5,
            "sanctuary added as the share of neighbours recognising without conditions goes from mid-2025 to all",
            "an extension of seed 001 ¶3: Kabul's new partners weaken Pakistan's hand; size is a guess",
        ),
        assumption(
            "taliban.neighbour_benchmark_effect",
            0.3,
            0.0,
            0.5,
            "sanctuary removed when every neighbour offers recognition against a sanctuary benchmark",
            "seed 001 ¶5 and seed 000 ¶3 (for Pakistan, no hosting of the TTP); size is a guess",
        ),
        WESTERN_REFERENCE,
    ),
)
def neighbours_leverage(ctx):
    p, lv, intl = ctx.p, ctx.levers, ctx.prev.international
    distance = (
        intl.sanctions
        + intl.condemnation
        + p["taliban.us_coercion_weight"] * (lv.us_equipment_leverage + lv.us_backs_resistance)
        + (1.0 - ctx.prev_relation["united_states"] / 4.0)
    )
    recognising = sum((ctx.prev_relation[k] == 4) * gives_freely(ctx, k) for k in NEIGHBOURS)
    free = np.maximum(recognising / len(NEIGHBOURS) - MID_2025_REGIONAL_RECOGNITION, 0.0)
    return (
        -p["taliban.dependence_effect"] * (distance - p["taliban.western_distance_reference"])
        + p["taliban.free_recognition_sanctuary"] * free
        - p["taliban.neighbour_benchmark_effect"] * ctx.regional_offers
    )


@rule(
    "taliban.strikes_provoke_retaliation",
    statement="Shared core: Kabul answers cross-border strikes by loosening its restraint on the TTP. Seed 001 ¶3 "
    "judges Islamabad's kinetic actions a failure that strained ties, and no text disputes it (the others never speak "
    "of strikes); the record agrees (TTP attacks kept rising through the strikes of April 2022, March 2024 and "
    "December 2024). Retaliation as the channel of that failure is the model's assumption.",
    sources=("seed 001 ¶3",),
    params=(
        assumption(
            "taliban.strike_retaliation",
            0.3,
            0.05,
            0.6,
            "sanctuary added in a month with Pakistani strikes",
            "an assumption: seed 001 ¶3 records deteriorating ties, not retaliation; size is a guess",
        ),
    ),
)
def strikes_provoke_retaliation(ctx):
    return ctx.p["taliban.strike_retaliation"] * ctx.prev.pakistan.strikes


@rule(
    "taliban.counterterrorism_benchmark",
    statement="Seed 000 ¶3 would have recognition extract commitments on security and, for Pakistan, Kabul's "
    "understanding that it cannot go on hosting the TTP; the model reads that as a benchmark of the offer. Where "
    "Kabul judges such an offer worth its cost (`taliban.weighs_offer_against_ideology`), it restrains the group to "
    "qualify. A joint front's "
    "demand enters only through the extension `taliban.front_demand_weighed`.",
    sources=("seed 000 ¶3",),
    mechanism="conditional_leverage",
    params=(
        assumption(
            "taliban.benchmark_sanctuary_effect",
            0.35,
            0.0,
            0.5,
            "sanctuary removed once Kabul leans fully towards meeting the sanctuary benchmark",
            "seed 000 ¶3 puts an end to hosting the TTP as Pakistan's demand; size is a guess",
        ),
    ),
)
def counterterrorism_benchmark(ctx, sanctuary_compliance):
    return -ctx.p["taliban.benchmark_sanctuary_effect"] * sanctuary_compliance


@rule(
    "taliban.pragmatists_restrain_militants",
    statement="An extension, off by default: seed 003 ¶1 hopes engagement makes Afghanistan inhospitable to global "
    "terrorists; that stronger pragmatists restrain the TTP, which seed 003 never names, is the model's.",
    sources=("seed 003 ¶1",),
    mechanism="engagement_moderates",
    basis="extension",
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
    statement="Kabul fights ISKP, its own enemy (seed 003 ¶3); under the engagement view, whose text states it, "
    "shared intelligence and cooperation make it more effective (`taliban.ct_cooperation_helps`). Seed 002 ¶4 reports "
    "charges that it protects ISKP; the shared core sides with seed 003 because "
    "the record does (the Taliban's campaign against ISKP since 2021, reported by the UN Monitoring Team).",
    sources=("seed 003 ¶3",),
    params=(
        assumption(
            "taliban.iskp_effort",
            0.5,
            0.3,
            0.8,
            "Taliban counter-ISKP effort (0-1) without outside help",
            "seed 003 ¶3 says the two share ISKP as an enemy while cooperation stays minimal; range history-matched with ISKP's threat (first recognition, Russia's level and China's and Pakistan's ambassadors of 2021-25, ISKP attacks abroad), the box where the record is met nine tenths as often as at the defaults (python -m sim.model.record; "
            "docs/calibration.md)",
            calibrated_range=(0.32, 0.73),
        ),
    ),
)
def fights_iskp(ctx, sanctuary_compliance):
    return clip01(
        ctx.p["taliban.iskp_effort"]
        + ct_cooperation_helps(ctx)
        + benchmarked_cooperation(ctx, sanctuary_compliance)
        + front_fights_iskp(ctx)
    )


@rule(
    "taliban.ct_cooperation_helps",
    statement="Kabul's effort against ISKP grows with the intelligence partners share with it: seed 003 ¶3 finds "
    "sharing minimal and distrust the obstacle while Kabul is kept at arm's length. Partners' sharing acts only under "
    "this view, whose text states its effect; that any state's recognition builds the trust is the extension "
    "`taliban.recognition_builds_trust`.",
    sources=("seed 003 ¶3",),
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
        assumption(
            "taliban.trust_cooperation",
            0.5,
            0.0,
            1.0,
            "cooperation (0-1) that trust adds as recognition goes from mid-2025 to every state",
            "seed 003 ¶3: distrust blocks cooperation while Kabul is kept at arm's length; size is a guess",
        ),
        RECOGNITION_REFERENCE,
    ),
)
def ct_cooperation_helps(ctx):
    p = ctx.p
    return p["taliban.cooperation_effect"] * np.minimum(ctx.ct_cooperation + recognition_builds_trust(ctx), 1.0)


@rule(
    "taliban.recognition_builds_trust",
    statement="An extension, off by default: any state's recognition builds the trust that cooperation against ISKP "
    "needs. Seed 003 ¶3 speaks of the distrust between Washington and Kabul, not of other states' recognition.",
    sources=("seed 003 ¶3",),
    mechanism="engagement_moderates",
    basis="extension",
)
def recognition_builds_trust(ctx):
    p = ctx.p
    return p["taliban.trust_cooperation"] * np.maximum(ctx.recognised_share - p["taliban.recognition_reference"], 0.0)


@rule(
    "taliban.benchmarked_cooperation",
    statement="An extension, off by default: a security benchmark Kabul meets brings more effort against ISKP too. "
    "Seed 000 ¶3 would have recognition extract commitments on security and puts the TTP demand for Pakistan; ISKP "
    "appears there only as Russia's motive.",
    sources=("seed 000 ¶3",),
    mechanism="conditional_leverage",
    basis="extension",
    params=(
        assumption(
            "taliban.benchmark_iskp_effort",
            0.2,
            0.0,
            0.4,
            "counter-ISKP effort added once Kabul leans fully towards the counter-terrorism benchmark",
            "an extension of seed 000 ¶3 (commitments on security); size is a guess",
        ),
    ),
)
def benchmarked_cooperation(ctx, sanctuary_compliance):
    return ctx.p["taliban.benchmark_iskp_effort"] * sanctuary_compliance


@rule(
    "taliban.front_fights_iskp",
    statement="An extension, off by default: neighbours who each face threats from Afghan soil (seed 004 ¶5) press "
    "and help Kabul against ISKP as well when they act together; the texts name the TTP and harboured groups, not "
    "ISKP, as the front's target.",
    sources=("seed 004 ¶5", "seed 001 ¶5"),
    mechanism="regional_security_bargain",
    basis="extension",
    params=(
        assumption(
            "taliban.front_iskp_effort",
            0.15,
            0.0,
            0.3,
            "counter-ISKP effort added by a full joint front",
            "an extension of seed 004 ¶5 (shared threats); size is a guess",
        ),
    ),
)
def front_fights_iskp(ctx):
    return ctx.p["taliban.front_iskp_effort"] * ctx.joint_front


@rule(
    "taliban.keeps_us_equipment",
    statement="Kabul has not returned the equipment the US left, though the US ties aid to it, and gives no sign "
    "that it will (seed 004 ¶1-2, seed 003 ¶7): the equipment stays unless an extension returns it "
    "(`taliban.returns_equipment_under_leverage`, `taliban.trades_equipment_for_aid`).",
    sources=("seed 004 ¶1-2", "seed 003 ¶7"),
)
def keeps_us_equipment(ctx):
    prev = ctx.prev.taliban.equipment_returned
    chance = returns_equipment_under_leverage(ctx) + trades_equipment_for_aid(ctx)
    if np.isscalar(chance) and chance == 0.0:
        return prev  # nothing can bring it back: no draw is needed
    return np.maximum(prev, (ctx.uniform("taliban.equipment") < chance).astype(np.float64))


@rule(
    "taliban.returns_equipment_under_leverage",
    statement="An extension of every view, off by default: under US leverage Kabul might return the equipment, the "
    "more readily the stronger the pragmatists. Seed 004 ¶1-2 report the demand and no sign of compliance; no text "
    "says the demand could work.",
    sources=("seed 004 ¶1-2",),
    basis="extension",
    params=(
        assumption(
            "taliban.equipment_return_rate",
            0.01,
            0.0,
            0.05,
            "monthly chance of returning the equipment under full US leverage and full pragmatist influence",
            "an extension against seed 004 ¶2, which reports no sign of compliance; size is a guess",
        ),
    ),
)
def returns_equipment_under_leverage(ctx):
    return ctx.p["taliban.equipment_return_rate"] * ctx.levers.us_equipment_leverage * ctx.prev.taliban.pragmatist


@rule(
    "taliban.trades_equipment_for_aid",
    statement="An extension, off by default: aid tied to the return of the equipment is an offer with a string, and "
    "where offers work Kabul may take it. Seed 000 ¶3 speaks of recognition's strings, not this one; seed 004 ¶2 "
    "finds no sign of compliance.",
    sources=("seed 004 ¶1-2", "seed 003 ¶7", "seed 000 ¶3"),
    mechanism="conditional_leverage",
    basis="extension",
    params=(
        assumption(
            "taliban.equipment_bargain_rate",
            0.01,
            0.0,
            0.03,
            "extra monthly chance of returning the equipment when the US fully ties aid to it",
            "an extension of seed 000 ¶3 to the US offer; seed 004 ¶2 saw no sign of compliance; size is a guess",
        ),
    ),
)
def trades_equipment_for_aid(ctx):
    return ctx.p["taliban.equipment_bargain_rate"] * ctx.levers.us_equipment_leverage


@rule(
    "taliban.bans_opium",
    statement="Outside the texts (the supreme leader's decree of April 2022; UNODC opium surveys): the leadership "
    "bans poppy on religious grounds, a decision of the hard-line top (seed 003 ¶2: an ideological movement), "
    "held back while the takeover's economic collapse is deep (taking the farmers' income in the middle of it "
    "risks the countryside) and enforced from the next sowing in November (the crop sown then is the next "
    "spring's harvest); farmers defy it more as the years pass. Seed 002 ¶8 ties the drug trade to instability.",
    sources=("seed 003 ¶2", "seed 002 ¶8"),
    params=(
        assumption(
            "taliban.ban_rate",
            0.2,
            0.03,
            0.3,
            "monthly chance that the leadership decrees a ban on poppy, at the hard-liners' usual weight, once the "
            "takeover's economic shock has passed",
            "the decree came in April 2022, eight months after the takeover (UNODC Afghanistan Opium Survey 2022); "
            "a guess around that: with the collapse's restraint (below) at its default, half the runs decree within "
            "about nine months and three in four before the sowing of November 2022; the range is what a history "
            "match against UNODC's 2023 crop (a twentieth of 2022's) leaves plausible (sim.calibration.history)",
            calibrated_range=(0.058, 0.29),
        ),
        assumption(
            "taliban.ban_shock_restraint",
            0.9,
            0.5,
            1.0,
            "share of the monthly chance of a decree withheld at the full economic shock of the takeover "
            "(economic_shock = 1); the restraint fades with the shock",
            "the Taliban's spokesman promised an Afghanistan free of opium at the first press conference after the "
            "takeover (17 Aug 2021) while asking for help to replace the crop; the decree came only on 3 Apr 2022, "
            "once UN cash shipments had eased the liquidity crisis (World Bank, Apr 2022), and spared the harvest "
            "already sown (UNODC Afghanistan Opium Survey 2022, Nov 2022); the size is a guess",
        ),
        assumption(
            "taliban.ban_leak",
            0.05,
            0.03,
            0.1,
            "share of the opium economy that escapes the ban in its first season",
            "UNODC Afghanistan Opium Survey 2023 (Nov 2023): cultivation down 95%, farmers' income down 92%",
        ),
        assumption(
            "taliban.ban_erosion",
            0.015,
            0.0,
            0.04,
            "monthly growth of the share that escapes the ban, as farmers defy it where poverty bites",
            "UNODC Afghanistan Opium Survey 2024 (Nov 2024): cultivation up 19% to 12,800 ha, the value of the crop "
            "up 130%, mostly in the north-east",
        ),
    ),
)
def bans_opium(ctx):
    """(ban decreed 0/1, months since the decree, ban enforced 0/1, share escaping the ban)."""
    p, t = ctx.p, ctx.prev.taliban
    hard_line = (1.0 - t.pragmatist) / (1.0 - p["taliban.pragmatist_home"])
    # the collapse holds the decree back: the leadership does not take the farmers' income while it is deepest
    restraint = 1.0 - p["taliban.ban_shock_restraint"] * np.clip(ctx.prev.population.economic_shock, 0.0, 1.0)
    chance = p["taliban.ban_rate"] * hard_line * restraint
    decreed = (t.opium_ban > 0.5) | (ctx.uniform("taliban.opium_ban") < chance)
    months = np.where(decreed, t.ban_months + 1.0, 0.0)
    # a ban decreed before a November sowing is enforced from it: the crop is not sown
    sowing = t.months_to_sowing <= 0.0
    enforced = (t.ban_enforced > 0.5) | (sowing & (t.opium_ban > 0.5))
    starts = enforced & (t.ban_enforced < 0.5)
    grown = t.ban_leak + p["taliban.ban_erosion"] * t.ban_leak * (1.0 - t.ban_leak)
    leak = np.where(starts, p["taliban.ban_leak"], np.where(enforced, grown, t.ban_leak))
    return decreed.astype(np.float64), months, enforced.astype(np.float64), leak


def poppy_calendar(ctx):
    """Months to the next November sowing: counts down, and starts again at eleven after one."""
    left = ctx.prev.taliban.months_to_sowing
    return np.where(left <= 0.0, 11.0, left - 1.0)


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
        # the poppy ban: decreed (0/1), months since, enforced (0/1), share of the opium economy escaping it;
        # in force since 2022 in the July 2025 state (UNODC: 12,800 ha in 2024 of 233,000 before the ban)
        "opium_ban": 1.0,
        "ban_months": 39.0,
        "ban_enforced": 1.0,
        "ban_leak": 0.067,
        # months from the first step's month to the next November, when poppy is sown (November 2025 from July 2025)
        "months_to_sowing": 4.0,
    }

    def act(self, ctx):
        s = ctx.prev.taliban
        p = ctx.p
        pressure = perceived_pressure(ctx)
        if mechanism_active(p, "legitimacy_emboldens", "conditional_leverage"):
            conferred, spent = legitimacy_terms(ctx)
        else:
            conferred = spent = 0.0  # only the rules of those two mechanisms read legitimacy
        drift = (
            hardline_core_reasserts(ctx)
            + engagement_strengthens_pragmatists(ctx)
            + siege_hardens(ctx)
            + legitimacy_entrenches_hardliners(ctx, conferred)
            + benchmarks_empower_reformers(ctx)
            + free_upgrades_spend_leverage(ctx, spent)
            + factional_shocks(ctx)
        )
        pragmatist = logistic(logit(s.pragmatist) + drift)
        compliance = weighs_offer_against_ideology(ctx, s.pragmatist)  # 0.0 where its mechanism is off
        schools_compliance, sanctuary_compliance = compliance if isinstance(compliance, tuple) else (0.0, 0.0)
        target = (
            sanctuary_target_base(ctx)
            + legitimacy_widens_sanctuary(ctx, conferred)
            + talks_lend_legitimacy(ctx)
            + accountability_restrains_sanctuary(ctx)
            + front_as_accountability(ctx)
            + regional_bargain_moves_ttp(ctx)
            + neighbours_leverage(ctx)
            + strikes_provoke_retaliation(ctx)
            + counterterrorism_benchmark(ctx, sanctuary_compliance)
            + pragmatists_restrain_militants(ctx)
        )
        floor = p["taliban.sanctuary_floor"]
        rate = p["taliban.sanctuary_adjustment"]
        self.state.sanctuary = np.clip(s.sanctuary + rate * (np.clip(target, floor, 1.0) - s.sanctuary), floor, 1.0)
        self.state.pragmatist = pragmatist
        self.state.pressure = pressure
        self.state.girls_schools_open = girls_education_decision(ctx, pragmatist, schools_compliance)
        self.state.iskp_effort = fights_iskp(ctx, sanctuary_compliance)
        self.state.equipment_returned = keeps_us_equipment(ctx)
        self.state.opium_ban, self.state.ban_months, self.state.ban_enforced, self.state.ban_leak = bans_opium(ctx)
        self.state.months_to_sowing = poppy_calendar(ctx)
