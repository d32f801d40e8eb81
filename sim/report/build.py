"""The report of a results folder, computed from the stored files alone.

``build_report(folder)`` reads results.parquet, parameters.parquet and manifest.json and writes
summary.csv, comparison.txt, every figure and report.md. A run calls it on its staging folder, and
``python -m sim report DIR`` calls it on a finished folder: one code path, so a regenerated report is the
same file, byte for byte.

report.md is a list of sections, each a function of the folder. The analyses that belong to one kind of
experiment (robustness, sensitivity, discovery: ``sim.report.analyses.ANALYSES``) plug in as a writer that
takes the folder and returns the files it wrote, and a section that follows the headline answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.effects import (
    comparison_text,
    distribution_table,
    fan_series,
    horizon_years,
    p_better_text,
    paired_effects,
    summary_table,
    variance_parts,
    year_figures,
)
from sim.analysis.hindcast import write_hindcast
from sim.analysis.labels import capitalised, outcome_label, outcome_title
from sim.analysis.weights import folder_weights
from sim.model.outcomes import OUTCOMES
from sim.model.record import CHART_OUTCOMES, chart_markers, extract
from sim.report.analyses import ANALYSES, analysis_section, write_analysis
from sim.report.answer import AnswerTables, answer_section, terminal_answer
from sim.report.figures import effects_chart, fan_chart, hindcast_chart
from sim.run.engine import SerialPool, forget_record, release_memory
from sim.run.experiment import FULL_TABLES
from sim.store.reader import FolderError, ResultsFolder

REPORT_FILE = "report.md"

CAVEATS = (
    "**Four worldviews, weighed only by the record to July 2025.** Structural uncertainty is only the four "
    "hypotheses, each switched on alone; mixtures are not run. Pooled answers are given twice: unweighted (each "
    "worldview counts equally) and weighted by how much of each worldview's parameter space the record leaves "
    "(docs/evidence.md), which a record of four years can only separate weakly.",
    "**A thin economy.** The 2021-22 collapse enters as one fading shock; state revenue, trade and transit are "
    "not modelled, and humanitarian need is a share of a growing population moved by the shock, sanctions, aid, "
    "war, the opium ban and returns.",
    "**Coarse actors.** The UN, EU and ICC act as one, the resistance groups as one, the Baloch separatist groups "
    "as one, and the Taliban are two factions on one scale; states climb a five-rung relation ladder one rung at "
    "a time.",
    "**Nothing outside the region** and no domestic politics inside the states. The exodus after the takeover "
    "and the bans on Afghan women working for aid agencies are not modelled.",
    "**Reference points are mid-2025** and used unchanged; the model is checked against the record only up to "
    "July 2025 (docs/calibration.md).",
)


SAMPLING_CAVEATS = {
    "parameters": "**Guessed numbers.** Almost every parameter is a labelled assumption with a plausible range, not "
    "a figure from a text. This run drew each of them per future from its range (uniformly), independently of the "
    "others and without the history match: futures the record to July 2025 rules out are among them "
    "(`uncertainty=matched` draws only parameter points the record leaves; docs/evidence.md).",
    "matched": "**Guessed numbers.** Almost every parameter is a labelled assumption with a plausible range, not a "
    "figure from a text. This run drew each future's parameters jointly from one of the points of its worldview's "
    "range that the record to July 2025 leaves (docs/evidence.md); that set is small, so futures repeat points.",
    "none": "**Guessed numbers.** Almost every parameter is a labelled assumption with a plausible range, not a "
    "figure from a text. This run held each at its default: the spread is chance alone, not the guesses.",
}


def drawn_mode(manifest: dict) -> str:
    """How the run drew its guessed numbers, as resolved at run start (``auto`` is never stored as what was done)."""
    recorded = manifest.get("uncertainty")
    if isinstance(recorded, dict) and recorded.get("mode"):
        return str(recorded["mode"])
    return str(manifest.get("config", {}).get("uncertainty", "parameters"))


def caveats(uncertainty: str) -> list[str]:
    """What the model leaves out, with the sampling this run used said as it was."""
    return [SAMPLING_CAVEATS.get(uncertainty, SAMPLING_CAVEATS["parameters"]), *CAVEATS]


# the statistics of a summary row that two worldviews must share to give the same answer
SAME_ANSWER = ["mean", "p2_5", "p97_5", "diff_mean", "p_better"]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def identical_worldviews(table: pd.DataFrame, outcomes: list, hypotheses: list, labels: dict) -> list[str]:
    """Sentences naming the worldviews whose results for an outcome are identical, under every scenario or some."""
    if len(hypotheses) < 2:
        return []
    out = []
    for name in outcomes:
        rows = table[table["outcome"] == name]
        if rows.empty:
            continue
        by = {h: rows[rows["hypothesis"] == h].set_index("scenario")[SAME_ANSWER].round(9) for h in hypotheses}
        scenarios = list(by[hypotheses[0]].index)
        groups: list[list[str]] = []
        for h in hypotheses:
            for g in groups:
                if by[g[0]].equals(by[h]):
                    g.append(h)
                    break
            else:
                groups.append([h])
        parts = [
            f"{_and([labels.get(h, h) for h in g])} give identical results under every scenario"
            for g in groups
            if len(g) > 1
        ]
        # one worldview stands for each group of identical ones, so a pair is not said again through its twin
        heads = [g[0] for g in groups]
        for i, a in enumerate(heads):
            for b in heads[i + 1 :]:
                same = [x for x in scenarios if x in by[b].index and by[a].loc[x].equals(by[b].loc[x])]
                if same:
                    parts.append(
                        f"{labels.get(a, a)} and {labels.get(b, b)} under {len(same)} of {len(scenarios)} scenarios "
                        f"({_and([labels.get(x, x) for x in same])})"
                    )
        if parts:
            out.append(f"{capitalised(outcome_label(name))}: {'; '.join(parts)}.")
    return out


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    text: str = ""


def _effects(summaries, baseline: str, outcomes: list) -> dict:
    """``effects[outcome][(policy, hypothesis)]``: the paired effect per replication, for the named outcomes."""
    positions = {o.name: i for i, o in enumerate(OUTCOMES) if o.name in outcomes}
    out = {name: {} for name in positions}
    # cell by cell, so each cell's summaries are read once
    for s, h in summaries:
        if s == baseline or (baseline, h) not in summaries:
            continue
        policy, base = summaries[(s, h)], summaries[(baseline, h)]
        for name, i in positions.items():
            out[name][(s, h)] = policy[i] - base[i]
    return out


def futures_phrase(folder: ResultsFolder) -> str:
    n = folder.manifest.get("replications", "?")
    u = folder.uncertainty
    runs = "1 replication" if n == 1 else f"{n} replications"
    if u.get("mode") == "parameters":
        each = "with its" if n == 1 else "each with its"
        return f"{runs}, {each} own draw of {len(u.get('drawn', []))} assumptions and own random shocks"
    if u.get("mode") == "matched":
        each = "with its" if n == 1 else "each with its"
        return (
            f"{runs}, {each} own random shocks and assumptions drawn from the parameter points the record to "
            "July 2025 leaves for its worldview (docs/evidence.md)"
        )
    return f"{runs} with the assumptions at their defaults; only the random shocks differ"


def build_report(path, figures: bool | None = None, pool=None) -> Report:
    """Write summary.csv, comparison.txt, the figures and report.md into the local folder ``path`` from its stored
    files (sim.report.rebuild for a folder at a URL).

    ``pool`` (``sim.run.engine.open_pool``) runs the per-cell fans, the figures and the experiment's analysis on
    the run's workers; without it they run here, one after another, with the same functions and results.
    ``figures``: whether to draw them; by default, as the run did.
    """
    pool = pool or SerialPool()
    folder = ResultsFolder.open(path)
    path = folder.path
    kind, baseline = folder.report_kind, folder.baseline
    if figures is None:  # as the run was made: a run without figures is rebuilt without them
        figures = bool(folder.manifest["config"].get("figures", True))

    # Work on the pool starts at once and runs while this process writes the tables: the experiment's
    # analysis first (the longest single piece), then each cell's fans.
    analysis = pool.submit(_analysis, kind, path) if kind in ANALYSES else None
    fan_calls = [pool.submit(cell_fans, str(path), i) for i in range(len(folder.cells))]
    # read from the store a cell at a time as the tables need them
    summaries = folder.summaries()
    labels = folder.labels
    table = summary_table(summaries, baseline)
    table.to_csv(path / "summary.csv", index=False, float_format="%.6g")
    outcomes = folder.key_outcomes
    multi = len(folder.scenarios) > 1
    fans, extracts, yearly = {}, {}, {}
    for call in fan_calls:
        key, fan, extract, years = call.result()
        fans[key] = fan
        if extract is not None:
            extracts[key[1]] = extract
        if years is not None:
            yearly[key] = years
    answer = answer_tables(folder, summaries, yearly)
    p_better = p_better_text(table, outcomes, baseline, labels, futures_phrase(folder)) if multi else ""
    text = terminal_answer(answer)
    full = "\n\n".join(
        [text, FULL_TABLES, *([p_better] if p_better else []), comparison_text(table, outcomes, baseline)]
    )
    (path / "comparison.txt").write_text(full + "\n", encoding="utf-8")
    files = ["summary.csv", "comparison.txt"]
    hindcast_text = ""
    if kind == "hindcast":
        hindcast_files, hindcast_text = write_hindcast(path, extracts)
        files += hindcast_files
        text = _hindcast_line(path, labels) + "\n\n" + text
    figure_files, jobs = _figures(folder, summaries, fans) if figures else ({}, [])
    pool(_call, jobs)
    files += [f for group in figure_files.values() for f in group]
    sections = []
    if analysis is not None:
        files += list(analysis.result())
        sections.append(analysis_section(kind, path).strip())
        # the analysis answers the experiment's question: the terminal names where it is
        heading = next((line.lstrip("# ") for line in sections[-1].splitlines() if line.startswith("#")), kind)
        text = text + f"\nThe experiment's {kind} analysis: report.md, section \"{heading}\""
    markdown = _markdown(folder, table, figure_files, sections, hindcast_text, answer)
    (path / REPORT_FILE).write_text(markdown, encoding="utf-8")
    files.append(REPORT_FILE)
    return Report(files, text)


def answer_tables(folder: ResultsFolder, summaries, yearly: dict) -> AnswerTables:
    """The answer's tables (sim.analysis.effects) from the stored per-replication summaries of the key outcomes
    and their figures in the horizon's years (``yearly[(scenario, hypothesis)][outcome]``: years x replications)."""
    outcomes, baseline = folder.key_outcomes, folder.baseline
    positions = {o.name: i for i, o in enumerate(OUTCOMES)}
    years = horizon_years(folder.months)
    frames, year_frames = [], []
    for scenario, hypothesis in folder.cells:
        values = summaries[(scenario, hypothesis)]
        n = values.shape[1]
        for name in outcomes:
            cell = {"scenario": scenario, "hypothesis": hypothesis, "outcome": name}
            frames.append(pd.DataFrame({**cell, "replication": np.arange(n), "value": values[positions[name]]}))
            by_year = (yearly.get((scenario, hypothesis)) or {}).get(name)
            if by_year is not None and len(years):
                year_frames.append(
                    pd.DataFrame(
                        {
                            **cell,
                            "year": np.repeat(years, by_year.shape[1]),
                            "replication": np.tile(np.arange(by_year.shape[1]), len(years)),
                            "value": by_year.reshape(-1),
                        }
                    )
                )
    values = pd.concat(frames, ignore_index=True)
    hypotheses = folder.hypotheses
    weights, how = _weights(folder, hypotheses)
    policies = [s for s in folder.scenarios if s != baseline]
    levels = distribution_table(values[values["scenario"] == baseline], "value", ["outcome", "scenario"], weights)
    effects = paired_effects(values, baseline) if policies else None
    tables = AnswerTables(
        levels=levels,
        effects=distribution_table(effects, "effect", ["outcome", "scenario"], weights) if policies else levels[:0],
        outcomes=outcomes,
        baseline=baseline,
        policies=policies,
        hypotheses=hypotheses,
        labels=folder.labels,
        start=folder.start,
        months=folder.months,
        weights=weights,
        weights_how=how,
        uncertainty=str(folder.uncertainty.get("mode", "parameters")),
        variance=variance_parts(effects, weights) if policies else None,
        years=years if year_frames else [],
    )
    if year_frames:
        by_year = pd.concat(year_frames, ignore_index=True)
        base = by_year[by_year["scenario"] == baseline]
        tables.year_levels = distribution_table(base, "value", ["outcome", "scenario", "year"], weights)
        if policies:
            paired = paired_effects(by_year, baseline)
            tables.year_effects = distribution_table(paired, "effect", ["outcome", "scenario", "year"], weights)
    return tables


