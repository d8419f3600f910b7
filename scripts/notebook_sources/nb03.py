"""Notebook 03: the chain rule by hand on the lecture graph, trace_backward, frames, a neuron, the stepper."""

from notebook_sources import code, md

NAME = "03_backprop_step_by_step.ipynb"

CELLS = [
    md(
        r"""
        # 03 · Backprop, step by step

        The GRADIENT step of training needs ∂L/∂w for every parameter w: how much the loss L changes when
        w is nudged. **Backpropagation** gets all of them in one pass backwards through the graph, using
        only the chain rule. In this notebook you do it by hand once, then watch autograd do the same
        thing, one node at a time.

        **Goal:** compute every gradient of a small graph yourself, have your answers marked, and then
        read the same numbers off autograd's trace and pictures. Cells with `None` in them are yours.
        """
    ),
    code(
        """
        import tempfile
        from pathlib import Path

        from IPython.display import display

        from autograd import Value, trace_backward
        from autograd.examples import lecture_graph
        from autograd.practice import mark_answer   # marks the numbers you predict
        from autograd.viz import backprop_frames, draw_graph, show_backprop

        g = lecture_graph()
        draw_graph(g.L)
        """
    ),
    md(
        r"""
        ## By hand: from the output backwards

        The graph computes e = a·b, d = e + c, L = d·f with a = 2, b = −3, c = 10, f = −2, so e = −6,
        d = 4 and L = −8. Two facts are all we need:

        1. **Local derivatives.** Each op knows how its output changes with each input:
           for `x·y` the derivative with respect to x is y (and vice versa); for `x + y` it is 1 for both.
        2. **The chain rule.** If L depends on d and d depends on e, then

           $$\frac{\partial L}{\partial e} = \frac{\partial L}{\partial d} \cdot \frac{\partial d}{\partial e}$$

           *the gradient arriving from above (upstream) × the local derivative*.

        Start at the top, where ∂L/∂L = 1, and work down. **Your turn:** fill in the table on paper, top
        row first, then type your numbers into the cell below and run it to have them marked.

        | node | used by | gradient = upstream × local | value |
        |------|---------|-----------------------------|-------|
        | L    | (the output) | (start)                | 1     |
        | d    | L = d·f |                             |       |
        | f    | L = d·f |                             |       |
        | e    | d = e + c |                           |       |
        | c    | d = e + c |                           |       |
        | a    | e = a·b |                             |       |
        | b    | e = a·b |                             |       |

        Read a finished row as a sentence: *nudging a up by 0.001 changes L by about (its gradient) × 0.001.*
        """
    ),
    code(
        """
        my_gradients = {"d": None, "f": None, "e": None, "c": None, "a": None, "b": None}   # ∂L/∂node
        """
    ),
    code(
        """
        from autograd.practice import mark_gradients

        filled = {name: value for name, value in my_gradients.items() if value is not None}
        if not filled:
            print("Fill in my_gradients above (numbers like -2 or 3/2 as 1.5), run it, then run this cell.")
        else:
            display(mark_gradients(lecture_graph().L, filled, reveal=False))   # names a mistake, hides the answer
        """
    ),
    md(
        r"""
        ### The table, worked out (read this after your own try)

        <details><summary>Show the worked table</summary>

        | node | gradient = upstream × local | value |
        |------|-----------------------------|-------|
        | d    | ∂L/∂L · f = 1 · (−2)        | −2    |
        | f    | ∂L/∂L · d = 1 · 4           | 4     |
        | e    | ∂L/∂d · 1 = −2 · 1          | −2    |
        | c    | ∂L/∂d · 1 = −2 · 1          | −2    |
        | a    | ∂L/∂e · b = −2 · (−3)       | 6     |
        | b    | ∂L/∂e · a = −2 · 2          | −4    |

        </details>

        The same in code, checked against nudging each input (central differences):
        """
    ),
    code(
        """
        a, b, c, f = 2.0, -3.0, 10.0, -2.0
        e = a * b
        d = e + c
        dL_dL = 1.0
        dL_dd, dL_df = dL_dL * f, dL_dL * d
        dL_de, dL_dc = dL_dd * 1, dL_dd * 1
        dL_da, dL_db = dL_de * b, dL_de * a
        by_hand = {"a": dL_da, "b": dL_db, "c": dL_dc, "f": dL_df, "e": dL_de, "d": dL_dd}
        print(by_hand)

        # An independent check: nudge each input a little and see how much L moves (central differences).
        def L_of(a, b, c, f):
            return (a * b + c) * f

        h = 1e-6
        inputs = {"a": a, "b": b, "c": c, "f": f}
        for name in inputs:
            up, down = dict(inputs), dict(inputs)
            up[name] += h
            down[name] -= h
            nudged = (L_of(**up) - L_of(**down)) / (2 * h)
            print(f"∂L/∂{name}: by hand {by_hand[name]:5.1f}, by nudging {nudged:10.6f}")
            assert abs(nudged - by_hand[name]) < 1e-6
        """
    ),
    md(
        r"""
        ## The same, by autograd: `trace_backward`

        `trace_backward(L)` runs the backward pass and writes every step down: which node, its gradient
        (complete at that moment, because every node that uses it came earlier), and what it passes to
        each parent: the local derivative, with the formula, and the contribution upstream × local.
        Compare it with the table above.
        """
    ),
    code(
        """
        g = lecture_graph()
        trace = trace_backward(g.L)   # like g.L.backward(), and it also returns the steps
        display(trace)

        for name, value in by_hand.items():
            assert getattr(g, name).grad == value, (name, getattr(g, name).grad, value)
        """
    ),
    md(
        r"""
        One step, printed on its own, reads like the sentence you would say at the whiteboard. Here is the
        step at e = a·b:
        """
    ),
    code(
        """
        step_e = next(step for step in trace if step.label == "e")
        print(step_e)
        assert step_e.upstream == -2.0 and [p.contribution for p in step_e.parents] == [6.0, -4.0]
        """
    ),
    md(
        r"""
        ## One derivative, three ways

        Take f(x) = (3x + 1)² at x = 1. **Predict** f′(1) before reading on, and put it in `my_slope`.
        """
    ),
    code(
        """
        my_slope = None   # f'(1) for f(x) = (3x + 1)**2
        """
    ),
    code(
        """
        mark_answer("03.chain-slope", my_slope)
        """
    ),
    md(
        r"""
        1. **By the limit definition:** the difference quotient (f(1 + h) − f(1)) / h for smaller and
           smaller h.
        2. **By the chain rule on paper:** f is an outer square of an inner u = 3x + 1, so
           f′(x) = 2u · du/dx = 2(3x + 1) · 3.
        3. **By backprop:** build the graph u = 3·x + 1, f = u·u and call `backward()`. The node u is used
           twice (u·u), so it receives u + u from the product, and passes that on times 3 to x.
        """
    ),
    code(
        """
        from autograd.check import limit_table

        def f_of(x):
            return (3 * x + 1) ** 2

        table = limit_table(f_of, 1.0, hs=[1e-1, 1e-2, 1e-3, 1e-4])
        display(table)                                            # 1. the limit: the quotients close in

        by_chain_rule = 2 * (3 * 1.0 + 1) * 3                     # 2. outer 2u, times inner 3

        x = Value(1.0, "x")
        u = 3 * x + 1;  u.label = "u"
        out = u * u;  out.label = "f"
        out.backward()                                            # 3. backprop
        print(f"chain rule: {by_chain_rule}   backprop: ∂f/∂u = {u.grad}, ∂f/∂x = {x.grad}")
        """
    ),
    code(
        """
        assert by_chain_rule == x.grad == 24.0 and u.grad == 8.0        # u + u = 4 + 4, then × 3
        assert abs(table.rows[-1].forward - 24.0) < 1e-3                   # the limit agrees
        """
    ),
    md(
        r"""
        ## Watching it: one picture per step

        `backprop_frames(L)` draws the graph at each step of the pass: the active node and the edges it
        sends gradient along are highlighted, gradients already known are filled in, and the ones not
        known yet show "?". There is one step per node that passes gradient on (L, d and e): a leaf has
        nothing to pass on, and its gradient is final once the node that uses it has had its turn.
        """
    ),
    code(
        """
        g = lecture_graph()
        frames = backprop_frames(g.L)
        print(f"{len(frames)} frames, one per node that passes gradient on")
        assert len(frames) == 3                                  # L, d, e; the 4 inputs are leaves
        assert all(node.grad == 0 for node in g)                 # pictures never touch .grad
        for frame in frames:
            display(frame)
        """
    ),
    md(
        r"""
        ## A tanh neuron

        A neuron computes n = x1·w1 + x2·w2 + b and squashes it: o = tanh(n). The only new local
        derivative is tanh's:

        $$\frac{d\,\tanh(n)}{dn} = 1 - \tanh(n)^2 = 1 - o^2$$

        With x1 = 2, x2 = 0, w1 = −3,
        w2 = 1 and b = 6.8814, n ≈ 0.8814 and o ≈ 0.7071, so ∂o/∂n = 1 − 0.5 = **0.5**. Then:

        - ∂o/∂b = ∂o/∂n · 1 = 0.5 (the sum passes the gradient through unchanged)
        - ∂o/∂w1 = 0.5 · x1 = 1.0 and ∂o/∂x1 = 0.5 · w1 = −1.5
        - ∂o/∂w2 = 0.5 · x2 = 0 (an input of 0 makes its weight's gradient 0) and ∂o/∂x2 = 0.5 · w2 = 0.5
        """
    ),
    code(
        """
        def neuron():
            x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
            w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
            b = Value(6.8813735870195432, "b")
            x1w1 = x1 * w1;  x1w1.label = "x1w1"
            x2w2 = x2 * w2;  x2w2.label = "x2w2"
            s = x1w1 + x2w2;  s.label = "s"
            n = s + b;  n.label = "n"
            o = n.tanh();  o.label = "o"
            return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}

        o, leaves = neuron()
        trace = trace_backward(o)
        print(trace)

        do_dn = 1 - o.data**2                    # tanh' = 1 - tanh², worked out by hand above
        expected = {"b": do_dn, "w1": do_dn * 2.0, "x1": do_dn * -3.0, "w2": do_dn * 0.0, "x2": do_dn * 1.0}
        for name, value in expected.items():
            assert abs(leaves[name].grad - value) < 1e-12, (name, leaves[name].grad, value)
        assert abs(leaves["w1"].grad - 1.0) < 1e-4
        """
    ),
    md(
        r"""
        ## The stepper: step through it yourself

        `save_backprop_html(root, path)` writes all the frames into **one self-contained HTML page** (no
        internet needed): Prev / Next buttons, a slider and the ← / → keys move through the steps, and each
        step's chain-rule sentence is shown under the picture. `show_backprop(root)` shows the same page
        right here, sized to the notebook; `.save(path)` writes it, to open in a browser full size.
        """
    ),
    code(
        """
        o, _ = neuron()
        page = show_backprop(o, title="Backprop through one tanh neuron")
        page_path = page.save(Path(tempfile.mkdtemp(prefix="gradstep-")) / "neuron_backprop.html")
        print(f"wrote {page_path} ({len(page.html) // 1024} KB)")
        assert "<svg" in page.html and "<script src" not in page.html and "<link" not in page.html  # all inline
        page                                     # shows the page here, at the notebook's width
        """
    ),
    md(
        r"""
        ### What you saw

        - Backprop visits each node after every node that uses it; at that moment its gradient is final.
        - At every op, gradient to an input = upstream gradient × the op's local derivative, and a node
          used several times adds up what it receives.
        - By hand, by nudging, and by autograd: the same numbers. One derivative, (3x + 1)² at 1, came out
          24 by the limit, by the chain rule and by backprop.

        **Try it:** change b to 1.0 in `neuron()` and predict ∂o/∂w1 before running it. Next:
        **04 · Practice**: backprop by hand on graphs of your own, marked as you go.
        """
    ),
]
