import numpy as np

from sim.config.designs.attach import attach_design
from sim.config.names import ConfigError
from sim.model.outcomes import OUTCOME
from sim.model.sampling import draw_parameters

SETTINGS = ("satisficing",)


def prepare(plan):
    """Check the settings, then draw the assumptions once per replication, shared by every cell."""
    settings = dict(plan.settings["experiment"].get("analysis") or {})
    if "sampling" in settings:
        raise ConfigError(
            "experiment.analysis.sampling is not a setting: the run's one sampling setting is sampling=random|lhs|sobol"
        )
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"experiment.analysis.{unknown[0]} is not a robustness setting; known: {', '.join(SETTINGS)}")
    for name in plan.key_outcomes:
        if not OUTCOME[name].better:
            raise ConfigError(
                f"experiment.key_outcomes: {name} has no better direction, so regret is undefined; leave it out"
            )
    for name, threshold in (settings.get("satisficing") or {}).items():
        if name not in plan.key_outcomes:
            raise ConfigError(f"experiment.analysis.satisficing names {name!r}, which is not a key outcome")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ConfigError(f"experiment.analysis.satisficing.{name} must be a number, got {threshold!r}")
    if len(plan.scenarios) < 2:
        raise ConfigError("a robustness analysis compares policies; list at least two in experiment.scenarios")
    if getattr(plan, "drawn", None) or plan.uncertainty == "matched":
        return plan  # the run already draws the assumptions for every cell
    reps = np.arange(plan.replications)
    values = draw_parameters(plan.seed, reps, method=plan.sampling, total=plan.replications, fixed=plan.user_params)
    return attach_design(plan, values)
