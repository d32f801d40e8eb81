"""The Python interface for notebooks: run an experiment into a DataFrame, or load a results folder.

    import sim
    df = sim.run(["experiment=smoke", "replications=20"])     # nothing written
    df = sim.run(["experiment=smoke"], out_dir="results/mine") # written, with its report, then read back
    df = sim.load("results/smoke")                            # a folder written earlier
    df = sim.load("results/smoke/multirun")                   # every job of a sweep, its swept values as columns

Both give the long table of results.parquet (one row per scenario x hypothesis x replication x month) with
``scenario`` and ``hypothesis`` as categoricals in the experiment's order, ``date`` as the month (a month
period: the outcomes are the state at the end of that month) and ``month`` (0 = first month) beside it.

The drawn parameters are not repeated on every monthly row: ``df.parameters`` is their own table, one row
per replication (indexed by ``replication``), joined only when asked (``parameters=True``, or
``df.join(df.parameters, on="replication")``). ``df.attrs["units"]`` and ``df.attrs["descriptions"]`` say
what each column is, as the Parquet files' field metadata do.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa


class Results(pd.DataFrame):
    """A DataFrame of results that carries the run's drawn parameters as ``parameters``: one row per replication,
    indexed by ``replication`` (None when nothing was drawn). Kept through filtering, grouping and merging."""

    _metadata = ["parameters"]
    parameters = None

    @property
    def _constructor(self):
        return Results


def _results(frame: pd.DataFrame, drawn: pd.DataFrame | None, join: bool) -> Results:
    """``frame`` as Results: the drawn parameters attached (joined as columns if ``join``), units and meanings
    of the columns in ``attrs``."""
    from sim.store.reader import column_notes

    if drawn is not None and "replication" in drawn.columns:
        # each worldview's own draws (uncertainty=matched) are found by hypothesis and replication
        drawn = drawn.set_index([*_own_draws(drawn, frame), "replication"])
    if drawn is not None and not len(drawn.columns):
        drawn = None
    if join and drawn is not None:
        # by replication, and in a sweep by the job's swept settings too
        frame = frame.join(drawn, on=list(drawn.index.names))
    out = Results(frame)
    out.parameters = drawn
    out.attrs["units"], out.attrs["descriptions"] = column_notes(out.columns)
    return out


def _own_draws(drawn: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """["hypothesis"] where each worldview drew its own parameters, its names typed as the results' are."""
    if "hypothesis" not in drawn.columns:
        return []
    drawn["hypothesis"] = drawn["hypothesis"].astype(frame["hypothesis"].dtype)
    return ["hypothesis"]


def run(overrides=(), out_dir=None, parameters: bool = False, progress: bool = False) -> Results:
    """Run an experiment given as command-line style overrides; write a results folder only if ``out_dir``.

    ``parameters=True`` joins the drawn parameters as columns (one each, repeated on every monthly row: some
    GB for the default experiment); otherwise they are ``.parameters``, one row per replication."""
    from sim.config.plan import plan
    from sim.report.build import build_report
    from sim.run.checks import check_can_run
    from sim.run.experiment import cell_runs, drawn_table, run_plan
    from sim.store.files import cell_table
    from sim.store.reader import tidy

    overrides = [str(o) for o in overrides]
    if out_dir is not None:
        overrides = [o for o in overrides if not o.startswith("out_dir=")] + [f"out_dir={out_dir}"]
        p = plan(overrides)
        check_can_run(p)
        run_plan(p, build_report, progress=progress, figures=p.figures)
        return load(out_dir, parameters=parameters)
    p = plan(overrides)
    reps = np.arange(p.replications)
    start = p.cells[0].setup.start
    tables = [cell_table(record, s, h, reps, start) for (s, h), record in cell_runs(p, progress)]
    frame = pa.concat_tables(tables).to_pandas()
    del tables
    frame = tidy(frame, [s.name for s in p.scenarios], [h.name for h in p.hypotheses], start)
    drawn = drawn_table(p)
    return _results(frame, None if drawn is None else drawn.to_pandas(), parameters)


def load(folder, parameters: bool = False) -> Results:
    """Read a results folder, or every job of a sweep's folder (its swept settings as columns).

    The drawn parameters are ``.parameters`` (one row per replication); ``parameters=True`` joins them as
    columns by replication."""
    from sim.store.reader import ResultsFolder, is_sweep_folder

    if is_sweep_folder(folder):
        return _load_sweep(folder, parameters)
    f = ResultsFolder.open(folder)
    with _damaged(folder):
        frame = f.results()
        drawn = f.parameters()
    return _results(frame, drawn, parameters)


def _load_sweep(folder, parameters: bool) -> Results:
    """Every job of the sweep in ``folder``, with one categorical column per swept setting."""
    from sim.store.reader import FolderError, ResultsFolder, sweep_jobs

    jobs, swept = sweep_jobs(folder, swept_keys(folder))
    if not jobs:
        raise FolderError(f"{folder} is a sweep's folder that holds no finished job yet")
    frames, tables, orders = [], [], {"scenario": [], "hypothesis": []}
    for path, values in jobs:
        f = ResultsFolder.open(path)
        with _damaged(path):
            frame = f.results()
            drawn = f.parameters()
        orders["scenario"] += f.scenarios
        orders["hypothesis"] += f.hypotheses
        for i, key in enumerate(swept):
            frame.insert(i, key, values[key])
            drawn.insert(i, key, values[key])
        frames.append(frame)
        tables.append(drawn)
    frame = pd.concat(frames, ignore_index=True)
    del frames
    drawn = pd.concat(tables, ignore_index=True)
    for key in swept:  # categoricals, in the order the jobs took the values
        order = list(dict.fromkeys(v[key] for _, v in jobs))
        frame[key] = pd.Categorical(frame[key], categories=order)
        drawn[key] = pd.Categorical(drawn[key], categories=order)
    for name, order in orders.items():  # every job's names, in the order they first come
        frame[name] = pd.Categorical(frame[name].astype(str), categories=list(dict.fromkeys(order)))
    drawn = drawn.set_index([*swept, *_own_draws(drawn, frame), "replication"])
    return _results(frame, drawn, parameters)


@contextlib.contextmanager
def _damaged(folder):
    """A file of a results folder that cannot be read (damaged, or written by something else): a FolderError
    naming the folder, in one line, rather than the reading library's own error."""
    from pyarrow import ArrowException

    from sim.store.reader import FolderError

    try:
        yield
    except FolderError:
        raise
    except (ArrowException, OSError, KeyError, TypeError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise FolderError(
            f"{folder} cannot be read as a results folder (damaged, or changed by hand): {detail}"
        ) from None


def load_parameters(folder) -> pd.DataFrame:
    """The drawn parameters of a results folder: one row per replication."""
    from sim.store.reader import ResultsFolder

    f = ResultsFolder.open(folder)
    with _damaged(folder):
        return f.parameters()




def swept_keys(folder) -> list[str]:
    """The settings a sweep varied, from Hydra's record of its command line (``replications=100,200``)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    from sim.store.reader import SWEEP_RECORD

    path = Path(folder) / SWEEP_RECORD
    if not path.is_file():
        return []
    task = OmegaConf.select(OmegaConf.load(path), "hydra.overrides.task", default=None) or []
    try:
        overrides = OverridesParser.create().parse_overrides([str(t) for t in task])
    except Exception:  # noqa: BLE001 - a record Hydra cannot parse: the jobs' differences still show below
        return []
    keys = [o.key_or_group for o in overrides if o.is_sweep_override()]
    return [k for k in keys if not k.startswith("hydra")]


__all__ = ["load", "load_parameters", "run"]
