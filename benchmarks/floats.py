"""The floor: the same work in plain Python floats, with the backward pass written out by hand.

No graph objects at all, only the values the backward pass needs (a tape of floats). This is how fast a
pure-Python program can do the job; an autograd engine pays for its generality on top of this.
"""

from __future__ import annotations

from collections.abc import Sequence

#: A network's parameters: for each layer, for each neuron, (weights, bias).
Params = list[list[tuple[list[float], float]]]


# ---- the long chain y = y·a + b ---------------------------------------------------------------------
def chain_forward(a: float, b: float, y0: float, iterations: int) -> list[float]:
    """Forward of ``iterations`` rounds of y = y·a + b (2 ops each); returns the tape of y before each ·a."""
    tape = [0.0] * iterations
    y = y0
    for i in range(iterations):
        tape[i] = y
        y = y * a + b
    return tape


def chain_backward(tape: list[float], a: float) -> tuple[float, float, float]:
    """d(y_final)/d(a, b, y0), walking the tape backwards."""
    g = 1.0  # d(out)/d(current y)
    ga = gb = 0.0
    for y in reversed(tape):
        gb += g
        ga += y * g
        g *= a
    return ga, gb, g


# ---- the wide sum Σ aᵢ·bᵢ ---------------------------------------------------------------------------
def wide_forward(xs: Sequence[float], ys: Sequence[float]) -> float:
    total = 0.0
    for x, y in zip(xs, ys):
        total += x * y
    return total


def wide_backward(xs: Sequence[float], ys: Sequence[float], g: float = 1.0) -> tuple[list[float], list[float]]:
    """∂/∂xᵢ = yᵢ·g and ∂/∂yᵢ = xᵢ·g."""
    return [y * g for y in ys], [x * g for x in xs]


# ---- the moons MLP training step --------------------------------------------------------------------
class FloatMLP:
    """MLP with ReLU hidden layers and a linear output, trained with hinge loss + L2, all by hand.

    The loss is micrograd's demo loss: mean over samples of relu(1 − yᵢ·scoreᵢ) + alpha·Σ p², full batch.
    """

    def __init__(self, params: Params) -> None:
        self.params: Params = [[(list(w), float(b)) for w, b in layer] for layer in params]

    def loss_and_grads(self, X: Sequence[Sequence[float]], Y: Sequence[float], alpha: float) -> tuple[float, Params]:
        """The loss and its gradient for every parameter (same nesting as ``params``)."""
        params = self.params
        last = len(params) - 1
        grads: Params = [[([0.0] * len(w), 0.0) for w, _ in layer] for layer in params]
        gw = [[g[0] for g in layer] for layer in grads]
        gb = [[0.0] * len(layer) for layer in params]
        n = len(X)
        data_loss = 0.0
        for x, y in zip(X, Y):
            # forward, keeping each layer's input and its pre-activations
            inputs = [list(x)]
            pre = []
            h = inputs[0]
            for k, layer in enumerate(params):
                z = []
                for w, b in layer:
                    s = b
                    for wi, hi in zip(w, h):
                        s += wi * hi
                    z.append(s)
                pre.append(z)
                h = z if k == last else [v if v > 0.0 else 0.0 for v in z]
                inputs.append(h)
            margin = 1.0 - y * h[0]
            if margin <= 0.0:
                continue  # relu(margin) = 0 and relu'(margin) = 0: no loss, no gradient
            data_loss += margin
            # backward: d(loss)/d(score) = −y/n, then layer by layer
            dz = [-y / n]
            for k in range(last, -1, -1):
                layer = params[k]
                h_in = inputs[k]
                dh = [0.0] * len(h_in)
                gwk, gbk = gw[k], gb[k]
                for j, (w, _) in enumerate(layer):
                    d = dz[j]
                    if d == 0.0:
                        continue
                    gbk[j] += d
                    gwj = gwk[j]
                    if k:
                        for i, hi in enumerate(h_in):
                            gwj[i] += d * hi
                            dh[i] += d * w[i]
                    else:  # the first layer's inputs are data: no gradient to pass down
                        for i, hi in enumerate(h_in):
                            gwj[i] += d * hi
                if k:
                    z_prev = pre[k - 1]
                    dz = [d if zv > 0.0 else 0.0 for d, zv in zip(dh, z_prev)]
        reg = 0.0
        for k, layer in enumerate(params):
            for j, (w, b) in enumerate(layer):
                gwj = gw[k][j]
                for i, wi in enumerate(w):
                    reg += wi * wi
                    gwj[i] += 2.0 * alpha * wi
                reg += b * b
                gb[k][j] += 2.0 * alpha * b
        loss = data_loss / n + alpha * reg
        out: Params = [[(gw[k][j], gb[k][j]) for j in range(len(layer))] for k, layer in enumerate(params)]
        return loss, out

    def step(self, X: Sequence[Sequence[float]], Y: Sequence[float], lr: float, alpha: float) -> float:
        """One full-batch SGD step; returns the loss before the update."""
        loss, grads = self.loss_and_grads(X, Y, alpha)
        for layer, glayer in zip(self.params, grads):
            for j, ((w, b), (gwj, gbj)) in enumerate(zip(layer, glayer)):
                for i, g in enumerate(gwj):
                    w[i] -= lr * g
                layer[j] = (w, b - lr * gbj)
        return loss


def flatten(params: Params) -> list[float]:
    """Parameters in micrograd's order: layer by layer, neuron by neuron, weights then bias."""
    return [x for layer in params for w, b in layer for x in (*w, b)]
