"""The live page in a real browser: Debian's chromium driven by Playwright, offline, no page error allowed.

It starts ``python -m sim.dashboard`` on a free port, loads the page, moves a lever and waits for the charts
to be redrawn, steps the watched run, opens a results folder, and keeps screenshots and the measured
times in tests/artifacts/ (ignored by git).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
START_TIMEOUT = 90
STEP_TIMEOUT_MS = 60_000


def _browser():
    if CHROMIUM is None:
        if os.geteuid() == 0:
            pytest.fail("chromium is missing although we are root: 'make test' installs it (make browser)")
        pytest.skip("chromium is not installed and cannot be installed without root")
    return pytest.importorskip("playwright.sync_api", reason="playwright comes with the dashboard extra")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    _browser()  # skip or fail before starting anything
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log = open(ARTIFACTS / "dashboard_server.log", "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.dashboard", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    try:
        while True:
            assert proc.poll() is None, f"the server stopped; see {log.name}"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.perf_counter() - started < START_TIMEOUT, "the server did not answer in time"
            time.sleep(0.5)
        yield url, time.perf_counter() - started
    finally:
        # the server and its helper process: the session started for it alone
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _results_folder(tmp_path: Path) -> Path:
    run = tmp_path / "results" / "tiny"
    run.mkdir(parents=True)
    (run / "summary.csv").write_text("scenario,hypothesis,deaths\nstatus_quo,h,10\nisolation,h,12\n", encoding="utf-8")
    (run / "report.md").write_text("# Tiny report\n\nTwo cells, one outcome.\n", encoding="utf-8")
    return run


def test_page_redraws_after_a_lever_and_steps_a_watched_run(server, tmp_path):
    sync_api = _browser()
    url, server_seconds = server
    run = _results_folder(tmp_path)
    errors, outside = [], []
    timings = {"server_start_s": round(server_seconds, 2)}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1500, "height": 2000})
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.on("console", lambda m: m.type == "error" and errors.append(f"console error: {m.text}"))
        page.on(
            "request",
            lambda r: (
                r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:http://127.0.0.1", "data:"))
                or outside.append(r.url)
            ),
        )
        try:
            t = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("text=redraw 1", timeout=STEP_TIMEOUT_MS)
            timings["first_view_s"] = round(time.perf_counter() - t, 2)
            fan = page.locator(".fan-chart img, img.fan-chart").first
            before = fan.get_attribute("src")

            slider = page.locator(".v-input").filter(has_text="sanctions").locator(".v-slider").first
            box = slider.bounding_box()
            redraws = []
            for n, position in enumerate((0.95, 0.6, 0.25), start=2):
                t = time.perf_counter()
                slider.click(position={"x": box["width"] * position, "y": box["height"] / 2})
                page.wait_for_selector(f"text=redraw {n}", timeout=STEP_TIMEOUT_MS)
                page.wait_for_function(
                    "([sel, old]) => { const i = document.querySelector(sel); return i && i.src !== old; }",
                    arg=[".fan-chart img, img.fan-chart", before],
                    timeout=STEP_TIMEOUT_MS,
                )
                redraws.append(round(time.perf_counter() - t, 2))
                after = fan.get_attribute("src")
                assert after != before
                before = after
                timings.setdefault("server_side", []).append(page.inner_text(".live-timing"))
            timings["lever_to_redraw_s"] = redraws
            page.screenshot(path=ARTIFACTS / "dashboard_live.png", full_page=True)

            # all four hypotheses: the effect distribution gets one P(better) per hypothesis
            page.locator(".v-select").filter(has_text="hypothesis").first.click()
            page.get_by_role("option", name="all").click()
            t = time.perf_counter()
            page.wait_for_selector("text=× 4 hypotheses", timeout=STEP_TIMEOUT_MS)
            timings["all_hypotheses_first_s"] = round(time.perf_counter() - t, 2)
            assert page.locator(".md table").inner_text().count("%") >= 4 * 4
            page.screenshot(path=ARTIFACTS / "dashboard_all_hypotheses.png", full_page=True)

            page.get_by_role("tab", name="Watched future").click()
            page.wait_for_selector("text=end of month 1 ", timeout=STEP_TIMEOUT_MS)
            network = page.locator(".network-chart img, img.network-chart").first
            first_month = network.get_attribute("src")
            for month in (2, 3, 4):
                page.get_by_role("button", name="month ▶").click()
                page.wait_for_selector(f"text=end of month {month} ", timeout=STEP_TIMEOUT_MS)
            assert network.get_attribute("src") != first_month  # the month label in the chart at least changed
            page.get_by_role("button", name="play").click()
            page.wait_for_selector("text=end of month 7 ", timeout=STEP_TIMEOUT_MS)
            page.get_by_role("button", name="pause").click()
            page.get_by_role("button", name="play").wait_for(timeout=STEP_TIMEOUT_MS)
            assert page.locator(".rule-panel").inner_text().count("seed ") >= 1
            page.screenshot(path=ARTIFACTS / "dashboard_watched.png", full_page=True)

            page.get_by_role("tab", name="Results folder").click()
            page.wait_for_selector("text=results folder (e.g. results/all_policies)", timeout=STEP_TIMEOUT_MS)
            field = page.get_by_label("results folder (e.g. results/all_policies)")
            field.fill(str(run))
            field.press("Enter")
            page.wait_for_selector("text=summary.csv (2 rows)", timeout=STEP_TIMEOUT_MS)
            page.wait_for_selector("text=Two cells, one outcome.", timeout=STEP_TIMEOUT_MS)
            page.screenshot(path=ARTIFACTS / "dashboard_results.png", full_page=True)
            body = page.inner_text("body")
        except Exception:
            page.screenshot(path=ARTIFACTS / "dashboard_failure.png", full_page=True)
            raise
        finally:
            browser.close()
    (ARTIFACTS / "dashboard_timing.json").write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    print(timings)
    assert "Traceback" not in body
    assert not errors, errors
    assert not outside, f"the page asked the network for {outside[:3]}"
