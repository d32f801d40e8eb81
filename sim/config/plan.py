"""From configuration files and command-line overrides to validated experiment plans.

Hydra composes the top-level config: the experiment, and optionally one scenario and one hypothesis
chosen as config groups and changed on the command line. Each scenario, hypothesis and starting point
the plan needs is read from configs/ or a user's ``--config-dir`` (searched in Hydra's order) and
checked against the structured schema. Anything wrong raises ConfigError with one line saying what
and how to fix it.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import names
from sim.config.designs import DESIGNS, prepare
from sim.config.names import (
    ConfigError,
    _extra_config_dirs,
    _is_number,
    _one_line,
    _suggest,
    available,
    check_name,
    config_file,
    is_url,
    shown,
)
from sim.config.params import check_params, flatten_params
from sim.config.safety import _is_hydra_key, check_config_files, check_override_safety
from sim.config.schema import Config, ExperimentConfig, HypothesisConfig, InitialConfig, ScenarioConfig
from sim.model.actors import ACTORS, STATES
from sim.model.initial import start_range
from sim.model.levers import DESIRE_SHIFT_RANGE, MAX_RELATION_RANGE, NUMERIC_LEVERS, Levers
from sim.model.model import Sampling, Setup
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.record import horizon_problem
from sim.model.rules import MECHANISMS, PARAMS, mechanism_param
from sim.model.sampling import METHODS, draw_parameters, kept_points_problem
from sim.model.sources import CitationError, parse_citation

REPORTS = ("comparison", "hindcast")
UNCERTAINTY = ("auto", "parameters", "matched", "none")
# where auto draws from the record's kept points: runs that compare policies under the worldviews as weighed
MATCHED_REPORTS = ("comparison", "robustness")
EXECUTORS = ("auto", "serial", "local")


@dataclass(frozen=True)
class Cell:
    scenario: ScenarioConfig
    hypothesis: HypothesisConfig
    setup: Setup


@dataclass(frozen=True)
class Executor:
    """Where the chunks run: ``kind`` auto, serial or local (Dask workers), or a scheduler's ``address``."""

    kind: str = "auto"
    address: str | None = None
    workers: int | None = None
    worker_wait: float = 60.0


@dataclass(frozen=True)
class Plan:
    """One run, whole and checked: every cell with its setup, the design attached, the settings as plain data.

    Built once by plan_from_config and never changed afterwards; nothing downstream reads the Hydra config."""

    name: str
    replications: int
    months: int
    out_dir: Path | str  # a local folder, or a URL of any fsspec file system
    baseline: str
    scenarios: list[ScenarioConfig]
    hypotheses: list[HypothesisConfig]
    initial: InitialConfig
    cells: list[Cell]
    key_outcomes: list[str]
    report: str
    uncertainty: str = "none"
    sampling: str = "random"
    # one value per replication of every drawn parameter (shared by every cell); empty when nothing is drawn
    drawn: dict = field(default_factory=dict)
    # parameters set explicitly, per hypothesis (its file and the user's overrides), so not drawn there
    fixed_by_hypothesis: dict = field(default_factory=dict)
    # the model parameters the user fixed with params= (flat dotted names, checked against their ranges)
    user_params: dict = field(default_factory=dict)
    seed: int = 0
    chunk_size: int = 10_000
    executor: Executor = field(default_factory=Executor)
    max_memory_gb: float | None = None
    overwrite: bool = False
    resume: bool = False
    figures: bool = True
    progress: bool = True
    # the resolved configuration as plain data (the manifest's record) and as config.yaml's text
    settings: dict = field(default_factory=dict)
    config_text: str = ""


SETTINGS = tuple(f.name for f in fields(Config))
EXPERIMENT_SETTINGS = tuple(f.name for f in fields(ExperimentConfig))
LEVERS = tuple(f.name for f in fields(Levers))
MAX_REPLICATIONS = 200_000
# Groups chosen on the command line whose contents may then be changed there, and which parts may change;
# anything else (name, label, sources) belongs to the file, so that a name always means what the file says.
CHANGEABLE = {"scenario": ("levers",), "hypothesis": ("mechanisms", "params")}


class _GroupOptions:
    """What Hydra's parser asks of a config loader to expand ``group=glob(...)``: the group's config names."""

    def get_group_options(self, group: str, results_filter=None) -> list[str]:
        return available(group)


