"""The model as an EMA Workbench model: uncertainties, levers and outcomes taken from the model's declarations.

    from ema_workbench import perform_experiments
    import sim.ema

    model = sim.ema.model(months=36)
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

Uncertainties are the parameters that sampling draws (``sim.uncertainty.uncertain_parameters``), each over
the range it is drawn from (its calibrated range where it has one), plus ``hypothesis``: which text's view
of cause and effect holds, one category per hypothesis config.  A hypothesis sets its mechanism weights and
may fix some parameters; as in a run, its own values win over the sampled ones.  Levers are the fields of
``sim.schema.Levers``: every intensity over the range the configuration accepts, and per state actor its
wish shift, its highest relation level and whether it offers recognition against benchmarks.  A lever a
policy leaves out keeps the experiment's baseline scenario's value.  Outcomes are ``sim.outcomes.OUTCOMES``,
each summarised per replication as the results tables do (yearly total, mean level, last month or share),
with its unit and meaning on the outcome (``.unit``, ``.description``) and its better side as its kind.

EMA names must be Python identifiers, so a parameter ``taliban.reversion`` is the uncertainty
``taliban__reversion`` (``variable_name`` keeps the dotted name) and a lever ``desire_shift.pakistan`` is
``desire_shift__pakistan``.  The model function builds the levers and parameters and calls the simulation
directly: no configuration is composed per experiment.  Every experiment runs replications 0..R-1, so
experiments share their random shocks (common random numbers) and differ only in what was sampled.
"""

from __future__ import annotations

import dataclasses
import warnings

INSTALL_HINT = "sim.ema needs the EMA Workbench: pip install 'sim[ema]' (or: pip install 'ema-workbench>=3,<4')"
SEPARATOR = "__"


class WorkbenchMissing(ImportError):
    """ema_workbench is not installed; the message says how to install it, in one line."""


def workbench():
    """The ema_workbench package, or WorkbenchMissing saying how to install it."""
    try:
        with warnings.catch_warnings():
            # its optional cluster back end is announced on import; the local evaluators need none of it
            warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
            import ema_workbench
    except ImportError:
        raise WorkbenchMissing(INSTALL_HINT) from None
    return ema_workbench


def ema_name(name: str) -> str:
    """The identifier EMA uses for a dotted name of the model: ``taliban.reversion`` -> ``taliban__reversion``."""
    return name.replace(".", SEPARATOR)


def lever_ranges() -> dict[str, tuple[float, float]]:
    """Every numeric lever of ``Levers`` with the range the configuration accepts for it."""
    from sim.configuration import INTENSITY_LEVERS
    from sim.dashboard.runner import LEVER_RANGE
    from sim.schema import Levers

    declared = {name: (0.0, 1.0) for name in INTENSITY_LEVERS}
    declared.update({name: (float(lo), float(hi)) for name, (lo, hi) in LEVER_RANGE.items()})
    numeric = [f.name for f in dataclasses.fields(Levers) if f.type in ("float", float)]
    missing = [name for name in numeric if name not in declared]
    if missing:
        raise ValueError(f"levers {', '.join(missing)} have no declared range (sim.configuration.INTENSITY_LEVERS)")
    return {name: declared[name] for name in numeric}


@dataclasses.dataclass(frozen=True)
class Simulation:
    """The model function EMA calls: one experiment's uncertainties and levers in, one number per outcome out.

    Picklable, so EMA's multiprocessing evaluator can ship it to its workers.
    """

    base: object  # sim.model.Setup: starting point, clock, seed and the baseline scenario's levers
    hypothesis_params: dict  # per hypothesis: its mechanism weights and the parameters it fixes
    default_hypothesis: str
    replications: int = 1

    def __call__(self, **inputs) -> dict[str, float]:
        from sim.analysis import replication_summaries
        from sim.ensemble import run_cell
        from sim.outcomes import OUTCOMES

        setup = self.setup(inputs)
        summaries = replication_summaries(run_cell(setup, self.replications))
        return {o.name: float(summaries[i].mean()) for i, o in enumerate(OUTCOMES)}

    def setup(self, inputs: dict):
        """The Setup of one experiment: the baseline's levers changed by the policy, the sampled parameters."""
        from sim.actors import STATES
        from sim.rules import PARAMS

        base_levers = self.base.levers
        levers = dataclasses.replace(
            base_levers,
            desire_shift=dict(base_levers.desire_shift),
            max_relation=dict(base_levers.max_relation),
            conditional=list(base_levers.conditional),
        )
        params = {}
        hypothesis = self.default_hypothesis
        numeric = {f.name for f in dataclasses.fields(levers) if f.type in ("float", float)}
        for key, value in inputs.items():
            group, _, state = key.partition(".")
            if key == "hypothesis":
                hypothesis = getattr(value, "name", value)
                if hypothesis not in self.hypothesis_params:
                    raise ValueError(f"unknown hypothesis {hypothesis!r}; known: {', '.join(self.hypothesis_params)}")
            elif key in PARAMS:
                params[key] = float(value)
            elif key in numeric:
                setattr(levers, key, float(value))
            elif state in STATES and group == "desire_shift":
                levers.desire_shift[state] = float(value)
            elif state in STATES and group == "max_relation":
                levers.max_relation[state] = int(value)
            elif state in STATES and group == "conditional":
                if bool(value) and state not in levers.conditional:
                    levers.conditional.append(state)
                elif not bool(value) and state in levers.conditional:
                    levers.conditional.remove(state)
            else:
                raise ValueError(f"{key!r} is neither an uncertain parameter nor a lever of the model")
        params.update(self.hypothesis_params[hypothesis])
        return dataclasses.replace(self.base, levers=levers, params=params, sampling=None)


