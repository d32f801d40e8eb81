"""What the decision analyses share: per-replication designs attached to a plan, and reading them back.

An analysis reads only the results folder: ``results.parquet`` (every replication-month),
``parameters.parquet`` (one row per replication: ``replication`` and one column per parameter),
``config.yaml`` and ``manifest.json``.  So a report regenerated from the store runs the same code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from omegaconf import OmegaConf

from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES
from sim.store.files import parquet_options

OUTCOME = {o.name: o for o in OUTCOMES}

# Okabe-Ito: distinguishable with every common colour-vision deficiency
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

# short human names of outcomes, for titles and sentences ("raises deaths in Pakistan")
OUTCOME_WORDS = {
    "attacks_pakistan": "attacks in Pakistan",
    "deaths_pakistan": "deaths in Pakistan",
    "ttp_fighters": "TTP strength",
    "ttp_sanctuary": "TTP sanctuary in Afghanistan",
    "pragmatist_influence": "Taliban pragmatists' influence",
    "girls_schools_open": "time girls' secondary schools are open",
    "humanitarian_need": "humanitarian need",
    "aid_delivered": "aid reaching people",
    "refugee_flows": "refugee outflow",
    "refugee_returns": "returns from Iran and Pakistan",
    "returns_from_iran": "returns from Iran",
    "returns_from_pakistan": "returns from Pakistan",
    "drug_economy": "opium economy",
    "population": "Afghanistan's population",
    "aid_funding": "humanitarian funding",
    "appeal_coverage": "UN appeal coverage",
    "gdp_per_capita": "income per head",
    "recognising_states": "states recognising Kabul",
    "clash_pakistan_afghanistan": "Pakistan-Afghanistan clashes",
    "civil_war": "time in civil war",
    "iskp_external_capacity": "ISKP capacity to strike abroad",
    "influence_balance": "US influence against China, Russia and Iran",
    "escalation_pakistan_afghanistan": "Pakistan-Afghanistan escalation",
    "iskp_attacks_afghanistan": "ISKP attacks inside Afghanistan",
    "afghan_civilian_casualties": "civilian casualties in Afghanistan",
}


def outcome_words(name: str) -> str:
    return OUTCOME_WORDS.get(name, name.replace("_", " "))


def outcome_unit(name: str) -> str:
    """The unit of a replication's summary number, as a chart axis reads it."""
    o = OUTCOME[name]
    if o.summary == "annual":
        return f"{o.unit} per year"
    if o.summary == "share":
        return "share of months"
    return o.unit


def param_labels() -> dict:
    """Parameter name -> its meaning from the rulebook (importing the actors registers every parameter)."""
    import sim.model.actors  # noqa: F401
    from sim.model.rules import PARAMS

    return {name: p.meaning for name, p in PARAMS.items()}


# ---------------------------------------------------------------- designs attached to a plan


def explicit_params(plan, cell) -> set:
    """Parameters set by the hypothesis file or the user's overrides: fixed in that cell, never drawn."""
    from sim.config.plan import flatten_params

    user = flatten_params(OmegaConf.to_container(plan.config.params, resolve=True))
    return set(flatten_params(cell.hypothesis.params)) | set(user)


def attach_design(plan, values: dict):
    """Give every cell the same per-replication parameter values (common random numbers across cells).

    ``values[name]`` holds one value per replication; a cell keeps the values its hypothesis or the user
    set explicitly.  The values become ``plan.drawn``, which the run writes as parameters.parquet.
    """
    n = {len(v) for v in values.values()}
    if len(n) > 1:
        raise ValueError(f"parameter columns of different lengths: {sorted(n)}")
    for cell in plan.cells:
        keep = explicit_params(plan, cell)
        own = {k: v for k, v in cell.setup.params.items() if k in keep or k not in values}
        cell.setup.params = {**{k: v for k, v in values.items() if k not in keep}, **own}
        # the design is the whole parameter point of each replication: nothing else is drawn
        cell.setup.sampling = None
    plan.drawn = dict(values)
    if n:
        plan.replications = n.pop()


