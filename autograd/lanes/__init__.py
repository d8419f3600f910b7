"""Lanes: record one sample's scalar graph once, then run it over a whole batch with numpy.

The graph of one sample is the same for every sample: only the numbers differ. So instead of building
B graphs of Python objects, :func:`record` builds one, and :meth:`Program.run` evaluates every node for
all B samples at once, one numpy array per node with one entry ("lane") per sample:

>>> from autograd import Value
>>> from autograd.lanes import record
>>> w, b = Value(0.5, "w"), Value(0.1, "b")
>>> program = record(lambda x, y: ((w * x + b).tanh() - y) ** 2, 2)
>>> loss = program.run([0.0, 1.0, 2.0], [0.0, 1.0, 1.0])     # the mean over three samples
>>> round(loss, 6), round(w.grad, 6)
(0.088019, -0.315165)

``run`` returns the mean (or, with ``reduce="sum"``, the sum) and adds to every parameter's ``.grad``
what ``backward()`` of the mean of the B scalar graphs would add. It evaluates each op's own rule from
:mod:`autograd.ops` (local derivatives written once against a math namespace: floats for
``backward()``, Values for ``create_graph``, numpy arrays here), and an op's domain error names the
lane that failed. Same-op nodes at the same depth run as one numpy call: the weighted sums of a layer
become one matrix product, which is what a tensor library's layer is (see :mod:`autograd.lanes.plan`).

Branches. A Python ``if`` on a value's data (or ``max(z.data ...)``, ``float(v)``) makes the recorded
graph wrong for samples that would take the other branch. The program records a few telling samples
(each input's extremes, random ones) on its first run and one random sample every run after, compares
each with the recorded graph, and raises :class:`LanesBranchError` saying what differs and how to write
the branch as an op (``relu``, ``abs``). ``program.verify(*columns)`` checks every sample.
"""

from __future__ import annotations

from .program import Program, record
from .structure import LanesBranchError

__all__ = ["record", "Program", "LanesBranchError"]
