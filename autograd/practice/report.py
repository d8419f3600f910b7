"""``check_grads``: mark a learner's hand-computed gradients against the engine's, and name the mistakes."""

from __future__ import annotations

import html
import numbers
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..expr import ExpressionError, parse_number
from ..value import Value
from .diagnose import GraphFacts, analyse, diagnose, fmt, is_close, right_text, wrong_text

__all__ = ["GradRow", "GradReport", "check_grads", "mark", "resolve_answers"]


@dataclass(frozen=True)
class GradRow:
    """One answered node: the learner's dL/dnode, the right one, and what went wrong if anything."""

    label: str
    answer: float
    expected: float
    correct: bool
    mistake: str | None
    explanation: str


@dataclass(frozen=True)
class GradReport:
    """The marked answers, one row per answered node in the order backprop visits them.

    ``str(report)`` is a table followed by the explanation of every wrong answer; in Jupyter the
    report shows as an HTML table.
    """

    rows: tuple[GradRow, ...]

    @property
    def ok(self) -> bool:
        """True when every answer is right."""
        return all(row.correct for row in self.rows)

    def __str__(self) -> str:
        width = max([4] + [len(row.label) for row in self.rows])
        lines = [f"{'node':<{width}}  {'your answer':>12}  {'expected':>10}  {'mark':<7}  mistake"]
        for row in self.rows:
            mark = "✓ right" if row.correct else "✗ wrong"
            numbers = f"{fmt(row.answer):>12}  {fmt(row.expected):>10}"
            lines.append(f"{row.label:<{width}}  {numbers}  {mark:<7}  {row.mistake or ''}".rstrip())
        wrong = [row for row in self.rows if not row.correct]
        for row in wrong:
            lines.append("")
            lines.extend(
                textwrap.wrap(f"{row.label}: {row.explanation}", width=100, subsequent_indent="    ")
            )
        right = len(self.rows) - len(wrong)
        lines.append("")
        lines.append(f"{right} of {len(self.rows)} right" + (": all correct." if not wrong else "."))
        return "\n".join(lines)

    def __repr__(self) -> str:
        right = sum(row.correct for row in self.rows)
        return f"<GradReport: {right} of {len(self.rows)} right>"

    def _repr_html_(self) -> str:
        cells = []
        for row in self.rows:
            colour = "#e6f4ea" if row.correct else "#fce8e6"
            mark = "✓" if row.correct else "✗"
            cells.append(
                f'<tr style="background:{colour}"><td><b>{html.escape(row.label)}</b></td>'
                f'<td style="text-align:right">{fmt(row.answer)}</td>'
                f'<td style="text-align:right">{fmt(row.expected)}</td>'
                f"<td>{mark}</td><td>{html.escape(row.mistake or '')}</td>"
                f'<td style="text-align:left">{html.escape(row.explanation)}</td></tr>'
            )
        right = sum(row.correct for row in self.rows)
        return (
            '<table class="gradstep-report">'
            "<thead><tr><th>node</th><th>your answer</th><th>expected</th><th></th><th>mistake</th>"
            "<th>explanation</th></tr></thead><tbody>" + "".join(cells) + "</tbody></table>"
            f"<p>{right} of {len(self.rows)} right</p>"
        )


def check_grads(
    root: Value, answers: Mapping[Any, Any], rtol: float = 1e-6, atol: float = 1e-9
) -> GradReport:
    """Mark hand-computed gradients: ``answers`` maps nodes (or their labels) to dL/dnode, L = ``root``.

    The right values come from the engine's backward pass, which leaves every ``.grad`` as it was.
    An answer is right when it is within ``rtol``/``atol`` of the right value (``math.isclose``). A
    wrong answer is diagnosed as one of :data:`~autograd.practice.MISTAKES` (the first that explains
    it), or ``None`` when none does.

    >>> from autograd.examples import lecture_graph
    >>> g = lecture_graph()
    >>> report = check_grads(g.L, {"d": -2, "b": 2})
    >>> report.ok, report.rows[1].mistake
    (False, 'local-only')
    """
    if not isinstance(root, Value):
        raise TypeError(f"check_grads: root must be the output Value of the graph, got {type(root).__name__}")
    facts = analyse(root)
    resolved = resolve_answers(facts, answers)
    rank = {node: i for i, node in enumerate(facts.order)}
    rows = [
        mark(facts, node, value, rtol, atol)
        for node, value in sorted(resolved.items(), key=lambda kv: rank[kv[0]])
    ]
    return GradReport(tuple(rows))


def mark(facts: GraphFacts, node: Value, answer: float, rtol: float, atol: float) -> GradRow:
    """Mark one answer for ``node``."""
    expected = facts.grads[node]
    label = facts.names[node]
    if is_close(answer, expected, rtol, atol):
        return GradRow(label, answer, expected, True, None, right_text(facts, node))
    found = diagnose(facts, node, answer, rtol, atol)
    if found is None:
        return GradRow(label, answer, expected, False, None, wrong_text(facts, node, answer))
    return GradRow(label, answer, expected, False, found.mistake, found.explain(answer))


def resolve_answers(facts: GraphFacts, answers: Mapping[Any, Any]) -> dict[Value, float]:
    """{node: answer as float}, from keys that are nodes or labels; ValueError names usable labels."""
    if not isinstance(answers, Mapping):
        raise TypeError(
            f"check_grads: answers must be a dict of node or label → dL/dnode, got {type(answers).__name__}"
        )
    if not answers:
        raise ValueError(f"check_grads: no answers given; e.g. {{{_example(facts)}}}")
    by_label: dict[str, list[Value]] = {}
    for node in facts.order:
        if node.label:
            by_label.setdefault(node.label, []).append(node)
    usable = [label for label, nodes in by_label.items() if len(nodes) == 1]
    resolved: dict[Value, float] = {}
    for key, raw in answers.items():
        if isinstance(key, Value):
            if key not in facts.grads:
                raise ValueError(
                    f"check_grads: {key!r} is not part of the graph of the output; answer for nodes that the "
                    f"output was computed from (labels: {', '.join(usable) or 'none'})"
                )
            node = key
        elif isinstance(key, str):
            nodes = by_label.get(key, [])
            if len(nodes) != 1:
                problem = (
                    "is not a label in this graph" if not nodes else f"is the label of {len(nodes)} nodes"
                )
                raise ValueError(
                    f"check_grads: {key!r} {problem}; use one of the labels {', '.join(usable) or '(none)'}, "
                    "or the node itself as the key"
                )
            node = nodes[0]
        else:
            raise TypeError(
                f"check_grads: an answer's key must be a node or a label, got {type(key).__name__}"
            )
        if node in resolved:
            raise ValueError(
                f"check_grads: {facts.names[node]} is answered twice (once by node, once by label)"
            )
        resolved[node] = _number(raw, facts.names[node])
    return resolved


def _number(raw: Any, name: str) -> float:
    if isinstance(raw, Value):
        raw = raw.data
    if isinstance(raw, str):
        try:
            return parse_number(raw)
        except ExpressionError as err:
            raise ValueError(f"check_grads: the answer for {name}: {err}") from None
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        return float(raw)
    raise TypeError(f"check_grads: the answer for {name} must be a number, got {type(raw).__name__} {raw!r}")


def _example(facts: GraphFacts) -> str:
    labelled = [node for node in facts.order if node.label and node is not facts.root]
    if not labelled:
        return "node: 1.0"
    node = labelled[0]
    return f"{node.label!r}: 1.5"  # a placeholder: an error message must not give the answer away
