"""The program the sandbox child runs: import the learner's files, run one probe, write its numbers.

This file is run as a script (``python -I -S -B harness.py DIR RESULT MEMORY_MB CPU_SECONDS``, the probe
as JSON on stdin) in a process of its own, so it imports nothing from gradstep: only the standard
library and the learner's own files. Before it touches the learner's code it caps its own memory and
CPU time with ``resource.setrlimit``. It never judges anything: a probe builds graphs with the
learner's ``Value`` through the lecture's interface only (``Value(data, _children=(), _op='')``,
``.data``, ``.grad``, ``._backward``, ``.backward()``, ``+ - * / **`` with a number, unary ``-``,
``exp()``, ``tanh()``, ``relu()``) and reports plain numbers; the checker, in its own process,
compares them with gradstep's engine.

The result is a JSON object with ``status``: ``"ok"`` (with the probe's numbers), ``"not-implemented"``
(a stub still raises NotImplementedError, or an op the probe needs is missing), ``"recursion-limit"``,
or ``"error"`` (the learner's code raised; the file, line and source line of the innermost frame in
the learner's folder come with it).
"""

import contextlib
import importlib
import json
import math
import os
import sys
import traceback

# The recipes' op names → how the probe applies them, written once for both sides: the checker builds
# the same recipes with gradstep's own Value through these functions.
BINARY = {
    "add": ("__add__", "+", lambda a, b: a + b),
    "sub": ("__sub__", "-", lambda a, b: a - b),
    "mul": ("__mul__", "*", lambda a, b: a * b),
    "div": ("__truediv__", "/", lambda a, b: a / b),
}
UNARY = {
    "neg": ("__neg__", "unary -", lambda a: -a),
    "exp": ("exp", "exp()", lambda a: a.exp()),
    "tanh": ("tanh", "tanh()", lambda a: a.tanh()),
    "relu": ("relu", "relu()", lambda a: a.relu()),
}
POWER = ("__pow__", "** with a number", lambda a, n: a ** n)


class MissingOp(Exception):
    """The learner's Value has no method for an op a probe needs."""


class NotANumber(Exception):
    """A .data or .grad the learner's engine left is not a number."""


def apply_op(op, args, param=None):
    """``op`` applied to Values ``args`` (and the exponent ``param`` of ``pow``), e.g. a * b."""
    known: dict = {**BINARY, **UNARY, "pow": POWER}
    if op not in known:
        raise ValueError(f"unknown op {op!r}")
    method, shown, fn = known[op]
    if getattr(type(args[0]), method, None) is None:
        raise MissingOp(f"your Value has no {method} method, so it cannot do {shown}")
    if op == "pow":
        return fn(args[0], param)
    return fn(*args)


def build(recipe, value_class, scale=None):
    """Build a recipe ``[[name, "leaf", x] | [name, op, parent, ...(, param)]]``; {name: node}.

    ``scale`` makes a ``[name, "scale", parent, g]`` step: the output times the constant g. The probe
    makes it a node of the learner's class whose ``_backward`` is the checker's own, so a known upstream
    gradient g reaches the op under test.
    """
    nodes = {}
    for step in recipe:
        name, kind = step[0], step[1]
        if kind == "leaf":
            nodes[name] = value_class(step[2])
        elif kind == "scale":
            nodes[name] = scale(nodes[step[2]], step[3])
        elif kind == "pow":
            nodes[name] = apply_op("pow", [nodes[step[2]]], step[3])
        else:
            nodes[name] = apply_op(kind, [nodes[p] for p in step[2:]])
    return nodes


def number(x, what):
    """A .data or .grad as a float; NotANumber when it is something else (a Value, None, a string)."""
    if isinstance(x, bool):
        return float(x)
    if isinstance(x, (int, float)):
        return float(x)
    if type(x).__module__ == "numpy" and hasattr(x, "item"):
        return float(x.item())
    raise NotANumber(f"{what} is {type(x).__name__} {_short(x)}, not a number")


def _short(x):
    try:
        text = repr(x)
    except Exception:  # the learner's __repr__ may itself be broken
        text = "?"
    return text if len(text) <= 60 else text[:57] + "..."


# ---- the probes ---------------------------------------------------------------------------------
def probe_limit(spec, folder):
    limit = importlib.import_module("limit")
    functions = {
        "profit": lambda x: -2 * x ** 2 + 12 * x - 10,
        "cube": lambda x: x ** 3,
        "sin": math.sin,
    }
    got = []
    for case in spec["cases"]:
        f = functions[case["f"]]
        got.append(number(limit.numeric_derivative(f, case["x"], h=case["h"]), "numeric_derivative(...)"))
    return {"values": got}


