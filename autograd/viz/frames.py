"""Backprop as a flip-book: one picture per step of the backward pass.

Frame k shows the graph as it is after step k: the node being visited (and the edges its gradient
flows along) in red, every gradient that is complete by then filled in, every other one shown as "?",
and on each edge the amount of gradient sent along it ("?" until it is sent). A node's gradient counts
as known once every node that uses it has had its turn, which is exactly when backprop may visit it.

All frames of one graph have the same layout: each cell and edge label reserves the width of the
widest text it will ever hold, so flipping through them nothing jumps. The numbers come from
:func:`autograd.trace.compute_trace`, which leaves every ``.grad`` untouched.
"""

from __future__ import annotations

import html

from ..trace import BackpropStep, Trace, compute_trace, format_number
from ..value import Value
from ._render import Graph
from .graph import FONT_SIZE, Snapshot, Style, build_digraph, snapshot, text_width

__all__ = ["backprop_frames", "frames_and_trace", "DEFAULT_FRAME_NODES"]

#: The stepper makes one frame per node, each showing the whole graph: keep it small.
DEFAULT_FRAME_NODES = 120


def backprop_frames(
    root: Value, rankdir: str = "LR", max_nodes: int = DEFAULT_FRAME_NODES, caption: bool = True
) -> list[Graph]:
    """One :class:`graphviz.Digraph` per backprop step from ``root`` (leaves included).

    Each frame highlights the active node and the edges it sends gradient along, fills in the
    gradients known so far ("?" for the rest) and, with ``caption``, shows the step's chain-rule
    formulas as the graph's label. No ``.grad`` of the graph is changed.
    """
    return frames_and_trace(root, rankdir=rankdir, max_nodes=max_nodes, caption=caption)[0]


def frames_and_trace(
    root: Value, rankdir: str = "LR", max_nodes: int = DEFAULT_FRAME_NODES, caption: bool = True
) -> tuple[list[Graph], Trace]:
    snap = snapshot(root, max_nodes, what="step through")
    trace = compute_trace(root)
    step_of = {snap.index[step.node]: k for k, step in enumerate(trace)}
    # A node's gradient is complete after the step of its last consumer (the output's from the start).
    done_at = {snap.index[root]: 0}
    for i, view in enumerate(snap.nodes):
        for parent in view.parents:
            done_at[parent] = max(done_at.get(parent, 0), step_of[i])
    final = {snap.index[node]: g for node, g in trace.grads.items()}
    sent = _edge_amounts(snap, trace)
    widths = _reserved_widths(snap, final)
    edge_width = max([text_width(t, 13) for t in sent.values()] + [text_width("?", 13)])

    frames = []
    for k, step in enumerate(trace):
        active = snap.index[step.node]

        def grad_text(i: int, k: int = k) -> str | None:
            return format_number(final[i]) if done_at[i] <= k else None

        def edge_text(i: int, j: int, k: int = k) -> str:
            role = snap.nodes[i].roles[j]
            amount = sent[(i, j)] if step_of[i] <= k else "?"
            return f"{role}: {amount}" if role else amount

        style = Style(
            grad_text=grad_text,
            fresh=frozenset(i for i, at in done_at.items() if at == k),
            active=active,
            edge_text=edge_text,
            hot_edges_of=active,
            widths=widths,
            edge_width=edge_width,
            stacked=True,
        )
        frames.append(build_digraph(snap, rankdir=rankdir, style=style,
                                    caption=caption_html(step) if caption else None))
    return frames, trace


def _edge_amounts(snap: Snapshot, trace: Trace) -> dict[tuple[int, int], str]:
    """(node index, parent position) → the contribution sent along that edge, as text."""
    amounts = {}
    for step in trace:
        i = snap.index[step.node]
        for j, p in enumerate(step.parents):
            amounts[(i, j)] = format_number(p.contribution)
    return amounts


def _reserved_widths(snap: Snapshot, final: dict[int, float]) -> dict[str, tuple[int, int, int]]:
    widths = {}
    for i, view in enumerate(snap.nodes):
        grad = max(text_width("grad ?"), text_width(f"grad {format_number(final[i])}"))
        widths[view.id] = (text_width(view.name), text_width(f"data {format_number(view.data)}"), grad)
    return widths


def caption_html(step: BackpropStep) -> str:
    """The step's explanation as an HTML-like label body: the headline in bold, then one line per parent."""
    lines = step.lines()
    body = [f"<B>{html.escape(lines[0])}</B>"] + [html.escape(line) for line in lines[1:]]
    return f'<FONT POINT-SIZE="{FONT_SIZE}">' + "<BR/>".join(body) + "<BR/></FONT>"
