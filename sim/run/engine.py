"""The engine: an experiment as independent tasks, one per (cell, chunk of replications), run anywhere.

Keyed randomness makes every chunk independent of every other and its result the same wherever
it runs, so the engine only has to run each task once and put its file in place.  Each task writes
its own Parquet file atomically into the run's staging folder (a local folder or a URL: the same
fsspec calls reach both); the driver notes every finished chunk in ``progress.json`` there, so a run
that was killed can be completed (``resume=true``) by computing only the chunks that are missing.

Executors: ``serial`` runs the tasks in this process; ``local`` starts a Dask ``LocalCluster``
with one single-threaded worker process per core, listening on 127.0.0.1 alone and over TLS with
credentials made for the run, so that no other user of the machine can send it work; ``address``
connects to an existing Dask scheduler (``executor.address=tcp://HOST:8786``), whose workers must see the results folder
(a shared file system).  ``auto`` is ``serial`` for runs so small that starting workers would take
longer than the run, and ``local`` otherwise.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass, replace

import numpy as np

from sim.model.model import DiplomacyModel, Setup, record_buffer
from sim.model.outcomes import OUTCOMES, replication_summaries
from sim.store.files import (
    SUMMARIES_DIR,
    cell_table,
    filesystem,
    is_unfinished_write,
    put_file,
    put_table,
    summaries_table,
)

# a Parquet dataset: one folder per cell, one file per chunk of replications, read back in that order
RESULTS_DIR = "results.parquet"
PROGRESS_FILE = "progress.json"
# below this many replication-months the start of worker processes (about 2 s, imports included) dominates
AUTO_SERIAL_LIMIT = 3_000_000
# seconds to connect to a scheduler and complete Dask's handshake
SCHEDULER_TIMEOUT = 10
# seconds to wait for a scheduler's first worker (executor.worker_wait)
DEFAULT_WORKER_WAIT = 60
# where a local cluster listens: reachable from this machine only
LOOPBACK = "127.0.0.1"


class EngineError(RuntimeError):
    """The engine could not run the tasks where it was told to; one line says why."""


@dataclass(frozen=True)
class Task:
    cell: int
    scenario: str
    hypothesis: str
    first: int  # first replication index of the chunk
    count: int

    @property
    def name(self) -> str:
        return f"cell-{self.cell:03d}/chunk-{self.first:07d}.parquet"


def plan_tasks(cells, replications: int, chunk_size: int) -> list[Task]:
    """Tasks in a fixed order: cell by cell, chunks in replication order."""
    tasks = []
    for i, cell in enumerate(cells):
        for first in range(0, replications, chunk_size):
            tasks.append(
                Task(i, cell.scenario.name, cell.hypothesis.name, first, min(chunk_size, replications - first))
            )
    return tasks


def chunk_setup(setup: Setup, first: int, count: int) -> Setup:
    """The cell's setup restricted to one chunk: per-replication parameters sliced to the chunk's rows."""
    params = {k: (np.asarray(v)[first : first + count] if np.ndim(v) else v) for k, v in setup.params.items()}
    return replace(setup, params=params)


_buffers = threading.local()


def _reusable_record(shape) -> np.ndarray:
    """The outcome record for a chunk, kept for the next chunk this thread computes.

    A record of 10,000 replications is 140 MB, written month by month; a fresh one costs a page fault per
    4 KB on first touch, measured at 0.15 s of a 1.2 s model run. One record per thread, of the last shape
    asked for.
    """
    record = getattr(_buffers, "record", None)
    if record is None or record.shape != shape:
        _buffers.record = None  # the old one goes before the new one is made
        record = _buffers.record = record_buffer(shape)
    return record


def forget_record():
    """Let the kept chunk record go: called by the report's tasks, which run once the chunks are done."""
    _buffers.record = None


