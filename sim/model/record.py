"""The hindcast report: the model's path from August 2021 beside the public record up to July 2025.

The record lives in ``sim/model/data/aug2021_jul2025.yaml``: one entry per reported figure, naming
the outcome it checks, how the model's monthly record is read (a level in a month, a mean or a total
over months, a ratio of two periods' means, the date an outcome first reaches a threshold), the
figure as a range, its publisher and its document.  For every entry and hypothesis the report gives the
model's median, its 50% band (25th-75th percentile) and its 90% band (5th-95th) with their widths, and
says whether the record's value falls inside each band: the figure itself, or the middle of its range
where sources disagree (a lower bound is inside when the band reaches it).  A range that merely overlaps
a band is not enough, since wide ranges and wide bands would then always meet.  A record outside the 90%
band is a miss, listed in the report, not a reason to move a parameter against its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import yaml

from sim.model.actors import STATES
from sim.model.outcomes import OUTCOME_INDEX
from sim.store.files import month_dates

RECORDS_FILE = Path(__file__).resolve().parent / "data" / "aug2021_jul2025.yaml"
LAST_RECORD_MONTH = "2025-07"  # nothing dated later may be used: forecasts from July 2025 are scored against it
KINDS = ("level", "mean", "total", "max", "ratio", "date")


@dataclass(frozen=True)
class Check:
    id: str
    outcome: str
    quantity: str
    low: float
    high: float
    reported_text: str
    source: str
    in_texts: bool
    sure: bool
    compute: Callable  # (record, dates) -> per-replication values; NaN where the event never happens
    as_date: bool = False
    at_least: bool = False  # the source gives a lower bound ("at least 6,000")
    share: bool = False  # a share of replications (Russia first), not a band
    publisher: str = ""
    dated: str = ""  # the last month the record speaks of: it is known from then on

    @property
    def value(self) -> float:
        """The figure graded against the bands: the record itself, or the middle of its range."""
        return self.low if self.at_least else (self.low + self.high) / 2.0


def _month(text) -> np.datetime64:
    return np.datetime64(str(text), "M")


def _month_value(text) -> float:
    return float(_month(text).astype(np.int64))


def _months_between(dates, first, last) -> np.ndarray:
    d = dates.astype("datetime64[M]")
    return (d >= _month(first)) & (d <= _month(last))


def _series(record, outcome):
    return record[:, OUTCOME_INDEX[outcome], :]


def _level(outcome, month):
    def compute(record, dates):
        return _series(record, outcome)[_months_between(dates, month, month)][0]

    return compute


def _over(outcome, first, last, how):
    def compute(record, dates):
        return how(_series(record, outcome)[_months_between(dates, first, last)], axis=0)

    return compute


def _ratio(outcome, period, base):
    def compute(record, dates):
        s = _series(record, outcome)
        num = s[_months_between(dates, *period)].mean(axis=0)
        den = s[_months_between(dates, *base)].mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / den, np.nan)

    return compute


def _first_month(condition):
    """Months since 1970 (as float) of the first month the condition holds; NaN if never."""

    def compute(record, dates):
        hit = condition(record)
        first = np.argmax(hit, axis=0).astype(np.float64)
        first[~hit.any(axis=0)] = np.nan
        months = dates.astype("datetime64[M]").astype(np.int64)
        out = np.full(first.shape, np.nan)
        ok = ~np.isnan(first)
        out[ok] = months[first[ok].astype(int)]
        return out

    return compute


def _russia_first(record, dates):
    recog = np.stack([_series(record, f"relation_{k}") >= 4 for k in STATES])  # states x months x reps
    any_month = recog.any(axis=0)
    first = np.argmax(any_month, axis=0)
    ever = any_month.any(axis=0)
    reps = np.arange(record.shape[2])
    russia = recog[STATES.index("russia"), first, reps]
    return np.where(ever, russia.astype(np.float64), np.nan)


def _describe(entry) -> str:
    kind, when = entry["kind"], entry.get("when")
    name = entry["outcome"].replace("_", " ")
    if kind == "level":
        return f"{name}, {when}"
    if kind == "date":
        return f"date {name} first reaches {entry['threshold']:g}"
    if kind == "ratio":
        return f"{name}, {when[0]}..{when[1]} over {entry['over'][0]}..{entry['over'][1]}"
    return f"{name}, {kind} {when[0]}..{when[1]}"


def _reported_text(entry, low, high) -> str:
    if entry["kind"] == "date":
        lo, hi = str(_month(entry["range"][0])), str(_month(entry["range"][1]))
        return lo if lo == hi else f"{lo} to {hi}"
    text = f"{low:g}" if low == high else f"{low:g}-{high:g}"
    return ("at least " if entry.get("at_least") else "") + text


def record_months(entry) -> list[str]:
    """Every month a record entry speaks of (its window, the base of a ratio, its range of dates, its dated events)."""
    if entry["kind"] == "date":
        months = list(entry["range"])
    else:
        months = [entry.get("when")] if not isinstance(entry.get("when"), list) else list(entry["when"])
        months += entry.get("over") or []
    months += entry.get("months") or []
    return [str(_month(m)) for m in months if m is not None]


def record_date(entry) -> str:
    """The month from which a record is known: the last month it speaks of (a dated event's last listed month
    does not count, since the count runs over the whole window)."""
    return max(record_months({k: v for k, v in entry.items() if k != "months"}))


def load_records(path: Path = RECORDS_FILE) -> tuple[list[dict], dict]:
    """The record entries and the notes on outcomes with no series; refuses anything dated after July 2025."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data["records"]
    last = _month(LAST_RECORD_MONTH)
    for e in entries:
        if e["kind"] not in KINDS:
            raise ValueError(f"record {e['id']}: unknown kind {e['kind']!r}")
        if e["outcome"] not in OUTCOME_INDEX:
            raise ValueError(f"record {e['id']}: unknown outcome {e['outcome']!r}")
        for m in record_months(e):
            if _month(m) > last:
                raise ValueError(f"record {e['id']}: {m} is after {LAST_RECORD_MONTH}; the hindcast uses no later data")
    return entries, data.get("unobserved", {})