def _hindcast_line(path, labels: dict) -> str:
    """One line for the terminal: how many records each worldview's 90% band holds (hindcast.csv)."""
    t = pd.read_csv(path / "hindcast.csv")
    counts = t.groupby("hypothesis", sort=False)["inside_90"].agg(["sum", "size"])
    inside = ", ".join(f"{int(r['sum'])} of {int(r['size'])} ({labels.get(h, h)})" for h, r in counts.iterrows())
    return f"HINDCAST against the record to July 2025, records inside the 90% band: {inside}; hindcast.txt"


def cell_fans(path: str, index: int):
    """``(key, fans, extract, yearly)`` of the index-th stored cell: the monthly quantiles of the charted outcomes
    (``fan_series``), for a hindcast its extract of dated events, otherwise the key outcomes' figures in the
    horizon's years (``yearly[outcome]``: years x replications). Runs on a worker.

    Read from the store one charted outcome at a time (its column only, chunk by chunk into one array), so
    the memory a cell needs is one outcome's months x replications, whatever the number of outcomes charted.
    The hindcast, a small experiment, reads its cells whole: its extract needs every outcome.
    """
    forget_record()
    folder = ResultsFolder.open(path, check_chunks=False)  # build_report checked the chunks before it called
    if folder.report_kind == "hindcast":
        return _hindcast_cell(folder, index)
    charted = set(folder.key_outcomes)
    fans = None
    key = None
    years = horizon_years(folder.months)
    yearly = {}
    for i, o in enumerate(OUTCOMES):
        if o.name not in charted:
            continue
        for key, chunks in folder.cell_chunks([o.name], cells=(index,)):
            # the chunks side by side in one array, without a list of them beside it
            series = np.empty((folder.months, 1, folder.manifest["replications"]), dtype=np.float32)
            filled = 0
            for part in chunks:
                series[:, :, filled : filled + part.shape[2]] = part
                filled += part.shape[2]
            one = fan_series(series[:, :, :filled], {o.name}, columns=[i])
            fans = one if fans is None else np.where(np.isnan(one), fans, one)
            # the yearly figures of the horizon's years (year y: row y - 1), for effects over time
            yearly[o.name] = year_figures(series[:, 0, :filled], o.summary)[[y - 1 for y in years]]
            del series
            release_memory()
    if key is None:
        raise FolderError(f"{path}/results.parquet lacks the cell {' / '.join(folder.cells[index])}")
    return key, fans, None, yearly


