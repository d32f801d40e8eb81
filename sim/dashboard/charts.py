"""The page's figures as ECharts options: the browser draws them, the server sends only the numbers they show.

A chart here is a plain dict (JSON) for ``solara.FigureEcharts``.  It holds summaries, never replications:
quantile bands and means per month, histogram counts, one watched run.  Values are rounded to four
significant digits, which no chart can show anyway, to keep each message small.  Animation is off: a
redraw should show the new state at once, not glide to it.
"""

from __future__ import annotations

import textwrap

import numpy as np

from sim.analysis.labels import capitalised, outcome_label, outcome_unit, outcome_words, series_unit
from sim.analysis.style import BASELINE_COLOUR, PALETTE, hypothesis_colours
from sim.model.actors import STATES
from sim.model.actors.states import RECOGNITION
from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES

WATCHED_COLOUR = "#b2182b"
RELATION_NAMES = ("no contact", "channels", "missions", "ambassadors", "recognition")
# edge style per relation level with Kabul: (line type, width, colour)
EDGE_STYLE = {
    0: ("dotted", 1.0, "#bbbbbb"),
    1: ("dashed", 1.5, "#888888"),
    2: ("solid", 2.0, "#6a8fbf"),
    3: ("solid", 4.0, "#1f4f8f"),
    4: ("solid", 6.0, "#2a9d55"),
}
HISTOGRAM_BINS = 40
FONT = {"fontSize": 12}
# titles are wrapped to these many characters, so that at 800 px of window (about 260 px a small chart, 380
# px a half-width chart) no title runs into its neighbour's
SMALL_TITLE_CHARS = 30
HALF_TITLE_CHARS = 44
TITLE_LINE_PX = 16
TITLE_STYLE = {"fontSize": 13, "fontWeight": "normal", "lineHeight": TITLE_LINE_PX}


def wrapped(text: str, width: int) -> str:
    """A chart title broken into lines of at most ``width`` characters (ECharts does not wrap titles)."""
    return "\n".join(line for part in text.split("\n") for line in textwrap.wrap(part, width))


def rounded(values) -> list:
    """Numbers to four significant digits as a JSON-ready list (NaN becomes null, a gap in the chart)."""
    a = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(a)
    scale = np.max(np.abs(a[finite])) if finite.any() else 0.0
    decimals = int(max(0, 3 - np.floor(np.log10(scale)))) if scale > 0 else 0
    out = np.round(a, decimals).tolist()
    if not finite.all():
        out = [v if ok else None for v, ok in zip(out, finite.ravel().tolist())]
    return out


def month_labels(start: tuple[int, int], months: int) -> list[str]:
    """'YYYY-MM' of each row's month: row 0 is the world at the end of the run's first month, ``start``."""
    labels = []
    for m in range(months):
        year, month = divmod(start[1] - 1 + m, 12)
        labels.append(f"{start[0] + year}-{month + 1:02d}")
    return labels


def _outcome(name: str):
    return OUTCOMES[OUTCOME_INDEX[name]]


def _title(name: str) -> str:
    """A monthly series' title: the outcome's words and the unit of one month's value, on at most two lines."""
    return wrapped(f"{capitalised(outcome_words(name))} ({series_unit(name, yearly_flows=False)})", SMALL_TITLE_CHARS)


def _grid_layout(count: int, cols: int, top: float, row_height: float, gap: float):
    """Pixel boxes of ``count`` small charts in rows of ``cols``, with room for a title above each."""
    boxes = []
    width = 100.0 / cols
    for k in range(count):
        row, col = divmod(k, cols)
        y = top + row * (row_height + gap)
        boxes.append(
            {
                "grid": {
                    "left": f"{col * width + 4:.1f}%",
                    "width": f"{width - 7:.1f}%",
                    "top": y,
                    "height": row_height,
                },
                "title_at": {"left": f"{col * width + width / 2:.1f}%", "top": y - 2 * TITLE_LINE_PX - 8},
            }
        )
    return boxes


def _band(name: str, lower, upper, colour: str, opacity: float, axis: int, stack: str) -> list[dict]:
    """A shaded band between two series: an invisible lower line and the width stacked on it."""
    common = {"type": "line", "xAxisIndex": axis, "yAxisIndex": axis, "stack": stack, "symbol": "none"}
    common["silent"] = True
    lower = np.asarray(lower, dtype=np.float64)
    return [
        {**common, "name": name, "data": rounded(lower), "lineStyle": {"opacity": 0}, "itemStyle": {"color": colour}},
        {
            **common,
            "name": name,
            "data": rounded(np.asarray(upper, dtype=np.float64) - lower),
            "lineStyle": {"opacity": 0},
            "itemStyle": {"color": colour},
            "areaStyle": {"color": colour, "opacity": opacity},
        },
    ]


