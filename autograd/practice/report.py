"""``mark_gradients``: mark a learner's hand-computed gradients against the engine's, and name the mistakes.

(Formerly ``check_grads``, a name that reads like a numerical gradient check such as HIPS autograd's
``check_grads``; the old name still works for one release and warns.)
"""

from __future__ import annotations

import html
import numbers
import textwrap
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..expr import ExpressionError, parse_number
from ..value import Value
from .diagnose import (
    GraphFacts,
    analyse,
    current_digits,
    explain,
    fitting,
    fmt,
    forward_order,
    is_close,
    retry_text,
    right_text,
    shown_digits,
    wrong_text,
)
from .tolerance import ROUNDED, Tolerance, digits_to_tell, is_near_miss, near_miss_text

__all__ = ["GradRow", "GradReport", "mark_gradients", "check_grads", "mark", "resolve_answers"]


@dataclass(frozen=True)
class GradRow:
    """One answered node: the learner's dL/dnode, the right one, and what went wrong if anything."""

    label: str
    answer: float
    expected: float
    correct: bool
    mistake: str | None  # the first of ``mistakes`` (None when no classic mistake explains the answer)
    explanation: str  # what went wrong, with the right working and result
    near_miss: bool = False  # wrong, but within about 1 % of the right value
    mistakes: tuple[str, ...] = ()  # every classic mistake that gives this answer (several: ambiguous)
    retry_hint: str = ""  # for a wrong answer: the mistake(s) named and the numbers, not the right one

    @property
    def mistake_text(self) -> str:
        """The mistake column: ``"sign"``, or ``"upstream-only or sign"`` for an ambiguous answer."""
        return " or ".join(self.mistakes) if self.mistakes else (self.mistake or "")


@dataclass(frozen=True)
class GradReport:
    """The marked answers, one row per answered node in the order backprop visits them.

    ``str(report)`` is a table followed by the explanation of every wrong answer; in Jupyter the
    report shows as an HTML table. With ``reveal=False`` (a learner about to try again) a wrong row
    shows "?" for the expected value and its retry hint (the mistake named, never the right number)
    instead of the worked explanation.
    """

    rows: tuple[GradRow, ...]
    rtol: float | None = None  # the tolerance the rows were marked with (None: not known)
    reveal: bool = True

    def _shown(self, row: GradRow) -> tuple[str, str]:
        """What a row shows: the expected value and the explanation, or "?" and the retry hint."""
        if row.correct or self.reveal:
            with shown_digits(6 if row.correct else digits_to_tell(row.answer, row.expected)):
                return fmt(row.expected), row.explanation
        hint = row.retry_hint or "Not right yet: work the chain rule for this node again."
        return "?", hint

    @property
    def ok(self) -> bool:
        """True when every answer is right."""
        return all(row.correct for row in self.rows)

    def __str__(self) -> str:
        width = max([4] + [len(row.label) for row in self.rows])
        lines = [f"{'node':<{width}}  {'your answer':>12}  {'expected':>10}  {'mark':<7}  mistake"]
        for row in self.rows:
            mark = "✓ right" if row.correct else "✗ wrong"
            with shown_digits(6 if row.correct else digits_to_tell(row.answer, row.expected)):
                answer = fmt(row.answer)
            numbers = f"{answer:>12}  {self._shown(row)[0]:>10}"
            lines.append(f"{row.label:<{width}}  {numbers}  {mark:<7}  {row.mistake_text}".rstrip())
        wrong = [row for row in self.rows if not row.correct]
        for row in wrong:
            lines.append("")
            lines.extend(
                textwrap.wrap(f"{row.label}: {self._shown(row)[1]}", width=100, subsequent_indent="    ")
            )
        right = len(self.rows) - len(wrong)
        lines.append("")
        lines.append(f"{right} of {len(self.rows)} right" + (": all correct." if not wrong else "."))
        near = sum(row.near_miss for row in self.rows)
        if near and self.rtol is not None and self.rtol < ROUNDED.rtol:
            lines.extend(textwrap.wrap(
                f"{near} of the wrong answers {'is' if near == 1 else 'are'} close to right: if you worked "
                "from rounded numbers, mark with a looser tolerance, e.g. mark_gradients(root, answers, "
                "rtol=1e-3) for 4 significant digits.", width=100))
        return "\n".join(lines)

    def __repr__(self) -> str:
        right = sum(row.correct for row in self.rows)
        return f"<GradReport: {right} of {len(self.rows)} right>"

    def _repr_html_(self) -> str:
        cells = []
        for row in self.rows:
            colour = "#e6f4ea" if row.correct else "#fce8e6"
            mark = "✓" if row.correct else "✗"
            with shown_digits(6 if row.correct else digits_to_tell(row.answer, row.expected)):
                answer = fmt(row.answer)
            expected, explanation = self._shown(row)
            cells.append(
                f'<tr style="background:{colour}"><td><b>{html.escape(row.label)}</b></td>'
                f'<td style="text-align:right">{answer}</td>'
                f'<td style="text-align:right">{expected}</td>'
                f"<td>{mark}</td><td>{html.escape(row.mistake_text)}</td>"
                f'<td style="text-align:left">{html.escape(explanation)}</td></tr>'
            )
        right = sum(row.correct for row in self.rows)
        return (
            '<table class="gradstep-report">'
            "<thead><tr><th>node</th><th>your answer</th><th>expected</th><th></th><th>mistake</th>"
            "<th>explanation</th></tr></thead><tbody>" + "".join(cells) + "</tbody></table>"
            f"<p>{right} of {len(self.rows)} right</p>"
        )


