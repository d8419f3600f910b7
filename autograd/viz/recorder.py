"""Recording backward passes during training: one frame per pass, saved as an HTML stepper.

>>> rec = BackpropRecorder(max_frames=30)
>>> for step in range(100):                     # doctest: +SKIP
...     loss = loss_fn(model(x), y)
...     model.zero_grad(); loss.backward()
...     rec.record(loss, step=step)              # or: nn.fit(..., callbacks=[rec])
...     optimizer.step()
>>> rec.save_html("training.html")             # doctest: +SKIP

Each recorded pass keeps a copy of the numbers (data and grad of every node) at that moment, not the
graph itself, so recording does not keep old graphs alive and later updates do not change old frames.
Rendering waits until :meth:`BackpropRecorder.save_html`, so recording costs no Graphviz runs while
training. Long runs are thinned evenly: when more than ``max_frames`` passes are kept, every other one
is dropped and from then on only every second pass is recorded (and so on), so the frames always
span the whole run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..value import Value
from ..view import format_number
from ._render import Graph, atomic_write, to_svgs
from .graph import NodeView, Snapshot, Style, build_digraph, snapshot, text_width
from .html import stepper_page

__all__ = ["BackpropRecorder", "RecordedPass"]

#: How many of the largest gradients a frame's text names (the picture shows them all).
_LARGEST = 3
_INPUT = re.compile(r"x\d+\Z")
_TARGET = re.compile(r"y(#\d+)?\Z")


@dataclass(frozen=True)
class RecordedPass:
    """The graph's numbers right after one ``backward()``."""

    number: int  # 1 for the first pass offered to the recorder
    step: int | None  # the training step, when the caller gives it
    epoch: int | None
    loss: float
    nodes: tuple[NodeView, ...]

    @property
    def samples(self) -> int:
        """How many samples the loss is over: its targets ``y`` (0 when the graph has none)."""
        return sum(1 for v in self.nodes if v.kind == "input" and _TARGET.match(v.name))

    def loss_name(self) -> str:
        """What the recorded loss is: one sample's, a batch's mean, or just "loss"."""
        if self.samples == 1:
            return "the loss of this one sample"
        if self.samples > 1:
            return f"the mean loss of this batch of {self.samples} samples"
        return "loss"

    def sample_text(self) -> str:
        """``x1 = 0.78, x2 = -0.46, target y = 1`` for a one-sample graph ("" otherwise)."""
        if self.samples != 1:
            return ""
        inputs = [v for v in self.nodes if v.kind == "input" and _INPUT.match(v.name)]
        target = next(v for v in self.nodes if v.kind == "input" and _TARGET.match(v.name))
        parts = [f"{v.name} = {format_number(v.data)}" for v in sorted(inputs, key=lambda v: int(v.name[1:]))]
        return ", ".join(parts + [f"target y = {format_number(target.data)}"])

    def lines(
        self, total: int, position: int, epoch_loss: float | None = None, samples: int | None = None
    ) -> list[str]:
        """The frame's text: which pass and whose loss; which sample, beside the epoch's mean loss;
        the parameters with the largest gradients (they move the most)."""
        where = [f"training step {self.step}"] if self.step is not None else []
        if self.epoch is not None:
            where.append(f"epoch {self.epoch}")
        head = f"Pass {self.number}" + (f" ({', '.join(where)})" if where else "")
        lines = [f"{head}: {self.loss_name()} = {format_number(self.loss)}   [frame {position} of {total}]"]
        context = []
        if self.sample_text():
            context.append(f"sample: {self.sample_text()}")
        if epoch_loss is not None:
            over = f"all {samples} samples" if samples else "all samples"
            context.append(f"mean loss over {over} after epoch {self.epoch}: {format_number(epoch_loss)}")
        if context:
            lines.append("   ·   ".join(context))
        params = [v for v in self.nodes if v.kind == "parameter"]
        if params:
            largest = sorted(params, key=lambda v: -abs(v.grad))[:_LARGEST]
            named = ", ".join(f"{v.name} {format_number(v.grad)}" for v in largest)
            lines.append(f"Largest grads (these parameters move the most): {named}")
        return lines


