"""The starter files ``gradstep lab init DIR`` writes: an engine, a network file, the limit, a README.

``engine.py`` is micrograd's shape (``Value(data, _children=(), _op='')``, ``.data``, ``.grad``,
``_backward`` closures, ``backward()``) with every op, every local derivative and ``backward()`` left
as a stub that raises ``NotImplementedError`` naming its task. ``network.py`` holds the neuron, the MLP
and the training loop, ``limit.py`` the limit definition. No file shadows gradstep's own packages
(``autograd``, ``nn``, ``optim``), so the learner's folder can be the current folder of a notebook
that also imports gradstep. Nothing is overwritten unless asked.
"""

from __future__ import annotations

from pathlib import Path

from ..files import atomic_write_text
from .tasks import DEEP_CHAIN, TARGET_LOSS, TASKS, UPSTREAM

__all__ = ["STARTER_FILES", "write_starter", "readme_text", "ExistingFiles", "RESERVED_NAMES"]

#: Names a starter file must never have: gradstep's import packages.
RESERVED_NAMES = frozenset({"autograd", "nn", "optim", "gradstep"})


class ExistingFiles(FileExistsError):
    """``init`` would overwrite files; nothing was written."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        names = ", ".join(str(p) for p in paths)
        super().__init__(f"{names} already exist{'s' if len(paths) == 1 else ''}; nothing was written "
                         "(pass --force to overwrite them with the starter)")


def _stub(task: str, what: str) -> str:
    return f'raise NotImplementedError("task {task}: {what}")'


def _op(name: str, signature: str, task: str, doc: str, convert: bool = True) -> str:
    other = "        other = other if isinstance(other, Value) else Value(other)\n" if convert else ""
    return (
        f"    def {name}({signature}):\n"
        f'        """Task {task}: {doc}"""\n'
        f"{other}"
        f"        {_stub(task, f'write Value.{name}')}\n"
    )


ENGINE = f'''"""My autograd engine: a scalar Value that remembers how it was computed, and backprop through it.

Written task by task; `gradstep lab check .` runs the tasks (see README.md) and, when one fails, says
what the numbers of the graph it tried point to. The checker uses only this interface, the one of
Karpathy's micrograd lecture: Value(data, _children=(), _op=''), .data, .grad, ._backward, .backward(),
the operators + - * / and ** with a number, unary -, and the methods exp(), tanh(), relu(). Add
whatever else you like (labels, more ops, a nicer __repr__).
"""

import math


class Value:
    """A number in a computation graph: its value, its gradient, and how it was made."""

    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0.0                 # dL/dself, filled in by backward()
        self._backward = lambda: None   # an op sets this on its output: it passes out.grad back to the inputs
        self._prev = set(_children)     # the Values this one was computed from
        self._op = _op                  # the op that made it, for debugging

    def __repr__(self):
        return f"Value(data={{self.data}}, grad={{self.grad}})"

    # Each op makes out = Value(<forward value>, (self, other), '<op>') and gives it a _backward
    # closure that ADDS (+=) to each input's .grad its local derivative ∂out/∂input times out.grad.
    # Which local derivative? Work it out (the limit definition of limit.py can check you), then
    # `gradstep lab check . --task add` checks the engine.

{_op("__add__", "self, other", "add", "self + other.")}
{_op("__mul__", "self, other", "mul", "self * other.")}
{_op("__neg__", "self", "neg", "-self.", convert=False)}
{_op("__sub__", "self, other", "sub", "self - other (its own op, or built from + and unary -).")}
{_op("__truediv__", "self, other", "div", "self / other (its own op, or self * other**-1).")}
    def __pow__(self, n):
        """Task pow: self ** n for a number n (int or float)."""
        assert isinstance(n, (int, float)), "only a number exponent"
        {_stub("pow", "write Value.__pow__")}

{_op("exp", "self", "exp", "e to the power self.", convert=False)}
{_op("tanh", "self", "tanh", "the hyperbolic tangent of self.", convert=False)}
{_op("relu", "self", "relu", "self if self > 0, else 0.", convert=False)}
    # A number on the left (2 * a, 1 - a, ...): these hand over to the ops above.
    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def backward(self):
        """Tasks add, order and deep-chain: fill in .grad of every Value this one was computed from.

        Set self.grad = 1 (dself/dself), then call each node's _backward, each node only after every
        node that uses it has called its own: that is a topological order, reversed. The task order
        checks graphs that reuse a node; deep-chain a graph {DEEP_CHAIN:,} ops deep.
        """
        {_stub("add", "write Value.backward() (it is needed from the first op on)")}
'''

LIMIT = '''"""The limit definition of the derivative: the first task of the lab (gradstep lab check . --task limit)."""


def numeric_derivative(f, x, h=1e-6):
    """The derivative of f at x from the limit definition, at the small step h (no autograd).

    Task limit: how much f changes per unit change of x, between x and x + h.
    """
    raise NotImplementedError("task limit: write numeric_derivative(f, x, h)")
'''

NETWORK = f'''"""A neuron, an MLP and the training loop, on top of engine.py (tasks neuron ... training)."""

import random

from engine import Value


class Module:
    """Anything with parameters."""

    def zero_grad(self):
        """Task zero-grad: set the .grad of every parameter to 0."""
        raise NotImplementedError("task zero-grad: write Module.zero_grad()")

    def parameters(self):
        return []


class Neuron(Module):
    """relu(w·x + b) (or just w·x + b with nonlin=False)."""

    def __init__(self, nin, nonlin=True):
        """Task neuron: nin weights self.w (random, e.g. random.uniform(-1, 1)), a bias self.b (a Value)."""
        raise NotImplementedError("task neuron: write Neuron.__init__")

    def __call__(self, x):
        """Task neuron: x is a list of numbers (or Values); return a Value."""
        raise NotImplementedError("task neuron: write Neuron.__call__")

    def parameters(self):
        """Task neuron: the weights, then the bias."""
        raise NotImplementedError("task neuron: write Neuron.parameters()")


class Layer(Module):
    """nout neurons that all read the same inputs."""

    def __init__(self, nin, nout, nonlin=True):
        raise NotImplementedError("task mlp: write Layer.__init__")

    def __call__(self, x):
        """The list of the neurons' outputs (just the Value when there is one neuron)."""
        raise NotImplementedError("task mlp: write Layer.__call__")

    def parameters(self):
        """Neuron by neuron."""
        raise NotImplementedError("task mlp: write Layer.parameters()")


