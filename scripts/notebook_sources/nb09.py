"""Notebook 09: build it yourself — your own engine, checked task by task by the lab."""

from notebook_sources import code, md

NAME = "09_build_it_yourself.ipynb"

CELLS = [
    md(
        r"""
        # 09 · Build it yourself

        Watching backprop (notebooks 02–03) and doing it by hand (04) are two thirds of learning it. The
        last third is **writing the engine**, the way Karpathy's micrograd lecture does it line by line.
        `gradstep lab` gives you a starter in micrograd's shape and checks it task by task; when a task
        fails it says **what your numbers point to**: `=` instead of `+=`, a forgotten `out.grad`, a sign,
        a wrong local derivative, a `backward()` in the wrong order or too deep for Python's recursion.

        In a terminal the whole lab is three commands:

        ```
        gradstep lab init mylab          # engine.py, limit.py, network.py and a README of the tasks
        gradstep lab check mylab         # every task: ✓, or ✗ with one paragraph about your numbers
        gradstep lab show mylab --task order   # the graph your engine got wrong, your gradients beside the right ones
        ```

        **Goal:** write the first ops and `backward()` of an engine yourself, see how the lab marks a
        mistake with your own numbers, and know what is left to write. Here we do the first tasks in the
        notebook, with two deliberate mistakes, so you see what the lab says. Your code always runs in a separate process with a time limit, so an endless loop in your
        `backward()` only fails a task.
        """
    ),
    code(
        """
        import tempfile
        from pathlib import Path

        from IPython.display import Markdown, display

        from autograd.lab import check_lab, write_starter
        from autograd.lab.show import lab_page
        from autograd.practice import mark_answer   # marks what you predict
        from autograd.viz import BackpropPage

        LAB = Path(tempfile.mkdtemp()) / "mylab"   # in a terminal: gradstep lab init mylab
        write_starter(LAB)
        print("your lab folder:", LAB)
        print(sorted(p.name for p in LAB.iterdir()))
        """
    ),
    md(
        r"""
        Every stub raises `NotImplementedError` naming its task, so the lab can tell "not written yet"
        from "wrong":
        """
    ),
    code(
        """
        report = check_lab(LAB, ["limit", "add"])
        print(report)
        assert [t.mistake for t in report.tasks] == ["not-implemented", "not-implemented"]
        """
    ),
    md(
        r"""
        ## Task `limit`: the limit definition

        Notebook 01's definition, taken at a small h instead of the limit:

        $$f'(x) = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}$$

        The lab compares your number
        with the exact derivative of three functions (the profit P at x = 12 among them).
        """
    ),
    code(
        """
        %%writefile {LAB}/limit.py
        def numeric_derivative(f, x, h=1e-6):
            return (f(x + h) - f(x)) / h
        """
    ),
    code(
        """
        report = check_lab(LAB, ["limit"])
        print(report)
        assert report.ok
        """
    ),
    md(
        r"""
        ## Tasks `add`, `mul`: the lecture's first two ops, and a `backward()`

        Each op makes `out` and gives it a `_backward` closure that passes `out.grad` back to the inputs,
        times the local derivative. Below is the lecture's version of `+` and `*` with a plain recursive
        topological sort, **with one deliberate mistake** that is among the most common in micrograd's
        issue tracker. Can you see it before the lab does? **Predict:** read the code, then say which of
        the three tasks checked after it fails: `"add"` (a + b), `"mul"` (a * b) or `"used-twice"`
        (a + a). Put it in `guess`, below the code.
        """
    ),
    code(
        """
        %%writefile {LAB}/engine.py
        class Value:
            def __init__(self, data, _children=(), _op=''):
                self.data = data
                self.grad = 0.0
                self._backward = lambda: None
                self._prev = set(_children)
                self._op = _op

            def __add__(self, other):
                other = other if isinstance(other, Value) else Value(other)
                out = Value(self.data + other.data, (self, other), '+')
                def _backward():
                    self.grad = out.grad
                    other.grad = out.grad
                out._backward = _backward
                return out

            def __mul__(self, other):
                other = other if isinstance(other, Value) else Value(other)
                out = Value(self.data * other.data, (self, other), '*')
                def _backward():
                    self.grad += other.data * out.grad
                    other.grad += self.data * out.grad
                out._backward = _backward
                return out

            def backward(self):
                topo, visited = [], set()
                def build_topo(v):
                    if v not in visited:
                        visited.add(v)
                        for child in v._prev:
                            build_topo(child)
                        topo.append(v)
                build_topo(self)
                self.grad = 1.0
                for v in reversed(topo):
                    v._backward()
        """
    ),
    code(
        """
        guess = None   # "add", "mul" or "used-twice"
        """
    ),
    code(
        """
        report = check_lab(LAB, ["add", "mul", "used-twice"])
        display(mark_answer("09.first-failure", guess))
        if guess is not None:   # the lab's verdict, once you have given yours
            print(report)
        """
    ),
    code(
        """
        used_twice = report.tasks[2]
        assert [t.passed for t in report.tasks] == [True, True, False] and used_twice.mistake == "accumulation"
        """
    ),
    md(
        r"""
        `a + b` alone is right, so `add` passes: the mistake shows only when a node is **used twice**
        (`a + a`), where the second contribution overwrites the first. `lab show` draws that graph with
        your engine's gradient under the right one, the first node where they differ framed in purple
        (step through it):
        """
    ),
    code(
        """
        BackpropPage(lab_page(used_twice), title="lab show: used-twice")
        """
    ),
    md(
        r"""
        The fix is one character per line: `+=`, so every use adds its share.
        """
    ),
    code(
        """
        import shutil

        FIXED = LAB.parent / "mylab-fixed"   # a copy, so the cells above still check the engine with the slip
        shutil.rmtree(FIXED, ignore_errors=True)
        shutil.copytree(LAB, FIXED)
        engine = FIXED / "engine.py"
        engine.write_text(engine.read_text().replace("self.grad = out.grad", "self.grad += out.grad")
                                             .replace("other.grad = out.grad", "other.grad += out.grad"))
        report = check_lab(FIXED, ["add", "mul", "chain-rule", "used-twice", "order", "deep-chain"])
        print(report)
        deep = report.tasks[-1]
        assert [t.passed for t in report.tasks] == [True, True, True, True, True, False]
        assert deep.mistake == "recursion-limit"
        """
    ),
    md(
        r"""
        ## Task `deep-chain`: too deep for recursion

        `build_topo` calls itself once per node along the longest path, and Python stops at 1,000 nested
        calls: micrograd's own engine fails this task the same way. The lab says where (your file and
        line) and what to do instead. That one, and the rest, are yours:

        - the ops `neg`, `sub`, `div`, `pow`, `exp`, `tanh`, `relu` in `engine.py` (`chain-rule` and
          `used-twice` then check them too);
        - an iterative topological sort for `deep-chain`;
        - `network.py`: a neuron, an MLP, `zero_grad`, an SGD step and a training loop that brings a toy
          data set's loss under 0.02.

        Edit the files in your lab folder and run `gradstep lab check mylab` (or the cell below) as often
        as you like. For teachers: `gradstep lab check DIR --json` prints one record per task (`id`,
        `title`, `passed`, `mistake`, `message`) and exits 0 only when every task passes, so it drops
        into an autograder.
        """
    ),
    code(
        """
        # The lab's README lists every task with what to write for it:
        display(Markdown((LAB / "README.md").read_text().split("## The tasks")[1].split("Notes:")[0]))
        report = check_lab(LAB, ["neuron", "sgd-step"])
        print(report)
        assert {t.mistake for t in report.tasks} == {"not-implemented"}
        """
    ),
    md(
        r"""
        ### What you saw

        - An engine is small: a `Value` with `data`, `grad`, its parents and a `_backward` per op, and a
          `backward()` that calls them in reverse topological order.
        - The lab marks each task against the limit definition and the right engine, and names the slip
          your numbers fit: `=` where `+=` adds up a node used twice, a `backward()` that recurses too
          deep.
        - The remaining tasks (the other ops, an iterative sort, a network and its training) are yours:
          `gradstep lab check mylab` says when each one is right.

        Next: **10 · From scalars to tensors**, where one graph runs a whole batch at once.
        """
    ),
]