def _check(entry) -> Check:
    kind, outcome = entry["kind"], entry["outcome"]
    when = entry.get("when")
    if kind == "date":
        low, high = (_month_value(m) for m in entry["range"])
        threshold = entry["threshold"]
        compute = _first_month(lambda rec, o=outcome, t=threshold: _series(rec, o) >= t)
    else:
        low, high = (float(v) for v in entry["range"])
        if kind == "level":
            compute = _level(outcome, when)
        elif kind == "ratio":
            compute = _ratio(outcome, when, entry["over"])
        else:
            compute = _over(outcome, when[0], when[1], {"mean": np.mean, "total": np.sum, "max": np.max}[kind])
    return Check(
        id=entry["id"],
        outcome=outcome,
        quantity=_describe(entry),
        low=low,
        high=high,
        reported_text=_reported_text(entry, low, high),
        source=entry["source"],
        in_texts=bool(entry.get("in_texts", False)),
        sure=bool(entry.get("sure", True)),
        compute=compute,
        as_date=kind == "date",
        at_least=bool(entry.get("at_least", False)),
        publisher=str(entry.get("publisher", "")),
        dated=record_date(entry),
    )


def checks_for(entries) -> tuple[Check, ...]:
    """The checks of the given record entries (a subset of the record, e.g. those known before a date)."""
    return tuple(_check(e) for e in entries)


RECORDS, UNOBSERVED = load_records()
CHECKS = checks_for(RECORDS) + (
    Check(
        id="russia_first",
        outcome="recognising_states",
        quantity="share of recognising replications where Russia is first",
        low=1.0,
        high=1.0,
        reported_text="Russia first",
        source="seed 000 ¶3",
        in_texts=True,
        sure=True,
        compute=_russia_first,
        share=True,
        publisher="Russian Ministry of Foreign Affairs",
        dated=LAST_RECORD_MONTH,
    ),
)


