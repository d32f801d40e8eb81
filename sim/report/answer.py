"""The answer in words: levels and sizes first, on the terminal and at the head of report.md.

The numbers come from sim.analysis.effects (``distribution_table``, ``variance_parts``) as tables; this module
only words and lays them out. A level is the status quo's median with the band of 90% of futures; an effect is
a policy's outcome minus the status quo's in the same future, as a size with its band and the share of futures
in which it is a material improvement (at least the outcome's declared threshold, sim/model/outcomes.py).
"""

from __future__ import annotations

import calendar
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.effects import BAND, POOLED
from sim.analysis.labels import capitalised, outcome_label, outcome_row_label, outcome_title, short_unit
from sim.model.outcomes import OUTCOME

# the terminal shows at most this many lines of the answer; the run's own lines follow it
TERMINAL_LINES = 20
# the outcome names' column on the terminal; a longer name takes a second line
LABEL_WIDTH = 44


@dataclass
class AnswerTables:
    """What the answer says, as tables (sim.analysis.effects), and the run it is about."""

    levels: pd.DataFrame  # the baseline's summary per outcome: distribution_table over "value"
    effects: pd.DataFrame  # each policy's effect per outcome: distribution_table over "effect"
    outcomes: list
    baseline: str
    policies: list
    hypotheses: list
    labels: dict
    start: tuple
    months: int
    weights: dict | None = None  # the evidence weights, None when the worldviews count equally
    weights_how: str = ""
    uncertainty: str = "parameters"
    year_levels: pd.DataFrame | None = None  # as levels and effects, per year of the horizon ("year")
    year_effects: pd.DataFrame | None = None
    variance: pd.DataFrame | None = None  # variance_parts of each effect
    years: list = field(default_factory=list)


def number(x: float, signed: bool = False, whole: bool = False) -> str:
    """Three significant figures, thousands separated: 2,490; 0.0410; 24.0; +310 when ``signed``; ``whole``
    numbers (a count of states) without decimals."""
    if x is None or not np.isfinite(x):
        return "n/a"
    v = float(f"{x:.3g}")
    if v == 0:
        return "0"
    if whole or abs(v) >= 100:
        text = f"{v:,.0f}"
    else:
        # "#" keeps the trailing zeros of three significant figures (0.310, 24.0); tiny values stay positional
        text = f"{v:#.3g}" if abs(v) >= 1e-3 else np.format_float_positional(v, precision=3, fractional=False)
    return ("+" if signed and v > 0 else "") + text


def effect_number(x: float, name: str) -> str:
    """An effect, signed, to a tenth of the outcome's material threshold: +15 deaths, -0.005 on a 0-1 scale
    (three significant figures would show noise far below what counts)."""
    if x is None or not np.isfinite(x):
        return "n/a"
    o = OUTCOME[name]
    # a count at the end of the run (states, rungs) moves in whole steps
    step = 0 if o.integer and o.summary == "final" else int(np.floor(np.log10(o.material / 10.0)))
    v = round(float(x), -step)
    if v == 0:
        return "0"
    return f"{v:+,.{max(0, -step)}f}"


def band(row, name: str | None = None, level: str | None = None) -> str:
    """'2,490 [1,700, 3,600]': the median and the band of futures; an effect (``name`` given) signed to a
    tenth of the outcome's threshold; a ``level`` of a count at the end of the run in whole numbers."""
    if name is not None:
        f = lambda x: effect_number(x, name)  # noqa: E731
    else:
        whole = level is not None and OUTCOME[level].integer and OUTCOME[level].summary == "final"
        f = lambda x: number(x, whole=whole)  # noqa: E731
    return f"{f(row['median'])} [{f(row['low'])}, {f(row['high'])}]"


def probability(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.2f}"


def horizon_words(start: tuple, months: int) -> str:
    """'ten years from July 2025'."""
    span = f"{months // 12} years" if months % 12 == 0 else f"{months} months"
    span = {"1 years": "one year", "10 years": "ten years", "5 years": "five years", "2 years": "two years"}.get(
        span, span
    )
    return f"{span} from {calendar.month_name[int(start[1])]} {int(start[0])}"


def _row(table: pd.DataFrame, **match) -> dict | None:
    sub = table
    for k, v in match.items():
        sub = sub[sub[k] == v]
    return None if sub.empty else sub.iloc[0].to_dict()


