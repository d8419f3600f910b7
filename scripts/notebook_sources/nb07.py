"""Notebook 07: SGD, momentum, Adam and a schedule, on the profit function and on the moons."""

from notebook_sources import code, md

NAME = "07_optimizers.ipynb"

CELLS = [
    md(
        r"""
        # 07 · Optimizers: better STEPs

        The GRADIENT says which way is downhill. The **optimizer** decides how to STEP. Plain gradient
        descent (SGD) steps by lr × gradient, and we saw in notebook 06 that the learning rate is a
        compromise: too small crawls, too large bounces. Three classic improvements:

        - **SGD**: θ ← θ − lr·g (g is the gradient). Step along the slope.
        - **Momentum**: v ← μ·v + g, then θ ← θ − lr·v. A heavy ball: it speeds up where the slope keeps
          pointing the same way.
        - **Adam**: m and s are running averages of g and g²; θ ← θ − lr·m̂ / (√ŝ + ε). Every parameter's
          step is about lr long, however steep or flat its own slope.
        - **A schedule** changes lr over time, e.g. ×0.3 every 10 steps: big steps early, small steps late.

        **Goal:** see each optimizer's path where every step can be checked by hand, predict which one
        wins in a long narrow valley, then compare them on the moons.

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
        ## Ways down the profit hill

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
            "SGD, lr = 0.03": descend(lambda p: SGD(p, lr=0.03)),
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
        sgd, slow_sgd, momentum, adam, scheduled = paths.values()

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
        right.set_title("x after each step")
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
          and settles. On this one-dimensional bowl that does *not* make it faster: with lr = 0.03 plain SGD
          shrinks x − 3 by 1 − 4·0.03 = 0.88 every step, while momentum 0.8 swings with an amplitude that
          shrinks by about √0.8 ≈ 0.894 per step, a little slower. On this bowl momentum does not help.
        - **Adam** divides by the typical size of the gradient, so its first steps are all about lr = 1 long
          whether the slope is 36 or 4: a steady walk. Near 3 it overshoots and circles in slowly.
        - **The schedule** starts with an lr so large that SGD bounces from one side of 3 to the other
          (×(1 − 4·0.45) = ×(−0.8)), then cuts lr to 0.135 after 10 steps and settles quickly.
        """
    ),
    code(
        """
        for k, x in enumerate(sgd):
            assert abs(x - (3 + 9 * 0.6**k)) < 1e-9                # SGD: x - 3 = 9 · 0.6^k, worked by hand

        assert min(momentum) < 3 - 1 and abs(momentum[-1] - 3) < 0.01  # momentum overshoots, then settles
        for k, x in enumerate(slow_sgd):
            assert abs(x - (3 + 9 * 0.88**k)) < 1e-9                # SGD at lr 0.03: ×0.88 per step
        assert abs(momentum[-1] - 3) > abs(slow_sgd[-1] - 3)        # ...and momentum is NOT faster here

        adam_steps = [b - a for a, b in zip(adam, adam[1:6])]
        assert abs(adam_steps[0] + 1.0) < 1e-6                     # Adam's first step is exactly lr
        assert all(abs(s + 1.0) < 0.05 for s in adam_steps)        # ...and the next ones are about lr

        signs = [math.copysign(1, x - 3) for x in scheduled[:7]]
        assert all(a != b for a, b in zip(signs, signs[1:]))       # the large lr bounces across 3...
        assert abs(scheduled[-1] - 3) < 1e-3                       # ...until the schedule calms it
        print("all five behave as described")
        """
    ),
    md(
        r"""
        ## A long, narrow valley

        Real losses are rarely round bowls. With two parameters w₁ and w₂ take the valley

        $$L(w_1, w_2) = \frac{1}{2} w_1^2 + 25\, w_2^2 ,$$

        50 times steeper across (w₂) than along (w₁). Its gradient is (∂L/∂w₁, ∂L/∂w₂) = (w₁, 50·w₂): a
        vector that points uphill, steepest across the valley. SGD must keep lr below 2/50 = 0.04 or it
        is thrown out across the valley; at such a small lr it crawls along the valley floor, where the
        slope is gentle.

        **Predict first.** All three start at (w₁, w₂) = (−9, 1.5) and take 60 steps: SGD with lr = 0.035,
        momentum 0.8 with the same lr, and Adam with lr = 0.3. Which one ends closest to the minimum
        (0, 0)? Put `"sgd"`, `"momentum"` or `"adam"` in `guess` and run the cell.
        """
    ),
    code(
        """
        guess = None   # "sgd", "momentum" or "adam"
        """
    ),
    code(
        """
        def valley(w1, w2):
            return 0.5 * w1**2 + 25 * w2**2

        def descend_2d(make_optimizer, steps=60, start=(-9.0, 1.5)):
            \"\"\"Minimise the valley from `start`; return the (w1, w2) after every step.\"\"\"
            w1, w2 = Value(start[0], "w1"), Value(start[1], "w2")
            optimizer = make_optimizer([w1, w2])
            path = [(w1.data, w2.data)]
            for _ in range(steps):
                optimizer.zero_grad()
                valley(w1, w2).backward()
                optimizer.step()
                path.append((w1.data, w2.data))
            return path

        paths_2d = {
            "sgd": descend_2d(lambda p: SGD(p, lr=0.035)),
            "momentum": descend_2d(lambda p: SGD(p, lr=0.035, momentum=0.8)),
            "adam": descend_2d(lambda p: Adam(p, lr=0.3)),
        }
        distance = {name: math.hypot(*path[-1]) for name, path in paths_2d.items()}
        closest = min(distance, key=distance.get)
        choice = None if guess is None else str(guess).strip().lower()
        if choice is None:
            print('Set guess to "sgd", "momentum" or "adam" in the cell above, run it, then run this one.')
        elif choice not in distance:
            print(f'guess should be "sgd", "momentum" or "adam", not {guess!r}.')
        elif choice == closest:
            print(f"Right: {choice} ends closest, {distance[choice]:.3f} from the minimum.")
        else:
            print(f"Not this time: {choice} ends {distance[choice]:.3f} from the minimum. The picture below shows why.")
        """
    ),
    code(
        """
        import numpy as np

        fig, ax = plt.subplots(figsize=(11, 4.8))
        g1, g2 = np.meshgrid(np.linspace(-10, 2, 300), np.linspace(-2, 2, 200))
        ax.contour(g1, g2, valley(g1, g2), levels=[0.5, 2, 5, 10, 20, 40, 60, 80], colors="lightgrey")
        styles = {"sgd": ("tab:blue", "o"), "momentum": ("tab:orange", "s"), "adam": ("tab:green", "^")}
        for name, path in paths_2d.items():
            color, marker = styles[name]
            ax.plot(*zip(*path), marker=marker, ms=3, lw=1, color=color,
                    label=f"{name}: {distance[name]:.3f} from (0, 0) after 60 steps")
        start = (-9.0, 1.5)
        g = (start[0], 50 * start[1])                       # the gradient (w1, 50·w2) at the start
        scale = 0.03                                         # drawn short: it is 75 long
        ax.annotate("", xy=(start[0] - scale * g[0], start[1] - scale * g[1]), xytext=start,
                    arrowprops=dict(arrowstyle="->", color="black", lw=1.5))
        ax.text(start[0] + 0.15, start[1] + 0.2, "−gradient at the start: almost straight across", fontsize=9)
        ax.set_ylim(-2, 2.2)
        ax.plot(0, 0, "k*", ms=12)
        ax.set_xlabel("w₁ (along the valley)")
        ax.set_ylabel("w₂ (across)")
        ax.set_title("L = ½·w₁² + 25·w₂²: contours and 60 steps of each optimizer")
        ax.legend(loc="lower right", fontsize=9)
        fig.tight_layout()
        plt.show()
        """
    ),
    md(
        r"""
        - **SGD** drops into the valley at once (across is steep) and then crawls along it: each step
          shrinks w₁ only by the factor 1 − 0.035 = 0.965, so after 60 steps w₁ is still −9·0.965⁶⁰ ≈ −1.06.
        - **Momentum** builds up speed along the floor, where every gradient agrees: it adds up the small,
          consistent pushes along the floor and cancels the zig-zag across it. That is what it is for. It swings across the
          valley too, but those swings die away at the same rate: both directions shrink by about
          √0.8 ≈ 0.894 per step (0.894⁶⁰ ≈ 0.001), against SGD's 0.965 along the floor.
        - **Adam** divides each coordinate's step by that coordinate's own gradient size, so it walks
          diagonally at about lr per step in both, whatever the steepness, then circles in.

        This is the picture to keep in mind for a network: thousands of directions, some steep and some
        flat, and one learning rate for all of them.
        """
    ),
    code(
        """
        sgd_end, momentum_end = paths_2d["sgd"][-1], paths_2d["momentum"][-1]
        assert abs(sgd_end[0] - (-9 * 0.965**60)) < 1e-9            # SGD along the floor: ×0.965 per step
        assert distance["momentum"] < distance["adam"] < distance["sgd"]
        assert distance["momentum"] < 0.02
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
        - Momentum accelerates along consistent directions (and overshoots): it wins in long, narrow
          valleys, not on a round bowl. Adam normalises the step size per parameter; a schedule lets you
          start bold and finish careful.
        - There is no universal winner: momentum SGD and Adam are the usual first choices, and the
          learning rate still matters for both.

        **Try it:** `SGD(p, lr=0.2, momentum=0.9, nesterov=True)`; Adam with lr = 0.5 on the moons; a
        `StepLR` schedule on Adam. Next: **08 · Higher-order derivatives**, where the curvature chooses the
        step size.
        """
    ),
]
