"""The plan: one sample's graph turned into numpy calls that run every sample (lane) at once.

Storage. Every node that depends on the sample gets a *row* of the value matrix ``V`` (shape
``rows × lanes``): the inputs first, then the computed nodes. Every node that is the same for all
samples (parameters, constants, and what is computed from them alone, such as an L2 penalty) gets a
*slot* of the vector ``C``, computed once per run. Gradients live in ``GV`` and ``GC`` of the same
shapes; a slot's gradient is summed over the lanes, as the scalar engine sums every sample's
contribution into a parameter's ``.grad``.

Grouping. Nodes with the same op at the same depth (1 + the depth of their deepest input) do not
depend on each other, so each such set is one :class:`Group` and runs as one numpy call over a
``(nodes × lanes)`` block: the 16 relus of a layer are one ``where``, and the 16 weighted sums of a
layer, which read the same inputs, are one matrix product (:class:`MatmulGroup`). That is what a
tensor library's layer is: this grouping, written by hand.

Rules. Forward values come from :func:`autograd.ops.array_forward`, local derivatives from each op's
own rule evaluated with :data:`autograd.ops.ARRAY_MATH`: the same rule ``backward()`` evaluates on
floats, here on arrays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ops import ARRAY_MATH, DOT, SUM, VARIADIC, Op, array_forward
from ..value import Value

__all__ = ["Plan", "Ref", "Group"]


@dataclass
class Ref:
    """Where one input position of a group reads from: rows of V (``lane``) or slots of C."""

    lane: bool
    index: Any  # a slice when the rows are consecutive (a view, no copy), else an int array
    unique: bool  # no row repeats, so ``+=`` through fancy indexing adds every contribution
    needs_grad: bool

    def gather(self, V: np.ndarray, C: np.ndarray) -> np.ndarray:
        if self.lane:
            return V[self.index]
        return C[self.index][:, None]

    def scatter(self, contrib: Any, GV: np.ndarray, GC: np.ndarray) -> None:
        if not self.needs_grad:
            return
        if self.lane:
            if self.unique:
                GV[self.index] += contrib
            else:
                np.add.at(GV, self.index, np.broadcast_to(contrib, GV[self.index].shape))
            return
        contrib = np.asarray(contrib)
        vals = contrib.sum(axis=1) if contrib.ndim == 2 else np.full(_length(self.index), float(contrib))
        if self.unique:
            GC[self.index] += vals
        else:
            np.add.at(GC, self.index, vals)


def _length(index: Any) -> int:
    return index.stop - index.start if isinstance(index, slice) else len(index)


def _ref(lane: bool, positions: Sequence[int], needs_grad: bool) -> Ref:
    rows = np.asarray(positions, dtype=np.intp)
    unique = len(set(positions)) == len(positions)
    if len(rows) and unique and np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
        return Ref(lane, slice(int(rows[0]), int(rows[0]) + len(rows)), True, needs_grad)
    return Ref(lane, rows, unique, needs_grad)


class Block:
    """All input positions of a variadic group at once: a ``(nodes × positions × lanes)`` gather.

    Positions that read rows of V and positions that read slots of C are gathered with one fancy
    index each; a position reads the same kind for every node of the group (the grouping key says so).
    """

    def __init__(self, lane_pos: list[int], lane_idx: np.ndarray, const_pos: list[int], const_idx: np.ndarray,
                 width: int, any_lane: bool, needs_grad: list[bool]) -> None:
        self.lane_pos, self.lane_idx, self.const_pos, self.const_idx = lane_pos, lane_idx, const_pos, const_idx
        self.width, self.any_lane = width, any_lane
        self.lane_unique = len(np.unique(lane_idx)) == lane_idx.size
        self.const_unique = len(np.unique(const_idx)) == const_idx.size
        self.lane_grad = any(needs_grad[p] for p in lane_pos)
        self.const_grad = any(needs_grad[p] for p in const_pos)

    def gather(self, V: np.ndarray, C: np.ndarray) -> np.ndarray:
        k = self.lane_idx.shape[0] if self.lane_pos else self.const_idx.shape[0]
        if not self.const_pos:
            return V[self.lane_idx]
        if not self.lane_pos:
            return C[self.const_idx][:, :, None]
        out = np.empty((k, self.width, V.shape[1]))
        out[:, self.lane_pos, :] = V[self.lane_idx]
        out[:, self.const_pos, :] = C[self.const_idx][:, :, None]
        return out

    def scatter(self, contrib: np.ndarray, GV: np.ndarray, GC: np.ndarray) -> None:
        """``contrib`` has shape (nodes, positions, lanes or 1)."""
        if self.lane_pos and self.lane_grad:
            part = contrib if not self.const_pos else contrib[:, self.lane_pos, :]
            part = np.broadcast_to(part, self.lane_idx.shape + (GV.shape[1],))
            if self.lane_unique:
                GV[self.lane_idx] += part
            else:
                np.add.at(GV, self.lane_idx, part)
        if self.const_pos and self.const_grad:
            part = contrib if not self.lane_pos else contrib[:, self.const_pos, :]
            sums = part.sum(axis=2)
            if self.const_unique:
                GC[self.const_idx] += sums
            else:
                GC += np.bincount(self.const_idx.ravel(), sums.ravel(), minlength=GC.shape[0])


class Group:
    """Nodes with one op at one depth, run as one numpy call per input position."""

    def __init__(self, rule: Op, param: float | None, lane: bool, out: slice, refs: list[Ref],
                 nodes: list[int], needs_grad: bool, block: Block | None = None) -> None:
        self.rule, self.param, self.lane, self.out, self.refs = rule, param, lane, out, refs
        self.nodes, self.needs_grad, self.block = nodes, needs_grad, block
        # None for n-ary rules, which run through their block instead (see forward)
        self.forward_fn: Any = None if rule.arity == VARIADIC else array_forward(rule)

    def inputs(self, V: np.ndarray, C: np.ndarray) -> list[np.ndarray]:
        if self.block is not None:
            full = self.block.gather(V, C)
            return [full[:, j, :] for j in range(full.shape[1])]
        return [r.gather(V, C) for r in self.refs]

    def output(self, V: np.ndarray, C: np.ndarray) -> np.ndarray:
        return V[self.out] if self.lane else C[self.out][:, None]

    def forward(self, V: np.ndarray, C: np.ndarray) -> None:
        if self.block is not None:  # sum and dot: one gather of every position
            full = self.block.gather(V, C)
            if self.rule is DOT:
                n = full.shape[1] // 2
                total = np.einsum("knb,knb->kb", full[:, :n], full[:, n : 2 * n])
                if full.shape[1] % 2:
                    total = total + full[:, 2 * n]
            else:
                total = full.sum(axis=1)
        else:
            ins = [r.gather(V, C) for r in self.refs]
            if self.rule.has_param:
                total = self.forward_fn(ins[0], self.param)
            else:
                total = self.forward_fn(*ins)
        self._store(np.asarray(total, dtype=float), V, C)

    def _store(self, total: np.ndarray, V: np.ndarray, C: np.ndarray) -> None:
        if self.lane:
            V[self.out] = total
        else:
            C[self.out] = total.reshape(-1) if total.size == _length(self.out) else total[:, 0]

    def backward(self, V: np.ndarray, C: np.ndarray, GV: np.ndarray, GC: np.ndarray) -> None:
        if not self.needs_grad:
            return
        G = GV[self.out] if self.lane else GC[self.out][:, None]
        if self.block is not None:
            self._backward_block(V, C, G, GV, GC)
            return
        ins = [r.gather(V, C) for r in self.refs]
        out = self.output(V, C)
        if self.rule.has_param:
            locals_ = self.rule.local(ARRAY_MATH, out, *ins, self.param)
        else:
            locals_ = self.rule.local(ARRAY_MATH, out, *ins)
        for ref, local in zip(self.refs, locals_):
            if not ref.needs_grad:
                continue
            if isinstance(local, float) and local == 1.0:
                contrib = G
            elif isinstance(local, float) and local == -1.0:
                contrib = -G
            else:
                contrib = local * G
            ref.scatter(contrib, GV, GC)

    def _backward_block(self, V: np.ndarray, C: np.ndarray, G: np.ndarray, GV: np.ndarray, GC: np.ndarray) -> None:
        """Every position's contribution at once, shape (nodes, positions, lanes)."""
        assert self.block is not None  # only n-ary groups, which all have a block, come here
        full = self.block.gather(V, C)
        g = G[:, None, :]
        width = full.shape[1]
        if self.rule is SUM:  # its rule: every local derivative is 1 (checked against the rule by the tests)
            contrib = np.broadcast_to(g, full.shape[:2] + (G.shape[1],))
        elif self.rule is DOT:  # its rule: ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1 (likewise checked)
            n = width // 2
            contrib = np.empty(full.shape[:2] + (max(full.shape[2], G.shape[1]),))
            np.multiply(full[:, n : 2 * n], g, out=contrib[:, :n])
            np.multiply(full[:, :n], g, out=contrib[:, n : 2 * n])
            if width % 2:
                contrib[:, 2 * n] = G
        else:  # any other n-ary rule: evaluated position by position
            locals_ = self.rule.local(ARRAY_MATH, self.output(V, C), *(full[:, j, :] for j in range(width)))
            contrib = np.stack([np.broadcast_to(np.asarray(loc, dtype=float) * G, G.shape) for loc in locals_], axis=1)
        self.block.scatter(contrib, GV, GC)

    def lane_inputs(self, V: np.ndarray, C: np.ndarray, node: int, lane: int) -> list[float]:
        """The input numbers of the group's ``node``-th node in one lane (for error messages)."""
        return [float(x[node, lane if x.shape[1] > 1 else 0]) for x in self.inputs(V, C)]


