"""From configuration files and command-line overrides to validated experiment plans.

Hydra composes the top-level config (experiment choice and overrides); each
scenario, hypothesis and starting point named by the experiment is read from
its config group and checked against the structured schema.  Anything wrong
raises ConfigError with one line saying what and how to fix it.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.actors import ACTORS, STATES
from sim.initial import start_range
from sim.model import Sampling, Setup
from sim.outcomes import OUTCOME_NAMES
from sim.rules import MECHANISMS, PARAMS, mechanism_param
from sim.store import OutputRefused, check_out_dir
from sim.schema import Config, ExperimentConfig, HypothesisConfig, InitialConfig, ScenarioConfig

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
REPORTS = ("comparison", "hindcast")
UNCERTAINTY = ("parameters", "none")
INTENSITY_LEVERS = (
    "sanctions",
    "condemnation",
    "un_eu_presence",
    "us_ct_sharing",
    "us_equipment_leverage",
    "us_backs_resistance",
    "joint_front",
    "kandahar_talks",
    "pakistan_kinetic",
)


class ConfigError(ValueError):
    """A user's configuration mistake, reported as one line."""


@dataclass
class Cell:
    scenario: ScenarioConfig
    hypothesis: HypothesisConfig
    setup: Setup


@dataclass
class Plan:
    config: DictConfig
    name: str
    replications: int
    months: int
    out_dir: Path
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


NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def available(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml") if NAME.match(p.stem))


def check_name(group: str, name) -> str:
    """A config is chosen by name (letters, digits, '_' and '-'), never by a path to some file on disk."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ConfigError(
            f"{group} name {name!r} must be letters, digits, '_' or '-' (a name from configs/{group}/, not a path); "
            f"available: {', '.join(available(group))}"
        )
    return name


def _is_number(value) -> bool:
    # YAML's true/false are ints to Python; a setting that wants a number never means them.
    # NaN and infinity are never a meaningful setting, and break whole-number checks.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _one_line(text) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    # OmegaConf appends its internal types; the key and the value are what a user needs
    lines = [line for line in lines if not line.startswith(("reference_type=", "object_type="))]
    return " ".join(lines)


def _suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


SETTINGS = tuple(f.name for f in fields(Config))
EXPERIMENT_SETTINGS = tuple(f.name for f in fields(ExperimentConfig))
MAX_REPLICATIONS = 200_000


def check_override_keys(overrides: list[str]):
    """Refuse unknown settings before Hydra sees them: a ``+`` would otherwise let a typo pass silently."""
    for override in overrides:
        key, _, value = override.partition("=")
        key = key.lstrip("+~")
        head, _, rest = key.partition(".")
        if head == "params":
            if rest.startswith("mechanism."):
                raise ConfigError(
                    f"{key} would switch a mechanism on in every hypothesis column, which would then be mislabelled; "
                    "set mechanism weights in a hypothesis file (configs/hypothesis/) instead"
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
        if head == "experiment" and not rest and not value.strip():
            raise ConfigError(f"experiment= needs a name; available: {', '.join(available('experiment'))}")
        if head == "experiment" and not rest:
            check_name("experiment", value.strip())


def compose(overrides: list[str]) -> DictConfig:
    """Compose the top-level config with Hydra, turning every failure into a ConfigError."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.config_store import ConfigStore
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException

    check_override_keys(overrides)
    ConfigStore.instance().store(name="schema", node=Config)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3", job_name="sim"):
            return hydra_compose(config_name="config", overrides=list(overrides))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{Path(mark.name).relative_to(CONFIG_DIR.parent)} line {mark.line + 1}" if mark else "a config file"
        raise ConfigError(f"{where} is not valid YAML: {getattr(exc, 'problem', None) or _one_line(exc)}") from None
    except (HydraException, OmegaConfBaseException, ValueError, TypeError, AttributeError, KeyError) as exc:
        message = _one_line(exc)
        cause = exc.__cause__
        if cause is not None and _one_line(cause) not in message:
            message = f"{message}: {_one_line(cause)}"
        missing = re.search(r"Could not find '(\w+)/([^']+)'", message)
        if missing:
            group, name = missing.groups()
            message = (
                f"unknown {group} {name!r}{_suggest(name, available(group))}; available: {', '.join(available(group))}"
            )
        raise ConfigError(message) from None
    finally:
        GlobalHydra.instance().clear()


def _load(group: str, name: str, schema):
    check_name(group, name)
    path = CONFIG_DIR / group / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"unknown {group} {name!r}{_suggest(name, available(group))}; available: {', '.join(available(group))}"
        )
    try:
        node = OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.load(path))
        obj = OmegaConf.to_object(node)
    except OmegaConfBaseException as exc:
        raise ConfigError(f"configs/{group}/{name}.yaml: {_one_line(exc)}") from None
    except Exception as exc:  # YAML syntax errors come from the parser
        raise ConfigError(f"configs/{group}/{name}.yaml is not valid YAML: {_one_line(exc)}") from None
    if obj.name != name:
        raise ConfigError(f"configs/{group}/{name}.yaml says name: {obj.name!r}; make it {name!r}")
    from sim.sources import CitationError, parse_citation

    if not obj.sources:
        raise ConfigError(f'configs/{group}/{name}.yaml cites no seed paragraph; add sources: ["seed 003 ¶4", ...]')
    for citation in obj.sources:
        try:
            parse_citation(citation)
        except CitationError as exc:
            raise ConfigError(f"configs/{group}/{name}.yaml: {exc}") from None
    return obj


