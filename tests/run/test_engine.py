"""The engine: the same results serially, on Dask workers, in any chunking, after a crash, through a scheduler."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.store.files import STAGING_TAG

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SMALL = ["experiment=smoke", "replications=240", "months=36", "figures=false", "progress=false"]


def run_sim(*args):
    return subprocess.run([sys.executable, "-m", "sim", *args], env=ENV, capture_output=True, text=True, timeout=600)


def results(folder: Path) -> pd.DataFrame:
    frame = pq.read_table(folder / "results.parquet").to_pandas()
    for name in ("scenario", "hypothesis"):
        frame[name] = frame[name].astype(str)
    return frame.sort_values(["scenario", "hypothesis", "replication", "date"], kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("engine") / "serial"
    done = run_sim(*SMALL, f"out_dir={out}", "executor.kind=serial", "chunk_size=100")
    assert done.returncode == 0, done.stderr
    return out


def test_chunks_are_files_of_one_cell_each_and_listed_in_the_manifest(serial):
    import json

    chunks = sorted(p.relative_to(serial / "results.parquet").as_posix() for p in serial.glob("results.parquet/*/*"))
    manifest = json.loads((serial / "manifest.json").read_text())
    assert chunks == sorted(manifest["store"]["chunks"])
    # every chunk's per-replication summaries lie beside it, one row per replication
    summaries = sorted(
        p.relative_to(serial / "summaries.parquet").as_posix() for p in serial.glob("summaries.parquet/*/*")
    )
    assert summaries == chunks
    assert pq.read_table(serial / "summaries.parquet" / "cell-005" / "chunk-0000200.parquet").num_rows == 40
    # 6 cells x 3 chunks of 100, 100 and 40 replications
    assert len(chunks) == 18 and chunks[0] == "cell-000/chunk-0000000.parquet"
    last = pq.read_table(serial / "results.parquet" / "cell-005" / "chunk-0000200.parquet").to_pandas()
    assert sorted(last["replication"].unique()) == list(range(200, 240))
    assert not (serial / "progress.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings", [["executor.kind=local", "executor.workers=2", "chunk_size=100"], ["chunk_size=50"], ["chunk_size=400"]]
)
def test_workers_and_chunk_sizes_give_the_same_results(serial, tmp_path, settings):
    out = tmp_path / "other"
    done = run_sim(*SMALL, f"out_dir={out}", *settings)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(results(out), results(serial))
    if "chunk_size=100" in settings:  # the same chunking writes the same bytes wherever it ran
        for chunk in serial.rglob("chunk-*.parquet"):
            assert (out / chunk.relative_to(serial)).read_bytes() == chunk.read_bytes()


@pytest.mark.slow
def test_a_run_killed_midway_and_resumed_equals_an_uninterrupted_one(serial, tmp_path):
    out = tmp_path / "crashed"
    args = [*SMALL, "replications=240", f"out_dir={out}", "executor.kind=serial", "chunk_size=10"]
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], env=ENV, stderr=subprocess.PIPE, text=True)
    partial = tmp_path / ".crashed.partial"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(partial.rglob("chunk-*.parquet"))) < 20:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    kept = len(list(partial.rglob("chunk-*.parquet")))
    assert 20 <= kept < 144, "the run was killed midway"
    assert not out.exists()
    done = run_sim(*args, "resume=true")
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(results(out), results(serial))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crashed"]


@pytest.mark.slow
def test_resume_with_other_settings_starts_afresh(tmp_path):
    out = tmp_path / "r"
    partial = tmp_path / ".r.partial"
    (partial / "results.parquet" / "cell-000").mkdir(parents=True)
    (partial / STAGING_TAG).touch()  # as a run of the tool made it
    (partial / "progress.json").write_text(
        '{"fingerprint": "other settings", "done": ["cell-000/chunk-0000000.parquet"]}'
    )
    done = run_sim(*SMALL, "replications=20", f"out_dir={out}", "resume=true", "executor.kind=serial")
    assert done.returncode == 0, done.stderr
    assert results(out)["replication"].nunique() == 20 and not partial.exists()
    assert "made with other settings; starting afresh" in done.stderr
    # a finished run has nothing to resume: it is left as it is, and says so
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run_sim(*SMALL, "replications=20", f"out_dir={out}", "resume=true", "executor.kind=serial")
    assert again.returncode == 0 and "is complete with these settings; nothing to compute" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    # with other settings it is run whole
    other = run_sim(*SMALL, "replications=21", f"out_dir={out}", "resume=true", "executor.kind=serial")
    assert other.returncode == 0 and "no interrupted run" in other.stderr
    assert results(out)["replication"].nunique() == 21


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scheduler(port):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dashboard-address",
            ":0",
            "--no-show",
        ],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_a_run_through_a_scheduler_address(serial, tmp_path):
    port = _free_port()
    scheduler = _scheduler(port)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_worker",
            f"tcp://127.0.0.1:{port}",
            "--nthreads",
            "1",
            "--nworkers",
            "1",
            "--no-dashboard",
        ],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        out = tmp_path / "remote"
        done = None
        for _ in range(60):  # the worker needs a few seconds to start and join
            done = run_sim(*SMALL, f"out_dir={out}", f"executor.address=tcp://127.0.0.1:{port}", "chunk_size=100")
            if done.returncode == 0 or "could not reach" not in done.stderr:
                break
            time.sleep(1)
        assert done.returncode == 0, done.stderr
        pd.testing.assert_frame_equal(results(out), results(serial))
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
            proc.wait(timeout=30)


@pytest.mark.slow
def test_a_local_cluster_prints_nothing_when_dasks_default_port_is_taken(tmp_path):
    holder = socket.socket()
    try:
        holder.bind(("", 8787))
        holder.listen()
    except OSError:
        holder.close()
        holder = None  # something already holds it, which is the case under test
    try:
        done = run_sim(
            *SMALL, "replications=40", f"out_dir={tmp_path / 'run'}", "executor.kind=local", "executor.workers=1"
        )
    finally:
        if holder is not None:
            holder.close()
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_resume_keys_change_with_the_files_and_parameters_a_run_was_made_from(tmp_path):
    from sim.config.names import searching
    from sim.config.plan import plan
    from sim.model.rules import PARAMS
    from sim.run.experiment import run_key

    scenario = tmp_path / "scenario" / "my_policy.yaml"
    scenario.parent.mkdir()
    base = ["experiment=smoke", "replications=20", "experiment.scenarios=[status_quo,my_policy]"]

    def key(*extra, sanctions=0.4):
        scenario.write_text(
            f"name: my_policy\nlabel: My policy\ndescription: test\nsources: [seed 000 ¶3]\nlevers:\n  sanctions: {sanctions}\n"
        )
        with searching([tmp_path]):
            return run_key(plan([*base, *extra]))

    assert key() == key()
    assert key(sanctions=0.6) != key()
    # fixed at its default instead of drawn: other numbers, so other chunks
    assert key(f"+params.china.base_desire={PARAMS['china.base_desire'].default}") != key()
    assert key("chunk_size=10") != key()


@pytest.mark.slow
def test_a_run_stopped_while_its_report_is_written_keeps_every_chunk(tmp_path, monkeypatch):
    import sim.run.experiment
    from sim.config.plan import plan

    out = tmp_path / "stopped"
    overrides = [*SMALL, "replications=40", f"out_dir={out}", "executor.kind=serial", "chunk_size=20"]

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    with pytest.raises(sim.run.experiment.Interrupted):
        sim.run.experiment.run_plan(plan(overrides), stop, progress=False, figures=False)
    partial = tmp_path / ".stopped.partial"
    chunks = sorted(partial.glob("results.parquet/cell-*/chunk-*.parquet"))
    assert len(chunks) == 6 * 2 and not out.exists()  # six cells of two chunks
    written = {c: c.stat().st_mtime_ns for c in chunks}
    done = run_sim(*overrides, "resume=true")
    assert done.returncode == 0, done.stderr
    # nothing computed again: the kept files were moved into place untouched
    assert {out / c.relative_to(partial): t for c, t in written.items()} == {
        c: c.stat().st_mtime_ns for c in sorted(out.glob("results.parquet/cell-*/chunk-*.parquet"))
    }


@contextlib.contextmanager
def _server_that(greeting: bytes | None):
    """A TCP server on a free port that accepts connections and sends ``greeting`` (None: never answers)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            if greeting is not None:
                conn.sendall(greeting)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize(
    "greeting, reason",
    [
        (None, "no answer as a Dask scheduler within 2 s"),
        # bytes that Dask's reader takes for the length of a frame far too large to allocate
        (b"SSH-2.0-OpenSSH_9.6\r\n" * 4, "the server there answered with something else"),
    ],
)
def test_a_server_that_is_not_a_dask_scheduler_is_a_connection_error(greeting, reason):
    from sim.run.engine import EngineError, _check_scheduler

    with _server_that(greeting) as address:
        started = time.monotonic()
        with pytest.raises(EngineError) as refused:
            _check_scheduler(address, 2)
    assert time.monotonic() - started < 10
    assert str(refused.value) == f"could not reach the Dask scheduler at {address}: {reason}"


