"""Notebook 06: the full training loop on moons, the loss curve, the decision boundary, the learning rate."""

from notebook_sources import code, md

NAME = "06_training_an_mlp.ipynb"

CELLS = [
    md(
        r"""
        # 06 · Training an MLP: the whole loop

        Everything so far comes together: a small neural network learns to separate two classes of points
        that no straight line can separate. The loop is the one from notebook 01, now with 100-odd
        parameters instead of one x:

        **INIT** → **PREDICT** → **LOSS** → **GRADIENT** → **STEP** → repeat … → **STOP**

        **Goal:** run that loop by hand on a real network, then learn the three choices that decide
        whether it works: the starting point (INIT), the learning rate, and how much data each STEP sees.
        At the end you check the network on points it never trained on. Cells that start with
        `guess_... = None` or `my_... = None` are yours: fill them in before running the cell after them.
        """
    ),
    code(
        """
        import matplotlib.pyplot as plt
        import numpy as np

        from autograd import no_grad
        from nn import MLP, accuracy, fit, hinge_loss
        from nn.datasets import make_moons
        from optim import SGD

        X, y = make_moons(n_samples=80, noise=0.1, seed=0)
        print("X:", X.shape, " y:", y.shape, " classes:", sorted(set(y.tolist())))

        fig, ax = plt.subplots(figsize=(5.5, 4))
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k")
        ax.set_title("The moons: two classes, no straight line between them")
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        plt.show()
        """
    ),
    md(
        r"""
        ## INIT: a network with random parameters

        `MLP(2, [8, 8, 1])`: 2 inputs, two hidden layers of 8 relu neurons, one output. The output is a
        **score**: above 0 means "class 1", below 0 "class 0". The parameters start random (`rng=1` makes
        them the same random numbers every run). A network this size can bend its boundary into almost
        any shape, so where it starts matters less than how it is updated.
        """
    ),
    code(
        """
        model = MLP(2, [8, 8, 1], rng=1)
        params = model.parameters()
        print(model, "with", len(params), "parameters")
        assert len(params) == (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1)
        """
    ),
    md(
        r"""
        ### Why random? Start every parameter at the same number instead

        Suppose we skip the randomness and set all 105 parameters to 0.5, then train for 50 epochs.
        **Predict:** how many *different* neurons (different weights and bias) does the first layer of 8
        have at the end? Put a number in `guess_neurons`.
        """
    ),
    code(
        """
        guess_neurons = None   # how many different neurons in layer 1 after training from "all 0.5"?
        """
    ),
    code(
        """
        same_start = MLP(2, [8, 8, 1], rng=1)
        for p in same_start.parameters():
            p.data = 0.5                                          # no randomness at all
        fit(same_start, X, y, "hinge", SGD(same_start.parameters(), lr=0.1), epochs=50, progress=False)

        layer1 = [tuple(round(p.data, 12) for p in neuron.parameters()) for neuron in same_start.layers[0].neurons]
        different = len(set(layer1))
        if guess_neurons is None:
            print("Put your prediction in guess_neurons (the cell above), run it, then run this cell again.")
        elif guess_neurons == different:
            print(f"Right: {different}. All 8 neurons are still copies of each other after 50 epochs.")
        else:
            print(f"Not {guess_neurons}: the layer has {different} different neuron(s). Read on for why.")
        """
    ),
    md(
        r"""
        The neurons never become different: identical inputs, identical weights, so identical outputs and
        identical gradients, step after step. The network has 8 neurons per layer on paper and one in
        practice, and a single bend cannot wrap around the moons (it stays at about a coin toss). Random
        INIT **breaks the symmetry**: every neuron starts somewhere else, gets its own gradient, and
        learns its own feature.
        """
    ),
    code(
        """
        assert different == 1
        with no_grad():
            print(f"accuracy from the all-0.5 start: {accuracy([same_start(x) for x in X.tolist()], y.tolist()):.0%}")
        """
    ),
    md(
        r"""
        ## Why backprop? Count the work

        The loss depends on all 105 parameters θ₁ … θ₁₀₅. The **partial derivative** ∂L/∂θᵢ is the
        ordinary derivative of L in θᵢ alone, every other parameter held fixed:

        $$\frac{\partial L}{\partial \theta_i} = \lim_{h \to 0} \frac{L(\theta_1, \ldots, \theta_i + h, \ldots, \theta_n) - L(\theta_1, \ldots, \theta_n)}{h}$$

        and the **gradient** ∇L = (∂L/∂θ₁, …, ∂L/∂θₙ) is all of them as one vector: the direction in which
        L rises fastest. The STEP moves θ against it.

        We could get each partial derivative straight from the limit definition, as in notebook 05's
        gradcheck: nudge θᵢ up and down by h and evaluate the loss twice, so 2 × 105 = 210 evaluations of
        the network for one gradient. Backprop gets all 105 from *one* forward and one backward pass.
        **Predict:** how many times faster is backprop here? Put a number in `guess_speedup`.
        """
    ),
    code(
        """
        guess_speedup = None   # backprop is about ... times faster than central differences for these 105
        """
    ),
    code(
        """
        import time

        sample = X[:20].tolist(), y[:20].tolist()               # 20 points keep the timing short

        def loss_of(net):
            return hinge_loss([net(x) for x in sample[0]], sample[1])

        start = time.perf_counter()
        model.zero_grad()
        loss_of(model).backward()                               # all 105 partial derivatives at once
        backprop_seconds = time.perf_counter() - start
        by_backprop = [p.grad for p in model.parameters()]

        start = time.perf_counter()
        h, by_limit = 1e-6, []
        with no_grad():
            for p in model.parameters():                        # two evaluations per parameter
                p.data += h
                up = loss_of(model).data
                p.data -= 2 * h
                down = loss_of(model).data
                p.data += h
                by_limit.append((up - down) / (2 * h))
        limit_seconds = time.perf_counter() - start

        ratio = limit_seconds / backprop_seconds
        if guess_speedup is None:
            print("Put a number in guess_speedup above and run both cells again: the timings show then.")
        else:
            print(f"backprop: {backprop_seconds * 1000:.1f} ms for 105 partial derivatives")
            print(f"limit definition (central differences): {limit_seconds * 1000:.1f} ms, {ratio:.0f}× longer")
            print(f"largest difference between the two: {max(abs(a - b) for a, b in zip(by_backprop, by_limit)):.1e}")
            print(f"you guessed {guess_speedup}×: " + ("about right." if 0.5 < guess_speedup / ratio < 2 else
                  f"it was {ratio:.0f}×. The limit costs 210 forward passes; backprop one forward and one "
                  "backward pass, the backward costing a few forward passes."))
        """
    ),
    md(
        r"""
        Both give the same gradient (up to the limit definition's round-off), but the cost of the limit
        definition grows with the number of parameters, and backprop's does not: a backward pass costs
        about as much as a forward pass, however many parameters there are. For a network with a million
        parameters that is the difference between two passes and two million. That is why training uses
        backprop, and the limit definition is what we *check* it with.
        """
    ),
    code(
        """
        assert max(abs(a - b) for a, b in zip(by_backprop, by_limit)) < 1e-6
        assert ratio > 10
        """
    ),
    md(
        r"""
        ## One pass through the loop, slowly

        - **PREDICT**: the model's score for every point.
        - **LOSS**: one number saying how wrong the scores are. The *hinge loss* charges nothing for a
          point on the right side by a margin (score·label ≥ 1, with labels as ±1) and more the further it
          is on the wrong side.
        - **GRADIENT**: `loss.backward()`: backprop fills `.grad` of every parameter: ∂loss/∂θ.
        - **STEP**: move every parameter against its gradient: θ ← θ − lr · ∂loss/∂θ. That is what
          `optimizer.step()` does (plain SGD, here; momentum comes in notebook 07).
        """
    ),
    code(
        """
        rows, labels = X.tolist(), y.tolist()

        scores = [model(x) for x in rows]                       # PREDICT
        loss = hinge_loss(scores, labels)                       # LOSS
        model.zero_grad()
        loss.backward()                                         # GRADIENT
        print(f"loss {loss.data:.4f}, accuracy {accuracy(scores, labels):.0%}")

        lr = 0.1
        before = {p.label: (p.data, p.grad) for p in model.parameters()}   # by the names the pictures use
        first_name, (first_old, first_grad) = next(iter(before.items()))
        print(f"the first parameter, {first_name}: value {first_old:+.6f}, gradient {first_grad:+.6f}")
        """
    ),
    md(
        r"""
        **Your turn:** with lr = 0.1, what will SGD's STEP make of that first parameter? Write the number
        (or the expression with `first_old` and `first_grad`) in `my_new_value`, then run the STEP below.
        """
    ),
    code(
        """
        my_new_value = None   # the first parameter after one SGD step with lr = 0.1
        """
    ),
    code(
        """
        for p in model.parameters():                            # (so that this cell can be run again)
            p.data, p.grad = before[p.label]
        SGD(model.parameters(), lr=lr).step()                   # STEP
        first_new = next(iter(model.parameters())).data
        if my_new_value is not None:
            print(f"{'parameter':<22} {'before':>10} {'gradient':>10} {'change = −lr·grad':>18} {'after':>10}")
            for p in model.parameters()[:4]:
                name, (old, g) = p.label, before[p.label]
                print(f"{name:<22} {old:+10.6f} {g:+10.6f} {-lr * g:+18.2e} {p.data:+10.6f}")
        if my_new_value is None:
            print("Fill in my_new_value above, run it, then run this cell again.")
        elif abs(my_new_value - first_new) <= 1e-6 * max(1.0, abs(first_new)):
            print(f"Right: {first_new:+.6f} = old − lr·grad.")
        elif abs(my_new_value - (first_old + lr * first_grad)) <= 1e-6 * max(1.0, abs(first_new)):
            print("That is a step *up* the gradient (old + lr·grad): SGD steps against it, to lower the loss.")
        else:
            print(f"Not quite: the STEP gives {first_new:+.6f}. The rule is new = old − lr·grad.")

        with no_grad():
            new_loss = hinge_loss([model(x) for x in rows], labels)
        print(f"loss after one step: {loss.data:.6f} -> {new_loss.data:.6f}")
        """
    ),
    md(
        r"""
        Every parameter moved by less than a hundredth (the four above by less than a thousandth), and
        the loss fell a little: one step is small.
        Training is many of them.
        """
    ),
    code(
        """
        for p in model.parameters():
            old, g = before[p.label]
            assert abs(p.data - (old - lr * g)) < 1e-12         # θ ← θ − lr·grad, exactly
        assert new_loss.data < loss.data                        # a small step against the gradient helps
        """
    ),
    md(
        r"""
        ## The loop, written out

        Now repeat until the loss is acceptable. This is the entire training algorithm, with plain SGD:
        θ ← θ − lr·grad, nothing more. (Notebook 07 shows optimizers that take better steps.)
        """
    ),
    code(
        """
        model = MLP(2, [8, 8, 1], rng=1)                        # INIT
        optimizer = SGD(model.parameters(), lr=0.5)             # plain SGD
        losses, accuracies = [], []

        for epoch in range(150):
            scores = [model(x) for x in rows]                   # PREDICT
            loss = hinge_loss(scores, labels)                   # LOSS
            optimizer.zero_grad()
            loss.backward()                                     # GRADIENT
            optimizer.step()                                    # STEP
            losses.append(loss.data)
            accuracies.append(accuracy(scores, labels))
            if epoch % 10 == 0:
                print(f"epoch {epoch:3d}  loss {loss.data:.4f}  accuracy {accuracies[-1]:.0%}")
            if loss.data <= 0.02:                               # STOP: good enough
                break

        print(f"stopped at epoch {epoch}: loss {losses[-1]:.4f}, accuracy {accuracies[-1]:.0%}")
        assert losses[-1] <= 0.02 and losses[-1] < losses[0] / 10
        assert accuracies[-1] >= 0.95
        """
    ),
    md(
        r"""
        ## What learning looks like

        Left, the **loss curve**: high at the start, falling as the steps pile up, with bumps where a step
        overshoots. Right, the **decision boundary**: the line where the score is 0. Everything on the red
        side is called class 1, on the blue side class 0. The network has bent it around the moons.
        """
    ),
    code(
        """
        def boundary(ax, model, title):
            \"\"\"Shade where the model says class 1 or 0, and draw the points on top.\"\"\"
            g1 = np.linspace(X[:, 0].min() - 0.4, X[:, 0].max() + 0.4, 40)
            g2 = np.linspace(X[:, 1].min() - 0.4, X[:, 1].max() + 0.4, 40)
            with no_grad():   # only numbers needed: build no graph
                Z = np.array([[model([a, b]).data for a in g1] for b in g2])
            ax.contourf(g1, g2, Z > 0, levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fcae91"], alpha=0.6)
            ax.contour(g1, g2, Z, levels=[0.0], colors="black", linewidths=1.5)
            ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=25)
            ax.set_title(title)
            ax.set_xlabel("x₁")
            ax.set_ylabel("x₂")

        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        left.plot(losses)
        left.set_title("Loss curve")
        left.set_xlabel("epoch (one PREDICT → STEP pass over all points)")
        left.set_ylabel("hinge loss")
        boundary(right, model, f"Decision boundary after {len(losses)} epochs ({accuracies[-1]:.0%} right)")
        fig.tight_layout()
        plt.show()
        """
    ),
    md(
        r"""
        ## The learning rate, on the profit first

        Back to one parameter, where every step can be worked by hand. Gradient descent on the loss
        −P(x) = 2x² − 12x + 10 from x = 12: its gradient is 4x − 12, so one step is

        $$x \leftarrow x - \mathrm{lr}\cdot(4x - 12), \qquad\mathrm{that\ is}\qquad x - 3 \leftarrow (1 - 4\,\mathrm{lr})\,(x - 3).$$

        Each step multiplies the distance to the best x = 3 by the same factor 1 − 4·lr.
        **Predict** what each learning rate does before you look: `"crawl"` (slowly towards 3),
        `"one step"` (lands on 3 at once), `"oscillate"` (jumps across 3 but gets there), `"cycle"` (jumps
        between the same two points for ever) or `"diverge"` (further away every step). Put them in
        `guess_lr`.
        """
    ),
    code(
        """
        guess_lr = {0.1: None, 0.25: None, 0.45: None, 0.5: None, 0.6: None}   # fill in all five
        """
    ),
    code(
        """
        from autograd import Value
        from autograd.examples import profit

        def walk(lr, steps=12):
            x = Value(12.0, "x")
            path = [x.data]
            for _ in range(steps):
                x.grad = 0.0
                (-profit(x)).backward()                          # GRADIENT of the loss −P
                x.data -= lr * x.grad                            # STEP
                path.append(x.data)
            return path

        def behaviour(path):
            d = [x - 3 for x in path]
            if abs(d[1]) < 1e-12:
                return "one step"
            if abs(d[2] - d[0]) < 1e-9:
                return "cycle"
            if abs(d[-1]) > abs(d[0]):
                return "diverge"
            return "oscillate" if d[1] * d[0] < 0 else "crawl"

        walks = {lr: walk(lr) for lr in guess_lr}
        if any(g is None for g in guess_lr.values()):
            print("Fill in all five guesses above first, then run this cell again.")
        else:
            for lr, path in walks.items():
                seen = behaviour(path)
                said = str(guess_lr[lr]).strip().lower()
                mark = "✓" if said == seen else f"✗ (you said {guess_lr[lr]!r})"
                print(f"lr = {lr:<4}  factor 1 − 4·lr = {1 - 4 * lr:+.1f}   {seen:<9} {mark}")
        """
    ),
    code(
        """
        fig, ax = plt.subplots(figsize=(10, 4))
        for lr, path in walks.items():
            ax.plot(path, "o-", ms=4, label=f"lr = {lr}: ×({1 - 4 * lr:+.1f}) per step")
        ax.axhline(3, color="black", ls=":", lw=1)
        ax.set_ylim(-25, 30)
        ax.set_xlabel("step")
        ax.set_ylabel("x")
        ax.set_title("Gradient descent on −P(x) from x = 12, five learning rates")
        ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1))
        fig.tight_layout()
        plt.show()

        for lr, path in walks.items():
            for k, x in enumerate(path):
                assert abs(x - (3 + 9 * (1 - 4 * lr) ** k)) < 1e-9      # x − 3 = 9·(1 − 4·lr)^k
        assert [behaviour(p) for p in walks.values()] == ["crawl", "one step", "oscillate", "cycle", "diverge"]
        """
    ),
    md(
        r"""
        The factor says it all: |1 − 4·lr| < 1 converges (crawling while it is close to 1, oscillating
        while it is negative), it is 0 at lr = 1/4 = 1/|P″| (one step, Newton's step of notebook 08), −1 at
        lr = 0.5 (12 ↔ −6 for ever), and beyond that each step throws x further out.

        ## The learning rate on the network: too small, good, too large

        A network has no single factor to compute, but the same three regimes appear. The step is lr × gradient. `fit(...)` runs exactly the loop above (and stops early when asked);
        here it trains three copies of the same network, from the same start, with plain SGD and three
        learning rates:

        - **too small** (0.02): every step is safe but tiny; after 40 epochs it has barely moved.
        - **good** (0.5): fast and steady.
        - **too large** (3.0): steps overshoot; the loss jumps around, and it can knock relu neurons into a
          state where they output 0 for every point and learn nothing more ("dead").
        """
    ),
    code(
        """
        rates = {"too small": 0.02, "good": 0.5, "too large": 3.0}
        runs = {}
        for name, rate in rates.items():
            net = MLP(2, [8, 8, 1], rng=0)
            history = fit(net, X, y, "hinge", SGD(net.parameters(), lr=rate), epochs=40, progress=False)
            runs[name] = (net, history)
            print(f"{name:>9} (lr = {rate}): final loss {history.loss[-1]:.3f}, "
                  f"accuracy {history.accuracy[-1]:.0%}")

        top = 1.05 * max(max(history.loss) for _, history in runs.values())   # one scale for all three
        fig, axes = plt.subplots(2, 3, figsize=(14, 8))
        for col, (name, (net, history)) in enumerate(runs.items()):
            ax = axes[0, col]
            ax.plot(history.loss)
            ax.set_title(f"{name}: lr = {rates[name]}")
            ax.set_xlabel("epoch")
            ax.set_ylabel("loss")
            ax.set_ylim(0, top)
            boundary(axes[1, col], net, f"{name}: {history.accuracy[-1]:.0%} right")
        fig.suptitle("Same network, same start, three learning rates", fontsize=14)
        fig.tight_layout()
        plt.show()

        small, good, large = (runs[k][1].loss for k in rates)
        assert good[-1] < small[-1] and good[-1] < large[-1]       # the good rate wins
        assert small[-1] > 0.8 * small[0]                          # too small: barely moved
        assert max(b - a for a, b in zip(large, large[1:])) > 0.1  # too large: the loss jumps up
        """
    ),
    md(
        r"""
        ## Mini-batches: the "S" in SGD

        So far every STEP used the gradient of the loss over all 80 points (full batch). *Stochastic*
        gradient descent estimates the gradient from a few random points instead, a **mini-batch**, and
        steps after each one. With batches of 8, one epoch (one pass over the data) is 10 steps instead of
        1: each step is cheaper and noisier, and there are many more of them.
        """
    ),
    code(
        """
        batches = {}
        for size in (None, 8):
            net = MLP(2, [8, 8, 1], rng=1)
            batches[size] = fit(net, X, y, "hinge", SGD(net.parameters(), lr=0.1), epochs=30,
                                batch_size=size, rng=0, progress=False)
        full, mini = batches[None], batches[8]
        print(f"full batch: {full.steps} steps, loss after 30 epochs {full.loss[-1]:.3f}")
        print(f"batches of 8: {mini.steps} steps, loss after 30 epochs {mini.loss[-1]:.3f}")

        fig, ax = plt.subplots(figsize=(8, 3.8))
        ax.plot(range(1, 31), full.loss, "o-", ms=3, label="full batch: 1 step per epoch")
        ax.plot(range(1, 31), mini.loss, "s-", ms=3, label="batches of 8: 10 steps per epoch")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss on all 80 points")
        ax.set_title("Same lr, same start: mini-batches make more progress per pass over the data")
        ax.legend()
        plt.show()

        assert full.steps == 30 and mini.steps == 300
        assert mini.loss[-1] < full.loss[-1]
        """
    ),
    md(
        r"""
        ## Validation: does it work on points it never saw?

        A network is meant to work on new data, not to memorise its training set. So keep some data back:
        train on 40 noisy moons points, and after every epoch measure the loss and accuracy on 60 others
        that training never touches (the **validation set**). A network with 16 + 16 neurons has plenty of
        room to memorise 40 points. Watch both curves.
        """
    ),
    code(
        """
        X_all, y_all = make_moons(n_samples=100, noise=0.35, seed=3)
        X_train, y_train, X_val, y_val = X_all[:40], y_all[:40], X_all[40:], y_all[40:]
        big = MLP(2, [16, 16, 1], rng=0)

        class Validate:
            \"\"\"A fit callback: after every epoch, the loss and accuracy on the validation set.\"\"\"
            def __init__(self):
                self.loss, self.accuracy = [], []

            def on_epoch_end(self, epoch, logs):
                with no_grad():
                    scores = [big(x) for x in X_val.tolist()]
                    self.loss.append(hinge_loss(scores, y_val.tolist()).data)
                    self.accuracy.append(accuracy(scores, y_val.tolist()))

        val = Validate()
        optimizer = SGD(big.parameters(), lr=0.2, momentum=0.9)   # momentum: see notebook 07
        train = fit(big, X_train, y_train, "hinge", optimizer, epochs=120, progress=False, callbacks=[val])
        best = min(range(len(val.loss)), key=val.loss.__getitem__)
        print(f"after {train.epochs} epochs: training accuracy {train.accuracy[-1]:.0%}, "
              f"validation accuracy {val.accuracy[-1]:.0%}")
        print(f"lowest validation loss at epoch {best + 1}: {val.loss[best]:.3f} "
              f"(validation accuracy {val.accuracy[best]:.0%})")

        fig, ax = plt.subplots(figsize=(8, 3.8))
        ax.plot(range(1, train.epochs + 1), train.loss, label="training loss (40 points it learns from)")
        ax.plot(range(1, train.epochs + 1), val.loss, label="validation loss (60 points it never sees)")
        ax.axvline(best + 1, color="grey", ls=":", lw=1)
        ax.annotate("best time to STOP", (best + 1, val.loss[best]), xytext=(best + 6, 0.2),
                    arrowprops=dict(arrowstyle="->", color="grey"))
        ax.set_xlabel("epoch")
        ax.set_ylabel("hinge loss")
        ax.set_title("Overfitting: the training loss keeps falling, the validation loss turns")
        ax.legend(loc="upper left")
        plt.show()

        assert train.loss[-1] < 0.2 and train.accuracy[-1] >= 0.9      # it learned its 40 points...
        assert val.loss[-1] > 2 * val.loss[best]                        # ...but got worse on new ones
        assert val.accuracy[best] > val.accuracy[-1]
        """
    ),
    md(
        r"""
        The training loss goes on falling, but from about epoch 20 the network is learning the *noise*
        of its 40 points, and the validation loss climbs: it is **overfitting**. The number to report is
        the validation accuracy, and a sensible STOP rule watches the validation loss (stop when it has
        not improved for a while), not the training loss. More data, a smaller network, or a penalty on
        large weights (`fit(..., l2=1e-3)`) all make overfitting later and smaller.
        """
    ),
    md(
        r"""
        ### What you saw

        - Training is the loop INIT → PREDICT → LOSS → GRADIENT → STEP, repeated until STOP.
        - INIT must be random: neurons that start equal stay equal (symmetry).
        - One step moves each parameter by −lr × its gradient, and (for a small enough lr) lowers the loss.
        - The learning rate decides between crawling, one step, oscillating, cycling and diverging: on
          P(x) the factor 1 − 4·lr per step says which; a network shows three of them (too small, good, too
          large).
        - Mini-batches take many cheap, noisy steps per epoch; a validation set tells you whether the
          network learned the pattern or memorised the points.

        **Try it:** `MLP(2, [16, 16, 1])`; `make_circles` instead of moons; the loss `"bce"` in `fit`.
        Next: **07 · Optimizers**, better STEPs than plain SGD.
        """
    ),
]