class MatmulGroup(Group):
    """The weighted sums of one layer: every node ``dot(w, x, b)`` with its own constant weights and the
    same lane inputs ``x``, as one matrix product ``W @ X + b`` (and ``Gᵀ``-products backward)."""

    def __init__(self, weights: np.ndarray, shared: Ref, bias: Ref | None, weights_need_grad: bool,
                 **kw: Any) -> None:
        super().__init__(**kw)
        self.weights, self.shared, self.bias, self.weights_need_grad = weights, shared, bias, weights_need_grad
        self.weights_unique = len(np.unique(weights)) == weights.size

    def forward(self, V: np.ndarray, C: np.ndarray) -> None:
        out = V[self.out]
        np.matmul(C[self.weights], V[self.shared.index], out=out)
        if self.bias is not None:
            out += C[self.bias.index][:, None]

    def backward(self, V: np.ndarray, C: np.ndarray, GV: np.ndarray, GC: np.ndarray) -> None:
        if not self.needs_grad:
            return
        G = GV[self.out]
        X = V[self.shared.index]
        if self.weights_need_grad:
            gw = G @ X.T
            if self.weights_unique:
                GC[self.weights] += gw
            else:
                np.add.at(GC, self.weights, gw)
        if self.shared.needs_grad:
            self.shared.scatter(C[self.weights].T @ G, GV, GC)
        if self.bias is not None:
            self.bias.scatter(G, GV, GC)


