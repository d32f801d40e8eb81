"""The live page against another web page and a received results folder.

Another page in the user's browser (another site, or another port of this machine) must not drive the
page's session, and a name of another site pointed at 127.0.0.1 (DNS rebinding) gets nothing: every request
needs the page's own Host, a same-origin Origin when there is one, and the token printed at start-up.  The
"Results folder" field opens only the tool's folders under the results root, and what a folder holds is
shown as text: a report cannot run script in the page.
"""

import asyncio
import contextlib
import http.client
import http.server
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("solara", reason="the page's packages come with the dashboard extra")

from sim.dashboard import folder, guard  # noqa: E402
from tests.faces import drive  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_MS = 60_000
PORT = 18765
TOKEN = "s3cret-token_value"
XSS = '<img src=x onerror="window.__pwned = 1; alert(1)">'


def tool_folder(path: Path, files: dict[str, str]) -> Path:
    """A folder as the tool writes one: its files and the marker that names them."""
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    marker = {"tool": "sim", "files": sorted([*files, ".sim-results.json"])}
    (path / ".sim-results.json").write_text(json.dumps(marker), encoding="utf-8")
    return path


# --- the guard in front of the page's app: requests as the server hands them over

PAGE = f"/{TOKEN}/"


def _scope(kind="http", host=f"127.0.0.1:{PORT}", origin=None, path=PAGE, query="", cookie=None, extra=()):
    headers = [] if host is None else [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    headers.extend(extra)
    return {"type": kind, "path": path, "root_path": "", "query_string": query.encode(), "headers": headers}


def _call(scope):
    """Send ``scope`` through the guard; returns (the scope the page's app saw or None, messages sent back)."""
    seen, sent = [], []

    async def page(scope, receive, send):
        seen.append(scope)
        if scope["type"] == "http":
            cookie = b"solara-session-id=abc; expires=Fri, 01 Jan 2038 00:00:00 GMT; HttpOnly; Path=/"
            await send({"type": "http.response.start", "status": 200, "headers": [(b"set-cookie", cookie)]})
            await send({"type": "http.response.body", "body": b"page"})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    asyncio.run(guard.LocalOnly(page, port=PORT, token=TOKEN)(scope, receive, send))
    return (seen[0] if seen else None), sent


def _status(sent):
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def _headers(sent, name: bytes):
    start = next(m for m in sent if m["type"] == "http.response.start")
    return [v.decode() for k, v in start["headers"] if k == name]


@pytest.mark.parametrize(
    "scope",
    [
        _scope(host=f"attacker.example:{PORT}"),  # DNS rebinding: another site's name
        _scope(host="127.0.0.1:9999"),  # another port's address
        _scope(host=None),
        _scope(extra=[(b"host", b"attacker.example")]),  # two Hosts
        _scope(origin="http://127.0.0.1:9999"),  # a page on another local port
        _scope(origin="http://attacker.example"),
        _scope(path="/"),  # no secret path
        _scope(path="/", query=f"token={TOKEN}"),  # the token anywhere but in the path
        _scope(path="/", cookie=f"token={TOKEN}; sim-dashboard-token-{PORT}={TOKEN}"),
        _scope(path="/wrong/"),
        _scope(path=f"/{TOKEN}x/"),  # the secret as the start of another name
        _scope(path=f"/{TOKEN[:-1]}/"),
        _scope(path=f"/x/{TOKEN}/"),
    ],
    ids=[
        "foreign-host",
        "other-port-host",
        "no-host",
        "two-hosts",
        "foreign-origin",
        "foreign-site-origin",
        "no-secret-path",
        "token-in-query",
        "token-in-cookie",
        "wrong-path",
        "longer-name",
        "shorter-name",
        "secret-deeper",
    ],
)
def test_a_request_that_is_not_local_same_origin_and_under_the_secret_path_gets_403(scope):
    reached, sent = _call(scope)
    assert reached is None
    assert _status(sent) == 403


def test_a_websocket_of_another_origin_is_closed_before_it_is_accepted():
    kernel = f"{PAGE}jupyter/api/kernels/k1/channels"
    reached, sent = _call(_scope("websocket", origin="http://127.0.0.1:9999", path=kernel))
    assert reached is None and sent == [{"type": "websocket.close", "code": 1008}]
    reached, sent = _call(_scope("websocket", origin=f"http://127.0.0.1:{PORT}", path=kernel))
    assert reached is not None and reached["root_path"] == f"/{TOKEN}" and sent == []
    reached, _ = _call(_scope("websocket", origin=f"http://127.0.0.1:{PORT}", path="/jupyter/api/kernels/k1/channels"))
    assert reached is None


def test_the_page_is_served_under_its_secret_path_and_its_cookies_stay_there():
    # a stray cookie another program of this machine set, which Python's SimpleCookie cannot parse, changes nothing
    reached, sent = _call(_scope(path=f"{PAGE}static/x.js", cookie='prefs={"theme":"dark"}; a=b'))
    assert _status(sent) == 200
    # the app routes on what follows the secret path and builds its addresses under it
    assert reached["path"] == f"{PAGE}static/x.js" and reached["root_path"] == f"/{TOKEN}"
    (cookie,) = _headers(sent, b"set-cookie")
    paths = [part.strip() for part in cookie.split(";") if part.strip().lower().startswith("path=")]
    assert paths == [f"Path=/{TOKEN}"], cookie  # never sent to another port's server
    assert _headers(sent, b"referrer-policy") == ["no-referrer"]
    reached, sent = _call(_scope(host=f"localhost:{PORT}", origin=f"http://localhost:{PORT}", path=f"/{TOKEN}"))
    assert reached is None and _status(sent) == 307 and _headers(sent, b"location") == [PAGE]


# --- the results folder field


@pytest.fixture
def results(tmp_path):
    root = tmp_path / "results"
    tool_folder(root / "run", {"summary.csv": "scenario,x\nstatus_quo,1\n", "report.md": "# Run\n\nText.\n"})
    return root


@pytest.mark.parametrize(
    "typed",
    ["../..", "..", "~", "/etc", "{outside}", "{outside}/../outside", "linked", "unmarked", "missing", "results/../x"],
)
def test_only_the_tool_s_folders_under_the_root_open_and_a_refusal_tells_nothing_of_what_exists(
    results, tmp_path, typed
):
    outside = tool_folder(tmp_path / "outside", {"report.md": "# Elsewhere\n"})  # the tool's, but not under the root
    (results / "linked").symlink_to(outside, target_is_directory=True)
    (results / "unmarked").mkdir()
    (results / "unmarked" / "report.md").write_text("# someone's notes\n", encoding="utf-8")
    text = typed.format(outside=outside)
    with pytest.raises(folder.FolderError) as info:
        folder.read_folder(text, results)
    assert str(info.value) == refusal(text, results)
    assert folder.find_folders(results) == [results / "run"]


def refusal(typed: str, root: Path) -> str:
    return (
        f"{typed} is not a results folder of this tool under {root.resolve()}"
        " (for runs written elsewhere, start the page with --results-root)"
    )


@pytest.mark.parametrize(
    "typed", ["a" * 300, "x\0", "run/\0", "a/" * 3000], ids=["long-name", "nul", "nul-inside", "long-path"]
)
def test_a_name_the_system_refuses_gets_the_one_refusal_line(results, typed):
    with pytest.raises(folder.FolderError) as info:
        folder.read_folder(typed, results)
    assert str(info.value) == refusal(typed, results)


def test_a_forged_marker_has_no_file_hashed_and_nothing_outside_the_folder_read(results, tmp_path, monkeypatch):
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 1000)
    run = results / "run"
    (run / "f").write_bytes(b"x" * 1000)
    names = ["./f", "././f", "f", "../../big.bin", str(big), "../run/f"]
    # recorded sizes match, so a check of digests would read every one of them in full
    marker = {"tool": "sim", "files": [*names, ".sim-results.json"], "digests": {n: "1000:00" for n in names}}
    (run / ".sim-results.json").write_text(json.dumps(marker), encoding="utf-8")
    opened = []
    real_open = open

    def watched_open(path, *args, **kwargs):
        opened.append(Path(path).resolve())
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watched_open)
    monkeypatch.setattr("sim.store.files._sha256", lambda *a: pytest.fail("the page hashed a file of a received folder"))
    assert folder.find_folders(results) == [run]
    shown = folder.read_folder("run", results)
    assert shown.summary is not None and "Text." in shown.report_html()
    assert big.resolve() not in opened and (run / "f").resolve() not in opened