def model(
    name: str = "taliban_diplomacy",
    *,
    experiment: str | None = None,
    months: int | None = None,
    replications: int = 1,
    seed: int | None = None,
    overrides=(),
):
    """An ``ema_workbench.Model`` of the simulation, ready for ``perform_experiments``.

    ``experiment`` (a config name; None: the default) sets the starting point, the horizon, the seed and the
    baseline scenario whose levers a policy changes; ``months`` and ``seed`` change them.  Each experiment runs
    ``replications`` replications and reports their mean.  ``overrides`` are further command-line style
    settings of the configuration (``+params...`` fixes a parameter for every experiment).
    """
    ema = workbench()
    from sim.actors import STATES
    from sim.actors.states import RECOGNITION
    from sim.configuration import available, plan
    from sim.outcomes import OUTCOMES
    from sim.uncertainty import uncertain_parameters

    if not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications={replications!r} must be a whole number of at least 1")
    hypotheses = available("hypothesis")
    settings = [f"experiment={experiment}"] if experiment else []
    settings += [f"experiment.hypotheses=[{','.join(hypotheses)}]", "replications=1", "uncertainty=none"]
    settings += [f"months={months}"] if months is not None else []
    settings += [f"seed={seed}"] if seed is not None else []
    # nothing is written: the plan only supplies the checked starting point, levers and hypothesis parameters
    p = plan([*settings, *overrides], writes=False)
    baseline = next(c for c in p.cells if c.scenario.name == p.baseline)
    hypothesis_params = {c.hypothesis.name: dict(c.setup.params) for c in p.cells if c.scenario.name == p.baseline}
    default_hypothesis = next(iter(hypothesis_params))
    # a parameter every hypothesis fixes (or the user fixed with +params) never varies: not an uncertainty
    fixed_everywhere = set.intersection(*(set(v) for v in p.fixed_by_hypothesis.values()))

    function = Simulation(baseline.setup, hypothesis_params, default_hypothesis, replications)
    result = ema.Model(name, function=function)

    uncertainties = []
    for param in uncertain_parameters(fixed_everywhere):
        lo, hi = param.sampling_range
        kind = ema.IntegerParameter if param.integer else ema.RealParameter
        bounds = (int(lo), int(hi)) if param.integer else (float(lo), float(hi))
        u = kind(ema_name(param.name), *bounds, default=param.default, variable_name=param.name)
        u.description = param.meaning
        uncertainties.append(u)
    h = ema.CategoricalParameter("hypothesis", list(hypothesis_params), default=default_hypothesis)
    h.description = "which text's view of cause and effect holds (configs/hypothesis/)"
    uncertainties.append(h)
    result.uncertainties = uncertainties

    base = baseline.setup.levers
    levers = []
    for lever, (lo, hi) in lever_ranges().items():
        levers.append(ema.RealParameter(lever, lo, hi, default=float(getattr(base, lever))))
    from sim.dashboard.runner import DESIRE_RANGE

    for state in STATES:
        levers.append(
            ema.RealParameter(
                ema_name(f"desire_shift.{state}"),
                *map(float, DESIRE_RANGE),
                default=float(base.desire_shift.get(state, 0.0)),
                variable_name=f"desire_shift.{state}",
            )
        )
        levers.append(
            ema.IntegerParameter(
                ema_name(f"max_relation.{state}"),
                0,
                RECOGNITION,
                default=int(base.max_relation.get(state, RECOGNITION)),
                variable_name=f"max_relation.{state}",
            )
        )
        levers.append(
            ema.BooleanParameter(
                ema_name(f"conditional.{state}"),
                default=state in base.conditional,
                variable_name=f"conditional.{state}",
            )
        )
    result.levers = levers

    outcomes = []
    for o in OUTCOMES:
        kind = {"lower": ema.ScalarOutcome.MINIMIZE, "higher": ema.ScalarOutcome.MAXIMIZE}.get(
            o.better, ema.ScalarOutcome.INFO
        )
        outcome = ema.ScalarOutcome(o.name, kind=kind)
        outcome.unit = o.unit
        outcome.summary = o.summary
        outcome.description = f"{o.description} ({o.unit}; {SUMMARY_TEXT[o.summary]})"
        outcomes.append(outcome)
    result.outcomes = outcomes
    return result


SUMMARY_TEXT = {
    "annual": "yearly total over the run",
    "mean": "mean over the run's months",
    "final": "in the last month",
    "share": "share of the run's months",
}
