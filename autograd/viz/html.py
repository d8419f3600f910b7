"""The HTML stepper: a graph's backprop frames in one self-contained page.

The page needs nothing but itself: every frame is an inline SVG (rendered by ``dot`` when the page is
written), the script and the style are inline, and a Content-Security-Policy meta tag forbids every
fetch (``default-src 'none'``) while allowing exactly the inline script and style, by their SHA-256
hashes. It can be mailed, opened from a USB stick or shown offline on a projector.

Page structure (the quiz mode will build on it): ``#stage`` holds one ``.frame`` per step (only the
current one visible), ``#explanation`` shows the current step's text (copied from ``#texts``), and
``#answer`` is an empty slot under it for a per-step answer box. The script exposes
``window.gradstep = {show(i), current, count}`` and fires a ``gradstep:step`` event (``detail.index``,
0-based) on ``document`` whenever the shown step changes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
from collections.abc import Sequence
from pathlib import Path

from ..value import Value
from ._render import atomic_write, inline_svg, to_svgs
from .frames import DEFAULT_FRAME_NODES, frames_and_trace
from .graph import KINDS

__all__ = ["save_backprop_html", "stepper_page"]


def save_backprop_html(
    root: Value,
    path: str | os.PathLike[str],
    quiz: bool = False,
    title: str | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_FRAME_NODES,
) -> Path:
    """Write one self-contained HTML page that steps through backprop from ``root``, one frame per step.

    Prev/Next buttons, a slider and the ←/→ keys move between steps; the step's chain-rule explanation
    is shown under the picture. No network access (a Content-Security-Policy forbids it). The write is
    atomic. Needs Graphviz's ``dot`` program. No ``.grad`` is changed. Returns the path.
    """
    if quiz:
        raise NotImplementedError(
            "save_backprop_html(quiz=True) is not available yet: the quiz mode (the page asks for each "
            "gradient before revealing it) is planned; use quiz=False for now"
        )
    frames, trace = frames_and_trace(root, rankdir=rankdir, max_nodes=max_nodes, caption=False)
    first = trace[0]
    heading = title or f"Backprop, step by step: {first.label} = {first.formula or first.label}"
    subtitle = (
        f"Each step visits one node, after every node that uses it. Its gradient ∂{first.root_label}/∂node "
        "is then complete, and the chain rule passes local derivative × gradient back to its inputs (red). "
        "Gradients not known yet show “?”."
    )
    svgs = to_svgs(frames)
    kinds = _kinds_present(frames[0].source)
    page = stepper_page(heading, subtitle, svgs, [s.lines() for s in trace], kinds, step_word="Step")
    return atomic_write(path, page)


def _kinds_present(source: str) -> list[str]:
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
    var svg = f.querySelector("svg");
    if (svg && svg.viewBox && svg.viewBox.baseVal) {
      svg.style.minWidth = Math.round(svg.viewBox.baseVal.width * 0.9) + "px";
    }
  });
  window.gradstep = { show: show, get current() { return current; }, count: frames.length };
  show(0);
})();
"""


_STEP_LEGEND = '<span class="hot">active step</span><span class="fresh">gradient just completed</span>'


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy() -> str:
    """No fetches of any kind; only this page's own inline script and style (pinned by hash)."""
    return (f"default-src 'none'; script-src '{_sha256(_SCRIPT)}'; style-src '{_sha256(_STYLE)}'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def stepper_page(
    title: str,
    subtitle: str,
    svgs: Sequence[str],
    texts: Sequence[Sequence[str]],
    kinds: Sequence[str] = (),
    step_word: str = "Step",
    active_legend: bool = True,
) -> str:
    """The page: one inline SVG and one explanation (a list of lines, the first shown bold) per frame."""
    if len(svgs) != len(texts) or not svgs:
        raise ValueError(f"a stepper needs one explanation per frame and at least one frame "
                         f"(got {len(svgs)} frames, {len(texts)} explanations)")
    e = html.escape
    n = len(svgs)
    frames = "\n".join(
        f'<div class="frame" data-step="{k + 1}"{"" if k == 0 else " hidden"}>{inline_svg(svg, f"f{k + 1}-")}</div>'
        for k, svg in enumerate(svgs)
    )
    explanations = "\n".join(
        f'<div data-step="{k + 1}">' + "".join(f"<p>{e(line)}</p>" for line in lines) + "</div>"
        for k, lines in enumerate(texts)
    )
    legend = "".join(
        f'<span data-kind="{kind}">{e(KINDS[kind][1])}</span>' for kind in kinds
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{e(content_security_policy())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gradstep">
<title>{e(title)}</title>
<style>{_STYLE}</style>
</head>
<body data-step-word="{e(step_word)}">
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
{frames}
</div>
<section id="explanation" aria-live="polite"></section>
<section id="answer" hidden></section>
<div class="legend">{legend}{_STEP_LEGEND if active_legend else ""}</div>
<div id="texts" hidden>
{explanations}
</div>
<script>{_SCRIPT}</script>
</body>
</html>
"""

