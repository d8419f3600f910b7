"""Running the tasks and reporting them: ✓/✗ with a paragraph each, or JSON for an autograder.

:func:`check_lab` runs each task's probe in the sandbox (:mod:`.sandbox`) and judges its numbers in
this process (:mod:`.tasks`); a probe that did not finish (a stub, an exception, the recursion limit,
the time limit) becomes a failed task with that mistake code and a text that names the learner's file
and line. :class:`LabReport` prints as text (``str``) or as the JSON of ``gradstep lab check --json``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnosis import GraphCompare, Verdict
from .sandbox import Limits, ProbeResult, run_probe
from .tasks import DEEP_CHAIN, TASKS, Task

__all__ = ["TaskResult", "LabReport", "check_lab", "not_implemented_text", "failure_verdict", "MISTAKE_CODES"]

#: Every mistake code the lab can report (``None`` when a failure fits none of them).
MISTAKE_CODES: tuple[str, ...] = (
    "accumulation", "topological-order", "sign", "local-only", "upstream-only", "local-derivative",
    "recursion-limit", "zero-grad", "step-direction", "not-implemented", "error", "timeout",
)
WIDTH = 100


@dataclass
class TaskResult:
    """One task's outcome, as the report and the JSON show it."""

    id: str
    title: str
    passed: bool
    mistake: str | None
    message: str
    graph: GraphCompare | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "passed": self.passed, "mistake": self.mistake,
                "message": self.message}


@dataclass
class LabReport:
    """Every task that was run, in order."""

    folder: Path
    tasks: list[TaskResult]

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tasks)

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def ok(self) -> bool:
        return self.passed == self.total

    def as_json(self) -> dict[str, Any]:
        return {"tasks": [t.as_json() for t in self.tasks], "passed": self.passed, "total": self.total}

    def json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False)

    def __str__(self) -> str:
        lines = []
        for t in self.tasks:
            mark = "✓" if t.passed else "✗"
            code = f"  [{t.mistake}]" if t.mistake else ""
            lines.append(f"{mark} {t.id}: {t.title}{code}")
            if not t.passed:
                lines.append(textwrap.fill(t.message, WIDTH, initial_indent="    ", subsequent_indent="    "))
        lines.append("")
        summary = f"{self.passed} of {self.total} tasks pass"
        failed = [t for t in self.tasks if not t.passed]
        if failed:
            summary += f". Next: {failed[0].id}"
            if failed[0].graph is not None:
                summary += f" (its graph with your gradients: gradstep lab show {self.folder} --task {failed[0].id})"
            summary += "."
        elif self.total == len(TASKS):
            summary += ": your engine does backprop."
        else:
            summary += "."
        lines.append(textwrap.fill(summary, WIDTH))
        return "\n".join(lines)


def check_lab(folder: str | Path, tasks: Sequence[str] | None = None, limits: Limits | None = None) -> LabReport:
    """Run the tasks (all, or the ids in ``tasks``) on the learner's files in ``folder``."""
    folder = Path(folder)
    limits = limits or Limits()
    chosen = [t for t in TASKS if tasks is None or t.id in tasks]
    results = []
    for task in chosen:
        verdict = run_task(folder, task, limits)
        results.append(TaskResult(task.id, task.title, verdict.passed, verdict.mistake, verdict.message,
                                  verdict.graph if not verdict.passed else None))
    return LabReport(folder, results)


def run_task(folder: Path, task: Task, limits: Limits) -> Verdict:
    missing = task.file if not (folder / task.file).is_file() else None
    if missing:
        return Verdict(False, "not-implemented", f"There is no {missing} in {folder}: the task is about that file "
                       f"(gradstep lab init {folder} writes a starter).")
    probe = run_probe(folder, task.spec, limits)
    if probe.status != "ok":
        return failure_verdict(task, probe, limits)
    try:
        return task.judge(probe.data)
    except (KeyError, TypeError, ValueError) as err:  # numbers of an unexpected shape: still one clear line
        return Verdict(False, "error", f"The task could not read your code's numbers ({err}); does it keep the "
                       "starter's names and return what the docstrings say?")


# ---- texts of a probe that did not finish ---------------------------------------------------------
def _where(result: dict[str, Any], source: bool = True) -> str:
    if not result.get("file"):
        return ""
    where = f"{result['file']}, line {result['line']}"
    if result.get("function") and result["function"] != "<module>":
        where += f", in {result['function']}"
    text = result.get("source") if source else None
    return where + (f": {text}" if text else "")


def not_implemented_text(result: dict[str, Any]) -> str:
    message = result.get("message") or "a stub still raises NotImplementedError"
    where = _where(result, source=False)
    return f"Not written yet: {message}" + (f" ({where})." if where else ".")


def failure_verdict(task: Task, probe: ProbeResult, limits: Limits) -> Verdict:
    result = probe.data
    printed = f" It printed: {probe.output.strip()[:300]}" if probe.output.strip() else ""
    if probe.status == "not-implemented":
        return Verdict(False, "not-implemented", not_implemented_text(result))
    if probe.status == "timeout":
        return Verdict(False, "timeout", (
            f"Your code did not finish within {limits.timeout:g} s, so the task was stopped. An endless loop is the "
            "usual cause: a while loop in backward() whose condition never changes, or a topological sort that "
            "keeps revisiting nodes (mark each node visited)." + printed))
    if probe.status == "recursion-limit":
        where = _where(result)
        deep = f"on the chain {DEEP_CHAIN:,} ops deep " if task.id == "deep-chain" else ""
        return Verdict(False, "recursion-limit", (
            f"backward() {deep}hit Python's recursion limit (RecursionError, 1,000 nested calls)"
            + (f" at {where}" if where else "") + ". A recursive topological sort (a build_topo that calls itself "
            "for each child) needs one nested call per node along the longest path. Make it iterative: keep your "
            "own stack of (node, children done?) pairs and append a node to the order when its children are done."))
    if result.get("type") == "SyntaxError":
        return Verdict(False, "error", (
            f"Python cannot read {result.get('file', 'your file')}: a syntax error at line {result.get('line')}: "
            f"{result.get('message')}" + (f": {result['source']}" if result.get("source") else "")
            + ". Fix it and check again; no task of that file can run until then."))
    where = _where(result)
    kind = result.get("type")
    what = f"{kind}: {result.get('message')}" if kind else str(result.get("message"))
    return Verdict(False, "error", (
        f"Your code raised {what}" + (f" at {where}" if where else "") + "." + printed))
