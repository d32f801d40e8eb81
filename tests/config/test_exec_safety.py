"""Nothing from outside the run gets to run code as its user: no other user through a local cluster's
scheduler, no shared config file or override through Hydra's instantiation."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
NOBODY = 65534

# Another user's client: it tries the scheduler's address as given, over TLS without a certificate or with
# credentials of its own making, and over plain TCP, and asks each time for a task that makes a folder, as the
# user the workers run as.
# Credentials, if the test hands it some, come on stdin. Everything it needs is imported first: as
# another user it may not read this interpreter's files.
INTRUDER = """
import json, os, pickle, sys
import distributed, distributed.comm.tcp, distributed.protocol.pickle, ssl, asyncio, concurrent.futures
from distributed import Client
from distributed.security import Security

class NoCertificate(Security):  # TLS that takes any scheduler's certificate and shows none of its own

    def get_connection_args(self, role):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        return {"ssl_context": context, "require_encryption": True, "extra_conn_args": {}}


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
    ("tls without a certificate", "tls://" + host_port, NoCertificate()),
    ("credentials of its own", "tls://" + host_port, forged),
    ("plain tcp", "tcp://" + host_port, None),
]
outcomes = {}
for name, where, security in attempts:
    try:
        with Client(where, security=security, timeout="5s") as client:
            client.submit(os.mkdir, folder + "-" + name.replace(" ", "-"), pure=False).result(timeout=20)
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
    from sim.run.engine import open_pool

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


# --- config files and overrides: refused in one line before Hydra reads them ------------------------------