def flatten_params(tree, prefix: str = "") -> dict:
    """``{taliban: {reversion: 0.05}}`` or ``{"taliban.reversion": 0.05}`` -> ``{"taliban.reversion": 0.05}``."""
    flat = {}
    for key, value in (tree or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_params(value, name + "."))
        else:
            flat[name] = value
    return flat


def check_params(flat: dict, where: str) -> dict:
    checked = {}
    for name, value in flat.items():
        if name not in PARAMS:
            raise ConfigError(
                f"{where}: unknown parameter {name!r}{_suggest(name, PARAMS)}; the list is in docs/rules.md"
            )
        if not _is_number(value):
            raise ConfigError(f"{where}: parameter {name} must be a finite number, got {value!r}")
        p = PARAMS[name]
        if p.integer and value != int(value):
            raise ConfigError(f"{where}: parameter {name} must be a whole number, got {value!r}")
        if not p.low <= value <= p.high:
            raise ConfigError(f"{where}: parameter {name}={value} is outside its plausible range [{p.low}, {p.high}]")
        checked[name] = float(value)
    return checked


def _check_scenario(s: ScenarioConfig):
    where = f"configs/scenario/{s.name}.yaml"
    lv = s.levers
    for lever in INTENSITY_LEVERS:
        value = getattr(lv, lever)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{where}: levers.{lever}={value} must be between 0 and 1")
    if not 0.0 <= lv.aid_funding <= 3.0:
        raise ConfigError(f"{where}: levers.aid_funding={lv.aid_funding} must be between 0 and 3 (1 = 2025 level)")
    for field_name in ("desire_shift", "max_relation"):
        for state, value in getattr(lv, field_name).items():
            if not _is_number(value):
                raise ConfigError(f"{where}: levers.{field_name}.{state} must be a number, got {value!r}")
            if state not in STATES:
                raise ConfigError(
                    f"{where}: levers.{field_name} names {state!r}, not a state actor{_suggest(state, STATES)}"
                )
            if field_name == "desire_shift" and not -4.0 <= value <= 4.0:
                raise ConfigError(f"{where}: levers.desire_shift.{state}={value} must be between -4 and 4")
            if field_name == "max_relation" and not 0 <= value <= 4:
                raise ConfigError(f"{where}: levers.max_relation.{state}={value} must be a level from 0 to 4")
    for state in lv.conditional:
        if state not in STATES:
            raise ConfigError(
                f"{where}: levers.conditional names {state!r}, not a state actor{_suggest(state, STATES)}"
            )


def _hypothesis_params(h: HypothesisConfig) -> dict:
    where = f"configs/hypothesis/{h.name}.yaml"
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
    where = f"configs/initial/{init.name}.yaml"
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


PRESENTATION_SETTINGS = ("out_dir", "progress", "figures", "chunk_size", "overwrite", "max_memory_gb")


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
    tree["params"] = {
        name: value for name, value in flatten_params(tree.get("params")).items() if PARAMS[name].default != value
    }
    for key in PRESENTATION_SETTINGS:
        tree.pop(key, None)
    return _leaves(tree)


