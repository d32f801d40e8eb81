"""Which assumptions drive a policy's effect: Morris screening of every one, Sobol indices of a declared few.

The whole design runs as ONE ensemble: replication i of the run is row i of the design, first the Morris
trajectories over every uncertain parameter, then the Sobol (Saltelli) sample over the declared subset, with
the other parameters at their defaults.  Every scenario and hypothesis sees the same rows, so a policy effect
(policy minus comparison, same row, same shocks) is one number per row and hypothesis, and SALib reads it.

Each row also draws its own shocks, so the indices describe the effect as the model produces it, shock
noise included: a parameter's total index carries part of that noise, its first-order index does not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.effects import paired_effect
from sim.analysis.labels import outcome_unit, outcome_words, param_labels
from sim.analysis.style import PALETTE, save_figure
from sim.config.designs.sensitivity import _problem, design_settings, design_values, unit_designs
from sim.store.reader import labels, read_config, read_parameters, replication_values

# ---------------------------------------------------------------- the design


# ---------------------------------------------------------------- indices from the stored results


def _effect_name(effect: dict) -> str:
    return f"{effect['policy']} - {effect['against']}"


def sensitivity_table(folder: Path) -> pd.DataFrame:
    """Morris and Sobol indices of every declared effect under every hypothesis, from the results folder."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    folder = Path(folder)
    config = read_config(folder)
    design = design_settings(config)
    morris_x, sobol_x = unit_designs(design)
    stored = read_parameters(folder)
    expected = design_values(design)
    m = len(morris_x)
    if len(stored) != m + len(sobol_x) or any(
        not np.allclose(stored[name].to_numpy(), values) for name, values in expected.items() if name in stored
    ):
        raise ValueError(f"{folder / 'parameters.parquet'} does not hold the design its config.yaml describes")
    outcomes = sorted({e["outcome"] for e in design["effects"]})
    values = replication_values(folder, outcomes)
    rows = []
    for effect in design["effects"]:
        table = paired_effect(values, effect["outcome"], effect["policy"], effect["against"])
        for hypothesis in config["experiment"]["hypotheses"]:
            group = table[table["hypothesis"] == hypothesis]
            y = group.sort_values("replication")["effect"].to_numpy(dtype=np.float64)
            base = {
                "hypothesis": hypothesis,
                "policy": effect["policy"],
                "against": effect["against"],
                "outcome": effect["outcome"],
                "effect_mean": float(y.mean()),
                "effect_sd": float(y.std()),
            }
            constant = np.ptp(y) == 0
            mo = (
                None
                if constant
                else morris_analyze.analyze(
                    _problem(design["morris_params"]),
                    morris_x,
                    y[:m],
                    num_levels=design["morris_levels"],
                    seed=design["seed"],
                )
            )
            for j, p in enumerate(design["morris_params"]):
                rows.append(
                    {
                        **base,
                        "method": "morris",
                        "parameter": p.name,
                        "mu_star": 0.0 if mo is None else float(mo["mu_star"][j]),
                        "mu_star_conf": 0.0 if mo is None else float(mo["mu_star_conf"][j]),
                        "sigma": 0.0 if mo is None else float(mo["sigma"][j]),
                    }
                )
            so = None
            if np.ptp(y[m:]) > 0:
                so = sobol_analyze.analyze(
                    _problem(design["sobol_params"]), y[m:], calc_second_order=True, seed=design["seed"]
                )
            for j, p in enumerate(design["sobol_params"]):
                rows.append(
                    {
                        **base,
                        "method": "sobol",
                        "parameter": p.name,
                        **{k: (0.0 if so is None else float(so[k][j])) for k in ("S1", "S1_conf", "ST", "ST_conf")},
                    }
                )
    columns = [
        "parameter",
        "outcome",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
        "mu_star",
        "mu_star_conf",
        "sigma",
        "method",
        "hypothesis",
        "policy",
        "against",
        "effect_mean",
        "effect_sd",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def write_sensitivity(folder: Path) -> list[str]:
    """sensitivity.csv and, per declared effect, a Sobol bar chart and a Morris screening chart."""
    folder = Path(folder)
    table = sensitivity_table(folder)
    table.to_csv(folder / "sensitivity.csv", index=False, float_format="%.6g")
    files = ["sensitivity.csv"]
    names = labels(folder)
    meanings = param_labels()
    for effect, group in table.groupby(["policy", "against", "outcome"], sort=False):
        stem = "_".join(effect)
        sobol_chart(folder / f"sobol_{stem}.png", group[group["method"] == "sobol"], names, meanings)
        morris_chart(folder / f"morris_{stem}.png", group[group["method"] == "morris"], names, meanings)
        files += [f"sobol_{stem}.png", f"morris_{stem}.png"]
    return files


# ---------------------------------------------------------------- figures


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
        if len(lines[1]) > width:
            lines[1] = lines[1][: width - 1].rstrip() + "…"
    return "\n".join(lines)


def _param_label(name: str, meanings: dict) -> str:
    return f"{_wrap(meanings.get(name, name), 46)}\n[{name}]"


def _effect_title(group: pd.DataFrame, names: dict) -> str:
    r = group.iloc[0]
    return (
        f"{names.get(r['policy'], r['policy'])} minus {names.get(r['against'], r['against'])}: "
        f"{outcome_words(r['outcome'])} ({outcome_unit(r['outcome'])})"
    )


def _grouped_bars(ax, group, params, value, conf, hypotheses, names, overlay=None):
    height = 0.8 / len(hypotheses)
    for k, h in enumerate(hypotheses):
        sub = group[group["hypothesis"] == h].set_index("parameter").reindex(params)
        y = np.arange(len(params)) - 0.4 + (k + 0.5) * height
        colour = PALETTE[k % len(PALETTE)]
        ax.barh(
            y,
            sub[value],
            height=height * 0.92,
            color=colour,
            alpha=0.45 if overlay else 0.9,
            xerr=sub[conf],
            error_kw={"elinewidth": 0.8, "capsize": 1.5, "ecolor": "#333333"},
            label=names.get(h, h),
        )
        if overlay:
            ax.barh(y, sub[overlay].clip(lower=0), height=height * 0.92, color=colour)
    ax.set_yticks(range(len(params)))
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.tick_params(axis="y", length=0)


def sobol_chart(path: Path, group: pd.DataFrame, names: dict, meanings: dict):
    """Total (pale, with 95% interval) and first-order (solid) Sobol indices per parameter and hypothesis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hypotheses = list(dict.fromkeys(group["hypothesis"]))
    params = list(group.groupby("parameter")["ST"].max().sort_values(ascending=False).index)
    fig, ax = plt.subplots(figsize=(12, min(9.5, 1.2 + 0.62 * len(params) * max(1, len(hypotheses) / 3))))
    _grouped_bars(ax, group, params, "ST", "ST_conf", hypotheses, names, overlay="S1")
    ax.set_yticklabels([_param_label(p, meanings) for p in params], fontsize=8.5)
    ax.set_xlim(0, max(1.0, float((group["ST"] + group["ST_conf"]).max()) * 1.05))
    ax.set_xlabel("share of the effect's variance (solid: this assumption alone; pale: with its interactions)")
    ax.legend(loc="lower right", fontsize=9, frameon=True, title="worldview", title_fontsize=9)
    ax.set_title(
        "What drives the effect: Sobol indices with 95% intervals\n" + _effect_title(group, names), fontsize=11
    )
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def morris_chart(path: Path, group: pd.DataFrame, names: dict, meanings: dict, top: int = 12):
    """Morris screening: mean absolute elementary effect of the most influential assumptions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hypotheses = list(dict.fromkeys(group["hypothesis"]))
    params = list(group.groupby("parameter")["mu_star"].max().sort_values(ascending=False).index[:top])
    fig, ax = plt.subplots(figsize=(12, min(9.5, 1.3 + 0.5 * len(params) * max(1, len(hypotheses) / 3))))
    _grouped_bars(ax, group, params, "mu_star", "mu_star_conf", hypotheses, names)
    ax.set_yticklabels([_param_label(p, meanings) for p in params], fontsize=8.5)
    unit = outcome_unit(group.iloc[0]["outcome"])
    ax.set_xlim(left=0)
    ax.set_xlabel(f"change of the effect across each assumption's range, mean absolute ({unit})")
    ax.legend(loc="lower right", fontsize=9, frameon=True, title="worldview", title_fontsize=9)
    total = group["parameter"].nunique()
    ax.set_title(
        f"Screening of all {total} assumptions (Morris): the {len(params)} strongest, with 95% intervals\n"
        + _effect_title(group, names),
        fontsize=11,
    )
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


# ---------------------------------------------------------------- report section


def sensitivity_section(folder: Path) -> str:
    folder = Path(folder)
    table = pd.read_csv(folder / "sensitivity.csv")
    names = labels(folder)
    meanings = param_labels()
    config = read_config(folder)
    design = design_settings(config)
    lines = ["## What drives the answer: sensitivity to the assumptions", ""]
    lines.append(
        f"One ensemble: {design['morris_trajectories']} Morris trajectories over all {len(design['morris_params'])} "
        f"uncertain assumptions, then a Sobol design (N = {design['sobol_n']:,}, second order) over "
        f"{len(design['sobol_params'])} of them, the others at their defaults. Each row of the design is one "
        "replication with its own shocks, so total indices include a share of shock noise."
    )
    for (policy, against, outcome), group in table.groupby(["policy", "against", "outcome"], sort=False):
        stem = f"{policy}_{against}_{outcome}"
        unit = outcome_unit(outcome)
        lines += [
            "",
            f"### {names.get(policy, policy)} minus {names.get(against, against)}: {outcome_words(outcome)}",
            "",
        ]
        lines.append("| Worldview | Mean effect | Top driver (Sobol ST [95% CI]) | Morris: strongest assumption |")
        lines.append("| --- | --- | --- | --- |")
        for hypothesis, sub in group.groupby("hypothesis", sort=False):
            sobol = sub[sub["method"] == "sobol"].sort_values("ST", ascending=False)
            morris = sub[sub["method"] == "morris"].sort_values("mu_star", ascending=False)
            top_s, top_m = sobol.iloc[0], morris.iloc[0]
            lo, hi = top_s["ST"] - top_s["ST_conf"], top_s["ST"] + top_s["ST_conf"]
            lines.append(
                f"| {names.get(hypothesis, hypothesis)} | {top_s['effect_mean']:+.3g} {unit} "
                f"(sd {top_s['effect_sd']:.3g}) | {meanings.get(top_s['parameter'], top_s['parameter'])} "
                f"(`{top_s['parameter']}`): {top_s['ST']:.2f} [{max(lo, 0):.2f}, {hi:.2f}] | "
                f"{meanings.get(top_m['parameter'], top_m['parameter'])} (`{top_m['parameter']}`) |"
            )
        lines += [
            "",
            f"![Sobol indices]({'sobol_' + stem}.png)",
            "",
            f"![Morris screening]({'morris_' + stem}.png)",
        ]
    lines += ["", "Table: `sensitivity.csv` (Sobol S1, ST with 95% intervals; Morris mu*, sigma).", ""]
    return "\n".join(lines)