def _hindcast_cell(folder: ResultsFolder, index: int):
    charted = set(folder.key_outcomes) | set(CHART_OUTCOMES)
    wanted = [i for i, o in enumerate(OUTCOMES) if o.name in charted]
    for key, chunks in folder.cell_chunks(cells=(index,)):
        charted_parts, extract_parts = [], []
        for record in chunks:
            extract_parts.append(extract(record, folder.start))
            charted_parts.append(record[:, wanted, :])
        fans = fan_series(np.concatenate(charted_parts, axis=2), charted, columns=wanted)
        extracted = {k: np.concatenate([np.atleast_1d(p[k]) for p in extract_parts]) for k in extract_parts[0]}
        return key, fans, extracted, None

    raise FolderError(f"{folder.path}/results.parquet lacks the cell {' / '.join(folder.cells[index])}")


def _call(fn, args):
    return fn(*args)


def _analysis(kind, path):
    """The experiment's analysis (``sim.report.analyses.write_analysis``), on a worker done with chunks."""
    forget_record()
    return write_analysis(kind, path)


def _figures(folder: ResultsFolder, summaries: dict, fans: dict) -> tuple[dict, list]:
    """The figure files by group, and the calls that draw them: ``(function, arguments)`` pairs."""
    baseline, labels = folder.baseline, folder.labels
    scenarios, hypotheses = folder.scenarios, folder.hypotheses
    policies = [s for s in scenarios if s != baseline]
    made = {"effects": [], "fans": [], "hindcast": []}
    jobs = []
    if policies:
        effects = _effects(summaries, baseline, folder.key_outcomes)
        for outcome in folder.key_outcomes:
            name = f"effects_{outcome}.png"
            args = (folder.path / name, outcome, effects[outcome], policies, hypotheses, baseline, labels)
            jobs.append((effects_chart, args))
            made["effects"].append(name)
    for outcome in folder.key_outcomes:
        name = f"fan_{outcome}.png"
        jobs.append((fan_chart, (folder.path / name, outcome, fans, folder.dates, scenarios, hypotheses, labels)))
        made["fans"].append(name)
    if folder.report_kind == "hindcast":
        args = (folder.path / "hindcast.png", fans, folder.dates, hypotheses, baseline, labels, chart_markers())
        jobs.append((hindcast_chart, args))
        made["hindcast"].append("hindcast.png")
    return made, jobs