# The figures drawn on the hindcast chart: the outcomes whose path the record gives most fully.
CHART_OUTCOMES = (
    "ttp_fighters",
    "attacks_pakistan",
    "deaths_pakistan",
    "humanitarian_need",
    "returns_from_pakistan",
    "returns_from_iran",
    "recognising_states",
)


def chart_markers() -> list[tuple]:
    """(outcome, first month, last month, low, high, label) for every record of a charted outcome.

    Flows are charted as twelve-month sums, so a yearly total is marked at its last month.
    """
    markers = []
    for e in RECORDS:
        if e["outcome"] not in CHART_OUTCOMES or e["kind"] in ("ratio", "max"):
            continue
        if e["kind"] == "date":
            markers.append((e["outcome"], e["range"][0], e["range"][1], e["threshold"], e["threshold"], e["id"]))
            continue
        when = e["when"] if isinstance(e["when"], list) else [e["when"], e["when"]]
        markers.append((e["outcome"], str(when[0]), str(when[1]), e["range"][0], e["range"][1], e["id"]))
    return markers


COVERS = ("2021-08", "2025-12")  # the months the checks read, and time for dates just after the last record


def horizon_problem(start: tuple[int, int], months: int) -> str | None:
    """Why a run from ``start`` for ``months`` cannot be checked against the past, or None if it can."""
    first = np.datetime64(f"{start[0]:04d}-{start[1]:02d}", "M")
    last = first + np.timedelta64(months - 1, "M")
    if first > np.datetime64(COVERS[0], "M") or last < np.datetime64(COVERS[1], "M"):
        return (
            f"a hindcast must run from {COVERS[0]} or earlier to {COVERS[1]} or later; this one runs "
            f"{first} to {last} (use experiment.initial=aug2021 and at least 53 months)"
        )
    return None


def extract(record: np.ndarray, start: tuple[int, int], checks=None) -> dict:
    """Per check, the per-replication values of the record it reads (all checks, or the ones given)."""
    dates = month_dates(start, record.shape[0])
    record = record.astype(np.float64)
    return {c.id: c.compute(record, dates) for c in (CHECKS if checks is None else checks)}


def _fmt(value: float, as_date: bool) -> str:
    if not np.isfinite(value):
        return "never"
    if as_date:
        return str(np.datetime64(int(round(value)), "M"))
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def _band(values: np.ndarray, q_lo: float, q_hi: float) -> tuple[float, float]:
    """Quantiles over all replications, with 'never' (NaN) counted as later than any date."""
    filled = np.where(np.isnan(values), np.inf, values)
    lo, hi = np.quantile(filled, [q_lo, q_hi], method="inverted_cdf")
    return (float(lo) if np.isfinite(lo) else np.nan), (float(hi) if np.isfinite(hi) else np.nan)


def _inside(value, band_lo, band_hi, at_least) -> bool:
    """True if the record's value (or the middle of its range) lies in the model's band; a lower bound is
    inside when the band reaches it; an open upper band (dates beyond the run) reaches any later date."""
    if np.isnan(band_lo) and np.isnan(band_hi):
        return False
    top = np.inf if np.isnan(band_hi) else band_hi
    if at_least:
        return bool(top >= value)
    return bool(band_lo <= value <= top)


def _width(lo: float, hi: float) -> float:
    return float(hi - lo) if np.isfinite(lo) and np.isfinite(hi) else np.inf


