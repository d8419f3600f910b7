"""Drawing a computation graph: value nodes (label | data | grad) with small op nodes between them.

The graph is first read into a :class:`Snapshot` — plain numbers and names from the graph's one view
(:class:`autograd.view.GraphView`), in its forward order — and then written out as DOT. Separating
the two is what lets the backprop frames and the training
recorder reuse one drawing routine with different grads and highlights, and what makes the DOT text
depend only on the graph (node ids are positions in the traversal, never ``id()``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..lanes import Program
from ..ops import DOT, LEAKY_RELU, POWC, SUM
from ..value import Value
from ..view import GraphView, format_number, too_big
from ._render import FONT, Graph
from .layout import layout_attrs, layout_cells
from .slides import THEMES, Theme, add_clusters, collapsed_digraph, number_format, theme_named

__all__ = ["draw_graph", "Snapshot", "NodeView", "snapshot", "build_digraph", "DEFAULT_MAX_NODES", "KINDS"]

DEFAULT_MAX_NODES = 300
FONT_SIZE = 14
# Roughly the widest glyph advance of the font, per point of size: used to reserve cell widths so that
# a number changing from "?" to "-0.1234" never moves anything in the layout.
_CHAR_WIDTH = 0.68

#: Node kinds and how they are drawn: (fill colour, legend text).
KINDS: dict[str, tuple[str, str]] = {
    "input": ("#cfe2ff", "input (leaf)"),
    "parameter": ("#ffe08a", "parameter"),
    "constant": ("#e6e6e6", "constant"),
    "computed": ("#ffffff", "computed"),
    "output": ("#bdecb6", "output"),
}
OP_FILL = "#f2f2f2"
HOT = "#d62728"  # the active node and the edges its gradient flows along
FRESH = "#fff3b0"  # a gradient that has just become known
UNKNOWN = "#8a8a8a"
MARK = "#7b2cbf"  # a node a page points at in every frame (the lab: the first wrong gradient)
ALERT = "#f8c9c4"  # an extra cell that disagrees with the right number


@dataclass(frozen=True)
class NodeView:
    """One value node as the pictures see it."""

    id: str
    name: str
    kind: str
    data: float
    grad: float
    op_label: str  # "" for a leaf
    parents: tuple[int, ...]  # positions in Snapshot.nodes
    roles: tuple[str, ...]  # per parent: "w1", "x1", "b" for a dot node, else ""


@dataclass(frozen=True)
class Snapshot:
    """A graph's structure and numbers at one moment. ``nodes`` are in forward order (inputs first)."""

    nodes: tuple[NodeView, ...]
    index: dict[Value, int]
    root: Value | None
    view: GraphView | None = None  # the view it was read from (None for a recorded copy)


def snapshot(
    root: Value | GraphView, max_nodes: int = DEFAULT_MAX_NODES, what: str = "draw", grads: str = "auto"
) -> Snapshot:
    """Read the graph's names and numbers into a :class:`Snapshot`. Raises ValueError above ``max_nodes``.

    ``root`` is the output, or its :class:`~autograd.view.GraphView`. ``grads`` says which gradient
    each node shows: ``"current"`` its ``.grad`` as it is now, ``"view"`` ∂root/∂node from the view
    (no ``.grad`` needed), ``"auto"`` the view's for a view and ``.grad`` for a Value.
    """
    if not isinstance(root, (Value, GraphView)):
        raise TypeError(f"expected a Value (the output of a computation), got {type(root).__name__}")
    if isinstance(root, GraphView):
        view = root
        if len(view.forward) > max_nodes:
            raise too_big(len(view.forward), max_nodes, what)
    else:
        view = GraphView(root, max_nodes=max_nodes, what=what)
    if grads not in ("auto", "current", "view"):
        raise ValueError(f"grads must be 'auto', 'current' or 'view', got {grads!r}")
    from_view = grads == "view" or (grads == "auto" and isinstance(root, GraphView))
    index = view.index
    views = []
    for i, node in enumerate(view.forward):
        views.append(NodeView(
            id=f"n{i}",
            name=view.names[node],
            kind=view.kind(node),
            data=node.data,
            grad=view.grads[node] if from_view else node.grad,
            op_label=_op_label(node),
            parents=tuple(index[p] for p in node.parents),
            roles=_roles(node),
        ))
    return Snapshot(tuple(views), index, view.root, view)


def _op_label(node: Value) -> str:
    rule = node.rule
    if rule is None:
        return ""
    if rule is POWC:
        return f"**{format_number(node.param)}"
    if rule is LEAKY_RELU:
        return f"leaky_relu({format_number(node.param)})"
    if rule is DOT:
        return "Σ wᵢ·xᵢ + b" if len(node.parents) % 2 else "Σ wᵢ·xᵢ"
    if rule is SUM:
        return "Σ"
    return rule.symbol


