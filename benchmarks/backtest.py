"""Wall time of ``python -m sim experiment=backtest``: two origins, each with its history matching on the records
known then and its forecast to July 2025, plus the run it is reported with and the report.

    .venv/bin/python benchmarks/backtest.py [extra overrides ...]

The run goes into a temporary folder, which is removed afterwards.  The budget is ten minutes on a two-core
machine.  The last line is ``backtest=<seconds> s budget=600 s within=<True|False>``.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 600.0


def main():
    work = Path(tempfile.mkdtemp())
    out = work / "backtest"
    try:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "experiment=backtest", "progress=false", f"out_dir={out}", *sys.argv[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        rows = sum(1 for _ in (out / "backtest.csv").open()) - 1
        print(f"backtest.csv: {rows} rows")
        print(f"backtest={seconds:.1f} s budget={BUDGET:.0f} s within={seconds <= BUDGET}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
