"""The page's ensemble: the model run directly for the page's choices, one cell per scenario and hypothesis.

The scenarios, hypotheses and starting point come from the configuration files through
``sim.config.plan.plan`` (read only; nothing is written).  A choice of the page (scenario, hypotheses,
lever settings, fixed assumptions, uncertainty, replications) becomes one ``Setup`` per cell; the status
quo cell of each hypothesis is the baseline.  With uncertainty on, every assumption not fixed by the
hypothesis or by the user is drawn per replication (``sim.model.sampling.draw_parameters``), keyed by
replication, so the scenario and its baseline share their draws and their shocks.

Records are cached by the full choice that shapes them: moving a lever reruns the scenario cells only,
the baselines come from the cache.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from sim.analysis.effects import effect_probabilities
from sim.config.names import available
from sim.config.plan import compose, plan
from sim.config.schema import HypothesisConfig, InitialConfig, ScenarioConfig
from sim.model.ensemble import run_cell
from sim.model.levers import LEVER, NUMERIC_LEVERS, Levers
from sim.model.model import DiplomacyModel, Setup
from sim.model.outcomes import OUTCOME, OUTCOME_INDEX, replication_summaries
from sim.model.rules import PARAMS
from sim.model.sampling import draw_parameters, uncertain_parameters

MAX_REPLICATIONS = 5000
FAN_OUTCOMES = (
    "deaths_pakistan",
    "pragmatist_influence",
    "humanitarian_need",
    "ttp_sanctuary",
    "girls_schools_open",
    "civil_war",
)
EFFECT_OUTCOMES = (
    "deaths_pakistan",
    "pragmatist_influence",
    "girls_schools_open",
    "humanitarian_need",
    "recognising_states",
    "clash_pakistan_afghanistan",
    "civil_war",
    "iskp_external_capacity",
)
WATCHED_SERIES = ("deaths_pakistan", "pragmatist_influence", "recognising_states")
# the outcomes whose bands the page draws: the page receives these summaries, never the replications
BAND_OUTCOMES = tuple(dict.fromkeys((*FAN_OUTCOMES, "recognising_states", *WATCHED_SERIES)))
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Catalogue:
    """What the configuration files offer: scenarios, hypotheses (with their parameters) and the start."""

    scenarios: dict[str, ScenarioConfig]
    hypotheses: dict[str, HypothesisConfig]
    hypothesis_params: dict[str, dict]
    initial: InitialConfig
    base: Setup
    baseline: str
    # the question the page opens on: the default experiment (configs/config.yaml), its description and its
    # policies (the scenarios other than the baseline), the first of which the page shows first
    question: str
    question_scenarios: tuple[str, ...]


@functools.cache
def catalogue() -> Catalogue:
    scenarios = available("scenario")
    hypotheses = available("hypothesis")
    # out_dir is named only so that plan() does not derive one; nothing is written there
    p = plan(
        [
            "experiment=all_policies",
            f"experiment.scenarios=[{','.join(scenarios)}]",
            f"experiment.hypotheses=[{','.join(hypotheses)}]",
            "replications=1",
            "out_dir=results/.dashboard-never-written",
        ]
    )
    first = p.cells[0].setup
    asked = compose([]).experiment
    policies = tuple(s for s in asked.scenarios if s != asked.baseline and s in scenarios)
    return Catalogue(
        scenarios={s.name: s for s in p.scenarios},
        hypotheses={h.name: h for h in p.hypotheses},
        hypothesis_params={c.hypothesis.name: dict(c.setup.params) for c in p.cells},
        initial=p.initial,
        base=replace(first, levers=Levers(), params={}),
        baseline=p.baseline,
        question=" ".join(str(asked.description).split()),
        question_scenarios=policies or tuple(s.name for s in p.scenarios if s.name != p.baseline),
    )


@dataclass(frozen=True)
class Choice:
    """Everything on the page that shapes the ensemble.  Hashable, so it keys the cache."""

    # the page opens on the question of the default experiment: its first policy, under its first hypothesis
    scenario: str = field(default_factory=lambda: catalogue().question_scenarios[0])
    hypotheses: tuple[str, ...] = ("engagement_moderates",)
    levers: tuple[tuple[str, float], ...] = ()  # ("sanctions", 0.6), ("desire_shift.pakistan", -1.0)
    params: tuple[tuple[str, float], ...] = ()  # assumptions the user fixed
    uncertainty: bool = True
    replications: int = 1000
    seed: int = 20250701

    def __post_init__(self):
        if not 1 <= self.replications <= MAX_REPLICATIONS:
            raise ValueError(f"replications must be between 1 and {MAX_REPLICATIONS}")


def scenario_levers(name: str, changes=()) -> Levers:
    """The scenario's levers with the page's changes applied."""
    s = catalogue().scenarios[name]
    levers = Levers(
        desire_shift=dict(s.levers.desire_shift),
        max_relation=dict(s.levers.max_relation),
        conditional=list(s.levers.conditional),
        **{lever.name: float(getattr(s.levers, lever.name)) for lever in NUMERIC_LEVERS},
    )
    for key, value in changes:
        if key.startswith("desire_shift."):
            levers.desire_shift[key.split(".", 1)[1]] = float(value)
        elif key in LEVER:
            lo, hi = LEVER[key].low, LEVER[key].high
            if not lo <= value <= hi:
                raise ValueError(f"lever {key}={value} outside [{lo}, {hi}]")
            setattr(levers, key, float(value))
        else:
            raise ValueError(f"unknown lever {key!r}")
    return levers


def cell_params(hypothesis: str, fixed: dict, uncertainty: bool, replications: int, seed: int) -> dict:
    """Parameters of one hypothesis's cells: its own values, the user's, and draws for the rest."""
    for name, value in fixed.items():
        p = PARAMS[name]
        if not p.low <= value <= p.high:
            raise ValueError(f"parameter {name}={value} outside [{p.low}, {p.high}]")
    own = catalogue().hypothesis_params[hypothesis]
    params = {}
    if uncertainty:
        params.update(draw_parameters(seed, np.arange(replications), fixed=set(own) | set(fixed)))
    params.update(own)
    params.update(fixed)
    return params


def cell_setup(choice: Choice, scenario: str, hypothesis: str) -> Setup:
    changes = choice.levers if scenario == choice.scenario else ()
    params = cell_params(hypothesis, dict(choice.params), choice.uncertainty, choice.replications, choice.seed)
    return replace(catalogue().base, levers=scenario_levers(scenario, changes), params=params, seed=choice.seed)


class RecordCache:
    """Records of recent cells, keyed by what shaped them; a lever change leaves the baselines cached.

    Bounded by bytes (a cell of 1,000 replications holds about 18 MB), oldest use dropped first.
    """

    def __init__(self, max_bytes: float = 600e6):
        self.max_bytes = max_bytes
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def has(self, key) -> bool:
        with self._lock:
            return key in self._items

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > 1 and sum(v.nbytes for v in self._items.values()) > self.max_bytes:
                self._items.popitem(last=False)

    def get(self, key, compute):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        self.put(key, value)
        return value


CACHE = RecordCache()


def cell_key(choice: Choice, scenario: str, hypothesis: str):
    changes = choice.levers if scenario == choice.scenario else ()
    return (scenario, changes, hypothesis, choice.params, choice.uncertainty, choice.replications, choice.seed)


def cell_record(choice: Choice, scenario: str, hypothesis: str) -> np.ndarray:
    """Record (months x outcomes x replications) of one cell, from the cache or a fresh run."""
    key = cell_key(choice, scenario, hypothesis)
    return CACHE.get(key, lambda: run_cell(cell_setup(choice, scenario, hypothesis), choice.replications))


# Worker processes run the cells, so the server's own process (the page's connections) stays free while an
# ensemble runs, and a scenario and its status quo run side by side when both must be run.  A cell is not
# split between them: each month's steps have a fixed cost, so two halves cost more than half a cell, and on
# this shared two-core machine, at a load average near 2.7, measured slower than the whole (0.8-1.2 s against
# 0.5-0.6 s for 1,000 replications).
MIN_POOLED = 200
WORKERS = 2
_pool = None
_pool_lock = threading.Lock()


def worker_pool():
    """The worker processes (spawned, so the server's threads are not copied), or None when switched off."""
    global _pool
    with _pool_lock:
        if _pool is None and os.environ.get("SIM_DASHBOARD_SERIAL") != "1":
            import multiprocessing

            _pool = ProcessPoolExecutor(
                max_workers=WORKERS,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_follow_parent,
                initargs=(os.getpid(),),
            )
            # a submit starts a process while none is idle, so both start (and import the model) now
            for _ in range(WORKERS):
                _pool.submit(_warm_up)
        return _pool


def _follow_parent(parent: int):
    """End a worker when the server ends, however it ends (a killed server runs no clean-up)."""

    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _warm_up():
    # a tiny run imports the model and everything its first month needs before the first lever moves
    run_cell(replace(Setup(), months=2), 2)


@dataclass(frozen=True)
class CellBands:
    """What the page draws of one cell: per outcome the quantiles (QUANTILES x months) and the mean per month."""

    quantiles: dict[str, np.ndarray]
    means: dict[str, np.ndarray]

    @property
    def months(self) -> int:
        return len(next(iter(self.means.values())))


def cell_bands(record: np.ndarray) -> CellBands:
    idx = [OUTCOME_INDEX[o] for o in BAND_OUTCOMES]
    values = record[:, idx, :]
    q = np.quantile(values, QUANTILES, axis=2)  # (quantiles, months, outcomes)
    m = values.mean(axis=2, dtype=np.float64)
    return CellBands(
        quantiles={o: q[:, :, k] for k, o in enumerate(BAND_OUTCOMES)},
        means={o: m[:, k] for k, o in enumerate(BAND_OUTCOMES)},
    )


class SummaryCache:
    """Bands and per-replication summaries of recent records, keyed by the record itself (small; by count)."""

    def __init__(self, size: int = 64):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, record: np.ndarray, kind: str, compute):
        key = (id(record), kind)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] is record:
                self._items.move_to_end(key)
                return hit[1]
        value = compute(record)
        with self._lock:
            # the record is held with its summary, so its id cannot be reused by another array meanwhile
            self._items[key] = (record, value)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


