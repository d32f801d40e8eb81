"""Keyed random streams: distribution, independence, and freedom from batch effects."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.model.streams import KeyedStreams


def test_uniforms_are_uniform():
    u = KeyedStreams(7, np.arange(20000)).uniform("x", 3)
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert u.min() >= 0.0 and u.max() < 1.0


def test_neighbouring_keys_are_uncorrelated():
    s = KeyedStreams(7, np.arange(20000))
    a, b = s.uniform("x", 3), s.uniform("x", 4)
    c = s.uniform("y", 3)
    for other in (b, c, np.roll(a, 1)):
        assert abs(np.corrcoef(a, other)[0, 1]) < 0.03


def test_different_seeds_differ():
    a = KeyedStreams(1, np.arange(100)).uniform("x", 0)
    b = KeyedStreams(2, np.arange(100)).uniform("x", 0)
    assert not np.allclose(a, b)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=40, unique=True), st.integers(0, 500))
def test_a_replication_draws_the_same_numbers_in_any_batch(reps, month):
    batch = KeyedStreams(11, np.array(reps))
    for i, r in enumerate(reps[:5]):
        alone = KeyedStreams(11, np.array([r]))
        assert alone.uniform("s", month)[0] == batch.uniform("s", month)[i]
        assert alone.normal("s", month)[0] == batch.normal("s", month)[i]


@pytest.mark.parametrize("lam", [0.2, 3.0, 11.9, 12.0, 55.0, 400.0])
def test_poisson_mean_and_variance(lam):
    k = KeyedStreams(3, np.arange(40000)).poisson("p", 1, lam)
    assert np.all(k == np.floor(k)) and k.min() >= 0
    assert abs(k.mean() - lam) < 4 * np.sqrt(lam / len(k)) + 0.01 * lam
    assert abs(k.var() / lam - 1.0) < 0.06


def test_poisson_small_means_follow_the_exact_distribution():
    lam = 4.0
    k = KeyedStreams(5, np.arange(40000)).poisson("p", 2, lam)
    observed = np.bincount(k.astype(int), minlength=15)[:15]
    expected = stats.poisson.pmf(np.arange(15), lam) * len(k)
    assert stats.chisquare(observed[:12], expected[:12] * observed[:12].sum() / expected[:12].sum()).pvalue > 1e-3


def test_normals_are_standard():
    z = KeyedStreams(9, np.arange(40000)).normal("n", 0)
    assert stats.kstest(z, "norm").pvalue > 1e-3
