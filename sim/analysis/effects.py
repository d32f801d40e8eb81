"""From records to numbers an analyst reads: per-replication summaries, intervals and paired differences.

Replication r of every scenario sees the same shocks (common random numbers),
so a scenario's effect is estimated replication by replication against the
baseline, which removes most of the noise shared by both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.outcomes import OUTCOMES

STATISTIC = {
    "annual": "yearly total, mean over the horizon",
    "mean": "mean over the horizon",
    "final": "value in the last month",
    "share": "share of months",
}
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


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


def fan_series(record: np.ndarray) -> np.ndarray:
    """Monthly quantiles across replications, shape (quantiles, months, outcomes).

    Flows are shown as the total of the last twelve months, so a fan reads as a yearly figure; the first
    eleven months, which have no full year behind them, are left blank (NaN) when the run is long enough.
    An outcome charted as a mean (0/1 states, rare counts) gets the mean in every quantile slot.
    """
    series = record.astype(np.float64)
    months = len(series)
    for i, o in enumerate(OUTCOMES):
        if o.summary == "annual":
            c = np.cumsum(series[:, i, :], axis=0)
            c[12:] = c[12:] - c[:-12]
            if months >= 24:
                c[:11] = np.nan
            else:
                c = c * 12.0 / np.minimum(np.arange(1, months + 1), 12)[:, None]
            series[:, i, :] = c
    fans = np.quantile(series, FAN_QUANTILES, axis=2)
    for i, o in enumerate(OUTCOMES):
        if o.chart == "mean":
            fans[:, :, i] = series[:, i, :].mean(axis=1)
    return fans


def _interval(values: np.ndarray) -> dict:
    n = len(values)
    mean = float(values.mean())
    if n > 1:
        half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n))
    else:
        half = float("nan")
    lo, hi = np.quantile(values, [0.025, 0.975])
    return {"mean": mean, "ci95_low": mean - half, "ci95_high": mean + half, "p2_5": float(lo), "p97_5": float(hi)}


def summary_table(summaries: dict, baseline: str) -> pd.DataFrame:
    """``summaries[(scenario, hypothesis)]`` -> (outcomes, replications). One row per cell and outcome."""
    rows = []
    for (scenario, hypothesis), values in summaries.items():
        base = summaries.get((baseline, hypothesis))
        for i, o in enumerate(OUTCOMES):
            row = {
                "scenario": scenario,
                "hypothesis": hypothesis,
                "outcome": o.name,
                "unit": o.unit,
                "statistic": STATISTIC[o.summary],
                "n": values.shape[1],
            }
            row.update(_interval(values[i]))
            if base is not None:
                diff = values[i] - base[i]
                d = _interval(diff)
                row.update({f"diff_{k}": v for k, v in d.items()})
                row["diff_share_positive"] = float((diff > 0).mean())
            rows.append(row)
    return pd.DataFrame(rows)


def comparison_text(table: pd.DataFrame, outcomes: list[str], baseline: str) -> str:
    """The table printed at the end of a run: per outcome, each scenario's mean and its effect against the baseline."""
    lines = []
    hypotheses = list(dict.fromkeys(table["hypothesis"]))
    scenarios = list(dict.fromkeys(table["scenario"]))
    width = max(len(s) for s in scenarios) + 2
    col = 30
    for name in outcomes:
        sub = table[table["outcome"] == name]
        first = sub.iloc[0]
        lines.append(f"{name} ({first['unit']}; {first['statistic']})")
        lines.append(" " * width + "".join(h[: col - 2].ljust(col) for h in hypotheses))
        for s in scenarios:
            cells = []
            for h in hypotheses:
                r = sub[(sub["scenario"] == s) & (sub["hypothesis"] == h)].iloc[0]
                if s == baseline:
                    cells.append(f"{_fmt(r['mean'])}".ljust(col))
                else:
                    cells.append(
                        f"{_fmt(r['mean'])} ({_signed(r['diff_mean'])} "
                        f"[{_signed(r['diff_ci95_low'])}, {_signed(r['diff_ci95_high'])}])".ljust(col)
                    )
            lines.append(s.ljust(width) + "".join(cells))
        lines.append("")
    lines.append(f"Each cell: mean across replications (difference from {baseline} [95% CI], paired by replication).")
    return "\n".join(lines)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"  # e.g. the interval of a single replication
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}"


def _signed(x: float) -> str:
    s = _fmt(x)
    return s if s.startswith("-") or s == "n/a" else "+" + s
