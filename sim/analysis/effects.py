"""From records to numbers an analyst reads: per-replication summaries, intervals and paired differences.

Replication r of every scenario sees the same shocks (common random numbers),
so a scenario's effect is estimated replication by replication against the
baseline, which removes most of the noise shared by both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.labels import outcome_title
from sim.model.outcomes import OUTCOMES

OUTCOME_BY_NAME = {o.name: o for o in OUTCOMES}

STATISTIC = {
    "annual": "yearly total, mean over the horizon",
    "mean": "mean over the horizon",
    "final": "value in the last month",
    "share": "share of months",
}
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def fan_series(record: np.ndarray, outcomes=None, columns=None) -> np.ndarray:
    """Monthly quantiles across replications, shape (quantiles, months, outcomes).

    Flows are shown as the total of the last twelve months, so a fan reads as a yearly figure; the first
    eleven months, which have no full year behind them, are left blank (NaN) when the run is long enough.
    An outcome charted as a mean (0/1 states, rare counts) gets the mean in every quantile slot.
    ``outcomes`` (names) limits the work to those outcomes; the others are left NaN. ``columns``: the
    record holds only those outcomes (indices into OUTCOMES), in that order.
    """
    wanted = [i for i, o in enumerate(OUTCOMES) if outcomes is None or o.name in outcomes]
    position = {i: j for j, i in enumerate(columns)} if columns is not None else {i: i for i in wanted}
    months = record.shape[0]
    fans = np.full((len(FAN_QUANTILES), months, len(OUTCOMES)), np.nan)
    # one outcome at a time, so the float64 working copy is one outcome's, not the record's
    for i in wanted:
        series = record[:, position[i], :].astype(np.float64)
        if OUTCOMES[i].summary == "annual":
            series = np.cumsum(series, axis=0, out=series)
            series[12:] = series[12:] - series[:-12]
            if months >= 24:
                series[:11] = np.nan
            else:
                series *= 12.0 / np.minimum(np.arange(1, months + 1), 12)[:, None]
        if OUTCOMES[i].chart == "mean":
            fans[:, :, i] = series.mean(axis=1)
        else:
            # month by month: the partition's working copy is one month's, not the outcome's
            for m in range(months):
                fans[:, m, i] = np.quantile(series[m], FAN_QUANTILES)
    return fans


def _interval(values: np.ndarray) -> dict:
    n = len(values)
    mean = float(values.mean())
    if n > 1:
        half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n))
        lo, hi = np.quantile(values, [0.025, 0.975])
    else:
        # one replication has no spread and no precision to report
        half = lo = hi = float("nan")
    return {
        "mean": mean,
        "ci95_low": mean - half,
        "ci95_high": mean + half,
        "p2_5": float(lo),
        "p97_5": float(hi),
    }


def effect_probabilities(diff: np.ndarray, better: str) -> tuple[float, float]:
    """(P(better), P(same)): shares of replications in which the policy beats the baseline, or changes nothing.

    Ties are reported on their own, not split: under common random numbers a policy that changes nothing
    gives exactly the baseline's number (both are computed the same way from identical months), and that
    is worth seeing. An outcome with no good direction has P(better) NaN.
    """
    diff = np.asarray(diff, dtype=np.float64)
    same = diff == 0.0
    if better == "lower":
        p_better = float(((diff < 0) & ~same).mean())
    elif better == "higher":
        p_better = float(((diff > 0) & ~same).mean())
    else:
        p_better = float("nan")
    return p_better, float(same.mean())


def _effect_distribution(diff: np.ndarray, better: str) -> dict:
    """Spread of the paired effect across replications, and how often the policy is better or the same."""
    p05, p50, p95 = np.quantile(diff, [0.05, 0.5, 0.95])
    if len(diff) < 2:
        p05 = p95 = float("nan")
    p_better, p_same = effect_probabilities(diff, better)
    return {
        "effect_p05": float(p05),
        "effect_p50": float(p50),
        "effect_p95": float(p95),
        "p_better": p_better,
        "p_same": p_same,
    }


def summary_table(summaries: dict, baseline: str) -> pd.DataFrame:
    """``summaries[(scenario, hypothesis)]`` -> (outcomes, replications). One row per cell and outcome.

    ``diff_*`` is the effect against the baseline paired by replication; ``diff_ci95_*`` is the precision of
    its mean, ``effect_p05..p95`` its spread across replications (futures), ``p_better`` the share of
    replications in which the policy beats the baseline in the outcome's good direction and ``p_same`` the
    share with no change at all.
    """
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
                "better": o.better,
                "n": values.shape[1],
            }
            row.update(_interval(values[i]))
            if base is not None:
                diff = values[i] - base[i]
                d = _interval(diff)
                row.update({f"diff_{k}": v for k, v in d.items()})
                row["diff_share_positive"] = float((diff > 0).mean())
                row.update(_effect_distribution(diff, o.better))
                row.update(material_shares(diff, o.name))
            rows.append(row)
    return pd.DataFrame(rows)


def _p(x: float) -> str:
    return "n/a" if np.isnan(x) else f"{x:.2f}"


def p_better_text(table: pd.DataFrame, outcomes: list[str], baseline: str, labels: dict, futures: str) -> str:
    """Per outcome with a good direction, a table of P(better) (better by any amount) per policy and worldview,
    with the worst case over the worldviews."""


    hypotheses = list(dict.fromkeys(table["hypothesis"]))
    policies = [s for s in dict.fromkeys(table["scenario"]) if s != baseline]
    base = labels.get(baseline, baseline)
    lines = [
        f"P(better): share of futures ({futures})",
        f"in which the policy beats {base} in the outcome's good direction by any amount; futures with no change",
        "at all count as not better (their share is p_same in summary.csv).",
        "",
    ]
    names = [labels.get(h, h) for h in hypotheses]
    width = max([len(labels.get(s, s)) for s in policies] + [10]) + 2
    col = max([len(n) for n in names] + [10]) + 2
    for name in outcomes:
        better = OUTCOME_BY_NAME[name].better
        if not better:
            continue
        sub = table[table["outcome"] == name].set_index(["scenario", "hypothesis"])
        lines.append(f"{outcome_title(name)}, {better} is better: P(better)")
        header = "".join(n.rjust(col) for n in names) + ("worst case".rjust(col) if len(hypotheses) > 1 else "")
        lines.append(" " * width + header)
        for s in policies:
            values = [float(sub.loc[(s, h), "p_better"]) for h in hypotheses]
            cells = "".join(_p(v).rjust(col) for v in values)
            if len(hypotheses) > 1:
                cells += _p(min(values)).rjust(col)
            lines.append(labels.get(s, s).ljust(width) + cells)
        lines.append("")
    return "\n".join(lines)


def comparison_text(table: pd.DataFrame, outcomes: list[str], baseline: str) -> str:
    """The long tables: per outcome, each scenario's mean and its effect against the baseline.

    The interval is the precision of the mean effect (how sure the average is), not the spread of futures;
    the second table gives that spread.
    """
    lines = []
    hypotheses = list(dict.fromkeys(table["hypothesis"]))
    scenarios = list(dict.fromkeys(table["scenario"]))
    width = max(len(s) for s in scenarios) + 2
    col = 30
    rows = {(r["outcome"], r["scenario"], r["hypothesis"]): r for r in table.to_dict("records")}
    for name in outcomes:
        first = rows[(name, scenarios[0], hypotheses[0])]
        lines.append(f"{name} ({first['unit']}; {first['statistic']}): mean (effect [95% CI of the mean effect])")
        lines.append(" " * width + "".join(h[: col - 2].ljust(col) for h in hypotheses))
        for s in scenarios:
            cells = []
            for h in hypotheses:
                r = rows[(name, s, h)]
                if s == baseline:
                    cells.append(f"{_fmt(r['mean'])}".ljust(col))
                else:
                    cells.append(
                        f"{_fmt(r['mean'])} ({_signed(r['diff_mean'])} "
                        f"[{_signed(r['diff_ci95_low'])}, {_signed(r['diff_ci95_high'])}])".ljust(col)
                    )
            lines.append(s.ljust(width) + "".join(cells))
        lines.append(f"{name}: effect across futures, median [5%, 95%]")
        for s in scenarios:
            if s == baseline:
                continue
            cells = []
            for h in hypotheses:
                r = rows[(name, s, h)]
                cells.append(
                    f"{_signed(r['effect_p50'])} [{_signed(r['effect_p05'])}, {_signed(r['effect_p95'])}]".ljust(col)
                )
            lines.append(s.ljust(width) + "".join(cells))
        lines.append("")
    lines.append(
        f"Effect: difference from {baseline}, paired by replication. The 95% CI is the precision of the mean "
        "effect over the replications run, not the range of outcomes; the range is the 5-95% spread across futures."
    )
    return "\n".join(lines)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"  # e.g. the interval of a single replication
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}"


def _signed(x: float) -> str:
    s = _fmt(x)
    return s if s.startswith("-") or s == "n/a" else "+" + s


def paired_effect(values: pd.DataFrame, outcome: str, policy: str, against: str) -> pd.DataFrame:
    """Per hypothesis and replication, the policy's outcome minus the comparison's (same shocks, same draw)."""
    wide = values.pivot_table(index=["hypothesis", "replication"], columns="scenario", values=outcome, observed=True)
    effect = (wide[policy] - wide[against]).rename("effect").reset_index()
    return effect


# --- levels and sizes: the answer's numbers, from tidy tables ------------------------------------------------

# the years of the horizon at which effects are shown side by side, as far as a run's horizon reaches
HORIZON_YEARS = (1, 3, 5, 10)
# the hypothesis column's value for a row pooled over the worldviews
POOLED = "all worldviews"
# levels and effects are given as the median and this band over futures (5th to 95th percentile)
BAND = (0.05, 0.95)


def horizon_years(months: int, years=HORIZON_YEARS) -> list[int]:
    """The years of ``years`` whose twelve months all lie within a run of ``months`` months."""
    return [y for y in years if 12 * y <= months]


def year_figures(series: np.ndarray, summary: str) -> np.ndarray:
    """An outcome's monthly values (months, replications) as one figure per whole year of the run, (years,
    replications), summarised as the outcome is over the horizon: a flow's yearly total, a level's yearly
    mean (or, for ``final``, its value at the end of the year), a state's share of the year's months.
    Months after the last whole year are left out."""
    years = series.shape[0] // 12
    blocks = np.asarray(series[: 12 * years], dtype=np.float64).reshape(years, 12, *series.shape[1:])
    if summary == "annual":
        return blocks.sum(axis=1)
    if summary in ("mean", "share"):
        return blocks.mean(axis=1)
    if summary == "final":
        return blocks[:, -1]
    raise ValueError(f"unknown summary {summary!r}")


def paired_effects(values: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """The policies' rows of ``values`` (scenario, hypothesis, replication, outcome[, year], value) with
    ``effect``: the value minus the baseline's in the same worldview, replication (same shocks, same draw),
    outcome and year."""
    keys = [c for c in ("hypothesis", "replication", "outcome", "year") if c in values.columns]
    base = values.loc[values["scenario"] == baseline, [*keys, "value"]].rename(columns={"value": "base"})
    policies = values[values["scenario"] != baseline]
    paired = policies.merge(base, on=keys, how="inner", validate="many_to_one")
    return paired.assign(effect=paired["value"] - paired["base"]).drop(columns="base")


def _future_weights(hypotheses: pd.Series, weights: dict | None) -> np.ndarray:
    """Each future's weight in a pooled figure: its worldview's weight shared by that worldview's futures
    (equal weights when ``weights`` is None), so a worldview counts by its weight, not by its number of runs."""
    counts = hypotheses.value_counts()
    names = list(counts.index)
    w = {h: (1.0 if weights is None else float(weights.get(h, 0.0))) for h in names}
    total = sum(w.values())
    per_future = {h: w[h] / total / counts[h] for h in names} if total > 0 else {h: np.nan for h in names}
    return hypotheses.map(per_future).to_numpy(dtype=np.float64)


def material_shares(diff: np.ndarray, outcome: str, weights: np.ndarray | None = None) -> dict:
    """Shares of futures in which the effect is a material rise or fall (at least the outcome's declared
    ``material`` threshold), and, for an outcome with a good direction, a material improvement or harm.
    An effect smaller than the threshold counts as neither, however consistent its sign."""
    o = OUTCOME_BY_NAME[outcome]
    diff = np.asarray(diff, dtype=np.float64)
    w = np.full(len(diff), 1.0 / max(len(diff), 1)) if weights is None else np.asarray(weights) / np.sum(weights)
    # a hair below the threshold, so an effect of exactly one threshold (one rung, one state) counts
    edge = o.material * (1.0 - 1e-9)
    rise, fall = float(w[diff >= edge].sum()), float(w[diff <= -edge].sum())
    good, bad = {"lower": (fall, rise), "higher": (rise, fall)}.get(o.better, (np.nan, np.nan))
    return {
        "material": o.material,
        "p_material_rise": rise,
        "p_material_fall": fall,
        "p_material_improvement": good,
        "p_material_harm": bad,
    }


def _distribution(values: np.ndarray, weights: np.ndarray) -> dict:
    """Weighted median, band and mean of one group's futures."""
    lo, mid, hi = np.quantile(values, [BAND[0], 0.5, BAND[1]], weights=weights, method="inverted_cdf")
    mean = float(np.average(values, weights=weights))
    return {"median": float(mid), "low": float(lo), "high": float(hi), "mean": mean}


