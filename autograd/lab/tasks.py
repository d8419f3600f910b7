"""The lab's tasks, in order: what each one asks, the probe it runs, and how its numbers are judged.

Each :class:`Task` has a probe (a JSON-able spec that :mod:`autograd.lab.harness` runs in the sandbox
with the learner's code) and a ``judge`` that turns the probe's numbers into a
:class:`~autograd.lab.diagnosis.Verdict`, using gradstep's own engine for the right answers. The
README that ``gradstep lab init`` writes is generated from this list, so the two never disagree.

Adding a task: write its probe in the harness (if none of the existing ones fits), then add a
:class:`Task` here with its id, title, file, goal and judge, and a test that a correct engine passes
it and a wrong one gets the intended mistake code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..practice.diagnose import fmt
from .diagnosis import Verdict, build_mirror, close, compare_graph
from .networks import loss_recipe, mlp_recipe, parameter_names, simulate_training

__all__ = ["Task", "TASKS", "TASK_IDS", "task_by_id", "OP_TASKS", "DEEP_CHAIN"]

Judge = Callable[[dict[str, Any]], Verdict]


@dataclass(frozen=True)
class Task:
    """One step of the lab."""

    id: str
    title: str
    file: str  # the learner's file the task is about
    goal: str  # what to write, for the README
    spec: dict[str, Any]
    judge: Judge


# ---- the limit definition ---------------------------------------------------------------------------
_LIMIT_CASES: list[dict[str, Any]] = [
    {"f": "profit", "x": 12.0, "h": 1e-6, "exact": -36.0, "text": "P(x) = −2x² + 12x − 10 at x = 12",
     "derivative": "P'(x) = −4x + 12"},
    {"f": "cube", "x": 2.0, "h": 1e-5, "exact": 12.0, "text": "f(x) = x³ at x = 2", "derivative": "f'(x) = 3x²"},
    {"f": "sin", "x": 0.5, "h": 1e-6, "exact": math.cos(0.5), "text": "sin(x) at x = 0.5",
     "derivative": "sin'(x) = cos(x)"},
]


def _judge_limit(data: dict[str, Any]) -> Verdict:
    for case, got in zip(_LIMIT_CASES, data["values"]):
        exact, h = case["exact"], case["h"]
        if math.isclose(got, exact, rel_tol=1e-3, abs_tol=1e-4):
            continue
        said = (f"For {case['text']} with h = {h:g}, numeric_derivative gave {fmt(got)}; the exact derivative "
                f"({case['derivative']}) is {fmt(exact)}.")
        if math.isclose(got, -exact, rel_tol=1e-3, abs_tol=1e-4):
            return Verdict(False, "sign", said + " Right size, wrong sign: the difference quotient is "
                           "(f(x + h) − f(x)) / h, the later value minus the earlier one.")
        if math.isclose(got, exact * h, rel_tol=1e-2, abs_tol=1e-12):
            return Verdict(False, None, said + f" Your number is about f(x + h) − f(x) = {fmt(exact * h)}: the "
                           "change of f, not yet divided by the change of x, h.")
        return Verdict(False, None, said + " A finite h gives an answer within about h of the exact one, so the "
                       "formula itself is off: the derivative is the limit of (f(x + h) − f(x)) / h as h → 0.")
    cases = "; ".join(f"{c['text']}: {fmt(v)} (exact {fmt(c['exact'])})" for c, v in zip(_LIMIT_CASES,
                                                                                        data["values"]))
    return Verdict(True, None, f"Right, within about h of the exact derivative: {cases}.")


# ---- one op at a time -----------------------------------------------------------------------------
#: Each op's test inputs: chosen so that every classic wrong answer gives a different number.
_OP_CASES: dict[str, list[list]] = {
    "add": [[["a", "leaf", 2.0], ["b", "leaf", -3.0], ["out", "add", "a", "b"]]],
    "mul": [[["a", "leaf", 2.0], ["b", "leaf", -3.0], ["out", "mul", "a", "b"]]],
    "neg": [[["a", "leaf", 1.5], ["out", "neg", "a"]]],
    "sub": [[["a", "leaf", 2.0], ["b", "leaf", 5.0], ["out", "sub", "a", "b"]]],
    "div": [[["a", "leaf", 3.0], ["b", "leaf", -2.0], ["out", "div", "a", "b"]]],
    "pow": [[["a", "leaf", 1.5], ["out", "pow", "a", 3]]],
    "exp": [[["a", "leaf", 0.5], ["out", "exp", "a"]]],
    "tanh": [[["a", "leaf", 0.5], ["out", "tanh", "a"]]],
    "relu": [[["a", "leaf", 1.5], ["out", "relu", "a"]], [["a", "leaf", -2.0], ["out", "relu", "a"]]],
}
_OP_TITLES = {
    "add": "a + b", "mul": "a * b", "neg": "-a", "sub": "a - b", "div": "a / b", "pow": "a ** n (n a number)",
    "exp": "a.exp()", "tanh": "a.tanh()", "relu": "a.relu()",
}
_OP_METHODS = {
    "add": "Value.__add__", "mul": "Value.__mul__", "neg": "Value.__neg__", "sub": "Value.__sub__",
    "div": "Value.__truediv__", "pow": "Value.__pow__", "exp": "Value.exp", "tanh": "Value.tanh",
    "relu": "Value.relu",
}
OP_TASKS = tuple(_OP_CASES)
UPSTREAM = 3.0  # the gradient the chain-rule task sends into each op


def _graph_verdicts(data: dict[str, Any], recipes: Sequence[list], what: Callable[[list], str],
                    skip_missing: bool = False) -> Verdict:
    """Judge each recipe's result in turn; the first failure is the verdict."""
    passed: list[Verdict] = []
    for recipe, result in zip(recipes, data["results"]):
        if result["status"] != "ok":
            if skip_missing:
                continue
            return _not_written(result)
        mirror = build_mirror(recipe)
        verdict = compare_graph(mirror, result["data"], result["grad"], what(recipe))
        if not verdict.passed:
            return verdict
        passed.append(verdict)
    if not passed:
        return _not_written(next((r for r in data["results"] if r["status"] != "ok"), {}))
    return Verdict(True, None, " ".join(v.message for v in passed), passed[-1].graph)