def table(extracts: dict) -> pd.DataFrame:
    """``extracts[hypothesis]`` -> {check id: per-replication values}."""
    rows = []
    for hypothesis, values in extracts.items():
        for c in CHECKS:
            v = values[c.id]
            never = float(np.isnan(v).mean())
            if c.share:
                finite = v[~np.isnan(v)]
                med = lo90 = hi90 = lo50 = hi50 = float(np.mean(finite)) if len(finite) else np.nan
                inside90 = inside50 = bool(med >= 0.5)
                width50 = width90 = np.nan
            else:
                filled = np.where(np.isnan(v), np.inf, v)
                med = float(np.quantile(filled, 0.5, method="inverted_cdf"))
                med = med if np.isfinite(med) else np.nan
                lo90, hi90 = _band(v, 0.05, 0.95)
                lo50, hi50 = _band(v, 0.25, 0.75)
                inside90 = _inside(c.value, lo90, hi90, c.at_least)
                inside50 = _inside(c.value, lo50, hi50, c.at_least)
                width50, width90 = _width(lo50, hi50), _width(lo90, hi90)
            with np.errstate(invalid="ignore"):
                mid = (c.low + c.high) / 2.0
                within = float(np.mean(np.abs(v - mid) <= 12)) if c.as_date else np.nan
            rows.append(
                {
                    "hypothesis": hypothesis,
                    "id": c.id,
                    "outcome": c.outcome,
                    "quantity": c.quantity,
                    "reported": c.reported_text,
                    "graded_value": _fmt(c.value, c.as_date) if not c.share else c.reported_text,
                    "sure": c.sure,
                    "publisher": c.publisher,
                    "source": c.source,
                    "in_texts": c.in_texts,
                    "model_median": _fmt(med, c.as_date),
                    "model_p25": _fmt(lo50, c.as_date),
                    "model_p75": _fmt(hi50, c.as_date),
                    "model_p05": _fmt(lo90, c.as_date),
                    "model_p95": _fmt(hi90, c.as_date),
                    "band90_months": (hi90 - lo90) if c.as_date and not np.isnan(hi90) else np.nan,
                    # in the outcome's unit, or months for a date; inf where the band runs past the run
                    "band50_width": width50,
                    "band90_width": width90,
                    "never_share": round(never, 3),
                    "within_a_year_share": within if np.isnan(within) else round(within, 3),
                    "inside_50": inside50,
                    "inside_90": inside90,
                }
            )
    return pd.DataFrame(rows)


def _width_text(width: float, as_date: bool) -> str:
    if np.isnan(width):
        return ""
    if not np.isfinite(width):
        return "open"
    return f"{width:.0f} mo" if as_date else (f"{width:.3g}" if abs(width) < 100 else f"{width:.0f}")


def hindcast_text(t: pd.DataFrame) -> str:
    title = (
        "Hindcast from August 2021 against the public record to July 2025 (record | value graded | model median "
        "[50% band] [90% band] width of the 90% band; a record is inside a band when its value, or the middle of its "
        "range, is; '?' marks a figure recalled with doubt)"
    )
    lines = [title, ""]
    dated = {c.id: c.as_date for c in CHECKS}
    for hypothesis, sub in t.groupby("hypothesis", sort=False):
        lines.append(f"under {hypothesis}")
        for r in sub.itertuples():
            mark = "inside 50%" if r.inside_50 else ("inside 90%" if r.inside_90 else "OUTSIDE")
            near = "" if np.isnan(r.within_a_year_share) else f"  ({r.within_a_year_share:.0%} within a year)"
            doubt = "" if r.sure else "?"
            width = _width_text(r.band90_width, dated.get(r.id, False))
            lines.append(
                f"  {r.quantity:<58} {r.reported + doubt:<22} {r.graded_value:>9} {r.model_median:>8} "
                f"[{r.model_p25}, {r.model_p75}] [{r.model_p05}, {r.model_p95}] {width:>8}  {mark}{near}"
            )
        outside = sub[~sub["inside_90"]]
        lines.append(
            f"  records outside the 90% band: {len(outside)} of {len(sub)}"
            + (": " + ", ".join(outside["id"]) if len(outside) else "")
        )
        lines.append("")
    lines += misses_text(t)
    lines.append("outcomes with no public series (what the record says):")
    for outcome, note in UNOBSERVED.items():
        lines.append(f"  {outcome}: {note}")
    return "\n".join(lines) + "\n"