def compute_chunk(setup: Setup, task: Task, folder: str) -> tuple[Task, int]:
    """Run one chunk and write its rows to ``folder/results.parquet/<task.name>`` and its per-replication
    summaries to ``folder/summaries.parquet/<task.name>``, each atomically. Runs on a worker.

    ``folder`` is a local path or a URL; the worker opens it itself, so it needs the same access the driver has.
    """
    _keep_freed_memory()
    reps = np.arange(task.first, task.first + task.count, dtype=np.int64)
    record = DiplomacyModel(setup, reps, record=_reusable_record((setup.months, len(OUTCOMES), task.count))).run()
    fs, root = filesystem(folder)
    summaries = summaries_table(replication_summaries(record), task.scenario, task.hypothesis, reps)
    put_table(fs, f"{root}/{SUMMARIES_DIR}/{task.name}", summaries)
    table = cell_table(record, task.scenario, task.hypothesis, reps, setup.start)
    # the results file last: a chunk counts as done once it is there
    put_table(fs, f"{root}/{RESULTS_DIR}/{task.name}", table)
    rows = table.num_rows
    del record, table, summaries
    release_memory()
    return task, rows


_frozen: list[bool] = []

# glibc's mallopt parameters
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _keep_freed_memory():
    """Let glibc keep freed memory for reuse while a chunk runs; release_memory hands it back at the end.

    Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, so that freed memory goes back to the
    system at once; setting it also pins the size above which glibc maps each allocation afresh at 128 KB.
    A model frees and reallocates its month arrays hundreds of times per chunk, and each fresh mapping
    faults its pages in again. Measured on policy-grid chunks of 10,000 replications on a Dask worker:
    62,000-75,000 page faults and up to 0.47 s in the kernel per chunk; 22,000-24,000 faults with glibc's
    own ceilings set here (32 MB, the most its adaptive threshold reaches, and a trim threshold above it).
    Set in the process that computes, so it holds on any cluster, however its workers were started.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    libc.mallopt(_M_TRIM_THRESHOLD, 64 << 20)


def release_memory():
    """Free the last task's memory and hand it back to the system.

    A model and its agents refer to each other, so a finished model's arrays wait for the cycle collector;
    and a Dask worker runs its tasks in a thread whose malloc arena keeps freed pages. Measured on a worker
    running 24 chunks of 10,000 replications: 1.0 GB grew to 1.8 GB without this, and stayed at 0.4 GB
    after a collection and a trim. Without glibc, the collection alone.

    The first call also freezes what survives it (the imported modules and their caches, some 200,000
    objects) out of the collector's reach: a full collection of them took 0.11 s, paid by every chunk and
    every charted outcome, 19 s of a 2-minute run. Later collections scan only what was made since.
    """
    gc.collect()
    if not _frozen:
        gc.freeze()
        _frozen.append(True)
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)


def fingerprint(manifest_settings: dict) -> str:
    """What makes two runs' chunks interchangeable: every setting that shapes the results."""
    text = json.dumps(manifest_settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Progress:
    """``progress.json`` in the staging folder: the run's fingerprint and the chunks already in place."""

    def __init__(self, folder, key: str, total: int):
        self.fs, self.root = filesystem(folder)
        self.path = f"{self.root}/{PROGRESS_FILE}"
        self.key = key
        self.total = total
        self.done: set[str] = set()
        # set by load: a progress file was there, written by a run of other settings
        self.other_settings = False

    def load(self) -> bool:
        """Take over the finished chunks of an earlier, interrupted run of the same settings."""
        try:
            data = json.loads(self.fs.cat_file(self.path).decode("utf-8"))
        except (OSError, ValueError):
            return False
        if data.get("fingerprint") != self.key:
            self.other_settings = True
            return False
        self._remove_unfinished_writes()
        self.done = {
            name
            for name in data.get("done", [])
            if self.fs.isfile(f"{self.root}/{RESULTS_DIR}/{name}")
            and self.fs.isfile(f"{self.root}/{SUMMARIES_DIR}/{name}")
        }
        return True

    def _remove_unfinished_writes(self):
        """A process killed while writing a chunk leaves its temporary file (``.<name>.<pid>.tmp``, see
        ``sim.store.files.put_file``) in the staging folder, which only this tool writes; the chunk is computed again."""
        for directory in (RESULTS_DIR, SUMMARIES_DIR):
            base = f"{self.root}/{directory}"
            if not self.fs.isdir(base):
                continue
            for path in self.fs.find(base):
                if is_unfinished_write(path.rpartition("/")[2]):
                    self.fs.rm_file(path)

    def add(self, task: Task):
        self.done.add(task.name)
        self.save()

    def save(self):
        data = {"fingerprint": self.key, "chunks": self.total, "done": sorted(self.done)}
        put_file(self.fs, self.path, lambda f: f.write((json.dumps(data, indent=1) + "\n").encode("utf-8")))

    def remove(self):
        self.fs.rm_file(self.path)


def choose_executor(kind: str, address: str | None, replication_months: int, shared: bool = True) -> str:
    """``shared``: whether other processes can reach the results (not so for a ``memory://`` store)."""
    if address:
        return "address"
    if kind == "auto" and not shared:
        return "serial"
    if kind == "auto":
        return "serial" if replication_months <= AUTO_SERIAL_LIMIT or (os.cpu_count() or 1) < 2 else "local"
    return kind


@contextlib.contextmanager
def _sigint_held():
    """Hold Ctrl-C back while a local cluster starts; one pressed meanwhile takes effect as the block ends.

    A worker stopped half-started, while Python imports its modules or while it registers with the
    scheduler, prints a traceback or a fatal error of twenty to a hundred lines. So the signal is blocked in
    this thread, whose mask the threads it starts and their worker processes inherit (a worker ignores it
    once started: ``dask_setup``); and a Ctrl-C that reaches this process meanwhile is only noted, then
    raised once the cluster is up, where the caller closes it cleanly.
    """
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask"):  # no signal masks on this platform
        yield
        return
    # The cluster's first queue starts multiprocessing's resource tracker, which unblocks the signal in the
    # starting thread once the tracker is up (CPython's own guard for the tracker); started first, it does not.
    # It is started with a hang-up held back too: the tracker ignores Ctrl-C and SIGTERM but dies of the SIGHUP
    # of a closed terminal, and the workers' semaphores then fail on stderr, 50 lines of warnings and KeyErrors.
    from multiprocessing import resource_tracker

    hang_up = {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, hang_up)
    try:
        resource_tracker.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    noted, previous = [], None
    main = threading.current_thread() is threading.main_thread()

    def note(signum, frame):
        if noted:  # pressed again: a start that hangs can still be stopped, tracebacks and all
            raise KeyboardInterrupt
        noted.append(signum)

    if main:  # only the main thread may set a handler
        previous = signal.signal(signal.SIGINT, note)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a Ctrl-C held in this thread arrives here
    if noted and previous not in (signal.SIG_IGN, None):
        raise KeyboardInterrupt


def local_security():
    """Fresh TLS credentials for one local cluster, held in memory only.

    The scheduler of a local cluster runs whatever task it is sent, as the user who started it; without
    credentials any other user of the machine could send it one. With these the scheduler, its workers and
    this process's client prove themselves to one another with a key made for this run alone (Dask's
    ``Security.temporary``), and a connection without it fails its TLS handshake.
    """
    from distributed.security import Security

    try:
        return Security.temporary()
    except ImportError:
        raise EngineError(
            "a local Dask cluster needs the cryptography package for its per-run credentials: "
            "pip install cryptography (or executor=serial)"
        ) from None


def _local_cluster(workers):
    from distributed import LocalCluster

    security = local_security()
    with _sigint_held():
        return LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            # the scheduler, workers and nannies on the loopback interface alone, over TLS with this run's key
            host=LOOPBACK,
            protocol="tls://",
            security=security,
            # no dashboard; the scheduler's HTTP endpoint on a free port of the loopback interface: on Dask's
            # default port (8787) it would warn on stderr whenever another cluster on this machine holds that port
            dashboard_address=f"{LOOPBACK}:0",
            scheduler_kwargs={"dashboard": False},
            # not even errors: a worker whose scheduler closes under it (Ctrl-C) logs a failed heartbeat; a task's
            # own failure reaches this process through its future, and is reported here in one line
            silence_logs=logging.CRITICAL,
            # each worker process runs dask_setup below as it starts
            preload=[__name__],
        )


