"""The Afghan population: its size, humanitarian need as a share of it, displacement, returns and the economy.

Need is held as the share of the population in need (0-1), so the number of people in need can never exceed
the population, which grows by births and by the Afghans who come back from Iran and Pakistan and shrinks by
those who leave.  The conditions move the share in log-odds: near the reference share a driver's "relative
rise" moves need by that fraction, and far from it the share saturates instead of running past the whole
population.
"""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import Actor, logistic, logit
from sim.model.rules import assumption, rule

NEED_SHARE_REFERENCE = assumption(
    "population.need_share_reference",
    0.53,
    0.45,
    0.6,
    "share of the population in humanitarian need in 2025, the reference level of hardship",
    "22.9 million people in need (UN OCHA, Afghanistan Humanitarian Needs and Response Plan 2025, Dec 2024) of "
    "about 43 million (UN World Population Prospects 2024); seed 003 ¶3 speaks of a food and health crisis",
)

SANCTIONS_REFERENCE = assumption(
    "population.sanctions_reference",
    0.4,
    0.2,
    0.6,
    "sanctions level of the status quo",
    "equal to the status-quo lever",
)
ENGAGEMENT_REFERENCE = assumption(
    "population.regional_engagement_reference",
    0.7,
    0.5,
    0.85,
    "regional engagement (0-1) of mid-2025: the ten regional states' mean relation over four",
    "the relation levels of July 2025",
)


@rule(
    "population.need_follows_economy",
    statement="Humanitarian need rises with the economic collapse, war, the loss of aid, the loss of farm income to the "
    "opium ban and the returnees pushed back from Iran and Pakistan, and falls as delivered aid grows. Need is a share "
    "of the population: it saturates as it nears everyone instead of passing the population.",
    sources=("seed 003 ¶3", "seed 000 ¶2-3", "seed 002 ¶8", "seed 003 ¶5"),
    params=(
        NEED_SHARE_REFERENCE,
        assumption("population.war_need", 0.4, 0.1, 0.8, "relative rise in need during civil war", "a guess"),
        assumption(
            "population.returns_need",
            1.0,
            0.3,
            2.0,
            "relative rise in need per unit of returnee share (Afghans sent back from Iran and Pakistan over the past "
            "year, over the population) above its mid-2025 level",
            "returnees arrive with little and most need help (IOM-UNHCR border monitoring, 2023-25); at 1 a returnee "
            "is about twice as likely as the average Afghan to be in need; seed 000 ¶3 names repatriation as a dispute "
            "and seed 002 ¶8 population movement as a burden; size is a guess",
        ),
        assumption(
            "population.returnee_share_reference",
            0.03,
            0.02,
            0.05,
            "Afghans sent back from Iran and Pakistan to stay over the year to mid-2025, as a share of the population",
            "about 1.2 million returned from Iran in 2024, two thirds deported, and some 0.4 million from Pakistan "
            "(IOM and UNHCR border monitoring), of about 43 million",
        ),
        assumption(
            "population.aid_need",
            0.3,
            0.1,
            0.5,
            "relative fall in need per unit of delivered aid above its 2024 level (index, 2024 = 1)",
            "seed 003 ¶3 expects better-delivered aid to ease the crisis; size is a guess",
        ),
        assumption(
            "population.need_adjustment",
            0.06,
            0.02,
            0.15,
            "monthly share of the gap to the need the conditions imply closed",
            "calibrated in the hindcast with population.collapse_need to the UN plans' need of 2022-2025 (OCHA); the "
            "range is what a history match against those records leaves plausible",
            calibrated_range=(0.029, 0.142),
        ),
        assumption(
            "population.need_volatility",
            0.01,
            0.0,
            0.03,
            "standard deviation of the monthly relative shock to need (returns, prices; droughts are their own rule)",
            "a guess",
        ),
    ),
)
def need_follows_economy(ctx):
    """The share of the population in need this month (0-1)."""
    p, share = ctx.p, ctx.prev.population.need_share
    reference = p["population.need_share_reference"]
    returnees = ctx.prev.population.recent_returnees / (1000.0 * ctx.prev.population.population)
    pressure = (
        collapse_raises_need(ctx)
        + sanctions_deepen_need(ctx)
        + misrule_deepens_need(ctx)
        + regional_trade_eases_need(ctx)
        + ban_costs_farm_income(ctx)
        + drought_raises_need(ctx)
        + p["population.war_need"] * ctx.prev.resistance.civil_war
        + p["population.returns_need"] * (returnees - p["population.returnee_share_reference"])
        - p["population.aid_need"] * (ctx.prev.international.aid_delivered - 1.0)
    )
    # a relative rise r near the reference moves the log-odds by r / (1 - reference): the same rise in people there,
    # and a share that approaches but never passes the whole population far from it
    target = logistic(logit(reference) + pressure / (1.0 - reference))
    moved = share + p["population.need_adjustment"] * (target - share)
    shock = p["population.need_volatility"] * ctx.normal("population.need")
    return logistic(logit(moved) + shock / (1.0 - reference))