def parse_overrides(overrides: list[str]):
    """Hydra's own reading of ``KEY=VALUE`` arguments (sweeps included), with a one-line error."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    for override in overrides:
        if "=" not in override and not override.startswith("~"):
            raise ConfigError(f"{override!r} is not an override; write KEY=VALUE (python -m sim --help)")
    parser = OverridesParser.create(config_loader=_GroupOptions())
    parsed = []
    for override in overrides:
        try:
            parsed += parser.parse_overrides([override])
        except HydraException as exc:
            raise ConfigError(f"cannot read {override!r}: {hydra_error_message(exc)}") from None
    for override in parsed:
        if override.key_or_group in YES_NO_SETTINGS:
            for value in _values(override):
                if value.lower() not in YES_NO_WORDS:
                    raise ConfigError(f"{override.key_or_group}={value} must be true or false")
    return parsed


# settings that are true or false: OmegaConf would read any number as one (overwrite=2 as true)
YES_NO_SETTINGS = {f.name for f in fields(Config) if f.type in (bool, "bool")}
YES_NO_WORDS = {"true", "false", "yes", "no", "on", "off"}


def _values(override) -> list[str]:
    """Every value an override takes: one, or each value of a sweep (``a,b`` or ``range(1,3)``)."""
    if override.is_discrete_sweep():
        values = list(override.sweep_string_iterator())
        if not values:
            raise ConfigError(
                f"{override.input_line}: matches no {override.key_or_group} config, so there is nothing to run"
            )
        return values
    if override.is_sweep_override():
        return []
    return [override.get_value_element_as_str()]


def chosen_name(overrides: list[str], group: str) -> str | None:
    """The config chosen with ``group=NAME`` in one job's overrides (the last one wins, as in Hydra)."""
    name = None
    for override in overrides:
        key, _, value = override.partition("=")
        if key.lstrip("+") == group:
            name = value.strip() or None
    return name


def check_override_keys(overrides: list[str]):
    """Refuse unknown settings before Hydra sees them: a ``+`` would otherwise let a typo pass silently."""
    parsed = parse_overrides(overrides)
    check_override_safety(parsed)
    groups_chosen = {o.key_or_group for o in parsed if o.key_or_group in CHANGEABLE and not o.is_delete()}
    for o in parsed:
        key = o.key_or_group
        if _is_hydra_key(key):
            continue
        if o.package is not None:
            raise ConfigError(f"{o.input_line}: choosing a package with '@' is not supported here; write {key}=NAME")
        head, _, rest = key.partition(".")
        values = _values(o)
        if head == "params":
            if rest.startswith("mechanism."):
                raise ConfigError(
                    f"{key} would switch a mechanism on in every hypothesis column, which would then be mislabelled; "
                    "set mechanism weights in a hypothesis file (configs/hypothesis/), or change a chosen "
                    "hypothesis: hypothesis=NAME hypothesis.mechanisms.MECHANISM=WEIGHT"
                )
            continue
        if head not in SETTINGS:
            hint = f" (did you mean 'experiment.{head}'?)" if head in EXPERIMENT_SETTINGS else _suggest(head, SETTINGS)
            raise ConfigError(f"unknown setting {head!r}{hint}; settings are {', '.join(SETTINGS)}")
        if head == "experiment" and rest:
            field_name = rest.split(".")[0]
            if field_name not in EXPERIMENT_SETTINGS:
                raise ConfigError(
                    f"unknown setting 'experiment.{field_name}'{_suggest(field_name, EXPERIMENT_SETTINGS)}; "
                    f"experiment settings are {', '.join(EXPERIMENT_SETTINGS)}"
                )
        if head in ("experiment", *CHANGEABLE) and not rest and not o.is_delete():
            for value in values:
                if not value.strip():
                    raise ConfigError(f"{head}= needs a name; available: {', '.join(available(head))}")
                check_name(head, value.strip())
        if head in CHANGEABLE and rest:
            _check_change(head, rest, head in groups_chosen)


