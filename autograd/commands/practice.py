"""Practise backprop by hand: give ∂out/∂node for each node, marked at once with the mistake named.

Without EXPR a random exercise is made (--level 1: + and *; 2: - / **2 and an input used twice;
3: a tanh neuron or an exp/log step, answers to 4 decimals); --seed repeats one. With EXPR, give
every variable a value with --at. Answers are read line by line, so they can be piped in:
numbers or fractions such as -3/2; h shows a hint, s shows the answer, q quits. A wrong answer
gets the mistake's name and a hint (never the right number) and another try; after the third miss
the answer is shown.

How exact: when every value and gradient is a small multiple of 0.5 (levels 1 and 2, and e.g.
"(a*b + c)*f" at whole numbers) answers must be exact; otherwise 4 significant digits are enough
(rtol=1e-3, atol=5e-5). --rtol/--atol set the tolerance (math.isclose) instead.

Exit code: 0 when every question was answered right (retries count), 1 otherwise, 2 on bad input
(expression, --at, --level).

Examples:
  gradstep practice
  gradstep practice --level 2 --seed 7
  gradstep practice "(a*b + c)*f" --at a=2,b=-3,c=10,f=-2
  printf -- '-2\\n4\\nh\\n-2\\n' | gradstep practice "(a*b + c)*f" --at a=2,b=-3,c=10,f=-2
  gradstep practice "(a*b + c).tanh()" --at a=2,b=-3,c=6.5 --rtol 1e-6
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import textwrap
from typing import TextIO

from ..expr import ExpressionError, parse_number
from ..practice import LEVELS, MAX_TRIES, MISTAKE_TITLES, Exercise, make_exercise

WIDTH = 100
_HINT = ("h", "hint", "?")
_SHOW = ("s", "show")
_QUIT = ("q", "quit", "exit")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        nargs="?",
        metavar="EXPR",
        help='an expression such as "(a*b + c)*f" (default: a random exercise)',
    )
    parser.add_argument("--at", default=None, metavar="a=2,b=-3", help="the value of every variable of EXPR")
    parser.add_argument(
        "--level",
        type=int,
        default=None,
        metavar="N",
        help="difficulty of a random exercise: 1, 2 or 3 (default 1)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="repeat the random exercise S")
    parser.add_argument("--rtol", type=_tolerance, default=None, metavar="R",
                        help="relative tolerance of a right answer, e.g. 1e-3 for 4 significant digits "
                             "(default: exact for hand-computable exercises, else 1e-3)")
    parser.add_argument("--atol", type=_tolerance, default=None, metavar="A",
                        help="absolute tolerance, for answers near 0 (default: 1e-9 or 5e-5; with --rtol R "
                             "alone, at most R/20)")


def _tolerance(text: str) -> float:
    """A tolerance as argparse reads it: a finite number ≥ 0 (1e-3, 0.001 or 1/1000)."""
    try:
        value = parse_number(text)
    except ExpressionError as err:
        raise argparse.ArgumentTypeError(f"{err}; e.g. 1e-3") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"a tolerance must be a number ≥ 0, e.g. 1e-3, not {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    try:
        exercise = build(args)
    except (ValueError, TypeError) as err:  # ExpressionError is a ValueError: one line, says why
        print(f"gradstep practice: {err}", file=sys.stderr)
        return 2
    _printable(sys.stdout)
    try:
        echo = not sys.stdin.isatty()
    except (AttributeError, ValueError):
        echo = True
    try:
        return session(exercise, sys.stdin, sys.stdout, echo=echo)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def build(args: argparse.Namespace) -> Exercise:
    """The exercise the arguments ask for; ValueError with a one-line reason if they do not fit."""
    if args.expression is not None:
        if args.level is not None or args.seed is not None:
            raise ValueError("--level and --seed make a random exercise; leave them out when you give EXPR")
        return Exercise.from_expression(args.expression, at=args.at or "", rtol=args.rtol, atol=args.atol)
    if args.at is not None:
        raise ValueError('--at gives the values of EXPR\'s variables; give an expression too, e.g. "a*b + c"')
    level = 1 if args.level is None else args.level
    if level not in LEVELS:
        raise ValueError(f"--level must be 1, 2 or 3, got {level}")
    return make_exercise(level, args.seed, rtol=args.rtol, atol=args.atol)


def session(exercise: Exercise, stdin: TextIO, out: TextIO, echo: bool = False) -> int:
    """Ask every question of ``exercise`` on ``out``, reading answers from ``stdin``; the exit code.

    ``echo`` repeats each answer after its prompt, so a piped session reads as a dialogue.
    """
    _intro(exercise, out)
    total = len(exercise.questions)
    for question in exercise.questions:
        while True:
            out.write(f"[{question.index + 1}/{total}] {question.prompt} ")
            out.flush()
            line = stdin.readline()
            if not line:  # end of input
                out.write("\n\n(no more input)\n")
                return _finish(exercise, out)
            text = line.strip()
            if echo:  # a pasted megabyte is not repeated back in full
                out.write((text if len(text) <= 200 else f"{text[:200]}… ({len(text):,} characters)") + "\n")
            command = text.lower()
            if command in _HINT:
                _say(out, "hint: " + exercise.hint(question.index))
                continue
            if command in _SHOW:
                _say(out, "Answer: " + exercise.reveal(question.index))
                break
            if command in _QUIT:
                out.write("\nStopped.\n")
                return _finish(exercise, out)
            if not text:
                _say(out, "Type a number (e.g. -1.5 or -3/2), h for a hint, s to show the answer, or q to quit.")
                continue
            try:
                value = parse_number(text)
            except ExpressionError as err:
                _say(out, f"{err}; or h for a hint, s to show the answer, q to quit.")
                continue
            feedback = exercise.answer(question.index, value)
            if feedback.correct:
                _say(out, "✓ " + feedback.explanation)
                break
            named = f" ({' or '.join(MISTAKE_TITLES[m] for m in feedback.mistakes)})" if feedback.mistakes else ""
            if feedback.revealed:
                head = f"Wrong{named}, and that was the last try." if named else "That was the last try."
                _say(out, f"✗ {head} {feedback.explanation}")
                break
            left = exercise.tries_left(question.index)
            _say(out, f"✗ Not yet{named}. {feedback.hint} Try again ({left} {'try' if left == 1 else 'tries'} "
                      "left), h for a hint, s to show the answer.")
    return _finish(exercise, out)


def _intro(exercise: Exercise, out: TextIO) -> None:
    if exercise.level is not None:
        intro = f"Practice, level {exercise.level} (seed {exercise.seed}): {LEVELS[exercise.level]}."
        out.write(textwrap.fill(intro, WIDTH) + "\n\n")
    out.write(f"  {exercise.title}    at {exercise.inputs_text()}\n\n")
    out.write(textwrap.indent(exercise.forward_table(), "  ") + "\n\n")
    out_name = exercise.facts.names[exercise.root]
    lines = [
        f"Backprop starts at {out_name} with ∂{out_name}/∂{out_name} = 1. Give each gradient in the order "
        f"backprop visits the nodes. {exercise.precision_text()}",
        f"Type a number (fractions like -3/2 are fine), h for a hint, s to show the answer, q to quit; "
        f"a wrong answer gets a hint and another try ({MAX_TRIES} tries in all).",
    ]
    for line in lines:
        out.write(textwrap.fill(line, WIDTH) + "\n")
    out.write("\n")


def _finish(exercise: Exercise, out: TextIO) -> int:
    score = exercise.score
    first_time = score.right == score.total
    out.write(f"\nScore: {score}" + (": that is backprop by hand.\n" if first_time else ".\n"))
    if not first_time and exercise.seed is not None:
        out.write(f"Try it again: gradstep practice --level {exercise.level} --seed {exercise.seed}\n")
    return 0 if score.right + score.retried == score.total else 1


def _printable(stream: TextIO) -> None:
    """Formulas use ∂, ·, −, ²: on a terminal that cannot show them, print "?" rather than crash."""
    try:
        "✓✗∂·−²".encode(stream.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _say(out: TextIO, text: str) -> None:
    out.write(textwrap.fill(text, WIDTH, initial_indent="  ", subsequent_indent="    ") + "\n")
