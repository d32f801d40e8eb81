"""A user's files are never lost: results folders, locks, signals, stale leftovers and resource estimates."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.store.files import MARKER

ROOT = Path(__file__).resolve().parents[2]


def start_sim(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_sim(*args, cwd=ROOT):
    proc = start_sim(*args, cwd=cwd)
    out, err = proc.communicate(timeout=600)
    return proc.returncode, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def small_run(out: Path) -> None:
    """A results folder of the tool's, made in a few seconds, for a test to put the user's files into."""
    code, _, err = run_sim("experiment=smoke", "replications=2", "months=6", f"out_dir={out}", "figures=false")
    assert code == 0, err


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_manifest_beside_other_files_does_not_make_a_folder_ours(tmp_path):
    out = tmp_path / "webapp"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my web app"}')
    (out / "index.html").write_text("<html></html>")
    before = snapshot(out)
    code, _, err = run_sim("experiment=smoke", "replications=2", f"out_dir={out}")
    assert code == 2 and "index.html" in one_error_line(err) and "manifest.json" in err
    # even with overwrite=true, a file of a name the run writes is not replaced
    code, _, err = run_sim("experiment=smoke", "replications=2", f"out_dir={out}", "overwrite=true")
    assert code == 2 and "manifest.json" in one_error_line(err)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webapp"]


def test_notes_added_to_a_results_folder_survive_every_later_run(tmp_path):
    out = tmp_path / "results"
    assert run_sim("experiment=smoke", "replications=3", f"out_dir={out}")[0] == 0
    (out / "notes.md").write_text("what I think of these results")
    (out / "analysis").mkdir()
    (out / "analysis" / "fit.py").write_text("print(1)")
    # the folder is the tool's: the rerun replaces its own files, keeps the rest, and says so in one line
    code, _, err = run_sim("experiment=smoke", "replications=4", f"out_dir={out}", "figures=false")
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("note:") and "kept" in line]
    assert len(notes) == 1 and "analysis, notes.md" in notes[0], err
    assert (out / "notes.md").read_text() == "what I think of these results"
    assert (out / "analysis" / "fit.py").read_text() == "print(1)"
    assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 4
    # the first run's figures were the tool's own: gone with figures=false; the marker lists the new files
    assert not list(out.glob("*.png"))
    marker = json.loads((out / MARKER).read_text())
    assert marker["tool"] == "sim" and "results.parquet" in marker["files"] and "notes.md" not in marker["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


@pytest.mark.slow
def test_a_file_put_inside_the_tool_s_own_folders_is_never_deleted(tmp_path):
    out = tmp_path / "results"
    small_run(out)
    (out / "results.parquet" / "NOTES.txt").write_text("mine")
    before = snapshot(out)
    for extra in ([], ["overwrite=true"]):
        code, _, err = run_sim(
            "experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false", *extra
        )
        assert code == 2 and "results.parquet/NOTES.txt" in one_error_line(err), err
        assert snapshot(out) == before
    (out / "results.parquet" / "NOTES.txt").unlink()
    code, _, err = run_sim("experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false")
    assert code == 0, err


@pytest.mark.slow
def test_report_never_replaces_a_file_the_tool_did_not_write(tmp_path):
    out = tmp_path / "rep"
    small_run(out)
    (out / "fan_deaths_pakistan.png").write_text("my own chart")
    before = snapshot(out)
    # rebuilt as the run made it, without figures: the user's chart is not in the way
    code, _, err = run_sim("report", str(out))
    assert code == 0, err
    assert (out / "fan_deaths_pakistan.png").read_text() == "my own chart"
    before = snapshot(out)
    # asked for figures, the report would replace it: refused, nothing written
    from sim.report.rebuild import rebuild_report
    from sim.store.files import OutputRefused

    with pytest.raises(OutputRefused, match="fan_deaths_pakistan.png"):
        rebuild_report(out, figures=True)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


@pytest.mark.slow
def test_a_users_file_saved_under_a_name_the_tool_wrote_is_kept(tmp_path):
    out = tmp_path / "rep"
    small_run(out)
    (out / "comparison.txt").write_text("my own comparison, written over the tool's")
    before = snapshot(out)
    code, _, err = run_sim("report", str(out))
    assert code == 2 and "comparison.txt" in one_error_line(err), err
    assert snapshot(out) == before
    # a rerun, with overwrite=true too, would replace it as well: refused, nothing written or removed
    for extra in ([], ["overwrite=true"]):
        code, _, err = run_sim(
            "experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false", *extra
        )
        assert code == 2 and "comparison.txt" in one_error_line(err), err
        assert snapshot(out) == before
    # moved out of the way, the report is rebuilt and the tool's file is its own again
    (out / "comparison.txt").rename(tmp_path / "mine.txt")
    assert run_sim("report", str(out))[0] == 0
    assert run_sim("experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false")[0] == 0
    assert (tmp_path / "mine.txt").read_text() == "my own comparison, written over the tool's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt", "rep"]


@pytest.mark.parametrize("kind", ["link", "dangling link", "fifo"])
def test_a_link_or_fifo_in_place_of_a_tool_file_is_the_users(tmp_path, kind):
    out = tmp_path / "rep"
    small_run(out)
    (tmp_path / "copy.md").write_bytes((out / "report.md").read_bytes())  # even a link to the very same bytes
    (out / "report.md").unlink()
    if kind == "fifo":
        os.mkfifo(out / "report.md")
    else:
        (out / "report.md").symlink_to(tmp_path / ("copy.md" if kind == "link" else "elsewhere.md"))
    entries = sorted(p.name for p in out.iterdir())
    for args in (["report", str(out)], ["experiment=smoke", "replications=3", "months=6", f"out_dir={out}"]):
        code, _, err = run_sim(*args)
        assert code == 2 and "report.md" in one_error_line(err), err
        assert sorted(p.name for p in out.iterdir()) == entries
        assert (out / "report.md").is_symlink() == (kind != "fifo")


@pytest.mark.slow
def test_a_stop_during_the_commit_waits_for_it_and_says_the_results_are_in(tmp_path, monkeypatch, capsys):
    from sim.cli import main
    from sim.store.files import StagedOutput

    out = tmp_path / "run"
    args = ["experiment=smoke", "months=6", f"out_dir={out}", "figures=false", "progress=false"]
    assert main([*args, "replications=2"]) == 0
    (out / "NOTES.txt").write_text("mine")  # beside the results, so the commit replaces file by file
    commit = StagedOutput.commit

    def stopped_midway(self, run=None):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the commit runs, and again: both wait for it
        os.kill(os.getpid(), signal.SIGINT)
        return commit(self, run)

    monkeypatch.setattr(StagedOutput, "commit", stopped_midway)
    capsys.readouterr()
    assert main([*args, "replications=3", "overwrite=true"]) == 143
    err = capsys.readouterr().err
    assert "kept NOTES.txt" in err  # the run's note of what it left alone, then what the stop did
    assert "once its results were complete" in one_error_line("\n".join(err.splitlines()[1:]))
    assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 3
    assert not json.loads((out / MARKER).read_text()).get("replacing")
    assert (out / "NOTES.txt").read_text() == "mine"


@pytest.mark.slow
@pytest.mark.parametrize("old_marker", ["with digests", "without digests"])
def test_a_commit_killed_file_by_file_leaves_a_folder_no_reader_takes_and_the_next_run_replaces(
    tmp_path, monkeypatch, old_marker
):
    import sim.store.files
    from sim.store.reader import FolderError, ResultsFolder

    out = tmp_path / "run"
    args = ["experiment=smoke", "months=6", f"out_dir={out}", "figures=false", "progress=false"]
    assert run_sim(*args, "replications=2")[0] == 0
    if old_marker == "without digests":  # as a version of the tool that recorded none wrote it
        marker = json.loads((out / MARKER).read_text())
        (out / MARKER).write_text(json.dumps({k: v for k, v in marker.items() if k != "digests"}))
    (out / "NOTES.txt").write_text("mine")
    moves = []
    replace = os.replace

    def killed_after_two(src, dst):
        if len(moves) == 2:  # as a kill -9 would cut the commit short: no handler, no clean-up runs
            raise SystemExit("killed")
        moves.append(dst)
        return replace(src, dst)

    monkeypatch.setattr(sim.store.files.os, "replace", killed_after_two)
    with pytest.raises(SystemExit):
        sim.run([a for a in args if not a.startswith("out_dir")] + ["replications=3", "overwrite=true"], out_dir=out)
    monkeypatch.setattr(sim.store.files.os, "replace", replace)
    assert len(moves) == 2
    with pytest.raises(FolderError, match="half replaced"):
        ResultsFolder.open(out)
    # every file is still the tool's: the next run replaces them whole, with no refusal
    code, _, err = run_sim(*args, "replications=4", "overwrite=true")
    assert code == 0, err
    assert ResultsFolder.open(out).manifest["replications"] == 4
    assert (out / "NOTES.txt").read_text() == "mine"


def test_a_marker_with_bare_digests_still_owns_its_files(tmp_path):
    out = tmp_path / "rep"
    args = ["experiment=smoke", "replications=2", "months=6", f"out_dir={out}", "figures=false"]
    assert run_sim(*args)[0] == 0
    marker = json.loads((out / MARKER).read_text())
    # SHA-256 alone, without the size, as markers recorded it before sizes were added
    marker["digests"] = {name: d.partition(":")[2] for name, d in marker["digests"].items()}
    (out / MARKER).write_text(json.dumps(marker))
    assert run_sim("report", str(out))[0] == 0
    (out / "summary.csv").write_text("mine")
    code, _, err = run_sim("report", str(out))
    assert code == 2 and "summary.csv" in one_error_line(err)


def test_report_does_not_read_a_users_file_in_place_of_the_runs_input(tmp_path):
    out = tmp_path / "rep"
    small_run(out)
    (out / "parameters.parquet").write_text("my own table, not the run's draws")
    before = snapshot(out)
    code, _, err = run_sim("report", str(out))
    assert code == 2 and "parameters.parquet" in one_error_line(err) and "reads the run's own" in err
    assert snapshot(out) == before


def test_an_out_dir_under_a_file_is_refused_as_a_file(tmp_path):
    (tmp_path / "afile").write_text("mine")
    code, _, err = run_sim("experiment=smoke", "replications=2", f"out_dir={tmp_path / 'afile' / 'sub'}")
    line = one_error_line(err)
    assert code == 2 and f"{tmp_path / 'afile'} is a file" in line and "write-protected" not in line
    assert (tmp_path / "afile").read_text() == "mine"


@pytest.mark.parametrize("resume", ["false", "true"])
def test_a_folder_of_the_users_with_a_staging_name_is_refused_and_kept(tmp_path, resume):
    # the name a run keeps its unfinished chunks under, beside out_dir
    mine = tmp_path / ".data.partial"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    code, _, err = run_sim("experiment=smoke", "replications=2", f"out_dir={tmp_path / 'data'}", f"resume={resume}")
    assert code == 2 and f"{mine} is in the way" in one_error_line(err)
    assert snapshot(mine) == {"notes.txt": b"precious"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".data.partial"]


def test_a_folder_of_the_users_named_like_a_dead_runs_leftover_is_kept(tmp_path):
    out = tmp_path / "run"
    assert run_sim("experiment=smoke", "replications=2", f"out_dir={out}", "figures=false")[0] == 0
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    mine = tmp_path / f".run.old-{int(dead.stdout)}"  # the process is gone, as a killed run's would be
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    assert run_sim("experiment=smoke", "replications=3", f"out_dir={out}", "figures=false", "overwrite=true")[0] == 0
    assert snapshot(mine) == {"notes.txt": b"precious"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, "run"]


@pytest.mark.parametrize("made_again", [False, True])
def test_results_set_aside_by_a_commit_killed_midway_come_back(tmp_path, made_again):
    from sim.store.files import partial_path, remove_stale_staging

    out = tmp_path / "run"
    small_run(out)
    before = snapshot(out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    # as a kill -9 leaves it between a commit's two renames: the old results aside, the new ones still staged
    out.rename(tmp_path / f".run.old-{int(dead.stdout)}")
    if made_again:  # a sweep's job folder, which Hydra makes (empty) before the job runs
        out.mkdir()
    partial_path(out).mkdir()
    (partial_path(out) / MARKER).write_text(json.dumps({"tool": "sim", "files": [MARKER]}))
    removed = remove_stale_staging(out)
    assert snapshot(out) == before and removed == []
    # the next run replaces them only once its own results are complete
    assert run_sim("experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false")[0] == 0
    assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


@pytest.mark.slow
def test_a_run_that_fails_leaves_no_folder_it_made(tmp_path):
    out = tmp_path / "new" / "deeper" / "run"
    # nothing listens on port 1: the run fails after the folder's lock was taken
    code, _, err = run_sim("experiment=smoke", "replications=2", f"out_dir={out}", "executor.address=tcp://127.0.0.1:1")
    assert code == 1 and "could not reach the Dask scheduler" in one_error_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_second_run_into_the_same_folder_waits_its_turn(tmp_path):
    out = tmp_path / "busy"
    first = start_sim("experiment=smoke", "replications=3000", "months=120", f"out_dir={out}", "figures=false")
    lock = tmp_path / ".busy.lock"
    deadline = time.time() + 60
    while not (lock.exists() and lock.read_text().strip()) and time.time() < deadline:
        time.sleep(0.05)
    assert first.poll() is None, "the first run ended before the second could start"
    code, _, err = run_sim("experiment=smoke", "replications=2", f"out_dir={out}", "figures=false")
    assert code == 2 and str(first.pid) in one_error_line(err) and "another run" in err and str(out) in err
    assert first.wait(timeout=600) == 0
    assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 3000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_a_stopped_run_leaves_the_old_results_and_nothing_else(tmp_path, how):
    out = tmp_path / "run"
    assert run_sim("experiment=smoke", "replications=2", f"out_dir={out}", "figures=false")[0] == 0
    before = snapshot(out)
    proc = start_sim("experiment=smoke", "replications=20000", "months=120", f"out_dir={out}", "figures=false")
    deadline = time.time() + 60
    while not list(tmp_path.glob(".run.partial")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=60)
    assert snapshot(out) == before
    if how == "SIGTERM":
        assert proc.returncode == 143 and "stopped by SIGTERM" in one_error_line(err)
        assert "results were" in err and "replaced" in err
    # what the stopped run kept for resume=true is removed by the next run that does not resume
    assert run_sim("experiment=smoke", "replications=2", f"out_dir={out}", "figures=false")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_run_too_big_for_memory_is_refused_before_it_starts(tmp_path):
    out = tmp_path / "big"
    code, _, err = run_sim("replications=200000", "max_memory_gb=1", "executor.kind=serial", f"out_dir={out}")
    line = one_error_line(err)
    assert code == 2 and "GB of memory" in line and "lower replications to about" in line
    # the advice names a size that fits: the suggested count passes the same check, and one more would not
    fits = int(line.split("lower replications to about ")[1].split(" ")[0].replace(",", ""))
    from sim.run.checks import estimate_resources

    assert (
        1000 < fits < 200000 and estimate_resources(fits, 120, 16)[0] <= 1e9 < estimate_resources(fits + 1, 120, 16)[0]
    )
    # two worker processes and a driver cannot share one gigabyte, whatever the replications: the advice says so
    code, _, err = run_sim(
        "replications=20000", "max_memory_gb=1", "executor.kind=local", "executor.workers=2", f"out_dir={out}"
    )
    line = one_error_line(err)
    assert code == 2 and "executor.kind=serial" in line and "lower replications" not in line
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_write_protected_and_linked_folders(tmp_path):
    kept = tmp_path / "kept"
    assert run_sim("experiment=smoke", "replications=2", f"out_dir={kept}", "figures=false")[0] == 0
    before = snapshot(kept)
    kept.chmod(0o555)
    try:
        code, _, err = run_sim("experiment=smoke", "replications=3", f"out_dir={kept}", "figures=false")
    finally:
        kept.chmod(0o755)
    assert code == 2 and "not writable" in one_error_line(err)
    assert snapshot(kept) == before
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    for reps in ("2", "3"):
        assert run_sim("experiment=smoke", f"replications={reps}", f"out_dir={link}", "figures=false")[0] == 0
    assert link.is_symlink() and (real / "results.parquet").is_dir()
    assert pq.read_table(real / "results.parquet").to_pandas()["replication"].nunique() == 3


def test_setting_a_default_value_keeps_the_default_folder(tmp_path):
    from sim.config.plan import compose, default_out_dir
    from sim.model.rules import PARAMS

    def folder(*overrides):
        return default_out_dir(compose(list(overrides)), list(overrides))

    assert folder() == Path("results/recognition_vs_isolation")
    assert folder("replications=1000", "seed=20250701", "progress=false") == folder()
    assert folder("experiment=hindcast") == Path("results/hindcast")
    variant = folder("replications=5", "+params.taliban.reversion=0.05")
    assert variant.name.startswith("recognition_vs_isolation-") and variant == folder(
        "+params.taliban.reversion=0.05", "replications=5"
    )
    assert folder("replications=6") not in (variant, folder())
    # with assumptions drawn, fixing one at its default value stops it being drawn: another run, another folder
    default = PARAMS["china.base_desire"].default
    fixed = folder(f"+params.china.base_desire={default}")
    assert fixed.name.startswith("recognition_vs_isolation-")
    assert folder(f"+params.china.base_desire={default}", "uncertainty=none") == folder("uncertainty=none")


def test_every_default_starting_value_lies_in_its_declared_range():
    from sim.model.actors import ACTORS
    from sim.model.initial import start_range

    for actor in ACTORS:
        for var, value in actor.state_defaults().items():
            bounds = start_range(actor.key, var)
            assert bounds.low <= value <= bounds.high, (
                f"{actor.key}.{var}={value} outside [{bounds.low}, {bounds.high}]"
            )


# A run whose process dies at a chosen call, as a kill -9 there would end it: no handler, no clean-up runs.
DIES_AT = """
import os, shutil, sys
real = shutil.rmtree
def dying(path, *args, **kwargs):
    if {marker!r} in str(path):
        os._exit(9)
    return real(path, *args, **kwargs)
