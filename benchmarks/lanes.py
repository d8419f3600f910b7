"""The moons MLP step on lanes (``autograd.lanes``), timed alongside the other engines' steps.

:class:`LanesTrainer` is the same step as :class:`~benchmarks.engines.GradstepTrainer` — ``nn.MLP`` with
the harness's initial weights, hinge loss + alpha·Σp², full batch, ``optim.SGD`` — but the loss of one
sample is recorded once and run over all samples with numpy. Its case joins the MLP interleave (see
``workloads.mlp_rows``), so its row is measured in the same rounds as micrograd's and the float floor's
steps, which its ratios use (``compare_with="mlp_step"``).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from .engines import _ordered_parameters
from .floats import Params, flatten
from .timing import Case

KEY = "mlp_step_lanes"


class LanesTrainer:
    """gradstep's step on lanes: one recorded sample graph, every sample a lane."""

    description = "nn.MLP + optim.SGD, the sample's loss recorded once and run on all samples (autograd.lanes)"

    def __init__(self, params: Params, X: Sequence[Sequence[float]], Y: Sequence[float], lr: float, alpha: float):
        nn, optim, ag = (importlib.import_module(m) for m in ("nn", "optim", "autograd"))
        from autograd.lanes import record

        sizes = [len(params[0][0][0])] + [len(layer) for layer in params]
        self.model = nn.MLP(sizes[0], sizes[1:], rng=0)
        self.params = _ordered_parameters(self.model)
        for p, x in zip(self.params, flatten(params), strict=True):
            p.data = x
        self.optimizer = optim.SGD(self.model.parameters(), lr=lr)
        X = np.asarray(X, dtype=float)
        self.columns = [X[:, 0].copy(), X[:, 1].copy(), np.asarray(Y, dtype=float)]
        model, every, sum_of = self.model, self.params, ag.sum_of

        def sample_loss(x1: Any, x2: Any, y: Any) -> Any:
            # alpha·Σp² is the same for every sample: lanes compute it once, and the mean of (term + it)
            # over the batch is the harness's loss, mean of the terms + alpha·Σp².
            return (1.0 - y * model([x1, x2])).relu() + alpha * sum_of([p * p for p in every])

        self.program = record(sample_loss, 3, names=["x1", "x2", "y"])

    def step(self) -> float:
        self.optimizer.zero_grad()
        loss = self.program.run(*self.columns)
        self.optimizer.step()
        return loss

    def loss_and_grads(self) -> tuple[float, list[float]]:
        self.optimizer.zero_grad()
        loss = self.program.run(*self.columns)
        return loss, [p.grad for p in self.params]


def cases(setup: Any) -> tuple[list[Case], dict[str, Any]]:
    """The lanes step as a case of the MLP interleave, and its agreement with the float floor."""
    try:
        trainer = LanesTrainer(setup.params, setup.X, setup.Y, setup.lr, setup.alpha)
    except ImportError as exc:
        return [], {"error": f"lanes not available: {exc}"}
    from .engines import FloatTrainer

    ref_loss, ref_grads = FloatTrainer(setup.params, setup.X, setup.Y, setup.lr, setup.alpha).loss_and_grads()
    loss, grads = trainer.loss_and_grads()
    check = {
        "loss": loss,
        "max_abs_loss_diff": abs(loss - ref_loss),
        "max_abs_grad_diff": max(abs(g - r) for g, r in zip(grads, ref_grads)),
        "n_params": len(grads),
        "description": trainer.description,
    }
    return [Case(KEY, "gradstep", lambda: trainer, lambda t: t.step())], check


def row_spec(title: str) -> tuple[str, str, str, str]:
    return (KEY, f"{title} on lanes: one recorded sample graph, numpy over the batch", "ms", "time")
