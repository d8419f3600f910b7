"""``record`` and :class:`Program`: one sample's graph, run over a whole batch of samples at once."""

from __future__ import annotations

import numbers
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..functional import no_grad
from ..value import Value
from .plan import Group, MatmulGroup, Plan
from .structure import LanesBranchError, Signature, compare, forward_order, record_outputs
from .threads import one_blas_thread

__all__ = ["record", "Program", "LanesBranchError"]

REDUCTIONS = ("mean", "sum")


def record(
    f: Callable[..., Any],
    n_inputs: int,
    *,
    names: Sequence[str] | None = None,
    example: Sequence[float] | None = None,
    first_checks: int = 8,
    check_every: int = 10,
) -> Program:
    """Record the scalar graph of ``f(*inputs)`` once, as a :class:`Program` that runs any batch.

    ``f`` takes ``n_inputs`` Values that stand for one sample (e.g. its features and its target) and
    returns a Value (for :meth:`Program.run`, e.g. the sample's loss) or a list of Values (for
    :meth:`Program.forward`, e.g. a model's outputs). Every other leaf ``f`` uses (a model's
    parameters, constants) is a *parameter* of the program: its ``.data`` is read on every run and its
    ``.grad`` receives the batch's gradient.

    The graph is recorded from ``example`` (one number per input) or, by default, from the first
    sample of the first run. Before that run returns, ``first_checks`` more samples are recorded and
    compared with it node by node; after that, every ``check_every`` runs (0: never), one random
    sample's output is recomputed by the scalar engine and compared (see "Branches" in
    :mod:`autograd.lanes`).

    >>> from autograd import Value
    >>> w = Value(3.0, "w")
    >>> program = record(lambda x, y: (w * x - y) ** 2, 2)
    >>> program.run([1.0, 2.0], [3.0, 3.0], reduce="sum")   # (3−3)² + (6−3)²
    9.0
    >>> w.grad                                             # 2·(3·1−3)·1 + 2·(6−3)·2
    12.0
    """
    if not callable(f):
        raise TypeError(f"lanes.record: f must be a function of the sample's inputs, got {type(f).__name__}")
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, numbers.Integral) or n_inputs < 0:
        raise ValueError(f"lanes.record: n_inputs must be a whole number ≥ 0, got {n_inputs!r}")
    names = [f"x{k + 1}" for k in range(n_inputs)] if names is None else [str(n) for n in names]
    if len(names) != n_inputs:
        raise ValueError(f"lanes.record: {len(names)} names for {n_inputs} inputs")
    for what, count in (("first_checks", first_checks), ("check_every", check_every)):
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 0:
            raise ValueError(f"lanes.record: {what} must be a whole number ≥ 0, got {count!r}")
    program = Program(f, int(n_inputs), names, int(first_checks), int(check_every))
    if example is not None:
        values = list(example)
        if len(values) != n_inputs:
            raise ValueError(f"lanes.record: example has {len(values)} numbers, f takes {n_inputs} inputs")
        program._record([float(v) for v in values])
    return program


