"""The learning-rate range test: which learning rate should I use?

``lr_find`` trains for a few dozen steps while raising the learning rate geometrically, from far too
small (the loss hardly moves) to far too large (the loss explodes), and records the loss at each one.
Plotted against the learning rate on a log scale, the loss typically stays flat, then falls, then
shoots up. Good learning rates live on the falling stretch: large enough to make progress, well below
the point where the steps overshoot the valley. (Leslie Smith's "LR range test", 2015/2017; fastai's
``lr_find`` popularised it.)

>>> from autograd import Value
>>> from optim import lr_find
>>> x = Value(0.0)
>>> result = lr_find(lambda: (x - 3) ** 2, [x], lr_max=10.0)
>>> 0.01 < result.suggestion < 1.0        # SGD on (x − 3)² diverges for every lr > 1
True
>>> x.data                                 # the parameters are put back as they were
0.0

optim knows nothing of nn: ``loss_fn`` is any function of no arguments that builds the loss for the
current parameter values (usually a closure over a model and a batch), and ``params`` are the leaves
the optimizer changes (``model.parameters()``).
"""

from __future__ import annotations

import io
import math
import numbers
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd import Value, enable_grad
from autograd.files import atomic_write

from .sgd import SGD

__all__ = ["lr_find", "LRFinderResult"]


