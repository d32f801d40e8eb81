"""Figures: fan charts of key outcomes by scenario, and the paired differences against the baseline."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.outcomes import OUTCOME_INDEX, OUTCOMES  # noqa: E402

_OUTCOME = {o.name: o for o in OUTCOMES}


LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 3)))


def _label(name: str) -> str:
    o = _OUTCOME[name]
    if o.binary:
        return f"share of replications with {name.replace('_', ' ')}"
    per = " per year" if o.summary == "annual" else ""
    mean = ", mean of replications" if o.chart == "mean" else ""
    return f"{name.replace('_', ' ')}{per} ({o.unit}){mean}"


def fan_chart(path: Path, outcome: str, fans: dict, dates: np.ndarray, scenarios: list, hypotheses: list, labels: dict):
    """``fans[(scenario, hypothesis)]``: quantiles (5, 25, 50, 75, 95) x months x outcomes."""
    i = OUTCOME_INDEX[outcome]
    cols = min(2, len(hypotheses))
    rows = int(np.ceil(len(hypotheses) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 3.6 * rows), sharex=True, sharey=True, squeeze=False)
    colours = plt.get_cmap("tab10")
    x = dates.astype("datetime64[D]").astype(object)
    for k, h in enumerate(hypotheses):
        ax = axes[k // cols][k % cols]
        for j, s in enumerate(scenarios):
            q = fans[(s, h)][:, :, i]
            c = colours(j % 10)
            if _OUTCOME[outcome].chart == "fan":
                ax.fill_between(x, q[0], q[4], color=c, alpha=0.10, linewidth=0)
                ax.fill_between(x, q[1], q[3], color=c, alpha=0.22, linewidth=0)
            # distinct dashes keep scenarios that coincide visible on top of each other
            ax.plot(
                x, q[2], color=c, linewidth=1.6, linestyle=LINE_STYLES[j % len(LINE_STYLES)], label=labels.get(s, s)
            )
        ax.set_title(labels.get(h, h), fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    for k in range(len(hypotheses), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    flow = _OUTCOME[outcome].summary == "annual"
    fig.supylabel(_label(outcome) + (", last 12 months" if flow else ""), fontsize=10)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=min(len(scenarios), 4), frameon=False, fontsize=9)
    what = "mean of replications" if _OUTCOME[outcome].chart == "mean" else "median, 50% and 90% of replications"
    what = "share of replications" if _OUTCOME[outcome].binary else what
    fig.suptitle(f"{outcome.replace('_', ' ')}: {what}", fontsize=11)
    fig.tight_layout(rect=(0, 0.06 + 0.02 * (len(scenarios) > 4), 1, 0.97))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def paired_differences_chart(path: Path, table: pd.DataFrame, outcomes: list, baseline: str, labels: dict):
    """Forest plot: each scenario's effect against the baseline, per hypothesis, with intervals."""
    sub = table[(table["scenario"] != baseline) & table["outcome"].isin(outcomes)]
    scenarios = list(dict.fromkeys(sub["scenario"]))
    hypotheses = list(dict.fromkeys(sub["hypothesis"]))
    cols = min(2, len(outcomes))
    rows = int(np.ceil(len(outcomes) / cols))
    height = max(2.4, 0.32 * len(scenarios) * len(hypotheses) + 1.0)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, height * rows), squeeze=False)
    colours = plt.get_cmap("tab10")
    step = 1.0 / (len(hypotheses) + 1)
    for k, name in enumerate(outcomes):
        ax = axes[k // cols][k % cols]
        o = sub[sub["outcome"] == name]
        for j, h in enumerate(hypotheses):
            for y, s in enumerate(scenarios):
                r = o[(o["scenario"] == s) & (o["hypothesis"] == h)]
                if r.empty:
                    continue
                r = r.iloc[0]
                yy = y + (j + 1) * step - 0.5
                c = colours(j % 10)
                ax.plot([r["diff_p2_5"], r["diff_p97_5"]], [yy, yy], color=c, linewidth=0.8, alpha=0.5)
                ax.plot([r["diff_ci95_low"], r["diff_ci95_high"]], [yy, yy], color=c, linewidth=3.2)
                ax.plot(
                    r["diff_mean"],
                    yy,
                    "o",
                    color=c,
                    markersize=4,
                    label=labels.get(h, h) if (y == 0 and k == 0) else None,
                )
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(scenarios)))
        ax.set_yticklabels([labels.get(s, s) for s in scenarios], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(_label(name), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    for k in range(len(outcomes), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.legend(loc="lower center", ncol=min(len(hypotheses), 4), frameon=False, fontsize=9)
    fig.suptitle(
        f"Difference from {labels.get(baseline, baseline)}, paired by replication: "
        "mean, 95% CI (thick), 95% of replications (thin)",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def hindcast_chart(
    path: Path, fans: dict, dates: np.ndarray, hypotheses: list, scenario: str, labels: dict, markers: list
):
    """Model bands from the takeover with the public record marked on them.

    ``markers``: (outcome, first month, last month, low, high, label).  A level or mean is drawn as a box
    over its months; a yearly total as a bar at its last month (flows are charted as twelve-month sums); a
    date as a dashed vertical line.
    """
    outcomes = list(dict.fromkeys(m[0] for m in markers))
    cols = min(2, len(outcomes))
    rows = int(np.ceil(len(outcomes) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols, 3.4 * rows), squeeze=False)
    colours = plt.get_cmap("tab10")
    x = dates.astype("datetime64[D]").astype(object)
    for ax, outcome in zip(axes.flat, outcomes):
        i = OUTCOME_INDEX[outcome]
        annual = _OUTCOME[outcome].summary == "annual"
        for j, h in enumerate(hypotheses):
            q = fans[(scenario, h)][:, :, i]
            ax.fill_between(x, q[0], q[4], color=colours(j), alpha=0.12, linewidth=0)
            ax.plot(x, q[2], color=colours(j), linewidth=1.4, label=labels.get(h, h))
        for name, first, last, low, high, text in markers:
            if name != outcome:
                continue
            d0 = np.datetime64(str(first), "D").astype(object)
            d1 = (np.datetime64(str(last), "M") + np.timedelta64(1, "M")).astype("datetime64[D]").astype(object)
            if low == high and first != last and not annual:
                ax.plot([d0, d1], [low, low], color="black", linewidth=2.0, zorder=5)
            elif annual:
                months = (np.datetime64(str(last), "M") - np.datetime64(str(first), "M")).astype(int) + 1
                if months != 12:
                    continue  # a part-year total has no twelve-month sum to sit on
                d = np.datetime64(str(last), "D").astype(object)
                ax.errorbar(
                    [d],
                    [(low + high) / 2],
                    yerr=[[(high - low) / 2]],
                    fmt="D",
                    color="black",
                    markersize=4,
                    capsize=3,
                    zorder=5,
                )
            elif name == "recognising_states" and text == "first_recognition":
                ax.axvline(d0, color="black", linestyle="--", linewidth=1.0)
                continue
            elif first == last:  # a level in one month: the record's range as a bar
                ax.errorbar(
                    [d0],
                    [(low + high) / 2],
                    yerr=[[(high - low) / 2]],
                    fmt="D",
                    color="black",
                    markersize=4,
                    capsize=3,
                    zorder=5,
                )
            else:
                ax.fill_between(
                    [d0, d1], [low, low], [max(high, low * 1.01)] * 2, color="black", alpha=0.5, linewidth=0, zorder=5
                )
        ax.set_title(_label(outcome) + (", last 12 months" if annual else ""), fontsize=9)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(hypotheses), frameon=False, fontsize=8)
    fig.suptitle(
        "Hindcast from August 2021: model median and 90% band; black: the public record to July 2025", fontsize=10
    )
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)
