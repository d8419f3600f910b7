"""Notebook 08: second derivatives with derivative(derivative(f)), and Newton's method on the profit P."""

from notebook_sources import code, md

NAME = "08_higher_order.ipynb"

CELLS = [
    md(
        r"""
        # 08 · Higher-order derivatives and Newton's method

        The first derivative tells you which way is uphill and how steep it is. The **second derivative**
        tells you how the slope itself changes: how curved the function is. With the curvature you can
        decide not only *which way* to step but also *how far*: that is Newton's method.

        **Goal**, in this notebook:
        1. take derivatives of derivatives with `derivative(derivative(f))`;
        2. see why that works: the backward pass can itself be recorded as a graph;
        3. use the second derivative to jump straight to the best x of the profit function
           P(x) = −2x² + 12x − 10 in **one** step, and compare with gradient steps.
        """
    ),
    code(
        """
        import math

        import matplotlib.pyplot as plt

        from autograd import Value, derivative, grad
        from autograd.examples import PROFIT_TEXT, profit, profit_derivative
        from autograd.practice import mark_answer   # marks the numbers you predict

        print(PROFIT_TEXT)
        """
    ),
    md(
        r"""
        ## The derivative of a derivative

        By hand: P(x) = −2x² + 12x − 10, so P′(x) = −4x + 12 (the slope), and differentiating once more,
        P″(x) = −4. The second derivative is the same everywhere: a parabola bends by the same amount at
        every point. It is negative, so the curve bends *down*: its flat point is a maximum.

        `derivative(f)` gives back a new function, x ↦ f′(x). Because that new function is built from
        `Value`s too, `derivative` can be applied to it again.
        """
    ),
    code(
        """
        dP = derivative(profit)   # x ↦ P'(x)
        d2P = derivative(dP)      # x ↦ P''(x)

        print(f"{'x':>5} {'P(x)':>8} {'P′(x)':>8} {'P″(x)':>8}")
        for x in [0.0, 1.0, 3.0, 5.0, 12.0]:
            print(f"{x:5.1f} {profit(x):8.1f} {dP(x):8.1f} {d2P(x):8.1f}")

        # The lesson, checked against the formulas worked out by hand:
        for x in [-2.0, 0.0, 1.5, 3.0, 12.0]:
            assert abs(dP(x) - profit_derivative(x)) < 1e-12   # P'(x) = -4x + 12
            assert d2P(x) == -4.0                               # P''(x) = -4 everywhere
        """
    ),
    md(
        r"""
        ## How can a derivative be differentiated?

        A plain backward pass produces gradients as *numbers*: the graph is used and forgotten.
        With `grad(y, [x], create_graph=True)` the backward pass does its multiplications and additions
        with `Value`s instead, so the gradient comes back as a `Value` **with its own graph**: a formula
        for dy/dx in terms of x. Backprop through that graph gives d²y/dx².

        **Your turn:** take y = x³ at x = 3. Work out dy/dx and d²y/dx² by hand (the power rule, twice)
        and put them in `my_dy` and `my_d2y`; the cell after them marks them against autograd.
        """
    ),
    code(
        """
        my_dy = None    # dy/dx of y = x**3 at x = 3
        my_d2y = None   # d²y/dx² at x = 3
        """
    ),
    code(
        """
        x = Value(3.0, "x")
        y = x**3
        (dy,) = grad(y, [x], create_graph=True)
        (d2y,) = grad(dy, [x])

        display(mark_answer("08.dy", my_dy), mark_answer("08.d2y", my_d2y))
        if my_dy is not None and my_d2y is not None:   # autograd's numbers, once you have your own
            print("dy/dx   =", dy.data, "  a Value made by op", repr(dy.op), "with", len(dy.parents), "parents")
            print("d²y/dx² =", d2y)
        """
    ),
    code(
        """
        assert dy.data == 3 * 3.0**2 and d2y == 6 * 3.0   # the power rule, twice: 3x² and 6x at x = 3
        """
    ),
    md(
        r"""
        ## A function with more interesting curvature

        For sin, each derivative shifts the wave: sin → cos → −sin → −cos. Here are all four, each computed
        by stacking one more `derivative`. Where sin″ is negative (the top of a hill) the curve bends down;
        where it is positive it bends up.
        """
    ),
    code(
        """
        def f(x):
            return x.sin()

        derivatives = [f, derivative(f), derivative(derivative(f)), derivative(derivative(derivative(f)))]
        names = ["sin x", "1st derivative (= cos x)", "2nd derivative (= −sin x)",
                 "3rd derivative (= −cos x)"]
        xs = [i * 0.05 for i in range(-130, 131)]

        fig, ax = plt.subplots(figsize=(8, 4))
        for g, name in zip(derivatives, names):
            ys = [g(Value(x)).data if g is f else g(x) for x in xs]
            ax.plot(xs, ys, label=name)
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_title("sin and its derivatives, each one computed by autograd")
        ax.set_xlabel("x")
        ax.set_ylabel("value")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        fig.tight_layout()
        plt.show()

        # Checked against the known formulas: sin' = cos, sin'' = -sin, sin''' = -cos.
        for x in xs[::10]:
            assert abs(derivatives[1](x) - math.cos(x)) < 1e-12
            assert abs(derivatives[2](x) + math.sin(x)) < 1e-12
            assert abs(derivatives[3](x) + math.cos(x)) < 1e-12
        """
    ),
    md(
        r"""
        ## Newton's method: curvature says how far to step (optional)

        *This part is optional: training never uses it, but it explains where a good learning rate comes
        from.* Gradient steps move by *learning rate × slope*, and the learning rate is a guess. Newton's method
        replaces the guess with the curvature. Near a point x, any smooth function looks like a parabola
        (its second-order Taylor approximation):

        $$f(x + t) \approx f(x) + f'(x)\,t + \frac{1}{2} f''(x)\,t^2$$

        That parabola is flat where f′(x) + f″(x)·t = 0, that is at t = −f′(x) / f″(x). Newton's step
        goes straight there:

        $$x \leftarrow x - \frac{f'(x)}{f''(x)}$$

        P *is* a parabola, so the approximation is exact, and a single step from anywhere lands on the
        critical point x = 3. From x = 12: 12 − (−36)/(−4) = 12 − 9 = 3.

        Compare it with a gradient step on the loss −P, x ← x − lr·(−P′(x)): the two are the same step when
        lr = 1/|P″| = 1/4 = 0.25. Newton's method *is* gradient descent with the learning rate the
        curvature picks. A smaller lr crawls, a larger one overshoots, and lr = 2/|P″| = 0.5 bounces
        between 12 and −6 for ever.
        """
    ),
    code(
        """
        x0 = 12.0
        x_star = x0 - dP(x0) / d2P(x0)
        print(f"one Newton step from x = {x0}: P'({x0}) = {dP(x0)}, P''({x0}) = {d2P(x0)}  ->  x = {x_star}")
        assert abs(x_star - 3) < 1e-9

        for start in [-7.0, 0.0, 2.5, 100.0]:
            assert abs(start - dP(start) / d2P(start) - 3) < 1e-9   # the same from anywhere
        lr = 1 / abs(d2P(x0))                                        # the learning rate Newton picks
        assert abs((x0 + lr * dP(x0)) - x_star) < 1e-12              # one gradient step with it: also 3
        print("P'(3) =", dP(x_star), " (flat: the critical point)")
        """
    ),
    md(
        r"""
        ## Compared with gradient steps

        To *increase* profit, gradient steps move with the slope: x ← x + lr · P′(x) (for a loss you
        would move against it, which is the same thing for the loss −P). With lr = 0.1 each step shrinks
        the distance to 3 by the factor |1 − 4·lr| = 0.6: steady progress, but never exactly there.
        Newton gets there in one jump because it knows the curvature.
        """
    ),
    code(
        """
        lr = 0.1
        path = [12.0]
        for _ in range(12):
            path.append(path[-1] + lr * dP(path[-1]))

        grid = [i * 0.05 for i in range(-20, 281)]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.plot(grid, [profit(x) for x in grid], color="black", label="P(x)")
        ax.plot(path, [profit(x) for x in path], "o-", color="tab:blue", ms=5,
                label=f"12 gradient steps, lr = {lr}")
        ax.annotate("", xy=(x_star, profit(x_star)), xytext=(x0, profit(x0)),
                    arrowprops=dict(arrowstyle="->", color="tab:red", lw=2))
        ax.plot([], [], color="tab:red", lw=2, label="one Newton step")
        ax.axvline(3, color="grey", ls=":", lw=1)
        ax.set_title("From x = 12 to the best x = 3: gradient steps vs one Newton step")
        ax.set_xlabel("x (units)")
        ax.set_ylabel("profit P(x)")
        ax.legend(loc="lower left")
        plt.show()

        print("gradient steps, distance to 3:", [round(abs(x - 3), 4) for x in path[::3]])
        assert abs(path[-1] - 3) < abs(path[0] - 3) * 0.61**12   # shrinks by 0.6 per step
        assert abs(path[-1] - 3) > 1e-3                          # ...but is not there yet
        """
    ),
    md(
        r"""
        ## When the function is not a parabola

        Take g(x) = eˣ − 2x. Its slope g′(x) = eˣ − 2 is zero at x = ln 2 ≈ 0.693, and g″(x) = eˣ > 0,
        so that is a minimum. The parabola is now only an approximation, so one step does not land on
        it. **Your turn:** take one Newton step on g by hand, from x = 0. Where does it land? Put it in
        `my_newton`; the cell after it marks it.
        """
    ),
    code(
        """
        my_newton = None   # x after one Newton step on g(x) = e^x - 2x from x = 0
        """
    ),
    code(
        """
        mark_answer("08.newton", my_newton)
        """
    ),
    md(
        r"""
        From there Newton needs a few more steps, but near the answer the number of correct digits
        roughly **doubles** every step. Gradient descent (here x ← x − lr·g′(x), since we want the
        minimum) gains about the same number of digits each step.
        """
    ),
    code(
        """
        def g(x):
            return x.exp() - 2 * x

        dg, d2g = derivative(g), derivative(derivative(g))
        target = math.log(2)

        newton, descent = [2.0], [2.0]
        for _ in range(8):
            x = newton[-1]
            newton.append(x - dg(x) / d2g(x))
            descent.append(descent[-1] - 0.3 * dg(descent[-1]))

        print(f"{'step':>4} {'Newton: |x - ln 2|':>20} {'gradient: |x - ln 2|':>22}")
        for i, (xn, xd) in enumerate(zip(newton, descent)):
            print(f"{i:4d} {abs(xn - target):20.2e} {abs(xd - target):22.2e}")

        fig, ax = plt.subplots(figsize=(7, 4))
        steps = range(len(newton))
        ax.semilogy(steps, [max(abs(x - target), 1e-17) for x in newton], "o-", label="Newton")
        ax.semilogy(steps, [abs(x - target) for x in descent], "s-", label="gradient descent, lr = 0.3")
        ax.set_title("Distance to the minimum of eˣ − 2x (log scale)")
        ax.set_xlabel("step")
        ax.set_ylabel("|x − ln 2|  (exactly 0 is drawn at 1e-17)")
        ax.legend()
        plt.show()

        assert abs(newton[6] - target) < 1e-12   # six Newton steps: exact to machine precision
        assert abs(descent[6] - target) > 1e-3   # six gradient steps: still far off
        """
    ),
    md(
        r"""
        ## Read the sign of the second derivative, and know the limits

        Newton's step goes to where the slope is zero. That can be a maximum, a minimum or neither; the
        sign of the second derivative says which. For the profit, P″ = −4 < 0: x = 3 is the **most**
        profitable number of units. For a loss you want the opposite: f″ > 0, a valley.

        Where f″ is close to 0 the step −f′/f″ becomes huge, so Newton can shoot far away. And a network
        with n parameters has n × n second derivatives (the Hessian matrix): for a million parameters
        that is 10¹² numbers. This is why training uses gradient steps, and optimizers such as momentum
        and Adam (notebook 07) that estimate a good step size cheaply from the gradients alone.
        """
    ),
    code(
        """
        kind = "maximum" if d2P(3.0) < 0 else "minimum"
        print(f"P''(3) = {d2P(3.0)}: x = 3 is a {kind} of the profit")
        assert kind == "maximum"
        assert d2g(target) > 0   # e^x - 2x has a minimum at ln 2
        """
    ),
    md(
        r"""
        ### What you saw

        - `derivative(derivative(f))` gives f″ because the backward pass can itself be recorded as a graph.
        - The sign of f″ at a critical point says maximum (f″ < 0, the profit at x = 3) or minimum (f″ > 0).
        - Newton's step −f′/f″ is a gradient step with lr = 1/|f″|: one step to x = 3 on the parabola P,
          a few steps on other smooth functions, and a wild jump where f″ is close to 0.
        - Networks have too many parameters for second derivatives, so they use gradient steps with a
          learning rate you choose (or that an optimizer such as Adam adapts).

        ### Try it

        - Start Newton at x = −50 for P: still one step?
        - Change g to `x.exp() - 2 * x + x**4` and see how many Newton steps it needs.
        - Apply Newton to h(x) = x³ starting at 1: the minimum does not exist, f″ → 0 — what happens?

        Next: **09 · Build it yourself**, where you write the engine these notebooks have been using.
        """
    ),
]
