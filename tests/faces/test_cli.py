"""The command line, end to end: results files, exact replication counts, reproducibility, clear errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.model.outcomes import OUTCOME_NAMES
from sim.model.rules import RULES  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def run_sim(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "smoke"
    result = run_sim("experiment=smoke", "replications=12", f"out_dir={out}")
    assert result.returncode == 0, result.stderr
    return out, result


def test_a_run_writes_every_promised_file(smoke_run):
    out, result = smoke_run
    assert (out / "results.parquet").is_dir() and list((out / "results.parquet").rglob("chunk-*.parquet"))
    for name in (
        "summary.csv",
        "manifest.json",
        "config.yaml",
        "parameters.parquet",
        "report.md",
        "effects_deaths_pakistan.png",
        "fan_deaths_pakistan.png",
    ):
        assert (out / name).is_file(), name
    assert str(out / "results.parquet") in result.stdout and str(out / "report.md") in result.stdout
    assert "Deaths in Pakistan (deaths a year)" in result.stdout


@pytest.mark.slow
def test_the_default_experiment_answers_in_a_screenful_leading_with_levels(tmp_path):
    out = tmp_path / "default"
    result = run_sim("replications=8", "months=24", "figures=false", "progress=false", f"out_dir={out}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 25, result.stdout
    assert lines[0].startswith("ANSWER") and "level" in lines[0]
    # the first row is the first key outcome: its status quo level (unsigned, within the futures' range), then
    # each policy's effect (signed or zero) with P(material improvement)
    row = next(line for line in lines if line.startswith("Deaths in Pakistan (deaths a year)"))
    cells = row.removeprefix("Deaths in Pakistan (deaths a year)").split()
    level = float(cells[0].replace(",", ""))
    s = pd.read_csv(out / "summary.csv")
    base = s[(s.scenario == "status_quo") & (s.outcome == "deaths_pakistan")]
    assert base.p2_5.min() <= level <= base.p97_5.max() and not cells[0].startswith(("+", "-"))
    assert cells[3][0] in "+-0" and len(cells) == 3 + 3 * 4  # level [lo, hi], then per policy: effect [lo, hi] P
    full = (out / "comparison.txt").read_text()
    assert full.startswith(result.stdout.split("\n\nrecognition_vs_isolation:")[0]) and "95% CI" in full


def test_results_have_the_stable_columns_and_exact_replications(smoke_run):
    out, _ = smoke_run
    table = pq.read_table(out / "results.parquet")
    # the stored contract (docs/results.md), spelled out here rather than read from the writer
    expected = {
        "scenario": pa.dictionary(pa.int32(), pa.string()),
        "hypothesis": pa.dictionary(pa.int32(), pa.string()),
        "replication": pa.int32(),
        "date": pa.timestamp("ms"),
        "deaths_pakistan": pa.int32(),
        "ttp_fighters": pa.float32(),
        "humanitarian_need": pa.float32(),
        "recognising_states": pa.int32(),
        "relation_pakistan": pa.int32(),
        "civil_war": pa.int32(),
    }
    for name, kind in expected.items():
        assert table.schema.field(name).type == kind, name
    required = {
        "scenario",
        "hypothesis",
        "replication",
        "date",
        "attacks_pakistan",
        "deaths_pakistan",
        "ttp_fighters",
        "pragmatist_influence",
        "girls_schools_open",
        "humanitarian_need",
        "recognising_states",
        "clash_pakistan_afghanistan",
        "iskp_external_capacity",
        "relation_pakistan",
        "relation_russia",
        "relation_united_states",
        "relation_china",
        "relation_iran",
    }
    assert required <= set(table.column_names)
    df = table.to_pandas()
    per_cell = df.groupby(["scenario", "hypothesis"])["replication"].nunique()
    assert (per_cell == 12).all() and len(per_cell) == 6
    assert (df.groupby(["scenario", "hypothesis", "replication"]).size() == 24).all()
    assert df["date"].min() == pd.Timestamp("2025-07-01")
    assert df["date"].dt.day.eq(1).all()
    assert len(df.columns) == 4 + len(OUTCOME_NAMES)


def test_summary_has_paired_differences(smoke_run):
    out, _ = smoke_run
    s = pd.read_csv(out / "summary.csv")
    row = s[(s.scenario == "recognition") & (s.outcome == "recognising_states")].iloc[0]
    assert row["diff_ci95_low"] <= row["diff_mean"] <= row["diff_ci95_high"]
    assert row["p2_5"] <= row["mean"] <= row["p97_5"]
    base = s[s.scenario == "status_quo"]
    assert (base["diff_mean"] == 0).all()


def test_manifest_records_config_seed_versions_commit(smoke_run):
    out, _ = smoke_run
    m = json.loads((out / "manifest.json").read_text())
    assert m["seed"] == 20250701 and m["replications"] == 12
    assert m["packages"]["mesa"].startswith("3.")
    assert "commit" in m["git"]
    assert m["config"]["experiment"]["name"] == "smoke"


@pytest.mark.slow
def test_same_seed_gives_identical_results(smoke_run, tmp_path):
    out, _ = smoke_run
    again = tmp_path / "again"
    result = run_sim("experiment=smoke", "replications=12", f"out_dir={again}", "chunk_size=5")
    assert result.returncode == 0, result.stderr
    # other chunking, other files: the same table, row for row
    assert pq.read_table(again / "results.parquet").equals(pq.read_table(out / "results.parquet"))
    twice = tmp_path / "twice"
    assert run_sim("experiment=smoke", "replications=12", f"out_dir={twice}", "chunk_size=5").returncode == 0
    for chunk in (again / "results.parquet").rglob("*.parquet"):
        assert (twice / chunk.relative_to(again)).read_bytes() == chunk.read_bytes()


@pytest.mark.parametrize(
    "override, phrase",
    [
        ("nonsense_key=1", "nonsense_key"),
        ("replications=many", "replications"),
        ("replications=0", "replications"),
        ("experiment=nope", "unknown experiment"),
        ("experiment.scenarios=[status_quo,atlantis]", "unknown scenario"),
        ("+params.taliban.no_such=1", "unknown parameter"),
        ("+params.taliban.reversion=7", "plausible range"),
        ("months=0", "months"),
        ("just_a_word", "KEY=VALUE"),
        ("+replicatons=5", "did you mean 'replications'"),
        ("+experiment.foo=1", "experiment.foo"),
        ("initial=jul2025", "experiment.initial"),
        ("replications=100000000000", "replications"),
        ("experiment=", "needs a name"),
        ("+params.states.stages_per_rung=2.5", "whole number"),
        ("experiment=hindcast months=24", "a hindcast must run"),
        ("+params.states.stages_per_rung=inf", "finite number"),
        ("+params.states.stages_per_rung=nan", "finite number"),
        ("+params.mechanism.legitimacy_emboldens=0.5", "hypothesis file"),
        ("experiment=../configs/experiment/smoke", "not a path"),
        ("experiment.scenarios=[/etc/passwd]", "not a path"),
        ("experiment.initial=..", "not a path"),
        ("max_memory_gb=-1", "max_memory_gb"),
    ],
)
def test_bad_input_gives_one_clear_line_and_writes_nothing(tmp_path, override, phrase):
    out = tmp_path / "never"
    result = run_sim(*override.split(" "), f"out_dir={out}")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and phrase in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not any(tmp_path.iterdir())


def test_a_folder_of_other_files_is_never_replaced(tmp_path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("keep me")
    result = run_sim("experiment=smoke", "replications=2", f"out_dir={precious}")
    assert result.returncode == 2 and "chapter1.tex" in result.stderr and "did not write" in result.stderr
    assert (precious / "chapter1.tex").read_text() == "keep me"


def test_a_rerun_replaces_the_earlier_results(smoke_run, tmp_path):
    out = tmp_path / "twice"
    for reps in ("3", "4"):
        assert run_sim("experiment=smoke", f"replications={reps}", f"out_dir={out}", "figures=false").returncode == 0
    assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twice"]


def test_empty_out_dir_is_refused(tmp_path):
    result = run_sim("out_dir=", cwd=tmp_path)
    assert result.returncode == 2 and "out_dir is empty" in result.stderr
    assert not any(tmp_path.iterdir())


def test_list_and_help():
    assert "recognition_vs_isolation" in run_sim("list").stdout
    assert "usage" in run_sim("--help").stdout


def test_a_finished_run_asked_again_prints_its_answer_not_the_full_tables(smoke_run):
    out, first = smoke_run
    again = run_sim("experiment=smoke", "replications=12", f"out_dir={out}", "resume=true")
    assert again.returncode == 0, again.stderr
    assert "complete with these settings" in again.stderr
    answer = first.stdout.split("\n\nsmoke:")[0]
    assert again.stdout.startswith(answer) and "FULL TABLES" not in again.stdout
    assert len(again.stdout.splitlines()) <= 25
