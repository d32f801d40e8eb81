"""Declared ranges of starting values: what a starting-point config (configs/initial/) may set.

A starting value outside its range is refused before anything runs.  Shares, intensities and
0/1 states live in [0, 1]; counts have bounds that no plausible month of the region exceeds,
each with the reason for its bound.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartRange:
    low: float
    high: float
    why: str


UNIT = StartRange(0.0, 1.0, "a share, intensity or 0/1 state")

# by "actor.variable" first, then by variable name alone; anything else is a share in [0, 1]
RANGES: dict[str, StartRange] = {
    "relation": StartRange(0.0, 4.0, "relation ladder: 0 none, 1 channels, 2 missions, 3 ambassadors, 4 recognition"),
    "momentum": StartRange(-10.0, 10.0, "preparatory stages towards the next rung; at most states.stages_per_rung"),
    "ttp.fighters": StartRange(
        0.0, 100_000.0, "about 6,000 in 2025 (seed 000 ¶2); more than the Afghan Taliban's own army is implausible"
    ),
    "ttp.attacks": StartRange(0.0, 1_000.0, "attacks a month; about 55 a month in 2023 (seed 004 ¶1)"),
    "ttp.deaths": StartRange(0.0, 5_000.0, "deaths a month, militants included; about 212 a month in 2024 (CRSS)"),
    "ttp.attack_deaths": StartRange(
        0.0, 5_000.0, "civilians and security personnel killed a month; about 134 in 2024 (CRSS; seed 004 ¶1)"
    ),
    "ttp.militant_deaths": StartRange(0.0, 5_000.0, "militants killed a month; about 78 in 2024 (CRSS)"),
    "baloch.capacity": StartRange(
        0.0, 500.0, "the Baloch insurgency's own attacks a month; PIPS counted about 14 a month in 2024"
    ),
    "baloch.attacks": StartRange(0.0, 500.0, "Baloch attacks a month; about 6 in 2021 and 14 in 2024 (PIPS)"),
    "baloch.deaths": StartRange(
        0.0, 2_000.0, "civilians and security personnel killed in Baloch attacks a month; about 8 in 2021 (PIPS)"
    ),
    "population.humanitarian_need": StartRange(
        0.0, 45.0, "million people; cannot exceed Afghanistan's population of about 43 million (UN, 2024)"
    ),
    "population.population": StartRange(
        30.0, 60.0, "million people; about 40 million in 2021 and 43 million in 2025 (UN World Population Prospects)"
    ),
    "population.refugee_outflow": StartRange(0.0, 1_000.0, "thousand people a month"),
    "population.emigrants": StartRange(0.0, 1_000.0, "thousand people a month who leave and stay abroad"),
    "population.recent_returnees": StartRange(0.0, 5_000.0, "thousand people sent back over a year"),
    "population.drug_economy": StartRange(
        0.0, 25.0, "index, 2025 = 1; poppy covered about 18 times its 2024 area in 2022 (UNODC)"
    ),
    "population.gdp_per_capita": StartRange(0.0, 3.0, "index, 2024 = 1; about 1.4 before the takeover (World Bank)"),
    "population.drought_strain": StartRange(
        0.0, 10.0, "drought years borne, less what has faded; about 1.4 after the three drought years of 2021-2023"
    ),
    "population.drought_recorded_months": StartRange(
        0.0, 600.0, "months from the start in which the seasons are the record's, not drawn (0: drawn from the start)"
    ),
    "population.months_to_drought_end": StartRange(
        -1.0, 600.0, "months to a dated end of a recorded drought exogenous to the model (-1: none to come)"
    ),
    "population.months_to_drought": StartRange(
        -1.0, 600.0, "months to a dated drought season exogenous to the model (-1: none to come)"
    ),
    "pakistan.escalation": StartRange(0.0, 4.0, "escalation rung: 0 calm ... 4 break in relations"),
    "iskp.home_attacks": StartRange(
        0.0, 500.0, "events involving ISKP in Afghanistan a month; about 17 in 2022 and 4 in 2023 (ACLED)"
    ),
    "iskp.home_surge": StartRange(
        0.0, 500.0, "extra events involving ISKP a month after the takeover; the UN counted 48 attacks in Oct 2021"
    ),
    "iskp.civilian_casualties": StartRange(
        0.0, 5_000.0, "civilians killed and injured a month; about 20-60 in 2024 (UNAMA)"
    ),
    "pakistan.returns": StartRange(0.0, 1_000.0, "thousand people a month; returns peaked near 300 in Nov 2023"),
    "pakistan.afghans": StartRange(0.0, 6_000.0, "thousand Afghans in Pakistan; about 3 million in 2021-23 (UNHCR)"),
    "iran.returns": StartRange(0.0, 1_000.0, "thousand people a month; near 40 a day in early July 2025 (IOM)"),
    "iran.deported": StartRange(0.0, 1_000.0, "thousand people a month sent back by a mass campaign"),
    "iran.undocumented": StartRange(0.0, 6_000.0, "thousand Afghans without papers in Iran; about 2-3 million (UNHCR)"),
    "iran.newcomers": StartRange(0.0, 6_000.0, "thousand Afghans arrived in Iran since the takeover"),
    "iran.months_to_security_shock": StartRange(
        -1.0, 600.0, "months to a dated security shock exogenous to the model (-1: none to come)"
    ),
    "taliban.ban_months": StartRange(0.0, 600.0, "months since the poppy ban was decreed"),
    "taliban.months_to_sowing": StartRange(0.0, 11.0, "months to the next November, when poppy is sown"),
    "united_states.months_to_inauguration": StartRange(0.0, 47.0, "months to the next US inauguration (every 48)"),
    "united_states.aid_budget": StartRange(0.0, 3_000.0, "US$ million a year; about 1,100 in 2022 (OCHA FTS)"),
    "international.donor_budget": StartRange(0.0, 6_000.0, "US$ million a year from donors other than the US"),
    "international.funding": StartRange(0.0, 1_000.0, "US$ million a month; about 275 a month in 2022 (OCHA FTS)"),
    "international.aid_delivered": StartRange(0.0, 5.0, "index, 2024 = 1; about 2.2 in 2022 (OCHA FTS)"),
}


def start_range(actor: str, variable: str) -> StartRange:
    return RANGES.get(f"{actor}.{variable}") or RANGES.get(variable) or UNIT
