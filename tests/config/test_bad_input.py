"""Generated bad input, on the command line and in config files: one line, exit 2, nothing written or removed.

The number of generated cases per test is ``SIM_FUZZ_EXAMPLES`` (default 60; more for a deeper search).
"""

import math
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.config.plan as configuration
from sim.cli import main
from sim.config import names
from sim.config.names import CONFIG_DIR
from sim.model.rules import PARAMS

EXAMPLES = int(os.environ.get("SIM_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True
)

NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
HUGE = st.floats(min_value=1e13, max_value=1e300) | st.integers(min_value=10**13, max_value=10**40)
NOT_A_NUMBER = st.sampled_from(["many", "''", "[1,2]", "{a: 1}", "true", "null"])
PATHS = st.sampled_from(["..", "../x", "/etc/passwd", "a/b", "~", ".hidden", "a b", "x.yaml", "*"])


def _value_text(v) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return str(v)


def bad_setting():
    count = st.sampled_from(["replications", "months", "chunk_size"])
    return st.one_of(
        st.tuples(count, NOT_FINITE | HUGE | NOT_A_NUMBER | st.integers(max_value=0) | st.just(2.5)),
        st.tuples(st.just("seed"), st.integers(max_value=-1) | st.just(2**64) | NOT_FINITE),
        st.tuples(st.just("max_memory_gb"), st.sampled_from([0, -1, "lots"]) | NOT_FINITE),
        st.tuples(st.just("experiment"), PATHS),
        st.tuples(st.sampled_from(["experiment.initial", "experiment.baseline", "experiment.name"]), PATHS),
        st.tuples(st.sampled_from(["experiment.scenarios", "experiment.hypotheses"]), PATHS.map(lambda p: [p])),
        st.tuples(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12).filter(
                lambda k: k not in configuration.SETTINGS
            ),
            st.integers(),
        ),
        st.tuples(st.sampled_from(sorted(PARAMS)).map(lambda n: f"+params.{n}"), NOT_FINITE | HUGE | NOT_A_NUMBER),
    )


def out_of_range_param():
    names = sorted(n for n in PARAMS if not n.startswith("mechanism."))

    @st.composite
    def build(draw):
        p = PARAMS[draw(st.sampled_from(names))]
        span = max(p.high - p.low, 1.0)
        beyond = draw(st.floats(min_value=0.01, max_value=1e6))
        value = p.high + beyond * span if draw(st.booleans()) else p.low - beyond * span
        return f"+params.{p.name}", value

    return build()


def _assert_refused(capsys, tmp_path, argv):
    before = sorted(tmp_path.rglob("*"))
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (argv, err)
    assert len(lines) == 1 and lines[0].startswith("error:"), (argv, err)
    assert "Traceback" not in err
    assert sorted(tmp_path.rglob("*")) == before, argv
    return lines[0]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
@FUZZ
@given(case=bad_setting() | out_of_range_param())
def test_bad_overrides_are_refused_in_one_line(capsys, workdir, case):
    key, value = case
    value = "[" + ",".join(map(str, value)) + "]" if isinstance(value, list) else _value_text(value)
    _assert_refused(capsys, workdir, ["experiment=smoke", f"{key}={value}", "out_dir=never"])


@pytest.mark.parametrize(
    "setting, said",
    [
        ("overwrite=2", "overwrite=2"),
        ("resume=1", "resume=1"),
        ("figures=0", "figures=0"),
        ("progress=maybe", "progress=maybe"),
        ("resume=true,2", "resume=2"),
    ],
)
def test_a_yes_or_no_setting_takes_true_or_false_only(capsys, workdir, setting, said):
    # OmegaConf reads any number as a yes or no: overwrite=2 would have written over a folder
    line = _assert_refused(capsys, workdir, ["experiment=smoke", setting, "out_dir=never"])
    assert line == f"error: {said} must be true or false"