# --- report.md ---------------------------------------------------------------------------------------------


def _level(x: float, signed: bool = False) -> str:
    """A number at a precision that fits its size; ``signed`` for a change (+/-), plain for a level."""
    if x is None or np.isnan(x):
        return "n/a"
    if x == 0:
        return "0"
    a = abs(x)
    digits = 0 if a >= 100 else 1 if a >= 10 else 2 if a >= 0.1 else 3
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


def _num(x: float) -> str:
    """A change against the baseline, always signed."""
    return _level(x, signed=True)


def _prob(x: float) -> str:
    return "n/a" if x is None or np.isnan(x) else f"{x:.2f}"


def _markdown(
    folder: ResultsFolder, table: pd.DataFrame, figures: dict, sections: list, hindcast_text: str, answer=None
) -> str:
    m = folder.manifest
    labels, baseline = folder.labels, folder.baseline
    hypotheses = folder.hypotheses
    policies = [s for s in folder.scenarios if s != baseline]
    out = [f"# {folder.experiment.get('name', m['experiment'])}", ""]
    out += ["## Question", "", " ".join(str(folder.experiment.get("description", "")).split()), ""]
    if answer is not None:
        out += answer_section(answer, futures_phrase(folder))
    if policies:
        out += [
            "### How often each policy does better at all: P(better)",
            "",
            "P(better) is the share of futures in which the policy does better than "
            f"{labels.get(baseline, baseline)} in the outcome's good direction by any amount, however small; "
            "futures with no change at all are counted apart (p_same in summary.csv).",
            "",
        ]
        if figures.get("effects"):
            first = figures["effects"][0]
            out += [f"![{capitalised(outcome_label(folder.key_outcomes[0]))}: effects]({first})", ""]
        out += _p_better_tables(table, folder.key_outcomes, policies, hypotheses, labels, _weights(folder, hypotheses))
    for section in sections:
        out += [section, ""]
    if hindcast_text:
        out += ["## Against the record", "", "```", hindcast_text.rstrip(), "```", ""]
        if figures.get("hindcast"):
            out += ["![Hindcast](hindcast.png)", ""]
    if figures.get("fans"):
        out += ["## How the key outcomes move", ""]
        out += [f"![{capitalised(outcome_label(o))}]({f})" for o, f in zip(folder.key_outcomes, figures["fans"])]
        out += [""]
    if policies and len(figures.get("effects", [])) > 1:
        out += ["## Effects on the other key outcomes", ""]
        out += [
            f"![{capitalised(outcome_label(o))}: effects]({f})"
            for o, f in zip(folder.key_outcomes[1:], figures["effects"][1:])
        ]
        out += [""]
    same = identical_worldviews(table, folder.key_outcomes, hypotheses, labels)
    if same:
        out += ["## Where the worldviews agree exactly", ""]
        out += [f"- {line}" for line in same]
        out += [
            "",
            "A worldview holds only the links its texts state; where they are silent it answers with the shared core "
            "every worldview holds (docs/hypotheses.md marks each cell text, shared core or extension). Worldviews "
            "whose own links do not reach an outcome therefore give the same numbers, and the record cannot weigh "
            "them apart either. No extension is switched on unless the settings below name one.",
            "",
        ]
    out += _effect_tables(folder, table, policies, hypotheses)
    out += _settings(folder)
    out += ["## What the model leaves out", ""]
    out += [f"- {c}" for c in caveats(drawn_mode(folder.manifest))]
    out.append("")
    return "\n".join(out)


