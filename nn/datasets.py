"""Small 2-D data sets to train on and to draw: moons, circles, spirals, blobs (numpy only, seeded).

Each returns ``(X, y)``: ``X`` a float array of shape (n, 2), ``y`` an int array of class labels
(0/1 for two classes). The same ``seed`` gives the same points; the rows come shuffled.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["make_moons", "make_circles", "make_spiral", "make_blobs"]


def _count(owner: str, name: str, n: Any, low: int) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < low:
        raise ValueError(f"{owner}: {name} must be a whole number ≥ {low}, got {n!r}")
    return int(n)


def _noise(owner: str, name: str, x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{owner}: {name} must be a number ≥ 0, got {x!r}")
    return float(x)


def _split(n: int, k: int) -> list[int]:
    """n points shared by k classes as evenly as possible (the first classes get the remainder)."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _finish(
    rng: np.random.Generator, X: np.ndarray, y: np.ndarray, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), np.ascontiguousarray(y[order], dtype=np.int64)


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 arches over (0, 0)…(1, 0) … class 1 hangs below it.

    Class 0 lies on (cos t, sin t) and class 1 on (1 − cos t, 0.5 − sin t) for t in [0, π]; Gaussian
    noise of standard deviation ``noise`` is added to both coordinates. No straight line separates them.
    """
    n = _count("make_moons", "n_samples", n_samples, 2)
    noise = _noise("make_moons", "noise", noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0.0, math.pi, n0)
    t1 = np.linspace(0.0, math.pi, n1)
    X = np.concatenate(
        [np.stack([np.cos(t0), np.sin(t0)], 1), np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], 1)]
    )
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _finish(rng, X, y, noise)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (class 0) around a smaller one of radius ``factor`` (class 1)."""
    n = _count("make_circles", "n_samples", n_samples, 2)
    noise = _noise("make_circles", "noise", noise)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0.0 < factor < 1.0:
        raise ValueError(
            f"make_circles: factor (inner radius / outer radius) must lie in (0, 1), got {factor!r}"
        )
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n1, endpoint=False)
    X = np.concatenate(
        [np.stack([np.cos(t0), np.sin(t0)], 1), factor * np.stack([np.cos(t1), np.sin(t1)], 1)]
    )
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _finish(rng, X, y, noise)


def make_spiral(
    n_samples: int = 100, n_classes: int = 2, noise: float = 0.2, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` arms spiralling out of the origin, one class per arm.

    Arm k: radius r from 0 to 1 and angle θ = 4·(k + r) (plus Gaussian noise of std ``noise`` on θ);
    the point is (r·sin θ, r·cos θ). Hard for a linear model, a good test for a small network.
    """
    n = _count("make_spiral", "n_samples", n_samples, 2)
    k = _count("make_spiral", "n_classes", n_classes, 2)
    if n < k:
        raise ValueError(f"make_spiral: n_samples ({n}) must be at least n_classes ({k})")
    noise = _noise("make_spiral", "noise", noise)
    rng = np.random.default_rng(seed)
    parts, labels = [], []
    for cls, m in enumerate(_split(n, k)):
        r = np.linspace(0.0, 1.0, m)
        theta = 4.0 * (cls + r) + rng.normal(0.0, noise, size=m)
        parts.append(np.stack([r * np.sin(theta), r * np.cos(theta)], 1))
        labels.append(np.full(m, cls, dtype=np.int64))
    return _finish(rng, np.concatenate(parts), np.concatenate(labels), 0.0)


def make_blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] = 2,
    cluster_std: float = 1.0,
    seed: int | None = None,
    center_box: tuple[float, float] = (-5.0, 5.0),
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per class: ``centers`` is their number (placed at random in
    ``center_box``) or their coordinates; ``cluster_std`` is each cluster's standard deviation."""
    n = _count("make_blobs", "n_samples", n_samples, 1)
    std = _noise("make_blobs", "cluster_std", cluster_std)
    rng = np.random.default_rng(seed)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _count("make_blobs", "centers", centers, 1)
        low, high = center_box
        if not low < high:
            raise ValueError(
                f"make_blobs: center_box must be (low, high) with low < high, got {center_box!r}"
            )
        points = rng.uniform(low, high, size=(k, 2))
    else:
        points = np.asarray(centers, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(
                f"make_blobs: centers must be a count or a list of (x, y) points, got shape {points.shape}"
            )
        k = len(points)
    if n < k:
        raise ValueError(f"make_blobs: n_samples ({n}) must be at least the number of centers ({k})")
    counts = _split(n, k)
    X = np.concatenate([np.repeat(points[i : i + 1], m, axis=0) for i, m in enumerate(counts)])
    y = np.concatenate([np.full(m, i, dtype=np.int64) for i, m in enumerate(counts)])
    return _finish(rng, X, y, std)
