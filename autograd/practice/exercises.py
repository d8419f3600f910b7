"""Exercises: a small graph, one question per node in the order backprop visits it, marked at once.

Which nodes are asked about: every node the output depends on, in backprop order, except

* the output itself — its gradient is always ∂L/∂L = 1, the seed backprop starts from (the
  exercise says so up front instead of asking);
* constants, i.e. unlabeled leaves such as the 2 in ``2*x``: nobody differentiates by a number.

Every asked node needs a name. An :class:`Exercise` gives unlabeled op nodes the labels ``n1, n2, …``
(in forward order, as the expression parser does) and an unlabeled output the label ``out``, by
setting ``.label`` on those nodes only, so that questions, pictures and the learner use the same
names. Labels that are already set are never changed. (Only an Exercise does this: ``mark_gradients``,
``quiz_questions`` and ``save_backprop_html(quiz=True)`` use the same names without setting them.)

How exact an answer must be follows :mod:`.tolerance`: exact for a graph whose values and gradients are
all small multiples of 0.5, else 4 significant digits, unless ``rtol``/``atol`` are given.

A learner gets :data:`MAX_TRIES` tries per question: a wrong answer names the mistake and gives a hint
with this graph's numbers (:attr:`Feedback.hint`, never the right number); after the last miss, or on
:meth:`Exercise.reveal`, the answer is shown. The score tells apart right first time, right after
retries, revealed, and skipped (never finished).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..expr import Expression, parse_assignments, parse_expression, parse_number
from ..value import Value
from .diagnose import (
    GraphFacts,
    analyse,
    display_names,
    fmt,
    forward_order,
    is_ambiguous,
    right_text,
    shown_digits,
)
from .report import GradReport, mark, mark_gradients
from .tolerance import EXACT, Tolerance, precision_text, resolve_tolerance, significant_digits

__all__ = [
    "MAX_TRIES", "Question", "Feedback", "Score", "Exercise", "make_exercise", "label_graph", "askable",
    "graph_numbers", "unambiguous", "LEVELS",
]

#: What each level of :func:`make_exercise` practises.
LEVELS: dict[int, str] = {
    1: "+ and *: the chain rule, one path at a time",
    2: "+ - * / and **2, an input used twice: gradients add up over paths",
    3: "a tanh neuron or an exp/log step, answers to 4 decimals",
}

DEFAULT_RTOL, DEFAULT_ATOL = EXACT  # hand-computable graphs; others default to tolerance.ROUNDED
# Level 3 answers are typed to 4 decimals, often from upstream values that were rounded too.
ROUNDED_RTOL, ROUNDED_ATOL = 1e-3, 1e-3


@dataclass(frozen=True)
class Question:
    """One question: the node's name and the prompt, e.g. ``∂L/∂b = ?``."""

    index: int
    label: str
    prompt: str
    node: Value = field(repr=False, compare=False)


#: Tries per question: after this many wrong answers the answer is shown.
MAX_TRIES = 3


@dataclass(frozen=True)
class Feedback:
    """The mark for one answer.

    ``explanation`` shows the right working and result (as :func:`~autograd.practice.mark_gradients`); ``hint`` is for a
    learner about to try again: for a wrong answer, the mistake(s) named with this graph's numbers but
    not the right one. ``mistakes`` lists every classic mistake that gives the answer (several: it is
    ambiguous), ``mistake`` the first. ``tries`` counts the answers given to this question so far;
    ``revealed`` is True when this answer used the last try, so the answer is now shown.
    """

    correct: bool
    expected: float
    mistake: str | None
    explanation: str
    answer: float
    label: str
    mistakes: tuple[str, ...] = ()
    hint: str = ""
    tries: int = 1
    revealed: bool = False