def _line(name: str, values, colour: str, axis: int, width: float = 2.0, dashed: bool = False) -> dict:
    return {
        "type": "line",
        "name": name,
        "xAxisIndex": axis,
        "yAxisIndex": axis,
        "data": rounded(values),
        "symbol": "none",
        "lineStyle": {"color": colour, "width": width, "type": "dashed" if dashed else "solid"},
        "itemStyle": {"color": colour},
    }


def _axes(boxes, labels, interval: int):
    x_axes, y_axes = [], []
    for k, _ in enumerate(boxes):
        x_axes.append(
            {
                "type": "category",
                "gridIndex": k,
                "data": labels,
                "boundaryGap": False,
                "axisLabel": {"interval": interval, "fontSize": 11, "hideOverlap": True},
                "axisTick": {"show": False},
            }
        )
        y_axes.append({"type": "value", "gridIndex": k, "scale": True, "splitNumber": 4, "axisLabel": {"fontSize": 11}})
    return x_axes, y_axes


def fan_chart(hypotheses, start, outcomes, cols: int = 3) -> dict:
    """Per outcome: the scenario's spread against the status quo's, for each chosen hypothesis.

    ``hypotheses``: objects with ``label``, ``scenario_bands`` and ``baseline_bands`` (``runner.CellBands``).
    """
    first = hypotheses[0].scenario_bands
    months = first.months
    labels = month_labels(start, months)
    boxes = _grid_layout(len(outcomes), cols, top=96, row_height=190, gap=80)
    # a label every three years: at 800 px a small chart has room for four
    x_axes, y_axes = _axes(boxes, labels, interval=35)
    one = len(hypotheses) == 1
    series = []
    titles = []
    colour_of = hypothesis_colours([h.name for h in hypotheses])
    for k, name in enumerate(outcomes):
        titles.append(
            {
                "text": _title(name),
                "textStyle": TITLE_STYLE,
                "textAlign": "center",
                **boxes[k]["title_at"],
            }
        )
        for j, h in enumerate(hypotheses):
            colour = colour_of[h.name]
            scen, base = h.scenario_bands, h.baseline_bands
            if _outcome(name).chart == "mean":
                series.append(_line(h.label, scen.means[name], colour, k))
                series.append(
                    _line("status quo", base.means[name], colour if not one else BASELINE_COLOUR, k, 1.5, True)
                )
                continue
            q, qb = scen.quantiles[name], base.quantiles[name]
            if one:
                series += _band("status quo", qb[0], qb[4], BASELINE_COLOUR, 0.14, k, f"b90-{k}")
                series += _band("status quo", qb[1], qb[3], BASELINE_COLOUR, 0.22, k, f"b50-{k}")
                series.append(_line("status quo", qb[2], BASELINE_COLOUR, k, 1.5, True))
                series += _band(h.label, q[0], q[4], colour, 0.16, k, f"s90-{k}")
                series += _band(h.label, q[1], q[3], colour, 0.3, k, f"s50-{k}")
            else:
                series += _band(h.label, q[1], q[3], colour, 0.16, k, f"s50-{k}-{j}")
                series.append(_line("status quo", qb[2], colour, k, 1.2, True))
            series.append(_line(h.label, q[2], colour, k))
    note = "median, 25-75% and 5-95% bands" if one else "median and 25-75% band; dashed: status quo median"
    legend = [h.label for h in hypotheses] + ["status quo"]
    height = boxes[-1]["grid"]["top"] + 190 + 30
    return {
        "animation": False,
        "title": titles,
        "legend": {"data": legend, "top": 4, "textStyle": FONT},
        "graphic": [
            {"type": "text", "left": "center", "top": 30, "style": {"text": note, "fontSize": 12, "fill": "#555"}}
        ],
        "grid": [b["grid"] for b in boxes],
        "xAxis": x_axes,
        "yAxis": y_axes,
        "series": series,
        "tooltip": {"trigger": "axis", "show": False},
        "height_px": height,
    }


