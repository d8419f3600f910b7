"""The command line: ``gradstep COMMAND ...`` (or ``python -m autograd COMMAND ...``).

Each command lives in a module of its own with ``configure(parser)`` and ``run(args) -> exit code``.
``demo`` trains a network, so it lives with the network code (nn.demo): the command line is the one
place where the engine's package reaches up to nn (import-linter allows exactly that import).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from .commands import check, graph, lab, practice, profit


def _commands() -> dict[str, ModuleType]:
    from nn import demo

    return {"demo": demo, "profit": profit, "check": check, "practice": practice, "graph": graph,
            "lab": lab}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradstep",
        description="gradstep: watch a neural network learn, one derivative at a time.",
        epilog='Examples:  gradstep demo   |   gradstep check "-2*x**2 + 12*x - 10" --at x=12   |   '
        'gradstep graph "(a*b + c).tanh()" --at a=2,b=-3,c=10',
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _commands().items():
        doc = (module.__doc__ or "").strip().splitlines()[0]
        command = sub.add_parser(name, help=doc, description=(module.__doc__ or "").strip(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`gradstep ... | head`): stop quietly, as other command-line tools do.
        # Python would complain again when it flushes stdout at exit, so point stdout at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