class Score(NamedTuple):
    """right: right first time; answered: questions answered (or revealed); total: questions;
    retried: right after one or more wrong tries; revealed: answer shown (asked for, or after
    :data:`MAX_TRIES` misses). The rest are :attr:`skipped`."""

    right: int
    answered: int
    total: int
    retried: int = 0
    revealed: int = 0

    @property
    def skipped(self) -> int:
        """Questions left without a right answer or a revealed one."""
        return self.total - self.right - self.retried - self.revealed

    def __str__(self) -> str:
        if self.right == self.total:
            return f"{self.right} of {self.total} right first time"
        parts = [f"{self.right} of {self.total} right first time", f"{self.retried} after retries",
                 f"{self.revealed} revealed", f"{self.skipped} skipped"]
        return ", ".join(parts)


class Exercise:
    """Backprop by hand on one graph: ``questions``, ``answer(i, value)``, ``hint(i)``, ``score``.

    The questions are the nodes in the order backprop visits them, without the output (its gradient
    is the seed ∂L/∂L = 1) and without constants; unlabeled op nodes are labelled ``n1, n2, …`` (see
    the module docstring). Each question has :data:`MAX_TRIES` tries; ``score`` tells apart right
    first time, right after retries, revealed and skipped.

    ``rtol``/``atol`` (``math.isclose``) default to the rule of :mod:`autograd.practice.tolerance`:
    exact when every value and gradient is a small multiple of 0.5, else 4 significant digits
    (rtol=1e-3, atol=5e-5). Numbers are shown with at least the digits the tolerance asks for.

    >>> from autograd.examples import lecture_graph
    >>> ex = Exercise(lecture_graph().L)
    >>> [q.prompt for q in ex.questions][:2]
    ['∂L/∂d = ?', '∂L/∂f = ?']
    >>> ex.answer(0, -2.0).correct
    True
    """

    def __init__(
        self,
        root: Value,
        *,
        rtol: float | None = None,
        atol: float | None = None,
        text: str | None = None,
        level: int | None = None,
        seed: int | None = None,
        decimals: int | None = None,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Exercise takes the output Value of a graph, got {type(root).__name__}")
        label_graph(root)
        self.root = root
        self.facts: GraphFacts = analyse(root)
        self.rtol, self.atol = resolve_tolerance(rtol, atol, graph_numbers(self.facts))
        self.text = text
        self.level, self.seed, self.decimals = level, seed, decimals
        nodes = askable(self.facts)
        if not nodes:
            raise ValueError(
                "nothing to practise: no node of this graph can be asked about (the output itself is "
                "always ∂L/∂L = 1, and unlabeled leaves count as constants); build the output from "
                "labelled inputs, e.g. Value(2.0, 'a') * Value(-3.0, 'b')"
            )
        self.questions: tuple[Question, ...] = tuple(
            Question(i, self.facts.names[node], prompt(self.facts, node), node)
            for i, node in enumerate(nodes)
        )
        self._first: dict[int, Feedback] = {}
        self._tries: dict[int, int] = {}  # answers given per question
        self._right: set[int] = set()  # answered right (first time or after retries)
        self._revealed: set[int] = set()  # answer shown before it was answered right

    @classmethod
    def from_expression(
        cls, expr: str, at: Mapping[str, float] | str | None = None, **options: Any
    ) -> Exercise:
        """An exercise on an expression typed as on the command line, e.g.
        ``Exercise.from_expression("(a*b + c)*f", at={"a": 2, "b": -3, "c": 10, "f": -2})``.

        ``at`` may also be text as for ``--at``: ``"a=2,b=-3,c=10,f=-2"``. The expression goes through
        the safe parser (:func:`autograd.expr.parse_expression`); a bad one raises
        :class:`~autograd.expr.ExpressionError` (a ValueError).
        """
        parsed = parse_expression(expr)
        values = parse_assignments(at) if isinstance(at, str) else dict(at or {})
        root, _ = parsed.build(values)  # its output is "out", as in every command that takes an expression
        options.setdefault("text", parsed.text)
        return cls(root, **options)

    # ---- asking and marking -----------------------------------------------------------------------
    @property
    def tolerance(self) -> Tolerance:
        """(rtol, atol) that answers are marked with."""
        return Tolerance(self.rtol, self.atol)

    @property
    def digits(self) -> int:
        """Significant digits the numbers are shown with: 6, or more when the tolerance asks for more."""
        return max(6, significant_digits(self.rtol))

    def precision_text(self) -> str:
        """What the marking asks for, in words (see :func:`autograd.practice.tolerance.precision_text`)."""
        if self.decimals is not None:
            return (f"Answers to {self.decimals} decimals are fine (marked right within "
                    f"{self.atol:g}, or {self.rtol * 100:g}% of the right value).")
        if self.tolerance == EXACT:
            return "Give exact answers."
        return precision_text(self.tolerance)

    def answer(self, i: int, value: Any) -> Feedback:
        """Mark ``value`` as the answer to question ``i`` (a number, or text such as ``"-3/2"``).

        The :data:`MAX_TRIES`-th wrong answer reveals the answer (``Feedback.revealed``). Answering a
        question that is finished (right or revealed) marks the answer but changes no score.
        """
        question = self._question(i)
        number = _as_number(value)
        with shown_digits(self.digits):
            row = mark(self.facts, question.node, number, self.rtol, self.atol)
        k = question.index
        finished = k in self._right or k in self._revealed
        tries = self._tries.get(k, 0) + (not finished)
        revealed = not finished and not row.correct and tries >= MAX_TRIES
        if not finished:
            self._tries[k] = tries
            if row.correct:
                self._right.add(k)
            elif revealed:
                self._revealed.add(k)
        feedback = Feedback(row.correct, row.expected, row.mistake, row.explanation, number, question.label,
                            row.mistakes, row.retry_hint, max(tries, 1), revealed)
        self._first.setdefault(k, feedback)
        return feedback

    def reveal(self, i: int) -> str:
        """Show the answer to question ``i`` (it then counts as revealed, unless already answered
        right): its working and result, e.g. ``∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = -2.0 × 2.0 = -4.0 (…)``."""
        question = self._question(i)
        if question.index not in self._right:
            self._revealed.add(question.index)
        with shown_digits(self.digits):
            return right_text(self.facts, question.node).removeprefix("Right: ")

    def tries_left(self, i: int) -> int:
        """How many more answers question ``i`` takes before its answer is shown (0 when finished)."""
        k = self._question(i).index
        if k in self._right or k in self._revealed:
            return 0
        return MAX_TRIES - self._tries.get(k, 0)

    def hint(self, i: int) -> str:
        """The chain rule for question ``i`` in symbols (no numbers), e.g.
        ``∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = ∂L/∂e · a   (where e = a·b)``."""
        return self.facts.hint(self._question(i).node)

    def expected(self, i: int) -> float:
        """The right answer to question ``i``."""
        return self.facts.grads[self._question(i).node]

    @property
    def score(self) -> Score:
        first = {k for k, feedback in self._first.items() if feedback.correct}
        answered = set(self._first) | self._revealed
        return Score(len(first), len(answered), len(self.questions), len(self._right - first),
                     len(self._revealed - self._right))

    def check(self, answers: Mapping[Any, Any]) -> GradReport:
        """Mark many answers at once, as :func:`~autograd.practice.mark_gradients` with this tolerance."""
        return mark_gradients(self.root, answers, self.rtol, self.atol)

    # ---- what the learner sees first ------------------------------------------------------------
    @property
    def title(self) -> str:
        """``L = (a*b + c)*f``: the expression as typed, or the output's formula for a built graph."""
        name = self.facts.names[self.root]
        return f"{name} = {self.text}" if self.text else self.facts.formula(self.root)

    def inputs_text(self) -> str:
        """``a=2, b=-3``: the values of the labelled inputs, as given (up to 12 significant digits)."""
        leaves = [n for n in forward_order(self.root) if n.is_leaf and n.label]
        with shown_digits(12):
            return ", ".join(f"{self.facts.names[n]}={fmt(n.data, short=True)}" for n in leaves)

    def forward_table(self) -> str:
        """The forward pass as a compact table: each node, how it is computed, and its value (constants
        too, under their stand-in names ``x1, x2, …``, so every name in a formula has a row)."""
        rows = []
        with shown_digits(self.digits):
            for node in forward_order(self.root):
                if node.is_leaf:
                    formula = "(input)" if node.label else "(constant)"
                else:
                    formula = self.facts.formula(node).partition(" = ")[2]
                rows.append((self.facts.names[node], formula, fmt(node.data)))
        w_name = max(len("node"), *(len(r[0]) for r in rows))
        w_formula = max(len("computed as"), *(len(r[1]) for r in rows))
        w_value = max(len("value"), *(len(r[2]) for r in rows))
        lines = [f"{'node':<{w_name}}  {'computed as':<{w_formula}}  {'value':>{w_value}}"]
        lines += [f"{n:<{w_name}}  {f:<{w_formula}}  {v:>{w_value}}" for n, f, v in rows]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Exercise {self.title!r}: {len(self.questions)} questions, score {self.score}>"

    def _question(self, i: int) -> Question:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"the question number must be an int, got {type(i).__name__}")
        if not 0 <= i < len(self.questions):
            raise IndexError(f"no question {i}; this exercise has questions 0 … {len(self.questions) - 1}")
        return self.questions[i]


