"""The data behind a quiz page: per question, the right answer and every diagnosable wrong one.

A page (the HTML stepper's quiz mode) cannot run Python, so it gets, for each question, the values a
classic mistake would give with the explanation ``mark_gradients`` would print for it. A typed answer is
marked right when it is within ``rtol``/``atol`` of ``expected`` (as ``math.isclose``); else the first
candidate within tolerance names the mistake; else ``wrong_text`` is shown (after ``precision``, the
tolerance in words, when the answer is a near miss: within ``near`` relative distance of ``expected``).
That reproduces what :func:`~autograd.practice.mark_gradients` says, because both read the same candidate
list. The tolerance defaults to the rule of :mod:`.tolerance` (exact for hand-computable graphs, else 4
significant digits, as many as the quiz pictures show), and the texts show at least as many digits as
it asks for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..value import Value
from ..view import GraphView
from .diagnose import GraphFacts, analyse, explain, groups, retry_text, right_text, shown_digits, wrong_text
from .exercises import Exercise, askable, graph_numbers, prompt
from .tolerance import NEAR_MISS_RELATIVE, Tolerance, precision_text, resolve_tolerance, significant_digits

__all__ = ["QuizCandidate", "QuizQuestion", "quiz_questions"]


@dataclass(frozen=True)
class QuizCandidate:
    """A wrong value classic mistakes would produce, and what to tell a learner who gives it.

    ``mistakes`` lists every mistake that gives ``value`` (several: the answer is ambiguous and all are
    named); ``mistake`` is the first. ``explanation`` shows the right working (as ``mark_gradients``
    prints it); ``hint`` names the mistake(s) with this graph's numbers but not the right answer.
    """

    value: float
    mistake: str
    explanation: str
    mistakes: tuple[str, ...] = ()
    hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["mistakes"] = list(self.mistakes)
        return data


@dataclass(frozen=True)
class QuizQuestion:
    """One question of the quiz (one node, in backprop order), with everything needed to mark it."""

    label: str
    prompt: str
    expected: float
    rtol: float
    atol: float
    hint: str
    candidates: list[QuizCandidate]
    right_text: str
    wrong_text: str  # a wrong answer no mistake explains, with the right working
    retry_text: str = ""  # the same without the right number, for a learner who tries again
    precision: str = ""  # the tolerance in words, for a near miss
    near: float = NEAR_MISS_RELATIVE  # a wrong answer within this relative distance is a near miss

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (floats, strings, lists, dicts)."""
        data = asdict(self)
        data["candidates"] = [c.to_dict() for c in self.candidates]
        return data


def quiz_questions(
    root: Value | Exercise | GraphView, *, rtol: float | None = None, atol: float | None = None
) -> list[QuizQuestion]:
    """One :class:`QuizQuestion` per node that :class:`Exercise` asks about, in backprop order.

    ``root`` is the output of a graph or an :class:`Exercise` (its tolerances are used unless given).
    ``root`` may also be the graph's :class:`~autograd.view.GraphView`. Nodes are named as the view
    names them (``n1, n2, …``, ``out``, ``k1, …``) without setting any ``.label``. ``rtol``/``atol``
    default to the rule of :mod:`autograd.practice.tolerance`. A graph
    with nothing to ask (a leaf, or only constants) gives ``[]``.
    """
    if isinstance(root, Exercise):
        rtol = root.rtol if rtol is None else rtol
        atol = root.atol if atol is None else atol
        root = root.root
    if not isinstance(root, (Value, GraphView)):
        raise TypeError(f"quiz_questions takes the output Value of a graph, got {type(root).__name__}")
    facts = analyse(root)
    rtol, atol = resolve_tolerance(rtol, atol, graph_numbers(facts))
    tol = Tolerance(rtol, atol)
    questions = []
    for node in askable(facts):
        with shown_digits(significant_digits(rtol)):
            questions.append(_question(facts, node, tol))
    return questions


def _question(facts: GraphFacts, node: Value, tol: Tolerance) -> QuizQuestion:
    rtol, atol = tol
    cands = []
    for group in groups(facts, node, rtol, atol):
        value = group[0].value
        cands.append(QuizCandidate(value, group[0].mistake, explain(value, group), tuple(c.mistake for c in group),
                                   explain(value, group, reveal=False)))
    return QuizQuestion(
        label=facts.names[node],
        prompt=prompt(facts, node),
        expected=facts.grads[node],
        rtol=rtol,
        atol=atol,
        hint=facts.hint(node),
        candidates=cands,
        right_text=right_text(facts, node),
        wrong_text=wrong_text(facts, node),
        retry_text=retry_text(facts, node),
        precision=precision_text(tol),
    )