def dask_setup(worker):
    """Run by Dask in each local worker process as it starts (a preload): ignore Ctrl-C there.

    A terminal sends Ctrl-C to every process of the run. The driver closes the cluster itself when it gets
    it; a worker that got it too would end with a traceback of its own on stderr (dozens of lines each).
    Until this runs, the worker holds Ctrl-C back (``_sigint_held``); ignored, a held one is dropped.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _scheduler_failure(address, exc: BaseException) -> EngineError:
    reason = str(exc).strip() or type(exc).__name__
    return EngineError(f"could not reach the Dask scheduler at {address}: {reason}".splitlines()[0])


def _check_scheduler(address: str, seconds: float):
    """Connect to ``address`` and make Dask's handshake, within ``seconds`` in all.

    Dask's own client bounds only the connection, not the handshake after it: a server of another kind that
    accepts the connection and never answers (a web server waiting for a request) would keep it forever.
    One that answers with something else fails here too, whatever it sent (bytes read as a Dask message
    header can announce a frame too large to allocate).
    """
    import asyncio

    from distributed.comm import connect
    from distributed.security import Security

    async def handshake():
        comm = await connect(address, timeout=seconds, **Security().get_connection_args("client"))
        try:
            await comm.write({"op": "identity", "reply": True})
            reply = await comm.read()
        finally:
            comm.abort()
        if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
            raise OSError("the server there is not a Dask scheduler")

    try:
        asyncio.run(asyncio.wait_for(handshake(), seconds))
    except asyncio.TimeoutError:
        raise EngineError(
            f"could not reach the Dask scheduler at {address}: no answer as a Dask scheduler within {seconds:g} s"
        ) from None
    except MemoryError:
        raise EngineError(
            f"could not reach the Dask scheduler at {address}: the server there answered with something else"
        ) from None
    except Exception as exc:  # refused, reset, garbled, not Dask: all say the address is not a scheduler
        raise _scheduler_failure(address, exc) from None


def _scheduler_client(address: str, worker_wait: float):
    """A client of the scheduler at ``address`` that has at least one worker, or EngineError in one line."""
    import sys

    from distributed import Client

    _check_scheduler(address, SCHEDULER_TIMEOUT)
    try:
        client = Client(address, timeout=f"{SCHEDULER_TIMEOUT}s")
    except Exception as exc:
        raise _scheduler_failure(address, exc) from None
    try:
        workers = client.scheduler_info(n_workers=-1).get("workers", {}).values()
        if not any(worker.get("status") == "running" for worker in workers):
            print(
                f"waiting up to {worker_wait:g} s for a worker to join the Dask scheduler at {address}",
                file=sys.stderr,
                flush=True,
            )
            client.wait_for_workers(1, timeout=worker_wait)
    except TimeoutError:
        client.close()
        raise EngineError(
            f"the Dask scheduler at {address} has no workers: none joined within {worker_wait:g} s; start one with "
            f"dask worker {address} --nthreads 1 (or raise executor.worker_wait)"
        ) from None
    except BaseException:
        client.close()
        raise
    return client


class SerialPool:
    """Runs calls one after another in this process."""

    client = None

    def __call__(self, fn, calls) -> list:
        return [fn(*args) for args in calls]

    def submit(self, fn, *args) -> "_Deferred":
        return _Deferred(fn, args)


class _Deferred:
    """A call made when its result is asked for: in a serial run, work submitted early runs in the order
    the results are needed."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def result(self):
        return self.fn(*self.args)