def mark_gradients(
    root: Value, answers: Mapping[Any, Any], rtol: float = 1e-6, atol: float = 1e-9, *, reveal: bool = True
) -> GradReport:
    """Mark hand-computed gradients: ``answers`` maps nodes (or their names) to dL/dnode, L = ``root``.

    A key may be a node, its label, or the name a report shows for it: an unlabeled op node is
    ``n1, n2, …``, an unlabeled output ``L``, an unlabeled leaf ``x1, x2, …``, and a label that several
    nodes share is ``x#1, x#2, …`` (forward order). The right values come from the engine's backward
    pass, which leaves every ``.grad`` and every ``.label`` as it was.

    An answer is right when it is within ``rtol``/``atol`` of the right value (``math.isclose``); the
    defaults ask for about 7 significant digits (or the exact value), so for answers worked out from
    rounded numbers pass e.g. ``rtol=1e-3`` (4 significant digits). A wrong answer is diagnosed with
    every one of :data:`~autograd.practice.MISTAKES` whose number fits it (``row.mistakes``; several
    when the answer is ambiguous, and then the explanation names them all; ``row.mistake`` is the
    first), or none: then the explanation says what the factors would have had to be, without a guess.
    A wrong answer close to the right one says how close and what precision is required, and its
    explanation shows enough digits to tell the two apart.

    ``reveal=False`` is for a learner who will try again: a wrong answer's row names the mistake and
    gives a hint with the graph's numbers, but not the right value (``str`` / HTML; the rows keep it).

    This marks a learner's answers; to check an engine's gradients numerically use
    :func:`autograd.gradcheck`.

    >>> from autograd.examples import lecture_graph
    >>> g = lecture_graph()
    >>> report = mark_gradients(g.L, {"d": -2, "b": 2})
    >>> report.ok, report.rows[1].mistake
    (False, 'local-only')
    """
    if not isinstance(root, Value):
        raise TypeError(f"mark_gradients: root must be the output Value of the graph, got {type(root).__name__}")
    facts = analyse(root)
    resolved = resolve_answers(facts, answers)
    rank = {node: i for i, node in enumerate(facts.order)}
    rows = [
        mark(facts, node, value, rtol, atol)
        for node, value in sorted(resolved.items(), key=lambda kv: rank[kv[0]])
    ]
    return GradReport(tuple(rows), rtol, reveal)


def check_grads(
    root: Value, answers: Mapping[Any, Any], rtol: float = 1e-6, atol: float = 1e-9
) -> GradReport:
    """Deprecated name of :func:`mark_gradients` (kept for one release; it warns)."""
    warnings.warn(
        "check_grads is now mark_gradients (it marks a learner's answers; it is not a numerical gradient "
        "check): use autograd.practice.mark_gradients",
        DeprecationWarning,
        stacklevel=2,
    )
    return mark_gradients(root, answers, rtol, atol)


