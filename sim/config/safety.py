"""Config files and overrides that could run code or read what they should not are refused before Hydra
composes anything: package directives, Hydra and defaults keys, ``_target_``, resolver calls."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from sim.config import names
from sim.config.names import ConfigError, config_dirs, shown

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
            if path.resolve() == (names.CONFIG_DIR / PRIMARY_CONFIG).resolve():
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


def _is_hydra_key(key: str) -> bool:
    return key == "hydra" or key.startswith(("hydra.", "hydra/"))