shutil.rmtree = dying
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_a_kill_while_the_old_results_are_removed_leaves_a_folder_every_later_run_takes(tmp_path):
    out = tmp_path / "run"
    args = ["experiment=smoke", "months=6", f"out_dir={out}", "figures=false", "progress=false"]
    small_run(out)
    (out / "NOTES.txt").write_text("mine")  # beside the results, so the commit replaces them file by file
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-c", DIES_AT.format(marker=".trash-"), *args, "replications=3", "overwrite=true"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert killed.returncode == 9, killed.stderr
    assert (out / "NOTES.txt").read_text() == "mine"
    for extra in (["resume=true"], []):
        code, _, err = run_sim(*args, "replications=3", "overwrite=true", *extra)
        assert code == 0, err
        assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert (out / "NOTES.txt").read_text() == "mine"


@pytest.mark.parametrize("resume", ["false", "true"])
def test_an_empty_staging_folder_is_the_tools_and_in_no_run_s_way(tmp_path, resume):
    out = tmp_path / "run"
    small_run(out)
    (tmp_path / ".run.partial").mkdir()  # what a commit killed before it removed its emptied staging folder leaves
    code, _, err = run_sim(
        "experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false", f"resume={resume}"
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


@pytest.mark.slow
@pytest.mark.parametrize("by", ["report", "rerun"])
@pytest.mark.parametrize("legacy", ["marker without digests", "manifest alone"])
def test_a_users_file_in_an_older_folder_is_set_aside_never_replaced(tmp_path, legacy, by):
    out = tmp_path / "old"
    small_run(out)
    marker = json.loads((out / MARKER).read_text())
    if legacy == "marker without digests":  # as versions of the tool before digests wrote it
        (out / MARKER).write_text(json.dumps({k: v for k, v in marker.items() if k != "digests"}))
    else:  # as versions before the marker: the manifest alone lists the run's files
        (out / MARKER).unlink()
    name = "summary.csv" if by == "report" else "comparison.txt"
    (out / name).write_text("my own file")
    if by == "report":
        code, _, err = run_sim("report", str(out))
    else:
        code, _, err = run_sim("experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false")
        assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 3
    assert code == 0, err
    assert (out / f"{name}.user-1").read_text() == "my own file"
    assert (out / name).read_text() != "my own file"
    notes = [line for line in err.splitlines() if "set aside" in line]
    assert len(notes) == 1 and f"{name} as {name}.user-1" in notes[0] and str(out) in notes[0]
    # the file set aside is the user's from now on: the next run neither replaces nor removes it
    code, _, err = run_sim(
        "experiment=smoke", "replications=2", "months=6", f"out_dir={out}", "figures=false", "overwrite=true"
    )
    assert code == 0, err
    assert (out / f"{name}.user-1").read_text() == "my own file"


def test_a_marker_that_lists_a_users_file_does_not_make_it_the_tools(tmp_path):
    out = tmp_path / "old"
    small_run(out)
    marker = json.loads((out / MARKER).read_text())
    marker["files"].append("notes.txt")  # edited by hand, or by an older version of the tool
    (out / MARKER).write_text(json.dumps(marker))
    (out / "notes.txt").write_text("mine")
    args = ["experiment=smoke", "replications=3", "months=6", f"out_dir={out}", "figures=false"]
    # the user's file beside the tool's: kept, said in one line, and no longer listed as the tool's
    code, _, err = run_sim(*args)
    assert code == 0 and "kept notes.txt" in err, err
    assert (out / "notes.txt").read_text() == "mine"
    assert "notes.txt" not in json.loads((out / MARKER).read_text())["files"]


def test_an_out_dir_inside_a_results_folder_s_dataset_is_refused(tmp_path):
    out = tmp_path / "run"
    small_run(out)
    before = snapshot(out)
    inner = out / "results.parquet" / "cell-000" / "mine"
    code, _, err = run_sim("experiment=smoke", "replications=2", "months=6", f"out_dir={inner}")
    assert code == 2 and f"inside results.parquet of the results folder {out}" in one_error_line(err)
    assert snapshot(out) == before and not inner.exists()
    assert sorted(p.name for p in (out / "results.parquet" / "cell-000").iterdir()) == ["chunk-0000000.parquet"]


def test_the_root_of_the_file_system_is_refused_as_out_dir():
    from sim.config.names import ConfigError
    from sim.config.plan import plan
    from sim.run.checks import check_can_run
    from sim.store.files import OutputRefused, check_out_dir

    with pytest.raises(OutputRefused, match="root of the file system"):
        check_out_dir(Path("/"), overwrite=True)
    with pytest.raises(ConfigError, match="root of the file system"):
        check_can_run(plan(["experiment=smoke", "replications=2", "out_dir=/", "overwrite=true"]))


def test_report_refuses_a_write_protected_folder_in_one_line(tmp_path):
    out = tmp_path / "kept"
    small_run(out)
    before = snapshot(out)
    out.chmod(0o555)
    try:
        code, _, err = run_sim("report", str(out))
    finally:
        out.chmod(0o755)
    assert code == 2 and f"{out} is write-protected" in one_error_line(err)
    assert snapshot(out) == before


@pytest.mark.slow
def test_a_folder_name_of_250_characters_is_written_and_rewritten(tmp_path):
    out = tmp_path / ("r" * 250)
    args = ["experiment=smoke", "months=6", f"out_dir={out}", "figures=false"]
    for extra in (["replications=2"], ["replications=3"]):
        code, _, err = run_sim(*args, *extra)
        assert code == 0, err
    (out / "NOTES.txt").write_text("mine")  # the commit file by file, with its trash folder beside out_dir
    code, _, err = run_sim(*args, "replications=4", "overwrite=true")
    assert code == 0, err
    assert pq.read_table(out / "results.parquet").to_pandas()["replication"].nunique() == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_staging_names_of_two_long_folders_differ_and_fit():
    from sim.store.files import NAME_MAX, partial_path

    a, b = Path("/x") / ("é" * 125 + "a"), Path("/x") / ("é" * 125 + "b")
    assert partial_path(a) != partial_path(b)
    assert all(len(partial_path(p).name.encode()) <= NAME_MAX for p in (a, b))
    assert partial_path(Path("/x/run")).name == ".run.partial"


def test_the_disk_message_of_a_small_run_shows_its_size(tmp_path, monkeypatch, capsys):
    import shutil

    from sim.cli import main

    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 2000, 2000))
    code = main(["experiment=smoke", "replications=20", "months=12", f"out_dir={tmp_path / 'small'}"])
    line = one_error_line(capsys.readouterr().err)
    assert code == 2 and "0.0 GB" not in line and re.search(r"about [\d.]+ (kB|MB) and 2.0 kB is free", line), line