@pytest.mark.slow
def test_a_scheduler_without_workers_is_waited_for_a_bounded_time_then_refused(tmp_path):
    port = _free_port()
    scheduler = _scheduler(port)
    try:
        address = f"tcp://127.0.0.1:{port}"
        out = tmp_path / "run"
        done = None
        for _ in range(60):  # the scheduler needs a few seconds to start listening
            done = run_sim(*SMALL, f"out_dir={out}", f"executor.address={address}", "executor.worker_wait=2")
            if "could not reach" not in done.stderr:
                break
            time.sleep(1)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"waiting up to 2 s for a worker to join the Dask scheduler at {address}",
        f"error: the Dask scheduler at {address} has no workers: none joined within 2 s; start one with "
        f"dask worker {address} --nthreads 1 (or raise executor.worker_wait)",
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_run_pointed_at_a_server_that_never_answers_fails_in_one_line(tmp_path):
    with _server_that(None) as address:
        started = time.monotonic()
        done = run_sim(*SMALL, f"out_dir={tmp_path / 'run'}", f"executor.address={address}")
    assert time.monotonic() - started < 60
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: could not reach the Dask scheduler at {address}: no answer as a Dask scheduler within 10 s"
    ]
    assert list(tmp_path.iterdir()) == []


def _stop_when(args: list, ready, sig=signal.SIGINT) -> tuple[int, str]:
    """Run ``python -m sim ARGS`` and send ``sig`` once ``ready(pid)`` holds: (exit code, stderr).

    Sent to the whole process group, as a terminal sends Ctrl-C or, closing, SIGHUP: the driver and every worker.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not ready(proc.pid) and proc.poll() is None:
            time.sleep(0.01)
        assert ready(proc.pid), "the moment to send the signal never came"
        os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, err


def _stop_once(out: Path, ready, *extra, sig=signal.SIGINT) -> tuple[int, str]:
    """A local-cluster experiment into ``out``, stopped by ``sig`` once ``ready(pid)`` holds."""
    args = ["experiment=smoke", "replications=20000", "figures=false", "progress=false", f"out_dir={out}"]
    return _stop_when([*args, "executor.kind=local", "executor.workers=2", *extra], ready, sig)


def _ctrl_c_once(out: Path, ready, *extra) -> str:
    code, err = _stop_once(out, ready, *extra)
    assert code == 130, err
    return err


@pytest.mark.slow
def test_ctrl_c_to_a_local_cluster_prints_only_the_tools_line(tmp_path):
    partial = tmp_path / ".run.partial"
    err = _ctrl_c_once(
        tmp_path / "run", lambda pid: list(partial.rglob("results.parquet/*/chunk-*.parquet")), "chunk_size=2000"
    )
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted; no results were"), err


def _spawned_workers(pid: int) -> list[int]:
    """The worker processes a run's local cluster has spawned so far (Linux: /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                with contextlib.suppress(OSError):
                    if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                        found.append(int(child))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the worker processes through /proc")