DROUGHT_RECOVERY = assumption(
    "population.drought_recovery",
    0.05,
    0.02,
    0.15,
    "monthly share of the drought's toll on households' coping that fades",
    "FEWS NET (Food Security Outlook, Oct 2024) still found much of the north and centre in Crisis (IPC Phase 3) a "
    "year after the last dry season, in a slow recovery from three years of drought; at 0.05 about half the toll is "
    "left a year after the rains return; the rate is a guess, which the history match against the UN plans' need of "
    "2022-2025 (OCHA) barely narrows",
    calibrated_range=(0.03, 0.14),
)


def drought_strain_2025(p):
    """The drought's toll left in the year the 2025 plan's count was made (to October 2024): the dry seasons of
    November 2020 to October 2023, then a year of average rains (FEWS NET, Jun 2024), run through
    ``drought_exhausts_coping``; a toll of 1 is what one drought year leaves with no recovery."""
    r = p["population.drought_recovery"]
    return (1.0 - (1.0 - r) ** 36) / (12.0 * r) * (1.0 - r) ** 12


@rule(
    "population.droughts_come",
    statement="Outside the texts (FAO, WFP, FEWS NET, OCHA): a season is a drought year or not from the autumn "
    "sowing, when winter wheat and poppy go in and the rains that feed the harvest begin. Over the record the seasons "
    "are the record's, a state set at the start from outside the model: the La Niña drought of 2021-2023, an average "
    "season in 2023-24 and a dry one in 2024-25 (the hindcast's start state schedules them as dated turns); beyond the "
    "record each season is a drought year at the rate of Afghanistan's drought years since 2000. Seed 003 ¶3 speaks of "
    "a food and health crisis.",
    sources=("seed 003 ¶3",),
    params=(
        assumption(
            "population.drought_rate",
            0.4,
            0.2,
            0.65,
            "chance that a season (from the November sowing) is a drought year",
            "ten drought years in the 25 seasons of 2000-2024 with a UN or government drought appeal or declaration: "
            "2000 and 2001 (the drought of 1998-2002, WFP/FAO), 2004 (WFP appeal, Sep 2004), 2006 (UN and government "
            "joint drought appeal, Jul 2006), 2008 (joint appeal for drought and food prices, Jul 2008), 2011 (UN "
            "drought appeal, Oct 2011), 2018 (drought declared, Apr 2018) and 2021-2023 (OCHA, Comparative Drought "
            "Analysis, Sep 2024); the Asian Development Bank's analysis of the climate record puts local droughts "
            "every three to five years (0.2-0.33) and the UN called 2011's the eighth slow-onset drought since 2000 "
            "(eight in twelve seasons, 0.67); seasons are drawn independently, though La Niña years cluster",
        ),
    ),
)
def droughts_come(ctx):
    """(drought 0/1 this season; months the record still sets the seasons; months to the recorded spell's end; months
    to a recorded drought season): the record's dated turns come first, and after the record each November sowing
    draws the new season."""
    pop = ctx.prev.population
    sowing = ctx.prev.taliban.months_to_sowing <= 0.0
    drawn = (ctx.uniform("population.drought") < ctx.p["population.drought_rate"]).astype(np.float64)
    drought = np.where(sowing & (pop.drought_recorded_months <= 0.0), drawn, pop.drought)
    drought = np.where(pop.months_to_drought_end == 0.0, 0.0, drought)
    drought = np.where(pop.months_to_drought == 0.0, 1.0, drought)
    # the countdowns run on past zero, so a dated turn comes once
    return drought, pop.drought_recorded_months - 1.0, pop.months_to_drought_end - 1.0, pop.months_to_drought - 1.0


