"""Scenario discovery: in which region of the assumptions does a policy fail?

A failure is declared in the experiment config: the policy's effect on one outcome, against a comparison
scenario in the same future (same assumptions, same shocks), is worse than a threshold in the outcome's
bad direction.  PRIM (patient rule induction, the ``prim`` package) then peels the space of assumptions
down to boxes where failures are dense: each box is a handful of ranges a reader can check against what
they believe, with its coverage (the share of all failures inside it) and density (the share of futures
inside it that fail).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.effects import paired_effect
from sim.analysis.labels import outcome_label, outcome_unit, param_labels
from sim.analysis.style import PALETTE, save_figure
from sim.config.designs.discovery import settings_of
from sim.model.outcomes import OUTCOME
from sim.store.reader import labels, read_config, read_parameters, replication_values

# fewer failures (or successes) than this and a box would describe a handful of futures, not a region
MIN_CASES = 10


def failures(effect: np.ndarray, outcome: str, threshold: float) -> np.ndarray:
    """Whether the effect is worse than the threshold in the outcome's bad direction."""
    return effect > threshold if OUTCOME[outcome].better == "lower" else effect < -threshold


def _choose(trajectory: pd.DataFrame, min_density: float, max_dims: int) -> tuple[int | None, float]:
    """The step of the peeling trajectory to keep: the largest coverage at the declared density, few dimensions;
    None when no step of few dimensions reaches that density. Also the highest density any such step reaches."""
    ok = trajectory[(trajectory["res dim"] <= max_dims) & (trajectory["res dim"] > 0)]
    if ok.empty:
        return None, np.nan
    densest = float(ok["density"].astype(float).max())
    dense = ok[ok["density"] >= min_density]
    if dense.empty:
        return None, densest
    return int(dense["coverage"].astype(float).idxmax()), densest


def find_boxes(
    x: pd.DataFrame, fails: np.ndarray, min_density: float, max_boxes: int, max_dims: int, densest: list | None = None
) -> list[dict]:
    """PRIM boxes that reach ``min_density``, each: coverage, density, mass and the limits of its restricted
    parameters. A box below the density asked is not a finding and is not returned; the highest density PRIM
    reached for the first box is appended to ``densest`` when given, so a reader can be told how far it fell short.

    Coverage and density are over the whole sample (a second box counts only what the first left).
    """
    import logging

    import prim

    logging.getLogger("prim").setLevel(logging.WARNING)
    finder = prim.Prim(x.astype(np.float64), fails.astype(bool), threshold=None)
    boxes, base = [], fails.mean()
    total = int(fails.sum())
    for _ in range(max_boxes):
        box = finder.find_box()
        if box is None:
            break
        step, best = _choose(box.peeling_trajectory, min_density, max_dims)
        if densest is not None and not boxes:
            densest.append(best)
        if step is None:
            break
        box.select(step)
        inside = fails[box.yi]
        density = float(inside.mean()) if len(inside) else 0.0
        if density <= base:
            break
        limits = box.limits
        boxes.append(
            {
                "coverage": float(inside.sum() / total),
                "density": density,
                "mass": float(len(inside) / len(fails)),
                "limits": [
                    (name, float(row["min"]), float(row["max"]), float(row["qp values"]))
                    for name, row in limits.iterrows()
                ],
            }
        )
        if len(boxes) == max_boxes or fails[finder.yi_remaining].sum() < MIN_CASES:
            break
    return boxes


