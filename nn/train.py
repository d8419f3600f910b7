"""``fit``: the learning loop — PREDICT, LOSS, GRADIENT, STEP, repeat, STOP — with a history.

Each step: the model predicts a batch, the loss measures how wrong it is, ``loss.backward()``
fills every parameter's gradient, the optimizer steps. After each epoch the whole training set is
evaluated under ``no_grad()`` (no graph is built) for the epoch's loss and accuracy, and the STOP
rule is checked: stop once the loss is ≤ ``stop_loss``, or after ``patience`` epochs without a new
best loss, or when the loss stops being a finite number (the learning rate is too large).

A *new best* must beat the old best by more than ``min_delta`` × |best| (relative, default 1e-4, i.e.
0.01 %). Without such a margin a loss that crawls (a learning rate of 1e-9 lowers it by a few parts in
a billion per epoch) counts as improving forever and ``patience`` never fires. The margin is relative
because losses come in every unit: an absolute 1e-4 would be a large step for a hinge loss near 0.001
and rounding noise for a squared error in the millions. ``min_delta=0`` counts any decrease.

Accuracy is reported only for the classification losses ("hinge", "bce", "cross_entropy", or the
functions ``hinge_loss``, ``binary_cross_entropy``, ``cross_entropy`` themselves) with class-label
targets; for "mse" and for other functions it is None, since rounding a regression's outputs to
"classes" gives a meaningless number.

Callbacks are objects with any of these methods (missing ones are skipped):

* ``on_step(loss, model, step)`` — right after ``loss.backward()`` and before ``optimizer.step()``,
  so the graph of ``loss`` and every gradient are there to be looked at. ``step`` counts the
  optimizer steps taken before this one (0 for the first).
* ``on_epoch_end(epoch, logs)`` — after the evaluation; ``epoch`` counts from 0 and ``logs`` is a
  dict with "loss", "accuracy" (None unless a classification loss, see above) and "lr". Return
  ``True`` to stop training.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, no_grad, sum_of

from .batch import LanesStep, batch_accuracy
from .losses import binary_cross_entropy, cross_entropy, hinge_loss, mse_loss
from .module import Module, make_rng

__all__ = ["fit", "History", "LOSSES", "predict", "accuracy"]


def _bce_logits(preds: Any, targets: Any) -> Value:
    return binary_cross_entropy(preds, targets, from_logits=True)


#: Loss names ``fit`` understands. "bce" takes the model's raw scores (logits): MLP outputs are linear.
LOSSES: dict[str, Callable[[Any, Any], Value]] = {
    "hinge": hinge_loss,
    "mse": mse_loss,
    "bce": _bce_logits,
    "cross_entropy": cross_entropy,
}

#: The classification losses, with the score above which one output means class 1. Raw scores
#: (hinge, bce on logits) are cut at 0; ``binary_cross_entropy`` on probabilities at 0.5; with
#: several outputs (cross-entropy) the largest wins and the cut is unused.
_CLASSIFIERS: dict[Callable[..., Value], float] = {
    hinge_loss: 0.0,
    _bce_logits: 0.0,
    cross_entropy: 0.0,
    binary_cross_entropy: 0.5,
}


@dataclass
class History:
    """What happened, one entry per completed epoch (``loss``, ``accuracy``, ``lr``)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    steps: int = 0
    stopped_early: bool = False
    stop_reason: str = ""

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(no epochs)"
        acc = self.accuracy[-1]
        shown = "" if acc is None else f", accuracy {acc:.1%}"
        last = f"loss {self.loss[-1]:.4g}{shown}"
        return f"History({self.epochs} epochs, {self.steps} steps, {last}; {self.stop_reason})"


def _is_real(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Real) and math.isfinite(x)


def _resolve_loss(loss: str | Callable[[Any, Any], Value]) -> Callable[[Any, Any], Value]:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(
                f"fit: unknown loss {loss!r}; choose one of {', '.join(LOSSES)} or pass a function"
            )
        return LOSSES[loss]
    if callable(loss):
        return loss
    raise TypeError(f"fit: loss must be a name ({', '.join(LOSSES)}) or a function (preds, targets) → Value")


