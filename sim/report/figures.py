"""Figures: the headline distribution of policy effects, fan charts of key outcomes, and the hindcast."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FormatStrFormatter  # noqa: E402

from sim.analysis.effects import effect_probabilities  # noqa: E402
from sim.analysis.labels import capitalised, outcome_label, outcome_unit, outcome_words, series_unit  # noqa: E402
from sim.analysis.style import BASELINE_COLOUR, POLICY_COLOURS, hypothesis_colours  # noqa: E402
from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES  # noqa: E402

_OUTCOME = {o.name: o for o in OUTCOMES}


LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 3)))
DPI = 110


def _years(dates: np.ndarray) -> np.ndarray:
    months = dates.astype("datetime64[M]").astype(np.int64)
    return 1970 + months / 12.0


def save(fig, path: Path):
    """Write a PNG that depends on the data alone: no software version or date in its metadata."""
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)


def _label(name: str) -> str:
    """A hindcast panel's title: the outcome's words and the unit of its monthly series."""
    o = _OUTCOME[name]
    mean = ", mean of replications" if o.chart == "mean" and not o.binary else ""
    return f"{capitalised(outcome_words(name))} ({series_unit(name)}){mean}"


def scenario_colour(j: int) -> str:
    """The first scenario (the baseline) in black, the others in the palette's hues."""
    return BASELINE_COLOUR if j == 0 else POLICY_COLOURS[(j - 1) % len(POLICY_COLOURS)]


