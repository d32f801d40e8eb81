"""The engine's wall time and memory for a whole experiment, serially and on local Dask workers.

Runs ``python -m sim`` as a user would (report included) and reports, for each executor (this process
alone, one Dask worker, N Dask workers), the wall time,
the peak memory of the driver process and its workers, and the bytes on disk per replication-month.

usage: python benchmarks/engine.py [--experiment policy_grid] [--replications 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (GB) of the command and every process it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(args)} failed: {done.stderr.strip().splitlines()[-1]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1e6


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "results.parquet").rglob("*.parquet"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiment", default="policy_grid")
    ap.add_argument("--replications", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        common = [f"experiment={args.experiment}", f"replications={args.replications}", "progress=false"]
        rows = {}
        for name, extra in (
            ("serial", ["executor.kind=serial"]),
            ("local x1", ["executor.kind=local", "executor.workers=1"]),
            (f"local x{args.workers}", ["executor.kind=local", f"executor.workers={args.workers}"]),
        ):
            out = Path(tmp) / name.replace(" ", "_")
            seconds, peak = run([*common, *extra, f"out_dir={out}"])
            manifest = json.loads((out / "manifest.json").read_text())
            rep_months = manifest["replications"] * manifest["months"] * len(manifest["cells"])
            rows[name] = seconds
            print(
                f"{name:>10}: {seconds:6.1f} s wall, peak RSS of one process {peak:.2f} GB, "
                f"{disk_bytes(out) / rep_months:.1f} bytes per replication-month on disk "
                f"({rep_months / 1e6:.1f} M replication-months)"
            )
        many = f"local x{args.workers}"
        print(
            f"speed-up of {many} over local x1: {rows['local x1'] / rows[many]:.2f}x, "
            f"over serial: {rows['serial'] / rows[many]:.2f}x (cores: {os.cpu_count()})"
        )


if __name__ == "__main__":
    main()
