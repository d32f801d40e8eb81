"""Compiled inner loops for the few steps that touch every replication many times a month.

NumPy evaluates an expression one operation at a time, each over the whole replication axis, so a step
of twenty operations reads and writes twenty arrays.  The loops here do the same arithmetic in one pass
per replication (compiled by Numba), in the same order and without fast-math, so every result is the
same to the last bit as the NumPy expression it replaces; ``tests/test_kernels.py`` holds each loop to
its NumPy twin.  Only integer mixing, comparisons, additions and multiplications run here: elementary
functions (``exp``, the normal quantile) stay in NumPy and SciPy, whose results a compiled ``libm``
might not match bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0


@njit(cache=True, nogil=True)
def keyed_uniforms(rep_keys, key):
    """SplitMix64 of each replication's key xor the draw's key; the top 53 bits as a uniform in [0, 1)."""
    out = np.empty(rep_keys.shape[0], dtype=np.float64)
    for i in range(rep_keys.shape[0]):
        z = rep_keys[i] ^ key
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
        out[i] = np.float64(z >> np.uint64(11)) * _TWO_TO_MINUS_53
    return out


@njit(cache=True, nogil=True)
def poisson_search(u, lam, first_pmf, max_steps):
    """Inverse-transform Poisson counts: the smallest k with P(X <= k) > u, for each replication.

    ``first_pmf`` is exp(-lam), computed by the caller in NumPy.
    """
    out = np.zeros(u.shape[0], dtype=np.float64)
    for i in range(u.shape[0]):
        pmf = first_pmf[i]
        cdf = pmf
        step = 0
        while u[i] >= cdf and step < max_steps:
            step += 1
            pmf = pmf * lam[i] / step
            cdf = cdf + pmf
        out[i] = step
    return out


@njit(cache=True, nogil=True)
def ladder_step(
    level,
    momentum,
    wish,
    u,
    stage_chance,
    margin,
    withdrawal_margin,
    stages,
    revocation_rate,
    benchmarks,
    cap,
    conditional,
):
    """One month of a state's relation ladder for every replication: new level and momentum.

    Arrays are one value per replication (parameters may be broadcast views).  The logic is documented
    with the rule that calls it, ``states.relation_ladder``.
    """
    n = level.shape[0]
    new_level = np.empty(n, dtype=np.float64)
    new_momentum = np.empty(n, dtype=np.float64)
    capped = cap < 4.0
    for i in range(n):
        lv = level[i]
        w = wish[i]
        if conditional and not benchmarks[i]:
            w = min(w, 3.0)
        up = (w > lv + margin[i]) and (lv < cap)
        if conditional or lv != 4.0:
            down_margin = margin[i]
        else:
            down_margin = withdrawal_margin[i]
        down = (w < lv - down_margin) and (lv > 0.0)
        if capped and lv > cap:
            down = True
        advance = 1.0 if u[i] < stage_chance[i] else 0.0
        m = momentum[i]
        if up:
            m = max(m, 0.0) + advance
        elif down:
            m = min(m, 0.0) - advance
        else:
            m = 0.0
        step = (1.0 if m >= stages[i] else 0.0) - (1.0 if m <= -stages[i] else 0.0)
        if capped and lv > cap:
            step = -1.0
        if conditional and lv == 4.0 and down and u[i] < revocation_rate[i]:
            step = -1.0
        if step != 0.0:
            m = 0.0
        new_level[i] = lv + step
        new_momentum[i] = m
    return new_level, new_momentum
