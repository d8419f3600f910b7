"""Backprop as a flip-book: one picture per step of the backward pass.

A step is one node that passes gradient on (the output first, then each node after every node that
uses it). Leaves have nothing to pass on, so they get no step of their own: a leaf's gradient is
final the moment its last consumer has sent it, and that step's text says so. Frame k shows the graph
as it is after step k: the node being visited (and the edges its gradient flows along) in red, every
gradient that is complete by then filled in, a gradient still waiting for some of its terms shown as
its running sum (``1 + 3 + ?``), every other one as "?", and on each edge the amount of gradient sent
along it ("?" until it is sent).

All frames of one graph have the same layout: each cell and edge label reserves the width of the
widest text it will ever hold, so flipping through them nothing jumps. Every name and number comes
from the graph's one view (:class:`autograd.view.GraphView`); no ``.grad`` is touched.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from dataclasses import replace

from ..trace import BackpropStep, Trace, compute_trace
from ..value import Value
from ..view import GraphView, format_number, view_of
from ._render import Graph
from .graph import FONT_SIZE, Snapshot, Style, build_digraph, escape_controls, picture_text, snapshot, text_width

__all__ = ["backprop_frames", "frames_and_trace", "stepper_steps", "DEFAULT_FRAME_NODES", "RUNNING_TERMS"]

#: The stepper makes one frame per node, each showing the whole graph: keep it small.
DEFAULT_FRAME_NODES = 120
#: A box waiting for more terms lists up to this many of those that arrived (``1 + 3 + ?``); beyond,
#: it shows their sum so far (``12 + ?``).
RUNNING_TERMS = 3


def backprop_frames(
    root: Value | GraphView, rankdir: str = "LR", max_nodes: int = DEFAULT_FRAME_NODES, caption: bool = True
) -> list[Graph]:
    """One :class:`graphviz.Digraph` per backprop step from ``root`` (one per node that passes gradient on).

    Each frame highlights the active node and the edges it sends gradient along, fills in the
    gradients known so far (a running sum for one still waiting for terms, "?" for the rest) and, with
    ``caption``, shows the step's chain-rule formulas as the graph's label. No ``.grad`` is changed.
    """
    return frames_and_trace(root, rankdir=rankdir, max_nodes=max_nodes, caption=caption)[0]


def stepper_steps(trace: Trace) -> list[BackpropStep]:
    """The steps a stepper shows: the trace's steps of the nodes that pass gradient on, renumbered
    1 … K (a graph that is a single leaf keeps its one step). Leaves' steps say nothing new: their
    gradients are written where their last term arrives."""
    steps = [s for s in trace if not s.is_leaf] or list(trace[:1])
    return [replace(s, index=k + 1, total=len(steps)) for k, s in enumerate(steps)]


def step_lines(step: BackpropStep, view: GraphView, last: bool) -> list[str]:
    """The stepper's text for ``step``: the trace's lines, then the leaves whose gradients it completed
    (and, at the last step, every leaf's gradient)."""
    lines = step.lines()
    finished = [p for p in step.parents if p.parent.is_leaf and p.position == p.of]
    if finished and not last:
        done = ", ".join(view.sum_text(p.parent) for p in finished)
        lines.append(f"Final now (leaves pass nothing on): {done}.")
    if last:
        leaves = [n for n in view.leaves if n.label or n.is_parameter] or list(view.leaves)
        if leaves:
            lines.append("Done: every gradient is known. " + ", ".join(view.sum_text(n) for n in leaves) + ".")
    return lines


def frames_and_trace(
    root: Value | GraphView, rankdir: str = "LR", max_nodes: int = DEFAULT_FRAME_NODES, caption: bool = True,
    *, extra_text: Callable[[Value], str | None] | None = None, extra_alert: Collection[Value] = (),
    marked: Value | None = None,
) -> tuple[list[Graph], list[BackpropStep], list[list[str]]]:
    """The frames, the steps they show (see :func:`stepper_steps`) and each step's text lines.

    ``extra_text`` gives a node a row under its numbers in every frame (e.g. the lab's "yours -3"),
    drawn as disagreeing for the nodes of ``extra_alert``; ``marked`` is a node framed in every frame.
    """
    view = view_of(root, max_nodes=max_nodes, what="step through")
    snap = snapshot(view, max_nodes, what="step through")
    steps = stepper_steps(compute_trace(view))
    texts = [step_lines(s, view, k == len(steps) - 1) for k, s in enumerate(steps)]
    nodes = view.forward
    # Frame k is the graph after step k: map the view's backprop steps (leaves included) to frames.
    frame_of_step = {}
    frame = 0
    for j, node in enumerate(view.backprop):
        if frame < len(steps) and steps[frame].node is node:
            frame_of_step[j] = frame
            frame += 1
        else:
            frame_of_step[j] = max(frame - 1, 0)
    sent = _edge_amounts(view)
    widths = _reserved_widths(snap, view)
    edge_width = max([text_width(t, 13) for t in sent.values()] + [text_width("?", 13)])

    frames = []
    for k, step in enumerate(steps):
        active = view.index[step.node]
        done_now = {i for i, node in enumerate(nodes) if frame_of_step[view.done_at[node]] == k}

        def grad_text(i: int, k: int = k) -> str | None:
            return grad_at(view, nodes[i], lambda s: frame_of_step[s] <= k)

        def edge_text(i: int, j: int, k: int = k) -> str:
            role = snap.nodes[i].roles[j]
            amount = sent[(i, j)] if frame_of_step[view.step_of[nodes[i]]] <= k else "?"
            return f"{role}: {amount}" if role else amount

        style = Style(
            grad_text=grad_text,
            fresh=frozenset(done_now),
            active=active,
            edge_text=edge_text,
            hot_edges_of=active,
            widths=widths,
            edge_width=edge_width,
            stacked=True,
            extra_text=(lambda i: extra_text(nodes[i])) if extra_text else None,
            extra_alert=frozenset(view.index[n] for n in extra_alert),
            marked=view.index[marked] if marked is not None else None,
        )
        frames.append(build_digraph(snap, rankdir=rankdir, style=style,
                                    caption=caption_html(texts[k]) if caption else None))
    return frames, steps, texts


def grad_at(view: GraphView, node: Value, sent_by: Callable[[int], bool]) -> str | None:
    """A node's gradient cell when the steps for which ``sent_by(step)`` is true have run: the final
    number, the running sum of the terms arrived (``1 + 3 + ?``), or None ("?") before any arrived."""
    if node is view.root or sent_by(view.done_at[node]):
        return format_number(view.grads[node])
    got = [c for c in view.terms.get(node, ()) if sent_by(c.step)]
    if not got:
        return None
    if len(got) > RUNNING_TERMS:
        return f"{format_number(sum(c.amount for c in got))} + ?"
    return " + ".join(_term(c.amount, i == 0) for i, c in enumerate(got)) + " + ?"


def _term(x: float, first: bool) -> str:
    text = format_number(x)
    return f"({text})" if not first and text.startswith("-") else text


def _edge_amounts(view: GraphView) -> dict[tuple[int, int], str]:
    """(node index, parent position) → the contribution sent along that edge, as text."""
    return {(view.index[consumer], c.index): format_number(c.amount)
            for consumer, row in view.edges.items() for c in row}


def _reserved_widths(snap: Snapshot, view: GraphView) -> dict[str, tuple[int, int, int]]:
    """Cell widths that hold the widest text each cell will show: "?", any running sum, the final."""
    widths = {}
    for view_node, node in zip(snap.nodes, view.forward):
        texts = ["grad ?", f"grad {format_number(view.grads[node])}"]
        done = view.done_at[node]
        for c in view.terms.get(node, ()):  # every running sum it shows before its last term arrives
            if c.step != done:
                texts.append(f"grad {grad_at(view, node, _through(c.step))}")
        grad = max(text_width(t) for t in texts)
        widths[view_node.id] = (text_width(view_node.name), text_width(f"data {format_number(view_node.data)}"), grad)
    return widths


def _through(step: int) -> Callable[[int], bool]:
    """"Steps up to ``step`` have run", as :func:`grad_at` asks it."""
    return lambda s: s <= step


def _caption_text(line: str) -> str:
    # Control characters escaped as in node names; a line is cut only when it would pass dot's limit.
    return html.escape(picture_text(line) if len(line) > 4000 else escape_controls(line))


def caption_html(lines: list[str]) -> str:
    """A step's explanation as an HTML-like label body: the headline in bold, then one line per parent."""
    body = [f"<B>{_caption_text(lines[0])}</B>"] + [_caption_text(line) for line in lines[1:]]
    return f'<FONT POINT-SIZE="{FONT_SIZE}">' + "<BR/>".join(body) + "<BR/></FONT>"