def _roles(node: Value) -> tuple[str, ...]:
    if node.rule is not DOT:
        return ("",) * len(node.parents)
    count = len(node.parents)
    n = count // 2
    roles = [f"w{i + 1}" for i in range(n)] + [f"x{i + 1}" for i in range(n)]
    return tuple(roles + (["b"] if count % 2 else []))


# ---- DOT ----------------------------------------------------------------------------------------------
#: A name longer than this is cut in pictures (with its length said), so a label stays readable and
#: dot's 16,384-character limit on one node's label is never reached.
MAX_NAME = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Control characters written as escapes (``\\x00``, ``\\t``): dot rejects or mangles them."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


def picture_text(text: str) -> str:
    """``text`` as a picture can show it: control characters (NUL, tab, newline, …) written as escapes
    like ``\\x00`` (dot rejects them or breaks the line), and a very long text cut with its length."""
    text = escape_controls(text)
    if len(text) > MAX_NAME:
        text = f"{text[:MAX_NAME - 20]}… ({len(text):,} characters)"
    return text


def _esc(text: str) -> str:
    return html.escape(picture_text(text), quote=True)


def text_width(text: str, size: float = FONT_SIZE) -> int:
    """A generous estimate of the drawn width of ``text`` in points (for reserving cell widths)."""
    return int(len(picture_text(text)) * size * _CHAR_WIDTH + 12)  # as drawn: escaped, long names cut


@dataclass
class Style:
    """What a frame changes about the plain drawing. Everything defaults to the plain drawing."""

    grad_text: Callable[[int], str | None] | None = None  # node index → text (None: "?"); default .grad
    fresh: frozenset[int] = frozenset()  # grad cells to highlight
    active: int | None = None  # node index drawn in HOT
    edge_text: Callable[[int, int], str] | None = None  # (node index, parent position) → label
    hot_edges_of: int | None = None  # node whose incoming edges are drawn in HOT
    widths: dict[str, tuple[int, int, int]] | None = None  # node id → minimum cell widths
    edge_width: int | None = None  # minimum edge-label width
    stacked: bool = False  # name in a row above the numbers
    extra_text: Callable[[int], str | None] | None = None  # node index → a row under the numbers (None: none)
    extra_alert: frozenset[int] = frozenset()  # extra rows drawn as disagreeing (ALERT)
    marked: int | None = None  # node index drawn with the MARK border in every frame
    # For slides (see autograd.viz.slides): what to show and how it looks.
    show_data: bool = True
    number: Callable[[float], str] = format_number
    theme: Theme = THEMES["light"]
    font: str = FONT
    font_size: float = FONT_SIZE
    # For the training recorder: a whole network in one window.
    ops_inline: bool = False  # no op nodes: each node names its op beside its name (narrower pictures)
    tight: bool = False  # less padding and spacing, and name, data and grad one per row


def grad_cell(i: int, view: NodeView, style: Style) -> str:
    if style.grad_text is None:
        return f"grad {style.number(view.grad)}"
    text = style.grad_text(i)
    return "grad ?" if text is None else f"grad {text}"


def _node_label(i: int, view: NodeView, show_grad: bool, style: Style) -> str:
    fill = style.theme.fills.get(view.kind, KINDS[view.kind][0])
    hot = style.active == i
    border = f' BORDER="3" COLOR="{HOT}"' if hot else ' BORDER="0"'
    if style.marked == i:
        border = f' BORDER="4" COLOR="{MARK}"'
    widths = style.widths.get(view.id) if style.widths else None

    def width(k: int) -> str:
        return f' WIDTH="{widths[k]}"' if widths else ""

    label = f"<B>{_esc(view.name)}</B>"
    if style.ops_inline and view.op_label:
        label += (f' <FONT COLOR="{UNKNOWN}" POINT-SIZE="{style.font_size - 2:g}">'
                  f"= {_esc(_inline_op(view.op_label))}</FONT>")
    values = [f"<TD{width(1)}>data {_esc(style.number(view.data))}</TD>"] if style.show_data else []
    if show_grad:
        text = grad_cell(i, view, style)
        unknown = text.endswith("?")
        bg = f' BGCOLOR="{FRESH}"' if i in style.fresh else ""
        body = f'<FONT COLOR="{UNKNOWN}">{_esc(text)}</FONT>' if unknown else _esc(text)
        values.append(f"<TD{width(2)}{bg}>{body}</TD>")
    extra = style.extra_text(i) if style.extra_text else None
    extra_row = ""
    if extra is not None:  # a row of its own under the numbers, so the node grows taller, not wider
        bg = f' BGCOLOR="{ALERT}"' if i in style.extra_alert else ""
        extra_row = f'<TR><TD COLSPAN="{max(len(values), 1)}"{bg}>{_esc(extra)}</TD></TR>'
    if not values:
        rows = f"<TR><TD{width(0)}>{label}</TD></TR>{extra_row}"
    elif style.tight:  # name, data, grad one under the other: the narrowest nodes
        rows = "".join(f"<TR>{cell}</TR>" for cell in [f"<TD>{label}</TD>", *values]) + extra_row.replace(
            f'COLSPAN="{len(values)}"', 'COLSPAN="1"')
    elif style.stacked:  # name above, numbers below: narrower nodes, so a wide graph scales down less
        rows = f'<TR><TD COLSPAN="{len(values)}">{label}</TD></TR><TR>{"".join(values)}</TR>{extra_row}'
    else:
        rows = f"<TR><TD{width(0)}>{label}</TD>{''.join(values)}</TR>"
        if extra_row:
            rows += extra_row.replace(f'COLSPAN="{len(values)}"', f'COLSPAN="{len(values) + 1}"')
    padding = 3 if style.tight else 5
    return (f'<<TABLE{border} CELLBORDER="1" CELLSPACING="0" CELLPADDING="{padding}" BGCOLOR="{fill}">'
            f"{rows}</TABLE>>")


