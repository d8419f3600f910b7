"""Notebook 01 shows the limit as rendered math, secants turning into the tangent, and both error curves.

The notebook itself is executed by test_notebooks.py (its asserts check the secant slopes −2h against
the algebra and the starred exact zeros at the critical point); this checks what the learner sees.
"""

from __future__ import annotations

import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_derivatives_and_limits.ipynb"


def _cells(kind: str) -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == kind]


def test_the_limit_definition_is_rendered_math() -> None:
    assert any("$$P'(x) = \\lim_{h \\to 0} \\frac{P(x+h) - P(x)}{h}$$" in text for text in _cells("markdown"))
    assert not any("lim_{h→0}" in text for text in _cells("markdown"))  # no plain-text limit left


def test_secants_at_the_critical_point_turn_into_the_tangent() -> None:
    (cell,) = [text for text in _cells("code") if "secant" in text and "a = 3.0" in text]
    assert "tangent at x = 3" in cell and all(f"({h}, " in cell for h in ("2.0", "1.0", "0.5", "0.1"))


def test_both_error_curves_have_their_own_marker_and_line_style() -> None:
    (cell,) = [text for text in _cells("code") if "central (P(x+h) − P(x−h))/2h" in text]
    assert '"o-"' in cell and '"s--"' in cell and 'mfc="none"' in cell


def test_the_critical_point_table_is_shown() -> None:
    assert any("limit_table(profit, 3.0)" in text and "forward_cancels" in text for text in _cells("code"))
