"""Machine info, the printed table, and the two files a run writes: results.json and results.md."""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd.files import atomic_write

from .workloads import FLOATS, Row

COLUMNS = (("gradstep", "gradstep"), ("micrograd", "micrograd"), (FLOATS, "plain floats"), ("torch", "torch"))
SPEEDUP = "gradstep÷micrograd"
FLOOR = "gradstep÷floats"
MARKS = "†‡§¶◊"  # none of them means anything at the start of a markdown line
LEGEND = (
    f"{SPEEDUP}: micrograd's figure ÷ gradstep's (how many times faster, or smaller); the sum_of and dot rows "
    f"are compared with micrograd's + loop. {FLOOR}: gradstep's figure ÷ the plain-float floor's. "
    "Times are medians of interleaved repetitions, in CPU time of the process (so other programs on a shared "
    "machine do not inflate them); gc.collect() runs between samples, outside the clock."
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, Any]:
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "gc_enabled": gc.isenabled(),
        "gc_thresholds": list(gc.get_threshold()),
    }


# ---- figures --------------------------------------------------------------------------------------------
def speedup(row: Row, rows_by_key: dict[str, Row]) -> float | None:
    """How many times less time (or memory) gradstep needs than micrograd for this row's work."""
    if row.kind == "info":
        return None
    mine = row.values.get("gradstep")
    source = rows_by_key.get(row.compare_with, row) if row.compare_with else row
    theirs = source.values.get("micrograd")
    if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)) and mine > 0:
        return theirs / mine
    return None


def above_floor(row: Row, rows_by_key: dict[str, Row]) -> float | None:
    """How many times the floor's time gradstep takes (1.0 would be as fast as hand-written floats)."""
    if row.kind == "info":
        return None
    mine = row.values.get("gradstep")
    source = rows_by_key.get(row.compare_with, row) if row.compare_with else row
    floor = source.values.get(FLOATS)
    if isinstance(mine, (int, float)) and isinstance(floor, (int, float)) and floor > 0:
        return mine / floor
    return None


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}×"


class Table:
    """The cells and footnotes of the result table, built once and shown as text or markdown."""

    def __init__(self, rows: Sequence[Row], unavailable: dict[str, str]) -> None:
        by_key = {r.key: r for r in rows}
        self.header = ["measurement", "unit", *(title for _, title in COLUMNS), SPEEDUP, FLOOR]
        self.cells: list[list[str]] = []
        self.footnotes: list[str] = []
        seen: dict[str, str] = {}
        for row in rows:
            line = [row.label, row.unit]
            for key, _ in COLUMNS:
                if key in unavailable:
                    line.append(unavailable[key])
                    continue
                cell = fmt(row.values.get(key))
                note = row.notes.get(key)
                if note:
                    if note not in seen:
                        seen[note] = MARKS[len(seen) % len(MARKS)] * (1 + len(seen) // len(MARKS))
                        self.footnotes.append(f"{seen[note]} {note}")
                    cell = f"{cell} {seen[note]}"
                line.append(cell)
            line += [fmt_ratio(speedup(row, by_key)), fmt_ratio(above_floor(row, by_key))]
            self.cells.append(line)

    def text(self) -> str:
        widths = [max(len(r[i]) for r in [self.header, *self.cells]) for i in range(len(self.header))]

        def show(cells: Sequence[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
            return "  ".join([first, *rest])

        lines = [show(self.header), "  ".join("-" * w for w in widths)]
        lines += [show(r) for r in self.cells]
        lines += ["", *self.footnotes, LEGEND]
        return "\n".join(lines)

    def markdown(self) -> str:
        rule = "|" + "|".join(["---"] + ["---:"] * (len(self.header) - 1)) + "|"
        lines = ["| " + " | ".join(self.header) + " |", rule]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in self.cells]
        lines += ["", *(f"{n}  " for n in self.footnotes), LEGEND]
        return "\n".join(lines)


# ---- files ----------------------------------------------------------------------------------------------
def write_atomic(path: Path, text: str) -> None:
    """Write the results so a reader never sees half a file (creating the folder if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)

def results_json(rows: Sequence[Row], extra: dict[str, Any]) -> str:
    by_key = {r.key: r for r in rows}
    out_rows = [
        {
            "key": r.key,
            "label": r.label,
            "unit": r.unit,
            "values": r.values,
            "notes": r.notes,
            "compared_with": r.compare_with,
            "speedup_vs_micrograd": speedup(r, by_key),
            "times_floor": above_floor(r, by_key),
        }
        for r in rows
    ]
    return json.dumps({**extra, "rows": out_rows}, indent=2, ensure_ascii=False, default=str) + "\n"


def results_markdown(table: Table, machine: dict[str, Any], preface: Sequence[str]) -> str:
    head = (
        f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores), {machine['python']}, "
        f"{machine['platform']}; medians of interleaved repetitions, garbage collector on with default "
        "thresholds. Reproduce with `make bench`."
    )
    return "\n\n".join([head, *preface, table.markdown()]) + "\n"