def _not_written(result: dict[str, Any]) -> Verdict:
    from .report import not_implemented_text  # the texts of a failed probe live in one place

    return Verdict(False, "not-implemented", not_implemented_text(result))


def _recipe_text(recipe: list) -> str:
    leaves = [f"{s[0]} = {fmt(s[2])}" for s in recipe if s[1] == "leaf" and s[0] != "g"]
    mirror = build_mirror(recipe)
    node = mirror.nodes[recipe[-1][0]]
    if recipe[-1][1] == "scale":
        node = mirror.nodes[recipe[-1][2]]
    from ..practice.diagnose import analyse

    facts = analyse(mirror.root)
    return f"{facts.formula(node)} at {', '.join(leaves)}"


def _op_task(op: str) -> Task:
    recipes = _OP_CASES[op]

    def judge(data: dict[str, Any]) -> Verdict:
        return _graph_verdicts(data, recipes, lambda r: _recipe_text(r))

    return Task(op, f"{_OP_TITLES[op]}: the value and its local derivative", "engine.py",
                f"write {_OP_METHODS[op]}: the forward value and its _backward"
                + (", which adds each input's local derivative × out.grad to its .grad; and Value.backward() "
                   "(see the notes)" if op == "add" else ""),
                {"probe": "graphs", "recipes": recipes}, judge)


def _chain_recipes() -> list[list]:
    recipes = []
    for op in OP_TASKS:
        recipe = [list(step) for step in _OP_CASES[op][0]]
        recipe[-1][0] = "n"
        recipe.append(["L", "scale", "n", UPSTREAM])
        recipes.append(recipe)
    return recipes


def _judge_chain(data: dict[str, Any]) -> Verdict:
    recipes = _chain_recipes()

    def what(recipe: list) -> str:
        return f"L = {fmt(UPSTREAM)}·n with {_recipe_text(recipe)} (so dL/dn = {fmt(UPSTREAM)})"

    return _graph_verdicts(data, recipes, what, skip_missing=True)


# ---- graphs with reuse ------------------------------------------------------------------------------
_USED_TWICE_OPS: dict[str, list[Any]] = {"mul": ["mul", "a", "b"], "sub": ["sub", "a", "b"], "div": ["div", "a", "b"],
                   "pow": ["pow", "a", 2], "neg": ["neg", "a"], "exp": ["exp", "a"], "tanh": ["tanh", "a"],
                   "relu": ["relu", "a"]}


