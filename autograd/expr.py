"""A safe parser for the expressions people type on the command line: ``"(a*b + c).tanh()"``.

The text is parsed with :mod:`ast` and checked against a whitelist — numbers, variable names,
``+ - * / **``, unary minus and plus, and the Value methods (``x.exp()`` or ``exp(x)``). Anything
else is refused with :class:`ExpressionError`, a one-line message. The text is never passed to
``eval`` or ``exec``: the checked tree is walked and each node turned into a Value op.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .value import Value

__all__ = ["ExpressionError", "Expression", "parse_expression", "parse_assignments", "parse_number", "METHODS"]

#: Value methods an expression may call, with the number of extra arguments each takes at most.
METHODS: dict[str, int] = {
    "exp": 0,
    "log": 0,
    "sqrt": 0,
    "tanh": 0,
    "sigmoid": 0,
    "relu": 0,
    "leaky_relu": 1,
    "sin": 0,
    "cos": 0,
    "erf": 0,
    "softplus": 0,
    "abs": 0,
}
MAX_LENGTH = 500
MAX_DEPTH = 40  # parentheses inside parentheses
MAX_TREE_DEPTH = 120  # a + b + … + z nests one level per term, so the tree may go deeper than the brackets
MAX_NODES = 400
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


class ExpressionError(ValueError):
    """The expression (or a value for it) cannot be used; the message is one line and says why."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its variables (in order of first appearance) and its tree."""

    text: str
    variables: tuple[str, ...]
    tree: ast.expr

    def build(self, values: dict[str, float], labels: bool = True) -> tuple[Value, dict[str, Value]]:
        """Make the graph at the given values: (output node, {name: leaf}).

        Each variable is one leaf, however often it appears (so ``x*x`` uses x twice). With
        ``labels``, intermediate nodes are named ``n1, n2, …`` in the order they are computed, so
        pictures and traces can refer to them.
        """
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise ExpressionError(
                f"no value for {', '.join(missing)}; give every variable one, e.g. --at "
                + ",".join(f"{v}=1.0" for v in self.variables)
            )
        unknown = sorted(set(values) - set(self.variables))
        if unknown:
            raise ExpressionError(
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the expression "
                f"(its variables: {', '.join(self.variables) or 'none'})"
            )
        leaves = {name: Value(float(values[name]), name) for name in self.variables}
        builder = _Builder(leaves, labels, taken=set(self.variables))
        try:
            root = builder.build(self.tree)
        except (ValueError, ZeroDivisionError, OverflowError) as err:
            raise ExpressionError(f"cannot evaluate {self.text!r} there: {err}") from None
        if not isinstance(root, Value):
            root = Value(root)
        if labels and (not root.label or root in builder.auto_labeled):
            root.label = builder.fresh("out")
        return root, leaves

    def __call__(self, **values: float) -> Value:
        return self.build(values)[0]


def parse_expression(text: str) -> Expression:
    """Check ``text`` against the whitelist and return an :class:`Expression`."""
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty; try something like '(a*b + c).tanh()'")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if _paren_depth(text) > MAX_DEPTH:
        raise ExpressionError(f"the expression nests parentheses more than {MAX_DEPTH} deep; the limit is {MAX_DEPTH}")
    hint = _typing_hint(text)
    if hint:
        raise ExpressionError(hint)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        where = f" at column {err.offset}" if err.offset else ""
        raise ExpressionError(f"not a valid expression{where}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is too deeply nested") from None
    checker = _Checker()
    checker.check(tree.body, depth=0)
    return Expression(text.strip(), tuple(checker.variables), tree.body)


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


# Ways people write maths that Python reads differently, each with the fix.
_TYPING_HINTS = [
    (re.compile(r"[−–]"), "use the ASCII minus sign '-' instead of '−'"),
    (re.compile(r"[×·]"), "use '*' for multiplication"),
    (re.compile(r"[²³]"), "write powers with '**', e.g. x**2"),
    (re.compile(r"\^"), "use '**' for powers ('^' is not a power in Python), e.g. x**2"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?:[eE][-+]?\d+)?(?=[A-Za-z_(])(?![eE][-+]?\d)"),
     "write the multiplication out, e.g. 2*x or 3*(x + 1)"),
]