def _pooling(t: AnswerTables) -> str:
    if len(t.hypotheses) < 2:
        return ""
    if t.weights:
        return "weighted by the evidence"
    return "each worldview counting equally"


def _improvement(row: dict, name: str) -> float:
    """P(material improvement), or for an outcome with no better side P(material rise)."""
    return row["p_material_improvement"] if OUTCOME[name].better else row["p_material_rise"]


# --- the terminal --------------------------------------------------------------------------------------------


def terminal_answer(t: AnswerTables, max_lines: int = TERMINAL_LINES) -> str:
    """The answer as the terminal shows it, in at most ``max_lines`` lines: per key outcome (a row) the
    status quo's level, then each policy's effect with its band and P(a material improvement)."""
    lo, hi = (f"{q:.0%}" for q in BAND)
    n = int(t.levels[t.levels["hypothesis"] == POOLED]["n"].max()) if not t.levels.empty else 0
    pooled = _pooling(t)
    base = t.labels.get(t.baseline, t.baseline)
    head = [
        f"ANSWER, {horizon_words(t.start, t.months)}: the level under {base}"
        + (" and each policy's effect on it" if t.policies else ""),
        f"median [{lo}, {hi}] over {n:,} futures" + (f" of {len(t.hypotheses)} worldviews, {pooled}" if pooled else "")
        + ("; P: share of futures with a material improvement" if t.policies else ""),
    ]
    # a long outcome name goes on two lines rather than widen every row
    names = {o: textwrap.wrap(outcome_row_label(o), LABEL_WIDTH) for o in t.outcomes}
    label_width = max(len(line) for o in t.outcomes for line in names[o]) + 2
    columns = [(f"{base}", "level [5%, 95%]", lambda o: _level_cell(t, o))]
    for s in t.policies:
        # the size and band left, P in a column of its own at the right
        sizes = {o: _effect_cell(t, o, s) for o in t.outcomes}
        size_width = max([len("effect [5%, 95%]")] + [len(v[0]) for v in sizes.values()])
        columns.append(
            (
                t.labels.get(s, s),
                "effect [5%, 95%]".ljust(size_width) + "     P",
                lambda o, sizes=sizes, w=size_width: f"{sizes[o][0].ljust(w)}  {sizes[o][1].rjust(4)}",
            )
        )
    cells = {o: [c[2](o) for c in columns] for o in t.outcomes}
    widths = [max([len(c[1])] + [len(cells[o][i]) for o in t.outcomes]) for i, c in enumerate(columns)]
    # effect cells: the size and band left, P right-aligned to the column's edge
    wrapped = [textwrap.wrap(c[0], widths[i]) or [""] for i, c in enumerate(columns)]
    header_lines = max(len(w) for w in wrapped)
    header = []
    for k in range(header_lines):
        parts = [(w[k - (header_lines - len(w))] if k >= header_lines - len(w) else "") for w in wrapped]
        header.append(" " * label_width + "  ".join(p.ljust(widths[i]) for i, p in enumerate(parts)).rstrip())
    header.append(" " * label_width + "  ".join(c[1].ljust(widths[i]) for i, c in enumerate(columns)).rstrip())
    footer = [
        "",
        "Material: at least the threshold set for each outcome (report.md lists them). Per worldview, year by year,"
        " and the bottom line: report.md",
    ]
    room = max_lines - len(head) - len(header) - len(footer) - 1
    rows, shown = [], []
    for o in t.outcomes:
        lines = [names[o][0].ljust(label_width) + "  ".join(c.ljust(w) for c, w in zip(cells[o], widths)).rstrip()]
        lines += [rest for rest in names[o][1:]]
        left = len(t.outcomes) - len(shown) - 1
        if len(rows) + len(lines) + (1 if left else 0) > room:
            break
        rows += lines
        shown.append(o)
    if len(shown) < len(t.outcomes):
        rows.append(f"... and {len(t.outcomes) - len(shown)} more key outcomes in report.md")
    lines = head + [""] + header + rows + footer
    return "\n".join(lines)


def _level_cell(t: AnswerTables, name: str) -> str:
    row = _row(t.levels, outcome=name, hypothesis=POOLED)
    return band(row, level=name) if row else "n/a"


