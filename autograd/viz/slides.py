"""Graphs for slides: themes, number precision, and a network's neurons and layers grouped or collapsed.

A lecture slide needs less than a debugging picture: a network's graph drawn node by node is a wall of
boxes, so :func:`autograd.viz.draw_graph` can

* ``group="neurons"`` / ``"layers"`` — keep every node, but draw each layer (and each neuron inside
  it) as a labelled cluster;
* ``collapse="neurons"`` / ``"layers"`` — draw each neuron (or layer) as one box: its name, what it
  computes, its output's value and gradient; the parameters inside are counted, not drawn.

Membership comes from the names ``nn`` gives its nodes (``L1.n2.w1``, ``L1.n2.b``, ``L1.n2.z`` for the
weighted sum, ``L1.n2.a`` for the activation): no other bookkeeping. Themes (``"light"``, ``"dark"``)
and the number format apply to every node, edge and label the drawing writes.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..view import format_number
from ._render import Graph

__all__ = ["Theme", "THEMES", "number_format", "member_of", "add_clusters", "collapsed_digraph", "LEVELS"]

LEVELS = ("neurons", "layers")

_PLACE = re.compile(r"^(L\d+)\.(n\d+)\.(w\d+|b|z|a)$")


@dataclass(frozen=True)
class Theme:
    """The colours of a drawing."""

    background: str
    text: str
    edge: str
    op_fill: str
    cluster: str
    fills: dict[str, str]  # node kind → fill


THEMES: dict[str, Theme] = {
    "light": Theme("white", "#000000", "#555555", "#f2f2f2", "#888888", {
        "input": "#cfe2ff", "parameter": "#ffe08a", "constant": "#e6e6e6", "computed": "#ffffff",
        "output": "#bdecb6", "neuron": "#f3e8ff", "layer": "#f3e8ff",
    }),
    "dark": Theme("#1e1e1e", "#f0f0f0", "#bbbbbb", "#3a3a3a", "#9a9a9a", {
        "input": "#1f3b63", "parameter": "#5c4a12", "constant": "#3a3a3a", "computed": "#2b2b2b",
        "output": "#1f4d2a", "neuron": "#3b2a55", "layer": "#3b2a55",
    }),
}


def theme_named(name: str) -> Theme:
    if name not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(map(repr, THEMES))}, got {name!r}")
    return THEMES[name]


def number_format(precision: int | None) -> Callable[[float], str]:
    """How numbers are written: the learner's default (exact small integers, else 4 significant digits),
    or ``precision`` significant digits."""
    if precision is None:
        return format_number
    if not isinstance(precision, int) or isinstance(precision, bool) or not 1 <= precision <= 17:
        raise ValueError(f"precision must be a whole number of significant digits from 1 to 17, got {precision!r}")

    def fmt(x: float) -> str:
        x = float(x)
        if math.isnan(x) or math.isinf(x) or x == 0.0 or (x.is_integer() and abs(x) < 1e6):
            return format_number(x)
        return f"{x:.{precision}g}"

    return fmt


def member_of(name: str, level: str) -> str | None:
    """The neuron (``"L1.n2"``) or layer (``"L1"``) a node named by ``nn`` belongs to; None otherwise."""
    match = _PLACE.match(name)
    if match is None:
        return None
    return f"{match.group(1)}.{match.group(2)}" if level == "neurons" else match.group(1)


def _check_level(level: str, what: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, LEVELS))} (or None), got {level!r}")


def add_clusters(g: Graph, nodes: list, level: str, theme: Theme) -> None:
    """Put each layer (and, for ``"neurons"``, each neuron inside it) in a labelled cluster.

    ``nodes`` are the snapshot's node views (``id``, ``name``, ``op_label``). Declaring a node again
    inside a ``cluster`` subgraph moves it there, so the drawing itself is untouched.
    """
    _check_level(level, "group")
    layers: dict[str, dict[str, list]] = {}
    for view in nodes:
        neuron = member_of(view.name, "neurons")
        if neuron is None:
            continue
        layer = neuron.split(".")[0]
        ids = [view.id] + ([f"{view.id}op"] if view.op_label else [])
        layers.setdefault(layer, {}).setdefault(neuron, []).extend((_model_order(view.name), i) for i in ids)
    for neurons in layers.values():
        for neuron, keyed in neurons.items():  # w1, w2, …, b, then the sum and the activation
            neurons[neuron] = [i for _, i in sorted(keyed)]
    for layer, neurons in layers.items():
        with g.subgraph(name=f"cluster_{layer}") as c:
            c.attr(label=f"layer {layer[1:]}", style="rounded,dashed", color=theme.cluster, fontcolor=theme.text,
                   labeljust="l")
            for neuron, ids in neurons.items():
                if level == "neurons":
                    with c.subgraph(name=f"cluster_{neuron.replace('.', '_')}") as n:
                        n.attr(label=neuron, style="rounded", color=theme.cluster, fontcolor=theme.text)
                        for node_id in ids:
                            n.node(node_id)
                else:
                    for node_id in ids:
                        c.node(node_id)


def _model_order(name: str) -> tuple[int, int]:
    part = name.rsplit(".", 1)[1]
    return (0, int(part[1:])) if part.startswith("w") else ({"b": 1, "z": 2, "a": 3}[part], 0)


def collapsed_digraph(
    nodes: list,
    level: str,
    *,
    rankdir: str,
    show_data: bool,
    show_grad: bool,
    fmt: Callable[[float], str],
    theme: Theme,
    font: str,
    font_size: float,
) -> Graph:
    """The graph with each neuron (or layer) drawn as one box, its parameters counted inside it.

    ``nodes`` are the snapshot's node views in forward order. A box shows the group's name, what it
    computes (``tanh(Σ w·x + b)``), and its output's data and grad (a layer: each neuron's, in order).
    """
    _check_level(level, "collapse")
    group_of: dict[int, str] = {}
    for i, view in enumerate(nodes):
        group = member_of(view.name, level)
        if group is not None:
            group_of[i] = group
    groups: dict[str, list[int]] = {}
    for i, group in group_of.items():
        groups.setdefault(group, []).append(i)

    g = Graph("gradstep", format="svg")
    g.attr("graph", rankdir=rankdir, bgcolor=theme.background, fontname=font, fontsize=str(font_size),
           fontcolor=theme.text, nodesep="0.3", ranksep="0.6", pad="0.2")
    g.attr("node", fontname=font, fontsize=str(font_size), fontcolor=theme.text, color=theme.text)
    g.attr("edge", color=theme.edge, arrowsize="0.8")

    def node_id(i: int) -> str:
        return f"g_{group_of[i].replace('.', '_')}" if i in group_of else nodes[i].id

    for i, view in enumerate(nodes):
        if i in group_of:
            continue
        g.node(view.id, label=_box(view.name, "", [view], show_data, show_grad, fmt, theme.fills[view.kind]),
               shape="plain")
    for group, members in groups.items():
        outputs = _outputs(nodes, members, level)
        params = sum(1 for i in members if nodes[i].kind == "parameter")
        what = _what(nodes, members, level, params)
        fill = theme.fills["neuron" if level == "neurons" else "layer"]
        g.node(f"g_{group.replace('.', '_')}", label=_box(group, what, outputs, show_data, show_grad, fmt, fill),
               shape="plain")
    seen: set[tuple[str, str]] = set()
    for i, view in enumerate(nodes):
        for p in view.parents:
            tail, head = node_id(p), node_id(i)
            if tail == head or (tail, head) in seen:
                continue  # inside a box, or already drawn
            seen.add((tail, head))
            g.edge(tail, head)
    return g


def _outputs(nodes: list, members: list[int], level: str) -> list:
    """The group's output nodes: each neuron's activation (or its sum when it has none), in order."""
    by_neuron: dict[str, object] = {}
    for i in members:
        view = nodes[i]
        neuron = member_of(view.name, "neurons")
        part = view.name.rsplit(".", 1)[1]
        if part == "a" or (part == "z" and neuron not in by_neuron):
            by_neuron[neuron or view.name] = view
    return list(by_neuron.values())


def _what(nodes: list, members: list[int], level: str, params: int) -> str:
    activation = ""
    for i in members:
        if nodes[i].name.endswith(".a") and nodes[i].op_label:
            activation = nodes[i].op_label
            break
    body = f"{activation}(Σ w·x + b)" if activation else "Σ w·x + b"
    if level == "layers":
        count = len(_outputs(nodes, members, level))
        return f"{count} neuron{'s' if count != 1 else ''}: {body}, {params} parameters"
    return f"{body}, {params} parameters"


def _box(name: str, what: str, outputs: list, show_data: bool, show_grad: bool, fmt: Callable[[float], str],
         fill: str) -> str:
    e = html.escape
    rows = [f"<TR><TD><B>{e(name)}</B></TD></TR>"]
    if what:
        rows.append(f'<TR><TD><FONT POINT-SIZE="11">{e(what)}</FONT></TD></TR>')
    cells = []
    if show_data:
        cells.append("data " + ", ".join(fmt(v.data) for v in outputs))
    if show_grad:
        cells.append("grad " + ", ".join(fmt(v.grad) for v in outputs))
    rows.extend(f"<TR><TD>{e(text)}</TD></TR>" for text in cells)
    return (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" BGCOLOR="{fill}">'
            f"{''.join(rows)}</TABLE>>")
