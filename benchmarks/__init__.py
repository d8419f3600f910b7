"""``make bench``: gradstep against micrograd 0.1.0, PyTorch (if installed) and hand-written plain floats.

Run it as ``python -m benchmarks`` (``--quick`` for a smoke run with tiny sizes, ``--profile`` for a
cProfile summary of gradstep's training step). The modules, one job each:

* :mod:`benchmarks.timing` — interleaved repetitions, medians, a deep-recursion helper;
* :mod:`benchmarks.engines` — one adapter per autograd engine (same workloads, each engine's idiom);
* :mod:`benchmarks.floats` — the floor: the same work in plain Python floats, forward and backward by hand;
* :mod:`benchmarks.workloads` — the data set, the shared initial weights and the measurements;
* :mod:`benchmarks.memory` — bytes per node, the deepest chain backward() survives, memory over training;
* :mod:`benchmarks.report` — machine info, the printed table, ``results.json`` and ``results.md``.
"""