def _effect_cell(t: AnswerTables, name: str, policy: str) -> str:
    row = _row(t.effects, outcome=name, scenario=policy, hypothesis=POOLED)
    if row is None:
        return "n/a", ""
    return band(row, name=name), probability(_improvement(row, name))


# --- report.md ----------------------------------------------------------------------------------------------


def answer_section(t: AnswerTables, futures: str) -> list[str]:
    """The '## Answer' section of report.md: the headline table, then per key outcome its bottom line, its
    effects per worldview and at 1, 3, 5 and 10 years; where the spread comes from; the thresholds."""
    base = t.labels.get(t.baseline, t.baseline)
    out = ["## Answer", ""]
    weights = ""
    if len(t.hypotheses) > 1:
        weights = (
            "weighted by the evidence ("
            + ", ".join(f"{t.labels.get(h, h)} {t.weights[h]:.2f}" for h in t.hypotheses)
            + f"; {t.weights_how})"
            if t.weights
            else f"each worldview counting equally (no evidence weights: {t.weights_how or 'one worldview'})"
        )
    out += [
        f"{capitalised(horizon_words(t.start, t.months))}. Each level is {base}'s median over futures with the band "
        f"of 90% of them (5th to 95th percentile); each effect is the policy's outcome minus {base}'s in the same "
        "future, given as its median and band. A change is *material* when it is at least the threshold set for the "
        "outcome (listed below, each an assumption); P(material improvement) and P(material harm) are the shares "
        "of futures with a material change for the better and for the worse, smaller changes counting as neither. "
        f"A future is one replication: {futures}."
        + (f" Pooled figures take the {len(t.hypotheses)} worldviews {weights}." if weights else ""),
        "",
    ]
    out += _headline_table(t)
    for name in t.outcomes:
        out += [f"### {outcome_title(name)}", "", bottom_line(t, name), ""]
        if t.policies:
            out += _worldview_table(t, name)
        out += _horizon_table(t, name)
    if t.policies and t.variance is not None and not t.variance.empty:
        out += _variance_table(t)
    out += _threshold_table(t)
    return out


