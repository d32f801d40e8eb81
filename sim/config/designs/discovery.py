import copy

import numpy as np

from sim.config.designs.attach import attach_design
from sim.config.names import ConfigError
from sim.model.outcomes import OUTCOME
from sim.model.sampling import draw_parameters

SETTINGS = ("policy", "against", "outcome", "threshold", "min_density", "max_boxes", "max_dims")


DEFAULTS = {
    "policy": "recognition",
    "against": None,  # the experiment's baseline
    "outcome": "deaths_pakistan",
    "threshold": 0.0,
    "min_density": 0.75,
    "max_boxes": 2,
    "max_dims": 4,
}


def settings_of(config: dict) -> dict:
    exp = config["experiment"]
    settings = {**DEFAULTS, **(exp.get("analysis") or {})}
    if settings["against"] is None:
        settings["against"] = exp["baseline"]
    return settings


def prepare(plan):
    config = copy.deepcopy(plan.settings)
    given = settings = config["experiment"].get("analysis") or {}
    if "sampling" in settings:
        raise ConfigError(
            "experiment.analysis.sampling is not a setting: the run's one sampling setting is sampling=random|lhs|sobol"
        )
    unknown = sorted(set(given) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"experiment.analysis.{unknown[0]} is not a discovery setting; known: {', '.join(SETTINGS)}")
    s = settings_of(config)
    scenarios = [sc.name for sc in plan.scenarios]
    for key in ("policy", "against"):
        if s[key] not in scenarios:
            raise ConfigError(f"experiment.analysis.{key}={s[key]!r} must be one of experiment.scenarios {scenarios}")
    if s["policy"] == s["against"]:
        raise ConfigError("experiment.analysis.policy and .against must differ")
    if s["outcome"] not in OUTCOME or not OUTCOME[s["outcome"]].better:
        raise ConfigError(
            f"experiment.analysis.outcome={s['outcome']!r} must be an outcome with a better direction (e.g. deaths_pakistan)"
        )
    for key, low, high in (("threshold", -np.inf, np.inf), ("min_density", 0.0, 1.0)):
        value = s[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ConfigError(f"experiment.analysis.{key}={value!r} must be a number in [{low}, {high}]")
    for key in ("max_boxes", "max_dims"):
        if isinstance(s[key], bool) or not isinstance(s[key], int) or s[key] < 1:
            raise ConfigError(f"experiment.analysis.{key}={s[key]!r} must be a whole number of at least 1")
    if getattr(plan, "drawn", None):
        return plan  # the run already draws the assumptions for every cell
    reps = np.arange(plan.replications)
    return attach_design(
        plan, draw_parameters(plan.seed, reps, method=plan.sampling, total=plan.replications, fixed=plan.user_params)
    )
