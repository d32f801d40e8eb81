"""Robustness across worldviews: regret, satisficing and rank flips of every policy under every hypothesis.

Pooled over worldviews, every answer is given twice, side by side: robust across worldviews, unweighted (each
worldview counts equally: ``all hypotheses``), and evidence-weighted (each worldview by its weight from the
record, sim.calibration.evidence, or as ``weights.NAME=...`` sets it: ``evidence-weighted``).  The value of information
says which event of the next twelve months would most change which policy is best, and by how much.

Each replication is one future: a draw of the assumptions and of the shocks, the same for every policy
and hypothesis.  A policy's regret in a future is how far it falls short of the best policy of that
same future, in the outcome's own unit (so the best policy's regret is zero).  A robust policy keeps its
regret small across futures and worldviews; a satisficing one meets a declared threshold often.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.labels import outcome_label, outcome_unit, outcome_words
from sim.analysis.style import save_figure
from sim.analysis.weights import folder_weights
from sim.model.outcomes import OUTCOME
from sim.model.record import RECORDS
from sim.model.weights import load_evidence
from sim.store.reader import ResultsFolder, analysis_settings, labels, read_config, read_manifest, replication_values

ALL = "all hypotheses"  # pooled, each worldview counting equally (unweighted)
WEIGHTED = "evidence-weighted"  # pooled, each worldview by its weight
ALL_THRESHOLDS = "all thresholds"


def _loss(values: np.ndarray, outcome: str) -> np.ndarray:
    """The outcome turned so that lower is better."""
    return values if OUTCOME[outcome].better == "lower" else -values


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose weighted cumulative share reaches ``q`` (numpy's inverted_cdf, with weights)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    k = int(np.searchsorted(cumulative, q * cumulative[-1] * (1 - 1e-12)))
    return float(values[order][min(k, len(values) - 1)])


def _cube(values: pd.DataFrame, outcome: str, policies: list, hypotheses: list) -> np.ndarray:
    """cube[h, r, p]: the outcome of policy p in future r under hypothesis h."""
    wide = values.pivot_table(index=["hypothesis", "replication"], columns="scenario", values=outcome, observed=True)
    wide = wide.reindex(pd.MultiIndex.from_product([hypotheses, sorted(set(values["replication"]))]))
    return wide[policies].to_numpy(dtype=np.float64).reshape(len(hypotheses), -1, len(policies))


def robustness_table(
    values: pd.DataFrame, outcomes: list, policies: list, hypotheses: list, thresholds: dict, weights=None
):
    """``values``: scenario, hypothesis, replication and one column per outcome (see replication_values).

    Returns (table, flips).  The table has one row per policy, outcome and hypothesis, plus ``all hypotheses``
    (pooled, each worldview counting equally) and, with ``weights`` (hypothesis -> weight, summing to 1),
    ``evidence-weighted`` (pooled, each worldview's futures counting by its weight): mean outcome, regret mean /
    90th percentile / maximum, share of futures where the policy is best, satisficing share, and rank (by mean
    outcome within a hypothesis; by 90th-percentile regret pooled).
    """
    rows, flips = [], []
    meets_all = {}
    for outcome in outcomes:
        cube = _cube(values, outcome, policies, hypotheses)
        loss = _loss(cube, outcome)
        regret = loss - loss.min(axis=2, keepdims=True)
        threshold = thresholds.get(outcome)
        if threshold is not None:
            meets = cube <= threshold if OUTCOME[outcome].better == "lower" else cube >= threshold
            meets_all[outcome] = meets
        mean_loss = loss.mean(axis=1)  # (h, p)
        ranks = pd.DataFrame(mean_loss).rank(axis=1, method="min").to_numpy()
        p90_all = np.quantile(regret.reshape(-1, len(policies)), 0.9, axis=0)
        rank_all = pd.Series(p90_all).rank(method="min").to_numpy()
        for j, policy in enumerate(policies):
            for k, hypothesis in enumerate([*hypotheses, ALL]):
                sel = (slice(None),) if hypothesis == ALL else (k,)
                r = regret[sel + (slice(None), j)].reshape(-1)
                c = cube[sel + (slice(None), j)].reshape(-1)
                rows.append(
                    {
                        "policy": policy,
                        "outcome": outcome,
                        "hypothesis": hypothesis,
                        "mean": float(c.mean()),
                        "regret_mean": float(r.mean()),
                        "regret_p90": float(np.quantile(r, 0.9)),
                        "regret_max": float(r.max()),
                        "best_share": float((r == 0).mean()),
                        "satisficing_threshold": threshold,
                        "satisficing_share": (
                            float(meets[sel + (slice(None), j)].mean()) if threshold is not None else np.nan
                        ),
                        "rank": int(rank_all[j] if hypothesis == ALL else ranks[k, j]),
                    }
                )
        if weights is not None:
            meets = meets_all.get(outcome)
            rows += _weighted_rows(cube, regret, meets, threshold, outcome, policies, hypotheses, weights)
        flips += _flips(cube, outcome, policies, hypotheses)
    if meets_all:
        both = np.logical_and.reduce(list(meets_all.values()))
        for j, policy in enumerate(policies):
            for k, hypothesis in enumerate([*hypotheses, ALL]):
                sel = (slice(None),) if hypothesis == ALL else (k,)
                rows.append(
                    {
                        "policy": policy,
                        "outcome": ALL_THRESHOLDS,
                        "hypothesis": hypothesis,
                        "satisficing_share": float(both[sel + (slice(None), j)].mean()),
                    }
                )
            if weights is not None:
                w = _future_weights(weights, hypotheses, both.shape[1])
                rows.append(
                    {
                        "policy": policy,
                        "outcome": ALL_THRESHOLDS,
                        "hypothesis": WEIGHTED,
                        "satisficing_share": float((both[:, :, j] * w).sum()),
                    }
                )
    return pd.DataFrame(rows), pd.DataFrame(flips, columns=["outcome", "better", "worse", "under", "reversed_under"])


def _gaussian_alternative(hypotheses: list, name=str) -> str:
    """The committed alternative weights (share x Gaussian likelihood) of these worldviews, said in words."""
    data = load_evidence() or {}
    views = data.get("worldviews", {})
    if not all(h in views for h in hypotheses):
        return ""
    raw = {h: float(views[h].get("weight_gaussian", 0.0)) for h in hypotheses}
    total = sum(raw.values())
    if total <= 0:
        return ""
    return ", ".join(f"{name(h)} {raw[h] / total:.2f}" for h in hypotheses)


def _future_weights(weights: dict, hypotheses: list, futures: int) -> np.ndarray:
    """w[h, r]: each future's weight when worldview h's futures share its weight equally (summing to 1)."""
    w = np.array([float(weights[h]) for h in hypotheses])
    return np.repeat((w / w.sum() / futures)[:, None], futures, axis=1)


def _weighted_rows(
    cube, regret, meets, threshold, outcome: str, policies: list, hypotheses: list, weights: dict
) -> list:
    """The ``evidence-weighted`` rows of one outcome: every statistic over the futures of all worldviews, each
    future counting by its worldview's weight; the worst case over the worldviews with a weight above 0."""
    w = _future_weights(weights, hypotheses, cube.shape[1])
    live = w[:, 0] > 0
    flat = w.reshape(-1)
    p90 = [weighted_quantile(regret[:, :, j].reshape(-1), flat, 0.9) for j in range(len(policies))]
    rank = pd.Series(p90).rank(method="min").to_numpy()
    rows = []
    for j, policy in enumerate(policies):
        r, c = regret[:, :, j], cube[:, :, j]
        rows.append(
            {
                "policy": policy,
                "outcome": outcome,
                "hypothesis": WEIGHTED,
                "mean": float((c * w).sum()),
                "regret_mean": float((r * w).sum()),
                "regret_p90": p90[j],
                "regret_max": float(r[live].max()),
                "best_share": float(((r == 0) * w).sum()),
                "satisficing_threshold": threshold,
                "satisficing_share": float((meets[:, :, j] * w).sum()) if meets is not None else np.nan,
                "rank": int(rank[j]),
            }
        )
    return rows


def _flips(cube: np.ndarray, outcome: str, policies: list, hypotheses: list) -> list:
    """Pairs of policies whose order on the outcome reverses between hypotheses.

    An order counts only where the paired difference of means is larger than twice its standard error,
    so that noise between near-equal policies is not read as a flip.
    """
    loss = _loss(cube, outcome)
    out = []
    for a, b in combinations(range(len(policies)), 2):
        diff = loss[:, :, a] - loss[:, :, b]  # (h, r): negative where a is better
        n = diff.shape[1]
        mean = diff.mean(axis=1)
        se = diff.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(hypotheses), np.inf)
        a_better = [hypotheses[k] for k in range(len(hypotheses)) if mean[k] < -2 * se[k]]
        b_better = [hypotheses[k] for k in range(len(hypotheses)) if mean[k] > 2 * se[k]]
        if a_better and b_better:
            first, second = (a, b) if len(a_better) >= len(b_better) else (b, a)
            under, reversed_under = (a_better, b_better) if first == a else (b_better, a_better)
            out.append(
                {
                    "outcome": outcome,
                    "better": policies[first],
                    "worse": policies[second],
                    "under": ";".join(under),
                    "reversed_under": ";".join(reversed_under),
                }
            )
    return out


