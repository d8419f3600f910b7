"""Derivatives of an expression against the limit definition: limit tables and gradcheck.

Example:  gradstep check "-2*x**2 + 12*x - 10" --at x=12
          gradstep check "(a*b + c).tanh()" --at a=2,b=-3,c=10 --second
          gradstep check "sigmoid(x)" --derivative "sigmoid(x)*(1 - sigmoid(x))" --at x=-3:3:7

EXPR may use numbers, variable names, + - * / **, unary minus and the functions exp log sqrt tanh
sigmoid relu leaky_relu sin cos erf softplus abs (as x.exp() or exp(x)); nothing else is accepted and the text is
never run as Python. For each variable the limit table shows the forward quotient (f(x+h) − f(x))/h
and the central quotient (f(x+h) − f(x−h))/2h approaching autograd's derivative as h shrinks, until
round-off takes over. With --derivative DEXPR, your own formula for f'(x) is checked against the
limit of the quotients instead, at one point or a range (x=-3:3:7 is 7 points from -3 to 3).
Exit code: 0 when the check passes, 1 when it fails, 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, NoReturn

from ..derivative_check import check_derivative
from ..diagnose import nan_origin
from ..expr import Expression, ExpressionError, parse_assignments, parse_expression, parse_number
from ..functional import grad
from ..limits import LimitTable, limit_table
from ..report_text import WIDTH
from ..testing import gradcheck_graph
from ..under_test import as_number
from ..value import Value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", metavar="EXPR", help='the expression, e.g. "-2*x**2 + 12*x - 10"')
    parser.add_argument(
        "--at", default="", metavar="NAME=VALUE,...",
        help="the point, one value per variable: x=2.0,y=-1; with --derivative also a range x=FROM:TO:COUNT",
    )
    parser.add_argument(
        "--derivative", default=None, metavar="DEXPR",
        help="your formula for f'(x), checked against the limit of the difference quotients, "
        'e.g. --derivative "-4*x + 12"',
    )
    parser.add_argument(
        "--h", default=None, metavar="H,...",
        help="step sizes for the limit tables (default 1e-1,1e-2,...,1e-12)",
    )
    parser.add_argument(
        "--eps", default="1e-6", help="gradcheck's step for central differences (default 1e-6)"
    )
    parser.add_argument("--atol", default="1e-5", help="gradcheck's absolute tolerance (default 1e-5)")
    parser.add_argument("--rtol", default="1e-3", help="gradcheck's relative tolerance (default 1e-3)")
    parser.add_argument("--second", action="store_true", help="also check second derivatives (gradgradcheck)")
    parser.add_argument(
        "--absolute-eps", action="store_true",
        help="step by eps itself, as PyTorch does (default: eps·max(1, |x|), scaled to the input)",
    )
    refuse = parser.error

    def error(message: str) -> NoReturn:
        # (An expression or formula that starts with "-", like "-x**2", is taken as one: see autograd.__main__.)
        if "--derivative" in message and "expected one argument" in message:
            message += (
                '. A formula that starts with "-" looks like an option: write it with "=", '
                'e.g. --derivative="-4*x + 12"'
            )
        # argparse prints "PROG: error: MESSAGE" on one line: fold the message to fit beside the prefix.
        prefix = " " * len(f"{parser.prog}: error: ")
        refuse(textwrap.fill(message, WIDTH, initial_indent=prefix, subsequent_indent="  ")[len(prefix):])

    parser.error = error  # type: ignore[method-assign]


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except OSError:
        raise  # the reader went away (| head), a full disk: the command line's main says so in one line
    except ExpressionError as err:
        _refuse(str(err))
        return 2
    except (ValueError, ArithmeticError) as err:
        _refuse(f"cannot check this: {err}")
        return 2
    except Exception as err:  # noqa: BLE001 - the command line promises one line, never a traceback
        _refuse(f"unexpected {type(err).__name__}: {err} (this is a bug in gradstep; please report it)")
        return 2


def _refuse(message: str) -> None:
    print(f"gradstep check: {message}", file=sys.stderr)


def _positive(text: str, what: str) -> float:
    value = parse_number(text)
    if value <= 0:
        raise ExpressionError(f"{what} must be > 0, got {text.strip()}")
    return value


def _run(args: argparse.Namespace) -> int:
    expr = parse_expression(args.expression)
    if not expr.variables:
        raise ExpressionError(
            f"{expr.text!r} has no variables, so there is nothing to differentiate; try x**2"
        )
    at, ranges = _split_ranges(args.at)
    if args.derivative is not None:
        return _check_formula(expr, parse_expression(args.derivative), at, ranges)
    if ranges:
        name = next(iter(ranges))
        raise ExpressionError(
            f"a range of points ({name}={ranges[name][0]}) needs --derivative DEXPR (your formula to check "
            f"at each point); without it give one point, e.g. --at {name}=1"
        )
    values = parse_assignments(at)
    hs = None if args.h is None else [_positive(h, "each --h") for h in args.h.split(",")]
    eps, atol, rtol = _positive(args.eps, "--eps"), parse_number(args.atol), parse_number(args.rtol)
    if atol < 0 or rtol < 0:
        raise ExpressionError("--atol and --rtol must be ≥ 0")
    root, leaves = expr.build(values)  # refuses missing/unknown variables and domain errors at the point
    names = expr.variables
    point = [values[name] for name in names]
    partials = grad(root, [leaves[name] for name in names])

    at = ", ".join(f"{name} = {_show(values[name])}" for name in names)
    _print_wrapped(f"f({', '.join(names)}) = {expr.text}    at {at}")
    print(f"f = {_show(root.data)}")
    print()
    print("Partial derivatives by autograd (reverse mode):")
    width = max(len(name) for name in names)
    for name, slope in zip(names, partials):
        print(f"  ∂f/∂{name:<{width}} = {_show(slope)}")
    for name, slope in zip(names, partials):
        print()
        why = _why_nan(root, leaves[name], name) if slope != slope else ""
        print(_limit_table(expr, values, name, slope, hs, why))

    def make(p: Sequence[float]) -> tuple[Value, list[Value]]:
        out, built = expr.build(dict(zip(names, p)), labels=False)
        return out, [built[name] for name in names]

    relative = not args.absolute_eps
    reports = [gradcheck_graph(make, names, point, 1, eps, atol, rtol, relative_eps=relative)]
    if args.second:
        reports.append(gradcheck_graph(make, names, point, 2, eps, atol, rtol, relative_eps=relative))
    for report in reports:
        print()
        print(report)
    return 0 if all(report.ok for report in reports) else 1


def _why_nan(root: Value, leaf: Value, name: str) -> str:
    """What the limit table says when autograd's ∂f/∂name is NaN: where it comes from, what to try."""
    origin = nan_origin(root, leaf)
    return (
        f"autograd gives nan here{': ' + origin if origin else ''}. The derivative in {name} may not "
        "exist at this point: try another point with --at"
    )