def discovery_table(folder: Path) -> pd.DataFrame:
    folder = Path(folder)
    config = read_config(folder)
    s = settings_of(config)
    params = read_parameters(folder)
    # a parameter that never varies cannot bound a box
    params = params.loc[:, params.nunique() > 1]
    values = replication_values(folder, [s["outcome"]])
    effects = paired_effect(values, s["outcome"], s["policy"], s["against"])
    rows = []
    for hypothesis in config["experiment"]["hypotheses"]:
        sub = effects[effects["hypothesis"] == hypothesis].set_index("replication").sort_index()
        fails = failures(sub["effect"].to_numpy(), s["outcome"], float(s["threshold"]))
        x = params.loc[sub.index]
        base = {
            "hypothesis": hypothesis,
            "policy": s["policy"],
            "against": s["against"],
            "outcome": s["outcome"],
            "threshold": float(s["threshold"]),
            "futures": len(fails),
            "failure_share": float(fails.mean()),
        }
        base["min_density"] = float(s["min_density"])
        boxes, densest = [], []
        if MIN_CASES <= fails.sum() <= len(fails) - MIN_CASES:
            boxes = find_boxes(
                x, fails, float(s["min_density"]), int(s["max_boxes"]), int(s["max_dims"]), densest=densest
            )
        if not boxes:
            # the densest box PRIM found, when it falls short of the density asked: said, never shown as a box
            rows.append({**base, "box": 0, "densest": densest[0] if densest else np.nan})
        for k, box in enumerate(boxes, start=1):
            for name, low, high, qp in box["limits"]:
                rows.append(
                    {
                        **base,
                        "box": k,
                        "coverage": box["coverage"],
                        "density": box["density"],
                        "mass": box["mass"],
                        "parameter": name,
                        "low": low,
                        "high": high,
                        "range_low": float(params[name].min()),
                        "range_high": float(params[name].max()),
                        "quasi_p": qp,
                    }
                )
    columns = [
        "hypothesis",
        "policy",
        "against",
        "outcome",
        "threshold",
        "futures",
        "failure_share",
        "min_density",
        "densest",
        "box",
        "coverage",
        "density",
        "mass",
        "parameter",
        "low",
        "high",
        "range_low",
        "range_high",
        "quasi_p",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def write_discovery(folder: Path) -> list[str]:
    """discovery.csv and discovery_boxes.png from the stored results."""
    folder = Path(folder)
    table = discovery_table(folder)
    table.to_csv(folder / "discovery.csv", index=False, float_format="%.6g")
    box_chart(folder / "discovery_boxes.png", table, labels(folder), param_labels())
    return ["discovery.csv", "discovery_boxes.png"]


def _failure_words(row, names: dict) -> str:
    bad = "raises" if OUTCOME[row["outcome"]].better == "lower" else "lowers"
    by = f" by more than {row['threshold']:g} ({outcome_unit(row['outcome'])})" if row["threshold"] else ""
    return (
        f"{names.get(row['policy'], row['policy'])} {bad} {outcome_label(row['outcome'])}{by} "
        f"against {names.get(row['against'], row['against'])}"
    )


def _wrap(text: str, width: int = 52) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _number(x: float) -> str:
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.3g}"