def _rows(X: Any) -> list[list[float]]:
    rows = [[float(v) for v in (x if isinstance(x, Iterable) else [x])] for x in X]
    if not rows:
        raise ValueError("fit: X is empty; there is nothing to learn from")
    return rows


def _targets(y: Any, n: int) -> list[Any]:
    ys = list(y)
    if len(ys) != n:
        raise ValueError(f"fit: X has {n} examples but y has {len(ys)} targets")
    return [v.item() if hasattr(v, "item") else v for v in ys]


def _is_class_labels(ys: Sequence[Any]) -> bool:
    return all(not isinstance(t, Iterable) and float(t).is_integer() for t in ys)


def predict(model: Module, X: Any) -> list[Any]:
    """The model's outputs for every example, under ``no_grad()`` (no graph is built)."""
    with no_grad():
        return [model(x) for x in _rows(X)]


def _predicted_class(out: Any, labels_signed: bool) -> int:
    if isinstance(out, Value):
        if labels_signed:
            return 1 if out.data > 0 else -1
        return 1 if out.data > 0 else 0
    scores = [o.data for o in out]
    return max(range(len(scores)), key=scores.__getitem__)


def accuracy(outputs: Sequence[Any], labels: Sequence[Any], threshold: float = 0.0) -> float:
    """Fraction of examples whose predicted class equals the label.

    One output per example: class 1 (or +1 for −1/+1 labels) when the score is > ``threshold``, else
    0 (or −1). Several outputs: the index of the largest.
    """
    if not outputs:
        raise ValueError("accuracy: no outputs given")
    signed = any(float(t) == -1.0 for t in labels)
    right = 0
    for out, t in zip(outputs, labels):
        if isinstance(out, Value) and threshold != 0.0:
            guess = 1 if out.data > threshold else (-1 if signed else 0)
        else:
            guess = _predicted_class(out, signed)
        right += guess == int(t)
    return right / len(outputs)


def _evaluate(
    model: Module,
    rows: list[list[float]],
    ys: list[Any],
    loss_fn: Callable[[Any, Any], Value],
    l2: float,
    params: Sequence[Value],
    threshold: float,
    classes: bool,
) -> tuple[float, float | None]:
    with no_grad():
        outs = [model(x) for x in rows]
        value = loss_fn(outs, ys).data
        if l2:
            value += l2 * math.fsum(p.data * p.data for p in params)
    acc = accuracy(outs, ys, threshold) if classes else None
    return value, acc


