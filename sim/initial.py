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
    "ttp.deaths": StartRange(0.0, 5_000.0, "deaths a month; about 130 a month in 2024 (seed 004 ¶1)"),
    "population.humanitarian_need": StartRange(
        0.0, 45.0, "million people; cannot exceed Afghanistan's population of about 43 million (UN, 2024)"
    ),
    "population.refugee_outflow": StartRange(0.0, 1_000.0, "thousand people a month"),
    "population.drug_economy": StartRange(
        0.0, 10.0, "index, 2025 = 1; the 2022 opium economy was about 8 times 2023's"
    ),
    "pakistan.returns": StartRange(0.0, 1_000.0, "thousand people a month; returns peaked near 300 in Nov 2023"),
    "international.aid_delivered": StartRange(0.0, 3.0, "index, 2025 = 1; the levers' aid_funding range"),
}


def start_range(actor: str, variable: str) -> StartRange:
    return RANGES.get(f"{actor}.{variable}") or RANGES.get(variable) or UNIT
