"""China: close contacts and growing economic ties, exposed to militants sheltered in Afghanistan."""

from __future__ import annotations

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import assumption, rule


@rule(
    "china.secures_interests",
    statement="Beijing deepens ties for trade (seed 001 ¶1-2, seed 003 ¶6) and would follow once others recognise. "
    "Groups sheltered in Afghanistan threaten China (seed 002 ¶4); that its wish for ties rises with them is not a "
    "text's claim but the record's: the history match of China's relation record (ambassador accepted in January "
    "2024) leaves no plausible response of zero, so the link is shared core.",
    sources=("seed 003 ¶6", "seed 001 ¶1-2", "seed 002 ¶4"),
    params=relation_params(
        "china",
        base=3.0,
        threat=0.3,
        follow=1.2,
        rights=0.0,
        why="calibrated to ambassador-level ties without recognition in mid-2025 (public record: "
        "Beijing accepted a Taliban ambassador in January 2024; "
        "seed 003 ¶6 reports only close contacts)",
        calibrated={
            "base_desire": (3.0, 4.0),
            "threat_response": (0.19, 0.6),
            "follow_peers": (0.0, 2.4),
            "rights_weight": (0.0, 1.0),
        },
    ),
)
def secures_interests(ctx, actor):
    return desire(ctx, actor, threat=ctx.prev.foreign_militants.presence)


@rule(
    "china.cooperates_against_militants",
    statement="An extension, off by default: China is threatened by militants sheltered in Afghanistan (seed 002 "
    "¶4); that with ambassador-level ties or more Beijing adds to counter-terrorism cooperation with Kabul is no "
    "text's claim.",
    sources=("seed 002 ¶4",),
    basis="extension",
    params=(
        assumption(
            "china.ct_contribution",
            0.1,
            0.0,
            0.3,
            "share of full counter-terrorism cooperation China supplies at ambassador level or above",
            "a guess",
        ),
    ),
)
def cooperates_against_militants(ctx, relation):
    return ctx.p["china.ct_contribution"] * (relation >= 3)


class China(StateActor):
    key = "china"
    label = "China"
    initial_state = {"relation": 3.0, "ct": 0.0}

    motives = secures_interests

    def act(self, ctx):
        super().act(ctx)
        self.state.ct = cooperates_against_militants(ctx, self.state.relation)
