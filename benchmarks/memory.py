"""Peak memory of a whole run: the driver and every worker process it starts, summed, sampled as it runs.

    .venv/bin/python benchmarks/memory.py [--replications 100000] [ARGS ...]

Runs ``python -m sim`` with the given settings (the default experiment unless ARGS say otherwise) into a
temporary folder and prints the wall time, the peak of the summed resident memory of the process tree (and
of its proportional set size, which counts shared library pages once), the peak of its largest single
process and the bytes on disk per replication-month. The last line reads
``memory_total_gb=<x> memory_pss_gb=<p> memory_largest_gb=<y> seconds=<s> bytes_per_rep_month=<b>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def tree_memory(process: psutil.Process) -> tuple[int, int, int]:
    """(summed resident, largest resident, summed proportional) bytes of a process and its descendants.

    Resident sizes count the pages of shared libraries once in every process that maps them; the
    proportional set size (PSS) splits each shared page between the processes that share it, so its sum is
    what the tree takes from the machine.
    """
    rss, pss = [], []
    for p in [process, *process.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss.append(info.rss)
        pss.append(getattr(info, "pss", info.rss))
    return sum(rss), max(rss, default=0), sum(pss)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=100_000)
    ap.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    args, extra = ap.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        command = [sys.executable, "-m", "sim", f"replications={args.replications}", f"out_dir={out}"]
        command += ["progress=false", *extra]
        print("running:", " ".join(command[1:]), flush=True)
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        watched = psutil.Process(child.pid)
        peak_total = peak_largest = peak_pss = 0
        while child.poll() is None:
            try:
                total, largest, proportional = tree_memory(watched)
            except psutil.Error:
                break
            peak_total, peak_largest = max(peak_total, total), max(peak_largest, largest)
            peak_pss = max(peak_pss, proportional)
            time.sleep(args.interval)
        seconds = time.perf_counter() - started
        stderr = child.stderr.read()
        if child.returncode != 0:
            sys.exit(
                f"error: the run failed: {stderr.strip().splitlines()[-1] if stderr.strip() else child.returncode}"
            )
        manifest = json.loads((out / "manifest.json").read_text())
        rep_months = manifest["replications"] * manifest["months"] * len(manifest["cells"])
        disk = sum(p.stat().st_size for p in (out / "results.parquet").rglob("*.parquet"))
    print(
        f"{rep_months:,} replication-months in {seconds:.1f} s; peak memory {peak_total / 1e9:.2f} GB resident "
        f"summed over the driver and its workers ({peak_pss / 1e9:.2f} GB with shared pages counted once), "
        f"{peak_largest / 1e9:.2f} GB in the largest process; "
        f"{disk / rep_months:.1f} bytes per replication-month on disk"
    )
    print(
        f"memory_total_gb={peak_total / 1e9:.2f} memory_pss_gb={peak_pss / 1e9:.2f} "
        f"memory_largest_gb={peak_largest / 1e9:.2f} "
        f"seconds={seconds:.1f} bytes_per_rep_month={disk / rep_months:.1f}"
    )


if __name__ == "__main__":
    main()