def _inline_op(op_label: str) -> str:
    """How a node drawn without its op node names its op: ``×``, ``relu(·)``, ``w·x + b``."""
    symbols = {"*": "×", "+": "+", "-": "−", "/": "÷", "Σ wᵢ·xᵢ + b": "w·x + b", "Σ wᵢ·xᵢ": "w·x"}
    if op_label in symbols:
        return symbols[op_label]
    return op_label if op_label.startswith(("Σ", "**")) or "(" in op_label else f"{op_label}(·)"


def _edge_label(text: str, hot: bool, width: int | None, plain: str = "#444444") -> str:
    colour = HOT if hot else plain
    w = f' WIDTH="{width}"' if width else ""
    body = f"<B>{_esc(text)}</B>" if hot else _esc(text)
    return (f'<<TABLE BORDER="0" CELLPADDING="1"><TR><TD{w}><FONT COLOR="{colour}" POINT-SIZE="13">'
            f"{body}</FONT></TD></TR></TABLE>>")


def build_digraph(
    snap: Snapshot,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    style: Style | None = None,
    caption: str | None = None,
    legend: bool = False,
) -> Graph:
    """Write a snapshot as DOT. ``caption`` is an HTML-like label body (already escaped)."""
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    style = style or Style()
    theme = style.theme
    g = Graph("gradstep", format="svg")
    nodesep, ranksep, pad = ("0.12", "0.3", "0.1") if style.tight else ("0.3", "0.45", "0.2")
    g.attr("graph", rankdir=rankdir, fontname=style.font, fontsize=str(style.font_size), nodesep=nodesep,
           ranksep=ranksep, bgcolor=theme.background, fontcolor=theme.text, pad=pad)
    g.attr("node", fontname=style.font, fontsize=str(style.font_size), fontcolor=theme.text, color=theme.text)
    g.attr("edge", fontname=style.font, fontsize="12", color=theme.edge, fontcolor=theme.text, arrowsize="0.8")
    # Measured before dot runs: big layouts get capped placement, too big ones are refused on rendering.
    labelled = style.edge_text is not None or any(any(view.roles) for view in snap.nodes)
    cells, busiest, uses = layout_cells([view.parents for view in snap.nodes], labelled)
    if layout_attrs(cells):
        g.attr("graph", **layout_attrs(cells))
    g.layout = {"cells": cells, "nodes": len(snap.nodes), "uses": uses,
                "busiest": snap.nodes[busiest].name if snap.nodes else ""}
    for i, view in enumerate(snap.nodes):
        g.node(view.id, label=_node_label(i, view, show_grad, style), shape="plain")
        if not view.op_label:
            continue
        hot = style.hot_edges_of == i
        if style.ops_inline:  # inputs point straight at the node, which names its op
            for j, parent in enumerate(view.parents):
                text = style.edge_text(i, j) if style.edge_text else view.roles[j]
                attrs = {"label": _edge_label(text, hot, style.edge_width)} if text else {}
                g.edge(snap.nodes[parent].id, view.id, **attrs)
            continue
        op_id = f"{view.id}op"
        op_attrs = {"color": HOT, "penwidth": "2.5", "fontcolor": HOT} if hot else {}
        wide = len(view.op_label) > 2
        shape = {"shape": "box", "style": "filled,rounded", "fontsize": "13"} if wide else {
            "shape": "circle", "style": "filled", "fontsize": "16"}
        if view.roles and view.roles[0]:  # a neuron's sum: keep w1, w2, …, x1, …, b in the model's order
            op_attrs = {**op_attrs, "ordering": "in"}
        g.node(op_id, label=view.op_label, fillcolor=theme.op_fill, width="0.4", height="0.4", margin="0.04",
               **shape, **op_attrs)
        edge_hot = {"color": HOT, "penwidth": "2.5", "dir": "back"} if hot else {}
        g.edge(op_id, view.id, **edge_hot)
        for j, parent in enumerate(view.parents):
            text = style.edge_text(i, j) if style.edge_text else view.roles[j]
            attrs = dict(edge_hot)
            if text:
                attrs["label"] = _edge_label(text, hot, style.edge_width, "#444444" if theme is THEMES["light"]
                                             else theme.text)
            g.edge(snap.nodes[parent].id, op_id, **attrs)
    rows = []
    if caption is not None:
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{caption}</TD></TR>')
    if legend:
        rows.append(f'<TR><TD ALIGN="LEFT">{legend_label(snap, theme)}</TD></TR>')
    if rows:
        label = f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="3">{"".join(rows)}</TABLE>>'
        g.attr("graph", label=label, labeljust="l", labelloc="b")
    return g


