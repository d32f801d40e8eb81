"""Results at a URL: the same bytes as a local folder, a report read back from the store, resume, refusals."""

import importlib.util
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import fsspec
import pandas as pd
import pytest

import sim
import sim.run.engine
from sim.config.names import ConfigError
from sim.config.plan import plan as make_plan
from sim.report.build import build_report
from sim.report.rebuild import rebuild_report
from sim.run.checks import check_can_run
from sim.run.experiment import Interrupted, run_plan
from sim.store.files import MARKER


def checked_plan(args):
    """A plan as a run starts it: checked against this machine and its results folder."""
    p = make_plan(args)
    check_can_run(p)
    return p

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SMALL = ["experiment=smoke", "replications=120", "months=24", "progress=false", "chunk_size=50"]


def run_sim(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600
    )


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def files(fs, root: str) -> dict:
    """Every file under ``root``: relative name -> bytes."""
    return {path[len(root) + 1 :]: fs.cat_file(path) for path in sorted(fs.find(root))}


@pytest.fixture
def memory():
    """A fresh prefix in the in-process memory file system, removed afterwards."""
    fs = fsspec.filesystem("memory")
    root = f"/test-{uuid.uuid4().hex[:8]}"
    yield fs, root
    if fs.exists(root):
        fs.rm(root, recursive=True)


@pytest.mark.slow
def test_a_file_url_written_by_two_workers_holds_the_bytes_of_a_plain_folder(tmp_path):
    plain, url_dir = tmp_path / "plain", tmp_path / "url"
    done = run_sim(*SMALL, f"out_dir={plain}", "executor.kind=serial")
    assert done.returncode == 0, done.stderr
    done = run_sim(*SMALL, f"out_dir=file://{url_dir}", "executor.kind=local", "executor.workers=2")
    assert done.returncode == 0, done.stderr
    local = fsspec.filesystem("file")
    dataset = files(local, str(plain / "results.parquet"))
    # 6 cells x 3 chunks (50, 50, 20 replications), each file the same bytes wherever and however it was written
    assert len(dataset) == 18 and files(local, str(url_dir / "results.parquet")) == dataset
    for name in ("summary.csv", "report.md", "comparison.txt"):
        assert (url_dir / name).read_bytes() == (plain / name).read_bytes(), name
    marker = json.loads((url_dir / MARKER).read_text())
    assert marker["tool"] == "sim" and "results.parquet" in marker["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain", "url"], "no staging or lock left behind"
    # the report regenerated from the URL is the one the run wrote
    before = (url_dir / "report.md").read_bytes()
    (url_dir / "report.md").unlink()
    done = run_sim("report", f"file://{url_dir}")
    assert done.returncode == 0, done.stderr
    assert (url_dir / "report.md").read_bytes() == before


@pytest.mark.slow
def test_a_serial_run_to_memory_is_read_back_like_a_local_folder(tmp_path, memory):
    fs, root = memory
    args = ["experiment=smoke", "replications=30", "months=18", "figures=false", "chunk_size=20"]
    at_url = sim.run(args, out_dir=f"memory://{root}")
    local = sim.run(args, out_dir=tmp_path / "local")
    pd.testing.assert_frame_equal(at_url, local)
    stored = files(fs, root)
    assert stored["summary.csv"] == (tmp_path / "local" / "summary.csv").read_bytes()
    for dataset in ("results.parquet", "summaries.parquet"):
        assert sorted(n for n in stored if n.startswith(f"{dataset}/")) == sorted(
            p.relative_to(tmp_path / "local").as_posix() for p in (tmp_path / "local" / dataset).rglob("chunk-*")
        )
    # the report computed again from the store alone, streaming the dataset from the URL, is the same file
    fs.rm_file(f"{root}/report.md")
    fs.rm_file(f"{root}/summary.csv")
    report = rebuild_report(f"memory://{root}", figures=False)
    assert {"summary.csv", "report.md"} <= set(report.files)
    assert files(fs, root) == stored
    assert not fs.exists(f"/.{root[1:]}.partial"), "no staging prefix left"


