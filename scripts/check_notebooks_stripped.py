"""Fail if a notebook in notebooks/ carries outputs or execution counts (they are stripped in git)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def dirty_notebooks(folder: Path) -> list[str]:
    dirty = []
    for path in sorted(folder.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code"):
            dirty.append(str(path))
    return dirty


if __name__ == "__main__":
    dirty = dirty_notebooks(Path(__file__).resolve().parent.parent / "notebooks")
    if dirty:
        print("notebooks with outputs (strip them, e.g. jupyter nbconvert --clear-output --inplace):", *dirty)
        sys.exit(1)
    print("notebooks: outputs stripped")
