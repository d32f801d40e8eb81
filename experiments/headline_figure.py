"""Redraw the headline figure of a report from the results folder alone, through the Python API.

    .venv/bin/python experiments/headline_figure.py results/recognition_vs_isolation [out.png]

It reads the folder with ``sim.load``, turns each replication's months into one number the way the
tables do (a yearly total for flows, a mean for levels, the last month for end states), pairs every
policy with the baseline replication by replication, and draws the distribution of those effects. The
PNG is the same file as ``effects_<first key outcome>.png`` in the folder.
"""

import json
import sys
from pathlib import Path

import sim
from sim.model.outcomes import OUTCOMES
from sim.report.figures import effects_chart


def per_replication(frame, outcome: str, months: int):
    """One number per scenario, hypothesis and replication, as in summary.csv."""
    kind = next(o.summary for o in OUTCOMES if o.name == outcome)
    groups = frame.groupby(["scenario", "hypothesis", "replication"], observed=True)[outcome]
    if kind == "annual":
        return groups.sum().astype(float) * 12.0 / months
    if kind == "final":
        return groups.last().astype(float)
    return groups.agg(lambda s: s.to_numpy(dtype=float).mean())


def main(folder: Path, out: Path):
    manifest = json.loads((folder / "manifest.json").read_text())
    outcome = manifest["config"]["experiment"]["key_outcomes"][0]
    baseline = manifest["baseline"]
    labels = {name: spec["label"] for group in ("scenarios", "hypotheses") for name, spec in manifest[group].items()}

    frame = sim.load(folder)
    values = per_replication(frame, outcome, manifest["months"])
    scenarios = list(frame["scenario"].cat.categories)
    hypotheses = list(frame["hypothesis"].cat.categories)
    policies = [s for s in scenarios if s != baseline]
    effects = {
        (s, h): values.loc[(s, h)].to_numpy() - values.loc[(baseline, h)].to_numpy()
        for s in policies
        for h in hypotheses
    }
    effects_chart(out, outcome, effects, policies, hypotheses, baseline, labels)
    print(out)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: headline_figure.py RESULTS_DIR [OUT.png]")
    folder = Path(sys.argv[1])
    main(folder, Path(sys.argv[2]) if len(sys.argv) == 3 else folder / "headline_from_api.png")
