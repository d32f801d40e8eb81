"""The levers (L in XLRM terms): what a policy scenario sets, each declared once with its default, range and
meaning.  The scenario schema, the configuration's checks, the live page's sliders and the EMA adapter's levers
are all made from ``NUMERIC_LEVERS`` and ``PER_STATE_LEVERS``; adding a lever is one line here (and the rule that
reads it).

The defaults are the status quo of mid-2025 as the status_quo scenario states it (configs/scenario/); each is an
intensity on the scale of its range, not a measured quantity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass


@dataclass(frozen=True)
class Lever:
    name: str
    default: float
    low: float
    high: float
    meaning: str
    step: float = 0.05  # the live page's slider step


NUMERIC_LEVERS: tuple[Lever, ...] = (
    Lever("sanctions", 0.4, 0.0, 1.0, "how tightly the donors apply sanctions on the Taliban government"),
    Lever(
        "sanctions_relief",
        0.0,
        0.0,
        1.0,
        "share of the sanctions the donors lift in a month when they judge the benchmarks met",
    ),
    Lever("condemnation", 0.5, 0.0, 1.0, "how loudly the donors condemn the Taliban's rights record"),
    Lever("aid_funding", 1.0, 0.0, 3.0, "US humanitarian funding for Afghanistan (1 = the 2025 level)"),
    Lever("un_eu_presence", 1.0, 0.0, 1.0, "how much of the UN's and the EU's presence in Kabul stays"),
    Lever("us_ct_sharing", 0.0, 0.0, 1.0, "US counter-terrorism intelligence shared with Kabul against ISKP"),
    Lever("us_equipment_leverage", 0.0, 0.0, 1.0, "US pressure to recover the equipment left in 2021"),
    Lever("us_backs_resistance", 0.0, 0.0, 1.0, "US backing for the armed resistance to the Taliban"),
    Lever("joint_front", 0.0, 0.0, 1.0, "a regional front that Pakistan convenes to press Kabul jointly"),
    Lever("kandahar_talks", 0.0, 0.0, 1.0, "Pakistan's direct talks with the Taliban leadership in Kandahar"),
    Lever("pakistan_kinetic", 0.3, 0.0, 1.0, "Pakistan's readiness to strike TTP targets inside Afghanistan"),
)
LEVER = {lever.name: lever for lever in NUMERIC_LEVERS}

# per state actor: a shift of its wish for a closer (+) or more distant (-) relation, in ladder steps, and a cap
# on the relation it will go to (0 none ... 4 recognition)
DESIRE_SHIFT_RANGE = (-4.0, 4.0)
MAX_RELATION_RANGE = (0, 4)
PER_STATE_LEVERS = ("desire_shift", "max_relation")

Levers = make_dataclass(
    "Levers",
    [
        ("desire_shift", dict[str, float], field(default_factory=dict)),
        ("max_relation", dict[str, int], field(default_factory=dict)),
        ("conditional", list[str], field(default_factory=list)),
        *((lever.name, float, field(default=lever.default)) for lever in NUMERIC_LEVERS),
    ],
    module=__name__,
)
Levers.__doc__ = """What a policy scenario sets: every lever of NUMERIC_LEVERS, and per state actor ``desire_shift``,
``max_relation`` and whether it is ``conditional`` (ties recognition to benchmarks, judging them itself)."""
