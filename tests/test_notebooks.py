"""The teaching notebooks run top to bottom without an error, and are committed stripped of outputs.

Each notebook asserts what it teaches (the critical point is 3, gradcheck passes, the loss went down, ...),
so executing it is a test of the lesson, not only of the code. They run in a kernel of this interpreter
(see ``scripts/run_notebooks.py``, which ``make notebooks`` uses too).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"

# The series, in order, as the README links it. A renamed or lost notebook should fail here, not vanish
# silently from the parametrized list below.
SERIES = [
    "01_derivatives_and_limits.ipynb",
    "02_values_and_graphs.ipynb",
    "03_backprop_step_by_step.ipynb",
    "04_practice.ipynb",
    "05_checking_gradients.ipynb",
    "06_training_an_mlp.ipynb",
    "07_optimizers.ipynb",
    "08_higher_order.ipynb",
    "09_build_it_yourself.ipynb",
    "10_from_scalars_to_tensors.ipynb",
]


def _load_script(name: str) -> ModuleType:
    """Import ``scripts/<name>.py`` (scripts/ is not a package) so the tests reuse its functions."""
    module_name = f"_gradstep_scripts_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"cannot load scripts/{name}.py"
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


run_notebooks = _load_script("run_notebooks")
check_stripped = _load_script("check_notebooks_stripped")
NOTEBOOKS = run_notebooks.notebook_paths()


def test_the_series_is_complete() -> None:
    names = [p.name for p in NOTEBOOKS]
    missing = [n for n in SERIES if n not in names]
    assert not missing, f"notebooks missing from notebooks/: {missing}"


@pytest.mark.notebook
@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path) -> None:
    before = path.read_bytes()
    executed = run_notebooks.execute_notebook(path, timeout=120)  # raises NotebookFailed on any cell error
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert code_cells, f"{path.name} has no code cells"
    assert all(c.execution_count is not None for c in code_cells), f"{path.name}: not every cell ran"
    errors = [o for c in code_cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: error outputs {[e.get('ename') for e in errors]}"
    assert path.read_bytes() == before, f"executing {path.name} changed the file on disk"


def test_notebooks_are_stripped_of_outputs() -> None:
    dirty = check_stripped.dirty_notebooks(run_notebooks.NOTEBOOKS_DIR)
    assert dirty == [], f"strip outputs and execution counts from {dirty} (scripts/build_notebooks.py)"


def test_the_stripped_check_sees_an_output(tmp_path: Path) -> None:
    # The check above is only worth something if it can fail: a notebook with one output is dirty.
    cell = {"cell_type": "code", "metadata": {}, "source": "1", "execution_count": 1,
            "outputs": [{"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {},
                         "execution_count": 1}]}
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "dirty.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert check_stripped.dirty_notebooks(tmp_path) == [str(tmp_path / "dirty.ipynb")]


def test_every_notebook_is_what_its_source_builds() -> None:
    # The sources in scripts/notebook_sources are the course; a notebook edited by hand (or a source
    # edited without rebuilding) would drift from it. Each source's nbNN number is its notebook's.
    build = _load_script("build_notebooks")
    sys.path.insert(0, str(build.SOURCES.parent))
    try:
        sources = sorted(build.SOURCES.glob("nb[0-9][0-9].py"))
        assert [p.stem[2:] for p in sources] == [name[:2] for name in SERIES]
        for path in sources:
            source = build.load_source(path)
            assert source.NAME.startswith(path.stem[2:]), f"{path.name} builds {source.NAME}"
            built = nbformat.writes(build.build(source.CELLS, source.NAME)) + "\n"
            committed = (run_notebooks.NOTEBOOKS_DIR / source.NAME).read_text(encoding="utf-8")
            assert built == committed, f"notebooks/{source.NAME} differs from {path.name}: " \
                "run scripts/build_notebooks.py"
    finally:
        sys.path.remove(str(build.SOURCES.parent))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_opens_with_its_goal_and_ends_with_what_you_saw(path: Path) -> None:
    markdown = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    assert "**Goal" in markdown[0], f"{path.name}: the first cell does not say the notebook's goal"
    assert "What you saw" in markdown[-1], f"{path.name}: the last cell is not a 'What you saw' summary"
