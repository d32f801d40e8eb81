"""Model parameters set in a config (``params:``, a hypothesis's ``params``): flattened to dotted names and
checked against the rulebook's declared ranges."""

from __future__ import annotations

from sim.config.names import ConfigError, _is_number, _suggest
from sim.model.rules import PARAMS


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
