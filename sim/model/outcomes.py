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

import numpy as np

from sim.model.actors import ACTORS, STATES
from sim.model.actors.states import RECOGNITION


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
    # the one public series its record values come from (publisher; sim/model/data/ gives the documents), or "" for
    # the model's own quantities that no one counts
    tracker: str = ""
    # the bounds the outcome's meaning gives every month's value (None: unbounded on that side): counts are
    # never negative, shares and chances lie in 0-1, relation levels in 0-4
    lower: float | None = None
    upper: float | None = None
    # the outcome in words, the one name the report, the analyses' figures, the page and the command line show:
    # a noun phrase that reads after "lowers" or "raises" and, capitalised, as a title ("deaths in Pakistan")
    label: str = ""
    # "the" where running text needs an article before the label ("raises the opium economy"), else ""
    article: str = ""

    # the smallest change, in the summary's unit (a yearly figure for "annual"), that the report counts as a
    # change at all: an effect smaller than this is "no material change", neither better nor worse. Each is a
    # labelled assumption: a round figure near 5% of the status quo's level, or the smallest step an analyst
    # would act on; ``material_why`` gives the reason
    material: float = 0.0
    material_why: str = ""

    def __post_init__(self):
        if not self.label or self.label != self.label.strip():
            raise ValueError(f"outcome {self.name} needs a label: the words a reader sees for it")
        if self.article not in ("", "the"):
            raise ValueError(f"outcome {self.name}: article must be '' or 'the', got {self.article!r}")

    @property
    def binary(self) -> bool:
        return self.unit == "0/1" and self.summary == "share"

    def outside_bounds(self, values):
        """Boolean mask of the values (any array) outside the declared bounds; NaN counts as outside."""
        values = np.asarray(values, dtype=np.float64)
        out = np.isnan(values)
        if self.lower is not None:
            out |= values < self.lower
        if self.upper is not None:
            out |= values > self.upper
        return out


def _relation(key):
    return lambda m: m.actors[key].state.relation