@rule(
    "population.drought_exhausts_coping",
    statement="Outside the texts (FEWS NET, IPC): each month of drought adds to its toll on households, who sell "
    "livestock, eat their seed and borrow until their coping is spent, so that successive drought years weigh more "
    "than one; the toll fades slowly once the rains return. Seed 003 ¶3 speaks of a food and health crisis.",
    sources=("seed 003 ¶3",),
    params=(DROUGHT_RECOVERY,),
)
def drought_exhausts_coping(ctx):
    """The drought's toll (in drought years borne): a twelfth for each month of drought, less what fades. FEWS NET
    (Remote Monitoring Report, Oct 2022) found resilience eroded by consecutive shocks; that each drought year adds
    as much as the first, so the toll grows with the spell's length, is the model's assumption."""
    pop = ctx.prev.population
    return pop.drought_strain * (1.0 - ctx.p["population.drought_recovery"]) + pop.drought / 12.0


@rule(
    "population.drought_raises_need",
    statement="Outside the texts (OCHA, FEWS NET, WFP): need rises with the drought's toll on households, above the "
    "toll the 2025 plan's count already holds. OCHA's overview for 2023 names a third year of drought-like conditions "
    "among the drivers of the 2023 peak in need, and its plan for 2024 a better harvest among the causes of the fall; "
    "the model counts the season of 2022-23 as a whole drought year, as OCHA and FEWS NET did, though FEWS NET found "
    "its rains better timed for wheat than the two before. Seed 003 ¶3 speaks of a food and health crisis.",
    sources=("seed 003 ¶3",),
    params=(
        DROUGHT_RECOVERY,
        assumption(
            "population.drought_need",
            0.14,
            0.05,
            0.3,
            "relative rise in need per drought year of toll (drought_strain) above the toll of 2024",
            "single drought years left about 2-3 million more in need of food aid: 1.9-2.5 million in 2006 (UN and "
            "government joint appeals, Jul and Oct 2006), 2.6-3 million in 2011 (WFP emergency assessment and UN "
            "appeal, Oct 2011); against the 22.9 million in need of 2025 (OCHA) and the 0.77 of toll one drought "
            "year leaves at the default recovery, 0.11-0.17; the wider range allows for the nationwide drought of "
            "2021-2023, which REACH's Whole of Afghanistan Assessment found had touched two thirds of households "
            "by 2023 (OCHA, Sep 2024); the history match against the UN plans' need of 2022-2025 (OCHA), with the "
            "takeover's shock, leaves nearly the whole range plausible",
            calibrated_range=(0.064, 0.29),
        ),
    ),
)
def drought_raises_need(ctx):
    p = ctx.p
    return p["population.drought_need"] * (ctx.prev.population.drought_strain - drought_strain_2025(p))


@rule(
    "population.grows",
    statement="Outside the texts (public record: UN World Population Prospects, World Bank): the population grows by "
    "births less deaths, gains the Afghans who return from Iran and Pakistan and loses those who leave and stay "
    "abroad (population.displacement); seed 002 ¶8 counts these large movements of people among the burdens of "
    "instability.",
    sources=("seed 002 ¶8",),
    params=(
        assumption(
            "population.natural_growth",
            0.025,
            0.02,
            0.03,
            "yearly natural growth of the population (births less deaths)",
            "UN World Population Prospects 2024 and World Bank: about 40.1 million in 2021 and 42.2 million in 2023, "
            "some 2.5-2.8% a year with returns included",
        ),
    ),
)
def grows(ctx):
    """Million people at the end of the month."""
    pop = ctx.prev.population
    return pop.population * (1.0 + ctx.p["population.natural_growth"] / 12.0) + (
        forced_returns(ctx) - pop.emigrants
    ) / 1000.0


