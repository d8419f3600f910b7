"""gradstep's neural networks: modules built from Values, losses, toy data sets and the training loop.

>>> from nn import MLP, fit
>>> from nn.datasets import make_moons
>>> from optim import SGD
>>> X, y = make_moons(100, noise=0.1, seed=0)
>>> model = MLP(2, [16, 16, 1], rng=0)
>>> history = fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=5, progress=False)
>>> len(history.loss)
5

The command ``gradstep demo`` (:mod:`nn.demo`) runs the whole loop and draws it.
"""

from __future__ import annotations

from . import datasets
from .batch import forward_batch
from .losses import binary_cross_entropy, cross_entropy, hinge_loss, mse_loss, softmax
from .module import MLP, Layer, Module, Neuron, Parameter
from .train import History, accuracy, fit, predict

__all__ = [
    "Module",
    "Parameter",
    "Neuron",
    "Layer",
    "MLP",
    "mse_loss",
    "hinge_loss",
    "binary_cross_entropy",
    "cross_entropy",
    "softmax",
    "fit",
    "History",
    "predict",
    "accuracy",
    "forward_batch",
    "datasets",
]

#: Marks this package as gradstep's: the command line checks for this line (without importing) to tell
#: gradstep's package from another distribution's of the same import name.
__distribution__ = "gradstep"