def misses_text(t: pd.DataFrame) -> list[str]:
    """The records the model misses (value outside the 90% band), each once, with the worldviews that miss it."""
    outside = t[~t["inside_90"]]
    hypotheses = t["hypothesis"].unique()
    if outside.empty:
        return ["Misses: none; every record's value is inside the 90% band under every worldview.", ""]
    lines = ["Misses (the record's value outside the model's 90% band; findings, not targets to tune to):"]
    for record_id, rows in outside.groupby("id", sort=False):
        r = rows.iloc[0]
        under = "every worldview" if len(rows) == len(hypotheses) else ", ".join(rows["hypothesis"])
        lines.append(
            f"  {record_id}: {r.quantity}; record {r.reported} ({r.publisher or 'no publisher named'}), "
            f"model 90% band [{r.model_p05}, {r.model_p95}] under {under}"
        )
    return lines + [""]


def write_hindcast(path: Path, extracts: dict) -> tuple[list[str], str]:
    """Write hindcast.csv and hindcast.txt; return the file names and the text."""
    t = table(extracts)
    t.to_csv(path / "hindcast.csv", index=False)
    text = hindcast_text(t)
    (path / "hindcast.txt").write_text(text, encoding="utf-8")
    return ["hindcast.csv", "hindcast.txt"], text


# --- the hindcast with the guessed numbers drawn ------------------------------------------------------------------


def draw_into(plan) -> dict:
    """Draw every uncertain parameter once per replication (from its calibrated range where it declares one) and
    give the draws to every cell of ``plan``; parameters the user or a hypothesis sets explicitly keep their value.
    Returns the draws (one array per parameter), which the run stores as parameters.parquet."""
    from omegaconf import OmegaConf

    from sim.analysis.common import attach_design
    from sim.config.plan import flatten_params
    from sim.model.sampling import draw_parameters

    user = flatten_params(OmegaConf.to_container(plan.config.params, resolve=True))
    draws = draw_parameters(plan.config.seed, np.arange(plan.replications), fixed=user)
    attach_design(plan, draws)
    return draws


def sampled_hindcast(replications: int = 1000, overrides=()) -> pd.DataFrame:
    """The hindcast table with every uncertain parameter drawn per replication, under every hypothesis."""
    from sim.config.plan import plan as make_plan
    from sim.model.ensemble import run_cell

    p = make_plan(["experiment=hindcast", f"replications={replications}", *overrides])
    draw_into(p)
    reps = np.arange(p.replications)
    return table({c.hypothesis.name: extract(run_cell(c.setup, reps), c.setup.start) for c in p.cells})


# --- history matching: which values of the calibrated parameters the record leaves plausible ---------------------

# Each group of calibrated parameters with the records that pin it down and the tolerance (relative, or months for
# dates) allowed for the model's own error beyond the record's range.  Groups are matched one at a time, the other
# parameters at their defaults: the groups act on different outcomes, and matching all at once would leave too few
# replications to read a range from.
MATCH_GROUPS = {
    "TTP growth and violence": (
        (
            "ttp.recruitment_rate",
            "ttp.attacks_per_thousand",
            "ttp.truce_restraint",
            "ttp.truce_breakdown",
            "pakistan.operations_attrition",
        ),
        {
            "attacks_2022": 0.15,
            "attacks_2023": 0.1,
            "attacks_2024": 0.15,
            "deaths_2024": 0.15,
            "ttp_2023": 0.1,
            "ttp_2024": 0.1,
            "ttp_2025": 0.05,
        },
    ),
    "the takeover's economic shock": (
        (
            "population.collapse_need",
            "population.shock_recovery",
            "population.need_adjustment",
            "international.emergency_surge",
        ),
        {
            "need_2022": 0.08,
            "need_2023": 0.08,
            "need_2024": 0.08,
            "need_2025": 0.08,
            "aid_2022_vs_2024": 0.1,
            "aid_2023_vs_2024": 0.1,
        },
    ),
    "Pakistan's deportation campaign": (
        (
            "pakistan.campaign_trigger",
            "pakistan.campaign_tolerance",
            "pakistan.first_wave",
            "pakistan.wave_decay",
            "pakistan.returns_before_campaign",
        ),
        {
            "returns_2022": 0.1,
            "returns_2023": 0.1,
            "returns_2024": 0.1,
            "returns_2025": 0.1,
        },
    ),
    "diplomatic timing": (
        (
            "states.months_per_rung",
            "states.trigger_pace",
            "states.peer_step_impetus",
            "states.incident_impetus",
            "iskp.attacks_abroad_rate",
        ),
        {
            "first_recognition": 12,
            "china_ambassador": 12,
            "pakistan_ambassadors": 12,
            "iskp_abroad": 0.25,
        },
    ),
}

