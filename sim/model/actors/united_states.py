"""The United States: no diplomats in Kabul since 2021, domestic pressure against normalisation, a shared ISKP enemy."""

from __future__ import annotations

import numpy as np

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import assumption, rule


@rule(
    "united_states.weighs_iskp_and_domestic_pressure",
    statement="Washington keeps its distance under pressure from women's groups and critics at home (seed 003 ¶7). "
    "Whether the shared ISKP enemy pulls it towards contact is left to `united_states.seeks_contact_against_iskp`.",
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
    return desire(ctx, actor) + seeks_contact_against_iskp(ctx)


@rule(
    "united_states.seeks_contact_against_iskp",
    statement="An extension, off by default: the ISKP threat pulls Washington towards contact with Kabul. Seed 003 "
    "¶3 argues that it should, ¶7 reports the administration weighing a harder line against the threats instead, "
    "and the history match of the US record leaves a response of zero plausible.",
    sources=("seed 003 ¶3", "seed 003 ¶7"),
    basis="extension",
)
def seeks_contact_against_iskp(ctx):
    return ctx.p["united_states.threat_response"] * ctx.prev.iskp.capacity


@rule(
    "united_states.shares_intelligence",
    statement="Intelligence sharing against ISKP needs a US presence in Kabul and a policy that allows it.",
    sources=("seed 003 ¶3",),
)
def shares_intelligence(ctx, relation):
    return ctx.levers.us_ct_sharing * (relation >= 2)


US_AID_BUDGET = assumption(
    "united_states.aid_budget_base",
    550.0,
    400.0,
    800.0,
    "US$ million a year of US humanitarian funding for Afghanistan before any cut, emergency appeals aside",
    "the US gave 43.9% of the humanitarian funding reported for Afghanistan in 2024, about $1.5 billion in all (OCHA "
    "Financial Tracking Service, as cited by ACAPS, Feb 2025); nearly $1 billion a year on average since 2021",
)


@rule(
    "united_states.questions_aid",
    statement="Washington is expected to question costly humanitarian funding seen as propping up Kabul (seed 003 ¶7). "
    "The model lets each new administration, on the US calendar of four-yearly inaugurations (January 2025, 2029, "
    "...), decide afresh whether to cut US humanitarian funding for Afghanistan, more likely while girls stay out of "
    "school; the decision holds for its term (the freeze of January 2025 and the end of all US humanitarian awards "
    "for Afghanistan in April 2025, outside the texts).",
    sources=("seed 003 ¶7",),
    params=(
        US_AID_BUDGET,
        assumption(
            "united_states.cut_chance",
            0.7,
            0.4,
            0.9,
            "chance that a new administration cuts US humanitarian funding for Afghanistan while girls' secondary "
            "schools are shut",
            "the administration inaugurated in January 2025 cut it (executive order of 20 Jan 2025); seed 003 ¶7 "
            "expected it to question the funding; one decision on the record, so the size is a guess",
        ),
        assumption(
            "united_states.cut_chance_schools_open",
            0.2,
            0.0,
            0.5,
            "chance of the same cut once girls' secondary schools have reopened",
            "seed 003 ¶7 ties the pressure at home to the regime's treatment of women; a guess",
        ),
        assumption(
            "united_states.cut_depth",
            0.95,
            0.7,
            1.0,
            "share of US humanitarian funding for Afghanistan stopped by the cut",
            "SIGAR, Apr 2025: every USAID humanitarian award for Afghanistan cut, save two small education programmes; "
            "State Department, 8 Apr 2025: all WFP funding for Afghanistan ended",
        ),
    ),
)
def questions_aid(ctx):
    """(cut in force 0/1, months to the next inauguration, US humanitarian budget in US$ million a year)."""
    p, us = ctx.p, ctx.prev.united_states
    inauguration = us.months_to_inauguration <= 0.0
    chance = np.where(
        ctx.prev.taliban.girls_schools_open > 0.5,
        p["united_states.cut_chance_schools_open"],
        p["united_states.cut_chance"],
    )
    decided = ctx.uniform("united_states.aid_cut") < chance
    cut = np.where(inauguration, decided, us.aid_cut > 0.5)
    months_to_inauguration = np.where(inauguration, 47.0, us.months_to_inauguration - 1.0)
    budget = p["united_states.aid_budget_base"] * (1.0 - p["united_states.cut_depth"] * cut)
    return cut.astype(np.float64), months_to_inauguration, budget

class UnitedStates(StateActor):
    key = "united_states"
    label = "United States"
    # aid_cut: the US has cut its humanitarian funding for Afghanistan (0/1; cut in the July 2025 state);
    # months_to_inauguration: months from the next month to the next US inauguration (January 2029 from July
    # 2025: the state's month is the first step's); aid_budget: US humanitarian funding, US$ million a year
    initial_state = {"relation": 1.0, "ct": 0.0, "aid_cut": 1.0, "months_to_inauguration": 42.0, "aid_budget": 27.5}

    motives = weighs_iskp_and_domestic_pressure

    def act(self, ctx):
        super().act(ctx)
        self.state.ct = shares_intelligence(ctx, self.state.relation)
        self.state.aid_cut, self.state.months_to_inauguration, self.state.aid_budget = questions_aid(ctx)