SUMMARIES = SummaryCache()


def bands_of(record: np.ndarray) -> CellBands:
    return SUMMARIES.get(record, "bands", cell_bands)


def summaries_of(record: np.ndarray) -> np.ndarray:
    return SUMMARIES.get(record, "summaries", replication_summaries)


@dataclass
class HypothesisResult:
    name: str
    label: str
    scenario: np.ndarray  # record of the scenario cell
    baseline: np.ndarray  # record of the status quo cell
    effects: np.ndarray = field(init=False)  # (outcomes, replications): scenario minus status quo, paired
    scenario_bands: CellBands = field(init=False)
    baseline_bands: CellBands = field(init=False)

    def __post_init__(self):
        # the status quo's summaries and bands come from the cache when only the scenario's cell changed
        self.effects = summaries_of(self.scenario) - summaries_of(self.baseline)
        self.scenario_bands = bands_of(self.scenario)
        self.baseline_bands = bands_of(self.baseline)

    def p_better(self, outcome: str) -> float:
        """Share of replications in which the scenario does better than the status quo (ties count as not),
        computed as the report computes it."""
        return effect_probabilities(self.effects[OUTCOME_INDEX[outcome]], OUTCOME[outcome].better)[0]


@dataclass
class LiveResult:
    choice: Choice
    hypotheses: list[HypothesisResult]
    start: tuple[int, int]
    seconds: float