# The states' motives, matched state by state against that state's own relation record (its level in July 2025 and
# the dates of its dated steps), the other states at their defaults.  Every state is also held to the record that
# only one state recognised Kabul by July 2025, so that a state whose motives would carry it to recognition first
# is ruled out.
MOTIVES = ("base_desire", "threat_response", "follow_peers", "rights_weight", "rival_response")
STATE_RECORDS = {
    "russia": {"russia_2025": 0.1, "first_recognition": 12},
    "china": {"china_2025": 0.1, "china_ambassador": 12, "recognising_2025": 0.1},
    "pakistan": {"pakistan_2025": 0.1, "pakistan_ambassadors": 12, "recognising_2025": 0.1},
    "iran": {"iran_2025": 0.1, "recognising_2025": 0.1},
    "india": {"india_2025": 0.1, "recognising_2025": 0.1},
    "uzbekistan": {"uzbekistan_2025": 0.1, "recognising_2025": 0.1},
    "tajikistan": {"tajikistan_2025": 0.1, "recognising_2025": 0.1},
    "qatar": {"qatar_2025": 0.1, "recognising_2025": 0.1},
    "uae": {"uae_2025": 0.1, "uae_ambassador": 12, "recognising_2025": 0.1},
    "turkey": {"turkey_2025": 0.1, "recognising_2025": 0.1},
    "united_states": {"united_states_never_above_channels": 0.1, "recognising_2025": 0.1},
}


def motive_groups() -> dict:
    """One matching group per state: its motive parameters and its own relation records."""
    import sim.model.actors  # noqa: F401  (registers the parameters)
    from sim.model.rules import PARAMS

    return {
        f"{state.replace('_', ' ').title()}'s motives": (
            tuple(f"{state}.{m}" for m in MOTIVES if f"{state}.{m}" in PARAMS),
            targets,
        )
        for state, targets in STATE_RECORDS.items()
    }


def misses(values: dict, targets: dict, checks=None) -> np.ndarray:
    """Per replication, how many target records its path contradicts beyond the tolerance (the records of
    ``checks``, by default the whole record)."""
    by_id = {c.id: c for c in (CHECKS if checks is None else checks)}
    count = np.zeros(len(next(iter(values.values()))), dtype=int)
    for check_id, tol in targets.items():
        c, v = by_id[check_id], values[check_id]
        if c.as_date:
            lo, hi = c.low - tol, c.high + tol
        else:
            lo, hi = c.low * (1 - tol), (np.inf if c.at_least else c.high * (1 + tol))
        count += ~((v >= lo) & (v <= hi))  # NaN (never) is a miss
    return count