def _experiment(folder: Path) -> dict:
    exp = read_config(folder)["experiment"]
    return {
        "policies": list(exp["scenarios"]),
        "hypotheses": list(exp["hypotheses"]),
        "outcomes": list(exp["key_outcomes"]) or ["deaths_pakistan"],
    }


# --- value of information: what to watch in the next twelve months -------------------------------------------

WATCH_MONTHS = 12


def _record_middle(record_id: str) -> float:
    entry = next(e for e in RECORDS if e["id"] == record_id)
    return (float(entry["range"][0]) + float(entry["range"][1])) / 2.0


# Events one could see within twelve months, before the policy is chosen: (name, words, outcome read, test on its
# first months under the baseline, shape months x replications -> one bool per replication).
def observables() -> tuple:
    attacks_2024 = _record_middle("attacks_2024")
    return (
        ("second_recogniser", "a second state recognises Kabul", "recognising_states", lambda s: s.max(axis=0) >= 2),
        (
            "ttp_attacks_high",
            f"more attacks in Pakistan than in 2024 (about {attacks_2024:.0f} on the record)",
            "attacks_pakistan",
            lambda s: s.sum(axis=0) * WATCH_MONTHS / len(s) > attacks_2024,
        ),
        (
            "border_clash",
            "a Pakistan-Afghanistan border clash",
            "clash_pakistan_afghanistan",
            lambda s: s.max(axis=0) > 0,
        ),
        ("iskp_abroad", "an ISKP attack abroad", "iskp_attacks_abroad", lambda s: s.max(axis=0) > 0),
        ("girls_schools", "girls' secondary schools reopen", "girls_schools_open", lambda s: s.max(axis=0) > 0),
    )


