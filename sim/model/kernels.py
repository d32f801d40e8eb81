"""Compiled inner loops for the few steps that touch every replication many times a month.

NumPy evaluates an expression one operation at a time, each over the whole replication axis, so a step
of twenty operations reads and writes twenty arrays.  The loops here do the same arithmetic in one pass
per replication (compiled by Numba), in the same order and without fast-math, so every result is the
same to the last bit as the NumPy expression it replaces; ``tests/model/test_kernels.py`` holds each loop to
its NumPy twin.  Only integer mixing, comparisons, additions, multiplications and divisions run here:
elementary functions (``exp``, ``log``) stay in NumPy, whose results a compiled ``libm`` might not match
bit for bit.  Loops that divide use NumPy's error model: a division by zero gives inf or NaN as in NumPy,
and without Python's check before every division the loop vectorises (the normal quantile ran six
times as fast).
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


@njit(cache=True, nogil=True, error_model="numpy")
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

    Arrays are one value per replication (parameters may be broadcast views); ``conditional`` too, since a
    state that ties recognition to benchmarks may drop its conditions in some futures and not in others.
    The logic is documented with the rule that calls it, ``states.relation_ladder``.
    """
    n = level.shape[0]
    new_level = np.empty(n, dtype=np.float64)
    new_momentum = np.empty(n, dtype=np.float64)
    capped = cap < 4.0
    for i in range(n):
        lv = level[i]
        w = wish[i]
        tied = conditional[i]
        if tied and not benchmarks[i]:
            w = min(w, 3.0)
        up = (w > lv + margin[i]) and (lv < cap)
        if tied or lv != 4.0:
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
        if tied and lv == 4.0 and down and u[i] < revocation_rate[i]:
            step = -1.0
        if step != 0.0:
            m = 0.0
        new_level[i] = lv + step
        new_momentum[i] = m
    return new_level, new_momentum


# The normal quantile by Wichura's algorithm AS 241 (PPND16; Applied Statistics 37(3), 1988, 477-484),
# accurate to about one part in 1e16: rational functions of degree 7 on three ranges of the probability.
# Its coefficients, highest degree first as Horner's rule takes them.
_CENTRAL_NUM = (
    2.5090809287301226727e3,
    3.3430575583588128105e4,
    6.7265770927008700853e4,
    4.5921953931549871457e4,
    1.3731693765509461125e4,
    1.9715909503065514427e3,
    1.3314166789178437745e2,
    3.3871328727963666080e0,
)
_CENTRAL_DEN = (
    5.2264952788528545610e3,
    2.8729085735721942674e4,
    3.9307895800092710610e4,
    2.1213794301586595867e4,
    5.3941960214247511077e3,
    6.8718700749205790830e2,
    4.2313330701600911252e1,
    1.0,
)
_NEAR_NUM = (
    7.74545014278341407640e-4,
    2.27238449892691845833e-2,
    2.41780725177450611770e-1,
    1.27045825245236838258e0,
    3.64784832476320460504e0,
    5.76949722146069140550e0,
    4.63033784615654529590e0,
    1.42343711074968357734e0,
)
_NEAR_DEN = (
    1.05075007164441684324e-9,
    5.47593808499534494600e-4,
    1.51986665636164571966e-2,
    1.48103976427480074590e-1,
    6.89767334985100004550e-1,
    1.67638483018380384940e0,
    2.05319162663775882187e0,
    1.0,
)
_FAR_NUM = (
    2.01033439929228813265e-7,
    2.71155556874348757815e-5,
    1.24266094738807843860e-3,
    2.65321895265761230930e-2,
    2.96560571828504891230e-1,
    1.78482653991729133580e0,
    5.46378491116411436990e0,
    6.65790464350110377720e0,
)
_FAR_DEN = (
    2.04426310338993978564e-15,
    1.42151175831644588870e-7,
    1.84631831751005468180e-5,
    7.86869131145613259100e-4,
    1.48753612908506148525e-2,
    1.36929880922735805310e-1,
    5.99832206555887937690e-1,
    1.0,
)
# where the central range ends (|u - 1/2| <= 0.425) and the far tail begins (sqrt(-log(tail)) > 5)
CENTRAL_HALF_WIDTH = 0.425
_FAR_TAIL = 5.0


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _horner(c, x):
    # written out, so that the compiler sees constants rather than a tuple indexed in a loop
    return ((((((c[0] * x + c[1]) * x + c[2]) * x + c[3]) * x + c[4]) * x + c[5]) * x + c[6]) * x + c[7]


@njit(cache=True, nogil=True, error_model="numpy")
def normal_central(u, low, high):
    """Standard normal quantiles of ``u`` kept within [low, high]: computed here in the central range.

    Returns the quantiles, the positions of the draws in the tails and, for each of them, the smaller of
    u and 1 - u, whose logarithm the caller takes in NumPy before ``normal_tails`` completes them.
    """
    n = u.shape[0]
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        v = min(max(u[i], low), high)
        q = v - 0.5
        r = 0.180625 - q * q
        # computed for every draw, kept only in the range: a loop without branches vectorises
        out[i] = q * _horner(_CENTRAL_NUM, r) / _horner(_CENTRAL_DEN, r)
    tails = np.empty(n, dtype=np.int64)
    count = 0
    for i in range(n):
        if abs(min(max(u[i], low), high) - 0.5) > CENTRAL_HALF_WIDTH:
            tails[count] = i
            count += 1
    smaller = np.empty(count, dtype=np.float64)
    for j in range(count):
        v = min(max(u[tails[j]], low), high)
        smaller[j] = min(v, 1.0 - v)
    return out, tails[:count], smaller


@njit(cache=True, nogil=True, error_model="numpy")
def normal_tails(z, u, tails, r):
    """Completes ``z`` in the tails from ``r = sqrt(-log(p))``, p the smaller of u and 1 - u; below 1/2 the
    quantile is negative."""
    for j in range(tails.shape[0]):
        if r[j] <= _FAR_TAIL:
            x = r[j] - 1.6
            value = _horner(_NEAR_NUM, x) / _horner(_NEAR_DEN, x)
        else:
            x = r[j] - _FAR_TAIL
            value = _horner(_FAR_NUM, x) / _horner(_FAR_DEN, x)
        z[tails[j]] = -value if u[tails[j]] < 0.5 else value
