"""Running Graphviz's ``dot`` program, and what to say when it is not installed; atomic file writes.

Drawing (building a :class:`graphviz.Digraph`) needs only the Python package; *rendering* (SVG, PNG,
…) needs the ``dot`` program. Every Digraph this package returns is a :class:`Graph`, whose
``pipe``/``render`` (and so Jupyter's display) turn graphviz's terse "failed to execute" into
:class:`GraphvizNotFound`, which says how to install Graphviz.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import graphviz

from ..files import atomic_write

__all__ = ["GraphvizNotFound", "Graph", "to_svg", "to_svgs", "save_graph", "atomic_write", "inline_svg", "INSTALL_HINT"]

INSTALL_HINT = (
    "install Graphviz: Debian/Ubuntu `sudo apt-get install graphviz`, Fedora `sudo dnf install graphviz`, "
    "macOS `brew install graphviz` (or `make install` in a gradstep checkout), then try again"
)


class GraphvizNotFound(graphviz.ExecutableNotFound):
    """Rendering needs Graphviz's ``dot`` program, which is not on PATH. The message says how to install it.

    A :class:`RuntimeError` (and a :class:`graphviz.ExecutableNotFound`, so code that already
    catches graphviz's error keeps working).
    """

    def __init__(self, detail: str = "") -> None:
        RuntimeError.__init__(  # skip ExecutableNotFound.__init__: it formats its own short message
            self,
            "cannot render the graph: Graphviz's `dot` program was not found on PATH"
            + (f" ({detail})" if detail else "")
            + f"; {INSTALL_HINT}. Drawing still works without it: the graph's DOT text is `.source`.",
        )


def _require_dot() -> None:
    if shutil.which("dot") is None:
        raise GraphvizNotFound()


class Graph(graphviz.Digraph):
    """A :class:`graphviz.Digraph` whose rendering explains how to install Graphviz when ``dot`` is missing."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        _require_dot()
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as err:
            if isinstance(err, GraphvizNotFound):
                raise
            raise GraphvizNotFound(str(err)) from err

    def render(self, *args: Any, **kwargs: Any) -> Any:
        _require_dot()
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as err:
            if isinstance(err, GraphvizNotFound):
                raise
            raise GraphvizNotFound(str(err)) from err


def to_svg(graph: graphviz.Digraph) -> str:
    """Render with ``dot`` and return the SVG text. Raises :class:`GraphvizNotFound` without ``dot``."""
    if not isinstance(graph, Graph):
        _require_dot()
    try:
        return graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as err:
        if isinstance(err, GraphvizNotFound):
            raise
        raise GraphvizNotFound(str(err)) from err


_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg"}
_SOURCE = {".dot", ".gv"}


def save_graph(graph: graphviz.Digraph, path: str | os.PathLike[str], dpi: float | None = None) -> Path:
    """Write ``graph`` to ``path``; the format comes from the suffix (.svg .png .pdf .jpg, or .dot/.gv for
    the DOT text, which needs no Graphviz). The write is atomic. Returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _SOURCE:
        atomic_write(path, graph.source.encode("utf-8"))
        return path
    fmt = _FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(sorted(_FORMATS) + sorted(_SOURCE))
        raise ValueError(f"cannot tell the picture format from {path.name!r}; end the file name in one of {known}")
    if dpi is not None and fmt != "svg":
        graph = graph.copy()
        graph.attr("graph", dpi=str(dpi))
    if not isinstance(graph, Graph):
        _require_dot()
    try:
        data = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as err:
        if isinstance(err, GraphvizNotFound):
            raise
        raise GraphvizNotFound(str(err)) from err
    atomic_write(path, data)
    return path


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>[^<]*</title>\n?")
#: The font every picture is drawn in (the HTML pages' style names the same one).
FONT = "DejaVu Sans,Arial,Helvetica,sans-serif"


def inline_svg(svg: str, prefix: str) -> str:
    """Make dot's SVG document fit inside an HTML page: no XML prologue, comments or tooltips, the
    page's font inherited instead of repeated on every text, ids made unique with ``prefix``, and the
    fixed width/height dropped so CSS can scale it (the viewBox stays)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _COMMENT.sub("", svg)
    svg = _TITLE.sub("", svg)  # dot's tooltips name its internal node ids ("n3->n5op"): noise to a learner
    svg = svg.replace(f' font-family="{FONT}"', "")  # the page's own font: inherited, and a third lighter
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = re.sub(r'(<svg\b[^>]*?)\s+width="[^"]*"', r"\1", svg, count=1)
    svg = re.sub(r'(<svg\b[^>]*?)\s+height="[^"]*"', r"\1", svg, count=1)
    return svg.strip()


def to_svgs(graphs: list[graphviz.Digraph]) -> list[str]:
    """Render many graphs with one run of ``dot`` (it accepts several graphs in one input).

    Runs ``dot`` directly rather than through graphviz's ``pipe``: that one writes all its input before
    reading any output, which deadlocks once ``dot`` has answered the first graphs with more than a
    pipe's worth of SVG. ``subprocess.run`` reads and writes at the same time.
    """
    if not graphs:
        return []
    _require_dot()
    source = "\n".join(g.source for g in graphs).encode("utf-8")
    try:
        done = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise GraphvizNotFound(str(err)) from err
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed (exit {done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    out = done.stdout.decode("utf-8")
    docs = ["<?xml" + part for part in out.split("<?xml")[1:]]
    if len(docs) != len(graphs):  # never expected; fall back to one run per graph rather than misalign
        return [to_svg(g) for g in graphs]
    return docs
