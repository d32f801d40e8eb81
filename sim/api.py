"""The Python interface for notebooks: run an experiment into a DataFrame, or load a results folder.

    import sim
    df = sim.run(["experiment=smoke", "replications=20"])     # nothing written
    df = sim.run(["experiment=smoke"], out_dir="results/mine") # written, with its report, then read back
    df = sim.load("results/smoke")                            # a folder written earlier

Both give the long table of results.parquet (one row per scenario x hypothesis x replication x month) with
``scenario`` and ``hypothesis`` as categoricals in the experiment's order, ``month`` (0 = first month) beside
``date``, and, from ``sim.run`` or ``sim.load(..., parameters=True)``, one column per drawn parameter.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
import pyarrow as pa


def run(overrides=(), out_dir=None, parameters: bool = True, progress: bool = False) -> pd.DataFrame:
    """Run an experiment given as command-line style overrides; write a results folder only if ``out_dir``."""
    from sim.config.plan import plan
    from sim.report.build import build_report
    from sim.run.checks import check_can_run
    from sim.run.experiment import cell_runs, run_plan
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
    frame = tidy(frame, [s.name for s in p.scenarios], [h.name for h in p.hypotheses], start)
    if parameters and (p.drawn or p.uncertainty == "matched"):
        from sim.model.sampling import draw_matched
        from sim.store.files import parameters_table

        if p.drawn:
            drawn = parameters_table(reps, p.drawn).to_pandas()
        else:  # each worldview's own kept points
            fixed = tuple(sorted(p.user_params))
            drawn = pa.concat_tables(
                [parameters_table(reps, draw_matched(p.seed, reps, h.name, fixed), h.name) for h in p.hypotheses]
            ).to_pandas()
            drawn["hypothesis"] = drawn["hypothesis"].astype(frame["hypothesis"].dtype)
        frame = frame.merge(drawn, on=_parameter_keys(drawn), how="left", sort=False)
    return frame


def _parameter_keys(drawn: pd.DataFrame) -> list[str]:
    """Parameters drawn for the whole run join on the replication; each worldview's own draws
    (uncertainty=matched) on the hypothesis and the replication."""
    return ["hypothesis", "replication"] if "hypothesis" in drawn.columns else ["replication"]


def load(folder, parameters: bool = False) -> pd.DataFrame:
    """Read a results folder; ``parameters=True`` joins the drawn parameters (one column each) by replication."""
    from sim.store.reader import ResultsFolder

    f = ResultsFolder.open(folder)
    with _damaged(folder):
        frame = f.results()
        if parameters:
            drawn = f.parameters()
            if len(drawn.columns) > 1:
                frame = frame.merge(drawn, on=_parameter_keys(drawn), how="left", sort=False)
    return frame


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


__all__ = ["load", "load_parameters", "run"]
