"""Adam: steps scaled per parameter by running averages of the gradient and of its square.

The update for one parameter θ with gradient g at step t = 1, 2, ... (PyTorch's documented algorithm;
weight decay is an L2 penalty added to the gradient, as in ``torch.optim.Adam``, not AdamW's decoupled
decay):

    g ← −g                               if maximize (climb the objective instead)
    g ← g + λ·θ                          if weight_decay λ ≠ 0
    m ← β₁·m + (1 − β₁)·g                 (first moment, starts at 0)
    v ← β₂·v + (1 − β₂)·g²                (second moment, starts at 0)
    m̂ = m / (1 − β₁ᵗ)                     (bias correction: m and v start at 0)
    v_max ← max(v_max, v),  v̂ = v_max / (1 − β₂ᵗ)   if amsgrad (v_max starts at 0)
    v̂ = v / (1 − β₂ᵗ)                     otherwise
    θ ← θ − lr · m̂ / (√v̂ + ε)

AMSGrad (Reddi et al., 2018) divides by the largest second moment seen so far, so a parameter's step
size can only shrink. The arithmetic is arranged as in PyTorch's implementation,
θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε), which is the same number up to rounding.
ε must be > 0: a parameter whose gradient has been 0 so far has v = 0, and ε is all that keeps the
step 0/0 from being NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from .optimizer import Optimizer, check_flag, check_number

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with PyTorch's update rule; see the module docstring."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: Sequence[float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        group["lr"] = check_number("Adam", "lr", group["lr"], 0.0, low_open=True, hint=" (1e-3 is typical)")
        betas = group["betas"]
        if isinstance(betas, (str, bytes)) or not isinstance(betas, Sequence) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}; e.g. (0.9, 0.999)")
        group["betas"] = (
            check_number("Adam", "betas[0]", betas[0], 0.0, high=1.0, hint=" (0.9 is typical)"),
            check_number("Adam", "betas[1]", betas[1], 0.0, high=1.0, hint=" (0.999 is typical)"),
        )
        group["eps"] = check_number(
            "Adam", "eps", group["eps"], 0.0, low_open=True,
            hint=" (1e-8 is typical; 0 would divide 0 by 0 for a parameter whose gradient is still 0)",
        )
        group["weight_decay"] = check_number("Adam", "weight_decay", group["weight_decay"], 0.0)
        check_flag("Adam", "amsgrad", group["amsgrad"])
        check_flag("Adam", "maximize", group["maximize"])

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        decay = group["weight_decay"]
        amsgrad, maximize = group["amsgrad"], group["maximize"]
        for p in group["params"]:
            g = -p.grad if maximize else p.grad
            if decay != 0.0:
                g = g + decay * p.data
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=0, exp_avg=0.0, exp_avg_sq=0.0)
            t = state["step"] = int(state["step"]) + 1
            m = state["exp_avg"] = beta1 * state["exp_avg"] + (1.0 - beta1) * g
            v = state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1.0 - beta2) * g * g
            if amsgrad:
                v = state["max_exp_avg_sq"] = _maximum(state.get("max_exp_avg_sq", 0.0), v)
            bias1 = 1.0 - beta1**t
            bias2 = 1.0 - beta2**t
            denom = math.sqrt(v) / math.sqrt(bias2) + eps
            p.data = p.data - (lr / bias1) * m / denom


def _maximum(a: float, b: float) -> float:
    """max(a, b), but NaN if either is NaN (as torch.maximum; Python's max would drop a NaN second)."""
    if a >= b:
        return a
    return b if b >= a else math.nan