@pytest.mark.parametrize(
    "setting",
    [
        "executor.address=tcp://127.0.0.1",
        "executor.address=tcp://127.0.0.1:",
        "executor.address=inproc://foo",
        "executor.address=ucx://x:1",
        "executor.address=tcp://host:0",
        "executor.address=tcp://host:65536",
        "executor.address=host:8786",
        "executor.worker_wait=0",
        "executor.worker_wait=-5",
        "executor.worker_wait=inf",
        "executor.worker_wait=soon",
    ],
)
def test_a_bad_scheduler_address_or_wait_is_refused_before_connecting(capsys, workdir, setting):
    code = main(["experiment=smoke", setting, "out_dir=never"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1, err
    key = setting.split("=")[0]
    assert err.startswith("error: ") and key in err, err
    if key == "executor.address":
        assert "tcp://HOST:PORT or tls://HOST:PORT with a port from 1 to 65535" in err
    assert list(workdir.iterdir()) == []


BAD_VALUES = NOT_FINITE | HUGE | st.floats(max_value=-1e-3, min_value=-1e15) | st.sampled_from(["x", [1], {"a": 1}])


def _bad_file_edits():
    """(group, file, path of keys, bad value) edits of the configs the smoke experiment reads."""
    initial_vars = [
        ("state", "ttp", "fighters"),
        ("state", "population", "humanitarian_need"),
        ("state", "taliban", "pragmatist"),
        ("relations", "pakistan"),
    ]
    levers = [("levers", "sanctions"), ("levers", "aid_funding"), ("levers", "pakistan_kinetic")]
    return st.one_of(
        st.tuples(st.just("initial"), st.just("jul2025"), st.sampled_from(initial_vars), BAD_VALUES),
        st.tuples(st.just("scenario"), st.just("isolation"), st.sampled_from(levers), BAD_VALUES | st.just(7)),
        st.tuples(
            st.just("hypothesis"),
            st.just("legitimacy_emboldens"),
            st.sampled_from([("mechanisms", "legitimacy_emboldens"), ("params", "states", "stages_per_rung")]),
            BAD_VALUES,
        ),
        st.tuples(
            st.just("experiment"),
            st.just("smoke"),
            st.sampled_from([("months",), ("replications",)]),
            BAD_VALUES | st.just(0),
        ),
        st.tuples(st.just("experiment"), st.just("smoke"), st.just(("scenarios",)), PATHS.map(lambda p: [p])),
    )


@pytest.fixture
def config_copy(tmp_path, monkeypatch):
    configs = tmp_path / "configs"
    shutil.copytree(CONFIG_DIR, configs)
    monkeypatch.setattr(names, "CONFIG_DIR", configs)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return configs, work


@pytest.mark.slow
@FUZZ
@given(edit=_bad_file_edits())
def test_bad_config_files_are_refused_in_one_line(capsys, config_copy, edit):
    configs, work = config_copy
    group, name, keys, value = edit
    path = configs / group / f"{name}.yaml"
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        _assert_refused(capsys, work, ["experiment=smoke", "out_dir=never"])
    finally:
        path.write_text(original, encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    ["name: smoke\nmonths: [1, 2\n", "just a sentence", "", "- a\n- list\n", "name: smoke\nscenarios: {a: 1}\n"],
)
def test_a_malformed_experiment_file_is_one_line(capsys, config_copy, text):
    configs, work = config_copy
    (configs / "experiment" / "smoke.yaml").write_text(text, encoding="utf-8")
    _assert_refused(capsys, work, ["experiment=smoke", "out_dir=never"])


def test_a_malformed_config_is_one_line_for_the_rulebook_too(capsys, config_copy, monkeypatch):
    import sim.docs.rulebook as rulebook

    configs, work = config_copy
    monkeypatch.setattr(rulebook, "CONFIG_DIR", configs)
    (configs / "scenario" / "isolation.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    rulebook_file = Path(rulebook.RULEBOOK)
    before = rulebook_file.read_bytes()
    _assert_refused(capsys, work, ["rules"])
    assert rulebook_file.read_bytes() == before


def test_a_malformed_config_is_one_line_for_the_findings_too(capsys, config_copy):
    import sim.docs.findings as findings

    configs, work = config_copy
    (configs / "experiment" / "hindcast.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    pages = [findings.FINDINGS_DOC, *findings.pages_with_blocks()]
    before = {p: p.read_bytes() for p in pages}
    _assert_refused(capsys, work, ["findings"])
    assert {p: p.read_bytes() for p in pages} == before


def test_a_serial_run_over_its_memory_limit_is_not_told_to_run_serially(capsys, workdir):
    assert main(["experiment=smoke", "executor.kind=serial", "max_memory_gb=0.01", "out_dir=never"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: this run needs about") and err.endswith(
        "even one replication needs more: raise max_memory_gb"
    )
    assert not (workdir / "never").exists()


@pytest.mark.parametrize("name", ["../../escaped", "a/b", ".."])
def test_an_experiment_name_is_a_name_never_a_path(capsys, tmp_path, monkeypatch, name):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    _assert_refused(capsys, tmp_path, ["experiment=smoke", "replications=2", f"experiment.name={name}"])


def test_running_out_of_memory_while_checking_the_folder_is_one_line(capsys, workdir, monkeypatch):
    import sim.run.checks

    def no_memory(*args, **kwargs):
        raise MemoryError  # as hashing a huge file under a tool's name once did: an error with no message

    monkeypatch.setattr(sim.run.checks, "check_out_dir", no_memory)
    assert main(["experiment=smoke", "out_dir=never"]) == 1
    assert capsys.readouterr().err.strip().startswith("error: not enough memory to start the run (nothing was written)")
    assert not (workdir / "never").exists()
