"""The outcomes an analyst reads: stable column names, units, and how each is summarised per replication.

Each outcome is a small named reporter of the model's state in a month.  The
``summary`` says how a replication's months become one number for the tables:
``annual`` (mean yearly total, for flows), ``mean`` (average level), ``final``
(level in the last month), ``share`` (share of months in which it holds).

A row dated with a month holds the state at the end of that month: the first
row of a run is the world after its first monthly step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Outcome:
    name: str
    unit: str
    summary: str
    description: str
    reporter: Callable
    integer: bool = False
    # "fan": quantiles across replications; "mean": the mean alone, for 0/1 states and rare counts,
    # whose quantiles would only jump between whole numbers
    chart: str = "fan"
    # which way is better for the people of the region: "lower", "higher", or "" where no side is better
    # (a relation level or the influence balance is a position, not a welfare outcome)
    better: str = ""

    @property
    def binary(self) -> bool:
        return self.unit == "0/1" and self.summary == "share"


def _relation(key):
    return lambda m: m.actors[key].state.relation


def _build():
    from sim.actors import STATES
    from sim.actors.states import RECOGNITION

    outcomes = [
        Outcome(
            "attacks_pakistan",
            "attacks",
            "annual",
            "militant attacks inside Pakistan that month",
            lambda m: m.ttp.state.attacks,
            integer=True,
            better="lower",
        ),
        Outcome(
            "deaths_pakistan",
            "deaths",
            "annual",
            "people killed in those attacks that month",
            lambda m: m.ttp.state.deaths,
            integer=True,
            better="lower",
        ),
        Outcome("ttp_fighters", "fighters", "final", "TTP fighters", lambda m: m.ttp.state.fighters, better="lower"),
        Outcome(
            "ttp_sanctuary",
            "0-1",
            "mean",
            "sanctuary the TTP enjoys in Afghanistan",
            lambda m: m.taliban.state.sanctuary,
            better="lower",
        ),
        Outcome(
            "pragmatist_influence",
            "0-1",
            "mean",
            "influence of Taliban pragmatists against the Kandahar hard-liners",
            lambda m: m.taliban.state.pragmatist,
            better="higher",
        ),
        Outcome(
            "girls_schools_open",
            "0/1",
            "share",
            "girls' secondary schools open",
            lambda m: m.taliban.state.girls_schools_open,
            integer=True,
            chart="mean",
            better="higher",
        ),
        Outcome(
            "humanitarian_need",
            "million people",
            "mean",
            "people in humanitarian need (tracker: UN OCHA, Humanitarian Needs and Response Plan)",
            lambda m: m.population.state.humanitarian_need,
            better="lower",
        ),
        Outcome(
            "population",
            "million people",
            "mean",
            "people living in Afghanistan (tracker: UN World Population Prospects, World Bank)",
            lambda m: m.population.state.population,
        ),
        Outcome(
            "aid_delivered",
            "index, 2024 = 1",
            "mean",
            "humanitarian aid reaching people, against the funding of 2024",
            lambda m: m.international.state.aid_delivered,
            better="higher",
        ),
        Outcome(
            "aid_funding",
            "US$ million",
            "annual",
            "humanitarian funding for Afghanistan received that month (tracker: OCHA Financial Tracking Service)",
            lambda m: m.international.state.funding,
            better="higher",
        ),
        Outcome(
            "appeal_coverage",
            "0-1",
            "mean",
            "share of the UN humanitarian appeal covered at that month's rate of funding (tracker: OCHA Financial "
            "Tracking Service)",
            lambda m: m.international.state.coverage,
            better="higher",
        ),
        Outcome(
            "gdp_per_capita",
            "index, 2024 = 1",
            "mean",
            "real GDP per head, opium left out (tracker: World Bank, Afghanistan Development Update)",
            lambda m: m.population.state.gdp_per_capita,
            better="higher",
        ),
        Outcome(
            "refugee_flows",
            "thousand people",
            "annual",
            "people leaving Afghanistan that month",
            lambda m: m.population.state.refugee_outflow,
            better="lower",
        ),
        Outcome(
            "refugee_returns",
            "thousand people",
            "annual",
            "Afghans returned or deported from Iran and Pakistan that month (tracker: IOM and UNHCR border monitoring)",
            lambda m: m.iran.state.returns + m.pakistan.state.returns,
            better="lower",
        ),
        Outcome(
            "returns_from_iran",
            "thousand people",
            "annual",
            "Afghans returned or deported from Iran that month (tracker: IOM border monitoring, UNHCR)",
            lambda m: m.iran.state.returns,
            better="lower",
        ),
        Outcome(
            "returns_from_pakistan",
            "thousand people",
            "annual",
            "Afghans returned or deported from Pakistan that month (tracker: IOM-UNHCR flash updates)",
            lambda m: m.pakistan.state.returns,
            better="lower",
        ),
        Outcome(
            "drug_economy",
            "index, 2025 = 1",
            "mean",
            "size of the opium economy, poppy cultivation (tracker: UNODC Afghanistan Opium Survey)",
            lambda m: m.population.state.drug_economy,
            better="lower",
        ),
        Outcome(
            "recognising_states",
            "states",
            "final",
            "states formally recognising the Taliban government",
            lambda m: sum((m.actors[k].state.relation == RECOGNITION) for k in STATES),
            integer=True,
        ),
        Outcome(
            "clash_pakistan_afghanistan",
            "months with a clash",
            "annual",
            "1 in a month with an armed interstate clash, else 0",
            lambda m: m.pakistan.state.clash,
            integer=True,
            chart="mean",
            better="lower",
        ),
        Outcome(
            "clash_risk",
            "chance a month",
            "mean",
            "monthly chance of an armed interstate clash between Pakistan and Afghanistan",
            lambda m: m.pakistan.state.clash_risk,
            # it jumps in months with strikes, so bands across replications would only flicker
            chart="mean",
            better="lower",
        ),
        Outcome(
            "civil_war",
            "0/1",
            "share",
            "civil war that month",
            lambda m: m.resistance.state.civil_war,
            integer=True,
            chart="mean",
            better="lower",
        ),
        Outcome(
            "iskp_external_capacity",
            "0-1",
            "mean",
            "ISKP capacity to strike abroad",
            lambda m: m.iskp.state.capacity,
            better="lower",
        ),
        Outcome(
            "iskp_attacks_abroad",
            "attacks",
            "annual",
            "1 in a month with an ISKP mass-casualty attack outside Afghanistan, else 0",
            lambda m: m.iskp.state.attack_abroad,
            integer=True,
            chart="mean",
            better="lower",
        ),
        Outcome(
            "influence_balance",
            "-1..1",
            "mean",
            "US relation level minus the mean of China, Russia and Iran, over four",
            lambda m: (
                (
                    m.united_states.state.relation
                    - (m.china.state.relation + m.russia.state.relation + m.iran.state.relation) / 3.0
                )
                / 4.0
            ),
        ),
    ]
    outcomes += [
        Outcome(
            f"relation_{k}",
            "0-4",
            "final",
            f"relation of {k} with Kabul (0 none, 1 channels, 2 missions, 3 ambassadors, 4 recognition)",
            _relation(k),
            integer=True,
        )
        for k in STATES
    ]
    return tuple(outcomes)


OUTCOMES: tuple[Outcome, ...] = _build()
OUTCOME_NAMES = tuple(o.name for o in OUTCOMES)
OUTCOME_INDEX = {o.name: i for i, o in enumerate(OUTCOMES)}
