"""From records to numbers an analyst reads: per-replication summaries, intervals and paired differences.

Replication r of every scenario sees the same shocks (common random numbers),
so a scenario's effect is estimated replication by replication against the
baseline, which removes most of the noise shared by both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.labels import capitalised, outcome_label, outcome_title
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
            rows.append(row)
    return pd.DataFrame(rows)


def _p(x: float) -> str:
    return "n/a" if np.isnan(x) else f"{x:.2f}"


def answer_sentences(table: pd.DataFrame, outcomes: list[str], baseline: str, labels: dict) -> list[str]:
    """Plain sentences from the numbers: per policy and outcome with a good direction, across worldviews."""
    hypotheses = list(dict.fromkeys(table["hypothesis"]))
    policies = [s for s in dict.fromkeys(table["scenario"]) if s != baseline]
    sentences = []
    for name in outcomes:
        better = OUTCOME_BY_NAME[name].better
        if not better:
            continue
        good_verb, base_verb = ("lowers", "lower") if better == "lower" else ("raises", "raise")
        sub = table[table["outcome"] == name].set_index(["scenario", "hypothesis"])
        for s in policies:
            p = {h: float(sub.loc[(s, h), "p_better"]) for h in hypotheses}
            same_each = [float(sub.loc[(s, h), "p_same"]) for h in hypotheses]
            same = max(same_each)
            policy = labels.get(s, s)
            if min(same_each) == 1.0:
                sentences.append(
                    f"{policy} leaves {outcome_label(name)} unchanged in every future under every worldview."
                )
                continue
            # "in most futures" under a worldview: more than half of its replications are better
            k = sum(v > 0.5 for v in p.values())
            worst, best = min(p, key=p.get), max(p, key=p.get)
            n = len(hypotheses)
            what = f"{good_verb} {outcome_label(name)}"
            if n == 1:
                sentence = (
                    f"{policy} {what} in {p[worst]:.0%} of futures under {labels.get(worst, worst)} "
                    f"(P(better) {p[worst]:.2f})."
                )
            else:
                if k == 0:
                    head = (
                        f"{policy} does not {base_verb} {outcome_label(name)} in most futures under any of the "
                        f"{n} worldviews"
                    )
                elif k == n:
                    head = f"{policy} {what} in most futures under all {n} worldviews"
                else:
                    head = f"{policy} {what} in most futures under {k} of {n} worldviews"
                spread = (
                    f"P(better) {p[worst]:.2f} under each"
                    if f"{p[worst]:.2f}" == f"{p[best]:.2f}"
                    else f"P(better) from {p[worst]:.2f} ({labels.get(worst, worst)}) "
                    f"to {p[best]:.2f} ({labels.get(best, best)})"
                )
                sentence = f"{head}; {spread}."
            if same >= 0.05:
                most = hypotheses[same_each.index(same)]
                where = f" ({labels.get(most, most)})" if len(hypotheses) > 1 else ""
                sentence += f" No change at all in up to {same:.0%} of futures{where}."
            sentences.append(sentence)
    return sentences


def answer_text(table: pd.DataFrame, outcomes: list[str], baseline: str, labels: dict, futures: str) -> str:
    """The answer first: sentences, then per outcome a P(better) table of policy x hypothesis with the worst case."""
    hypotheses = list(dict.fromkeys(table["hypothesis"]))
    policies = [s for s in dict.fromkeys(table["scenario"]) if s != baseline]
    base = labels.get(baseline, baseline)

    lines = [f"ANSWER: how often does each policy do better than {base}?", ""]
    for name in outcomes:
        sentences = answer_sentences(table, [name], baseline, labels)
        if sentences:
            lines += [f"{capitalised(outcome_label(name))}:"] + [f"- {s}" for s in sentences] + [""]
    lines += [
        f"P(better): share of futures ({futures})",
        f"in which the policy beats {base} in the outcome's good direction; futures with no change at all",
        "count as not better (their share is p_same in summary.csv).",
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
