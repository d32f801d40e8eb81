"""Qatar, the United Arab Emirates and Turkey: Taliban-run embassies, mediation, and a wish to stay relevant.

Qatar hosts the Doha process; all three handed Afghan embassies in their capitals to the Taliban (seed 003 ¶6).
"""

from __future__ import annotations

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import rule


@rule(
    "qatar.mediates",
    statement="Doha keeps the channel between Kabul and the West open and would move with the consensus.",
    sources=("seed 003 ¶6", "seed 000 ¶3"),
    params=relation_params(
        "qatar",
        base=3.1,
        follow=0.8,
        rights=0.2,
        why="calibrated to ambassador-level ties without recognition in mid-2025 (seed 003 ¶6)",
        calibrated={"base_desire": (2.1, 4.1), "follow_peers": (0.0, 2.0), "rights_weight": (0.0, 1.46)},
    ),
)
def mediates(ctx, actor):
    return desire(ctx, actor)


@rule(
    "uae.engages_for_influence",
    statement="Abu Dhabi has handed Afghanistan's embassy to the Taliban (seed 003 ¶6); that it engages for trade and "
    "influence and would follow a regional trend is an assumption.",
    sources=("seed 003 ¶6",),
    params=relation_params(
        "uae",
        base=3.1,
        follow=0.8,
        rights=0.1,
        why="calibrated to ambassador-level ties without recognition in mid-2025 (seed 003 ¶6)",
        calibrated={"base_desire": (3.05, 4.1), "follow_peers": (0.0, 2.0), "rights_weight": (0.0, 1.13)},
    ),
)
def engages_for_influence(ctx, actor):
    return desire(ctx, actor)


@rule(
    "turkey.engages_with_reservations",
    statement="Ankara has handed Afghanistan's embassy to the Taliban (seed 003 ¶6); that, as a NATO member, it waits "
    "for others before recognising is an assumption.",
    sources=("seed 003 ¶6",),
    params=relation_params(
        "turkey",
        base=3.2,
        follow=0.6,
        rights=0.3,
        why="calibrated to ambassador-level ties without recognition in mid-2025 (seed 003 ¶6)",
        calibrated={"base_desire": (2.4, 4.2), "follow_peers": (0.0, 2.0), "rights_weight": (0.0, 1.8)},
    ),
)
def engages_with_reservations(ctx, actor):
    return desire(ctx, actor)


class Qatar(StateActor):
    key = "qatar"
    label = "Qatar"
    initial_state = {"relation": 3.0}
    motives = mediates


class UAE(StateActor):
    key = "uae"
    label = "United Arab Emirates"
    initial_state = {"relation": 3.0}
    motives = engages_for_influence


class Turkey(StateActor):
    key = "turkey"
    label = "Turkey"
    initial_state = {"relation": 3.0}
    motives = engages_with_reservations
