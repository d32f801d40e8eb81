"""The page's figures (matplotlib, drawn on the server as PNG): small, quick, and readable without a legend hunt."""

from __future__ import annotations

import io
import math
import sys
import threading

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim.actors import STATES  # noqa: E402
from sim.actors.states import RECOGNITION  # noqa: E402
from sim.outcomes import OUTCOME_INDEX, OUTCOMES  # noqa: E402

COLOURS = ("#1f6fb4", "#d9601a", "#2a9d55", "#8e44ad")
BASELINE_COLOUR = "#777777"
DPI = 80
RELATION_NAMES = ("no contact", "channels", "missions", "ambassadors", "recognition")
# edge style per relation level: (line style, width, colour)
EDGE_STYLE = {
    0: (":", 0.8, "#bbbbbb"),
    1: ("--", 1.2, "#888888"),
    2: ("-", 1.6, "#6a8fbf"),
    3: ("-", 3.0, "#1f4f8f"),
    4: ("-", 4.5, "#2a9d55"),
}


def years(start: tuple[int, int], months: int) -> np.ndarray:
    """Decimal years at the end of each month of the run (the first row is the world after the first step)."""
    return start[0] + (start[1] - 1 + np.arange(1, months + 1)) / 12.0


def _outcome(name: str):
    return OUTCOMES[OUTCOME_INDEX[name]]


def _title(name: str) -> str:
    o = _outcome(name)
    return f"{o.description} ({o.unit})"


# Figures are kept and redrawn with new data: building axes and laying out their tick labels is most of
# the time to a PNG.  One drawing at a time (``render`` holds the lock), so sessions never share a half-drawn one.
_FIGURES: dict = {}
LOCK = threading.RLock()


def _new(rows: int, cols: int, width: float, height: float, top: float = 0.9, bottom: float = 0.12, left: float = 0.07):
    key = (rows, cols, width, height, top, bottom, left, _caller())
    if key in _FIGURES:
        fig, axes = _FIGURES[key]
        for ax in axes.flat:
            for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
                artist.remove()
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            ax.ignore_existing_data_limits = True
            ax.autoscale(True)
            ax.set_visible(True)
        for legend in list(fig.legends):
            legend.remove()
        return fig, axes
    # fixed margins: a layout engine would draw the figure twice more, tripling the time to a PNG
    fig = Figure(figsize=(width, height), dpi=DPI)
    axes = fig.subplots(rows, cols, squeeze=False)
    fig.subplots_adjust(left=left, right=0.98, top=top, bottom=bottom, wspace=0.25, hspace=0.35)
    _FIGURES[key] = (fig, axes)
    return fig, axes


def _caller() -> str:
    return sys._getframe(2).f_code.co_name


def render(chart, *args) -> bytes:
    """PNG of ``chart(*args)``."""
    with LOCK:
        return png(chart(*args))


def _tidy(ax):
    # few ticks: drawing tick labels is most of the time to a PNG
    ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.tick_params(labelsize=8, length=2)


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # light compression: a quarter of the encoding time, for a few more kilobytes on a local connection
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def fan_chart(live, outcomes) -> Figure:
    """Per outcome: the scenario's spread against the status quo's, for each chosen hypothesis."""
    cols = 3
    rows = math.ceil(len(outcomes) / cols)
    fig, axes = _new(rows, cols, 12, 3.0 * rows + 0.6, top=1 - 0.75 / (3.0 * rows + 0.6), bottom=0.06)
    months = live.hypotheses[0].scenario.shape[0]
    x = years(live.start, months)
    one = len(live.hypotheses) == 1
    for ax, name in zip(axes.flat, outcomes):
        i = OUTCOME_INDEX[name]
        for k, h in enumerate(live.hypotheses):
            colour = COLOURS[k % len(COLOURS)]
            scen = h.scenario[:, i, :]
            base = h.baseline[:, i, :]
            if _outcome(name).chart == "mean":
                ax.plot(x, scen.mean(axis=1), color=colour, lw=1.8)
                ax.plot(x, base.mean(axis=1), color=colour if not one else BASELINE_COLOUR, lw=1.2, ls="--")
                continue
            q = np.quantile(scen, (0.05, 0.25, 0.5, 0.75, 0.95), axis=1)
            qb = np.quantile(base, (0.05, 0.25, 0.5, 0.75, 0.95), axis=1)
            if one:
                ax.fill_between(x, qb[0], qb[4], color=BASELINE_COLOUR, alpha=0.12, lw=0)
                ax.fill_between(x, qb[1], qb[3], color=BASELINE_COLOUR, alpha=0.2, lw=0)
                ax.plot(x, qb[2], color=BASELINE_COLOUR, lw=1.2, ls="--")
                ax.fill_between(x, q[0], q[4], color=colour, alpha=0.15, lw=0)
                ax.fill_between(x, q[1], q[3], color=colour, alpha=0.3, lw=0)
            else:
                ax.fill_between(x, q[1], q[3], color=colour, alpha=0.15, lw=0)
                ax.plot(x, qb[2], color=colour, lw=1.0, ls="--")
            ax.plot(x, q[2], color=colour, lw=1.8)
        ax.set_title(_title(name), fontsize=9)
        _tidy(ax)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], color=COLOURS[k % len(COLOURS)], lw=2, label=h.label) for k, h in enumerate(live.hypotheses)
    ]
    handles.append(Line2D([], [], color=BASELINE_COLOUR if one else "black", lw=1.2, ls="--", label="status quo"))
    note = "median, 25-75% and 5-95% bands" if one else "median and 25-75% band; dashed: status quo median"
    fig.legend(handles=handles, loc="upper center", ncols=len(handles), fontsize=8, title=note, title_fontsize=8)
    return fig


