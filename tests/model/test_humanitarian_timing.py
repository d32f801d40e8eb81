"""The opium decree held back by the takeover's collapse, Iran's expulsions after a security shock, and
Pakistan's campaign launched by a grievance that builds over months of violence.

Each rule is tested on its own, in the style of tests/model/test_mechanisms.py: one month's context from the July 2025
state, the rule's inputs changed, everything else held, and the rule's target compared.
"""

import numpy as np

from sim.config.plan import plan
from sim.model.actors import iran, pakistan, taliban
from sim.model.model import DiplomacyModel, Setup
from sim.model.outcomes import month_dates
from tests.model.test_mechanisms import month


def _decrees(shock, **params):
    ctx = month(params={"taliban.ban_rate": 0.3, **params}, population__economic_shock=shock, taliban__opium_ban=0,
                taliban__ban_months=0, taliban__ban_enforced=0, taliban__pragmatist=0.3)
    return taliban.bans_opium(ctx)[0].mean()


def test_the_takeover_collapse_holds_back_the_opium_decree():
    calm, collapse = _decrees(0.0), _decrees(1.0)
    assert calm > 0.2 and collapse < calm / 3.0  # at the full shock nine tenths of the chance is withheld
    assert _decrees(1.0, **{"taliban.ban_shock_restraint": 0.5}) > collapse
    assert _decrees(0.5) > collapse  # the restraint fades with the shock


def test_a_security_shock_starts_a_surge_of_expulsions_that_fades():
    struck = month(iran__months_to_security_shock=0, iran__security_surge=0)
    surge, countdown = iran.expels_after_security_shock(struck)
    assert (surge == 1).all() and (countdown == -1).all()
    after = month(iran__months_to_security_shock=-1, iran__security_surge=1)
    surge, countdown = iran.expels_after_security_shock(after)
    assert np.allclose(surge, 0.5) and (countdown == -2).all()
    quiet = month(iran__months_to_security_shock=-5, iran__security_surge=0)
    assert (iran.expels_after_security_shock(quiet)[0] == 0).all()
    # in the month after the shock Tehran expels a fifth of those without papers, and a campaign starts
    before = month(iran__deporting=0, iran__newcomers=0, iran__undocumented=2500, iran__security_surge=0)
    during = month(iran__deporting=0, iran__newcomers=0, iran__undocumented=2500, iran__security_surge=1)
    deporting, returns, deported = iran.deports_afghans(during)
    assert (deporting == 1).all() and np.allclose(deported, (0.03 + 0.2) * 2500)
    assert (iran.deports_afghans(before)[2] == 0).all()
    # never more than there are
    few = month(iran__deporting=1, iran__undocumented=10, iran__security_surge=1,
                params={"iran.shock_expulsion_share": 0.3, "iran.campaign_share": 0.07})
    assert (iran.deports_afghans(few)[2] <= 10).all()


def test_the_dated_shock_strikes_in_june_2025_in_the_hindcast_and_never_in_forward_runs():
    p = plan(["experiment=hindcast", "uncertainty=none", "replications=2",
              "experiment.hypotheses=[engagement_moderates]"])
    setup = p.cells[0].setup
    model = DiplomacyModel(Setup(**{**setup.__dict__, "months": 50}), 2)
    dates = month_dates(setup.start, 50)
    struck = []
    while model.month_index < 50:
        model.step()
        struck.append(float(model.iran.state.security_surge[0]))
    assert str(dates[struck.index(1.0)])[:7] == "2025-06"  # the war with Israel of 13-24 June 2025
    forward = DiplomacyModel(Setup(months=60), 4)
    forward.run()
    assert (forward.iran.state.security_surge == 0).all() and (forward.iran.state.months_to_security_shock < 0).all()


def test_pakistan_turns_on_the_refugees_after_months_of_violence_not_after_one():
    heavy = {"ttp__attacks": 2.0 * 54.0, "baloch__attacks": 0.0, "pakistan__deporting": 0}  # twice the 2023 monthly attacks
    first = month(pakistan__grievance=0.0, **heavy)
    deporting, wave, grievance = pakistan.deportation_campaign(first)
    assert np.allclose(grievance, 0.15 * 1.25)  # the excess over the tolerated 0.75 enters a sixth at a time
    sustained = month(pakistan__grievance=1.25, **heavy)
    assert pakistan.deportation_campaign(sustained)[0].mean() > 3.0 * deporting.mean()
    calm = month(pakistan__grievance=1.25, ttp__attacks=10.0, pakistan__deporting=0)
    assert (pakistan.deportation_campaign(calm)[2] < 1.25).all()  # the grievance fades once the violence does
    launched = pakistan.deportation_campaign(sustained)
    assert np.allclose(launched[1][launched[0] == 1], 170.0)  # a launch brings the first wave
