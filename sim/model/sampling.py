"""Sampling the model's guessed numbers: one parameter point per replication.

Every parameter declared as an assumption (not a figure from a text, not a mechanism
switch) is uncertain within its declared range, or within the narrower range its
calibration leaves plausible.  Replication r gets one value of each, and the same
value in every scenario and hypothesis of a run, so common random numbers extend
from shocks to parameters.

``matched`` (``draw_matched``) draws instead from the parameter points the history match of the replication's
worldview kept (``sim.calibration.evidence``): replication r takes one kept point, chosen by its own keyed draw, so every
scenario of r has the same point, and futures the record to July 2025 rules out are not simulated.

``random`` draws each value from the keyed streams, so replication r's point depends
only on (seed, r) and is the same alone, in a batch or in any chunk.  ``lhs`` and
``sobol`` (scipy.stats.qmc) spread the points of a whole run more evenly; their design
is a function of (seed, number of replications in the run), and a chunk takes its rows.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

import sim.model.actors  # noqa: F401  (importing the actors registers their parameters)
from sim.model.rules import PARAMS, Param
from sim.model.streams import KeyedStreams, mix64
from sim.model.weights import kept_points

METHODS = ("random", "lhs", "sobol")


def uncertain_parameters(fixed=()) -> list[Param]:
    """The parameters that sampling draws, in a stable order; ``fixed`` names ones set explicitly instead."""
    return [p for name, p in sorted(PARAMS.items()) if p.uncertain and name not in set(fixed)]


def unit_design(seed: int, replications, params: list[Param], method: str = "random", total: int | None = None):
    """Points in the unit cube, shape (len(replications), len(params)).

    ``total`` is the run's number of replications, which sets a Latin-hypercube or Sobol design.
    """
    reps = np.asarray(replications, dtype=np.int64)
    if method == "random":
        streams = KeyedStreams(seed, reps)
        columns = [streams.uniform(f"parameter:{p.name}", 0) for p in params]
        return np.stack(columns, axis=1) if columns else np.empty((len(reps), 0))
    if method not in METHODS:
        raise ValueError(f"unknown sampling method {method!r}; choose one of {', '.join(METHODS)}")

    total = int(total if total is not None else reps.max() + 1)
    if len(reps) and reps.max() >= total:
        raise ValueError(f"replication {reps.max()} is outside a design of {total} points")
    return _design(int(seed), method, total, len(params))[reps]


@functools.lru_cache(maxsize=2)
def _design(seed: int, method: str, total: int, dimensions: int) -> np.ndarray:
    """The whole design of a run, made once: every model of every cell takes its own rows of it."""
    from scipy.stats import qmc

    design_seed = mix64(seed ^ 0xD1B54A32D192ED03) & 0xFFFFFFFF
    if method == "lhs":
        engine = qmc.LatinHypercube(d=dimensions, seed=design_seed)
    else:
        engine = qmc.Sobol(d=dimensions, scramble=True, seed=design_seed)
    with warnings.catch_warnings():
        # Sobol balance is best at powers of two; any other size is still a valid low-discrepancy design
        warnings.simplefilter("ignore", UserWarning)
        design = engine.random(total)
    design.setflags(write=False)
    return design


def scale(unit: np.ndarray, params: list[Param]) -> dict[str, np.ndarray]:
    """Map unit-cube columns onto each parameter's sampling range; whole-number parameters are rounded."""
    values = {}
    for j, p in enumerate(params):
        lo, hi = p.sampling_range
        if p.integer:
            # every whole number in the range equally likely
            column = np.floor(lo + unit[:, j] * (hi - lo + 1)).clip(lo, hi)
        else:
            column = lo + unit[:, j] * (hi - lo)
        values[p.name] = column
    return values


def draw_parameters(
    seed: int, replications, *, method: str = "random", total: int | None = None, fixed=()
) -> dict[str, np.ndarray]:
    """One value per replication for every uncertain parameter not named in ``fixed``."""
    params = uncertain_parameters(fixed)
    return scale(unit_design(seed, replications, params, method, total), params)


def draw_matched(seed: int, replications, hypothesis: str, fixed=()) -> dict[str, np.ndarray]:
    """Per replication, the values of one of ``hypothesis``'s kept parameter points (sim.calibration.evidence).

    Replication r's point is chosen by r's keyed uniform draw of the run's ``seed``, so it is the same alone, in
    any chunk and in every scenario; the point's values are regenerated from the match's own seed, as the match
    drew them.  ``fixed`` names parameters set for the whole run instead.
    """
    match_seed, kept = kept_points(hypothesis)
    reps = np.asarray(replications, dtype=np.int64)
    u = KeyedStreams(seed, reps).uniform("parameter:matched point", 0)
    chosen = np.asarray(kept, dtype=np.int64)[np.minimum((u * len(kept)).astype(np.int64), len(kept) - 1)]
    return draw_parameters(match_seed, chosen, fixed=fixed)


def kept_points_problem(hypothesis: str) -> str | None:
    """Why ``draw_matched`` cannot draw for ``hypothesis`` (no match of it, or every point ruled out), or None."""
    try:
        kept_points(hypothesis)
    except ValueError as exc:
        return str(exc)
    return None
