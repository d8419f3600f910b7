"""Write the teaching notebooks in notebooks/ from the sources in scripts/notebook_sources/.

    python scripts/build_notebooks.py            # all of them
    python scripts/build_notebooks.py 07 08      # only those whose name starts with 07 or 08

A notebook's source is a small Python module ``scripts/notebook_sources/nbNN.py`` defining ``NAME`` (the
file name) and ``CELLS`` (a list of ``md("...")`` / ``code("...")`` cells from ``notebook_sources``).
Writing the course as plain Python keeps the diffs readable; the .ipynb files this writes are
stripped (no outputs, no execution counts) and deterministic (cell ids come from the position), so
rebuilding an unchanged source changes nothing.
Run ``scripts/run_notebooks.py`` afterwards to execute them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import nbformat

from autograd.files import atomic_write

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "notebook_sources"
NOTEBOOKS_DIR = ROOT / "notebooks"

METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python", "pygments_lexer": "ipython3"},
}


def build(cells: list[nbformat.NotebookNode], stem: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata=dict(METADATA))
    for i, cell in enumerate(cells):
        cell["id"] = f"{stem[:2]}-{i:02d}"  # stable ids: a rebuild gives a byte-identical file
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def write_atomic(nb: nbformat.NotebookNode, target: Path) -> None:
    atomic_write(target, nbformat.writes(nb) + "\n")

def load_source(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_notebook_source_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attr in ("NAME", "CELLS"):
        if not hasattr(module, attr):
            raise SystemExit(f"{path}: defines no {attr} (a notebook source needs NAME and CELLS)")
    return module


def main(argv: list[str] | None = None) -> int:
    prefixes = (argv if argv is not None else sys.argv[1:]) or [""]
    sys.path.insert(0, str(SOURCES.parent))  # the sources do `from notebook_sources import code, md`
    NOTEBOOKS_DIR.mkdir(exist_ok=True)
    written = 0
    for path in sorted(SOURCES.glob("nb[0-9][0-9].py")):
        source = load_source(path)
        if not any(source.NAME.startswith(p) for p in prefixes):
            continue
        target = NOTEBOOKS_DIR / source.NAME
        write_atomic(build(source.CELLS, source.NAME), target)
        print(f"wrote {target.relative_to(ROOT)} ({len(source.CELLS)} cells)")
        written += 1
    if not written:
        print(f"no notebook source matches {prefixes} in {SOURCES}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
