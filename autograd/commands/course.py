"""Copy the course's teaching notebooks into a folder of your own, and say how to open them.

The notebooks ship inside the gradstep package; this writes them to DIR (default ./gradstep-course),
where you can run and change them. A notebook that is already there is never overwritten (it may hold
your work): it is kept, and the others are copied beside it.

Example:  gradstep course            then   jupyter lab gradstep-course
Exit code: 0 when the folder has every notebook, 2 when DIR cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from ..files import atomic_write_bytes, describe_os_error

DEFAULT_FOLDER = "gradstep-course"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, metavar="DIR",
                        help=f"where to put the notebooks (default ./{DEFAULT_FOLDER}; created if missing)")


def course_notebooks() -> list[Path]:
    """The course's notebooks, in order: those inside the installed package, or a source checkout's."""
    packaged = resources.files("autograd") / "course_notebooks"  # put there when the wheel is built
    if packaged.is_dir():
        found = sorted(Path(str(p)) for p in packaged.iterdir() if p.name.endswith(".ipynb"))
        if found:
            return found
    checkout = Path(__file__).resolve().parents[2] / "notebooks"  # running from the repository
    return sorted(checkout.glob("*.ipynb"))


def copy_course(folder: str | Path) -> tuple[list[Path], list[Path]]:
    """Copy every notebook into ``folder`` (created if missing); (copied, kept because already there)."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder; give another DIR")
    notebooks = course_notebooks()
    if not notebooks:
        raise FileNotFoundError("this gradstep has no notebooks inside it (a broken install?); reinstall gradstep")
    target.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for source in notebooks:
        destination = target / source.name
        if destination.exists() or destination.is_symlink():
            kept.append(destination)
            continue
        atomic_write_bytes(destination, source.read_bytes())
        copied.append(destination)
    return copied, kept


def _how_to_open(folder: Path) -> str:
    if find_spec("jupyterlab") is not None:
        return f"Open them with:  jupyter lab {folder}"
    return (f'Open them in Jupyter:  pip install "gradstep[course]"  then  jupyter lab {folder}\n'
            "(or open the folder in VS Code, or upload the notebooks to Colab)")


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    try:
        copied, kept = copy_course(folder)
    except OSError as err:
        print(f"gradstep course: {describe_os_error(err)}", file=sys.stderr)
        return 2
    for path in copied:
        print(f"wrote {path}")
    for path in kept:
        print(f"kept  {path} (already there: never overwritten)")
    total = len(copied) + len(kept)
    print(f"\n{total} notebooks in {folder}/ ({len(copied)} new). Start with {sorted(copied + kept)[0].name}.")
    print(_how_to_open(folder))
    return 0