class MLP(Module):
    """Layers of sizes nouts (e.g. MLP(2, [4, 1])); every layer relu but the last, which is linear."""

    def __init__(self, nin, nouts):
        raise NotImplementedError("task mlp: write MLP.__init__")

    def __call__(self, x):
        raise NotImplementedError("task mlp: write MLP.__call__")

    def parameters(self):
        """Layer by layer."""
        raise NotImplementedError("task mlp: write MLP.parameters()")


def mse_loss(preds, ys):
    """The mean squared error of the predictions (Values) against the targets (numbers). Given."""
    return sum((p - y) ** 2 for p, y in zip(preds, ys)) / len(ys)


def sgd_step(params, lr):
    """Task sgd-step: move every parameter against its gradient, scaled by the learning rate lr."""
    raise NotImplementedError("task sgd-step: write sgd_step(params, lr)")


def train_step(model, xs, ys, lr):
    """Tasks zero-grad and training: one step of gradient descent; return the loss as a number.

    Predict every x, compute mse_loss, zero the gradients, backward, sgd_step.
    """
    raise NotImplementedError("task zero-grad: write train_step(model, xs, ys, lr)")


def train(model, xs, ys, steps=100, lr=0.05):
    """Task training: train_step `steps` times; return the list of losses (it must get under {TARGET_LOSS})."""
    raise NotImplementedError("task training: write train(model, xs, ys, steps, lr)")
'''


def readme_text() -> str:
    """The README of the tasks, from the task list itself."""
    rows = "\n".join(f"| {i} | `{t.id}` | {t.title} | `{t.file}` | {t.goal} |" for i, t in enumerate(TASKS, 1))
    return f"""# Build it yourself: a backprop engine, task by task

You write a scalar autograd engine in the shape of Karpathy's micrograd (`engine.py`), then a neuron,
an MLP and a training loop on top of it (`network.py`). Every stub raises `NotImplementedError` naming
its task. Check your work at any time:

```
gradstep lab check .              # every task, in order: ✓, or ✗ with what your numbers point to
gradstep lab check . --task mul   # one task
gradstep lab show . --task order  # the graph where your engine went wrong, your gradients beside the right ones
```

The checker builds small graphs with your `Value` and compares your numbers with gradstep's engine.
When they differ and your numbers are exactly what a classic mistake gives (`=` instead of `+=`, a
forgotten `out.grad`, a sign, a wrong local derivative, a wrong order in `backward()`), it names it.
Your code runs in a separate process with a time limit per task, so an endless loop only fails a task.

## The tasks

| # | id | task | file | what to write |
|---|----|------|------|---------------|
{rows}

Notes:
- `backward()` is needed from the first op on: a plain version (topological order, then each node's
  `_backward` in reverse) is enough until the tasks `order` and `deep-chain`, which test it on graphs
  that reuse interior nodes and on a chain {DEEP_CHAIN:,} ops deep (deeper than Python's recursion limit).
- `chain-rule` sends an upstream gradient of {UPSTREAM:g} into each op you have written.
- `neuron` and `mlp` set your parameters through `parameters()` (weights then bias, neuron by neuron,
  layer by layer), so keep that order.
- Your files run with the standard library only (`math`, `random`, ...), as micrograd's do.
"""


STARTER_FILES: dict[str, str] = {"engine.py": ENGINE, "limit.py": LIMIT, "network.py": NETWORK}


def write_starter(folder: str | Path, force: bool = False) -> list[Path]:
    """Write the starter files into ``folder`` (created if needed); the paths written.

    Raises :class:`ExistingFiles` (and writes nothing) when any of them exists, unless ``force``.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file, not a folder: give a folder for the lab")
    files = {**STARTER_FILES, "README.md": readme_text()}
    assert not {Path(n).stem for n in files} & RESERVED_NAMES
    targets = [folder / name for name in files]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise ExistingFiles(existing)
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in zip(targets, files.values()):
        atomic_write_text(path, text)
    return targets
