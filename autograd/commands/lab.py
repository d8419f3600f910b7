"""Build it yourself: write your own backprop engine, checked task by task with the mistake named.

  gradstep lab init DIR               write the starter (engine.py in micrograd's shape, limit.py,
                                      network.py, README.md of the tasks); never overwrites (--force does)
  gradstep lab check DIR              run every task in order: ✓, or ✗ with what your numbers point to
  gradstep lab check DIR --task ID    one task;  --json for autograders
  gradstep lab show DIR --task ID     the graph your engine got wrong, your gradients beside the right
                                      ones, the first wrong node highlighted (an HTML stepper)

Your code runs in a separate process, with a time limit per task (--timeout, default 10 s) and a
memory limit (--memory, default 1024 MB): an endless loop or a crash fails a task, never the checker.

Exit code of check: 0 when every task passes, 1 when any fails, 2 on bad usage (no such folder,
unknown task). --json prints {"tasks": [{"id", "title", "passed", "mistake", "message"}], "passed",
"total"}; mistake is one of accumulation, topological-order, sign, local-only, upstream-only,
local-derivative, recursion-limit, zero-grad, step-direction, not-implemented, error, timeout, or null.

Examples:
  gradstep lab init mylab && cd mylab
  gradstep lab check .
  gradstep lab check . --task order --json
  gradstep lab show . --task order
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..lab import TASK_IDS, ExistingFiles, Limits, check_lab, write_starter


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="lab_command", metavar="init|check|show")
    init = sub.add_parser("init", help="write the starter files into DIR (never overwrites)",
                          description="Write engine.py, limit.py, network.py and README.md into DIR.")
    init.add_argument("folder", metavar="DIR", help="the lab's folder (created if it does not exist)")
    init.add_argument("--force", action="store_true", help="overwrite starter files that already exist")
    for name, help_text in (("check", "run the tasks on the engine in DIR"),
                            ("show", "write the stepper of the graph a task got wrong")):
        command = sub.add_parser(name, help=help_text, description=help_text + ".")
        command.add_argument("folder", metavar="DIR", help="the lab's folder (with engine.py)")
        command.add_argument("--task", metavar="ID", default=None, required=name == "show",
                             help=f"one task: {', '.join(TASK_IDS)}")
        command.add_argument("--timeout", type=_positive, default=Limits.timeout, metavar="SECONDS",
                             help=f"time limit per task (default {Limits.timeout:g})")
        command.add_argument("--memory", type=_positive, default=Limits.memory_mb, metavar="MB",
                             help=f"memory limit of your code (default {Limits.memory_mb})")
        if name == "check":
            command.add_argument("--json", action="store_true", help="print the results as JSON, for autograders")
        else:
            command.add_argument("-o", "--output", metavar="PATH", default=None,
                                 help="where to write the page (default DIR/lab-ID.html)")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "lab_command", None)
    if command is None:
        _error("", "say what to do: gradstep lab init DIR | check DIR | show DIR --task ID")
        return 2
    if command == "init":
        return _init(args)
    folder = Path(args.folder)
    if not folder.is_dir():
        _error(command, f"no folder {folder}" + (" (it is a file)" if folder.exists() else "")
               + f"; make one with: gradstep lab init {folder}")
        return 2
    if args.task is not None and args.task not in TASK_IDS:
        _error(command, f"no task {args.task!r}; the tasks are {', '.join(TASK_IDS)}")
        return 2
    limits = Limits(timeout=args.timeout, memory_mb=int(args.memory))
    if command == "check":
        return _check(folder, args, limits)
    return _show(folder, args, limits)


def _error(command: str, message: str) -> None:
    print(f"gradstep lab{' ' + command if command else ''}: {message}", file=sys.stderr)


def _init(args: argparse.Namespace) -> int:
    try:
        written = write_starter(args.folder, force=args.force)
    except (ExistingFiles, NotADirectoryError, OSError) as err:
        _error("init", str(err))
        return 2
    folder = Path(args.folder)
    print(f"Wrote {', '.join(p.name for p in written)} to {folder}.")
    print(f"Start with the first task in {folder / 'README.md'}, then: gradstep lab check {folder}")
    return 0


def _check(folder: Path, args: argparse.Namespace, limits: Limits) -> int:
    report = check_lab(folder, [args.task] if args.task else None, limits)
    print(report.json() if args.json else report)
    return 0 if report.ok else 1


def _show(folder: Path, args: argparse.Namespace, limits: Limits) -> int:
    from ..files import atomic_write
    from ..lab.show import lab_page  # imports the pictures (graphviz) only for this command

    report = check_lab(folder, [args.task], limits)
    (result,) = report.tasks
    if result.passed:
        print(f"✓ {result.id} passes: your engine gets every number of it right, so there is no wrong node to show.")
        return 0
    if result.graph is None:
        print(f"✗ {result.id}: {result.message}")
        print("There is no graph with your gradients to draw for this failure; lab show draws the tasks whose "
              "graph your engine computed with wrong numbers.")
        return 1
    path = Path(args.output) if args.output else folder / f"lab-{result.id}.html"
    try:
        page = lab_page(result)
    except ValueError:  # a graph too big to step through (the training loss over every sample)
        print(f"✗ {result.id}: {result.message}")
        print(f"Its graph has {len(result.graph.mirror.nodes)} nodes, too many to step through. The same network "
              f"on one input is task mlp: gradstep lab show {folder} --task mlp")
        return 1
    atomic_write(path, page)
    print(f"✗ {result.id}: {result.message}")
    print(f"Wrote {path}: open it in a browser and step through backprop; the first wrong node is marked.")
    return 1
