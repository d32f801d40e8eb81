"""The results store: one Parquet table of every replication-month, a manifest, all written atomically.

Everything is written into a hidden staging folder beside the target and moved
into place only when the run has finished, so a failed or interrupted run never
leaves half-written results where the finished ones would be.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.outcomes import OUTCOMES

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "hydra-core", "omegaconf", "networkx", "tqdm")


def month_dates(start: tuple[int, int], months: int) -> np.ndarray:
    first = np.datetime64(f"{start[0]:04d}-{start[1]:02d}", "M")
    return (first + np.arange(months)).astype("datetime64[D]")


def results_schema() -> pa.Schema:
    fields = [
        # dictionary-encoded: a handful of names repeated over millions of rows
        pa.field("scenario", pa.dictionary(pa.int32(), pa.string())),
        pa.field("hypothesis", pa.dictionary(pa.int32(), pa.string())),
        pa.field("replication", pa.int32()),
        pa.field("date", pa.timestamp("ms")),
    ]
    fields += [pa.field(o.name, pa.int32() if o.integer else pa.float32()) for o in OUTCOMES]
    return pa.schema(fields)


def cell_table(
    record: np.ndarray, scenario: str, hypothesis: str, replications: np.ndarray, start: tuple[int, int]
) -> pa.Table:
    """Long table of one cell: rows ordered by replication, then month."""
    months, _, n = record.shape
    rows = months * n
    columns = [
        _repeated(scenario, rows),
        _repeated(hypothesis, rows),
        pa.array(np.repeat(np.asarray(replications, dtype=np.int32), months)),
        pa.array(np.tile(month_dates(start, months).astype("datetime64[ms]"), n)),
    ]
    for i, o in enumerate(OUTCOMES):
        values = record[:, i, :].T.reshape(-1)
        columns.append(pa.array(np.rint(values).astype(np.int32) if o.integer else values))
    return pa.Table.from_arrays(columns, schema=results_schema())


def _repeated(name: str, rows: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array([name], pa.string()))


PARAMETERS_FILE = "parameters.parquet"


def parameters_table(replications, drawn: dict) -> pa.Table:
    """One row per replication: ``replication`` and one column per drawn parameter, in name order."""
    columns = {"replication": pa.array(np.asarray(replications, dtype=np.int32))}
    for name in sorted(drawn):
        columns[name] = pa.array(np.asarray(drawn[name], dtype=np.float64))
    return pa.table(columns)


def write_parameters(path: Path, replications, drawn: dict):
    pq.write_table(parameters_table(replications, drawn), Path(path) / PARAMETERS_FILE, compression="zstd")


class StagedOutput:
    """A staging folder that becomes ``target`` on ``commit()`` and vanishes otherwise."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = self.target.parent / f".{self.target.name}.partial-{os.getpid()}"
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir()
        self._writer: pq.ParquetWriter | None = None

    def append_results(self, table: pa.Table):
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path / "results.parquet", results_schema(), compression="zstd")
        self._writer.write_table(table)

    def close_results(self):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def commit(self):
        self.close_results()
        old = None
        if self.target.exists():
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
            self.target.rename(old)
        self.path.rename(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self):
        with contextlib.suppress(Exception):
            self.close_results()
        shutil.rmtree(self.path, ignore_errors=True)


def package_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state() -> dict:
    root = Path(__file__).resolve().parent.parent

    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip() != ""
        return {"commit": head.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def write_manifest(path: Path, manifest: dict):
    manifest = {
        **manifest,
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "packages": package_versions(),
        "git": git_state(),
    }
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
