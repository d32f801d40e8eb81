"""The relation ladder every state actor climbs or descends, and the state actors' shared machinery.

A state's relation with Kabul is graded: 0 none, 1 channels, 2 missions,
3 ambassadors, 4 recognition.  Each month a state weighs its motives (its own
interests, the threat it faces from Afghan-based militants, whether others have
recognised, the rights record) into a desired level and, with diplomatic
inertia, moves one rung towards it.  What moves each state is declared in that
state's own module.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.model.actors.base import Actor
from sim.model.kernels import ladder_step
from sim.model.rules import assumption, rule

RELATION_LEVELS = {0: "none", 1: "channels", 2: "missions", 3: "ambassadors", 4: "recognition"}
RECOGNITION = 4

# Relation levels of July 2025 (configs/initial/jul2025.yaml): the point legitimacy is measured from.
MID_2025_RELATIONS = {
    "pakistan": 3,
    "russia": 4,
    "united_states": 1,
    "china": 3,
    "iran": 3,
    "india": 2,
    "uzbekistan": 3,
    "tajikistan": 1,
    "qatar": 3,
    "uae": 3,
    "turkey": 3,
}

# the evidence behind every calibrated motive range (docs/calibration.md, "The states' motives")
HISTORY_MATCH_NOTE = (
    "range history-matched to this state's relation record of 2021-25 (level in July 2025, dated steps, no other "
    "recognition by July 2025): the box where the record is met nine tenths as often as at the defaults "
    "(python -m sim.model.record; docs/calibration.md)"
)

# the states with a border or a stake in the TTP and ISKP question whose joint pressure the regional bargain counts
NEIGHBOURS = ("pakistan", "china", "russia", "iran", "uzbekistan", "tajikistan")


def relation_params(state: str, *, base, follow, rights, why: str, threat=None, threat_range=None, calibrated=None):
    """The motives of one state, each a labelled assumption with a plausible range.

    ``threat`` is left out for a state the texts do not describe as threatened from Afghan soil.  ``calibrated``
    maps a motive (``base_desire``, ...) to the range the hindcast's history match leaves plausible.
    """
    calibrated = calibrated or {}

    def matched(motive, text):
        if motive not in calibrated:
            return {"why": text}
        return {"why": f"{text}; {HISTORY_MATCH_NOTE}", "calibrated_range": calibrated[motive]}

    threat_param = ()
    if threat is not None:
        tlo, thi = threat_range or (min(0.0, threat * 2), max(0.0, threat * 2))
        threat_param = (
            assumption(
                f"{state}.threat_response",
                threat,
                tlo,
                thi,
                f"rungs {state} moves towards Kabul per unit of the threat it faces (negative: away)",
                **matched("threat_response", why),
            ),
        )
    return threat_param + (
        assumption(
            f"{state}.base_desire",
            base,
            max(0.0, base - 1.0),
            min(4.5, base + 1.0),
            f"{state}'s wished-for relation level before threats, peers and rights",
            **matched("base_desire", why),
        ),
        assumption(
            f"{state}.follow_peers",
            follow,
            0.0,
            max(2.0, follow * 2),
            f"rungs {state} moves towards recognition as the share of other recognising states goes 0 to 1",
            **matched(
                "follow_peers", "cascade strength; seed 000 ¶3 expects others to follow Russia but gives no size"
            ),
        ),
        assumption(
            f"{state}.rights_weight",
            rights,
            0.0,
            max(2.0, rights * 2),
            f"rungs {state} holds back while girls' secondary schools stay shut",
            **matched("rights_weight", why),
        ),
    )


STEP_PARAMS = (
    assumption(
        "states.months_per_rung",
        44.0,
        10.0,
        72.0,
        "mean months a state takes to climb or descend one rung, in quiet times with nothing to set the pace, once "
        "its wish has moved past its level",
        "calibrated in the hindcast with the triggers below: the dated steps of 2021-2025 (India's mission, June "
        "2022; China's ambassador, Sep 2023-Jan 2024; the UAE's, Aug 2024; Pakistan's, May 2025; Russia's "
        "recognition, July 2025) came in bursts after other states' steps and after attacks, not at an even pace",
        calibrated_range=(32.0, 69.0),
    ),
    assumption(
        "states.stages_per_rung",
        5,
        1,
        8,
        "preparatory stages (visits, agreements, accreditation) a rung takes; more stages, more regular timing",
        "diplomatic upgrades come after a run of smaller steps; Russia's recognition followed a public turn (July "
        "2024), a law allowing the ban to be lifted (Dec 2024) and the court ruling that lifted it (Apr 2025), the "
        "last two at the pace of the law (russia.lifts_terrorist_listing)"
        "; range history-matched with ISKP's threat (first recognition, Russia's level and China's and Pakistan's ambassadors of 2021-25, ISKP attacks abroad), the box where the record is met nine tenths as often as at the defaults (python -m sim.model.record; "
        "docs/calibration.md)",
        integer=True,
        calibrated_range=(3, 7),
    ),
    assumption(
        "states.withdrawal_margin",
        1.0,
        0.5,
        2.0,
        "extra rungs a recogniser's wish must fall below recognition before it withdraws unprompted",
        "withdrawing recognition is rare and costly; conditional recognisers revoke by rule instead",
    ),
    assumption(
        "states.hysteresis",
        0.15,
        0.0,
        0.4,
        "margin beyond half a rung before a state moves, so levels do not flicker",
        "modelling convenience; range history-matched with ISKP's threat (first recognition, Russia's level and China's and Pakistan's ambassadors of 2021-25, ISKP attacks abroad), the box where the record is met nine tenths as often as at the defaults (python -m sim.model.record; "
        "docs/calibration.md)",
        calibrated_range=(0.014, 0.2),
    ),
    assumption(
        "states.benchmark_sanctuary",
        0.55,
        0.3,
        0.7,
        "largest TTP sanctuary (0-1) a conditional recogniser accepts as the counter-terrorism benchmark",
        "seed 000 ¶3 would have recognition win commitments on security and, for Pakistan, an end to hosting the "
        "TTP; reading the sanctuary as every conditional recogniser's security benchmark, and the threshold, are "
        "guesses",
    ),
    assumption(
        "states.revocation_rate",
        0.25,
        0.05,
        0.6,
        "monthly chance a conditional recogniser withdraws recognition once a benchmark is broken",
        "revocable recognition is a policy design (seed 000 ¶3, seed 002 ¶10); speed is a guess",
    ),
)


# States whose preparation an ISKP attack abroad speeds up: those that name ISKP as a threat to themselves
ISKP_EXPOSED = ("russia", "iran", "united_states")

TIMING_PARAMS = (
    assumption(
        "states.trigger_pace",
        0.35,
        0.1,
        0.7,
        "added monthly chance of completing a preparatory stage per unit of impetus (an impetus of 1 follows one "
        "trigger)",
        "calibrated in the hindcast: steps followed their triggers within months (the UAE seven months after "
        "China's ambassador, Pakistan's upgrade within weeks of the Beijing meeting of May 2025)",
        calibrated_range=(0.12, 0.63),
    ),
    assumption(
        "states.peer_step_impetus",
        0.12,
        0.0,
        0.5,
        "impetus a state gains when another state climbs a rung with Kabul",
        "no state wants to be left behind by a rival's step (seed 001 ¶1-2, seed 002 ¶9); size calibrated in the "
        "hindcast to the cluster of ambassador-level steps of 2024-2025",
        calibrated_range=(0.04, 0.48),
    ),
    assumption(
        "states.incident_impetus",
        0.5,
        0.0,
        1.5,
        "impetus a state that names ISKP as its threat gains from an ISKP mass-casualty attack abroad",
        "Moscow's path to recognition began after Crocus City Hall (Mar 2024): President Putin called the "
        "Taliban allies against terrorism in July 2024 (seed 000 ¶3 names the ISKP motive)",
        calibrated_range=(0.044, 1.34),
    ),
    assumption(
        "states.impetus_decay",
        0.15,
        0.05,
        0.4,
        "monthly share of a state's impetus that fades",
        "attention after a trigger lasts months, not years; a guess; range history-matched with ISKP's threat (first recognition, Russia's level and China's and Pakistan's ambassadors of 2021-25, ISKP attacks abroad), the box where the record is met nine tenths as often as at the defaults (python -m sim.model.record; "
        "docs/calibration.md)",
        calibrated_range=(0.05, 0.33),
    ),
)


@rule(
    "states.preparation_pace",
    statement="Diplomatic preparation moves fastest after a trigger: another state's step towards Kabul, or an ISKP "
    "attack abroad for the states ISKP threatens; in quiet months it creeps.",
    sources=("seed 000 ¶3", "seed 001 ¶1-2", "seed 002 ¶9", "seed 003 ¶3"),
    params=TIMING_PARAMS,
)
def preparation_pace(ctx, actor):
    """New impetus and this month's chance of completing a preparatory stage."""
    p, k = ctx.p, actor.key
    ladder = ctx.ladder
    # every other state's step last month: the month's total less this state's own
    others_stepped = ladder.stepped_total - ctx.prev_stepped[k]
    impetus = getattr(ctx.prev, k).impetus * ladder.impetus_kept
    impetus = impetus + p["states.peer_step_impetus"] * others_stepped
    if k in ISKP_EXPOSED:
        impetus = impetus + p["states.incident_impetus"] * ctx.prev.iskp.attack_abroad
    if actor.stakes is not None:
        # a state's own business on the ground (its module's rule) keeps its preparation moving
        impetus = impetus + actor.stakes(ctx, actor)
    return impetus, np.clip(ladder.quiet_pace + p["states.trigger_pace"] * impetus, 0.0, 1.0)


