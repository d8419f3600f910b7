"""Notebook 05: the full training loop on moons, the loss curve, the decision boundary, the learning rate."""

from notebook_sources import code, md

NAME = "05_training_an_mlp.ipynb"

CELLS = [
    md(
        r"""
        # 05 · Training an MLP: the whole loop

        Everything so far comes together: a small neural network learns to separate two classes of points
        that no straight line can separate. The loop is the one from notebook 01, now with 100-odd
        parameters instead of one x:

        **INIT** → **PREDICT** → **LOSS** → **GRADIENT** → **STEP** → repeat … → **STOP**
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
        ## One pass through the loop, slowly

        - **PREDICT**: the model's score for every point.
        - **LOSS**: one number saying how wrong the scores are. The *hinge loss* charges nothing for a
          point on the right side by a margin (score·label ≥ 1, with labels as ±1) and more the further it
          is on the wrong side.
        - **GRADIENT**: `loss.backward()`: backprop fills `.grad` of every parameter: dLoss/dθ.
        - **STEP**: move every parameter against its gradient: θ ← θ − lr · dLoss/dθ. That is what
          `optimizer.step()` does (plain SGD, here; momentum comes in notebook 06).
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
        before = {name: (p.data, p.grad) for name, p in model.named_parameters()}
        SGD(params, lr=lr).step()                               # STEP
        for name, p in list(model.named_parameters())[:4]:
            old, g = before[name]
            print(f"{name:<22} {old:+.4f}  grad {g:+.4f}  ->  {p.data:+.4f}")
            assert abs(p.data - (old - lr * g)) < 1e-12         # θ ← θ − lr·grad, exactly

        with no_grad():
            new_loss = hinge_loss([model(x) for x in rows], labels)
        print(f"loss after one step: {new_loss.data:.4f}")
        assert new_loss.data < loss.data                        # a small step against the gradient helps
        """
    ),
    md(
        r"""
        ## The loop, written out

        Now repeat until the loss is acceptable. This is the entire training algorithm. (SGD with
        *momentum* 0.9, explained in notebook 06, just makes the steps go faster.)
        """
    ),
    code(
        """
        model = MLP(2, [8, 8, 1], rng=1)                        # INIT
        optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
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
        ## The learning rate: too small, good, too large

        The step is lr × gradient. `fit(...)` runs exactly the loop above (and stops early when asked);
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
        ### What you saw

        - Training is the loop INIT → PREDICT → LOSS → GRADIENT → STEP, repeated until STOP.
        - One step moves each parameter by −lr × its gradient, and (for a small enough lr) lowers the loss.
        - The learning rate decides between crawling, learning, and bouncing around.

        **Try it:** `MLP(2, [16, 16, 1])`; `make_circles` instead of moons; the loss `"bce"` in `fit`.
        Next: **06 · Optimizers**, better STEPs than plain SGD.
        """
    ),
]