def default_out_dir(cfg: DictConfig, overrides: list[str]) -> Path:
    """``results/<experiment>`` for the experiment as configured; a variant gets a folder of its own.

    A variant (other replications, hypotheses, parameters, ...) is named by a short hash of the settings
    that differ from the experiment's own, so it never replaces the experiment's own results, and
    setting a value to its default changes nothing.
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


# Peak memory of a run, measured on the default experiment (16 cells, 38 outcomes, 120 months):
# 564 MB at 2,000 replications and 1,775 MB at 8,000, i.e. about 160 MB plus 44 bytes per replication,
# month and outcome of one cell (the cell's record, its float64 copies for quantiles and its Arrow table).
# The chunk size does not enter: a cell's whole record is held until it is written.
MEMORY_BASE_BYTES = 250e6
MEMORY_BYTES_PER_VALUE = 50.0
# results.parquet: 24 bytes per replication-month measured (zstd); 40 leaves room for parameters and figures
DISK_BYTES_PER_REPLICATION_MONTH = 40.0


def estimate_resources(replications: int, months: int, cells: int) -> tuple[float, float]:
    """(peak memory, disk) in bytes for a run."""
    values = replications * months * len(OUTCOME_NAMES)
    memory = MEMORY_BASE_BYTES + MEMORY_BYTES_PER_VALUE * values
    disk = DISK_BYTES_PER_REPLICATION_MONTH * replications * months * cells
    return memory, disk


def available_memory() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _check_resources(replications: int, months: int, cells: int, out_dir: Path, max_memory_gb):
    memory, disk = estimate_resources(replications, months, cells)
    limit = max_memory_gb * 1e9 if max_memory_gb is not None else available_memory()
    if limit is not None and memory > limit:
        fits = max(1, int((limit - MEMORY_BASE_BYTES) / (MEMORY_BYTES_PER_VALUE * months * len(OUTCOME_NAMES))))
        source = "max_memory_gb" if max_memory_gb is not None else "free on this machine"
        raise ConfigError(
            f"this run needs about {memory / 1e9:.1f} GB of memory and {limit / 1e9:.1f} GB is {source}; "
            f"lower replications to about {fits:,} (or months), and run more seeds for a larger ensemble"
        )
    import shutil

    try:
        free = shutil.disk_usage(_existing_parent(out_dir)).free
    except OSError:
        return
    if disk > free:
        raise ConfigError(
            f"this run writes about {disk / 1e9:.1f} GB and {free / 1e9:.1f} GB is free where out_dir is; "
            "lower replications or months, or choose an out_dir on a larger disk"
        )


def _existing_parent(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def plan(overrides: list[str], writes: bool = True) -> Plan:
    """The validated plan of a run; ``writes=False`` when nothing will be written (the Python API)."""
    cfg = compose(overrides)
    try:
        # every value read now, so a missing or malformed one is reported here, in one line
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
        exp = cfg.experiment
        replications = cfg.replications if cfg.replications is not None else exp.replications
        months = cfg.months if cfg.months is not None else exp.months
        seed, chunk = cfg.seed, cfg.chunk_size
        uncertainty, sampling = cfg.uncertainty, cfg.sampling
        user_params = OmegaConf.to_container(cfg.params, resolve=True)
    except OmegaConfBaseException as exc:
        raise ConfigError(_one_line(exc)) from None
    for group, names in (("scenario", exp.scenarios), ("hypothesis", exp.hypotheses), ("initial", [exp.initial])):
        for name in names:
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
    if uncertainty not in UNCERTAINTY:
        raise ConfigError(f"uncertainty={uncertainty!r} must be one of {', '.join(UNCERTAINTY)}")
    from sim.uncertainty import METHODS, draw_parameters

    if sampling not in METHODS:
        raise ConfigError(f"sampling={sampling!r} must be one of {', '.join(METHODS)}")
    from sim.analysis.common import ANALYSES

    kinds = (*REPORTS, *ANALYSES)
    if exp.report not in kinds:
        raise ConfigError(f"experiment.report={exp.report!r} must be one of {', '.join(kinds)}")
    if not exp.scenarios or not exp.hypotheses:
        raise ConfigError("experiment.scenarios and experiment.hypotheses must each name at least one config")
    for names, what in ((exp.scenarios, "scenarios"), (exp.hypotheses, "hypotheses")):
        if len(set(names)) != len(names):
            raise ConfigError(f"experiment.{what} lists a name twice: {list(names)}")
    if exp.report == "hindcast" and len(exp.scenarios) != 1:
        raise ConfigError("a hindcast compares one scenario with the past; list exactly one in experiment.scenarios")
    if exp.baseline not in exp.scenarios:
        raise ConfigError(
            f"experiment.baseline {exp.baseline!r} must be one of experiment.scenarios {list(exp.scenarios)}"
        )
    for name in exp.key_outcomes:
        if name not in OUTCOME_NAMES:
            raise ConfigError(f"experiment.key_outcomes names unknown outcome {name!r}{_suggest(name, OUTCOME_NAMES)}")

    scenarios = [_load("scenario", n, ScenarioConfig) for n in exp.scenarios]
    for s in scenarios:
        _check_scenario(s)
    hypotheses = [_load("hypothesis", n, HypothesisConfig) for n in exp.hypotheses]
    initial = _load("initial", exp.initial, InitialConfig)
    relations, state, start = _initial_setup(initial)
    overrides_params = check_params(flatten_params(user_params), "params")
    if exp.report == "hindcast":
        from sim.hindcast import horizon_problem

        problem = horizon_problem(start, months)
        if problem:
            raise ConfigError(problem)

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
        own = _hypothesis_params(h)
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
                sampling=sampling_spec,
            )
            cells.append(Cell(s, h, setup))
    out_dir = Path(cfg.out_dir) if cfg.out_dir else default_out_dir(cfg, overrides)
    if cfg.max_memory_gb is not None and not (_is_number(cfg.max_memory_gb) and cfg.max_memory_gb > 0):
        raise ConfigError(f"max_memory_gb={cfg.max_memory_gb} must be a positive number of gigabytes")
    if writes:
        _check_resources(replications, months, len(cells), out_dir, cfg.max_memory_gb)
        try:
            check_out_dir(out_dir, overwrite=cfg.overwrite)
        except OutputRefused as exc:
            raise ConfigError(str(exc)) from None
    result = Plan(
        config=cfg,
        name=exp.name,
        replications=replications,
        months=months,
        out_dir=out_dir,
        baseline=exp.baseline,
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
    )
    from sim.analysis.common import ANALYSES, prepare

    if exp.report in ANALYSES:
        prepare(result)
    return result
