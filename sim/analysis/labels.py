"""Human names for outcomes and their units, for sentences, tables and chart titles.

Each name is a noun phrase that reads after "lowers" or "raises" ("Recognition lowers deaths in
Pakistan"), so sentences can be generated from the numbers.
"""

from __future__ import annotations

from sim.model.outcomes import OUTCOMES

_OUTCOME = {o.name: o for o in OUTCOMES}

OUTCOME_LABELS = {
    "attacks_pakistan": "attacks in Pakistan",
    "deaths_pakistan": "deaths in Pakistan",
    "ttp_fighters": "TTP strength",
    "ttp_sanctuary": "the TTP's sanctuary in Afghanistan",
    "pragmatist_influence": "the Taliban pragmatists' influence",
    "girls_schools_open": "the time girls' secondary schools are open",
    "humanitarian_need": "humanitarian need",
    "aid_delivered": "aid reaching people",
    "refugee_flows": "refugee outflow",
    "refugee_returns": "returns from Iran and Pakistan",
    "returns_from_iran": "returns from Iran",
    "returns_from_pakistan": "returns from Pakistan",
    "drug_economy": "the opium economy",
    "population": "Afghanistan's population",
    "aid_funding": "humanitarian funding",
    "appeal_coverage": "the UN appeal's coverage",
    "gdp_per_capita": "income per head",
    "recognising_states": "the number of states recognising Kabul",
    "clash_pakistan_afghanistan": "Pakistan-Afghanistan clashes",
    "civil_war": "the time in civil war",
    "iskp_external_capacity": "ISKP's capacity to strike abroad",
    "influence_balance": "US influence against China, Russia and Iran",
    "escalation_pakistan_afghanistan": "Pakistan-Afghanistan escalation",
    "iskp_attacks_afghanistan": "ISKP attacks inside Afghanistan",
    "afghan_civilian_casualties": "civilian casualties in Afghanistan",
}

STATE_NAMES = {
    "pakistan": "Pakistan",
    "russia": "Russia",
    "united_states": "the United States",
    "china": "China",
    "iran": "Iran",
    "india": "India",
    "uzbekistan": "Uzbekistan",
    "tajikistan": "Tajikistan",
    "qatar": "Qatar",
    "uae": "the UAE",
    "turkey": "Turkey",
}

# how a replication's months become the number in the tables, as a unit suffix
_PER = {"annual": " per year", "mean": ", mean over the horizon", "final": ", at the end", "share": ""}


def outcome_label(name: str) -> str:
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name]
    if name.startswith("relation_"):
        state = name.removeprefix("relation_")
        return f"{STATE_NAMES.get(state, state.replace('_', ' ').title())}'s relation with Kabul"
    return name.replace("_", " ")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def outcome_unit(name: str) -> str:
    """The unit of the number a table shows for one replication, e.g. 'deaths per year', 'share of months'."""
    o = _OUTCOME[name]
    if o.summary == "share":
        return "share of months"
    if o.summary == "annual" and o.unit.startswith("months with"):
        return f"{o.unit} per year"
    return f"{o.unit}{_PER[o.summary]}"


def outcome_title(name: str) -> str:
    """'Deaths in Pakistan (deaths per year)'."""
    return f"{capitalised(outcome_label(name))} ({outcome_unit(name)})"


def better_direction(name: str) -> str:
    return _OUTCOME[name].better


# short human names of outcomes, for titles and sentences ("raises deaths in Pakistan")
OUTCOME_WORDS = {
    "attacks_pakistan": "attacks in Pakistan",
    "deaths_pakistan": "deaths in Pakistan",
    "ttp_fighters": "TTP strength",
    "ttp_sanctuary": "TTP sanctuary in Afghanistan",
    "pragmatist_influence": "Taliban pragmatists' influence",
    "girls_schools_open": "time girls' secondary schools are open",
    "humanitarian_need": "humanitarian need",
    "aid_delivered": "aid reaching people",
    "refugee_flows": "refugee outflow",
    "refugee_returns": "returns from Iran and Pakistan",
    "returns_from_iran": "returns from Iran",
    "returns_from_pakistan": "returns from Pakistan",
    "drug_economy": "opium economy",
    "population": "Afghanistan's population",
    "aid_funding": "humanitarian funding",
    "appeal_coverage": "UN appeal coverage",
    "gdp_per_capita": "income per head",
    "recognising_states": "states recognising Kabul",
    "clash_pakistan_afghanistan": "Pakistan-Afghanistan clashes",
    "civil_war": "time in civil war",
    "iskp_external_capacity": "ISKP capacity to strike abroad",
    "influence_balance": "US influence against China, Russia and Iran",
    "escalation_pakistan_afghanistan": "Pakistan-Afghanistan escalation",
    "iskp_attacks_afghanistan": "ISKP attacks inside Afghanistan",
    "afghan_civilian_casualties": "civilian casualties in Afghanistan",
}



def outcome_words(name: str) -> str:
    return OUTCOME_WORDS.get(name, name.replace("_", " "))



def param_labels() -> dict:
    """Parameter name -> its meaning from the rulebook (importing the actors registers every parameter)."""
    import sim.model.actors  # noqa: F401
    from sim.model.rules import PARAMS

    return {name: p.meaning for name, p in PARAMS.items()}


def axis_unit(name: str) -> str:
    """The unit of a replication's summary number, as a chart axis reads it."""
    o = _OUTCOME[name]
    if o.summary == "annual":
        return f"{o.unit} per year"
    if o.summary == "share":
        return "share of months"
    return o.unit


def short_unit(name: str) -> str:
    """The unit of a replication's summary number, short enough for a column: 'deaths a year', 'fighters at
    the end', 'share of months', '0-1'."""
    o = _OUTCOME[name]
    if o.summary == "annual":
        return f"{o.unit} a year"
    if o.summary == "share":
        return "share of months"
    if o.summary == "final":
        return f"{o.unit} at the end"
    return o.unit


def outcome_row_label(name: str) -> str:
    """'Deaths in Pakistan (deaths a year)', for the rows of the answer's table."""
    words = OUTCOME_WORDS.get(name) or outcome_label(name)
    return f"{capitalised(words)} ({short_unit(name)})"
