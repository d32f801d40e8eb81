"""Russia: first to recognise, driven by ISKP near its southern flank and by its contest with the West."""

from __future__ import annotations

import numpy as np

from sim.model.actors.states import RECOGNITION, StateActor, desire, relation_params
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
    "Taliban allies in the fight against terrorism in July 2024; the share it supplies is an assumption. What the "
    "cooperation does to Kabul's effort is stated by seed 003 ¶3 only, so it acts under that view alone "
    "(`taliban.ct_cooperation_helps`).",
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


@rule(
    "russia.lifts_terrorist_listing",
    statement="While the Taliban stay on Russia's list of terrorist organisations, Moscow cannot take their "
    "ambassador and recognise them: the last stages of its step to recognition are the legal steps that lift the "
    "listing (a law, then a court ruling), and they move at the pace of lawmaking and the courts, which no trigger "
    "hastens. Seed 002 ¶2 puts Moscow's upgrade after the Supreme Court lifted the listing; that a lifted listing "
    "is not restored is an assumption.",
    sources=("seed 002 ¶2",),
    params=(
        assumption(
            "russia.legal_stages",
            2,
            1,
            3,
            "of the preparatory stages of Russia's step to recognition, the legal steps that lift the Taliban's "
            "terrorist listing",
            "two legal steps on the public record: the law of December 2024 allowing a court to suspend a "
            "terrorist designation, and the Supreme Court's ruling of 17 April 2025 suspending its ban of 2003 "
            "(seed 002 ¶2 names the ruling); Moscow accepted the Taliban's ambassador, recognising their "
            "government, on 3 July 2025 (Russian foreign ministry). One step had a single ruling sufficed, three "
            "had the law needed another round",
            integer=True,
        ),
        assumption(
            "russia.months_per_legal_step",
            5.5,
            3.0,
            9.0,
            "mean months one legal step of the lifting takes",
            "public record: the foreign and justice ministries proposed lifting the ban in May 2024 (TASS), the law "
            "came in December 2024 (seven months later) and the Supreme Court's ruling on 17 April 2025 (four "
            "months): about five and a half months a step; the range is a guess around it",
        ),
    ),
)
def lifts_terrorist_listing(ctx, actor, level, wish, stages, stage_chance):
    """(stages, chance of completing a stage this month) on Russia's ladder: at the legal pace for the legal
    stages of the step to recognition while the Taliban are listed, as the ladder has it elsewhere."""
    p = ctx.p
    listed = (ctx.prev.russia.listed > 0.5) & (level == RECOGNITION - 1) & (wish > level)
    # the step's last stages are the legal ones: once the others are done, the stage to come is law, not diplomacy
    legal = listed & (ctx.prev.russia.momentum >= stages - p["russia.legal_stages"])
    return stages, np.where(legal, 1.0 / p["russia.months_per_legal_step"], stage_chance)


class Russia(StateActor):
    key = "russia"
    label = "Russia"
    # listed: 1 while the Taliban are on Russia's list of terrorist organisations (the ban of 2003, suspended by
    # the Supreme Court on 17 April 2025): 0 from July 2025, 1 at the takeover (configs/initial/aug2021.yaml)
    initial_state = {"relation": 4.0, "ct": 0.0, "listed": 0.0}

    motives = fears_iskp
    preconditions = lifts_terrorist_listing

    def act(self, ctx):
        super().act(ctx)
        # the listing is lifted on the way to recognition and stays lifted
        self.state.listed = ctx.prev.russia.listed * (self.state.relation < RECOGNITION)
        self.state.ct = cooperates_against_iskp(ctx, self.state.relation)
