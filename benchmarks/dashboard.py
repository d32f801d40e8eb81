"""Wall time from a slider move to the redrawn chart, in the real page (system chromium, Playwright).

Starts ``python -m sim.dashboard`` on a free port, waits for the first view, then moves the ``sanctions``
lever and one assumption a few times each and measures, for every move, the seconds until the fan chart's
pixels change in the browser: the server's ensemble, its summaries, the messages and the browser's
drawing together.  Each time is given from the start of Playwright's click (which spends 0.1-0.2 s on its
own checks before it presses) and from the page's message to the server (what a person's release starts).
Then it plays the watched run for a few seconds and counts the months shown against the clock's.  Prints each time, their median, and the machine's load average before and after (the
machine is shared, so a time means little without its load).

usage: python benchmarks/dashboard.py [--moves 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sim.dashboard.app import lever_label
from sim.model.levers import LEVER
from tests.faces import drive

TIMEOUT_MS = 60_000
# an assumption the fan charts show (humanitarian need), so a move must change them
ASSUMPTION_GROUP = "population"
ASSUMPTION = "aid_need"
PLAY_SECONDS = 8.0


def play_for(page, seconds: float) -> dict:
    """Play the watched run for ``seconds``: months shown, months passed, and the clock's pace (0.5 s a month)."""
    page.get_by_role("tab", name="Watched future").click()
    page.wait_for_selector("text=end of month 1 ", timeout=TIMEOUT_MS)
    page.get_by_role("button", name="play").click()
    seen, started = [], time.perf_counter()
    while time.perf_counter() - started < seconds:
        text = page.inner_text(".watched-month")
        month = int(re.search(r"end of month (\d+)", text).group(1))
        if not seen or seen[-1] != month:
            seen.append(month)
        page.wait_for_timeout(50)
    page.get_by_role("button", name="pause").click()
    steps = [b - a for a, b in itertools.pairwise(seen)]
    return {
        "seconds": seconds,
        "months_passed": seen[-1] - seen[0],
        "months_shown": len(seen),
        "largest_step": max(steps, default=0),
        "clock_months": round(seconds / 0.5),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=5, help="moves of each slider (default 5)")
    parser.add_argument("--json", type=Path, help="also write the times to this file")
    args = parser.parse_args()
    if not 1 <= args.moves <= 20:
        print("error: --moves must be between 1 and 20", file=sys.stderr)
        return 2
    if drive.chromium() is None:
        print("error: chromium is not installed (make browser)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    fractions = [0.9, 0.2, 0.7, 0.35, 0.55, 0.1, 0.8, 0.45, 0.65, 0.25][: args.moves]
    times = {"lever": [], "assumption": []}
    with (
        tempfile.TemporaryDirectory() as tmp,
        drive.serve(Path(tmp) / "server.log") as (url, start_s),
        sync_playwright() as p,
        drive.open_page(p, url) as (page, watch),
    ):
        page.wait_for_selector("text=redraw 1", timeout=TIMEOUT_MS)
        picture = drive.wait_for_picture(page, "fan-chart", TIMEOUT_MS)
        for f in fractions:
            seconds, picture = drive.timed_move(
                page, lever_label(LEVER["sanctions"]), f, "fan-chart", picture, TIMEOUT_MS, watch, ".live-timing"
            )
            times["lever"].append(seconds)
        page.get_by_text(ASSUMPTION_GROUP + " (").first.click()
        # the opened group's sliders arrive first; a move is timed from a settled page
        drive.slider(page, ASSUMPTION).wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)
        for f in fractions:
            seconds, picture = drive.timed_move(
                page, ASSUMPTION, f, "fan-chart", picture, TIMEOUT_MS, watch, ".live-timing"
            )
            times["assumption"].append(seconds)
        server_side = page.inner_text(".live-timing")
        play = play_for(page, PLAY_SECONDS)
        if watch.errors or watch.outside:
            print(f"error: the page failed: {(watch.errors + watch.outside)[:3]}", file=sys.stderr)
            return 1
    load_after = os.getloadavg()
    from_click = {k: [round(a, 3) for a, _ in v] for k, v in times.items()}
    from_message = {k: [round(b, 3) for _, b in v] for k, v in times.items()}
    result = {
        "server_start_s": round(start_s, 2),
        "lever_move_to_new_chart_s": from_click["lever"],
        "assumption_move_to_new_chart_s": from_click["assumption"],
        "median_s": round(statistics.median(from_click["lever"] + from_click["assumption"]), 3),
        "from_the_page_message_s": from_message,
        "median_from_message_s": round(statistics.median(from_message["lever"] + from_message["assumption"]), 3),
        "last_server_side": server_side,
        "play": play,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
