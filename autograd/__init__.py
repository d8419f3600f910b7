"""gradstep's engine: scalar reverse-mode automatic differentiation, built to be watched.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(-3.0, "b")
>>> L = (a * b).tanh()
>>> L.backward()

The pieces: :mod:`autograd.value` (the node), :mod:`autograd.ops` (one rule per op),
:mod:`autograd.backward` (reverse mode), :mod:`autograd.functional` (``grad``, ``derivative``,
``no_grad``, ``detect_anomaly``), :mod:`autograd.check` (derivatives against the limit definition:
:mod:`autograd.limits` teaches, :mod:`autograd.testing` tests),
:mod:`autograd.viz` (pictures) and :mod:`autograd.practice` (backprop by hand).

The import name ``autograd`` is also used by HIPS autograd: the two cannot share one environment.
"""

from __future__ import annotations

import importlib
from typing import Any

from .backward import backprop_order
from .functional import derivative, detect_anomaly, enable_grad, grad, is_grad_enabled, no_grad
from .ops import define_op
from .value import Value, dot, sum_of

__version__ = "0.1.0"

__all__ = [
    "Value",
    "backprop_order",
    "define_op",
    "check_op",
    "check_derivative",
    "assert_derivative",
    "derivative",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "sum_of",
    "trace_backward",
    "BackpropStep",
    "Trace",
    "mark_gradients",
    "check_grads",
    "make_exercise",
    "Exercise",
    "gradcheck",
    "GradcheckError",
    "gradgradcheck",
    "limit_table",
    "draw_graph",
]

# Loaded on first use, so `import autograd` stays quick and graphviz is needed only for pictures.
_LAZY = {
    "trace_backward": "autograd.trace",
    "BackpropStep": "autograd.trace",
    "Trace": "autograd.trace",
    "mark_gradients": "autograd.practice",
    "check_grads": "autograd.practice",
    "make_exercise": "autograd.practice",
    "Exercise": "autograd.practice",
    "gradcheck": "autograd.check",
    "check_op": "autograd.check",
    "check_derivative": "autograd.check",
    "assert_derivative": "autograd.check",
    "GradcheckError": "autograd.check",
    "gradgradcheck": "autograd.check",
    "limit_table": "autograd.check",
    "draw_graph": "autograd.viz",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

#: Marks this package as gradstep's: the command line checks for this line (without importing) to tell
#: gradstep's package from another distribution's of the same import name.
__distribution__ = "gradstep"