class DaskPool:
    """Runs calls on the workers of a Dask client; results come back in the order of the calls."""

    def __init__(self, client):
        self.client = client

    def __call__(self, fn, calls) -> list:
        return self.client.gather([self.submit(fn, *args) for args in calls])

    def submit(self, fn, *args):
        """Start ``fn(*args)`` on a worker now; ``.result()`` waits for it."""
        return self.client.submit(fn, *args, pure=False)


class CountedPool:
    """A pool whose work shows on a progress bar: each call given to it adds one to the bar's total, each
    result come back one to its count. The report's tables are written between, so the bar moves while it
    is written and does not sit still at 100% as the run's chunks bar would."""

    def __init__(self, pool, bar):
        self.pool, self.bar = pool, bar
        self.client = pool.client

    def __call__(self, fn, calls) -> list:
        calls = list(calls)
        self._more(len(calls))
        results = self.pool(fn, calls)
        self.bar.update(len(calls))
        return results

    def submit(self, fn, *args) -> "_Counted":
        self._more(1)
        return _Counted(self.pool.submit(fn, *args), self.bar)

    def _more(self, count: int) -> None:
        self.bar.total = (self.bar.total or 0) + count
        self.bar.refresh()


class _Counted:
    def __init__(self, future, bar):
        self.future, self.bar, self.counted = future, bar, False

    def result(self):
        value = self.future.result()
        if not self.counted:
            self.counted = True
            self.bar.update(1)
        return value