def observed(folder: Path, baseline: str, hypotheses: list) -> dict:
    """``seen[name][h, r]``: whether each observable happens in replication r's first twelve months under the
    baseline and worldview h (the months before the policy is chosen)."""
    found = ResultsFolder.open(folder)
    events = observables()
    outcomes = list(dict.fromkeys(o for _, _, o, _ in events))
    cells = [found.cells.index((baseline, h)) for h in hypotheses]
    series = {}
    for (_, h), chunks in found.cell_chunks(outcomes, cells=cells):
        months = np.concatenate([c[:WATCH_MONTHS] for c in chunks], axis=2)  # (months, outcomes, replications)
        series[h] = months
    return {
        name: np.stack([test(series[h][:, outcomes.index(o), :].astype(np.float64)) for h in hypotheses])
        for name, _, o, test in events
    }


def value_of_information(cube: np.ndarray, outcome: str, seen: np.ndarray, weights: dict, hypotheses: list) -> dict:
    """What seeing an event (``seen[h, r]``) before choosing is worth on one outcome, under ``weights``.

    Without it the choice is the policy with the smallest expected loss over every future (each worldview's
    futures counting by its weight).  With it, the worldviews' weights are updated by Bayes (each by its
    chance of the event) and the futures split by whether it happened; the best policy is chosen in each part.
    The value is the expected loss saved, which is the expected regret it removes, in the outcome's unit.
    """
    loss = _loss(cube, outcome)
    w = _future_weights(weights, hypotheses, cube.shape[1])
    expected = np.einsum("hr,hrp->p", w, loss)
    best_now = int(np.argmin(expected))
    regret_now = max(0.0, float(expected[best_now] - (w * loss.min(axis=2)).sum()))
    out = {"best_now": best_now, "regret_now": regret_now}
    after = 0.0
    for part, mask in (("seen", seen), ("not_seen", ~seen)):
        p = float((w * mask).sum())
        out[f"p_{part}"] = p
        if p <= 0:
            out[f"best_if_{part}"] = best_now
            out[f"weights_if_{part}"] = {}
            continue
        conditional = np.einsum("hr,hrp->p", w * mask, loss) / p
        best = int(np.argmin(conditional))
        out[f"best_if_{part}"] = best
        after += p * conditional[best]
        share = (w * mask).sum(axis=1) / p
        out[f"weights_if_{part}"] = {h: float(v) for h, v in zip(hypotheses, share)}
    saved = float(expected[best_now] - after)
    # a split that changes no choice saves nothing: what is left is rounding in the sums
    out["value"] = saved if saved > 1e-9 * (abs(float(expected[best_now])) + 1.0) else 0.0
    return out