def distribution_table(frame: pd.DataFrame, column: str, by: list, weights: dict | None) -> pd.DataFrame:
    """Per group of ``by`` (e.g. outcome, scenario, year): the median and 5-95% band of ``column`` over
    futures, per worldview and pooled over the worldviews (hypothesis = POOLED) with each worldview weighed
    by ``weights`` (equal when None). Effects (``column == "effect"``) also get P(better), P(material
    improvement) and P(material harm). Quantiles take the observed future at or above the share asked
    (numpy's ``inverted_cdf``, the one method that takes weights), per worldview as pooled."""
    rows = []
    for key, group in frame.groupby(by, sort=False, observed=True):
        key = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        pooled_w = _future_weights(group["hypothesis"], weights)
        parts = [(POOLED, group, pooled_w)] + [
            (h, sub, np.full(len(sub), 1.0 / len(sub)))
            for h, sub in group.groupby("hypothesis", sort=False, observed=True)
        ]
        for hypothesis, sub, w in parts:
            if not np.isfinite(w).all() or w.sum() <= 0:
                continue
            values = sub[column].to_numpy(dtype=np.float64)
            row = {**key, "hypothesis": hypothesis, "n": len(sub), **_distribution(values, w)}
            if column == "effect":
                better = OUTCOME_BY_NAME[key["outcome"]].better
                good = values < 0 if better == "lower" else values > 0 if better == "higher" else None
                row["p_better"] = float(w[good].sum() / w.sum()) if good is not None else np.nan
                row.update(material_shares(values, key["outcome"], w))
            rows.append(row)
    return pd.DataFrame(rows)


