"""Keyed random numbers: every draw is a pure function of its key.

A draw is addressed by (base seed, replication index, month, stream name, draw
number).  Nothing is consumed sequentially, so replication r sees the same
numbers whether it runs alone, inside any batch or chunk, or in another
scenario (common random numbers).  The mixing function is the SplitMix64
finaliser applied to a 64-bit key; the top 53 bits give a uniform in [0, 1).
"""

from __future__ import annotations

import hashlib

import numpy as np

from sim.model.kernels import keyed_uniforms, normal_central, normal_tails, poisson_search

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


def mix64(z: int) -> int:
    """SplitMix64 finaliser on a Python int (used for scalar parts of a key)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def _mix64_array(z: np.ndarray) -> np.ndarray:
    # uint64 multiplication wraps modulo 2**64, which is exactly what the finaliser wants.
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def stream_id(name: str) -> int:
    """A stable 64-bit id for a stream name; adding a stream never shifts the others."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


# (stream, month, draw) -> the scalar part of a draw's key; some 3,400 entries for a ten-year run
_SCALAR_KEYS: dict[tuple[str, int, int], np.uint64] = {}


class KeyedStreams:
    """Random draws for a fixed set of replication indices.

    ``replications`` are global indices (for example 4000..4999 in the fifth chunk
    of a run); only the index, never the position in the batch, enters the key.
    """

    def __init__(self, seed: int, replications: np.ndarray):
        if seed < 0:
            raise ValueError("seed must be a non-negative integer")
        reps = np.asarray(replications, dtype=np.uint64)
        self.seed = int(seed)
        self.replications = reps
        seed_key = mix64(self.seed * _GOLDEN + 1)
        # Per-replication part of the key, mixed once so neighbouring indices are far apart.
        self._rep_keys = _mix64_array(reps * np.uint64(_GOLDEN) + np.uint64(seed_key))

    def _scalar_key(self, stream: str, month: int, draw: int) -> np.uint64:
        # the scalar part of a key does not depend on the seed: kept for every model in the process
        key = _SCALAR_KEYS.get((stream, month, draw))
        if key is None:
            key = _SCALAR_KEYS[stream, month, draw] = np.uint64(
                mix64(stream_id(stream) ^ mix64((month << 16) + draw + 0x5BD1E995))
            )
        return key

    def uniform(self, stream: str, month: int, draw: int = 0) -> np.ndarray:
        """Uniforms in [0, 1), one per replication."""
        return keyed_uniforms(self._rep_keys, self._scalar_key(stream, month, draw))

    def normal(self, stream: str, month: int) -> np.ndarray:
        """Standard normals by inverse transform of one keyed uniform."""
        return _normal_quantile(self.uniform(stream, month))

    def poisson(self, stream: str, month: int, lam) -> np.ndarray:
        """Poisson counts from one keyed uniform per replication.

        Exact inverse transform where the mean is small; above ``_SEARCH_LIMIT`` a
        Cornish-Fisher corrected normal quantile, whose error there is below the
        noise of any outcome the model reports.
        """
        lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), self._rep_keys.shape)
        u = self.uniform(stream, month)
        z_needed = lam >= _SEARCH_LIMIT
        if not z_needed.any():  # the usual case: every mean is small, no replication to pick out
            return _poisson_search(u, np.ascontiguousarray(lam))
        out = np.zeros(lam.shape, dtype=np.float64)
        z = _normal_quantile(u[z_needed])
        lz = lam[z_needed]
        k = lz + np.sqrt(lz) * z + (z * z - 1.0) / 6.0
        out[z_needed] = np.maximum(np.floor(k + 0.5), 0.0)
        small = ~z_needed
        if small.any():
            out[small] = _poisson_search(u[small], lam[small])
        return out


_SEARCH_LIMIT = 12.0


def _poisson_search(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    # exp in NumPy: a compiled libm's exp need not agree with NumPy's to the last bit
    return poisson_search(u, lam, np.exp(-lam), 200)


def _normal_quantile(u: np.ndarray) -> np.ndarray:
    """Standard normal quantiles (AS 241, sim.model.kernels); u is kept 1e-16 from 0 and 1, so |z| < 8.3.

    Compiled for the 85% of draws in the central range; the tails take a logarithm, in NumPy, first.
    Measured against SciPy's ``ndtri``: within 1.1e-15 relative (a few units in the last place), and
    four times as fast on 10,000 draws (38 against 150 microseconds).
    """
    z, tails, smaller = normal_central(u, 1e-16, 1 - 1e-16)
    if tails.shape[0]:
        normal_tails(z, u, tails, np.sqrt(-np.log(smaller)))
    return z
