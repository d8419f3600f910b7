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
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import graphviz

from ..files import atomic_write
from .layout import check_budget

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


#: Seconds before a rendering says what it is doing, and before it is stopped.
PROGRESS_AFTER = 1.0
DOT_TIMEOUT = 60.0


class Graph(graphviz.Digraph):
    """A :class:`graphviz.Digraph` whose rendering explains how to install Graphviz when ``dot`` is missing.

    ``layout`` (set by the drawing) holds the measured size of the layout; a picture too big for dot
    to finish quickly is refused before dot starts (see :mod:`autograd.viz.layout`).
    """

    layout: dict[str, Any] | None = None

    def attr(self, kw: str | None = None, _attributes: Any = None, **attrs: Any) -> None:
        """As graphviz's, but ``node``/``edge``/``graph`` defaults set after drawing apply to the whole
        drawing: DOT gives defaults only to what follows them, so they go before the first node."""
        before = len(self.body)
        super().attr(kw, _attributes=_attributes, **attrs)
        if kw in ("node", "edge", "graph") and before and len(self.body) == before + 1:
            statement = self.body.pop()
            first = next((i for i, line in enumerate(self.body) if not line.lstrip().startswith(
                ("graph [", "node [", "edge ["))), len(self.body))
            self.body.insert(first, statement)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
        """In Jupyter: the SVG scaled to the notebook's column (never wider, never cut off)."""
        svg = self.pipe(format="svg", encoding="utf-8")
        inline = inline_svg(svg, "g")
        inline = re.sub(r"<svg\b", '<svg style="max-width:100%;height:auto"', inline, count=1)
        return {"text/html": f'<div style="max-width:100%;overflow:hidden">{inline}</div>', "image/svg+xml": svg}

    def copy(self) -> Graph:
        twin = super().copy()
        twin.layout = self.layout
        return twin

    def pipe(self, format: str | None = None, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - graphviz's name
        _require_dot()
        encoding = kwargs.pop("encoding", None)
        if args or kwargs or (self.engine or "dot") != "dot":  # anything unusual: graphviz's own pipe
            _check([self])
            try:
                return super().pipe(format, *args, encoding=encoding, **kwargs)
            except graphviz.ExecutableNotFound as err:
                raise GraphvizNotFound(str(err)) from err
        data = run_dot([self], format or self.format or "svg")
        return data.decode(encoding) if encoding else data

    def render(self, *args: Any, **kwargs: Any) -> Any:
        _require_dot()
        _check([self])
        try:
            written = super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as err:
            if isinstance(err, GraphvizNotFound):
                raise
            raise GraphvizNotFound(str(err)) from err
        if str(written).lower().endswith(".pdf"):  # the same graph, the same bytes: fix the date stamp
            atomic_write(Path(written), reproducible_pdf(Path(written).read_bytes()))
        return written


def to_svg(graph: graphviz.Digraph) -> str:
    """Render with ``dot`` and return the SVG text. Raises :class:`GraphvizNotFound` without ``dot``."""
    return run_dot([graph], "svg").decode("utf-8")


def _check(graphs: Sequence[graphviz.Digraph]) -> None:
    """Refuse up front what dot would take too long for (see :func:`autograd.viz.layout.check_budget`)."""
    sizes = [getattr(g, "layout", None) or {} for g in graphs]
    if not any(sizes):
        return
    biggest = max(sizes, key=lambda s: s.get("cells", 0))
    check_budget(sum(s.get("cells", 0) for s in sizes), frames=len(graphs), nodes=biggest.get("nodes", 0),
                 busiest=biggest.get("busiest", ""), uses=biggest.get("uses", 0))


def run_dot(graphs: Sequence[graphviz.Digraph], fmt: str) -> bytes:
    """Run ``dot -T fmt`` on one or more graphs, bounded in time and saying why when it is slow.

    A layout too big to finish quickly is refused before dot starts; one that takes more than
    :data:`PROGRESS_AFTER` seconds says so on stderr; dot is stopped after :data:`DOT_TIMEOUT` seconds
    with a message naming what to do. Reads and writes dot's pipes at the same time (no deadlock).
    """
    _require_dot()
    _check(graphs)
    source = "\n".join(g.source for g in graphs).encode("utf-8")
    sizes = [getattr(g, "layout", None) or {} for g in graphs]
    nodes = sum(s.get("nodes", 0) for s in sizes)
    what = f"{nodes} values" if nodes else "the graph"
    if len(graphs) > 1:
        what += f" in {len(graphs)} frames"
    done = threading.Event()

    def progress() -> None:
        if not done.wait(PROGRESS_AFTER):
            print(f"gradstep: Graphviz is laying out {what}; this can take a few seconds …", file=sys.stderr,
                  flush=True)

    reporter = threading.Thread(target=progress, daemon=True)
    reporter.start()
    try:
        run = subprocess.run(["dot", f"-T{fmt}"], input=source, capture_output=True, check=False,
                             timeout=DOT_TIMEOUT)
    except FileNotFoundError as err:
        raise GraphvizNotFound(str(err)) from err
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"Graphviz's dot did not finish laying out {what} in {DOT_TIMEOUT:.0f} s and was stopped; draw a "
            "smaller piece of the graph, or print the backprop steps as text (gradstep graph EXPR --steps)"
        ) from None
    finally:
        done.set()
    if run.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed (exit {run.returncode}): "
                           f"{run.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return reproducible_pdf(run.stdout) if fmt == "pdf" else run.stdout


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
    if fmt != "svg":
        graph = graph.copy()
        if dpi is not None:
            graph.attr("graph", dpi=str(dpi))
        # A wide graph as a bitmap is scaled to fit MAX_PIXELS a side, not written 32,767 pixels wide.
        inches = MAX_PIXELS / float(dpi or 96)
        graph.attr("graph", size=f"{inches:.2f},{inches:.2f}")
    atomic_write(path, run_dot([graph], fmt))
    return path


