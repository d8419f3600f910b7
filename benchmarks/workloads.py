"""The measurements: data, shared initial weights, and the timed cases for every engine.

Each measurement becomes a :class:`Row`: one figure per engine (None where it does not apply), a unit, and
a note per engine when a figure was taken differently (for example micrograd's deep backward). Time rows
are medians of interleaved repetitions (see :mod:`benchmarks.timing`).
"""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import floats, lanes
from .engines import Engine, FloatTrainer, Trainer
from .floats import Params
from .timing import Case, interleave

FLOATS = "floats"
#: chain constants: |a| < 1 keeps y bounded however long the chain is
CHAIN_A, CHAIN_B, CHAIN_Y0 = 0.999, 0.001, 0.5


@dataclass
class Sizes:
    """How big each workload is and how often it is repeated."""

    chain_ops: int = 100_000
    wide_terms: int = 20_000
    graph_repeats: int = 7
    mlp_layers: tuple[int, ...] = (16, 16, 1)
    mlp_samples: int = 100
    mlp_repeats: int = 9
    memory_steps: int = 200
    memory_steps_micrograd: int = 10
    memory_chain_ops: int = 100_000
    deep_chain_ops: int = 1_000_000
    warmup: int = 1

    @classmethod
    def quick(cls) -> Sizes:
        """Tiny sizes for the smoke test: every code path, in a second or two."""
        return cls(
            chain_ops=2_000,
            wide_terms=1_000,
            graph_repeats=2,
            mlp_layers=(4, 4, 1),
            mlp_samples=12,
            mlp_repeats=2,
            memory_steps=5,
            memory_steps_micrograd=2,
            memory_chain_ops=2_000,
            deep_chain_ops=20_000,
            warmup=1,
        )


@dataclass
class Row:
    """One line of the table."""

    key: str
    label: str
    unit: str
    values: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    #: for rows that only gradstep fills (sum_of, dot): the row whose micrograd figure it is compared with
    compare_with: str | None = None
    #: "time" rows: smaller is better, speed-up = micrograd / gradstep; "bytes" likewise; "info": no ratio
    kind: str = "time"


# ---- data ---------------------------------------------------------------------------------------------
def moons(n: int, noise: float = 0.1, seed: int = 1337) -> tuple[list[list[float]], list[float], str]:
    """The moons data set (X rows, labels ±1) and where it came from.

    ``nn.datasets.make_moons`` when nn provides it; otherwise the same construction with numpy (two
    interleaved half circles plus Gaussian noise), so the benchmark runs before nn exists.
    """
    try:
        from nn.datasets import make_moons  # type: ignore[import-not-found]

        X, y = make_moons(n, noise=noise, seed=seed)
        source = f"nn.datasets.make_moons({n}, noise={noise}, seed={seed})"
    except ImportError:
        rng = np.random.default_rng(seed)
        n_out = n // 2
        n_in = n - n_out
        t_out = np.linspace(0.0, math.pi, n_out)
        t_in = np.linspace(0.0, math.pi, n_in)
        X = np.vstack(
            [
                np.column_stack([np.cos(t_out), np.sin(t_out)]),
                np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
            ]
        )
        X = X + rng.normal(scale=noise, size=X.shape)
        y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
        source = f"numpy moons in the harness (n={n}, noise={noise}, seed={seed}); nn.datasets not available"
    rows = [[float(a), float(b)] for a, b in np.asarray(X, dtype=float)]
    labels = [2.0 * float(v) - 1.0 for v in np.asarray(y)]
    return rows, labels, source


def initial_params(nin: int, layers: Sequence[int], seed: int = 0) -> Params:
    """Weights uniform in [−1, 1] and biases 0, as micrograd initialises; the same for every engine."""
    rng = random.Random(seed)
    params: Params = []
    for nout in layers:
        params.append([([rng.uniform(-1.0, 1.0) for _ in range(nin)], 0.0) for _ in range(nout)])
        nin = nout
    return params


