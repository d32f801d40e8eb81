"""The compiled loops (sim.model.kernels) give, bit for bit, what their NumPy expressions give."""

import numpy as np
import pytest
from scipy.special import ndtri

from sim.model import kernels
from sim.model.kernels import keyed_uniforms, ladder_step, poisson_search
from sim.model.streams import _mix64_array, _normal_quantile


def numpy_uniforms(rep_keys, key):
    bits = _mix64_array(rep_keys ^ key)
    return (bits >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def numpy_poisson(u, lam):
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    k = np.zeros_like(lam)
    active = u >= cdf
    step = 0
    while active.any() and step < 200:
        step += 1
        pmf = np.where(active, pmf * lam / step, pmf)
        cdf = np.where(active, cdf + pmf, cdf)
        k = np.where(active, step, k)
        active &= u >= cdf
    return k


def numpy_ladder(
    level, momentum, wish, u, chance, margin, withdrawal, stages, revocation, benchmarks, cap, conditional
):
    """The relation ladder written as whole-array NumPy operations."""
    wish = np.where(conditional & ~benchmarks, np.minimum(wish, 3.0), wish)
    up = (wish > level + margin) & (level < cap)
    down_margin = np.where(conditional | (level != 4.0), margin, withdrawal)
    down = ((wish < level - down_margin) & (level > 0)) | (level > cap)
    advance = (u < chance).astype(np.float64)
    momentum = np.where(
        up, np.maximum(momentum, 0.0) + advance, np.where(down, np.minimum(momentum, 0.0) - advance, 0.0)
    )
    step = np.where(momentum >= stages, 1.0, 0.0) - np.where(momentum <= -stages, 1.0, 0.0)
    forced = (level > cap) | (conditional & (level == 4.0) & down & (u < revocation))
    step = np.where(forced, -1.0, step)
    momentum = np.where(step != 0.0, 0.0, momentum)
    return level + step, momentum


def test_keyed_uniforms_match_numpy_bit_for_bit():
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 2**63, size=5000, dtype=np.uint64) * np.uint64(3)
    for key in (np.uint64(0), np.uint64(2**64 - 1), np.uint64(0x5BD1E995)):
        fast = keyed_uniforms(keys, key)
        assert np.array_equal(fast.view(np.uint64), numpy_uniforms(keys, key).view(np.uint64))
        assert 0.0 <= fast.min() and fast.max() < 1.0


def test_poisson_search_matches_numpy_bit_for_bit():
    rng = np.random.default_rng(2)
    u = rng.random(4000)
    u[:3] = (0.0, 1.0 - 2**-53, 0.5)
    lam = rng.uniform(0.0, 12.0, 4000)
    lam[3] = 0.0
    fast = poisson_search(u, lam, np.exp(-lam), 200)
    assert np.array_equal(fast, numpy_poisson(u, lam))
    assert fast[1] > lam[1]  # a uniform near 1 lands far in the tail


@pytest.mark.parametrize("cap", [4.0, 2.0])
@pytest.mark.parametrize("conditional_share", [0.0, 1.0, 0.5])
def test_ladder_step_matches_numpy(cap, conditional_share):
    rng = np.random.default_rng(int(cap) * 3 + int(2 * conditional_share))
    n = 20000
    # conditional in some replications and not in others, as when a state drops its conditions in some futures
    conditional = rng.random(n) < conditional_share
    level = rng.integers(0, 5, n).astype(np.float64)
    momentum = rng.integers(-6, 7, n).astype(np.float64)
    wish = rng.uniform(-1.0, 5.5, n)
    u = rng.random(n)
    chance = rng.uniform(0.0, 1.0, n)
    margin = 0.5 + rng.uniform(0.0, 0.4, n)
    withdrawal = margin + rng.uniform(0.5, 2.0, n)
    stages = rng.integers(1, 9, n).astype(np.float64)
    revocation = rng.uniform(0.05, 0.6, n)
    benchmarks = rng.random(n) < 0.5
    args = (level, momentum, wish, u, chance, margin, withdrawal, stages, revocation, benchmarks, cap, conditional)
    new_level, new_momentum = ladder_step(*args)
    want_level, want_momentum = numpy_ladder(*args)
    assert np.array_equal(new_level, want_level)
    assert np.array_equal(new_momentum, want_momentum)
    # the inputs reach every branch: states climb, descend and hold
    moved = new_level - level
    assert (moved == 1).any() and (moved == -1).any() and (moved == 0).any()
    assert np.abs(moved).max() == 1
    if cap == 4:
        assert (moved == 0).mean() > 0.5  # most replications hold their rung in a month
    else:
        assert new_level.max() <= cap + 1  # one rung a month down towards the cap
        assert (new_level[level > cap] == level[level > cap] - 1).all()


