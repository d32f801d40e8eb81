"""Each hypothesis reproduces the directions its own texts predict, with parameters sampled from their ranges.

The predictions are read from the texts (docs/hypotheses.md gives the paragraphs); each is asserted as a
probability over replications that the policy moves the outcome that way against the status quo, paired by
replication. A direction the model does not reproduce is listed in FINDINGS (and in docs/hypotheses.md) and
kept as a strict expected failure: it is a finding, and the test fails if the model starts to reproduce it.
"""

import numpy as np
import pytest

from sim.analysis import replication_summaries
from sim.configuration import plan
from sim.ensemble import run_cell
from sim.outcomes import OUTCOME_INDEX, OUTCOMES
from tests.sampled import sampled_parameters, with_sampled_parameters

REPLICATIONS = 400
THRESHOLD = 0.8

EM, LE, CL, RB = "engagement_moderates", "legitimacy_emboldens", "conditional_leverage", "regional_security_bargain"
VIOLENCE = ("attacks_pakistan", "deaths_pakistan", "ttp_fighters")

# hypothesis -> scenario -> {outcome: "+" raises, "-" lowers, "not -" does not lower}, against the status quo.
# Cells the texts do not predict (docs/hypotheses.md shows them as "·") are left out.
PREDICTIONS = {
    EM: {
        "isolation": {
            **dict.fromkeys(VIOLENCE, "+"),
            "girls_schools_open": "-",
            "humanitarian_need": "+",
            "iskp_external_capacity": "+",
        },
        "recognition": {
            **dict.fromkeys(VIOLENCE, "-"),
            "girls_schools_open": "+",
            "humanitarian_need": "-",
            "iskp_external_capacity": "-",
        },
        "us_normalisation": {**dict.fromkeys(VIOLENCE, "-"), "girls_schools_open": "+", "iskp_external_capacity": "-"},
        "us_hard_line": {
            **dict.fromkeys(VIOLENCE, "+"),
            "girls_schools_open": "-",
            "humanitarian_need": "+",
            "iskp_external_capacity": "+",
        },
        # seed 003 never speaks of strikes or the TTP: only the schools (coercion hardens, an extension) and the
        # clash risk every text accepts are predicted
        "pakistan_kinetic": {"girls_schools_open": "-", "clash_risk": "+"},
    },
    LE: {
        # isolation: seed 002 asks for accountability tied to recognition, and its ¶8 names hardship as a recruiting
        # ground, so the text pulls both ways on the TTP; it says nothing of border clashes
        "recognition": {
            **dict.fromkeys(VIOLENCE, "+"),
            "girls_schools_open": "-",
            "humanitarian_need": "+",
            "iskp_external_capacity": "+",
        },
        "conditional_recognition": {
            **dict.fromkeys(VIOLENCE, "-"),
            "girls_schools_open": "+",
            "iskp_external_capacity": "-",
        },
        "us_normalisation": {**dict.fromkeys(VIOLENCE, "+"), "iskp_external_capacity": "+"},
        # strikes as accountability: a labelled extension of seed 002 ¶11-12; the clash risk of strikes is the
        # reading of seed 001 ¶6 and seed 000 ¶1 that every view shares
        "pakistan_kinetic": {**dict.fromkeys(VIOLENCE, "-"), "clash_risk": "+"},
    },
    CL: {
        "isolation": {**dict.fromkeys(VIOLENCE, "+"), "humanitarian_need": "+"},
        # recognition: seed 002 ¶10 expects no reform from it, seed 000 ¶3 hopes for pragmatism; no direction
        "conditional_recognition": {
            **dict.fromkeys(VIOLENCE, "-"),
            "girls_schools_open": "+",
            "humanitarian_need": "-",
            "clash_risk": "-",
            "iskp_external_capacity": "-",
        },
        "joint_ct_front": {**dict.fromkeys(VIOLENCE, "-"), "clash_risk": "-"},
        # seed 000 never judges strikes: only the clash risk every text accepts
        "pakistan_kinetic": {"clash_risk": "+"},
    },
    RB: {
        "isolation": {**dict.fromkeys(VIOLENCE, "-"), "humanitarian_need": "+"},
        "recognition": {**dict.fromkeys(VIOLENCE, "+")},
        "conditional_recognition": {**dict.fromkeys(VIOLENCE, "-")},
        "us_normalisation": {**dict.fromkeys(VIOLENCE, "+")},
        "us_hard_line": {**dict.fromkeys(VIOLENCE, "-"), "humanitarian_need": "+"},
        "joint_ct_front": {**dict.fromkeys(VIOLENCE, "-"), "clash_risk": "-", "iskp_external_capacity": "-"},
        # seed 001 ¶3: the kinetic approach failed to address the threat, i.e. it does not lower it
        "pakistan_kinetic": {**dict.fromkeys(VIOLENCE, "not -"), "clash_risk": "+"},
    },
}

