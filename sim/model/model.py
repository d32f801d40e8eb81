"""The Mesa model: one instance advances many replications of the region together.

Each month runs in two phases.  First the model freezes a snapshot of every
actor's state and derives the signals everyone can see (how engaged the world
is, how many states recognise Kabul, ...).  Then every actor acts on that
snapshot alone.  No actor sees another's decision of the same month, so the
activation order cannot change a result, and one replication computes the same
numbers whatever batch it runs in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import mesa
import numpy as np

from sim.model.actors import ACTORS, STATES
from sim.model.actors.states import NEIGHBOURS, RECOGNITION, LadderMonth, sanctions_policy
from sim.model.levers import Levers
from sim.model.outcomes import OUTCOMES
from sim.model.rules import PARAMS
from sim.model.sampling import draw_matched, draw_parameters
from sim.model.streams import KeyedStreams


@dataclass(frozen=True)
class Sampling:
    """Draw the uncertain parameters per replication (sim.model.sampling), keyed by replication index.

    Every parameter not named in ``Setup.params`` gets replication r's draw, so r has the same assumptions
    alone, in any chunk and in every scenario. ``fixed`` names parameters left out of the design (set by the
    user for the whole run); ``total`` is the size of a Latin-hypercube or Sobol design.
    """

    method: str = "random"
    total: int | None = None
    fixed: tuple[str, ...] = ()
    matched: str | None = None  # a worldview: draw from the points its history match kept (sim.model.sampling)


@dataclass
class Setup:
    """Everything one model run needs, already validated: levers, parameters, starting point, clock, seed.

    With ``sampling``, the uncertain parameters that ``params`` does not set are drawn per replication.
    """

    levers: Levers = field(default_factory=Levers)
    params: dict = field(default_factory=dict)
    relations: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    start: tuple[int, int] = (2025, 7)
    months: int = 120
    seed: int = 20250701
    sampling: Sampling | None = None


class Month:
    """What every actor sees in one month: last month's world, the parameters, the levers and keyed draws."""

    def __init__(self, model: "DiplomacyModel"):
        self.index = model.month_index
        self.p = model.params
        self.levers = model.levers
        self._streams = model.streams
        self.prev = SimpleNamespace(**{a.key: a.snapshot() for a in model.actors.values()})
        self.prev_relation = {k: getattr(self.prev, k).relation for k in STATES}
        self.prev_stepped = {k: getattr(self.prev, k).stepped for k in STATES}
        self.ladder = LadderMonth(self.p, self.prev_stepped)
        n_states = len(STATES)
        recognising = [self.prev_relation[k] == RECOGNITION for k in STATES]
        self.recognising_count = sum(r.astype(np.float64) for r in recognising)
        self.recognised_share = self.recognising_count / n_states
        # recognition on offer against benchmarks: only what conditional states have actually put on the table
        self.conditional_offers = sum(getattr(self.prev, k).offer for k in self.levers.conditional) / n_states
        neighbours = [k for k in NEIGHBOURS if k in self.levers.conditional]
        self.regional_offers = sum(getattr(self.prev, k).offer for k in neighbours) / len(NEIGHBOURS)
        regional = [k for k in STATES if k != "united_states"]
        self.regional_engagement = sum(self.prev_relation[k] / 4.0 for k in regional) / len(regional)
        self.joint_front = self.prev.pakistan.front
        self.ct_cooperation = np.clip(self.prev.united_states.ct + self.prev.russia.ct + self.prev.china.ct, 0.0, 1.0)
        # hardship: the share of the population in need against its 2025 level, so that growth in numbers alone is not
        # read as hardship
        self.hardship = self.prev.population.need_share / self.p["population.need_share_reference"]
        # sanctions relief against the benchmarks: the donors' policy this month, from last month's world
        self.levers = sanctions_policy(self, self.levers)

    def uniform(self, stream: str) -> np.ndarray:
        return self._streams.uniform(stream, self.index)

    def normal(self, stream: str) -> np.ndarray:
        return self._streams.normal(stream, self.index)

    def poisson(self, stream: str, lam) -> np.ndarray:
        return self._streams.poisson(stream, self.index, lam)