def mark(facts: GraphFacts, node: Value, answer: float, rtol: float, atol: float) -> GradRow:
    """Mark one answer for ``node``."""
    expected = facts.grads[node]
    label = facts.names[node]
    if is_close(answer, expected, rtol, atol):
        return GradRow(label, answer, expected, True, None, right_text(facts, node))
    # Enough digits that no number in the text reads the same as the right one when the mark says wrong.
    with shown_digits(digits_to_tell(answer, expected, minimum=current_digits())):
        found = fitting(facts, node, answer, rtol, atol)
        if found:
            codes = tuple(c.mistake for c in found)
            return GradRow(label, answer, expected, False, codes[0], explain(answer, found), False, codes,
                           explain(answer, found, reveal=False))
        tol = Tolerance(rtol, atol)
        near = is_near_miss(answer, expected, tol)
        close = near_miss_text(answer, expected, tol) if near else ""
        return GradRow(label, answer, expected, False, None, wrong_text(facts, node, answer, close), near, (),
                       retry_text(facts, node, answer, close))


def resolve_answers(facts: GraphFacts, answers: Mapping[Any, Any]) -> dict[Value, float]:
    """{node: answer as float}, from keys that are nodes, labels or the names reports show.

    ValueError lists the names that can be used, and the labels that several nodes share.
    """
    if not isinstance(answers, Mapping):
        raise TypeError(
            f"mark_gradients: answers must be a dict of node or label → dL/dnode, got {type(answers).__name__}"
        )
    if not answers:
        raise ValueError(f"mark_gradients: no answers given; e.g. {{{_example(facts)}}}")
    forward = forward_order(facts.root)
    by_label: dict[str, list[Value]] = {}
    for node in forward:
        if node.label:
            by_label.setdefault(node.label, []).append(node)
    by_name = {facts.names[node]: node for node in forward}
    resolved: dict[Value, float] = {}
    for key, raw in answers.items():
        if isinstance(key, Value):
            if key not in facts.grads:
                raise ValueError(
                    f"mark_gradients: {key!r} is not part of the graph of the output; answer for nodes that the "
                    f"output was computed from ({_usable(facts, forward, by_label)})"
                )
            node = key
        elif isinstance(key, str):
            shared = by_label.get(key, [])
            if len(shared) == 1:
                node = shared[0]
            elif key in by_name and len(shared) == 0:
                node = by_name[key]  # a stand-in name a report showed: n1, L, x1, x#2
            else:
                shown = ", ".join(facts.names[n] for n in shared)
                problem = (
                    f"is the label of {len(shared)} nodes (shown as {shown})" if shared
                    else "is not a name in this graph"
                )
                raise ValueError(
                    f"mark_gradients: {key!r} {problem}; {_usable(facts, forward, by_label)}; "
                    "or use the node itself as the key"
                )
        else:
            raise TypeError(
                f"mark_gradients: an answer's key must be a node or a label, got {type(key).__name__}"
            )
        if node in resolved:
            raise ValueError(
                f"mark_gradients: {facts.names[node]} is answered twice (by two keys for the same node)"
            )
        resolved[node] = _number(raw, facts.names[node])
    return resolved


def _usable(facts: GraphFacts, forward: list[Value], by_label: dict[str, list[Value]]) -> str:
    """"use one of the names a, b, n1, L (labels shared by several nodes: x as x#1, x#2)"."""
    names = ", ".join(facts.names[node] for node in forward) or "(none)"
    text = f"use one of the names {names}"
    shared = [f"{label} as {', '.join(facts.names[n] for n in nodes)}" for label, nodes in by_label.items()
              if len(nodes) > 1]
    if shared:
        text += f" (labels shared by several nodes: {'; '.join(shared)})"
    return text


def _number(raw: Any, name: str) -> float:
    if isinstance(raw, Value):
        raw = raw.data
    if isinstance(raw, str):
        try:
            return parse_number(raw)
        except ExpressionError as err:
            raise ValueError(f"mark_gradients: the answer for {name}: {err}") from None
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        return float(raw)
    raise TypeError(f"mark_gradients: the answer for {name} must be a number, got {type(raw).__name__} {raw!r}")


def _example(facts: GraphFacts) -> str:
    labelled = [node for node in facts.order if node.label and node is not facts.root]
    if not labelled:
        return "node: 1.0"
    node = labelled[0]
    return f"{node.label!r}: 1.5"  # a placeholder: an error message must not give the answer away