def box_chart(path: Path, table: pd.DataFrame, names: dict, meanings: dict):
    """Per hypothesis, each box's restricted ranges drawn inside the parameter's sampled range (0-1 scaled)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    found = table[table["box"] > 0]
    shares = table.groupby("hypothesis", sort=False)["failure_share"].first()
    with_boxes = [h for h in shares.index if (found["hypothesis"] == h).any()]
    densest = table.groupby("hypothesis", sort=False)["densest"].first() if "densest" in table else None
    without = [
        f"{names.get(h, h)} fails in {shares[h]:.0%}"
        + (f", densest box {densest[h]:.0%}" if densest is not None and pd.notna(densest[h]) else "")
        for h in shares.index
        if h not in with_boxes
    ]
    counts = [int((found["hypothesis"] == h).sum()) for h in with_boxes] or [1]
    height = min(9.5, 1.9 + sum(0.5 * c + 0.9 for c in counts))
    fig, axes = plt.subplots(len(counts), 1, figsize=(12, height), squeeze=False, gridspec_kw={"height_ratios": counts})
    first = table.iloc[0]
    if not with_boxes:
        axes[0, 0].axis("off")
        axes[0, 0].text(0.0, 0.5, "No region of the assumptions where failures concentrate.", fontsize=10)
    for ax, h in zip(axes[:, 0], with_boxes):
        sub = found[found["hypothesis"] == h]
        share = shares[h]
        labels_, spans = [], []
        for _, r in sub.iterrows():
            width = r["range_high"] - r["range_low"]
            lo = (r["low"] - r["range_low"]) / width
            hi = (r["high"] - r["range_low"]) / width
            labels_.append(
                f"Box {int(r['box'])}: {_wrap(meanings.get(r['parameter'], r['parameter']))}\n[{r['parameter']}]"
            )
            spans.append((lo, hi, int(r["box"]), r))
        y = np.arange(len(spans))
        for i, (lo, hi, box, r) in enumerate(spans):
            colour = PALETTE[(box - 1) % len(PALETTE)]
            ax.plot([0, 1], [i, i], color="#BBBBBB", linewidth=6, solid_capstyle="butt")
            ax.plot([lo, hi], [i, i], color=colour, linewidth=6, solid_capstyle="butt")
            ax.text(
                1.02,
                i,
                f"{_number(r['low'])} to {_number(r['high'])}  (range {_number(r['range_low'])} to "
                f"{_number(r['range_high'])})",
                va="center",
                fontsize=8,
            )
        ax.set_yticks(y)
        ax.set_yticklabels(labels_, fontsize=8.5)
        ax.set_ylim(len(spans) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1])
        ax.set_xticklabels(["lowest sampled", "middle", "highest sampled"], fontsize=8)
        ax.tick_params(axis="y", length=0)
        stats = "; ".join(
            f"box {int(b)}: coverage {g['coverage'].iloc[0]:.0%}, density {g['density'].iloc[0]:.0%}"
            for b, g in sub.groupby("box")
        )
        ax.set_title(f"{names.get(h, h)}: fails in {share:.0%} of futures. {stats}", fontsize=9.5, loc="left")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    fig.suptitle(
        f"Where it fails: {_failure_words(first, names)}\n"
        "coloured: the ranges of the assumptions that bound each PRIM box; grey: the range sampled",
        fontsize=11,
    )
    bottom = 0.0
    if without:
        bottom = 0.5 / height
        fig.text(
            0.01,
            0.15 / height,
            "No box (too few failures, or none meets the density asked"
            + (f", {first['min_density']:.0%}" if "min_density" in table and pd.notna(first["min_density"]) else "")
            + "): "
            + "; ".join(without)
            + ".",
            fontsize=9,
        )
    fig.tight_layout(rect=(0, bottom, 0.8, 0.97 - 0.2 / height))
    save_figure(fig, path)
    plt.close(fig)


def _no_box(row) -> str:
    """Why a worldview has no box: none reaches the density asked (and how close the densest came), or too few
    failures or successes to bound."""
    asked, densest = row.get("min_density", np.nan), row.get("densest", np.nan)
    if pd.notna(asked) and pd.notna(densest):
        return (
            f"No box meets the density asked (min_density {asked:.0%}): the densest PRIM found holds "
            f"{densest:.0%} failing futures, which is not a region where the policy fails."
        )
    return "No box: too few failures or successes to bound, or none denser than the whole."


def discovery_section(folder: Path) -> str:
    folder = Path(folder)
    table = pd.read_csv(folder / "discovery.csv")
    names = labels(folder)
    meanings = param_labels()
    first = table.iloc[0]
    lines = ["## Where the policy fails: scenario discovery", ""]
    lines.append(
        f"Failure: {_failure_words(first, names)} in the same future. PRIM searches the {first['futures']:,} "
        "sampled futures for boxes of assumptions where failures concentrate. Coverage: the share of all failures "
        "inside the box; density: the share of futures inside the box that fail."
    )
    lines.append("")
    for h, sub in table.groupby("hypothesis", sort=False):
        share = sub["failure_share"].iloc[0]
        head = f"- **{names.get(h, h)}**: fails in {share:.0%} of futures."
        if (sub["box"] == 0).all():
            lines.append(head + " " + _no_box(sub.iloc[0]))
            continue
        lines.append(head)
        for box, g in sub.groupby("box"):
            ranges = []
            for _, r in g.iterrows():
                meaning = meanings.get(r["parameter"], r["parameter"])
                at_low = np.isclose(r["low"], r["range_low"])
                at_high = np.isclose(r["high"], r["range_high"])
                if at_low and not at_high:
                    where = f"at most {_number(r['high'])}"
                elif at_high and not at_low:
                    where = f"at least {_number(r['low'])}"
                else:
                    where = f"between {_number(r['low'])} and {_number(r['high'])}"
                ranges.append(
                    f"{meaning} (`{r['parameter']}`) {where} (sampled {_number(r['range_low'])} to "
                    f"{_number(r['range_high'])})"
                )
            lines.append(
                f"  - Box {int(box)} (coverage {g['coverage'].iloc[0]:.0%}, density {g['density'].iloc[0]:.0%}, "
                f"{g['mass'].iloc[0]:.0%} of futures): " + "; ".join(ranges) + "."
            )
    lines += ["", "![Boxes where the policy fails](discovery_boxes.png)", "", "Table: `discovery.csv`.", ""]
    return "\n".join(lines)