def forced_returns(ctx):
    """Thousand Afghans sent back last month to stay: Pakistan's returns and Iran's deportation campaign (Iran's steady
    flow of workers going back and forth leaves as it came)."""
    return ctx.prev.iran.deported + ctx.prev.pakistan.returns


@rule(
    "population.sanctions_deepen_need",
    statement="Shared core, backed by the record: sanctions deepen the humanitarian crisis. The UN Security Council "
    "added a humanitarian exemption to the Taliban sanctions in December 2021 (resolution 2615) because they were "
    "hampering aid; seed 000 ¶2 (engage to avert collapse) and seed 003 ¶3 (a recognised counterpart eases aid) "
    "lean the same way, and no text disputes it (seed 002 and the regional texts are silent on sanctions).",
    sources=("seed 000 ¶2", "seed 003 ¶3"),
    params=(
        assumption(
            "population.sanctions_need",
            0.3,
            0.0,
            0.6,
            "relative rise in need per unit of sanctions above the status quo",
            "the record (UN Security Council resolution 2615, December 2021) shows sanctions hampering aid; size is "
            "a guess",
        ),
        SANCTIONS_REFERENCE,
    ),
)
def sanctions_deepen_need(ctx):
    p = ctx.p
    return p["population.sanctions_need"] * (ctx.prev.international.sanctions - p["population.sanctions_reference"])


@rule(
    "population.misrule_deepens_need",
    statement="An extension, off by default: seed 002 ¶8 blames the emergency on weak, repressive government as "
    "much as on the economy, but never says how misrule changes; reading it as the hard core's share, so that need "
    "grows as the hard core gains ground and eases as the pragmatists gain, is the model's.",
    sources=("seed 002 ¶8", "seed 002 ¶6-7"),
    mechanism="legitimacy_emboldens",
    basis="extension",
    params=(
        assumption(
            "population.misrule_need",
            0.4,
            0.0,
            0.8,
            "relative rise in need per unit of pragmatist influence lost below its settling point",
            "an extension of seed 002 ¶8 (misrule, economic breakdown and rights abuses as causes); size is a guess",
        ),
    ),
)
def misrule_deepens_need(ctx):
    p = ctx.p
    return p["population.misrule_need"] * (p["taliban.pragmatist_home"] - ctx.prev.taliban.pragmatist)


@rule(
    "population.regional_trade_eases_need",
    statement="An extension, off by default, of seed 001 ¶1-2 (Kabul seeks economic ties; trade leads its talks "
    "with India): "
    "closer regional ties ease need, a cooling raises it. No text disputes it; binding it to the regional view alone, "
    "whose texts put the neighbours at the centre, is the model's choice.",
    sources=("seed 001 ¶1-2", "seed 003 ¶6"),
    mechanism="regional_security_bargain",
    basis="extension",
    params=(
        assumption(
            "population.trade_need",
            0.3,
            0.0,
            0.6,
            "relative fall in need per unit of regional engagement above mid-2025",
            "an extension of seed 001 ¶1-2 (economic ties, trade with India); size is a guess",
        ),
        ENGAGEMENT_REFERENCE,
    ),
)
def regional_trade_eases_need(ctx):
    p = ctx.p
    return -p["population.trade_need"] * (ctx.regional_engagement - p["population.regional_engagement_reference"])


@rule(
    "population.collapse_raises_need",
    statement="A food and health crisis exists (seed 003 ¶3); that the takeover cut off the aid that paid for most "
    "public spending and froze the reserves, leaving more people in need until the economy adapts, rests on the "
    "public record (World Bank, OCHA).",
    sources=("seed 003 ¶3",),
    params=(
        assumption(
            "population.collapse_need",
            1.5,
            0.5,
            3.0,
            "relative rise in the need the economy implies at the full shock of the takeover (economic_shock = 1)",
            "calibrated in the hindcast to the UN plans' 24.4 million in need in 2022 and 28.3 million in 2023 "
            "(OCHA, Jan 2022 and Jan 2023) from 18.4 million in 2021; the World Bank put the fall of GDP at about "
            "a fifth in 2021 and a further 6% in 2022",
            calibrated_range=(0.85, 2.85),
        ),
    ),
)
def collapse_raises_need(ctx):
    return ctx.p["population.collapse_need"] * ctx.prev.population.economic_shock