def missing_job(choice: Choice, scenario: str, hypotheses):
    """The cells of one scenario not in the cache, as one model: (setup, replication indices, cache keys).

    A hypothesis is a set of parameter values, and parameters may differ per replication, so the cells of
    one scenario are one ensemble of H x N members: member k*N + r is replication r under hypothesis k,
    with replication r's shocks (keyed randomness) and parameter draws.  One model instead of H saves the
    fixed cost of each month's steps, most of a cell's time at a thousand replications.
    """
    missing = [h for h in hypotheses if not CACHE.has(cell_key(choice, scenario, h))]
    if not missing:
        return None
    n = choice.replications
    setups = [cell_setup(choice, scenario, h) for h in missing]
    keys = [cell_key(choice, scenario, h) for h in missing]
    if len(missing) == 1:
        return setups[0], np.arange(n), keys
    names = set().union(*(s.params for s in setups))
    params = {name: np.concatenate([np.broadcast_to(s.params[name], (n,)) for s in setups]) for name in names}
    return replace(setups[0], params=params), np.tile(np.arange(n), len(missing)), keys


def run_jobs(jobs) -> None:
    """Run the jobs, each whole in a worker process (side by side when there are two), and cache their cells."""
    jobs = [j for j in jobs if j is not None]
    if not jobs:
        return
    pool = worker_pool() if sum(len(reps) for _, reps, _ in jobs) >= MIN_POOLED else None
    records = None
    if pool is not None:
        try:
            futures = [pool.submit(run_cell, setup, reps, len(reps)) for setup, reps, _ in jobs]
            records = [f.result() for f in futures]
        except RuntimeError:  # the pool was shut down (the server is stopping)
            records = None
    if records is None:
        records = [run_cell(setup, reps, chunk_size=len(reps)) for setup, reps, _ in jobs]
    for (_, reps, keys), record in zip(jobs, records):
        n = len(reps) // len(keys)
        for k, key in enumerate(keys):
            CACHE.put(key, record if len(keys) == 1 else record[:, :, k * n : (k + 1) * n].copy())


