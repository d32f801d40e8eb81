"""Running a planned experiment: every scenario x hypothesis cell, into the results store, then tables and figures."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf
from tqdm import tqdm

from sim.analysis import comparison_text, fan_series, replication_summaries, summary_table
from sim.configuration import Plan
from sim.ensemble import run_cell
from sim.store import (
    RunLock,
    StagedOutput,
    cell_table,
    check_out_dir,
    month_dates,
    remove_stale_staging,
    write_manifest,
)


@dataclass
class RunResult:
    out_dir: Path
    table_text: str
    figures: list
    seconds: float


def run_plan(plan: Plan, progress: bool = True, figures: bool = True) -> RunResult:
    started = time.perf_counter()
    with RunLock(plan.out_dir):
        remove_stale_staging(plan.out_dir)
        # checked again now that no other run can write here
        check_out_dir(plan.out_dir, overwrite=plan.config.overwrite)
        return _run_locked(plan, progress, figures, started)


def _run_locked(plan: Plan, progress: bool, figures: bool, started: float) -> RunResult:
    reps = np.arange(plan.replications)
    staged = StagedOutput(plan.out_dir)
    try:
        summaries, fans, hindcast_extracts = {}, {}, {}
        total = plan.replications * len(plan.cells)
        with tqdm(
            total=total,
            unit="rep",
            desc=plan.name,
            disable=not progress,
            leave=False,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} replications [{elapsed}<{remaining}] {postfix}",
        ) as bar:
            for cell in plan.cells:
                key = (cell.scenario.name, cell.hypothesis.name)
                bar.set_postfix_str(f"{key[0]} / {key[1]}")
                record = run_cell(cell.setup, reps, chunk_size=plan.config.chunk_size, on_chunk=bar.update)
                staged.append_results(cell_table(record, *key, reps, cell.setup.start))
                summaries[key] = replication_summaries(record)
                fans[key] = fan_series(record)
                if plan.report == "hindcast":
                    from sim.hindcast import extract

                    hindcast_extracts[key[1]] = extract(record, cell.setup.start)
                del record
        staged.close_results()
        if plan.drawn:
            from sim.analysis.common import write_parameters

            write_parameters(staged.path, plan.drawn, plan.replications)
        table = summary_table(summaries, plan.baseline)
        table.to_csv(staged.path / "summary.csv", index=False, float_format="%.6g")
        text = comparison_text(table, plan.key_outcomes, plan.baseline)
        (staged.path / "comparison.txt").write_text(text + "\n", encoding="utf-8")
        extra_files = []
        if plan.report == "hindcast":
            from sim.hindcast import write_hindcast

            files, hindcast_text = write_hindcast(staged.path, hindcast_extracts)
            extra_files += files
            text = hindcast_text + "\n" + text
        figure_files = _figures(staged.path, plan, table, fans) if figures else []
        OmegaConf.save(plan.config, staged.path / "config.yaml", resolve=True)
        write_manifest(staged.path, _manifest(plan, figure_files + extra_files))
        from sim.analysis.common import ANALYSES, analysis_section, write_analysis

        if plan.report in ANALYSES:
            # the analysis reads the folder as stored (results, parameters, config, manifest), then is listed in it
            extra_files += write_analysis(plan.report, staged.path)
            text = analysis_section(plan.report, staged.path) + "\n" + text
            write_manifest(staged.path, _manifest(plan, figure_files + extra_files))
        staged.commit({"experiment": plan.name, "seed": plan.config.seed, "replications": plan.replications})
    except BaseException:
        staged.discard()
        raise
    return RunResult(plan.out_dir, text, figure_files, time.perf_counter() - started)


def _figures(path: Path, plan: Plan, table, fans) -> list:
    from sim.plots import fan_chart, paired_differences_chart

    labels = {s.name: s.label for s in plan.scenarios} | {h.name: h.label for h in plan.hypotheses}
    scenarios = [s.name for s in plan.scenarios]
    hypotheses = [h.name for h in plan.hypotheses]
    dates = month_dates(plan.cells[0].setup.start, plan.months)
    files = []
    for outcome in plan.key_outcomes:
        name = f"fan_{outcome}.png"
        fan_chart(path / name, outcome, fans, dates, scenarios, hypotheses, labels)
        files.append(name)
    if len(scenarios) > 1:
        paired_differences_chart(path / "paired_differences.png", table, plan.key_outcomes, plan.baseline, labels)
        files.append("paired_differences.png")
    if plan.report == "hindcast":
        from sim.hindcast import chart_markers
        from sim.plots import hindcast_chart

        hindcast_chart(path / "hindcast.png", fans, dates, hypotheses, plan.baseline, labels, chart_markers())
        files.append("hindcast.png")
    return files


def _manifest(plan: Plan, files: list) -> dict:
    return {
        "experiment": plan.name,
        "out_dir": str(plan.out_dir),
        "seed": plan.config.seed,
        "replications": plan.replications,
        "months": plan.months,
        "start": "{:04d}-{:02d}".format(*plan.cells[0].setup.start),
        "baseline": plan.baseline,
        "cells": [[c.scenario.name, c.hypothesis.name] for c in plan.cells],
        "config": OmegaConf.to_container(plan.config, resolve=True),
        "scenarios": {s.name: asdict(s) for s in plan.scenarios},
        "hypotheses": {h.name: asdict(h) for h in plan.hypotheses},
        "initial": asdict(plan.initial),
        "parameters_by_hypothesis": {c.hypothesis.name: _plain(c.setup.params) for c in plan.cells},
        "files": [
            "results.parquet",
            *(["parameters.parquet"] if plan.drawn else []),
            "summary.csv",
            "comparison.txt",
            "config.yaml",
            "manifest.json",
            *files,
        ],
    }


def _plain(params: dict) -> dict:
    # a value drawn per replication is stored once, in parameters.parquet
    return {k: ("per replication" if np.ndim(v) else v) for k, v in sorted(params.items())}
