"""Wall time of ``python -m sim report DIR`` (report, tables and figures from the stored files alone).

    .venv/bin/python benchmarks/report_time.py [DIR]

Without DIR, the default experiment is run first into a temporary folder. The report is rebuilt twice;
the second must give the same bytes. The last line is ``report=<seconds> s identical=<True|False>``.
"""

import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def digest(folder: Path) -> dict:
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".png", ".md", ".csv", ".txt"))
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in names}


def main():
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
    else:
        folder = Path(tempfile.mkdtemp()) / "default"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "progress=false", f"out_dir={folder}"], check=True, stdout=subprocess.DEVNULL
        )
        print(
            f"run (16 cells x 1,000 replications x 120 months, report included): {time.perf_counter() - started:.1f} s"
        )
    times, digests = [], []
    for _ in range(2):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", "report", str(folder)], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        digests.append(digest(folder))
    print(f"report={min(times):.1f} s identical={digests[0] == digests[1]}")


if __name__ == "__main__":
    main()
