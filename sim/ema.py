"""The model as an EMA Workbench model: uncertainties, levers and outcomes taken from the model's declarations.

    from ema_workbench import perform_experiments
    import sim.ema

    model = sim.ema.model(months=36)
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)
    # the same, with the experiments of each policy run together in one model instance (same numbers)
    experiments, outcomes = perform_experiments(model, 50, 4, evaluator=sim.ema.evaluator(model))

Uncertainties are the parameters that sampling draws (``sim.model.sampling.uncertain_parameters``), each over
the range it is drawn from (its calibrated range where it has one), plus ``hypothesis``: which text's view
of cause and effect holds, one category per hypothesis config.  A hypothesis sets its mechanism weights and
may fix some parameters; as in a run, its own values win over the sampled ones.  Levers are the fields of
``sim.model.levers``: every intensity over the range the configuration accepts, and per state actor its
wish shift, its highest relation level and whether it offers recognition against benchmarks.  A lever a
policy leaves out keeps the experiment's baseline scenario's value.  Outcomes are ``sim.model.outcomes.OUTCOMES``,
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
import functools
import warnings

import numpy as np

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
    from sim.model.levers import NUMERIC_LEVERS

    return {lever.name: (float(lever.low), float(lever.high)) for lever in NUMERIC_LEVERS}


@dataclasses.dataclass(frozen=True)
class Simulation:
    """The model function EMA calls: one experiment's uncertainties and levers in, one number per outcome out.

    Picklable, so EMA's multiprocessing evaluator can ship it to its workers.
    """

    base: object  # sim.model.model.Setup: starting point, clock, seed and the baseline scenario's levers
    hypothesis_params: dict  # per hypothesis: its mechanism weights and the parameters it fixes
    default_hypothesis: str
    replications: int = 1

    def __call__(self, **inputs) -> dict[str, float]:
        from sim.model.outcomes import OUTCOMES

        return dict(zip((o.name for o in OUTCOMES), map(float, self.run_many([inputs])[0])))

    def run_many(self, experiments: list[dict]) -> np.ndarray:
        """Outcomes of many experiments, shape (experiments, outcomes): one model run per distinct policy.

        Experiments that share their levers differ only in parameters, which the model takes per
        replication, so they run together as the replications of one model instance: each experiment's
        replications 0..R-1 keep their own shocks, and the numbers are those of running it alone.
        """
        from sim.model.ensemble import run_cell
        from sim.model.outcomes import OUTCOMES, replication_summaries
        from sim.model.rules import PARAMS

        setups = [self.setup(inputs) for inputs in experiments]
        results = np.empty((len(setups), len(OUTCOMES)))
        by_policy: dict[str, list[int]] = {}
        for j, setup in enumerate(setups):
            by_policy.setdefault(repr(setup.levers), []).append(j)
        n = self.replications
        for members in by_policy.values():
            names = set().union(*(setups[j].params for j in members))
            params = {
                name: np.repeat([setups[j].params.get(name, PARAMS[name].default) for j in members], n)
                for name in names
            }
            together = dataclasses.replace(setups[members[0]], params=params)
            record = run_cell(together, np.tile(np.arange(n), len(members)))
            summaries = replication_summaries(record).reshape(len(OUTCOMES), len(members), n)
            results[members] = summaries.mean(axis=2).T
        return results

    def setup(self, inputs: dict):
        """The Setup of one experiment: the baseline's levers changed by the policy, the sampled parameters."""
        from sim.model.actors import STATES
        from sim.model.rules import PARAMS

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
    from sim.config.names import available
    from sim.config.plan import plan
    from sim.model.actors import STATES
    from sim.model.outcomes import OUTCOMES
    from sim.model.sampling import uncertain_parameters

    if not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications={replications!r} must be a whole number of at least 1")
    hypotheses = available("hypothesis")
    settings = [f"experiment={experiment}"] if experiment else []
    settings += [f"experiment.hypotheses=[{','.join(hypotheses)}]", "replications=1", "uncertainty=none"]
    settings += [f"months={months}"] if months is not None else []
    settings += [f"seed={seed}"] if seed is not None else []
    # nothing is written: the plan only supplies the checked starting point, levers and hypothesis parameters
    p = plan([*settings, *overrides])
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
    from sim.model.levers import DESIRE_SHIFT_RANGE, MAX_RELATION_RANGE

    for state in STATES:
        levers.append(
            ema.RealParameter(
                ema_name(f"desire_shift.{state}"),
                *map(float, DESIRE_SHIFT_RANGE),
                default=float(base.desire_shift.get(state, 0.0)),
                variable_name=f"desire_shift.{state}",
            )
        )
        levers.append(
            ema.IntegerParameter(
                ema_name(f"max_relation.{state}"),
                *MAX_RELATION_RANGE,
                default=int(base.max_relation.get(state, MAX_RELATION_RANGE[1])),
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


def evaluator(model, batch: int = 1000):
    """An EMA evaluator for ``model()``: experiments that share a policy run together in one model instance.

    Use it as EMA's own: ``with sim.ema.evaluator(m) as ev: ev.perform_experiments(scenarios=200, policies=4)``
    or ``perform_experiments(m, ..., evaluator=sim.ema.evaluator(m))``.  Results equal the sequential
    evaluator's; ``batch`` experiments are taken at a time, which bounds memory.
    """
    return _evaluator_class()(model, batch)


@functools.cache
def _evaluator_class():
    from ema_workbench.em_framework.evaluators import BaseEvaluator

    class EnsembleEvaluator(BaseEvaluator):
        def __init__(self, model, batch: int):
            if not isinstance(getattr(model, "function", None), Simulation):
                raise TypeError("sim.ema.evaluator runs the model that sim.ema.model() returns")
            if batch < 1:
                raise ValueError(f"batch={batch} must be at least 1")
            super().__init__(model)
            self.model = model
            self.batch = batch

        def initialize(self):
            pass

        def finalize(self):
            pass

        def evaluate_experiments(self, experiments, callback, **kwargs):
            from sim.model.outcomes import OUTCOME_INDEX

            # the model's outcomes, which a user may have narrowed, by their place among all the model records
            names = {o.name: OUTCOME_INDEX[o.name] for o in self.model.outcomes}
            pending = []
            for experiment in experiments:
                pending.append(experiment)
                if len(pending) == self.batch:
                    self._run(pending, names, callback)
                    pending = []
            if pending:
                self._run(pending, names, callback)

        def _run(self, experiments, names, callback):
            inputs = [
                {**_inputs(self.model.uncertainties, e.scenario), **_inputs(self.model.levers, e.policy)}
                for e in experiments
            ]
            results = self.model.function.run_many(inputs)
            for experiment, row in zip(experiments, results):
                callback(experiment, {name: float(row[i]) for name, i in names.items()})

    return EnsembleEvaluator


def _inputs(parameters, sample) -> dict:
    """The model function's keyword arguments for a sample, as EMA passes them: default where not sampled."""
    out = {}
    for p in parameters:
        value = sample[p.name] if p.name in sample else p.default
        if value is not None:
            out.update({name: value for name in p.variable_name})
    return out


SUMMARY_TEXT = {
    "annual": "yearly total over the run",
    "mean": "mean over the run's months",
    "final": "in the last month",
    "share": "share of the run's months",
}