def effect_chart(live, outcome: str) -> Figure:
    """Distribution over replications of the policy's effect (scenario minus status quo, paired)."""
    fig, axes = _new(1, 1, 6, 3.2, bottom=0.16, left=0.11)
    ax = axes[0, 0]
    i = OUTCOME_INDEX[outcome]
    o = _outcome(outcome)
    all_effects = np.concatenate([h.effects[i] for h in live.hypotheses])
    lo, hi = np.quantile(all_effects, (0.005, 0.995)) if all_effects.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    bins = np.linspace(lo, hi, 41)
    for k, h in enumerate(live.hypotheses):
        p = h.p_better(outcome)
        label = (
            f"{h.label}: P(better) {p:.0%}"
            if not math.isnan(p)
            else f"{h.label}: P(higher) {np.mean(h.effects[i] > 0):.0%}"
        )
        ax.hist(np.clip(h.effects[i], lo, hi), bins=bins, color=COLOURS[k % len(COLOURS)], alpha=0.45, label=label)
    ax.axvline(0, color="black", lw=1)
    better = {"lower": "left of 0 is better", "higher": "right of 0 is better"}.get(o.better, "no side is better")
    ax.set_title(f"effect on {outcome} vs status quo ({better})", fontsize=9)
    ax.set_xlabel(f"{o.unit}, per replication ({o.summary})", fontsize=8)
    ax.set_ylabel("replications", fontsize=8)
    _tidy(ax)
    ax.legend(fontsize=8)
    return fig


def recognition_chart(live) -> Figure:
    """Mean number of recognising states over time, scenario against the status quo, with the 5-95% band."""
    fig, axes = _new(1, 1, 6, 3.2, left=0.08)
    ax = axes[0, 0]
    i = OUTCOME_INDEX["recognising_states"]
    months = live.hypotheses[0].scenario.shape[0]
    x = years(live.start, months)
    for k, h in enumerate(live.hypotheses):
        colour = COLOURS[k % len(COLOURS)]
        q = np.quantile(h.scenario[:, i, :], (0.05, 0.95), axis=1)
        ax.fill_between(x, q[0], q[1], color=colour, alpha=0.12, lw=0)
        ax.plot(x, h.scenario[:, i, :].mean(axis=1), color=colour, lw=1.8, label=h.label)
        ax.plot(x, h.baseline[:, i, :].mean(axis=1), color=colour, lw=1.0, ls="--")
    ax.set_title("states recognising Kabul: mean and 5-95% band (dashed: status quo)", fontsize=9)
    ax.set_ylim(-0.2, len(STATES) + 0.2)
    _tidy(ax)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def network_chart(relations: dict[str, int], month_label: str) -> Figure:
    """Kabul in the middle, the states around it; the edge's style is the relation, recognition in green."""
    fig, axes = _new(1, 1, 5.2, 5.0, top=0.94, bottom=0.1)
    ax = axes[0, 0]
    n = len(relations)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    for (state, level), a in zip(relations.items(), angles):
        x, y = np.cos(a), np.sin(a)
        style, width, colour = EDGE_STYLE[int(level)]
        ax.plot([0, x], [0, y], ls=style, lw=width, color=colour, zorder=1)
        recognises = int(level) == RECOGNITION
        ax.scatter([x], [y], s=420, color="#2a9d55" if recognises else "white", edgecolors="#333333", zorder=2)
        ax.annotate(
            state.replace("_", " ") + ("\n★ recognises" if recognises else ""),
            (x * 1.27, y * 1.2),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold" if recognises else "normal",
        )
    ax.scatter([0], [0], s=900, color="#222222", zorder=3)
    ax.annotate("Kabul", (0, 0), color="white", ha="center", va="center", fontsize=8, zorder=4)
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"relations with Kabul, {month_label}", fontsize=10)
    handles = [
        Line2D(
            [], [], ls=EDGE_STYLE[k][0], lw=EDGE_STYLE[k][1], color=EDGE_STYLE[k][2], label=f"{k} {RELATION_NAMES[k]}"
        )
        for k in range(5)
    ]
    ax.legend(handles=handles, loc="lower center", ncols=3, fontsize=7, bbox_to_anchor=(0.5, -0.12), frameon=False)
    return fig


def watched_series_chart(band_record: np.ndarray, watched: np.ndarray, start, month: int, outcomes) -> Figure:
    """The watched replication's series over the ensemble's 5-95% and 25-75% bands, up to the watched month."""
    fig, axes = _new(1, len(outcomes), 4.0 * len(outcomes), 2.8, top=0.88, bottom=0.12)
    months = band_record.shape[0]
    x = years(start, months)
    for ax, name in zip(axes.flat, outcomes):
        i = OUTCOME_INDEX[name]
        q = np.quantile(band_record[:, i, :], (0.05, 0.25, 0.75, 0.95), axis=1)
        ax.fill_between(x, q[0], q[3], color=COLOURS[0], alpha=0.12, lw=0)
        ax.fill_between(x, q[1], q[2], color=COLOURS[0], alpha=0.25, lw=0)
        ax.plot(x, watched[:, i], color="#cccccc", lw=1.0)
        ax.plot(x[: month + 1], watched[: month + 1, i], color="#b2182b", lw=1.8)
        ax.axvline(x[month], color="black", lw=0.8)
        ax.set_title(f"{name} ({_outcome(name).unit})", fontsize=9)
        _tidy(ax)
        ax.grid(alpha=0.3)
    return fig
