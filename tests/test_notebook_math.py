"""Formulas in the notebooks' HTML copies are rendered offline (scripts/notebook_math.py), never raw TeX."""

from __future__ import annotations

import base64
import re

import nbformat
import pytest
from test_notebooks import NOTEBOOKS, _load_script

notebook_math = _load_script("notebook_math")
run_notebooks = _load_script("run_notebooks")

LIMIT = r"f'(x) = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}"


def _images(html: str) -> list[str]:
    return re.findall(r'<img class="math" alt="[^"]*" style="[^"]*" src="data:image/svg\+xml;base64,([^"]+)">', html)


def test_display_and_inline_formulas_become_svg_images() -> None:
    text = f"The limit $$ {LIMIT} $$ and the slope $P'(3) = 0$ at the top."
    out = notebook_math.render_math(text)
    svgs = _images(out)
    assert len(svgs) == 2
    for svg in svgs:
        assert base64.b64decode(svg).lstrip().startswith(b"<?xml")   # a real SVG document
    assert "$" not in out and "\\lim" not in out.split('alt="')[0]
    assert out.startswith("The limit <img") and out.endswith(" at the top.")


def test_dollars_that_are_not_math_stay_text() -> None:
    for text in ["It costs $5 and $6 to make.", r"An escaped \$ sign.", "no math at all"]:
        assert notebook_math.render_math(text) == text


def test_a_formula_mathtext_cannot_parse_is_named() -> None:
    with pytest.raises(notebook_math.MathError, match=r"\\tfrac"):
        notebook_math.render_formula(r"\tfrac{1}{2}")


def test_the_html_copy_has_no_raw_tex() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"By the limit definition $${LIMIT}$$ for small $h$."))
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(run_notebooks.with_rendered_math(nb))
    # What a reader sees: the page without its scripts and styles (MathJax's config mentions "$$") and
    # without the images' alt texts (which keep the TeX for screen readers and copy-paste).
    visible = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.DOTALL)
    visible = re.sub(r'alt="[^"]*"', "", visible)
    assert "\\lim" not in visible and "$$" not in visible
    assert len(re.findall(r'class="math"', html)) == 2
    assert "$$" in nb.cells[0].source   # the notebook itself keeps its TeX for Jupyter's MathJax


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_formula_in_the_course_renders(path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for tex in notebook_math.formulas(cell.source):
                notebook_math.render_formula(tex)   # raises MathError naming the formula
