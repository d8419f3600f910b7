"""Notebook 04: backprop by hand, marked by mark_gradients, with one deliberate mistake of each kind."""

from notebook_sources import code, md

NAME = "04_practice.ipynb"

CELLS = [
    md(
        r"""
        # 04 · Practice: backprop by hand, marked

        Watching backprop is half of learning it; the other half is doing it yourself and being told
        precisely what went wrong. `mark_gradients(root, answers)` marks your gradients against the engine's,
        and when an answer is wrong it names the **mistake** (with this graph's own numbers) if it is one of
        the classic five:

        | code | what happened |
        |------|---------------|
        | `accumulation`   | the node is used more than once and you counted only one path |
        | `local-only`     | you gave the local derivative, without multiplying by the upstream gradient |
        | `upstream-only`  | you gave the upstream gradient, without multiplying by the local derivative |
        | `sign`           | the right size, the wrong sign |
        | `value-not-grad` | you gave the node's value, not its gradient |

        **Goal:** work out every gradient of a graph you have not seen (with a node used twice), have it
        marked, and learn to recognise each of the five slips by its numbers.

        `mark_gradients` never touches `.grad`, so you can check as often as you like. (It marks *your*
        answers; to test an engine's gradients numerically, notebook 05's `gradcheck` is the tool.)
        """
    ),
    code(
        """
        from autograd import Value
        from autograd.examples import lecture_graph
        from autograd.practice import MISTAKES, make_exercise, mark_gradients
        from autograd.viz import draw_graph

        def your_graph():
            \"\"\"Your exercise: L = (a·b + b)·c at a = 3, b = -2, c = 4 (built afresh on every call).\"\"\"
            a, b, c = Value(3.0, "a"), Value(-2.0, "b"), Value(4.0, "c")
            e = a * b;  e.label = "e"
            d = e + b;  d.label = "d"      # b is used twice: in e = a·b and in d = e + b
            L = d * c;  L.label = "L"
            return L

        draw_graph(your_graph(), show_grad=False)   # no gradients shown: work them out first
        """
    ),
    md(
        r"""
        ## Your turn: a graph you have not seen

        e = a·b, d = e + b, L = d·c with a = 3, b = −2, c = 4 (so e = −6, d = −8, L = −32). Work out
        ∂L/∂(node) for every node on paper, from L backwards, as in notebook 03's table. Watch b: it is
        used twice. Then replace each `None` below with your answer and run the cell after it. Only the
        answers you filled in are marked; run it as often as you like.
        """
    ),
    code(
        """
        my_answers = {"d": None, "c": None, "e": None, "a": None, "b": None}   # ∂L/∂node
        """
    ),
    code(
        """
        filled = {name: value for name, value in my_answers.items() if value is not None}
        if filled:
            display(mark_gradients(your_graph(), filled, reveal=False))   # names a mistake, hides the answer
        else:
            print("Replace each None with your ∂L/∂(node), run that cell, then run this one again.")
        """
    ),
    md(
        r"""
        ### Solution (try it yourself first)

        <details><summary>Show the working</summary>

        ∂L/∂d = c = 4 and ∂L/∂c = d = −8; the sum passes ∂L/∂e = ∂L/∂d · 1 = 4 on; ∂L/∂a = ∂L/∂e · b =
        4 · (−2) = −8; and b **adds** what arrives along its two paths:

        $$\frac{\partial L}{\partial b} = \frac{\partial L}{\partial e} \cdot a + \frac{\partial L}{\partial d} \cdot 1 = 4 \cdot 3 + 4 \cdot 1 = 16$$

        To have it marked: `my_answers = {"d": 4, "c": -8, "e": 4, "a": -8, "b": 16}`.

        </details>
        """
    ),
    md(
        r"""
        ## Four mistakes on one node

        Back to notebook 03's lecture graph: L = d·f, d = e + c, e = a·b with a = 2, b = −3, c = 10,
        f = −2. Take b. The right answer is ∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = −2 · a = −2 · 2 = **−4**. Here are four wrong
        answers a learner might plausibly give, and what gradstep says about each:

        - **2**: that is ∂e/∂b = a, the local derivative alone: `local-only`;
        - **−2**: that is ∂L/∂e, the upstream gradient alone: `upstream-only`;
        - **4**: `sign`;
        - **−3**: that is b itself: `value-not-grad`.
        """
    ),
    code(
        """
        g = lecture_graph()
        expected_mistakes = {2: "local-only", -2: "upstream-only", 4: "sign", -3: "value-not-grad"}
        for answer, mistake in expected_mistakes.items():
            row = mark_gradients(g.L, {"b": answer}).rows[0]
            print(f"∂L/∂b = {answer:>2}  →  {row.mistake}\\n    {row.explanation}\\n")
            assert not row.correct and row.mistake == mistake
        """
    ),
    md(
        r"""
        ## The fifth mistake: a node used twice

        The lecture graph uses every node once, so it cannot show the most common mistake of all. Here x
        feeds two ops: L = x·w + x, with x = 3 and w = −2. Backprop **adds** what arrives along both paths:
        ∂L/∂x = w + 1 = −1. Answering −2 counts only the path through x·w; and since ∂L/∂xw = 1, that
        path's share is exactly the local derivative ∂(x·w)/∂x = w = −2, so gradstep names both mistakes
        (`row.mistakes`) and shows the sum term by term.
        """
    ),
    code(
        """
        x, w = Value(3.0, "x"), Value(-2.0, "w")
        xw = x * w
        xw.label = "xw"
        L = xw + x
        L.label = "L"
        display(draw_graph(L, show_grad=False))

        report = mark_gradients(L, {"x": -2.0, "w": 3.0})
        print(report)
        x_row, w_row = sorted(report.rows, key=lambda row: row.label != "x")
        assert x_row.mistakes == ("accumulation", "local-only") and w_row.correct
        """
    ),
    md(
        r"""
        ## When one number fits two mistakes

        Change a to −1 in the lecture graph. Now ∂L/∂b = ∂L/∂e · a = −2 · (−1) = **2**, and the answer −2 is
        both the upstream gradient alone *and* the right size with the wrong sign. gradstep cannot know which
        slip you made, so it names both (`row.mistakes`) and says why; `row.mistake` is the first of them.
        The generated exercises below never have such a case: their numbers are chosen so that every classic
        mistake gives a different answer.
        """
    ),
    code(
        """
        a1 = Value(-1.0, "a")
        e1 = a1 * g.b;  e1.label = "e"
        d1 = e1 + g.c;  d1.label = "d"
        L1 = d1 * g.f;  L1.label = "L"
        row = mark_gradients(L1, {"b": -2}).rows[0]
        print(row.mistakes)
        print(row.explanation)
        assert row.mistakes == ("upstream-only", "sign")
        """
    ),
    md(
        r"""
        ## A tanh neuron, to 4 decimals

        o = tanh(x1·w1 + x2·w2 + b) with x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8814 (notebook 03). The
        key number is ∂o/∂n = 1 − o² = 1 − 0.7071² = 0.5. Answers typed to 4 decimals need a tolerance:
        `rtol` and `atol` say how close is close enough.

        Below, all right first; then four wrong answers. Three are named. The fourth (1.0 for x1: that is
        ∂o/∂w1 = 0.5·x1, its partner's gradient, x1 used where w1 belongs) fits none of the five patterns, so gradstep names no
        mistake and shows the right working instead: it only names what it can prove.
        """
    ),
    code(
        """
        x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
        w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
        b = Value(6.8813735870195432, "b")
        x1w1 = x1 * w1;  x1w1.label = "x1w1"
        x2w2 = x2 * w2;  x2w2.label = "x2w2"
        s = x1w1 + x2w2;  s.label = "s"
        n = s + b;  n.label = "n"
        o = n.tanh();  o.label = "o"
        tol = {"rtol": 1e-3, "atol": 1e-3}

        by_hand = {"n": 0.5, "s": 0.5, "b": 0.5, "x1w1": 0.5, "x2w2": 0.5,
                   "w1": 0.5 * 2, "x1": 0.5 * -3, "w2": 0.5 * 0, "x2": 0.5 * 1}
        assert mark_gradients(o, by_hand, **tol).ok

        wrong = {"b": -0.5, "w1": 0.5, "x2": 0.0, "x1": 1.0}
        report = mark_gradients(o, wrong, **tol)
        display(report)
        mistakes = {row.label: row.mistake for row in report.rows}
        assert mistakes == {"b": "sign", "w1": "upstream-only", "x2": "value-not-grad", "x1": None}
        """
    ),
    md(
        r"""
        ## More exercises, generated

        `make_exercise(level, seed)` makes a fresh small graph with hand-friendly numbers (level 1: `+` and
        `*`; level 2 adds `-`, `/`, `**2` and always a node used twice; level 3: a tanh neuron or exp/log).
        The questions come in backprop order; `hint(i)` gives the chain rule in symbols; `answer(i, value)`
        marks one answer: a wrong one gets `feedback.hint`, which names the mistake with this graph's numbers
        but not the right answer, and another try (three in all; `reveal(i)` shows the answer). The score
        tells apart right first time, right after retries, revealed and skipped. The same seed gives the same
        exercise.
        """
    ),
    code(
        """
        ex = make_exercise(level=2, seed=3)
        print(ex.title, "  with", ex.inputs_text())
        print(ex.forward_table())
        print()
        for i, q in enumerate(ex.questions):
            print(f"Q{i}: {q.prompt}     hint: {ex.hint(i)}")

        first = ex.answer(0, -ex.expected(0))   # a deliberate sign slip
        print(f"\\nanswer to Q0: wrong ({first.mistake}) - {first.hint}")
        ex.answer(0, ex.expected(0))             # the second try
        for i in range(1, len(ex.questions)):
            ex.answer(i, ex.expected(i))
        print("score:", ex.score)

        assert not first.correct and first.mistakes == ("sign",)
        assert ex.score.right == len(ex.questions) - 1 and ex.score.retried == 1
        assert make_exercise(level=2, seed=3).title == ex.title     # reproducible
        assert set(MISTAKES) == {"accumulation", "local-only", "upstream-only", "sign", "value-not-grad"}
        """
    ),
    md(
        r"""
        ## The quiz page: the stepper asks before it shows

        `save_backprop_html(root, path, quiz=True)` writes the HTML stepper of notebook 03 as a quiz: at each
        step you type the node's gradient (Enter checks it; fractions like `-3/2` are fine) and it is marked
        at once, with the same explanation as `mark_gradients`, before the picture reveals it. Like the stepper
        it is one self-contained file with no network access; below it is shown in the notebook, and the
        file can be opened in any browser.
        """
    ),
    code(
        """
        import tempfile
        from pathlib import Path

        from autograd.viz import show_backprop

        quiz = show_backprop(g.L, quiz=True)
        quiz_path = quiz.save(Path(tempfile.mkdtemp(prefix="gradstep-")) / "lecture_quiz.html")
        print(f"wrote {quiz_path} ({len(quiz.html) // 1024} KB); open it in a browser to take the quiz")
        assert "quiz-input" in quiz.html and "<script src" not in quiz.html and "<link" not in quiz.html
        quiz                                     # the quiz, here, at the notebook's width
        """
    ),
    md(
        r"""
        ### Keep practising

        - In a terminal: `gradstep practice --level 2` asks each gradient in backprop order, marks it at
          once and ends with your score; `gradstep practice "(a*b + c)*f" --at a=2,b=-3,c=10,f=-2` drills
          the lecture graph. Type `h` for a hint.
        - In a browser: `gradstep graph "(a*b + c)*f" --at a=2,b=-3,c=10,f=-2 --backprop quiz.html --quiz`
          writes the quiz page for any expression.
        - Fill in `my_answers` above, or `make_exercise(level=3, seed=...)` for tanh and exp/log steps.


        ## What you saw

        - Backprop by hand is the chain rule applied node by node from the output back: upstream gradient
          × local derivative, and a **sum** of those products where a node is used more than once.
        - A wrong gradient is rarely random: it is usually one of five slips (a missed path, a missing
          upstream factor, a missing local factor, a sign, a value for a gradient), and `mark_gradients`
          names the one your number fits, with this graph's numbers, without giving the answer away.
        - When one number fits two slips, both are named: the marker says only what it can prove.

        Next: **05 · Checking gradients**, how to check a gradient with no answer sheet at all, against the
        limit definition of notebook 01.
        """
    ),
]
