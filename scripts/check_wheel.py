"""Build the wheel, install it in a fresh virtualenv outside the repository, and run every command there.

    python scripts/check_wheel.py            # what CI runs (`make wheel-check`)

This is how a learner gets gradstep (``pip install gradstep``), so it checks what the test suite, run
inside the checkout, cannot: that the wheel carries everything the commands need (the notebooks, the
launcher), that each command works from an empty folder, and that a package installed over one of
gradstep's import names is reported as such. Exit code 0 when all of it holds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "out", "__pycache__", ".pytest_cache", ".ruff_cache",
               ".mypy_cache", ".hypothesis", ".import_linter_cache", "node_modules")


def _run(argv: list[str], cwd: Path, stdin: str = "", expect: int = 0, env: dict[str, str] | None = None) -> str:
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=600, env=env)
    shown = " ".join(a if " " not in a else repr(a) for a in argv[1:] if not a.startswith("/")) or argv[0]
    print(f"  {Path(argv[0]).name} {shown}: exit {done.returncode} ({time.perf_counter() - began:.1f} s)")
    if done.returncode != expect or "Traceback" in done.stderr:
        raise SystemExit(
            f"FAILED: {argv} exited {done.returncode} (expected {expect})\n"
            f"--- stdout ---\n{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-3000:]}"
        )
    return done.stdout + done.stderr


def _commands(gradstep: str, cwd: Path) -> list[str]:
    """The command names `gradstep --help` lists, so that a new command is at least asked for its help."""
    text = _run([gradstep, "--help"], cwd).split("positional arguments:", 1)[1].split("options:", 1)[0]
    names = re.findall(r"^    ([a-z][\w-]*)(?:\s|$)", text, flags=re.M)
    assert len(names) >= 7, f"expected the command list in `gradstep --help`, got {text!r}"
    return names


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gradstep-wheel-") as tmp:
        tmp_path = Path(tmp)
        print("building the wheel (from a copy of the source tree, so no stale build/ can leak in) ...")
        source = tmp_path / "source"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(source)],
             tmp_path)
        wheel = next((tmp_path / "dist").glob("gradstep-*.whl"))
        print(f"installing {wheel.name} into a fresh virtualenv ...")
        venv = tmp_path / "venv"
        _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
        bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
        _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
             tmp_path)
        gradstep = str(bin_dir / "gradstep")
        empty = tmp_path / "empty"
        empty.mkdir()
        print(f"running the commands from an empty folder ({empty}):")
        out = _run([gradstep, "--version"], empty)
        assert out.strip().startswith("gradstep "), out
        for name in _commands(gradstep, empty):
            _run([gradstep, name, "--help"], empty)
        assert "all good" in _run([gradstep, "doctor"], empty)
        assert "the critical point is x = 3" in _run([gradstep, "profit"], empty)
        assert "∂f/∂x = 0" in _run([gradstep, "check", "-2*x**2+12*x-10", "--at", "x=3"], empty)
        _run([gradstep, "graph", "(a*b + c).tanh()", "--at", "a=2,b=-3,c=10", "-o", "g.svg", "--backprop", "s.html"],
             empty)
        _run([gradstep, "practice", "a*b + c", "--at", "a=2,b=-3,c=10"], empty, stdin="1\n1\n-3\n2\n")
        _run([gradstep, "practice", "--level", "2", "--seed", "3"], empty, stdin="q\n", expect=1)
        _run([gradstep, "demo", "--epochs", "3", "--samples", "40", "--no-progress", "--out", "out"], empty)
        out = _run([gradstep, "course", "course"], empty)
        notebooks = sorted(p.name for p in (empty / "course").glob("*.ipynb"))
        assert len(notebooks) >= 8 and "jupyter lab" in out, (notebooks, out)
        _run([gradstep, "check", "x +"], empty, expect=2)
        _run([gradstep, "lab", "init", "lab"], empty)  # the starter files ship with the package
        out = _run([gradstep, "lab", "check", "lab", "--json"], empty, expect=1)  # stubs: the tasks fail
        assert '"not-implemented"' in out, out
        made = sorted(p.name for p in empty.iterdir())
        assert made == ["course", "g.svg", "lab", "out", "s.html"], made
        assert {"decision_boundary.png", "loss_curve.png"} <= {p.name for p in (empty / "out").iterdir()}

        print("a package installed over gradstep's nn is named, with the fix:")
        site = next(venv.glob("lib/python*/site-packages")) if os.name != "nt" else venv / "Lib" / "site-packages"
        (site / "nn" / "__init__.py").write_text("import tensorflow\n")  # what PyPI's `nn` did
        out = _run([gradstep, "demo"], empty, expect=1)
        assert "`import nn` finds" in out and "not gradstep's" in out and "fresh one" in out, out
        out = _run([gradstep, "doctor"], empty, expect=1)
        assert "NOT gradstep's" in out, out
    print("wheel check: every command ran from the installed wheel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
