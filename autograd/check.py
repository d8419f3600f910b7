"""Derivatives against the limit definition: the public façade of the checking tools.

Everything a learner or a test imports lives here, in two modules with one job each:

* :mod:`autograd.limits` (teaching) — :func:`forward_difference`, :func:`central_difference` and
  :func:`limit_table`: the limit definition computed at shrinking h, convergence and then round-off;
* :mod:`autograd.testing` (testing) — :func:`gradcheck`, :func:`gradgradcheck`,
  :func:`assert_grad_close`: every partial derivative autograd computes, against central differences.

``from autograd.check import gradcheck, limit_table`` keeps working whichever module a name lives in.
"""

from __future__ import annotations

from .diagnose import nan_origin
from .limits import DEFAULT_HS, LimitRow, LimitTable, central_difference, forward_difference, limit_table
from .report_text import WIDTH
from .testing import (
    BELOW_RESOLUTION,
    NON_DIFFERENTIABLE,
    GradcheckError,
    GradcheckReport,
    GradcheckRow,
    assert_grad_close,
    gradcheck,
    gradcheck_graph,
    gradgradcheck,
)

__all__ = [
    "forward_difference",
    "central_difference",
    "limit_table",
    "LimitTable",
    "LimitRow",
    "gradcheck",
    "gradgradcheck",
    "assert_grad_close",
    "GradcheckReport",
    "GradcheckRow",
    "GradcheckError",
    "gradcheck_graph",
    "DEFAULT_HS",
    "NON_DIFFERENTIABLE",
    "BELOW_RESOLUTION",
    "nan_origin",
    "WIDTH",
]