def _headline_table(t: AnswerTables) -> list[str]:
    base = t.labels.get(t.baseline, t.baseline)
    header = [f"{base}: level"] + [f"{t.labels.get(s, s)}: effect, P(material improvement)" for s in t.policies]
    out = ["| outcome | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for name in t.outcomes:
        cells = [_level_cell(t, name)]
        for s in t.policies:
            row = _row(t.effects, outcome=name, scenario=s, hypothesis=POOLED)
            cells.append("n/a" if row is None else f"{band(row, name=name)}, {probability(_improvement(row, name))}")
        out.append(f"| {outcome_row_label(name)} | " + " | ".join(cells) + " |")
    no_side = [o for o in t.outcomes if not OUTCOME[o].better]
    out += [""]
    if no_side:
        out += [
            "For " + ", ".join(outcome_label(o) for o in no_side) + ", where neither side is better, P is the share "
            "of futures with a material rise.",
            "",
        ]
    return out


def _verdict(row: dict) -> str:
    """What a policy does to an outcome in most (more than half of the) futures of one worldview, or pooled."""
    rise, fall = row["p_material_rise"], row["p_material_fall"]
    most = 0.5 + 1e-9  # shares are sums of weights: half of the futures must not pass for most of them
    if rise > most:
        return "raises"
    if fall > most:
        return "lowers"
    if 1.0 - rise - fall > most:
        return "leaves"
    return "moves"


def _verdict_words(verdict: str, name: str, medians: list[float]) -> str:
    """'up by 160 to 190 (deaths a year, median) in most futures, a material harm'."""
    better = OUTCOME[name].better
    if verdict in ("raises", "lowers"):
        sizes = [effect_number(abs(m), name).lstrip("+") for m in sorted(abs(m) for m in medians)]
        size = sizes[0] if sizes[0] == sizes[-1] else f"{sizes[0]} to {sizes[-1]}"
        good = {"lower": "lowers", "higher": "raises"}.get(better)
        judged = "" if not better else (", a material improvement" if verdict == good else ", a material harm")
        way = "up" if verdict == "raises" else "down"
        return f"{way} by {size} ({short_unit(name)}, median) in most futures{judged}"
    if verdict == "leaves":
        return f"a change smaller than the material {_threshold(name)} in most futures"
    return "mixed: no majority of futures for a material rise, a material fall or a smaller change"


def _threshold(name: str) -> str:
    """'100 deaths a year': the outcome's materiality threshold in its unit."""
    return f"{OUTCOME[name].material:,g} {short_unit(name)}"


def bottom_line(t: AnswerTables, name: str) -> str:
    """One paragraph: the status quo's level and path, what holds under every worldview, what depends on the
    worldview (and which), and the evidence-weighted reading."""
    base = t.labels.get(t.baseline, t.baseline)
    level = _row(t.levels, outcome=name, hypothesis=POOLED)
    parts = [
        f"**Bottom line.** {capitalised(outcome_label(name))} under {base}: "
        + (f"{band(level, level=name)} ({short_unit(name)})" if level else "n/a")
    ]
    path = _path(t, name)
    parts[0] += f"; {path}." if path else "."
    if not t.policies:
        return " ".join(parts)
    several = len(t.hypotheses) > 1
    holds, depends = [], []
    for s in t.policies:
        policy = t.labels.get(s, s)
        rows = {h: _row(t.effects, outcome=name, scenario=s, hypothesis=h) for h in t.hypotheses}
        rows = {h: r for h, r in rows.items() if r is not None}
        groups: dict = {}
        for h, r in rows.items():
            groups.setdefault(_verdict(r), []).append(h)
        if len(groups) == 1:
            v, hs = next(iter(groups.items()))
            where = "under every worldview" if several else f"under {t.labels.get(hs[0], hs[0])}"
            holds.append(f"{policy}, {where}: {_verdict_words(v, name, [rows[h]['median'] for h in hs])}")
        elif groups:
            said = [
                f"under {_and([t.labels.get(h, h) for h in hs])}, "
                + _verdict_words(v, name, [rows[h]["median"] for h in hs])
                for v, hs in groups.items()
            ]
            depends.append(f"{policy}, depending on the worldview: {'; '.join(said)}")
    parts += [f"{sentence}." for sentence in holds + depends]
    if several:
        pooled = []
        for s in t.policies:
            r = _row(t.effects, outcome=name, scenario=s, hypothesis=POOLED)
            if r is None:
                continue
            pooled.append(f"{t.labels.get(s, s)} {band(r, name=name)}" + _material_words(r, name))
        how = "weighing the worldviews by the evidence" if t.weights else "counting each worldview equally"
        parts.append(f"{capitalised(how)}: " + "; ".join(pooled) + ".")
    return " ".join(parts)


def _material_words(row: dict, name: str) -> str:
    if OUTCOME[name].better:
        return (
            f" (P(material improvement) {probability(row['p_material_improvement'])}, "
            f"P(material harm) {probability(row['p_material_harm'])})"
        )
    return (
        f" (P(material rise) {probability(row['p_material_rise'])}, "
        f"P(material fall) {probability(row['p_material_fall'])})"
    )


def _path(t: AnswerTables, name: str) -> str:
    """'from 2,300 in year 1 to 2,700 in year 10': the status quo's path over the horizon years."""
    if t.year_levels is None or t.year_levels.empty or len(t.years) < 2:
        return ""
    first = _row(t.year_levels, outcome=name, hypothesis=POOLED, year=t.years[0])
    last = _row(t.year_levels, outcome=name, hypothesis=POOLED, year=t.years[-1])
    if first is None or last is None:
        return ""
    return (
        f"{number(first['median'])} in year {t.years[0]} and {number(last['median'])} in year {t.years[-1]} "
        "(medians)"
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _worldview_table(t: AnswerTables, name: str) -> list[str]:
    directed = bool(OUTCOME[name].better)
    heads = ["P(material improvement)", "P(material harm)", "P(better)"] if directed else [
        "P(material rise)", "P(material fall)"
    ]
    out = ["| policy | worldview | effect, median [5%, 95%] | " + " | ".join(heads) + " |"]
    out.append("|---" * (3 + len(heads)) + "|")
    views = ([POOLED] if len(t.hypotheses) > 1 else []) + list(t.hypotheses)
    for s in t.policies:
        for h in views:
            r = _row(t.effects, outcome=name, scenario=s, hypothesis=h)
            if r is None:
                continue
            keys = ["p_material_improvement", "p_material_harm", "p_better"] if directed else [
                "p_material_rise", "p_material_fall"
            ]
            where = (("evidence-weighted" if t.weights else "all, equally") if h == POOLED else t.labels.get(h, h))
            out.append(
                f"| {t.labels.get(s, s)} | {where} | {band(r, name=name)} | "
                + " | ".join(probability(r[k]) for k in keys)
                + " |"
            )
    return out + [""]


def _horizon_table(t: AnswerTables, name: str) -> list[str]:
    if t.year_levels is None or not t.years:
        return ["The run is shorter than a year, so there are no yearly figures.", ""]
    how = ("evidence-weighted" if t.weights else "worldviews counting equally") if len(t.hypotheses) > 1 else ""
    out = [
        f"In year {_and([str(y) for y in t.years])} of the horizon ({short_unit(name, within_year=True)}"
        f"{', ' + how if how else ''}): {t.labels.get(t.baseline, t.baseline)}'s level, then each policy's "
        "effect with "
        + (
            "P(material improvement) / P(material harm)"
            if OUTCOME[name].better
            else "P(material rise) / P(material fall)"
        )
        + ".",
        "",
        "| | " + " | ".join(f"year {y}" for y in t.years) + " |",
        "|---" * (len(t.years) + 1) + "|",
    ]
    cells = []
    for y in t.years:
        r = _row(t.year_levels, outcome=name, hypothesis=POOLED, year=y)
        cells.append(band(r, level=name) if r else "n/a")
    out.append(f"| {t.labels.get(t.baseline, t.baseline)} (level) | " + " | ".join(cells) + " |")
    for s in t.policies:
        cells = []
        for y in t.years:
            r = _row(t.year_effects, outcome=name, scenario=s, hypothesis=POOLED, year=y)
            cells.append("n/a" if r is None else f"{band(r, name=name)}, {_both(r, name)}")
        out.append(f"| {t.labels.get(s, s)} | " + " | ".join(cells) + " |")
    return out + [""]


def _both(row: dict, name: str) -> str:
    """'0.01 / 0.58': P(material improvement) / P(material harm), or rise / fall where no side is better."""
    if OUTCOME[name].better:
        return f"{probability(row['p_material_improvement'])} / {probability(row['p_material_harm'])}"
    return f"{probability(row['p_material_rise'])} / {probability(row['p_material_fall'])}"


def _variance_table(t: AnswerTables) -> list[str]:
    drawn = t.uncertainty != "none"
    rest = "parameters and chance together" if drawn else "chance (parameters fixed)"
    out = [
        "### Where the spread of each effect comes from",
        "",
        "The variance of each effect over the pooled futures, split by the law of total variance: the part between "
        "worldviews is the variance of the worldviews' mean effects"
        + (" (weighed as the pooled figures are)" if len(t.hypotheses) > 1 else "")
        + "; the rest is the mean variance within a worldview. Replication r uses the same parameter draw and the "
        "same random shocks in every cell, so within a worldview each future is one draw with one stream of "
        "shocks, and the stored results cannot tell the parameters' part from chance's: "
        + (
            "the rest is labelled parameters and chance together."
            if drawn
            else "here the parameters were not drawn, so the rest is chance alone."
        ),
        "",
        f"| outcome | policy | s.d. of the effect | between worldviews | {rest} |",
        "|---|---|---|---|---|",
    ]
    for name in t.outcomes:
        for s in t.policies:
            r = _row(t.variance, outcome=name, scenario=s)
            if r is None:
                continue
            total = r["total"]
            share = (lambda x: f"{x / total:.0%}") if total > 0 else (lambda x: "n/a")
            out.append(
                f"| {outcome_row_label(name)} | {t.labels.get(s, s)} | {number(np.sqrt(max(total, 0.0)))} | "
                f"{share(r['worldview'])} | {share(r['within'])} |"
            )
    return out + [""]


def _threshold_table(t: AnswerTables) -> list[str]:
    out = ["### Material thresholds", "", "| outcome | a material change | why |", "|---|---|---|"]
    for name in t.outcomes:
        o = OUTCOME[name]
        out.append(f"| {outcome_row_label(name)} | {_threshold(name)} | {o.material_why} |")
    return out + [""]