@contextlib.contextmanager
def open_pool(executor: str, address=None, workers=None, worker_wait: float = DEFAULT_WORKER_WAIT):
    """The workers a run's tasks and its report's per-cell work go to, closed on leaving (also on Ctrl-C).

    ``worker_wait``: with an address, the seconds to wait for the scheduler's first worker.
    """
    if executor == "serial":
        yield SerialPool()
        return
    import distributed.deploy.spec
    from distributed import Client

    # the cluster is closed here, also on Ctrl-C or SIGTERM; Dask's own exit hook would print a traceback
    # when a stop request cut the start of the cluster short
    atexit.unregister(distributed.deploy.spec.close_clusters)
    client = cluster = None
    if executor == "address":
        client = _scheduler_client(address, worker_wait)
    else:
        try:
            cluster = _local_cluster(workers)
        except BaseException:
            for closing in list(distributed.deploy.spec.SpecCluster._instances):
                with contextlib.suppress(BaseException):
                    closing.close()
            raise
    try:
        if client is None:
            client = Client(cluster, security=cluster.security)
        yield DaskPool(client)
    except KeyboardInterrupt:
        # closing the client cuts its waiting calls short, and asyncio would log a traceback for each as it
        # is collected; the one line of the stop request says what happened
        for name in ("asyncio", "distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        raise
    finally:
        for closing in (client, cluster):
            if closing is not None:
                with contextlib.suppress(BaseException):
                    closing.close()


def run_tasks(jobs, folder, progress: Progress, pool, on_done=None):
    """Run ``jobs`` (pairs of a task and its chunk setup) not yet in ``progress`` on ``pool`` (``open_pool``);
    ``on_done(task)`` after each, in the order they finish."""
    pending = [(task, setup) for task, setup in jobs if task.name not in progress.done]
    if pool.client is None:
        for task, setup in pending:
            compute_chunk(setup, task, str(folder))
            progress.add(task)
            if on_done:
                on_done(task)
        return
    from distributed import as_completed

    client = pool.client
    futures = [client.submit(compute_chunk, setup, task, str(folder), pure=False) for task, setup in pending]
    for future in as_completed(futures):
        task, _ = future.result()
        progress.add(task)
        if on_done:
            on_done(task)
