"""``gradstep lab show``: the stepper of the graph a task got wrong, the learner's gradients beside the
right ones, and the first node where they differ framed — the bug located on the picture.

The graph is gradstep's own build of the recipe the task tried (the learner's code never runs here:
their numbers come from the sandboxed probe). The page is the HTML stepper of :mod:`autograd.viz`:
the right gradients appear step by step as backprop reaches them, while the learner's gradient of each
node the task read sits in a cell beside it all along (red where it differs), so a learner can step to
the place where the two part.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..files import atomic_write
from ..value import Value
from ..view import GraphView, format_number
from ..viz._render import to_svgs
from ..viz.frames import frames_and_trace
from ..viz.html import kinds_present, stepper_page
from .diagnosis import close
from .report import TaskResult

__all__ = ["save_lab_html", "lab_page"]


def lab_page(result: TaskResult) -> str:
    """The page as HTML text. ``result`` must be a failed task with a graph (``result.graph``)."""
    compare = result.graph
    if compare is None:
        raise ValueError(f"task {result.id} has no graph to show")
    nodes = compare.mirror.nodes
    view = GraphView(compare.mirror.root, what="show")
    yours: dict[Value, float] = {nodes[name]: g for name, g in compare.learner_grads.items()}
    wrong = [node for node, g in yours.items() if not close(g, view.grads[node])]
    first = nodes[compare.first_wrong] if compare.first_wrong else None

    def extra(node: Value) -> str | None:
        return f"yours {format_number(yours[node])}" if node in yours else None

    def frames_for(rankdir: str) -> tuple[list, list, list]:
        return frames_and_trace(view, rankdir=rankdir, caption=False, extra_text=extra, extra_alert=wrong,
                                marked=first)

    candidates = {rankdir: frames_for(rankdir) for rankdir in ("TB", "LR")}
    frames, steps, texts = candidates[_fitting(candidates)]
    texts = [list(lines) for lines in texts]
    if first is not None:
        at = _step_completing(view, steps, first)
        texts[at].append(
            f"Here your engine first differs: ∂{view.names[view.root]}/∂{view.names[first]} is "
            f"{format_number(view.grads[first])}, and your engine's {view.names[first]}.grad is "
            f"{format_number(yours[first])} "
            "(framed in purple in every step)."
        )
    title = f"gradstep lab, task {result.id}: {result.title}"
    subtitle = (
        f"{result.message} — Each box shows the right gradient, filled in step by step as backprop reaches "
        "it, and under it the gradient your engine computed (“yours”, red where it differs)."
    )
    # compact: the graph scales to the window (the extra cells make it wide) instead of scrolling sideways
    # A small graph is scaled to fit the window both ways; a big one keeps a readable size and scrolls.
    scale, width = _scale(frames)
    fits = scale >= _READABLE
    # ... and a tiny graph (a + a) is not blown up beyond 1.5 times its drawn size.
    style = _FIT + f" #stage svg {{ max-width: {round(width * _PX_PER_PT * 1.5)}px; margin: 0 auto; }}"
    return stepper_page(title, subtitle, to_svgs(frames), texts, kinds_present(frames[0].source), compact=fits,
                        extra_style=style if fits else "")


def save_lab_html(result: TaskResult, path: str | os.PathLike[str]) -> Path:
    """Write :func:`lab_page` to ``path`` (atomically); returns the path."""
    return atomic_write(path, lab_page(result))


#: The picture fits the window both ways (the stepper's compact mode fits only its width), so the
#: step's text stays in view under it.
_FIT = "#stage svg { max-height: 62vh; }"
_WINDOW = (1230.0, 500.0)  # the stage of a 1280×800 window, in pixels


_READABLE = 0.55  # below this scale the boxes' text is too small to read: scroll instead


_PX_PER_PT = 96 / 72  # Graphviz sizes SVGs in points


def _scale(frames: list) -> tuple[float, float]:
    """How much the first frame must shrink to fit the window (1 or more: it fits as drawn), and its
    drawn width in points."""
    svg = to_svgs(frames[:1])[0]
    match = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if match is None:
        return 0.0, 0.0
    width, height = float(match.group(1)), float(match.group(2))
    return min(_WINDOW[0] / width, _WINDOW[1] / height), width


def _fitting(candidates: dict[str, tuple[list, list, list]]) -> str:
    """The layout (TB or LR) whose first frame is drawn largest inside the window."""
    return max(candidates, key=lambda rankdir: _scale(candidates[rankdir][0])[0])


def _step_completing(view: GraphView, steps: list, node: Value) -> int:
    """The index of the step after which ``node``'s gradient is complete (all its consumers have run)."""
    consumers = {n for n in view.forward if any(p is node for p in n.parents)}
    seen: set[Value] = set()
    for k, step in enumerate(steps):
        seen.add(step.node)
        if step.node is node or consumers <= seen:
            return k
    return len(steps) - 1
