"""The op rules: one entry per operation, and the single source of truth for it.

Each :class:`Op` says three things about one operation:

* ``forward`` — its value, computed on plain floats, with domain errors that name the op;
* ``local`` — its local derivatives ∂out/∂input, one per input, written *once* against a small
  math namespace ``m``. Called with :data:`FLOAT_MATH` and floats it gives numbers (what
  ``backward()`` uses); called with :data:`VALUE_MATH` and :class:`~autograd.value.Value` objects
  it builds the same expressions as a differentiable graph (what ``create_graph=True`` uses);
  called with :data:`ARRAY_MATH` and numpy arrays (one entry per sample, "lanes") it gives the
  derivatives of a whole batch at once (what :mod:`autograd.lanes` uses);
* ``expr`` / ``derivs`` — the formula text a learner reads (``a·b``, ``∂(a·b)/∂a = b``), used by the
  teaching trace and the graph labels.

``local(m, out, *inputs)`` receives the op's output as ``out`` (a float or the output node itself)
because several derivatives are cheapest in terms of it: (eˣ)' = eˣ, tanh' = 1 − tanh².
Unary ops with a constant parameter (``x ** 2``, ``leaky_relu(slope)``) receive it last.

Non-differentiable points follow PyTorch: relu'(0) = 0, |x|'(0) = sign(0) = 0, leaky_relu'(0) = slope;
√x at 0 has derivative +inf.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Op",
    "OPS",
    "FLOAT_MATH",
    "VALUE_MATH",
    "ARRAY_MATH",
    "array_forward",
    "VARIADIC",
    "ADD",
    "SUB",
    "MUL",
    "DIV",
    "POW",
    "POWC",
    "NEG",
    "ABS",
    "EXP",
    "LOG",
    "SQRT",
    "TANH",
    "SIGMOID",
    "RELU",
    "LEAKY_RELU",
    "SIN",
    "COS",
    "SUM",
    "DOT",
    "ERF",
    "SOFTPLUS",
    "define_op",
]

VARIADIC = -1


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: its forward value, local derivatives and the formula text a learner reads.

    Attributes:
        name: identifier, e.g. ``"mul"``.
        symbol: what the graph shows on the op node and what ``Value.op`` returns, e.g. ``"*"``.
        arity: 1, 2, or :data:`VARIADIC`.
        forward: value on floats (for parametrised unary ops the parameter comes last).
        local: ``local(m, out, *inputs[, param])`` → tuple of ∂out/∂input, one per input.
        expr: formula of the output with ``{a}``, ``{b}`` (and ``{p}`` for the parameter).
        derivs: formula of each local derivative, same placeholders. For variadic ops,
            see :meth:`deriv_text`.
        has_param: the op carries a constant parameter (exponent, slope) instead of a 2nd input.
    """

    name: str
    symbol: str
    arity: int
    forward: Callable[..., float]
    local: Callable[..., tuple[Any, ...]]
    expr: str
    derivs: tuple[str, ...]
    has_param: bool = False

    def __repr__(self) -> str:
        return f"<op {self.name}>"

    # ---- formula text (used by the trace, the graph labels and the practice mode) -------------
    def expr_text(self, names: list[str], param: float | None = None) -> str:
        """The output as a formula of the inputs' names, e.g. ``a·b``."""
        if self.arity == VARIADIC:
            return self._variadic_expr(names)
        return self.expr.format(**_slots(names, param))

    def deriv_text(self, index: int, names: list[str], param: float | None = None) -> str:
        """The local derivative ∂out/∂input[index] as a formula of the names, e.g. ``b``."""
        if self.arity == VARIADIC:
            return self._variadic_deriv(index, names)
        return self.derivs[index].format(**_slots(names, param))

    def _variadic_expr(self, names: list[str]) -> str:
        if self is SUM:
            return " + ".join(names) if len(names) <= 4 else f"{names[0]} + … + {names[-1]}"
        pairs, bias = _dot_split(names)
        terms = [f"{w}·{x}" for w, x in pairs]
        if len(terms) > 3:
            terms = [terms[0], "…", terms[-1]]
        return " + ".join(terms + ([bias] if bias else []))

    def _variadic_deriv(self, index: int, names: list[str]) -> str:
        if self is SUM:
            return "1"
        n = len(names) // 2
        if index >= 2 * n:
            return "1"  # the bias
        return names[index + n] if index < n else names[index - n]


