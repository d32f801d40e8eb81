"""Running a planned experiment: every scenario x hypothesis cell into the results store, then its report."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from sim.config.names import is_url
from sim.config.plan import Plan
from sim.model.ensemble import run_cell
from sim.model.sampling import draw_matched, uncertain_parameters
from sim.run.engine import (
    RESULTS_DIR,
    CountedPool,
    Progress,
    choose_executor,
    chunk_setup,
    fingerprint,
    open_pool,
    plan_tasks,
    run_tasks,
)
from sim.store.files import (
    PARAMETERS_FILE,
    SUMMARIES_DIR,
    RunLock,
    StagedOutput,
    check_out_dir,
    damaged_chunks,
    filesystem,
    parameters_table,
    remove_stale_staging,
    stops_deferred,
    tool_files,
    write_manifest,
    write_parameters,
)
from sim.store.reader import FolderError, ResultsFolder
from sim.store.url import StagedUrl, check_url_out_dir

# comparison.txt holds the answer the terminal shows, then this line, then the full tables
FULL_TABLES = "FULL TABLES"


@dataclass
class RunResult:
    out_dir: Path | str  # a URL for results elsewhere
    table_text: str
    figures: list
    seconds: float


def cell_runs(plan: Plan, progress: bool = True):
    """Yield ``((scenario, hypothesis), record)`` for every cell of the plan, with a progress bar."""
    reps = np.arange(plan.replications)
    with _progress_bar(plan, progress) as bar:
        for cell in plan.cells:
            key = (cell.scenario.name, cell.hypothesis.name)
            bar.set_postfix_str(f"{key[0]} / {key[1]}")
            yield key, run_cell(cell.setup, reps, chunk_size=plan.chunk_size, on_chunk=bar.update)


def _progress_bar(plan: Plan, progress: bool, initial: int = 0) -> tqdm:
    """Replications done across all cells (and all workers)."""
    return tqdm(
        total=plan.replications * len(plan.cells),
        initial=initial,
        unit="rep",
        desc=plan.name,
        disable=not progress,
        leave=False,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} replications [{elapsed}<{remaining}] {postfix}",
    )


def _report_bar(progress: bool) -> tqdm:
    """The report's work (per-cell fans, figures, the analysis) done; left on screen with the time it took."""
    return tqdm(
        total=0,
        unit="piece",
        desc="report",
        disable=not progress,
        leave=True,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} pieces of work [{elapsed}]",
    )


def run_plan(plan: Plan, write_report: Callable, progress: bool = True, figures: bool = True) -> RunResult:
    """Run every cell into the store, then write the report from the store alone (as ``sim report`` does).

    ``write_report(folder, figures=, pool=)`` writes the report into the staged folder before it is committed
    (sim.report.build.build_report), so a folder holds its results and their report or neither.  The face has
    checked the plan against this machine and the folder first (sim.run.checks.check_can_run).
    """
    started = time.perf_counter()
    if is_url(plan.out_dir):
        # no lock on a URL: a staging prefix left in place is a run under way, taken over only by resume=true
        check_url_out_dir(plan.out_dir, overwrite=plan.overwrite, resume=plan.resume)
        return _run_locked(plan, write_report, progress, figures, started)
    with RunLock(plan.out_dir):
        remove_stale_staging(plan.out_dir)
        # checked again now that no other run can write here
        left = check_out_dir(plan.out_dir, overwrite=plan.overwrite)
        if left:
            they = "they are" if len(left) > 1 else "it is"
            _note(f"{plan.out_dir}: kept {_listed(left)} as {they}; a run replaces only its own files")
        return _run_locked(plan, write_report, progress, figures, started)


class Interrupted(KeyboardInterrupt):
    """A stop request during a run whose finished chunks were kept for ``resume=true``."""


class StoppedWhenDone(KeyboardInterrupt):
    """A stop request that came once the run's results were in place (its one argument: where)."""