def legend_label(snap: Snapshot, theme: Theme | None = None) -> str:
    """A row of colour swatches for the node kinds present in ``snap`` (HTML-like label body)."""
    present = {v.kind for v in snap.nodes}
    fills = (theme or THEMES["light"]).fills
    cells = "".join(
        f'<TD BGCOLOR="{fills.get(kind, fill)}" BORDER="1"> {_esc(text)} </TD><TD> </TD>'
        for kind, (fill, text) in KINDS.items() if kind in present
    )
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="4"><TR>{cells}</TR></TABLE>'


def draw_graph(
    root: Value | GraphView | Program,
    rankdir: str = "LR",
    show_grad: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    legend: bool = True,
    *,
    show_data: bool = True,
    precision: int | None = None,
    theme: str = "light",
    font: str | None = None,
    font_size: float | None = None,
    group: str | None = None,
    collapse: str | None = None,
) -> Graph:
    """The computation graph under ``root`` as a :class:`graphviz.Digraph`.

    Each value node is a row ``name | data | grad`` (its current ``.grad``, or for a
    :class:`~autograd.view.GraphView` the view's ∂root/∂node; ``show_grad=False`` leaves it out). Names
    follow the view's naming policy (a label wins; ``nn``'s nodes are named by place, ``L1.n2.w1``);
    a small op node sits between a node and its inputs. Inputs, parameters, constants and the
    output have their own colours (``legend`` explains them). The DOT text depends only on the graph,
    so drawing the same graph twice gives identical ``.source``.

    Rendering (``.render()``, ``.pipe()``, display in Jupyter) needs Graphviz's ``dot`` program and
    raises :class:`~autograd.viz.GraphvizNotFound`, with the install command, when it is missing.

    ``root`` may also be a :mod:`autograd.lanes` program: the picture is its one recorded sample's
    graph with the numbers of lane 0 of the last run, and a caption with the lane count.

    For slides (see :mod:`autograd.viz.slides`): ``show_data=False`` hides the values,
    ``precision`` sets the significant digits, ``theme="dark"``, ``font`` and ``font_size`` restyle
    every node, edge and label; a network's nodes can be grouped (``group="neurons"`` or
    ``"layers"``: labelled clusters) or collapsed (``collapse="neurons"`` or ``"layers"``: one box each,
    its parameters counted). Graph attributes set afterwards (``g.attr("node", fontname=...)``) apply
    to the whole drawing too.

    Raises:
        ValueError: the graph has more than ``max_nodes`` value nodes (draw a smaller piece, or raise it).
    """
    caption = None
    if isinstance(root, Program):
        # the program's own sentence, one clause a line (not cut like a node name)
        caption = '<BR ALIGN="LEFT"/>'.join(html.escape(part, quote=True) for part in root.caption(0).split("; "))
        root = root.sample(0)
    snap = snapshot(root, max_nodes)
    look = theme_named(theme)
    fmt = number_format(precision)
    typeface = font or FONT
    size = FONT_SIZE if font_size is None else _font_size(font_size)
    if collapse is not None:
        return collapsed_digraph(list(snap.nodes), collapse, rankdir=rankdir, show_data=show_data,
                                 show_grad=show_grad, fmt=fmt, theme=look, font=typeface, font_size=size)
    style = Style(show_data=show_data, number=fmt, theme=look, font=typeface, font_size=size)
    g = build_digraph(snap, rankdir=rankdir, show_grad=show_grad, legend=legend, style=style, caption=caption)
    if group is not None:
        add_clusters(g, list(snap.nodes), group, look)
    return g


def _font_size(size: float) -> float:
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not 4 <= size <= 72:
        raise ValueError(f"font_size must be a number of points from 4 to 72, got {size!r}")
    return float(size)