def effect_histogram(effects: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Counts of replications per bin of the effect, the tails folded into the outer bins."""
    counts, _ = np.histogram(np.clip(effects, lo, hi), bins=HISTOGRAM_BINS, range=(lo, hi))
    return counts


def effect_chart(hypotheses, outcome: str) -> dict:
    """Distribution over replications of the policy's effect (scenario minus status quo, paired), as counts."""
    i = OUTCOME_INDEX[outcome]
    o = _outcome(outcome)
    all_effects = np.concatenate([h.effects[i] for h in hypotheses])
    lo, hi = np.quantile(all_effects, (0.005, 0.995)) if all_effects.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    width = (hi - lo) / HISTOGRAM_BINS
    centres = lo + width * (np.arange(HISTOGRAM_BINS) + 0.5)
    series = []
    colour_of = hypothesis_colours([h.name for h in hypotheses])
    for h in hypotheses:
        p = h.p_better(outcome)
        label = (
            f"{h.label}: P(better) {p:.0%}"
            if not np.isnan(p)
            else f"{h.label}: P(higher) {np.mean(h.effects[i] > 0):.0%}"
        )
        counts = effect_histogram(h.effects[i], lo, hi)
        series.append(
            {
                "type": "bar",
                "name": label,
                "data": [[c, int(n)] for c, n in zip(rounded(centres), counts.tolist())],
                "barGap": "-100%",
                "barCategoryGap": "8%",
                "itemStyle": {"color": colour_of[h.name], "opacity": 0.5},
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"color": "#000", "type": "solid", "width": 1.5},
                    "label": {"show": False},
                    "data": [{"xAxis": 0}],
                },
            }
        )
    better = {"lower": "left of 0 is better", "higher": "right of 0 is better"}.get(o.better, "no side is better")
    title = wrapped(f"Effect on {outcome_label(outcome)} against the status quo ({better})", HALF_TITLE_CHARS)
    legend_top = 12 + TITLE_LINE_PX * (title.count("\n") + 1)
    return {
        "animation": False,
        "title": {"text": title, "textStyle": TITLE_STYLE, "left": "center"},
        "legend": {"top": legend_top, "orient": "vertical", "left": "center", "textStyle": FONT},
        "grid": {"left": 64, "right": 24, "top": legend_top + 18 + 22 * len(hypotheses), "bottom": 48},
        "xAxis": {
            "type": "value",
            "min": rounded([lo])[0],
            "max": rounded([hi])[0],
            "name": outcome_unit(outcome),
            "nameLocation": "middle",
            "nameGap": 28,
            # the bounds are odd numbers that would crowd the round ticks beside them
            "axisLabel": {"fontSize": 11, "showMinLabel": False, "showMaxLabel": False},
        },
        "yAxis": {
            "type": "value",
            "name": "replications",
            "nameLocation": "middle",
            "nameGap": 44,
            "axisLabel": {"fontSize": 11},
        },
        "series": series,
        "height_px": 360,
    }


def recognition_chart(hypotheses, start) -> dict:
    """Mean number of recognising states over time, scenario against the status quo, with the 5-95% band."""
    name = "recognising_states"
    months = hypotheses[0].scenario_bands.months
    one = len(hypotheses) == 1
    series = []
    colour_of = hypothesis_colours([h.name for h in hypotheses])
    for k, h in enumerate(hypotheses):
        colour = colour_of[h.name]
        q = h.scenario_bands.quantiles[name]
        if one:  # several overlapping bands would only darken into one grey block
            series += _band(h.label, q[0], q[4], colour, 0.14, 0, f"r90-{k}")
        series.append(_line(h.label, h.scenario_bands.means[name], colour, 0))
        series.append(_line("status quo", h.baseline_bands.means[name], colour, 0, 1.2, True))
    drawn = [h.scenario_bands.quantiles[name][4] if one else h.scenario_bands.means[name] for h in hypotheses]
    highest = max(float(np.max(v)) for v in [*drawn, *(h.baseline_bands.means[name] for h in hypotheses)])
    top = int(min(len(STATES), np.ceil(highest) + 1))
    title = wrapped(
        f"{capitalised(outcome_words(name))}: mean" + (" and 5-95% band" if one else "") + " (dashed: status quo)",
        HALF_TITLE_CHARS,
    )
    legend_top = 12 + TITLE_LINE_PX * (title.count("\n") + 1)
    return {
        "animation": False,
        "title": {"text": title, "textStyle": TITLE_STYLE, "left": "center"},
        "legend": {"top": legend_top, "data": [h.label for h in hypotheses] + ["status quo"], "textStyle": FONT},
        # room for the legend, which takes two lines for four hypotheses
        "grid": {"left": 40, "right": 20, "top": legend_top + (38 if len(hypotheses) < 3 else 64), "bottom": 30},
        "xAxis": {
            "type": "category",
            "data": month_labels(start, months),
            "boundaryGap": False,
            "axisLabel": {"interval": 23, "fontSize": 11},
        },
        # up to one above the highest line drawn, so a few recognitions are not squeezed under eleven states
        "yAxis": {"type": "value", "min": 0, "max": top, "interval": 1, "axisLabel": {"fontSize": 11}},
        "series": series,
        "height_px": 360,
    }


