"""A learner's op (define_op) and the built-ins erf and softplus run over a batch with lanes.

Oracle: the scalar engine, sample by sample — the mean of the per-sample backward() passes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, define_op
from autograd.lanes import record

logistic = define_op("logistic_lanes", lambda a: 1 / (1 + math.exp(-a)), lambda m, a, out: out * (1 - out))
float_only = define_op("cube_lanes", lambda a: a**3, lambda a, out: 3 * a**2)


@pytest.mark.parametrize("op", [logistic, Value.erf, Value.softplus])
def test_lanes_give_the_scalar_engines_mean_gradient(op) -> None:
    w = Value(0.7, "w")
    xs = np.array([-2.0, -0.5, 0.0, 0.3, 1.9])
    program = record(lambda x: op(w * x), 1)
    mean = program.run(xs, reduce="mean")
    lanes_grad = w.grad
    w.grad = 0.0
    outs = []
    for x in xs:
        out = op(w * float(x))
        (out * (1 / len(xs))).backward()
        outs.append(out.data)
    assert mean == pytest.approx(sum(outs) / len(outs), rel=1e-12)
    assert lanes_grad == pytest.approx(w.grad, rel=1e-12)


def test_a_float_only_rule_says_what_lanes_need() -> None:
    w = Value(0.7, "w")
    program = record(lambda x: float_only(w * x), 1)
    with pytest.raises(TypeError, match="write it against the math namespace"):
        program.run(np.array([1.0, 2.0]), reduce="mean")
