"""nn.losses: values against the formulas computed with plain floats, gradients against central
differences, numerical safety at the extremes, and clear errors."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad
from nn import binary_cross_entropy, cross_entropy, hinge_loss, mse_loss, softmax


def numeric_gradient(f, xs, h=1e-6):
    """Central differences of f (a function of plain floats returning a float) at xs."""
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


def check_gradient(loss_of_values, xs, rel=1e-5, abs_=1e-7):
    leaves = [Value(x) for x in xs]
    analytic = grad(loss_of_values(leaves), leaves)
    numeric = numeric_gradient(lambda v: loss_of_values([Value(x) for x in v]).data, xs)
    assert analytic == pytest.approx(numeric, rel=rel, abs=abs_)


def _nodes(root):
    seen, stack = [], [root]
    while stack:
        node = stack.pop()
        seen.append(node)
        stack.extend(node.parents)
    return seen


# ---- mse ----------------------------------------------------------------------------------------------
PREDS = [0.3, -1.2, 2.5, 0.9]
TARGETS = [0.0, -1.0, 3.0, 1.0]


def test_mse_value_is_the_mean_of_squared_errors():
    want = sum((p - t) ** 2 for p, t in zip(PREDS, TARGETS)) / len(PREDS)
    assert mse_loss([Value(p) for p in PREDS], TARGETS).data == pytest.approx(want, abs=1e-15)


def test_mse_gradient_matches_central_differences():
    check_gradient(lambda v: mse_loss(v, TARGETS), PREDS)


def test_a_loss_over_many_examples_is_one_n_ary_sum_node():
    loss = mse_loss([Value(float(i)) for i in range(50)], [0.0] * 50)
    sums = [n for n in _nodes(loss) if n.op == "sum"]
    assert len(sums) == 1 and len(sums[0].parents) == 50


# ---- hinge ----------------------------------------------------------------------------------------------
SCORES = [0.3, -1.7, 2.5, 0.4, -0.2]
LABELS01 = [1, 0, 1, 0, 0]


def test_hinge_value_with_0_1_and_plus_minus_1_labels():
    signs = [1 if y == 1 else -1 for y in LABELS01]
    want = sum(max(0.0, 1 - y * s) for s, y in zip(SCORES, signs)) / len(SCORES)
    assert hinge_loss([Value(s) for s in SCORES], LABELS01).data == pytest.approx(want, abs=1e-15)
    assert hinge_loss([Value(s) for s in SCORES], signs).data == pytest.approx(want, abs=1e-15)


def test_hinge_gradient_matches_central_differences_away_from_the_kink():
    check_gradient(lambda v: hinge_loss(v, LABELS01), SCORES)


def test_hinge_rejects_bad_labels_and_mismatched_lengths():
    with pytest.raises(ValueError, match="0/1 or −1/\\+1"):
        hinge_loss([Value(0.0)], [2])
    with pytest.raises(ValueError, match="mix 0 and −1"):
        hinge_loss([Value(0.0), Value(1.0)], [0, -1])
    with pytest.raises(ValueError, match="got 2 scores but 3 labels"):
        hinge_loss([Value(0.0), Value(1.0)], [0, 1, 1])


# ---- binary cross-entropy ----------------------------------------------------------------------
PROBS = [0.2, 0.9, 0.55, 0.01]
BINARY = [0, 1, 1, 0]


def test_bce_value_on_probabilities():
    want = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(PROBS, BINARY)) / len(PROBS)
    assert binary_cross_entropy([Value(p) for p in PROBS], BINARY).data == pytest.approx(want, rel=1e-12)


def test_bce_gradient_on_probabilities_matches_central_differences():
    check_gradient(lambda v: binary_cross_entropy(v, [0.3, 1, 0.8, 0]), PROBS)


@pytest.mark.parametrize("p, t", [(0.0, 1), (1.0, 0), (0.0, 0), (1.0, 1)])
def test_bce_is_finite_at_probabilities_0_and_1(p, t):
    x = Value(p)
    loss = binary_cross_entropy([x], [t])
    loss.backward()
    assert math.isfinite(loss.data) and math.isfinite(x.grad)
    if p != t:  # confidently wrong: a large loss, and the gradient still pushes towards the label
        assert loss.data > 10
        assert (x.grad < 0) == (t == 1)


LOGITS = [-2.0, 0.7, 3.1, -0.4]


def test_bce_from_logits_equals_bce_of_the_sigmoid():
    probs = [1 / (1 + math.exp(-z)) for z in LOGITS]
    a = binary_cross_entropy([Value(z) for z in LOGITS], BINARY, from_logits=True).data
    b = binary_cross_entropy([Value(p) for p in probs], BINARY).data
    assert a == pytest.approx(b, rel=1e-12)


def test_bce_from_logits_gradient_is_sigmoid_minus_target_over_n():
    leaves = [Value(z) for z in LOGITS + [0.0]]
    targets = BINARY + [1]
    grads = grad(binary_cross_entropy(leaves, targets, from_logits=True), leaves)
    want = [(1 / (1 + math.exp(-z)) - t) / len(leaves) for z, t in zip(LOGITS + [0.0], targets)]
    assert grads == pytest.approx(want, abs=1e-12)
    check_gradient(lambda v: binary_cross_entropy(v, [0.2, 1, 0, 0.7], from_logits=True), LOGITS)


@pytest.mark.parametrize("z", [-1000.0, 1000.0])
def test_bce_from_logits_never_overflows(z):
    x = Value(z)
    wrong = 0 if z > 0 else 1
    loss = binary_cross_entropy([x], [wrong], from_logits=True)
    loss.backward()
    assert loss.data == pytest.approx(abs(z))  # −ln σ(−|z|) ≈ |z|
    assert abs(x.grad) == pytest.approx(1.0)


def test_bce_errors_are_clear():
    with pytest.raises(ValueError, match="from_logits=True"):
        binary_cross_entropy([Value(2.5)], [1])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        binary_cross_entropy([Value(0.5)], [2])
    with pytest.raises(ValueError, match="pair up"):
        binary_cross_entropy([Value(0.5)], [1, 0])


# ---- cross-entropy ---------------------------------------------------------------------------------------
ROW = [1.5, -0.3, 0.8, 2.2]


def test_cross_entropy_is_minus_log_softmax_of_the_target():
    for target in range(len(ROW)):
        want = math.log(sum(math.exp(z) for z in ROW)) - ROW[target]
        assert cross_entropy([Value(z) for z in ROW], target).data == pytest.approx(want, rel=1e-12)


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    leaves = [Value(z) for z in ROW]
    grads = grad(cross_entropy(leaves, 2), leaves)
    total = sum(math.exp(z) for z in ROW)
    want = [math.exp(z) / total - (1.0 if i == 2 else 0.0) for i, z in enumerate(ROW)]
    assert grads == pytest.approx(want, abs=1e-12)
    check_gradient(lambda v: cross_entropy(v, 0), ROW)


def test_cross_entropy_is_stable_for_huge_logits():
    loss = cross_entropy([Value(1000.0), Value(0.0), Value(-1000.0)], 1)
    assert loss.data == pytest.approx(1000.0)
    probs = softmax([Value(1000.0), Value(999.0)])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert probs[0].data == pytest.approx(1 / (1 + math.exp(-1)))


def test_cross_entropy_over_a_batch_is_the_mean():
    rows = [[Value(z) for z in ROW], [Value(0.0), Value(1.0), Value(2.0), Value(3.0)]]
    one = [cross_entropy(rows[0], 1).data, cross_entropy(rows[1], 3).data]
    assert cross_entropy(rows, [1, 3]).data == pytest.approx(sum(one) / 2, rel=1e-12)


def test_cross_entropy_rejects_bad_targets():
    logits = [Value(0.0), Value(1.0)]
    with pytest.raises(ValueError, match="out of range"):
        cross_entropy(logits, 2)
    with pytest.raises(ValueError, match="class index"):
        cross_entropy(logits, 0.5)
    with pytest.raises(ValueError, match="at least 2 logits"):
        cross_entropy([Value(0.0)], 0)


# ---- bce from logits: accurate where the loss is tiny ------------------------------------------------------
# The oracle is mpmath at 50 digits: −ln σ(z) = ln(1 + e⁻ᶻ), and d/dz of t·(−ln σ(z)) + (1 − t)·(−ln σ(−z))
# is σ(z) − t (derived by hand: d/dz ln(1 + e⁻ᶻ) = −e⁻ᶻ/(1 + e⁻ᶻ) = −σ(−z) = σ(z) − 1).
# (Up to |z| = 700: beyond it e⁻ᶻ is a subnormal float, with fewer digits than a relative bound needs.)
ZS = [k / 4 for k in range(-200, 201)] + [0.1, 1e-3, 1e-9, 36.7, 40.0, 600.0, 700.0]


def _exact_bce(z, t):
    mp = pytest.importorskip("mpmath")
    with mp.workdps(50):
        z = mp.mpf(z)
        softplus = lambda x: mp.log(1 + mp.exp(x))  # noqa: E731 - ln(1 + eˣ), exact at 50 digits
        value = t * softplus(-z) + (1 - t) * softplus(z)
        slope = 1 / (1 + mp.exp(-z)) - t
        return value, slope


def _rel(got, exact):
    return abs(got - float(exact)) / abs(float(exact)) if exact != 0 else abs(got)


@pytest.mark.parametrize("t", [1.0, 0.0, 0.3])
def test_bce_from_logits_is_accurate_to_a_few_ulps_even_where_the_loss_is_tiny(t):
    worst_value = worst_slope = 0.0
    for z in ZS:
        x = Value(z if t != 0.0 else -z)  # t = 0 mirrors t = 1: the loss is tiny for large negative z
        loss = binary_cross_entropy([x], [t], from_logits=True)
        loss.backward()
        value, slope = _exact_bce(x.data, t)
        worst_value = max(worst_value, _rel(loss.data, value))
        # A slope of σ(z) − t with t = 0.3 is a difference of O(1) numbers: judge it absolutely.
        worst_slope = max(worst_slope, _rel(x.grad, slope) if t in (0.0, 1.0) else abs(x.grad - float(slope)))
    assert worst_value < 1e-15  # a few units in the last place (2.2e-16 each)
    assert worst_slope < 1e-15


def test_bce_from_logits_at_40_is_4_2e_minus_18_not_0():
    loss = binary_cross_entropy([Value(40.0)], [1], from_logits=True)
    value, _ = _exact_bce(40.0, 1.0)
    assert 4.24e-18 < float(value) < 4.25e-18
    assert loss.data == pytest.approx(float(value), rel=1e-15, abs=0.0)