@pytest.mark.slow
def test_an_interrupted_url_run_resumed_equals_an_uninterrupted_one(memory, monkeypatch):
    fs, root = memory
    args = ["experiment=smoke", "replications=40", "months=12", "figures=false", "chunk_size=10"]
    whole = f"memory://{root}/whole"
    sim.run(args, out_dir=whole)

    computed = []
    real_compute = sim.run.engine.compute_chunk

    def stop_after_nine(setup, task, folder):
        if len(computed) == 9:
            raise KeyboardInterrupt
        computed.append(task.name)
        return real_compute(setup, task, folder)

    monkeypatch.setattr(sim.run.engine, "compute_chunk", stop_after_nine)
    url = f"memory://{root}/cut"
    p = make_plan([*args, f"out_dir={url}"])
    with pytest.raises(Interrupted):
        run_plan(p, build_report, progress=False, figures=False)
    staging = f"{root}/.cut.partial"
    assert not fs.exists(f"{root}/cut") and len(fs.glob(f"{staging}/results.parquet/*/chunk-*.parquet")) == 9
    assert len(json.loads(fs.cat_file(f"{staging}/progress.json"))["done"]) == 9
    # a URL cannot be locked: a second run that does not resume is refused, and the kept chunks stay
    with pytest.raises(ConfigError, match="resume=true"):
        checked_plan([*args, f"out_dir={url}"])
    assert len(fs.glob(f"{staging}/results.parquet/*/chunk-*.parquet")) == 9

    monkeypatch.setattr(sim.run.engine, "compute_chunk", real_compute)
    resumed = []
    monkeypatch.setattr(sim.run.engine, "compute_chunk", lambda s, t, f: resumed.append(t.name) or real_compute(s, t, f))
    run_plan(make_plan([*args, f"out_dir={url}", "resume=true"]), build_report, progress=False, figures=False)
    # 6 cells x 4 chunks: only the 15 missing ones computed again
    assert len(resumed) == 24 - 9 and not set(resumed) & set(computed)
    assert not fs.exists(staging)
    cut, full = files(fs, f"{root}/cut"), files(fs, f"{root}/whole")
    dataset = {n: b for n, b in full.items() if n.startswith("results.parquet/")}
    assert len(dataset) == 24 and {n: cut[n] for n in dataset} == dataset
    assert cut["summary.csv"] == full["summary.csv"]


@pytest.mark.slow
def test_a_url_holding_a_foreign_file_is_refused_and_left_as_it_was(tmp_path, memory):
    fs, root = memory
    fs.pipe_file(f"{root}/notes.txt", b"mine")
    with pytest.raises(ConfigError, match="notes.txt"):
        checked_plan(["experiment=smoke", "replications=2", f"out_dir=memory://{root}"])
    # beside it with overwrite=true; a foreign file under a name the run writes is refused even then
    sim.run(["experiment=smoke", "replications=2", "figures=false", "overwrite=true"], out_dir=f"memory://{root}")
    assert fs.cat_file(f"{root}/notes.txt") == b"mine" and fs.exists(f"{root}/results.parquet")
    folder = tmp_path / "webapp"
    folder.mkdir()
    (folder / "summary.csv").write_text("a,b\n1,2\n")
    done = run_sim("experiment=smoke", "replications=2", f"out_dir=file://{folder}", "overwrite=true")
    assert done.returncode == 2 and "summary.csv" in one_error_line(done.stderr)
    assert [p.name for p in tmp_path.iterdir()] == ["webapp"] and [p.name for p in folder.iterdir()] == ["summary.csv"]


