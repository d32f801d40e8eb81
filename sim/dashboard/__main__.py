"""``python -m sim.dashboard [--port N] [--results-root DIR]``: serve the live page on 127.0.0.1.

It prints the page's address, a secret path made for this start (``http://127.0.0.1:PORT/<token>/``); only
a browser given that address gets the page (see ``guard``).  The "Results folder" tab opens only the tool's
results folders under ``--results-root`` (``results/`` of the current folder, where runs write, by default).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

HOST = "127.0.0.1"
APP = Path(__file__).resolve().parent / "app.py"
DEFAULT_RESULTS_ROOT = Path("results")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def main(argv=None) -> int:
    parser = _Parser(prog="python -m sim.dashboard", description="Serve the live page on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    parser.add_argument(
        "--results-root",
        type=Path,
        default=None,
        help="the folder whose results folders the page may open (default: results/ here)",
    )
    args = parser.parse_args(argv)
    if not 1024 <= args.port <= 65535:
        print(f"error: --port {args.port} must be between 1024 and 65535", file=sys.stderr)
        return 2
    results_root = (args.results_root or DEFAULT_RESULTS_ROOT).expanduser().resolve()
    if args.results_root is not None and not results_root.is_dir():
        print(f"error: --results-root {args.results_root} is not a folder", file=sys.stderr)
        return 2
    if not port_free(args.port):
        print(
            f"error: port {args.port} on {HOST} is in use; choose another with PORT=... (make) or --port",
            file=sys.stderr,
        )
        return 2
    from sim.dashboard import guard

    token = guard.new_token()
    # read by Solara's settings and by the page when they are imported, so set before any of them is
    os.environ.update(
        {
            "SOLARA_APP": str(APP),
            "SOLARA_MODE": "production",
            # the page works offline: front end from solara-assets, no usage reporting
            "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
            # no script of the page reads the session cookie
            "SOLARA_SESSION_HTTP_ONLY": "True",
            # the page lives under its secret path: Solara builds its asset and websocket addresses under it
            "SOLARA_ROOT_PATH": f"/{token}",
            "MPLBACKEND": "Agg",
            "SIM_DASHBOARD_SERVER": "1",
            "SIM_DASHBOARD_RESULTS_ROOT": str(results_root),
        }
    )
    try:
        import solara  # noqa: F401
        import solara_assets  # noqa: F401
        import uvicorn
    except ImportError:
        print(
            "error: the page needs the dashboard extra; run 'make dashboard' (or pip install -e '.[dashboard]')",
            file=sys.stderr,
        )
        return 2
    from solara.server.starlette import app as solara_app

    app = guard.LocalOnly(solara_app, port=args.port, token=token)
    print(f"serving the live page on {guard.page_url(HOST, args.port, token)}", flush=True)
    print(f"(open that address; results folders from {results_root}; Ctrl-C stops it)", flush=True)
    config = uvicorn.Config(
        app, host=HOST, port=args.port, log_level="warning", access_log=False, proxy_headers=False, lifespan="on"
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
