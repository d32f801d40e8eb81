"""Forecast skill by rolling origin inside the record: would the model, calibrated on what was known at a date,
have foreseen what happened next, and better than a naive forecaster?

For each origin (by default July 2023 and July 2024) the backtest

1. keeps only the records dated before the origin (``records_before``: a record is dated by the last month it
   speaks of, so a yearly total is known only once its year is over);
2. calibrates on them alone with the hindcast's history matching (``sim.model.record.history_match``): each group of
   calibrated parameters is drawn over its declared range and kept where the paths to the origin meet the group's
   records known then; a parameter whose records all lie after the origin keeps its whole declared range;
3. forecasts: runs the model from August 2021 with parameters drawn from those ranges, so the state at the origin
   is the model's own, reached from the takeover by the kept parameters, never read from a later record, and goes
   on to July 2025;
4. scores every record whose whole window lies after the origin.  A figure (a series) is scored by the CRPS of the
   ensemble (``scoringrules.crps_ensemble``), by whether the record's value falls in the 50% and 90% bands, and
   by its PIT (the share of the ensemble below the record); an event in the window from the origin to July 2025
   (a first recognition, an ambassador's credentials, a clash, an ISKP attack abroad, girls' schools reopening,
   civil war) by the Brier score of the share of replications in which it happens (``scoringrules.brier_score``).
   A state's rungs up the ladder are scored where they did not happen too: each rung above both the level known
   at the origin and the record's level in July 2025, up to recognition, is a step that did not come.

The naive forecasters know the same records, and projections published before the origin (a year's people in
need, from the plan published as the year begins); such a figure is known at the origin and is not scored.
Persistence says the last known figure of the same kind comes again (a yearly total as the same monthly rate over
the window); the linear trend extends the line through the last two known figures (with one there is no trend,
and none is scored).  A relation's level is known from its level in August 2021 (the initial state) and the dated
steps recorded before the origin.  A point forecast's CRPS is its absolute error.  The base rate gives an event
the chance it had per month before the origin (a clash, an attack abroad), or, for a state's first step up the
ladder (dated, or a rung above the level of July 2025), the rate at which any state took a dated step before the
origin.

Skill is 1 - score_model / score_baseline: above 0 the model beats the baseline, 1 is perfect.

Every uncertain parameter is drawn at the origin, but the declared ranges it is drawn from (the matched range
lies inside them) and the few scales held fixed were set with the whole record in view (docs/calibration.md).
``prior_dates`` reads, for each, the latest month its basis cites: those citing material from the origin on make
the skill an upper bound on an honest forecaster's (backtest.priors.csv).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.style import PALETTE, save_figure
from sim.calibration.history import BOX_GROUPS, MATCH_GROUPS, history_match, motive_groups
from sim.config.designs.attach import explicit_params
from sim.config.designs.backtest import START, _m, _months_from, settings_of
from sim.config.plan import plan
from sim.model.actors import STATES
from sim.model.ensemble import run_cell
from sim.model.outcomes import OUTCOME_INDEX, month_dates
from sim.model.record import LAST_RECORD_MONTH, RECORDS, checks_for, extract, record_date, record_months
from sim.model.rules import PARAMS, is_switch
from sim.model.sampling import uncertain_parameters, unit_design
from sim.model.sources import cited_month
from sim.store.reader import read_config

BACKTEST_FILE = "backtest.csv"
FIGURE_FILE = "backtest.png"
PRIORS_FILE = "backtest.priors.csv"
RECOGNITION = 4  # the top rung of a relation (sim/model/outcomes.py)
SERIES_METRICS = ("crps", "cover50", "cover90", "pit")


# --- what was known at the origin, and what came after -----------------------------------------------------------


def known_from(entry) -> np.datetime64:
    """The first origin a record is known at: the month after the last month it speaks of, and, where the record
    gives the month it was published, the month after that (the day is not known: a report on June published in
    July is known at an origin of August, not of July)."""
    month = np.timedelta64(1, "M")
    after = _m(record_date(entry)) + month
    return max(after, _m(str(entry["published"])) + month) if "published" in entry else after


def records_before(entries, origin: str) -> list[dict]:
    """The record entries known at the origin: every month they speak of is before it, and so is their
    publication where the record gives it."""
    return [e for e in entries if known_from(e) <= _m(origin)]


def published_before(entries, origin: str) -> list[dict]:
    """The record entries a naive forecaster at the origin could read: those dated before it, and projections
    published before it (a year's people in need appear in the plan published before the year begins)."""
    return [e for e in entries if _m(str(e.get("published", record_date(e)))) < _m(origin)]


def _after(entry, origin: str) -> bool:
    months = record_months({k: v for k, v in entry.items() if k != "months"})
    return min(_m(m) for m in months) >= _m(origin)


def series_after(entries, origin: str) -> list[dict]:
    """Figures whose whole window lies at or after the origin (a dated first step is an event, not a figure)."""
    return [e for e in entries if e["kind"] != "date" and _after(e, origin) and not _is_event_total(e)]


def straddling(entries, origin: str) -> list[str]:
    """Figures not known at the origin, so not used to calibrate, and not wholly after it, so not scored: their
    window runs across the origin, or they were published after it."""
    return [
        e["id"]
        for e in entries
        if e["kind"] != "date" and not _is_event_total(e) and known_from(e) > _m(origin) and not _after(e, origin)
    ]


def scored_series(entries, origin: str) -> list[dict]:
    """The figures scored at the origin: wholly after it, not already published at it (a known figure is no
    forecast), and not a relation the record gives as two rungs (no run can land on its middle)."""
    readable = published_before(entries, origin)
    return [e for e in series_after(entries, origin) if e not in readable and not between_rungs(e)]


def _is_event_total(entry) -> bool:
    """A count of dated events or a count recorded as none: scored as an event in the forecast window."""
    return entry["kind"] == "total" and (bool(entry.get("months")) or list(entry["range"]) == [0, 0])


def events_after(entries, origin: str, initial: dict | None = None) -> list[dict]:
    """Events in the window from the origin to July 2025: a first step dated at or after the origin, a count of
    dated events, or a count the record gives as none over a window that reaches July 2025; given the relations'
    levels of August 2021 (``initial``), also each rung up the ladder the record says was not reached by July 2025
    (``rungs_after``)."""
    out = []
    for e in entries:
        if e["kind"] == "date" and _m(e["range"][0]) >= _m(origin):
            out.append({"id": e["id"], "outcome": e["outcome"], "threshold": e["threshold"], "kind": "first"})
        elif _is_event_total(e) and _m(e["when"][1]) >= _m(LAST_RECORD_MONTH):
            listed = [str(_m(m)) for m in (e.get("months") or [])]
            out.append(
                {
                    "id": e["id"],
                    "outcome": e["outcome"],
                    "threshold": 0.5,
                    "kind": "any",
                    "months": listed,
                    "since": str(_m(e["when"][0])),
                }
            )
    if initial is not None:
        out += rungs_after(entries, origin, initial)
    return out


def july_2025_level(entries, outcome: str) -> tuple[float, float] | None:
    """(lowest, highest) level the record gives a relation in July 2025: its level then, or at most the highest
    level from August 2021 to then (a rung above it was never reached); None where the record says neither."""
    low, high = -np.inf, np.inf
    for e in entries:
        if e["outcome"] != outcome or e["kind"] not in ("level", "max"):
            continue
        when = e["when"] if isinstance(e["when"], list) else [e["when"], e["when"]]
        first = START if e["kind"] == "max" else LAST_RECORD_MONTH
        if _m(when[0]) != _m(first) or _m(when[-1]) != _m(LAST_RECORD_MONTH):
            continue
        if e["kind"] == "level":
            low = max(low, float(e["range"][0]))
        high = min(high, float(e["range"][1]))
    return None if np.isinf(low) and np.isinf(high) else (low, high)


def rungs_after(entries, origin: str, initial: dict) -> list[dict]:
    """For each state whose level in July 2025 is on the record, each rung above it (and above the level known at
    the origin, ``_relation_points``) up to recognition, as the event "first reaches the rung inside the window",
    observed 0: a forecast of steps that never came is scored too.  A rung reached by July 2025 is scored only
    through the dated record of its step (its own event); one reached with no date on the record is left out,
    since it may have come before the origin, and so is one inside the record's range for July 2025 (2-3:
    reached or not)."""
    known = records_before(entries, origin)
    out = []
    for state in initial:
        outcome = f"relation_{state}"
        bounds = july_2025_level(entries, outcome)
        if bounds is None:
            continue
        level = int(_relation_points(outcome, known, initial)[-1][1])
        for rung in range(max(level, int(bounds[1])) + 1, RECOGNITION + 1):
            out.append(
                {"id": f"{state}_reaches_{rung}", "outcome": outcome, "threshold": rung, "kind": "first",
                 "observed": 0.0}
            )  # fmt: skip
    return out


def unscored_relations(entries) -> tuple[list[str], list[str], list[str]]:
    """The states whose level in July 2025 the record does not give (no rung of theirs is scored), those it gives
    as a range ("iran (2-3)": the rungs inside it are not scored), and those it gives only a highest level for
    ("united_states (1)": the rungs above it are scored as not reached)."""
    missing, open_, at_most = [], [], []
    for state in STATES:
        bounds = july_2025_level(entries, f"relation_{state}")
        if bounds is None:
            missing.append(state)
        elif not np.isfinite(bounds[0]):
            at_most.append(f"{state} ({bounds[1]:g})")
        elif bounds[0] < bounds[1]:
            open_.append(f"{state} ({bounds[0]:g}-{bounds[1]:g})")
    return missing, open_, at_most


# --- calibration and forecast -------------------------------------------------------------------------------------


def calibration_groups() -> dict:
    """The hindcast's groups of calibrated parameters and the records that pin each down."""
    return {**MATCH_GROUPS, **motive_groups(), **BOX_GROUPS}


def calibrate(known: list[dict], origin: str, hypothesis: str, replications: int) -> pd.DataFrame:
    """History matching on the records ``known`` at the origin only (``records_before``), with runs that stop
    the month before it.  One row per matched parameter with the range the known record leaves plausible."""
    late = [e["id"] for e in known if known_from(e) > _m(origin)]
    if late:
        raise ValueError(f"calibration at {origin} was given records not yet known then: {', '.join(late)}")
    checks = checks_for(known)
    months = _months_from(START, _m(origin) - np.timedelta64(1, "M"))
    # the parameters outside each group stay at their defaults: their calibrated ranges were fitted on the whole record
    return history_match(replications, hypothesis, groups=calibration_groups(), checks=checks, months=months,
                         overrides=("uncertainty=none",))  # fmt: skip


def forecast_ranges(matched: pd.DataFrame) -> dict:
    """Parameter -> the range to draw from at the origin: the matched range where enough paths were kept; else the
    declared range for a parameter the full record calibrated (its calibrated range used later records), or its
    usual sampling range."""
    found = {
        r.parameter: (r.plausible_p05, r.plausible_p95)
        for r in matched.itertuples()
        if np.isfinite(r.plausible_p05) and np.isfinite(r.plausible_p95)
    }
    ranges = {}
    for p in uncertain_parameters():
        if p.name in found:
            ranges[p.name] = found[p.name]
        elif p.calibrated_range is not None:
            ranges[p.name] = (p.low, p.high)
        else:
            ranges[p.name] = p.sampling_range
    return ranges


NOTHING_MATCHED = pd.DataFrame(columns=["parameter", "plausible_p05", "plausible_p95"])


def between_rungs(entry) -> bool:
    """A relation's level the record gives as two rungs ("2 or 3"): a figure no run can equal."""
    low, high = entry["range"]
    return entry["kind"] == "level" and entry["outcome"].startswith("relation_") and low != high


def _draw(ranges: dict, seed: int, reps: np.ndarray) -> dict:
    params = [PARAMS[name] for name in sorted(ranges)]
    unit = unit_design(seed, reps, params)
    out = {}
    for j, p in enumerate(params):
        lo, hi = ranges[p.name]
        if p.integer:
            out[p.name] = np.floor(lo + unit[:, j] * (hi - lo + 1)).clip(lo, hi)
        else:
            out[p.name] = lo + unit[:, j] * (hi - lo)
    return out


# dated shocks from outside the model that the August 2021 start state schedules: (actor, months-to-shock variable)
DATED_SHOCKS = (
    ("iran", "months_to_security_shock"),
    ("population", "months_to_drought_end"),
    ("population", "months_to_drought"),
)
# spans from the start in which the start state, not the model's draws, sets a state of the world (the seasons'
# rains): (actor, months-recorded variable)
RECORDED_SPANS = (("population", "drought_recorded_months"),)


def foreseeable_state(state: dict, origin: str) -> dict:
    """The start state as a forecaster at ``origin`` could set it: a dated shock that comes at or after the origin
    (the war of June 2025, after which Tehran expelled Afghans; the end of the drought of 2021-2023 in November 2023
    and the dry season from November 2024) is taken out, since nobody knew of it then, and a recorded span is cut at
    the origin: the drought runs on as the record had it then, and the seasons from the origin on are drawn."""
    out = {actor: dict(values) for actor, values in state.items()}
    for actor, variable in DATED_SHOCKS:
        months = out.get(actor, {}).get(variable, -1)
        if months >= 0 and _m(START) + np.timedelta64(int(months), "M") >= _m(origin):
            out[actor][variable] = -1.0
    known = int((_m(origin) - _m(START)).astype(np.int64))
    for actor, variable in RECORDED_SPANS:
        if variable in out.get(actor, {}):
            out[actor][variable] = float(min(out[actor][variable], max(known, 0)))
    return out


def forecast(ranges: dict, hypothesis: str, replications: int, seed: int, origin: str):
    """The model's paths from August 2021 to July 2025 with parameters drawn from ``ranges``, from the start state
    as it could be known at ``origin``; (record, setup)."""
    p = plan(["experiment=hindcast", "uncertainty=none", f"replications={replications}", f"seed={seed}",
              f"experiment.hypotheses=[{hypothesis}]"])  # fmt: skip
    cell = p.cells[0]
    keep = explicit_params(p, cell)
    reps = np.arange(replications)
    draws = {k: v for k, v in _draw(ranges, seed + 3, reps).items() if k not in keep}
    setup = replace(
        cell.setup,
        params={**cell.setup.params, **draws},
        state=foreseeable_state(cell.setup.state, origin),
        months=_months_from(START, LAST_RECORD_MONTH),
    )
    return run_cell(setup, reps), setup


# --- what the priors knew ----------------------------------------------------------------------------------------


def prior_dates(origins) -> pd.DataFrame:
    """Per origin, every parameter the forecast draws and every one it holds fixed (switches aside), with the month
    of the latest material its basis cites (``cited_month``; a year not over by July 2025 is known to July 2025)
    and whether that month is from the origin on: a range or a scale set knowing what came after.  An undated
    basis (a guess) is not counted either way."""
    drawn = {p.name for p in uncertain_parameters()}
    rows = []
    for origin in origins:
        for name, p in sorted(PARAMS.items()):
            if is_switch(name):
                continue
            cited = cited_month(p.provenance, until=LAST_RECORD_MONTH)
            rows.append(
                {
                    "origin": str(origin),
                    "parameter": name,
                    "use": "drawn" if name in drawn else "fixed",
                    "cited_month": cited,
                    "from_origin": None if cited is None else bool(_m(cited) >= _m(origin)),
                }
            )
    return pd.DataFrame(rows, columns=["origin", "parameter", "use", "cited_month", "from_origin"])


# --- the naive forecasters -----------------------------------------------------------------------------------------


def _centre(entry) -> float:
    """A record's window centre, in months since 1970."""
    when = entry["when"] if isinstance(entry["when"], list) else [entry["when"], entry["when"]]
    first, last = (_m(w).astype(np.int64) for w in when)
    return (first + last) / 2.0


def _per_month(entry) -> float:
    """The record's value, as a monthly rate for a total (windows differ in length)."""
    value = checks_for([entry])[0].value
    if entry["kind"] == "total":
        return value / _months_from(*entry["when"])
    return value


def _relation_points(outcome: str, known: list[dict], initial: dict) -> list[tuple[float, float]]:
    """(month, level) of a state's relation known at the origin: August 2021, then each recorded dated step."""
    state = outcome.removeprefix("relation_")
    points = [(float(_m(START).astype(np.int64)), float(initial[state]))] if state in initial else []
    steps = [e for e in known if e["kind"] == "date" and e["outcome"] == outcome]
    for e in sorted(steps, key=lambda e: record_date(e)):
        points.append((float(_m(record_date(e)).astype(np.int64)), float(e["threshold"])))
    return points


def _level_points(outcome: str, known: list[dict], initial: dict) -> list[tuple[float, float]]:
    """(month, level) known at the origin of an outcome read off the relations: a relation, the count of
    recognising states, or the influence balance (sim/model/outcomes.py), each from August 2021 and the dated steps."""
    if outcome.startswith("relation_"):
        return _relation_points(outcome, known, initial)
    paths = {s: _relation_points(f"relation_{s}", known, initial) for s in initial}
    months = sorted({m for points in paths.values() for m, _ in points})

    def level(state, month):
        return [v for m, v in paths[state] if m <= month][-1]

    if outcome == "recognising_states":
        counted = [(m, float(sum(level(s, m) >= 4 for s in initial))) for m in months]
        steps = [e for e in known if e["kind"] == "date" and e["outcome"] == outcome]
        counted += [(float(_m(record_date(e)).astype(np.int64)), float(e["threshold"])) for e in steps]
        return sorted(counted)
    if outcome == "influence_balance" and {"united_states", "china", "russia", "iran"} <= set(initial):
        return [
            (m, (level("united_states", m) - (level("china", m) + level("russia", m) + level("iran", m)) / 3) / 4)
            for m in months
        ]
    return []


LEVEL_CLIP = {"recognising_states": (0.0, np.inf), "influence_balance": (-1.0, 1.0)}


def naive(entry, known: list[dict], initial: dict) -> tuple[float, float]:
    """(persistence, linear trend) forecasts of a figure from the records known at the origin; NaN where the record
    knew nothing of the kind."""
    outcome = entry["outcome"]
    if entry["kind"] == "level" and (outcome.startswith("relation_") or outcome in LEVEL_CLIP):
        points = _level_points(outcome, known, initial)
        target = float(_m(entry["when"]).astype(np.int64))
        scale = 1.0
        clip = LEVEL_CLIP.get(outcome, (0.0, 4.0))
    else:
        same = [e for e in known if e["outcome"] == entry["outcome"] and e["kind"] == entry["kind"]]
        if entry["kind"] == "ratio":
            same = []  # a ratio of two periods has no like figure to persist from in the record
        points = sorted((_centre(e), _per_month(e)) for e in same)
        target = _centre(entry)
        scale = _months_from(*entry["when"]) if entry["kind"] == "total" else 1.0
        clip = LEVEL_CLIP.get(outcome, (0.0, np.inf))
    if not points:
        return np.nan, np.nan
    persistence = points[-1][1]
    if len(points) < 2:
        trend = np.nan  # one figure gives no line: persistence alone forecasts it
    else:
        (x0, y0), (x1, y1) = points[-2], points[-1]
        trend = y1 + (y1 - y0) / (x1 - x0) * (target - x1) if x1 != x0 else y1
    return float(np.clip(persistence * scale, *clip)), float(np.clip(trend * scale, *clip))


def base_rate(event, known: list[dict], origin: str, states: int) -> float:
    """The chance of the event in the window from the origin to July 2025 at the rate seen before the origin."""
    window = _months_from(origin, LAST_RECORD_MONTH)
    if event["kind"] == "any":
        before = [m for m in event["months"] if _m(m) < _m(origin)]
        span = _months_from(event["since"], _m(origin) - np.timedelta64(1, "M"))
        rate = len(before) / span
    else:  # a first step: how often any state took a dated first step before the origin
        steps = [e for e in known if e["kind"] == "date"]
        rate = len(steps) / (states * _months_from(START, _m(origin) - np.timedelta64(1, "M")))
    return float(1.0 - (1.0 - rate) ** window)


# --- scoring ---------------------------------------------------------------------------------------------------------


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def _crps(observed: float, ensemble: np.ndarray) -> float:
    """The ensemble's CRPS against the record; NaN for an empty ensemble."""
    import scoringrules as sr

    return float(sr.crps_ensemble(np.float64(observed), ensemble)) if len(ensemble) else np.nan


def _pit(ensemble: np.ndarray, observed: float) -> float:
    """The share of the ensemble below the record, ties counted half (integer outcomes tie often)."""
    return float(np.mean(ensemble < observed) + 0.5 * np.mean(ensemble == observed))


def _event_probability(record, dates, event, origin) -> float:
    series = record[:, OUTCOME_INDEX[event["outcome"]], :].astype(np.float64)
    reached = series >= event["threshold"]
    window = (dates.astype("datetime64[M]") >= _m(origin)) & (dates.astype("datetime64[M]") <= _m(LAST_RECORD_MONTH))
    if event["kind"] == "first":  # first reaches the threshold inside the window
        first_ever = np.where(reached.any(axis=0), np.argmax(reached, axis=0), -1)
        in_window = np.zeros(reached.shape[1], dtype=bool)
        ok = first_ever >= 0
        in_window[ok] = window[first_ever[ok]]
        return float(in_window.mean())
    return float(reached[window].any(axis=0).mean())


def _observed_event(event, origin) -> float:
    if "observed" in event:  # a rung the July 2025 level says was not reached
        return event["observed"]
    if event["kind"] == "first":
        return 1.0  # dated at or after the origin, and the record stops at July 2025
    return float(any(_m(origin) <= _m(m) <= _m(LAST_RECORD_MONTH) for m in event["months"]))


def _skill(model: float, baseline: float) -> float:
    """1 - model / baseline; minus infinity where the baseline is exact and the model is not."""
    if not (np.isfinite(model) and np.isfinite(baseline)):
        return np.nan
    if baseline == 0:
        return -np.inf if model > 0 else np.nan
    return 1.0 - model / baseline


def score_origin(entries, origin: str, hypothesis: str, settings: dict, seed: int, calibrate_with=None) -> list[dict]:
    """Calibrate on what was known at ``origin``, forecast to July 2025, score what came after: rows of backtest.csv."""
    import scoringrules as sr


    known = records_before(entries, origin)
    matched = (calibrate_with or calibrate)(known, origin, hypothesis, int(settings["match_replications"]))
    replications = int(settings["forecast_replications"])
    record, setup = forecast(forecast_ranges(matched), hypothesis, replications, seed, origin)
    # the same forecast without the calibration at the origin (every parameter over its declared range): what the
    # calibration itself adds to the skill
    declared, _ = forecast(forecast_ranges(NOTHING_MATCHED), hypothesis, replications, seed, origin)
    dates = month_dates(setup.start, record.shape[0])
    readable = published_before(entries, origin)
    series = scored_series(entries, origin)
    values = extract(record, setup.start, checks_for(series))
    values_declared = extract(declared, setup.start, checks_for(series))
    rows = []
    base = {"origin": origin, "hypothesis": hypothesis}
    for entry, check in zip(series, checks_for(series)):
        ensemble = _finite(values[check.id])
        observed = check.value
        persistence, trend = naive(entry, readable, setup.relations)
        crps = _crps(observed, ensemble)
        crps_declared = _crps(observed, _finite(values_declared[check.id]))
        lead = _months_from(origin, record_date(entry)) - 1
        common = {**base, "record": entry["id"], "outcome": entry["outcome"], "lead": lead, "observed": observed}
        q05, q25, q75, q95 = np.quantile(ensemble, [0.05, 0.25, 0.75, 0.95]) if len(ensemble) else [np.nan] * 4
        scored = {
            "crps": (crps, abs(persistence - observed), abs(trend - observed)),
            "cover50": (float(q25 <= observed <= q75), np.nan, np.nan),
            "cover90": (float(q05 <= observed <= q95), np.nan, np.nan),
            "pit": (_pit(ensemble, observed) if len(ensemble) else np.nan, np.nan, np.nan),
        }
        for metric, (m, p, t) in scored.items():
            rows.append({**common, "metric": metric, "model": m, "persistence": p, "trend": t, "base_rate": np.nan,
                         "model_uncalibrated": crps_declared if metric == "crps" else np.nan})  # fmt: skip
    for event in events_after(entries, origin, setup.relations):
        observed = _observed_event(event, origin)
        probability = _event_probability(record, dates, event, origin)
        rate = base_rate(event, known, origin, len(STATES))
        m, b, u = (
            float(sr.brier_score(np.float64(observed), np.float64(x)))
            for x in (probability, rate, _event_probability(declared, dates, event, origin))
        )
        rows.append(
            {
                **base,
                "record": event["id"],
                "outcome": event["outcome"],
                "lead": _months_from(origin, LAST_RECORD_MONTH) - 1,
                "observed": observed,
                "metric": "brier",
                "model": m,
                "persistence": np.nan,
                "trend": np.nan,
                "base_rate": b,
                "model_probability": probability,
                "base_probability": rate,
                "model_uncalibrated": u,
            }
        )
    for r in rows:
        r["skill_persistence"] = _skill(r["model"], r["persistence"]) if r["metric"] == "crps" else np.nan
        r["skill_trend"] = _skill(r["model"], r["trend"]) if r["metric"] == "crps" else np.nan
        r["skill_base_rate"] = _skill(r["model"], r["base_rate"]) if r["metric"] == "brier" else np.nan
        baselines = [r["persistence"], r["trend"], r["base_rate"]]
        finite = [b for b in baselines if np.isfinite(b)]
        # against the best naive forecaster on this fact
        r["skill"] = _skill(r["model"], min(finite)) if finite and r["metric"] in ("crps", "brier") else np.nan
    return rows


COLUMNS = [
    "origin",
    "hypothesis",
    "record",
    "outcome",
    "lead",
    "metric",
    "observed",
    "model",
    "persistence",
    "trend",
    "base_rate",
    "skill",
    "skill_persistence",
    "skill_trend",
    "skill_base_rate",
    "model_probability",
    "base_probability",
    "model_uncalibrated",
]


def backtest_table(settings: dict, hypotheses, seed: int, entries=None, calibrate_with=None) -> pd.DataFrame:
    entries = RECORDS if entries is None else entries
    rows = []
    for hypothesis in hypotheses:
        for origin in settings["origins"]:
            rows += score_origin(entries, str(origin), hypothesis, settings, seed, calibrate_with)
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


# --- the experiment: settings, files, report section --------------------------------------------------------------


def run_hypotheses(config: dict) -> list[str]:
    """The worldviews the run was made under: the one chosen with hypothesis=NAME, else the experiment's list."""
    chosen = config.get("hypothesis")
    return [chosen["name"]] if chosen else list(config["experiment"]["hypotheses"])


def write_backtest(folder: Path) -> list[str]:
    """backtest.csv, the dates the priors cite (backtest.priors.csv) and the PIT histogram, computed from the
    folder's configuration."""
    folder = Path(folder)
    config = read_config(folder)
    table = backtest_table(settings_of(config), run_hypotheses(config), int(config["seed"]))
    table.to_csv(folder / BACKTEST_FILE, index=False, float_format="%.6g")
    prior_dates(settings_of(config)["origins"]).to_csv(folder / PRIORS_FILE, index=False)
    files = [BACKTEST_FILE, PRIORS_FILE]
    if config.get("figures", True):
        pit_chart(folder / FIGURE_FILE, table)
        files.append(FIGURE_FILE)
    return files


def pit_chart(path: Path, table: pd.DataFrame):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    pit = table[table["metric"] == "pit"]
    origins = list(dict.fromkeys(pit["origin"]))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    bins = np.linspace(0, 1, 6)
    ax.hist([pit[pit["origin"] == o]["model"].dropna() for o in origins], bins=bins, label=origins,
            color=PALETTE[: len(origins)], stacked=True)  # fmt: skip
    ax.axhline(len(pit) / (len(bins) - 1), color="black", lw=0.8, ls="--", label="flat (calibrated)")
    ax.set_xlabel("PIT: share of the forecast ensemble below the record")
    ax.set_ylabel("records")
    ax.set_title("Where the record fell in the model's forecasts")
    ax.legend(title="origin", frameon=False, fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def _fmt(x: float) -> str:
    if np.isneginf(x):
        return "-inf"
    if not np.isfinite(x):
        return "-"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _named(rows: pd.DataFrame) -> list[str]:
    return [f"{r.record} ({r.origin})" for r in rows.itertuples()]


def skill_sentences(table: pd.DataFrame) -> list[str]:
    """Where the model beats the naive forecasters and where it does not, in words."""
    crps = table[table["metric"] == "crps"]
    brier = table[table["metric"] == "brier"]
    out = []
    # a trend needs two known figures of the kind; with one, persistence alone is the naive forecaster
    formed = (
        f"a trend could be formed for {int(crps['trend'].notna().sum())} of the {len(crps)} figures scored, the "
        "others having fewer than two known figures of their kind before the origin"
    )
    for name, column in (("persistence", "skill_persistence"), ("the linear trend", "skill_trend")):
        s = crps[column].dropna()
        if len(s):
            beats = crps.loc[s.index][s > 0]["record"]
            loses = _named(crps.loc[s.index][s <= 0])
            out.append(
                f"On figures the model beats {name} in {len(beats)} of {len(s)} comparisons (median skill "
                f"{s.median():+.2f}" + (f"; {formed}" if column == "skill_trend" else "") + ")"
                + (f"; it does not on {', '.join(dict.fromkeys(loses))}" if len(loses) else "")
                + "."
            )
    if len(crps) and crps["skill_trend"].isna().all():
        out.append(f"No comparison with the linear trend could be made: {formed}.")
    s = brier["skill_base_rate"].dropna()
    if len(s):
        loses = _named(brier.loc[s.index][s <= 0])
        missed = int((brier.loc[s.index]["observed"] == 0).sum())
        won_missed = int(((s > 0) & (brier.loc[s.index]["observed"] == 0)).sum())
        out.append(
            f"On events it beats the base rate in {int((s > 0).sum())} of {len(s)} comparisons ({missed} of the "
            f"{len(s)}, and {won_missed} of the wins, on events that did not happen: a rung not reached, a count "
            "that stayed at none)"
            + (f"; not on {', '.join(dict.fromkeys(loses))}" if len(loses) else "")
            + "."
        )
    exact = table[table["metric"].isin(["crps", "brier"]) & np.isneginf(table["skill"])]
    if len(exact):
        out.append(
            f"A naive forecaster is exact on {', '.join(_named(exact))} (nothing changed, as "
            "before), where any spread in the model's forecast costs it (skill -inf)."
        )
    no_base = crps[crps["persistence"].isna()]["record"]
    if len(no_base):
        out.append(f"No naive figure exists for {', '.join(dict.fromkeys(no_base))}: the record knew none before.")
    for level in (50, 90):
        c = table[table["metric"] == f"cover{level}"]["model"].dropna()
        if len(c):
            out.append(f"The model's {level}% bands hold {int(c.sum())} of {len(c)} records ({c.mean():.0%}).")
    return out + bias_sentences(table) + calibration_sentences(table)


def bias_sentences(table: pd.DataFrame) -> list[str]:
    """Which way the model errs: where the records fell in its forecasts (PIT), and the chances it gave the events
    that happened and those that did not."""
    out = []
    pit = table[table["metric"] == "pit"].dropna(subset=["model"])
    if len(pit):
        high, low = pit[pit["model"] > 0.8], pit[pit["model"] < 0.2]
        out.append(
            f"The record fell above 80% of the model's forecast in {len(high)} of {len(pit)} figures and below 20% "
            f"of it in {len(low)}"
            + (f"; too low most often on {_most(high)}" if len(high) else "")
            + (f"; too high most often on {_most(low)}" if len(low) else "")
            + "."
        )
    brier = table[(table["metric"] == "brier")].dropna(subset=["model_probability"])
    for happened, words in ((1.0, "that happened"), (0.0, "that did not happen")):
        b = brier[brier["observed"] == happened]
        if len(b):
            out.append(
                f"To the {len(b)} events {words} the model gave a median chance of "
                f"{b['model_probability'].median():.2f}, the base rate {b['base_probability'].median():.2f}."
            )
    return out


def _most(rows: pd.DataFrame) -> str:
    counts = rows["outcome"].value_counts()
    return ", ".join(f"{o} ({n})" for o, n in counts.head(4).items())


def calibration_sentences(table: pd.DataFrame) -> list[str]:
    """What the calibration at the origin adds: the same forecasts with every parameter over its declared range."""
    if "model_uncalibrated" not in table:
        return []
    scored = table[table["metric"].isin(["crps", "brier"])].dropna(subset=["model", "model_uncalibrated"])
    if not len(scored):
        return []
    moved = scored[~np.isclose(scored["model"], scored["model_uncalibrated"], rtol=1e-9, atol=1e-12)]
    if not len(moved):
        return [
            "Nothing was matched at the origin: no record known then pins a calibrated group, so the forecasts are "
            "those of the declared ranges."
        ]
    best = scored[["persistence", "trend", "base_rate"]].min(axis=1, skipna=True)
    calibrated, uncalibrated = int((scored["model"] < best).sum()), int((scored["model_uncalibrated"] < best).sum())
    lowered = int((moved["model"] < moved["model_uncalibrated"]).sum())
    ratio = (moved["model"] / moved["model_uncalibrated"].where(moved["model_uncalibrated"] > 0)).median()
    return [
        f"Where the calibration at the origin moves a forecast ({len(moved)} of {len(scored)} comparisons; the "
        f"others score the same with every parameter over its declared range), it lowers the score in {lowered} "
        f"(median ratio of the calibrated score to the uncalibrated {ratio:.2f}). Without it the model would beat "
        f"the best naive forecaster in {uncalibrated} of {len(scored)} comparisons, with it in {calibrated}"
        + (
            ": the skill comes mostly from the declared ranges and the rules, written with the whole record in view."
            if uncalibrated >= 0.9 * calibrated
            else "."
        )
    ]


def skill_by_outcome(table: pd.DataFrame) -> list[str]:
    """Median skill against the best naive forecaster, per outcome and lead (months), as a markdown table."""
    scored = table[table["metric"].isin(["crps", "brier"])].dropna(subset=["skill"])
    if not len(scored):
        return []
    lines = ["| outcome | lead (months) | scored | median skill vs the best naive forecaster | model better in |",
             "|---|---:|---:|---:|---:|"]  # fmt: skip
    for (outcome, lead), g in scored.groupby(["outcome", "lead"], sort=True):
        lines.append(f"| {outcome} | {lead} | {len(g)} | {_fmt(g['skill'].median())} | {int((g['skill'] > 0).sum())} |")
    return lines


def _grouped(names) -> str:
    """``a.x, a.y, b.z`` as ``a (x, y); b (z)``: the names of many parameters, compactly."""
    groups: dict[str, list[str]] = {}
    for name in names:
        head, _, tail = name.partition(".")
        groups.setdefault(head, []).append(tail)
    return "; ".join(f"{head} ({', '.join(tails)})" for head, tails in groups.items())


def prior_sentences(priors: pd.DataFrame) -> list[tuple[str, str]]:
    """Per origin, how many drawn ranges and which fixed scales cite material from the origin on, and their
    names."""
    out = []
    earlier = None
    for origin, sub in priors.groupby("origin", sort=False):
        late = sub[sub["from_origin"].astype("boolean").fillna(False)]
        drawn = late[late["use"] == "drawn"]["parameter"].tolist()
        fixed = late[late["use"] == "fixed"]["parameter"].tolist()
        undated = int(sub["cited_month"].isna().sum())
        if earlier is not None and set(drawn) <= set(earlier[1]):
            names = f"those of {earlier[0]} but {_grouped([n for n in earlier[1] if n not in drawn]) or 'none'}"
        else:
            names = _grouped(drawn)
        out.append(
            (
                f"At {origin}, {len(drawn)} of the {int((sub['use'] == 'drawn').sum())} drawn parameters' ranges "
                f"cite material from the origin on, and {len(fixed)} of the {int((sub['use'] == 'fixed').sum())} "
                f"fixed scales ({', '.join(fixed) or 'none'}); {undated} cite no date (undated, not counted).",
                f"Drawn ranges citing material from {origin} on: {names}.",
            )
        )
        earlier = (origin, drawn)
    return out


def relation_sentences(entries) -> list[str]:
    """Which states' rungs the record cannot score."""
    missing, open_, at_most = unscored_relations(entries)
    out = [
        "A row state_reaches_n is the event that the state's relation first reaches rung n (4: recognition) "
        "between the origin and July 2025, for each rung above both the level known at the origin (August 2021's "
        "and the steps dated before it) and the state's level in July 2025: a step that did not come. A step that "
        "came is scored only by its dated record (a rung reached with no date on the record may have come before "
        "the origin, and is left out); a relation the record gives as two rungs is not scored as a figure either."
    ]
    if missing:
        out.append(f"No rung is scored for {', '.join(missing)}: the record gives no level for July 2025.")
    if open_:
        out.append(
            f"The record gives a range for July 2025 for {', '.join(open_)}: a rung inside it (reached or not) is "
            "not scored."
        )
    if at_most:
        out.append(
            f"For {', '.join(at_most)} the record gives only the highest level from August 2021 to July 2025: the "
            "rungs above it are scored as not reached."
        )
    return out


def backtest_section(folder: Path) -> str:
    table = pd.read_csv(Path(folder) / BACKTEST_FILE)
    priors_file = Path(folder) / PRIORS_FILE
    origins = list(dict.fromkeys(table["origin"].astype(str)))
    priors = (
        pd.read_csv(priors_file, dtype={"origin": str, "cited_month": str})
        if priors_file.is_file()
        else prior_dates(origins)
    )
    counts, names = zip(*prior_sentences(priors)) if len(priors) else ((), ())
    lines = [
        "## Forecast skill: the backtest",
        "",
        "Calibrated at each origin on the records dated before it, run from August 2021 and scored on the records "
        "after it up to July 2025, against persistence and the linear trend of the known record (figures, CRPS) "
        "and the base rate (events, Brier score). Skill = 1 - score of the model / score of the baseline; above 0 "
        "the model is better. Lead: months from the origin to the record's last month.",
        "",
        "**An upper bound.** At each origin every uncertain parameter is drawn: from the range the history match "
        "on the records before the origin leaves plausible, else from its declared range. But the declared ranges "
        "(the matched ones lie inside them) and the scales held fixed were set with the whole record to July 2025 in "
        "view (docs/calibration.md); backtest.priors.csv gives the latest month each one's basis cites. "
        + " ".join(counts)
        + " The rules too were written knowing what came: the US cut of January 2025 as a decision at each "
        "inauguration, the forms of Pakistan's and Iran's deportation campaigns, the opium ban as a decision. So "
        "the skill below is an upper bound on that of a forecaster standing at the origin. Dated shocks after the "
        "origin (the war of June 2025 and Iran's expulsions after it, the drought's seasons not yet known) are taken "
        "out of the forecast's start, and a record is known at an origin only once the month after its window, and "
        "after its publication, has come.",
        "",
        *names,
        "",
        *skill_sentences(table),
        *relation_sentences(RECORDS),
        "",
        *[
            f"At the origin {origin}, neither used to calibrate nor scored (their windows span it, or they were "
            "published after it): "
            + ", ".join(straddling(RECORDS, origin))
            + "."
            for origin in dict.fromkeys(table["origin"].astype(str))
            if straddling(RECORDS, origin)
        ],
        "",
        "Skill by outcome and lead time (median over records and origins):",
        "",
        *skill_by_outcome(table),
        "",
        "| origin | record | lead | metric | model | model, uncalibrated | persistence | trend | base rate | "
        "skill vs persistence | skill vs trend | skill vs base rate |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    scored = table[table["metric"].isin(["crps", "brier"])]
    for hypothesis, sub in scored.groupby("hypothesis", sort=False):
        if table["hypothesis"].nunique() > 1:
            lines.append(f"| **{hypothesis}** | | | | | | | | | | | |")
        for r in sub.itertuples():
            uncalibrated = _fmt(getattr(r, "model_uncalibrated", np.nan))
            lines.append(
                f"| {r.origin} | {r.record} | {r.lead} | {r.metric} | {_fmt(r.model)} | {uncalibrated} | "
                f"{_fmt(r.persistence)} | "
                f"{_fmt(r.trend)} | {_fmt(r.base_rate)} | {_fmt(r.skill_persistence)} | {_fmt(r.skill_trend)} | "
                f"{_fmt(r.skill_base_rate)} |"
            )
    lines.append("")
    if (Path(folder) / FIGURE_FILE).is_file():
        lines += [f"![PIT histogram]({FIGURE_FILE})", ""]
    return "\n".join(lines)
