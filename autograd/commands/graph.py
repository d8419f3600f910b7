"""Draw an expression's computation graph with values and gradients; step through its backprop.

Example:  gradstep graph "(a*b + c).tanh()" --at a=2,b=-3,c=10 -o graph.svg
          gradstep graph "a*b + c" --at a=2,b=-3,c=10 --backprop steps.html --steps
          gradstep graph "(a*b + c)*f" --at a=2,b=-3,c=10,f=-2 --backprop quiz.html --quiz

Prints the value and the gradient of the output with respect to every variable (by backprop),
writes the picture (-o: .svg .png .pdf, or .dot for the Graphviz text) and the backprop stepper
(--backprop: one self-contained HTML page, one frame per step; open it in a browser; with --quiz the
page asks for each gradient, and marks it, before showing it). EXPR is read
by the same safe parser as `gradstep check`: numbers, variable names, + - * / **, unary minus and
exp log sqrt tanh sigmoid relu leaky_relu sin cos erf softplus abs; the text is never run as Python.
Exit code: 0 on success, 2 for bad input, 1 when a file cannot be written or Graphviz is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..expr import ExpressionError, parse_assignments, parse_expression
from ..files import NotARegularFileError, describe_os_error
from ..trace import compute_trace
from ..view import GraphView, format_number

_HTML = (".html", ".htm")
_PICTURES = (".svg", ".png", ".pdf", ".jpg", ".dot", ".gv")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", metavar="EXPR", help='the expression, e.g. "(a*b + c).tanh()"')
    parser.add_argument("--at", default="", metavar="NAME=VALUE,...",
                        help="the point, one value per variable: a=2,b=-3,c=10")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the graph picture: FILE.svg, .png, .pdf or .dot (DOT text)")
    parser.add_argument("--backprop", metavar="FILE.html",
                        help="write the backprop stepper: one HTML page, one frame per step")
    parser.add_argument("--quiz", action="store_true",
                        help="with --backprop: a quiz page that asks for each gradient before showing it")
    parser.add_argument("--rtol", type=float, default=None, metavar="R",
                        help="with --quiz: relative tolerance of a right answer (default: exact when every "
                             "value and gradient is a small multiple of 0.5, else 1e-3: 4 significant digits)")
    parser.add_argument("--atol", type=float, default=None, metavar="A",
                        help="with --quiz: absolute tolerance, for answers near 0 (default 1e-9 or 5e-5)")
    parser.add_argument("--steps", action="store_true", help="print every backprop step as a table")
    parser.add_argument("--rankdir", default="LR", choices=["LR", "RL", "TB", "BT"],
                        help="the direction of the arrows: left to right (LR, default), RL, top to bottom "
                             "(TB) or BT")
    slides = parser.add_argument_group("the picture (-o), for slides")
    slides.add_argument("--no-grad", action="store_true", help="leave the gradients out of the picture")
    slides.add_argument("--no-data", action="store_true", help="leave the values out of the picture")
    slides.add_argument("--precision", type=int, default=None, metavar="DIGITS",
                        help="significant digits of the numbers (default: exact small integers, else 4)")
    slides.add_argument("--theme", default="light", choices=["light", "dark"], help="colours (default light)")
    slides.add_argument("--dpi", type=float, default=None,
                        help="resolution of a .png/.jpg picture (default 96; 300 for print)")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except ExpressionError as err:
        return _refuse(str(err), 2)
    except ValueError as err:  # a graph too big to draw, an unknown picture format, ...
        return _refuse(str(err), 2)
    except RuntimeError as err:  # Graphviz's dot missing (its message says how to install it)
        return _refuse(str(err), 1)
    except BrokenPipeError:
        raise  # the reader of our output went away (`| head`): the command line stops quietly
    except OSError as err:  # a file, or stdout itself (a full disk), could not be written
        return _refuse(describe_os_error(err), 2 if isinstance(err, NotARegularFileError) else 1)
    except ArithmeticError as err:
        return _refuse(f"cannot compute this: {err}", 2)


def _refuse(message: str, code: int) -> int:
    print(f"gradstep graph: {' '.join(message.split())}", file=sys.stderr)
    return code


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse bad file names before any work, so a typo costs nothing."""
    if args.output is not None and Path(args.output).suffix.lower() not in _PICTURES:
        raise ExpressionError(f"cannot tell the picture format from {args.output!r}; "
                              f"end the file name in one of {', '.join(_PICTURES)}")
    if (args.rtol is not None or args.atol is not None) and not args.quiz:
        raise ExpressionError("--rtol/--atol set how exact a quiz answer must be: use them with --quiz")
    for flag, value in (("--rtol", args.rtol), ("--atol", args.atol)):
        if value is not None and not (value >= 0 and value != float("inf")):
            raise ExpressionError(f"{flag} must be a finite number ≥ 0, e.g. 1e-3, not {value}")
    if args.dpi is not None and not 10 <= args.dpi <= 1200:
        raise ExpressionError(f"--dpi must be from 10 to 1200 (96 for screens, 300 for print), not {args.dpi:g}")
    if args.precision is not None and not 1 <= args.precision <= 17:
        raise ExpressionError(f"--precision is a number of significant digits from 1 to 17, not {args.precision}")
    slide_flags = args.no_grad or args.no_data or args.precision is not None or args.theme != "light" or args.dpi
    if slide_flags and args.output is None:
        raise ExpressionError("--no-grad, --no-data, --precision, --theme and --dpi style the picture: "
                              "give -o FILE.svg (or .png, .pdf) too")
    if args.quiz and args.backprop is None:
        raise ExpressionError("--quiz makes the --backprop page a quiz: give --backprop FILE.html too")
    if args.backprop is not None and Path(args.backprop).suffix.lower() not in _HTML:
        raise ExpressionError(f"--backprop writes an HTML page: give a file name ending in .html, "
                              f"not {args.backprop!r}")
    for name in (args.output, args.backprop):
        if name is not None and not Path(name).resolve().parent.is_dir():
            raise ExpressionError(f"cannot write {name}: the folder {Path(name).parent} does not exist")


