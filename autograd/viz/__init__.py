"""Pictures of the computation graph and of backprop at work (needs the ``graphviz`` package; rendering
needs Graphviz's ``dot`` program).

- :func:`draw_graph` — the graph: value nodes ``label | data | grad`` with op nodes between.
- :func:`backprop_frames` — one picture per backprop step (active node and edges highlighted, gradients
  not known yet shown as "?", the step's chain-rule formula as caption).
- :func:`save_backprop_html` — those frames as one self-contained HTML page with Prev/Next, a slider
  and ←/→ keys (no network access at all); with ``quiz=True`` it asks for each gradient first.
- :func:`show_backprop` — the same page (stepper or quiz) shown inline in a Jupyter notebook, sized
  to the notebook's column (a :class:`BackpropPage`).
- :class:`BackpropRecorder` — one frame per ``backward()`` during training (by hand, or as a callback
  of ``nn.fit``), saved as the same kind of page.
- :func:`save_graph` / :func:`to_svg` — render to a file (atomic write) or to SVG text.

Pictures only read the graph: nothing here changes ``.data`` or ``.grad``.
"""

from __future__ import annotations

from ._render import GraphvizNotFound, save_graph, to_svg
from .frames import backprop_frames
from .graph import draw_graph
from .html import BackpropPage, save_backprop_html, show_backprop
from .recorder import BackpropRecorder

__all__ = [
    "draw_graph",
    "backprop_frames",
    "save_backprop_html",
    "show_backprop",
    "BackpropPage",
    "BackpropRecorder",
    "GraphvizNotFound",
    "save_graph",
    "to_svg",
]