@rule(
    "population.economy_adapts",
    statement="Outside the texts (public record: World Bank, OCHA): the shock of the takeover fades as cash shipments, "
    "trade and households' adaptation take over from the lost aid and reserves; seed 003 ¶3 shows the crisis persists.",
    sources=("seed 003 ¶3",),
    params=(
        assumption(
            "population.shock_recovery",
            0.08,
            0.02,
            0.2,
            "monthly share of the takeover's economic shock that fades",
            "calibrated in the hindcast: need fell back to 23.7 million in 2024 and 22.9 million in 2025 (OCHA, "
            "Dec 2023 and Dec 2024) as the currency stabilised and the World Bank recorded growth again in 2023",
            calibrated_range=(0.051, 0.19),
        ),
    ),
)
def economy_adapts(ctx):
    return ctx.prev.population.economic_shock * (1.0 - ctx.p["population.shock_recovery"])


@rule(
    "population.displacement",
    statement="Hardship and war push Afghans abroad, a burden on the neighbours; in the months after the takeover the "
    "flight it set off (population.takeover_flight) comes on top, and of that flight only a share stays abroad. "
    "Those who stay join the Afghans in Iran and Pakistan and leave the population; the rest are sent back within "
    "months among the steady returns that the record counts (iran.returns_before_campaign), so they are not counted "
    "again.",
    sources=("seed 002 ¶8", "seed 003 ¶3"),
    params=(
        NEED_SHARE_REFERENCE,
        assumption(
            "population.outflow_base",
            20.0,
            5.0,
            50.0,
            "thousand people leaving Afghanistan a month at the 2025 level of need",
            "order of magnitude of recent irregular departures (outside the texts)",
        ),
        assumption(
            "population.war_outflow",
            2.0,
            0.5,
            5.0,
            "relative extra outflow during civil war",
            "the 1990s war drove millions out; a guess",
        ),
        assumption(
            "population.flight_stays",
            0.3,
            0.1,
            0.6,
            "share of the Afghans who fled in the wake of the takeover who stay abroad (the rest are sent back within "
            "months)",
            "Iran's headcount of 2022 found about 2.6 million Afghans without papers, against some 2.3 million before "
            "the takeover (UNHCR), a rise of some 0.3 million while the government put the arrivals of 2021 alone at "
            "0.5-1.5 million (UNHCR, Afghanistan situation response, Iran, 31 Aug 2022); UNHCR's refugee response "
            "plan of January 2022 expected 274,000 of the new arrivals to remain in Iran by the end of 2022, and its "
            "mid-year report (Nov 2022) notes deportations on a large scale",
        ),
    ),
)
def displacement(ctx, share):
    """(thousand people leaving Afghanistan this month, thousand of them who stay abroad)."""
    # Departures are drawn in hundreds of people so the month-to-month noise has a plausible size.
    p = ctx.p
    pressure = (
        share
        / p["population.need_share_reference"]
        * (1.0 + p["population.war_outflow"] * ctx.prev.resistance.civil_war)
    )
    hundreds = ctx.poisson("population.outflow", p["population.outflow_base"] * pressure * 10.0)
    driven = hundreds / 10.0
    flight = p["population.takeover_flight"] * ctx.prev.population.takeover_flight
    return driven + flight, driven + p["population.flight_stays"] * flight


