"""Build it yourself: a graded lab that checks a learner's own engine task by task.

* :func:`write_starter` — the starter files of ``gradstep lab init`` (``engine.py`` in micrograd's
  shape, ``limit.py``, ``network.py``, ``README.md``);
* :func:`check_lab` — run the tasks (:data:`TASKS`) on a learner's folder: each in a sandboxed child
  process (:mod:`.sandbox`, :mod:`.harness`), judged against gradstep's own engine, the mistake named
  when the numbers fit one (:mod:`.diagnosis`); returns a :class:`LabReport`;
* :func:`save_lab_html` — the stepper of the graph a task got wrong, the learner's gradients beside
  the right ones (``gradstep lab show``).
"""

from __future__ import annotations

from .report import MISTAKE_CODES, LabReport, TaskResult, check_lab
from .sandbox import Limits
from .starter import ExistingFiles, write_starter
from .tasks import TASK_IDS, TASKS, Task

__all__ = ["TASKS", "TASK_IDS", "Task", "MISTAKE_CODES", "LabReport", "TaskResult", "Limits", "check_lab",
           "write_starter", "ExistingFiles"]
