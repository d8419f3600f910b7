"""One BLAS thread while a program runs.

A lanes program multiplies small matrices (a layer of tens of neurons by a batch of samples). numpy's
BLAS splits even those across threads, and on a busy two-core machine the threads wait for each other:
a 32×32 by 32×3000 product took 25 ms with two threads and 0.8 ms with one. So a run sets BLAS to one
thread and puts the old setting back afterwards (through threadpoolctl, when it is installed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["one_blas_thread"]

_CONTROLLERS: list[Any] | None = None


def _controllers() -> list[Any]:
    global _CONTROLLERS
    if _CONTROLLERS is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # optional: without it BLAS keeps its own thread count
            _CONTROLLERS = []
        else:
            _CONTROLLERS = list(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _CONTROLLERS


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    controllers = _controllers()
    before = [c.get_num_threads() for c in controllers]
    for c, n in zip(controllers, before):
        if n != 1:
            c.set_num_threads(1)
    try:
        yield
    finally:
        for c, n in zip(controllers, before):
            if n != 1:
                c.set_num_threads(n)
