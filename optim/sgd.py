"""Stochastic gradient descent, optionally with momentum, dampening, Nesterov and weight decay.

The update for one parameter θ with gradient g at step t (PyTorch's documented algorithm):

    g ← −g                              if maximize (climb the objective instead of descending it)
    g ← g + λ·θ                         if weight_decay λ ≠ 0   (L2 penalty λ/2·θ²)
    b ← g                               at the first step, if momentum μ ≠ 0
    b ← μ·b + (1 − τ)·g                 afterwards (τ = dampening)
    g ← g + μ·b  if nesterov, else  g ← b
    θ ← θ − lr·g

Plain SGD (μ = 0) is the bare learning loop: θ ← θ − lr·∂L/∂θ. Momentum keeps a running sum of past
gradients, so steps build up speed along directions the gradient keeps pointing to.
``maximize=True`` negates the gradient first, as PyTorch does, so the momentum buffer accumulates the
ascent direction (and weight decay still pulls θ towards 0): SGD(maximize=True) on the profit P(x)
walks x up to the critical point 3, as SGD on the loss −P does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .optimizer import Optimizer, check_flag, check_number

__all__ = ["SGD"]


class SGD(Optimizer):
    """θ ← θ − lr·g, with optional momentum (see the module docstring for the exact rule).

    >>> from autograd import Value
    >>> x = Value(12.0)
    >>> opt = SGD([x], lr=0.1)
    >>> loss = (x - 3) * (x - 3)
    >>> loss.backward(); opt.step()
    >>> round(x.data, 6)                 # 12 − 0.1·2·(12 − 3)
    10.2
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "nesterov": nesterov,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        hint_lr = " (try a value like 0.01, 0.1 or 1.0)"
        group["lr"] = check_number("SGD", "lr", group["lr"], 0.0, low_open=True, hint=hint_lr)
        group["momentum"] = check_number("SGD", "momentum", group["momentum"], 0.0, hint=" (0.9 is typical)")
        group["dampening"] = check_number(
            "SGD", "dampening", group["dampening"], 0.0, high=1.0, high_open=False
        )
        group["weight_decay"] = check_number("SGD", "weight_decay", group["weight_decay"], 0.0)
        check_flag("SGD", "nesterov", group["nesterov"])
        check_flag("SGD", "maximize", group["maximize"])
        if group["nesterov"] and (group["momentum"] <= 0.0 or group["dampening"] != 0.0):
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 and dampening = 0, "
                f"got momentum={group['momentum']!r}, "
                f"dampening={group['dampening']!r}; e.g. SGD(params, lr=0.1, momentum=0.9, nesterov=True)"
            )

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        momentum = group["momentum"]
        dampening = group["dampening"]
        nesterov = group["nesterov"]
        decay = group["weight_decay"]
        maximize = group["maximize"]
        for p in group["params"]:
            g = -p.grad if maximize else p.grad
            if decay != 0.0:
                g = g + decay * p.data
            if momentum != 0.0:
                state = self.state.setdefault(p, {})
                buf = state.get("momentum_buffer")
                buf = g if buf is None else momentum * buf + (1.0 - dampening) * g
                state["momentum_buffer"] = buf
                g = g + momentum * buf if nesterov else buf
            p.data = p.data - lr * g