SWAPPED = Path("cell-001") / "chunk-0000000.parquet"


@pytest.mark.parametrize("dataset", ["results.parquet", "summaries.parquet"])
def test_a_chunk_copied_from_another_cell_is_refused_naming_the_folder(tmp_path, dataset):
    import shutil

    import sim
    from sim.store.reader import FolderError

    out = tmp_path / "copied"
    small_run(out)
    # the same rows and columns, under another cell's name: only its scenario tells it apart
    shutil.copy(out / dataset / "cell-002" / SWAPPED.name, out / dataset / SWAPPED)
    before = snapshot(out)
    if dataset == "results.parquet":
        with pytest.raises(FolderError, match="another cell") as refused:
            sim.load(out)
        assert str(out / dataset / SWAPPED) in str(refused.value)
    code, _, err = run_sim("report", str(out))
    line = one_error_line(err)
    assert code == 2 and str(out / dataset / SWAPPED) in line and "another cell" in line, err
    assert "sim-report" not in line
    assert snapshot(out) == before


def _interrupted_run(tmp_path) -> tuple[list, Path, Path]:
    """A finished run, and the staging folder a run of the same settings killed after its last chunk leaves."""
    import shutil

    from sim.config.plan import plan
    from sim.run.experiment import run_key
    from sim.store.files import STAGING_TAG

    args = ["experiment=smoke", "replications=4", "months=6", "figures=false", "progress=false", "chunk_size=2"]
    whole = tmp_path / "whole"
    code, _, err = run_sim(*args, f"out_dir={whole}", "executor.kind=serial")
    assert code == 0, err
    out, partial = tmp_path / "r", tmp_path / ".r.partial"
    partial.mkdir()
    (partial / STAGING_TAG).touch()
    for dataset in ("results.parquet", "summaries.parquet"):
        shutil.copytree(whole / dataset, partial / dataset)
    chunks = json.loads((whole / "manifest.json").read_text())["store"]["chunks"]
    key = run_key(plan([*args, f"out_dir={out}"]))
    (partial / "progress.json").write_text(json.dumps({"fingerprint": key, "chunks": len(chunks), "done": chunks}))
    return [*args, f"out_dir={out}", "resume=true", "executor.kind=serial"], whole, partial