def _used_twice_recipes() -> list[list]:
    recipes = [
        [["a", "leaf", 3.0], ["L", "add", "a", "a"]],
        [["a", "leaf", -2.0], ["L", "mul", "a", "a"]],
    ]
    for step in _USED_TWICE_OPS.values():
        recipe: list = [["a", "leaf", 0.5]]
        if "b" in step:
            recipe.append(["b", "leaf", -3.0])
        recipe += [["n", *step], ["L", "add", "n", "a"]]
        recipes.append(recipe)
    return recipes


def _judge_used_twice(data: dict[str, Any]) -> Verdict:
    return _graph_verdicts(data, _used_twice_recipes(), _recipe_text, skip_missing=True)


_ORDER_RECIPES = [
    [["a", "leaf", 1.5], ["b", "add", "a", "a"], ["c", "add", "b", "b"]],
    [["a", "leaf", 2.0], ["b", "leaf", -3.0], ["c", "leaf", 10.0], ["d", "mul", "a", "b"],
     ["e", "add", "d", "c"], ["L", "mul", "d", "e"]],
    [["x", "leaf", 0.5], ["y", "leaf", 2.0], ["p", "mul", "x", "y"], ["q", "add", "p", "x"],
     ["r", "mul", "q", "p"], ["L", "add", "r", "q"]],
]


def _judge_order(data: dict[str, Any]) -> Verdict:
    def what(recipe: list) -> str:
        return "the graph " + "; ".join(
            f"{s[0]} = {s[2]} {'+' if s[1] == 'add' else '·'} {s[3]}" for s in recipe if s[1] != "leaf"
        ) + " at " + ", ".join(f"{s[0]} = {fmt(s[2])}" for s in recipe if s[1] == "leaf")

    return _graph_verdicts(data, _ORDER_RECIPES, what)


DEEP_CHAIN = 1500
_FACTOR = 1.001


def _judge_chain_deep(data: dict[str, Any]) -> Verdict:
    want = _FACTOR ** DEEP_CHAIN
    if not close(data["data"], want):
        return Verdict(False, None, f"The chain y = x·k1·k2·…·k{DEEP_CHAIN} (x = 1, every k = {_FACTOR}) should "
                       f"be {fmt(want)}, but your engine gave y.data = {fmt(data['data'])}.")
    said = (f"On the chain y = x·k1·…·k{DEEP_CHAIN} (x = 1, every k = {_FACTOR}), dy/dx = {_FACTOR}^{DEEP_CHAIN} "
            f"= {fmt(want)}, but your engine gave x.grad = {fmt(data['grad'])}")
    if close(data["grad"], _FACTOR) and not close(want, _FACTOR):
        return Verdict(False, "local-only", said + f": the local derivative of the first op alone ({_FACTOR}), "
                       "as when __mul__'s _backward leaves out out.grad. Multiply it by out.grad: self.grad += "
                       "other.data * out.grad.")
    if close(data["grad"], 1.0):
        return Verdict(False, "upstream-only", said + ": the upstream gradient passed on unchanged, as when "
                       "__mul__'s _backward leaves out the local derivative (other.data).")
    if not math.isclose(data["grad"], want, rel_tol=1e-6):
        return Verdict(False, None, said + ".")
    return Verdict(True, None, f"Right: backward() went through all {DEEP_CHAIN} ops of the chain, "
                   f"x.grad = {_FACTOR}^{DEEP_CHAIN} = {fmt(want)}.")


# ---- the network ------------------------------------------------------------------------------------
_NEURON_PARAMS = [0.5, -1.0, 0.25, 0.1]
_NEURON_XS = [[2.0, -1.0, 4.0], [1.0, 2.0, -2.0]]


def _neuron_recipe(x: Sequence[float]) -> list:
    """relu(b + w1·x1 + w2·x2 + w3·x3): a one-neuron linear layer, then relu."""
    return mlp_recipe(3, [1], _NEURON_PARAMS, x, out="L1.n1.z") + [["out", "relu", "L1.n1.z"]]


