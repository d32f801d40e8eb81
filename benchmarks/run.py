"""Ensemble throughput against the classic one-replication-per-model way, measured in one process.

Both sides run the same cell (status quo under 'engagement moderates', ten years,
outcomes recorded every month).  The ensemble advances R replications in one
model instance; the baseline builds one model per replication, as a Mesa batch
run would.  The baseline is timed on fewer replications (its cost is linear in
them) and both are reported in replication-months per second.  The ensemble is also timed writing into one
record reused from run to run, as each engine worker does from chunk to chunk.

usage: python benchmarks/run.py [--replications 10000] [--single 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.config.plan import plan  # noqa: E402
from sim.model.model import DiplomacyModel, record_buffer  # noqa: E402
from sim.model.outcomes import OUTCOMES  # noqa: E402


def best_of(repeat, fn):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=10000, help="replications in the ensemble model")
    ap.add_argument("--single", type=int, default=300, help="replications timed one model each")
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3, help="take the best of this many timings")
    args = ap.parse_args()

    cell = next(
        c
        for c in plan([f"months={args.months}", "replications=1"]).cells
        if c.scenario.name == "status_quo" and c.hypothesis.name == "engagement_moderates"
    )
    setup = cell.setup

    print(f"timing {args.replications} replications in one model, best of {args.repeat} ...", flush=True)
    ensemble_s = best_of(args.repeat, lambda: DiplomacyModel(setup, args.replications).run())
    # as the engine runs a chunk: into the record the worker's previous chunk was written to, whose pages the
    # system has already handed over (a fresh record of 10,000 replications faults in 140 MB)
    record = record_buffer((args.months, len(OUTCOMES), args.replications))
    reused_s = best_of(args.repeat, lambda: DiplomacyModel(setup, args.replications, record=record).run())

    def singles():
        for r in range(args.single):
            DiplomacyModel(setup, [r]).run()

    print(f"timing {args.single} one-replication models, best of {args.repeat} ...", flush=True)
    single_s = best_of(args.repeat, singles)
    ensemble = args.replications * args.months / ensemble_s
    single = args.single * args.months / single_s
    print(f"ensemble: {args.replications} replications x {args.months} months in one model: {ensemble_s:.3f} s")
    print(
        f"          the same into a record reused as the engine does: {reused_s:.3f} s "
        f"({args.replications * args.months / reused_s:.0f} replication-months per second)"
    )
    print(
        f"single:   {args.single} replications x {args.months} months, one model each: {single_s:.3f} s "
        f"(timed on {args.single} replications; cost is linear in them)"
    )
    print(f"ratio={ensemble / single:.1f} ensemble={ensemble:.0f} single={single:.0f}")


if __name__ == "__main__":
    main()