@rule(
    "population.flight_after_takeover",
    statement="Outside the texts (UNHCR, IOM, NRC, 2021-22): the takeover of August 2021 set off a flight into Iran "
    "and Pakistan, mostly across informal crossings, beyond what hardship alone drives, and it faded over the next "
    "year. It enters the hindcast as the starting point's state (configs/initial/aug2021.yaml: the flight at its "
    "height), fades at a monthly rate, and is spent by July 2025; the model has no regime change of its own to set "
    "off another, so forward runs carry none. The evacuation by air of August 2021 (124,334 people by the US "
    "Secretary of Defense's count of 1 Sep 2021, through Qatar and other staging bases) is not in it: the record "
    "counts arrivals in the neighbouring countries. Seed 002 ¶8 "
    "counts large movements of people among the burdens of instability.",
    sources=("seed 002 ¶8",),
    params=(
        assumption(
            "population.takeover_flight",
            200.0,
            100.0,
            300.0,
            "thousand Afghans a month fleeing to Iran and Pakistan at the height of the takeover's flight, on top of "
            "the departures hardship drives",
            "NRC (10 Nov 2021): some 300,000 Afghans crossed into Iran in the twelve weeks after the takeover and "
            "4,000-5,000 a day still did in November, by locally reported figures; with Iran's share of the "
            "outflow (iran.share_of_outflow), some 150-250 thousand a month left for the two neighbours in the "
            "autumn of 2021, against about 20 thousand a month that hardship drives",
        ),
        assumption(
            "population.flight_fade",
            0.2,
            0.1,
            0.35,
            "monthly share of the takeover's flight that fades",
            "Iran's government put the arrivals of 2021 at 0.5-1 million (UNHCR, Iran update, Jun 2022) and those "
            "since the start of 2021 at up to 1 million by late 2022 (UNHCR, Afghanistan situation RRP 2022 mid-year "
            "report, Nov 2022), which saw no mass influx in 2022: most of the flight came in the five months of "
            "2021, which holds for a fade of some 0.17-0.32 a month (60-85% of it by December)",
        ),
    ),
)
def flight_fades(ctx):
    """What remains (0-1) of the takeover's flight at its height."""
    return ctx.prev.population.takeover_flight * (1.0 - ctx.p["population.flight_fade"])


OPIUM_UNBANNED = assumption(
    "population.opium_unbanned",
    15.0,
    10.0,
    20.0,
    "size of the opium economy without a ban, at the 2025 share in need, relative to its size under the ban in 2025",
    "UNODC Afghanistan Opium Surveys: 177,000 ha of poppy in 2021 and 233,000 ha in 2022 against 10,800 ha in 2023 "
    "and 12,800 ha in 2024 (about 14-18 times); 2025 taken at the 2024 level",
)


@rule(
    "population.drug_economy",
    statement="Instability and hardship push the drug trade into overdrive (seed 002 ¶8). Poppy is a crop of the year: "
    "farmers sow it in November for the spring harvest, so the opium economy is set at each sowing, at what hardship "
    "and war call for, and holds until the next; where the leadership's ban is enforced from that sowing the crop is "
    "not sown, and only what escapes the ban remains (UNODC opium surveys, outside the texts).",
    sources=("seed 002 ¶8",),
    params=(
        NEED_SHARE_REFERENCE,
        OPIUM_UNBANNED,
        assumption(
            "population.drug_war_effect", 0.5, 0.0, 1.0, "relative rise of the drug trade during civil war", "a guess"
        ),
    ),
)
def drug_economy(ctx, share):
    """The opium economy (index, 2025 = 1): the crop sown at the last November sowing, at what hardship and war
    called for then, times the share that escaped a ban enforced from that sowing."""
    p, d, t = ctx.p, ctx.prev.population.drug_economy, ctx.prev.taliban
    unbanned = (
        p["population.opium_unbanned"]
        * share
        / p["population.need_share_reference"]
        * (1.0 + p["population.drug_war_effect"] * ctx.prev.resistance.civil_war)
    )
    # the same calendar and enforcement as taliban.bans_opium: a decree standing at a sowing is enforced from it,
    # and its first season lets through the ban's first leak
    sowing = t.months_to_sowing <= 0.0
    starts = sowing & (t.ban_enforced < 0.5) & (t.opium_ban > 0.5)
    enforced = (t.ban_enforced > 0.5) | starts
    leak = np.where(starts, p["taliban.ban_leak"], t.ban_leak)
    escapes = 1.0 - enforced * (1.0 - leak)
    return np.where(sowing, unbanned * escapes, d)


