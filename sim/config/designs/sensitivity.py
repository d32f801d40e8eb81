import copy
import numpy as np

from sim.config.designs.attach import attach_design
from sim.config.names import ConfigError
from sim.config.params import flatten_params
from sim.model.outcomes import OUTCOME

SETTINGS = ("effects", "morris_trajectories", "morris_levels", "sobol_parameters")


DEFAULT_EFFECT = {"policy": "recognition", "against": "isolation", "outcome": "deaths_pakistan"}


def design_settings(config: dict) -> dict:
    """The design as the run's config sets it: Sobol base sample, Morris trajectories, parameter lists."""
    import sim.model.actors  # noqa: F401  (registers every parameter)
    from sim.model.sampling import uncertain_parameters

    exp = config["experiment"]
    settings = dict(exp.get("analysis") or {})
    n = int(config["replications"] if config.get("replications") is not None else exp["replications"])
    every = uncertain_parameters(fixed=flatten_params(config.get("params") or {}))
    by_name = {p.name: p for p in every}
    sobol_names = list(settings.get("sobol_parameters") or [])
    return {
        "sobol_n": n,
        "morris_trajectories": min(int(settings.get("morris_trajectories", 20)), n),
        "morris_levels": int(settings.get("morris_levels", 4)),
        "morris_params": every,
        "sobol_params": [by_name[name] for name in sobol_names if name in by_name],
        "sobol_names": sobol_names,
        "seed": int(config["seed"]) % 2**32,
        "effects": list(settings.get("effects") or [DEFAULT_EFFECT]),
    }


def _problem(params) -> dict:
    # the design lives in the unit cube; sim.model.sampling.scale maps it onto each sampling range
    return {"num_vars": len(params), "names": [p.name for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def unit_designs(design: dict) -> tuple[np.ndarray, np.ndarray]:
    """(Morris rows over every parameter, Sobol rows over the declared subset), in the unit cube."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    morris = morris_sample.sample(
        _problem(design["morris_params"]),
        design["morris_trajectories"],
        num_levels=design["morris_levels"],
        seed=design["seed"],
    )
    sobol = sobol_sample.sample(
        _problem(design["sobol_params"]), design["sobol_n"], calc_second_order=True, seed=design["seed"]
    )
    return morris, sobol


def design_values(design: dict) -> dict[str, np.ndarray]:
    """One value per replication of every uncertain parameter: Morris rows first, then Sobol rows."""
    from sim.model.sampling import scale

    morris, sobol = unit_designs(design)
    every = design["morris_params"]
    first = scale(morris, every)
    second = scale(sobol, design["sobol_params"])
    out = {}
    for p in every:
        tail = second[p.name] if p.name in second else np.full(len(sobol), float(p.default))
        out[p.name] = np.concatenate([first[p.name], tail])
    return out


def prepare(plan):
    """Check the settings and replace the run's replications with the design's rows."""
    from sim.model.rules import PARAMS

    config = copy.deepcopy(plan.settings)
    config["experiment"]["replications"] = plan.replications
    settings = dict(config["experiment"].get("analysis") or {})
    if "sampling" in settings:
        raise ConfigError(
            "experiment.analysis.sampling is not a setting: the run's one sampling setting is sampling=random|lhs|sobol"
        )
    if plan.sampling != "random":
        raise ConfigError(
            f"sampling={plan.sampling} does not apply to a sensitivity analysis, whose design is Saltelli's and "
            "Morris's (experiment.analysis); leave sampling out"
        )
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"experiment.analysis.{unknown[0]} is not a sensitivity setting; known: {', '.join(SETTINGS)}"
        )
    design = design_settings(config)
    n = design["sobol_n"]
    if n < 2 or n & (n - 1):
        raise ConfigError(f"replications={n} sets the Sobol base sample; make it a power of two (e.g. 256 or 1024)")
    if design["morris_levels"] < 2 or design["morris_levels"] % 2:
        raise ConfigError("experiment.analysis.morris_levels must be an even number of at least 2")
    if design["morris_trajectories"] < 2:
        raise ConfigError("experiment.analysis.morris_trajectories must be at least 2")
    names = design["sobol_names"]
    if len(names) < 2 or len(set(names)) != len(names):
        raise ConfigError("experiment.analysis.sobol_parameters must list at least two different parameters")
    uncertain = {p.name for p in design["morris_params"]}
    for name in names:
        if name not in uncertain:
            why = "fixed by params=" if name in PARAMS else "not a parameter"
            raise ConfigError(f"experiment.analysis.sobol_parameters names {name!r}: {why}; it cannot vary")
    scenarios = {s.name for s in plan.scenarios}
    for k, effect in enumerate(design["effects"]):
        if set(effect) != {"policy", "against", "outcome"}:
            raise ConfigError(f"experiment.analysis.effects[{k}] must give policy, against and outcome")
        for key in ("policy", "against"):
            if effect[key] not in scenarios:
                raise ConfigError(
                    f"experiment.analysis.effects[{k}].{key}={effect[key]!r} is not in experiment.scenarios"
                )
        if effect["outcome"] not in OUTCOME:
            raise ConfigError(f"experiment.analysis.effects[{k}].outcome={effect['outcome']!r} is not an outcome")
    return attach_design(plan, design_values(design))