def fit(
    model: Module,
    X: Any,
    y: Any,
    loss: str | Callable[[Any, Any], Value],
    optimizer: Any,
    epochs: int,
    batch_size: int | None = None,
    stop_loss: float | None = None,
    patience: int | None = None,
    min_delta: float = 1e-4,
    progress: bool = True,
    callbacks: Iterable[Any] = (),
    l2: float = 0.0,
    rng: random.Random | int | None = None,
    scheduler: Any = None,
    lanes: bool = False,
) -> History:
    """Train ``model`` on (X, y) and return its :class:`History`.

    Args:
        model: the network (e.g. ``MLP(2, [16, 16, 1])``).
        X, y: inputs (one row per example) and targets (class labels, or numbers for "mse").
        loss: "hinge", "mse", "bce" (on raw scores), "cross_entropy", or a function
            ``(outputs, targets) → Value``.
        optimizer: an ``optim`` optimizer over ``model.parameters()``.
        epochs: the most passes over the data.
        batch_size: examples per step; None means the whole set (full batch, one step per epoch).
            Mini-batches are reshuffled every epoch with ``rng``.
        stop_loss: STOP once an epoch's loss is ≤ this.
        patience: STOP after this many epochs without a new best loss.
        min_delta: what counts as a new best for ``patience``: lower than the best so far by more than
            ``min_delta`` × |best| (relative; 0 counts any decrease). See the module docstring.
        progress: show a tqdm progress bar (works in terminals and notebooks).
        callbacks: objects with ``on_step`` / ``on_epoch_end`` (see the module docstring).
        l2: adds l2·Σθ² over all parameters to the loss (keeps weights small; part of the reported loss).
        rng: seed or ``random.Random`` for the mini-batch shuffle.
        scheduler: an ``optim.lr_scheduler`` scheduler, stepped once per epoch.
        lanes: run each step on lanes (:mod:`autograd.lanes`): one example's graph is recorded once and
            run over the whole batch with numpy, instead of building a graph per example: the same
            loss and gradients (up to rounding), many times faster. The loss is the per-example form of
            :mod:`nn.batch` (no Python branches on the data); ``on_step`` callbacks get the loss graph of
            the batch's first example, since there is no graph of the whole batch.
    """
    # Every argument is checked before the first step, so a typo fails at once, not after an epoch.
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a whole number ≥ 1, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(
            f"fit: batch_size must be None (full batch) or a whole number ≥ 1, got {batch_size!r}"
        )
    if stop_loss is not None and not _is_real(stop_loss):
        raise ValueError(f"fit: stop_loss must be None or a finite number like 0.1, got {stop_loss!r}")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int) or patience < 1):
        raise ValueError(f"fit: patience must be None or a whole number ≥ 1, got {patience!r}")
    if not (_is_real(min_delta) and 0 <= min_delta < 1):
        raise ValueError(
            f"fit: min_delta must be a number in [0, 1) (a fraction of the best loss), got {min_delta!r}"
        )
    if not (_is_real(l2) and l2 >= 0):
        raise ValueError(f"fit: l2 must be a number ≥ 0, got {l2!r}")
    if not isinstance(progress, bool):
        raise ValueError(f"fit: progress must be True or False, got {progress!r}")
    if not isinstance(lanes, bool):
        raise ValueError(f"fit: lanes must be True or False, got {lanes!r}")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"fit: optimizer must have step() and zero_grad(), got {type(optimizer).__name__}")
    if scheduler is not None and not hasattr(scheduler, "step"):
        raise TypeError(f"fit: scheduler must be None or have step(), got {type(scheduler).__name__}")
    callbacks = list(callbacks)
    for cb in callbacks:
        if not (hasattr(cb, "on_step") or hasattr(cb, "on_epoch_end")):
            raise TypeError(
                f"fit: a callback needs on_step(loss, model, step) or on_epoch_end(epoch, logs); "
                f"{type(cb).__name__} has neither"
            )
    loss_fn = _resolve_loss(loss)
    rows = _rows(X)
    ys = _targets(y, len(rows))
    shuffle = make_rng(rng)
    cut = next((c for f, c in _CLASSIFIERS.items() if f is loss_fn), None)  # a callable may be unhashable
    classes = cut is not None and _is_class_labels(ys)
    threshold = 0.0 if cut is None else cut
    params = model.parameters()
    step_hooks = [cb.on_step for cb in callbacks if hasattr(cb, "on_step")]
    epoch_hooks = [cb.on_epoch_end for cb in callbacks if hasattr(cb, "on_epoch_end")]
    order = list(range(len(rows)))
    size = len(rows) if batch_size is None else min(batch_size, len(rows))
    history = History()
    best, since_best = math.inf, 0
    on_lanes = _lanes_step(model, rows, ys, loss, loss_fn, l2, params) if lanes else None

    bar = _progress_bar(epochs, progress)
    try:
        for epoch in range(epochs):
            if size < len(rows):
                shuffle.shuffle(order)
            for start in range(0, len(rows), size):
                batch = order[start : start + size]
                optimizer.zero_grad()
                if on_lanes is not None:  # PREDICT, LOSS and GRADIENT for every example at once
                    on_lanes.run(None if size == len(rows) else batch)
                    for hook in step_hooks:
                        hook(on_lanes.sample_graph(), model, history.steps)
                    optimizer.step()
                    history.steps += 1
                    continue
                outs = [model(rows[i]) for i in batch]  # PREDICT
                total = loss_fn(outs, [ys[i] for i in batch])  # LOSS
                if l2:
                    total = total + l2 * sum_of([p * p for p in params])
                total.backward()  # GRADIENT
                for hook in step_hooks:
                    hook(total, model, history.steps)
                optimizer.step()  # STEP
                history.steps += 1
            lr = _current_lr(optimizer)
            if scheduler is not None:
                scheduler.step()
            if on_lanes is not None:
                value, scores = on_lanes.evaluate()
                acc = batch_accuracy(scores, ys, threshold) if classes else None
            else:
                value, acc = _evaluate(model, rows, ys, loss_fn, l2, params, threshold, classes)
            history.loss.append(value)
            history.accuracy.append(acc)
            history.lr.append(lr)
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"loss {value:.4f}" + ("" if acc is None else f", accuracy {acc:.0%}"))
            logs = {"loss": value, "accuracy": acc, "lr": lr}
            asked_to_stop = False
            for hook in epoch_hooks:
                asked_to_stop = bool(hook(epoch, logs)) or asked_to_stop
            reason = _stop_reason(value, stop_loss)
            if _improves(value, best, min_delta):
                best, since_best = value, 0
            else:
                since_best += 1
            if reason is None and patience is not None and since_best >= patience:
                margin = f" by more than {min_delta:.2%} (min_delta)" if min_delta else ""
                reason = f"no improvement on the best loss {best:.4g}{margin} for {patience} epochs"
            if reason is None and asked_to_stop:
                reason = "a callback asked to stop"
            if reason is not None:
                history.stopped_early = epoch + 1 < epochs
                history.stop_reason = reason
                break
        else:
            history.stop_reason = f"ran all {epochs} epochs"
    finally:
        if bar is not None:
            _close_bar(bar)
    return history