def _weights(folder: ResultsFolder, hypotheses: list) -> tuple[dict | None, str]:
    """The worldviews' weights for the pooled answers (sim.calibration.evidence), or None and why not."""
    if len(hypotheses) < 2:
        return None, ""
    return folder_weights(folder.path, hypotheses)


def _p_better_tables(table, outcomes, policies, hypotheses, labels, weighting=(None, "")) -> list:
    """Per outcome, P(better) per policy and worldview, the worst case, and pooled over the worldviews twice:
    unweighted (their mean) and evidence-weighted (weighted by ``weighting``'s weights, when there are any)."""
    weights, how = weighting
    pooled = len(hypotheses) > 1
    out = []
    if pooled:
        out += [
            "Pooled over the worldviews twice: *unweighted* (each counts equally) and *evidence-weighted* ("
            + (
                ", ".join(f"{labels.get(h, h)} {weights[h]:.2f}" for h in hypotheses) + f"; {how})."
                if weights
                else f"not given: {how})."
            ),
            "",
        ]
    for name in outcomes:
        sub = table[table["outcome"] == name].set_index(["scenario", "hypothesis"])
        better = sub["better"].iloc[0]
        if not better:
            continue
        out += [f"**{outcome_title(name)}, {better} is better: P(better)**", ""]
        extra = ["worst case", "all worldviews, unweighted"] + (["evidence-weighted"] if weights else [])
        extra = extra if pooled else []
        out.append("| policy | " + " | ".join([*(labels.get(h, h) for h in hypotheses), *extra]) + " |")
        out.append("|---" * (len(hypotheses) + 1 + len(extra)) + "|")
        for s in policies:
            values = [float(sub.loc[(s, h), "p_better"]) for h in hypotheses]
            cells = [_prob(v) for v in values]
            still = "p_same" in sub and all(float(sub.loc[(s, h), "p_same"]) == 1.0 for h in hypotheses)
            if pooled and still:
                # the policy changes the outcome in no future: a worst case of 0.00 would read as a failure
                cells += ["does not move", "does not move"] + (["does not move"] if weights else [])
            elif pooled:
                cells += [_prob(min(values)), _prob(float(np.mean(values)))]
                if weights:
                    cells.append(_prob(float(sum(weights[h] * v for h, v in zip(hypotheses, values)))))
            out.append(f"| {labels.get(s, s)} | " + " | ".join(cells) + " |")
        out.append("")
    return out