def test_what_the_page_shows_of_a_folder_is_capped(results):
    run = results / "run"
    rows = folder.MAX_TABLE_ROWS + 500
    (run / "summary.csv").write_text("a,b\n" + "".join(f"{i},x\n" for i in range(rows)), encoding="utf-8")
    with open(run / "huge.png", "wb") as f:
        f.truncate(folder.MAX_FIGURE_BYTES + 1)  # sparse: no disk used
    (run / "small.png").write_bytes(b"\x89PNG")
    shown = folder.read_folder("run", results)
    assert len(shown.summary) == folder.MAX_TABLE_ROWS and shown.summary_cut
    assert shown.summary["a"].iloc[-1] == folder.MAX_TABLE_ROWS - 1
    assert [p.name for p in shown.figures] == ["small.png"]
    (run / "summary.csv").write_text("a,b\n" + "1,y\n" * 3, encoding="utf-8")
    assert not folder.read_folder("run", results).summary_cut
    # a table longer than the bytes read: whole lines only, and said to be cut
    line = "1," + "y" * 1000 + "\n"
    (run / "summary.csv").write_text("a,b\n" + line * (folder.MAX_TABLE_BYTES // len(line) + 10), encoding="utf-8")
    shown = folder.read_folder("run", results)
    assert shown.summary_cut and (shown.summary["b"].str.len() == 1000).all()


@pytest.mark.parametrize("typed", ["run", "results/run", "{root}/run", " run "])
def test_a_tool_s_folder_under_the_root_opens(results, typed):
    shown = folder.read_folder(typed.format(root=results), results)
    assert shown.path == (results / "run").resolve() and "Text." in shown.report_html()


def test_a_link_in_a_folder_to_a_file_of_the_reader_s_is_not_read(results, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the reader's own file", encoding="utf-8")
    run = results / "run"
    (run / "report.md").unlink()
    (run / "comparison.txt").symlink_to(secret)
    shown = folder.read_folder("run", results)
    assert shown.report is None and shown.summary is not None


def test_a_received_report_s_html_is_shown_as_text():
    report = f"# Report\n\n{XSS}\n\n[click](javascript:alert(1))\n\n<script>x()</script>\n"
    md = folder.ResultsFolder(Path("."), "report.md", report)
    rendered = md.report_html()
    assert "<img" not in rendered and "<script" not in rendered and 'href="javascript' not in rendered
    assert "&lt;img src=x onerror=" in rendered and "<h1>Report</h1>" in rendered
    txt = folder.ResultsFolder(Path("."), "comparison.txt", f"table\n```\n{XSS}\n```\n</pre>{XSS}")
    rendered = txt.report_html()
    assert rendered.startswith("<pre>") and rendered.endswith("</pre>") and rendered.count("<") == 2
    assert "```\n&lt;img src=x" in rendered


# --- the running page, in chromium


def _browser():
    if drive.chromium() is None:
        if os.geteuid() == 0:
            pytest.fail("chromium is missing although we are root: 'make test' installs it (make browser)")
        pytest.skip("chromium is not installed and cannot be installed without root")
    return pytest.importorskip("playwright.sync_api", reason="playwright comes with the dashboard extra")


@pytest.fixture(scope="module")
def page_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("page") / "results"
    tool_folder(root / "safe", {"report.md": "# A plain report\n\nNothing to see.\n"})
    report = f"# Received report\n\n{XSS}\n\nafter the image\n"
    cell = '"' + XSS.replace('"', '""') + '"'  # quoted as CSV quotes a cell
    tool_folder(root / "xss_md", {"report.md": report, "summary.csv": f"a,b\n{cell},1\n"})
    tool_folder(root / "xss_txt", {"comparison.txt": f"policy  effect\n```\n{XSS}\n```\nend of comparison\n"})
    tool_folder(root.parent / "outside", {"report.md": "# The user's private report\n\nsecret words\n"})
    return root


@pytest.fixture(scope="module")
def served(page_root):
    _browser()
    ARTIFACTS.mkdir(exist_ok=True)
    with drive.serve(ARTIFACTS / "page_security_server.log", "--results-root", str(page_root)) as (url, _):
        yield url


def _request(url, path=None, headers=None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path if path is not None else f"{parts.path}?{parts.query}", headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers.get_all("set-cookie") or []
    finally:
        connection.close()


WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


@pytest.mark.slow
def test_the_server_answers_only_its_own_address_under_the_secret_path(served):
    parts = urlsplit(served)
    own = f"http://{parts.netloc}"
    status, cookies = _request(served)
    assert status == 200
    # Solara's session cookie: HttpOnly and sent by the browser to the secret path alone
    scoped = f"path={parts.path.rstrip('/')}".lower()
    assert cookies and all("httponly" in c.lower() and scoped in c.lower() for c in cookies), cookies
    assert _request(served, headers={"Host": f"attacker.example:{parts.port}"})[0] == 403
    assert _request(served, path="/")[0] == 403
    assert _request(served, path="/readyz")[0] == 403
    assert _request(served, path=f"{parts.path}readyz")[0] == 200
    assert _request(served, headers={"Origin": "http://127.0.0.1:9999"})[0] == 403
    kernel = f"{parts.path}jupyter/api/kernels/k1/channels?session_id=s1"
    # the websocket a page of another origin opens: refused, the secret path given or not
    assert _request(served, path=kernel, headers={**WEBSOCKET, "Origin": "http://127.0.0.1:9999"})[0] == 403
    outside = "/jupyter/api/kernels/k1/channels?session_id=s1"
    assert _request(served, path=outside, headers={**WEBSOCKET, "Origin": own})[0] == 403
    # the same request from the page's own origin is let through (so the refusals above are the guard's)
    assert _request(served, path=kernel, headers={**WEBSOCKET, "Origin": own})[0] == 101


ATTACK = """<!doctype html><title>another page</title><script>
window.result = {opened: false, done: false, fetched: null};
const target = new URL(%(target)s);
const ws = new WebSocket(`ws://${target.host}/jupyter/api/kernels/k-attacker/channels?session_id=s-attacker`);
ws.onopen = () => { window.result.opened = true; };
ws.onclose = () => { window.result.done = true; };
fetch(target.origin + "/", {credentials: "include"}).then(r => r.text()).then(
  t => { window.result.fetched = t.slice(0, 200); }, e => { window.result.fetched = "refused"; });
</script>"""


@contextlib.contextmanager
def _other_site(directory: Path):
    """A page of another origin: a plain web server on another port of this machine; yields (its address, the
    headers of every request it received)."""
    received = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def do_GET(self):
            received.append(f"{self.path}\n{self.headers}")
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_server_on_another_local_port_gets_no_secret_and_its_page_cannot_drive_the_live_page(served, tmp_path):
    sync_api = _browser()
    parts = urlsplit(served)
    token = parts.path.strip("/")
    (tmp_path / "attack.html").write_text(ATTACK % {"target": json.dumps(f"http://{parts.netloc}/")}, encoding="utf-8")
    with _other_site(tmp_path) as (other, received), sync_api.sync_playwright() as p:
        with drive.open_page(p, served) as (page, watch):
            # the user has opened the live page (its cookies are in the browser), then visits the other page
            page.wait_for_selector("text=Results folder", timeout=TIMEOUT_MS)
            page.goto(other + "attack.html")
            page.wait_for_function(
                "() => (window.result.opened || window.result.done) && window.result.fetched !== null",
                timeout=TIMEOUT_MS,
            )
            result = page.evaluate("() => window.result")
    assert received, "the other page was not requested"
    # browsers send the cookies of 127.0.0.1 to every port: none of them, nor a Referer, may carry the secret
    assert not any(token in headers for headers in received), received
    assert not any("cookie:" in headers.lower() for headers in received), received
    assert result["opened"] is False, "another origin's page opened the page's websocket"
    assert result["fetched"] == "refused"  # and it cannot read the page


def _assert_no_script_ran(page, dialogs):
    page.wait_for_timeout(1000)  # an image's error handler runs once its load has failed
    assert page.evaluate("() => window.__pwned") is None and dialogs == [], "the folder ran script in the page"
    assert page.locator(".folder-report img").count() == 0


@pytest.mark.slow
def test_a_received_folder_runs_no_script_and_paths_outside_the_root_are_refused(served, page_root):
    sync_api = _browser()
    label = "results folder (e.g. results/all_policies)"
    # a cookie another program on 127.0.0.1 set, which Python's SimpleCookie rejects with the whole header
    stray = [{"name": "prefs", "value": '{"theme":"dark"}', "domain": "127.0.0.1", "path": "/"}]
    with sync_api.sync_playwright() as p, drive.open_page(p, served, cookies=stray) as (page, watch):
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            # the first view drawn before the tab changes (a chart started on a page already gone fails to draw)
            page.wait_for_selector("text=redraw 1", timeout=TIMEOUT_MS)
            for chart in ("fan-chart", "effect-chart", "recognition-chart"):
                drive.wait_for_picture(page, chart, TIMEOUT_MS)
            page.get_by_role("tab", name="Results folder").click()
            page.wait_for_selector(f"text={label}", timeout=TIMEOUT_MS)
            drive.submit_text(page, label, "results/safe", "Nothing to see.", TIMEOUT_MS)
            drive.submit_text(page, label, "xss_md", "after the image", TIMEOUT_MS)
            page.wait_for_selector("text=summary.csv (1 rows)", timeout=TIMEOUT_MS)
            _assert_no_script_ran(page, dialogs)
            report = page.inner_text(".folder-report")
            assert XSS in report  # shown as the text it is
            assert XSS in page.inner_text("body").replace(report, "")  # the table's cell too
            drive.submit_text(page, label, "xss_txt", "end of comparison", TIMEOUT_MS)
            _assert_no_script_ran(page, dialogs)
            assert "```\n" + XSS + "\n```\nend of comparison" in page.inner_text(".folder-report")
            outside = str(page_root.parent / "outside")
            for typed in ("../outside", outside, "~", "/etc", "safe/../xss_md/../..", "a" * 300):
                expected = "error: " + refusal(typed, page_root)
                field = page.get_by_label(label)
                field.fill(typed)
                field.press("Enter")
                page.wait_for_function(
                    "text => { const e = document.querySelector('.folder-refused');"
                    " return e && e.innerText.trim() === text; }",
                    arg=expected,
                    timeout=TIMEOUT_MS,
                )
                assert page.locator(".folder-report").count() == 0
            assert "secret words" not in page.inner_text("body") and "Traceback" not in page.inner_text("body")
        except Exception:
            page.screenshot(path=ARTIFACTS / "page_security_failure.png", full_page=True)
            raise
    assert dialogs == []
    assert not watch.errors, watch.errors


# --- the page's own texts: a label from a scenario or hypothesis file is text, not markup


def test_labels_read_from_files_are_shown_as_text_in_the_page_s_own_markdown(monkeypatch):
    from types import SimpleNamespace

    from sim.dashboard import app

    scenario = SimpleNamespace(label=f"Evil {XSS}", description="<script>x()</script> & more", sources=[XSS])
    rendered = app._OWN_MARKDOWN.render(app.scenario_heading(scenario))
    assert "<img" not in rendered and "<script" not in rendered
    assert "Evil &lt;img src=x onerror=" in rendered and "<strong>" in rendered and "<small>" in rendered
    hypothesis = SimpleNamespace(label=f"h {XSS} | x", p_better=lambda name: 0.5)
    rendered = app._OWN_MARKDOWN.render(app._p_better_table(SimpleNamespace(hypotheses=[hypothesis])))
    assert "<img" not in rendered and "&lt;img src=x" in rendered and "<table>" in rendered
    assert rendered.count("<th>") == 2  # the label's | stays inside its heading
