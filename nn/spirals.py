"""``gradstep demo --spirals``: three interleaved spirals, a bigger network, trained on lanes.

For when the moons are too easy: 3,000 points on three spiral arms, an MLP 2 → 32 → 32 → 3 (1,251
parameters) and softmax cross-entropy. The scalar engine would build a graph of about 150 nodes per
point per step (some 450,000 Python objects for one full pass); on lanes (:mod:`autograd.lanes`) one
point's graph is recorded once and every step runs it over a mini-batch with numpy.

Writes ``spirals_boundary.png`` (the plane coloured by predicted class, the points by true class)
and ``spirals_loss_curve.png``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .batch import forward_batch
from .datasets import make_spiral
from .module import MLP
from .train import History, fit

__all__ = ["SpiralSettings", "train_spirals", "plot_spirals", "HIDDEN", "CLASSES"]

HIDDEN = [32, 32]
CLASSES = 3
COLOURS = ("#1f77b4", "#d62728", "#2ca02c")
REGIONS = ("#c6dbef", "#fcc5c0", "#c7e9c0")
ARMS = ("first", "second", "third")


@dataclass(frozen=True)
class SpiralSettings:
    samples: int = 3000
    noise: float = 0.1
    seed: int = 0
    epochs: int = 30
    batch_size: int = 300
    lr: float = 0.01
    target: float = 0.99  # STOP once this share of the points is classified right
    progress: bool = True


@dataclass
class SpiralResult:
    model: MLP
    X: np.ndarray
    y: np.ndarray
    history: History
    seconds: float


class _StopAt:
    """STOP once the training accuracy reaches the target (and report now and then)."""

    def __init__(self, target: float, say: Callable[[str], None], every: int = 5) -> None:
        self.target, self.say, self.every = target, say, every

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> bool:
        n = epoch + 1
        if n == 1 or n % self.every == 0 or logs["accuracy"] >= self.target:
            self.say(f"  epoch {n:>3}   loss {logs['loss']:.4f}   accuracy {logs['accuracy']:6.1%}")
        return logs["accuracy"] >= self.target


def train_spirals(settings: SpiralSettings, say: Callable[[str], None] = print) -> SpiralResult:
    """Train the spiral classifier on lanes, narrating through ``say``."""
    from optim import Adam

    X, y = make_spiral(settings.samples, n_classes=CLASSES, noise=settings.noise, seed=settings.seed)
    model = MLP(2, [*HIDDEN, CLASSES], activation="relu", rng=settings.seed)
    n_params = len(model.parameters())
    steps = -(-len(y) // settings.batch_size)
    say(f"INIT      MLP 2 → {' → '.join(map(str, HIDDEN))} → {CLASSES}: {n_params} parameters (seed {settings.seed}).")
    say(f"          Data: {len(y)} points on {CLASSES} spiral arms (noise {settings.noise}), one class per arm.")
    say(f"PREDICT   {CLASSES} scores per point; the largest one is the predicted class.")
    say("LOSS      softmax cross-entropy: −ln(probability the network gives the right class).")
    say(f"GRADIENT  on lanes: one point's graph recorded once, then run on {settings.batch_size} points at a time")
    say("          with numpy: the same gradients as one graph per point, without building them.")
    say(f"STEP      Adam, lr {settings.lr}; {steps} mini-batches of {settings.batch_size} per epoch.")
    say(f"STOP      at {settings.target:.0%} accuracy, or after {settings.epochs} epochs.")
    say("")
    optimizer = Adam(model.parameters(), lr=settings.lr)
    began = time.perf_counter()
    history = fit(model, X, y, "cross_entropy", optimizer, settings.epochs, batch_size=settings.batch_size,
                  progress=settings.progress, callbacks=[_StopAt(settings.target, say)], lanes=True,
                  rng=settings.seed)
    seconds = time.perf_counter() - began
    acc = history.accuracy[-1] or 0.0
    if history.stop_reason == "a callback asked to stop":
        history.stop_reason = f"accuracy {acc:.1%} reached the {settings.target:.0%} target"
    say(f"STOP      after {history.epochs} epochs, {history.steps} steps ({seconds:.1f} s on lanes): "
        f"accuracy {acc:.1%} ({round(acc * len(y))}/{len(y)} points right), loss {history.loss[-1]:.4f}.")
    return SpiralResult(model, X, y, history, seconds)


def plot_spirals(result: SpiralResult, path: Path, steps: int = 300) -> Path:
    """The plane coloured by predicted class (a steps × steps grid, one lanes forward), and the points."""
    from matplotlib.artist import Artist
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .demo import _pyplot, _save

    plt = _pyplot()
    X, y = result.X, result.y
    pad = 0.15
    g0, g1 = np.meshgrid(np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, steps),
                         np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, steps))
    grid = forward_batch(result.model, np.column_stack([g0.ravel(), g1.ravel()])).argmax(axis=1).reshape(g0.shape)
    predicted = forward_batch(result.model, X).argmax(axis=1)
    wrong = predicted != y
    fig, ax = plt.subplots(figsize=(7.5, 7))
    ax.contourf(g0, g1, grid, levels=[-0.5, 0.5, 1.5, 2.5], cmap=ListedColormap(REGIONS))
    for k in range(CLASSES):
        mask = y == k
        ax.scatter(X[mask, 0], X[mask, 1], s=7, c=COLOURS[k], zorder=3)
    if wrong.any():
        ax.scatter(X[wrong, 0], X[wrong, 1], s=60, facecolors="none", edgecolors="black", linewidths=1.2, zorder=4)
    handles: list[Artist] = [Line2D([], [], marker="o", ls="", color=COLOURS[k], ms=6,
                                    label=f"class {k} ({ARMS[k]} arm)") for k in range(CLASSES)]
    handles += [Patch(color=REGIONS[k], label=f"predicted class {k}") for k in range(CLASSES)]
    if wrong.any():
        handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor="black", ms=8,
                              label=f"misclassified ({int(wrong.sum())})"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, framealpha=0.9)
    acc = 1.0 - wrong.mean()
    ax.set_title(f"Three spirals: {acc:.1%} of {len(y)} points right\n"
                 f"MLP 2 → 32 → 32 → 3, trained on lanes in {result.seconds:.1f} s", fontsize=12)
    ax.set_xlabel("x₁ (first input)", fontsize=11)
    ax.set_ylabel("x₂ (second input)", fontsize=11)
    ax.set_aspect("equal")
    _save(fig, path)
    plt.close(fig)
    return path