def desire(ctx, actor, threat=None):
    """A state's wished-for relation level: its base wish, the scenario's push, peers, rivals, rights and threat.

    Called from each state's own motive rule, which carries that state's sources.
    """
    p, k = ctx.p, actor.key
    wish = (
        p[f"{k}.base_desire"]
        + ctx.levers.desire_shift.get(k, 0.0)
        + peers_follow(ctx, actor)
        + rivals_pull(ctx, actor)
        - p[f"{k}.rights_weight"] * (1.0 - ctx.prev.taliban.girls_schools_open)
    )
    if threat is not None:
        wish = wish + p[f"{k}.threat_response"] * threat
    return wish


# --- what a state wishes: rivals and conditional offers (kept apart from the ladder's timing) -----------------

# Whose standing in Kabul each state watches: a rival's gain pulls it closer so as not to lose ground.
RIVALS = {
    "united_states": ("china", "russia", "iran"),
    "pakistan": ("india",),
}
# the rivals' mean relation in July 2025
RIVAL_REFERENCE = {k: sum(MID_2025_RELATIONS[r] for r in rivals) / len(rivals) for k, rivals in RIVALS.items()}


def rival_params(state: str, response: float, why: str, calibrated=None):
    if calibrated is not None:
        why = f"{why}; {HISTORY_MATCH_NOTE}"
    return (
        assumption(
            f"{state}.rival_response",
            response,
            0.0,
            2 * response,
            f"rungs {state} moves towards Kabul per rung its rivals' mean relation rises above mid-2025",
            why,
            calibrated_range=calibrated,
        ),
    )