def probe_graphs(spec, folder):
    """Each recipe built, backward() from its last node; data and grad of every named node.

    A recipe that needs a missing op (or hits a stub) is reported on its own, so the others still run.
    """
    Value = importlib.import_module("engine").Value

    def scale(node, g):
        out = Value(number(node.data, "the output's .data") * g, (node,), "scale")

        def _backward():
            node.grad += g * out.grad

        out._backward = _backward
        return out

    results = []
    for recipe in spec["recipes"]:
        try:
            nodes = build(recipe, Value, scale)
            root = nodes[recipe[-1][0]]
            data = {name: number(node.data, f"{name}.data") for name, node in nodes.items()}
            root.backward()
            grads = {name: number(node.grad, f"{name}.grad") for name, node in nodes.items()}
            results.append({"status": "ok", "data": data, "grad": grads})
        except MissingOp as err:
            results.append({"status": "not-implemented", "message": str(err)})
        except NotImplementedError as err:
            results.append(_failure("not-implemented", err, folder))
        if spec.get("stop_early") and results[-1]["status"] != "ok":
            break
    return {"results": results}


def probe_chain(spec, folder):
    """backward() on a chain x·k1·k2·…·kn, n = spec["length"]: a deep graph, a shallow formula."""
    Value = importlib.import_module("engine").Value
    x = Value(spec["x"])
    v = x
    for _ in range(spec["length"]):
        v = apply_op("mul", [v, Value(spec["factor"])])
    out_data = number(v.data, "the chain's .data")
    v.backward()
    return {"data": out_data, "grad": number(x.grad, "x.grad")}


def _network():
    return importlib.import_module("network")


def _parameters(model, what):
    params = list(model.parameters())
    for i, p in enumerate(params):
        number(p.data, f"{what}.parameters()[{i}].data")
    return params


def _set(params, values, what):
    if len(params) != len(values):
        raise _Mismatch(f"{what}.parameters() has {len(params)} entries; expected {len(values)}")
    for p, v in zip(params, values):
        p.data = v
        p.grad = 0.0


class _Mismatch(Exception):
    """The learner's model does not have the shape the task asks for."""


def _single(out, what):
    if isinstance(out, (list, tuple)):
        if len(out) != 1:
            raise _Mismatch(f"{what} returned {len(out)} outputs; expected 1")
        out = out[0]
    return out


def probe_neuron(spec, folder):
    net = _network()
    cases = []
    for x in spec["xs"]:
        neuron = net.Neuron(len(x))
        params = _parameters(neuron, "Neuron")
        if len(params) != len(x) + 1:
            raise _Mismatch(f"Neuron({len(x)}).parameters() has {len(params)} entries; expected {len(x) + 1} "
                            f"(the {len(x)} weights, then the bias)")
        _set(params, spec["params"], "Neuron")
        out = _single(neuron(list(x)), "Neuron(x)")
        data = number(out.data, "the neuron's output .data")
        out.backward()
        cases.append({"data": data, "grads": [number(p.grad, "a parameter's .grad") for p in params]})
    return {"cases": cases}


def probe_mlp(spec, folder):
    net = _network()
    model = net.MLP(spec["nin"], list(spec["nouts"]))
    params = _parameters(model, "MLP")
    _set(params, spec["params"], f"MLP({spec['nin']}, {spec['nouts']})")
    out = _single(model(list(spec["x"])), "MLP(x)")
    data = number(out.data, "the MLP's output .data")
    out.backward()
    return {"data": data, "grads": [number(p.grad, "a parameter's .grad") for p in params]}


def _fresh_model(net, spec):
    model = net.MLP(spec["nin"], list(spec["nouts"]))
    params = _parameters(model, "MLP")
    _set(params, spec["params"], f"MLP({spec['nin']}, {spec['nouts']})")
    return model, params


def _loss_grads(net, spec):
    """One loss.backward() of the starter's mse_loss at the starting parameters: its grads."""
    model, params = _fresh_model(net, spec)
    loss = net.mse_loss([_single(model(list(x)), "MLP(x)") for x in spec["xs"]], list(spec["ys"]))
    data = number(loss.data, "mse_loss(...).data")
    loss.backward()
    return {"data": data, "grads": [number(p.grad, "a parameter's .grad") for p in params]}


