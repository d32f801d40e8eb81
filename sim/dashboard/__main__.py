"""``python -m sim.dashboard [--port N]``: serve the live page on 127.0.0.1 and print its address."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

HOST = "127.0.0.1"
APP = Path(__file__).resolve().parent / "app.py"


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
    args = parser.parse_args(argv)
    if not 1024 <= args.port <= 65535:
        print(f"error: --port {args.port} must be between 1024 and 65535", file=sys.stderr)
        return 2
    if not port_free(args.port):
        print(
            f"error: port {args.port} on {HOST} is in use; choose another with PORT=... (make) or --port",
            file=sys.stderr,
        )
        return 2
    try:
        import solara  # noqa: F401
        import solara_assets  # noqa: F401
    except ImportError:
        print(
            "error: the page needs the dashboard extra; run 'make dashboard' (or pip install -e '.[dashboard]')",
            file=sys.stderr,
        )
        return 2
    env = {
        **os.environ,
        # the page works offline: front end from solara-assets, no usage reporting, no version check
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "MPLBACKEND": "Agg",
        "SIM_DASHBOARD_SERVER": "1",
    }
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        HOST,
        "--port",
        str(args.port),
        "--production",
        "--no-check-version",
        "--no-open",
    ]
    print(f"serving the live page on http://{HOST}:{args.port}/  (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
