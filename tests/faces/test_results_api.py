"""What sim.run and sim.load give a pandas user, and what the Parquet files say about themselves."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.model.outcomes import OUTCOME, OUTCOMES
from sim.store.reader import tidy

ARGS = ["experiment=smoke", "replications=3", "months=6", "figures=false", "progress=false"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("api") / "run"
    sim.run(ARGS, out_dir=out)
    return out


def test_run_returns_outcomes_only_and_the_parameters_per_replication(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    frame = sim.run([*ARGS, "uncertainty=parameters"])
    keys = ["scenario", "hypothesis", "replication", "date", "month"]
    assert list(frame.columns) == keys + [o.name for o in OUTCOMES]
    # a few bytes per outcome and row: the default experiment's 1.92 M rows stay well under 400 MB
    assert frame.memory_usage(deep=True).sum() / len(frame) < 200
    assert isinstance(frame["scenario"].dtype, pd.CategoricalDtype)
    drawn = frame.parameters
    assert drawn.index.name == "replication" and list(drawn.index) == [0, 1, 2] and len(drawn.columns) > 50
    # kept through the usual operations, and joined on request
    assert frame[frame["month"] == 0].parameters is drawn
    joined = frame.join(frame.parameters, on="replication")
    assert len(joined) == len(frame) and set(drawn.columns) <= set(joined.columns)
    asked = sim.run([*ARGS, "uncertainty=parameters"], parameters=True)
    pd.testing.assert_frame_equal(pd.DataFrame(asked), pd.DataFrame(joined))
    assert list(tmp_path.iterdir()) == []


def test_each_worldviews_own_draws_are_found_by_hypothesis_and_replication(monkeypatch, tmp_path):
    """By default a comparison draws each worldview's assumptions from its own kept points (uncertainty=auto)."""
    monkeypatch.chdir(tmp_path)
    frame = sim.run(ARGS)
    drawn = frame.parameters
    assert drawn.index.names == ["hypothesis", "replication"] and len(drawn) == 2 * 3
    asked = sim.run(ARGS, parameters=True)
    assert not asked[list(drawn.columns)].isna().any().any()
    row = asked.iloc[-1]
    assert row[drawn.columns[0]] == drawn.loc[(row["hypothesis"], row["replication"]), drawn.columns[0]]


@pytest.mark.slow
def test_units_and_meanings_are_in_the_parquet_files_and_in_attrs(folder):
    for dataset in ("results.parquet", "summaries.parquet"):
        chunk = next((folder / dataset).rglob("chunk-*.parquet"))
        schema = pq.read_schema(chunk)
        for o in OUTCOMES:
            meta = schema.field(o.name).metadata
            assert meta[b"unit"].decode() == o.unit and meta[b"description"].decode() == o.description
    date = pq.read_schema(next((folder / "results.parquet").rglob("chunk-*.parquet"))).field("date").metadata
    assert b"end of that month" in date[b"description"]
    frame = sim.load(folder)
    assert frame.attrs["units"]["deaths_pakistan"] == OUTCOME["deaths_pakistan"].unit
    assert frame.attrs["descriptions"]["humanitarian_need"] == OUTCOME["humanitarian_need"].description


def test_sim_list_gives_each_outcome_its_unit_and_meaning():
    out = subprocess.run([sys.executable, "-m", "sim", "list"], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.strip().startswith("humanitarian_need:"))
    assert f"({OUTCOME['humanitarian_need'].unit}" in line and OUTCOME["humanitarian_need"].description in line


def test_date_is_the_month_the_row_ends(folder):
    frame = sim.load(folder)
    assert frame["date"].dtype == pd.PeriodDtype("M")
    assert frame["date"].min() == pd.Period("2025-07", "M") and frame["date"].max() == pd.Period("2025-12", "M")
    assert (frame["date"].dt.month - 7).eq(frame["month"]).all()
    # a table as older folders stored it (first-of-month timestamps, no field metadata) reads the same way
    old = pd.DataFrame({"date": np.array(["2025-07-01", "2025-08-01"], dtype="datetime64[ms]"), "x": [1, 2]})
    old = tidy(old, [], [], (2025, 7))
    assert list(old["date"]) == [pd.Period("2025-07", "M"), pd.Period("2025-08", "M")]
    assert list(old["month"]) == [0, 1]


def test_load_of_a_sweep_folder_gives_every_job_with_the_swept_values(tmp_path):
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "-m", *ARGS[:1], "replications=2,3", "seed=1,2", "months=6",
         "figures=false", "progress=false", f"out_dir={sweep}"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    frame = sim.load(sweep)
    assert list(frame.columns[:2]) == ["replications", "seed"]
    assert isinstance(frame["replications"].dtype, pd.CategoricalDtype)
    counts = frame.groupby(["replications", "seed"], observed=True)["replication"].nunique()
    assert counts.to_dict() == {(2, 1): 2, (2, 2): 2, (3, 1): 3, (3, 2): 3}
    assert len(frame) == (2 + 2 + 3 + 3) * 6 * 6
    one = sim.load(sweep / "experiment=smoke,months=6,replications=3,seed=2")
    mine = frame[(frame["replications"] == 3) & (frame["seed"] == 2)]
    assert np.array_equal(mine["deaths_pakistan"].to_numpy(), one["deaths_pakistan"].to_numpy())
    # the parameters per job and replication, joined on request by the swept values too
    # (each worldview's own draws by default: by hypothesis too)
    assert frame.parameters.index.names == ["replications", "seed", "hypothesis", "replication"]
    name = frame.parameters.columns[0]
    joined = sim.load(sweep, parameters=True)
    row = joined[(joined["replications"] == 3) & (joined["seed"] == 2) & (joined["replication"] == 1)].iloc[0]
    assert row[name] == one.parameters.loc[(row["hypothesis"], 1), name]
