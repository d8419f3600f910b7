"""Execute the teaching notebooks top to bottom and report how long each took; optionally save HTML copies.

    python scripts/run_notebooks.py                      # every notebook in notebooks/
    python scripts/run_notebooks.py --html out/notebooks # ... and an HTML copy of each, with its outputs
    python scripts/run_notebooks.py notebooks/08_higher_order.ipynb

The notebooks run in a kernel of *this* interpreter (``sys.executable -m ipykernel_launcher``), so the
venv's gradstep and ipykernel are used and no kernel is registered anywhere. The executed copies live in
memory (and in the HTML files): the committed notebooks stay stripped of outputs.
Exit code 0 when every notebook ran without an error, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from autograd.files import atomic_write

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
SCRIPTS_DIR = Path(__file__).resolve().parent
DEFAULT_TIMEOUT = 120  # seconds per cell; a whole notebook is meant to take well under 60 s
# The kernel talks to us over local TCP; its warning about that on each start is noise. Errors still show.
_QUIET = ["--IPKernelApp.log_level=ERROR"]

__all__ = ["NOTEBOOKS_DIR", "notebook_paths", "execute_notebook", "write_html", "NotebookFailed", "main"]


class NotebookFailed(RuntimeError):
    """A notebook did not run to the end: the message names the notebook and shows the failing cell."""


class ThisInterpreterKernelManager(KernelManager):
    """A kernel manager whose kernel is always ``sys.executable -m ipykernel_launcher``.

    Whatever kernels are registered on the machine (or not), the notebooks run with the same Python,
    and therefore the same installed gradstep, as the process that executes them.
    """

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", *_QUIET],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (this interpreter)",
                language="python",
                env=_kernel_env(),
            )
        return self._kernel_spec


def _kernel_env() -> dict[str, str]:
    """What the kernel's environment adds to ours.

    The checkout comes first on the import path, so the notebooks exercise the code in this working tree
    even when the kernel starts in notebooks/ and the installed copy is stale or elsewhere. Figures must
    come out as inline images even if the caller's shell set a GUI or Agg backend.
    """
    path = os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p)
    return {"PYTHONPATH": path, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def notebook_paths(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks of the series, in order (their names start with the lesson number)."""
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def execute_notebook(path: Path, timeout: int = DEFAULT_TIMEOUT) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in a fresh kernel; return the executed notebook.

    The kernel's working directory is the notebook's folder, as in Jupyter. Raises ``NotebookFailed``
    (with the failing cell and its traceback) on the first cell error, a cell running longer than
    ``timeout`` seconds, or a kernel that dies. The file at ``path`` is not modified.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=ThisInterpreterKernelManager,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        raise NotebookFailed(f"{path.name}: a cell raised an error\n{exc}") from None
    except CellTimeoutError as exc:
        raise NotebookFailed(f"{path.name}: a cell ran longer than {timeout} s\n{exc}") from None
    except DeadKernelError as exc:
        raise NotebookFailed(f"{path.name}: the kernel died ({exc})") from None
    return nb


# nbconvert embeds SVG outputs (the graph pictures) as <img>, which its stylesheet does not shrink to the
# page the way Jupyter shrinks inline <svg>: wide graphs would be cut off at the right edge.
_FIT_PICTURES = "<style>.jp-RenderedSVG img { max-width: 100%; height: auto; }</style>\n"


def with_rendered_math(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose markdown formulas are inline SVG images (see scripts/notebook_math.py).

    Without this the HTML copy shows raw TeX wherever MathJax's CDN cannot be reached.
    """
    if str(SCRIPTS_DIR) not in sys.path:
        sys.path.insert(0, str(SCRIPTS_DIR))
    from notebook_math import render_math

    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            cell.source = render_math(cell.source)
    return copy


def write_html(nb: nbformat.NotebookNode, target: Path) -> Path:
    """Write an executed notebook as one HTML page at ``target`` (atomically); return the path."""
    from nbconvert import HTMLExporter  # imported here: only --html needs it, and it is slow to import

    body, _ = HTMLExporter().from_notebook_node(with_rendered_math(nb))
    body = body.replace("</head>", _FIT_PICTURES + "</head>", 1)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, body)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    parser.add_argument("--html", type=Path, metavar="DIR", help="also write an HTML copy of each into DIR")
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_TIMEOUT, help=f"seconds per cell (default {DEFAULT_TIMEOUT})"
    )
    args = parser.parse_args(argv)

    paths = args.notebooks or notebook_paths()
    if not paths:
        print(f"no notebooks found in {NOTEBOOKS_DIR}", file=sys.stderr)
        return 1
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print("no such notebook:", *missing, file=sys.stderr)
        return 1

    failed: list[str] = []
    total = 0.0
    for path in paths:
        start = time.perf_counter()
        try:
            nb = execute_notebook(path, timeout=args.timeout)
        except NotebookFailed as exc:
            seconds = time.perf_counter() - start
            total += seconds
            failed.append(path.name)
            print(f"FAIL {path.name} after {seconds:.1f} s\n{exc}\n", file=sys.stderr)
            continue
        seconds = time.perf_counter() - start
        total += seconds
        where = ""
        if args.html:
            where = f"  -> {write_html(nb, args.html / (path.stem + '.html'))}"
        print(f"ok   {path.name:<38} {seconds:5.1f} s{where}", flush=True)

    print(f"{len(paths) - len(failed)} of {len(paths)} notebooks ran cleanly in {total:.1f} s")
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
