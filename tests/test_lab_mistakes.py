"""The lab names a learner's mistake only when their numbers fit it, and then exactly that one.

Oracles: a correct engine (tests/lab_solution) passes every task; karpathy/micrograd 0.1.0's own
engine.py passes every task whose op it has, reports exp and tanh not-implemented, and fails the deep
chain with recursion-limit, nothing else; each mistake engine (the solution with one change, see
tests/lab_engines.py) fails exactly the tasks that change affects, every one with that mistake's code.
"""

from __future__ import annotations

import pytest

from autograd.lab import MISTAKE_CODES, TASK_IDS, check_lab
from tests.lab_engines import MISTAKES, make_folder, micrograd_folder


def failures(report):
    return {t.id: t for t in report.tasks if not t.passed}


def test_a_correct_engine_passes_every_task(tmp_path):
    report = check_lab(make_folder(tmp_path / "solution"))
    assert [t.id for t in report.tasks] == list(TASK_IDS)
    assert failures(report) == {}, str(report)
    assert report.ok and report.passed == report.total == len(TASK_IDS)


def test_micrograds_own_engine_fails_only_the_ops_it_lacks_and_the_deep_chain(tmp_path):
    report = check_lab(micrograd_folder(tmp_path / "micrograd"))
    got = {task_id: t.mistake for task_id, t in failures(report).items()}
    assert got == {"exp": "not-implemented", "tanh": "not-implemented", "deep-chain": "recursion-limit"}, str(report)
    deep = failures(report)["deep-chain"].message
    assert "engine.py, line" in deep and "build_topo" in deep and "iterative" in deep


@pytest.mark.parametrize("code", sorted(MISTAKES))
def test_each_mistake_gets_exactly_its_code(tmp_path, code):
    file, old, new, tasks = MISTAKES[code]
    report = check_lab(make_folder(tmp_path / code, (file, old, new)))
    failed = failures(report)
    assert set(failed) == tasks, str(report)
    assert {t.mistake for t in failed.values()} == {code}, str(report)
    assert code in MISTAKE_CODES


def test_the_explanation_uses_the_numbers_of_the_graph(tmp_path):
    file, old, new, _ = MISTAKES["local-derivative"]
    report = check_lab(make_folder(tmp_path / "tanh", (file, old, new)), ["tanh"])
    (task,) = report.tasks
    # tanh at 0.5: the learner's 1 − x² = 0.75, the right 1 − tanh²(0.5) = 0.786448
    assert "0.75" in task.message and "0.786448" in task.message and "1 − x²" in task.message


def test_a_sign_error_in_subtraction_is_named_with_its_numbers(tmp_path):
    file, old, new, _ = MISTAKES["sign"]
    (task,) = check_lab(make_folder(tmp_path / "sub", (file, old, new)), ["sub"]).tasks
    assert task.mistake == "sign"
    assert "b.grad should be -1.0" in task.message and "gave 1.0" in task.message


def test_accumulation_names_the_one_path_that_was_kept(tmp_path):
    file, old, new, _ = MISTAKES["accumulation"]
    (task,) = check_lab(make_folder(tmp_path / "acc", (file, old, new)), ["used-twice"]).tasks
    assert task.mistake == "accumulation"
    assert "a.grad should be 2.0" in task.message and "gave 1.0" in task.message and "+=" in task.message


def test_a_wrong_answer_that_fits_no_mistake_is_not_guessed(tmp_path):
    change = ("engine.py", "            self.grad += other.data * out.grad\n",
              "            self.grad += (other.data + 0.25) * out.grad\n")
    (task,) = check_lab(make_folder(tmp_path / "odd", change), ["mul"]).tasks
    assert not task.passed and task.mistake is None
    assert "should be -3.0" in task.message and "-2.75" in task.message
