"""A whole batch without a graph per example: a model's forward and ``fit``'s step on lanes.

:func:`forward_batch` runs a model over every row of X at once (:mod:`autograd.lanes`: one sample's
graph recorded, then run with numpy), and :class:`LanesStep` is what ``fit(..., lanes=True)`` does
per step: the mean of the per-sample loss over the batch and its gradient in every ``.grad``.

The per-sample losses here are the ones of :mod:`nn.losses` written without Python branches on the
data, because a recorded graph must be the same for every sample:

* hinge      relu(1 − t·s), with the label t = ±1 an input of the sample (not a constant);
* mse        (s − t)²;
* bce        relu(s) + ln(1 + e^−|s|) − t·s, the log-sigmoid form of binary cross-entropy on logits
             (nn.losses picks a branch by the sign of s for the last digits; this form needs none);
* cross_entropy   ln Σₖ exp(zₖ − m) − Σₖ tₖ·(zₖ − m) with one-hot targets tₖ, and the shift
             m = max(z) built from relus (m = a + relu(b − a)) instead of taken out as a number.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import Value, dot, no_grad, sum_of
from autograd.lanes import Program, record

from .losses import signed_labels

__all__ = ["forward_batch", "LanesStep", "SAMPLE_LOSSES", "sample_max"]

_PROGRAMS: weakref.WeakKeyDictionary[Any, Program] = weakref.WeakKeyDictionary()


def _columns(X: Any) -> np.ndarray:
    arr = np.asarray(X, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"forward_batch: X must be a table of examples, shape (n, features), got shape {arr.shape}")
    return arr.T


def forward_batch(model: Any, X: Any) -> np.ndarray:
    """The model's outputs for every row of ``X`` without building one graph per row.

    Returns shape (n,) for a model with one output, (n, k) for k outputs; the numbers equal
    ``[model(x) for x in X]`` up to rounding. The model's graph is recorded once (and checked on a few
    rows, see :mod:`autograd.lanes`) and kept for the next call. No gradients are computed.
    """
    cols = _columns(X)
    program = _PROGRAMS.get(model)
    if program is None or program.n_inputs != cols.shape[0]:
        program = record(lambda *xs: model(list(xs)), cols.shape[0])
        _PROGRAMS[model] = program
    return program.forward(*cols)


def sample_max(zs: Sequence[Value]) -> Value:
    """max(z₁, …, zₖ) as a graph: a + relu(b − a), one pair at a time (no branch on the data)."""
    top = zs[0]
    for z in zs[1:]:
        top = top + (z - top).relu()
    return top


def _hinge(outs: list[Value], targets: Sequence[Value]) -> Value:
    return (1.0 - outs[0] * targets[0]).relu()


def _mse(outs: list[Value], targets: Sequence[Value]) -> Value:
    d = outs[0] - targets[0]
    return d * d


def _bce(outs: list[Value], targets: Sequence[Value]) -> Value:
    s = outs[0]
    return s.relu() + ((-abs(s)).exp() + 1.0).log() - targets[0] * s


def _cross_entropy(outs: list[Value], targets: Sequence[Value]) -> Value:
    top = sample_max(outs)
    shifted = [z - top for z in outs]
    return sum_of([s.exp() for s in shifted]).log() - dot(list(targets), shifted)


#: name → (per-sample loss of (outputs, target inputs), the outputs it needs: 1, or 0 for "any ≥ 2")
SAMPLE_LOSSES: dict[str, tuple[Callable[[list[Value], Sequence[Value]], Value], int]] = {
    "hinge": (_hinge, 1),
    "mse": (_mse, 1),
    "bce": (_bce, 1),
    "cross_entropy": (_cross_entropy, 0),
}


def _target_columns(name: str, ys: Sequence[Any], n_outputs: int) -> np.ndarray:
    if name == "hinge":
        return np.array([signed_labels(ys, "fit")])
    if name == "cross_entropy":
        labels = np.asarray(ys, dtype=float)
        if not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() >= n_outputs:
            raise ValueError(f"fit: cross_entropy needs class labels 0 … {n_outputs - 1} (one per model output)")
        return np.eye(n_outputs)[labels.astype(int)].T
    return np.array([np.asarray(ys, dtype=float)])


class LanesStep:
    """``fit``'s PREDICT, LOSS and GRADIENT for a batch, on lanes: one recorded per-sample graph.

    ``loss`` is a name of :data:`SAMPLE_LOSSES` or a function ``(outputs, targets) → Value`` that
    ``fit`` would call on a batch; a function is recorded on one sample, with the target an input,
    and must not branch on the data (the checks of :mod:`autograd.lanes` say so if it does).
    """

    def __init__(self, model: Any, rows: list[list[float]], ys: Sequence[Any], loss: str | Callable[..., Value],
                 l2: float, params: Sequence[Value]) -> None:
        self.model = model
        self.features = np.array(rows, dtype=float).T
        with no_grad():
            first = model(rows[0])
        n_outputs = 1 if isinstance(first, Value) else len(first)
        if isinstance(loss, str):
            per_sample, needs = SAMPLE_LOSSES[loss]
            if needs == 1 and n_outputs != 1:
                raise ValueError(f"fit: the {loss} loss needs a model with one output, this one has {n_outputs}")
            if needs == 0 and n_outputs < 2:
                raise ValueError("fit: cross_entropy needs a model with one output per class (at least 2)")
            self.targets = _target_columns(loss, ys, n_outputs)
        else:
            user = loss
            self.targets = np.array([np.asarray(ys, dtype=float)])

            def per_sample(outs: list[Value], targets: Sequence[Value]) -> Value:
                return user([outs[0] if len(outs) == 1 else outs], list(targets))

        nin = self.features.shape[0]

        def sample_loss(*inputs: Value) -> Value:
            out = model(list(inputs[:nin]))
            outs = [out] if isinstance(out, Value) else list(out)
            term = per_sample(outs, inputs[nin:])
            if l2:
                term = term + l2 * sum_of([p * p for p in params])
            return term

        names = [f"x{k + 1}" for k in range(nin)] + (
            ["y"] if self.targets.shape[0] == 1 else [f"y{k + 1}" for k in range(self.targets.shape[0])])
        self.program = record(sample_loss, nin + self.targets.shape[0], names=names)
        self.outputs = record(lambda *xs: model(list(xs)), nin)

    def run(self, batch: Sequence[int] | None = None) -> float:
        """The batch's mean loss; its gradient is added to every parameter's ``.grad``."""
        cols = self._cols(batch)
        return self.program.run(*cols)

    def _cols(self, batch: Sequence[int] | None) -> list[np.ndarray]:
        cols = np.concatenate([self.features, self.targets])
        if batch is not None:
            cols = cols[:, np.asarray(batch, dtype=np.intp)]
        return list(cols)

    def evaluate(self) -> tuple[float, np.ndarray]:
        """The mean loss over the whole set and the model's outputs for every example (no gradients)."""
        loss = float(self.program.forward(*self._cols(None)).mean())
        return loss, self.outputs.forward(*self.features)

    def sample_graph(self) -> Value:
        """The loss graph of the batch's first sample, with its numbers (for ``on_step`` callbacks)."""
        return self.program.sample(0)


def batch_accuracy(scores: np.ndarray, labels: Sequence[Any], threshold: float = 0.0) -> float:
    """:func:`nn.train.accuracy` on an array of outputs: (n,) scores or (n, k) class scores."""
    ys = np.asarray(labels, dtype=float)
    if scores.ndim == 2:
        guess = np.argmax(scores, axis=1)
    else:
        signed = bool(np.any(ys == -1.0))
        guess = np.where(scores > threshold, 1, -1 if signed else 0)
    return float(np.mean(guess == ys.astype(int)))
