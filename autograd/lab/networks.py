"""The lab's neuron, MLP and loss as recipes, so gradstep's engine can compute what the learner's should.

Parameters are ordered as micrograd orders them (and the starter asks): layer by layer, neuron by
neuron, each neuron's weights then its bias. A neuron computes ``relu(b + w1·x1 + … + wn·xn)``; the
last layer is linear. Names follow gradstep's naming policy for networks: ``L1.n2.w1``, ``L1.n2.b``,
inputs ``x1 … xn``, the neuron's output ``L1.n2``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .diagnosis import build_mirror

__all__ = ["parameter_names", "mlp_recipe", "loss_recipe", "simulate_training"]


def parameter_names(nin: int, nouts: Sequence[int]) -> list[str]:
    names = []
    sizes = [nin, *nouts]
    for layer in range(len(nouts)):
        for j in range(sizes[layer + 1]):
            names += [f"L{layer + 1}.n{j + 1}.w{i + 1}" for i in range(sizes[layer])] + [f"L{layer + 1}.n{j + 1}.b"]
    return names


def _forward(recipe: list, nin: int, nouts: Sequence[int], inputs: list[str], prefix: str = "") -> list[str]:
    """Append the forward pass to ``recipe``; the names of the last layer's outputs."""
    sizes = [nin, *nouts]
    current = inputs
    for layer in range(len(nouts)):
        last = layer == len(nouts) - 1
        outputs = []
        for j in range(sizes[layer + 1]):
            unit = f"L{layer + 1}.n{j + 1}"
            total = f"{unit}.b"
            for i, x in enumerate(current):
                product = f"{prefix}{unit}.w{i + 1}x"
                recipe.append([product, "mul", f"{unit}.w{i + 1}", x])
                summed = f"{prefix}{unit}.z{i + 1}" if i < len(current) - 1 else f"{prefix}{unit}.z"
                recipe.append([summed, "add", total, product])
                total = summed
            if not last:
                recipe.append([f"{prefix}{unit}", "relu", total])
                outputs.append(f"{prefix}{unit}")
            else:
                outputs.append(total)
        current = outputs
    return current


def mlp_recipe(nin: int, nouts: Sequence[int], params: Sequence[float], x: Sequence[float],
               out: str = "out") -> list:
    """One forward pass of the network on ``x``; its output is named ``out``."""
    recipe: list = [[n, "leaf", v] for n, v in zip(parameter_names(nin, nouts), params)]
    inputs = [f"x{i + 1}" for i in range(len(x))]
    recipe += [[name, "leaf", v] for name, v in zip(inputs, x)]
    (last,) = _forward(recipe, nin, nouts, inputs)
    assert recipe[-1][0] == last  # the output is the last step: rename it, nothing refers to it yet
    recipe[-1][0] = out
    return recipe


def loss_recipe(nin: int, nouts: Sequence[int], params: Sequence[float], xs: Sequence[Sequence[float]],
                ys: Sequence[float]) -> list:
    """The starter's mse_loss: (sum over samples of (prediction − y)²) / n, named ``loss``."""
    recipe: list = [[n, "leaf", v] for n, v in zip(parameter_names(nin, nouts), params)]
    total = None
    for s, (x, y) in enumerate(zip(xs, ys)):
        inputs = [f"s{s + 1}.x{i + 1}" for i in range(len(x))]
        recipe += [[name, "leaf", v] for name, v in zip(inputs, x)]
        recipe.append([f"s{s + 1}.y", "leaf", y])
        (pred,) = _forward(recipe, nin, nouts, inputs, prefix=f"s{s + 1}.")
        recipe.append([f"s{s + 1}.err", "sub", pred, f"s{s + 1}.y"])
        recipe.append([f"s{s + 1}.sq", "pow", f"s{s + 1}.err", 2])
        if total is None:
            total = f"s{s + 1}.sq"
        else:
            recipe.append([f"sum{s + 1}", "add", total, f"s{s + 1}.sq"])
            total = f"sum{s + 1}"
    recipe.append(["n", "leaf", float(len(ys))])
    recipe.append(["loss", "div", total, "n"])
    return recipe


def simulate_training(nin: int, nouts: Sequence[int], params: Sequence[float], xs: Sequence[Sequence[float]],
                      ys: Sequence[float], lr: float, steps: int, zero: bool = True,
                      direction: float = -1.0) -> tuple[list[list[float]], list[float]]:
    """``steps`` steps of the starter's train_step, computed by gradstep's engine.

    ``zero=False`` never zeroes the gradients (each step's gradients add to the last ones);
    ``direction=+1`` steps up the gradient. Returns the parameters after each step and each step's loss.
    """
    names = parameter_names(nin, nouts)
    current = [float(p) for p in params]
    grads = [0.0] * len(current)
    after, losses = [], []
    for _ in range(steps):
        mirror = build_mirror(loss_recipe(nin, nouts, current, xs, ys))
        mirror.root.backward()
        fresh = [mirror.nodes[n].grad for n in names]
        grads = fresh if zero else [g + f for g, f in zip(grads, fresh)]
        losses.append(mirror.root.data)
        current = [p + direction * lr * g for p, g in zip(current, grads)]
        after.append(list(current))
    return after, losses