def _judge_neuron(data: dict[str, Any]) -> Verdict:
    names = parameter_names(3, [1])
    passed = []
    for x, case in zip(_NEURON_XS, data["cases"]):
        mirror = build_mirror(_neuron_recipe(x))
        pretty = ", ".join(f"{n.split('.')[-1]} = {fmt(v)}" for n, v in zip(names, _NEURON_PARAMS))
        what = (f"the neuron relu(b + w1·x1 + w2·x2 + w3·x3) with {pretty} at x = "
                f"({', '.join(fmt(v) for v in x)})")
        grads = dict(zip(names, case["grads"]))
        verdict = compare_graph(mirror, {"out": case["data"]}, grads, what)
        if not verdict.passed:
            return verdict
        passed.append(f"out = {fmt(mirror.root.data)} at x = ({', '.join(fmt(v) for v in x)})")
    return Verdict(True, None, "Right: " + "; ".join(passed) + ", and every weight's and the bias's gradient.",
                   verdict.graph)


_MLP_SHAPE = (2, [3, 1])
_MLP_PARAMS = [0.5, -0.5, 0.2, 1.0, 1.0, -0.5, -0.25, -0.75, 0.1, 0.6, -0.4, -0.8, 0.3]
_MLP_X = [1.0, -2.0]


def _judge_mlp(data: dict[str, Any]) -> Verdict:
    nin, nouts = _MLP_SHAPE
    mirror = build_mirror(mlp_recipe(nin, nouts, _MLP_PARAMS, _MLP_X))
    names = parameter_names(nin, nouts)
    what = f"MLP(2, [3, 1]) at x = (1.0, -2.0) with the parameters {', '.join(fmt(v) for v in _MLP_PARAMS)}"
    verdict = compare_graph(mirror, {"out": data["data"]}, dict(zip(names, data["grads"])), what)
    if verdict.passed:
        verdict.message = (f"Right: MLP(2, [3, 1]) gives out = {fmt(mirror.root.data)} at x = (1.0, -2.0), and "
                           "backward() gives every one of its 13 parameters the right gradient.")
    return verdict


_XS = [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [0.0, 0.5], [0.5, 0.0], [-0.5, 0.0], [0.0, -0.5]]
_YS = [abs(a) + 0.5 * b for a, b in _XS]
_TRAIN_SHAPE = (2, [4, 1])
_TRAIN_PARAMS = [0.69, 0.52, -0.16, -0.48, 0.02, -0.19, 0.57, -0.39, -0.05, 0.17, 0.82, 0.01, -0.44, 0.51, 0.24,
                 -0.5, 0.82]
_TRAIN_LR, _TRAIN_STEPS, TARGET_LOSS = 0.2, 100, 0.02
_ZERO_STEPS, _ZERO_LR = 2, 0.1


def _net_spec(probe: str, **extra: Any) -> dict[str, Any]:
    nin, nouts = _TRAIN_SHAPE
    return {"probe": probe, "nin": nin, "nouts": nouts, "params": _TRAIN_PARAMS, "xs": _XS, "ys": _YS, **extra}


def _judge_loss_grads(data: dict[str, Any]) -> Verdict:
    """The gradients of one mse_loss backward at the start: a training step can only be right on them."""
    nin, nouts = _TRAIN_SHAPE
    mirror = build_mirror(loss_recipe(nin, nouts, _TRAIN_PARAMS, _XS, _YS))
    what = f"the loss mse_loss of MLP(2, [4, 1]) on the {len(_XS)} points of the toy data set"
    grads = dict(zip(parameter_names(nin, nouts), data["grads"]))
    return compare_graph(mirror, {"loss": data["data"]}, grads, what)