def _lanes_step(
    model: Module, rows: list[list[float]], ys: list[Any], loss: Any, loss_fn: Callable[..., Value], l2: float,
    params: Sequence[Value],
) -> LanesStep:
    """The per-example loss for lanes: a loss named in LOSSES (or one of nn's loss functions) maps to its
    branch-free form in nn.batch; any other function is recorded as it is (and checked)."""
    name = next((key for key, fn in LOSSES.items() if fn is loss_fn), None)
    if name is None and loss_fn is binary_cross_entropy:
        raise ValueError(
            "fit: binary_cross_entropy on probabilities clamps each prediction with a Python branch, which lanes "
            "cannot record once for every example; use loss='bce' (on the model's raw scores), or lanes=False"
        )
    return LanesStep(model, rows, ys, name if name is not None else loss_fn, l2, params)


def _improves(value: float, best: float, min_delta: float) -> bool:
    """Is ``value`` a new best: lower than ``best`` by more than ``min_delta`` × |best|?"""
    if math.isinf(best):  # no best yet (the first epoch); inf − inf would be nan
        return value < best
    return best - value > min_delta * abs(best)


def _stop_reason(value: float, stop_loss: float | None) -> str | None:
    if not math.isfinite(value):
        return f"the loss became {value} (diverged: try a smaller learning rate)"
    if stop_loss is not None and value <= stop_loss:
        return f"loss {value:.4g} ≤ stop_loss {stop_loss:g}"
    return None


def _current_lr(optimizer: Any) -> float:
    groups = getattr(optimizer, "param_groups", None)
    if groups:
        return float(groups[0].get("lr", math.nan))
    return math.nan


def _close_bar(bar: Any) -> None:
    """Close the bar at the epoch training stopped at: "70/70", not frozen at "35% 70/200".

    (In a notebook, tqdm also paints a bar closed short of its total red, as if training had failed.)
    """
    done = bar.n
    if done < (bar.total or 0):
        bar.total = done
        container = getattr(bar, "container", None)  # tqdm.notebook's widget keeps its own maximum
        children: Any = getattr(container, "children", ())
        if len(children) >= 2 and hasattr(children[-2], "max"):
            children[-2].max = max(done, 1)
        bar.refresh()
    bar.close()


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm  # picks the notebook widget inside Jupyter, the text bar elsewhere

    return tqdm(total=total, desc="training", unit="epoch", leave=True, dynamic_ncols=True)
