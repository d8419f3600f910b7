"""The HTML stepper's quiz mode: at each step the page asks for the node's gradient before showing it.

The design, and why it is honest
--------------------------------
The plain stepper draws frame k as the graph *after* step k: a node's gradient appears as soon as its
last consumer has pushed to it, and the amounts on the edges appear at the consumer's step. That is
right for watching, but a quiz built on it would show every answer one step before asking for it. So
quiz mode draws its own pictures, by one rule: **a gradient is shown only from the step that asks for
it, once that question is answered** (right, or with "Show answer"). The same rule holds for the amount
on an edge (it is part of its receiver's gradient), so before an answer the node and every edge into it
read "?"; after it, the edges into the node show the shares that add up to its gradient.

A step with a question therefore has two pictures, drawn with the same layout so nothing moves: the
*question* picture (the node in red, its gradient "?", everything asked at earlier steps filled in) and
the *answer* picture (the same, plus this node's gradient, highlighted, and the amounts flowing into
it). Steps without a question — the output (its gradient is the seed, 1) and constants — have only the
answer picture. The text under the picture follows the same rule: the step's headline ends in "= ?"
until the answer, and the lines for the node's inputs give their local derivatives but not the amounts
they receive (those are later questions; the line says at which step).

Moving on cannot give an answer away. Next, the slider and the arrow keys may pass a question without
an answer, but that marks it *skipped*: its gradient, and every gradient that depends on it (the
constants it passes gradient to; the nodes below it are later questions of their own), stay "?" in
every later picture and text until it is answered or revealed. The page knows what depends on what
from ``node_needs`` (per node of the picture, the questions its gradient needs) and hides those numbers
in the pictures (the gradient box and the amounts on the edges into the node) and in the texts.

A wrong answer never shows the right number: it names the mistake (every mistake that fits, when the
number fits several) and gives a hint with this graph's numbers, and the learner tries again. The
answer comes with "Show answer" or after :data:`~autograd.practice.MAX_TRIES` wrong tries. The score
under the answer box tells apart right first time, right after retries, revealed and skipped.

Marking happens in the page, but all the knowledge is precomputed in Python by
:func:`autograd.practice.quiz_questions`: the right answer, its tolerance, and the value each classic
mistake would give with the hint to show. The script only compares numbers: within tolerance of
``expected`` is right; else the first candidate within tolerance names the mistake(s); else
``retry_text``. There is no second chain rule in JavaScript.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction

from ..practice.diagnose import MISTAKE_TITLES, analyse
from ..practice.exercises import MAX_TRIES, askable
from ..practice.quiz import QuizQuestion, quiz_questions
from ..trace import BackpropStep, Trace, compute_trace, format_number, grad_name
from ..value import Value
from ..view import GraphView, view_of
from ._render import Graph, inline_svg, to_svgs
from .frames import DEFAULT_FRAME_NODES, _edge_amounts, _reserved_widths
from .graph import Style, build_digraph, snapshot, text_width
from .html import kinds_present, page_html

__all__ = ["quiz_page", "quiz_pictures", "quiz_data"]


def quiz_page(
    root: Value | GraphView,
    title: str | None = None,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_FRAME_NODES,
    rtol: float | None = None,
    atol: float | None = None,
    compact: bool = False,
) -> str:
    """The quiz page's HTML for the graph under ``root`` (see the module docstring for the design).
    ``compact`` uses smaller type, for a notebook column (:func:`autograd.viz.show_backprop`).

    Every name and number comes from the graph's one view (made here unless ``root`` is a
    :class:`~autograd.view.GraphView`), so the pictures, the steps and the questions agree; no
    ``.label`` (and no ``.grad``) is changed. ``rtol``/``atol`` default to the practice rule (exact for
    hand-computable graphs, else 4 significant digits, as the pictures show). Raises ValueError when
    the graph has nothing to ask or a gradient that is not a finite number.
    """
    view = view_of(root, max_nodes=max_nodes, what="step through")
    questions = quiz_questions(view, rtol=rtol, atol=atol)
    if not questions:
        raise ValueError(
            "nothing to quiz on: no node of this graph can be asked about (the output's own gradient is "
            "always 1, and unlabeled leaves count as constants); build the output from labelled inputs, "
            "e.g. Value(2.0, 'a') * Value(-3.0, 'b')"
        )
    _check_finite(questions)  # before any rendering: a graph that cannot be quizzed fails fast
    facts = analyse(view)
    nodes = askable(facts)
    if [facts.names[n] for n in nodes] != [q.label for q in questions]:  # both walk the same order
        raise RuntimeError("internal error: the quiz questions and the graph's nodes are out of step")
    pictures, trace = quiz_pictures(view, nodes, rankdir=rankdir, max_nodes=max_nodes)
    question_at = {node: i for i, node in enumerate(nodes)}
    step_questions = [question_at.get(step.node) for step in trace]
    needs = gradient_needs(view, question_at)
    step_needs = [sorted({q for c in view.consumers(step.node) for q in needs[c]}) if step.node in question_at
                  else needs[step.node] for step in trace]
    data = quiz_data(questions, step_questions, [needs[node] for node in view.forward], step_needs,
                     example_answers([q.expected for q in questions]))

    flat = [g for pair in pictures for g in pair if g is not None]
    svgs = iter(to_svgs(flat))
    frames = []
    for k, (asking, _) in enumerate(pictures):
        if asking is None:
            frames.append(inline_svg(next(svgs), f"f{k + 1}a-"))
        else:
            q_svg, a_svg = inline_svg(next(svgs), f"f{k + 1}q-"), inline_svg(next(svgs), f"f{k + 1}a-")
            frames.append(f'<div class="pic" data-phase="question">{q_svg}</div>'
                          f'<div class="pic" data-phase="answer" hidden>{a_svg}</div>')
    step_of = {step.node: k for k, step in enumerate(trace)}
    texts = [_step_html(step, step_questions[k] is not None, question_at, step_of, step_needs[k])
             for k, step in enumerate(trace)]

    first = trace[0]
    examples = example_answers([q.expected for q in questions])
    heading = title or f"Backprop quiz: {first.label} = {first.formula or first.label}"
    subtitle = (
        f"At each step, work out the node's gradient ∂{first.root_label}/∂node before it is shown: type it "
        f"(e.g. {examples}) and press Check or Enter. A wrong answer gets a hint, never the answer, and "
        f"another try ({MAX_TRIES} in all). Gradients not known yet show “?”; moving on without an answer "
        "skips the question, and what depends on it stays “?”."
    )
    return page_html(
        heading, subtitle, frames, texts, kinds_present(pictures[0][1].source),
        answer=_ANSWER_HTML, extra_style=_QUIZ_STYLE, extra_script=_QUIZ_SCRIPT,
        data=data, compact=compact,
    )


def quiz_pictures(
    root: Value | GraphView,
    asked: Collection[Value],
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_FRAME_NODES,
    names: Mapping[Value, str] | None = None,
) -> tuple[list[tuple[Graph | None, Graph]], Trace]:
    """Per backprop step, (question picture or None, answer picture); nodes in ``asked`` get a question.

    A node's gradient, and the amount on each edge into it, is drawn from its own step's answer picture
    on (earlier steps' questions count as answered). ``names`` ({node: name}) replaces the view's names.
    ``root`` may be the graph's :class:`~autograd.view.GraphView`. No ``.grad`` or ``.label`` is changed.
    """
    view = view_of(root, names=names, max_nodes=max_nodes, what="step through") if names is not None or \
        not isinstance(root, GraphView) else root
    snap = snapshot(view, max_nodes, what="step through")
    trace = compute_trace(view)
    step_of = {snap.index[step.node]: k for k, step in enumerate(trace)}
    final = {snap.index[node]: g for node, g in trace.grads.items()}
    sent = _edge_amounts(view)
    widths = _reserved_widths(snap, view)
    edge_width = max([text_width(t, 13) for t in sent.values()] + [text_width("?", 13)])

    def picture(k: int, answered: bool) -> Graph:
        active = snap.index[trace[k].node]

        def shown(i: int) -> bool:
            return step_of[i] < k or (answered and step_of[i] == k)

        def grad_text(i: int) -> str | None:
            return format_number(final[i]) if shown(i) else None

        def edge_text(i: int, j: int) -> str:
            view = snap.nodes[i]
            amount = sent[(i, j)] if shown(view.parents[j]) else "?"
            return f"{view.roles[j]}: {amount}" if view.roles[j] else amount

        style = Style(grad_text=grad_text, fresh=frozenset({active}) if answered else frozenset(),
                      active=active, edge_text=edge_text, widths=widths, edge_width=edge_width, stacked=True)
        return build_digraph(snap, rankdir=rankdir, style=style)

    asked = set(asked)
    pictures = [(picture(k, False) if step.node in asked else None, picture(k, True))
                for k, step in enumerate(trace)]
    return pictures, trace


# Numbers to show how answers are typed; those that are an answer of the quiz are left out.
_EXAMPLES = ("0.5", "-1.5", "7/4", "-0.25", "3/8", "2.5", "-5/8", "1.75", "-1/3")


def example_answers(answers: Sequence[float], count: int = 3) -> str:
    """``0.5, -1.5 or 7/4``: how to type a number, with no example that is one of ``answers`` (an
    example must not give an answer away)."""
    picked = []
    for text in _EXAMPLES:
        number = float(Fraction(text))
        if not any(math.isclose(number, a, rel_tol=1e-9, abs_tol=1e-12) for a in answers):
            picked.append(text)
    picked = picked[:count]
    return ", ".join(picked[:-1]) + f" or {picked[-1]}"


def gradient_needs(view: GraphView, question_at: Mapping[Value, int]) -> dict[Value, list[int]]:
    """For every node, the questions whose answers its gradient needs before a picture may show it: a
    question node needs its own answer; the output needs none (its gradient is the seed); any other
    node (a constant) needs what its consumers need, since its gradient is made from theirs."""
    needs: dict[Value, list[int]] = {}
    for node in view.backprop:  # every consumer comes before the nodes it uses
        if node in question_at:
            needs[node] = [question_at[node]]
        elif node is view.root:
            needs[node] = []
        else:
            needs[node] = sorted({q for consumer in view.consumers(node) for q in needs[consumer]})
    return {node: needs.get(node, []) for node in view.forward}


def quiz_data(
    questions: Sequence[QuizQuestion],
    step_questions: Sequence[int | None],
    node_needs: Sequence[Sequence[int]] = (),
    step_needs: Sequence[Sequence[int]] = (),
    examples: str = "",
) -> str:
    """The JSON the page's script reads: ``questions`` (each ``QuizQuestion.to_dict()``), per step the
    index of its question or null (``step_questions``), per node of the pictures (``n0, n1, …``) the
    questions its gradient needs (``node_needs``), per step the questions its text needs
    (``step_needs``: for a question, those of the nodes that use it), the number of tries
    (``max_tries``), how to type a number (``examples``) and how each mistake code is named to a learner
    (``mistake_titles``). Safe inside
    ``<script>``: ``<``, ``>`` and ``&`` are escaped."""
    _check_finite(questions)
    data = {"questions": [q.to_dict() for q in questions], "step_questions": list(step_questions),
            "node_needs": [list(n) for n in node_needs], "step_needs": [list(n) for n in step_needs],
            "max_tries": MAX_TRIES, "examples": examples or example_answers([q.expected for q in questions]),
            "mistake_titles": MISTAKE_TITLES}
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _check_finite(questions: Sequence[QuizQuestion]) -> None:
    for q in questions:
        if not math.isfinite(q.expected):
            raise ValueError(f"cannot make a quiz: {q.prompt.removesuffix(' = ?')} is {q.expected}, not a "
                             "number a learner can type; quiz on a graph whose gradients are finite")


def _step_html(step: BackpropStep, asks: bool, question_at: dict[Value, int], step_of: dict[Value, int],
               needs: Sequence[int] = ()) -> str:
    """The step's text: for a question, a "?" version shown before the answer and the full one after;
    for a step whose numbers need unanswered questions (``needs``), a "?" version until they are."""
    e = html.escape
    asked_at = {q: step_of[node] + 1 for node, q in question_at.items()}
    waiting = ", ".join(str(asked_at[q]) for q in needs)
    head = step.headline()
    after = [f'<p class="headline{" a-only" if asks else ""}"{" hidden" if asks else ""}>{e(head)}</p>']
    lines = []
    if step.index == 1:
        lines.append(f"Start: the output's gradient with respect to itself is {step.grad_name} = "
                     f"{format_number(step.upstream)}. Press Next ▶ for the first question.")
    if step.is_leaf:
        lines.append(f"{step.label} is a leaf: nothing to pass on, its gradient is final.")
    for p in step.parents:
        line = f"→ {p.label}:  {p.derivative}"
        if p.parent in question_at:  # its share would give away a later answer: say where it is asked
            line += f";  {grad_name(step.root_label, p.label)}: your turn at step {step_of[p.parent] + 1}"
        else:
            line += f";  {grad_name(step.root_label, p.label)} += {p.contribution_text}"
        lines.append(line)
    hidden = ' class="a-only" hidden' if asks else ""
    after += [f"<p{hidden}>{e(line)}</p>" for line in lines]
    if not asks:
        if not needs:
            return "".join(after)
        # a constant's gradient is made from gradients still unanswered: "?" until they are answered
        known = "".join(part.replace("<p", '<p data-if="known"', 1) for part in after)
        unknown_head = head[: head.rindex(";  ") + 3] + f"{step.grad_name} = ?"
        return known + (f'<p class="headline" data-if="unknown" hidden>{e(unknown_head)}</p>'
                        f'<p data-if="unknown" hidden>It is made from gradients you have not answered yet '
                        f"(step {e(waiting)}): answer them, or show their answers, to see it.</p>")
    # The headline ends in the gradient (a sum's terms too); the question version in "= ?".
    asking = head[: head.rindex(";  ") + 3] + f"{step.grad_name} = ?"
    before = [
        f'<p class="headline q-only">{e(asking)}</p>',
        f'<p class="q-only" data-if="known">Every node that uses {e(step.label)} already has its gradient in the '
        f"picture: work out {e(step.grad_name)} with the chain rule.</p>",
    ]
    if needs:
        before.append(f'<p class="q-only" data-if="unknown" hidden>A node that uses {e(step.label)} still shows '
                      f"“?”: you passed step {e(waiting)} without an answer. Go back and answer it first, "
                      "or work it out anyway.</p>")
    return "".join(before + after)


_ANSWER_HTML = """
<div class="quiz-row" id="quiz-row">
<label for="quiz-input" id="quiz-prompt">?</label>
<input id="quiz-input" type="text" autocomplete="off" spellcheck="false"
       placeholder="e.g. -3/2" aria-describedby="quiz-feedback">
<button id="quiz-check" type="button">Check</button>
<button id="quiz-hint" type="button">Hint</button>
<button id="quiz-reveal" type="button">Show answer</button>
</div>
<p id="quiz-note" hidden>No question at this step: press Next ▶ (or →).</p>
<p id="quiz-hint-text" hidden></p>
<p id="quiz-feedback" aria-live="polite"></p>
<p id="quiz-score" aria-live="polite"></p>
"""

_QUIZ_STYLE = """
#answer { margin-top: 10px; padding: 10px 14px; border: 2px solid #1f6feb; border-radius: 8px;
          background: #f5f9ff; }
.quiz-row { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.quiz-row[hidden] { display: none; }
#quiz-prompt { font-weight: bold; font-size: 24px; }
#quiz-input { font: inherit; font-size: 24px; width: 8em; padding: 4px 10px; border: 2px solid #333;
              border-radius: 6px; }
#quiz-input.right { border-color: #1a7f37; background: #e6f6ea; }
#quiz-input.wrong { border-color: #c62828; background: #fdecea; }
#quiz-feedback { margin: 10px 0 0; padding: 0; font-size: 20px; }
#quiz-feedback:empty { display: none; }
#quiz-feedback.right { color: #14602b; background: #e6f6ea; border-left: 6px solid #1a7f37; padding: 6px 10px; }
#quiz-feedback.wrong { color: #8e1b1b; background: #fdecea; border-left: 6px solid #c62828; padding: 6px 10px; }
#quiz-feedback.revealed { color: #123c7a; background: #e8f0fe; border-left: 6px solid #1f6feb; padding: 6px 10px; }
#quiz-feedback.invalid { color: #7a4b00; }
#quiz-hint-text { margin: 8px 0 0; color: #333; white-space: pre-wrap; }
#quiz-note { margin: 0; color: #333; }
#quiz-score { margin: 8px 0 0; font-size: 16px; color: #444; }
#quiz-score.final { font-size: 20px; font-weight: bold; color: #14325c; }
#explanation p.headline { font-weight: bold; }
"""

_QUIZ_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var questions = data.questions;
  var questionAt = data.step_questions;
  var nodeNeeds = data.node_needs;
  var stepNeeds = data.step_needs;
  var maxTries = data.max_tries;
  var titles = data.mistake_titles;
  var frames = document.querySelectorAll("#stage .frame");
  var explanation = document.getElementById("explanation");
  var row = document.getElementById("quiz-row");
  var note = document.getElementById("quiz-note");
  var promptLabel = document.getElementById("quiz-prompt");
  var input = document.getElementById("quiz-input");
  var checkButton = document.getElementById("quiz-check");
  var hintButton = document.getElementById("quiz-hint");
  var revealButton = document.getElementById("quiz-reveal");
  var hintText = document.getElementById("quiz-hint-text");
  var feedback = document.getElementById("quiz-feedback");
  var score = document.getElementById("quiz-score");
  var next = document.getElementById("next");
  // Per question: what was typed, how many wrong tries, done = its gradient may be shown (answered
  // right, or revealed), passed = the learner moved beyond its step, and the feedback on screen.
  var state = questions.map(function () {
    return { typed: "", tries: 0, done: false, revealed: false, passed: false, hint: false, mark: "", text: "" };
  });

  function isClose(a, b, rtol, atol) {  // as Python's math.isclose
    return Math.abs(a - b) <= Math.max(rtol * Math.max(Math.abs(a), Math.abs(b)), atol);
  }
  function answered(needs) {
    return needs.every(function (q) { return state[q].done; });
  }
  var DECIMAL = /^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$/;
  var FRACTION = /^([+-]?\\d+)\\/(\\d+)$/;
  // A number as a person types it (as the command line reads it): 2, -1.5, 1e-3 or -3/2.
  function parseAnswer(text) {
    var t = text.replace(/\\u2212/g, "-").replace(/\\s+/g, "");
    var shown = text.trim();
    if (t === "") { return { error: "Type a number first, e.g. " + data.examples + "." }; }
    var value;
    var m = FRACTION.exec(t);
    if (m) {
      if (Number(m[2]) === 0) { return { error: "“" + shown + "” divides by zero: type a number." }; }
      value = Number(m[1]) / Number(m[2]);
    } else if (DECIMAL.test(t)) {
      value = Number(t);
    } else {
      return { error: "“" + shown + "” is not a number: type e.g. " + data.examples + "." };
    }
    if (!isFinite(value)) { return { error: "“" + shown + "” is not a finite number." }; }
    return { value: value };
  }

  // ---- pictures: a number is drawn only once every answer it needs is given ----------------------
  function titleOf(g) {
    var t = g.querySelector("title");
    return t ? t.textContent : "";
  }
  function show(t, known, unknownText) {
    if (t.getAttribute("data-shown") === null) {
      t.setAttribute("data-shown", t.textContent);
      t.setAttribute("data-fill", t.getAttribute("fill") || "");
    }
    var hide = !known && t.getAttribute("data-shown") !== unknownText;
    t.textContent = hide ? unknownText : t.getAttribute("data-shown");
    var fill = hide ? "#8a8a8a" : t.getAttribute("data-fill");
    if (fill) { t.setAttribute("fill", fill); } else { t.removeAttribute("fill"); }
  }
  function patch(frame) {
    Array.prototype.forEach.call(frame.querySelectorAll("g.node"), function (g) {
      var m = /^n(\\d+)$/.exec(titleOf(g));
      if (!m) { return; }
      var known = answered(nodeNeeds[Number(m[1])]);
      Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
        var text = t.getAttribute("data-shown") || t.textContent;
        if (/^grad /.test(text)) { show(t, known, "grad ?"); }
      });
    });
    Array.prototype.forEach.call(frame.querySelectorAll("g.edge"), function (g) {
      var m = /^n(\\d+)->n\\d+op$/.exec(titleOf(g));
      if (!m) { return; }
      var known = answered(nodeNeeds[Number(m[1])]);  // the amount on an edge is part of its receiver
      Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
        var text = t.getAttribute("data-shown") || t.textContent;
        var role = text.lastIndexOf(": ");
        show(t, known, role >= 0 ? text.slice(0, role + 2) + "?" : "?");
      });
    });
  }

  function counts() {
    var c = { first: 0, retried: 0, revealed: 0, skipped: 0, open: 0 };
    state.forEach(function (s) {
      if (s.revealed) { c.revealed += 1; }
      else if (s.done) { if (s.tries === 0) { c.first += 1; } else { c.retried += 1; } }
      else if (s.passed) { c.skipped += 1; }
      else { c.open += 1; }
    });
    return c;
  }
  function updateScore() {
    var c = counts();
    var atEnd = window.gradstep.current === frames.length - 1;
    var finished = c.open === 0 && state.every(function (s) { return s.done || s.passed; });
    score.textContent = (atEnd || finished ? "Your score: " : "Score so far: ") + c.first +
      " right first time · " + c.retried + " right after retries · " + c.revealed + " revealed · " +
      c.skipped + " skipped" + (c.open ? " · " + c.open + " not answered yet" : "") + " (of " +
      questions.length + " questions)";
    score.className = atEnd || finished ? "final" : "";
  }

  function render() {
    var i = window.gradstep.current;
    questionAt.forEach(function (q, k) { if (q !== null && k < i) { state[q].passed = true; } });
    var qi = questionAt[i];
    var s = qi === null ? null : state[qi];
    var done = s === null || s.done;
    var pics = frames[i].querySelectorAll(".pic");
    if (pics.length === 2) { pics[0].hidden = done; pics[1].hidden = !done; }
    patch(frames[i]);
    var known = answered(stepNeeds[i]);
    Array.prototype.forEach.call(explanation.querySelectorAll("p"), function (p) {
      var hide = (p.classList.contains("q-only") && done) || (p.classList.contains("a-only") && !done);
      var cond = p.getAttribute("data-if");
      if ((cond === "known" && !known) || (cond === "unknown" && known)) { hide = true; }
      p.hidden = hide;
    });
    row.hidden = s === null;
    note.hidden = s !== null;
    if (s === null) {
      hintText.hidden = true;
      feedback.className = "";
      feedback.textContent = "";
      updateScore();
      return;
    }
    var q = questions[qi];
    promptLabel.textContent = q.prompt;
    if (input.value !== s.typed) { input.value = s.typed; }
    input.className = s.done && !s.revealed ? "right" : (s.mark === "wrong" ? "wrong" : "");
    input.disabled = checkButton.disabled = revealButton.disabled = s.done;
    hintText.textContent = "Hint: " + q.hint;
    hintText.hidden = !s.hint;
    feedback.className = s.mark;
    feedback.textContent = s.text;
    updateScore();
  }

  function currentState() {
    var qi = questionAt[window.gradstep.current];
    return qi === null ? null : { q: questions[qi], s: state[qi] };
  }

  function finish(s) {
    s.done = true;
    render();
    if (!next.disabled) { next.focus(); }  // Enter goes on; ← → work again (the input is done)
  }

  function named(match) {
    return match.mistakes.map(function (m) { return titles[m] || m; }).join(" or ");
  }

  function check() {
    var c = currentState();
    if (c === null || c.s.done) { return; }
    var q = c.q, s = c.s;
    s.typed = input.value;
    var parsed = parseAnswer(input.value);
    if (parsed.error) {  // not an attempt: it does not count as a try
      s.mark = "invalid";
      s.text = parsed.error;
      render();
      return;
    }
    if (isClose(parsed.value, q.expected, q.rtol, q.atol)) {
      s.mark = "right";
      s.text = (s.tries ? "Right, on try " + (s.tries + 1) + ". " : "") + q.right_text;
      finish(s);
      return;
    }
    s.tries += 1;
    var match = null;
    for (var k = 0; k < q.candidates.length && match === null; k++) {
      if (isClose(parsed.value, q.candidates[k].value, q.rtol, q.atol)) { match = q.candidates[k]; }
    }
    if (s.tries >= maxTries) {  // the last try: now the answer, with the right working
      s.revealed = true;
      s.mark = "revealed";
      s.text = "That was try " + maxTries + " of " + maxTries + (match ? " (" + named(match) + ")" : "") +
        ". The answer: " + q.right_text.replace(/^Right: /, "");
      finish(s);
      return;
    }
    var gap = Math.abs(parsed.value - q.expected);
    var near = !match && q.precision &&
      gap <= Math.max(q.near * Math.abs(q.expected), 10 * q.rtol * Math.abs(q.expected), 10 * q.atol);
    var away = q.expected !== 0 ? Number((100 * gap / Math.abs(q.expected)).toPrecision(2)) + "%"
                                : String(Number(gap.toPrecision(2)));
    var left = maxTries - s.tries;
    s.mark = "wrong";
    s.text = (match ? "Not yet (" + named(match) + "). " + match.hint
              : near ? "Close: your answer is " + away + " away from the right value, but not close enough. " +
                       q.precision + " " + q.retry_text
              : "Not yet. " + q.retry_text) +
      " Try again: " + left + (left === 1 ? " try" : " tries") + " left, or Hint, or Show answer.";
    render();
  }

  function reveal() {
    var c = currentState();
    if (c === null || c.s.done) { return; }
    c.s.revealed = true;
    c.s.mark = "revealed";
    c.s.text = "Answer: " + c.q.right_text.replace(/^Right: /, "");
    finish(c.s);
  }

  checkButton.addEventListener("click", check);
  revealButton.addEventListener("click", reveal);
  hintButton.addEventListener("click", function () {
    var c = currentState();
    if (c !== null) { c.s.hint = !c.s.hint; render(); }
  });
  input.addEventListener("input", function () {
    var c = currentState();
    if (c !== null) { c.s.typed = input.value; }
  });
  input.addEventListener("keydown", function (e) {
    // preventDefault: the Enter must not also reach the Next button that check() may focus
    if (e.key === "Enter") { e.preventDefault(); check(); }
  });
  document.addEventListener("gradstep:step", render);
  render();  // the stepper has already shown step 1 before this script ran
})();
"""
