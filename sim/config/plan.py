"""From configuration files and command-line overrides to validated experiment plans.

Hydra composes the top-level config: the experiment, and optionally one scenario and one hypothesis
chosen as config groups and changed on the command line. Each scenario, hypothesis and starting point
the plan needs is read from configs/ or a user's ``--config-dir`` (searched in Hydra's order) and
checked against the structured schema. Anything wrong raises ConfigError with one line saying what
and how to fix it.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.model.actors import ACTORS, STATES
from sim.model.initial import start_range
from sim.model.model import Sampling, Setup
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.rules import MECHANISMS, PARAMS, mechanism_param
from sim.store.files import OutputRefused, check_out_dir, is_url, size_text
from sim.config.schema import Config, ExperimentConfig, HypothesisConfig, InitialConfig, Levers, ScenarioConfig

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
# A user's own config folders (``--config-dir``), searched after CONFIG_DIR, as Hydra searches them.
_extra_config_dirs: list[Path] = []
REPORTS = ("comparison", "hindcast")
UNCERTAINTY = ("parameters", "matched", "none")
INTENSITY_LEVERS = (
    "sanctions",
    "sanctions_relief",
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


NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@contextmanager
def searching(extra_dirs):
    """Look configs up in ``extra_dirs`` too (after configs/, in Hydra's order) for the duration of the block."""
    saved = list(_extra_config_dirs)
    _extra_config_dirs[:] = [Path(d).resolve() for d in extra_dirs if Path(d).resolve() != CONFIG_DIR.resolve()]
    try:
        yield
    finally:
        _extra_config_dirs[:] = saved


def config_dirs() -> list[Path]:
    """The config folders in search order: the repository's configs/, then a user's ``--config-dir``."""
    return [CONFIG_DIR, *_extra_config_dirs]


def available(group: str) -> list[str]:
    return sorted({p.stem for d in config_dirs() for p in (d / group).glob("*.yaml") if NAME.match(p.stem)})


def config_file(group: str, name: str) -> Path | None:
    """The file Hydra would choose for ``group=name``: the first in search order."""
    for folder in config_dirs():
        path = folder / group / f"{name}.yaml"
        if path.is_file():
            return path
    return None


def shown(path: Path) -> str:
    """A config file as a user knows it: ``configs/scenario/x.yaml`` in the repository, else its full path."""
    try:
        return str(Path(path).relative_to(CONFIG_DIR.parent))
    except ValueError:
        return str(path)


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
LEVERS = tuple(f.name for f in fields(Levers))
MAX_REPLICATIONS = 200_000
# Groups chosen on the command line whose contents may then be changed there, and which parts may change;
# anything else (name, label, sources) belongs to the file, so that a name always means what the file says.
CHANGEABLE = {"scenario": ("levers",), "hypothesis": ("mechanisms", "params")}


def _is_hydra_key(key: str) -> bool:
    return key == "hydra" or key.startswith(("hydra.", "hydra/"))


# Only the project's primary config sets Hydra's own settings and a defaults list. A group's file (a scenario, a
# hypothesis, an experiment, a starting point, from configs/ or a user's folder) holds its own settings alone:
# Hydra would act on these before any check of the tool's, and run the code a ``_target_`` names.
PRIMARY_CONFIG = "config.yaml"  # in CONFIG_DIR
TARGET_KEY = "_target_"
# an interpolation that is a plain path (${a.b}); any other (a resolver's call, ${oc.create:...}, a nested one)
# could make OmegaConf build objects or read the environment
PLAIN_INTERPOLATION = re.compile(r"\$\{[\w.\-\[\] ]*\}")
TOP_LEVEL_REFUSED = {
    "hydra": "Hydra's own settings, and the code they can name, come from configs/config.yaml alone",
    "defaults": "a defaults list would bring other configs in, Hydra's own among them",
}
# PyYAML's safe loader, in C where it was built with libyaml (ten times faster)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# how deep below a config folder Hydra can reach without a defaults list: a group's files (scenario/NAME.yaml),
# Hydra's own groups (hydra/launcher/NAME.yaml)
SEARCH_DEPTH = 3


def _searched_files(folder: Path) -> list[Path]:
    """The config files (NAME.yaml) of a folder that Hydra could read, links followed once each."""
    found, seen = [], set()
    for top, dirs, files in os.walk(folder, followlinks=True):
        here = Path(top)
        depth = len(here.relative_to(folder).parts)
        real = os.path.realpath(top)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        # a hidden folder is no group Hydra can be told to use; deeper folders only a defaults list reaches
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < SEARCH_DEPTH else []
        found += [here / f for f in sorted(files) if f.endswith(".yaml") and not f.startswith(".")]
    return found


def _keys_named(tree, name: str, prefix: str = "", seen=None):
    """Dotted paths of every ``name`` key in a loaded YAML tree (shared nodes walked once)."""
    seen = set() if seen is None else seen
    if id(tree) in seen:
        return
    seen.add(id(tree))
    if isinstance(tree, dict):
        for key, value in tree.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == name:
                yield path
            yield from _keys_named(value, name, path, seen)
    elif isinstance(tree, (list, tuple)):
        for i, value in enumerate(tree):
            yield from _keys_named(value, name, f"{prefix}[{i}]", seen)


def check_config_files():
    """Refuse, before Hydra reads any, a config file in the search path that could change Hydra's settings.

    Every YAML file of configs/ and of the user's folders is checked but the project's primary config: no
    ``# @package`` line, no top-level ``hydra`` or ``defaults`` key, no ``_target_`` anywhere, no interpolation
    but a plain ``${a.b}``; no folder but configs/ holds Hydra's own groups (hydra/).
    """
    for folder in config_dirs():
        for path in _searched_files(folder):
            if path.resolve() == (CONFIG_DIR / PRIMARY_CONFIG).resolve():
                continue
            where = shown(path)
            if path.relative_to(folder).parts[0] == "hydra":
                raise ConfigError(
                    f"{where}: a config folder of your own may not hold Hydra's own configs (hydra/); "
                    "choose an installed launcher with hydra/launcher=NAME"
                )
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # Hydra cannot read it either, and says so if it is chosen
            line = _package_line(text)
            if line:
                raise ConfigError(
                    f"{where} line {line}: '# @package' is not allowed in a config file of a group: it would let the "
                    "file set other settings, Hydra's own among them; remove the line"
                )
            try:
                tree = yaml.load(text, Loader=SAFE_LOADER)
            except yaml.YAMLError:
                _check_text_safety(text, where)
                continue  # not YAML: Hydra refuses it too, in one line, if it is chosen
            if isinstance(tree, dict):
                for key, why in TOP_LEVEL_REFUSED.items():
                    if key in tree:
                        raise ConfigError(f"{where}: key '{key}' is not allowed in a config file of a group: {why}")
            for path_of_key in _keys_named(tree, TARGET_KEY):
                raise ConfigError(
                    f"{where}: key '{path_of_key}' is not allowed in a config file: it names code for Hydra to run"
                )
            _check_text_safety(text, where)
            for string in _strings(tree):  # YAML's escapes (\x24 is '$') make what the raw text hides
                _check_text_safety(string, where)


def _package_line(text: str):
    """The number of the first line Hydra could read as a ``# @package`` header, as Hydra splits and strips
    lines (any Unicode line break and white space), wherever it is in the file; None if there is none."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff").strip()
        if line.startswith("#") and line.lstrip("#").strip().startswith("@package"):
            return number
    return None


def _check_text_safety(text: str, where: str):
    """Refuse a config file's text naming code (``_target_``) or calling a resolver (``${oc.create:...}``)."""
    if TARGET_KEY in text:
        raise ConfigError(f"{where}: '{TARGET_KEY}' is not allowed in a config file: it names code for Hydra to run")
    if "${" in PLAIN_INTERPOLATION.sub("", text):
        raise ConfigError(
            f"{where}: only plain interpolations such as ${{a.b}} are allowed in a config file of a group: "
            "a resolver's call (${oc.create:...}, ${oc.env:...}) could build objects or read the environment"
        )


def _strings(tree, seen=None):
    """Every string, key or value, of a loaded YAML tree (shared nodes walked once)."""
    seen = set() if seen is None else seen
    if isinstance(tree, str):
        yield tree
        return
    if id(tree) in seen:
        return
    seen.add(id(tree))
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(key, seen)
            yield from _strings(value, seen)
    elif isinstance(tree, (list, tuple)):
        for value in tree:
            yield from _strings(value, seen)


def _value_keys(value):
    """Every key of the dictionaries in an override's value (a sweep's values included)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _value_keys(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _value_keys(item)
    elif isinstance(getattr(value, "list", None), list):  # a choice sweep: a,b,c
        yield from _value_keys(value.list)


def check_override_safety(parsed):
    """Refuse overrides that could make Hydra run code: ``_target_`` anywhere, and Hydra's own settings other
    than the launcher's (``hydra/launcher=NAME``, ``hydra.launcher.SETTING=VALUE``)."""
    for o in parsed:
        key = o.key_or_group
        if TARGET_KEY in key or TARGET_KEY in _value_keys(o.value()):
            raise ConfigError(
                f"{o.input_line}: '{TARGET_KEY}' is not allowed in an override: it names code for Hydra to run"
            )
        if not _is_hydra_key(key):
            continue
        changed = not (o.is_add() or o.is_force_add() or o.is_delete()) and o.package is None
        if changed and (key == "hydra/launcher" or key.startswith("hydra.launcher.")):
            continue
        if key == "hydra.searchpath":
            raise ConfigError(f"{o.input_line}: give a config folder of your own with --config-dir DIR instead")
        raise ConfigError(
            f"{o.input_line}: Hydra's own settings cannot be set on the command line, apart from the launcher "
            "(hydra/launcher=NAME, hydra.launcher.SETTING=VALUE)"
        )


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
                with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3", job_name="sim"):
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
    from sim.model.sources import CitationError, parse_citation

    if not obj.sources:
        raise ConfigError(f'{where} cites no seed paragraph; add sources: ["seed 003 ¶4", ...]')
    for citation in obj.sources:
        try:
            parse_citation(citation)
        except CitationError as exc:
            raise ConfigError(f"{where}: {exc}") from None
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


def _check_scenario(s: ScenarioConfig, where: str):
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
    drawn = tree.get("uncertainty") in ("parameters", "matched")
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


# Peak memory of a run, summed over the driver and the worker processes on this machine, from the parts
# measured on the default experiment (29 outcomes, 120 months; benchmarks/memory.py):
# - a process's imports and state: about 0.5 GB for the driver (Dask's scheduler included), 0.4 GB for a
#   worker between tasks;
# - a chunk under way: its record, summaries and Arrow table, about 10 bytes per replication, month and
#   outcome of the chunk (0.35 GB at 10,000 replications);
# - a cell's fans: one charted outcome of one cell at a time, about 24 bytes per replication and month;
# - the driver's tables: a few cells' per-replication summaries, about 32 bytes per replication and outcome.
# Measured at 100,000 replications on two workers: 2.1-2.5 GB in all (benchmarks/memory.py).
DRIVER_BASE_BYTES = 0.5e9
WORKER_BASE_BYTES = 0.4e9
CHUNK_BYTES_PER_VALUE = 10.0
FAN_BYTES_PER_REPLICATION_MONTH = 24.0
TABLE_BYTES_PER_SUMMARY = 32.0
# results.parquet and summaries.parquet: 29-30 bytes per replication-month measured (zstd, split floats,
# delta integers); 40 leaves room for parameters and figures
DISK_BYTES_PER_REPLICATION_MONTH = 40.0


def estimate_resources(
    replications: int, months: int, cells: int, chunk_size: int = 10_000, workers: int | None = 0
) -> tuple[float, float]:
    """(peak memory, disk) in bytes for a run on this machine.

    ``workers``: 0 for a serial run (the driver does all the work), a number of local worker processes, or
    None when the work runs on a cluster elsewhere (only the driver's part is on this machine).
    """
    outcomes = len(OUTCOME_NAMES)
    chunk_values = months * outcomes * min(chunk_size, replications)
    task = max(
        CHUNK_BYTES_PER_VALUE * chunk_values,
        # a process keeps its last chunk's float32 record for the next chunk (sim.run.engine._reusable_record)
        FAN_BYTES_PER_REPLICATION_MONTH * months * replications + 4 * chunk_values,
    )
    memory = DRIVER_BASE_BYTES + TABLE_BYTES_PER_SUMMARY * outcomes * replications
    if workers == 0:
        memory += task
    elif workers is not None:
        memory += workers * (WORKER_BASE_BYTES + task)
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


def _local_workers(executor, replications: int, months: int, cells: int) -> int | None:
    """How many worker processes the run starts on this machine (0: serial; None: a cluster elsewhere)."""
    import os

    from sim.run.engine import choose_executor

    kind = choose_executor(executor.kind, executor.address, replications * months * cells)
    if kind == "address":
        return None
    return 0 if kind == "serial" else executor.workers or os.cpu_count() or 1


def _check_resources(replications: int, months: int, cells: int, out_dir: Path, max_memory_gb, chunk_size, executor):
    workers = _local_workers(executor, replications, months, cells)
    memory, disk = estimate_resources(replications, months, cells, chunk_size, workers)
    limit = max_memory_gb * 1e9 if max_memory_gb is not None else available_memory()
    if limit is not None and memory > limit:
        source = "max_memory_gb" if max_memory_gb is not None else "free on this machine"
        head = f"this run needs about {memory / 1e9:.1f} GB of memory and {limit / 1e9:.1f} GB is {source}"

        def fits(n):
            return estimate_resources(n, months, cells, chunk_size, workers)[0] <= limit

        if not fits(1):
            if workers:
                raise ConfigError(
                    f"{head}; its {workers} worker processes alone need more: run it with executor.kind=serial or "
                    "fewer executor.workers"
                )
            raise ConfigError(f"{head}; even one replication needs more: raise max_memory_gb")
        low, high = 1, replications  # the most replications that fit: fits(low), not fits(high)
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if fits(mid) else (low, mid)
        raise ConfigError(
            f"{head}; lower replications to about {low:,} (or months, or chunk_size), and run more seeds for a larger ensemble"
        )
    import shutil

    if is_url(out_dir):  # the free space of a remote store is not known here
        return
    try:
        free = shutil.disk_usage(_existing_parent(out_dir)).free
    except OSError:
        return
    if disk > free:
        raise ConfigError(
            f"this run writes about {size_text(disk)} and {size_text(free)} is free where out_dir is; "
            "lower replications or months, or choose an out_dir on a larger disk"
        )


def _out_dir(value) -> Path | str:
    """A local folder as a path; a URL (``scheme://...``) as given, without a trailing slash."""
    text = str(value)
    if not is_url(text):
        return Path(text)
    scheme, _, rest = text.partition("://")
    return f"{scheme}://{rest.rstrip('/') or '/'}"


def _check_url(url: str, cfg: DictConfig):
    from sim.store.url import check_url_out_dir

    if url.startswith("memory://") and (cfg.executor.address or cfg.executor.kind == "local"):
        raise ConfigError(
            f"out_dir {url} lives in this process only, where Dask workers cannot write; use executor.kind=serial "
            "or a URL the workers can reach"
        )
    check_url_out_dir(url, overwrite=cfg.overwrite, resume=cfg.resume)


# a day: a cluster whose workers wait in a batch queue may take hours to start them
MAX_WORKER_WAIT = 86_400


def _check_executor(executor):
    from sim.run.engine import EXECUTORS

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


def _existing_parent(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


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


def _check_matched(report: str, sampling: str, hypotheses):
    """uncertainty=matched draws each worldview's kept points (sim.calibration.evidence), which must exist for it."""
    from sim.model.sampling import kept_points_problem

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


def plan(overrides: list[str], writes: bool = True) -> Plan:
    """The plan for one run given its command-line overrides (composed here with Hydra's compose API).

    ``writes=False`` when nothing will be written (the Python API): no checks of out_dir or resources.
    """
    check_config_files()
    return plan_from_config(compose(overrides), overrides, writes=writes)


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


def plan_from_config(cfg: DictConfig, overrides: list[str], out_dir: Path | None = None, writes: bool = True) -> Plan:
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
    for group, names in (*named, ("initial", [exp.initial])):
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
    _check_executor(cfg.executor)
    if uncertainty not in UNCERTAINTY:
        raise ConfigError(f"uncertainty={uncertainty!r} must be one of {', '.join(UNCERTAINTY)}")
    from sim.model.sampling import METHODS, draw_parameters

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
        from sim.model.record import horizon_problem

        problem = horizon_problem(start, months)
        if problem:
            raise ConfigError(problem)

    _check_weights(user_weights, [h.name for h in hypotheses])
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
    if writes:
        _check_resources(replications, months, len(cells), out_dir, cfg.max_memory_gb, cfg.chunk_size, cfg.executor)
        try:
            if is_url(out_dir):
                _check_url(out_dir, cfg)
            else:
                check_out_dir(out_dir, overwrite=cfg.overwrite)
        except OutputRefused as exc:
            raise ConfigError(str(exc)) from None
    result = Plan(
        config=cfg,
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
    )
    from sim.analysis.common import ANALYSES, prepare

    if exp.report in ANALYSES:
        prepare(result)
    return result
