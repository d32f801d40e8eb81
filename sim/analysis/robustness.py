"""Robustness across worldviews: regret, satisficing and rank flips of every policy under every hypothesis.

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

from sim.analysis.common import (
    OUTCOME,
    analysis_settings,
    attach_design,
    labels,
    outcome_unit,
    outcome_words,
    read_config,
    read_manifest,
    replication_values,
    save_figure,
)

ALL = "all hypotheses"
ALL_THRESHOLDS = "all thresholds"
SETTINGS = ("sampling", "satisficing")


def prepare(plan):
    """Check the settings, then draw the assumptions once per replication, shared by every cell."""
    from sim.configuration import ConfigError, flatten_params
    from sim.uncertainty import METHODS, draw_parameters

    settings = dict(plan.config.experiment.analysis or {})
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"experiment.analysis.{unknown[0]} is not a robustness setting; known: {', '.join(SETTINGS)}")
    method = settings.get("sampling", "random")
    if method not in METHODS:
        raise ConfigError(f"experiment.analysis.sampling={method!r} must be one of {', '.join(METHODS)}")
    for name in plan.key_outcomes:
        if not OUTCOME[name].better:
            raise ConfigError(
                f"experiment.key_outcomes: {name} has no better direction, so regret is undefined; leave it out"
            )
    for name, threshold in (settings.get("satisficing") or {}).items():
        if name not in plan.key_outcomes:
            raise ConfigError(f"experiment.analysis.satisficing names {name!r}, which is not a key outcome")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ConfigError(f"experiment.analysis.satisficing.{name} must be a number, got {threshold!r}")
    if len(plan.scenarios) < 2:
        raise ConfigError("a robustness analysis compares policies; list at least two in experiment.scenarios")
    if getattr(plan, "drawn", None):
        return  # the run already draws the assumptions for every cell
    from omegaconf import OmegaConf

    user = flatten_params(OmegaConf.to_container(plan.config.params, resolve=True))
    reps = np.arange(plan.replications)
    values = draw_parameters(plan.config.seed, reps, method=method, total=plan.replications, fixed=user)
    attach_design(plan, values)


def _loss(values: np.ndarray, outcome: str) -> np.ndarray:
    """The outcome turned so that lower is better."""
    return values if OUTCOME[outcome].better == "lower" else -values


def robustness_table(values: pd.DataFrame, outcomes: list, policies: list, hypotheses: list, thresholds: dict):
    """``values``: scenario, hypothesis, replication and one column per outcome (see replication_values).

    Returns (table, flips).  The table has one row per policy, outcome and hypothesis (plus ``all hypotheses``):
    mean outcome, regret mean / 90th percentile / maximum, share of futures where the policy is best,
    satisficing share, and rank (by mean outcome within a hypothesis; by 90th-percentile regret across all).
    """
    rows, flips = [], []
    meets_all = {}
    for outcome in outcomes:
        # cube[h, r, p]: the outcome of policy p in future r under hypothesis h
        wide = values.pivot_table(
            index=["hypothesis", "replication"], columns="scenario", values=outcome, observed=True
        )
        wide = wide.reindex(pd.MultiIndex.from_product([hypotheses, sorted(set(values["replication"]))]))
        cube = wide[policies].to_numpy(dtype=np.float64).reshape(len(hypotheses), -1, len(policies))
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
    return pd.DataFrame(rows), pd.DataFrame(flips, columns=["outcome", "better", "worse", "under", "reversed_under"])


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


def write_robustness(folder: Path) -> list[str]:
    """robustness.csv, rank_flips.csv and regret_heatmap.png from the stored results."""
    folder = Path(folder)
    exp = _experiment(folder)
    thresholds = {k: float(v) for k, v in (analysis_settings(folder).get("satisficing") or {}).items()}
    values = replication_values(folder, exp["outcomes"])
    table, flips = robustness_table(values, exp["outcomes"], exp["policies"], exp["hypotheses"], thresholds)
    table.to_csv(folder / "robustness.csv", index=False, float_format="%.6g")
    flips.to_csv(folder / "rank_flips.csv", index=False)
    regret_heatmap(folder / "regret_heatmap.png", table, exp, labels(folder))
    return ["robustness.csv", "rank_flips.csv", "regret_heatmap.png"]


def regret_heatmap(path: Path, table: pd.DataFrame, exp: dict, names: dict):
    """Per key outcome, policies x hypotheses coloured by mean regret, with each policy's rank written in."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes, policies, hypotheses = exp["outcomes"], exp["policies"], exp["hypotheses"]
    columns = [*hypotheses, ALL]
    cols = min(2, len(outcomes))
    rows = int(np.ceil(len(outcomes) / cols))
    width = 1.15 * len(columns) + 2.6
    height = min(9.0 / rows, 0.34 * len(policies) + 1.5)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows + 0.8), squeeze=False)
    for k, outcome in enumerate(outcomes):
        ax = axes[k // cols][k % cols]
        sub = table[table["outcome"] == outcome].set_index(["policy", "hypothesis"])
        grid = np.array([[sub.loc[(p, h), "regret_mean"] for h in columns] for p in policies])
        rank = np.array([[sub.loc[(p, h), "rank"] for h in columns] for p in policies])
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
            [_wrap(names.get(h, h)) if h != ALL else "All worldviews\n(rank by P90)" for h in columns], fontsize=8
        )
        ax.set_yticks(range(len(policies)))
        ax.set_yticklabels([names.get(p, p) for p in policies], fontsize=9)
        ax.tick_params(length=0)
        ax.set_title(f"{_capital(outcome_words(outcome))} ({outcome_unit(outcome)})", fontsize=10)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.ax.tick_params(labelsize=8)
        bar.set_label("mean regret", fontsize=8)
    for k in range(len(outcomes), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle(
        "Regret: how far each policy falls short of the best policy in the same future (mean over futures)\n"
        "#: rank of the policy's mean outcome under that worldview (1 = best)",
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
        f"Every policy under every worldview, in the same {_futures(folder)} futures (assumptions and shocks drawn "
        "once per future). Regret is a policy's shortfall from the best policy of the same future and worldview, "
        "in the outcome's own unit."
    )
    lines.append("")
    lines.append("| Outcome | Smallest 90th-percentile regret | P90 regret | Worst case | Largest P90 regret |")
    lines.append("| --- | --- | --- | --- | --- |")
    for outcome in exp["outcomes"]:
        sub = table[(table["outcome"] == outcome) & (table["hypothesis"] == ALL)].sort_values(
            ["regret_p90", "regret_mean"]
        )
        best, worst = sub.iloc[0], sub.iloc[-1]
        unit = outcome_unit(outcome)
        lines.append(
            f"| {outcome_words(outcome)} ({unit}) | {name(best['policy'])} | {_short(best['regret_p90'])} | "
            f"{_short(best['regret_max'])} | {name(worst['policy'])} ({_short(worst['regret_p90'])}) |"
        )
    sat = table[table["satisficing_share"].notna() & (table["hypothesis"] == ALL)]
    if not sat.empty:
        lines += ["", "Share of futures (all worldviews) in which each policy meets the declared thresholds:", ""]
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
    if flips.empty:
        lines.append("No pair of policies changes order between worldviews on any key outcome (beyond noise).")
    else:
        lines.append(
            f"{len(flips)} pairs of policies change order between worldviews (counting only orders clearer than twice "
            "the standard error of the paired difference; to beat is to have the better mean outcome):"
        )
        lines.append("")
        for outcome, group in flips.groupby("outcome", sort=False):
            words = outcome_words(outcome)
            for _, f in group.iterrows():
                under = _list([name(h) for h in f["under"].split(";")])
                rev = _list([name(h) for h in f["reversed_under"].split(";")])
                lines.append(
                    f"- {name(f['better'])} beats {name(f['worse'])} on {words} under {under}, but loses under {rev}."
                )
    lines += [
        "",
        "![Regret of each policy per worldview](regret_heatmap.png)",
        "",
        "Tables: `robustness.csv` (per policy, outcome and worldview: mean, regret mean / P90 / max, share of "
        "futures where best, satisficing share, rank) and `rank_flips.csv`.",
        "",
    ]
    return "\n".join(lines)


def _futures(folder: Path) -> str:
    n = read_manifest(folder).get("replications")
    return f"{n:,}" if n else "sampled"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _list(items: list) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
