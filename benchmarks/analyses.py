"""Wall times of the decision analyses, measured in one process on one core.

1. A Sobol design over 10 assumptions with N = 1,024 (second order: 22,528 points), ten years, run as ONE
   ensemble: one model instance, one parameter point per replication.
2. ``experiment=policy_grid`` at 1,000 replications (8 policies x 4 worldviews), from the command line,
   report files included.

usage: python benchmarks/analyses.py [--skip-grid] [--n 1024]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def sobol_ensemble(n: int, months: int) -> tuple[int, float]:
    from sim.config.designs.attach import attach_design
    from sim.config.plan import plan
    from sim.model.model import DiplomacyModel
    from sim.model.sampling import uncertain_parameters

    p = plan([f"months={months}", "replications=1", "experiment.hypotheses=[legitimacy_emboldens]"])
    every = uncertain_parameters()
    design = {
        "sobol_n": n,
        "morris_trajectories": 0,
        "morris_levels": 4,
        "morris_params": every,
        "sobol_params": every[:: max(1, len(every) // 10)][:10],
        "seed": 1,
    }
    values = design_values_only_sobol(design)
    p = attach_design(p, values)
    cell = next(c for c in p.cells if c.scenario.name == "recognition")
    rows = len(next(iter(values.values())))
    started = time.perf_counter()
    DiplomacyModel(cell.setup, rows).run()
    return rows, time.perf_counter() - started


def design_values_only_sobol(design: dict) -> dict:
    """The Sobol rows alone (no Morris trajectories), the other assumptions at their defaults."""
    import numpy as np
    from SALib.sample import sobol as sobol_sample

    from sim.analysis.sensitivity import _problem
    from sim.model.sampling import scale

    unit = sobol_sample.sample(_problem(design["sobol_params"]), design["sobol_n"], calc_second_order=True, seed=1)
    drawn = scale(unit, design["sobol_params"])
    return {p.name: drawn.get(p.name, np.full(len(unit), float(p.default))) for p in design["morris_params"]}


def policy_grid(replications: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim",
                "experiment=policy_grid",
                f"replications={replications}",
                f"out_dir={tmp}/grid",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stderr)
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1024, help="Sobol base sample")
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--grid-replications", type=int, default=1000)
    ap.add_argument("--skip-grid", action="store_true")
    args = ap.parse_args()
    rows, seconds = sobol_ensemble(args.n, args.months)
    print(
        f"Sobol design, 10 assumptions, N={args.n}: {rows:,} points x {args.months} months as one ensemble: "
        f"{seconds:.1f} s ({rows * args.months / seconds / 1e3:.0f}k replication-months/s; target <= 10 s)"
    )
    if not args.skip_grid:
        seconds = policy_grid(args.grid_replications)
        print(
            f"experiment=policy_grid, {args.grid_replications:,} replications, 32 cells, report files included: "
            f"{seconds:.1f} s (target <= 60 s)"
        )


if __name__ == "__main__":
    main()
