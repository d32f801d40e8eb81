"""Behavioural rules as small named units that carry their sources.

A rule is a function of the month's context decorated with ``@rule``.  The
decorator records the rule's id, the actor it belongs to, a one-line statement,
the seed paragraphs it rests on, the parameters it reads (each with a default,
a plausible range and either a citation or a labelled assumption) and, where
the texts disagree, the mechanism (hypothesis) that switches it on.

A mechanism-bound rule returns an additive term; the term is scaled by the
mechanism's weight (0 = the hypothesis is off, 1 = fully on), which may differ
per replication like any other parameter.  A link that several texts accept
but others do not is bound to the set of their mechanisms and scaled by the
sum of their weights (at most 1).  The rulebook (docs/rules.md) is
generated from this registry.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from sim.sources import parse_citation

MECHANISMS: dict[str, str] = {
    "engagement_moderates": (
        "Contact and recognition strengthen the Taliban pragmatists and open counter-terrorism and aid "
        "cooperation; isolation and condemnation strengthen the hard-liners."
    ),
    "legitimacy_emboldens": (
        "Recognition and upgrades without conditions remove the pressure to reform, widen the sanctuary for armed "
        "groups and spread instability to neighbours; accountability restrains the sanctuary."
    ),
    "conditional_leverage": (
        "Recognition offered against benchmarks (girls' education, counter-terrorism), and withdrawn when they are "
        "broken, extracts commitments when Kabul judges the offer worth its ideological cost; free upgrades spend "
        "the leverage."
    ),
    "regional_security_bargain": (
        "A joint front of neighbours, direct talks with the Kandahar leadership, US leverage over left-behind "
        "equipment and Kabul's dependence on its neighbours move the TTP away from the border."
    ),
}

MECHANISM_SOURCES: dict[str, tuple[str, ...]] = {
    "engagement_moderates": ("seed 003 ¶1-4", "seed 000 ¶3"),
    "legitimacy_emboldens": ("seed 002 ¶3-4", "seed 002 ¶6-8", "seed 002 ¶10-12"),
    "conditional_leverage": ("seed 000 ¶2-3", "seed 002 ¶10-12", "seed 003 ¶2"),
    "regional_security_bargain": ("seed 001 ¶1-5", "seed 004 ¶1-3", "seed 004 ¶5"),
}


def mechanism_param(name: str) -> str:
    return f"mechanism.{name}"


@dataclass(frozen=True)
class Param:
    """A number the model uses: a figure from a text (``sources``) or a labelled assumption."""

    name: str
    default: float
    low: float
    high: float
    meaning: str
    sources: tuple[str, ...] = ()
    assumption: str = ""
    integer: bool = False
    # the part of [low, high] that a calibration against the record leaves plausible (declared beside the
    # evidence); sampling draws from it, so that uncertainty never throws the model off the record it fits
    calibrated_range: tuple[float, float] | None = None

    def __post_init__(self):
        if not (self.low <= self.default <= self.high):
            raise ValueError(f"parameter {self.name}: default {self.default} outside [{self.low}, {self.high}]")
        if self.calibrated_range is not None:
            lo, hi = self.calibrated_range
            if not (self.low <= lo <= self.default <= hi <= self.high):
                raise ValueError(
                    f"parameter {self.name}: calibrated range {self.calibrated_range} must hold the default "
                    f"and lie inside [{self.low}, {self.high}]"
                )
        if bool(self.sources) == bool(self.assumption):
            raise ValueError(f"parameter {self.name}: give either sources (a text's figure) or an assumption label")
        for c in self.sources:
            parse_citation(c)

    @property
    def uncertain(self) -> bool:
        """A guessed number (an assumption, not a mechanism switch) whose value is uncertain within its range."""
        return bool(self.assumption) and not self.name.startswith("mechanism.") and self.low < self.high

    @property
    def sampling_range(self) -> tuple[float, float]:
        return self.calibrated_range if self.calibrated_range is not None else (self.low, self.high)

    @property
    def provenance(self) -> str:
        return "; ".join(self.sources) if self.sources else f"assumption: {self.assumption}"


def assumption(name, default, low, high, meaning, why, integer=False, calibrated_range=None) -> Param:
    return Param(name, default, low, high, meaning, assumption=why, integer=integer, calibrated_range=calibrated_range)


def figure(name, default, low, high, meaning, *sources, integer=False) -> Param:
    return Param(name, default, low, high, meaning, sources=tuple(sources), integer=integer)


@dataclass
class Rule:
    id: str
    actor: str
    statement: str
    sources: tuple[str, ...]
    params: tuple[Param, ...]
    mechanism: str | tuple[str, ...] | None
    func: Callable = field(repr=False)

    @property
    def mechanisms(self) -> tuple[str, ...]:
        """The mechanisms (hypotheses) that accept this link; empty for a link every text accepts or none disputes."""
        if self.mechanism is None:
            return ()
        return (self.mechanism,) if isinstance(self.mechanism, str) else tuple(self.mechanism)

    def __post_init__(self):
        self._weights = tuple(mechanism_param(m) for m in self.mechanisms)

    def __call__(self, ctx, *args):
        if _trace is not None:
            _trace.add(self.id)
        if self.mechanism is None:
            return self.func(ctx, *args)
        if isinstance(self.mechanism, str):
            weight = ctx.p[self._weights[0]]
        else:
            weight = np.minimum(sum(ctx.p[name] for name in self._weights), 1.0)
        if np.isscalar(weight) and weight == 0.0:
            return 0.0  # switched off in every replication: the term is zero, no need to compute it
        result = self.func(ctx, *args)
        if np.isscalar(weight) and weight == 1.0 and _all_floats(result):
            return result  # fully on everywhere: a float times 1.0 is the float to the last bit
        if isinstance(result, tuple):  # a rule returning several terms scales each
            return tuple(weight * term for term in result)
        return weight * result


def _all_floats(result) -> bool:
    """A term (or tuple of terms) of Python or 64-bit floats, which scaling by 1.0 leaves as it is."""
    terms = result if isinstance(result, tuple) else (result,)
    return all(type(t) is float or (type(t) is np.ndarray and t.dtype == np.float64) for t in terms)


def mechanism_active(params: dict, *mechanisms: str) -> bool:
    """False only if every named mechanism is switched off in every replication."""
    for m in mechanisms:
        w = params[mechanism_param(m)]
        if not (np.isscalar(w) and w == 0.0):
            return True
    return False


RULES: dict[str, Rule] = {}
PARAMS: dict[str, Param] = {}
_trace: set[str] | None = None


def _register_param(p: Param, owner: str):
    known = PARAMS.get(p.name)
    if known is not None and known != p:
        raise ValueError(f"parameter {p.name} declared twice with different settings ({owner})")
    PARAMS[p.name] = p


for _m in MECHANISMS:
    _register_param(
        assumption(
            mechanism_param(_m),
            0.0,
            0.0,
            1.0,
            f"weight of the '{_m}' mechanism (0 off, 1 fully on); set by the hypothesis",
            "switch chosen by the hypothesis config",
        ),
        "mechanisms",
    )


def rule(
    id: str,
    *,
    statement: str,
    sources: tuple[str, ...] | list[str],
    params=(),
    mechanism: str | tuple[str, ...] | None = None,
):
    """Register a behavioural rule; ``id`` is ``<actor>.<name>``.

    ``mechanism`` names the hypothesis mechanism the rule belongs to, or a tuple of the mechanisms whose texts
    accept the link (the rule then acts with the sum of their weights, at most 1).
    """
    actor = id.split(".", 1)[0]
    if not sources:
        raise ValueError(f"rule {id} cites no seed paragraph")
    for c in sources:
        parse_citation(c)
    if isinstance(mechanism, (list, tuple)):
        mechanism = tuple(mechanism)
        if len(mechanism) < 2 or len(set(mechanism)) != len(mechanism):
            raise ValueError(f"rule {id}: a set of mechanisms names at least two, each once")
    for m in (mechanism,) if isinstance(mechanism, str) else mechanism or ():
        if m not in MECHANISMS:
            raise ValueError(f"rule {id}: unknown mechanism {m!r}")

    def decorate(func):
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        for p in params:
            _register_param(p, id)
        r = Rule(id, actor, statement, tuple(sources), tuple(params), mechanism, func)
        RULES[id] = r
        return r

    return decorate


@contextlib.contextmanager
def trace_rules():
    """Collect the ids of rules called inside the block (used by coverage tests)."""
    global _trace
    previous, _trace = _trace, set()
    try:
        yield _trace
    finally:
        _trace = previous
