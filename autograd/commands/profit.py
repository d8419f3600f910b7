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


def walk(x0: float = 12.0, lr: float = 0.1, tol: float = 1e-3, max_steps: int = 1000) -> list[ProfitStep]:
    """The gradient-ascent path on P (descent on −P) from x0 until |P'(x)| < tol or max_steps."""
    if not lr > 0:
        raise ValueError(f"the learning rate must be > 0, got {lr}")
    if not math.isfinite(x0):
        raise ValueError(f"the starting point must be a finite number, got {x0}")
    if not tol > 0:
        raise ValueError(f"the tolerance must be > 0, got {tol}")
    slope_of = derivative(profit)
    x, steps = float(x0), []
    for i in range(max_steps + 1):
        if not math.isfinite(x) or abs(x) > 1e150:  # diverging: squaring x would overflow next
            break
        slope = slope_of(x)
        steps.append(ProfitStep(i, x, float(profit(x)), slope))
        if abs(slope) < tol:
            break
        x = x + lr * slope  # x ← x − lr · d(−P)/dx
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
    print(f"{'step':>4}  {'x':>10}  {'P(x)':>10}  {'P′(x)':>10}")
    for s in steps:
        print(f"{s.step:>4}  {s.x:>10.5f}  {s.profit:>10.5f}  {s.slope:>10.5f}")
    last = steps[-1]
    if abs(last.slope) < args.tol:
        print(f"STOP: |P′(x)| = {abs(last.slope):.2g} < {args.tol:g} at x = {last.x:.4f} "
              f"(the critical point is x = 3, where P = 8)")
        return 0
    print(f"no convergence after {last.step} steps (is the learning rate {args.lr} too large?)")
    return 1