@rule(
    "states.rivals_pull",
    statement="A state watches its rivals' standing in Kabul: the US the China-Russia-Iran orbit, Pakistan India's "
    "return; a rival's gain pulls it closer.",
    sources=("seed 003 ¶1", "seed 003 ¶6", "seed 001 ¶2-3", "seed 000 ¶3", "seed 002 ¶9"),
    params=rival_params(
        "united_states", 0.4, "seed 003 ¶1 wants Afghanistan kept out of that orbit; size is a guess", (0.0, 0.8)
    )
    + rival_params("pakistan", 0.3, "seed 001 ¶3 calls India's return a wake-up call; size is a guess", (0.0, 0.6)),
)
def rivals_pull(ctx, actor):
    rivals = RIVALS.get(actor.key)
    if not rivals:
        return 0.0
    mean = sum(ctx.prev_relation[r] for r in rivals) / len(rivals)
    return ctx.p[f"{actor.key}.rival_response"] * (mean - RIVAL_REFERENCE[actor.key])


@rule(
    "states.makes_conditional_offer",
    statement="A state whose policy ties recognition to benchmarks makes an offer only once it would recognise but "
    "for the benchmarks and holds at least ambassadors; the offer builds up over months and lapses if it no "
    "longer wishes to recognise.",
    sources=("seed 000 ¶3", "seed 002 ¶10", "seed 002 ¶12"),
    params=(
        assumption(
            "states.offer_build_rate",
            0.1,
            0.03,
            0.3,
            "monthly share of the gap between a state's offer and a full, credible offer closed",
            "an offer is negotiated and made credible over months (seed 000 ¶3 speaks of structured "
            "engagement); the pace is a guess",
        ),
    ),
)
def conditional_offer(ctx, actor, wish):
    """The strength (0-1) of a conditional state's offer of recognition against benchmarks."""
    k = actor.key
    prev = getattr(ctx.prev, k).offer
    if k not in ctx.levers.conditional:
        return prev
    level = ctx.prev_relation[k]
    margin = 0.5 + ctx.p["states.hysteresis"]
    # the wish that would carry it from ambassadors to recognition, were the benchmarks met; a state that has
    # dropped its conditions no longer offers anything against them
    making = (level >= RECOGNITION - 1) & (wish > RECOGNITION - 1 + margin) & (actor.state.defected < 0.5)
    return prev + ctx.p["states.offer_build_rate"] * (making.astype(np.float64) - prev)