def _slots(names: list[str], param: float | None) -> dict[str, str]:
    slots = {"a": names[0] if names else "a", "b": names[1] if len(names) > 1 else "b"}
    if param is not None:
        slots["p"] = _num(param)
        # a^(n−1) written the way a person would: x for x¹, 1 for x⁰.
        lower = param - 1
        slots["a_pm1"] = "1" if lower == 0 else slots["a"] if lower == 1 else f"{slots['a']}^{_num(lower)}"
    return slots


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _dot_split(items: list[Any]) -> tuple[list[tuple[Any, Any]], Any]:
    """Split a dot node's inputs ``w₁…wₙ, x₁…xₙ[, b]`` into pairs and the bias (or None)."""
    n = len(items) // 2
    bias = items[2 * n] if len(items) % 2 else None
    return list(zip(items[:n], items[n : 2 * n])), bias


# ---- the math namespaces the local-derivative rules are written against -----------------------
class _FloatMath:
    """Float versions of what the rules need; defined at the points where Python would raise."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)

    @staticmethod
    def div(a: float, b: float) -> float:
        if b == 0.0:
            return math.copysign(math.inf, a) if a != 0.0 else math.nan
        return a / b

    @staticmethod
    def pow(a: float, n: float) -> float:
        try:
            return a**n
        except ZeroDivisionError:  # 0 ** negative: the derivative is infinite
            return math.inf
        except OverflowError:  # a derivative can overflow where the value does not (x**-1 at 1e-200)
            return math.copysign(math.inf, a) if float(n).is_integer() and n % 2 else math.inf

    @staticmethod
    def power_slope(a: float, n: float) -> float:
        """n·aⁿ⁻¹, taken as 0 for n = 0 (x⁰ is constant, even at x = 0, where 0·0⁻¹ would be nan)."""
        return 0.0 if n == 0.0 else n * _FloatMath.pow(a, n - 1.0)

    @staticmethod
    def sign(a: float) -> float:
        return 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)

    @staticmethod
    def step(a: float, below: float = 0.0) -> float:
        return 1.0 if a > 0.0 else below

    @staticmethod
    def times_log(out: float, a: float) -> float:
        """out·ln(a), taken as 0 where out is 0 (a = 0, positive exponent), as PyTorch does."""
        if out == 0.0:
            return 0.0
        if a <= 0.0:
            return math.nan
        return out * math.log(a)


class _ValueMath:
    """Value versions: the same rules, built as a differentiable graph."""

    @staticmethod
    def exp(a: Any) -> Any:
        return a.exp()

    @staticmethod
    def log(a: Any) -> Any:
        return a.log()

    @staticmethod
    def sin(a: Any) -> Any:
        return a.sin()

    @staticmethod
    def cos(a: Any) -> Any:
        return a.cos()

    # Where the float rule returns inf or nan instead of raising (a derivative that is infinite or
    # undefined at this point), the Value rule returns the same number as a constant, so
    # create_graph=True gives what backward() gives instead of an exception.
    @staticmethod
    def div(a: Any, b: Any) -> Any:
        if b.data == 0.0:
            return _FloatMath.div(_data(a), 0.0)
        return a / b

    @staticmethod
    def pow(a: Any, n: float) -> Any:
        return a**n

    @staticmethod
    def power_slope(a: Any, n: Any) -> Any:
        exponent = _data(n)
        constant_exponent = not hasattr(n, "data")
        if (constant_exponent and exponent == 0.0) or (a.data == 0.0 and exponent < 1.0):
            # x⁰ with a constant 0 is constant; at a = 0 with n < 1 the slope is inf (or 0·inf): the
            # float rule's number. A Value exponent at 0 keeps its graph: ∂²(xʸ)/∂y∂x = 1/x there.
            return _FloatMath.power_slope(a.data, exponent)
        return n * a ** (n - 1.0)

    # Piecewise-constant derivatives have derivative 0 (a.e.): they enter the graph as constants.
    @staticmethod
    def sign(a: Any) -> float:
        return _FloatMath.sign(a.data)

    @staticmethod
    def step(a: Any, below: float = 0.0) -> float:
        return _FloatMath.step(a.data, below)

    @staticmethod
    def times_log(out: Any, a: Any) -> Any:
        if out.data == 0.0 or a.data <= 0.0:
            return _FloatMath.times_log(out.data, a.data)  # 0, or nan where ln a is undefined
        return out * a.log()


def _data(x: Any) -> float:
    return x.data if hasattr(x, "data") else x


FLOAT_MATH = _FloatMath()
VALUE_MATH = _ValueMath()


class _ArrayMath:
    """numpy versions, one entry per lane (sample): the same rules evaluated on a whole batch.

    Each function agrees with its :class:`_FloatMath` twin entry by entry, including the points where
    that one returns inf or nan instead of raising. numpy is imported on first use, so ``import
    autograd`` stays quick. Callers run these under ``numpy.errstate(all="ignore")``.
    """

    @staticmethod
    def exp(a: Any) -> Any:
        return _np().exp(a)

    @staticmethod
    def log(a: Any) -> Any:
        return _np().log(a)

    @staticmethod
    def sin(a: Any) -> Any:
        return _np().sin(a)

    @staticmethod
    def cos(a: Any) -> Any:
        return _np().cos(a)

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        np = _np()
        a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        at_zero = np.where(a != 0.0, np.copysign(np.inf, a), np.nan)
        return np.where(b == 0.0, at_zero, a / np.where(b == 0.0, 1.0, b))

    @staticmethod
    def pow(a: Any, n: Any) -> Any:
        return _np().power(a, n)  # 0 ** negative and overflow give inf, as the float rule says

    @staticmethod
    def power_slope(a: Any, n: Any) -> Any:
        np = _np()
        slope = n * np.power(a, np.asarray(n) - 1.0)
        # 0 ** negative is inf in the float rule (numpy agrees); n = 0 is constant, slope 0 even at a = 0
        return np.where(np.asarray(n) == 0.0, 0.0, slope)

    @staticmethod
    def sign(a: Any) -> Any:
        return _np().sign(a)

    @staticmethod
    def step(a: Any, below: float = 0.0) -> Any:
        return _np().where(a > 0.0, 1.0, below)

    @staticmethod
    def times_log(out: Any, a: Any) -> Any:
        np = _np()
        safe = np.where(a > 0.0, a, 1.0)
        return np.where(out == 0.0, 0.0, np.where(a > 0.0, out * np.log(safe), np.nan))


def _np() -> Any:
    import numpy

    return numpy


ARRAY_MATH = _ArrayMath()


# ---- forward functions with domain errors that name the op and the value ---------------------
def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"div: {a!r} / {b!r} divides by zero; the divisor must be non-zero")
    return a / b


def _power(a: float, n: float, op: str) -> float:
    if a == 0.0 and n < 0.0:
        raise ZeroDivisionError(
            f"{op}: 0.0 ** {n!r} divides by zero; a negative power needs a non-zero base"
        )
    if a < 0.0 and not float(n).is_integer():
        raise ValueError(
            f"{op}: {a!r} ** {n!r} is not a real number (negative base, fractional exponent); "
            "use a positive base or an integer exponent"
        )
    try:
        return float(a**n)
    except OverflowError:
        raise OverflowError(f"{op}: {a!r} ** {n!r} overflows float64 (largest ≈ 1.8e308)") from None


def _pow(a: float, b: float) -> float:
    return _power(a, b, "pow")


def _powc(a: float, n: float) -> float:
    return _power(a, n, "pow")


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp: exp({a!r}) overflows float64 (exp is finite only for inputs ≤ 709.78); "
            "scale the input down, or use a numerically stable form (e.g. sigmoid, softmax)"
        ) from None


def _log(a: float) -> float:
    if not a > 0.0:
        raise ValueError(
            f"log: log({a!r}) is undefined; the logarithm needs an input > 0 "
            "(clamp it, e.g. (x + 1e-12).log(), or check where the negative value comes from)"
        )
    return math.log(a)


def _sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError(f"sqrt: sqrt({a!r}) is undefined; the square root needs an input ≥ 0")
    return math.sqrt(a)


def _periodic(name: str, fn: Callable[[float], float]) -> Callable[[float], float]:
    def forward(a: float) -> float:
        if math.isinf(a):
            raise ValueError(f"{name}: {name}({a!r}) is undefined; {name} needs a finite input")
        return fn(a)

    forward.__name__ = f"_{name}"
    return forward


def _sum(*items: float) -> float:
    # Plain left-to-right addition, as a + b + … would do: inf and nan come out as numbers
    # (for detect_anomaly to name), where math.fsum would raise.
    return sum(items, 0.0)


def _sigmoid(a: float) -> float:
    # Two branches so that exp never overflows: sigmoid(-1000) is 0, not an OverflowError.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _relu(a: float) -> float:
    return a if a > 0.0 or a != a else 0.0  # nan stays nan (as in PyTorch), for detect_anomaly to see


def _leaky_relu(a: float, slope: float) -> float:
    return a if a > 0.0 else a * slope


def _erf(a: float) -> float:
    return math.erf(a)


def _softplus(a: float) -> float:
    # ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|): exp never overflows, and large |x| keeps its digits.
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _dot(*items: float) -> float:
    pairs, bias = _dot_split(list(items))
    total = 0.0 if bias is None else bias
    for w, x in pairs:
        total += w * x
    return total


def _ones(m: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:
    return (1.0,) * len(inputs)


def _dot_local(m: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:
    n = len(inputs) // 2
    ws, xs = inputs[:n], inputs[n : 2 * n]
    return tuple(xs) + tuple(ws) + ((1.0,) if len(inputs) % 2 else ())


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


# ---- the table ------------------------------------------------------------------------------------
ADD = Op("add", "+", 2, float.__add__, lambda m, out, a, b: (1.0, 1.0), "{a} + {b}", ("1", "1"))
SUB = Op("sub", "-", 2, float.__sub__, lambda m, out, a, b: (1.0, -1.0), "{a} − {b}", ("1", "−1"))
MUL = Op("mul", "*", 2, float.__mul__, lambda m, out, a, b: (b, a), "{a}·{b}", ("{b}", "{a}"))
DIV = Op(
    "div", "/", 2, _div, lambda m, out, a, b: (m.div(1.0, b), -out / b), "{a}/{b}", ("1/{b}", "−{a}/{b}²")
)
POW = Op(
    "pow",
    "**",
    2,
    _pow,
    lambda m, out, a, b: (m.power_slope(a, b), m.times_log(out, a)),
    "{a}^{b}",
    ("{b}·{a}^({b}−1)", "{a}^{b}·ln {a}"),
)
POWC = Op(
    "powc",
    "**",
    1,
    _powc,
    lambda m, out, a, n: (m.power_slope(a, n),),
    "{a}^{p}",
    ("{p}·{a_pm1}",),
    has_param=True,
)
NEG = Op("neg", "neg", 1, float.__neg__, lambda m, out, a: (-1.0,), "−{a}", ("−1",))
ABS = Op("abs", "abs", 1, abs, lambda m, out, a: (m.sign(a),), "|{a}|", ("sign({a})",))
EXP = Op("exp", "exp", 1, _exp, lambda m, out, a: (out,), "exp({a})", ("exp({a})",))
LOG = Op("log", "log", 1, _log, lambda m, out, a: (m.div(1.0, a),), "ln {a}", ("1/{a}",))
SQRT = Op("sqrt", "sqrt", 1, _sqrt, lambda m, out, a: (m.div(0.5, out),), "√{a}", ("1/(2·√{a})",))
TANH = Op("tanh", "tanh", 1, math.tanh, lambda m, out, a: (1.0 - out * out,), "tanh({a})", ("1 − tanh²({a})",))
SIGMOID = Op(
    "sigmoid", "sigmoid", 1, _sigmoid, lambda m, out, a: (out * (1.0 - out),), "σ({a})", ("σ({a})·(1 − σ({a}))",)
)
RELU = Op("relu", "relu", 1, _relu, lambda m, out, a: (m.step(a),), "relu({a})", ("1 if {a} > 0 else 0",))
LEAKY_RELU = Op(
    "leaky_relu",
    "leaky_relu",
    1,
    _leaky_relu,
    lambda m, out, a, slope: (m.step(a, slope),),
    "leaky_relu({a})",
    ("1 if {a} > 0 else {p}",),
    has_param=True,
)
SIN = Op("sin", "sin", 1, _periodic("sin", math.sin), lambda m, out, a: (m.cos(a),), "sin({a})", ("cos({a})",))
COS = Op("cos", "cos", 1, _periodic("cos", math.cos), lambda m, out, a: (-m.sin(a),), "cos({a})", ("−sin({a})",))
# erf'(x) = (2/√π)·e^(−x²); exact GELU is x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2.
ERF = Op(
    "erf", "erf", 1, _erf, lambda m, out, a: (_TWO_OVER_SQRT_PI * m.exp(-(a * a)),), "erf({a})",
    ("(2/√π)·exp(−{a}²)",),
)
# softplus'(x) = σ(x) = 1 − e^(−softplus(x)), written with the output so that it needs only exp (no
# overflow for any x: the output is ≥ 0).
SOFTPLUS = Op(
    "softplus", "softplus", 1, _softplus, lambda m, out, a: (1.0 - m.exp(-out),), "softplus({a})",
    ("σ({a})",),
)
SUM = Op("sum", "sum", VARIADIC, _sum, _ones, "Σ", ())
DOT = Op("dot", "dot", VARIADIC, _dot, _dot_local, "Σ wᵢ·xᵢ + b", ())

OPS: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, POW, POWC, NEG, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY_RELU,
               SIN, COS, ERF, SOFTPLUS, SUM, DOT)
}


# ---- a learner's own op ----------------------------------------------------------------------------
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def define_op(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Any],
    *,
    text: str | None = None,
    derivative_text: str | Sequence[str] | None = None,
) -> Callable[..., Any]:
    """A primitive of your own, with its own derivative: returns a function that builds its node.

    ``forward(a)`` or ``forward(a, b)`` computes the value from floats (one or two inputs).
    ``derivative`` gives the local derivatives, one per input, in one of two forms:

    * ``derivative(a, out)`` / ``derivative(a, b, out)`` with plain floats — enough for
      ``backward()``, ``grad()``, gradcheck, the trace, the pictures and the stepper;
    * ``derivative(m, a, out)`` (first parameter named ``m``) written against the math namespace the
      built-in rules use (``m.exp``, ``m.log``, ``m.sin``, ``m.cos``, ``m.div`` and the operators):
      then the same rule also builds Values for ``grad(..., create_graph=True)`` (second derivatives)
      and runs on arrays for lanes.

    ``out`` is the op's output, for derivatives cheapest in terms of it (``(eˣ)' = eˣ``).

    Args:
        name: the op's name, shown on its graph node (an identifier, not a built-in op's name).
        text: the output as a formula, ``{a}`` and ``{b}`` standing for the inputs' names
            (default ``name({a})`` / ``name({a}, {b})``).
        derivative_text: each local derivative as a formula, same placeholders (a string for one
            input; default ``∂name/∂{a}``).

    >>> from autograd import Value
    >>> cube = define_op("cube", lambda a: a**3, lambda a, out: 3 * a**2, derivative_text="3·{a}²")
    >>> y = cube(Value(2.0)); y.backward(); y.data
    8.0
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"define_op: the name must be an identifier like 'cube', got {name!r}")
    if name in OPS:
        raise ValueError(f"define_op: {name!r} is a built-in op; pick another name, e.g. 'my_{name}'")
    if not callable(forward) or not callable(derivative):
        raise TypeError("define_op: forward and derivative must be functions")
    uses_math = _first_parameter(derivative) == "m"
    # The number of inputs: from derivative(inputs…, out) (builtins like math.hypot hide theirs).
    params = _positional(derivative, "derivative") - 1 - uses_math
    if params not in (1, 2):
        raise ValueError(
            f"define_op {name!r}: an op takes one or two inputs, and derivative(..., out) says it takes {params}"
        )
    names = ("{a}",) if params == 1 else ("{a}", "{b}")
    expr = text if text is not None else f"{name}({', '.join(names)})"
    derivs = _derivative_texts(name, derivative_text, names)
    op = Op(name, name, params, _checked_forward(name, forward), _local_rule(name, derivative, params, uses_math),
            expr, derivs)

    def build(*inputs: Any) -> Any:
        from .value import Value, _apply, _constant  # ops is the lowest layer: value imports it

        if len(inputs) != params:
            raise TypeError(f"{name} takes {params} input{'s' if params > 1 else ''}, got {len(inputs)}")
        return _apply(op, *(v if isinstance(v, Value) else _constant(v, name) for v in inputs))

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"The op {name!r} (defined with autograd.define_op): {expr.format(a='a', b='b')}."
    build.op = op  # type: ignore[attr-defined]  # the rule, for check_op and the pictures
    return build