def scenario_records(choice: Choice, scenario: str, hypotheses) -> list[np.ndarray]:
    """Records of one scenario under several hypotheses, the missing ones run together as one model."""
    run_jobs([missing_job(choice, scenario, hypotheses)])
    return [cell_record(choice, scenario, h) for h in hypotheses]


def run_live(choice: Choice) -> LiveResult:
    """The ensemble of the choice and its status quo, the cells not cached run side by side."""
    started = time.perf_counter()
    cat = catalogue()
    names = list(dict.fromkeys([choice.scenario, cat.baseline]))
    run_jobs([missing_job(choice, s, choice.hypotheses) for s in names])
    records = {s: [cell_record(choice, s, h) for h in choice.hypotheses] for s in names}
    scenarios, baselines = records[choice.scenario], records[cat.baseline]
    results = [
        HypothesisResult(h, cat.hypotheses[h].label, s, b) for h, s, b in zip(choice.hypotheses, scenarios, baselines)
    ]
    return LiveResult(choice, results, cat.base.start, time.perf_counter() - started)


def watched_setup(choice: Choice, hypothesis: str, replication: int) -> Setup:
    """The setup of replication ``replication`` alone, with exactly the parameter values it has in the ensemble."""
    if not 0 <= replication < choice.replications:
        raise ValueError(f"replication {replication} is outside the ensemble of {choice.replications}")
    setup = cell_setup(choice, choice.scenario, hypothesis)
    params = {k: (v[replication : replication + 1] if np.ndim(v) else v) for k, v in setup.params.items()}
    return replace(setup, params=params)


def watched_model(choice: Choice, hypothesis: str, replication: int) -> DiplomacyModel:
    """Replication r of the ensemble as a model of its own; it computes the same numbers as in the ensemble."""
    return DiplomacyModel(watched_setup(choice, hypothesis, replication), [replication])


def assumption_groups() -> dict[str, list]:
    """The uncertain assumptions, grouped by the actor (or module) they belong to."""
    catalogue()  # the rules, and so the parameters, are registered when the model is imported
    groups: dict[str, list] = {}
    for p in uncertain_parameters():
        groups.setdefault(p.name.split(".", 1)[0], []).append(p)
    return groups