@rule(
    "population.ban_costs_farm_income",
    statement="Outside the texts (UNODC opium surveys, World Bank): the ban took most of the poppy farmers' income, "
    "and need rises with the share of the opium economy lost; seed 002 ¶8 ties the drug trade to the emergency.",
    sources=("seed 002 ¶8",),
    params=(
        OPIUM_UNBANNED,
        assumption(
            "population.ban_need",
            0.12,
            0.0,
            0.25,
            "relative rise in need when the whole opium economy is lost to a ban (measured from the loss of 2025)",
            "UNODC Afghanistan Opium Survey 2023 (Nov 2023): farmers' income from opium fell by over $1 billion (92%), "
            "against a GDP of about $14 billion (World Bank), most of it in the poorest rural south; the share of that "
            "loss that becomes need is a guess",
        ),
    ),
)
def ban_costs_farm_income(ctx):
    """The relative rise in need from the opium income lost to a ban, against the loss already borne in 2025."""
    return ctx.p["population.ban_need"] * (opium_lost(ctx) - opium_lost_2025(ctx.p))


def opium_lost(ctx):
    """Share (0-1) of the opium economy that an enforced ban takes away, against what it would be without one."""
    unbanned = ctx.p["population.opium_unbanned"] * ctx.hardship
    lost = np.clip(1.0 - ctx.prev.population.drug_economy / unbanned, 0.0, 1.0)
    return lost * ctx.prev.taliban.ban_enforced


def opium_lost_2025(p):
    """The share lost in 2025, already in the need and income of that year."""
    return 1.0 - 1.0 / p["population.opium_unbanned"]


@rule(
    "population.income_follows_aid_and_trade",
    statement="Outside the texts (World Bank, Afghanistan Development Updates): income per head follows the aid that "
    "keeps dollars flowing, the sanctions that cut banks off, the trade with the neighbours (seed 001 ¶1-2) and, "
    "through rural demand, the opium income lost to the ban; seed 000 ¶2 asks engagement to prevent collapse.",
    sources=("seed 000 ¶2", "seed 001 ¶1-2", "seed 003 ¶3"),
    params=(
        OPIUM_UNBANNED,
        SANCTIONS_REFERENCE,
        ENGAGEMENT_REFERENCE,
        assumption(
            "population.aid_income",
            0.05,
            0.0,
            0.12,
            "relative rise in income per head per unit of delivered aid above its 2024 level (index, 2024 = 1)",
            "UN cash shipments of about $1.5-1.8 billion a year kept the currency stable (World Bank, Afghanistan "
            "Development Update, Oct 2023); one unit is about $1.5 billion, a tenth of GDP, much of it spent on "
            "imported food; size a guess",
        ),
        assumption(
            "population.sanctions_income",
            0.1,
            0.0,
            0.25,
            "relative fall in income per head per unit of sanctions above the status quo",
            "frozen reserves and banks cut off from correspondents (World Bank, 2022); size a guess",
        ),
        assumption(
            "population.trade_income",
            0.1,
            0.0,
            0.25,
            "relative rise in income per head per unit of regional engagement above mid-2025",
            "exports reached a record in 2022, mostly to Pakistan and Central Asia (World Bank, Oct 2023); size a guess",
        ),
        assumption(
            "population.ban_income",
            0.02,
            0.0,
            0.06,
            "relative fall in income per head when the whole opium economy is lost to a ban (measured from 2025)",
            "the World Bank's GDP leaves the opium crop out (farm income about a tenth of GDP in 2022, UNODC); the ban "
            "acts on it through rural demand; size a guess",
        ),
        assumption(
            "population.shock_income",
            0.1,
            0.0,
            0.3,
            "relative fall in income per head at the full shock of the takeover (economic_shock = 1)",
            "the banking and liquidity crisis of late 2021 (World Bank, Apr 2022: income per head fell by a third in "
            "the last four months of 2021); the lasting loss of development aid is already in the 2024 level",
        ),
        assumption(
            "population.income_adjustment",
            0.1,
            0.03,
            0.3,
            "monthly share of the gap to the income the conditions imply closed",
            "a guess",
        ),
    ),
)
def income_follows_aid_and_trade(ctx):
    """Real GDP per head (index, 2024 = 1): growth is assumed to keep pace with the population, so the level moves
    only with the conditions (the World Bank found it roughly flat from 2022 to 2024)."""
    p, pop = ctx.p, ctx.prev.population
    target = (
        1.0
        + p["population.aid_income"] * (ctx.prev.international.aid_delivered - 1.0)
        - p["population.sanctions_income"] * (ctx.prev.international.sanctions - p["population.sanctions_reference"])
        + p["population.trade_income"] * (ctx.regional_engagement - p["population.regional_engagement_reference"])
        - p["population.ban_income"] * (opium_lost(ctx) - opium_lost_2025(p))
        - p["population.shock_income"] * pop.economic_shock
    )
    return pop.gdp_per_capita + p["population.income_adjustment"] * (np.maximum(target, 0.05) - pop.gdp_per_capita)