def fan_chart(path: Path, outcome: str, fans: dict, dates: np.ndarray, scenarios: list, hypotheses: list, labels: dict):
    """``fans[(scenario, hypothesis)]``: quantiles (5, 25, 50, 75, 95) x months x outcomes.

    One panel per hypothesis; each scenario a colour and a dash pattern. A scenario whose median line is the
    same as an earlier one's is not drawn on top of it but named in the panel.
    """
    i = OUTCOME_INDEX[outcome]
    cols = min(2, len(hypotheses))
    rows = int(np.ceil(len(hypotheses) / cols))
    legend_rows = int(np.ceil(len(scenarios) / 4))
    height = min(3.1 * rows + 0.9 + 0.3 * legend_rows, 8.6)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, height), sharex=True, sharey=True, squeeze=False)
    # months as fractional years: plain numbers draw far faster than dates and tick at whole years
    x = _years(dates)
    fan = _OUTCOME[outcome].chart == "fan"
    # bands of several scenarios on top of each other turn to mud: the first scenario (the baseline) gets the
    # grey 50% and 90% bands, the others their medians, with a light 50% band while they are few
    own_bands = fan and len(scenarios) <= 3
    notes = []
    for k, h in enumerate(hypotheses):
        ax = axes[k // cols][k % cols]
        # scenarios whose line is the same as an earlier one's are drawn once and named in the panel,
        # so no line hides under an identical one
        drawn, same_as = [], {}
        for j, s in enumerate(scenarios):
            q = fans[(s, h)][:, :, i]
            twin = next((d for d in drawn if np.array_equal(fans[(d, h)][:, :, i][2], q[2], equal_nan=True)), None)
            if twin is not None:
                same_as.setdefault(twin, []).append(s)
                continue
            drawn.append(s)
            c = scenario_colour(j)
            if fan and j == 0:
                ax.fill_between(x, q[0], q[4], color="0.5", alpha=0.15, linewidth=0)
                ax.fill_between(x, q[1], q[3], color="0.5", alpha=0.25, linewidth=0)
            elif own_bands:
                ax.fill_between(x, q[1], q[3], color=c, alpha=0.15, linewidth=0)
            ax.plot(x, q[2], color=c, linewidth=1.8, linestyle=LINE_STYLES[j % len(LINE_STYLES)])
        for first, others in same_as.items():
            if len(others) + 1 == len(scenarios):
                notes.append(f"{labels.get(h, h)}: every policy gives the same line.")
            else:
                names = ", ".join(labels.get(o, o) for o in others)
                notes.append(
                    f"{labels.get(h, h)}: {names} {'draw' if len(others) > 1 else 'draws'} the same line as "
                    f"{labels.get(first, first)}."
                )
        ax.set_title(labels.get(h, h), fontsize=11)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=10)
        years = len(dates) / 12
        first, last = int(np.ceil(x[0])), int(np.floor(x[-1] + 1 / 12))
        step = 2 if years > 6 else 1
        ax.set_xticks(range(first + (first % 2 if step == 2 else 0), last + 1, step))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        if years <= 3:
            ax.set_xticks(np.arange(np.ceil(x[0] * 4) / 4, x[-1] + 1e-9, 0.25), minor=True)
    for k in range(len(hypotheses), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.supylabel(series_unit(outcome), fontsize=11)
    handles = [
        Line2D([], [], color=scenario_colour(j), linewidth=1.8, linestyle=LINE_STYLES[j % len(LINE_STYLES)])
        for j in range(len(scenarios))
    ]
    names = [labels.get(s, s) for s in scenarios]
    note_lines = [line for n in notes for line in textwrap.wrap(n, 150)]
    notes_height = 0.19 * len(note_lines) + (0.1 if note_lines else 0.0)
    fig.set_size_inches(fig.get_size_inches()[0], height + notes_height)
    height += notes_height
    if note_lines:
        fig.text(0.01, 0.01, "\n".join(note_lines), ha="left", va="bottom", fontsize=9, color="0.25")
    fig.legend(
        handles,
        names,
        loc="lower center",
        bbox_to_anchor=(0.5, notes_height / height),
        ncol=min(len(scenarios), 4),
        frameon=False,
        fontsize=10,
    )
    base = labels.get(scenarios[0], scenarios[0])
    if _OUTCOME[outcome].binary:
        what = "share of futures in that state"
    elif not fan:
        what = "mean of futures"
    else:
        what = f"median of futures; grey: middle 50% and 90% under {base}"
        what += "; tints: middle 50% of the others" if own_bands and len(scenarios) > 1 else ""
    fig.suptitle(f"{capitalised(outcome_label(outcome))}: {what}", fontsize=12)
    fig.tight_layout(rect=(0, (0.35 * legend_rows + notes_height) / height + 0.02, 1, 1))
    save(fig, path)


def effects_chart(
    path: Path, outcome: str, effects: dict, policies: list, hypotheses: list, baseline: str, labels: dict
):
    """Headline: the distribution of each policy's effect under each hypothesis, with P(better) written beside it.

    ``effects[(policy, hypothesis)]``: the paired effect per replication (policy minus baseline).
    Thin line: 5-95% of futures; thick bar: middle 50%; white dot: median.
    """
    better = _OUTCOME[outcome].better
    n_rows = len(policies) * len(hypotheses)
    gap = 0.6
    height = min(1.9 + 0.27 * n_rows + 0.2 * len(policies), 9.0)
    fig, ax = plt.subplots(figsize=(10.5, height))
    y, ticks = 0.0, []
    # the axis holds every drawn 5-95% range, so no whisker is cut
    ranges = np.array(
        [np.quantile(np.asarray(effects[(p, h)], dtype=float), [0.05, 0.95]) for p in policies for h in hypotheses]
    )
    lo, hi = float(ranges[:, 0].min()), float(ranges[:, 1].max())
    span = max(hi - lo, 1e-9)
    colour = hypothesis_colours(hypotheses)
    for p in policies:
        top = y
        for h in hypotheses:
            d = np.asarray(effects[(p, h)], dtype=float)
            c = colour[h]
            q05, q25, q50, q75, q95 = np.quantile(d, [0.05, 0.25, 0.5, 0.75, 0.95])
            ax.plot([q05, q95], [y, y], color=c, linewidth=1.4, solid_capstyle="butt")
            ax.plot(
                [q25, q75],
                [y, y],
                color=c,
                linewidth=7,
                solid_capstyle="butt",
                label=labels.get(h, h) if p == policies[0] else None,
            )
            ax.plot([q50], [y], "o", markersize=5, markerfacecolor="white", markeredgecolor=c, markeredgewidth=1.5)
            if better:
                pb, _ = effect_probabilities(d, better)
                text = f"P(better) {pb:.2f}"
            else:
                text = f"median {q50:+.3g}"
            ax.annotate(
                text,
                xy=(1.0, y),
                xycoords=("axes fraction", "data"),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=9.5,
                color=c,
            )
            y += 1.0
        ticks.append(((top + y - 1.0) / 2.0, labels.get(p, p)))
        if p != policies[-1]:
            ax.axhline(y - 0.5 + gap / 2.0, color="0.85", linewidth=0.8)
        y += gap
    ax.axvline(0.0, color="black", linewidth=1.0, zorder=0)
    ax.set_yticks([t for t, _ in ticks])
    ax.set_yticklabels([name for _, name in ticks], fontsize=11)
    ax.set_ylim(y - gap - 0.5, -0.6)
    ax.set_xlim(min(lo, 0.0) - 0.05 * span, max(hi, 0.0) + 0.05 * span)
    ax.tick_params(axis="x", labelsize=10)
    ax.grid(axis="x", alpha=0.3)
    base = labels.get(baseline, baseline)
    direction = {"lower": "; below zero is better", "higher": "; above zero is better"}.get(better, "")
    ax.set_xlabel(f"Change against {base} ({outcome_unit(outcome)}){direction}", fontsize=11)
    ax.set_title(
        f"{capitalised(outcome_label(outcome))}: effect of each policy across futures\n"
        "thin line 5-95% of futures, thick bar middle 50%, dot median",
        fontsize=12,
    )
    legend_space = 0.0
    if len(hypotheses) > 1:
        rows = int(np.ceil(len(hypotheses) / 4))
        legend_space = (0.3 + 0.3 * rows) / height
        handles, names = ax.get_legend_handles_labels()
        fig.legend(
            handles,
            names,
            title="Worldview (hypothesis)",
            loc="lower center",
            ncol=min(4, len(hypotheses)),
            frameon=False,
            fontsize=10,
            title_fontsize=10,
        )
    fig.tight_layout(rect=(0, legend_space, 1, 1))
    save(fig, path)


def _record_bar(ax, when, low: float, high: float):
    """A record's range at one date, drawn as a black bar with a diamond at its middle."""
    ax.errorbar(
        [when], [(low + high) / 2], yerr=[[(high - low) / 2]], fmt="D", color="black", markersize=4, capsize=3, zorder=5
    )


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
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols, 3.6 * rows), squeeze=False)
    x = dates.astype("datetime64[D]").astype(object)

    colour = hypothesis_colours(hypotheses)

    for ax, outcome in zip(axes.flat, outcomes):
        i = OUTCOME_INDEX[outcome]
        annual = _OUTCOME[outcome].summary == "annual"
        for h in hypotheses:
            q = fans[(scenario, h)][:, :, i]
            ax.fill_between(x, q[0], q[4], color=colour[h], alpha=0.12, linewidth=0)
            ax.plot(x, q[2], color=colour[h], linewidth=1.4, label=labels.get(h, h))
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
                _record_bar(ax, np.datetime64(str(last), "D").astype(object), low, high)
            elif name == "recognising_states" and text == "first_recognition":
                ax.axvline(d0, color="black", linestyle="--", linewidth=1.0)
                continue
            elif first == last:  # a level in one month: the record's range as a bar
                _record_bar(ax, d0, low, high)
            else:
                ax.fill_between(
                    [d0, d1], [low, low], [max(high, low * 1.01)] * 2, color="black", alpha=0.5, linewidth=0, zorder=5
                )
        ax.set_title(_label(outcome), fontsize=9)
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
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    save(fig, path)