# ---- graph workloads ----------------------------------------------------------------------------------
def _chain_cases(engines: Sequence[Engine], ops: int) -> tuple[list[Case], list[Case]]:
    iterations = ops // 2
    forward: list[Case] = []
    backward: list[Case] = []
    consts = (CHAIN_A, CHAIN_B, CHAIN_Y0)
    for eng in engines:
        forward.append(
            Case(
                "chain_fwd",
                eng.key,
                lambda e=eng: e.leaves(consts),
                lambda s, e=eng: e.chain(*s, iterations),
                per=2 * iterations,
            )
        )
        backward.append(
            Case(
                "chain_bwd",
                eng.key,
                lambda e=eng: e.chain(*e.leaves(consts), iterations),
                lambda root, e=eng: e.backward(root),
                per=2 * iterations,
                deep=eng.recursive_backward,
            )
        )
    for eng in engines:
        if eng.key in ("gradstep", "micrograd"):
            forward.append(
                Case(
                    "chain_fwd_gc_off",
                    eng.key,
                    lambda e=eng: e.leaves(consts),
                    lambda s, e=eng: _without_gc(lambda: e.chain(*s, iterations)),
                    per=2 * iterations,
                )
            )
    forward.append(
        Case(
            "chain_fwd",
            FLOATS,
            lambda: None,
            lambda _: floats.chain_forward(CHAIN_A, CHAIN_B, CHAIN_Y0, iterations),
            per=2 * iterations,
        )
    )
    backward.append(
        Case(
            "chain_bwd",
            FLOATS,
            lambda: floats.chain_forward(CHAIN_A, CHAIN_B, CHAIN_Y0, iterations),
            lambda tape: floats.chain_backward(tape, CHAIN_A),
            per=2 * iterations,
        )
    )
    return forward, backward


def _wide_data(n: int) -> tuple[list[float], list[float]]:
    rng = random.Random(7)
    return [rng.uniform(-1, 1) for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)]


def _wide_cases(engines: Sequence[Engine], n: int) -> list[Case]:
    xs, ys = _wide_data(n)
    cases: list[Case] = []

    def add(
        key: str, engine: str, build: Callable[[Engine, list[Any], list[Any]], Any], eng: Engine, deep: bool
    ) -> None:
        def leaves() -> tuple[list[Any], list[Any]]:
            return eng.leaves(xs), eng.leaves(ys)

        cases.append(Case(f"{key}_fwd", engine, leaves, lambda s: build(eng, *s), per=n))
        cases.append(
            Case(f"{key}_bwd", engine, lambda: build(eng, *leaves()), lambda root: eng.backward(root), per=n, deep=deep)
        )

    for eng in engines:
        add("wide_plus", eng.key, lambda e, a, b: e.wide_plus(a, b), eng, eng.recursive_backward)
        if hasattr(eng, "wide_sum_of"):
            add("wide_sum_of", eng.key, lambda e, a, b: e.wide_sum_of(a, b), eng, False)
            add("wide_dot", eng.key, lambda e, a, b: e.wide_dot(a, b), eng, False)
    cases.append(Case("wide_plus_fwd", FLOATS, lambda: None, lambda _: floats.wide_forward(xs, ys), per=n))
    cases.append(Case("wide_plus_bwd", FLOATS, lambda: None, lambda _: floats.wide_backward(xs, ys), per=n))
    return cases


