"""The Baloch separatist insurgency (BLA, BLF and the other groups of the BRAS alliance): its own attacks in Pakistan.

The insurgency's capacity is counted in attacks a month, as PIPS counts attacks by Baloch nationalist insurgent
groups: 74 in 2021 (71 in Balochistan, 3 in Karachi; Pakistan Security Report 2021, Jan 2022), 79 by Baloch and
Sindhi nationalist groups together in 2022 (Pakistan Security Report 2022, Jan 2023) and 171 in Balochistan in 2024,
a rise of 119% on 2023 (Pakistan Security Report 2024, Jan 2025). It grows on roots of its own, loses to Pakistan's
operations in Balochistan, mounts more attacks with the TTP's help (seed 000 ¶2) and while the weapons the US left
behind stay with the militants (seed 004 ¶3).
"""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import Actor
from sim.model.rules import assumption, figure, rule


@rule(
    "baloch.insurgency_grows",
    statement="Shared core: the Baloch separatist groups act in Pakistan beside the TTP (seed 000 ¶2; no text "
    "disputes it) and, on the record, their attacks more than doubled from 2021 to 2024 (PIPS); the insurgency grows "
    "on roots of its own up to what its networks can sustain, with chance in every month.",
    sources=("seed 000 ¶2",),
    params=(
        assumption(
            "baloch.growth_rate",
            0.05,
            0.02,
            0.09,
            "monthly growth of the insurgency's own capacity, before its limit and Pakistan's operations",
            "set so that, net of operations at their defaults, attacks grow from PIPS's 74 in 2021 (Pakistan Security "
            "Report 2021, Jan 2022) to its 171 in Balochistan in 2024 (Pakistan Security Report 2024, Jan 2025), "
            "about 2.3% a month; the range spans a flat insurgency to one twice as fast",
        ),
        assumption(
            "baloch.capacity_ceiling",
            40.0,
            20.0,
            80.0,
            "attacks a month the insurgents' networks, funds and recruits could sustain at most",
            "a guess, near three times PIPS's 14 a month of 2024",
        ),
        assumption(
            "baloch.volatility",
            0.03,
            0.0,
            0.08,
            "standard deviation of the monthly relative shock to the insurgency's capacity",
            "a guess, as the TTP's (ttp.recruitment_volatility)",
        ),
    ),
)
def insurgency_grows(ctx):
    """Relative growth of the insurgency's capacity this month, before operations."""
    p, c = ctx.p, ctx.prev.baloch.capacity
    growth = p["baloch.growth_rate"] * (1.0 - c / p["baloch.capacity_ceiling"])
    return growth + p["baloch.volatility"] * ctx.normal("baloch.capacity")


@rule(
    "baloch.operations_in_balochistan",
    statement="Outside the texts (public record: army and Frontier Corps operations in Balochistan, stepped up "
    "after the BLA's coordinated attacks of August 2024 and the Jaffar Express hijacking of March 2025, ISPR "
    "statements): Pakistan's operations remove part of the insurgency each month, more the more it strikes. Seed "
    "001 ¶3 judges Islamabad's kinetic approach a failure, and operations here slow the insurgency without ending it.",
    sources=("seed 001 ¶3",),
    params=(
        assumption(
            "baloch.operations_attrition",
            0.01,
            0.004,
            0.03,
            "monthly share of the insurgency's capacity removed by operations in a quiet month",
            "a guess, equal to the TTP's default attrition (pakistan.operations_attrition)",
        ),
        assumption(
            "baloch.operations_response",
            0.01,
            0.0,
            0.03,
            "added monthly share removed per unit of Baloch attacks against their 2024 level",
            "an assumption: the state answers heavy months with more operations (public record, above); size is a "
            "guess",
        ),
        assumption(
            "baloch.attack_reference",
            14.0,
            12.0,
            16.0,
            "Baloch attacks a month that count as one unit of the insurgency's threat (the 2024 monthly average)",
            "PIPS, Pakistan Security Report 2024 (Jan 2025): 171 attacks by Baloch insurgent groups in Balochistan",
        ),
    ),
)
def operations_in_balochistan(ctx):
    """Share of the insurgency's capacity that Pakistan's operations remove this month (a positive number)."""
    p = ctx.p
    threat = ctx.prev.baloch.attacks / p["baloch.attack_reference"]
    return p["baloch.operations_attrition"] + p["baloch.operations_response"] * threat


