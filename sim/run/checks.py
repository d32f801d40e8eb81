"""Checks at the start of a run: the memory and disk the plan needs on this machine, and the results
folder it will write (a local folder or a URL)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sim.config.names import ConfigError, is_url
from sim.model.outcomes import OUTCOME_NAMES
from sim.run.engine import choose_executor
from sim.store.files import OutputRefused, check_out_dir, size_text
from sim.store.url import check_url_out_dir

# Peak memory of a run, summed over the driver and the worker processes on this machine, from the parts
# measured on the default experiment (29 outcomes, 120 months; benchmarks/memory.py):
# - a process's imports and state: about 0.5 GB for the driver (Dask's scheduler included), 0.4 GB for a
#   worker between tasks;
# - a chunk under way: its record, summaries and Arrow table, about 10 bytes per replication, month and
#   outcome of the chunk (0.35 GB at 10,000 replications);
# - a cell's fans: one charted outcome of one cell at a time, about 24 bytes per replication and month;
# - the driver's tables: a few cells' per-replication summaries, about 32 bytes per replication and outcome.
# Measured at 100,000 replications on two workers: 2.1-2.5 GB in all (benchmarks/memory.py).
DRIVER_BASE_BYTES = 0.5e9


WORKER_BASE_BYTES = 0.4e9


CHUNK_BYTES_PER_VALUE = 10.0


FAN_BYTES_PER_REPLICATION_MONTH = 24.0


TABLE_BYTES_PER_SUMMARY = 32.0


# results.parquet and summaries.parquet: 29-30 bytes per replication-month measured (zstd, split floats,
# delta integers); 40 leaves room for parameters and figures
DISK_BYTES_PER_REPLICATION_MONTH = 40.0


def estimate_resources(
    replications: int, months: int, cells: int, chunk_size: int = 10_000, workers: int | None = 0
) -> tuple[float, float]:
    """(peak memory, disk) in bytes for a run on this machine.

    ``workers``: 0 for a serial run (the driver does all the work), a number of local worker processes, or
    None when the work runs on a cluster elsewhere (only the driver's part is on this machine).
    """
    outcomes = len(OUTCOME_NAMES)
    chunk_values = months * outcomes * min(chunk_size, replications)
    task = max(
        CHUNK_BYTES_PER_VALUE * chunk_values,
        # a process keeps its last chunk's float32 record for the next chunk (sim.run.engine._reusable_record)
        FAN_BYTES_PER_REPLICATION_MONTH * months * replications + 4 * chunk_values,
    )
    memory = DRIVER_BASE_BYTES + TABLE_BYTES_PER_SUMMARY * outcomes * replications
    if workers == 0:
        memory += task
    elif workers is not None:
        memory += workers * (WORKER_BASE_BYTES + task)
    disk = DISK_BYTES_PER_REPLICATION_MONTH * replications * months * cells
    return memory, disk


def available_memory() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _local_workers(executor, replications: int, months: int, cells: int, out_dir="") -> int | None:
    """How many worker processes the run starts on this machine (0: serial; None: a cluster elsewhere)."""
    # as the run chooses: a folder in this process's memory cannot be shared with workers
    shared = not str(out_dir).startswith("memory://")
    kind = choose_executor(executor.kind, executor.address, replications * months * cells, shared=shared)
    if kind == "address":
        return None
    return 0 if kind == "serial" else executor.workers or os.cpu_count() or 1


def _check_resources(replications: int, months: int, cells: int, out_dir: Path, max_memory_gb, chunk_size, executor):
    workers = _local_workers(executor, replications, months, cells, out_dir)
    memory, disk = estimate_resources(replications, months, cells, chunk_size, workers)
    limit = max_memory_gb * 1e9 if max_memory_gb is not None else available_memory()
    if limit is not None and memory > limit:
        source = "max_memory_gb" if max_memory_gb is not None else "free on this machine"
        head = f"this run needs about {memory / 1e9:.1f} GB of memory and {limit / 1e9:.1f} GB is {source}"

        def fits(n):
            return estimate_resources(n, months, cells, chunk_size, workers)[0] <= limit

        if not fits(1):
            if workers:
                raise ConfigError(
                    f"{head}; its {workers} worker processes alone need more: run it with executor.kind=serial or "
                    "fewer executor.workers"
                )
            raise ConfigError(f"{head}; even one replication needs more: raise max_memory_gb")
        low, high = 1, replications  # the most replications that fit: fits(low), not fits(high)
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if fits(mid) else (low, mid)
        raise ConfigError(
            f"{head}; lower replications to about {low:,} (or months, or chunk_size), and run more seeds for a larger ensemble"
        )

    if is_url(out_dir):  # the free space of a remote store is not known here
        return
    try:
        free = shutil.disk_usage(_existing_parent(out_dir)).free
    except OSError:
        return
    if disk > free:
        raise ConfigError(
            f"this run writes about {size_text(disk)} and {size_text(free)} is free where out_dir is; "
            "lower replications or months, or choose an out_dir on a larger disk"
        )


def _check_url(url: str, plan):
    if url.startswith("memory://") and (plan.executor.address or plan.executor.kind == "local"):
        raise ConfigError(
            f"out_dir {url} lives in this process only, where Dask workers cannot write; use executor.kind=serial "
            "or a URL the workers can reach"
        )
    check_url_out_dir(url, overwrite=plan.overwrite, resume=plan.resume)


def _existing_parent(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_can_run(plan) -> None:
    """Refuse, in one line, a run this machine cannot hold or a results folder it may not write into.

    The plan is whole by now (its analysis design attached), so the replications checked are the run's."""
    _check_resources(
        plan.replications, plan.months, len(plan.cells), plan.out_dir, plan.max_memory_gb, plan.chunk_size, plan.executor
    )
    try:
        if is_url(plan.out_dir):
            _check_url(plan.out_dir, plan)
        else:
            check_out_dir(plan.out_dir, overwrite=plan.overwrite)
    except OutputRefused as exc:
        raise ConfigError(str(exc)) from None