def variance_parts(effects: pd.DataFrame, weights: dict | None, by=("outcome", "scenario")) -> pd.DataFrame:
    """Per group of ``by``, the variance of the effect over the pooled futures split by the law of total
    variance: ``worldview``, the variance of the worldviews' mean effects (weighed as the pooled figures are),
    and ``within``, the weighted mean of each worldview's variance over its futures. They sum to ``total``.

    Replication r shares its parameter draw and its shocks across the cells, so within a worldview each future
    is one parameter draw with one stream of shocks: the store cannot tell the two apart, and ``within`` holds
    parameters and chance together (chance alone when the parameters were not drawn)."""
    rows = []
    for key, group in effects.groupby(list(by), sort=False, observed=True):
        key = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        w = _future_weights(group["hypothesis"], weights)
        if not np.isfinite(w).all() or w.sum() <= 0:
            continue
        frame = pd.DataFrame({"h": group["hypothesis"].to_numpy(), "w": w, "x": group["effect"].to_numpy(float)})
        frame["wx"] = frame["w"] * frame["x"]
        per = frame.groupby("h", sort=False, observed=True).agg(w=("w", "sum"), wx=("wx", "sum"))
        means = per["wx"] / per["w"]
        frame["dev2"] = frame["w"] * (frame["x"] - frame["h"].map(means)) ** 2
        within = float(frame["dev2"].sum() / frame["w"].sum())
        grand = float(per["wx"].sum() / per["w"].sum())
        worldview = float((per["w"] * (means - grand) ** 2).sum() / per["w"].sum())
        total = float(np.average((frame["x"] - grand) ** 2, weights=frame["w"]))
        rows.append({**key, "total": total, "worldview": worldview, "within": within, "mean": grand})
    return pd.DataFrame(rows)
