"""Explore the model with the EMA Workbench: sample futures and policies, then ask which assumptions matter.

    .venv/bin/python -m pip install -e '.[ema]'          # once (make test installs it too)
    .venv/bin/python experiments/ema_example.py [--scenarios 20] [--policies 2] [--months 60] [--out DIR]

``sim.ema.model()`` gives an EMA model whose uncertainties (the model's drawn assumptions and the
hypothesis), levers and outcomes come from the model's own declarations, so EMA's tools apply as they
are: ``perform_experiments`` samples scenarios and policies, extra-trees feature scoring ranks what
drives each outcome, and PRIM looks for a box of futures where deaths in Pakistan are highest.  The PRIM
trade-off figure goes into ``--out`` (a new temporary folder when not given), never into results/.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

FIGURE = "prim_tradeoff.png"  # or, when no future stands out, the feature scores
OUTCOME = "deaths_pakistan"
DENSITY = 0.75  # the share of futures inside the box that must be of interest


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=20, help="futures sampled (Latin hypercube)")
    parser.add_argument("--policies", type=int, default=2, help="lever settings sampled; every future meets each")
    parser.add_argument("--months", type=int, default=60, help="horizon of every experiment")
    parser.add_argument("--out", type=Path, default=None, help="folder for the figure (default: a new temp folder)")
    parser.add_argument("--seed", type=int, default=20250701, help="seed of the Latin hypercubes (same seed, same run)")
    args = parser.parse_args(argv)
    for name in ("scenarios", "policies", "months"):
        if getattr(args, name) < 1:
            parser.exit(2, f"error: --{name} must be at least 1\n")
    if args.scenarios * args.policies < 4:
        parser.exit(2, "error: PRIM and feature scoring need at least 4 experiments (--scenarios x --policies)\n")
    return args


def main(argv=None) -> int:
    args = arguments(argv)
    if args.out is not None and (args.out / FIGURE).exists():
        print(f"error: {args.out / FIGURE} exists; choose another --out (nothing is overwritten)", file=sys.stderr)
        return 2
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        print(f"error: --out {args.out} is a file, not a folder", file=sys.stderr)
        return 2

    import sim.ema

    try:
        sim.ema.workbench()  # refuses in one line when EMA is not installed
    except sim.ema.WorkbenchMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ema_workbench.analysis import feature_scoring, prim

    model = sim.ema.model(months=args.months)
    # every policy's futures run together in one model instance: the numbers EMA's sequential evaluator gives
    with sim.ema.evaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=args.scenarios,
            policies=args.policies,
            uncertainty_sampling_kwargs={"rng": args.seed},
            lever_sampling_kwargs={"rng": args.seed + 1},
        )
    units = {o.name: o.unit for o in model.outcomes}

    # the drawn inputs only: EMA's bookkeeping columns say which sample a row came from
    x = experiments.drop(columns=["scenario", "policy", "model"])
    scores = feature_scoring.get_feature_scores_all(x, {k: outcomes[k] for k in (OUTCOME, "humanitarian_need")})
    scores.index.name = "input"
    print(f"Inputs that matter most ({len(x)} experiments, extra-trees feature scores):")
    print(scores.sort_values(OUTCOME, ascending=False).head(8).round(3).to_string())

    y = outcomes[OUTCOME]
    cut = float(sorted(y)[int(0.75 * (len(y) - 1))])
    of_interest = y > cut
    print(
        f"\nPRIM: futures with {OUTCOME} above {cut:,.0f} {units[OUTCOME]} a year "
        f"({int(of_interest.sum())} of {len(y)})"
    )
    if of_interest.any():
        # whole-number inputs as reals: EMA's PRIM pastes a box edge halfway between two values, which pandas 3
        # refuses to write into a column of integers
        whole = x.select_dtypes("integer").columns
        box = prim.Prim(x.astype(dict.fromkeys(whole, float)), of_interest, peel_alpha=0.1).find_box()
        trajectory = box.peeling_trajectory
        dense = trajectory[trajectory["density"] >= DENSITY]
        if dense.empty:
            densest = trajectory["density"].max()
            print(f"no box meets the density asked ({DENSITY:.2f}); the densest reaches {densest:.2f}")
        else:
            chosen = int(dense["coverage"].idxmax())
            box.select(chosen)
            row = trajectory.loc[chosen]
            print(f"box {chosen}: coverage {row['coverage']:.2f}, density {row['density']:.2f}, mass {row['mass']:.2f}")
            # the limits on the inputs the box restricts, read from its limits table: EMA's box.inspect fails on
            # a restricted categorical input (the hypothesis) under pandas 3
            limits, initial = box.box_lims[chosen], box.box_lims[0]
            for name in limits.columns:
                if not limits[name].equals(initial[name]):
                    low, high = limits[name].iloc[0], limits[name].iloc[1]
                    print(f"  {name}: {sorted(low) if isinstance(low, set) else f'{low:.3g} to {high:.3g}'}")
        box.show_tradeoff()
    else:
        print("no future stands out: every experiment gave the same value")
        scores[OUTCOME].sort_values().tail(15).plot.barh(title=f"feature scores for {OUTCOME}")

    out = args.out if args.out is not None else Path(tempfile.mkdtemp(prefix="ema-example-"))
    out.mkdir(parents=True, exist_ok=True)
    plt.gcf().savefig(out / FIGURE, dpi=100, bbox_inches="tight")
    plt.close("all")
    print(f"\nfigure: {out / FIGURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
