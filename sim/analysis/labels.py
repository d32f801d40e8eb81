"""Human names for outcomes and their units, for sentences, tables and chart titles.

The words are declared once, on each outcome (``Outcome.label`` and ``Outcome.article`` in
sim/model/outcomes.py); this module only puts them together.  ``outcome_words`` is the label as a title or a
table shows it ("opium economy"), ``outcome_label`` the same words as they run in a sentence, with the declared
article ("Recognition lowers the opium economy").
"""

from __future__ import annotations

from sim.model.outcomes import OUTCOME
from sim.model.rules import PARAMS

# how a replication's months become the number in the tables, as a unit suffix
_PER = {"annual": " per year", "mean": ", mean over the horizon", "final": ", at the end", "share": ""}


def outcome_words(name: str) -> str:
    """The outcome's words, as a title, a table or an axis shows them: 'TTP's sanctuary in Afghanistan'."""
    o = OUTCOME.get(name)
    return o.label if o is not None else name.replace("_", " ")


def outcome_label(name: str) -> str:
    """The outcome's words in running text, with their article: 'the TTP's sanctuary in Afghanistan'."""
    o = OUTCOME.get(name)
    if o is None:
        return name.replace("_", " ")
    return f"{o.article} {o.label}" if o.article else o.label


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def outcome_unit(name: str) -> str:
    """The unit of the number a table or an effect's axis shows for one replication, e.g. 'deaths per year',
    'share of months', '0-1, mean over the horizon'."""
    o = OUTCOME[name]
    if o.summary == "share":
        return "share of months"
    if o.summary == "annual" and o.unit.startswith("months with"):
        return f"{o.unit} per year"
    return f"{o.unit}{_PER[o.summary]}"


def series_unit(name: str, yearly_flows: bool = True) -> str:
    """The unit of a monthly series on a time axis, which is not a replication's number: a flow is the total
    of the last twelve months (``yearly_flows``, as the report's fan charts draw it) or of the month itself."""
    o = OUTCOME[name]
    if o.binary:
        return "share of futures"
    if o.summary == "annual":
        return f"{o.unit}, last 12 months" if yearly_flows else f"{o.unit} a month"
    return o.unit


def outcome_title(name: str) -> str:
    """'Deaths in Pakistan (deaths per year)'."""
    return f"{capitalised(outcome_words(name))} ({outcome_unit(name)})"


def better_direction(name: str) -> str:
    return OUTCOME[name].better


def param_labels() -> dict:
    """Parameter name -> its meaning from the rulebook (importing the actors registers every parameter)."""
    import sim.model.actors  # noqa: F401
    return {name: p.meaning for name, p in PARAMS.items()}


# how each kind of summary names its unit: over the horizon (short, for a column), and within one year
UNIT_PHRASES = {
    "annual": ("{unit} a year", "{unit} in the year"),
    "share": ("share of months", "share of the year's months"),
    "final": ("{unit} at the end", "{unit} at the end of the year"),
}
MEAN_PHRASES = ("{unit}", "{unit}, the year's mean")


def short_unit(name: str, within_year: bool = False) -> str:
    """The unit of a replication's summary number, short enough for a column: 'deaths a year', 'fighters at
    the end', 'share of months', '0-1'; ``within_year``: of one year's figure ('deaths in the year', '0-1, the
    year's mean')."""
    o = OUTCOME[name]
    return UNIT_PHRASES.get(o.summary, MEAN_PHRASES)[within_year].format(unit=o.unit)


def outcome_row_label(name: str) -> str:
    """'Deaths in Pakistan (deaths a year)', for the rows of the answer's table."""
    words = outcome_words(name)
    return f"{capitalised(words)} ({short_unit(name)})"
