"""Hydra as its users know it: sweeps, --cfg, --help, config groups on the command line, --config-dir, launchers."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from sim.cli import main
from sim.config.plan import PRESENTATION_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
RUN_FILES = {
    "results.parquet",
    "summaries.parquet",
    "parameters.parquet",
    "report.md",
    "summary.csv",
    "comparison.txt",
    "config.yaml",
    "manifest.json",
    ".sim-results.json",
}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_under(folder: Path) -> set[str]:
    """Every file, with a dataset (a folder of chunk files) counted as the one entry it is."""
    files = set()
    for p in folder.rglob("*"):
        if p.is_file():
            path = str(p.relative_to(folder))
            for dataset in ("results.parquet", "summaries.parquet"):
                head, sep, _ = path.partition(dataset + "/")
                if sep:
                    path = head + dataset
                    break
            files.add(path)
    return files


def mean_at_end(out: Path, scenario: str, outcome: str) -> float:
    df = pq.read_table(out / "results.parquet").to_pandas()
    last = df[(df.scenario == scenario) & (df.date == df.date.max())]
    return float(last[outcome].mean())


def test_a_sweep_of_two_values_writes_two_complete_folders_and_nothing_else(workdir, capsys):
    assert main(["-m", "experiment=smoke", "replications=3,5", "months=12", "figures=false"]) == 0
    sweep = workdir / "results" / "smoke" / "multirun"
    jobs = {"experiment=smoke,months=12,replications=3": 3, "experiment=smoke,months=12,replications=5": 5}
    expected = {"multirun.yaml", ".sim-sweep.json"} | {f"{job}/{name}" for job in jobs for name in RUN_FILES}
    assert files_under(workdir) == {f"results/smoke/multirun/{f}" for f in expected}
    for job, replications in jobs.items():
        manifest = json.loads((sweep / job / "manifest.json").read_text())
        assert manifest["replications"] == replications and manifest["out_dir"] == f"results/smoke/multirun/{job}"
        df = pq.read_table(sweep / job / "results.parquet").to_pandas()
        assert df.groupby(["scenario", "hypothesis"])["replication"].nunique().eq(replications).all()
        assert len(df) == 6 * replications * 12
    out = capsys.readouterr().out
    assert out.count("results:  results/smoke/multirun/") == 2


def test_a_glob_sweeps_over_the_matching_configs_of_the_group(workdir, capsys):
    args = ["-m", "experiment=smoke", "scenario=glob([iso*,us_*],exclude=*_line)", "replications=3", "months=12"]
    assert main([*args, "figures=false"]) == 0, capsys.readouterr().err
    jobs = sorted(p.name for p in (workdir / "results" / "smoke" / "multirun").iterdir() if p.is_dir())
    assert jobs == [
        f"experiment=smoke,months=12,replications=3,scenario={name}" for name in ("isolation", "us_normalisation")
    ]


def test_a_glob_that_matches_no_config_is_one_line(workdir, capsys):
    assert main(["-m", "experiment=smoke", "scenario=glob(atlantis*)", "figures=false"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert err == ["error: scenario=glob(atlantis*): matches no scenario config, so there is nothing to run"]
    assert not any(workdir.iterdir())


def test_a_bad_value_in_any_job_of_a_sweep_stops_it_before_anything_is_written(workdir, capsys):
    assert main(["-m", "experiment=smoke", "replications=3,0", "figures=false"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    # named as its folder would be, so the user knows which combination failed
    assert len(err) == 1 and err[0].startswith("error: sweep job experiment=smoke,replications=0: replications=0"), err
    assert not any(workdir.iterdir())


def test_a_sweep_never_replaces_a_file_the_tool_did_not_write(workdir, capsys):
    sweep = workdir / "mine"
    sweep.mkdir()
    (sweep / "multirun.yaml").write_text("my own notes")
    args = ["-m", "experiment=smoke", "seed=1,2", "replications=2", "months=6", "figures=false", f"out_dir={sweep}"]
    for extra in ([], ["overwrite=true"]):
        assert main([*args, *extra]) == 2
        err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        assert len(err) == 1 and err[0].startswith("error:") and "multirun.yaml" in err[0], err
        assert [p.name for p in sweep.iterdir()] == ["multirun.yaml"]
        assert (sweep / "multirun.yaml").read_text() == "my own notes"
    # a folder the tool's sweep made is its own: a second sweep into it adds its jobs
    ours = workdir / "ours"
    assert main([*args[:-1], f"out_dir={ours}"]) == 0
    assert main([*args[:2], "seed=3", *args[3:-1], f"out_dir={ours}"]) == 0
    assert len([p for p in ours.iterdir() if p.is_dir()]) == 3
    # a single run into the sweep's folder is told what the folder is, not that the tool did not write its files
    before = sorted(ours.rglob("*"))
    assert main(["experiment=smoke", "replications=2", "months=6", f"out_dir={ours}", "overwrite=true"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert err == [
        f"error: out_dir {ours} holds a sweep's jobs (its .sim-sweep.json); give one of its job folders, or choose "
        "another folder"
    ]
    assert sorted(ours.rglob("*")) == before


def test_cfg_job_prints_the_composed_configuration_and_runs_nothing(workdir, capsys):
    assert main(["--cfg", "job", "experiment=smoke", "replications=7", "scenario=isolation"]) == 0
    cfg = yaml.safe_load(capsys.readouterr().out)
    assert cfg["replications"] == 7 and cfg["experiment"]["name"] == "smoke"
    assert cfg["experiment"]["scenarios"] == ["status_quo", "isolation", "recognition"]
    assert cfg["scenario"]["levers"]["sanctions"] == 0.9
    assert "hydra" not in cfg
    assert not any(workdir.iterdir())


def test_help_lists_each_group_with_its_options(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    lines = {line.split(":")[0]: line for line in out.splitlines() if ":" in line}
    assert "usage" in out
    assert "smoke" in lines["experiment"] and "hindcast" in lines["experiment"]
    assert "isolation" in lines["scenario"] and "us_hard_line" in lines["scenario"]
    assert "legitimacy_emboldens" in lines["hypothesis"]
    assert "aug2021" in lines["initial"]
    assert "scenario.levers" in out and "--config-dir" in out
    # every group it lists is one a user can choose; every setting a run takes is named
    groups = [line.split(":")[0] for line in out.split("by name:")[1].strip().split("\n\n")[0].splitlines()]
    assert groups == ["experiment", "hypothesis", "initial", "scenario"]
    for setting in ("report DIR", "resume=true", "executor.address=", "uncertainty=", "sampling=", "chunk_size"):
        assert setting in out, setting


def test_a_lever_set_on_the_command_line_changes_the_scenario_and_is_labelled(workdir, capsys):
    common = ["experiment=smoke", "replications=40", "figures=false", "hypothesis=engagement_moderates"]
    assert main([*common, "scenario=isolation"]) == 0
    assert main([*common, "scenario=isolation", "scenario.levers.sanctions=0.6"]) == 0
    capsys.readouterr()
    folders = sorted((workdir / "results").iterdir())
    assert len(folders) == 2, "a changed scenario gets a results folder of its own"
    manifests = {f: json.loads((f / "manifest.json").read_text()) for f in folders}
    plain = next(f for f, m in manifests.items() if "isolation" in m["scenarios"])
    changed = next(f for f, m in manifests.items() if "isolation[sanctions=0.6]" in m["scenarios"])
    m = manifests[changed]
    assert m["cells"] == [["status_quo", "engagement_moderates"], ["isolation[sanctions=0.6]", "engagement_moderates"]]
    assert m["scenarios"]["isolation[sanctions=0.6]"]["levers"]["sanctions"] == 0.6
    assert "[sanctions=0.6]" in m["scenarios"]["isolation[sanctions=0.6]"]["label"]
    assert m["config"]["scenario"]["levers"]["sanctions"] == 0.6
    # every other lever is the file's
    assert m["scenarios"]["isolation[sanctions=0.6]"]["levers"]["aid_funding"] == 0.5
    # need rises with sanctions (population.sanctions_need > 0): lighter sanctions, less need, same shocks
    need_plain = mean_at_end(plain, "isolation", "humanitarian_need")
    need_changed = mean_at_end(changed, "isolation[sanctions=0.6]", "humanitarian_need")
    base = mean_at_end(plain, "status_quo", "humanitarian_need")
    assert base == mean_at_end(changed, "status_quo", "humanitarian_need")
    assert base < need_changed < need_plain


def test_hypothesis_restricts_and_a_changed_mechanism_weight_renames_it(workdir, capsys):
    args = ["experiment=smoke", "replications=2", "months=6", "figures=false", "out_dir=one"]
    assert main([*args, "hypothesis=legitimacy_emboldens", "hypothesis.mechanisms.legitimacy_emboldens=0.5"]) == 0
    capsys.readouterr()
    m = json.loads((workdir / "one" / "manifest.json").read_text())
    name = "legitimacy_emboldens[mechanisms.legitimacy_emboldens=0.5]"
    assert {h for _, h in m["cells"]} == {name}
    assert {s for s, _ in m["cells"]} == {"status_quo", "isolation", "recognition"}
    assert m["parameters_by_hypothesis"][name]["mechanism.legitimacy_emboldens"] == 0.5
    args[-1] = "out_dir=two"
    assert main([*args, "hypothesis=engagement_moderates", "+hypothesis.params.taliban.reversion=0.05"]) == 0
    m = json.loads((workdir / "two" / "manifest.json").read_text())
    assert m["parameters_by_hypothesis"]["engagement_moderates[taliban.reversion=0.05]"]["taliban.reversion"] == 0.05


def test_the_baseline_chosen_as_scenario_runs_once(workdir, capsys):
    assert main(["experiment=smoke", "replications=2", "months=6", "figures=false", "scenario=status_quo"]) == 0
    capsys.readouterr()
    (folder,) = (workdir / "results").iterdir()
    cells = json.loads((folder / "manifest.json").read_text())["cells"]
    assert {s for s, _ in cells} == {"status_quo"} and len(cells) == 2


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["scenario.levers.sanctions=0.6"], "add scenario=NAME"),
        (["scenario=isolation", "scenario.levers.sanktions=0.6"], "did you mean 'sanctions'"),
        (["scenario=isolation", "scenario.levers.sanctions=1.5"], "as changed on the command line"),
        (["scenario=isolation", "scenario.name=mine"], "only scenario.levers"),
        (["scenario=atlantis"], "unknown scenario 'atlantis'"),
        (["scenario=../isolation"], "not a path"),
        (["hypothesis=legitimacy_emboldens", "hypothesis.label=x"], "only hypothesis.mechanisms"),
        (["--cfg", "nonsense"], "invalid choice"),
        (["--config-dir", "no_such_folder"], "not a folder"),
        (["replications=[1"], "cannot read"),
        (["-m", "seed=1,2", "+params.taliban.reversion=7,0.05"], "plausible range"),
    ],
)
def test_bad_hydra_input_is_one_line(workdir, capsys, args, phrase):
    assert main(["experiment=smoke", "out_dir=never", *args]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error:") and phrase in err[0], err
    assert not any(workdir.iterdir())


def write_yaml(path: Path, data: dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


def test_a_users_own_configs_are_found_with_config_dir(workdir, capsys):
    mine = workdir / "my_configs"
    write_yaml(
        mine / "scenario" / "full_embargo.yaml",
        {
            "name": "full_embargo",
            "label": "Full embargo",
            "description": "Sanctions at their maximum and aid cut to a tenth.",
            "sources": ["seed 003 ¶7"],
            "levers": {"sanctions": 1.0, "aid_funding": 0.1},
        },
    )
    write_yaml(
        mine / "initial" / "tense2025.yaml",
        {**yaml.safe_load((ROOT / "configs" / "initial" / "jul2025.yaml").read_text()), "name": "tense2025"},
    )
    write_yaml(
        mine / "experiment" / "embargo.yaml",
        {
            "name": "embargo",
            "description": "The status quo against a full embargo.",
            "initial": "tense2025",
            "months": 12,
            "replications": 20,
            "scenarios": ["status_quo", "full_embargo"],
            "hypotheses": ["engagement_moderates"],
        },
    )
    assert main(["--config-dir", str(mine), "experiment=embargo", "figures=false"]) == 0
    assert main(["-cd", str(mine), "experiment=smoke", "scenario=full_embargo", "replications=2", "out_dir=b"]) == 0
    capsys.readouterr()
    m = json.loads((workdir / "results" / "embargo" / "manifest.json").read_text())
    assert m["initial"]["name"] == "tense2025" and m["scenarios"]["full_embargo"]["levers"]["aid_funding"] == 0.1
    assert mean_at_end(workdir / "results" / "embargo", "full_embargo", "humanitarian_need") > mean_at_end(
        workdir / "results" / "embargo", "status_quo", "humanitarian_need"
    )
    assert "full_embargo" in json.loads((workdir / "b" / "manifest.json").read_text())["scenarios"]
    # without the folder, the names are unknown
    assert main(["experiment=embargo"]) == 2
    assert "unknown experiment 'embargo'" in capsys.readouterr().err


def test_job_folder_names_leave_out_the_settings_that_do_not_change_results():
    config = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text())
    excluded = config["hydra"]["job"]["config"]["override_dirname"]["exclude_keys"]
    assert {key.split(".")[0] for key in excluded} == set(PRESENTATION_SETTINGS)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("hydra_plugins.hydra_joblib_launcher") is None, reason="no launchers")
def test_the_joblib_launcher_runs_a_sweep_in_two_processes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["-m", "experiment=smoke", "replications=3", "seed=1,2", "figures=false"]
    result = subprocess.run(
        [sys.executable, "-m", "sim", *args, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    sweep = tmp_path / "results" / "smoke" / "multirun"
    for seed in (1, 2):
        job = sweep / f"experiment=smoke,replications=3,seed={seed}"
        assert RUN_FILES <= {p.name for p in job.iterdir()}
        assert pd.read_parquet(job / "results.parquet")["replication"].nunique() == 3
        assert json.loads((job / "manifest.json").read_text())["seed"] == seed
    # the same run made by the basic launcher in this process gives the same bytes
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "sim", *args, f"out_dir={again}"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    for seed in (1, 2):
        job = f"experiment=smoke,replications=3,seed={seed}"
        chunks = sorted((sweep / job / "results.parquet").rglob("*.parquet"))
        assert chunks
        for chunk in chunks:
            assert (again / chunk.relative_to(sweep)).read_bytes() == chunk.read_bytes()
