"""Drive the live page in a real browser (Debian's chromium through Playwright), offline.

Shared by the page's browser test and its benchmark: start the server on a free port of 127.0.0.1, open the
page with every page error and every request off 127.0.0.1 collected, move a slider, and wait until a
chart's pixels change (the charts are drawn on canvases in the browser, so a redraw is a new picture there).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "blob:http://127.0.0.1", "data:")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def printed_url(log_path: Path) -> str | None:
    """The address (its secret path included) that the server printed at start-up, once it has."""
    found = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", Path(log_path).read_text(encoding="utf-8"))
    return found.group(0) if found else None


@contextlib.contextmanager
def serve(log_path: Path, *args: str):
    """``python -m sim.dashboard`` (with ``args``) on a free port; yields (its secret address, seconds until it
    answered)."""
    port = free_port()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.dashboard", "--port", str(port), *args],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started = time.perf_counter()
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the server stopped; see {log_path}")
                url = printed_url(log_path)
                try:
                    if url:
                        with urllib.request.urlopen(url, timeout=5) as response:
                            if response.status == 200:
                                break
                except OSError:
                    pass
                if time.perf_counter() - started > START_TIMEOUT:
                    raise RuntimeError("the server did not answer in time")
                time.sleep(0.5)
            yield url, time.perf_counter() - started
        finally:
            # the server and its worker processes: the process group started for it alone
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@dataclass
class Watch:
    """What the page did that it must not: errors, and requests leaving the machine."""

    errors: list = field(default_factory=list)
    outside: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # perf_counter() of each message the page sent to the server


@contextlib.contextmanager
def open_page(playwright, url: str, width: int = 1500, height: int = 2000, cookies=()):
    """A fresh page of the system chromium (holding ``cookies``, as Playwright takes them) at ``url``; yields
    (page, Watch)."""
    browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
    try:
        context = browser.new_context(viewport={"width": width, "height": height})
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        watch = Watch()
        page.on("pageerror", lambda e: watch.errors.append(f"page error: {e}"))
        page.on("console", lambda m: m.type == "error" and watch.errors.append(f"console error: {m.text}"))
        page.on("request", lambda r: r.url.startswith(LOCAL) or watch.outside.append(r.url))
        page.on("websocket", lambda ws: ws.on("framesent", lambda _: watch.sent.append(time.perf_counter())))
        page.goto(url)
        yield page, watch
    finally:
        browser.close()


def picture(page, chart: str) -> str:
    """The pixels of a chart (class ``chart``) as a data URL; '' while it has no canvas yet."""
    return page.evaluate(
        "sel => { const c = document.querySelector(sel); return c ? c.toDataURL() : ''; }", f".{chart} canvas"
    )


def wait_for_picture(page, chart: str, timeout_ms: float) -> str:
    """Wait until the chart has drawn something; return its picture."""
    page.wait_for_function(
        "sel => { const c = document.querySelector(sel); return c && c.width > 0; }",
        arg=f".{chart} canvas",
        timeout=timeout_ms,
    )
    return picture(page, chart)


def wait_for_new_picture(page, chart: str, old: str, timeout_ms: float) -> str:
    """Wait until the chart's pixels differ from ``old``; return the new picture."""
    page.wait_for_function(
        "([sel, old]) => { const c = document.querySelector(sel); return c && c.toDataURL() !== old; }",
        arg=[f".{chart} canvas", old],
        timeout=timeout_ms,
        polling=40,
    )
    return picture(page, chart)


def wait_for_count(page, selector: str, text: str, at_least: int, timeout_ms: float) -> str:
    """Wait until the element's text holds ``text`` at least ``at_least`` times; return that text.

    Solara sends each widget's change as a message of its own, so a label of a redraw can reach the page
    before the table drawn in the same pass: read the table once it has caught up, not at the label.
    """
    page.wait_for_function(
        "([sel, text, n]) => { const e = document.querySelector(sel);"
        " return e && e.innerText.split(text).length - 1 >= n; }",
        arg=[selector, text, at_least],
        timeout=timeout_ms,
    )
    return page.locator(selector).inner_text()


def submit_text(page, label: str, text: str, expect: str, timeout_ms: float, tries: int = 3) -> None:
    """Type ``text`` into the field ``label``, press Enter, and wait for ``expect`` to show.

    A tab just opened may be drawn again while its field is typed into, on a loaded machine; the field then
    comes back empty, as a user would see it, and the text is typed again (at most ``tries`` times).
    """
    field = page.get_by_label(label)
    for attempt in range(tries):
        field.fill(text)
        field.press("Enter")
        try:
            page.wait_for_selector(f"text={expect}", timeout=timeout_ms if attempt == tries - 1 else timeout_ms / 4)
            return
        except Exception as exc:  # Playwright's TimeoutError: try again unless that was the last try
            if attempt == tries - 1 or "Timeout" not in type(exc).__name__:
                raise


def slider(page, label: str):
    """The slider track of the control whose label is exactly ``label``."""
    exact = re.compile(f"^{re.escape(label)}$")
    control = (
        page.locator(".v-input").filter(has=page.locator("label", has_text=exact)).filter(has=page.locator(".v-slider"))
    )
    return control.locator(".v-slider").first


def move_slider(page, label: str, fraction: float):
    """Click the slider ``label`` at ``fraction`` of its length (a user's move to that value)."""
    track = slider(page, label)
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    track.click(position={"x": box["width"] * fraction, "y": box["height"] / 2})


def timed_move(page, label: str, fraction: float, chart: str, old: str, timeout_ms: float, watch=None, marker=None):
    """Seconds from a slider move to the chart's new pixels, and the new picture.

    With ``watch`` (from ``open_page``), the seconds are a pair: from the start of the click (which includes
    Playwright's own checks and scrolling before it presses), and from the page's message to the server.
    With ``marker`` (a selector of a text the redraw changes), the pixels are compared only once that text
    changed: reading a large canvas's pixels costs the browser a core, and polling them for the whole
    wait would slow the very run being timed.
    """
    before = page.inner_text(marker) if marker else None
    started = time.perf_counter()
    move_slider(page, label, fraction)
    if marker:
        page.wait_for_function(
            "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
            arg=[marker, before],
            timeout=timeout_ms,
        )
    new = wait_for_new_picture(page, chart, old, timeout_ms)
    done = time.perf_counter()
    if watch is None:
        return done - started, new
    message = next((t for t in watch.sent if t >= started), started)
    return (done - started, done - message), new
