"""The HTML stepper: a graph's backprop frames in one self-contained page.

The page needs nothing but itself: every frame is an inline SVG (rendered by ``dot`` when the page is
written), the script and the style are inline, and a Content-Security-Policy meta tag forbids every
fetch (``default-src 'none'``) while allowing exactly the inline script and style, by their SHA-256
hashes. It can be mailed, opened from a USB stick or shown offline on a projector.

Page structure: ``#stage`` holds one ``.frame`` per step (only the current one visible),
``#explanation`` shows the current step's text (copied from ``#texts``), and ``#answer`` is a slot under
it for a per-step answer box (empty and hidden on the plain stepper; the quiz mode, in
:mod:`autograd.viz.quiz_page`, fills it). The script exposes ``window.gradstep = {show(i), current,
count}`` and fires a ``gradstep:step`` event (``detail.index``, 0-based) on ``document`` whenever the
shown step changes. :func:`page_html` is the skeleton both modes share; every extra inline script or
style a mode adds is pinned by its own hash in the Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..value import Value
from ..view import GraphView
from ._render import atomic_write, inline_svg, to_svgs
from .frames import DEFAULT_FRAME_NODES, frames_and_trace
from .graph import KINDS

__all__ = [
    "save_backprop_html", "show_backprop", "BackpropPage", "stepper_html", "stepper_page", "page_html",
    "content_security_policy",
]


def save_backprop_html(
    root: Value | GraphView,
    path: str | os.PathLike[str],
    quiz: bool = False,
    title: str | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_FRAME_NODES,
    rtol: float | None = None,
    atol: float | None = None,
) -> Path:
    """Write one self-contained HTML page that steps through backprop from ``root``, one frame per step.

    A step is a node that passes gradient on (leaves have nothing to pass on: each step says which
    leaf gradients it completed). Where a node is used more than once, its box shows the running sum
    (``1 + 3 + ?``) until the last term arrives, and that step writes the sum term by term.
    ``root`` may be a :class:`~autograd.view.GraphView` already made. Prev/Next buttons, a slider and
    the ←/→ keys move between steps; the step's chain-rule explanation is shown under the picture.
    No network access (a Content-Security-Policy forbids it). The write is
    atomic. Needs Graphviz's ``dot`` program. No ``.grad`` and no ``.label`` is changed. Returns the path.

    With ``quiz=True`` the page asks, at each step, for that node's gradient before showing it: type it,
    press Check (or Enter) and it is marked right, or wrong with the classic mistake it matches (see
    :mod:`autograd.viz.quiz_page`). An answer is right within ``rtol``/``atol`` (``math.isclose``);
    by default exactly for a graph whose values and gradients are all small multiples of 0.5, else to 4
    significant digits (rtol=1e-3, atol=5e-5), as the pictures show them. Names follow the view's
    policy (:mod:`autograd.view`: a label wins, an unlabeled output is ``out``, other unlabeled nodes
    ``n1, n2, …``, constants ``k1, …``) in the pictures and the questions alike; no ``.label`` is changed.
    """
    if quiz:
        from .quiz_page import quiz_page  # imports autograd.practice only when a quiz is asked for

        page = quiz_page(root, title=title, rankdir=rankdir, max_nodes=max_nodes, rtol=rtol, atol=atol)
        return atomic_write(path, page)
    if rtol is not None or atol is not None:
        raise ValueError("rtol and atol set how exact a quiz answer must be: pass quiz=True with them, "
                         "or leave them out for the plain stepper")
    return atomic_write(path, stepper_html(root, title=title, rankdir=rankdir, max_nodes=max_nodes))


def stepper_html(
    root: Value | GraphView,
    title: str | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_FRAME_NODES,
    compact: bool = False,
) -> str:
    """The plain stepper's page as HTML text (what :func:`save_backprop_html` writes); ``compact``
    uses smaller type, for a notebook column."""
    frames, steps, texts = frames_and_trace(root, rankdir=rankdir, max_nodes=max_nodes, caption=False)
    first = steps[0]
    heading = title or f"Backprop, step by step: {first.label} = {first.formula or first.label}"
    subtitle = (
        f"Each step visits one node, after every node that uses it. Its gradient ∂{first.root_label}/∂node "
        "is then complete, and the chain rule passes local derivative × gradient back to its inputs (red). "
        "A node used more than once adds up what each use sends (“1 + 3 + ?” until the last term arrives). "
        "Gradients not known yet show “?”."
    )
    svgs = to_svgs(frames)
    kinds = kinds_present(frames[0].source)
    return stepper_page(heading, subtitle, svgs, texts, kinds, step_word="Step", compact=compact)


class BackpropPage:
    """A stepper or quiz page that shows itself inline in Jupyter (``_repr_html_``), at the size of a
    notebook column: the self-contained page embedded as an ``<iframe srcdoc=…>``, so it also works in
    an HTML export without any file. ``html`` is the page's text; :meth:`save` writes it (atomically).
    """

    #: A notebook's output column (pixels); the frame may grow to :attr:`MAX_WIDTH` in a wide window.
    COLUMN = 860
    MAX_WIDTH = COLUMN + 240

    def __init__(self, html: str, title: str = "", height: int | None = None) -> None:
        self.html = html
        self.title = title
        self.height = height if height is not None else self._fitting_height()

    def _fitting_height(self) -> int:
        """Tall enough for the tallest frame, its text and the controls, in any column up to MAX_WIDTH.

        The picture is tallest in the widest frame (it scales with the width); the text is tallest in a
        narrow one (it wraps), so each is allowed for at its worst.
        """
        ratios = [float(h) / float(w) for w, h in re.findall(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', self.html)
                  if float(w) > 0]
        picture = max(ratios, default=0.5) * (self.MAX_WIDTH - 30)
        lines = max((block.count("<p") for block in re.findall(r'<div data-step="\d+">(.*?)</div>', self.html)),
                    default=3)
        quiz = 150 if 'id="quiz-row"' in self.html else 0
        return int(min(max(150 + picture + 30 * lines + 50 + quiz, 380), 1100))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (open it in a browser for the full-size view). Returns the path."""
        return atomic_write(path, self.html)

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="{html.escape(self.title)}" '
                f'width="100%" height="{self.height}" style="border:1px solid #ccc; max-width:{self.MAX_WIDTH}px">'
                "</iframe>")

    def __repr__(self) -> str:
        return f"<BackpropPage {self.title!r}: {len(self.html) // 1024} KB, shown {self.height} px tall>"


