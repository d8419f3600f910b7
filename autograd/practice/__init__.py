"""Backprop by hand: a learner's gradients marked, and the classic mistakes named.

* :func:`mark_gradients` — mark answers {node or label: dL/dnode} against the engine (``.grad`` untouched);
* :class:`Exercise` / :func:`make_exercise` — questions in backprop order, ``answer``, ``hint``, ``score``;
* :func:`mark_answer` — the course's predictions (one number or word), marked without the answer in sight;
* :func:`quiz_questions` — the same questions as data, for the HTML stepper's quiz mode;
* :mod:`.tolerance` — how exact an answer must be: :data:`EXACT` for hand-computable graphs, else
  :data:`ROUNDED` (4 significant digits), unless a tolerance is given.

A wrong answer is named with every one of :data:`MISTAKES` whose number fits it (and the right answer
does not; several fit an ambiguous answer, and all are named): ``"accumulation"`` (one path of
several), ``"local-only"`` (the local derivative, not multiplied by the upstream gradient),
``"upstream-only"`` (the upstream gradient without the local derivative), ``"sign"`` (the negative),
``"value-not-grad"`` (the node's value); or none.
"""

from __future__ import annotations

from .answers import COURSE_PREDICTIONS, AnswerMark, Prediction, mark_answer
from .diagnose import MISTAKE_TITLES, MISTAKES
from .exercises import LEVELS, MAX_TRIES, Exercise, Feedback, Question, Score, make_exercise
from .quiz import QuizCandidate, QuizQuestion, quiz_questions
from .report import GradReport, GradRow, check_grads, mark_gradients
from .tolerance import EXACT, ROUNDED, Tolerance, default_tolerance

__all__ = [
    "MISTAKES",
    "MISTAKE_TITLES",
    "LEVELS",
    "MAX_TRIES",
    "mark_gradients",
    "check_grads",  # the old name of mark_gradients: warns, for one release
    "GradReport",
    "GradRow",
    "Exercise",
    "Question",
    "Feedback",
    "Score",
    "make_exercise",
    "quiz_questions",
    "mark_answer",
    "AnswerMark",
    "Prediction",
    "COURSE_PREDICTIONS",
    "QuizQuestion",
    "QuizCandidate",
    "Tolerance",
    "EXACT",
    "ROUNDED",
    "default_tolerance",
]
