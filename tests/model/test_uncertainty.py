"""Parameter sampling: inside the declared ranges, keyed by replication, and evenly spread by the designs."""

import numpy as np
import pytest

from sim.model.rules import PARAMS
from sim.model.sampling import draw_parameters, uncertain_parameters


def test_every_draw_lies_in_its_sampling_range_and_fills_it():
    draws = draw_parameters(7, np.arange(2000))
    assert set(draws) == {p.name for p in uncertain_parameters()}
    for name, values in draws.items():
        lo, hi = PARAMS[name].sampling_range
        assert values.min() >= lo and values.max() <= hi, name
        # 2,000 uniform draws reach within 1% of both ends of the range
        assert values.min() <= lo + 0.01 * (hi - lo) + (1 if PARAMS[name].integer else 0), name
        assert values.max() >= hi - 0.01 * (hi - lo) - (1 if PARAMS[name].integer else 0), name


def test_random_draws_are_keyed_by_replication_alone():
    batch = draw_parameters(7, np.arange(100))
    alone = draw_parameters(7, np.array([63]))
    shifted = draw_parameters(7, np.arange(60, 70))
    for name in batch:
        assert alone[name][0] == batch[name][63] == shifted[name][3]
    other_seed = draw_parameters(8, np.arange(100))
    name = next(iter(batch))
    assert np.mean(other_seed[name] == batch[name]) < 0.05


def test_parameters_are_not_correlated_with_each_other():
    draws = draw_parameters(11, np.arange(4000))
    matrix = np.corrcoef(np.stack(list(draws.values())))
    off_diagonal = matrix[~np.eye(len(matrix), dtype=bool)]
    # 4,000 independent pairs: |r| above 0.08 would be a 5-sigma event
    assert np.abs(off_diagonal).max() < 0.08


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_designs_cover_each_margin_more_evenly_than_chance(method):
    n = 512
    design = draw_parameters(3, np.arange(n), method=method, total=n)
    random = draw_parameters(3, np.arange(n))
    name = next(p.name for p in uncertain_parameters() if not p.integer)
    lo, hi = PARAMS[name].sampling_range

    def worst_bin_error(values):
        counts, _ = np.histogram(values, bins=16, range=(lo, hi))
        return np.abs(counts - n / 16).max()

    assert worst_bin_error(design[name]) <= 2 < worst_bin_error(random[name])
    # a chunk of the design takes exactly its rows of the whole
    chunk = draw_parameters(3, np.arange(100, 140), method=method, total=n)
    assert np.array_equal(chunk[name], design[name][100:140])


def test_fixed_parameters_are_left_out_of_the_draw():
    name = uncertain_parameters()[0].name
    assert name not in draw_parameters(1, np.arange(5), fixed=[name])
    assert not any(n.startswith("mechanism.") for n in draw_parameters(1, np.arange(5)))
