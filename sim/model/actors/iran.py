"""Iran: close contacts with Kabul and instability on its border."""

from __future__ import annotations

import numpy as np

from sim.model.actors.states import StateActor, desire, relation_params
from sim.model.rules import assumption, rule


@rule(
    "iran.guards_its_border",
    statement="Tehran keeps close contacts with Kabul (seed 003 ¶6) while groups sheltered in Afghanistan threaten "
    "Iran and instability grows on its border (seed 002 ¶4-5). How the threat moves its wish for ties is left to "
    "`iran.engages_against_threat`.",
    sources=("seed 002 ¶5", "seed 003 ¶6", "seed 002 ¶4"),
    params=relation_params(
        "iran",
        base=3.0,
        threat=0.5,
        follow=0.8,
        rights=0.0,
        why="calibrated to ambassador-level ties without recognition in mid-2025 (public record: "
        "Tehran handed the Afghan embassy to Taliban diplomats in 2023; "
        "seed 003 ¶6 reports only close contacts)",
        calibrated={
            "base_desire": (2.27, 3.91),
            "threat_response": (0.0, 1.0),
            "follow_peers": (0.0, 2.0),
            "rights_weight": (0.0, 1.62),
        },
    ),
)
def guards_its_border(ctx, actor):
    return desire(ctx, actor) + engages_against_threat(ctx)


@rule(
    "iran.engages_against_threat",
    statement="An extension, off by default: Tehran answers the ISKP threat by seeking closer ties with Kabul. Seed "
    "002 ¶4-5 report the threat to Iran, not how Tehran answers it, and the history match of Iran's record leaves a "
    "response of zero plausible.",
    sources=("seed 002 ¶4-5",),
    basis="extension",
)
def engages_against_threat(ctx):
    return ctx.p["iran.threat_response"] * ctx.prev.iskp.capacity


@rule(
    "iran.deports_afghans",
    statement="Outside the texts (IOM and UNHCR border monitoring): Tehran sends back a steady flow of undocumented "
    "Afghans, and once the newcomers since the takeover pass what it tolerates it turns to mass deportation, which "
    "then stays; seed 002 ¶8 counts large movements of people among the burdens of instability on the neighbours, "
    "seed 002 ¶5 the instability on Iran's border.",
    sources=("seed 002 ¶8", "seed 002 ¶5"),
    params=(
        assumption(
            "iran.returns_before_campaign",
            60.0,
            35.0,
            90.0,
            "thousand Afghans returned or deported from Iran a month before a mass campaign",
            "IOM border monitoring: over a million returned from Iran in 2021 and some 0.6-0.9 million a year in "
            "2022-23, most of them young men deported or going back and forth for work",
        ),
        assumption(
            "iran.share_of_outflow",
            0.65,
            0.5,
            0.8,
            "share of the Afghans leaving Afghanistan who go to Iran",
            "UNHCR, Afghanistan situation updates (2022): most of the new arrivals since 2021 went to Iran",
        ),
        assumption(
            "iran.newcomer_tolerance",
            400.0,
            200.0,
            1000.0,
            "thousand Afghans arrived since the takeover (net of returns) that Tehran bears before a mass campaign",
            "Iran counted about 2.6 million undocumented Afghans in its headcount of 2022 and began mass deportations "
            "in 2024 (IOM, UNHCR); the threshold is a guess",
        ),
        assumption(
            "iran.campaign_trigger",
            0.1,
            0.02,
            0.3,
            "monthly chance of a mass campaign per unit of newcomers above the tolerance (relative)",
            "set so that the campaign comes about two to three years after the takeover, as it did (Tehran announced "
            "the expulsion of undocumented Afghans in autumn 2023; IOM counted 1.2 million returns in 2024); a guess",
        ),
        assumption(
            "iran.campaign_share",
            0.03,
            0.01,
            0.07,
            "share of the Afghans without papers in Iran sent back a month during a mass campaign, on top of the "
            "steady flow",
            "IOM: 1.2 million returned from Iran in 2024, two thirds deported; OCHA: 1.2 million from January to 19 "
            "July 2025, after the headcount slips expired in March 2025; of about 2.5-3 million without papers",
        ),
    ),
)
def deports_afghans(ctx):
    """(mass campaign on 0/1, thousand Afghans returned from Iran this month, of them sent back by the campaign)."""
    p, ir = ctx.p, ctx.prev.iran
    excess = np.maximum(ir.newcomers / p["iran.newcomer_tolerance"] - 1.0, 0.0)
    deporting = (ir.deporting > 0.5) | (ctx.uniform("iran.deportation") < p["iran.campaign_trigger"] * excess)
    # a security shock starts a campaign where none runs (iran.expels_after_security_shock)
    deporting = deporting | (ir.security_surge > 0.5)
    # a campaign, and a security surge on top of it, send back a share of those without papers, never more than
    # there are
    share = deporting * p["iran.campaign_share"] + p["iran.shock_expulsion_share"] * ir.security_surge
    campaign = np.minimum(share, 1.0) * np.maximum(ir.undocumented, 0.0)
    return deporting.astype(np.float64), p["iran.returns_before_campaign"] + campaign, campaign