def prompt(facts: GraphFacts, node: Value) -> str:
    return f"{facts.d(node)} = ?"


def askable(facts: GraphFacts) -> list[Value]:
    """The nodes an exercise asks about, in backprop order: not the output, not constants."""
    return [n for n in facts.order if n is not facts.root and not (n.is_leaf and not n.label)]


def graph_numbers(facts: GraphFacts) -> list[float]:
    """Every value and every gradient of the graph: what the default tolerance is decided on."""
    return [node.data for node in facts.order] + list(facts.grads.values())


def label_graph(root: Value) -> None:
    """Name the unlabeled op nodes ``n1, n2, …`` and an unlabeled output ``out``, as the graph's view
    names them (labels set stay)."""
    for node, name in display_names(root).items():
        if not node.label and not node.is_leaf:
            node.label = name


def _as_number(value: Any) -> float:
    if isinstance(value, Value):
        return value.data
    if isinstance(value, str):
        return parse_number(value)  # the same reading of "-3/2" as the command line
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"an answer must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"an answer must be a finite number, got {number}")
    return number


# ---- random exercises ---------------------------------------------------------------------------------
def make_exercise(
    level: int = 1, seed: int | None = None, *, rtol: float | None = None, atol: float | None = None
) -> Exercise:
    """A random exercise; the same ``level`` and ``seed`` always give the same one.

    Level 1: ``+`` and ``*``, 3–6 nodes. Level 2: adds ``-``, ``/`` and ``**2``, and always uses one
    input twice. At levels 1–2 every value and every gradient is a multiple of 0.5 (small integers or
    halves), so everything can be worked out in one's head. Level 3: a tanh neuron, or an exp/log
    step; answers to 4 decimals are accepted within 0.001. ``rtol``/``atol`` replace the level's
    tolerance.
    """
    if isinstance(level, bool) or level not in LEVELS:
        raise ValueError(
            f"level must be 1, 2 or 3, got {level!r} ({'; '.join(f'{k}: {v}' for k, v in LEVELS.items())})"
        )
    if seed is None:
        seed = random.randrange(1, 1_000_000)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    rng = random.Random(f"gradstep-practice-{level}-{seed}")
    make = _level3 if level == 3 else _level12
    for _ in range(10_000):
        found = make(rng, level)
        if found is not None:
            text, values = found
            options: dict[str, Any] = {"level": level, "seed": seed}
            if level == 3:
                options.update(rtol=ROUNDED_RTOL, atol=ROUNDED_ATOL, decimals=4)
            if rtol is not None or atol is not None:
                options.update(rtol=rtol, atol=atol, decimals=None)
            return Exercise.from_expression(text, at=values, **options)
    raise RuntimeError(
        f"no level-{level} exercise found for seed {seed}; try another seed"
    )  # pragma: no cover


