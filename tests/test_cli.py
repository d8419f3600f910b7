"""What every command promises (autograd/__main__.py and the launcher gradstep_cli.py): one-line errors,
exit 2 for bad input, 130 for Ctrl-C, never a traceback, whatever state stdin and stdout are in."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import gradstep_cli
from autograd import __main__ as cli
from autograd.files import describe_os_error

GRADSTEP = [sys.executable, "-c", "import sys, gradstep_cli; sys.exit(gradstep_cli.main())"]


def _gradstep(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 120)
    return subprocess.run([*GRADSTEP, *args], cwd=cwd, **kwargs)


def _text(done: subprocess.CompletedProcess) -> tuple[str, str]:
    out = done.stdout.decode("utf-8", "replace") if isinstance(done.stdout, bytes) else (done.stdout or "")
    err = done.stderr.decode("utf-8", "replace") if isinstance(done.stderr, bytes) else (done.stderr or "")
    return out, err


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    _, err = _text(done)
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


# ---- --version, and expressions that start with "-" ------------------------------------------------------
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import metadata

    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"gradstep {metadata.version('gradstep')}"


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["check", "-2*x**2+12*x-10", "--at", "x=3"], "∂f/∂x = 0"),  # the example, as typed
        (["check", "--at", "x=3", "-2*x**2+12*x-10"], "∂f/∂x = 0"),
        (["check", "-x**2", "--at", "x=1.5"], "∂f/∂x = -3"),
        (["graph", "-a*b", "--at", "a=2,b=3"], "∂out/∂a = -3"),
    ],
)
def test_an_expression_starting_with_minus_works_as_typed(argv, expected, capsys) -> None:
    assert cli.main(argv) == 0
    assert expected in capsys.readouterr().out


def test_short_options_still_work_beside_such_expressions(tmp_path: Path, capsys) -> None:
    picture = tmp_path / "g.dot"
    assert cli.main(["graph", "-a*b", "--at", "a=2,b=3", f"-o{picture}"]) == 0
    assert picture.read_text().startswith("digraph")
    with pytest.raises(SystemExit) as done:
        cli.main(["check", "-h"])
    assert done.value.code == 0 and "usage: gradstep check" in capsys.readouterr().out


def test_an_unknown_double_dash_option_is_still_refused(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["check", "x", "--nope"])
    assert done.value.code == 2 and "--nope" in capsys.readouterr().err


# ---- the shared error handling ---------------------------------------------------------------------------
def _patch_run(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    from autograd.commands import profit

    def boom(args):
        raise error

    monkeypatch.setattr(profit, "run", boom)


@pytest.mark.parametrize(
    "error, code, words",
    [
        (RuntimeError("kaput"), 1, "unexpected RuntimeError: kaput (this is a bug in gradstep"),
        (ValueError("the learning rate must be > 0"), 2, "gradstep profit: the learning rate must be > 0"),
        (KeyboardInterrupt(), 130, "gradstep profit: interrupted"),
        (OSError(errno.ENOSPC, "No space left on device", "out/x.png"), 1, "cannot write out/x.png: no space left"),
        (PermissionError(errno.EACCES, "Permission denied", "/x"), 1, "cannot write /x: permission denied"),
        (RecursionError(), 2, "nested too deeply"),
        (MemoryError(), 1, "ran out of memory"),
    ],
)
def test_every_failure_is_one_line_with_the_promised_exit_code(monkeypatch, capsys, error, code, words) -> None:
    _patch_run(monkeypatch, error)
    assert cli.main(["profit"]) == code
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_full_disk_is_not_called_a_bug() -> None:
    message = describe_os_error(OSError(errno.ENOSPC, "No space left on device"))
    assert message.startswith("cannot write the output: no space left") and "bug" not in message


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in _text(done)[1], _text(done)[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["practice", "--level", "1", "--seed", "1"],
        ["check", "-2*x**2+12*x-10", "--at", "x=3"],
        ["graph", "(a*b + c).tanh()", "--at", "a=2,b=-3,c=10"],
        ["profit"],
        ["--help"],
    ],
)
def test_stdout_on_a_full_device_says_so_in_one_line(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _gradstep(*argv, stdout=full, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, capture_output=False)
    line = _one_line_error(done)
    assert done.returncode == 1 and "no space left" in line and "bug" not in line, line


def test_practice_with_stdin_closed_ends_the_session_without_a_traceback() -> None:
    done = _gradstep("practice", "a*b", "--at", "a=1,b=2", preexec_fn=lambda: os.close(0))
    out, _ = _text(done)
    _no_traceback(done)
    assert done.returncode == 1 and "(no more input)" in out and "0 of 2 right" in out


def test_practice_reads_invalid_utf8_as_a_wrong_kind_of_answer_even_with_strict_decoding() -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    done = _gradstep("practice", "a*b", "--at", "a=1,b=2", input=b"\xff\xfe\n2\n1\n", env=env)
    out, _ = _text(done)
    _no_traceback(done)
    assert "is not a number" in out and done.returncode == 0 and "2 of 2 right" in out


def test_a_3mb_answer_line_is_answered_briefly() -> None:
    line = "1" * 3_000_000
    done = _gradstep("practice", "a*b", "--at", "a=1,b=2", input=(line + "\n2\n1\n").encode())
    out, _ = _text(done)
    _no_traceback(done)
    assert done.returncode == 0 and "(3,000,000 characters)" in out
    assert len(out) < 5_000  # neither the echo nor the message repeats the line


def test_the_rtol_may_be_as_large_as_a_float_goes() -> None:
    done = _gradstep("practice", "a*b", "--at", "a=1,b=2", "--rtol", "1e308", input=b"2\n1\n")
    _no_traceback(done)
    assert done.returncode == 0


def test_graph_quiz_takes_a_huge_rtol(tmp_path: Path) -> None:
    page = tmp_path / "q.html"
    done = _gradstep("graph", "a*b", "--at", "a=1,b=2", "--backprop", str(page), "--quiz", "--rtol", "1e308")
    _no_traceback(done)
    assert done.returncode == 0 and page.exists()


def test_a_device_as_output_file_is_bad_input(tmp_path: Path) -> None:
    fifo = tmp_path / "g.svg"
    os.mkfifo(fifo)
    done = _gradstep("graph", "a*b", "--at", "a=1,b=2", "-o", str(fifo), timeout=60)
    _no_traceback(done)
    assert done.returncode in (1, 2) and "not a regular file" in _text(done)[1]


# ---- Ctrl-C ---------------------------------------------------------------------------------------------
def test_ctrl_c_while_the_command_is_still_being_imported_is_exit_130_and_one_line() -> None:
    # Deterministic: make importing the real command raise KeyboardInterrupt, as a Ctrl-C there would.
    script = textwrap.dedent(
        """
        import builtins, sys
        real = builtins.__import__
        def interrupted(name, *args, **kwargs):
            if name == "autograd.__main__":
                raise KeyboardInterrupt
            return real(name, *args, **kwargs)
        builtins.__import__ = interrupted
        import gradstep_cli
        sys.exit(gradstep_cli.main(["check", "x", "--at", "x=1"]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130 and _one_line_error(done) == "gradstep: interrupted"


@pytest.mark.parametrize("delay", [0.01, 0.05, 0.2, 0.6, 1.5])
def test_a_real_ctrl_c_at_any_moment_never_shows_a_traceback(tmp_path: Path, delay: float) -> None:
    # The child says "started" once Python is up and the launcher module (stdlib only, as small as the
    # console script's own import) is loaded; from there on, imports, parsing and training are ours.
    # (Between "started" and main()'s first line lie a few bytecodes; the smallest delay steps past them.)
    start = "import sys, gradstep_cli; sys.stderr.write('started\\n'); sys.stderr.flush(); "
    child = subprocess.Popen(
        [sys.executable, "-c", start + "sys.exit(gradstep_cli.main())", "demo", "--no-progress", "--out",
         str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        # A terminal's Ctrl-C reaches a program whose SIGINT is at its default; a test worker may have
        # set it to "ignore" (the notebook tests' kernels do), and a child inherits that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert child.stderr is not None and child.stderr.readline() == "started\n"
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert child.returncode == 130 and err.strip().endswith("interrupted"), (child.returncode, err)


# ---- the launcher: foreign and shadowed packages -----------------------------------------------------------
def test_a_learners_nn_py_is_named_as_the_problem(tmp_path: Path) -> None:
    (tmp_path / "nn.py").write_text("raise ImportError('this is the learner\\'s nn.py')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = _gradstep("demo", cwd=tmp_path, env=env, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"`import nn` finds {tmp_path / 'nn.py'}, which shadows gradstep's" in done.stderr
    assert "rename your nn.py (e.g. my_nn.py)" in done.stderr
    report = _gradstep("doctor", cwd=tmp_path, env=env, text=True)
    assert report.returncode == 1 and "nn       NOT gradstep's" in report.stdout


def test_a_foreign_package_under_the_same_name_is_named_with_the_fix(tmp_path: Path) -> None:
    # Another distribution's `optim` (a package whose __init__ is not gradstep's) first on the path.
    (tmp_path / "optim").mkdir()
    (tmp_path / "optim" / "__init__.py").write_text("import tensorflow\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = _gradstep("profit", cwd=tmp_path, env=env, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "tensorflow" not in done.stderr
    assert "`import optim` finds" in done.stderr and "gradstep doctor" in done.stderr


def test_locate_reads_no_code_and_knows_gradsteps_packages() -> None:
    for name in gradstep_cli.PACKAGES:
        origin, ours = gradstep_cli.locate(name)
        assert ours and origin and origin.endswith(os.path.join(name, "__init__.py"))
    assert gradstep_cli.import_problems() == []
    assert gradstep_cli.locate("json") == (gradstep_cli.locate("json")[0], False)  # a module, not ours


def test_doctor_reports_version_packages_graphviz_and_browser(capsys) -> None:
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    for word in ("gradstep ", "python ", "autograd gradstep's", "nn       gradstep's", "optim    gradstep's",
                 "graphviz ", "browser ", "jupyter ", "all good"):
        assert word in out, (word, out)


# ---- demo: an unusable --out is found before training, not after ------------------------------------------
@pytest.mark.parametrize("make_out", ["proc", "file_named_like_a_picture"])
def test_demo_refuses_an_unusable_out_before_training(tmp_path: Path, capsys, make_out: str) -> None:
    if make_out == "proc":
        if not Path("/proc/self").is_dir():
            pytest.skip("needs Linux's /proc (a folder in which nobody, not even root, can create files)")
        out = Path("/proc")
        expected = "cannot write /proc"
    else:
        out = tmp_path / "out"
        (out / "loss_curve.png").mkdir(parents=True)  # the picture's name is taken by a folder
        expected = "loss_curve.png: it is a folder, not a regular file"
    assert cli.main(["demo", "--no-progress", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "INIT" not in captured.out and "Traceback" not in captured.err  # no training happened
    assert "output folder (--out) cannot be used" in captured.err and expected in captured.err