#: The longest side of a bitmap (PNG, JPG) or PDF page, in pixels at the chosen dpi.
MAX_PIXELS = 8000

_PDF_DATE = re.compile(rb"/CreationDate \(D:[0-9+\-Z']+\)")


def reproducible_pdf(data: bytes) -> bytes:
    """The PDF with its creation date fixed, so the same graph gives the same bytes every run.

    Graphviz's cairo writer stamps ``/CreationDate (D:…)`` with the current time (whatever
    SOURCE_DATE_EPOCH says). The stamp is replaced by one of exactly the same length, taken from
    SOURCE_DATE_EPOCH when set (else 2000-01-01), so the cross-reference offsets stay right.
    """
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = time.gmtime(int(epoch)) if epoch.isdigit() else time.gmtime(946684800)
    stamp = time.strftime("%Y%m%d%H%M%S", when).encode("ascii")

    def fixed(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        new = b"/CreationDate (D:" + stamp + b"Z"
        if len(new) + 1 > len(old):  # never expected: keep the file valid rather than shift offsets
            return old
        return new + b" " * (len(old) - len(new) - 1) + b")"

    return _PDF_DATE.sub(fixed, data)


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: The font every picture is drawn in (the HTML pages' style names the same one).
FONT = "DejaVu Sans,Arial,Helvetica,sans-serif"


def inline_svg(svg: str, prefix: str) -> str:
    """Make dot's SVG document fit inside an HTML page: no XML prologue or comments (the ``<title>`` of
    each node stays: the quiz's script finds the nodes by it), the page's font inherited instead of
    repeated on every text, ids made unique with ``prefix``, and the
    fixed width/height dropped so CSS can scale it (the viewBox stays)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _COMMENT.sub("", svg)
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
    out = run_dot(graphs, "svg").decode("utf-8")
    docs = ["<?xml" + part for part in out.split("<?xml")[1:]]
    if len(docs) != len(graphs):  # never expected; fall back to one run per graph rather than misalign
        return [to_svg(g) for g in graphs]
    return docs
