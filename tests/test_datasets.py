"""nn.datasets: shapes, labels, reproducibility, and the geometry each data set promises."""

from __future__ import annotations

import numpy as np
import pytest

from nn.datasets import make_blobs, make_circles, make_moons, make_spiral

MAKERS = [make_moons, make_circles, make_spiral, make_blobs]


@pytest.mark.parametrize("make", MAKERS)
def test_shapes_types_and_balanced_binary_labels(make):
    X, y = make(101, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == {0, 1}
    assert abs(int((y == 0).sum()) - int((y == 1).sum())) <= 1


@pytest.mark.parametrize("make", MAKERS)
def test_same_seed_same_points_other_seed_other_points(make):
    X1, y1 = make(50, seed=3)
    X2, y2 = make(50, seed=3)
    X3, _ = make(50, seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_noise_free_moons_lie_on_their_two_half_circles():
    X, y = make_moons(60, noise=0.0, seed=1)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_moons_are_shuffled():
    _, y = make_moons(100, seed=0)
    assert not (np.all(y[:50] == 0) and np.all(y[50:] == 1))


def test_noise_free_circles_have_radius_1_and_factor():
    X, y = make_circles(40, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


def test_spiral_with_three_arms_and_radius_at_most_one():
    X, y = make_spiral(90, n_classes=3, noise=0.0, seed=0)
    assert set(np.unique(y)) == {0, 1, 2} and np.bincount(y).tolist() == [30, 30, 30]
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12


def test_blobs_gather_around_the_given_centres():
    centres = [(-4.0, 0.0), (4.0, 1.0), (0.0, 6.0)]
    X, y = make_blobs(300, centers=centres, cluster_std=0.5, seed=2)
    for k, c in enumerate(centres):
        assert np.allclose(X[y == k].mean(axis=0), c, atol=0.2)
        assert X[y == k].std(axis=0) == pytest.approx([0.5, 0.5], abs=0.1)


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_moons(1),
        lambda: make_moons(10, noise=-0.1),
        lambda: make_moons(10.5),
        lambda: make_circles(10, factor=1.5),
        lambda: make_spiral(10, n_classes=1),
        lambda: make_blobs(2, centers=3),
        lambda: make_blobs(10, centers=[[1.0, 2.0, 3.0]]),
    ],
)
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
