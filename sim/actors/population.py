"""The Afghan population: humanitarian need, displacement abroad and the drug economy."""

from __future__ import annotations

import numpy as np

from sim.actors.base import Actor
from sim.rules import assumption, rule

NEED_REFERENCE = assumption(
    "population.need_reference",
    22.9,
    18.0,
    26.0,
    "million people in humanitarian need in 2025, the reference level of hardship",
    "UN humanitarian response plan for 2025 (outside the texts; seed 003 ¶3 speaks of a food and health crisis)",
)


@rule(
    "population.need_follows_economy",
    statement="Humanitarian need rises with the economic collapse, war, the loss of aid and returnees pushed back from "
    "Pakistan, and falls as delivered aid grows.",
    sources=("seed 003 ¶3", "seed 000 ¶2-3", "seed 002 ¶8", "seed 003 ¶5"),
    params=(
        NEED_REFERENCE,
        assumption("population.war_need", 0.4, 0.1, 0.8, "relative rise in need during civil war", "a guess"),
        assumption(
            "population.returns_need",
            0.05,
            0.0,
            0.15,
            "relative rise in need per unit of forced returns from Pakistan above their mid-2025 level (relative)",
            "seed 000 ¶3 names repatriation as a dispute and seed 002 ¶8 population movement as a burden; size is a guess",
        ),
        assumption(
            "population.aid_need",
            0.3,
            0.1,
            0.5,
            "relative fall in need per unit of delivered aid above the 2025 level",
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
            "standard deviation of the monthly relative shock to need (drought, returns, prices)",
            "a guess",
        ),
    ),
)
def need_follows_economy(ctx):
    p, h = ctx.p, ctx.prev.population.humanitarian_need
    returns = ctx.prev.pakistan.returns / p["pakistan.returns_base"] - 1.0
    target = p["population.need_reference"] * np.maximum(
        0.2,
        1.0
        + collapse_raises_need(ctx)
        + sanctions_deepen_need(ctx)
        + misrule_deepens_need(ctx)
        + regional_trade_eases_need(ctx)
        + p["population.war_need"] * ctx.prev.resistance.civil_war
        + p["population.returns_need"] * returns
        - p["population.aid_need"] * (ctx.prev.international.aid_delivered - 1.0),
    )
    shock = 1.0 + p["population.need_volatility"] * ctx.normal("population.need")
    return np.maximum(h + p["population.need_adjustment"] * (target - h), 1.0) * shock


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
            "an extension of seed 000 ¶2 (engagement to avert collapse); size is a guess",
        ),
        assumption(
            "population.sanctions_reference",
            0.4,
            0.2,
            0.6,
            "sanctions level of the status quo",
            "equal to the status-quo lever",
        ),
    ),
)
def sanctions_deepen_need(ctx):
    p = ctx.p
    return p["population.sanctions_need"] * (ctx.prev.international.sanctions - p["population.sanctions_reference"])


@rule(
    "population.misrule_deepens_need",
    statement="The emergency comes from weak, repressive government as much as from the economy (seed 002 ¶8); reading "
    "misrule as the hard core's share, so that need grows as it gains ground and eases as the pragmatists gain, is "
    "the model's assumption.",
    sources=("seed 002 ¶8", "seed 002 ¶6-7"),
    mechanism="legitimacy_emboldens",
    params=(
        assumption(
            "population.misrule_need",
            0.4,
            0.0,
            0.8,
            "relative rise in need per unit of pragmatist influence lost below its settling point",
            "seed 002 ¶8 joins misrule, economic breakdown and rights abuses as causes; size is a guess",
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
        assumption(
            "population.regional_engagement_reference",
            0.7,
            0.5,
            0.85,
            "regional engagement (0-1) of mid-2025: the ten regional states' mean relation over four",
            "the relation levels of July 2025",
        ),
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
    statement="Hardship and war push Afghans abroad, a burden on the neighbours.",
    sources=("seed 002 ¶8", "seed 003 ¶3"),
    params=(
        NEED_REFERENCE,
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
    ),
)
def displacement(ctx, need):
    # Departures are drawn in hundreds of people so the month-to-month noise has a plausible size.
    p = ctx.p
    pressure = (
        need / p["population.need_reference"] * (1.0 + p["population.war_outflow"] * ctx.prev.resistance.civil_war)
    )
    hundreds = ctx.poisson("population.outflow", p["population.outflow_base"] * pressure * 10.0)
    return hundreds / 10.0


@rule(
    "population.drug_economy",
    statement="Instability and hardship push the drug trade into overdrive.",
    sources=("seed 002 ¶8",),
    params=(
        NEED_REFERENCE,
        assumption(
            "population.drug_adjustment",
            0.04,
            0.01,
            0.1,
            "monthly share of the gap to the drug trade the conditions imply closed",
            "a guess",
        ),
        assumption(
            "population.drug_war_effect", 0.5, 0.0, 1.0, "relative rise of the drug trade during civil war", "a guess"
        ),
    ),
)
def drug_economy(ctx, need):
    p, d = ctx.p, ctx.prev.population.drug_economy
    target = (
        need / p["population.need_reference"] * (1.0 + p["population.drug_war_effect"] * ctx.prev.resistance.civil_war)
    )
    return d + p["population.drug_adjustment"] * (target - d)


class Population(Actor):
    key = "population"
    label = "Afghan population"
    # economic_shock: what remains (0-1) of the collapse that followed the takeover; 0 once it has passed
    initial_state = {"humanitarian_need": 22.9, "refugee_outflow": 20.0, "drug_economy": 1.0, "economic_shock": 0.0}

    def act(self, ctx):
        self.state.economic_shock = economy_adapts(ctx)
        need = need_follows_economy(ctx)
        self.state.humanitarian_need = need
        self.state.refugee_outflow = displacement(ctx, need)
        self.state.drug_economy = drug_economy(ctx, need)