def _effect_tables(folder, table, policies, hypotheses) -> list:
    labels, baseline = folder.labels, folder.baseline
    out = ["## Tables", ""]
    if policies:
        out += [
            f"Effect against {labels.get(baseline, baseline)} per worldview: the median across futures with the "
            "5-95% range of futures, then the mean effect with its 95% confidence interval. That interval is the "
            "precision of the mean over the replications run, not the range of outcomes. Every number is also in "
            "summary.csv.",
            "",
        ]
    for name in folder.key_outcomes:
        sub = table[table["outcome"] == name].set_index(["scenario", "hypothesis"])
        out += [f"**{outcome_title(name)}**", ""]
        if not policies:
            out += ["| worldview | mean | 95% CI of the mean | 2.5-97.5% of futures |", "|---|---|---|---|"]
            for h in hypotheses:
                r = sub.loc[(baseline, h)]
                out.append(
                    f"| {labels.get(h, h)} | {_level(r['mean'])} | {_level(r['ci95_low'])} to "
                    f"{_level(r['ci95_high'])} | {_level(r['p2_5'])} to {_level(r['p97_5'])} |"
                )
            out.append("")
            continue
        out += [
            "| policy | worldview | median effect | 5-95% of futures | P(better) | P(same) | mean effect [95% CI] |"
        ]
        out += ["|---|---|---|---|---|---|---|"]
        for s in policies:
            for h in hypotheses:
                r = sub.loc[(s, h)]
                out.append(
                    f"| {labels.get(s, s)} | {labels.get(h, h)} | {_num(r['effect_p50'])} | "
                    f"{_num(r['effect_p05'])} to {_num(r['effect_p95'])} | {_prob(r['p_better'])} | "
                    f"{_prob(r['p_same'])} | {_num(r['diff_mean'])} [{_num(r['diff_ci95_low'])}, "
                    f"{_num(r['diff_ci95_high'])}] |"
                )
        out.append("")
    return out