def _print_wrapped(line: str) -> None:
    print("\n".join(textwrap.wrap(line, WIDTH, subsequent_indent="    ", break_on_hyphens=False) or [line]))


def _limit_table(
    expr: Expression,
    values: dict[str, float],
    name: str,
    slope: float,
    hs: list[float] | None,
    why_nan: str = "",
) -> str:
    """The limit table along one variable, the others held at their values."""

    def along(t: Any) -> float:
        moved = dict(values)
        moved[name] = float(t)
        return expr.build(moved, labels=False)[0].data

    along.__name__ = "f"
    table: LimitTable = limit_table(along, values[name], hs, derivative=slope)
    label = f"∂f/∂{name}" if len(values) > 1 else f"f'({name})"
    table = LimitTable(table.x, table.rows, table.derivative, "f", "autograd", name, label, why_nan)
    fixed = [f"{other} = {_show(v)}" for other, v in values.items() if other != name]
    held = f"(other variables held at {', '.join(fixed)})"
    return str(table) + ("\n" + "\n".join(textwrap.wrap(held, WIDTH, subsequent_indent=" ")) if fixed else "")


def _show(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.12g}"



MAX_POINTS = 1000


def _split_ranges(text: str) -> tuple[str, dict[str, tuple[str, list[float]]]]:
    """``x=-3:3:7`` parts taken out of --at: (the rest, {name: (as typed, the points)})."""
    plain, ranges = [], {}
    for part in text.split(",") if text.strip() else []:
        name, _, value = part.partition("=")
        if ":" not in value:
            plain.append(part)
            continue
        pieces = value.split(":")
        if len(pieces) != 3:
            raise ExpressionError(
                f"{part.strip()!r}: a range is FROM:TO:COUNT, e.g. x=-3:3:7 for 7 points from -3 to 3"
            )
        low, high = parse_number(pieces[0]), parse_number(pieces[1])
        count = parse_number(pieces[2])
        if not count.is_integer() or not 1 <= count <= MAX_POINTS:
            raise ExpressionError(f"the COUNT of {part.strip()!r} must be a whole number from 1 to {MAX_POINTS}")
        n = int(count)
        points = [low] if n == 1 else [low + (high - low) * k / (n - 1) for k in range(n)]
        ranges[name.strip()] = (value.strip(), points)
    return ",".join(plain), ranges


def _check_formula(
    expr: Expression, formula: Expression, at: str, ranges: dict[str, tuple[str, list[float]]]
) -> int:
    """--derivative: the learner's f'(x) against the limit of f's difference quotients."""
    if len(expr.variables) != 1:
        raise ExpressionError(
            f"--derivative checks a function of one variable; {expr.text!r} has "
            f"{len(expr.variables)} ({', '.join(expr.variables)}): hold the others fixed by writing numbers"
        )
    (name,) = expr.variables
    extra = [v for v in formula.variables if v != name]
    if extra:
        raise ExpressionError(f"the derivative {formula.text!r} uses {', '.join(extra)}, but f's variable is {name}")
    values = parse_assignments(at)
    unknown = [v for v in [*values, *ranges] if v != name]
    if unknown:
        raise ExpressionError(f"{unknown[0]} is not in the expression (its variable: {name})")
    if name in ranges:
        points = ranges[name][1]
    elif name in values:
        points = [values[name]]
    else:
        raise ExpressionError(f"no point given; add --at {name}=1 or a range --at {name}=-3:3:7")

    def f(t: Any) -> Value:
        return expr.build({name: as_number(t, name)}, labels=False)[0]

    def df(t: float) -> float:
        return formula.build({name: t} if formula.variables else {}, labels=False)[0].data

    f.__name__ = "f"
    _print_wrapped(f"f({name}) = {expr.text}    your f'({name}) = {formula.text}")
    print()
    report = check_derivative(f, df, points, variable=name)
    print(report)
    return 0 if report.ok else 1