class DiplomacyModel(mesa.Model):
    """The regional diplomacy around the Taliban government, for R replications at once.

    ``replications`` are global replication indices; parameters in ``setup.params``
    may be scalars or arrays with one value per replication.  ``record`` may be a
    (months x outcomes x replications) float32 array to write outcomes into.
    """

    def __init__(self, setup: Setup | None = None, replications=1, *, record=None, rng=None):
        super().__init__(rng=rng)
        setup = setup or Setup()
        reps = np.arange(replications) if np.isscalar(replications) else np.asarray(replications)
        self.replication_ids = reps.astype(np.int64)
        self.n_replications = len(reps)
        self.setup = setup
        self.levers = setup.levers
        self.params = _resolve_params({**self._drawn(setup), **setup.params}, self.n_replications)
        self.streams = KeyedStreams(setup.seed, self.replication_ids)
        self.month_index = 0
        self.actors = {}
        for cls in ACTORS:
            start = dict(setup.state.get(cls.key, {}))
            if cls.key in setup.relations:
                start["relation"] = setup.relations[cls.key]
            self.actors[cls.key] = cls(self, start)
        shape = (setup.months, len(OUTCOMES), self.n_replications)
        if record is None:
            record = record_buffer(shape)
        elif record.shape != shape or record.dtype != np.float32:
            raise ValueError(f"record must be float32 of shape {shape}, got {record.dtype} {record.shape}")
        self.record = record

    def _drawn(self, setup: Setup) -> dict:
        if setup.sampling is None:
            return {}

        s = setup.sampling
        if s.matched is not None:
            return draw_matched(setup.seed, self.replication_ids, s.matched, fixed=s.fixed)
        return draw_parameters(setup.seed, self.replication_ids, method=s.method, total=s.total, fixed=s.fixed)

    def __getattr__(self, name):
        # model.taliban, model.pakistan, ... read as the story wants them
        actors = self.__dict__.get("actors")
        if actors is not None and name in actors:
            return actors[name]
        raise AttributeError(name)

    def step(self):
        ctx = Month(self)
        self.agents.do("act", ctx)
        self._record_month()
        self.month_index += 1

    def run(self) -> np.ndarray:
        """Advance every month of the horizon; returns the record (months x outcomes x replications)."""
        while self.month_index < self.setup.months:
            self.step()
        return self.record

    def _record_month(self):
        row = self.record[self.month_index]
        for i, outcome in enumerate(OUTCOMES):
            row[i] = outcome.reporter(self)


def record_buffer(shape) -> np.ndarray:
    """An uninitialised float32 outcome record.

    NumPy advises the kernel to back large arrays with huge pages; where the kernel then
    compacts memory synchronously on first touch, writing a record of a hundred megabytes
    costs several times the simulation itself.  The record is written once, in order, so
    ordinary pages serve it as well; the advice is switched off for this allocation only.
    """
    try:
        from numpy._core.multiarray import _get_madvise_hugepage, _set_madvise_hugepage
    except ImportError:  # an older or newer NumPy without the switch: allocate as usual
        return np.empty(shape, dtype=np.float32)
    previous = _get_madvise_hugepage()
    _set_madvise_hugepage(False)
    try:
        return np.empty(shape, dtype=np.float32)
    finally:
        _set_madvise_hugepage(previous)


def _resolve_params(overrides: dict, n: int) -> dict:
    params = {name: p.default for name, p in PARAMS.items()}
    for name, value in overrides.items():
        value = np.asarray(value, dtype=np.float64)
        if value.ndim == 0:
            params[name] = float(value)
        elif value.shape == (n,):
            params[name] = value
        else:
            raise ValueError(
                f"parameter {name}: expected one value or {n} (one per replication), got shape {value.shape}"
            )
    return params