def _judge_zero_grad(data: dict[str, Any]) -> Verdict:
    verdict = _judge_loss_grads(data["loss"])
    if not verdict.passed:
        return verdict
    left = [g for g in data["zeroed"] if g != 0.0]
    if left:
        return Verdict(False, "zero-grad", f"After every parameter's .grad was set to 5.0, model.zero_grad() left "
                       f"{len(left)} of {len(data['zeroed'])} of them non-zero (e.g. {fmt(left[0])}): it must set "
                       "p.grad = 0 for every p in self.parameters().")
    nin, nouts = _TRAIN_SHAPE
    got = data["steps"]
    for zero in (True, False):
        for direction in (-1.0, 1.0):
            after, _ = simulate_training(nin, nouts, _TRAIN_PARAMS, _XS, _YS, _ZERO_LR, _ZERO_STEPS, zero, direction)
            if all(close(a, b) for step, want in zip(got, after) for a, b in zip(step, want)):
                if zero:
                    return Verdict(True, None, "Right: model.zero_grad() clears every gradient, and after two "
                                   "train_step calls each step used only its own gradients.")
                first = after[0][0]
                zeroed, _ = simulate_training(nin, nouts, _TRAIN_PARAMS, _XS, _YS, _ZERO_LR, _ZERO_STEPS, True,
                                              direction)
                return Verdict(False, "zero-grad", (
                    f"Two train_step calls from the same start (lr = {_ZERO_LR}): the second step moved L1.n1.w1 "
                    f"to {fmt(got[1][0])} (with zeroed gradients: {fmt(zeroed[1][0])}). {fmt(got[1][0])} is what "
                    f"two steps give when the gradients of step 1 are still in .grad: after step 1 it was "
                    f"{fmt(first)}, and step 2 used step 1's gradient plus its own. loss.backward() adds to .grad, "
                    f"so call model.zero_grad() before it in every step."))
    right, _ = simulate_training(nin, nouts, _TRAIN_PARAMS, _XS, _YS, _ZERO_LR, _ZERO_STEPS)
    return Verdict(False, None, (
        f"After two train_step calls (lr = {_ZERO_LR}) L1.n1.w1 should be {fmt(right[1][0])}, but it is "
        f"{fmt(got[1][0])}. train_step should predict every x, compute mse_loss, zero the gradients, call "
        "loss.backward() and then sgd_step(model.parameters(), lr)."))


_SGD: dict[str, Any] = {"data": [1.0, -2.0, 0.5], "grads": [0.5, -1.0, 2.0], "lr": 0.1}


def _judge_sgd(data: dict[str, Any]) -> Verdict:
    got = data["data"]
    d, g, lr = _SGD["data"], _SGD["grads"], _SGD["lr"]
    right = [p - lr * q for p, q in zip(d, g)]
    if all(close(a, b) for a, b in zip(got, right)):
        return Verdict(True, None, f"Right: with lr = {lr}, p.data − lr·p.grad gives "
                       f"{', '.join(fmt(v) for v in right)}.")
    said = (f"A parameter with data {fmt(d[0])} and grad {fmt(g[0])} should move to {fmt(d[0])} − {lr}·{fmt(g[0])} "
            f"= {fmt(right[0])} with lr = {lr}, but sgd_step moved it to {fmt(got[0])}.")
    if all(close(a, p + lr * q) for a, p, q in zip(got, d, g)):
        return Verdict(False, "step-direction", said + " That is a step up the gradient, which makes the loss "
                       "grow: the gradient points uphill, so subtract it (p.data -= lr * p.grad).")
    if all(close(a, p - q) for a, p, q in zip(got, d, g)):
        return Verdict(False, None, said + " That is a step of the whole gradient: scale it by the learning rate.")
    return Verdict(False, None, said)


def _judge_training(data: dict[str, Any]) -> Verdict:
    verdict = _judge_loss_grads(data["loss"])
    if not verdict.passed:
        return verdict
    nin, nouts = _TRAIN_SHAPE
    preds = data["preds"]
    loss = sum((p - y) ** 2 for p, y in zip(preds, _YS)) / len(_YS)
    losses = data["losses"]
    start = simulate_training(nin, nouts, _TRAIN_PARAMS, _XS, _YS, _TRAIN_LR, 1)[1][0]
    where = (f"on the toy data set of {len(_XS)} points (y = |x1| + x2/2), MLP(2, [4, 1]), lr = {_TRAIN_LR}, "
             f"{_TRAIN_STEPS} steps")
    if math.isfinite(loss) and loss <= TARGET_LOSS:
        return Verdict(True, None, f"Right: {where}, the loss went from {fmt(start)} to {fmt(loss)} (target "
                       f"{TARGET_LOSS}).")
    said = (f"{where[0].upper()}{where[1:]}, the loss should fall from {fmt(start)} to at most {TARGET_LOSS}; it ended "
            f"at {fmt(loss)}.")
    if len(losses) < 3:
        return Verdict(False, None, said + f" train() returned {len(losses)} losses; it should return the loss of "
                       "every step.")
    for zero, direction, code, why in (
        (True, 1.0, "step-direction", "each step goes up the gradient: subtract lr·grad instead"),
        (False, -1.0, "zero-grad", "the gradients are never zeroed, so every step also repeats all the earlier "
                                   "ones: call model.zero_grad() before loss.backward()"),
        (False, 1.0, "step-direction", "each step goes up the gradient (and the gradients are never zeroed)"),
    ):
        _, sim = simulate_training(nin, nouts, _TRAIN_PARAMS, _XS, _YS, _TRAIN_LR, 3, zero, direction)
        if all(close(a, b) for a, b in zip(losses[:3], sim)):
            return Verdict(False, code, said + f" The first losses {', '.join(fmt(v) for v in losses[:3])} are "
                           f"exactly those of a loop in which {why}.")
    return Verdict(False, None, said + f" The first losses were {', '.join(fmt(v) for v in losses[:3])}.")