def history_match(
    replications: int = 6000,
    hypothesis: str = "engagement_moderates",
    groups: dict | None = None,
    checks=None,
    months: int | None = None,
):
    """For each group, draw its parameters over their whole declared ranges, run the hindcast, keep the
    replications that contradict none of the group's records (one, for groups of six records or more, whose
    records the model cannot all reach at once), and give each parameter's 5th-95th percentile among them: the
    range the record leaves plausible.

    ``checks`` limits the record to those checks (e.g. the records known at a date): a group's targets outside
    them are dropped, and a group left with none is not matched.  ``months`` shortens the runs to the months
    those records need."""
    from dataclasses import replace

    from sim.config.plan import plan
    from sim.model.ensemble import run_cell
    from sim.model.rules import PARAMS
    from sim.model.sampling import scale, unit_design

    p = plan(["experiment=hindcast", f"replications={replications}", f"experiment.hypotheses=[{hypothesis}]"])
    cell = p.cells[0]
    base = cell.setup if months is None else replace(cell.setup, months=months)
    reps = np.arange(replications)
    rows = []
    groups = {**MATCH_GROUPS, **motive_groups()} if groups is None else groups
    checks = CHECKS if checks is None else tuple(checks)
    known = {c.id for c in checks}
    for group, (names, targets) in groups.items():
        targets = {k: v for k, v in targets.items() if k in known}
        if not targets:
            continue
        wide = [replace(PARAMS[n], calibrated_range=None) for n in names]
        draws = scale(unit_design(cell.setup.seed + 1, reps, wide), wide)
        setup = replace(base, params={**cell.setup.params, **draws})
        values = extract(run_cell(setup, reps), setup.start, [c for c in checks if c.id in targets])
        kept = misses(values, targets, checks) <= (1 if len(targets) >= 6 else 0)
        for n in names:
            lo, hi = np.quantile(draws[n][kept], [0.05, 0.95]) if kept.sum() >= 20 else (np.nan, np.nan)
            rows.append(
                {
                    "group": group,
                    "parameter": n,
                    "declared": f"{PARAMS[n].low:g}-{PARAMS[n].high:g}",
                    "default": PARAMS[n].default,
                    "plausible_p05": round(float(lo), 4),
                    "plausible_p95": round(float(hi), 4),
                    "kept": int(kept.sum()),
                    "calibrated_range": PARAMS[n].calibrated_range,
                }
            )
    return pd.DataFrame(rows)


def peel_box(unit: np.ndarray, kept: np.ndarray, default: np.ndarray, target: float, step=0.05, min_points=200):
    """The box (in unit coordinates) left after peeling off, one thin slice at a time, the side of one parameter's
    range whose removal most raises the share of kept replications, until that share reaches ``target``.

    This is PRIM's peeling, constrained so that the box always holds the default (no slice crosses it): a box, not
    the kept set's marginal percentiles, because the record pins a state's net wish (its base wish less the rights
    penalty plus the threat it answers), and independent draws from marginal ranges would recombine into wishes the
    record rules out.
    """
    lo, hi = np.zeros(unit.shape[1]), np.ones(unit.shape[1])
    inside = np.ones(len(unit), dtype=bool)
    while kept[inside].mean() < target and inside.sum() > min_points:
        best = None
        for j in range(unit.shape[1]):
            col = unit[inside, j]
            for side, cut in (
                ("lo", min(np.quantile(col, step), default[j])),
                ("hi", max(np.quantile(col, 1 - step), default[j])),
            ):
                if (side == "lo" and cut <= lo[j]) or (side == "hi" and cut >= hi[j]):
                    continue
                new = inside & ((unit[:, j] >= cut) if side == "lo" else (unit[:, j] <= cut))
                if new.sum() < min_points:
                    continue
                share = kept[new].mean()
                if best is None or share > best[0]:
                    best = (share, j, side, cut, new)
        if best is None or best[0] <= kept[inside].mean():
            break
        _, j, side, cut, inside = best
        if side == "lo":
            lo[j] = cut
        else:
            hi[j] = cut
    return lo, hi, float(kept[inside].mean())