@pytest.mark.slow
def test_a_users_file_saved_at_a_url_under_a_name_the_tool_wrote_is_kept(memory):
    from sim.store.files import OutputRefused

    fs, root = memory
    args = ["experiment=smoke", "replications=2", "months=6", "figures=false"]
    sim.run(args, out_dir=f"memory://{root}")
    fs.pipe_file(f"{root}/report.md", b"my own notes on these results")
    before = files(fs, root)
    with pytest.raises(OutputRefused, match="report.md"):
        rebuild_report(f"memory://{root}")
    with pytest.raises(ConfigError, match="report.md"):
        checked_plan([*args, f"out_dir=memory://{root}", "overwrite=true"])
    assert files(fs, root) == before
    # the tool's own file, removed, is written again, and counted as the tool's once more
    fs.rm_file(f"{root}/report.md")
    rebuild_report(f"memory://{root}")
    sim.run(args, out_dir=f"memory://{root}")
    assert fs.cat_file(f"{root}/report.md") != b"my own notes on these results"


@pytest.mark.parametrize(
    "out_dir, extra, words",
    [
        ("nosuchscheme://bucket/run", [], "Protocol not known: nosuchscheme"),
        ("gcs://bucket/run", [], "gcsfs"),
        ("memory://run", ["executor.kind=local"], "executor.kind=serial"),
        ("file:///", [], "root of its file system"),
    ],
)
def test_an_unusable_url_is_one_error_line_and_nothing_written(tmp_path, out_dir, extra, words):
    if words == "gcsfs" and importlib.util.find_spec("gcsfs"):
        pytest.skip("gcsfs is installed here")
    done = run_sim("experiment=smoke", "replications=2", f"out_dir={out_dir}", *extra, cwd=tmp_path)
    assert done.returncode == 2 and words in one_error_line(done.stderr)
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_to_a_url_is_refused_before_any_folder_is_made(tmp_path):
    done = run_sim("-m", "experiment=smoke", "replications=2,3", f"out_dir=file://{tmp_path}/sweep", cwd=tmp_path)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "out_dir=file://" in line and "local out_dir" in line
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_an_emptied_staging_prefix_left_by_a_commit_is_in_no_run_s_way(memory):
    fs, root = memory
    args = ["experiment=smoke", "replications=2", "months=6", "figures=false"]
    sim.run(args, out_dir=f"memory://{root}/run")
    # a commit killed after it moved every file into place, before it removed the prefix they came from
    fs.makedirs(f"{root}/.run.partial/results.parquet", exist_ok=True)
    sim.run([*args, "replications=3"], out_dir=f"memory://{root}/run")
    assert sim.load(f"memory://{root}/run")["replication"].nunique() == 3
    assert not fs.exists(f"{root}/.run.partial")


@pytest.mark.slow
def test_a_users_file_in_an_older_url_folder_is_set_aside_and_a_copied_chunk_refused(memory, capsys):
    from sim.store.reader import FolderError

    fs, root = memory
    args = ["experiment=smoke", "replications=2", "months=6", "figures=false"]
    url = f"memory://{root}/run"
    sim.run(args, out_dir=url)
    marker = json.loads(fs.cat_file(f"{root}/run/{MARKER}"))
    fs.pipe_file(f"{root}/run/{MARKER}", json.dumps({k: v for k, v in marker.items() if k != "digests"}).encode())
    fs.pipe_file(f"{root}/run/summary.csv", b"my own summary")
    capsys.readouterr()
    sim.run([*args, "replications=3"], out_dir=url)
    assert fs.cat_file(f"{root}/run/summary.csv.user-1") == b"my own summary"
    err = capsys.readouterr().err
    assert "set aside" in err and "summary.csv as summary.csv.user-1" in err
    chunk = f"{root}/run/results.parquet/cell-000/chunk-0000000.parquet"
    fs.pipe_file(chunk[: -len(".parquet")] + " (1).parquet", fs.cat_file(chunk))
    with pytest.raises(FolderError, match="does not list"):
        sim.load(url)


@pytest.mark.slow
def test_an_out_dir_inside_a_url_results_folder_s_dataset_is_refused(memory):
    fs, root = memory
    sim.run(["experiment=smoke", "replications=2", "months=6", "figures=false"], out_dir=f"memory://{root}/run")
    before = files(fs, root)
    with pytest.raises(ConfigError, match="inside results.parquet of the results folder"):
        checked_plan(["experiment=smoke", "replications=2", f"out_dir=memory://{root}/run/results.parquet/x"])
    assert files(fs, root) == before