def test_ctrl_c_while_the_workers_start_prints_only_the_tools_line(tmp_path):
    # pressed as the first worker process starts: one stopped while Python imports its modules printed
    # 20-110 lines
    err = _ctrl_c_once(tmp_path / "run", _spawned_workers)
    assert err.splitlines() == ["interrupted; no results were written or replaced"], err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_closed_terminal_s_hang_up_prints_only_the_tools_line(tmp_path):
    # multiprocessing's resource tracker died of SIGHUP, and the workers' semaphores then failed in 50 lines
    partial = tmp_path / ".run.partial"
    code, err = _stop_once(
        tmp_path / "run",
        lambda pid: list(partial.rglob("results.parquet/*/chunk-*.parquet")),
        "chunk_size=2000",
        sig=signal.SIGHUP,
    )
    assert code == 143, err
    assert len(err.splitlines()) == 1 and err.startswith("stopped by SIGHUP; no results were"), err


@pytest.mark.slow
def test_a_stopped_sweep_names_its_job_and_resumes_without_redoing_finished_jobs(tmp_path):
    sweep = tmp_path / "sw"
    args = ["-m", "experiment=smoke", "replications=40,20000", "chunk_size=500", f"out_dir={sweep}", *SMALL[2:]]
    args.append("executor.kind=serial")
    # each job's folder is named by its overrides: experiment=smoke,months=36,replications=...
    first, second = (
        sweep / "experiment=smoke,months=36,replications=40",
        sweep / "experiment=smoke,months=36,replications=20000",
    )
    kept = sweep / f".{second.name}.partial" / "results.parquet"
    code, err = _stop_when(args, lambda pid: list(kept.glob("*/chunk-*")))
    assert code == 130, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"sweep job {second}: interrupted (1 earlier job finished and kept)"), err
    assert (first / "manifest.json").is_file()
    assert not second.exists()  # no empty folder for the stopped job
    finished = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    done = run_sim(*args, "resume=true")
    assert done.returncode == 0, done.stderr
    assert f"{first} is complete with these settings; nothing to compute" in done.stderr
    assert {p.name: p.stat().st_mtime_ns for p in first.iterdir()} == finished
    assert results(second)["replication"].nunique() == 20000


