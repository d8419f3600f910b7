"""One adapter per engine: the same workloads written in each engine's own idiom.

An adapter builds graphs (``chain``, ``wide_plus``, and for gradstep ``wide_sum_of`` / ``wide_dot``), runs
``backward`` and makes a :class:`Trainer` for the moons MLP. Engines that are not installed are still
listed, with ``available = False`` and the reason, so the table can say "not installed".
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Protocol

from .floats import FloatMLP, Params, flatten

Rows = Sequence[Sequence[float]]


class Trainer(Protocol):
    """The moons MLP of one engine, with micrograd's demo loss (hinge + alpha·Σp²) and plain SGD."""

    description: str

    def step(self) -> float:
        """Forward over all samples, backward, SGD update (with zero_grad); returns the loss."""
        ...

    def loss_and_grads(self) -> tuple[float, list[float]]:
        """Forward and backward only: the loss and every gradient, flat, in micrograd's parameter order."""
        ...


class Engine:
    """Base adapter. ``key`` names the column; ``available`` / ``reason`` say whether it can run."""

    key = ""
    title = ""
    available = True
    reason = ""
    version = ""
    #: micrograd's backward recurses once per graph level: deep graphs need :func:`timing.call_deep`.
    recursive_backward = False

    def leaves(self, xs: Sequence[float]) -> list[Any]:
        raise NotImplementedError

    def chain(self, a: Any, b: Any, y0: Any, iterations: int) -> Any:
        """``iterations`` rounds of y = y·a + b: 2·iterations op nodes, a and b shared."""
        y = y0
        for _ in range(iterations):
            y = y * a + b
        return y

    def wide_plus(self, xs: Sequence[Any], ys: Sequence[Any]) -> Any:
        """Σ xᵢ·yᵢ with + in a loop (n multiplications and n − 1 additions)."""
        total = xs[0] * ys[0]
        for i in range(1, len(xs)):
            total = total + xs[i] * ys[i]
        return total

    def backward(self, root: Any) -> None:
        root.backward()

    def trainer(self, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float) -> Trainer:
        raise NotImplementedError


def _unavailable(cls: type[Engine], exc: Exception) -> Engine:
    """A placeholder adapter that only says why ``cls`` cannot run."""
    engine = Engine()
    engine.key, engine.title, engine.available = cls.key, cls.title, False
    engine.reason = "not installed" if isinstance(exc, ImportError) else f"{type(exc).__name__}: {exc}"
    return engine


# ---- gradstep -----------------------------------------------------------------------------------------
class Gradstep(Engine):
    key = "gradstep"
    title = "gradstep"

    def __init__(self) -> None:
        import autograd

        self.ag = autograd
        self.Value = autograd.Value
        self.version = getattr(autograd, "__version__", "")

    def leaves(self, xs: Sequence[float]) -> list[Any]:
        return [self.Value(x) for x in xs]

    def wide_sum_of(self, xs: Sequence[Any], ys: Sequence[Any]) -> Any:
        """Σ xᵢ·yᵢ as n multiplications and one ``autograd.sum_of`` node."""
        return self.ag.sum_of([x * y for x, y in zip(xs, ys)])

    def wide_dot(self, xs: Sequence[Any], ys: Sequence[Any]) -> Any:
        """Σ xᵢ·yᵢ as one ``autograd.dot`` node."""
        return self.ag.dot(xs, ys)

    def trainer(self, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float) -> Trainer:
        return GradstepTrainer(self.ag, params, X, Y, lr, alpha)


class _DotMLP:
    """Stand-in for ``nn.MLP`` while nn does not exist: one ``autograd.dot`` node per neuron."""

    def __init__(self, ag: Any, params: Params) -> None:
        self.ag = ag
        self.layers = [[([ag.Value(x) for x in w], ag.Value(b)) for w, b in layer] for layer in params]

    def __call__(self, x: Sequence[Any]) -> Any:
        dot = self.ag.dot
        last = len(self.layers) - 1
        for k, layer in enumerate(self.layers):
            if k == last:
                x = [dot(w, x, b) for w, b in layer]
            else:
                x = [dot(w, x, b).relu() for w, b in layer]
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