class Population(Actor):
    key = "population"
    label = "Afghan population"
    # population: million people; need_share: share of them in humanitarian need (0-1), from which
    # humanitarian_need (million) follows; recent_returnees: thousand Afghans sent back from Iran and Pakistan,
    # a year's worth (each month's arrivals fade by a twelfth a month); refugee_outflow: thousand leaving a month,
    # of them emigrants: those who stay abroad; takeover_flight: what remains (0-1) of the flight that followed the
    # takeover (1 in August 2021, none in July 2025); economic_shock: what remains (0-1) of the
    # collapse that followed the takeover; gdp_per_capita: real GDP per head, index 2024 = 1;
    # drug_economy: the opium economy, index 2025 = 1; drought: the season since the last November sowing is a
    # drought year (0/1); drought_strain: the drought's toll on households' coping, in drought years borne;
    # drought_recorded_months: months from the start in which the seasons are the record's (no draws);
    # months_to_drought_end, months_to_drought: months from the start to a dated end of the recorded drought and to a
    # dated drought season (negative: none to come, as in forward runs)
    initial_state = {
        "population": 43.5,
        "humanitarian_need": 22.9,
        "need_share": 0.0,
        "refugee_outflow": 20.0,
        "emigrants": 20.0,
        "takeover_flight": 0.0,
        "recent_returnees": 1260.0,
        "drug_economy": 1.0,
        "economic_shock": 0.0,
        "gdp_per_capita": 1.0,
        # July 2025: the season of 2024-25 was a drought year, precipitation some 40% below average from October to
        # April and rainfed wheat hurt (FEWS NET, Afghanistan Agroclimate Monitoring, Apr-Jun 2025; OCHA, Jul 2025);
        # its toll is what the record's seasons leave at the default recovery (drought_strain_2025, then eight
        # months of drought from November 2024)
        "drought": 1.0,
        "drought_strain": 1.06,
        "drought_recorded_months": 0.0,
        "months_to_drought_end": -1.0,
        "months_to_drought": -1.0,
    }

    def __init__(self, model, start):
        super().__init__(model, start)
        # a starting point gives need in people; the model holds it as the share of the population it is
        self.state.need_share = self.state.humanitarian_need / self.state.population

    def act(self, ctx):
        pop = ctx.prev.population
        self.state.economic_shock = economy_adapts(ctx)
        (
            self.state.drought,
            self.state.drought_recorded_months,
            self.state.months_to_drought_end,
            self.state.months_to_drought,
        ) = droughts_come(ctx)
        self.state.drought_strain = drought_exhausts_coping(ctx)
        self.state.population = grows(ctx)
        share = need_follows_economy(ctx)
        self.state.need_share = share
        self.state.humanitarian_need = share * self.state.population
        self.state.refugee_outflow, self.state.emigrants = displacement(ctx, share)
        self.state.takeover_flight = flight_fades(ctx)
        self.state.recent_returnees = pop.recent_returnees * (11.0 / 12.0) + forced_returns(ctx)
        self.state.drug_economy = drug_economy(ctx, share)
        self.state.gdp_per_capita = income_follows_aid_and_trade(ctx)