@rule(
    "states.relation_ladder",
    statement="Each state moves one rung at a time towards the relation it wishes for; conditional recognisers hold "
    "recognition until the benchmarks are met (the texts' strings) and revoke it when they are broken (revocation is "
    "a policy design of the scenario, not a text's claim).",
    sources=("seed 000 ¶2-3", "seed 003 ¶6", "seed 001 ¶1-2", "seed 002 ¶2", "seed 002 ¶11-12"),
    params=STEP_PARAMS,
)
def relation_ladder(ctx, actor: "StateActor", wish):
    """New (level, momentum, impetus). Momentum counts the preparatory stages done towards the next rung up
    (positive) or down (negative); it is lost when the wish falls back within the margin."""
    k = actor.key
    ladder = ctx.ladder
    level = ctx.prev_relation[k]
    n = level.shape[0]
    # conditional recognisers hold at ambassadors until they judge the benchmarks met, unless they dropped them
    if k in ctx.levers.conditional:
        conditional = actor.state.defected < 0.5
        benchmarks = benchmarks_met(ctx, actor)
    else:
        conditional = benchmarks = ladder.no_benchmarks
    impetus, stage_chance = preparation_pace(ctx, actor)
    stages = ladder.stages
    if actor.preconditions is not None:
        # steps a state's own law puts before a rung (its module's rule) add to that rung's preparation, at the
        # pace of the law rather than of diplomacy
        stages, stage_chance = actor.preconditions(ctx, actor, level, wish, stages, stage_chance)
    u = ctx.uniform(f"relation.{k}")
    # One pass per replication (sim.model.kernels): a wish past the margin (plus the withdrawal margin for an
    # unconditional recogniser; rung 0 is the floor) adds a preparatory stage with this month's chance, a wish
    # back within it loses the momentum; a full set of stages moves one rung.  A cap imposed by policy, or a
    # conditional recogniser's revocation once the benchmarks are broken, acts without preparation.
    new_level, momentum = ladder_step(
        level,
        getattr(ctx.prev, k).momentum,
        per_replication(wish, n),
        u,
        per_replication(stage_chance, n),
        ladder.margin,
        ladder.withdrawal_margin,
        per_replication(stages, n),
        ladder.revocation_rate,
        per_replication(benchmarks, n),
        float(ctx.levers.max_relation.get(k, RECOGNITION)),
        per_replication(conditional, n),
    )
    return new_level, momentum, impetus


def per_replication(value, n):
    """``value`` as one value per replication: an array of that shape as it is, anything else broadcast.

    Most parameters are already drawn per replication; np.broadcast_to costs a few microseconds even then,
    and the ladder asks for it some 40,000 times in a ten-year run.
    """
    if type(value) is np.ndarray and value.shape == (n,):
        return value
    return np.broadcast_to(value, n)