def _check_change(group: str, rest: str, chosen: bool):
    parts = rest.split(".")
    if not chosen:
        raise ConfigError(
            f"{group}.{rest} changes a {group}, but none is chosen: add {group}=NAME "
            f"(available: {', '.join(available(group))})"
        )
    if parts[0] not in CHANGEABLE[group]:
        allowed = " and ".join(f"{group}.{part}" for part in CHANGEABLE[group])
        raise ConfigError(
            f"{group}.{parts[0]} comes from the {group}'s file; on the command line only {allowed} can be changed "
            f"(for other changes write a {group} file of your own, in a folder given with --config-dir)"
        )
    if group == "scenario" and len(parts) > 1 and parts[1] not in LEVERS:
        raise ConfigError(f"unknown lever {parts[1]!r}{_suggest(parts[1], LEVERS)}; levers are {', '.join(LEVERS)}")


def register_schema():
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="schema", node=Config)


def _sweep_dir(out_dir, experiment, overrides=()) -> str:
    """Where a sweep goes: ``out_dir`` if given, else ``results/<experiment>/multirun``.

    Each job's own config resolves this with its own experiment; Hydra's record of the whole sweep
    (multirun.yaml) goes to ``results/multirun`` when the experiment itself is swept.
    """
    if out_dir not in (None, ""):
        return str(out_dir)
    for override in parse_overrides([str(o) for o in overrides or ()]):
        if override.key_or_group == "experiment" and override.is_sweep_override():
            return "results/multirun"
    return f"results/{experiment}/multirun"


OmegaConf.register_new_resolver("sim_sweep_dir", _sweep_dir, replace=True)


def hydra_error_message(exc: BaseException) -> str:
    """One line for what Hydra or OmegaConf said about a bad override or config file."""
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = shown(Path(mark.name)) + f" line {mark.line + 1}" if mark else "a config file"
        return f"{where} is not valid YAML: {getattr(exc, 'problem', None) or _one_line(exc)}"
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, yaml.YAMLError):
        return hydra_error_message(cause)
    message = _one_line(exc)
    if cause is not None and _one_line(cause) not in message:
        message = f"{message}: {_one_line(cause)}"
    message = re.sub(r"\s*See https?://\S+ for details\.?", "", message)
    missing = re.search(r"Could not find '([\w/]+)/([^']+)'", message)
    if missing:
        group, name = missing.groups()
        if group == "hydra/launcher":
            return (
                f"unknown launcher {name!r}; install the launchers with pip install -e '.[launchers]' "
                "(joblib and submitit are supported)"
            )
        if "/" not in group:
            return (
                f"unknown {group} {name!r}{_suggest(name, available(group))}; available: {', '.join(available(group))}"
            )
    return message