def _run_locked(plan: Plan, write_report: Callable, progress: bool, figures: bool, started: float) -> RunResult:
    resume = bool(plan.resume)
    staging = _staging(plan.out_dir)
    staged = staging(plan.out_dir, resume=resume)
    tasks = plan_tasks(plan.cells, plan.replications, plan.chunk_size)
    key = run_key(plan)
    record = Progress(staged.path, key, len(tasks))
    if resume and not record.load():
        finished = None if record.other_settings else _finished(plan, key)
        if finished is not None:  # e.g. a sweep's earlier job, when the sweep is run again to finish
            _note(f"resume=true: {plan.out_dir} is complete with these settings; nothing to compute")
            staged.discard()
            finished.seconds = time.perf_counter() - started
            return finished
        if record.other_settings:
            _note(f"resume=true: the chunks kept for {plan.out_dir} were made with other settings; starting afresh")
        else:
            _note(f"resume=true: no interrupted run of {plan.out_dir} was found; running it whole")
        staged.discard()
        staged = staging(plan.out_dir)
        record = Progress(staged.path, key, len(tasks))
    elif resume:
        _drop_damaged_chunks(plan, staged, record, tasks)
    done_before = sum(t.count for t in tasks if t.name in record.done)
    executor = plan.executor
    shared = not str(plan.out_dir).startswith("memory://")
    kind = choose_executor(
        executor.kind, executor.address, plan.replications * plan.months * len(plan.cells), shared=shared
    )
    jobs = [(t, chunk_setup(plan.cells[t.cell].setup, t.first, t.count)) for t in tasks]
    bar = _progress_bar(plan, progress, initial=done_before)
    committed = False
    try:
        # the same workers run the chunks, then the report's per-cell work and its figures
        with open_pool(kind, executor.address, executor.workers, executor.worker_wait) as pool:
            with bar:
                run_tasks(jobs, staged.path, record, pool, on_done=lambda t: bar.update(t.count))
            # the run's own small files and its report: in the staging folder, or for a URL in a local working
            # folder whose files the commit copies to the URL
            work = getattr(staged, "work", staged.path)
            drawn = drawn_table(plan)
            if drawn is not None:
                write_parameters(work, drawn)
            (work / "config.yaml").write_text(plan.config_text, encoding="utf-8")
            manifest = _manifest(plan, [])
            manifest["store"] = {
                "run_key": key,
                "chunks": [t.name for t in tasks],
                "chunk_size": plan.chunk_size,
                "executor": kind,
            }
            write_manifest(work, manifest)
            with _report_bar(progress) as report_bar:
                report = write_report(work, figures=figures, pool=CountedPool(pool, report_bar))
                report_bar.set_description_str("report written")
            _add_files(work, report.files)
            with stops_deferred():
                # the progress file goes last: a run stopped while its report is written resumes with every chunk
                record.remove()
                staged.commit({"experiment": plan.name, "seed": plan.seed, "replications": plan.replications})
                committed = True
    except Interrupted:
        raise
    except KeyboardInterrupt as exc:
        if committed:  # e.g. while the workers closed: the results are whole and in place
            raise StoppedWhenDone(str(plan.out_dir)) from exc
        if record.done:  # stopped at any point after a chunk was done: the finished chunks stay for resume=true
            raise Interrupted(len(record.done), len(tasks), str(plan.out_dir)) from exc
        staged.discard()
        raise
    except BaseException:
        # a failure (an unreachable scheduler, a full disk) leaves finished chunks beside out_dir for resume=true
        if not record.done:
            staged.discard()
        raise
    figure_files = [f for f in report.files if f.endswith(".png")]
    return RunResult(plan.out_dir, report.text, figure_files, time.perf_counter() - started)


def _drop_damaged_chunks(plan: Plan, staged, record, tasks) -> None:
    """Check the chunks an interrupted run kept before this one builds on them: a damaged one is removed from
    the staging folder (only this tool writes there) and computed again, and a line says which."""
    expected = {t.name: ((t.scenario, t.hypothesis), t.first, t.count) for t in tasks if t.name in record.done}
    damaged = damaged_chunks(staged.path, expected, plan.months)
    if not damaged:
        return
    fs, root = filesystem(staged.path)
    for name in damaged:
        for directory in (RESULTS_DIR, SUMMARIES_DIR):
            with contextlib.suppress(FileNotFoundError):
                fs.rm_file(f"{root}/{directory}/{name}")
        record.done.discard(name)
    record.save()
    first = next(iter(damaged.values()))
    more = f" and {len(damaged) - 1} more" if len(damaged) > 1 else ""
    _note(
        f"resume=true: a chunk kept for {plan.out_dir} is damaged ({first}{more}); computing "
        f"{'them' if more else 'it'} again"
    )


