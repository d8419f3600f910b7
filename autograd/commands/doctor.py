"""Check this installation: gradstep's version, where autograd, nn and optim come from, Graphviz, a browser.

The import names autograd, nn and optim also belong to other PyPI packages (HIPS autograd, and small
packages called nn and optim), and a file of your own called nn.py shadows gradstep's nn. The doctor
says which package each name really loads, and how to fix a clash. Graphviz (pictures), a browser
(the HTML pages) and Jupyter (`gradstep course`) are reported too.

Exit code: 0 when gradstep can run, 1 when one of its packages is missing, shadowed or not gradstep's.
"""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    """The doctor takes no arguments."""


def run(args: argparse.Namespace) -> int:
    # The report lives in the launcher: it must work when gradstep's own packages are broken.
    from gradstep_cli import doctor

    return doctor()
