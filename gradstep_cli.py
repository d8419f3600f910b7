"""The ``gradstep`` command's launcher: it checks the import names before importing any of gradstep.

gradstep installs three import packages, ``autograd``, ``nn`` and ``optim``. Other PyPI packages use the
same names (HIPS autograd, and small packages called ``nn`` and ``optim``), and a learner's own
``nn.py`` in the working folder shadows gradstep's. Installing one of those after gradstep silently
overwrites gradstep's files, and every command then fails with an unrelated traceback
(``ModuleNotFoundError: tensorflow``). So before anything is imported, :func:`import_problems` asks
Python *where* each name would be imported from (``importlib.util.find_spec`` runs no code) and
whether the file there is gradstep's (each package's ``__init__.py`` carries the line
``__distribution__ = "gradstep"``); the command then says exactly what is wrong and how to fix it.

This module uses only the standard library and stays small: a Ctrl-C while the real command is still
being imported (a good part of a second) ends with exit code 130 and one line, not a traceback.
"""

from __future__ import annotations

import sys

PACKAGES = ("autograd", "nn", "optim")
MARKER = '__distribution__ = "gradstep"'


def _home() -> str:
    """The folder gradstep's packages were installed into: the one this launcher lives in."""
    import os

    return os.path.dirname(os.path.abspath(__file__))


def locate(name: str) -> tuple[str | None, bool]:
    """Where ``import name`` would load from (a file, or None if nowhere) and whether that is gradstep's.

    Nothing is imported: this only reads the file it finds.
    """
    import importlib.util

    module = sys.modules.get(name)
    if module is not None:
        origin = getattr(module, "__file__", None)
    else:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = None if spec is None else spec.origin
    if not origin or not origin.endswith("__init__.py"):
        return origin, False
    try:
        with open(origin, encoding="utf-8", errors="replace") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return origin, False
    return origin, MARKER in head


def import_problems() -> list[str]:
    """One explanation per import name that is not gradstep's own (empty when all three are)."""
    import os

    home = _home()
    problems = []
    for name in PACKAGES:
        origin, ours = locate(name)
        if ours:
            continue
        expected = os.path.join(home, name, "__init__.py")
        if origin is None:
            problems.append(
                f"the package `{name}` is missing (expected at {expected}); reinstall gradstep: "
                "python -m pip install --force-reinstall gradstep"
            )
        elif os.path.abspath(origin) != expected and os.path.exists(expected):
            shown = origin if not origin.endswith("__init__.py") else os.path.dirname(origin)
            problems.append(
                f"`import {name}` finds {shown}, which shadows gradstep's {os.path.dirname(expected)}: "
                f"rename your {os.path.basename(shown)} (e.g. my_{name}{'.py' if shown.endswith('.py') else ''}) "
                "or run from another folder"
            )
        else:
            problems.append(
                f"`import {name}` finds {origin}, which is not gradstep's: another package named `{name}` "
                f"(on PyPI: {_OTHERS[name]}) was installed over it or beside it. The two cannot share one "
                "environment: make a fresh one (python -m venv gradstep-env && gradstep-env/bin/pip install "
                f"gradstep), or `pip uninstall {name}` and `pip install --force-reinstall gradstep`"
            )
    return problems


_OTHERS = {"autograd": "HIPS autograd", "nn": "a package called nn", "optim": "a package called optim"}


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("gradstep")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: running from a source folder)"


def _first_line(command: list[str]) -> str | None:
    import subprocess

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else None


def _browser() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "firefox", "msedge"):
        found = shutil.which(name)
        if found:
            return found
    try:
        import webbrowser

        return type(webbrowser.get()).__name__  # the standard library found one to open pages with
    except Exception:  # noqa: BLE001 - webbrowser raises its own Error, or worse, on odd systems
        return None


def doctor_report() -> tuple[list[str], bool]:
    """What ``gradstep doctor`` prints, and whether everything needed is in order.

    Only the import names decide the verdict: Graphviz, a browser and Jupyter are reported, since
    some commands need them, but gradstep runs without them.
    """
    import os
    import shutil
    from importlib.util import find_spec

    lines = [f"gradstep {_version()}", f"python   {sys.version.split()[0]} at {sys.executable}"]
    healthy = True
    for name in PACKAGES:
        origin, ours = locate(name)
        where = os.path.dirname(origin) if origin and origin.endswith("__init__.py") else origin
        verdict = "gradstep's" if ours else "NOT gradstep's" if origin else "MISSING"
        healthy = healthy and ours
        lines.append(f"{name:<8} {verdict:<15} {where or '-'}")
    dot = shutil.which("dot")
    dot_version = _first_line([dot, "-V"]) if dot else None
    lines.append(
        f"graphviz {dot_version} ({dot})" if dot else
        "graphviz not found: pictures need it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)"
    )
    browser = _browser()
    lines.append(f"browser  {browser}" if browser else "browser  none found: open the HTML pages on another machine")
    front = next((n for n in ("jupyterlab", "notebook", "nbclassic") if find_spec(n) is not None), None)
    lines.append(
        f"jupyter  {front} installed: `gradstep course` copies the notebooks out" if front else
        'jupyter  not installed: pip install "gradstep[course]" to open the course notebooks'
    )
    problems = import_problems()
    lines += [f"problem: {p}" for p in problems]
    lines.append("all good" if healthy else "gradstep cannot run until the problem above is fixed")
    return lines, healthy


def doctor() -> int:
    """Print the doctor's report; exit code 0 when gradstep can run, 1 otherwise."""
    lines, healthy = doctor_report()
    print("\n".join(lines))
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    """Run ``gradstep`` with ``argv`` (default: the command line); the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        problems = import_problems()
        if problems:
            if args[:1] == ["doctor"]:  # the doctor needs none of gradstep, so it still reports
                return doctor()
            for problem in problems:
                print(f"gradstep: {problem}", file=sys.stderr)
            print("gradstep: (`gradstep doctor` shows where each package comes from)", file=sys.stderr)
            return 1
        from autograd.__main__ import main as run
    except KeyboardInterrupt:
        print("gradstep: interrupted", file=sys.stderr)
        return 130
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
