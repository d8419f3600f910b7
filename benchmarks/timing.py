"""Interleaved timing: every engine gets one sample per round, so drift in the machine hits all alike.

The clock is the process's CPU time (user + system, :func:`time.process_time_ns`), not the wall clock:
the work timed is single-threaded and CPU-bound, so on an idle machine the two agree, and on a shared
one the CPU time leaves out the time other programs held the cores (which inflated wall-clock samples
by 2-5× here, unevenly). Everything the timed code itself does (its own garbage collections, page
faults, allocations) is still counted.

The garbage collector is left exactly as the user has it (on, default thresholds). Between samples the
harness calls ``gc.collect()`` outside the timed region, so that no engine is charged for collecting the
cyclic garbage another engine left behind; whatever collections happen *during* an engine's own work
are part of its time, as they would be in the user's program.
"""

from __future__ import annotations

import gc
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

#: nanoseconds of CPU time used by this process (all threads; the waiting ones use none)
CLOCK = time.process_time_ns

#: A thread stack big enough for micrograd's recursive topological sort on deep graphs.
DEEP_STACK_BYTES = 512 * 1024 * 1024
DEEP_RECURSION_LIMIT = 10_000_000


@dataclass
class Case:
    """One thing to time for one engine.

    ``setup()`` runs untimed and returns the state; ``run(state)`` is timed. Whatever ``run`` returns is
    dropped after the clock stops, so freeing a result is not timed, except what ``run`` frees itself.
    ``deep`` runs setup and run inside a thread with a big stack and a raised recursion limit (for
    micrograd's recursive backward). ``per`` divides the time (ns per op, per node, per term).
    """

    key: str
    engine: str
    setup: Callable[[], Any]
    run: Callable[[Any], Any]
    per: int = 1
    deep: bool = False
    #: called after each sample, outside the clock (e.g. to stop a helper thread)
    teardown: Callable[[], Any] | None = None
    samples: list[int] = field(default_factory=list)
    #: the untimed gc.collect() after each sample, timed on the side: the cost of this case's garbage
    collect_samples: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        """Median time per unit in ns, or None if it failed or never ran."""
        if self.error or not self.samples:
            return None
        return statistics.median(self.samples) / self.per

    @property
    def collect_median(self) -> float | None:
        """Median ns of the gc.collect() that followed each sample (not divided by ``per``)."""
        if self.error or not self.collect_samples:
            return None
        return statistics.median(self.collect_samples)


def call_deep(fn: Callable[[], T]) -> T:
    """Call ``fn()`` in a thread with a 512 MiB stack and a recursion limit of ten million.

    The interpreter-wide recursion limit and the thread stack size are put back afterwards, also on error.
    """
    result: list[Any] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)

    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size(DEEP_STACK_BYTES)
    try:
        sys.setrecursionlimit(DEEP_RECURSION_LIMIT)
        worker = threading.Thread(target=target, name="deep-recursion")
        worker.start()
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
        threading.stack_size(old_stack)
    if failure:
        raise failure[0]
    return result[0]


def _one_sample(case: Case) -> int:
    state = case.setup()
    start = CLOCK()
    out = case.run(state)
    elapsed = CLOCK() - start
    del out, state
    return elapsed


def sample(case: Case) -> tuple[int, int]:
    """Time one run of ``case``, then the gc.collect() that clears its garbage (both in nanoseconds)."""
    try:
        elapsed = call_deep(lambda: _one_sample(case)) if case.deep else _one_sample(case)
    finally:
        if case.teardown is not None:
            case.teardown()
        start = CLOCK()
        gc.collect()
        collected = CLOCK() - start
    return elapsed, collected


def interleave(cases: Sequence[Case], repeats: int, warmup: int = 1) -> None:
    """Run the cases round-robin (A, B, C, A, B, C, …) and store each case's samples.

    A case that raises is marked with its error and left out of later rounds; the others go on.
    """
    for round_no in range(warmup + repeats):
        for case in cases:
            if case.error:
                continue
            try:
                elapsed, collected = sample(case)
            except Exception as exc:  # one broken engine must not stop the whole benchmark
                case.error = f"{type(exc).__name__}: {exc}"[:200]
                continue
            if round_no >= warmup:
                case.samples.append(elapsed)
                case.collect_samples.append(collected)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