def value_table(cubes: dict, seen: dict, policies: list, hypotheses: list, weightings: dict) -> pd.DataFrame:
    """One row per observable, outcome and weighting (``unweighted``; ``evidence-weighted``)."""
    words = {name: text for name, text, _, _ in observables()}
    rows = []
    for name, mask in seen.items():
        for outcome, cube in cubes.items():
            for weighting, weights in weightings.items():
                v = value_of_information(cube, outcome, mask, weights, hypotheses)
                rows.append(
                    {
                        "observable": name,
                        "event": words[name],
                        "outcome": outcome,
                        "weighting": weighting,
                        "p_seen": v["p_seen"],
                        "best_now": policies[v["best_now"]],
                        "best_if_seen": policies[v["best_if_seen"]],
                        "best_if_not_seen": policies[v["best_if_not_seen"]],
                        "changes_choice": v["best_if_seen"] != v["best_if_not_seen"],
                        "regret_now": v["regret_now"],
                        "value": v["value"],
                        "value_share": v["value"] / v["regret_now"] if v["regret_now"] > 0 else 0.0,
                        "weights_if_seen": ";".join(f"{h}={x:.3f}" for h, x in v["weights_if_seen"].items()),
                        "weights_if_not_seen": ";".join(f"{h}={x:.3f}" for h, x in v["weights_if_not_seen"].items()),
                    }
                )
    return pd.DataFrame(rows)


def write_robustness(folder: Path) -> list[str]:
    """robustness.csv, rank_flips.csv, worldview_weights.csv, value_of_information.csv and regret_heatmap.png from
    the stored results."""
    folder = Path(folder)
    exp = _experiment(folder)
    thresholds = {k: float(v) for k, v in (analysis_settings(folder).get("satisficing") or {}).items()}
    values = replication_values(folder, exp["outcomes"])
    weights, how = folder_weights(folder, exp["hypotheses"])
    table, flips = robustness_table(
        values, exp["outcomes"], exp["policies"], exp["hypotheses"], thresholds, weights=weights
    )
    table.to_csv(folder / "robustness.csv", index=False, float_format="%.6g")
    flips.to_csv(folder / "rank_flips.csv", index=False)
    equal = {h: 1.0 / len(exp["hypotheses"]) for h in exp["hypotheses"]}
    pd.DataFrame(
        {
            "hypothesis": exp["hypotheses"],
            "unweighted": [equal[h] for h in exp["hypotheses"]],
            "evidence_weighted": [weights[h] if weights else np.nan for h in exp["hypotheses"]],
            "how": how,
        }
    ).to_csv(folder / "worldview_weights.csv", index=False, float_format="%.6g")
    baseline = read_config(folder)["experiment"]["baseline"]
    seen = observed(folder, baseline, exp["hypotheses"])
    cubes = {
        o: _cube(values, o, exp["policies"], exp["hypotheses"]) for o in exp["outcomes"] if OUTCOME[o].better
    }
    weightings = {"unweighted": equal, **({WEIGHTED: weights} if weights else {})}
    voi = value_table(cubes, seen, exp["policies"], exp["hypotheses"], weightings)
    voi.to_csv(folder / "value_of_information.csv", index=False, float_format="%.6g")
    regret_heatmap(folder / "regret_heatmap.png", table, exp, labels(folder))
    return [
        "robustness.csv",
        "rank_flips.csv",
        "worldview_weights.csv",
        "value_of_information.csv",
        "regret_heatmap.png",
    ]