_VARS = ("a", "b", "c", "d")
_SMALL = (-3, -2, -1, 1, 2, 3, 4, -0.5, 0.5, 1.5, -1.5)
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


def _level12(rng: random.Random, level: int) -> tuple[str, dict[str, float]] | None:
    """One random try: an expression and values, or None when it is not a good exercise."""
    ops: tuple[str, ...]
    if level == 1:
        ops, n_ops, reuse = ("+", "*"), rng.choice((1, 2, 2, 2, 2)), False
    else:
        ops, n_ops, reuse = ("+", "*", "+", "*", "-", "/", "**2"), rng.choice((2, 3, 3, 4)), True
    tree, names = _grow(rng, ops, n_ops, reuse)
    if _trivial(tree) or (level == 2 and (len(names) < 2 or max(_uses(tree).values()) > 2)):
        return None
    tree, names = _rename(tree)
    text = _show(tree)[0]
    if not _good_shape(text, names, level):
        return None
    pool = _SMALL if level == 2 else tuple(v for v in _SMALL if abs(v) != 1)  # ×1 hides the chain rule
    parsed = parse_expression(text)
    for _ in range(_VALUE_TRIES):
        values = {name: float(rng.choice(pool)) for name in names}
        if _good(parsed, values, level):
            return text, values
    return None


