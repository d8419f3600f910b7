"""Notebook 01: the limit definition on the profit P, P'(x), the critical point, tangents, step direction."""

from notebook_sources import code, md

NAME = "01_derivatives_and_limits.ipynb"

CELLS = [
    md(
        r"""
        # 01 · Derivatives and limits: which way to step

        A neural network learns by repeating one loop:

        **INIT** (start somewhere) → **PREDICT** → **LOSS** (how wrong?) → **GRADIENT** (which way is
        better?) → **STEP** → repeat … → **STOP** (good enough).

        The heart of it is the GRADIENT: a derivative that says which way to move and how hard. This first
        notebook builds that idea with one variable and no network at all.

        **The story.** A company makes x units of a product. Its profit is

        P(x) = −2x² + 12x − 10

        How many units should it make? Today it makes 12. Should it make more, or fewer?

        **Goal:** compute a derivative from its limit definition, see where the computer's version of the
        limit breaks down, and use the derivative's sign to step towards the best x. Cells with `None`
        in them are yours: fill them in, then run the cell after them, which marks your answer.
        """
    ),
    code(
        """
        import matplotlib.pyplot as plt

        from autograd import derivative
        from autograd.check import limit_table
        from autograd.examples import PROFIT_TEXT, profit
        from autograd.practice import mark_answer   # marks the numbers you predict

        print(PROFIT_TEXT)
        for x in [0, 1, 2, 3, 4, 5, 6, 12]:
            print(f"P({x:2d}) = {profit(x):6.0f}")
        """
    ),
    md(
        r"""
        The profit rises, peaks somewhere around 3 and falls again; at 12 units the company loses 154.
        Trying every x works for one variable, but a network has thousands of parameters. We need a number,
        computed at the current x only, that says which way is better: the **derivative**.

        ## The limit definition

        Move x a little, by h, and see how much P changes. The change divided by h is the slope of the
        line through the two points (x, P(x)) and (x + h, P(x + h)), a *secant*:

        $$\frac{P(x+h) - P(x)}{h}$$

        As h shrinks, the second point slides towards the first, the secant turns into the tangent, and its
        slope becomes the derivative:

        $$P'(x) = \lim_{h \to 0} \frac{P(x+h) - P(x)}{h}$$

        Here is that picture at the top of the hill, x = 3, for h = 2, 1, 0.5 and 0.1.
        """
    ),
    code(
        """
        a = 3.0
        fig, ax = plt.subplots(figsize=(7, 4.2))
        xs = [a - 2.6 + i * 0.01 for i in range(521)]
        ax.plot(xs, [profit(x) for x in xs], color="black", lw=2, label="P(x) = −2x² + 12x − 10")
        secant_slopes = {}
        for h, color in [(2.0, "#d62728"), (1.0, "#ff7f0e"), (0.5, "#2ca02c"), (0.1, "#1f77b4")]:
            slope = (profit(a + h) - profit(a)) / h
            secant_slopes[h] = slope
            line = [a - 1.0, a + 2.4]
            ax.plot(line, [profit(a) + slope * (x - a) for x in line], color=color, lw=1.6,
                    label=f"secant, h = {h:g}: slope {slope:g}")
            ax.plot([a + h], [profit(a + h)], "o", color=color, ms=7)
        ax.plot([a - 2.6, a + 2.6], [profit(a)] * 2, "--", color="black", lw=1.4,
                label="tangent at x = 3: slope P′(3) = 0")
        ax.plot([a], [profit(a)], "o", color="black", ms=8)
        ax.set_ylim(-6, 10)
        ax.set_xlabel("x (units made)")
        ax.set_ylabel("profit P(x)")
        ax.set_title("Secants through (3, P(3)) turn into the tangent as h → 0")
        ax.legend(fontsize=8, loc="lower center")
        plt.show()

        for h, slope in secant_slopes.items():   # the slope of each secant is exactly −2h here
            assert abs(slope - (-2 * h)) < 1e-12, (h, slope)
        """
    ),
    md(
        r"""
        Each secant's slope is −2h (the algebra below says why), so as h → 0 the slopes go −4, −2, −1,
        −0.2, … → 0: the flat tangent at the top. Now compute the quotient at x = 12 for smaller and
        smaller h.
        """
    ),
    code(
        """
        x = 12.0
        print(f"{'h':>8}  {'(P(12+h) - P(12)) / h':>24}")
        for h in [1.0, 0.1, 0.01, 0.001, 0.0001]:
            quotient = (profit(x + h) - profit(x)) / h
            print(f"{h:8g}  {quotient:24.6f}")
        """
    ),
    md(
        r"""
        The numbers settle towards −36. The algebra says why. Expand P(x + h):

        $$P(x+h) - P(x) = -2(x+h)^2 + 12(x+h) - 10 - (-2x^2 + 12x - 10) = -4xh - 2h^2 + 12h$$

        Divide by h: **−4x + 12 − 2h**. Let h go to 0 and what is left is

        $$P'(x) = \lim_{h \to 0} \left(-4x + 12 - 2h\right) = -4x + 12, \qquad P'(12) = -48 + 12 = -36.$$

        The quotient at a finite h is off by exactly −2h, which is the pattern in the table above. The
        cell below checks that against the algebra.
        """
    ),
    code(
        """
        for h in [1.0, 0.1, 0.01, 0.001]:
            quotient = (profit(x + h) - profit(x)) / h
            assert abs(quotient - (-4 * x + 12 - 2 * h)) < 1e-6, (h, quotient)
        print("the quotient is -4x + 12 - 2h, as the algebra says")
        """
    ),
    md(
        r"""
        ## Your turn: the slope at x = 5

        Cells with `None` in them are yours: fill in your answer, run the cell, then run the one after it,
        which marks it. Use the formula you have just derived: what is P′(5)? The marking cell then checks
        your number against the limit definition itself.
        """
    ),
    code(
        """
        my_slope = None   # P′(5), from P′(x) = −4x + 12
        """
    ),
    code(
        """
        display(mark_answer("01.slope", my_slope))
        if my_slope is not None:   # the limit definition, as a check on the formula
            for h in [0.1, 0.01, 0.001]:
                print(f"  h = {h:<6g} (P(5 + h) − P(5)) / h = {(profit(5 + h) - profit(5)) / h:.4f}")
        """
    ),
    md(
        r"""
        ## The limit table: shrinking h until the computer cannot

        `limit_table` does this for h = 10⁻¹ … 10⁻¹², with two quotients side by side, and compares them
        with the derivative autograd computes (exactly, by the chain rule, as later notebooks show):

        - **forward**: (P(x + h) − P(x)) / h, the limit definition;
        - **central**: (P(x + h) − P(x − h)) / 2h, symmetric around x, which makes the −2h error cancel.

        Watch the forward error: it falls ten-fold with each step of h, **until it doesn't**. Below about
        h = 10⁻⁷ it grows again: the computer keeps only about 16 significant digits, and P(12 + h) and
        P(12) agree in almost all of them, so their difference is mostly rounding noise, which dividing by a
        tiny h then blows up.
        """
    ),
    code(
        """
        table = limit_table(profit, 12.0)
        display(table)

        assert table.derivative == -36.0                        # autograd agrees with -4x + 12
        assert abs(table[0].forward_error - 2 * 0.1) < 1e-9    # at h = 0.1 the error is 2h
        assert table.best_forward.forward_error < 1e-5          # small h helps...
        assert table[-1].forward_error > table.best_forward.forward_error  # ...until round-off wins
        """
    ),
    code(
        """
        hs = [row.h for row in table]
        floor = 1e-17  # an error of exactly 0 cannot be drawn on a log scale: it is drawn at the floor
        forward = [max(row.forward_error, floor) for row in table]
        central = [max(row.central_error, floor) for row in table]
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        # Two styles, so that where the curves meet (below h ≈ 1e-8 both are round-off) neither hides:
        # filled circles on a solid line, open squares on a dashed one.
        ax.loglog(hs, forward, "o-", color="#1f77b4", ms=8, lw=2, label="forward (P(x+h) − P(x))/h")
        ax.loglog(hs, central, "s--", color="#d62728", ms=9, lw=1.6, mfc="none", mew=1.8,
                  label="central (P(x+h) − P(x−h))/2h")
        ax.axvline(1e-8, color="grey", lw=0.8, ls=":")
        ax.text(1.2e-8, 1e-2, "√ε ≈ 1e-8:\\nround-off wins\\nbelow here", fontsize=8, color="grey")
        ax.invert_xaxis()
        ax.set_title("Error of the difference quotients at x = 12, as h shrinks →")
        ax.set_xlabel("step size h")
        ax.set_ylabel("|quotient − P′(12)|")
        ax.legend(loc="lower right", fontsize=9)   # the upper middle holds the round-off note
        plt.show()
        """
    ),
    md(
        r"""
        ## At the top of the hill: zeros by luck

        At x = 3 the derivative is 0. Look at the forward column for tiny h: some quotients are *exactly*
        0. That is not the limit being reached: P(3 + h) and P(3) are so close that the computer rounds
        them to the same number, so their difference is 0, and it only happens to match P′(3) = 0. The
        table stars those zeros (`0*`) and picks no "best h" from them.
        """
    ),
    code(
        """
        top = limit_table(profit, 3.0)
        print(top)
        lucky = [row for row in top if row.forward_cancels]
        assert lucky and all(row.forward == 0.0 and row.h < 1e-8 for row in lucky)
        assert not top.best_forward.forward_cancels         # the best h is a real one
        assert abs(top[0].forward - (-2 * 0.1)) < 1e-12     # the quotient is −2h, as the algebra says
        """
    ),
    md(
        r"""
        For a parabola the central quotient has no −2h error at all (it cancels), so everything in its
        curve is rounding noise. That is why autograd does **not** compute derivatives from limits: it
        applies the derivative rules exactly. `derivative(profit)` gives the function x ↦ P′(x).

        ## The critical point

        Where P′(x) = 0 the tangent is flat: the top of the hill. −4x + 12 = 0 gives **x = 3**, where
        P(3) = 8.
        """
    ),
    code(
        """
        dP = derivative(profit)
        for x in [0.0, 1.0, 2.5, 3.0, 7.0, 12.0]:
            assert abs(dP(x) - (-4 * x + 12)) < 1e-12   # autograd matches the formula from the limit

        x_star = 12 / 4   # solve -4x + 12 = 0
        print(f"P'({x_star}) = {dP(x_star)},  P({x_star}) = {profit(x_star)}")
        assert abs(x_star - 3) < 1e-9 and dP(x_star) == 0
        assert all(profit(x_star) >= profit(x_star + d) for d in [-2, -0.1, 0.1, 2])  # it is the top
        """
    ),
    md(
        r"""
        ## Tangent lines: the derivative is the slope

        At a point a, the tangent line is y = P(a) + P′(a)·(x − a). Left of 3 the tangents slope upwards
        (P′ > 0), right of 3 downwards (P′ < 0), and at 3 it is flat. On the right, x = 12, far from the
        top, with a tangent as steep as −36.
        """
    ),
    code(
        """
        def tangent(a, xs):
            return [profit(a) + dP(a) * (x - a) for x in xs]

        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        grid = [i * 0.05 for i in range(-20, 291)]
        panels = [(left, [1.0, 3.0, 5.0], 1.2, -0.5, 6.5, "lower center"),
                  (right, [12.0], 2.5, 0, 14, "lower left")]
        for ax, points, span, lo, hi, where in panels:
            xs = [x for x in grid if lo <= x <= hi]
            ax.plot(xs, [profit(x) for x in xs], color="grey", lw=1.5, label="P(x)")
            for a in points:
                near = [a - span, a + span]
                ax.plot(near, tangent(a, near), lw=2.5, label=f"tangent at x = {a:g}, slope P′ = {dP(a):g}")
                ax.plot([a], [profit(a)], "o", color="black")
            ax.set_xlabel("x (units made)")
            ax.set_ylabel("profit P(x)")
            ax.legend(fontsize=8, loc=where)
        left.set_title("Near the top: the slope changes sign at x = 3")
        right.set_title("At x = 12: far from the top, steeply downhill")
        fig.tight_layout()
        plt.show()
        """
    ),
    md(
        r"""
        ## What the sign of the derivative says

        - P′(x) > 0: more units → more profit. **Step right.**
        - P′(x) < 0: more units → less profit. **Step left.**
        - P′(x) = 0: flat. Nowhere better nearby: **stop**.

        At x = 12, P′(12) = −36: make *fewer* units, and the size of the number says the ground is steep,
        so there is a long way to go. A **gradient step** turns this into an update:

        x ← x + lr · P′(x)

        with a small *learning rate* lr. (Training minimises a loss L instead of maximising a profit; then
        the step is x ← x − lr · L′(x). With L = −P it is the same step.) Repeat until the derivative is
        almost 0: that is the whole loop, INIT → GRADIENT → STEP → repeat → STOP, in one variable.

        **Predict:** the company makes 12 units and lr = 0.1. Where does the first step take x? Put the
        number in `my_first_step`, run the two cells below, then watch the loop.
        """
    ),
    code(
        """
        my_first_step = None   # x after one step from x = 12 with lr = 0.1
        """
    ),
    code(
        """
        mark_answer("01.first-step", my_first_step)
        """
    ),
    code(
        """
        x, lr = 12.0, 0.1            # INIT: where the company is today; the learning rate
        print(f"{'step':>4} {'x':>9} {'P(x)':>10} {'P′(x)':>9}  direction")
        for step in range(100):
            slope = dP(x)            # GRADIENT
            if step < 6 or abs(slope) < 1e-6:
                direction = "right" if slope > 0 else "left" if slope < 0 else "stay"
                print(f"{step:4d} {x:9.4f} {profit(x):10.4f} {slope:9.4f}  {direction}")
            if abs(slope) < 1e-6:    # STOP: the ground is flat
                break
            x = x + lr * slope       # STEP: uphill for the profit

        print(f"stopped after {step} steps at x = {x:.6f}")
        assert abs(x - 3) < 1e-6     # the steps walked to the critical point
        """
    ),
    md(
        r"""
        ### What you saw

        - The derivative is the limit of difference quotients; for P it is −4x + 12.
        - On a computer, the limit cannot be taken: too small an h drowns in round-off. Autograd computes
          derivatives exactly instead.
        - The sign of the derivative says which way to step; repeated steps walk to the critical point 3.

        **Try it:** start at x = 0 instead of 12; try lr = 0.4 and lr = 0.6 (what happens, why does the last line's check fail for one of them,
        and how does 1 − 4·lr explain it?). Next: **02 · Values and graphs**, how autograd records a computation so
        it can take derivatives of anything built from `+`, `*`, `tanh`, ….
        """
    ),
]