def test_ladder_step_reads_one_value_per_replication_from_broadcast_parameters():
    n = 6
    level = np.full(n, 2.0)
    wish = np.full(n, 4.0)
    scalars = {k: np.broadcast_to(v, n) for k, v in {"margin": 0.65, "withdrawal": 1.65, "stages": 1.0}.items()}
    new_level, momentum = ladder_step(
        level,
        np.zeros(n),
        wish,
        np.linspace(0.0, 0.99, n),
        np.broadcast_to(0.5, n),
        scalars["margin"],
        scalars["withdrawal"],
        scalars["stages"],
        np.broadcast_to(0.25, n),
        np.zeros(n, dtype=bool),
        4.0,
        np.zeros(n, dtype=bool),
    )
    # a uniform below the chance completes the single stage and climbs; the rest build nothing
    assert list(new_level) == [3.0, 3.0, 3.0, 2.0, 2.0, 2.0]
    assert list(momentum) == [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def numpy_normal_quantile(u):
    """AS 241 written as whole-array NumPy operations, with NumPy's own logarithm in the tails."""

    def horner(c, x):
        value = np.full_like(x, c[0])
        for coefficient in c[1:]:
            value = value * x + coefficient
        return value

    u = np.clip(u, 1e-16, 1 - 1e-16)
    q = u - 0.5
    r = 0.180625 - q * q
    z = q * horner(kernels._CENTRAL_NUM, r) / horner(kernels._CENTRAL_DEN, r)
    tails = np.abs(q) > kernels.CENTRAL_HALF_WIDTH
    t = np.sqrt(-np.log(np.minimum(u[tails], 1.0 - u[tails])))
    near, far = t - 1.6, t - 5.0
    value = np.where(
        t <= 5.0,
        horner(kernels._NEAR_NUM, near) / horner(kernels._NEAR_DEN, near),
        horner(kernels._FAR_NUM, far) / horner(kernels._FAR_DEN, far),
    )
    z[tails] = np.where(u[tails] < 0.5, -value, value)
    return z


def _probabilities():
    rng = np.random.default_rng(7)
    tail = 10 ** rng.uniform(-17, -1, 20_000)
    edges = [0.0, 1e-300, 1e-16, 0.075, 0.0750000001, 0.5, 0.925, 1 - 1e-16, 1.0]
    return np.concatenate([rng.random(100_000), tail, 1 - tail, edges])


def test_normal_quantile_matches_numpy_bit_for_bit():
    u = _probabilities()
    np.testing.assert_array_equal(_normal_quantile(u), numpy_normal_quantile(u))


def test_normal_quantile_agrees_with_scipy_to_a_few_units_in_the_last_place():
    u = _probabilities()
    ours, scipy = _normal_quantile(u), ndtri(np.clip(u, 1e-16, 1 - 1e-16))
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, scipy, rtol=2e-15, atol=1e-15)
    # probabilities beyond 1e-16 of 0 or 1 are held there: the far tails end near 8.2 standard deviations
    assert -8.23 < ours.min() < -8.2 and 8.2 < ours.max() < 8.23
    np.testing.assert_array_equal(_normal_quantile(np.array([0.25])), -_normal_quantile(np.array([0.75])))