def graph_rows(engines: Sequence[Engine], sizes: Sizes) -> list[Row]:
    """Chain and wide-sum timings, all cases interleaved in one loop."""
    fwd, bwd = _chain_cases(engines, sizes.chain_ops)
    wide = _wide_cases(engines, sizes.wide_terms)
    cases = fwd + bwd + wide
    interleave(cases, sizes.graph_repeats, sizes.warmup)
    ops, n = 2 * (sizes.chain_ops // 2), sizes.wide_terms
    deep_note = "backward in a thread with a 512 MiB stack and the recursion limit raised (it recurses per level)"
    specs = [
        ("chain_fwd", f"chain y=y·a+b, {ops:,} ops: forward", "ns/op", None),
        ("chain_fwd_gc_off", f"chain y=y·a+b, {ops:,} ops: forward, gc disabled (info)", "ns/op", None),
        ("chain_bwd", f"chain y=y·a+b, {ops:,} ops: backward", "ns/node", None),
        ("wide_plus_fwd", f"Σ aᵢ·bᵢ, n={n:,}, + in a loop: forward", "ns/term", None),
        ("wide_plus_bwd", f"Σ aᵢ·bᵢ, n={n:,}, + in a loop: backward", "ns/term", None),
        ("wide_sum_of_fwd", f"Σ aᵢ·bᵢ, n={n:,}, gradstep sum_of: forward", "ns/term", "wide_plus_fwd"),
        ("wide_sum_of_bwd", f"Σ aᵢ·bᵢ, n={n:,}, gradstep sum_of: backward", "ns/term", "wide_plus_bwd"),
        ("wide_dot_fwd", f"Σ aᵢ·bᵢ, n={n:,}, gradstep dot: forward", "ns/term", "wide_plus_fwd"),
        ("wide_dot_bwd", f"Σ aᵢ·bᵢ, n={n:,}, gradstep dot: backward", "ns/term", "wide_plus_bwd"),
    ]
    rows = []
    for key, label, unit, compare in specs:
        row = Row(key, label, unit, compare_with=compare)
        for case in cases:
            if case.key != key:
                continue
            row.values[case.engine] = case.median
            if case.error:
                row.notes[case.engine] = case.error
            elif case.deep:
                row.notes[case.engine] = deep_note
        rows.append(row)
    return rows


# ---- the moons MLP ------------------------------------------------------------------------------------
@dataclass
class MLPSetup:
    X: list[list[float]]
    Y: list[float]
    params: Params
    lr: float
    alpha: float
    data_source: str

    def trainers(self, engines: Sequence[Engine]) -> dict[str, Trainer]:
        made: dict[str, Trainer] = {}
        for eng in engines:
            made[eng.key] = eng.trainer(self.params, self.X, self.Y, self.lr, self.alpha)
        made[FLOATS] = FloatTrainer(self.params, self.X, self.Y, self.lr, self.alpha)
        return made


def mlp_setup(sizes: Sizes, seed: int = 1337) -> MLPSetup:
    X, Y, source = moons(sizes.mlp_samples, noise=0.1, seed=seed)
    return MLPSetup(X, Y, initial_params(2, sizes.mlp_layers), lr=0.05, alpha=1e-4, data_source=source)


def agreement(trainers: dict[str, Trainer]) -> dict[str, Any]:
    """Loss and gradients of each engine's first forward/backward against the plain-float floor."""
    ref_loss, ref_grads = trainers[FLOATS].loss_and_grads()
    out: dict[str, Any] = {"floats_loss": ref_loss}
    for name, trainer in trainers.items():
        if name == FLOATS:
            continue
        try:
            loss, grads = trainer.loss_and_grads()
        except Exception as exc:  # reported, not fatal
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        out[name] = {
            "loss": loss,
            "max_abs_loss_diff": abs(loss - ref_loss),
            "max_abs_grad_diff": max((abs(g - r) for g, r in zip(grads, ref_grads)), default=0.0),
            "n_params": len(grads),
        }
    return out


def _without_gc(work: Callable[[], Any]) -> Any:
    """Run ``work()`` with the cyclic collector paused; it is switched back on even if ``work`` raises."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return work()
    finally:
        if was_enabled:
            gc.enable()


def _gc_off(step: Callable[[], float]) -> Callable[[Any], float]:
    return lambda _: _without_gc(step)


def mlp_rows(engines: Sequence[Engine], sizes: Sizes, setup: MLPSetup) -> tuple[list[Row], dict[str, Any]]:
    """Training-step timings (gc as the user has it, and gc off for comparison), interleaved."""
    trainers = setup.trainers(engines)
    check = agreement(trainers)
    step_cases = [Case("mlp_step", name, lambda t=t: t, lambda t: t.step()) for name, t in trainers.items()]
    off_cases = [
        Case("mlp_step_gc_off", name, lambda: None, _gc_off(trainers[name].step))
        for name in ("gradstep", "micrograd")
        if name in trainers
    ]
    lanes_cases, check["gradstep lanes"] = lanes.cases(setup)
    cases = step_cases + off_cases + lanes_cases
    interleave(cases, sizes.mlp_repeats, sizes.warmup)
    layers = ", ".join(map(str, sizes.mlp_layers))
    title = f"MLP(2, [{layers}]) step, {sizes.mlp_samples} moons"
    specs = [
        ("mlp_step", f"{title}: forward+backward+SGD", "ms", "time"),
        ("mlp_step_gc_off", f"{title}, gc disabled in the step (info)", "ms", "time"),
        ("mlp_collect", "gc.collect() after a step: cost of the step's garbage (info)", "ms", "info"),
        lanes.row_spec(title),
    ]
    rows = []
    for key, label, unit, kind in specs:
        row = Row(key, label, unit, kind=kind, compare_with="mlp_step" if key == lanes.KEY else None)
        for case in cases:
            if case.key == key:
                row.values[case.engine] = None if case.median is None else case.median / 1e6
                if case.error:
                    row.notes[case.engine] = case.error
            elif key == "mlp_collect" and case.key == "mlp_step":
                row.values[case.engine] = None if case.collect_median is None else case.collect_median / 1e6
        rows.append(row)
    for name, trainer in trainers.items():
        check.setdefault("descriptions", {})[name] = getattr(trainer, "description", "")
    if "description" in check["gradstep lanes"]:
        check["descriptions"]["gradstep lanes"] = check["gradstep lanes"].pop("description")
    return rows, check