class Program:
    """One recorded sample's graph, compiled to run a batch of samples ("lanes") with numpy.

    Made by :func:`record`. :meth:`run` gives the mean (or sum) of ``f`` over the batch and its
    gradient; :meth:`forward` gives ``f``'s outputs for every sample. ``draw_graph(program)`` draws the
    recorded sample's graph, with the numbers of one lane of the last run.
    """

    def __init__(self, f: Callable[..., Any], n_inputs: int, names: list[str], first_checks: int,
                 check_every: int) -> None:
        self.f, self.n_inputs, self.names = f, n_inputs, names
        self.first_checks, self.check_every = first_checks, check_every
        self.runs = 0
        self.lanes = 0  # of the last run
        self._plan: Plan | None = None
        self._signature: Signature | None = None
        self._buffers: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._last: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._checked_first = False
        self._has_grads = False  # the last call was run() (GV, GC hold its gradients), not forward()
        self._spot = random.Random(0)

    # ---- recording -------------------------------------------------------------------------------
    def _record(self, sample: list[float]) -> None:
        inputs = [Value(x, name) for x, name in zip(sample, self.names)]
        outputs = record_outputs(self.f, inputs)
        order = forward_order(outputs)
        self.inputs, self.outputs = inputs, outputs
        self._signature = Signature(order, inputs, outputs)
        self._plan = Plan(order, inputs, outputs)

    def _recorded(self, sample: Sequence[float], lane: int) -> Signature:
        inputs = [Value(float(x), name) for x, name in zip(sample, self.names)]
        try:
            outputs = record_outputs(self.f, inputs)
        except (ArithmeticError, ValueError) as exc:
            raise type(exc)(f"{exc} (while recording f on lane {lane}: {self._inputs_text(sample)})") from None
        return Signature(forward_order(outputs), inputs, outputs)

    @property
    def root(self) -> Value:
        """The recorded output (the first one, if ``f`` returns several)."""
        self._need_recording("root")
        return self.outputs[0]

    @property
    def parameters(self) -> list[Value]:
        """The leaves whose ``.grad`` a run accumulates into (a model's parameters and f's constants)."""
        self._need_recording("parameters")
        return list(self._the_plan.leaves)

    @property
    def _the_plan(self) -> Plan:
        """The plan, once the graph is recorded (every caller has made sure it is)."""
        assert self._plan is not None
        return self._plan

    @property
    def _the_signature(self) -> Signature:
        assert self._signature is not None
        return self._signature

    def _need_recording(self, what: str) -> None:
        if self._plan is None:
            raise RuntimeError(
                f"lanes program: {what} is not known before the graph is recorded; run the program once, or "
                "pass example=[...] (one number per input) to record()"
            )

    # ---- running ---------------------------------------------------------------------------------
    def run(self, *columns: Any, reduce: str = "mean") -> float:
        """The mean (or sum) of ``f`` over the batch; adds its gradient to every parameter's ``.grad``.

        ``columns`` are one array of shape (B,) per input of ``f`` (B samples, one lane each). What each
        ``.grad`` receives is what ``backward()`` of the mean (or sum) of the B scalar graphs would add.
        """
        if reduce not in REDUCTIONS:
            raise ValueError(f"lanes: reduce must be 'mean' or 'sum', got {reduce!r}")
        cols = self._prepare(columns, "run")
        if len(self.outputs) != 1:
            raise ValueError(
                f"lanes: run() needs f to return one Value (e.g. the sample's loss); this f returns "
                f"{len(self.outputs)}; use forward() for several outputs"
            )
        with one_blas_thread():
            return self._run(cols, reduce)

    def _run(self, cols: np.ndarray, reduce: str) -> float:
        V, C, GV, GC = self._forward(cols)
        B = cols.shape[1]
        lane_out, where = self._the_plan.outputs[0]
        if lane_out:
            total = float(V[where].sum())
            value = total * (1.0 / B) if reduce == "mean" else total
            seed = 1.0 / B if reduce == "mean" else 1.0
        else:  # f does not depend on the sample: B equal terms
            value = float(C[where]) if reduce == "mean" else float(C[where]) * B
            seed = 1.0 if reduce == "mean" else float(B)
        GV.fill(0.0)
        GC.fill(0.0)
        (GV if lane_out else GC)[where] = seed
        with np.errstate(all="ignore"):
            for group in reversed(self._the_plan.groups):
                group.backward(V, C, GV, GC)
        leaves = self._the_plan.leaves
        for leaf, g in zip(leaves, GC[: len(leaves)].tolist()):
            leaf.grad += g
        self._has_grads = True
        self._after_run(cols, V, C)
        return value

    def forward(self, *columns: Any) -> np.ndarray:
        """``f``'s output for every sample: shape (B,) for one output, (B, k) for k outputs. No gradients."""
        cols = self._prepare(columns, "forward")
        with one_blas_thread():
            V, C, _, _ = self._forward(cols)
        self._has_grads = False
        B = cols.shape[1]
        outs = [V[w] if lane else np.full(B, C[w]) for lane, w in self._the_plan.outputs]
        self._after_run(cols, V, C)
        result = np.array(outs).T
        return result[:, 0].copy() if len(outs) == 1 else result

    def _prepare(self, columns: Sequence[Any], method: str) -> np.ndarray:
        if len(columns) != self.n_inputs:
            raise ValueError(
                f"lanes: {method}() takes {self.n_inputs} column(s), one per input of f "
                f"({', '.join(self.names) or 'none'}), got {len(columns)}"
            )
        arrays = []
        for name, col in zip(self.names, columns):
            try:
                arr = np.asarray(col, dtype=float)
            except (TypeError, ValueError):
                what = type(col).__name__
                raise TypeError(f"lanes: the column for {name} is not an array of numbers ({what})") from None
            if arr.ndim != 1:
                raise ValueError(
                    f"lanes: the column for {name} must have shape (B,), one number per sample, got shape {arr.shape}"
                )
            arrays.append(arr)
        sizes = {a.shape[0] for a in arrays}
        if len(sizes) > 1:
            shown = ", ".join(f"{n}: {a.shape[0]}" for n, a in zip(self.names, arrays))
            raise ValueError(f"lanes: the columns must have one length (one entry per sample), got {shown}")
        if self.n_inputs == 0:
            raise ValueError("lanes: f takes no inputs, so there is no batch to run")
        B = arrays[0].shape[0]
        if B == 0:
            raise ValueError("lanes: the batch is empty (the columns have no entries)")
        cols = np.stack(arrays)
        if self._plan is None:
            self._record(cols[:, 0].tolist())
        return cols

    def _forward(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        plan = self._the_plan
        B = cols.shape[1]
        buffers = self._buffers.get(B)
        if buffers is None:
            if len(self._buffers) > 4:
                self._buffers.clear()
            buffers = self._buffers[B] = (np.empty((plan.rows, B)), np.empty(plan.slots),
                                          np.empty((plan.rows, B)), np.empty(plan.slots))
        V, C, GV, GC = buffers
        V[: plan.input_rows] = cols
        leaves = plan.leaves
        C[: len(leaves)] = [leaf.data for leaf in leaves]
        with np.errstate(all="ignore"):
            for group in plan.groups:
                try:
                    group.forward(V, C)
                except Exception:  # a user op's float forward raised on some lane: find it
                    self._explain(group, V, C, cols, raised=True)
                    raise
        if not (np.isfinite(V).all() and np.isfinite(C).all()):
            for group in plan.groups:
                self._explain(group, V, C, cols)
        self._last = buffers
        self.lanes = B
        return buffers

    def _explain(self, group: Group, V: np.ndarray, C: np.ndarray, cols: np.ndarray, raised: bool = False) -> None:
        """Where a group's output is not finite, run the op's float forward on that lane: if it raises
        (log of 0, exp overflow, …), raise its own error naming the lane. Otherwise the number stands, as
        it would in the scalar engine."""
        ins = group.inputs(V, C)
        if raised:
            bad = np.ones((len(group.nodes), cols.shape[1]), dtype=bool)
        else:
            bad = ~np.isfinite(group.output(V, C))
            for x in ins:
                bad &= np.isfinite(x)
        for node, lane in list(zip(*np.nonzero(bad)))[:1000]:
            args = group.lane_inputs(V, C, int(node), int(lane))
            if group.rule.has_param and group.param is not None:
                args.append(group.param)
            try:
                group.rule.forward(*args)
            except Exception as exc:
                message = f"{exc} (in lane {lane} of {cols.shape[1]}: the sample {self._inputs_text(cols[:, lane])})"
                try:
                    error = type(exc)(message)
                except Exception:
                    error = ValueError(message)
                raise error from None

    def _inputs_text(self, sample: Sequence[float] | np.ndarray) -> str:
        return ", ".join(f"{name}={float(x)!r}" for name, x in zip(self.names, sample))

    # ---- branches ---------------------------------------------------------------------------------
    def _after_run(self, cols: np.ndarray, V: np.ndarray, C: np.ndarray) -> None:
        """The branch checks: on the first run, telling lanes re-recorded and compared node by node;
        after that, every ``check_every`` runs, one random lane's outputs recomputed by the scalar engine
        (under no_grad, so it costs one sample's forward) and compared with the program's."""
        self.runs += 1
        B = cols.shape[1]
        if not self._checked_first:
            self._checked_first = True
            for lane in _telling_lanes(cols, self.first_checks, self._spot):
                compare(self._the_signature, self._recorded(cols[:, lane].tolist(), lane), lane)
            return
        if not self.check_every or self.runs % self.check_every:
            return
        lane = self._spot.randrange(B)
        sample = cols[:, lane].tolist()
        with no_grad():
            outs = record_outputs(self.f, [Value(x, name) for x, name in zip(sample, self.names)])
        for (is_lane, where), out in zip(self._the_plan.outputs, outs):
            mine = float(V[where, lane]) if is_lane else float(C[where])
            if not _close(mine, out.data):
                compare(self._the_signature, self._recorded(sample, lane), lane)  # names what differs, if it can
                raise LanesBranchError(
                    f"lanes: for lane {lane} ({self._inputs_text(sample)}) f gives {out.data!r} but the recorded "
                    f"graph gives {mine!r}: f computes something from a value's data (an if on v.data, "
                    "max(z.data ...), float(v)) that the graph recorded from another sample does not follow. "
                    "Write the branch as an op (v.relu() for max(v, 0), abs(v), a + (b - a).relu() for "
                    "max(a, b)), or train without lanes."
                )

    def verify(self, *columns: Any) -> None:
        """Record ``f`` on every sample and compare each graph with the program's (as slow as building
        the B scalar graphs). Raises :class:`LanesBranchError` at the first sample that differs."""
        cols = self._prepare(columns, "verify")
        for lane in range(cols.shape[1]):
            compare(self._the_signature, self._recorded(cols[:, lane].tolist(), lane), lane)

    # ---- one sample's graph -------------------------------------------------------------------------
    def sample(self, lane: int = 0) -> Value:
        """The recorded graph with the numbers of ``lane`` in the last run, returned as its output Value.

        Nodes that depend on the sample show that lane's data and gradient (0 after :meth:`forward`,
        which computes none); parameters (and nodes computed from parameters alone) show their own
        ``.data`` and the gradient summed over the lanes.
        """
        self._need_recording("sample()")
        if self._last is None:
            return self.root
        if isinstance(lane, bool) or not isinstance(lane, numbers.Integral) or not 0 <= lane < self.lanes:
            raise ValueError(f"lanes: lane must be a whole number in 0 … {self.lanes - 1}, got {lane!r}")
        V, C, GV, GC = self._last
        plan = self._the_plan
        for i, node in enumerate(self._the_signature.order):
            if i in plan.row_of:
                row = plan.row_of[i]
                node.data = float(V[row, lane])
                node.grad = float(GV[row, lane]) if self._has_grads else 0.0
            elif node.rule is not None:
                slot = plan.slot_of[i]
                node.data = float(C[slot])
                node.grad = float(GC[slot]) if self._has_grads else 0.0
        return self.root

    def caption(self, lane: int = 0) -> str:
        """One line for pictures: whose numbers they show."""
        if self._last is None:
            shown = self._inputs_text([v.data for v in self.inputs])
            return f"one sample's graph ({shown}), recorded to run a batch of samples at once"
        text = f"lane {lane} of {self.lanes}: this one sample's graph runs on all {self.lanes} samples at once"
        return text + ("; parameter gradients are summed over the lanes" if self._has_grads else "")

    def describe(self) -> str:
        """The plan as a table: one line per group of same-op nodes that runs as one numpy call."""
        self._need_recording("describe()")
        lines = [f"{'group':>5}  {'op':<10} {'nodes':>5}  runs as"]
        for k, group in enumerate(self._the_plan.groups, 1):
            if isinstance(group, MatmulGroup):
                how = f"one matrix product ({len(group.nodes)}×{group.weights.shape[1]} weights) @ (inputs × lanes)"
            elif group.lane:
                how = "one numpy call over (nodes × lanes)"
            else:
                how = "once per run: the same for every sample"
            lines.append(f"{k:>5}  {group.rule.name:<10} {len(group.nodes):>5}  {how}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        if self._plan is None:
            return f"<lanes program of {self.n_inputs} inputs, not recorded yet>"
        plan = self._the_plan
        nodes = len(self._the_signature.order)
        last = f"; last run {self.lanes} lanes" if self.lanes else ""
        return (f"<lanes program: {nodes} nodes in {len(plan.groups)} groups, {self.n_inputs} inputs, "
                f"{len(plan.leaves)} parameters{last}>")


def _close(a: float, b: float) -> bool:
    """Equal up to the rounding of a different summation order (matrix products sum in blocks)."""
    if a == b or (a != a and b != b):
        return True
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12


def _telling_lanes(cols: np.ndarray, count: int, rng: random.Random) -> list[int]:
    """Lanes likely to take another branch than lane 0: each input's smallest and largest sample and
    the last one, then random ones, ``count`` at most."""
    if count <= 0:
        return []
    B = cols.shape[1]
    picks: list[int] = []
    for col in cols:
        picks += [int(np.argmin(col)), int(np.argmax(col))]
    picks.append(B - 1)
    picks += [rng.randrange(B) for _ in range(count)]
    seen: list[int] = []
    for lane in picks:
        if lane not in seen and lane != 0:
            seen.append(lane)
    return seen[:count]