class Plan:
    """The graph ``order`` (a forward order) compiled into groups; see the module docstring."""

    def __init__(self, order: list[Value], inputs: Sequence[Value], outputs: Sequence[Value]) -> None:
        index = {id(node): i for i, node in enumerate(order)}
        input_of = {id(v): k for k, v in enumerate(inputs)}
        n = len(order)
        lane = [False] * n
        depth = [0] * n
        needs_grad = [False] * n
        self.leaves: list[Value] = []
        self.slot_of: dict[int, int] = {}  # position → slot in C
        self.row_of: dict[int, int] = {}  # position → row in V
        parents_of: list[tuple[int, ...]] = []
        for i, node in enumerate(order):
            parents = tuple(index[id(p)] for p in node.parents)
            parents_of.append(parents)
            if node.rule is None:
                k = input_of.get(id(node))
                if k is not None:
                    lane[i] = True
                    needs_grad[i] = True  # as backward() gives an input's Value a gradient (pictures show it)
                    self.row_of[i] = k
                else:
                    needs_grad[i] = True  # a leaf: backward() accumulates into it
                    self.slot_of[i] = len(self.leaves)
                    self.leaves.append(node)
                continue
            lane[i] = any(lane[p] for p in parents)
            depth[i] = 1 + max(depth[p] for p in parents)
            needs_grad[i] = any(needs_grad[p] for p in parents)

        buckets: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i, node in enumerate(order):
            if node.rule is None:
                continue
            parents = parents_of[i]
            pattern = tuple(lane[p] for p in parents)
            buckets[(depth[i], lane[i], id(node.rule), node.param, pattern)].append(i)
        keys = sorted(buckets, key=lambda k: (k[0], buckets[k][0]))

        rows, slots = len(inputs), len(self.leaves)
        self.groups: list[Group] = []
        for key in keys:
            members = buckets[key]
            is_lane = key[1]
            start = rows if is_lane else slots
            for j, i in enumerate(members):
                (self.row_of if is_lane else self.slot_of)[i] = start + j
            if is_lane:
                rows += len(members)
            else:
                slots += len(members)
            self.groups.append(self._group(order[members[0]], members, is_lane, slice(start, start + len(members)),
                                           parents_of, lane, needs_grad))
        self.rows, self.slots = rows, slots
        self.outputs = [self._where(index[id(o)], lane) for o in outputs]
        self.input_rows = len(inputs)

    def _where(self, i: int, lane: list[bool]) -> tuple[bool, int]:
        return (True, self.row_of[i]) if lane[i] else (False, self.slot_of[i])

    def _group(self, first: Value, members: list[int], is_lane: bool, out: slice, parents_of: list[tuple[int, ...]],
               lane: list[bool], needs_grad: list[bool]) -> Group:
        width = len(parents_of[members[0]])
        refs = []
        for pos in range(width):
            column = [parents_of[i][pos] for i in members]
            where = [self.row_of[p] if lane[p] else self.slot_of[p] for p in column]
            refs.append(_ref(lane[column[0]], where, any(needs_grad[p] for p in column)))
        rule = first.rule
        assert rule is not None  # only computed nodes are grouped; leaves are the plan's inputs
        common: dict[str, Any] = dict(rule=rule, param=first.param, lane=is_lane, out=out, refs=refs, nodes=members,
                      needs_grad=any(needs_grad[i] for i in members))
        if rule.arity == VARIADIC:
            common["block"] = self._block(members, parents_of, lane, needs_grad)
        if rule is DOT and is_lane:
            matmul = self._matmul(members, refs, parents_of, lane, needs_grad, common)
            if matmul is not None:
                return matmul
        return Group(**common)

    def _block(self, members: list[int], parents_of: list[tuple[int, ...]], lane: list[bool],
               needs_grad: list[bool]) -> Block:
        width = len(parents_of[members[0]])
        kinds = [lane[p] for p in parents_of[members[0]]]
        lane_pos = [j for j in range(width) if kinds[j]]
        const_pos = [j for j in range(width) if not kinds[j]]
        lane_idx = np.array([[self.row_of[parents_of[i][j]] for j in lane_pos] for i in members], dtype=np.intp)
        const_idx = np.array([[self.slot_of[parents_of[i][j]] for j in const_pos] for i in members], dtype=np.intp)
        flags = [any(needs_grad[parents_of[i][j]] for i in members) for j in range(width)]
        return Block(lane_pos, lane_idx.reshape(len(members), len(lane_pos)), const_pos,
                     const_idx.reshape(len(members), len(const_pos)), width, bool(lane_pos), flags)

    def _matmul(self, members: list[int], refs: list[Ref], parents_of: list[tuple[int, ...]], lane: list[bool],
                needs_grad: list[bool], common: dict[str, Any]) -> Group | None:
        """A :class:`MatmulGroup` if one side of every pair is constant and the other side is the same
        lane inputs for every node (a layer); None otherwise (the generic group handles it)."""
        width = len(refs)
        n = width // 2
        has_bias = width % 2 == 1
        first = parents_of[members[0]]
        for const_side, lane_side in ((0, n), (n, 0)):
            if any(refs[const_side + k].lane or not refs[lane_side + k].lane for k in range(n)):
                continue
            if has_bias and refs[width - 1].lane:
                continue
            shared = first[lane_side : lane_side + n]
            if any(parents_of[i][lane_side : lane_side + n] != shared for i in members):
                continue
            weights = np.array([[self.slot_of[p] for p in parents_of[i][const_side : const_side + n]]
                                for i in members], dtype=np.intp)
            shared_ref = _ref(True, [self.row_of[p] for p in shared], any(needs_grad[p] for p in shared))
            return MatmulGroup(
                weights=weights,
                shared=shared_ref,
                bias=refs[width - 1] if has_bias else None,
                weights_need_grad=any(needs_grad[p] for i in members for p in parents_of[i][const_side:const_side + n]),
                **common,
            )
        return None
