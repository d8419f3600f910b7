"""How the checking tools print numbers: table cells, short numbers, folded lines, HTML cell style.

Shared by the limit table (:mod:`autograd.limits`), gradcheck (:mod:`autograd.testing`) and the
``gradstep check`` command, so that every table they print reads the same and fits ``WIDTH`` columns.
"""

from __future__ import annotations

import math
import textwrap
from typing import Generic, Protocol, TypeVar


class _Row(Protocol):
    @property
    def ok(self) -> bool: ...


RowT = TypeVar("RowT", bound=_Row)


class AllRowsOk(Generic[RowT]):
    """A report whose verdict is its rows': ``ok`` (and ``bool(report)``) when every row is, and the
    ``failures``. Mixed into the gradcheck and check_derivative reports, whose ``rows`` are fields."""

    rows: tuple[RowT, ...]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> tuple[RowT, ...]:
        return tuple(row for row in self.rows if not row.ok)


#: Every line of a printed table or report fits in this many columns, whatever the numbers.
WIDTH = 100

#: Padding for the HTML tables; ``{cls}`` is the table's class.
CELL_STYLE = "<style>.{cls} td, .{cls} th {{padding: 2px 10px}} .{cls} th {{white-space: nowrap}}</style>"


def short(x: float, digits: int = 6) -> str:
    """x in few characters: an integer without ".0", otherwise ``digits`` significant digits."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"


def number_cell(x: float, width: int) -> str:
    """x right-aligned in ``width`` columns with up to 12 significant digits, fewer when that is too wide
    (-1.04429393795e+174 becomes -1.044293938e+174); ``width=0`` means no limit (HTML)."""
    if math.isnan(x):
        return f"{'—':>{width}}"
    text = f"{x:.12g}"
    digits = 11
    while width and len(text) > width and digits > 1:
        text = f"{x:.{digits}g}"
        digits -= 1
    return f"{text:>{width}}"


def wrap_text(line: str, width: int = WIDTH, indent: str = "  ") -> list[str]:
    """A line of free text folded to ``width`` columns, continuation lines indented."""
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(
        line, width, initial_indent="", subsequent_indent=lead + indent, break_on_hyphens=False
    ) or [line]


def error_cell(x: float, width: int = 8) -> str:
    """An error right-aligned in ``width`` columns: 1.2e-07, inf, or — when unknown."""
    text = "—" if math.isnan(x) else ("inf" if math.isinf(x) else f"{x:.1e}")
    return f"{text:>{width}}"