def network_chart(relations: dict[str, int], month_label: str) -> dict:
    """Kabul in the middle, the states around it; the edge's style and the state's label give the relation."""
    n = len(relations)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    nodes = [
        {
            "name": "Kabul",
            "x": 0,
            "y": 0,
            "symbolSize": 58,
            "itemStyle": {"color": "#222222"},
            "label": {"show": True, "color": "#fff", "fontSize": 13, "fontWeight": "bold"},
        }
    ]
    links = []
    for (state, level), a in zip(relations.items(), angles):
        level = int(level)
        recognises = level == RECOGNITION
        nodes.append(
            {
                "name": state,
                "x": round(float(np.cos(a)) * 100, 1),
                "y": round(float(-np.sin(a)) * 100, 1),
                "symbolSize": 34,
                "itemStyle": {
                    "color": "#2a9d55" if recognises else "#ffffff",
                    "borderColor": "#333",
                    "borderWidth": 1.5,
                },
                "label": {
                    "show": True,
                    "position": "top" if np.sin(a) >= -0.1 else "bottom",
                    # the relation is written beside the state: labels along the edges would be slanted
                    "formatter": state.replace("_", " ")
                    + ("\n★ recognises" if recognises else f"\n{RELATION_NAMES[level]} ({level})"),
                    "lineHeight": 16,
                    "fontSize": 13,
                    "fontWeight": "bold" if recognises else "normal",
                    "color": "#222",
                },
            }
        )
        style, width, colour = EDGE_STYLE[level]
        links.append(
            {
                "source": "Kabul",
                "target": state,
                "lineStyle": {"type": style, "width": width, "color": colour, "curveness": 0},
            }
        )
    return {
        "animation": False,
        "title": {
            "text": f"relations with Kabul, {month_label}",
            "subtext": "relation levels: 0 no contact · 1 channels · 2 missions · 3 ambassadors · 4 recognition (green)",
            "left": "center",
            "textStyle": {"fontSize": 14},
            "subtextStyle": {"fontSize": 11, "color": "#555"},
        },
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "top": 100,
                "bottom": 60,
                "left": 80,
                "right": 80,
                "roam": False,
                "data": nodes,
                "links": links,
            }
        ],
        "height_px": 540,
    }


def watched_series_chart(band, watched: np.ndarray, start, month: int, outcomes) -> dict:
    """The watched replication's series over the ensemble's 5-95% and 25-75% bands, up to the watched month.

    ``band``: the ensemble's ``runner.CellBands``; ``watched``: the replication's record (months x outcomes).
    """
    months = band.months
    labels = month_labels(start, months)
    boxes = _grid_layout(len(outcomes), len(outcomes), top=48, row_height=200, gap=40)
    x_axes, y_axes = _axes(boxes, labels, interval=35)
    series, titles = [], []
    for k, name in enumerate(outcomes):
        titles.append(
            {
                "text": _title(name),
                "textStyle": TITLE_STYLE,
                "textAlign": "center",
                **boxes[k]["title_at"],
            }
        )
        q = band.quantiles[name]
        series += _band("ensemble", q[0], q[4], PALETTE[0], 0.12, k, f"w90-{k}")
        series += _band("ensemble", q[1], q[3], PALETTE[0], 0.25, k, f"w50-{k}")
        values = watched[:, OUTCOME_INDEX[name]]
        series.append(_line("watched, whole run", values, "#bbbbbb", k, 1.2))
        shown = np.full(months, np.nan)
        shown[: month + 1] = values[: month + 1]
        line = _line("watched, so far", shown, WATCHED_COLOUR, k, 2.4)
        line["markLine"] = {
            "silent": True,
            "symbol": "none",
            "label": {"show": False},
            "lineStyle": {"color": "#000", "type": "solid", "width": 1},
            "data": [{"xAxis": labels[month]}],
        }
        series.append(line)
    return {
        "animation": False,
        "title": titles,
        "grid": [b["grid"] for b in boxes],
        "xAxis": x_axes,
        "yAxis": y_axes,
        "series": series,
        "height_px": 48 + 200 + 40,
    }