class BackpropRecorder:
    """Keeps one frame per recorded backward pass of a small model, and writes them as an HTML stepper.

    Use it by hand (``rec.record(loss)`` right after each ``loss.backward()``) or as a training
    callback: ``on_step(loss, model, step)`` is called after ``loss.backward()`` and before the
    optimizer's step, ``on_epoch_end(epoch, logs)`` after each epoch.

    Args:
        max_frames: at most this many frames are kept; longer runs are thinned evenly (see module doc).
        max_nodes: refuse (ValueError) to record a graph with more value nodes than this: a bigger
            picture is unreadable. Record a smaller model or a single example's loss instead.
        rankdir: the drawing direction, as in :func:`~autograd.viz.draw_graph`.
    """

    def __init__(self, max_frames: int = 40, max_nodes: int = 80, rankdir: str = "LR") -> None:
        if not isinstance(max_frames, int) or max_frames < 2:
            raise ValueError(f"max_frames must be an integer ≥ 2, got {max_frames!r}")
        if not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"max_nodes must be a positive integer, got {max_nodes!r}")
        self.max_frames = max_frames
        self.max_nodes = max_nodes
        self.rankdir = rankdir
        self.passes: list[RecordedPass] = []
        self._offered = 0
        self._stride = 1
        self._epochs_done = 0
        self.epoch_losses: dict[int, float] = {}  # epoch (from 1) → the mean loss the training loop reported
        self._epoch_steps: dict[int, int] = {}  # epoch (from 1) → training steps seen in it

    def __len__(self) -> int:
        return len(self.passes)

    def __repr__(self) -> str:
        return (f"BackpropRecorder({len(self.passes)} frames of {self._offered} passes, "
                f"max_frames={self.max_frames}, max_nodes={self.max_nodes})")

    # ---- recording ------------------------------------------------------------------------------
    def record(self, loss: Value, step: int | None = None, epoch: int | None = None) -> bool:
        """Keep a frame of ``loss``'s graph as it is now (call it right after ``loss.backward()``).

        Returns True if this pass was kept (False when thinning skips it).
        Raises ValueError if the graph has more than ``max_nodes`` nodes.
        """
        if not isinstance(loss, Value):
            raise TypeError(f"record() expects the loss Value after backward(), got {type(loss).__name__}")
        number = self._offered
        self._offered += 1
        if number % self._stride:
            return False
        try:
            snap = snapshot(loss, self.max_nodes, what="record")
        except ValueError as err:
            raise ValueError(
                f"BackpropRecorder: {err} The recorder is for small models: e.g. an MLP with a few "
                "neurons trained on one example per step (batch_size=1)."
            ) from None
        self.passes.append(RecordedPass(number + 1, step, epoch, loss.data, snap.nodes))
        if len(self.passes) > self.max_frames:
            self.passes = self.passes[::2]
            self._stride *= 2
        return True

    def on_step(self, loss: Value, model: Any = None, step: int | None = None) -> None:
        """Training-loop callback: after ``loss.backward()``, before the optimizer's step."""
        epoch = self._epochs_done + 1
        self._epoch_steps[epoch] = self._epoch_steps.get(epoch, 0) + 1
        self.record(loss, step=step, epoch=epoch)

    def _samples_per_epoch(self) -> int | None:
        """Samples per epoch, when every recorded pass is one sample's and the first epoch is complete."""
        steps = self._epoch_steps.get(1)
        if steps is None or 1 not in self.epoch_losses or any(p.samples != 1 for p in self.passes):
            return None
        return steps

    def _trend(self) -> str:
        """``: 0.91 after epoch 1 → 0.52 after epoch 3`` from the losses the training loop reported."""
        if not self.epoch_losses:
            return ""
        first, last = min(self.epoch_losses), max(self.epoch_losses)
        text = f": {format_number(self.epoch_losses[first])} after epoch {first}"
        if last != first:
            text += f" → {format_number(self.epoch_losses[last])} after epoch {last}"
        return text

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        """Training-loop callback after each epoch (``epoch`` counts from 0); never asks to stop."""
        if isinstance(epoch, int):
            self._epochs_done = epoch + 1
            loss = logs.get("loss") if isinstance(logs, dict) else None
            if isinstance(loss, (int, float)):
                self.epoch_losses[epoch + 1] = float(loss)

    # ---- output ---------------------------------------------------------------------------------
    def graphs(self) -> list[Graph]:
        """One Digraph per kept pass (same cell widths throughout, so the layout holds still)."""
        if not self.passes:
            raise ValueError("nothing recorded yet: call record(loss) after loss.backward(), "
                             "or pass the recorder to the training loop as a callback")
        widths: dict[str, tuple[int, int, int]] = {}
        for p in self.passes:
            for v in p.nodes:
                cell = (text_width(v.name), text_width(f"data {format_number(v.data)}"),
                        text_width(f"grad {format_number(v.grad)}"))
                old = widths.get(v.id, (0, 0, 0))
                widths[v.id] = (max(old[0], cell[0]), max(old[1], cell[1]), max(old[2], cell[2]))
        style = Style(widths=widths, stacked=True, ops_inline=True, tight=True)
        return [
            build_digraph(Snapshot(p.nodes, {}, None), rankdir=self.rankdir, style=style) for p in self.passes
        ]

    def save_html(self, path: str | os.PathLike[str], title: str | None = None) -> Path:
        """Write the recorded passes as a self-contained HTML stepper (one frame per pass). Atomic write.

        Each frame fits a 1280×800 window (a wider graph is scaled down to fit, never cut off); its text
        says whose loss it is (one sample's, or a batch's) beside the mean loss over all samples after
        that epoch, when the training loop reported it."""
        graphs = self.graphs()
        total = len(self.passes)
        texts = [p.lines(total, k + 1, self.epoch_losses.get(p.epoch) if p.epoch else None,
                         self._samples_per_epoch())
                 for k, p in enumerate(self.passes)]
        first = self.passes[0]
        one = "one sample's" if first.samples == 1 else "the recorded"
        subtitle = (
            f"{total} of {self._offered} backward passes, each right after loss.backward(): grad is ∂loss/∂node "
            f"for {one} loss, and the optimizer moves each parameter against its grad. One sample's loss "
            "jumps around; the mean over all samples is what training brings down" + self._trend() + "."
        )
        kinds = [k for k in ("input", "parameter", "constant", "computed", "output")
                 if any(v.kind == k for v in first.nodes)]
        page = stepper_page(title or "Training, one backward pass per frame", subtitle, to_svgs(graphs), texts,
                            kinds, step_word="Pass", active_legend=False, fit=True)
        return atomic_write(path, page)
