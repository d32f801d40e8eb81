"""Qatar, the United Arab Emirates and Turkey: Taliban-run embassies, mediation, and a wish to stay relevant.

Qatar hosts the Doha process; all three handed Afghan embassies in their capitals to the Taliban (seed 003 ¶6).
"""

from __future__ import annotations

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import assumption, rule

# the rung at which envoys on both sides are accredited as ambassadors
AMBASSADORS = 3.0


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
    "uae.runs_afghan_airports",
    statement="Abu Dhabi deals with Kabul daily: an Emirati firm runs Afghanistan's main airports, so until "
    "ambassadors are exchanged the UAE's preparation for closer ties keeps moving in months with no other "
    "trigger. Seed 003 ¶6 reports the UAE deepening its engagement; the airports are the record's.",
    sources=("seed 003 ¶6",),
    params=(
        assumption(
            "uae.operations_impetus",
            0.05,
            0.0,
            0.1,
            "impetus the UAE's running of Afghan airports adds each month to its preparation for closer ties",
            "public record: the Taliban government signed with the Emirati GAAC Holding in May 2022 for ground "
            "handling and terminal services at Kabul, Kandahar and Herat airports, after talks with Qatar and Turkey "
            "from the autumn of 2021; the UAE accepted a Taliban ambassador in August 2024. The size is a guess: at "
            "the default, about one other state's step every two and a half months",
        ),
    ),
)
def runs_afghan_airports(ctx, actor):
    # running the airports needs accredited envoys on both sides, not recognition: the push stops at ambassadors
    short_of_ambassadors = ctx.prev_relation["uae"] < AMBASSADORS
    return ctx.p["uae.operations_impetus"] * short_of_ambassadors


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
    stakes = runs_afghan_airports


class Turkey(StateActor):
    key = "turkey"
    label = "Turkey"
    initial_state = {"relation": 3.0}
    motives = engages_with_reservations
