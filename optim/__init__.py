"""gradstep's optimizers: turn gradients into parameter updates (the STEP of the learning loop).

``SGD`` and ``Adam`` follow PyTorch's documented update rules and ``Optimizer`` contract
(``param_groups``, ``step()``, ``zero_grad()``, ``state_dict()``); :mod:`optim.lr_scheduler` changes the
learning rate over time; :func:`lr_find` (the LR range test) suggests a learning rate to start from.
Parameters are any :class:`autograd.Value` leaves: optim knows nothing of nn.

>>> from autograd import Value
>>> from optim import SGD
>>> x = Value(12.0)
>>> opt = SGD([x], lr=0.1)
>>> for _ in range(100):
...     opt.zero_grad()
...     loss = 2 * x**2 - 12 * x + 10      # −P(x): minimising it maximises the profit P
...     loss.backward()
...     opt.step()
>>> round(x.data, 6)
3.0
"""

from __future__ import annotations

from . import lr_scheduler
from .adam import Adam
from .lr_find import LRFinderResult, lr_find  # the submodule name is shadowed by the function on purpose
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "lr_scheduler", "lr_find", "LRFinderResult"]

#: Marks this package as gradstep's: the command line checks for this line (without importing) to tell
#: gradstep's package from another distribution's of the same import name.
__distribution__ = "gradstep"