class _PlainSGD:
    def __init__(self, params: list[Any], lr: float) -> None:
        self.params, self.lr = params, lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        lr = self.lr
        for p in self.params:
            p.data -= lr * p.grad


def _ordered_parameters(model: Any) -> list[Any]:
    """nn.MLP's parameters in micrograd's order (layer, neuron, weights then bias)."""
    layers = getattr(model, "layers", None)
    try:
        ordered = [
            p
            for layer in layers
            for neuron in layer.neurons
            for p in (*_first_attr(neuron, ("w", "weights", "weight")), _first_attr(neuron, ("b", "bias")))
        ]
    except (TypeError, AttributeError):
        return list(model.parameters())
    return ordered if len(ordered) == len(list(model.parameters())) else list(model.parameters())


def _first_attr(obj: Any, names: Sequence[str]) -> Any:
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(f"{type(obj).__name__} has none of {names}")


class GradstepTrainer:
    """gradstep's MLP step: ``nn.MLP`` and ``optim.SGD`` when they exist, the loss summed with ``sum_of``."""

    def __init__(self, ag: Any, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float) -> None:
        self.ag, self.X, self.Y, self.alpha = ag, [list(map(float, r)) for r in X], list(Y), alpha
        sizes = [len(params[0][0][0])] + [len(layer) for layer in params]
        try:
            nn = importlib.import_module("nn")
            optim = importlib.import_module("optim")
            model = nn.MLP(sizes[0], sizes[1:], rng=0)
            ordered = _ordered_parameters(model)
            init = flatten(params)
            if len(ordered) != len(init):
                raise ValueError(f"nn.MLP has {len(ordered)} parameters, expected {len(init)}")
            for p, x in zip(ordered, init):
                p.data = x
            self.model, self.params = model, ordered
            self.optimizer = optim.SGD(model.parameters(), lr=lr)
            self.description = "nn.MLP + optim.SGD"
        except (ImportError, AttributeError) as exc:
            self.model = _DotMLP(ag, params)
            self.params = self.model.parameters()
            self.optimizer = _PlainSGD(self.params, lr)
            self.description = f"autograd.dot MLP in the harness (nn/optim not usable: {type(exc).__name__})"

    def _loss(self) -> Any:
        Value, sum_of = self.ag.Value, self.ag.sum_of
        model = self.model
        inputs = [[Value(x) for x in row] for row in self.X]
        scores = [model(x) for x in inputs]
        losses = [(1.0 - y * s).relu() for y, s in zip(self.Y, scores)]
        data_loss = sum_of(losses) * (1.0 / len(losses))
        reg_loss = self.alpha * sum_of([p * p for p in self.params])
        return data_loss + reg_loss

    def step(self) -> float:
        total = self._loss()
        self.optimizer.zero_grad()
        total.backward()
        self.optimizer.step()
        return total.data

    def loss_and_grads(self) -> tuple[float, list[float]]:
        total = self._loss()
        self.optimizer.zero_grad()
        total.backward()
        return total.data, [p.grad for p in self.params]


# ---- micrograd ----------------------------------------------------------------------------------------
class Micrograd(Engine):
    key = "micrograd"
    title = "micrograd 0.1.0"
    recursive_backward = True

    def __init__(self) -> None:
        engine = importlib.import_module("micrograd.engine")
        self.nn = importlib.import_module("micrograd.nn")
        self.Value = engine.Value
        try:
            from importlib.metadata import version

            self.version = version("micrograd")
        except Exception:  # metadata is informative only
            self.version = "?"

    def leaves(self, xs: Sequence[float]) -> list[Any]:
        return [self.Value(x) for x in xs]

    def trainer(self, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float) -> Trainer:
        return MicrogradTrainer(self, params, X, Y, lr, alpha)


