"""Run one probe of the learner's code in a child process, with a time and a memory limit.

The learner's code is untrusted (it may loop forever, eat memory, print without end or crash), so it
never runs in the checker's process: each task starts ``python -I -S -B harness.py`` (isolated mode: no
environment variables, no current folder on ``sys.path``; no site-packages either, so the learner's
engine has the standard library only, as micrograd's does, and starts fast), which caps its own address
space, CPU time and file size with ``resource.setrlimit`` before importing anything of the learner's.
The checker waits at most ``timeout`` seconds (wall clock), then kills the child's whole process group.
What the child prints goes to a file of which only the first few kilobytes are read.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Limits", "ProbeResult", "run_probe", "HARNESS"]

HARNESS = Path(__file__).with_name("harness.py")
_OUTPUT_KEPT = 4000  # characters of the learner's own printing kept for a message


@dataclass(frozen=True)
class Limits:
    """How long and how much memory one task may take."""

    timeout: float = 10.0  # seconds of wall-clock time per task
    memory_mb: int = 1024  # address space of the child


@dataclass
class ProbeResult:
    """What came back from the child: ``status`` and the probe's numbers (or where it failed)."""

    status: str  # "ok", "not-implemented", "recursion-limit", "error", "timeout"
    data: dict[str, Any] = field(default_factory=dict)
    output: str = ""  # what the learner's code printed (the start of it)
    seconds: float = 0.0


def run_probe(folder: Path, spec: dict[str, Any], limits: Limits | None = None) -> ProbeResult:
    """Run ``spec`` (a probe of :mod:`autograd.lab.harness`) against the learner's files in ``folder``."""
    limits = limits or Limits()
    folder = Path(folder).resolve()
    cpu_seconds = max(1, math.ceil(limits.timeout) + 1)
    with tempfile.TemporaryDirectory(prefix="gradstep-lab-") as tmp:
        result_path = Path(tmp) / "result.json"
        output_path = Path(tmp) / "output.txt"
        command = [sys.executable, "-I", "-S", "-B", str(HARNESS), str(folder), str(result_path),
                   str(limits.memory_mb), str(cpu_seconds)]
        with open(output_path, "wb") as output:
            child = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=output, stderr=subprocess.STDOUT,
                cwd=str(folder), start_new_session=True,
            )
            timed_out = False
            try:
                child.communicate(json.dumps(spec).encode("utf-8"), timeout=limits.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                _kill_group(child)
        printed = _read_start(output_path)
        if timed_out:
            return ProbeResult("timeout", {"seconds": limits.timeout}, printed)
        if not result_path.exists():
            return ProbeResult("error", _crash(child.returncode, printed, limits), printed)
        try:
            data = json.loads(result_path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return ProbeResult("error", _crash(child.returncode, printed, limits), printed)
    status = data.pop("status", "error")
    return ProbeResult(status, data, printed)


def _kill_group(child: subprocess.Popen) -> None:
    """Stop the child and anything it started (its own session), then reap it."""
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=5)


def _read_start(path: Path) -> str:
    with open(path, "rb") as handle:
        start = handle.read(_OUTPUT_KEPT + 1)
    text = start.decode("utf-8", errors="replace")
    return text if len(text) <= _OUTPUT_KEPT else text[:_OUTPUT_KEPT] + " …"


def _crash(returncode: int | None, printed: str, limits: Limits) -> dict[str, Any]:
    """Why a child ended without a result: a signal (memory or CPU limit), or an exit of its own."""
    if returncode is not None and returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU:
            why = f"it used more than its {math.ceil(limits.timeout) + 1} s of CPU time"
        elif sig in (signal.SIGKILL, signal.SIGSEGV):
            why = f"it was stopped by signal {signal.Signals(sig).name} (more than {limits.memory_mb} MB of memory?)"
        else:
            why = f"it was stopped by signal {signal.Signals(sig).name}"
    else:
        why = f"the process exited with code {returncode} before it reported"
    return {"type": "", "message": why, "crashed": True}