# Groups matched as a box (see box_match) besides the states' motives: ISKP's threat, which sets Russia's motive and
# the count of attacks abroad, with the ladder's steps, which set how soon a wish becomes a step.
BOX_GROUPS = {
    "ISKP's threat and the ladder's steps": (
        (
            "states.stages_per_rung",
            "states.impetus_decay",
            "states.hysteresis",
            "iskp.growth_rate",
            "iskp.suppression",
            "taliban.iskp_effort",
        ),
        {
            "first_recognition": 12,
            "russia_2025": 0.1,
            "china_ambassador": 12,
            "pakistan_ambassadors": 12,
            "iskp_abroad": 0.25,
        },
    ),
}


def _box_edge(param, unit_edge: float, side: str) -> float:
    """A box edge in the parameter's own units; for a whole-number parameter, the whole values the box holds."""
    if param.integer:
        value = param.low + unit_edge * (param.high - param.low + 1)
        return float(np.ceil(value - 1e-9) if side == "low" else np.floor(value - 1e-9))
    return round(float(param.low + unit_edge * (param.high - param.low)), 3)


def box_match(replications: int = 4000, hypothesis: str = "engagement_moderates", groups: dict | None = None):
    """Parameters whose effect the record pins only in combination (the states' motives; ISKP's threat with the
    ladder's steps): for each group, draw its parameters over their declared ranges, mark the replications that
    meet the group's records, and peel the declared box down to the part where the records are met nearly as
    often (nine tenths as often) as at the default values, where the model's own randomness in timing already
    misses some of them."""
    from dataclasses import replace

    from sim.config.plan import plan
    from sim.model.ensemble import run_cell
    from sim.model.rules import PARAMS
    from sim.model.sampling import unit_design

    p = plan(["experiment=hindcast", f"replications={replications}", f"experiment.hypotheses=[{hypothesis}]"])
    cell = p.cells[0]
    reps = np.arange(replications)
    default_values = extract(run_cell(cell.setup, reps), cell.setup.start)
    rows = []
    groups = {**motive_groups(), **BOX_GROUPS} if groups is None else groups
    for group, (names, targets) in groups.items():
        params = [replace(PARAMS[n], calibrated_range=None) for n in names]
        unit = unit_design(cell.setup.seed + 2, reps, params)
        integer = np.array([q.integer for q in params])
        lows = np.array([q.low for q in params])
        widths = np.array([q.high - q.low for q in params])
        # a whole-number parameter takes every whole value in its range equally often (as sim.model.sampling.scale)
        draws = {
            q.name: np.floor(lows[j] + unit[:, j] * (widths[j] + 1)).clip(q.low, q.high)
            if integer[j]
            else lows[j] + unit[:, j] * widths[j]
            for j, q in enumerate(params)
        }
        setup = replace(cell.setup, params={**cell.setup.params, **draws})
        kept = misses(extract(run_cell(setup, reps), setup.start), targets) == 0
        default_share = float((misses(default_values, targets) == 0).mean())
        default_unit = np.array(
            [(q.default - q.low + (0.5 if q.integer else 0.0)) / (q.high - q.low + q.integer) for q in params]
        )
        lo, hi, box_share = peel_box(unit, kept, default_unit, 0.9 * default_share)
        for j, q in enumerate(params):
            rows.append(
                {
                    "group": group,
                    "parameter": q.name,
                    "declared": f"{q.low:g}-{q.high:g}",
                    "default": q.default,
                    "box_low": _box_edge(q, lo[j], "low"),
                    "box_high": _box_edge(q, hi[j], "high"),
                    "met_at_default": round(default_share, 3),
                    "met_over_declared": round(float(kept.mean()), 3),
                    "met_in_box": round(box_share, 3),
                    "calibrated_range": PARAMS[q.name].calibrated_range,
                }
            )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    # python -m sim.model.record: the history match behind the calibrated ranges
    # python -m sim.model.record sampled [replications]: the hindcast with every uncertain parameter drawn
    import sys

    pd.set_option("display.width", 200)
    if sys.argv[1:2] == ["sampled"]:
        print(hindcast_text(sampled_hindcast(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)), end="")
    else:
        print(history_match().to_string(index=False))
        print()
        print(box_match().to_string(index=False))