class LadderMonth:
    """What every state's ladder shares in a month, computed once rather than once per state."""

    def __init__(self, p, prev_stepped):
        self.stepped_total = sum(prev_stepped.values())
        n = self.stepped_total.shape[0]
        self.impetus_kept = 1.0 - p["states.impetus_decay"]
        self.quiet_pace = p["states.stages_per_rung"] / p["states.months_per_rung"]
        margin = 0.5 + p["states.hysteresis"]
        # one value per replication, as the compiled ladder reads them
        self.margin = per_replication(margin, n)
        self.withdrawal_margin = per_replication(margin + p["states.withdrawal_margin"], n)
        self.stages = per_replication(np.asarray(p["states.stages_per_rung"], dtype=np.float64), n)
        self.revocation_rate = per_replication(np.asarray(p["states.revocation_rate"], dtype=np.float64), n)
        self.no_benchmarks = np.zeros(n, dtype=bool)


@rule(
    "states.peers_follow",
    statement="A state is drawn towards recognition by the share of other states that already recognise Kabul.",
    sources=("seed 000 ¶3", "seed 002 ¶11-12"),
)
def peers_follow(ctx, actor):
    others = ctx.recognising_count - (ctx.prev_relation[actor.key] == RECOGNITION)
    return ctx.p[f"{actor.key}.follow_peers"] * others / max(len(ctx.prev_relation) - 1, 1)


# How each state reads the benchmarks of conditional recognition: the weight it gives girls' secondary schools
# (the rest goes to counter-terrorism, read from the TTP sanctuary), as its interests in the texts suggest.
BENCHMARK_SCHOOLS_WEIGHT = {
    "pakistan": (0.2, "seed 000 ¶2 and seed 001 ¶3 put the TTP first in Islamabad's quarrel with Kabul"),
    "china": (0.2, "seed 002 ¶4 and seed 004 ¶5 give Beijing a stake in militancy from Afghan soil, not schools"),
    "russia": (0.2, "seed 000 ¶3: Moscow engages for the ISKP threat near its borders"),
    "iran": (0.3, "seed 002 ¶5: instability on Iran's border; seed 004 ¶5 its own threats"),
    "uzbekistan": (0.2, "seed 002 ¶5: concern over extremists entering from Afghan territory"),
    "tajikistan": (0.2, "seed 002 ¶5: concern over extremists entering from Afghan territory"),
    "united_states": (
        0.7,
        "seed 003 ¶4 names girls' education the sharpest divergence and seed 003 ¶7 women's groups pressing "
        "Washington; seed 003 ¶3 keeps counter-terrorism in view",
    ),
    "india": (0.5, "no text weighs India's benchmarks (seed 001 ¶2 speaks of trade): even weights"),
    "qatar": (0.5, "no text weighs Qatar's benchmarks: even weights"),
    "uae": (0.5, "no text weighs the UAE's benchmarks: even weights"),
    "turkey": (0.5, "no text weighs Turkey's benchmarks: even weights"),
}


def benchmark_params():
    params = []
    for k, (weight, why) in BENCHMARK_SCHOOLS_WEIGHT.items():
        params.append(
            assumption(
                f"{k}.benchmark_schools_weight",
                weight,
                max(0.0, weight - 0.2),
                min(1.0, weight + 0.2),
                f"weight {k} gives girls' secondary schools, against counter-terrorism, in judging the benchmarks",
                f"{why}; the size is a guess",
            )
        )
        params.append(
            assumption(
                f"{k}.benchmark_bar",
                0.75,
                0.55,
                0.95,
                f"weighted score of the benchmarks (0-1) {k} needs to judge them met",
                "a guess: above the weight of either benchmark alone for a state weighing both evenly",
            )
        )
    return tuple(params)


@rule(
    "states.benchmarks_met",
    statement="Each conditional recogniser judges the benchmarks (girls' secondary schools open, the TTP sanctuary "
    "below the counter-terrorism threshold) for itself, weighing them by its own interests and reading them with "
    "its own noise: Islamabad looks to the TTP, Washington to the schools.",
    sources=("seed 000 ¶2-3", "seed 002 ¶10", "seed 002 ¶12", "seed 003 ¶4", "seed 003 ¶7", "seed 001 ¶3"),
    params=benchmark_params()
    + (
        assumption(
            "states.benchmark_noise",
            0.1,
            0.0,
            0.25,
            "standard deviation of a state's monthly misreading of the benchmark score",
            "reports from Afghanistan are partial and contested (seed 002 ¶4 against seed 003 ¶3 on sanctuary); "
            "a guess",
        ),
    ),
)
def benchmarks_met(ctx, actor):
    return reads_benchmarks(ctx, actor.key)