CALLBACK = """hydra:
  callbacks:
    planted:
      _target_: os.makedirs
      name: {marker}
"""
SCENARIO = """name: {name}
label: Mine
description: a scenario of a user's own
sources: ["seed 003 ¶7"]
levers:
  sanctions: 0.9
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _files(folder: Path) -> set:
    return {p for p in folder.rglob("*")}


def _refused(capsys, folder: Path, args: list, phrase: str):
    from sim.cli import main

    before = _files(folder)
    assert main(args) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error:") and phrase in err[0], err
    assert _files(folder) == before  # nothing written, the planted callback's folder included
    return err[0]


@pytest.mark.parametrize(
    "path, text, phrase",
    [
        # the reproducer: a shared scenario that puts itself at the top of the config and adds a callback
        ("scenario/shared.yaml", "# @package _global_\n" + CALLBACK, "line 1: '# @package'"),
        ("scenario/shared.yaml", "# @package _global_\n" + SCENARIO.format(name="shared"), "'# @package'"),
        # the primary config's defaults list names 'schema': a file of that name at the top is read as a config
        ("schema.yaml", CALLBACK, "key 'hydra'"),
        ("scenario/shared.yaml", CALLBACK + SCENARIO.format(name="shared"), "key 'hydra'"),
        ("scenario/shared.yaml", "defaults:\n  - /hydra/callbacks: x\n" + SCENARIO.format(name="shared"), "'defaults'"),
        (
            "hypothesis/shared.yaml",
            "name: shared\nparams:\n  taliban:\n    planted:\n      _target_: os.makedirs\n",
            "key 'params.taliban.planted._target_'",
        ),
        ("hydra/launcher/shared.yaml", "_target_: os.makedirs\nname: x\n", "Hydra's own configs"),
    ],
    ids=["package-callback", "package-scenario", "schema-callback", "hydra-key", "defaults", "target", "hydra-dir"],
)
def test_a_config_folder_whose_files_could_run_code_is_refused_before_hydra_reads_it(
    workdir, capsys, path, text, phrase
):
    marker = workdir / "planted-by-the-file"
    mine = workdir / "shared_configs"
    (mine / path).parent.mkdir(parents=True)
    (mine / path).write_text(text.format(marker=marker), encoding="utf-8")
    chosen = ["scenario=shared"] if path.startswith("scenario/") else []
    args = ["--config-dir", str(mine), "experiment=smoke", *chosen, "replications=2", "months=3", "figures=false"]
    line = _refused(capsys, workdir, [*args, "out_dir=out"], phrase)
    assert str(mine / path) in line
    assert not marker.exists()
    # refused whatever Hydra is asked to do with it
    for option in (["--cfg", "job"], ["--info", "searchpath"], ["--help"]):
        _refused(capsys, workdir, [*option, "--config-dir", str(mine), "experiment=smoke", *chosen], phrase)
    assert not marker.exists()


# Hydra strips any Unicode white space around a header line and splits lines at any Unicode line break; the
# resolver's call keeps '_target_' out of the YAML keys and 'hydra' out of the top level
CREATED_BY_A_RESOLVER = "callbacks:\n  planted: ${{oc.create:{{_target_: os.makedirs, name: {marker}}}}}\n"


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("\u00a0#\u00a0@package hydra\n" + CREATED_BY_A_RESOLVER, "line 1: '# @package'"),
        ("\u3000# @package hydra\n" + CREATED_BY_A_RESOLVER, "line 1: '# @package'"),
        ("\u2028# @package hydra\n" + CREATED_BY_A_RESOLVER, "line 2: '# @package'"),
        ("label: x\n\n  # @package hydra\n" + CREATED_BY_A_RESOLVER, "line 3: '# @package'"),
        (CREATED_BY_A_RESOLVER, "'_target_' is not allowed"),
        ('label: "\\x24{{oc.env:HOME}}"\n', "only plain interpolations"),
        ("label: ${{oc.env:HOME}}\n", "only plain interpolations"),
        ("label: ${{oc.create:${{name}}}}\n", "only plain interpolations"),
    ],
    ids=["nbsp", "ideographic-space", "line-separator", "not-first", "resolver", "escaped", "env", "nested"],
)
def test_a_package_line_or_a_resolver_hidden_from_a_plain_reading_is_refused(workdir, capsys, text, phrase):
    marker = workdir / "planted-by-the-file"
    mine = workdir / "shared_configs"
    (mine / "scenario").mkdir(parents=True)
    (mine / "scenario" / "shared.yaml").write_text(text.format(marker=marker), encoding="utf-8")
    args = ["-cd", str(mine), "experiment=smoke", "scenario=shared", "replications=2", "months=3", "figures=false"]
    _refused(capsys, workdir, [*args, "out_dir=out"], phrase)
    assert not marker.exists()


@pytest.mark.parametrize(
    "options",
    [
        ["-cp", "{elsewhere}"],
        ["--config-path", "{elsewhere}"],
        ["-cn", "{climb}"],  # out of configs/, to a file of another folder
        ["-cd", "{elsewhere}", "--config-name", "a/b/c/d/e"],  # deeper than the checked folders
        ["--experimental-rerun", "{elsewhere}/config.pickle"],
    ],
    ids=["cp", "config-path", "cn-climbing-out", "cn-deep", "experimental-rerun"],
)
def test_options_that_make_hydra_read_files_no_check_has_seen_are_refused(workdir, capsys, options):
    import pickle

    marker = workdir / "planted-by-the-file"
    elsewhere = workdir / "elsewhere"
    (elsewhere / "a" / "b" / "c" / "d").mkdir(parents=True)
    for path in ("config.yaml", "evil.yaml", "a/b/c/d/e.yaml"):
        (elsewhere / path).write_text("# @package _global_\n" + CALLBACK.format(marker=marker), encoding="utf-8")
    (elsewhere / "config.pickle").write_bytes(pickle.dumps({"planted": str(marker)}))
    climb = os.path.relpath(elsewhere / "evil", ROOT / "configs")
    options = [o.format(elsewhere=elsewhere, climb=climb) for o in options]
    run = ["experiment=smoke", "replications=2", "months=3", "figures=false", "out_dir=out"]
    _refused(capsys, workdir, [*options, *run], "is not supported here; add a folder of configs with --config-dir")
    assert not marker.exists()


def test_the_python_api_refuses_such_a_folder_too(workdir):
    from sim.config.names import ConfigError, searching
    from sim.config.plan import plan

    marker = workdir / "planted-through-the-api"
    mine = workdir / "shared_configs"
    (mine / "scenario").mkdir(parents=True)
    (mine / "scenario" / "shared.yaml").write_text("# @package _global_\n" + CALLBACK.format(marker=marker))
    with searching([mine]), pytest.raises(ConfigError, match="'# @package' is not allowed"):
        plan(["experiment=smoke", "scenario=shared"])
    assert not marker.exists()


def test_a_group_file_in_the_projects_configs_may_not_carry_hydras_keys_either(workdir, capsys, monkeypatch):
    import shutil

    import sim.config.names

    configs = workdir / "configs"
    shutil.copytree(ROOT / "configs", configs)
    monkeypatch.setattr(sim.config.names, "CONFIG_DIR", configs)
    isolation = configs / "scenario" / "isolation.yaml"
    isolation.write_text("# @package _global_\n" + CALLBACK.format(marker=workdir / "planted"), encoding="utf-8")
    phrase = "configs/scenario/isolation.yaml line 1: '# @package'"
    _refused(capsys, workdir, ["experiment=smoke", "scenario=isolation", "out_dir=out"], phrase)
    assert not (workdir / "planted").exists()


@pytest.mark.parametrize(
    "overrides, phrase",
    [
        (["+hydra.callbacks.planted._target_=os.makedirs", "+hydra.callbacks.planted.name={marker}"], "'_target_'"),
        (["hydra.callbacks={{planted: {{_target_: os.makedirs, name: {marker}}}}}"], "'_target_'"),
        (["+hydra.callbacks.planted.name={marker}"], "Hydra's own settings"),
        (["hydra.job_logging.root.level=DEBUG"], "Hydra's own settings"),
        (["hydra/job_logging=default"], "Hydra's own settings"),
        (["hydra.searchpath=[file:///tmp]"], "--config-dir"),
        (["hydra.launcher._target_=os.makedirs"], "'_target_'"),
        (["+params._target_=os.makedirs"], "'_target_'"),
    ],
)
def test_overrides_that_could_run_code_are_refused(workdir, capsys, overrides, phrase):
    marker = workdir / "planted-by-an-override"
    args = ["experiment=smoke", "replications=2", "months=3", "figures=false", "out_dir=out"]
    _refused(capsys, workdir, [*args, *(o.format(marker=marker) for o in overrides)], phrase)
    assert not marker.exists()


def test_the_readmes_uses_of_hydra_and_of_a_config_folder_still_work(workdir, capsys):
    from sim.cli import main
    from sim.config.plan import check_override_keys

    mine = workdir / "my_configs"
    (mine / "scenario").mkdir(parents=True)
    (mine / "scenario" / "my_policy.yaml").write_text(SCENARIO.format(name="my_policy"), encoding="utf-8")
    # in a process of its own: --info leaves Hydra's loggers at DEBUG level in the process that ran it
    info = subprocess.run(
        [sys.executable, "-m", "sim", "--info", "searchpath", "-cd", str(mine)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert info.returncode == 0 and f"file://{mine}" in info.stdout, info.stderr
    assert main(["--cfg", "job", "-cd", str(mine), "experiment=smoke", "scenario=my_policy"]) == 0
    assert "sanctions: 0.9" in capsys.readouterr().out
    assert main(["--cfg", "job", "--config-name", "config", "experiment=smoke"]) == 0  # the tool's own name
    assert "experiment:" in capsys.readouterr().out
    # the launcher and its settings (the sweep itself runs in tests/config/test_hydra.py)
    check_override_keys(["seed=1,2", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"])
    run = ["experiment=smoke", "scenario=my_policy", "replications=2", "months=3", "figures=false", "out_dir=mine"]
    assert main(["-cd", str(mine), *run]) == 0
    assert (workdir / "mine" / "manifest.json").is_file()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_satisficing_threshold_that_is_not_a_finite_number_is_refused(workdir, capsys, value):
    _refused(
        capsys,
        workdir,
        ["experiment=policy_grid", f"experiment.analysis.satisficing.deaths_pakistan={value}", "out_dir=out"],
        "must be a finite number",
    )