def _sorted_results(folder: Path):
    frame = pq.read_table(folder / "results.parquet").to_pandas()
    for name in ("scenario", "hypothesis"):
        frame[name] = frame[name].astype(str)
    return frame.sort_values(["scenario", "hypothesis", "replication", "date"]).reset_index(drop=True)


@pytest.mark.parametrize("copied_from", ["cell-002/chunk-0000000.parquet", "cell-001/chunk-0000002.parquet"])
def test_resume_computes_again_a_kept_chunk_copied_from_another(tmp_path, copied_from):
    import shutil

    import pandas as pd

    args, whole, partial = _interrupted_run(tmp_path)
    shutil.copy(partial / "results.parquet" / copied_from, partial / "results.parquet" / SWAPPED)
    code, _, err = run_sim(*args)
    assert code == 0, err
    assert f"results.parquet/{SWAPPED.as_posix()}" in err and "computing it again" in err
    pd.testing.assert_frame_equal(_sorted_results(tmp_path / "r"), _sorted_results(whole))


def test_the_note_on_damaged_kept_chunks_is_whole_sentences(tmp_path):
    args, _, partial = _interrupted_run(tmp_path)
    for cell in ("cell-000", "cell-001"):
        chunk = partial / "results.parquet" / cell / "chunk-0000000.parquet"
        chunk.write_bytes(chunk.read_bytes()[:200])
    code, _, err = run_sim(*args)
    assert code == 0, err
    assert re.search(
        r"is damaged \(results\.parquet/cell-000/chunk-0000000\.parquet is not whole Parquet and 1 more\); "
        r"computing them again",
        err,
    ), err


