"""The Python versions the package claims are the ones CI tests: requires-python, classifiers, CI."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # 3.10: read the two fields by hand (tomllib arrived in 3.11)
    tomllib = None


def _project() -> dict:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if tomllib is not None:
        return tomllib.loads(text)["project"]
    requires = re.search(r'^requires-python = "([^"]+)"', text, re.M).group(1)
    classifiers = re.findall(r'"(Programming Language :: [^"]+)"', text)
    return {"requires-python": requires, "classifiers": classifiers}


def _range() -> tuple[tuple[int, int], tuple[int, int]]:
    spec = _project()["requires-python"]
    low = re.search(r">=\s*3\.(\d+)", spec)
    high = re.search(r"<\s*3\.(\d+)", spec)
    assert low and high, f"requires-python {spec!r} should give both ends of the tested range"
    return (3, int(low.group(1))), (3, int(high.group(1)))


def test_classifiers_name_exactly_the_versions_requires_python_allows() -> None:
    (_, low), (_, high) = _range()
    claimed = {
        int(m.group(1))
        for c in _project()["classifiers"]
        if (m := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c))
    }
    assert claimed == set(range(low, high))


def test_ci_tests_the_oldest_and_newest_allowed_version_and_this_one_is_allowed() -> None:
    (_, low), (_, high) = _range()
    script = (ROOT / "scripts" / "test-other-pythons.sh").read_text(encoding="utf-8")
    assert f"3.{low}" in script and f"3.{high - 1}" in script
    assert "scripts/test-other-pythons.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (3, low) <= sys.version_info[:2] < (3, high)