# Values tried per expression shape before a new shape is drawn.
_VALUE_TRIES = 40
# Inputs with no special relation to each other (no 0, ±1, equal sizes), to see an expression's shape.
_GENERIC = (1.3719, -0.7763, 2.2391, -1.6127)


def _good_shape(text: str, names: list[str], level: int) -> bool:
    """The level's shape (size, ops, an input used twice at level 2), and no ambiguity from the shape
    alone: e.g. a node used twice with one use being ``… + x`` (that path gives the upstream gradient,
    its local derivative being 1), or ``x*x`` (whose local derivative is x's own value)."""
    try:
        root, _ = parse_expression(text).build(dict(zip(names, _GENERIC)))
    except ValueError:
        return False
    facts = analyse(root)
    nodes = facts.order
    shared = any(len(facts.uses.get(n, [])) >= 2 for n in nodes)
    if level == 1 and not (3 <= len(nodes) <= 6 and not shared and any(n.op == "*" for n in nodes)):
        return False
    ops = {n.op for n in nodes}
    if level == 2 and not (
        4 <= len(nodes) <= 9 and shared and ops & {"-", "/", "**"} and ops & {"*", "/", "**"}
    ):
        return False
    return unambiguous(facts, EXACT)


def _grow(rng: random.Random, ops: tuple[str, ...], n_ops: int, reuse: bool) -> tuple[tuple, list[str]]:
    names: list[str] = []

    def leaf(allow_reuse: bool) -> tuple:
        if names and (len(names) == len(_VARS) or (allow_reuse and rng.random() < 0.5)):
            return ("var", rng.choice(names))
        names.append(_VARS[len(names)])
        return ("var", names[-1])

    tree = leaf(False)
    for _ in range(n_ops):
        op = rng.choice(ops)
        if op == "**2":
            tree = ("sq", tree)
        elif op == "/":
            tree = ("bin", "/", tree, leaf(reuse))  # divide by an input only: small, known divisors
        else:
            other = leaf(reuse)
            tree = ("bin", op, tree, other) if rng.random() < 0.5 else ("bin", op, other, tree)
    return tree, names


def _leaves(tree: tuple) -> list[str]:
    """The variable names as they read from left to right."""
    if tree[0] == "var":
        return [tree[1]]
    if tree[0] == "sq":
        return _leaves(tree[1])
    return _leaves(tree[2]) + _leaves(tree[3])


def _uses(tree: tuple) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in _leaves(tree):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _rename(tree: tuple) -> tuple[tuple, list[str]]:
    """Rename the variables a, b, c, … in reading order, so "c + b*a" reads "a + b*c"."""
    mapping: dict[str, str] = {}
    for name in _leaves(tree):
        if name not in mapping:
            mapping[name] = _VARS[len(mapping)]

    def walk(t: tuple) -> tuple:
        if t[0] == "var":
            return ("var", mapping[t[1]])
        if t[0] == "sq":
            return ("sq", walk(t[1]))
        return ("bin", t[1], walk(t[2]), walk(t[3]))

    return walk(tree), list(mapping.values())


