"""The hindcast report: what the model produces from August 2021 beside what the texts and other sources say.

Each check is a quantity computed per replication from the record (a level in a
month, a total over a year, the date of an event) and a reported figure.  The
table gives the model's median and 90% band (5th to 95th percentile) and
whether the reported figure falls inside the band.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from sim.actors import STATES
from sim.outcomes import OUTCOME_INDEX
from sim.store import month_dates


@dataclass(frozen=True)
class Check:
    quantity: str
    reported: float
    reported_text: str
    source: str
    in_texts: bool
    compute: Callable  # (record, dates) -> per-replication values; NaN where the event never happens
    as_date: bool = False
    at_least: bool = False  # the source gives a lower bound ("at least 6,000")


def _months_between(dates, first: str, last: str) -> np.ndarray:
    d = dates.astype("datetime64[M]")
    return (d >= np.datetime64(first, "M")) & (d <= np.datetime64(last, "M"))


def _total(outcome, first, last):
    def compute(record, dates):
        return record[_months_between(dates, first, last), OUTCOME_INDEX[outcome], :].sum(axis=0)

    return compute


def _level(outcome, month):
    def compute(record, dates):
        return record[_months_between(dates, month, month), OUTCOME_INDEX[outcome], :][0]

    return compute


def _first_month(condition):
    """Index (months since 1970, as float) of the first month the condition holds; NaN if never."""

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


def _relation_at_least(state, level):
    return _first_month(lambda rec: rec[:, OUTCOME_INDEX[f"relation_{state}"], :] >= level)


def _russia_first(record, dates):
    recog = np.stack([record[:, OUTCOME_INDEX[f"relation_{k}"], :] >= 4 for k in STATES])  # states x months x reps
    any_month = recog.any(axis=0)
    first = np.argmax(any_month, axis=0)
    ever = any_month.any(axis=0)
    reps = np.arange(record.shape[2])
    russia = recog[STATES.index("russia"), first, reps]
    return np.where(ever, russia.astype(np.float64), np.nan)


def _month_value(text: str) -> float:
    return float(np.datetime64(text, "M").astype(np.int64))


CHECKS = (
    Check(
        "TTP fighters, July 2025",
        6000,
        "at least 6,000",
        "seed 000 ¶2",
        True,
        _level("ttp_fighters", "2025-07"),
        at_least=True,
    ),
    Check(
        "attacks in Pakistan, 2023",
        650,
        "over 650",
        "seed 004 ¶1",
        True,
        _total("attacks_pakistan", "2023-01", "2023-12"),
        at_least=True,
    ),
    Check(
        "deaths in attacks in Pakistan, 2024",
        1600,
        "1,600",
        "seed 004 ¶1",
        True,
        _total("deaths_pakistan", "2024-01", "2024-12"),
    ),
    Check(
        "first formal recognition (any state)",
        _month_value("2025-07"),
        "July 2025",
        "seed 000 ¶3",
        True,
        _first_month(lambda rec: rec[:, OUTCOME_INDEX["recognising_states"], :] >= 1),
        as_date=True,
    ),
    Check(
        "share of recognising replications where Russia is first",
        1.0,
        "Russia first",
        "seed 000 ¶3",
        True,
        _russia_first,
    ),
    Check(
        "China accepts a Taliban ambassador",
        _month_value("2024-01"),
        "January 2024",
        "outside the texts (Chinese foreign ministry)",
        False,
        _relation_at_least("china", 3),
        as_date=True,
    ),
    Check(
        "UAE accepts a Taliban ambassador",
        _month_value("2024-08"),
        "August 2024",
        "outside the texts (UAE government)",
        False,
        _relation_at_least("uae", 3),
        as_date=True,
    ),
    Check(
        "India reopens a mission in Kabul",
        _month_value("2022-06"),
        "June 2022",
        "outside the texts (Indian foreign ministry)",
        False,
        _relation_at_least("india", 2),
        as_date=True,
    ),
    Check(
        "months with girls' secondary schools open, Aug 2021-Jul 2025",
        0,
        "none",
        "outside the texts (UNESCO)",
        False,
        _total("girls_schools_open", "2021-08", "2025-07"),
    ),
    Check(
        "months with an armed Pakistan-Afghanistan clash, Aug 2021-Jul 2025",
        4,
        "about 4",
        "outside the texts (Chaman 2022, Torkham 2023 and 2025, fighting after the strikes of Dec 2024)",
        False,
        _total("clash_pakistan_afghanistan", "2021-08", "2025-07"),
    ),
    Check(
        "people in humanitarian need, 2023 (million)",
        28.3,
        "28.3 million",
        "outside the texts (UN plan 2023)",
        False,
        _level("humanitarian_need", "2023-01"),
    ),
)


# Reported figures drawn on the hindcast chart: (outcome, month, value, label)
CHART_MARKERS = (
    ("ttp_fighters", "2025-07", 6000, "6,000+ (000 ¶2)"),
    ("attacks_pakistan", "2023-12", 650, "650+ in 2023 (004 ¶1)"),
    ("deaths_pakistan", "2024-12", 1600, "1,600 in 2024 (004 ¶1)"),
    ("recognising_states", "2025-07", 1, "Russia (000 ¶3)"),
)


COVERS = ("2022-01", "2025-12")  # the months the checks read, from the earliest to the latest


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


def extract(record: np.ndarray, start: tuple[int, int]) -> dict:
    dates = month_dates(start, record.shape[0])
    return {c.quantity: c.compute(record.astype(np.float64), dates) for c in CHECKS}


def _fmt(value: float, as_date: bool) -> str:
    if np.isnan(value):
        return "never"
    if as_date:
        return str(np.datetime64(int(round(value)), "M"))
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def table(extracts: dict) -> pd.DataFrame:
    """``extracts[hypothesis]`` -> {quantity: per-replication values}."""
    rows = []
    for hypothesis, values in extracts.items():
        for c in CHECKS:
            v = values[c.quantity]
            never = float(np.isnan(v).mean())
            finite = v[~np.isnan(v)]
            if len(finite) and never < 0.05:
                lo, med, hi = np.quantile(finite, [0.05, 0.5, 0.95])
            elif len(finite):
                # the event fails to happen in some replications: the upper band is "never"
                lo, med = np.quantile(finite, [0.05, 0.5])
                hi = np.nan if never > 0.05 else np.quantile(finite, 0.95)
            else:
                lo = med = hi = np.nan
            if c.quantity.startswith("share"):
                med = lo = hi = float(np.mean(finite)) if len(finite) else np.nan
                inside = bool(med >= 0.5)
            elif c.at_least:
                inside = bool(hi >= c.reported) if not np.isnan(hi) else True
            else:
                inside = bool(lo <= c.reported <= (hi if not np.isnan(hi) else np.inf))
            # share of all replications whose date falls within twelve months of the reported one
            with np.errstate(invalid="ignore"):
                within = float(np.mean(np.abs(v - c.reported) <= 12)) if c.as_date else np.nan
            rows.append(
                {
                    "hypothesis": hypothesis,
                    "quantity": c.quantity,
                    "reported": c.reported_text,
                    "source": c.source,
                    "in_texts": c.in_texts,
                    "model_median": _fmt(med, c.as_date),
                    "model_p05": _fmt(lo, c.as_date),
                    "model_p95": _fmt(hi, c.as_date),
                    "never_share": round(never, 3),
                    "within_a_year_share": within if np.isnan(within) else round(within, 3),
                    "inside_90": inside,
                }
            )
    return pd.DataFrame(rows)


def write_hindcast(path: Path, extracts: dict) -> tuple[list[str], str]:
    """Write hindcast.csv and hindcast.txt; return the file names and the text."""
    t = table(extracts)
    t.to_csv(path / "hindcast.csv", index=False)
    lines = []
    for hypothesis, sub in t.groupby("hypothesis", sort=False):
        lines.append(f"hindcast under {hypothesis}")
        for r in sub.itertuples():
            mark = "inside" if r.inside_90 else "OUTSIDE"
            near = "" if np.isnan(r.within_a_year_share) else f"  ({r.within_a_year_share:.0%} within a year)"
            lines.append(
                f"  {r.quantity:<70} reported {r.reported:<15} model {r.model_median:>8} "
                f"[{r.model_p05}, {r.model_p95}]  {mark}{near}"
            )
        lines.append("")
    text = "\n".join(lines)
    (path / "hindcast.txt").write_text(text, encoding="utf-8")
    return ["hindcast.csv", "hindcast.txt"], text
