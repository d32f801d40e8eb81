"""Parameter draws for the tests of direction: each uncertain parameter uniform in its sampling range.

One value per replication, from numpy's default generator with a fixed seed, so that every scenario and
hypothesis of a test sees the same parameter points (common random numbers extend to parameters).
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.model.model import Setup
from sim.model.rules import PARAMS


def sampled_parameters(n: int, seed: int = 2025) -> dict[str, np.ndarray]:
    """One draw per replication of every uncertain parameter; each parameter has its own generator, keyed by its
    name, so that declaring a new parameter leaves the others' draws as they were."""
    draws = {}
    for name, p in sorted(PARAMS.items()):
        if not p.uncertain:
            continue
        lo, hi = p.sampling_range
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        values = rng.uniform(lo, hi, n)
        draws[name] = np.floor(values + 0.5).clip(lo, hi) if p.integer else values
    return draws


def with_sampled_parameters(setup: Setup, draws: dict) -> Setup:
    """The setup with the draws; what the hypothesis or the user set explicitly keeps its value."""
    return Setup(**{**setup.__dict__, "params": {**draws, **setup.params}})
