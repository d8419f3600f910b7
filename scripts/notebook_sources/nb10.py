"""Notebook 10: from scalars to tensors — one sample's graph run on a whole batch (lanes)."""

from notebook_sources import code, md

NAME = "10_from_scalars_to_tensors.ipynb"

CELLS = [
    md(
        r"""
        # 10 · From scalars to tensors

        Every network so far was trained the scalar way: for each point of the batch, Python builds the
        point's own graph of `Value`s, and `backward()` walks it. That is the clearest way to *see*
        backprop, and the slowest way to *run* it.

        Look at two of those graphs side by side and you find they are the same graph: the same ops, in
        the same places, on the same parameters. Only the numbers differ. So build it **once**, and run
        every node on **all points at once**: one numpy array per node, one entry (a *lane*) per point.
        That is `autograd.lanes`, and it is the idea inside every tensor library.

        **Goal:** run one recorded graph on one sample and on many; check that the batched gradients are
        the mean of the per-sample ones (exactly? closely? by how much?); see why a tensor library's
        layer is this idea grouped by layer; and see what a Python `if` on the data does to it.
        Cells that start with `guess_... = None` are yours: fill them in before running the cell after
        them.
        """
    ),
    code(
        """
        import time

        import numpy as np

        from autograd import Value, draw_graph, sum_of
        from autograd.lanes import record
        from autograd.practice import mark_answer   # marks what you predict
        from nn import MLP
        from nn.datasets import make_moons

        X, y = make_moons(n_samples=100, noise=0.1, seed=0)
        t = 2.0 * y - 1.0                       # labels as ±1 for the hinge loss
        model = MLP(2, [8, 8, 1], rng=1)
        params = model.parameters()

        def sample_loss(x1, x2, label):
            # One point's loss: the hinge max(0, 1 − label·score). The label is an input like x1 and x2.
            return (1.0 - model([x1, x2]) * label).relu()

        print(len(params), "parameters")
        """
    ),
    md(
        r"""
        ## One sample

        Here is the graph of the first point's loss: two inputs and the label go in, 105 parameters sit
        in it, one number comes out.
        """
    ),
    code(
        """
        one = sample_loss(Value(X[0, 0], "x1"), Value(X[0, 1], "x2"), Value(t[0], "y"))
        one.backward()

        def count_nodes(root):
            seen, stack = set(), [root]
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(node.parents)
            return len(seen)

        nodes_per_sample = count_nodes(one)
        print(f"one sample: loss {one.data:.4f}, {nodes_per_sample} nodes in its graph")
        model.zero_grad()
        """
    ),
    md(
        r"""
        ## Many samples, the scalar way

        The batch loss is the mean of the 100 per-point losses. The scalar engine builds 100 such graphs
        (plus the mean on top) and backpropagates through all of them.
        """
    ),
    code(
        """
        def scalar_step():
            model.zero_grad()
            losses = [sample_loss(Value(a), Value(b), Value(c)) for (a, b), c in zip(X, t)]
            total = sum_of(losses) * (1.0 / len(losses))
            total.backward()
            return total.data, np.array([p.grad for p in params])

        began = time.perf_counter()
        scalar_loss, scalar_grads = scalar_step()
        scalar_seconds = time.perf_counter() - began
        print(f"scalar: loss {scalar_loss:.6f} from {len(X)} graphs of {nodes_per_sample} nodes "
              f"({len(X) * nodes_per_sample:,} Value objects) in {1000 * scalar_seconds:.1f} ms")
        """
    ),
    md(
        r"""
        ## Many samples, one graph: lanes

        `record(f, n_inputs)` records the graph of `f` once; `program.run(*columns)` runs it on whole
        columns of the data (one array per input) and returns the mean. Like `backward()`, it adds the
        gradient into every parameter's `.grad`.
        """
    ),
    code(
        """
        program = record(sample_loss, 3, names=["x1", "x2", "y"])

        def lanes_step():
            model.zero_grad()
            loss = program.run(X[:, 0], X[:, 1], t)
            return loss, np.array([p.grad for p in params])

        lanes_step()                             # the first run records the graph (and checks it)
        began = time.perf_counter()
        lanes_loss, lanes_grads = lanes_step()
        lanes_seconds = time.perf_counter() - began
        print(f"lanes:  loss {lanes_loss:.6f} from 1 graph run on {len(X)} lanes in {1000 * lanes_seconds:.2f} ms")
        print(f"        {scalar_seconds / lanes_seconds:.0f}× faster than the scalar way")
        """
    ),
    md(
        r"""
        `draw_graph` of a program draws the one recorded graph, with the numbers of one lane (here for
        a one-neuron network, small enough to read). Its caption says how many samples that one graph stands for: each
        computed node's gradient is that sample's share of ∂(mean loss)/∂node, while a parameter's
        gradient is the sum of all the samples' shares: the mean of the per-sample gradients.
        """
    ),
    code(
        """
        tiny = MLP(2, [1], rng=3)                # one neuron: a graph small enough to read
        tiny_program = record(lambda x1, x2, label: (1.0 - tiny([x1, x2]) * label).relu(), 3,
                              names=["x1", "x2", "y"])
        tiny_program.run(X[:, 0], X[:, 1], t)
        draw_graph(tiny_program)
        """
    ),
    md(
        r"""
        ## Are the batched gradients the mean of the per-sample ones?

        A question learners ask: is the gradient of the mean really the mean of the per-sample
        gradients? Mathematically yes, because the derivative of a sum is the sum of the derivatives:

        $$\frac{\partial}{\partial \theta} \frac{1}{N} \sum_{i=1}^{N} L_i = \frac{1}{N} \sum_{i=1}^{N} \frac{\partial L_i}{\partial \theta}$$

        In
        floating point, look before you believe: **exactly** equal, or only **close**, and by how much?
        """
    ),
    code(
        """
        guess_exact = None   # True: all 105 gradients agree to the last bit; False: not all of them
        """
    ),
    code(
        """
        exact = int(np.sum(lanes_grads == scalar_grads))
        difference = np.abs(lanes_grads - scalar_grads)
        all_exact = exact == len(params)
        if guess_exact is None:
            print("Put True or False in guess_exact, the cell above, and run both cells again.")
        else:
            print(f"exactly equal: {exact} of {len(params)}")
            print(f"close (np.allclose, rtol 1e-12): {np.allclose(lanes_grads, scalar_grads, rtol=1e-12, atol=1e-15)}")
            print(f"largest difference: {difference.max():.1e}   (largest gradient {np.abs(scalar_grads).max():.2f})")
            verdict = "right" if bool(guess_exact) == all_exact else "not this time"
            print(f"your guess ({guess_exact}): {verdict}. " + ("Read on for why." if not all_exact else ""))
        assert np.allclose(lanes_grads, scalar_grads, rtol=1e-12, atol=1e-15)
        assert abs(lanes_loss - scalar_loss) <= 1e-12 * abs(scalar_loss)
        """
    ),
    md(
        r"""
        Close, not always exact. Both add up the same 100 contributions per parameter, but in a
        different order (lanes sum a column of numpy numbers; a matrix product sums in blocks), and
        floating-point addition is not associative: the last bit depends on the order.
        """
    ),
    code(
        """
        print((0.1 + 0.2) + 0.3, "vs", 0.1 + (0.2 + 0.3))
        contributions = np.random.default_rng(0).normal(size=100)
        print("one order:", sum(contributions), "  another:", sum(sorted(contributions)),
              "  numpy's:", contributions.sum())
        """
    ),
    md(
        r"""
        ## Why a tensor library is this idea, grouped by layer

        Running one graph on many lanes makes each *node* one numpy call. Look closer at the graph: the 8
        neurons of a layer are 8 nodes with the same op that do not depend on each other. Run them together
        too, and the 8 weighted sums become **one matrix product** of the layer's weights with the
        inputs of every lane. `program.describe()` shows what lanes actually run:
        """
    ),
    code(
        """
        print(program.describe())
        """
    ),
    md(
        r"""
        Eight groups for the whole network, instead of 100 × 145 node visits. Written out by hand, the
        same forward pass is what you would write in PyTorch or NumPy: a layer is `relu(W @ X + b)`,
        where `W` holds a row per neuron and `X` a column per sample.
        """
    ),
    code(
        """
        def layer_matrices(layer):
            W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
            b = np.array([neuron.b.data for neuron in layer.neurons])
            return W, b

        H = X.T                                        # 2 × 100: one column per sample
        for k, layer in enumerate(model.layers):
            W, b = layer_matrices(layer)
            H = W @ H + b[:, None]                     # all neurons, all samples, one product
            if k < len(model.layers) - 1:
                H = np.maximum(H, 0.0)                 # relu on the whole block
        by_hand = H[0]

        scores = record(lambda x1, x2: model([x1, x2]), 2).forward(X[:, 0], X[:, 1])
        print("largest difference, tensors by hand vs lanes:", np.abs(by_hand - scores).max())
        assert np.allclose(by_hand, scores, rtol=1e-12, atol=1e-14)
        """
    ),
    md(
        r"""
        A tensor library stores `W` as one array from the start, so it never had a scalar graph to
        group. Its backward pass is the same grouping of the chain rule: the gradient of `W @ X` is
        `G @ Xᵀ` for the weights, each entry the sum over the samples of what one scalar graph would
        send back, which is the check you just did.

        ## A Python `if` on the data

        A recorded graph is only right for samples that would have recorded the same graph. Code that
        branches on a value's *number* records one branch. **Predict:** `branchy` below is recorded on
        one sample and run on 100 samples, some of them on the other side of 0. What happens: `"right"`
        (the right numbers anyway), `"wrong"` (one branch silently applied to all) or `"error"`? Put it
        in `guess_branch`.
        """
    ),
    code(
        """
        guess_branch = None   # "right", "wrong" or "error"
        """
    ),
    code(
        """
        w = Value(0.5, "w")

        def branchy(x):
            if x.data > 0:                             # a branch on the data: not part of the graph
                return w * x
            return w * x * 0.01

        try:
            record(branchy, 1).run(X[:, 0] - 0.5)
            outcome = "it ran"
        except Exception as err:
            outcome = f"{type(err).__name__}: {str(err)[:300]} …"
        if guess_branch is not None:
            print(outcome)
        display(mark_answer("10.branch", guess_branch))
        """
    ),
    md(
        r"""
        The fix is to write the branch as an op, which *is* in the graph and runs per lane: here the
        leaky relu of `w·x` (slope 0.01 below zero) is exactly `branchy`.
        """
    ),
    code(
        """
        fixed = record(lambda x: (w * x).leaky_relu(0.01), 1)
        column = X[:, 0] - 0.5
        by_lanes = fixed.forward(column)
        by_scalars = np.array([branchy(Value(v)).data for v in column])
        assert np.allclose(by_lanes, by_scalars, rtol=1e-15)
        print("same numbers for all", len(column), "samples, now with one graph")
        """
    ),
    md(
        r"""
        ## Training on lanes

        `fit(..., lanes=True)` trains with a recorded graph: the same loss curve as the scalar engine,
        many times faster. (`gradstep demo --spirals` trains a 2 → 32 → 32 → 3 network on 3,000 points
        this way.)
        """
    ),
    code(
        """
        from nn import fit
        from optim import SGD

        runs = {}
        for lanes in (False, True):
            net = MLP(2, [8, 8, 1], rng=1)
            began = time.perf_counter()
            history = fit(net, X, y, "hinge", SGD(net.parameters(), lr=0.1, momentum=0.9), epochs=30,
                          progress=False, lanes=lanes)
            runs[lanes] = (history, time.perf_counter() - began)
        (h_scalar, s_scalar), (h_lanes, s_lanes) = runs[False], runs[True]
        print(f"scalar: {s_scalar:.2f} s, final loss {h_scalar.loss[-1]:.6f}, accuracy {h_scalar.accuracy[-1]:.0%}")
        print(f"lanes:  {s_lanes:.2f} s, final loss {h_lanes.loss[-1]:.6f}, accuracy {h_lanes.accuracy[-1]:.0%}")
        assert np.allclose(h_scalar.loss, h_lanes.loss, rtol=1e-9)
        """
    ),
    md(
        r"""
        ## What you saw

        * The graph of one sample is the same for every sample; only the numbers differ.
        * Recording it once and running each node on all samples (lanes) gives the mean loss and the
          mean of the per-sample gradients: equal up to the last bits, because floating-point addition
          depends on the order.
        * Grouping the same-op nodes of a layer turns its weighted sums into one matrix product: that is
          a tensor library's layer, `relu(W @ X + b)`.
        * A Python `if` on a value's data is not in the graph; write branches as ops (`relu`, `abs`,
          `leaky_relu`) and they run per sample.

        That is the course: from the limit definition (01) through backprop by hand (03, 04), checked
        (05), to training (06, 07), curvature (08), an engine of your own (09) and a whole batch at once.
        """
    ),
]
