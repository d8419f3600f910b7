"""Losses: one number that says how wrong the predictions are (the LOSS of the learning loop).

Each takes the model's outputs (Values) and the true targets (numbers) and returns one Value whose
``backward()`` gives every parameter its gradient. A sum over a data set is built with
``autograd.sum_of`` — one n-ary node — rather than Python's ``sum`` (a chain of n additions).

* ``mse_loss(preds, targets)``          mean of (p − t)²                       (regression)
* ``hinge_loss(scores, labels)``        mean of max(0, 1 − y·s), y = ±1         (two classes, like an SVM)
* ``binary_cross_entropy(p, t)``        mean of −[t·ln p + (1 − t)·ln(1 − p)]  (two classes, probabilities)
* ``cross_entropy(logits, target)``     −ln softmax(logits)[target]            (several classes)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from autograd import Value, sum_of

__all__ = ["mse_loss", "hinge_loss", "binary_cross_entropy", "cross_entropy", "softmax", "signed_labels"]


def _as_list(x: Any, what: str) -> list[Any]:
    if isinstance(x, (Value, numbers.Real)):
        return [x]
    try:
        return list(x)
    except TypeError:
        raise TypeError(
            f"{what} must be a Value, a number or a list of them, got {type(x).__name__}"
        ) from None


def _pair(owner: str, preds: Any, targets: Any, pname: str, tname: str) -> tuple[list[Any], list[Any]]:
    ps, ts = _as_list(preds, pname), _as_list(targets, tname)
    if len(ps) != len(ts):
        raise ValueError(
            f"{owner}: got {len(ps)} {pname} but {len(ts)} {tname}; they must pair up one to one"
        )
    if not ps:
        raise ValueError(f"{owner}: no {pname} given (the loss of an empty batch is undefined)")
    return ps, ts


def _number(owner: str, name: str, x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise ValueError(f"{owner}: {name} must be a finite real number, got {x!r}")
    return float(x)


def _value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _target(y: float) -> Value:
    """A sample's target as a leaf named ``y``, so pictures of the loss say which number is the target."""
    return Value(y, "y")


def _mean(terms: Sequence[Value]) -> Value:
    """The mean of the per-sample terms, labelled ``loss`` for the pictures. The mean of one term is
    that term itself: no Σ and ×1 nodes, so the graph of one sample's loss stays small enough to draw."""
    loss = terms[0] if len(terms) == 1 else sum_of(terms) * (1.0 / len(terms))
    loss.label = "loss"
    return loss


def mse_loss(preds: Any, targets: Any) -> Value:
    """Mean squared error: (1/n) Σ (pᵢ − tᵢ)². Targets may be numbers or Values."""
    ps, ts = _pair("mse_loss", preds, targets, "predictions", "targets")
    terms = []
    for p, t in zip(ps, ts):
        d = _value(p) - (t if isinstance(t, Value) else _target(_number("mse_loss", "a target", t)))
        terms.append(d * d)
    return _mean(terms)


def signed_labels(labels: Sequence[Any], owner: str = "hinge_loss") -> list[float]:
    """Class labels as ±1: labels 0/1 map 0 → −1, 1 → +1; labels −1/+1 stay as they are."""
    values = []
    for y in labels:
        y = _number(owner, "a label", y)
        if y not in (-1.0, 0.0, 1.0):
            raise ValueError(f"{owner}: labels must be 0/1 or −1/+1, got {y!r}")
        values.append(y)
    kinds = set(values)
    if -1.0 in kinds and 0.0 in kinds:
        raise ValueError(f"{owner}: labels mix 0 and −1; use either 0/1 or −1/+1 for the two classes")
    return [1.0 if y == 1.0 else -1.0 for y in values]


def hinge_loss(scores: Any, labels: Any) -> Value:
    """(1/n) Σ max(0, 1 − yᵢ·sᵢ), with labels 0/1 or −1/+1 (both become ±1).

    A point costs nothing once it is on the right side with a margin (y·s ≥ 1); otherwise the cost
    grows linearly with how far it is on the wrong side. A score s > 0 predicts the class +1 (or 1).
    """
    ss, ys = _pair("hinge_loss", scores, labels, "scores", "labels")
    signs = signed_labels(ys)
    return _mean([(1.0 - _value(s) * _target(y)).relu() for s, y in zip(ss, signs)])


def _log1p(u: Value) -> Value:
    """ln(1 + u) to within a few units in the last place, built from Value ops so it differentiates.

    ``(u + 1).log()`` alone loses u's digits when u is small: at u = 4.2e-18 the sum rounds to 1 and
    the log to 0. Kahan's trick corrects it: w = 1 + u rounds, but w − 1 is exact, and
    ln(w) · u / (w − 1) cancels the rounding of w to first order (Goldberg, "What every computer
    scientist should know about floating-point arithmetic", 1991, theorem 4). When w rounds all the
    way to 1, |u| < 1.2e-16 and ln(1 + u) = u − u²/2 + … is u to within |u| · 1.2e-16.
    """
    w = u + 1.0
    if w.data == 1.0:
        return u
    return w.log() * (u / (w - 1.0))


