"""Gradient descent on a profit function: the derivative says which way to step and how hard.

A company's profit for x units sold is P(x) = −2x² + 12x − 10. Maximising P is minimising the loss
−P. Starting from x = 12, each step moves x by lr · P'(x) (down the slope of −P), with P'(x) computed
by autograd; it stops when |P'(x)| < tol, at the critical point x = 3.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass

from ..examples import PROFIT_TEXT, profit
from ..functional import derivative


@dataclass(frozen=True)
class ProfitStep:
    step: int
    x: float
    profit: float
    slope: float


LARGEST_START = 1e6  # units sold; far enough to show a long walk, small enough that P(x) stays finite


def walk(x0: float = 12.0, lr: float = 0.1, tol: float = 1e-3, max_steps: int = 1000) -> list[ProfitStep]:
    """The gradient-ascent path on P (descent on −P) from x0 until |P'(x)| < tol or max_steps.

    A learning rate above 0.5 makes every step overshoot x = 3 by more than it started from (the
    distance to 3 is multiplied by 1 − 4·lr each step): the walk then stops once x leaves
    ±1e150, before P(x) would overflow.
    """
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a finite number > 0, got {lr}")
    if not (math.isfinite(x0) and abs(x0) <= LARGEST_START):
        raise ValueError(f"the starting point must be a number between -{LARGEST_START:g} and {LARGEST_START:g}, "
                         f"got {x0}")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"the tolerance must be a finite number > 0, got {tol}")
    slope_of = derivative(profit)
    x, steps = float(x0), []
    for i in range(max_steps + 1):
        slope = slope_of(x)
        steps.append(ProfitStep(i, x, float(profit(x)), slope))
        if abs(slope) < tol:
            break
        x = x + lr * slope  # x ← x − lr · d(−P)/dx
        if abs(x) > 1e150:  # diverging: squaring x would overflow next
            break
    return steps


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--x0", type=float, default=12.0, help="starting number of units (default 12)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    parser.add_argument("--tol", type=float, default=1e-3, help="stop when |P'(x)| < tol (default 1e-3)")


def run(args: argparse.Namespace) -> int:
    try:
        steps = walk(args.x0, args.lr, args.tol)
    except ValueError as err:
        print(f"gradstep profit: {err}", file=sys.stderr)
        return 2
    print(f"Profit {PROFIT_TEXT}; loss = −P(x); x ← x − lr·d(−P)/dx = x + lr·P'(x), lr = {args.lr}")
    print(f"{'step':>4}  {'x':>12}  {'P(x)':>12}  {'P′(x)':>12}")
    for s in steps:
        print(f"{s.step:>4}  {s.x:>12.6g}  {s.profit:>12.6g}  {s.slope:>12.6g}")
    last = steps[-1]
    if abs(last.slope) < args.tol:
        print(f"STOP: |P′(x)| = {abs(last.slope):.2g} < {args.tol:g} at x = {last.x:.4f} "
              f"(the critical point is x = 3, where P = 8)")
        return 0
    start, end = abs(steps[0].x - 3), abs(last.x - 3)
    if end >= 0.99 * start:
        how = "moved away from 3" if end > 1.01 * start else "bounces back and forth around 3"
        print(f"no convergence: x {how}, each step overshoots.\n"
              f"The learning rate {args.lr:g} is too large: try one below 0.5.")
    elif end < 1e-9:
        print(f"no convergence: x = {last.x:.12g} is as close to 3 as float64 gets, but |P′(x)| stays\n"
              f"above --tol {args.tol:g}: use a larger tolerance.")
    else:
        print(f"no convergence after {last.step} steps: x is creeping towards 3.\n"
              f"The learning rate {args.lr:g} is too small.")
    return 1
