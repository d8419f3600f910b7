"""gradstep lab: the starter, the sandbox (time, memory, crashes), and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd.__main__ import main
from autograd.lab import TASK_IDS, ExistingFiles, Limits, check_lab, write_starter
from autograd.lab.starter import RESERVED_NAMES
from tests.lab_engines import make_folder

FAST = Limits(timeout=3.0, memory_mb=512)


def _break(folder: Path, file: str, old: str, new: str) -> Path:
    text = (folder / file).read_text()
    assert text.count(old) == 1
    (folder / file).write_text(text.replace(old, new))
    return folder


# ---- init ---------------------------------------------------------------------------------------
def test_init_writes_the_starter_and_every_task_says_not_implemented(tmp_path):
    written = write_starter(tmp_path / "lab")
    assert sorted(p.name for p in written) == ["README.md", "engine.py", "limit.py", "network.py"]
    assert not {p.stem for p in written} & RESERVED_NAMES  # nothing shadows autograd, nn, optim
    readme = (tmp_path / "lab" / "README.md").read_text()
    assert all(f"`{task_id}`" in readme for task_id in TASK_IDS)
    report = check_lab(tmp_path / "lab", limits=FAST)
    assert {t.mistake for t in report.tasks} == {"not-implemented"}
    limit = report.tasks[0].message
    assert "task limit" in limit and "limit.py, line" in limit


def test_each_stub_names_its_own_task(tmp_path):
    folder = make_folder(tmp_path / "lab")
    write_starter(folder, force=True)
    report = check_lab(folder, ["mul", "tanh", "sgd-step"], limits=FAST)
    for task in report.tasks:
        assert f"task {task.id}:" in task.message, task.message


def test_init_never_overwrites(tmp_path):
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "engine.py").write_text("# my own work\n")
    with pytest.raises(ExistingFiles, match="engine.py"):
        write_starter(folder)
    assert (folder / "engine.py").read_text() == "# my own work\n"
    assert not (folder / "network.py").exists()  # nothing at all was written
    write_starter(folder, force=True)
    assert "class Value" in (folder / "engine.py").read_text()


def test_init_on_the_command_line_refuses_and_says_so(tmp_path, capsys):
    folder = tmp_path / "lab"
    assert main(["lab", "init", str(folder)]) == 0
    (folder / "engine.py").write_text("# mine\n")
    assert main(["lab", "init", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "already exist" in err and "--force" in err and "Traceback" not in err
    assert (folder / "engine.py").read_text() == "# mine\n"
    assert main(["lab", "init", str(folder), "--force"]) == 0


# ---- the sandbox --------------------------------------------------------------------------------
def test_an_endless_loop_in_backward_is_a_timeout_not_a_hung_checker(tmp_path):
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "        self.grad = 1.0\n",
                    "        self.grad = 1.0\n        while True:\n            pass\n")
    start = time.monotonic()
    (task,) = check_lab(folder, ["order"], Limits(timeout=1.0)).tasks
    assert time.monotonic() - start < 10
    assert task.mistake == "timeout" and "1 s" in task.message


def test_an_exception_names_the_learners_file_and_line(tmp_path):
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "            self.grad += other.data * out.grad\n",
                    "            self.grad += other.value * out.grad\n")
    line = (folder / "engine.py").read_text().splitlines().index("            self.grad += other.value * out.grad") + 1
    (task,) = check_lab(folder, ["mul"], FAST).tasks
    assert task.mistake == "error"
    assert f"engine.py, line {line}" in task.message and "AttributeError" in task.message
    assert "other.value" in task.message
    assert "harness" not in task.message and "Traceback" not in task.message


def test_a_syntax_error_fails_clearly(tmp_path):
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "    def __mul__(self, other):\n",
                    "    def __mul__(self, other)\n")
    report = check_lab(folder, ["add", "neuron"], FAST)
    for task in report.tasks:
        assert task.mistake == "error"
        assert "syntax error" in task.message and "engine.py" in task.message and "line" in task.message
        assert "Traceback" not in task.message


def test_memory_is_limited_in_the_child(tmp_path):
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "        self.grad = 1.0\n",
                    "        self.grad = 1.0\n        hog = [0] * (400 * 1024 * 1024)\n")
    (task,) = check_lab(folder, ["add"], Limits(timeout=10, memory_mb=256)).tasks
    assert task.mistake == "error" and "MemoryError" in task.message


def test_the_learners_code_never_runs_in_the_checkers_process(tmp_path):
    marker = tmp_path / "ran-in"
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "import math\n",
                    f"import math, os\nopen({str(marker)!r}, 'a').write(str(os.getpid()) + '\\n')\n")
    check_lab(folder, ["add", "mul"], FAST)
    pids = marker.read_text().split()
    assert len(pids) == 2 and str(os.getpid()) not in pids
    assert "engine" not in sys.modules


def test_exiting_or_printing_learner_code_fails_one_task_cleanly(tmp_path):
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "        self.grad = 1.0\n",
                    "        print('debugging ' * 10000)\n        raise SystemExit(3)\n")
    (task,) = check_lab(folder, ["add"], FAST).tasks
    assert task.mistake == "error" and "SystemExit" in task.message and len(task.message) < 1000


# ---- the command line ---------------------------------------------------------------------------
def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograd", "lab", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_check_json_has_exactly_the_promised_keys_and_the_exit_code_says_pass_or_fail(tmp_path):
    folder = make_folder(tmp_path / "lab")
    run = _cli("check", str(folder), "--task", "mul", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"tasks", "passed", "total"} and (data["passed"], data["total"]) == (1, 1)
    assert set(data["tasks"][0]) == {"id", "title", "passed", "mistake", "message"}
    _break(folder, "engine.py", "            other.grad += -out.grad\n", "            other.grad += out.grad\n")
    run = _cli("check", str(folder), "--task", "sub", "--json")
    assert run.returncode == 1
    (task,) = json.loads(run.stdout)["tasks"]
    assert (task["id"], task["passed"], task["mistake"]) == ("sub", False, "sign")


def test_check_text_marks_each_task(tmp_path):
    folder = _break(make_folder(tmp_path / "lab"), "engine.py", "            other.grad += -out.grad\n",
                    "            other.grad += out.grad\n")
    run = _cli("check", str(folder), "--task", "sub")
    assert run.returncode == 1
    assert run.stdout.startswith("✗ sub: a - b") and "[sign]" in run.stdout and "0 of 1 tasks pass" in run.stdout


@pytest.mark.parametrize("args, message", [
    (["check", "no-such-folder"], "no folder no-such-folder"),
    (["check", ".", "--task", "nope"], "no task 'nope'"),
    (["show", ".", "--task", "nope"], "no task 'nope'"),
])
def test_bad_usage_exits_2_with_one_line(tmp_path, args, message):
    run = _cli(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_the_readme_session_is_what_the_command_prints(tmp_path):
    from tests.lab_engines import MISTAKES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Build it yourself", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n$ gradstep lab check mylab --task used-twice\n", 1)[1].split("```", 1)[0]
    file, old, new, _ = MISTAKES["accumulation"]
    assert new.strip().splitlines()[0].strip() in section  # the README shows the mistake it runs
    make_folder(tmp_path / "mylab", (file, old, new))
    run = _cli("check", "mylab", "--task", "used-twice", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout == block
