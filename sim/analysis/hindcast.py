"""The hindcast report: the model's path from August 2021 beside the public record up to July 2025.

For every record (sim.model.record) and hypothesis the table gives the model's median, its 50% band
(25th-75th percentile) and its 90% band (5th-95th) with their widths, and says whether the record's value falls
inside each band.  A record outside the 90% band is a miss, listed in the report, not a reason to move a
parameter against its evidence.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.record import CHECKS, UNOBSERVED


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


# how near a run must come to a record to reproduce it, where the record gives no range of its own
DATE_TOLERANCE = 6  # months either side of a dated step
POINT_TOLERANCE = 0.1  # relative, either side of a single figure (the history match's discrepancy)
SHARP = 0.25  # a record inside the band that fewer runs than this reproduce is listed as hidden by the band


def reproduced_share(check, values: np.ndarray) -> float:
    """The share of runs that land on the record itself, not merely in a band around it: inside the record's range,
    within six months of a dated step, within a tenth of its middle where the range is narrower, at or above a lower
    bound. A run where the event never comes misses. NaN for a record that is itself a share of runs."""
    if check.share:
        return np.nan
    if check.as_date:
        lo, hi = check.low - DATE_TOLERANCE, check.high + DATE_TOLERANCE
    elif check.at_least:
        lo, hi = check.low, np.inf
    else:  # the record's range, and at least a tenth either side of its middle (a narrow range is a point)
        mid = (check.low + check.high) / 2.0
        lo = min(check.low, mid - abs(mid) * POINT_TOLERANCE)
        hi = max(check.high, mid + abs(mid) * POINT_TOLERANCE)
    with np.errstate(invalid="ignore"):
        return float(np.mean((values >= lo) & (values <= hi)))


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
                    "reproduced_share": round(reproduced_share(c, v), 3),
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
    shares = {c.id for c in CHECKS if c.share}
    for hypothesis, sub in t.groupby("hypothesis", sort=False):
        lines.append(f"under {hypothesis}")
        for r in sub.itertuples():
            mark = "inside 50%" if r.inside_50 else ("inside 90%" if r.inside_90 else "OUTSIDE")
            near = "" if np.isnan(r.within_a_year_share) else f"  ({r.within_a_year_share:.0%} within a year)"
            doubt = "" if r.sure else "?"
            width = _width_text(r.band90_width, dated.get(r.id, False))
            # a share of replications is one number over all of them: it has no band to show
            bands = "" if r.id in shares else f"[{r.model_p25}, {r.model_p75}] [{r.model_p05}, {r.model_p95}]"
            lines.append(
                f"  {r.quantity:<58} {r.reported + doubt:<22} {r.graded_value:>9} {r.model_median:>8} "
                f"{bands} {width:>8}  {mark}{near}"
            )
        outside = sub[~sub["inside_90"]]
        lines.append(
            f"  records outside the 90% band: {len(outside)} of {len(sub)}"
            + (": " + ", ".join(outside["id"]) if len(outside) else "")
        )
        lines.append("")
    lines += misses_text(t)
    lines += hidden_text(t)
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


def hidden_records(t: pd.DataFrame) -> pd.DataFrame:
    """The rows of records inside the 90% band that few runs land on: a wide band, not the model, holds them."""
    return t[t["inside_90"] & (t["reproduced_share"] < SHARP)]


def hidden_text(t: pd.DataFrame) -> list[str]:
    hidden = hidden_records(t)
    if hidden.empty:
        return []
    lines = [
        f"Sharp records the bands hide (the value inside the 90% band, but under {SHARP:.0%} of the runs land on the "
        f"record itself: inside its range, within {DATE_TOLERANCE} months of a date, within "
        f"{POINT_TOLERANCE:.0%} of a figure):"
    ]
    for record_id, rows in hidden.groupby("id", sort=False):
        shares = ", ".join(f"{h} {s:.0%}" for h, s in zip(rows["hypothesis"], rows["reproduced_share"]))
        lines.append(f"  {record_id}: {rows.iloc[0].quantity}; record {rows.iloc[0].reported}; runs on it: {shares}")
    return lines + [""]


def write_hindcast(path: Path, extracts: dict) -> tuple[list[str], str]:
    """Write hindcast.csv and hindcast.txt; return the file names and the text."""
    t = table(extracts)
    t.to_csv(path / "hindcast.csv", index=False)
    text = hindcast_text(t)
    (path / "hindcast.txt").write_text(text, encoding="utf-8")
    return ["hindcast.csv", "hindcast.txt"], text