def _finished(plan: Plan, key: str) -> RunResult | None:
    """The results already in a local out_dir, if a finished run with the same run key made them."""
    if is_url(plan.out_dir) or tool_files(plan.out_dir) is None:
        return None
    try:
        folder = ResultsFolder.open(plan.out_dir)  # every chunk its manifest lists is there
    except FolderError:
        return None
    if (folder.manifest.get("store") or {}).get("run_key") != key:
        return None
    if bool(folder.manifest["config"].get("figures", True)) != plan.figures:
        return None  # the same results, but the report is to be drawn otherwise
    comparison = Path(plan.out_dir) / "comparison.txt"
    text = comparison.read_text(encoding="utf-8") if comparison.is_file() else ""
    text = text.split(f"\n{FULL_TABLES}\n")[0].rstrip("\n")  # the answer alone, as the run printed it
    figures = [f for f in folder.manifest.get("files", []) if f.endswith(".png")]
    return RunResult(plan.out_dir, text, figures, 0.0)


def run_key(plan: Plan) -> str:
    """What makes two runs' chunks interchangeable, for ``resume=true``: what each cell's model is given
    (levers, parameters, starting point, seed, sampling) and the chunking. So an edited scenario or hypothesis
    file, or a parameter fixed rather than drawn, makes another run."""
    return fingerprint(
        {
            "cells": [[c.scenario.name, c.hypothesis.name, asdict(c.setup)] for c in plan.cells],
            "replications": plan.replications,
            "chunk_size": plan.chunk_size,
        }
    )


def _listed(names) -> str:
    names = sorted(names)
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _note(text: str):
    print(f"note: {text}", file=sys.stderr, flush=True)


def _staging(out_dir):
    if is_url(out_dir):
        return StagedUrl
    return StagedOutput


def _add_files(path: Path, files: list):
    manifest_path = path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] += [f for f in files if f not in manifest["files"]]
    manifest_path.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")


def _manifest(plan: Plan, files: list) -> dict:
    return {
        "experiment": plan.name,
        "out_dir": str(plan.out_dir),
        "seed": plan.seed,
        "replications": plan.replications,
        "months": plan.months,
        "start": "{:04d}-{:02d}".format(*plan.cells[0].setup.start),
        "baseline": plan.baseline,
        "cells": [[c.scenario.name, c.hypothesis.name] for c in plan.cells],
        "config": plan.settings,
        "scenarios": {s.name: asdict(s) for s in plan.scenarios},
        "hypotheses": {h.name: asdict(h) for h in plan.hypotheses},
        "initial": asdict(plan.initial),
        # drawn parameters are in parameters.parquet; here the values every replication shares
        "parameters_by_hypothesis": {
            c.hypothesis.name: _plain({k: v for k, v in c.setup.params.items() if np.ndim(v) == 0}) for c in plan.cells
        },
        "uncertainty": {
            "mode": plan.uncertainty,
            "sampling": plan.sampling if plan.uncertainty == "parameters" else None,
            "file": PARAMETERS_FILE if _stores_parameters(plan) else None,
            "drawn": sorted(plan.drawn) or _matched_names(plan),
            "fixed": _plain(plan.user_params),
            "fixed_by_hypothesis": {h: _plain(v) for h, v in plan.fixed_by_hypothesis.items()},
        },
        "files": [
            "results.parquet",
            SUMMARIES_DIR,
            *([PARAMETERS_FILE] if _stores_parameters(plan) else []),
            "config.yaml",
            "manifest.json",
            *files,
        ],
    }


def drawn_table(plan: Plan) -> pa.Table | None:
    """The run's drawn parameters as parameters.parquet holds them: one row per replication, and per hypothesis
    where each worldview draws its own kept points (uncertainty=matched, drawn again as its models drew them);
    None when nothing is drawn."""
    reps = np.arange(plan.replications)
    if plan.drawn:
        return parameters_table(reps, plan.drawn)
    if plan.uncertainty == "matched":
        fixed = tuple(sorted(plan.user_params))
        return pa.concat_tables(
            [parameters_table(reps, draw_matched(plan.seed, reps, h.name, fixed), h.name) for h in plan.hypotheses]
        )
    return None


def _matched_names(plan: Plan) -> list[str]:
    """The parameters each worldview's kept points set (uncertainty=matched), by name."""
    if plan.uncertainty != "matched":
        return []
    return sorted(p.name for p in uncertain_parameters(fixed=plan.user_params))


def _stores_parameters(plan: Plan) -> bool:
    return bool(plan.drawn) or plan.uncertainty == "matched"


def _plain(params: dict) -> dict:
    # a value drawn per replication is stored once, in parameters.parquet
    return {k: ("per replication" if np.ndim(v) else v) for k, v in sorted(params.items())}