# (hypothesis, scenario, outcome) -> what the model does instead (see docs/hypotheses.md, "Findings")
KINETIC = (
    "with strike attrition drawn high in its range and grievance recruitment and retaliation (both assumptions) "
    "low, strikes wear the TTP down: escalation fails to lower violence in only about two thirds of parameter "
    "draws, not the 80% a verdict of failure (seed 001 ¶3) asks for"
)
# Deaths count the militants operations and strikes kill (the CRSS tracker), so strikes do not lower them even
# where they wear the TTP down, and under the US hard line the deaths of a larger war outweigh the weapons
# returned: those two cells hold now and are asserted like the others.
FINDINGS = {
    **{(RB, "pakistan_kinetic", o): KINETIC for o in ("attacks_pakistan", "ttp_fighters")},
}

CASES = [
    (h, s, o, d)
    for h, by_scenario in PREDICTIONS.items()
    for s, by_outcome in by_scenario.items()
    for o, d in by_outcome.items()
]


def _case(h, s, o, d):
    marks = ()
    if (h, s, o) in FINDINGS:
        marks = pytest.mark.xfail(strict=True, reason=f"finding: {FINDINGS[(h, s, o)]}")
    return pytest.param(h, s, o, d, marks=marks, id=f"{h}-{s}-{o}")


@pytest.fixture(scope="module")
def summaries():
    p = plan(["experiment=all_policies", f"replications={REPLICATIONS}"])
    draws = sampled_parameters(REPLICATIONS)
    return {
        (c.scenario.name, c.hypothesis.name): replication_summaries(
            run_cell(with_sampled_parameters(c.setup, draws), REPLICATIONS)
        )
        for c in p.cells
    }


def direction_probability(summaries, hypothesis, scenario, outcome, direction):
    """P(the policy moves the outcome the predicted way), paired by replication.

    For an outcome that is 0 or 1 each month (girls' schools) most replications tie; there the probability is
    taken among the replications the policy changes at all, and at least a tenth of them must change.
    """
    i = OUTCOME_INDEX[outcome]
    diff = summaries[(scenario, hypothesis)][i] - summaries[("status_quo", hypothesis)][i]
    if direction == "not -":  # the policy does not lower the outcome (ties count)
        return float((diff >= 0).mean())
    sign = 1.0 if direction == "+" else -1.0
    if OUTCOMES[i].binary:
        moved = diff != 0
        if moved.mean() < 0.1:
            return 0.0
        return float((sign * diff[moved] > 0).mean())
    return float((sign * diff > 0).mean())


@pytest.mark.parametrize("hypothesis,scenario,outcome,direction", [_case(*c) for c in CASES])
def test_hypothesis_reproduces_its_texts_direction(summaries, hypothesis, scenario, outcome, direction):
    prob = direction_probability(summaries, hypothesis, scenario, outcome, direction)
    assert prob >= THRESHOLD, f"P({scenario} moves {outcome} {direction} under {hypothesis}) = {prob:.2f}"


def test_every_hypothesis_predicts_for_most_policies():
    # conditional leverage's texts (seed 000 ¶2-3, seed 002 ¶10-12) predict for four of the seven policies
    for h, by_scenario in PREDICTIONS.items():
        assert len(by_scenario) >= 4, h
    assert all(d in ("+", "-", "not -") for *_, d in CASES)


def test_no_two_hypotheses_give_the_same_effects_for_any_policy(summaries):
    """No column is a copy of another: each policy's paired effect differs between every pair of hypotheses."""
    scenarios = sorted({s for s, _ in summaries} - {"status_quo"})
    hypotheses = list(PREDICTIONS)
    for s in scenarios:
        effects = {h: summaries[(s, h)] - summaries[("status_quo", h)] for h in hypotheses}
        for i, a in enumerate(hypotheses):
            for b in hypotheses[i + 1 :]:
                gap = np.abs(effects[a] - effects[b])[[OUTCOME_INDEX[o] for o in VIOLENCE]].mean(axis=1)
                assert (gap > 0).all(), (s, a, b)