def _log_sigmoid(z: Value) -> Value:
    """ln σ(z) = −ln(1 + e⁻ᶻ), without overflow and without losing tiny values.

    For z ≥ 0: −ln(1 + e⁻ᶻ) with e⁻ᶻ ≤ 1; for z < 0: z − ln(1 + eᶻ) with eᶻ < 1 (the same function
    rearranged so the exponent is ≤ 0). ln(1 + ·) is :func:`_log1p`, so −ln σ(40) comes out as
    4.2e-18, not 0.
    """
    if z.data >= 0.0:
        return -_log1p((-z).exp())
    return z - _log1p(z.exp())


def binary_cross_entropy(preds: Any, targets: Any, from_logits: bool = False, eps: float = 1e-7) -> Value:
    """(1/n) Σ −[tᵢ·ln pᵢ + (1 − tᵢ)·ln(1 − pᵢ)] for targets tᵢ in [0, 1].

    * ``from_logits=False`` (default): ``preds`` are probabilities in [0, 1]. Each is clamped to
      [eps, 1 − eps] before the logarithm, so p = 0 or 1 gives a large but finite loss. The clamp
      passes the gradient straight through, so a confidently wrong prediction is still pushed back.
    * ``from_logits=True``: ``preds`` are raw scores z (what a linear last layer outputs) and
      p = σ(z). Computed as −[t·ln σ(z) + (1 − t)·ln σ(−z)] with a log-sigmoid that never overflows
      and keeps tiny losses (ln(1 + e⁻ᶻ) is evaluated log1p-accurately: −ln σ(40) = 4.2e-18, not 0):
      within a few units in the last place for any z, and the better choice for training.
    """
    owner = "binary_cross_entropy"
    ps, ts = _pair(owner, preds, targets, "predictions", "targets")
    if not 0.0 < eps < 0.5:
        raise ValueError(f"{owner}: eps must lie in (0, 0.5), got {eps!r}")
    terms = []
    for p, t in zip(ps, ts):
        t = _number(owner, "a target", t)
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"{owner}: targets must lie in [0, 1] (class labels 0/1), got {t!r}")
        p = _value(p)
        if from_logits:
            term = -(_target(t) * _log_sigmoid(p) + (1.0 - t) * _log_sigmoid(-p))
        else:
            if not 0.0 <= p.data <= 1.0:
                raise ValueError(
                    f"{owner}: predictions must be probabilities in [0, 1], got {p.data!r}; "
                    "for raw scores use from_logits=True"
                )
            lo = _clamp(p, eps, 1.0 - eps)
            hi = _clamp(1.0 - p, eps, 1.0 - eps)
            term = -(_target(t) * lo.log() + (1.0 - t) * hi.log())
        terms.append(term)
    return _mean(terms)


def _clamp(p: Value, low: float, high: float) -> Value:
    """p moved into [low, high] by adding a constant: the value is clamped, the gradient is p's."""
    clamped = min(max(p.data, low), high)
    return p if clamped == p.data else p + (clamped - p.data)


def softmax(logits: Sequence[Value | float]) -> list[Value]:
    """exp(zᵢ − max z) / Σⱼ exp(zⱼ − max z): probabilities that sum to 1, without overflow."""
    zs = [_value(z) for z in _as_list(logits, "logits")]
    if not zs:
        raise ValueError("softmax: needs at least one logit")
    top = max(z.data for z in zs)  # a constant: subtracting it changes no probability and no gradient
    exps = [(z - top).exp() for z in zs]
    total = sum_of(exps)
    return [e / total for e in exps]


def cross_entropy(logits: Any, target: Any) -> Value:
    """−ln softmax(logits)[target] = ln Σⱼ exp(zⱼ) − z_target, computed stably.

    ``logits`` is one example's list of scores and ``target`` its class index; or a list of such
    lists with a list of indices, giving the mean over the examples. The largest logit is subtracted
    first (as a constant) so no exponent is positive.
    """
    owner = "cross_entropy"
    items = _as_list(logits, "logits")
    if items and not isinstance(items[0], (Value, numbers.Real)):
        rows, targets = _pair(owner, items, target, "examples", "targets")
        return _mean([_cross_entropy_one(row, t) for row, t in zip(rows, targets)])
    return _mean([_cross_entropy_one(items, target)])


def _cross_entropy_one(logits: Any, target: Any) -> Value:
    zs = [_value(z) for z in _as_list(logits, "logits")]
    if len(zs) < 2:
        raise ValueError(f"cross_entropy: needs at least 2 logits (one per class), got {len(zs)}")
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        if isinstance(target, numbers.Real) and float(target).is_integer():
            target = int(float(target))
        else:
            raise ValueError(f"cross_entropy: the target must be a class index (an int), got {target!r}")
    if not 0 <= target < len(zs):
        raise ValueError(
            f"cross_entropy: target class {target} is out of range for {len(zs)} logits (0 … {len(zs) - 1})"
        )
    top = max(z.data for z in zs)
    shifted = [z - top for z in zs]
    return sum_of([s.exp() for s in shifted]).log() - shifted[int(target)]