def _settings(folder: ResultsFolder) -> list:
    m, u = folder.manifest, folder.uncertainty
    labels = folder.labels
    out = ["## Settings", ""]
    out.append(f"- Experiment `{m['experiment']}`, starting {m['start']}, {m['months']} months, seed {m.get('seed')}.")
    out.append(
        f"- {m.get('replications')} replications per cell; baseline: {labels.get(m['baseline'], m['baseline'])}."
    )
    out.append(f"- Policies: {', '.join(labels.get(s, s) for s in folder.scenarios)}.")
    out.append(f"- Worldviews (hypotheses): {', '.join(labels.get(h, h) for h in folder.hypotheses)}.")
    if u.get("mode") == "parameters":
        out.append(
            f"- Uncertainty: {len(u.get('drawn', []))} assumptions drawn per replication ({u.get('sampling')} "
            f"sampling), the same draw in every cell; values in {u.get('file')}."
        )
    elif u.get("mode") == "matched":
        out.append(
            "- Uncertainty: each replication's assumptions drawn from the parameter points the history match kept "
            "for its worldview (sim/model/data/worldview_weights.yaml), the same point in every scenario of a "
            "worldview; regenerable from the seed and that file."
        )
    else:
        out.append("- Uncertainty: none; every assumption at its default value.")
    fixed = u.get("fixed") or {}
    if fixed:
        out.append("- Set by hand, not drawn: " + ", ".join(f"`{k}` = {v:g}" for k, v in sorted(fixed.items())) + ".")
    for h, values in sorted((u.get("fixed_by_hypothesis") or {}).items()):
        own = {k: v for k, v in values.items() if k not in fixed}
        if own:
            out.append(
                f"- Set by {labels.get(h, h)}, not drawn there: "
                + ", ".join(f"`{k}` = {v:g}" for k, v in sorted(own.items()))
                + "."
            )
    commit = (m.get("git") or {}).get("commit")
    if commit:
        out.append(f"- Model version: commit {commit[:12]}{' with local changes' if m['git'].get('dirty') else ''}.")
    out += ["- Files: results.parquet, parameters.parquet (if drawn), summary.csv, comparison.txt, manifest.json.", ""]
    return out