@dataclass
class LRFinderResult:
    """What the range test saw: one entry per step, in the order the learning rates were tried.

    Attributes:
        lrs: the learning rate of each step (geometric: each is the last times a fixed factor).
        losses: the loss computed *before* that step's update, i.e. the loss the previous learning
            rates led to. The last entry may be ``inf`` or ``nan`` if that is what stopped the test.
        smoothed: a running (exponential moving) average of ``losses``, bias-corrected as in Adam,
            which irons out the noise of mini-batches; the stop rule watches it. An average of the
            last few losses trails the newest one by about smooth / (1 − smooth) steps (9 with the
            default 0.9: nearly a factor of 10 in lr with 60 steps over 6 decades), so the smoothed
            curve sits to the right of the raw losses. A full-batch loss has no noise: ``smooth=0``
            removes the trail.
        suggestion: a learning rate to *start* from, or None when the curve gives no clear answer
            (see :func:`lr_find`'s notes on the heuristic).
        stop_reason: why the test ended.
        diverged: True when the loss blew up (rather than the sweep reaching ``lr_max``).
        why: how the suggestion was chosen, or why there is none.
    """

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    suggestion: float | None = None
    stop_reason: str = ""
    diverged: bool = False
    why: str = ""

    @property
    def best_lr(self) -> float | None:
        """The learning rate where the smoothed loss was lowest (usually too large to train with)."""
        finite = [(s, lr) for s, lr in zip(self.smoothed, self.lrs) if math.isfinite(s)]
        return min(finite)[1] if finite else None

    def __str__(self) -> str:
        if not self.lrs:
            return "LR range test: no steps were taken"
        lines = [
            f"LR range test: {len(self.lrs)} steps, lr {self.lrs[0]:.3g} → {self.lrs[-1]:.3g}; "
            f"{self.stop_reason}.",
        ]
        marked = None
        suggestion = self.suggestion
        if suggestion is None:
            lines.append(f"No suggestion: {self.why}.")
        else:
            lines.append(f"Suggested learning rate ≈ {suggestion:.3g} ({self.why}).")
            lines.append("A heuristic starting point, not a guarantee: try it, and ÷3 and ×3 of it.")
            marked = min(range(len(self.lrs)), key=lambda i: abs(math.log(self.lrs[i] / suggestion)))
        lines.append(f"  {'step':>4}  {'lr':>9}  {'loss':>10}")
        for i in _sample_rows(len(self.lrs), marked):
            mark = "  ← suggested" if i == marked else ""
            lines.append(f"  {i:>4}  {self.lrs[i]:>9.3g}  {self.losses[i]:>10.4g}{mark}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        shown = "None" if self.suggestion is None else f"{self.suggestion:.3g}"
        return f"LRFinderResult({len(self.lrs)} steps, suggestion={shown}, {self.stop_reason})"

    # ---- pictures ---------------------------------------------------------------------------------
    def plot(self, ax: Any = None) -> Any:
        """Draw loss against learning rate (log scale) on ``ax`` (a new figure if None); return ``ax``.

        The raw losses are dots, the smoothed loss a line, the suggestion a dashed vertical line. When
        the loss explodes at the end, the y-axis is cut off a little above the starting loss so that
        the interesting part (the fall) is not squashed flat.
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 4.5))
        raw = [(lr, v) for lr, v in zip(self.lrs, self.losses) if math.isfinite(v)]
        smooth = [(lr, v) for lr, v in zip(self.lrs, self.smoothed) if math.isfinite(v)]
        ax.set_title("Learning-rate range test: loss as the learning rate grows")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("training loss")
        if not raw:
            ax.text(0.5, 0.5, "no finite loss was recorded", transform=ax.transAxes, ha="center")
            return ax
        ax.plot(*zip(*raw), "o", color="#8c9bb0", markersize=3, label="loss at each step")
        if smooth:
            label = "running average (trails the dots)"
            ax.plot(*zip(*smooth), "-", color="#1f4e9a", linewidth=2.2, label=label)
        ax.set_xscale("log")
        values = [v for _, v in raw] + [v for _, v in smooth]
        low, start = min(values), max(raw[0][1], smooth[0][1] if smooth else raw[0][1])
        if max(values) > start:
            pad = 0.06 * (start - low) if start > low else 0.1 * abs(start) + 1e-12
            ax.set_ylim(low - pad, start + 4 * pad)
        top = ax.get_ylim()[1]
        if self.suggestion is not None:
            ax.axvline(self.suggestion, color="#d1495b", linestyle="--", linewidth=1.6)
            ax.annotate(
                f"suggested lr ≈ {self.suggestion:.2g}\n(the loss falls fastest)",
                xy=(self.suggestion, top),
                xytext=(-6, -6),
                textcoords="offset points",
                ha="right",
                va="top",
                color="#d1495b",
                fontsize=10,
            )
        if self.diverged:
            ax.annotate(
                "loss blows up:\nlr too large",
                xy=(self.lrs[-1], top),
                xytext=(-4, -6),
                textcoords="offset points",
                ha="right",
                va="top",
                color="#555555",
                fontsize=9,
            )
        ax.grid(True, which="major", alpha=0.35)
        ax.legend(loc="lower left", fontsize=9, frameon=False)
        return ax

    def save_plot(self, path: str | os.PathLike[str], dpi: int = 120) -> Path:
        """Draw :meth:`plot` into a file (PNG, SVG or PDF, from the suffix); the write is atomic."""
        plt = _pyplot()
        target = Path(path)
        fmt = target.suffix.lstrip(".").lower() or "png"
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        try:
            self.plot(ax)
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight")
        finally:
            plt.close(fig)
        atomic_write(target, buffer.getvalue())
        return target


def lr_find(
    loss_fn: Callable[[], Value],
    params: Iterable[Value],
    optimizer_factory: Callable[[list[Value], float], Any] | None = None,
    lr_min: float = 1e-5,
    lr_max: float = 10.0,
    steps: int = 60,
    smooth: float = 0.9,
    diverge: float = 4.0,
    restore: bool = True,
) -> LRFinderResult:
    """Run the learning-rate range test and return what it saw (an :class:`LRFinderResult`).

    Step ``i`` (0, 1, ..., steps − 1) uses ``lr = lr_min · (lr_max / lr_min) ** (i / (steps − 1))``:
    zero_grad → ``loss = loss_fn()`` → ``loss.backward()`` → ``optimizer.step()``. The test stops
    early once the smoothed loss has risen above its lowest value so far by more than
    (``diverge`` − 1) × max(|lowest|, |first loss|), or the loss is no longer a finite number.

    Why a rise and not a ratio: "over 4× the lowest" only means something for a loss that stays
    positive. At a lowest of −7.5 every loss is "over 4× it" (the test would stop after two steps),
    and at a lowest of 0 (a hinge loss that reaches 0) every rise is. A rise works for any sign; its
    unit is |lowest| or, when the lowest is near 0 (or the loss has a large offset), the size of the
    first loss, which says how large the losses of this problem are.

    Args:
        loss_fn: builds and returns the loss (a :class:`autograd.Value`) for the current parameters,
            e.g. ``lambda: hinge_loss([model(x) for x in X], y)``. Pass a different mini-batch on each
            call if you train on mini-batches; the smoothing absorbs the noise.
        params: the parameters to train (``model.parameters()``).
        optimizer_factory: ``(params, lr) → optimizer`` with ``param_groups``, ``zero_grad`` and
            ``step``; default plain ``SGD``. Use the optimizer you will train with: a good learning
            rate for Adam is not one for SGD.
        lr_min, lr_max: the first and the last learning rate tried (lr_min > 0, lr_max > lr_min).
        steps: how many learning rates to try (≥ 2).
        smooth: the moving average's weight on the past, in [0, 1); 0 means no smoothing.
        diverge: stop once the smoothed loss has risen above its lowest value by more than
            (diverge − 1) × max(|lowest|, |first loss|) (> 1; with 4, a rise of 3 such units).
        restore: put every parameter's ``.data`` back as it was (and zero its ``.grad``) afterwards, so
            the test does not change the model. Optimizer state is thrown away with the optimizer.

    The suggestion is a heuristic: the learning rate where the smoothed loss falls fastest per factor of
    learning rate (the most negative slope of loss against log lr). The reasoning: there, a larger step
    still buys a proportionally larger improvement, so training is fast, yet the loss has not begun to
    bottom out and turn up, so the rate is safely below the unstable region. The lowest point of the
    curve is *not* a good choice: by then the steps already overshoot. The test runs only a few dozen
    steps from one starting point, so treat the suggestion as a place to start and try a few values
    around it (say ÷3 and ×3); it is not a guarantee. The slope is read off the smoothed curve, which
    trails the raw losses, so with the defaults the suggestion lies somewhat above the rate where the
    raw loss falls fastest: bolder, still below where the loss turns up.
    """
    factory = _check_arguments(loss_fn, optimizer_factory, lr_min, lr_max, steps, smooth, diverge)
    params = _check_params(params)
    start = [p.data for p in params]
    ratio = (lr_max / lr_min) ** (1.0 / (steps - 1))
    # The last rate is set, not multiplied up, so that it is lr_max exactly, not lr_max ± rounding.
    schedule = [lr_min * ratio**i for i in range(steps - 1)] + [float(lr_max)]
    result = LRFinderResult()
    try:
        optimizer = factory(params, lr_min)
        groups = getattr(optimizer, "param_groups", None)
        if not groups or not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
            raise TypeError(
                f"lr_find: optimizer_factory returned a {type(optimizer).__name__}; it must return an "
                "optimizer with param_groups, zero_grad() and step(), e.g. lambda ps, lr: Adam(ps, lr=lr)"
            )
        _sweep(loss_fn, optimizer, groups, schedule, smooth, diverge, result)
    finally:
        if restore:
            for p, data in zip(params, start):
                p.data = data
                p.grad = 0.0
    result.suggestion, result.why = suggest(result.lrs, result.smoothed)
    return result


def _sweep(
    loss_fn: Callable[[], Value],
    optimizer: Any,
    groups: list[dict[str, Any]],
    schedule: list[float],
    smooth: float,
    diverge: float,
    result: LRFinderResult,
) -> None:
    average = 0.0
    best = math.inf
    scale = 0.0  # |first loss|: the unit of a rise when the lowest loss is near 0 (set at step 0)
    with enable_grad():  # the test must build graphs even if called inside no_grad()
        for i, lr in enumerate(schedule):
            for group in groups:
                group["lr"] = lr
            optimizer.zero_grad()
            overflow = ""
            try:
                loss = loss_fn()
            except OverflowError as exc:  # e.g. x ** 2 of a huge float: Python raises instead of giving inf
                loss, value = None, math.inf
                overflow = f"stopped at lr {lr:.3g}: computing the loss overflowed ({exc})"
            else:
                if not isinstance(loss, Value):
                    raise ValueError(
                        f"lr_find: loss_fn() must return an autograd Value (the loss), got "
                        f"{type(loss).__name__}; e.g. lambda: mse_loss([model(x) for x in X], y)"
                    )
                value = float(loss.data)
            # Bias correction (as in Adam) keeps the first averages from being pulled toward 0.
            correction = 1.0 - smooth ** (i + 1)
            average = smooth * average + (1.0 - smooth) * value
            smoothed = average / correction if math.isfinite(average) else average
            result.lrs.append(lr)
            result.losses.append(value)
            result.smoothed.append(smoothed)
            if not math.isfinite(value):
                result.diverged = True
                result.stop_reason = overflow or f"stopped at lr {lr:.3g}: the loss became {value}"
                return
            if i == 0:
                scale = abs(smoothed)
            unit = max(abs(best), scale)
            if smoothed - best > (diverge - 1.0) * unit:
                result.diverged = True
                result.stop_reason = (
                    f"stopped at lr {lr:.3g}: the smoothed loss {smoothed:.4g} rose more than "
                    f"{diverge - 1:g} × {unit:.4g} above its lowest ({best:.4g}), so the steps overshoot"
                )
                return
            best = min(best, smoothed)
            assert loss is not None  # a None loss is not finite and returned above
            loss.backward()
            optimizer.step()
    result.stop_reason = f"reached lr_max {result.lrs[-1]:.3g} without the loss blowing up"


def suggest(lrs: Sequence[float], smoothed: Sequence[float]) -> tuple[float | None, str]:
    """The steepest-descent heuristic: the lr where d(smoothed loss)/d(log lr) is most negative.

    Returns ``(lr or None, reason)``. The slope at each point is taken across a quarter of a decade
    of learning rate on either side (at least one step), so that a single lucky step cannot win, and
    only points up to the lowest smoothed loss are candidates: past it the rate is already too large,
    and a dip on the way back up (training that has become unstable) must not be chosen.
    """
    points = [(math.log(lr), s, lr) for lr, s in zip(lrs, smoothed) if math.isfinite(s)]
    if len(points) < 3:
        return None, (
            f"only {len(points)} finite losses were recorded, too few to find a slope; "
            "lower lr_min or raise steps"
        )
    n = len(points)
    per_step = (points[-1][0] - points[0][0]) / (n - 1)
    half = max(1, round(0.25 * math.log(10.0) / per_step))
    lowest = min(range(n), key=lambda i: points[i][1])
    best_i, best_slope = 0, math.inf
    for i in range(lowest + 1):
        lo, hi = max(i - half, 0), min(i + half, n - 1)
        if hi == lo:
            continue
        slope = (points[hi][1] - points[lo][1]) / (points[hi][0] - points[lo][0])
        if slope < best_slope:
            best_i, best_slope = i, slope
    # A fall of a few rounding errors (a constant loss, averaged) is no fall.
    if best_slope >= 0 or points[0][1] - points[lowest][1] <= 1e-9 * abs(points[0][1]):
        return None, (
            "the smoothed loss never went down; the range may start too high (lower lr_min) or the "
            "loss may not depend on these parameters"
        )
    return points[best_i][2], "where the smoothed loss falls fastest"


# ---- argument checks ----------------------------------------------------------------------------------
def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"lr_find: {name}={value!r} is not a finite real number")
    return float(value)


def _check_arguments(
    loss_fn: Any,
    optimizer_factory: Any,
    lr_min: Any,
    lr_max: Any,
    steps: Any,
    smooth: Any,
    diverge: Any,
) -> Callable[[list[Value], float], Any]:
    if not callable(loss_fn):
        raise TypeError(
            f"lr_find: loss_fn must be a function of no arguments returning the loss, got "
            f"{type(loss_fn).__name__}; e.g. lambda: mse_loss([model(x) for x in X], y)"
        )
    if optimizer_factory is not None and not callable(optimizer_factory):
        raise TypeError(
            "lr_find: optimizer_factory must be a function (params, lr) → optimizer, e.g. "
            "lambda ps, lr: SGD(ps, lr=lr, momentum=0.9)"
        )
    if _real("lr_min", lr_min) <= 0:
        raise ValueError(f"lr_find: lr_min must be > 0 (the sweep is geometric), got {lr_min!r}; e.g. 1e-5")
    if _real("lr_max", lr_max) <= lr_min:
        raise ValueError(f"lr_find: lr_max must be larger than lr_min={lr_min!r}, got {lr_max!r}; e.g. 10.0")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 2:
        raise ValueError(f"lr_find: steps must be a whole number ≥ 2, got {steps!r}; 60 to 100 is typical")
    if not 0.0 <= _real("smooth", smooth) < 1.0:
        raise ValueError(
            f"lr_find: smooth must lie in [0, 1) (0 = no smoothing), got {smooth!r}; 0.9 is typical"
        )
    if _real("diverge", diverge) <= 1.0:
        raise ValueError(
            f"lr_find: diverge must be > 1 (a rise of diverge − 1 loss sizes stops the test), got "
            f"{diverge!r}; e.g. 4"
        )
    if optimizer_factory is None:
        return lambda ps, lr: SGD(ps, lr=lr)
    return optimizer_factory


def _check_params(params: Any) -> list[Value]:
    if isinstance(params, Value):
        params = [params]
    if isinstance(params, (str, bytes)) or not isinstance(params, Iterable):
        raise TypeError(f"lr_find: params must be a list of Values (model.parameters()), got {params!r}")
    params = list(params)
    if not params:
        raise ValueError("lr_find: params is empty; pass the parameters to train, e.g. model.parameters()")
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"lr_find: params[{i}] is a {type(p).__name__}, not an autograd Value")
    return params


# ---- drawing and writing ----------------------------------------------------------------------------------
def _sample_rows(n: int, keep: int | None, show: int = 8) -> list[int]:
    """About ``show`` evenly spread row numbers, always with the first, the last and ``keep``."""
    if n <= show:
        return list(range(n))
    rows = {round(k * (n - 1) / (show - 1)) for k in range(show)}
    if keep is not None:
        rows.add(keep)
    return sorted(rows)


def _pyplot() -> Any:
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # files only; no window, works without a display
    import matplotlib.pyplot as plt

    return plt
