"""Notebook 02: building expressions with Value, what the graph records, draw_graph."""

from notebook_sources import code, md

NAME = "02_values_and_graphs.ipynb"

CELLS = [
    md(
        r"""
        # 02 · Values and graphs: what autograd records

        In the loop INIT → PREDICT → LOSS → GRADIENT → STEP, the PREDICT and LOSS steps are ordinary
        arithmetic. To get the GRADIENT, autograd needs to know *how* every number was made. So it does the
        arithmetic with `Value` objects, and each result remembers its inputs and the operation that made
        it. Together they form a **computation graph**: the record backprop walks through (notebook 03).

        **Goal:** build expressions from Values, read what each node records, and predict what the
        graph of an expression looks like before you draw it.
        """
    ),
    code(
        """
        from autograd import Value, no_grad
        from autograd.examples import lecture_graph
        from autograd.practice import mark_answer   # marks the numbers you predict
        from autograd.viz import draw_graph
        """
    ),
    md(
        r"""
        ## A Value wraps one number

        Give it a number and, optionally, a label (the name the pictures use). Arithmetic on Values makes
        new Values. Each one stores:

        | field      | what it is                                                     |
        |------------|----------------------------------------------------------------|
        | `.data`    | the number                                                     |
        | `.grad`    | ∂L/∂(this node), filled in by backprop; 0 until then           |
        | `.parents` | the Values it was made from (empty for an input, a *leaf*)     |
        | `.op`      | the operation that made it, e.g. `'*'` (`''` for a leaf)       |
        """
    ),
    code(
        """
        a = Value(2.0, "a")
        b = Value(-3.0, "b")
        c = Value(10.0, "c")
        e = a * b;  e.label = "e"
        d = e + c;  d.label = "d"

        print(f"{'node':<5} {'data':>6} {'grad':>5}  {'op':<3} parents")
        for node in [a, b, c, e, d]:
            parents = ", ".join(p.label for p in node.parents) or "(leaf)"
            print(f"{node.label:<5} {node.data:6.1f} {node.grad:5.1f}  {node.op or '':<3} {parents}")

        assert d.data == 2.0 * -3.0 + 10.0
        assert e.op == "*" and e.parents == (a, b)
        assert d.op == "+" and d.parents == (e, c)
        assert a.is_leaf and a.op == "" and a.parents == ()
        """
    ),
    md(
        r"""
        ## The graph, drawn

        `draw_graph(root)` draws everything `root` was computed from. Each value is a box
        **label | data | grad**; a small circle between boxes is the operation. Arrows point the way the
        numbers flow in the forward pass (PREDICT). All gradients are 0: nothing has been differentiated
        yet.
        """
    ),
    code(
        """
        draw_graph(d)
        """
    ),
    md(
        r"""
        ## The lecture graph

        One more step gives the graph of the lecture: L = d · f with f = −2, so
        L = (a·b + c)·f = (−6 + 10)·(−2) = −8. `autograd.examples.lecture_graph()` builds exactly this
        (the same one the command line, the tests and notebook 03 use).
        """
    ),
    code(
        """
        g = lecture_graph()
        assert (g.a.data, g.b.data, g.c.data, g.f.data) == (2.0, -3.0, 10.0, -2.0)
        assert g.L.data == -8.0
        draw_graph(g.L)
        """
    ),
    md(
        r"""
        Calling `backward()` on a result runs backprop over its record and fills in every `.grad`. Here
        it is on the smaller graph d = a·b + c from above, so every grad is ∂d/∂(node) (the lecture
        graph's gradients are yours to work out in notebook 03). How backprop computes them is the
        subject of notebook 03; for now, look at what changes in the picture: only the grad column. The
        graph itself (its data, its edges) stays as it was.
        """
    ),
    code(
        """
        d.backward()
        # Checked against nudging each input by a small h (the limit definition of notebook 01):
        h = 1e-6
        for node, nudged in [(a, (2.0 + h) * -3.0 + 10.0), (b, 2.0 * (-3.0 + h) + 10.0), (c, 2.0 * -3.0 + 10.0 + h)]:
            assert abs(node.grad - (nudged - d.data) / h) < 1e-6, (node.label, node.grad)
        draw_graph(d)
        """
    ),
    md(
        r"""
        ## Numbers, reuse and functions

        - A plain number in an expression (`2 * x`) becomes a constant leaf in the graph.
        - A Value used twice (`x * x`) is **one** node with two arrows out of it. Backprop adds up what
          flows back along both: for z = x·x, dz/dx = x + x = 2x.
        - Nodes without a label get a stand-in name in the picture (`n1`, `n2`, … in the order they were
          computed, an unlabeled output `out`); constants are `k1`, `k2`, … with their number beside them.

        **Predict first:** how many nodes (values: inputs, constants and results) does the graph of
        y = x·x + 2·x have, and how many arrows leave x? Fill in the cell, then run the one after it.
        """
    ),
    code(
        """
        my_node_count = None     # nodes in the graph of y = x*x + 2*x
        my_arrows_from_x = None  # how many times x is used
        """
    ),
    code(
        """
        x = Value(3.0, "x")
        y = x * x + 2 * x
        y.label = "y"
        y.backward()

        def nodes_of(root):
            seen, todo = set(), [root]
            while todo:
                node = todo.pop()
                if node not in seen:
                    seen.add(node)
                    todo.extend(node.parents)
            return seen

        nodes = nodes_of(y)
        uses_of_x = sum(parent is x for node in nodes for parent in node.parents)
        display(mark_answer("02.nodes", my_node_count), mark_answer("02.arrows-from-x", my_arrows_from_x))
        if my_node_count is not None and my_arrows_from_x is not None:   # the picture, once you have guessed
            print("y =", y.data, "  dy/dx =", x.grad)
            display(draw_graph(y))
        """
    ),
    code(
        """
        assert len(nodes) == 5 and uses_of_x == 3   # x, the constant 2, x·x, 2·x, y; x feeds x·x twice and 2·x
        assert y.data == 15.0 and x.grad == 2 * 3.0 + 2
        """
    ),
    md(
        r"""
        Values also have functions: `exp() log() sqrt() tanh() sigmoid() relu() sin() cos()`. Here is one
        **neuron**: two inputs, two weights, a bias, and tanh to squash the sum into (−1, 1). This is the
        building block of the networks in notebook 06.

        Every op carries its own rule: its formula and its *local* derivatives (how its output changes
        with each input). Backprop needs nothing else. The cell prints those rules for the ops in the
        neuron, straight from the engine's op table.
        """
    ),
    code(
        """
        x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
        w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
        bias = Value(6.8813735870195432, "b")
        x1w1 = x1 * w1;  x1w1.label = "x1w1"
        x2w2 = x2 * w2;  x2w2.label = "x2w2"
        s = x1w1 + x2w2;  s.label = "s"
        n = s + bias;  n.label = "n"
        o = n.tanh();  o.label = "o"

        for node in [x1w1, s, n, o]:
            names = [p.label for p in node.parents]
            rule = node.rule
            locals_ = ", ".join(f"∂/∂{name} = {rule.deriv_text(i, names)}" for i, name in enumerate(names))
            print(f"{node.label:>5} = {rule.expr_text(names):<12}  local derivatives: {locals_}")

        assert abs(o.data - 0.7071) < 1e-4   # the bias was chosen so that n ≈ 0.8814 and tanh(n) ≈ 1/√2
        draw_graph(o)
        """
    ),
    md(
        r"""
        ## Switching the recording off

        Recording costs time and memory. When you only want numbers, for example to update parameters in
        the STEP of training or to evaluate a model, wrap the code in `no_grad()`: the results are plain
        leaves with no parents.
        """
    ),
    code(
        """
        with no_grad():
            z = a * b + c
        print("inside no_grad:", z.data, "parents:", z.parents)
        assert z.data == d.data and z.parents == () and z.is_leaf
        """
    ),
    md(
        r"""
        ### What you saw

        - Arithmetic on `Value`s records a graph: every node knows its data, its parents and its op.
        - `draw_graph` shows that record; `.grad` fills in after `backward()`.
        - A node used twice collects gradient from both uses.

        **Try it:** draw `(a * b).tanh()` with `draw_graph(..., rankdir="TB")`; build `a * a * a` from a fresh
        `a = Value(2.0, "a")` and check that `a.grad` after `backward()` is 3a² = 12 (why fresh? the
        old `a` still holds a gradient, and backward() adds to it). Next: **03 · Backprop step by step**.
        """
    ),
]
