"""Build hook (everything else is in pyproject.toml): the course's notebooks ship inside the wheel.

The repository keeps one copy of the notebooks, in notebooks/ (built from scripts/notebook_sources).
Building the package copies them to autograd/course_notebooks/, where ``gradstep course`` finds them
wherever gradstep is installed. (An editable install reads notebooks/ of the checkout instead.)
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildWithCourse(build_py):
    """build_py, plus the notebooks as package data of ``autograd``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the checkout's notebooks/ is read directly
            return
        notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
        if not notebooks:
            raise SystemExit(f"no notebooks in {NOTEBOOKS}: the course would be missing from the package")
        target = Path(self.build_lib) / "autograd" / "course_notebooks"
        self.mkpath(str(target))
        for notebook in notebooks:
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": BuildWithCourse})
