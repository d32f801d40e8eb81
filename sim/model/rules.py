"""Behavioural rules as small named units that carry their sources.

A rule is a function of the month's context decorated with ``@rule``.  The
decorator records the rule's id, the actor it belongs to, a one-line statement,
the seed paragraphs it rests on, the parameters it reads (each with a default,
a plausible range and either a citation or a labelled assumption) and, where
the texts disagree, the mechanism (hypothesis) that switches it on.

Every rule states its basis:

- ``shared``: the shared core, links common to every view, each backed by the
  record or by a text no other text disputes; it acts under every hypothesis.
- ``text``: a link the texts of the named mechanisms state; it acts only under
  the hypotheses that switch those mechanisms on.
- ``extension``: a link no text states, carried by the model beyond its texts
  (into named views, or into every view when no mechanism is named).  It has
  its own weight parameter, ``extension.<rule id>`` (0 to 1), which is 0 by
  default: an extension is off unless the user switches it on.

A rule may be text for some views and an extension for others (``basis`` then
maps each mechanism to its basis).  A view-bound rule returns an additive term;
the term is scaled by its weight: the sum of the weights of the mechanisms
whose texts state it, plus the extension weight times the weights of the views
it is carried into, at most 1.  Weights may differ per replication like any
other parameter.  The rulebook (docs/rules.md) is generated from this registry.
"""

from __future__ import annotations

import contextlib
from typing import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.model.sources import parse_citation

MECHANISMS: dict[str, str] = {
    "engagement_moderates": (
        "Regular contact, a US presence above all, strengthens the Taliban pragmatists and builds the trust that "
        "counter-terrorism cooperation against ISKP needs; overt condemnation stiffens the hard-liners; isolation "
        "and outside pressure bring no reform."
    ),
    "legitimacy_emboldens": (
        "Recognition and upgrades given without commitments entrench an unreformed regime and widen the sanctuary "
        "for armed groups; recognition should wait for commitments on terrorism and rights, backed by a common "
        "front."
    ),
    "conditional_leverage": (
        "Recognition offered against clear benchmarks (girls' education; for Pakistan, no TTP sanctuary) and "
        "backed by the region leaves room for movement; siege "
        "changes nothing; on recognition without strings the texts disagree, and the view states no effect."
    ),
    "regional_security_bargain": (
        "Direct talks with the Kandahar leadership and a united message from the neighbours move the TTP away from "
        "the border; Islamabad's mix of limited engagement and strikes has failed."
    ),
}

MECHANISM_SOURCES: dict[str, tuple[str, ...]] = {
    "engagement_moderates": ("seed 003 ¶1-4", "seed 000 ¶2-3"),
    "legitimacy_emboldens": ("seed 002 ¶2-4", "seed 002 ¶6-8", "seed 002 ¶10-12"),
    "conditional_leverage": ("seed 000 ¶2-3", "seed 002 ¶10-12", "seed 003 ¶2"),
    "regional_security_bargain": ("seed 001 ¶1-5", "seed 004 ¶1-2", "seed 004 ¶5"),
}


BASES = ("text", "shared", "extension")


def mechanism_param(name: str) -> str:
    return f"mechanism.{name}"


def extension_param(rule_id: str) -> str:
    """The weight parameter of an extension rule (0 off, the default; 1 fully on)."""
    return f"extension.{rule_id}"