@rule(
    "baloch.joins_ttp_sabotage",
    statement="Shared core: Islamabad holds that the TTP and the Baloch separatists together target its roads, "
    "pipelines and development schemes (seed 000 ¶2), and no text disputes it; the model reads the alliance as "
    "extra Baloch attacks in proportion to the TTP's strength.",
    sources=("seed 000 ¶2",),
    params=(
        assumption(
            "baloch.ttp_collaboration",
            0.15,
            0.0,
            0.4,
            "extra share of Baloch attacks, joint sabotage with the TTP, at a TTP of the reference strength",
            "seed 000 ¶2 states the collaboration; CRSS saw jihadist and separatist groups mount joint attacks in "
            "2023 (quarterly and annual security reports); size is a guess",
        ),
        figure(
            "baloch.ttp_reference",
            6000.0,
            6000.0,
            6000.0,
            "TTP fighters at which the alliance adds baloch.ttp_collaboration",
            "seed 000 ¶2",
        ),
    ),
)
def joins_ttp_sabotage(ctx):
    """Relative rise of this month's Baloch attacks owed to the alliance with the TTP."""
    p = ctx.p
    return p["baloch.ttp_collaboration"] * ctx.prev.ttp.fighters / p["baloch.ttp_reference"]


@rule(
    "baloch.uses_left_behind_weapons",
    statement="Shared core: weapons the US left behind have been used in attacks in Balochistan (seed 004 ¶3; no "
    "text disputes it): while they stay with the militants the insurgents mount more attacks, a rise that ends if "
    "the weapons are returned.",
    sources=("seed 004 ¶3",),
    params=(
        assumption(
            "baloch.equipment_attack_gain",
            0.1,
            0.0,
            0.3,
            "relative rise of Baloch attacks while the left-behind US weapons stay with the militants",
            "seed 004 ¶3 reports their use in attacks in Balochistan; the size is a guess",
        ),
    ),
)
def uses_left_behind_weapons(ctx):
    """Relative rise of this month's Baloch attacks owed to the left-behind weapons."""
    return ctx.p["baloch.equipment_attack_gain"] * (1.0 - ctx.prev.taliban.equipment_returned)


@rule(
    "baloch.attacks_in_pakistan",
    statement="The insurgents strike in Pakistan, in Balochistan above all, as their capacity allows, more with the "
    "TTP's help and the left-behind weapons; each attack kills civilians and security personnel.",
    sources=("seed 000 ¶2", "seed 004 ¶3"),
    params=(
        assumption(
            "baloch.deaths_per_attack",
            1.4,
            1.0,
            2.0,
            "civilians and security personnel killed per Baloch attack",
            "PIPS: 96 killed in the 74 attacks by Baloch insurgent groups of 2021 (Pakistan Security Report 2021) "
            "and 97 in the 79 by Baloch and Sindhi nationalist groups of 2022 (Pakistan Security Report 2022); "
            "CRSS counts about 1.8 per attack of every kind (Annual Security Report 2024)",
        ),
    ),
)
def attacks_in_pakistan(ctx, capacity):
    """(attacks this month, civilians and security personnel killed in them)."""
    lam = capacity * (1.0 + joins_ttp_sabotage(ctx) + uses_left_behind_weapons(ctx))
    attacks = ctx.poisson("baloch.attacks", lam)
    deaths = ctx.poisson("baloch.deaths", ctx.p["baloch.deaths_per_attack"] * attacks)
    return attacks, deaths


class Baloch(Actor):
    key = "baloch"
    label = "Baloch separatist insurgency (BLA, BLF, BRAS)"
    # the state of July 2025 (configs/initial/jul2025.yaml): PIPS's 171 attacks of 2024, about 14 a month, 1.4 killed
    # in each (baloch.deaths_per_attack); capacity: the insurgency's own attacks a month, before the TTP's help and
    # the left-behind weapons (14 / 1.25 at the defaults)
    # attacks: as PIPS counts attacks by Baloch insurgent groups (171 in Balochistan in 2024, about 14 a month)
    # deaths: civilians and security personnel killed in those attacks (militants killed in operations, Baloch
    # insurgents among them, are counted by ttp.militants_killed)
    initial_state = {"capacity": 11.0, "attacks": 14.0, "deaths": 20.0}

    def act(self, ctx):
        c = ctx.prev.baloch.capacity
        change = insurgency_grows(ctx) - operations_in_balochistan(ctx)
        # a floor of half an attack a month, as the TTP's of 100 fighters: operations never end the insurgency
        # outright (it outlived the campaigns of 2005-2015, public record), so it can revive
        capacity = np.maximum(c * (1.0 + change), 0.5)
        self.state.capacity = capacity
        self.state.attacks, self.state.deaths = attacks_in_pakistan(ctx, capacity)
