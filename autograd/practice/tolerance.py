"""How close an answer must be to count as right, and how many digits to show so the marks make sense.

The one rule: **an answer is right when it matches the right value to the precision the learner was
shown.** A graph whose every value and gradient is a small multiple of 0.5 is worked out exactly in
one's head, so it is marked exactly (:data:`EXACT`). Any other graph shows rounded numbers (the forward
table prints 6 significant digits, the quiz pictures 4), so its answers are marked to 4 significant
digits (:data:`ROUNDED`: within 0.1 %, or 5e-5 of a value near zero).

The texts follow the marks: a wrong answer's explanation shows as many digits as it takes to tell the
answer from the right value (:func:`digits_to_tell`), so it never prints ``1.0 × 1.0 = 1.0`` next to a
"wrong"; a *near miss* (a wrong answer within about 1 % of the right one) says how close it was and
what precision the marking asks for (:func:`near_miss_text`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

__all__ = [
    "Tolerance",
    "EXACT",
    "ROUNDED",
    "hand_computable",
    "default_tolerance",
    "resolve_tolerance",
    "significant_digits",
    "digits_to_tell",
    "is_near_miss",
    "near_miss_text",
    "precision_text",
    "NEAR_MISS_RELATIVE",
]


class Tolerance(NamedTuple):
    """``math.isclose`` tolerances: right when ``|answer − expected| ≤ max(rtol·max(|answer|, |expected|), atol)``."""

    rtol: float
    atol: float


#: Hand-computable graphs (every value and gradient a small multiple of 0.5): exact answers.
EXACT = Tolerance(1e-6, 1e-9)
#: Graphs shown with rounded numbers: 4 significant digits, or 4 decimals for values near zero.
ROUNDED = Tolerance(1e-3, 5e-5)

#: A wrong answer within this relative distance of the right one is called a near miss.
NEAR_MISS_RELATIVE = 0.01

# "Small": at most 3 digits before the point, so 4 significant digits (the quiz pictures) show it exactly.
_SMALL = 1000.0


def hand_computable(numbers: Iterable[float]) -> bool:
    """True when every number is a multiple of 0.5 below 1000 in size (so every display shows it exactly)."""
    for x in numbers:
        x = float(x)
        if not math.isfinite(x) or abs(x) >= _SMALL or abs(2 * x - round(2 * x)) > 1e-9:
            return False
    return True


def default_tolerance(numbers: Iterable[float]) -> Tolerance:
    """:data:`EXACT` when the graph's ``numbers`` (values and gradients) are hand-computable, else :data:`ROUNDED`."""
    return EXACT if hand_computable(numbers) else ROUNDED


def resolve_tolerance(rtol: float | None, atol: float | None, numbers: Iterable[float]) -> Tolerance:
    """The tolerance to mark with: what was given, and the default rule (:func:`default_tolerance`) for
    the rest. Given only ``rtol``, ``atol`` follows it (``rtol/20``, as 4 decimals go with 4 significant
    digits; never looser than the default), so ``rtol=1e-6`` alone is not undone by a loose ``atol``.

    Raises ValueError for a negative or non-finite tolerance.
    """
    default = default_tolerance(numbers)
    if rtol is not None and atol is None:
        atol = min(default.atol, float(rtol) * ROUNDED.atol / ROUNDED.rtol)
    result = Tolerance(default.rtol if rtol is None else float(rtol), default.atol if atol is None else float(atol))
    for name, value in zip(("rtol", "atol"), result):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number ≥ 0, got {value}; e.g. rtol=1e-3 accepts "
                             "answers to 4 significant digits")
    return result


def significant_digits(rtol: float) -> int:
    """How many significant digits an answer needs so that rounding it stays within ``rtol`` (at least 1).

    Rounding to n digits moves a number by up to half a unit in the n-th digit, at most 5·10⁻ⁿ of it:
    1e-3 → 4 digits, 1e-6 → 7 digits. ``rtol=0`` gives 17 (all a float has).
    """
    if rtol <= 0:
        return 17
    # log10(2) + log10(rtol), not log10(2 * rtol): 2 * rtol overflows to inf for rtol near 1e308
    return max(1, min(17, math.ceil(1 - math.log10(2) - math.log10(rtol) - 1e-12)))


def digits_to_tell(a: float, b: float, minimum: int = 6) -> int:
    """The fewest significant digits (≥ ``minimum``, ≤ 17) at which ``a`` and ``b`` print differently."""
    if a == b or not (math.isfinite(a) and math.isfinite(b)):
        return minimum
    for digits in range(minimum, 18):
        if f"{a:.{digits}g}" != f"{b:.{digits}g}":
            return digits
    return 17


def is_near_miss(answer: float, expected: float, tol: Tolerance) -> bool:
    """A wrong answer that is close: within 1 % (or 10× the tolerance, if that is wider) of the right one."""
    gap = abs(answer - expected)
    if gap <= max(tol.rtol * max(abs(answer), abs(expected)), tol.atol):
        return False  # right, not a near miss
    return gap <= max(NEAR_MISS_RELATIVE * abs(expected), 10 * tol.rtol * abs(expected), 10 * tol.atol)


def precision_text(tol: Tolerance) -> str:
    """What the marking asks for, in words, e.g. "Marking asks for 4 significant digits: right means
    within rtol=0.001 (0.1%) or atol=5e-05 of the right value."."""
    if tol.rtol == 0 and tol.atol == 0:
        return "Marking asks for the exact value (fractions like -3/2 are fine)."
    if tol.rtol > 0:
        digits = significant_digits(tol.rtol)
        asks = f"{digits} significant digits" + (" (or the exact value)" if digits >= 7 else "")
    else:
        asks = f"answers within {tol.atol:g} of the right value"
    within = [f"rtol={tol.rtol:g} ({_percent(tol.rtol)})" if tol.rtol > 0 else "", f"atol={tol.atol:g}"
              if tol.atol > 0 else ""]
    return f"Marking asks for {asks}: right means within {' or '.join(w for w in within if w)} of the right value."


def near_miss_text(answer: float, expected: float, tol: Tolerance) -> str:
    """The sentence for a near miss: how far off it is and what precision is required."""
    gap = abs(answer - expected)
    if expected != 0:
        how = f"{_percent(gap / abs(expected))} away from the right value"
    else:
        how = f"{gap:.2g} away from the right value 0"
    return f"Close: your answer is {how}, but not close enough. {precision_text(tol)}"


def _percent(fraction: float) -> str:
    """0.001 → "0.1%", 6.4e-5 → "0.0064%"."""
    return f"{fraction * 100:.2g}%"