def _trivial(tree: tuple) -> bool:
    """True for a part that is a constant in disguise (x - x, x / x)."""
    if tree[0] == "var":
        return False
    if tree[0] == "sq":
        return _trivial(tree[1])
    _, op, left, right = tree
    if op in "-/" and left == right:
        return True
    return _trivial(left) or _trivial(right)


def _show(tree: tuple) -> tuple[str, int]:
    """Expression text with only the parentheses Python needs, and the precedence of its top op."""
    if tree[0] == "var":
        return tree[1], 4
    if tree[0] == "sq":
        inner, prec = _show(tree[1])
        return (f"({inner})" if prec < 4 else inner) + "**2", 3
    _, op, left, right = tree
    (lt, lp), (rt, rp) = _show(left), _show(right)
    prec = _PREC[op]
    if lp < prec:
        lt = f"({lt})"
    if rp < prec or (rp == prec and op in "-/"):
        rt = f"({rt})"
    return (f"{lt} {op} {rt}" if prec == 1 else f"{lt}{op}{rt}"), prec


def _good(parsed: Expression, values: dict[str, float], level: int) -> bool:
    """Hand-computable: every value and gradient a multiple of 0.5, small, and no zero gradient; and
    unambiguous: at every question the classic mistakes give different answers."""
    try:
        root, _ = parsed.build(values)
    except ValueError:  # e.g. a division by zero
        return False
    facts = analyse(root)
    for node in facts.order:
        for x in (node.data, facts.grads[node]):
            if not _half_multiple(x) or abs(x) > 25:
                return False
        if facts.grads[node] == 0.0:
            return False
    return unambiguous(facts, EXACT)


def _half_multiple(x: float) -> bool:
    return math.isfinite(x) and abs(2 * x - round(2 * x)) < 1e-9


def _level3(rng: random.Random, level: int) -> tuple[str, dict[str, float]] | None:
    halves = (-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2)
    kind = rng.choice(("neuron", "neuron", "exp", "log"))
    if kind == "neuron":
        values = {
            "x1": rng.choice(halves),
            "w1": rng.choice(halves),
            "x2": rng.choice(halves),
            "w2": rng.choice(halves),
        }
        target = rng.choice((-1.0, -0.75, -0.5, 0.5, 0.75, 1.0))  # where tanh still has a useful slope
        values["b"] = target - (values["x1"] * values["w1"] + values["x2"] * values["w2"])
        if abs(values["b"]) > 4:
            return None
        text = "(x1*w1 + x2*w2 + b).tanh()"
    elif kind == "exp":
        values = {
            "a": rng.choice(halves),
            "x": rng.choice(halves),
            "b": rng.choice(halves),
            "c": rng.choice(halves),
        }
        if not -1.5 <= values["a"] * values["x"] + values["b"] <= 1.5:
            return None
        text = "(a*x + b).exp()*c"
    else:
        values = {
            "a": rng.choice(halves),
            "x": rng.choice(halves),
            "b": rng.choice((1, 1.5, 2, 2.5, 3)),
            "c": rng.choice(halves),
        }
        if not 0.5 <= values["a"] * values["x"] + values["b"] <= 4:
            return None
        text = "(a*x + b).log()*c"
    root, _ = parse_expression(text).build({k: float(v) for k, v in values.items()})
    facts = analyse(root)
    if any(abs(g) < 0.01 or abs(g) > 40 for g in facts.grads.values()):
        return None
    if not unambiguous(facts, Tolerance(ROUNDED_RTOL, ROUNDED_ATOL)):
        return None
    return text, {k: float(v) for k, v in values.items()}


def unambiguous(facts: GraphFacts, tol: Tolerance) -> bool:
    """True when at every question the classic mistakes give pairwise different wrong answers (so a
    wrong answer names at most one mistake)."""
    return not any(is_ambiguous(facts, node, *tol) for node in askable(facts))
