"""The public record from August 2021 to July 2025 and the checks that read the model's monthly record against it.

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
import yaml

from sim.model.actors import STATES
from sim.model.outcomes import OUTCOME_INDEX, month_dates

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
        for m in record_months(e) + ([str(e["published"])] if "published" in e else []):
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
    "baloch_attacks",
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