HEATMAP_STATISTIC = "regret_p90"  # the criterion the robustness section ranks by


def heatmap_cells(table: pd.DataFrame, outcome: str, policies: list, columns: list) -> tuple[np.ndarray, np.ndarray]:
    """(value, rank), policies x columns: each cell's 90th-percentile regret and the policy's rank by that same
    value within its column (1 = smallest), so the colour, the number and the rank say one thing."""
    sub = table[table["outcome"] == outcome].set_index(["policy", "hypothesis"])
    grid = np.array([[float(sub.loc[(p, h), HEATMAP_STATISTIC]) for h in columns] for p in policies])
    rank = pd.DataFrame(grid).rank(axis=0, method="min").to_numpy(dtype=int)
    return grid, rank


def regret_heatmap(path: Path, table: pd.DataFrame, exp: dict, names: dict):
    """Per key outcome, policies x hypotheses coloured by 90th-percentile regret, with each policy's rank by it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes, policies, hypotheses = exp["outcomes"], exp["policies"], exp["hypotheses"]
    columns = [*hypotheses, ALL] + ([WEIGHTED] if (table["hypothesis"] == WEIGHTED).any() else [])
    cols = min(2, len(outcomes))
    rows = int(np.ceil(len(outcomes) / cols))
    width = 1.15 * len(columns) + 2.6
    height = min(9.0 / rows, 0.34 * len(policies) + 1.5)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows + 0.8), squeeze=False)
    for k, outcome in enumerate(outcomes):
        ax = axes[k // cols][k % cols]
        grid, rank = heatmap_cells(table, outcome, policies, columns)
        top = np.nanmax(grid) if np.nanmax(grid) > 0 else 1.0
        image = ax.imshow(grid, cmap="cividis_r", vmin=0, vmax=top, aspect="auto")
        for i in range(len(policies)):
            for j in range(len(columns)):
                shade = grid[i, j] / top
                ax.text(
                    j,
                    i,
                    f"{_short(grid[i, j])}  #{int(rank[i, j])}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if shade > 0.55 else "black",
                )
        ax.set_xticks(range(len(columns)))
        ax.set_xticklabels(
            [
                "All worldviews,\nunweighted"
                if h == ALL
                else "Evidence-\nweighted"
                if h == WEIGHTED
                else _wrap(names.get(h, h))
                for h in columns
            ],
            fontsize=8,
        )
        ax.set_yticks(range(len(policies)))
        ax.set_yticklabels([names.get(p, p) for p in policies], fontsize=9)
        ax.tick_params(length=0)
        ax.set_title(f"{_capital(outcome_words(outcome))} ({outcome_unit(outcome)})", fontsize=10)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.ax.tick_params(labelsize=8)
        bar.set_label("90th-percentile regret", fontsize=8)
    for k in range(len(outcomes), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle(
        "Regret: how far each policy falls short of the best policy in the same future (90th percentile over "
        "futures)\n#: the policy's rank by that regret in the column (1 = smallest)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    save_figure(fig, path)
    plt.close(fig)


def _wrap(text: str, width: int = 14) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def _short(x: float) -> str:
    a = abs(x)
    if a == 0:
        return "0"
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 0.1 else f"{x:.3f}"


def robustness_section(folder: Path) -> str:
    """Markdown: the most robust policy per outcome, satisficing shares, every rank flip, the heatmap."""
    folder = Path(folder)
    names = labels(folder)
    table = pd.read_csv(folder / "robustness.csv")
    flips = pd.read_csv(folder / "rank_flips.csv").fillna("")
    exp = _experiment(folder)
    name = lambda key: names.get(key, key)
    lines = ["## Robustness across worldviews", ""]
    lines.append(
        f"Every policy under every worldview, in the same {_futures(folder)} futures ("
        + (
            "shocks drawn once per future; assumptions drawn per future from the parameter points the record "
            "leaves for each worldview, the same in every policy"
            if read_manifest(folder).get("uncertainty", {}).get("mode") == "matched"
            else "assumptions and shocks drawn once per future"
        )
        + "). Regret is a policy's shortfall from the best policy of the same future and worldview, "
        "in the outcome's own unit."
    )
    lines.append("")
    weights = _weights_file(folder)
    pooled = [(ALL, "Robust across worldviews (unweighted: each worldview counts equally)")]
    if weights is not None and (table["hypothesis"] == WEIGHTED).any():
        shares = ", ".join(f"{name(h)} {w:.2f}" for h, w in zip(weights["hypothesis"], weights["evidence_weighted"]))
        title = f"Evidence-weighted (weights: {shares}; {weights['how'].iloc[0]})"
        alternative = _gaussian_alternative(list(weights["hypothesis"]), name)
        if alternative:
            title += f". The Gaussian alternative of docs/evidence.md would give {alternative}: weights this thin are "
            title += "a method's choice as much as the record's"
        pooled.append((WEIGHTED, title))
    elif weights is not None:
        lines += [f"No evidence-weighted answer: {weights['how'].iloc[0]}.", ""]
    shown = {}
    for which, title in pooled:
        lines += [f"**{title}**", ""]
        shown[which] = robust_policy_lines(table, exp["outcomes"], which, name)
        lines += shown[which]
        lines.append("")
    if WEIGHTED in shown and shown[WEIGHTED] == shown[ALL]:
        # said outright, so that two equal tables are not read as a copy or as the record deciding nothing by design
        lines += [
            "The evidence-weighted table is the unweighted one at the precision shown: the record to July 2025 "
            "barely tells the worldviews apart, so weighing them by it changes no answer here.",
            "",
        ]
    sat = table[table["satisficing_share"].notna() & (table["hypothesis"] == ALL)]
    if not sat.empty:
        lines += [
            "Share of futures (all worldviews, unweighted) in which each policy meets the declared thresholds:",
            "",
        ]
        outs = list(dict.fromkeys(sat["outcome"]))
        header = []
        for o in outs:
            if o == ALL_THRESHOLDS:
                header.append("all at once")
            else:
                t = sat[sat["outcome"] == o]["satisficing_threshold"].iloc[0]
                sign = "≤" if OUTCOME[o].better == "lower" else "≥"
                header.append(f"{outcome_words(o)} {sign} {_short(t)}")
        lines.append("| Policy | " + " | ".join(header) + " |")
        lines.append("| --- |" + " --- |" * len(outs))
        for p in exp["policies"]:
            cells = [
                f"{sat[(sat['policy'] == p) & (sat['outcome'] == o)]['satisficing_share'].iloc[0]:.2f}" for o in outs
            ]
            lines.append(f"| {name(p)} | " + " | ".join(cells) + " |")
    lines += ["", "### Rank flips between worldviews", ""]
    lines += rank_flip_lines(flips, name)
    lines += _value_section(folder, name)
    lines += [
        "",
        "![Regret of each policy per worldview](regret_heatmap.png)",
        "",
        "Tables: `robustness.csv` (per policy, outcome and worldview, pooled unweighted as `all hypotheses` and "
        "evidence-weighted as `evidence-weighted`: mean, regret mean / P90 / max, share of futures where best, "
        "satisficing share, rank), `rank_flips.csv`, `worldview_weights.csv` and `value_of_information.csv`.",
        "",
    ]
    return "\n".join(lines)


def robust_policy_lines(table: pd.DataFrame, outcomes: list, which: str, name) -> list:
    """Markdown: per outcome, the policy with the smallest 90th-percentile regret pooled as ``which``, its P90 and
    worst-case regret, and the policy with the largest; an outcome no policy moves is said to be still."""
    lines = [
        "| Outcome | Smallest 90th-percentile regret | P90 regret | Worst case | Largest P90 regret |",
        "| --- | --- | --- | --- | --- |",
    ]
    for outcome in outcomes:
        sub = table[(table["outcome"] == outcome) & (table["hypothesis"] == which)]
        sub = sub.sort_values(["regret_p90", "regret_mean"])
        if sub.empty:
            continue
        words = f"{outcome_words(outcome)} ({outcome_unit(outcome)})"
        if (sub["regret_max"] == 0).all():
            # every policy gives the same value in every future: a worst case of 0 would read as a finding
            still = "does not move: every policy gives the same value in every future"
            lines.append(f"| {words} | {still} | – | – | – |")
            continue
        best, worst = sub.iloc[0], sub.iloc[-1]
        lines.append(
            f"| {words} | {name(best['policy'])} | {_short(best['regret_p90'])} | {_short(best['regret_max'])} | "
            f"{name(worst['policy'])} ({_short(worst['regret_p90'])}) |"
        )
    return lines


def rank_flip_lines(flips: pd.DataFrame, name) -> list:
    """Markdown: the pairs of policies whose order reverses between worldviews, one table row each."""
    if flips.empty:
        return ["No pair of policies changes order between worldviews on any key outcome (beyond noise)."]
    lines = [
        f"{len(flips)} pair{'s' if len(flips) != 1 else ''} of policies change order between worldviews, counting "
        "only orders clearer than twice the standard error of the paired difference (better: the better mean "
        "outcome).",
        "",
        "| Outcome | Better | than | under | but worse under |",
        "| --- | --- | --- | --- | --- |",
    ]
    for _, f in flips.iterrows():
        under = ", ".join(name(h) for h in f["under"].split(";"))
        rev = ", ".join(name(h) for h in f["reversed_under"].split(";"))
        lines.append(f"| {outcome_words(f['outcome'])} | {name(f['better'])} | {name(f['worse'])} | {under} | {rev} |")
    return lines


def _weights_file(folder: Path):
    path = folder / "worldview_weights.csv"
    return pd.read_csv(path) if path.is_file() else None


def _value_section(folder: Path, name) -> list:
    """Markdown: per key outcome, what seeing each event of the next twelve months is worth."""
    path = folder / "value_of_information.csv"
    if not path.is_file():
        return []
    voi = pd.read_csv(path)
    if voi.empty:
        return []
    weighting = WEIGHTED if (voi["weighting"] == WEIGHTED).any() else "unweighted"
    voi = voi[voi["weighting"] == weighting]
    lines = [
        "",
        "### Value of information: what to watch in the next twelve months",
        "",
        f"For each event one could see in the first {WATCH_MONTHS} months under the baseline, the futures are split "
        "by whether it happens (the worldviews' weights updated by Bayes with each one's chance of it) and the best "
        "policy is chosen in each part. The value is the expected regret that knowing it removes, in the outcome's "
        f"unit ({weighting}; as if the policy could wait for it and then act from the start, so an upper bound).",
    ]
    if (voi["value"] > 0).any():
        lines += [
            "",
            "| Outcome | Event | P(event) | Best if seen | Best if not | Regret removed (share) |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
    quiet = []
    for outcome, group in voi.groupby("outcome", sort=False):
        worth = group[group["value"] > 0]
        if worth.empty:
            quiet.append(outcome_label(outcome))
        for _, r in worth.sort_values("value", ascending=False, kind="stable").iterrows():
            lines.append(
                f"| {outcome_words(outcome)} | {r['event']} | {r['p_seen']:.2f} | {name(r['best_if_seen'])} | "
                f"{name(r['best_if_not_seen'])} | {_short(r['value'])} ({r['value_share']:.0%}) |"
            )
    if quiet:
        lines += ["", f"No event of the list changes the best policy on {_list(quiet)}."]
    top = voi.sort_values("value_share", ascending=False, kind="stable").iloc[0]
    if top["value"] > 0:
        tail = (
            f" (best policy {name(top['best_if_seen'])} if seen, {name(top['best_if_not_seen'])} if not)."
            if top["changes_choice"]
            else "."
        )
        lines += [
            "",
            f"The event most worth watching: {top['event']}, which removes {top['value_share']:.0%} of the expected "
            f"regret on {outcome_label(top['outcome'])}{tail}",
        ]
    return lines


def _futures(folder: Path) -> str:
    n = read_manifest(folder).get("replications")
    return f"{n:,}" if n else "sampled"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _list(items: list) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
