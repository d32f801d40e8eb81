"""Nothing from outside the run gets to run code as its user: no other user through a local cluster's
scheduler."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
NOBODY = 65534

# Another user's client: it tries the scheduler's address as given, with credentials of its own making, and
# over plain TCP, and asks each time for a task that makes a folder, as the user the workers run as.
# Credentials, if the test hands it some, come on stdin. Everything it needs is imported first: as
# another user it may not read this interpreter's files.
INTRUDER = """
import json, os, pickle, sys
import distributed, distributed.comm.tcp, distributed.protocol.pickle, ssl, asyncio, concurrent.futures
from distributed import Client
from distributed.security import Security

address, folder, uid = sys.argv[1], sys.argv[2], int(sys.argv[3])
given = pickle.loads(sys.stdin.buffer.read() or pickle.dumps(None))
forged = Security.temporary()
if uid >= 0:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
host_port = address.split("://", 1)[1]
attempts = [("given", address, given)] if given is not None else [
    ("no credentials", address, None),
    ("credentials of its own", "tls://" + host_port, forged),
    ("plain tcp", "tcp://" + host_port, None),
]
outcomes = {}
for name, where, security in attempts:
    try:
        with Client(where, security=security, timeout="5s") as client:
            ran_as = client.submit(os.mkdir, folder + "-" + name.replace(" ", "-"), pure=False).result(timeout=20)
            outcomes[name] = "ran"
    except ImportError as exc:  # the test's own failure, not the scheduler's refusal
        outcomes[name] = f"broken: {exc}"
    except Exception as exc:
        outcomes[name] = f"refused: {type(exc).__name__}"
print(json.dumps(outcomes))
"""


def _intrude(address: str, folder: Path, uid: int = -1, credentials=None) -> dict:
    import pickle

    done = subprocess.run(
        [sys.executable, "-c", INTRUDER, address, str(folder), str(uid)],
        input=pickle.dumps(credentials) if credentials is not None else b"",
        env=ENV,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _listeners() -> set:
    import psutil

    found = set()
    for proc in [psutil.Process(), *psutil.Process().children(recursive=True)]:
        try:
            found |= {
                (proc.pid, c.laddr.ip, c.laddr.port)
                for c in proc.net_connections(kind="inet")
                if c.status == psutil.CONN_LISTEN
            }
        except psutil.Error:
            pass
    return found


@pytest.fixture(scope="module")
def local_pool():
    from sim.engine import open_pool

    before = _listeners()
    with open_pool("local", workers=1) as pool:
        assert pool.submit(abs, -2).result(timeout=60) == 2  # the run's own client works
        yield pool, _listeners() - before


def test_a_local_cluster_listens_on_the_loopback_interface_only_and_over_tls(local_pool):
    pool, opened = local_pool
    assert pool.client.scheduler.address.startswith("tls://127.0.0.1:")
    assert opened, "no listening socket found for the cluster"
    assert all(ip in ("127.0.0.1", "::1") for _, ip, _ in opened), opened


@pytest.mark.slow
def test_a_client_without_the_runs_credentials_cannot_submit_a_task(local_pool, tmp_path):
    pool, _ = local_pool
    address = pool.client.scheduler.address
    folder = tmp_path / "made-by-intruder"
    outcomes = _intrude(address, folder)
    assert outcomes and all(o.startswith("refused") for o in outcomes.values()), outcomes
    assert list(tmp_path.iterdir()) == []
    # the same client with the run's credentials does submit: what stops the others is the credentials
    assert _intrude(address, folder, credentials=pool.client.security) == {"given": "ran"}
    assert (tmp_path / "made-by-intruder-given").is_dir()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "setuid") or os.geteuid() != 0, reason="needs root to act as another user")
def test_another_user_cannot_submit_a_task_to_a_local_run(local_pool, tmp_path):
    pool, _ = local_pool
    address = pool.client.scheduler.address
    folder = tmp_path / "made-by-nobody"
    outcomes = _intrude(address, folder, uid=NOBODY)
    assert outcomes and all(o.startswith("refused") for o in outcomes.values()), outcomes
    assert list(tmp_path.iterdir()) == []
    # the check itself works as that user: handed the credentials, it gets its task run as the runner
    assert _intrude(address, folder, uid=NOBODY, credentials=pool.client.security) == {"given": "ran"}
    made = tmp_path / "made-by-nobody-given"
    assert made.is_dir() and made.stat().st_uid == os.geteuid()