def write_parameters(folder: Path, values: dict, replications: int):
    """``parameters.parquet``: one row per replication, a ``replication`` column and one column per parameter."""
    columns = {"replication": pa.array(np.arange(replications, dtype=np.int32))}
    for name in sorted(values):
        columns[name] = pa.array(np.broadcast_to(np.asarray(values[name], dtype=np.float64), replications))
    table = pa.table(columns)
    pq.write_table(table, Path(folder) / "parameters.parquet", **parquet_options(table.schema))


# ---------------------------------------------------------------- reading a results folder


def read_config(folder: Path) -> dict:
    """The run's config.yaml as it was saved (resolved then). Not resolved again: a folder may come from someone
    else, and an interpolation in it (``${oc.env:...}``) would read this machine's environment."""
    return OmegaConf.to_container(OmegaConf.load(Path(folder) / "config.yaml"), resolve=False)


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def analysis_settings(folder: Path) -> dict:
    return dict(read_config(folder)["experiment"].get("analysis") or {})


def labels(folder: Path) -> dict:
    """Scenario and hypothesis names -> their human labels, from the manifest (names where it has none)."""
    manifest = read_manifest(folder)
    out = {}
    for group in ("scenarios", "hypotheses"):
        for name, entry in (manifest.get(group) or {}).items():
            out[name] = entry.get("label", name)
    return out


def read_parameters(folder: Path) -> pd.DataFrame:
    """One row per replication, indexed by replication, one column per parameter."""
    path = Path(folder) / "parameters.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: this analysis needs the parameters drawn per replication")
    return pd.read_parquet(path).set_index("replication").sort_index()


def replication_values(folder: Path, outcomes: list[str]) -> pd.DataFrame:
    """Per scenario, hypothesis and replication, each outcome summarised over the horizon as in summary.csv.

    Columns: scenario, hypothesis, replication and one per outcome; rows sorted by those three.
    """
    from sim.store.reader import ResultsFolder

    keys = ["scenario", "hypothesis", "replication"]
    unknown = [name for name in outcomes if name not in OUTCOME]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]}")
    positions = [OUTCOME_INDEX[name] for name in outcomes]
    frames = []
    # the per-replication summaries the run stored, cell by cell: a few numbers per replication, not every month
    for (scenario, hypothesis), summaries in ResultsFolder.open(folder).cell_summaries():
        n = summaries.shape[1]
        frame = pd.DataFrame({"scenario": [scenario] * n, "hypothesis": [hypothesis] * n, "replication": np.arange(n)})
        for name, i in zip(outcomes, positions):
            frame[name] = summaries[i]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def paired_effect(values: pd.DataFrame, outcome: str, policy: str, against: str) -> pd.DataFrame:
    """Per hypothesis and replication, the policy's outcome minus the comparison's (same shocks, same draw)."""
    wide = values.pivot_table(index=["hypothesis", "replication"], columns="scenario", values=outcome, observed=True)
    effect = (wide[policy] - wide[against]).rename("effect").reset_index()
    return effect


def save_figure(fig, path: Path):
    """Save without timestamps or version stamps, so that regenerating a figure gives the same bytes."""
    fig.savefig(path, dpi=110, metadata={"Software": None})


# ---------------------------------------------------------------- the analyses an experiment may ask for

# experiment.report -> module with prepare(plan), write_<kind>(folder) and <kind>_section(folder)
ANALYSES = {
    "robustness": "sim.analysis.robustness",
    "sensitivity": "sim.analysis.sensitivity",
    "discovery": "sim.analysis.discovery",
    "backtest": "sim.analysis.backtest",
}


def analysis_module(kind: str):
    import importlib

    return importlib.import_module(ANALYSES[kind])


def prepare(plan):
    """Check the experiment's analysis settings and attach its parameter design to every cell."""
    analysis_module(plan.report).prepare(plan)


def write_analysis(kind: str, folder: Path) -> list[str]:
    """Write the analysis's table and figures into the results folder; returns the file names."""
    module = analysis_module(kind)
    return getattr(module, f"write_{kind}")(Path(folder))


def analysis_section(kind: str, folder: Path) -> str:
    """The analysis's markdown section for report.md, from the files in the folder."""
    module = analysis_module(kind)
    return getattr(module, f"{kind}_section")(Path(folder))
