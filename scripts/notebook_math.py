"""Math in the HTML copies of the notebooks, rendered offline.

Jupyter renders ``$…$`` and ``$$…$$`` in markdown cells with MathJax. nbconvert's HTML loads MathJax
from a CDN, so a page opened without a network (a classroom, a train, a locked-down machine) shows
raw TeX such as ``\\lim_{h \\to 0}``. Here each formula is rendered once by matplotlib's mathtext (a
dependency the course already has) into an inline SVG image, so the page is self-contained. mathtext
knows a large subset of TeX (fractions, limits, roots, sub/superscripts, Greek, most symbols), not all
of it: a formula it cannot parse raises :class:`MathError` naming the formula, so the notebook's author
hears about it rather than a reader seeing TeX.

    >>> html = render_math("The slope is $\\frac{dy}{dx}$.")   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import io
import re
from functools import cache

__all__ = ["MathError", "formulas", "render_math", "render_formula"]

# $$display$$ first, then $inline$. A dollar escaped as \$ is text; inline math may not start or end
# with a space (so "costs $5 and $6" stays text, as in Jupyter's own rule).
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\$)")

_TEXT_PT = 11.0  # the notebook's body text is about 14 px, i.e. 10.5 pt
_DISPLAY_PT = 15.0


class MathError(ValueError):
    """A formula mathtext cannot render; the message names the formula and what to change."""


def formulas(markdown: str) -> list[str]:
    """Every TeX formula in a markdown text, display ones first, in order of appearance."""
    display = _DISPLAY.findall(markdown)
    rest = _DISPLAY.sub(" ", markdown)
    return [f.strip() for f in display] + [f.strip() for f in _INLINE.findall(rest)]


@cache
def render_formula(tex: str, display: bool = False) -> str:
    """One formula as an ``<img>`` holding an inline SVG (no network, no script)."""
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buf = io.BytesIO()
    size = _DISPLAY_PT if display else _TEXT_PT
    try:
        depth = mathtext.math_to_image(f"${tex}$", buf, prop=FontProperties(size=size), format="svg")
    except Exception as exc:  # mathtext raises pyparsing's exceptions and ValueError
        raise MathError(
            f"cannot render the formula ${tex}$ ({str(exc).splitlines()[0]}); matplotlib's mathtext knows "
            "most TeX but not all of it: e.g. write \\frac for \\tfrac or \\dfrac"
        ) from None
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = html.escape(tex, quote=True)
    # mathtext measures at 72 dpi, so its pixels are points: drop the baseline by the formula's depth.
    style = "display:block;margin:0.6em auto" if display else f"vertical-align:-{depth or 0:.1f}pt"
    return f'<img class="math" alt="{alt}" style="{style}" src="data:image/svg+xml;base64,{data}">'


def render_math(markdown: str) -> str:
    """The markdown text with each ``$$…$$`` and ``$…$`` replaced by its rendered image."""
    text = _DISPLAY.sub(lambda m: render_formula(m.group(1).strip(), display=True), markdown)
    return _INLINE.sub(lambda m: render_formula(m.group(1).strip()), text)