def _positional(fn: Callable[..., Any], what: str) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"define_op: cannot read the parameters of {what}; pass a def or a lambda") from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def _first_parameter(fn: Callable[..., Any]) -> str:
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return ""
    return params[0] if params else ""


def _derivative_texts(name: str, given: str | Sequence[str] | None, names: tuple[str, ...]) -> tuple[str, ...]:
    if given is None:
        return tuple(f"∂{name}/∂{n}" for n in names)
    texts = (given,) if isinstance(given, str) else tuple(given)
    if len(texts) != len(names):
        raise ValueError(f"define_op {name!r}: derivative_text needs {len(names)} formula(s), got {len(texts)}")
    return texts


def _checked_forward(name: str, forward: Callable[..., float]) -> Callable[..., float]:
    def run(*inputs: float) -> float:
        value = forward(*inputs)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"op {name!r}: forward returned {type(value).__name__} ({value!r:.40}); it must return a number"
            ) from None

    return run


def _local_rule(name: str, derivative: Callable[..., Any], arity: int, uses_math: bool) -> Callable[..., Any]:
    """The rule ``local(m, out, *inputs)`` the engine calls, from the learner's derivative."""

    def local(m: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:
        if uses_math:
            slopes = derivative(m, *inputs, out)
        elif m is FLOAT_MATH:
            slopes = derivative(*inputs, out)
        else:
            raise TypeError(
                f"op {name!r} gives its derivative with plain floats, which serves backward() and grad(); "
                "for create_graph=True (or lanes) write it against the math namespace: "
                f"def derivative(m, {', '.join('ab'[:arity])}, out): ... using m.exp, m.log, m.sin, m.cos"
            )
        slopes = slopes if isinstance(slopes, (tuple, list)) else (slopes,)
        if len(slopes) != arity:
            raise ValueError(f"op {name!r}: derivative gave {len(slopes)} value(s), one per input needs {arity}")
        if m is FLOAT_MATH:
            try:
                return tuple(float(s) for s in slopes)
            except (TypeError, ValueError):
                raise TypeError(f"op {name!r}: derivative must give numbers, got {slopes!r:.60}") from None
        return tuple(slopes)

    return local


# ---- the forward values on arrays (autograd.lanes) ------------------------------------------------
# numpy's own version of each built-in forward, entry by entry equal to the float forward wherever that
# one returns a number. Where the float forward raises (log of 0, exp overflow, 0 ** −1), these give a
# non-finite entry; autograd.lanes then calls the float forward on that lane for the op's own message.
def _array_forwards() -> dict[str, Callable[..., Any]]:
    np = _np()

    def sigmoid(a: Any) -> Any:
        e = np.exp(-np.abs(a))  # as _sigmoid: the exponent is never positive, so nothing overflows
        return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    return {
        "add": np.add,
        "sub": np.subtract,
        "mul": np.multiply,
        "div": np.divide,
        "pow": np.power,
        "powc": np.power,
        "neg": np.negative,
        "abs": np.abs,
        "exp": np.exp,
        "log": np.log,
        "sqrt": np.sqrt,
        "tanh": np.tanh,
        "sigmoid": sigmoid,
        "relu": lambda a: np.where(a > 0.0, a, np.where(np.isnan(a), a, 0.0)),
        "leaky_relu": lambda a, slope: np.where(a > 0.0, a, a * slope),
        "sin": np.sin,
        "cos": np.cos,
        "erf": _per_lane(_erf),  # numpy has no erf: math.erf lane by lane
        "softplus": lambda a: np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a))),  # as _softplus
    }


_ARRAY_FORWARDS: dict[str, Callable[..., Any]] = {}


def array_forward(op: Op) -> Callable[..., Any]:
    """The forward of ``op`` on numpy arrays (broadcasting, parameter last, as :attr:`Op.forward`).

    Built-in ops use numpy's vectorised functions. Any other op (a user's own rule) gets its float
    forward applied lane by lane: slower, but the same numbers and the same errors.
    """
    if not _ARRAY_FORWARDS:
        _ARRAY_FORWARDS.update(_array_forwards())
    if OPS.get(op.name) is op and op.name in _ARRAY_FORWARDS:
        return _ARRAY_FORWARDS[op.name]
    return _per_lane(op.forward, 2 if op.arity == 2 or op.has_param else 1)


def _per_lane(forward: Callable[..., float], n_inputs: int = 1) -> Callable[..., Any]:
    np = _np()
    per_lane = np.frompyfunc(forward, n_inputs, 1)
    return lambda *args: np.asarray(per_lane(*args), dtype=float)
