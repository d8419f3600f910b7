"""``python -m benchmarks.by_version``: one table of the headline ratios, a row per CPython version.

It reads the ``results.json`` that ``make bench`` wrote for each interpreter (``results/pythonX.Y/``),
writes ``results/by-version.md`` and, with ``--readme README.md``, puts the same table into the README
between its ``speed-table`` markers. Every figure is a ratio of two medians measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.files import atomic_write

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
START, END = "<!-- speed-table:start -->", "<!-- speed-table:end -->"


@dataclass(frozen=True)
class Target:
    """A headline figure: the row it comes from, and the least speed-up over micrograd it must reach."""

    key: str
    title: str
    at_least: float | None


TARGETS = (
    Target("mlp_step", "MLP step", 20.0),
    Target("chain_fwd", "chain forward", 6.0),
    Target("small_bwd_repeat", "800-op chain, backward 20× on one graph", 3.0),
    Target("small_bwd_fresh", "800-op chain, first backward", None),
    Target("chain_bwd", "100,000-op chain backward", None),
    Target("lanes", "MLP step with lanes", 300.0),
)


def load(folder: Path = RESULTS) -> list[dict[str, Any]]:
    """Every ``results/python*/results.json``, oldest Python first."""
    found = []
    for path in folder.glob("python*/results.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["_folder"] = path.parent.name
        found.append(data)
    return sorted(found, key=lambda d: _version_key(d["machine"]["python"]))


def _version_key(python: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", python)[:3])


def _row(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    rows = data["rows"]
    if key == "lanes":  # the lanes row is named by its own workload; any row about lanes
        return next((r for r in rows if "lanes" in r["key"] and r.get("speedup_vs_micrograd")), None)
    return next((r for r in rows if r["key"] == key), None)


def _cell(row: dict[str, Any] | None, target: Target) -> str:
    ratio = None if row is None else row.get("speedup_vs_micrograd")
    if ratio is None:
        return "—"
    text = f"{ratio:,.1f}×"
    if target.at_least is not None:
        text += " ✓" if ratio >= target.at_least else " ✗"
    return text


def _ms(row: dict[str, Any] | None, engine: str) -> str:
    value = None if row is None else row["values"].get(engine)
    return "—" if not isinstance(value, (int, float)) else f"{value:,.1f} ms"


def table(runs: list[dict[str, Any]]) -> str:
    """The markdown table: per version, the two MLP step times and every headline ratio."""
    header = ["CPython", "micrograd step", "gradstep step", *(t.title for t in TARGETS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for data in runs:
        version = data["machine"]["python"].replace("CPython ", "")
        mlp = _row(data, "mlp_step")
        cells = [version, _ms(mlp, "micrograd"), _ms(mlp, "gradstep"), *(_cell(_row(data, t.key), t) for t in TARGETS)]
        lines.append("| " + " | ".join(cells) + " |")
    targets = ", ".join(f"{t.title} ≥ {t.at_least:g}×" for t in TARGETS if t.at_least is not None)
    dates = sorted({d["machine"]["date"] for d in runs})
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    cpu = runs[0]["machine"]["cpu"] if runs else "?"
    lines += [
        "",
        f"Speed-ups over micrograd 0.1.0 measured in the same run (medians of interleaved repetitions), "
        f"one `make bench` per interpreter, {when}, {cpu}. ✓ / ✗: the target is met / missed "
        f"({targets}); — : not measured. Full tables: `benchmarks/results/pythonX.Y/results.md`.",
    ]
    return "\n".join(lines)


def put_in_readme(readme: Path, text: str) -> None:
    page = readme.read_text(encoding="utf-8")
    if START not in page or END not in page:
        raise SystemExit(f"error: {readme} has no {START} … {END} markers to put the table between")
    head, rest = page.split(START, 1)
    _, tail = rest.split(END, 1)
    atomic_write(readme, f"{head}{START}\n{text}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.by_version", description=__doc__.splitlines()[0])
    p.add_argument("--results", type=Path, default=RESULTS, help="folder holding pythonX.Y/results.json")
    p.add_argument("--readme", type=Path, help="also put the table into this README between its markers")
    args = p.parse_args(argv)
    runs = [d for d in load(args.results) if not d.get("quick")]
    if not runs:
        print(f"error: no full benchmark results under {args.results}; run `make bench` first", file=sys.stderr)
        return 1
    text = table(runs)
    atomic_write(args.results / "by-version.md", text + "\n")
    print(text)
    print(f"\nwrote {args.results / 'by-version.md'}")
    if args.readme:
        put_in_readme(args.readme, text)
        print(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