def is_switch(name: str) -> bool:
    """A weight chosen by a hypothesis or by the user, never drawn as an uncertain number."""
    return name.startswith(("mechanism.", "extension."))


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
        return bool(self.assumption) and not is_switch(self.name) and self.low < self.high

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
    # "shared", "text", "extension", or for a rule bound to several mechanisms a mapping mechanism -> basis
    basis: str | dict = "shared"

    @property
    def mechanisms(self) -> tuple[str, ...]:
        """The mechanisms (hypotheses) the rule acts under; empty for a rule that acts under every view."""
        if self.mechanism is None:
            return ()
        return (self.mechanism,) if isinstance(self.mechanism, str) else tuple(self.mechanism)

    def basis_for(self, mechanism: str | None = None) -> str:
        """The rule's basis under one view: 'text', 'extension', or 'shared' (or 'extension') for a rule of every
        view; 'off' where the rule does not act under that view."""
        if not self.mechanisms:
            return self.basis
        if mechanism is None:
            raise ValueError(f"rule {self.id} is bound to views; name one")
        if mechanism not in self.mechanisms:
            return "off"
        return self.basis[mechanism] if isinstance(self.basis, dict) else self.basis

    @property
    def kinds(self) -> set[str]:
        """Every basis the rule has under some view."""
        if not self.mechanisms:
            return {self.basis}
        return {self.basis_for(m) for m in self.mechanisms}

    @property
    def extension_weight(self) -> str | None:
        """The name of the rule's own extension weight, if it is an extension under some view."""
        return extension_param(self.id) if "extension" in self.kinds else None

    def __post_init__(self):
        self._text = tuple(mechanism_param(m) for m in self.mechanisms if self.basis_for(m) == "text")
        self._extended = tuple(mechanism_param(m) for m in self.mechanisms if self.basis_for(m) == "extension")
        self._extension = self.extension_weight
        self._scaled = bool(self.mechanisms) or self.basis == "extension"
        self._single = len(self._text) == 1 and not self._extension

    def weight(self, p):
        """The weight the rule acts with, from the parameters (one value, or one per replication)."""
        if self._single:
            return p[self._text[0]]
        if not self.mechanisms:  # an extension of every view
            return p[self._extension]
        total = sum(p[name] for name in self._text)
        if self._extended:
            total = total + p[self._extension] * sum(p[name] for name in self._extended)
        return np.minimum(total, 1.0)

    def __call__(self, ctx, *args):
        if _trace is not None:
            _trace.add(self.id)
        if not self._scaled:
            return self.func(ctx, *args)
        weight = self.weight(ctx.p)
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
    basis: str | dict | None = None,
):
    """Register a behavioural rule; ``id`` is ``<actor>.<name>``.

    ``mechanism`` names the hypothesis mechanism the rule belongs to, or a tuple of them. ``basis`` says why it
    acts there: 'text' (the default with a mechanism: those views' texts state the link), 'extension' (no text of
    those views states it; it acts only with its own weight, ``extension.<id>``, off by default), or a mapping of
    each mechanism to one of the two. Without a mechanism the basis is 'shared' (the default: the shared core,
    backed by the record or by a text no other text disputes) or 'extension' (the model's assumption, carried
    into every view, off by default).
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
    named = (mechanism,) if isinstance(mechanism, str) else mechanism or ()
    for m in named:
        if m not in MECHANISMS:
            raise ValueError(f"rule {id}: unknown mechanism {m!r}")
    if basis is None:
        basis = "text" if named else "shared"
    if isinstance(basis, dict):
        if set(basis) != set(named) or not set(basis.values()) <= {"text", "extension"}:
            raise ValueError(f"rule {id}: a basis per mechanism maps each of {list(named)} to 'text' or 'extension'")
    elif basis not in (("text", "extension") if named else ("shared", "extension")):
        allowed = "'text' or 'extension'" if named else "'shared' or 'extension'"
        raise ValueError(f"rule {id}: basis {basis!r} must be {allowed}")

    def decorate(func):
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        r = Rule(id, actor, statement, tuple(sources), tuple(params), mechanism, func, basis)
        for p in params:
            _register_param(p, id)
        if r.extension_weight:
            views = [m for m in r.mechanisms if r.basis_for(m) == "extension"] or ["every view"]
            _register_param(
                assumption(
                    r.extension_weight,
                    0.0,
                    0.0,
                    1.0,
                    f"weight of the extension '{id}' under {', '.join(views)} (0 off, 1 fully on)",
                    "an extension no text of those views states: off unless the user switches it on",
                ),
                id,
            )
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
