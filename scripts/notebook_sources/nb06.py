"""Notebook 06: SGD, momentum, Adam and a schedule, on the profit function and on the moons."""

from notebook_sources import code, md

NAME = "06_optimizers.ipynb"

CELLS = [
    md(
        r"""
        # 06 · Optimizers: better STEPs

        The GRADIENT says which way is downhill. The **optimizer** decides how to STEP. Plain gradient
        descent (SGD) steps by lr × gradient, and we saw in notebook 05 that the learning rate is a
        compromise: too small crawls, too large bounces. Three classic improvements:

        - **SGD**: θ ← θ − lr·g (g is the gradient). Step along the slope.
        - **Momentum**: v ← μ·v + g, then θ ← θ − lr·v. A heavy ball: it speeds up where the slope keeps
          pointing the same way.
        - **Adam**: m and s are running averages of g and g²; θ ← θ − lr·m̂ / (√ŝ + ε). Every parameter's
          step is about lr long, however steep or flat its own slope.
        - **A schedule** changes lr over time, e.g. ×0.3 every 10 steps: big steps early, small steps late.

        First on the profit function, where every step can be seen, then on the moons.
        """
    ),
    code(
        """
        import math

        import matplotlib.pyplot as plt

        from autograd import Value
        from autograd.examples import profit
        from nn import MLP, fit
        from nn.datasets import make_moons
        from optim import SGD, Adam, lr_scheduler
        """
    ),
    md(
        r"""
        ## Four ways down the profit hill

        To maximise the profit P we minimise the loss −P(x) = 2x² − 12x + 10, starting from x = 12 (the
        company's current 12 units). Every optimizer gets the same gradient, dLoss/dx = 4x − 12, at every
        step; only the STEP differs. The loop is the training loop with one parameter.
        """
    ),
    code(
        """
        def descend(make_optimizer, steps=80, make_schedule=None):
            \"\"\"Minimise -P(x) from x = 12; return x after every step.\"\"\"
            x = Value(12.0, "x")                          # INIT
            optimizer = make_optimizer([x])
            schedule = make_schedule(optimizer) if make_schedule else None
            path = [x.data]
            for _ in range(steps):
                optimizer.zero_grad()
                loss = -profit(x)                         # PREDICT + LOSS
                loss.backward()                           # GRADIENT
                optimizer.step()                          # STEP
                if schedule:
                    schedule.step()
                path.append(x.data)
            return path

        paths = {
            "SGD, lr = 0.1": descend(lambda p: SGD(p, lr=0.1)),
            "momentum 0.8, lr = 0.03": descend(lambda p: SGD(p, lr=0.03, momentum=0.8)),
            "Adam, lr = 1": descend(lambda p: Adam(p, lr=1.0)),
            "SGD lr = 0.45, ×0.3 every 10 steps": descend(
                lambda p: SGD(p, lr=0.45),
                make_schedule=lambda o: lr_scheduler.StepLR(o, step_size=10, gamma=0.3),
            ),
        }
        for name, path in paths.items():
            print(f"{name:<36} x after 5 steps: {path[5]:7.3f}   after 80: {path[-1]:.4f}")
        """
    ),
    code(
        """
        sgd, momentum, adam, scheduled = paths.values()

        fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
        grid = [i * 0.05 for i in range(-100, 281)]
        left.plot(grid, [profit(x) for x in grid], color="grey", label="P(x)")
        left.plot(sgd[:12], [profit(x) for x in sgd[:12]], "o-", ms=6, color="tab:blue",
                  label="SGD, lr = 0.1: the first 12 steps")
        for k in range(4):
            left.annotate(str(k), (sgd[k], profit(sgd[k])), textcoords="offset points", xytext=(6, 4))
        left.plot(scheduled[:8], [profit(x) for x in scheduled[:8]], "--", marker=".", color="tab:red",
                  lw=1, label="SGD, lr = 0.45: the first 7 steps bounce")
        left.axvline(3, color="grey", ls=":", lw=1)
        left.set_title("The gradient descent path on the profit P(x)")
        left.set_xlabel("x (units)")
        left.set_ylabel("profit P(x)")
        left.legend(loc="lower center", fontsize=9)

        for name, path in paths.items():
            right.plot(path, label=name)
        right.axhline(3, color="black", ls=":", lw=1, label="best x = 3")
        right.set_title("x after each step, four optimizers")
        right.set_xlabel("step")
        right.set_ylabel("x")
        right.set_ylim(-5, 13)
        right.legend(fontsize=9)
        fig.tight_layout()
        plt.show()
        """
    ),
    md(
        r"""
        What the pictures say, each checked in the cell below:

        - **SGD** shrinks the distance to 3 by the same factor every step: x − 3 becomes (1 − 4·lr)·(x − 3),
          that is ×0.6. Smooth, and slow near the end, where the slope is small.
        - **Momentum** keeps part of its previous velocity, so it speeds up, **overshoots** 3, swings back
          and settles, faster overall than SGD with the same small lr.
        - **Adam** divides by the typical size of the gradient, so its first steps are all about lr = 1 long
          whether the slope is −36 or −4: a steady walk. Near 3 it overshoots and circles in slowly.
        - **The schedule** starts with an lr so large that SGD bounces from one side of 3 to the other
          (×(1 − 4·0.45) = ×(−0.8)), then cuts lr to 0.135 after 10 steps and settles quickly.
        """
    ),
    code(
        """
        for k, x in enumerate(sgd):
            assert abs(x - (3 + 9 * 0.6**k)) < 1e-9                # SGD: x - 3 = 9 · 0.6^k, worked by hand

        assert min(momentum) < 3 - 1 and abs(momentum[-1] - 3) < 0.01  # momentum overshoots, then settles

        adam_steps = [b - a for a, b in zip(adam, adam[1:6])]
        assert abs(adam_steps[0] + 1.0) < 1e-6                     # Adam's first step is exactly lr
        assert all(abs(s + 1.0) < 0.05 for s in adam_steps)        # ...and the next ones are about lr

        signs = [math.copysign(1, x - 3) for x in scheduled[:7]]
        assert all(a != b for a, b in zip(signs, signs[1:]))       # the large lr bounces across 3...
        assert abs(scheduled[-1] - 3) < 1e-3                       # ...until the schedule calms it
        print("all four behave as described")
        """
    ),
    md(
        r"""
        ## The same four on the moons

        Now a real network: `MLP(2, [8, 8, 1])` on 80 moons points, the same random start for every
        optimizer, 60 epochs each, with `fit` doing the loop. The schedule here is cosine annealing:
        momentum SGD whose lr glides from 0.2 down to 0 along a half cosine wave.
        """
    ),
    code(
        """
        X, y = make_moons(n_samples=80, noise=0.1, seed=0)
        EPOCHS = 60

        def train(make_optimizer, make_schedule=None):
            model = MLP(2, [8, 8, 1], rng=0)                       # the same start for everyone
            optimizer = make_optimizer(model.parameters())
            schedule = make_schedule(optimizer) if make_schedule else None
            return fit(model, X, y, "hinge", optimizer, epochs=EPOCHS, scheduler=schedule, progress=False)

        histories = {
            "SGD, lr = 0.2": train(lambda p: SGD(p, lr=0.2)),
            "momentum 0.9, lr = 0.2": train(lambda p: SGD(p, lr=0.2, momentum=0.9)),
            "Adam, lr = 0.05": train(lambda p: Adam(p, lr=0.05)),
            "momentum + cosine schedule": train(
                lambda p: SGD(p, lr=0.2, momentum=0.9),
                make_schedule=lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=EPOCHS),
            ),
        }
        for name, h in histories.items():
            print(f"{name:<28} loss after 10 epochs {h.loss[9]:.3f}, after {EPOCHS}: {h.loss[-1]:.3f}, "
                  f"accuracy {h.accuracy[-1]:.0%}")
        """
    ),
    code(
        """
        fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5), gridspec_kw={"width_ratios": [2, 1]})
        for name, h in histories.items():
            left.plot(h.loss, label=name)
        left.set_title("Training loss on the moons: same network, same start")
        left.set_xlabel("epoch")
        left.set_ylabel("hinge loss")
        left.legend()

        for (name, h), style in zip(histories.items(), ["--", "-", "-", "-"]):
            right.plot(h.lr, style, label=name)
        right.set_title("Learning rate used in each epoch")
        right.set_xlabel("epoch")
        right.set_ylabel("lr  (SGD's 0.2 is dashed under momentum's)")
        fig.tight_layout()
        plt.show()

        sgd_h, momentum_h, adam_h, cosine_h = histories.values()
        early = {name: sum(h.loss[:10]) for name, h in histories.items()}
        assert early["momentum 0.9, lr = 0.2"] < early["SGD, lr = 0.2"]   # momentum gets going faster
        assert early["Adam, lr = 0.05"] < early["SGD, lr = 0.2"]          # so does Adam
        assert momentum_h.loss[-1] < sgd_h.loss[-1]
        for t, lr in enumerate(cosine_h.lr):                               # lr_t = 0.2 (1 + cos(πt/T)) / 2
            assert abs(lr - 0.2 * (1 + math.cos(math.pi * t / EPOCHS)) / 2) < 1e-12
        """
    ),
    md(
        r"""
        Momentum and Adam get going much faster than plain SGD. The cosine schedule smooths momentum's
        bumps (epochs 15–25), but it shrinks the steps before the job is done: on a run this short, a fixed
        lr finishes lower. Schedules pay off in long runs and in mini-batch training, where the gradient
        is noisy and small late steps average the noise out.

        ### What you saw

        - All optimizers use the same gradient; they differ only in the STEP.
        - Momentum accelerates along consistent directions (and overshoots); Adam normalises the step size
          per parameter; a schedule lets you start bold and finish careful.
        - There is no universal winner: momentum SGD and Adam are the usual first choices, and the
          learning rate still matters for both.

        **Try it:** `SGD(p, lr=0.2, momentum=0.9, nesterov=True)`; Adam with lr = 0.5 on the moons; a
        `StepLR` schedule on Adam. Next: **07 · Higher-order derivatives**, where the curvature chooses the
        step size.
        """
    ),
]
