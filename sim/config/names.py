"""Where configs are found and how they are named: the config folders in Hydra's search order, the names
each group offers, and ConfigError, the one-line refusal every check raises."""

from __future__ import annotations

import difflib
import math
import re
from contextlib import contextmanager
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


# A user's own config folders (``--config-dir``), searched after CONFIG_DIR, as Hydra searches them.
_extra_config_dirs: list[Path] = []


class ConfigError(ValueError):
    """A user's configuration mistake, reported as one line."""


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


def is_url(location) -> bool:
    return isinstance(location, str) and "://" in location