def probe_zero_grad(spec, folder):
    net = _network()
    first = _loss_grads(net, spec)
    model, params = _fresh_model(net, spec)
    for p in params:
        p.grad = 5.0
    model.zero_grad()
    zeroed = [number(p.grad, "a parameter's .grad after zero_grad()") for p in params]
    model, params = _fresh_model(net, spec)
    steps = []
    for _ in range(spec["steps"]):
        net.train_step(model, [list(x) for x in spec["xs"]], list(spec["ys"]), spec["lr"])
        steps.append([number(p.data, "a parameter's .data") for p in params])
    return {"loss": first, "zeroed": zeroed, "steps": steps}


def probe_sgd(spec, folder):
    net = _network()
    Value = importlib.import_module("engine").Value
    params = [Value(d) for d in spec["data"]]
    for p, g in zip(params, spec["grads"]):
        p.grad = g
    net.sgd_step(params, spec["lr"])
    return {"data": [number(p.data, "a parameter's .data after sgd_step") for p in params]}


def probe_training(spec, folder):
    net = _network()
    first = _loss_grads(net, spec)
    model, params = _fresh_model(net, spec)
    xs, ys = [list(x) for x in spec["xs"]], list(spec["ys"])
    losses = net.train(model, xs, ys, steps=spec["steps"], lr=spec["lr"])
    losses = [number(v, "a loss train() returned") for v in list(losses or [])]
    preds = [number(_single(model(list(x)), "MLP(x)").data, "a prediction's .data") for x in spec["xs"]]
    return {"loss": first, "losses": losses, "preds": preds}


PROBES = {
    "limit": probe_limit,
    "graphs": probe_graphs,
    "chain": probe_chain,
    "neuron": probe_neuron,
    "mlp": probe_mlp,
    "zero-grad": probe_zero_grad,
    "sgd": probe_sgd,
    "training": probe_training,
}


# ---- where the learner's code failed ----------------------------------------------------------------
def _inside(path, folder):
    try:
        return os.path.commonpath([os.path.realpath(path), folder]) == folder
    except ValueError:
        return False


def _where(tb, folder):
    """(file relative to the folder, line, source line, function) of the innermost learner frame."""
    found = None
    for frame in traceback.extract_tb(tb):
        if _inside(frame.filename, folder):
            found = frame
    if found is None:
        return {}
    return {
        "file": os.path.relpath(os.path.realpath(found.filename), folder),
        "line": found.lineno,
        "source": (found.line or "").strip(),
        "function": found.name,
    }


def _failure(status, err, folder):
    result = {"status": status, "type": type(err).__name__, "message": str(err)}
    result.update(_where(err.__traceback__, folder))
    if isinstance(err, SyntaxError) and err.filename and _inside(err.filename, folder):
        result.update({
            "file": os.path.relpath(os.path.realpath(err.filename), folder),
            "line": err.lineno,
            "source": (err.text or "").strip(),
            "message": err.msg,
        })
    return result


def run(spec, folder):
    try:
        result = PROBES[spec["probe"]](spec, folder)
        result["status"] = "ok"
        return result
    except MissingOp as err:
        return {"status": "not-implemented", "message": str(err)}
    except NotImplementedError as err:
        return _failure("not-implemented", err, folder)
    except RecursionError as err:
        return _failure("recursion-limit", err, folder)
    except (NotANumber, _Mismatch) as err:
        return {"status": "error", "type": "", "message": str(err)}
    except BaseException as err:  # noqa: B036 - the learner's code may raise anything, even SystemExit
        return _failure("error", err, folder)


def _limit_resources(memory_mb, cpu_seconds):
    try:
        import resource
    except ImportError:  # not on this platform (Windows): the parent's wall-clock limit still holds
        return
    cap = memory_mb * 1024 * 1024
    for limit, value in ((resource.RLIMIT_AS, cap), (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, 16 * 1024 * 1024)):
        soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        with contextlib.suppress(ValueError, OSError):  # a limit this system will not lower: keep the others
            resource.setrlimit(limit, (value, hard))


def main():
    folder, result_path, memory_mb, cpu_seconds = sys.argv[1:5]
    folder = os.path.realpath(folder)
    spec = json.loads(sys.stdin.read())
    _limit_resources(int(memory_mb), int(cpu_seconds))
    sys.setrecursionlimit(1000)  # Python's default, whatever the parent had
    sys.path.insert(0, folder)
    try:
        os.chdir(folder)
        result = run(spec, folder)
        text = json.dumps(result)
    except BaseException as err:  # noqa: B036 - e.g. numbers json cannot write: still a result, never a traceback
        text = json.dumps({"status": "error", "type": type(err).__name__, "message": str(err)[:500]})
    with open(result_path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
