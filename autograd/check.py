"""Derivatives against the limit definition: the public façade of the checking tools.

Everything a learner or a test imports lives here, in two modules with one job each:

* :mod:`autograd.limits` (teaching) — :func:`forward_difference`, :func:`central_difference` and
  :func:`limit_table`: the limit definition computed at shrinking h, convergence and then round-off;
* :mod:`autograd.derivative_check` — :func:`check_derivative` and :func:`assert_derivative`: a
  derivative formula worked by hand against the limit of the quotients, at one or many points;
* :mod:`autograd.testing` (testing) — :func:`gradcheck`, :func:`gradgradcheck`,
  :func:`assert_grad_close`: every partial derivative autograd computes, against central differences.

``from autograd.check import gradcheck, limit_table`` keeps working whichever module a name lives in.
"""

from __future__ import annotations

from .derivative_check import DerivativeError, DerivativeReport, assert_derivative, check_derivative
from .diagnose import nan_origin
from .limits import (
    DEFAULT_HS,
    LimitEstimate,
    LimitRow,
    LimitTable,
    SlopeEvidence,
    central_difference,
    estimate_limit,
    forward_difference,
    limit_table,
    slope_evidence,
)
from .report_text import WIDTH
from .testing import (
    BELOW_RESOLUTION,
    GRAPH_CUT,
    NON_DIFFERENTIABLE,
    PRESETS,
    GradcheckError,
    GradcheckReport,
    GradcheckRow,
    OpCheckReport,
    assert_grad_close,
    check_op,
    gradcheck,
    gradcheck_graph,
    gradgradcheck,
)

__all__ = [
    "check_derivative",
    "assert_derivative",
    "DerivativeReport",
    "DerivativeError",
    "forward_difference",
    "central_difference",
    "limit_table",
    "LimitTable",
    "LimitRow",
    "estimate_limit",
    "LimitEstimate",
    "slope_evidence",
    "SlopeEvidence",
    "gradcheck",
    "gradgradcheck",
    "assert_grad_close",
    "GradcheckReport",
    "GradcheckRow",
    "GradcheckError",
    "gradcheck_graph",
    "check_op",
    "OpCheckReport",
    "DEFAULT_HS",
    "NON_DIFFERENTIABLE",
    "BELOW_RESOLUTION",
    "GRAPH_CUT",
    "PRESETS",
    "nan_origin",
    "WIDTH",
]
