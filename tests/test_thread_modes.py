"""Grad mode and anomaly mode belong to each thread, as in PyTorch.

Before, both were process-wide: while one thread sat inside ``no_grad()`` every other thread's ops built
no graph (gradients 0), and two threads entering and leaving ``no_grad()`` interleaved left recording
off for the whole process. Each test makes the threads meet at fixed points (events), so the
interleaving that used to break is the one that runs, every time.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value, detect_anomaly, is_grad_enabled, no_grad

TIMEOUT = 10.0


def _in_thread(work: Callable[[], Any]) -> threading.Thread:
    """Start ``work`` in a thread; a failure there is re-raised by :func:`_join`."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.failures = failures  # type: ignore[attr-defined]
    thread.start()
    return thread


def _join(thread: threading.Thread) -> None:
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the helper thread did not finish"
    if thread.failures:  # type: ignore[attr-defined]
        raise thread.failures[0]  # type: ignore[attr-defined]


def _cube_grad_at_2() -> float:
    """d(x³)/dx at x = 2 by backward(): 12 (by hand: 3x²)."""
    x = Value(2.0)
    (x * x * x).backward()
    return x.grad


def test_backward_in_one_thread_is_right_while_another_sits_in_no_grad() -> None:
    inside, done = threading.Event(), threading.Event()

    def evaluate() -> None:
        with no_grad():
            inside.set()
            assert done.wait(TIMEOUT)
            assert (Value(1.0) * 2).parents == ()  # this thread's own mode still holds

    helper = _in_thread(evaluate)
    assert inside.wait(TIMEOUT)
    try:
        assert is_grad_enabled()
        assert _cube_grad_at_2() == 12.0
        a, b = Value(3.0), Value(-2.0)
        y = (a * b + a).tanh()
        y.backward()
        t = math.tanh(3.0 * -2.0 + 3.0)
        assert a.grad == pytest.approx((1 - t * t) * (-2.0 + 1.0), rel=1e-12)
        assert b.grad == pytest.approx((1 - t * t) * 3.0, rel=1e-12)
    finally:
        done.set()
    _join(helper)


def test_interleaved_enter_and_leave_of_no_grad_leaves_recording_on() -> None:
    # A enters, B enters, A leaves, B leaves: with one process-wide flag B restored "off" at the end.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def thread_a() -> None:
        with no_grad():
            a_in.set()
            assert b_in.wait(TIMEOUT)
        a_out.set()

    def thread_b() -> None:
        assert a_in.wait(TIMEOUT)
        with no_grad():
            b_in.set()
            assert a_out.wait(TIMEOUT)

    first, second = _in_thread(thread_a), _in_thread(thread_b)
    _join(first)
    _join(second)
    assert is_grad_enabled()
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0  # d(x²)/dx = 2x
    seen: list[bool] = []
    _join(_in_thread(lambda: seen.append(is_grad_enabled())))
    assert seen == [True]  # a new thread starts with recording on


def test_no_grad_in_a_thread_applies_to_that_thread_only() -> None:
    results: dict[str, Any] = {}
    entered, release = threading.Event(), threading.Event()

    def evaluate() -> None:
        with no_grad():
            entered.set()
            assert release.wait(TIMEOUT)
            results["inside"] = Value(2.0) * 3
            results["enabled"] = is_grad_enabled()
        results["after"] = Value(2.0) * 3

    helper = _in_thread(evaluate)
    assert entered.wait(TIMEOUT)
    recorded = Value(2.0) * 3  # made while the helper is inside no_grad()
    release.set()
    _join(helper)
    assert recorded.parents != () and recorded.op == "*"
    assert results["inside"].parents == () and results["inside"].data == 6.0
    assert results["enabled"] is False
    assert results["after"].op == "*"


def test_detect_anomaly_in_one_thread_does_not_raise_in_another() -> None:
    entered, release = threading.Event(), threading.Event()
    caught: list[BaseException] = []

    def hunt() -> None:
        with detect_anomaly():
            entered.set()
            assert release.wait(TIMEOUT)
            try:
                Value(1e308) * 10
            except FloatingPointError as exc:
                caught.append(exc)

    helper = _in_thread(hunt)
    assert entered.wait(TIMEOUT)
    try:
        big = Value(1e308) * 10  # inf, and no error here: anomaly detection is the helper's
        assert math.isinf(big.data) and big.op == "*"
        x = Value(2.0)
        y = x * Value(math.inf)
        y.backward()  # a non-finite gradient: allowed outside detect_anomaly()
        assert math.isinf(x.grad)
    finally:
        release.set()
    _join(helper)
    assert len(caught) == 1 and "mul" in str(caught[0])
