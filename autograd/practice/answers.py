"""The course's predictions: one number (or word) a learner types, marked without the answer in sight.

A notebook exercise puts ``my_slope = None`` in one cell and ``mark_answer("01.slope", my_slope)`` in
the next. The right answer and the classic slips live here, not in the notebook, so a learner reading
the marking cell before trying learns nothing from it. A wrong answer that fits a known slip is told
what that slip was, with the exercise's own numbers; any other wrong answer gets the question's hint.
Neither ever contains the right answer: only a right answer is told the working.

Gradients of a graph are marked by :func:`~autograd.practice.mark_gradients`, which computes its answers
from the graph; this module is for the few fixed numbers the course asks to predict.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Prediction", "AnswerMark", "COURSE_PREDICTIONS", "mark_answer"]

Answer = float | str


@dataclass(frozen=True)
class Prediction:
    """One question: what it asks, the right answer, the working, the known slips and a hint."""

    asks: str
    right: Answer
    working: str
    hint: str
    slips: Mapping[Answer, str] = field(default_factory=dict)

    def matches(self, answer: Answer, target: Answer) -> bool:
        """Numbers agree to 1e-6 (relative); words ignoring case and surrounding spaces and quotes."""
        if isinstance(target, str):
            return isinstance(answer, str) and answer.strip().strip("\"'").lower() == target.lower()
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return False
        # 1e-6: a number typed to a few digits matches, and so does a float32 (numpy) of it
        return math.isclose(float(answer), float(target), rel_tol=1e-6, abs_tol=1e-9)


@dataclass(frozen=True)
class AnswerMark:
    """The mark for one answer; shown as one line (``str``, and as a notebook cell's result)."""

    key: str
    asks: str
    answer: Answer | None
    correct: bool
    message: str

    def __str__(self) -> str:
        if self.answer is None:
            return f"… {self.asks}: {self.message}"
        return f"{'✓' if self.correct else '✗'} {self.asks}: {self.message}"

    __repr__ = __str__


#: Every prediction the notebooks ask for, by notebook number and name.
COURSE_PREDICTIONS: dict[str, Prediction] = {
    "01.slope": Prediction(
        asks="P′(5)",
        right=-8.0,
        working="−4·5 + 12 = −8. Past the top at x = 3, the profit falls as x grows.",
        hint="put x = 5 into P′(x) = −4x + 12, and compare with the quotients below",
        slips={
            8.0: "the right size with the wrong sign. Is P rising or falling at x = 5?",
            0.0: "that is P(5), the profit itself, not its slope P′(5)",
            -20.0: "that is −4x alone. The derivative of 12x is 12, and it is still there",
        },
    ),
    "01.first-step": Prediction(
        asks="x after one step from x = 12 with lr = 0.1",
        right=8.4,
        working="12 + 0.1·(−36) = 8.4: fewer units, uphill for the profit.",
        hint="the step is x + lr·P′(x), with P′(12) = −36",
        slips={
            15.6: "that step goes downhill (x − lr·P′ is the step that lowers a function). To raise the "
            "profit, x + lr·P′(x)",
            -3.6: "that is the change lr·P′(12). The new x is the old x plus it",
            3.0: "3 is where the steps are heading, but one step with lr = 0.1 goes only part of the way",
        },
    ),
    "02.nodes": Prediction(
        asks="nodes in the graph of y = x·x + 2·x",
        right=5.0,
        working="x, the constant 2, x·x, 2·x and y.",
        hint="count every value once: inputs, constants and the result of each op",
        slips={
            4.0: "the constant 2 is a node too (k1 in the picture)",
            6.0: "x is one node, however often it is used",
        },
    ),
    "02.arrows-from-x": Prediction(
        asks="arrows out of x",
        right=3.0,
        working="two into x·x and one into 2·x: one arrow per use.",
        hint="one arrow for every time an op uses x",
        slips={2.0: "x·x uses x twice: two arrows from x into the same product"},
    ),
    "03.chain-slope": Prediction(
        asks="f′(1) for f(x) = (3x + 1)²",
        right=24.0,
        working="2u · du/dx = 2·4 · 3 = 24, with u = 3x + 1 = 4.",
        hint="the chain rule: the outer derivative 2u at u = 3·1 + 1, times the inner derivative",
        slips={
            8.0: "that is 2u = df/du alone: the chain rule multiplies by the inner derivative du/dx = 3",
            16.0: "that is f(1) = 4², the value, not the slope",
            6.0: "that is 2·3: the outer derivative 2u needs u = 3·1 + 1 = 4, not 1",
            -24.0: "the right size, the wrong sign",
        },
    ),
    "08.dy": Prediction(
        asks="dy/dx of y = x³ at x = 3",
        right=27.0,
        working="3x² = 3·9 = 27.",
        hint="the power rule: bring the power down and lower it by one",
        slips={
            9.0: "that is x²: the power rule brings the 3 down, dy/dx = 3x²",
            81.0: "that is 3x³: the power rule lowers the power by one, 3x²",
        },
    ),
    "08.d2y": Prediction(
        asks="d²y/dx² of y = x³ at x = 3",
        right=18.0,
        working="differentiate 3x² once more: 6x = 18.",
        hint="differentiate dy/dx = 3x² once more, then put x = 3 in",
        slips={
            6.0: "6x is the right formula for d²y/dx²; now put x = 3 into it",
            27.0: "that is dy/dx, one derivative; differentiate 3x² once more",
        },
    ),
    "08.newton": Prediction(
        asks="x after one Newton step on g(x) = eˣ − 2x from x = 0",
        right=1.0,
        working="g′(0) = e⁰ − 2 = −1 and g″(0) = e⁰ = 1, so x = 0 − (−1)/1 = 1 (the minimum is at "
        "ln 2 ≈ 0.693: one step overshoots it, the next ones close in fast).",
        hint="x − g′(x)/g″(x) at x = 0, with g′(x) = eˣ − 2 and g″(x) = eˣ",
        slips={
            -1.0: "the sign: the step is x − g′/g″, so the quotient is subtracted, not added",
            math.log(2): "that is ln 2, the minimum Newton is heading for; one step from 0 does not land "
            "on it, because g is not a parabola",
            2.0: "that uses g′(0) = −2, as if e⁰ were 0 (it is one)",
        },
    ),
    "09.first-failure": Prediction(
        asks="the task the lecture's + and * fail",
        right="used-twice",
        working="__add__'s _backward assigns (=) instead of adding (+=): a + b gives the right gradients, "
        "but in a + a the second use overwrites the first, so a.grad is 1 where it should be 2.",
        hint='one of "add", "mul" or "used-twice"',
        slips={
            "add": "a + b alone gives each input out.grad once, which is right; look at what happens when "
            "one Value is both inputs",
            "mul": "__mul__'s _backward adds its share (+=) and multiplies by the other input: it is right",
        },
    ),
    "10.branch": Prediction(
        asks="a Python if, recorded once and run on every sample",
        right="error",
        working="lanes re-record a few telling samples, find one whose graph differs, and refuse: "
        "LanesBranchError.",
        hint='one of "right", "wrong" or "error"',
        slips={
            "wrong": "that is what the recorded graph alone would do, and why lanes check samples "
            "first: they refuse instead",
            "right": "the graph holds one branch only, so samples on the other side would get the wrong numbers",
        },
    ),
}


def mark_answer(key: str, answer: Answer | None) -> AnswerMark:
    """Mark a learner's prediction for the course question ``key`` (see :data:`COURSE_PREDICTIONS`).

    ``None`` (the blank left in the notebook) asks for an answer. A right answer is told the working; a
    wrong one the slip it fits, or the hint, but never the right answer.
    """
    try:
        question = COURSE_PREDICTIONS[key]
    except KeyError:
        known = ", ".join(sorted(COURSE_PREDICTIONS))
        raise KeyError(f"no course question {key!r}; the questions are: {known}") from None
    if answer is None:
        return AnswerMark(key, question.asks, None, False,
                          "still None. Put your answer in the cell above, run it, then run this cell again.")
    wants_word = isinstance(question.right, str)
    is_word = isinstance(answer, str)
    is_number = isinstance(answer, numbers.Real) and not isinstance(answer, bool)
    if not (is_word or is_number) or wants_word != is_word:
        kind = "a word" if wants_word else "a number"
        how = " in quotes" if wants_word else " (without quotes)"
        return AnswerMark(key, question.asks, answer, False,
                          f"{answer!r} is not {kind}; write {kind}{how}: {question.hint}.")
    if question.matches(answer, question.right):
        return AnswerMark(key, question.asks, answer, True, f"right, {_show(answer)}. {question.working}")
    for slip, why in question.slips.items():
        if question.matches(answer, slip) or _rounded_from(answer, slip):
            return AnswerMark(key, question.asks, answer, False, f"not {_show(answer)}: {why}.")
    return AnswerMark(key, question.asks, answer, False, f"not {_show(answer)}. Hint: {question.hint}.")


def _rounded_from(answer: Answer, slip: Answer) -> bool:
    """A slip such as ln 2 typed as it is written, rounded (0.693 or 0.69): as many decimals as were typed."""
    if isinstance(answer, str) or isinstance(slip, str) or isinstance(answer, bool):
        return False
    text = repr(float(answer))
    if "e" in text or "." not in text:
        return False
    decimals = len(text.split(".")[1])
    return decimals >= 2 and abs(float(answer) - float(slip)) <= 0.5 * 10.0**-decimals


def _show(answer: Answer) -> str:
    return f"{float(answer):g}" if isinstance(answer, numbers.Real) else repr(answer)
