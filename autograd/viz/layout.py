"""How much work a drawing is for Graphviz, and the layout settings that keep it bounded.

``dot`` lays a graph out in ranks and turns every edge that spans several ranks into a chain of
invisible "virtual" nodes; its network-simplex placement then works on all of them. A value used by
many nodes far apart (``x*x*…*x``: x feeds every factor) makes the count grow with the square of the
graph: 60 factors are 7,000 layout cells and took dot 55 s on a shared machine, 119 factors ran for
minutes. So every drawing is measured before ``dot`` runs:

* :func:`layout_cells` — nodes plus virtual nodes, computed from the graph's ranks exactly as dot
  will make them;
* :func:`layout_attrs` — above :data:`SAFE_ABOVE` cells, caps on dot's network simplex and crossing
  minimisation (``nslimit``, ``mclimit``): the same 60 factors then take about 1 s;
* :func:`check_budget` — above :data:`MAX_CELLS` cells for one picture (or :data:`MAX_TOTAL_CELLS`
  for all the frames of a stepper) the drawing is refused up front with a message that says how big
  is too big and what to do instead.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["layout_cells", "layout_attrs", "check_budget", "GraphTooTangled", "SAFE_ABOVE", "MAX_CELLS",
           "MAX_TOTAL_CELLS"]

#: Above this many layout cells, dot's placement and crossing minimisation are capped.
SAFE_ABOVE = 1_500
#: Above this many cells one picture is refused (with the caps, about 5 s of dot on a loaded machine).
MAX_CELLS = 8_000
#: Above this many cells in all the frames of one page together, the page is refused.
MAX_TOTAL_CELLS = 15_000


class GraphTooTangled(ValueError):
    """The drawing would keep Graphviz busy for too long; the message says how big is too big and what to do."""


def layout_cells(parents: Sequence[Sequence[int]], labelled: bool = False) -> tuple[int, int, int]:
    """(layout cells, the node used most, how often) for a graph drawn with an op node per computed value.

    ``parents[i]`` are the positions of node i's inputs (forward order, inputs first). Ranks follow
    dot's: a leaf at 0, the op node of node i one rank after its latest input, node i one after that;
    an edge spanning k ranks adds k − 1 virtual nodes. With edge labels (``labelled``) dot doubles
    every rank to make room for them, and every span with it.
    """
    stretch = 2 if labelled else 1
    rank = [0] * len(parents)
    uses = [0] * len(parents)
    cells = len(parents)
    for i, inputs in enumerate(parents):
        if not inputs:
            continue
        op_rank = max(rank[p] for p in inputs) + 1
        rank[i] = op_rank + 1
        cells += 1  # the op node
        for p in inputs:
            cells += stretch * (op_rank - rank[p]) - 1
            uses[p] += 1
    busiest = max(range(len(uses)), key=uses.__getitem__, default=0)
    return cells, busiest, (uses[busiest] if uses else 0)


def layout_attrs(cells: int) -> dict[str, str]:
    """Graph attributes that bound dot's work on a big layout ({} for a small one, which dot does well)."""
    if cells <= SAFE_ABOVE:
        return {}
    return {"nslimit": "0.5", "nslimit1": "0.5", "mclimit": "0.1", "searchsize": "20"}


def check_budget(cells: int, *, frames: int = 1, nodes: int = 0, busiest: str = "", uses: int = 0) -> None:
    """Refuse a drawing that would take Graphviz too long, before it starts.

    Raises:
        GraphTooTangled: (a ValueError) naming the size, the limit and what to draw instead.
    """
    limit = MAX_CELLS if frames == 1 else MAX_TOTAL_CELLS
    per = cells if frames == 1 else cells // max(frames, 1)
    if cells <= limit and per <= MAX_CELLS:
        return
    shape = f"{nodes} values" if nodes else "this graph"
    if busiest and uses > 8:
        shape += f", {busiest} used {uses} times"
    what = "picture" if frames == 1 else f"{frames} frames"
    raise GraphTooTangled(
        f"too big to draw quickly: {shape} make {cells:,} layout cells for the {what} (the limit is {limit:,}; "
        "a chain like x*x*…*x with about 90 factors is the most one picture holds, and a stepper page "
        "about 20). Draw a smaller piece of the graph, or print the backprop steps as text (gradstep graph "
        "EXPR --steps, or trace_backward in Python)"
    )