def test_report_keeps_a_report_its_owner_made_read_only(tmp_path):
    out = tmp_path / "kept"
    small_run(out)
    (out / "report.md").chmod(0o444)
    before = snapshot(out)
    try:
        code, _, err = run_sim("report", str(out))
    finally:
        (out / "report.md").chmod(0o644)
    line = one_error_line(err)
    assert code == 2 and str(out) in line and "report.md is read-only" in line, err
    assert snapshot(out) == before


@pytest.mark.parametrize("change", ["NaN in a count", "numbers as text"])
def test_a_chunk_with_a_column_of_another_type_is_refused_by_every_reader(tmp_path, change):
    import numpy as np
    import pyarrow as pa

    import sim
    from sim.model.outcomes import OUTCOMES
    from sim.store.reader import FolderError

    out = tmp_path / "edited"
    small_run(out)
    chunk = out / "results.parquet" / SWAPPED
    table = pq.read_table(chunk)
    if change == "NaN in a count":
        name = next(o.name for o in OUTCOMES if o.integer)
        values = table.column(name).to_numpy().astype(np.float64)
        values[0] = np.nan
        column = pa.array(values)
    else:
        name = next(o.name for o in OUTCOMES if not o.integer)
        column = table.column(name).cast(pa.string())
    table = table.set_column(table.schema.get_field_index(name), name, column)
    pq.write_table(table, chunk)
    before = snapshot(out)
    with pytest.raises(FolderError, match=f"column {name}") as refused:
        sim.load(out)
    assert str(chunk) in str(refused.value)
    code, _, err = run_sim("report", str(out))
    line = one_error_line(err)
    assert code == 2 and str(chunk) in line and f"column {name}" in line, err
    assert snapshot(out) == before


