"""Memory: bytes per graph node, the deepest chain backward() survives, memory over a training loop."""

from __future__ import annotations

import gc
import os
import sys
import time
import tracemalloc
from array import array
from collections.abc import Callable
from typing import Any

from . import floats
from .engines import Engine, Trainer
from .workloads import CHAIN_A, CHAIN_B, CHAIN_Y0


def _traced(build: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``build()`` under tracemalloc; returns its result and the net bytes it left allocated."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return result, after - before


def bytes_per_node(engine: Engine, ops: int) -> float:
    """Net bytes allocated by a chain of ``ops`` op nodes (leaves made beforehand), per node."""
    a, b, y0 = engine.leaves((CHAIN_A, CHAIN_B, CHAIN_Y0))
    iterations = ops // 2
    root, net = _traced(lambda: engine.chain(a, b, y0, iterations))
    del root
    gc.collect()
    return net / (2 * iterations)


def bytes_per_op_floats(ops: int) -> float:
    """The floor's tape: one float per round of y = y·a + b, per op."""
    iterations = ops // 2
    tape, net = _traced(lambda: floats.chain_forward(CHAIN_A, CHAIN_B, CHAIN_Y0, iterations))
    del tape
    return net / (2 * iterations)


def survives(engine: Engine, ops: int) -> tuple[bool, str]:
    """Does ``backward()`` on a chain of ``ops`` op nodes finish with the default recursion limit?"""
    a, b, y0 = engine.leaves((CHAIN_A, CHAIN_B, CHAIN_Y0))
    root = engine.chain(a, b, y0, ops // 2)
    try:
        engine.backward(root)
    except RecursionError:
        return False, "RecursionError"
    except MemoryError:
        return False, "MemoryError"
    finally:
        del root
        gc.collect()
    grad = float(a.grad)
    return (grad == grad and abs(grad) != float("inf")), f"d/da = {grad:.6g}"


def deepest(engine: Engine, target: int) -> dict[str, Any]:
    """For an iterative engine, confirm ``target`` works; for a recursive one, bisect the failure depth."""
    limit = sys.getrecursionlimit()
    if not engine.recursive_backward:
        start = time.perf_counter()
        ok, detail = survives(engine, target)
        return {"ops": target, "ok": ok, "detail": detail, "seconds": round(time.perf_counter() - start, 2)}
    lo, hi = 2, 2
    while hi <= target:  # find a size that fails
        ok, _ = survives(engine, hi)
        if not ok:
            break
        lo, hi = hi, hi * 2
    else:
        return {"ops": target, "ok": True, "detail": f"no failure up to {target:,}", "recursion_limit": limit}
    while hi - lo > 2:  # ops come in pairs: y·a then +b
        mid = (lo + hi) // 4 * 2
        if survives(engine, mid)[0]:
            lo = mid
        else:
            hi = mid
    return {
        "ops": lo,
        "ok": False,
        "fails_at": hi,
        "detail": f"RecursionError at {hi:,} ops (default recursion limit {limit})",
        "recursion_limit": limit,
    }


def rss_bytes() -> int | None:
    """Resident set size of this process, from /proc (None where there is no /proc)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def training_memory(trainer: Trainer, steps: int) -> dict[str, Any]:
    """Memory after each of ``steps`` training steps: Python's allocated blocks and the process's RSS.

    Both are cheap to read, so the loop runs at full speed (tracemalloc would trace every one of the
    millions of allocations). A graph freed by reference counting leaves both flat.
    """
    # Readings go into preallocated C arrays: appending Python ints to a list would itself allocate
    # blocks every step and show up as a slow "leak".
    blocks_arr = array("q", bytes(8 * steps))
    rss_arr = array("q", bytes(8 * steps))
    gc.collect()
    blocks0 = sys.getallocatedblocks()
    for i in range(steps):
        trainer.step()
        blocks_arr[i] = sys.getallocatedblocks() - blocks0
        rss_arr[i] = rss_bytes() or 0
    blocks = blocks_arr.tolist()
    rss = [x for x in rss_arr.tolist() if x]
    return {
        "steps": steps,
        "blocks_first": blocks[0],
        "blocks_last": blocks[-1],
        "blocks_max": max(blocks),
        "rss_first_bytes": rss[0] if rss else None,
        "rss_last_bytes": rss[-1] if rss else None,
        "rss_max_bytes": max(rss) if rss else None,
        "blocks_after_each_step": blocks,
        "rss_after_each_step": rss,
    }