def show_backprop(
    root: Value | GraphView,
    quiz: bool = False,
    title: str | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_FRAME_NODES,
    height: int | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> BackpropPage:
    """The stepper (or with ``quiz=True`` the quiz) of ``root`` as a :class:`BackpropPage`: the last
    expression of a notebook cell, it shows inline at notebook-column size (no file, no hand-built
    iframe). Options as for :func:`save_backprop_html`; ``height`` (pixels) overrides the fitted one."""
    if quiz:
        from .quiz_page import quiz_page

        text = quiz_page(root, title=title, rankdir=rankdir, max_nodes=max_nodes, rtol=rtol, atol=atol,
                         compact=True)
    else:
        if rtol is not None or atol is not None:
            raise ValueError("rtol and atol set how exact a quiz answer must be: pass quiz=True with them")
        text = stepper_html(root, title=title, rankdir=rankdir, max_nodes=max_nodes, compact=True)
    heading = re.search(r"<title>(.*?)</title>", text, re.S)
    return BackpropPage(text, html.unescape(heading.group(1)) if heading else "", height)


def kinds_present(source: str) -> list[str]:
    """The node kinds drawn in a frame's DOT source, in legend order."""
    return [kind for kind, (fill, _) in KINDS.items() if f'BGCOLOR="{fill}"' in source]


_STYLE = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 0; padding: 14px 24px;
       background: #fff; color: #111; font-size: 20px; line-height: 1.35; }
h1 { font-size: 28px; margin: 0 0 4px; }
.sub { margin: 0 0 10px; color: #333; font-size: 18px; max-width: 80em; }
nav { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; margin: 6px 0 10px; }
button { font: inherit; font-weight: bold; padding: 6px 22px; border: 2px solid #333; border-radius: 8px;
         background: #f4f4f4; cursor: pointer; }
button:disabled { opacity: .35; cursor: default; }
button:focus-visible, input:focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
#slider { flex: 1 1 240px; min-width: 160px; height: 28px; }
#counter { font-weight: bold; min-width: 9em; }
.keys { color: #555; font-size: 16px; }
#stage { border: 1px solid #ccc; border-radius: 8px; padding: 6px; background: #fff; overflow-x: auto; }
#stage svg { display: block; width: 100%; height: auto; }
#explanation { margin-top: 12px; font-size: 22px; }
#explanation p { margin: 3px 0; white-space: pre-wrap; }
#explanation p:first-child { font-weight: bold; }
.legend { margin-top: 10px; font-size: 16px; color: #333; display: flex; gap: 12px; flex-wrap: wrap; }
.legend span { border: 1px solid #888; padding: 1px 8px; border-radius: 4px; }
.legend .hot { border: 3px solid #d62728; }
.legend .fresh { background: #fff3b0; }
body.compact { padding: 6px 10px; font-size: 15px; }
.compact h1 { font-size: 19px; }
.compact .sub { font-size: 14px; margin-bottom: 6px; }
.compact nav { margin: 4px 0 6px; gap: 10px; }
.compact button { padding: 3px 14px; }
.compact #explanation { font-size: 16px; margin-top: 6px; }
.compact .legend { font-size: 13px; }
.compact #stage svg { min-width: 0 !important; }
body.fit { padding: 8px 24px; }
.fit h1 { font-size: 24px; }
.fit .sub { font-size: 16px; margin-bottom: 4px; }
.fit nav { margin: 4px 0 6px; }
.fit #stage { overflow: hidden; }
.fit #stage svg { min-width: 0 !important; max-height: calc(100vh - 285px); }
.fit #explanation { font-size: 18px; margin-top: 6px; }
.fit .legend { margin-top: 6px; }
""" + "".join(f'.legend [data-kind="{kind}"] {{ background: {fill}; }}\n' for kind, (fill, _) in KINDS.items())

_SCRIPT = """
(function () {
  "use strict";
  var frames = Array.prototype.slice.call(document.querySelectorAll("#stage .frame"));
  var texts = Array.prototype.slice.call(document.querySelectorAll("#texts > div"));
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var explanation = document.getElementById("explanation");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var word = document.body.getAttribute("data-step-word") || "Step";
  var current = 0;
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    frames[current].hidden = true;
    frames[i].hidden = false;
    current = i;
    slider.value = String(i + 1);
    counter.textContent = word + " " + (i + 1) + " of " + frames.length;
    explanation.replaceChildren.apply(explanation,
      Array.prototype.map.call(texts[i].childNodes, function (n) { return n.cloneNode(true); }));
    prev.disabled = i === 0;
    next.disabled = i === frames.length - 1;
    document.dispatchEvent(new CustomEvent("gradstep:step", { detail: { index: i } }));
  }
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(slider.valueAsNumber - 1); });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t === slider || (t && (t.isContentEditable || t.tagName === "TEXTAREA" ||
        (t.tagName === "INPUT" && t.type !== "range")))) { return; }  // let fields keep their keys
    if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(frames.length - 1); e.preventDefault(); }
  });
  // Wide graphs scroll sideways rather than shrink below ~90% of their natural size: tiny text is
  // worse on a projector than a scroll bar. (Set here because the CSP allows no inline style attributes.)
  frames.forEach(function (f) {
    Array.prototype.forEach.call(f.querySelectorAll("svg"), function (svg) {
      if (svg.viewBox && svg.viewBox.baseVal) {
        svg.style.minWidth = Math.round(svg.viewBox.baseVal.width * 0.9) + "px";
      }
    });
  });
  window.gradstep = { show: show, get current() { return current; }, count: frames.length };
  show(0);
})();
"""


_STEP_LEGEND = '<span class="hot">active step</span><span class="fresh">gradient just completed</span>'


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(scripts: Sequence[str] = (_SCRIPT,), styles: Sequence[str] = (_STYLE,)) -> str:
    """No fetches of any kind; only the page's own inline scripts and styles (each pinned by hash)."""
    script_src = " ".join(f"'{_sha256(text)}'" for text in scripts)
    style_src = " ".join(f"'{_sha256(text)}'" for text in styles)
    return (f"default-src 'none'; script-src {script_src}; style-src {style_src}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def stepper_page(
    title: str,
    subtitle: str,
    svgs: Sequence[str],
    texts: Sequence[Sequence[str]],
    kinds: Sequence[str] = (),
    step_word: str = "Step",
    active_legend: bool = True,
    compact: bool = False,
    fit: bool = False,
    extra_style: str = "",
) -> str:
    """The page: one inline SVG and one explanation (a list of lines, the first shown bold) per frame.
    ``fit`` scales every picture to the window (no sideways scrolling), as the training recorder does;
    ``extra_style`` is a page's own inline style (see :func:`page_html`)."""
    if len(svgs) != len(texts) or not svgs:
        raise ValueError(f"a stepper needs one explanation per frame and at least one frame "
                         f"(got {len(svgs)} frames, {len(texts)} explanations)")
    e = html.escape
    frames = [inline_svg(svg, f"f{k + 1}-") for k, svg in enumerate(svgs)]
    explanations = ["".join(f"<p>{e(line)}</p>" for line in lines) for lines in texts]
    return page_html(title, subtitle, frames, explanations, kinds, step_word=step_word,
                     active_legend=active_legend, compact=compact, fit=fit, extra_style=extra_style)


def _body_class(compact: bool, fit: bool) -> str:
    names = [name for name, on in (("compact", compact), ("fit", fit)) if on]
    return f' class="{" ".join(names)}"' if names else ""


def page_html(
    title: str,
    subtitle: str,
    frames: Sequence[str],
    explanations: Sequence[str],
    kinds: Sequence[str] = (),
    *,
    step_word: str = "Step",
    active_legend: bool = True,
    answer: str = "",
    extra_style: str = "",
    extra_script: str = "",
    data: str = "",
    compact: bool = False,
    fit: bool = False,
) -> str:
    """The stepper's skeleton, from ready-made HTML: one ``frames[k]`` and ``explanations[k]`` per step.

    ``answer`` fills the ``#answer`` slot (shown only when given), ``extra_style`` and ``extra_script``
    are a mode's own inline style and script (run after the stepper's, so ``window.gradstep`` exists),
    and ``data`` is a JSON text embedded as ``<script type="application/json" id="page-data">`` (a data
    block, which the browser never runs). ``compact`` sets smaller type and margins (a notebook column);
    ``fit`` scales each picture to the window, width and height, instead of scrolling sideways.
    Every inline script and style gets its hash in the CSP.
    """
    if len(frames) != len(explanations) or not frames:
        raise ValueError(f"a stepper needs one explanation per frame and at least one frame "
                         f"(got {len(frames)} frames, {len(explanations)} explanations)")
    e = html.escape
    n = len(frames)
    scripts = [_SCRIPT] + ([extra_script] if extra_script else [])
    styles = [_STYLE] + ([extra_style] if extra_style else [])
    frame_divs = "\n".join(
        f'<div class="frame" data-step="{k + 1}"{"" if k == 0 else " hidden"}>{frame}</div>'
        for k, frame in enumerate(frames)
    )
    text_divs = "\n".join(f'<div data-step="{k + 1}">{text}</div>' for k, text in enumerate(explanations))
    legend = "".join(
        f'<span data-kind="{kind}">{e(KINDS[kind][1])}</span>' for kind in kinds
    )
    answer_section = (f'<section id="answer" aria-label="your answer">{answer}</section>' if answer
                      else '<section id="answer" hidden></section>')
    data_block = f'<script type="application/json" id="page-data">{data}</script>\n' if data else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{e(content_security_policy(scripts, styles))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gradstep">
<title>{e(title)}</title>
{"".join(f"<style>{style}</style>" for style in styles)}
</head>
<body data-step-word="{e(step_word)}"{_body_class(compact, fit)}>
<h1>{e(title)}</h1>
<p class="sub">{e(subtitle)}</p>
<nav aria-label="steps">
<button id="prev" type="button" aria-label="previous {e(step_word.lower())}">◀ Prev</button>
<button id="next" type="button" aria-label="next {e(step_word.lower())}">Next ▶</button>
<input id="slider" type="range" min="1" max="{n}" value="1" step="1" aria-label="{e(step_word.lower())}">
<span id="counter" aria-live="polite">{e(step_word)} 1 of {n}</span>
<span class="keys">keys: ← →</span>
</nav>
<div id="stage">
{frame_divs}
</div>
<section id="explanation" aria-live="polite"></section>
{answer_section}
<div class="legend">{legend}{_STEP_LEGEND if active_legend else ""}</div>
<div id="texts" hidden>
{text_divs}
</div>
{data_block}{"".join(f"<script>{script}</script>" for script in scripts)}
</body>
</html>
"""
