"""The data behind a quiz page: per question, the right answer and every diagnosable wrong one.

A page (the HTML stepper's quiz mode) cannot run Python, so it gets, for each question, the values a
classic mistake would give with the explanation ``check_grads`` would print for it. A typed answer is
marked right when it is within ``rtol``/``atol`` of ``expected`` (as ``math.isclose``); else the first
candidate within tolerance names the mistake; else ``wrong_text`` is shown. That reproduces exactly what
:func:`~autograd.practice.check_grads` says, because both read the same candidate list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..value import Value
from .diagnose import analyse, candidates, right_text, wrong_text
from .exercises import DEFAULT_ATOL, DEFAULT_RTOL, Exercise, askable, label_graph, prompt

__all__ = ["QuizCandidate", "QuizQuestion", "quiz_questions"]


@dataclass(frozen=True)
class QuizCandidate:
    """A wrong value a mistake would produce, the mistake's code, and what to tell the learner."""

    value: float
    mistake: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    wrong_text: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (floats, strings, lists, dicts)."""
        data = asdict(self)
        data["candidates"] = [c.to_dict() for c in self.candidates]
        return data


def quiz_questions(
    root: Value | Exercise, *, rtol: float | None = None, atol: float | None = None
) -> list[QuizQuestion]:
    """One :class:`QuizQuestion` per node that :class:`Exercise` asks about, in backprop order.

    ``root`` is the output of a graph (its unlabeled op nodes get labels ``n1, n2, …``, as in an
    Exercise) or an :class:`Exercise` (its tolerances are used unless given). A graph with nothing to
    ask (a leaf, or only constants) gives ``[]``.
    """
    if isinstance(root, Exercise):
        rtol = root.rtol if rtol is None else rtol
        atol = root.atol if atol is None else atol
        root = root.root
    if not isinstance(root, Value):
        raise TypeError(f"quiz_questions takes the output Value of a graph, got {type(root).__name__}")
    rtol = DEFAULT_RTOL if rtol is None else float(rtol)
    atol = DEFAULT_ATOL if atol is None else float(atol)
    label_graph(root)
    facts = analyse(root)
    questions = []
    for node in askable(facts):
        cands = [
            QuizCandidate(c.value, c.mistake, c.explain(c.value)) for c in candidates(facts, node, rtol, atol)
        ]
        questions.append(
            QuizQuestion(
                label=facts.names[node],
                prompt=prompt(facts, node),
                expected=facts.grads[node],
                rtol=rtol,
                atol=atol,
                hint=facts.hint(node),
                candidates=cands,
                right_text=right_text(facts, node),
                wrong_text=wrong_text(facts, node),
            )
        )
    return questions