@pytest.mark.slow
def test_a_sweep_and_a_figure_drawn_from_the_results_never_block_a_rerun(tmp_path):
    # as the README's commands leave a results folder: a sweep into results/<experiment>/multirun, and a figure
    # drawn from the results by experiments/headline_figure.py, beside the run's own files
    args = ("experiment=smoke", "replications=2", "months=6", "figures=false", "progress=false")
    code, _, err = run_sim("-m", *args, "seed=1,2", cwd=tmp_path)
    assert code == 0, err
    out = tmp_path / "results" / "smoke"
    assert (out / "multirun" / "multirun.yaml").is_file()
    # a folder holding only the tool's sweep is no one else's: the run goes in beside it
    code, _, err = run_sim(*args, f"out_dir={out}", cwd=tmp_path)
    assert code == 0, err
    (out / "headline_from_api.png").write_bytes(b"a figure of my own")
    sweep = snapshot(out / "multirun")
    code, _, err = run_sim(*args, "seed=3", f"out_dir={out}", cwd=tmp_path)
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "headline_from_api.png, multirun" in notes[0], err
    assert (out / "headline_from_api.png").read_bytes() == b"a figure of my own"
    assert snapshot(out / "multirun") == sweep
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3
    # a name the run writes is still never replaced
    (out / "fan_deaths_pakistan.png").write_bytes(b"mine")
    code, _, err = run_sim(*args, "figures=true", f"out_dir={out}", cwd=tmp_path)
    assert code == 2 and "fan_deaths_pakistan.png" in one_error_line(err)
    assert (out / "fan_deaths_pakistan.png").read_bytes() == b"mine"
