"""Russia: first to recognise, driven by ISKP near its southern flank and by its contest with the West."""

from __future__ import annotations

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import assumption, rule


@rule(
    "russia.fears_iskp",
    statement="ISKP near Russia's southern flank makes engaging Kabul a strategic necessity; rivalry with the West "
    "and influence in Central Asia add to the pull.",
    sources=("seed 000 ¶3", "seed 002 ¶9"),
    params=relation_params(
        "russia",
        base=3.3,
        threat=1.6,
        follow=0.5,
        rights=0.0,
        why="bloc rivalry with the West sets a high base (seed 000 ¶3, seed 002 ¶9); the ISKP threat tips it to "
        "recognition, first in the hindcast (seed 000 ¶3)",
        calibrated={
            "base_desire": (3.28, 4.3),
            "threat_response": (1.0, 3.2),
            "follow_peers": (0.1, 2.0),
            "rights_weight": (0.0, 0.94),
        },
    ),
)
def fears_iskp(ctx, actor):
    return desire(ctx, actor, threat=ctx.prev.iskp.capacity)


@rule(
    "russia.cooperates_against_iskp",
    statement="Moscow engages Kabul because of ISKP (seed 000 ¶3, seed 002 ¶9). That with ambassador-level ties "
    "or more it cooperates against ISKP is the shared core's, backed by the record: President Putin called the "
    "Taliban allies in the fight against terrorism in July 2024; the share it supplies is an assumption.",
    sources=("seed 000 ¶3", "seed 002 ¶9"),
    params=(
        assumption(
            "russia.ct_contribution",
            0.2,
            0.0,
            0.4,
            "share of full counter-terrorism cooperation Russia supplies when at ambassador level or above",
            "seed 000 ¶3 names the ISKP motive; the share is a guess",
        ),
    ),
)
def cooperates_against_iskp(ctx, relation):
    return ctx.p["russia.ct_contribution"] * (relation >= 3)


class Russia(StateActor):
    key = "russia"
    label = "Russia"
    initial_state = {"relation": 4.0, "ct": 0.0}

    motives = fears_iskp

    def act(self, ctx):
        super().act(ctx)
        self.state.ct = cooperates_against_iskp(ctx, self.state.relation)