def _typing_hint(text: str) -> str:
    for pattern, hint in _TYPING_HINTS:
        if pattern.search(text):
            return f"not a valid expression: {hint}"
    return ""


class _Checker:
    def __init__(self) -> None:
        self.variables: list[str] = []
        self.count = 0

    def check(self, node: ast.AST, depth: int) -> None:
        self.count += 1
        if depth > MAX_TREE_DEPTH or self.count > MAX_NODES:
            raise ExpressionError(
                f"the expression is too large (limits: {MAX_TREE_DEPTH} levels of operations, {MAX_NODES} parts)"
            )
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ExpressionError(f"{node.value!r} is not allowed; only numbers can be constants")
            if isinstance(node.value, int) and abs(node.value) > 10**300 or not math.isfinite(float(node.value)):
                raise ExpressionError(f"the number {_short(node.value)} is not a finite float64 number")
        elif isinstance(node, ast.Name):
            if not _NAME.match(node.id) or node.id in METHODS:
                raise ExpressionError(f"{node.id!r} cannot be a variable name; use names like x, y, w1")
            if node.id not in self.variables:
                self.variables.append(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ExpressionError(f"the operator {_op_text(node.op)} is not allowed; use + - * / **")
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ExpressionError(f"the operator {_op_text(node.op)} is not allowed; use unary minus")
            self.check(node.operand, depth + 1)
        elif isinstance(node, ast.Call):
            self._check_call(node, depth)
        elif isinstance(node, ast.Attribute):
            raise ExpressionError(
                f"attribute access (.{node.attr}) is not allowed; only method calls like x.{node.attr}() "
                f"for {', '.join(METHODS)}"
                if node.attr in METHODS
                else f"attribute access (.{node.attr}) is not allowed"
            )
        else:
            raise ExpressionError(f"{_describe(node)} is not allowed in an expression")

    def _check_call(self, node: ast.Call, depth: int) -> None:
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed; write leaky_relu(x, 0.1)")
        if isinstance(node.func, ast.Attribute):  # x.tanh()
            name, target, extra = node.func.attr, node.func.value, node.args
        elif isinstance(node.func, ast.Name):  # tanh(x)
            name = node.func.id
            if name not in METHODS:
                raise ExpressionError(f"calling {name}() is not allowed; the functions are: {', '.join(METHODS)}")
            if not node.args:
                raise ExpressionError(f"{name}() needs an argument, e.g. {name}(x)")
            target, extra = node.args[0], node.args[1:]
        else:
            raise ExpressionError(f"{_describe(node.func)} cannot be called")
        if name not in METHODS:
            raise ExpressionError(f".{name}() is not allowed; the methods are: {', '.join(METHODS)}")
        if len(extra) > METHODS[name]:
            raise ExpressionError(f"{name} takes {METHODS[name] or 'no'} extra argument(s), got {len(extra)}")
        for arg in extra:
            if not _is_number(arg) or not math.isfinite(_number(arg)):
                raise ExpressionError(f"the extra argument of {name} must be a plain finite number")
        self.check(target, depth + 1)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def _number(node: ast.AST) -> float:
    if isinstance(node, ast.UnaryOp):
        value = _number(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    return float(node.value)  # type: ignore[attr-defined]


def _op_text(op: ast.AST) -> str:
    return {
        ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
        ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not", ast.Invert: "~",
    }.get(type(op), type(op).__name__)


def _describe(node: ast.AST) -> str:
    names = {
        ast.Lambda: "a lambda", ast.Subscript: "subscripting ([...])", ast.List: "a list", ast.Tuple: "a tuple",
        ast.Dict: "a dict", ast.Set: "a set", ast.Compare: "a comparison", ast.BoolOp: "and/or",
        ast.IfExp: "an if-expression", ast.NamedExpr: "the := operator", ast.JoinedStr: "an f-string",
        ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator", ast.Starred: "*unpacking",
        ast.Await: "await", ast.Yield: "yield",
    }
    return names.get(type(node), type(node).__name__)


class _Builder:
    def __init__(self, leaves: dict[str, Value], labels: bool, taken: set[str]) -> None:
        self.leaves = leaves
        self.labels = labels
        self.counter = 0
        self.auto_labeled: list[Value] = []
        self.taken = taken  # names a computed node must not get (the variables')

    def fresh(self, name: str) -> str:
        """``name``, or ``name_`` (``name__`` …) if a variable is called that."""
        while name in self.taken:
            name += "_"
        return name

    def build(self, node: ast.AST) -> Any:
        value = self._build(node)
        if self.labels and isinstance(value, Value) and not value.label and value.parents:
            self.counter += 1
            while f"n{self.counter}" in self.taken:
                self.counter += 1
            value.label = f"n{self.counter}"
            self.auto_labeled.append(value)
        return value

    def _build(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return float(node.value)  # type: ignore[arg-type]  # the validator let only numbers through
        if isinstance(node, ast.Name):
            return self.leaves[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return -operand if isinstance(operand, Value) else -operand
        if isinstance(node, ast.BinOp):
            left, right = self.build(node.left), self.build(node.right)
            if not isinstance(left, Value) and not isinstance(right, Value):
                return _fold(_BINARY[type(node.op)], left, right)
            if not isinstance(left, Value):
                left = Value(left)  # a constant on the left of a Value op
            symbol = _BINARY[type(node.op)]
            if symbol == "+":
                return left + right
            if symbol == "-":
                return left - right
            if symbol == "*":
                return left * right
            if symbol == "/":
                return left / right
            return left**right
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                name, target, extra = node.func.attr, node.func.value, node.args
            else:
                name, target, extra = node.func.id, node.args[0], node.args[1:]  # type: ignore[attr-defined]
            value = self.build(target)
            if not isinstance(value, Value):
                value = Value(value)
            if name == "abs":
                return abs(value)
            return getattr(value, name)(*[_number(a) for a in extra])
        raise ExpressionError(f"{_describe(node)} is not allowed in an expression")  # unreachable after check


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


def _fold(symbol: str, a: float, b: float) -> float:
    """Arithmetic between two constants, with the same domain errors as the Value ops."""
    return _ARITHMETIC[symbol](Value(a), b).data


def parse_number(text: str) -> float:
    """A number as a person types it: ``2``, ``-1.5``, ``1e-3`` or a fraction like ``-3/2``."""
    cleaned = text.strip()
    try:
        if "/" in cleaned:
            value = float(Fraction(cleaned.replace(" ", "")))
        else:
            value = float(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ExpressionError(f"{_quoted(cleaned)} is not a number; write e.g. 2, -1.5, 1e-3 or -3/2") from None
    if not math.isfinite(value):
        raise ExpressionError(f"{_quoted(cleaned)} is not a finite number")
    return value


def _quoted(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut short: a pasted megabyte must not be echoed back (or re-wrapped)."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def parse_assignments(text: str) -> dict[str, float]:
    """``"x=2.0,y=-1"`` → ``{"x": 2.0, "y": -1.0}``."""
    values: dict[str, float] = {}
    if not text or not text.strip():
        return values
    for part in text.split(","):
        if "=" not in part:
            raise ExpressionError(f"{part.strip()!r} is not of the form name=value (e.g. x=2.0,y=-1)")
        name, _, number = part.partition("=")
        name = name.strip()
        if not _NAME.match(name):
            raise ExpressionError(f"{name!r} is not a variable name")
        if name in values:
            raise ExpressionError(f"{name} is given twice")
        values[name] = parse_number(number)
    return values
