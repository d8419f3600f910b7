"""Notebook 05: gradcheck, a failing check, non-differentiable points, forward vs central differences."""

from notebook_sources import code, md

NAME = "05_checking_gradients.ipynb"

CELLS = [
    md(
        r"""
        # 05 · Checking gradients

        Training trusts the GRADIENT blindly: if it is wrong, every STEP goes the wrong way and nothing
        complains. So we check it against something independent: the **limit definition** from notebook 01.
        Nudge one input by a tiny ε up and down and see how the output moves:

        $$\frac{\partial f}{\partial x} \approx \frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon}\qquad\mathrm{(a\ central\ difference)}$$

        `gradcheck` does this for every input and puts it beside autograd's answer.

        **Goal:** read a gradcheck report, recognise a failing one and its cause, know when a "failure" is
        a kink rather than a bug, and check a derivative you worked out yourself.
        """
    ),
    code(
        """
        import matplotlib.pyplot as plt

        from autograd import Value
        from autograd.check import (
            GradcheckError,
            central_difference,
            forward_difference,
            gradcheck,
            gradgradcheck,
            limit_table,
        )
        """
    ),
    md(
        r"""
        ## A passing check

        A function of two inputs, using several ops. Each row compares one partial derivative: autograd's
        value, the numeric estimate, and their difference. A row passes when the difference is within
        `atol + rtol·|numeric|`.
        """
    ),
    code(
        """
        def f(x, y):
            return (x * y).tanh() + x.sin() * y.exp() - y / x

        report = gradcheck(f, [Value(0.7, "x"), Value(-1.3, "y")])
        display(report)
        assert report.ok and all(row.abs_error < 1e-8 for row in report.rows)
        """
    ),
    md(
        r"""
        ## What a failing check looks like

        A classic bug: reaching into `.data` in the middle of a computation. `x.data` is a plain float, so
        whatever is computed from it is a constant to autograd: the graph is cut there. Below, the term
        x² is computed as `Value(x.data ** 2)`; the forward value is right, but autograd no longer sees
        that it depends on x. So ∂f/∂x comes out as y = 3 where the truth is y + 2x = 7.

        `gradcheck` raises `GradcheckError`; its `.report` is the table, with the failing row marked.
        """
    ),
    code(
        """
        def buggy(x, y):
            return x * y + Value(x.data ** 2)   # BUG: .data cuts the graph, so x² looks constant

        try:
            gradcheck(buggy, [Value(2.0, "x"), Value(3.0, "y")])
            raise AssertionError("the check should have failed")
        except GradcheckError as err:
            failure = err.report   # Python forgets `err` after the except block; keep the report
            print(failure)

        assert [row.label for row in failure.failures] == ["∂f/∂x"]   # y's gradient is still right
        assert abs(failure.rows[0].numeric - 7.0) < 1e-6               # the truth: y + 2x = 7

        def fixed(x, y):
            return x * y + x ** 2

        assert gradcheck(fixed, [Value(2.0, "x"), Value(3.0, "y")]).ok
        """
    ),
    md(
        r"""
        ## Points where there is no derivative

        relu(x) = max(0, x) has a corner at 0: slope 0 on the left, 1 on the right. No single number is
        *the* derivative there. Autograd still has to return something and, like PyTorch, uses the
        convention relu′(0) = 0. The difference quotients tell the real story: forward says 1, central says
        0.5 (the average of the two sides), autograd says 0. Three answers, and none of them is wrong:
        the derivative does not exist.

        `gradcheck` notices that the left and right slopes differ and fails the row with a note saying so,
        instead of reporting a mysterious mismatch. One step away from 0, everything agrees again.
        """
    ),
    code(
        """
        def relu(x):
            return x.relu()

        print("forward quotient at 0:", forward_difference(relu, 0.0))
        print("central quotient at 0:", central_difference(relu, 0.0))
        x0 = Value(0.0, "x")
        x0.relu().backward()
        print("autograd's convention:", x0.grad)

        at_kink = gradcheck(relu, [Value(0.0, "x")], raise_on_failure=False)
        print(at_kink)
        assert not at_kink.ok and at_kink.rows[0].non_differentiable
        assert gradcheck(relu, [Value(0.5, "x")]).ok and gradcheck(relu, [Value(-0.5, "x")]).ok
        """
    ),
    md(
        r"""
        ## Forward vs central differences, and round-off

        Why central differences, and why a step of about 10⁻⁶ (gradcheck's ε) rather than something tinier? Take
        g(x) = sin(x)·eˣ at x = 1 and shrink h. Two errors pull against each other:

        - **truncation**: the quotient is not yet the limit. The forward quotient is off by about
          |g″|·h/2, so its error falls **10×** per step of h; the central quotient is off by about
          |g‴|·h²/6, falling **100×** per step.
        - **round-off**: a float holds about 16 digits. g(x + h) and g(x) share most of them, so their
          difference keeps few correct digits, and dividing by a tiny h magnifies the noise. This error
          *grows* as h shrinks, like 10⁻¹⁶/h.

        The sum is smallest where they balance: near h = 10⁻⁸ for forward (error ≈ 10⁻⁸), near h = 10⁻⁵
        for central (error ≈ 10⁻¹¹). Smaller than that, the answers get worse.
        """
    ),
    code(
        """
        def g(x):
            return x.sin() * x.exp()

        table = limit_table(g, 1.0)
        display(table)

        hs = [row.h for row in table]
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        ax.loglog(hs, [row.forward_error for row in table], "o-", label="forward (g(x+h) − g(x)) / h")
        ax.loglog(hs, [row.central_error for row in table], "s-", label="central (g(x+h) − g(x−h)) / 2h")
        ax.loglog(hs, [1e-16 / h for h in hs], ":", color="grey", label="round-off ≈ 10⁻¹⁶ / h")
        ax.invert_xaxis()
        ax.set_title("Error of the difference quotients of sin(x)·eˣ at x = 1")
        ax.set_xlabel("step size h  (shrinking →)")
        ax.set_ylabel("|quotient − autograd's derivative|")
        ax.legend(fontsize=9)
        plt.show()

        errors = {row.h: row for row in table}
        assert 1e-9 <= table.best_forward.h <= 1e-7              # forward: best near √ε ≈ 1e-8
        assert 1e-6 <= table.best_central.h <= 1e-4              # central: best near ∛ε ≈ 1e-5
        assert table.best_central.central_error < table.best_forward.forward_error / 100
        ratio = errors[1e-2].forward_error / errors[1e-3].forward_error
        assert 8 < ratio < 12                                    # forward: O(h), ten-fold per step
        ratio = errors[1e-2].central_error / errors[1e-3].central_error
        assert 80 < ratio < 120                                  # central: O(h²), hundred-fold per step
        assert errors[1e-12].forward_error > 1000 * table.best_forward.forward_error  # round-off wins
        """
    ),
    md(
        r"""
        ## Second derivatives too

        `gradgradcheck` does the same for second derivatives (what Newton's method in notebook 08 uses):
        it differentiates each first derivative again with autograd and compares with central differences
        of the first derivative.
        """
    ),
    code(
        """
        second = gradgradcheck(lambda x, y: (x * y).tanh(), [Value(0.5, "x"), Value(-1.0, "y")])
        print(second)
        assert second.ok and len(second.rows) == 4
        """
    ),
    md(
        r"""
        ## Your turn: check a derivative you work out

        Take g(x) = x · sin(x). Work out g′(x) on paper (the product rule: (uv)′ = u′v + uv′), write it
        as a Python function of a float x in `my_derivative`, and run the check below:
        `check_derivative(g, my_derivative, points)` puts your formula beside the limit of the
        difference quotients at each point and names the first point where they disagree.
        """
    ),
    code(
        """
        import math

        from autograd.check import check_derivative

        def g(x):
            return x * x.sin()

        def my_derivative(x):
            return None        # your g'(x), e.g. with math.sin(x) and math.cos(x)
        """
    ),
    code(
        """
        points = [-2.0, -0.5, 0.0, 1.0, 2.5]
        try:
            blank = my_derivative(1.0) is None
        except Exception:   # check_derivative says what went wrong, point by point
            blank = False
        if blank:
            print("Write your formula in my_derivative above (it returns None now), run it, then run this cell.")
        else:
            display(check_derivative(g, my_derivative, points))
        """
    ),
    md(
        r"""
        A classic slip is to forget one half of the product rule. The check below shows what the report
        says for one such slip, x·cos(x) alone; compare it with yours.
        """
    ),
    code(
        """
        slip = check_derivative(g, lambda x: x * math.cos(x), points)
        print(slip.verdict())
        assert not slip.ok
        """
    ),
    md(
        r"""
        ### Solution (try it yourself first)

        <details><summary>Show the solution</summary>

        The product rule with u = x and v = sin(x): g′(x) = u′v + uv′ = sin(x) + x·cos(x), in Python
        `return math.sin(x) + x * math.cos(x)`.

        </details>
        """
    ),
    md(
        r"""
        ### What you saw

        - `gradcheck` compares every partial derivative with the limit definition (central differences).
        - A wrong gradient, here from a graph cut by `.data`, shows up as a failing row.
        - At a corner like relu(0) there is no derivative; the check says so.
        - Central differences beat forward ones, and too small a step drowns in round-off: that is why
          autograd computes derivatives exactly and uses limits only to *check*.

        **Try it:** check `lambda x: abs(x)` at 0 and at 0.1; check `lambda x: x.sqrt()` at 0.
        Next: **06 · Training an MLP**.
        """
    ),
]
