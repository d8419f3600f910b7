"""Learner folders for the lab's tests: the correct solution, micrograd's own engine, and one folder per
mistake, each the solution with exactly one small change (an exact text replacement, asserted)."""

from __future__ import annotations

import shutil
from pathlib import Path

SOLUTION = Path(__file__).with_name("lab_solution")
FILES = ("engine.py", "limit.py", "network.py")

#: mistake code → (file, the solution's text, the learner's text, the tasks that must fail with it)
MISTAKES: dict[str, tuple[str, str, str, set[str]]] = {
    "accumulation": (
        "engine.py",
        "            self.grad += out.grad\n            other.grad += out.grad\n",
        "            self.grad = out.grad\n            other.grad = out.grad\n",
        {"used-twice", "order", "zero-grad", "training"},
    ),
    "topological-order": (
        "engine.py",
        "        topo, visited = [], set()\n",
        "        self.grad = 1.0\n        stack, seen = [self], set()\n        while stack:\n"
        "            node = stack.pop()\n            if node in seen:\n                continue\n"
        "            seen.add(node)\n            node._backward()\n            stack.extend(node._prev)\n"
        "        return\n        topo, visited = [], set()\n",
        {"order"},
    ),
    "sign": (
        "engine.py",
        "            other.grad += -out.grad\n",
        "            other.grad += out.grad\n",
        {"sub", "chain-rule", "used-twice"},
    ),
    "local-only": (
        "engine.py",
        "            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n",
        "            self.grad += other.data\n            other.grad += self.data\n",
        {"chain-rule", "order", "deep-chain", "neuron", "mlp", "zero-grad", "training"},
    ),
    "upstream-only": (
        "engine.py",
        "            self.grad += (1 - t ** 2) * out.grad\n",
        "            self.grad += out.grad\n",
        {"tanh", "chain-rule", "used-twice"},
    ),
    "local-derivative": (
        "engine.py",
        "            self.grad += (1 - t ** 2) * out.grad\n",
        "            self.grad += (1 - self.data ** 2) * out.grad\n",
        {"tanh", "chain-rule", "used-twice"},
    ),
    "recursion-limit": (
        "engine.py",
        "        topo, visited = [], set()\n",
        "        topo, visited = [], set()\n\n        def build(v):\n            if v not in visited:\n"
        "                visited.add(v)\n                for child in v._prev:\n                    build(child)\n"
        "                topo.append(v)\n        build(self)\n        self.grad = 1.0\n"
        "        for node in reversed(topo):\n            node._backward()\n        return\n",
        {"deep-chain"},
    ),
    "zero-grad": (
        "network.py",
        "    model.zero_grad()\n",
        "",
        {"zero-grad", "training"},
    ),
    "step-direction": (
        "network.py",
        "        p.data -= lr * p.grad\n",
        "        p.data += lr * p.grad\n",
        {"sgd-step", "training"},
    ),
    "not-implemented": (
        "engine.py",
        "    def exp(self):\n",
        "    def exp(self):\n        raise NotImplementedError('task exp: write Value.exp')\n",
        {"exp"},
    ),
    "error": (
        "engine.py",
        "            self.grad += (1.0 / other.data) * out.grad\n",
        "            self.grad += (1.0 / other.dat) * out.grad\n",
        {"div", "chain-rule", "used-twice", "zero-grad", "training"},
    ),
}


def make_folder(folder: Path, change: tuple[str, str, str] | None = None) -> Path:
    """The solution copied to ``folder``, with ``(file, old, new)`` applied (``old`` must occur once)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(SOLUTION / name, folder / name)
    if change is not None:
        name, old, new = change
        text = (folder / name).read_text()
        assert text.count(old) == 1, f"{old!r} must occur once in {name}"
        (folder / name).write_text(text.replace(old, new))
    return folder


def micrograd_folder(folder: Path) -> Path:
    """karpathy/micrograd 0.1.0's own engine.py, unchanged, with the solution's other files."""
    import micrograd.engine

    make_folder(folder)
    shutil.copy(micrograd.engine.__file__, folder / "engine.py")
    return folder