def compose(overrides: list[str], with_hydra: bool = False) -> DictConfig:
    """Compose the top-level config with Hydra, turning every failure into a ConfigError.

    Inside the running application this uses the application's own search path (``--config-dir``
    included); elsewhere it reads configs/ and the folders of ``searching()``. The files of the search path
    are checked before (``check_config_files``: by ``plan`` and the command line), once for all compositions.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode
    from omegaconf import open_dict

    check_override_keys(overrides)
    register_schema()
    running = GlobalHydra.instance()
    try:
        if running.is_initialized():
            cfg = running.hydra.compose_config(
                config_name="config",
                overrides=list(overrides),
                run_mode=RunMode.RUN,
                from_shell=False,
                with_log_configuration=False,
            )
        else:
            extra = ",".join(f"'file://{d}'" for d in _extra_config_dirs)
            search = [f"hydra.searchpath=[{extra}]"] if extra else []
            try:
                with initialize_config_dir(config_dir=str(names.CONFIG_DIR), version_base="1.3", job_name="sim"):
                    cfg = hydra_compose(config_name="config", overrides=[*overrides, *search], return_hydra_config=True)
            finally:
                GlobalHydra.instance().clear()
    except Exception as exc:  # Hydra, OmegaConf and the YAML parser each have their own exception types
        raise ConfigError(hydra_error_message(exc)) from None
    if not with_hydra:
        with open_dict(cfg):
            del cfg["hydra"]
    return cfg


def _load(group: str, name: str, schema):
    check_name(group, name)
    path = config_file(group, name)
    if path is None:
        raise ConfigError(
            f"unknown {group} {name!r}{_suggest(name, available(group))}; available: {', '.join(available(group))}"
        )
    where = shown(path)
    try:
        node = OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.load(path))
        obj = OmegaConf.to_object(node)
    except OmegaConfBaseException as exc:
        raise ConfigError(f"{where}: {_one_line(exc)}") from None
    except Exception as exc:  # YAML syntax errors come from the parser
        raise ConfigError(f"{where} is not valid YAML: {_one_line(exc)}") from None
    if obj.name != name:
        raise ConfigError(f"{where} says name: {obj.name!r}; make it {name!r}")

    if not obj.sources:
        raise ConfigError(f'{where} cites no seed paragraph; add sources: ["seed 003 ¶4", ...]')
    for citation in obj.sources:
        try:
            parse_citation(citation)
        except CitationError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return obj


def _check_scenario(s: ScenarioConfig, where: str):
    lv = s.levers
    for lever in NUMERIC_LEVERS:
        value = getattr(lv, lever.name)
        if not lever.low <= value <= lever.high:
            raise ConfigError(
                f"{where}: levers.{lever.name}={value} must be between {lever.low:g} and {lever.high:g} ({lever.meaning})"
            )
    for field_name in ("desire_shift", "max_relation"):
        for state, value in getattr(lv, field_name).items():
            if not _is_number(value):
                raise ConfigError(f"{where}: levers.{field_name}.{state} must be a number, got {value!r}")
            if state not in STATES:
                raise ConfigError(
                    f"{where}: levers.{field_name} names {state!r}, not a state actor{_suggest(state, STATES)}"
                )
            low, high = DESIRE_SHIFT_RANGE if field_name == "desire_shift" else MAX_RELATION_RANGE
            if not low <= value <= high:
                what = f"between {low:g} and {high:g}" if field_name == "desire_shift" else f"a level from {low} to {high}"
                raise ConfigError(f"{where}: levers.{field_name}.{state}={value} must be {what}")
    for state in lv.conditional:
        if state not in STATES:
            raise ConfigError(
                f"{where}: levers.conditional names {state!r}, not a state actor{_suggest(state, STATES)}"
            )


def _hypothesis_params(h: HypothesisConfig, where: str) -> dict:
    params = {mechanism_param(m): 0.0 for m in MECHANISMS}
    for m, weight in h.mechanisms.items():
        if not _is_number(weight):
            raise ConfigError(f"{where}: mechanism weight {m} must be a number, got {weight!r}")
        if m not in MECHANISMS:
            raise ConfigError(
                f"{where}: unknown mechanism {m!r}{_suggest(m, MECHANISMS)}; known: {', '.join(MECHANISMS)}"
            )
        if not 0.0 <= weight <= 1.0:
            raise ConfigError(f"{where}: mechanism weight {m}={weight} must be between 0 and 1")
        params[mechanism_param(m)] = float(weight)
    params.update(check_params(flatten_params(h.params), where))
    return params


def _initial_setup(init: InitialConfig) -> tuple[dict, dict, tuple[int, int]]:
    where = shown(config_file("initial", init.name))
    for state, level in init.relations.items():
        if isinstance(level, bool) or not isinstance(level, int):
            raise ConfigError(f"{where}: relations.{state} must be a whole level from 0 to 4, got {level!r}")
        if state not in STATES:
            raise ConfigError(f"{where}: relations names {state!r}, not a state actor{_suggest(state, STATES)}")
        if not 0 <= level <= 4:
            raise ConfigError(f"{where}: relations.{state}={level} must be a level from 0 to 4")
    actors = {a.key: a for a in ACTORS}
    for key, values in init.state.items():
        if key not in actors:
            raise ConfigError(f"{where}: state names {key!r}, not an actor{_suggest(key, actors)}")
        for var, value in values.items():
            if not _is_number(value):
                raise ConfigError(f"{where}: state.{key}.{var} must be a finite number, got {value!r}")
            if var not in actors[key].state_defaults():
                raise ConfigError(
                    f"{where}: state.{key}.{var} is not a state variable of {key}; "
                    f"known: {', '.join(actors[key].state_defaults())}"
                )
            bounds = start_range(key, var)
            if not bounds.low <= value <= bounds.high:
                raise ConfigError(
                    f"{where}: state.{key}.{var}={value} is outside its range [{bounds.low:g}, {bounds.high:g}] "
                    f"({bounds.why})"
                )
    try:
        year, month = (int(x) for x in str(init.date).split("-"))
        if not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise ConfigError(f"{where}: date {init.date!r} must be written YYYY-MM") from None
    return dict(init.relations), {k: dict(v) for k, v in init.state.items()}, (year, month)


PRESENTATION_SETTINGS = (
    "out_dir",
    "progress",
    "figures",
    "chunk_size",
    "overwrite",
    "max_memory_gb",
    "resume",
    "executor",
)


def _leaves(tree, prefix: str = "") -> dict:
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            out.update(_leaves(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: tree}


def _effective(cfg: DictConfig) -> dict:
    """The settings that shape the results, with defaults filled in, as flat ``key: value`` pairs."""
    tree = OmegaConf.to_container(cfg, resolve=True)
    exp = tree["experiment"]
    for key in ("replications", "months"):
        if tree.get(key) is None:
            tree[key] = exp[key]
    # a parameter set to its default changes nothing, unless assumptions are drawn: then setting it fixes it
    # instead of drawing it, and the results differ
    drawn = tree.get("uncertainty") != "none"
    tree["params"] = {
        name: value
        for name, value in flatten_params(tree.get("params")).items()
        if drawn or PARAMS[name].default != value
    }
    for key in PRESENTATION_SETTINGS:
        tree.pop(key, None)
    return _leaves(tree)


def default_out_dir(cfg: DictConfig, overrides: list[str]) -> Path:
    """``results/<experiment>`` for the experiment as configured; a variant gets a folder of its own.

    A variant (other replications, hypotheses, parameters, ...) is named by a short hash of the settings
    that differ from the experiment's own, so it never replaces the experiment's own results, and
    setting a value to its default changes nothing (but fixing a drawn parameter, even at its default, does).
    """
    name = cfg.experiment.name
    chosen = [o for o in overrides if o.partition("=")[0].lstrip("+~") == "experiment"]
    reference = _effective(compose(chosen))
    settings = _effective(cfg)
    changes = sorted(f"{k}={v!r}" for k, v in settings.items() if reference.get(k, object()) != v)
    changes += sorted(f"~{k}" for k in reference if k not in settings)
    if not changes:
        return Path("results") / name
    digest = hashlib.sha1("\n".join(changes).encode()).hexdigest()[:8]
    return Path("results") / f"{name}-{digest}"


def _out_dir(value) -> Path | str:
    """A local folder as a path; a URL (``scheme://...``) as given, without a trailing slash."""
    text = str(value)
    if not is_url(text):
        return Path(text)
    scheme, _, rest = text.partition("://")
    return f"{scheme}://{rest.rstrip('/') or '/'}"


# a day: a cluster whose workers wait in a batch queue may take hours to start them
MAX_WORKER_WAIT = 86_400


def _check_executor(executor):
    if executor.kind not in EXECUTORS:
        raise ConfigError(f"executor.kind={executor.kind!r} must be one of {', '.join(EXECUTORS)}")
    if executor.workers is not None and not 1 <= executor.workers <= 1024:
        raise ConfigError(f"executor.workers={executor.workers} must be between 1 and 1024 (or null: one per core)")
    wait = executor.worker_wait
    if not (isinstance(wait, (int, float)) and 0 < wait <= MAX_WORKER_WAIT):
        raise ConfigError(
            f"executor.worker_wait={wait} must be a number of seconds above 0 and at most {MAX_WORKER_WAIT:,}"
        )
    address = executor.address
    if address is not None:
        _check_scheduler_address(str(address))


def _check_scheduler_address(address: str):
    """Only TCP, plain or with TLS, is offered: the other transports Dask knows need packages or a shared
    process that a run started from the command line does not have."""
    match = re.fullmatch(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):(\d{1,5})", address)
    if not match or not 1 <= int(match.group(3)) <= 65535:
        raise ConfigError(
            f"executor.address={address!r} must be a Dask scheduler's address, tcp://HOST:PORT or tls://HOST:PORT "
            "with a port from 1 to 65535 (e.g. tcp://10.0.0.5:8786)"
        )


def _check_weights(weights: dict, run: list):
    """``weights.NAME=W``: a worldview's weight in the evidence-weighted answers, replacing the record's."""
    known = available("hypothesis")
    for name, value in (weights or {}).items():
        if name not in known:
            raise ConfigError(
                f"weights.{name}: no hypothesis {name!r}{_suggest(name, known)}; known: {', '.join(known)}"
            )
        if not _is_number(value) or value < 0:
            raise ConfigError(f"weights.{name}={value!r} must be a finite number, 0 or more")
    if run and all(weights.get(h) == 0 for h in run):
        raise ConfigError("weights: every worldview of the run has weight 0; give at least one a positive weight")


def _auto_uncertainty(report: str, sampling: str, hypotheses) -> str:
    """uncertainty=auto: a run that compares policies draws each worldview's assumptions from the points its
    history match kept (the futures the record to July 2025 leaves plausible); a design over the ranges
    (sensitivity, discovery, lhs or sobol), a hindcast (graded against the record the match used) or a
    worldview changed on the command line or never matched draws from the independent ranges."""
    fits = (
        report in MATCHED_REPORTS
        and sampling == "random"
        and all("[" not in h.name and kept_points_problem(h.name) is None for h in hypotheses)
    )
    return "matched" if fits else "parameters"


def _check_matched(report: str, sampling: str, hypotheses):
    """uncertainty=matched draws each worldview's kept points (sim.calibration.evidence), which must exist for it."""
    if report in ("sensitivity", "discovery"):
        raise ConfigError(
            f"uncertainty=matched does not fit a {report} analysis, which needs its own design over the "
            "independent ranges; use uncertainty=parameters"
        )
    if sampling != "random":
        raise ConfigError(f"sampling={sampling} spreads draws over the ranges; uncertainty=matched draws kept points")
    for h in hypotheses:
        if "[" in h.name:
            raise ConfigError(
                f"uncertainty=matched: {h.name} is changed on the command line, so the record never matched it"
            )
        problem = kept_points_problem(h.name)
        if problem:
            raise ConfigError(f"uncertainty=matched: {problem}")


def plan(overrides: list[str]) -> Plan:
    """The plan for one run given its command-line overrides (composed here with Hydra's compose API).

    Nothing is checked against this machine or a results folder here: sim.run.checks does that as a run starts.
    """
    check_config_files()
    return plan_from_config(compose(overrides), overrides)


def _where(group: str, name: str) -> str:
    return shown(config_file(group, name))


def _show_value(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _chosen(cfg: DictConfig, group: str, schema, overrides: list[str]):
    """The scenario or hypothesis chosen with ``group=NAME``, renamed and relabelled if changed on the command line.

    Returns (config, where to point at in errors, {changed key: new value}).
    """
    name = chosen_name(overrides, group)
    if cfg.get(group) is None or name is None:
        return None, None, {}
    original = _load(group, name, schema)
    try:
        chosen = OmegaConf.to_object(cfg[group])
    except OmegaConfBaseException as exc:
        raise ConfigError(f"{group}: {_one_line(exc)}") from None
    before, after = _leaves(asdict(original)), _leaves(asdict(chosen))
    absent = object()
    changes = {
        k: after.get(k) for k in sorted(set(before) | set(after)) if before.get(k, absent) != after.get(k, absent)
    }
    where = _where(group, name)
    if changes:
        # a changed config is never shown under the file's name: its name and label say what was changed
        # short names: a lever, a model parameter (actor.name) or mechanisms.NAME for a mechanism weight
        text = ",".join(
            f"{k.removeprefix('levers.').removeprefix('params.')}={_show_value(v)}" for k, v in changes.items()
        )
        chosen.name = f"{name}[{text}]"
        chosen.label = f"{original.label} [{text}]"
        where = f"{where} as changed on the command line"
    return chosen, where, changes


def plan_from_config(cfg: DictConfig, overrides: list[str], out_dir: Path | None = None) -> Plan:
    """Check a composed config and build the plan: every scenario x hypothesis cell, ready to run.

    ``scenario=NAME`` runs the experiment's baseline against NAME (a hindcast: NAME alone), and
    ``hypothesis=NAME`` runs NAME alone instead of the experiment's hypotheses; either may carry
    changes from the command line (``scenario.levers.sanctions=0.6``), which rename it.
    """
    try:
        # every value read now, so a missing or malformed one is reported here, in one line
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
        exp = cfg.experiment
        replications = cfg.replications if cfg.replications is not None else exp.replications
        months = cfg.months if cfg.months is not None else exp.months
        seed, chunk = cfg.seed, cfg.chunk_size
        uncertainty, sampling = cfg.uncertainty, cfg.sampling
        user_params = OmegaConf.to_container(cfg.params, resolve=True)
        user_weights = {k: v for k, v in OmegaConf.to_container(cfg.weights, resolve=True).items() if v is not None}
    except OmegaConfBaseException as exc:
        raise ConfigError(_one_line(exc)) from None
    # the experiment's name names its results folder, so it is a name like the others, never a path
    named = (("experiment", [exp.name]), ("scenario", exp.scenarios), ("hypothesis", exp.hypotheses))
    for group, chosen in (*named, ("initial", [exp.initial])):
        for name in chosen:
            check_name(group, name)
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ConfigError(
            f"replications={replications} must be between 1 and {MAX_REPLICATIONS:,} in one run; "
            "split a larger ensemble over several runs with different seeds"
        )
    if cfg.out_dir is not None and not str(cfg.out_dir).strip():
        raise ConfigError("out_dir is empty; give a folder, or leave it out for results/<experiment>")
    if not 1 <= months <= 600:
        raise ConfigError(f"months={months} must be between 1 and 600")
    if not 0 <= seed < 2**63:
        raise ConfigError(f"seed={seed} must be a non-negative integer below 2**63")
    if not 1 <= chunk <= MAX_REPLICATIONS:
        raise ConfigError(f"chunk_size={chunk} must be between 1 and {MAX_REPLICATIONS:,} replications")
    _check_executor(cfg.executor)
    if uncertainty not in UNCERTAINTY:
        raise ConfigError(f"uncertainty={uncertainty!r} must be one of {', '.join(UNCERTAINTY)}")

    if sampling not in METHODS:
        raise ConfigError(f"sampling={sampling!r} must be one of {', '.join(METHODS)}")

    kinds = (*REPORTS, *DESIGNS)
    if exp.report not in kinds:
        raise ConfigError(f"experiment.report={exp.report!r} must be one of {', '.join(kinds)}")
    analysis = OmegaConf.to_container(exp.analysis, resolve=True) or {}
    if exp.report in REPORTS and analysis:
        # a comparison or a hindcast runs no design: a setting here would be recorded and do nothing
        raise ConfigError(
            f"experiment.analysis.{sorted(analysis)[0]} does nothing in a {exp.report} run; analysis settings "
            f"belong to {', '.join(DESIGNS)}"
        )
    if uncertainty == "none" and sampling != "random":
        raise ConfigError(f"sampling={sampling} spreads draws, and uncertainty=none draws nothing; leave one out")
    if not exp.scenarios or not exp.hypotheses:
        raise ConfigError("experiment.scenarios and experiment.hypotheses must each name at least one config")
    for listed, what in ((exp.scenarios, "scenarios"), (exp.hypotheses, "hypotheses")):
        if len(set(listed)) != len(listed):
            raise ConfigError(f"experiment.{what} lists a name twice: {list(listed)}")
    if exp.report == "hindcast" and len(exp.scenarios) != 1:
        raise ConfigError("a hindcast compares one scenario with the past; list exactly one in experiment.scenarios")
    if exp.baseline not in exp.scenarios:
        raise ConfigError(
            f"experiment.baseline {exp.baseline!r} must be one of experiment.scenarios {list(exp.scenarios)}"
        )
    for name in exp.key_outcomes:
        if name not in OUTCOME_NAMES:
            raise ConfigError(f"experiment.key_outcomes names unknown outcome {name!r}{_suggest(name, OUTCOME_NAMES)}")
    # a threshold of NaN or infinity is met by every policy or by none: it would pass for a finding
    for key, value in _leaves(OmegaConf.to_container(exp.analysis, resolve=True), "experiment.analysis.").items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{key}={value} must be a finite number")

    scenarios = [(_load("scenario", n, ScenarioConfig), _where("scenario", n)) for n in exp.scenarios]
    hypotheses = [(_load("hypothesis", n, HypothesisConfig), _where("hypothesis", n)) for n in exp.hypotheses]
    baseline = exp.baseline
    scenario, where, _ = _chosen(cfg, "scenario", ScenarioConfig, overrides)
    if scenario is not None:
        if exp.report == "hindcast":
            scenarios, baseline = [(scenario, where)], scenario.name
        else:
            scenarios = [next(pair for pair in scenarios if pair[0].name == baseline)]
            if scenario.name != baseline:
                scenarios.append((scenario, where))
    hypothesis, where, _ = _chosen(cfg, "hypothesis", HypothesisConfig, overrides)
    if hypothesis is not None:
        hypotheses = [(hypothesis, where)]
    for s, where in scenarios:
        _check_scenario(s, where)
    hypothesis_params = {h.name: _hypothesis_params(h, where) for h, where in hypotheses}
    scenarios = [s for s, _ in scenarios]
    hypotheses = [h for h, _ in hypotheses]
    initial = _load("initial", exp.initial, InitialConfig)
    relations, state, start = _initial_setup(initial)
    overrides_params = check_params(flatten_params(user_params), "params")
    if exp.report == "hindcast":
        problem = horizon_problem(start, months)
        if problem:
            raise ConfigError(problem)

    _check_weights(user_weights, [h.name for h in hypotheses])
    if uncertainty == "auto":
        uncertainty = _auto_uncertainty(exp.report, sampling, hypotheses)
    if uncertainty == "matched":
        _check_matched(exp.report, sampling, hypotheses)
    sampling_spec = None
    drawn = {}
    if uncertainty == "parameters":
        # one design for the whole run, so replication r has the same assumptions in every cell; each model
        # draws its own replications' rows, and the same rows are stored in parameters.parquet
        sampling_spec = Sampling(method=sampling, total=replications, fixed=tuple(sorted(overrides_params)))
        drawn = draw_parameters(
            seed, range(replications), method=sampling, total=replications, fixed=sampling_spec.fixed
        )
    cells, fixed_by_hypothesis = [], {}
    for h in hypotheses:
        own = hypothesis_params[h.name]
        fixed_by_hypothesis[h.name] = {
            k: v for k, v in sorted({**own, **overrides_params}.items()) if not k.startswith("mechanism.")
        }
        params = {**own, **overrides_params}
        for s in scenarios:
            setup = Setup(
                levers=s.levers,
                params=params,
                relations=relations,
                state=state,
                start=start,
                months=months,
                seed=seed,
                sampling=sampling_spec
                if uncertainty != "matched"
                else Sampling(total=replications, fixed=tuple(sorted(overrides_params)), matched=h.name),
            )
            cells.append(Cell(s, h, setup))
    if out_dir is None:
        out_dir = _out_dir(cfg.out_dir) if cfg.out_dir else default_out_dir(cfg, overrides)
    if cfg.max_memory_gb is not None and not (_is_number(cfg.max_memory_gb) and cfg.max_memory_gb > 0):
        raise ConfigError(f"max_memory_gb={cfg.max_memory_gb} must be a positive number of gigabytes")
    result = Plan(
        name=exp.name,
        replications=replications,
        months=months,
        out_dir=out_dir,
        baseline=baseline,
        scenarios=scenarios,
        hypotheses=hypotheses,
        initial=initial,
        cells=cells,
        key_outcomes=list(exp.key_outcomes) or ["deaths_pakistan"],
        report=exp.report,
        uncertainty=uncertainty,
        sampling=sampling,
        drawn=drawn,
        fixed_by_hypothesis=fixed_by_hypothesis,
        user_params=overrides_params,
        seed=seed,
        chunk_size=chunk,
        executor=Executor(**OmegaConf.to_container(cfg.executor, resolve=True)),
        max_memory_gb=cfg.max_memory_gb,
        overwrite=bool(cfg.overwrite),
        resume=bool(cfg.resume),
        figures=bool(cfg.figures),
        progress=bool(cfg.progress),
        settings=OmegaConf.to_container(cfg, resolve=True),
        config_text=OmegaConf.to_yaml(cfg, resolve=True),
    )

    if exp.report in DESIGNS:
        # the design may set the run's replications (a Sobol design's rows): the checks below see the run's
        result = prepare(result)
    if not 1 <= result.replications <= MAX_REPLICATIONS:
        raise ConfigError(
            f"the {exp.report} design runs {result.replications:,} replications of each cell, more than the "
            f"{MAX_REPLICATIONS:,} one run allows; lower replications (now {replications:,})"
        )
    return result