@rule(
    "iran.expels_after_security_shock",
    statement="Outside the texts (IOM and UNHCR border monitoring, Iranian state media, June-July 2025): when Iran "
    "suffers a security shock, Tehran turns on the Afghans without papers as a security threat and expels a large "
    "share of them within weeks, on top of any campaign, which the shock starts if none runs; the surge fades "
    "over the next months. The only shock on the record to July 2025 is exogenous to the model, the war with "
    "Israel of 13-24 June 2025, which enters the hindcast as a dated event of the starting point "
    "(iran.months_to_security_shock), not in forward runs. Seed 002 ¶5 reports instability on Iran's border, "
    "seed 002 ¶8 large movements of people as a burden on the neighbours.",
    sources=("seed 002 ¶5", "seed 002 ¶8"),
    params=(
        assumption(
            "iran.shock_expulsion_share",
            0.2,
            0.1,
            0.3,
            "share of the Afghans without papers in Iran expelled in the month after a security shock, on top of the "
            "steady flow and any campaign",
            "IOM (reported by AFP, 30 Jun 2025): 233,941 returned from Iran on 1-28 June 2025, 131,912 of them in "
            "the week of 21-28 June, as the war ended, up to 30,000 a day; OCHA flash update (Jul 2025): 1.2 million "
            "from 1 January to 19 July, so some 0.5 million in the three weeks from 29 June against about 0.13 "
            "million a month before (UNHCR: 632,000 from January to May); Iranian authorities arrested Afghans "
            "accused of spying for Israel and framed the expulsions as security; of about 2.5 million without "
            "papers",
        ),
        assumption(
            "iran.shock_surge_decay",
            0.5,
            0.3,
            0.8,
            "monthly share of a security surge of expulsions that fades",
            "a guess: the record to July 2025 shows the surge's first weeks only",
        ),
    ),
)
def expels_after_security_shock(ctx):
    """(surge of expulsions, 0-1 of its height; months to the next security shock): the surge starts in the month
    after a shock and fades; the countdown runs down past zero, so a shock strikes once."""
    p, ir = ctx.p, ctx.prev.iran
    struck = ir.months_to_security_shock == 0.0
    surge = np.where(struck, 1.0, ir.security_surge * (1.0 - p["iran.shock_surge_decay"]))
    return surge, ir.months_to_security_shock - 1.0


def undocumented_afghans(ctx, campaign):
    """(Afghans without papers in Iran, newcomers since the takeover), thousand: arrivals in, a campaign's deportees
    out. The steady flow before a campaign is circular (most go back to Iran), so it leaves the number in Iran as
    it is."""
    ir = ctx.prev.iran
    # those who stay: the part of the takeover's flight sent back within months is in the steady flow
    arrivals = ctx.p["iran.share_of_outflow"] * ctx.prev.population.emigrants
    return ir.undocumented + arrivals - campaign, np.maximum(ir.newcomers + arrivals - campaign, 0.0)


class Iran(StateActor):
    key = "iran"
    label = "Iran"
    # returns: thousand Afghans returned from Iran a month, of them deported: sent back by a mass campaign (the rest
    # is the circular flow of workers who go back again); deporting: a mass campaign runs (0/1), as since 2024 in
    # the July 2025 state; undocumented: thousand Afghans without papers in Iran; newcomers: thousand arrived since
    # the takeover, net of a campaign's deportees; security_surge: expulsions after a security shock (0-1 of their
    # height); months_to_security_shock: months from the first step's month to a dated shock exogenous to the model
    # (the war with Israel of June 2025 from August 2021; negative: none to come, as in forward runs)
    initial_state = {
        "relation": 3.0,
        "returns": 135.0,
        "deported": 75.0,
        "deporting": 1.0,
        "undocumented": 2500.0,
        "newcomers": 0.0,
        "security_surge": 0.0,
        "months_to_security_shock": -1.0,
    }

    motives = guards_its_border

    def act(self, ctx):
        super().act(ctx)
        self.state.deporting, self.state.returns, self.state.deported = deports_afghans(ctx)
        self.state.security_surge, self.state.months_to_security_shock = expels_after_security_shock(ctx)
        self.state.undocumented, self.state.newcomers = undocumented_afghans(ctx, self.state.deported)