class MicrogradTrainer:
    """The training step of micrograd's demo notebook, with a fixed learning rate."""

    description = "micrograd.nn.MLP, loop as in its demo notebook"

    def __init__(self, mg: Micrograd, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float):
        sizes = [len(params[0][0][0])] + [len(layer) for layer in params]
        self.model = mg.nn.MLP(sizes[0], sizes[1:])
        self.params = self.model.parameters()
        for p, x in zip(self.params, flatten(params), strict=True):
            p.data = x
        self.Value, self.X, self.Y, self.lr, self.alpha = mg.Value, [list(r) for r in X], list(Y), lr, alpha

    def _loss(self) -> Any:
        Value, model = self.Value, self.model
        inputs = [list(map(Value, row)) for row in self.X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = self.alpha * sum(p * p for p in self.params)
        return data_loss + reg_loss

    def step(self) -> float:
        total = self._loss()
        self.model.zero_grad()
        total.backward()
        lr = self.lr
        for p in self.params:
            p.data -= lr * p.grad
        return total.data

    def loss_and_grads(self) -> tuple[float, list[float]]:
        total = self._loss()
        self.model.zero_grad()
        total.backward()
        return total.data, [float(p.grad) for p in self.params]


# ---- PyTorch, 0-dim tensors -----------------------------------------------------------------------------
class Torch(Engine):
    key = "torch"
    title = "PyTorch (0-dim tensors)"

    def __init__(self) -> None:
        self.torch = importlib.import_module("torch")
        self.version = self.torch.__version__
        self.torch.set_num_threads(1)  # scalar graphs: threads only add hand-off cost

    def leaves(self, xs: Sequence[float]) -> list[Any]:
        t = self.torch
        return [t.tensor(float(x), dtype=t.float64, requires_grad=True) for x in xs]

    def trainer(self, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float) -> Trainer:
        return TorchTrainer(self, params, X, Y, lr, alpha)


class TorchTrainer:
    """micrograd's demo step with every scalar a 0-dim float64 tensor (a scalar graph, not matrices)."""

    description = "0-dim float64 tensors, neuron sums with + as in micrograd"

    def __init__(self, tr: Torch, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float):
        self.torch = tr.torch
        self.layers = [[(tr.leaves(w), tr.leaves([b])[0]) for w, b in layer] for layer in params]
        self.params = [p for layer in self.layers for w, b in layer for p in (*w, b)]
        self.X, self.Y, self.lr, self.alpha = [list(r) for r in X], list(Y), lr, alpha

    def _loss(self) -> Any:
        t = self.torch
        relu = t.relu
        last = len(self.layers) - 1
        scores = []
        for row in self.X:
            h = [t.tensor(float(x), dtype=t.float64) for x in row]
            for k, layer in enumerate(self.layers):
                z = [sum((wi * xi for wi, xi in zip(w, h)), b) for w, b in layer]
                h = z if k == last else [relu(v) for v in z]
            scores.append(h[0])
        losses = [relu(1 + -yi * si) for yi, si in zip(self.Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = self.alpha * sum(p * p for p in self.params)
        return data_loss + reg_loss

    def _zero(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> float:
        total = self._loss()
        self._zero()
        total.backward()
        with self.torch.no_grad():
            for p in self.params:
                p -= self.lr * p.grad
        return float(total.item())

    def loss_and_grads(self) -> tuple[float, list[float]]:
        total = self._loss()
        self._zero()
        total.backward()
        return float(total.item()), [float(p.grad.item()) for p in self.params]


# ---- plain floats -------------------------------------------------------------------------------------
class FloatTrainer:
    description = "hand-written forward and backward"

    def __init__(self, params: Params, X: Rows, Y: Sequence[float], lr: float, alpha: float) -> None:
        self.mlp = FloatMLP(params)
        self.X, self.Y, self.lr, self.alpha = [list(map(float, r)) for r in X], list(Y), lr, alpha

    def step(self) -> float:
        return self.mlp.step(self.X, self.Y, self.lr, self.alpha)

    def loss_and_grads(self) -> tuple[float, list[float]]:
        loss, grads = self.mlp.loss_and_grads(self.X, self.Y, self.alpha)
        return loss, flatten(grads)


ENGINE_CLASSES: dict[str, type[Engine]] = {"gradstep": Gradstep, "micrograd": Micrograd, "torch": Torch}


def load_engines(keys: Sequence[str] = ("gradstep", "micrograd", "torch")) -> list[Engine]:
    """The adapters named by ``keys``; the ones that cannot be imported are marked unavailable."""
    found: list[Engine] = []
    for cls in (ENGINE_CLASSES[k] for k in keys):
        try:
            found.append(cls())
        except Exception as exc:  # ImportError, or a broken install: report it and go on
            found.append(_unavailable(cls, exc))
    return found
