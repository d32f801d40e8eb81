"""The United States: no diplomats in Kabul since 2021, domestic pressure against normalisation, a shared ISKP enemy."""

from __future__ import annotations

from sim.actors.states import StateActor, desire, relation_params
from sim.rules import rule


@rule(
    "united_states.weighs_iskp_and_domestic_pressure",
    statement="Washington keeps its distance under pressure from women's groups and critics at home, while the "
    "shared ISKP enemy pulls it towards contact.",
    sources=("seed 003 ¶7", "seed 003 ¶6", "seed 003 ¶3", "seed 000 ¶3"),
    params=relation_params(
        "united_states",
        base=2.1,
        threat=0.5,
        follow=0.3,
        rights=1.0,
        why="calibrated so the US keeps only channels (Doha) while girls' schools stay shut (seed 003 ¶6-7)",
        calibrated={
            "base_desire": (1.1, 2.58),
            "threat_response": (0.0, 1.0),
            "follow_peers": (0.0, 2.0),
            "rights_weight": (0.29, 2.0),
        },
    ),
)
def weighs_iskp_and_domestic_pressure(ctx, actor):
    return desire(ctx, actor, threat=ctx.prev.iskp.capacity)


@rule(
    "united_states.shares_intelligence",
    statement="Intelligence sharing against ISKP needs a US presence in Kabul and a policy that allows it.",
    sources=("seed 003 ¶3",),
)
def shares_intelligence(ctx, relation):
    return ctx.levers.us_ct_sharing * (relation >= 2)


class UnitedStates(StateActor):
    key = "united_states"
    label = "United States"
    initial_state = {"relation": 1.0, "ct": 0.0}

    motives = weighs_iskp_and_domestic_pressure

    def act(self, ctx):
        super().act(ctx)
        self.state.ct = shares_intelligence(ctx, self.state.relation)