def _build():
    state_label = {a.key: a.label for a in ACTORS}

    outcomes = [
        Outcome(
            "attacks_pakistan",
            "attacks",
            "annual",
            "militant attacks inside Pakistan that month: the TTP's and its allies' and the Baloch separatists' "
            "together (baloch_attacks counts the latter alone)",
            lambda m: m.ttp.state.attacks + m.baloch.state.attacks,
            integer=True,
            better="lower",
            tracker="PICSS (militant attacks in Pakistan)",
            lower=0.0,
            label="attacks in Pakistan",
            material=50,
            material_why="assumption: a round figure near 5% of the status quo's level (about 1,000 a year)",
        ),
        Outcome(
            "deaths_pakistan",
            "deaths",
            "annual",
            "people killed in militant violence in Pakistan that month, as the CRSS annual security reports count "
            "them: civilians, security personnel and militants killed in terror attacks and counter-terror "
            "operations (CRSS: 973 in 2022, 1,533 in 2023, 2,546 in 2024)",
            lambda m: m.ttp.state.deaths + m.baloch.state.deaths,
            integer=True,
            better="lower",
            tracker="CRSS (civilians, security personnel and militants killed)",
            lower=0.0,
            label="deaths in Pakistan",
            material=100,
            material_why="assumption: about 4% of the 2,546 deaths CRSS counted in 2024",
        ),
        Outcome(
            "baloch_attacks",
            "attacks",
            "annual",
            "attacks by Baloch separatist groups (BLA, BLF and the others of the BRAS alliance) in Pakistan that "
            "month, as PIPS counts attacks by Baloch nationalist insurgent groups (74 in 2021; 171 in Balochistan in "
            "2024, in its Pakistan Security Reports)",
            lambda m: m.baloch.state.attacks,
            integer=True,
            better="lower",
            tracker="PIPS (attacks by Baloch nationalist insurgent groups)",
            lower=0.0,
            label="Baloch separatist attacks",
            material=10,
            material_why="assumption: a round figure near 5% of the status quo's level (about 200 a year)",
        ),
        Outcome(
            "ttp_fighters",
            "fighters",
            "final",
            "TTP fighters",
            lambda m: m.ttp.state.fighters,
            better="lower",
            tracker="UN Security Council 1988 Monitoring Team",
            lower=0.0,
            label="TTP strength",
            material=500,
            material_why="assumption: a round figure near 5% of the status quo's level (about 10,000 fighters)",
        ),
        Outcome(
            "ttp_sanctuary",
            "0-1",
            "mean",
            "sanctuary the TTP enjoys in Afghanistan",
            lambda m: m.taliban.state.sanctuary,
            better="lower",
            tracker="UN Security Council 1988 Monitoring Team (in words, no series)",
            lower=0.0, upper=1.0,
            label="TTP's sanctuary in Afghanistan",
            article="the",
            material=0.05,
            material_why="assumption: a twentieth of the 0-1 scale",
        ),
        Outcome(
            "pragmatist_influence",
            "0-1",
            "mean",
            "influence of Taliban pragmatists against the Kandahar hard-liners",
            lambda m: m.taliban.state.pragmatist,
            better="higher",
            lower=0.0, upper=1.0,
            label="Taliban pragmatists' influence",
            article="the",
            material=0.05,
            material_why="assumption: a twentieth of the 0-1 scale",
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
            tracker="UNESCO",
            lower=0.0, upper=1.0,
            label="time girls' secondary schools are open",
            article="the",
            material=0.05,
            material_why="assumption: schools open some six months more or less in ten years",
        ),
        Outcome(
            "humanitarian_need",
            "million people",
            "mean",
            "people in humanitarian need, a share of the population (never more than it)",
            lambda m: m.population.state.humanitarian_need,
            better="lower",
            tracker="OCHA HNRP (people in need)",
            lower=0.0,
            label="humanitarian need",
            material=1.0,
            material_why="assumption: a million people, about 4% of the status quo's 23-35 million",
        ),
        Outcome(
            "population",
            "million people",
            "mean",
            "people living in Afghanistan",
            lambda m: m.population.state.population,
            tracker="UN World Population Prospects / World Bank WDI (population)",
            lower=0.0,
            label="Afghanistan's population",
            material=0.5,
            material_why="assumption: about 1% of the population",
        ),
        Outcome(
            "aid_delivered",
            "index, 2024 = 1",
            "mean",
            "humanitarian aid reaching people, against the funding of 2024",
            lambda m: m.international.state.aid_delivered,
            better="higher",
            tracker="OCHA FTS (funding received for the Afghanistan appeal)",
            lower=0.0,
            label="aid reaching people",
            material=0.05,
            material_why="assumption: 5% of the aid that reached people in 2024",
        ),
        Outcome(
            "aid_funding",
            "US$ million",
            "annual",
            "humanitarian funding for Afghanistan received that month, the US's included",
            lambda m: m.international.state.funding,
            better="higher",
            tracker="OCHA FTS (humanitarian funding received for Afghanistan)",
            lower=0.0,
            label="humanitarian funding",
            material=50,
            material_why="assumption: a round figure near 5% of the status quo's level (about US$ 1 billion a year)",
        ),
        Outcome(
            "appeal_coverage",
            "0-1",
            "mean",
            "share of the UN humanitarian appeal covered at that month's rate of funding",
            lambda m: m.international.state.coverage,
            better="higher",
            tracker="OCHA FTS (coverage of the Afghanistan HNRP)",
            lower=0.0, upper=1.0,
            label="UN appeal's coverage",
            article="the",
            material=0.02,
            material_why="assumption: two percentage points of the appeal, near 8% of the status quo's quarter",
        ),
        Outcome(
            "gdp_per_capita",
            "index, 2024 = 1",
            "mean",
            "real GDP per head, opium left out",
            lambda m: m.population.state.gdp_per_capita,
            better="higher",
            tracker="World Bank, Afghanistan Development Update (real GDP per capita)",
            lower=0.0,
            label="income per head",
            material=0.02,
            material_why="assumption: 2% of the 2024 income per head",
        ),
        Outcome(
            "refugee_flows",
            "thousand people",
            "annual",
            "people leaving Afghanistan for Iran and Pakistan that month, those sent back within months included "
            "(as the neighbours' counts of new arrivals include them); not the evacuation by air of August 2021 "
            "(to Qatar and the West), nor the circular flow of workers",
            lambda m: m.population.state.refugee_outflow,
            better="lower",
            tracker="UNHCR (Afghans newly arrived in neighbouring countries, on the host governments' estimates)",
            lower=0.0,
            label="refugee outflow",
            material=20,
            material_why="assumption: a round figure near 5% of the status quo's level (about 350 thousand a year)",
        ),
        Outcome(
            "refugee_returns",
            "thousand people",
            "annual",
            "Afghans returned or deported from Iran and Pakistan that month",
            lambda m: m.iran.state.returns + m.pakistan.state.returns,
            better="lower",
            tracker="IOM/UNHCR (border monitoring of returns from Iran and Pakistan)",
            lower=0.0,
            label="returns from Iran and Pakistan",
            material=50,
            material_why="assumption: a round figure near 3% of the status quo's level (about 1,500 thousand a year)",
        ),
        Outcome(
            "returns_from_iran",
            "thousand people",
            "annual",
            "Afghans returned or deported from Iran that month",
            lambda m: m.iran.state.returns,
            better="lower",
            tracker="IOM/UNHCR (border monitoring of returns from Iran)",
            lower=0.0,
            label="returns from Iran",
            material=50,
            material_why="assumption: a round figure near 4% of the status quo's level (about 1,200 thousand a year)",
        ),
        Outcome(
            "returns_from_pakistan",
            "thousand people",
            "annual",
            "Afghans returned or deported from Pakistan that month",
            lambda m: m.pakistan.state.returns,
            better="lower",
            tracker="IOM/UNHCR (returns from Pakistan, flash updates)",
            lower=0.0,
            label="returns from Pakistan",
            material=20,
            material_why="assumption: a round figure near 6% of the status quo's level (about 350 thousand a year)",
        ),
        Outcome(
            "drug_economy",
            "index, 2025 = 1",
            "mean",
            "size of the opium economy (poppy cultivation)",
            lambda m: m.population.state.drug_economy,
            better="lower",
            tracker="UNODC Afghanistan Opium Survey",
            lower=0.0,
            label="opium economy",
            article="the",
            material=0.05,
            material_why="assumption: 5% of the 2025 opium economy",
        ),
        Outcome(
            "recognising_states",
            "states",
            "final",
            "states formally recognising the Taliban government",
            lambda m: sum((m.actors[k].state.relation == RECOGNITION) for k in STATES),
            integer=True,
            tracker="states' foreign ministries (credentials accepted)",
            lower=0.0, upper=float(len(STATES)),
            label="number of states recognising Kabul",
            article="the",
            material=1,
            material_why="assumption: one state, the smallest change there is",
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
            tracker="dated border clashes in news reports (Dawn, Reuters)",
            lower=0.0, upper=1.0,
            label="Pakistan-Afghanistan clashes",
            material=0.25,
            material_why="assumption: one month with a clash more or less every four years",
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
            lower=0.0, upper=1.0,
            label="risk of a Pakistan-Afghanistan clash",
            article="the",
            material=0.01,
            material_why="assumption: one percentage point a month, near 5% of the status quo's level (about 0.2)",
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
            tracker="UNAMA (human-rights and security updates)",
            lower=0.0, upper=1.0,
            label="time in civil war",
            article="the",
            material=0.02,
            material_why="assumption: about two months in ten years",
        ),
        Outcome(
            "iskp_external_capacity",
            "0-1",
            "mean",
            "ISKP capacity to strike abroad",
            lambda m: m.iskp.state.capacity,
            better="lower",
            tracker="UN Security Council 1988 Monitoring Team (in words, no series)",
            lower=0.0, upper=1.0,
            label="ISKP's capacity to strike abroad",
            material=0.05,
            material_why="assumption: a twentieth of the 0-1 scale",
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
            tracker="UN Security Council 1988 Monitoring Team",
            lower=0.0, upper=1.0,
            label="ISKP attacks abroad",
            material=0.1,
            material_why="assumption: one attack abroad more or less in ten years",
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
            tracker="states' foreign ministries (derived from the relation levels)",
            lower=-1.0,
            upper=1.0,
            label="US influence against China, Russia and Iran",
            material=0.05,
            material_why="assumption: a fifth of one step of the US relation on the balance",
        ),
        Outcome(
            "escalation_pakistan_afghanistan",
            "0-4",
            "mean",
            "rung of the Pakistan-Afghanistan escalation ladder (0 calm, 1 border incident, 2 armed clash, "
            "3 strikes on cities, 4 break in relations)",
            lambda m: m.pakistan.state.escalation,
            integer=True,
            tracker="dated border incidents, clashes and strikes in news reports (Dawn, Reuters)",
            better="lower",
            lower=0.0,
            upper=4.0,
            label="Pakistan-Afghanistan escalation",
            material=0.1,
            material_why="assumption: a tenth of a rung of the ladder on average",
        ),
        Outcome(
            "iskp_events_afghanistan",
            "events",
            "annual",
            "events involving ISKP inside Afghanistan that month, as ACLED counts them: ISKP's attacks and the "
            "Taliban's raids on it and clashes with it alike, for ACLED's two actors of an event do not say who "
            "attacked (199 in 2022, 49 in 2023, in the EU Agency for Asylum's Country Guidance of May 2024); the "
            "UN's counts of ISKP attacks alone are lower",
            lambda m: m.iskp.state.home_attacks,
            integer=True,
            tracker="ACLED (events involving ISKP in Afghanistan, its attacks and the Taliban's raids on it)",
            better="lower",
            lower=0.0,
            label="Events involving ISKP inside Afghanistan",
            material=2,
            material_why="assumption: a round figure near 10% of the status quo's level, about 20 a year (the UN "
            "counted about 1.6 ISKP attacks a month in mid-2024)",
        ),
        Outcome(
            "afghan_civilian_casualties",
            "people",
            "annual",
            "civilians killed and injured in conflict inside Afghanistan that month, by every cause, as UNAMA counts "
            "them (3,774 from 15 Aug 2021 to 30 May 2023: 2,814 in IED attacks, ISKP's and unclaimed, 639 by "
            "explosive remnants of war, 148 in targeted killings, the rest otherwise; some 20-60 a month in its "
            "quarterly updates of 2024)",
            lambda m: m.iskp.state.civilian_casualties,
            integer=True,
            tracker="UNAMA (civilians killed and injured)",
            better="lower",
            lower=0.0,
            label="civilian casualties in Afghanistan",
            material=20,
            material_why="assumption: a round figure near 5% of the status quo's level (about 330 a year)",
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
            tracker="the two governments' foreign ministries (credentials, missions, envoys)",
            lower=0.0,
            upper=float(RECOGNITION),
            label=f"{state_label[k]}-Kabul relation",
            article="the",
            material=1.0,
            material_why="assumption: one rung of the ladder, the smallest change there is",
        )
        for k in STATES
    ]
    return tuple(outcomes)


OUTCOMES: tuple[Outcome, ...] = _build()
OUTCOME_NAMES = tuple(o.name for o in OUTCOMES)
OUTCOME_INDEX = {o.name: i for i, o in enumerate(OUTCOMES)}
OUTCOME = {o.name: o for o in OUTCOMES}


def month_dates(start: tuple[int, int], months: int) -> np.ndarray:
    """The first day of each month of a run that starts in ``start`` (year, month)."""
    first = np.datetime64(f"{start[0]:04d}-{start[1]:02d}", "M")
    return (first + np.arange(months)).astype("datetime64[D]")


def replication_summaries(record: np.ndarray) -> np.ndarray:
    """One number per outcome and replication: shape (outcomes, replications)."""
    months = record.shape[0]
    out = np.empty(record.shape[1:], dtype=np.float64)
    for i, o in enumerate(OUTCOMES):
        series = record[:, i, :].astype(np.float64)
        if o.summary == "annual":
            out[i] = series.sum(axis=0) * 12.0 / months
        elif o.summary in ("mean", "share"):
            out[i] = series.mean(axis=0)
        elif o.summary == "final":
            out[i] = series[-1]
        else:
            raise ValueError(f"unknown summary {o.summary!r} for outcome {o.name}")
    return out
