"""The command line: ``gradstep COMMAND ...`` (or ``python -m autograd COMMAND ...``).

Each command lives in a module of its own with ``configure(parser)`` and ``run(args) -> exit code``.
``demo`` trains a network, so it lives with the network code (nn.demo): the command line is the one
place where the engine's package reaches up to nn (import-linter allows exactly that import).

What every command promises, kept here once rather than in each command:

* bad input: one line on stderr naming the problem, exit code 2; never a traceback;
* Ctrl-C: "interrupted", exit code 130 (the launcher, ``gradstep_cli``, covers the imports too);
* a reader that goes away (``| head``): a quiet stop; a full disk or another failed write: one line
  that says so, exit code 1; anything unexpected: one line that says it is a bug, exit code 1;
* a closed stdin reads as empty, undecodable input bytes become U+FFFD, and text the terminal cannot
  show is escaped rather than crashing the command;
* an expression that starts with "-" (``gradstep check "-2*x**2 + 12*x - 10"``) is an expression, not
  an unknown option.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NoReturn

from .commands import check, course, doctor, graph, lab, practice, profit
from .files import NotARegularFileError, describe_os_error


def _commands() -> dict[str, ModuleType]:
    from nn import demo

    return {
        "demo": demo,
        "profit": profit,
        "check": check,
        "practice": practice,
        "graph": graph,
        "lab": lab,
        "course": course,
        "doctor": doctor,
    }


class _Parser(argparse.ArgumentParser):
    """argparse, except that ``-2*x**2`` or ``-a*b`` is a positional argument, a usage error is one line,
    and failed writes are not hidden.

    argparse takes anything that starts with "-" for an option, so an expression that starts with a
    minus sign was refused as an unknown option. Here a single-dash argument is an option only if its
    first two characters are one of this parser's own options (``-h``, ``-o``, ``-ofile.svg``).
    """

    def _parse_optional(self, arg_string: str) -> Any:
        single_dash = arg_string.startswith("-") and not arg_string.startswith("--") and len(arg_string) > 1
        if single_dash and arg_string[:2] not in self._option_string_actions:
            return None
        return super()._parse_optional(arg_string)

    def error(self, message: str) -> NoReturn:
        """A usage error: one line naming it and where the options are listed (not the whole usage)."""
        self.exit(2, f"{self.prog}: {message} (see: {self.prog} --help)\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse drops a failed write of --help or a usage message silently; let main() report it
        # (a full disk), like every other failed write.
        if message:
            (file or sys.stderr).write(message)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("gradstep")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gradstep",
        description="gradstep: watch a neural network learn, one derivative at a time.",
        epilog='Examples:  gradstep demo   |   gradstep check "-2*x**2 + 12*x - 10" --at x=12   |   '
        'gradstep graph "(a*b + c).tanh()" --at a=2,b=-3,c=10   |   gradstep course   |   gradstep doctor',
    )
    parser.add_argument("--version", action="version", version=f"gradstep {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _commands().items():
        doc = (module.__doc__ or "").strip().splitlines()[0]
        command = sub.add_parser(name, help=doc, description=(module.__doc__ or "").strip(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def _usable_streams() -> None:
    """Make stdin, stdout and stderr safe to use whatever the caller gave us."""
    if sys.stdin is None:  # started with stdin closed (`<&-`): reading gives end of input
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:  # stdout closed (`>&-`): nothing to show, but writing must not crash
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "backslashreplace"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            with contextlib.suppress(ValueError, OSError, AttributeError):
                reconfigure(errors=errors)


def _say(command: str, message: str) -> None:
    """One line on stderr (if stderr itself is gone, there is nobody to tell)."""
    try:
        print(f"{command}: {' '.join(message.split())}", file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit cannot complain a second time."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code (0 done, 1 failed or a wrong answer, 2 bad input, 130 Ctrl-C)."""
    name = "gradstep"
    try:
        _usable_streams()
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit:  # --help, --version, or a usage error argparse has already explained (exit 2)
            sys.stdout.flush()  # here, so that a full disk is reported like any other failed write
            raise
        if getattr(args, "_run", None) is None:
            parser.print_help()
            sys.stdout.flush()
            return 2
        name = f"gradstep {args.command}"
        code = int(args._run(args))
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return _fail(name, "interrupted", 130)
    except BrokenPipeError:  # the reader went away (`gradstep ... | head`): stop quietly, as other tools do
        return _fail(name, "", 1)
    except OSError as err:
        bad_name = err.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR) or isinstance(err, NotARegularFileError)
        return _fail(name, describe_os_error(err), 2 if bad_name else 1)
    except (ValueError, TypeError) as err:  # what a command did not turn into its own message
        return _fail(name, str(err) or type(err).__name__, 2)
    except RecursionError:
        return _fail(name, "the input is nested too deeply", 2)
    except MemoryError:
        return _fail(name, "ran out of memory; try a smaller input", 1)
    except Exception as err:  # noqa: BLE001 - the command line promises one line, never a traceback
        return _fail(name, f"unexpected {type(err).__name__}: {err} (this is a bug in gradstep; please report it "
                           "with the command you ran)", 1)


def _fail(name: str, message: str, code: int) -> int:
    """Say ``message`` (if any) in one line, make sure stdout cannot fail again at exit; ``code``."""
    if message:
        _say(name, message)
    _silence_stdout()
    return code


if __name__ == "__main__":
    try:
        from gradstep_cli import import_problems
    except ImportError:  # running from a folder that has autograd/ but not the launcher: skip the check
        problems: list[str] = []
    else:
        problems = import_problems()
    for problem in problems:
        print(f"gradstep: {problem}", file=sys.stderr)
    sys.exit(1 if problems else main())