# ---- the list ---------------------------------------------------------------------------------------
TASKS: tuple[Task, ...] = (
    Task("limit", "The limit definition of the derivative", "limit.py",
         "write numeric_derivative(f, x, h): the derivative of f at x from the limit definition, at a small h",
         {"probe": "limit", "cases": [{k: c[k] for k in ("f", "x", "h")} for c in _LIMIT_CASES]}, _judge_limit),
    *(_op_task(op) for op in OP_TASKS),
    Task("chain-rule", "The chain rule through one op: local derivative × upstream gradient", "engine.py",
         f"nothing new if every _backward multiplies by out.grad: each op gets an upstream gradient of "
         f"{fmt(UPSTREAM)} instead of 1",
         {"probe": "graphs", "recipes": _chain_recipes()}, _judge_chain),
    Task("used-twice", "A node used twice: its gradients add up", "engine.py",
         "make every _backward add to .grad (+=), so a node used twice gets both contributions",
         {"probe": "graphs", "recipes": _used_twice_recipes()}, _judge_used_twice),
    Task("order", "backward() in topological order (reused interior nodes)", "engine.py",
         "make Value.backward() call each node's _backward once, after every node that uses it",
         {"probe": "graphs", "recipes": _ORDER_RECIPES}, _judge_order),
    Task("deep-chain", f"backward() on a chain {DEEP_CHAIN:,} ops deep", "engine.py",
         "make Value.backward() work on deep graphs: a recursive topological sort hits Python's recursion limit",
         {"probe": "chain", "length": DEEP_CHAIN, "factor": _FACTOR, "x": 1.0}, _judge_chain_deep),
    Task("neuron", "A neuron: relu(w·x + b)", "network.py",
         "write Neuron: __init__ (nin random weights, a bias), __call__(x) and parameters() (weights, then bias)",
         {"probe": "neuron", "params": _NEURON_PARAMS, "xs": _NEURON_XS}, _judge_neuron),
    Task("mlp", "An MLP: layers of neurons, the last one linear", "network.py",
         "write Layer and MLP (__call__ and parameters(), in order: layer by layer, neuron by neuron)",
         {"probe": "mlp", "nin": _MLP_SHAPE[0], "nouts": _MLP_SHAPE[1], "params": _MLP_PARAMS, "x": _MLP_X},
         _judge_mlp),
    Task("zero-grad", "Zeroing the gradients before each backward pass", "network.py",
         "write Module.zero_grad(), and call it in train_step before loss.backward()",
         _net_spec("zero-grad", steps=_ZERO_STEPS, lr=_ZERO_LR), _judge_zero_grad),
    Task("sgd-step", "One SGD step", "network.py",
         "write sgd_step(params, lr): move every parameter against its gradient, scaled by lr",
         {"probe": "sgd", **_SGD}, _judge_sgd),
    Task("training", "A training loop that reaches the target loss", "network.py",
         f"write train(model, xs, ys, steps, lr): train_step repeated, returning the losses; it must bring "
         f"the toy data set's loss under {TARGET_LOSS}",
         _net_spec("training", steps=_TRAIN_STEPS, lr=_TRAIN_LR), _judge_training),
)

TASK_IDS: tuple[str, ...] = tuple(task.id for task in TASKS)


def task_by_id(task_id: str) -> Task:
    for task in TASKS:
        if task.id == task_id:
            return task
    raise KeyError(task_id)