def reads_benchmarks(ctx, k):
    """Whether state ``k`` judges the benchmarks met this month, by its own weights, bar and reading."""
    p, t = ctx.p, ctx.prev.taliban
    weight = p[f"{k}.benchmark_schools_weight"]
    counter_terrorism = (t.sanctuary < p["states.benchmark_sanctuary"]).astype(np.float64)
    score = weight * t.girls_schools_open + (1.0 - weight) * counter_terrorism
    return score + p["states.benchmark_noise"] * ctx.normal(f"benchmarks.{k}") > p[f"{k}.benchmark_bar"]


@rule(
    "states.drops_conditions",
    statement="A conditional recogniser may break ranks and recognise on its own terms, as Russia did in July 2025, "
    "the more readily the more states already recognise, once it wishes to recognise; having dropped its "
    "conditions it does not take them up again (an assumption).",
    sources=("seed 000 ¶3", "seed 002 ¶11", "seed 002 ¶12"),
    params=(
        assumption(
            "states.defection_rate",
            0.02,
            0.0,
            0.08,
            "monthly chance a conditional state that wishes to recognise drops its conditions, when every other "
            "state recognises (scaled by the share that does)",
            "seed 002 ¶11 fears Russia's step erodes the common position; seed 000 ¶3 expects others to follow; "
            "the pace is a guess",
        ),
    ),
)
def drops_conditions(ctx, actor, wish):
    """1 where the state has dropped its conditions (it stays so), else 0."""
    k = actor.key
    prev = getattr(ctx.prev, k).defected
    others = (ctx.recognising_count - (ctx.prev_relation[k] == RECOGNITION)) / max(len(ctx.prev_relation) - 1, 1)
    wants = wish > RECOGNITION - 1 + 0.5 + ctx.p["states.hysteresis"]
    drops = wants & (ctx.uniform(f"defection.{k}") < ctx.p["states.defection_rate"] * others)
    return np.maximum(prev, drops.astype(np.float64))


# the donors whose judgement of the benchmarks lifts sanctions: Washington leads the sanctions regime
SANCTIONS_JUDGE = "united_states"


@rule(
    "states.sanctions_policy",
    statement="Where policy offers sanctions relief against the benchmarks (a lever of its own, apart from "
    "recognition), the sanctions the donors set fall by that share in months when Washington, leading the "
    "sanctions regime, judges the benchmarks met; the donors' sanctions then follow that policy at their own pace.",
    sources=("seed 003 ¶7", "seed 000 ¶3", "seed 002 ¶10"),
)
def sanctions_policy(ctx, levers):
    """The levers as the donors apply them this month: ``sanctions`` lowered by the relief where it is earned."""
    relief = levers.sanctions_relief
    if relief == 0.0:
        return levers  # nothing offered: the scenario's levers as they are
    met = reads_benchmarks(ctx, SANCTIONS_JUDGE).astype(np.float64)
    return dataclasses.replace(levers, sanctions=levers.sanctions * (1.0 - relief * met))


class StateActor(Actor):
    """A state with a relation to Kabul.

    ``motives`` is the state's own rule computing its wished-for level (usually via ``desire``); ``stakes``, where
    set, its rule for the impetus its own business on the ground adds each month; ``preconditions``, where set, its
    rule for the preparatory stages its own law adds to a rung and the pace at which they are done.
    """

    # stepped: 1 in a month the state climbed a rung; impetus: what recent triggers add to its pace;
    # offer: the strength of the conditional recognition it offers (0 where it makes none)
    # defected: 1 once a conditional recogniser has dropped its conditions
    initial_state = {"relation": 0.0, "momentum": 0.0, "stepped": 0.0, "impetus": 0.0, "offer": 0.0, "defected": 0.0}
    motives = None
    stakes = None
    preconditions = None

    def act(self, ctx):
        wish = self.motives(ctx, self)
        if self.key in ctx.levers.conditional:
            self.state.defected = drops_conditions(ctx, self, wish)
        self.state.offer = conditional_offer(ctx, self, wish)
        level, self.state.momentum, self.state.impetus = relation_ladder(ctx, self, wish)
        self.state.stepped = (level > ctx.prev_relation[self.key]).astype(np.float64)
        self.state.relation = level
