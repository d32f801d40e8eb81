"""Al-Qaeda and the Islamic Movement of Uzbekistan: guests of the sanctuary who threaten China and Central Asia."""

from __future__ import annotations

import numpy as np

from sim.model.actors.base import Actor
from sim.model.rules import assumption, rule


@rule(
    "foreign_militants.follow_the_sanctuary",
    statement="Al-Qaeda and the IMU keep a presence in Afghanistan (seed 002 ¶4); that it is as large as the sanctuary "
    "Kabul tolerates is an assumption.",
    sources=("seed 002 ¶4", "seed 003 ¶3", "seed 002 ¶10"),
    params=(
        assumption(
            "foreign_militants.settle_rate",
            0.03,
            0.01,
            0.1,
            "monthly share of the gap between presence and tolerated sanctuary closed",
            "networks move slowly; a guess",
        ),
    ),
)
def follow_the_sanctuary(ctx):
    m = ctx.prev.foreign_militants.presence
    return m + ctx.p["foreign_militants.settle_rate"] * (ctx.prev.taliban.sanctuary - m)


class ForeignMilitants(Actor):
    key = "foreign_militants"
    label = "Al-Qaeda and the Islamic Movement of Uzbekistan"
    initial_state = {"presence": 0.8}

    def act(self, ctx):
        self.state.presence = np.clip(follow_the_sanctuary(ctx), 0.0, 1.0)
