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
    statement="Humanitarian need rises with sanctions, war and the loss of aid, and falls as delivered aid grows.",
    sources=("seed 003 ¶3", "seed 002 ¶8", "seed 003 ¶7"),
    params=(
        NEED_REFERENCE,
        assumption(
            "population.sanctions_need",
            0.3,
            0.0,
            0.6,
            "relative rise in need per unit of sanctions above the status quo",
            "a guess; seed 003 ¶7 reports calls for tighter sanctions, while seed 002 ¶8 blames misrule for the crisis; size is a guess",
        ),
        assumption("population.war_need", 0.4, 0.1, 0.8, "relative rise in need during civil war", "a guess"),
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
def need_follows_economy(ctx):
    p, h = ctx.p, ctx.prev.population.humanitarian_need
    target = p["population.need_reference"] * np.maximum(
        0.2,
        1.0
        + collapse_raises_need(ctx)
        + p["population.sanctions_need"] * (ctx.levers.sanctions - p["population.sanctions_reference"])
        + p["population.war_need"] * ctx.prev.resistance.civil_war
        - p["population.aid_need"] * (ctx.prev.international.aid_delivered - 1.0),
    )
    shock = 1.0 + p["population.need_volatility"] * ctx.normal("population.need")
    return np.maximum(h + p["population.need_adjustment"] * (target - h), 1.0) * shock


@rule(
    "population.collapse_raises_need",
    statement="The takeover cut off the aid that paid for most public spending and froze the central bank's reserves; "
    "the economy that collapsed with them leaves more people in need until it adapts.",
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
    statement="The shock of the takeover fades as cash shipments, trade and households' adaptation take over from "
    "the lost aid and reserves.",
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
