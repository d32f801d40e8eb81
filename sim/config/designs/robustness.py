import numpy as np

from sim.config.designs.attach import attach_design
from sim.config.names import ConfigError
from sim.config.params import flatten_params
from sim.model.outcomes import OUTCOME

SETTINGS = ("satisficing",)


def prepare(plan):
    """Check the settings, then draw the assumptions once per replication, shared by every cell."""
    from sim.model.sampling import draw_parameters

    settings = dict(plan.config.experiment.analysis or {})
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
        return  # the run already draws the assumptions for every cell
    from omegaconf import OmegaConf

    user = flatten_params(OmegaConf.to_container(plan.config.params, resolve=True))
    reps = np.arange(plan.replications)
    values = draw_parameters(plan.config.seed, reps, method=plan.sampling, total=plan.replications, fixed=user)
    attach_design(plan, values)