INTERRUPTED_GATHER = """
import _thread, gc, threading, time
from sim.run.engine import open_pool

if __name__ == "__main__":
    try:
        with open_pool("local", workers=1) as pool:
            threading.Timer(2.0, _thread.interrupt_main).start()
            pool(time.sleep, [(30,)] * 4)
    except KeyboardInterrupt:
        gc.collect()
        print("interrupted")
"""


@pytest.mark.slow
def test_a_stop_request_while_waiting_for_the_workers_leaves_no_log_of_the_cut_calls(tmp_path):
    script = tmp_path / "interrupted_gather.py"
    script.write_text(INTERRUPTED_GATHER)
    done = subprocess.run([sys.executable, str(script)], env=ENV, capture_output=True, text=True, timeout=120)
    assert done.stdout == "interrupted\n", done.stderr
    assert done.stderr == ""


def test_resume_clears_a_chunk_file_left_half_written(tmp_path):
    from sim.run.engine import Progress

    chunk = tmp_path / "results.parquet" / "cell-000"
    chunk.mkdir(parents=True)
    left = chunk / ".chunk-0000020.parquet.4242.tmp"
    left.write_bytes(b"PAR1 cut short")
    kept = chunk / "chunk-0000000.parquet"
    kept.write_bytes(b"whole")
    (tmp_path / "summaries.parquet" / "cell-000").mkdir(parents=True)
    (tmp_path / "summaries.parquet" / "cell-000" / "chunk-0000000.parquet").write_bytes(b"whole")
    (tmp_path / "progress.json").write_text('{"fingerprint": "k", "done": ["cell-000/chunk-0000000.parquet"]}')
    record = Progress(tmp_path, "k", 2)
    assert record.load()
    assert not left.exists() and kept.read_bytes() == b"whole"
    assert record.done == {"cell-000/chunk-0000000.parquet"}


@pytest.mark.parametrize("damage", ["empty", "cut short", "other columns"])
def test_resume_computes_again_a_kept_chunk_that_is_damaged(tmp_path, damage):
    import json
    import shutil

    from sim.config.plan import plan
    from sim.run.experiment import run_key

    args = ["experiment=smoke", "replications=20", "months=12", "figures=false", "progress=false", "chunk_size=10"]
    whole = tmp_path / "whole"
    done = run_sim(*args, f"out_dir={whole}", "executor.kind=serial")
    assert done.returncode == 0, done.stderr
    # what a run killed after its last chunk leaves: every chunk kept in the staging folder, listed as done
    out = tmp_path / "r"
    partial = tmp_path / ".r.partial"
    partial.mkdir()
    (partial / STAGING_TAG).touch()
    for dataset in ("results.parquet", "summaries.parquet"):
        shutil.copytree(whole / dataset, partial / dataset)
    chunks = json.loads((whole / "manifest.json").read_text())["store"]["chunks"]
    key = run_key(plan([*args, f"out_dir={out}"]))
    (partial / "progress.json").write_text(json.dumps({"fingerprint": key, "chunks": len(chunks), "done": chunks}))
    damaged = partial / "results.parquet" / "cell-001" / "chunk-0000010.parquet"
    if damage == "empty":  # a file renamed into place before its bytes reached the disk, then a crash
        damaged.write_bytes(b"")
    elif damage == "cut short":
        damaged.write_bytes(damaged.read_bytes()[:200])
    else:  # whole Parquet, but not the chunk's results
        shutil.copy(partial / "summaries.parquet" / "cell-001" / "chunk-0000010.parquet", damaged)
    resumed = run_sim(*args, f"out_dir={out}", "resume=true", "executor.kind=serial")
    assert resumed.returncode == 0, resumed.stderr
    assert "cell-001/chunk-0000010.parquet" in resumed.stderr and "computing it again" in resumed.stderr
    pd.testing.assert_frame_equal(results(out), results(whole))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "whole"]