def _run(args: argparse.Namespace) -> int:
    expr = parse_expression(args.expression)
    values = parse_assignments(args.at)
    _check_outputs(args)
    root, leaves = expr.build(values)  # the parser names the output "out", as every command does
    view = GraphView(root)  # the one backward pass: every line and picture below reads it

    name = view.root_name
    at = ", ".join(f"{v} = {format_number(values[v])}" for v in expr.variables)
    print((expr.text if expr.text == name else f"{name} = {expr.text}") + (f"   at {at}" if at else ""))
    print(f"value: {name} = {format_number(root.data)}")
    if leaves:
        print("gradients (by backprop):")
        width = max(len(v) for v in leaves)
        for v, leaf in leaves.items():
            shared = view.is_shared(leaf)  # used more than once: the terms its uses sent, in arrival order
            terms = f"{view.terms_text(leaf)} = " if shared else ""
            note = f"   (one term per use of {v}, added up)" if shared else ""
            print(f"  ∂{name}/∂{v.ljust(width)} = {terms}{format_number(view.grads[leaf])}{note}")
    if args.steps:
        print()
        print(compute_trace(view))

    if args.output is None and args.backprop is None:
        print("(draw it with -o graph.svg or -o graph.png; step through backprop with --backprop steps.html)")
        return 0
    from ..viz import draw_graph, save_backprop_html, save_graph  # graphviz only when a picture is asked for

    if args.output is not None:
        picture = draw_graph(view, rankdir=args.rankdir, show_grad=not args.no_grad, show_data=not args.no_data,
                             precision=args.precision, theme=args.theme)
        path = save_graph(picture, args.output, dpi=args.dpi)
        print(f"wrote {path}")
    if args.backprop is not None:
        heading = "Backprop quiz" if args.quiz else "Backprop, step by step"
        tolerance = {"rtol": args.rtol, "atol": args.atol} if args.quiz else {}
        path = save_backprop_html(view, args.backprop, quiz=args.quiz, rankdir=args.rankdir,
                                  title=f"{heading}: {name} = {expr.text}", **tolerance)
        steps = len(view.backprop) if args.quiz else max(len(view.interior), 1)
        what = "type each gradient, Enter checks it" if args.quiz else "use ← → to step"
        print(f"wrote {path} ({steps} steps; open it in a browser, {what})")
    return 0
