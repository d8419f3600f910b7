"""`gradstep practice`: the interactive session, driven through a pipe as a learner (or a script) would.

The lecture graph as an expression: L = (a*b + c)*f at a=2, b=−3, c=10, f=−2; the parser names
n1 = a·b and n2 = n1 + c. By hand: ∂out/∂n2 = f = −2, ∂out/∂f = n2 = 4, ∂out/∂n1 = −2, ∂out/∂c = −2,
∂out/∂a = ∂out/∂n1·b = 6, ∂out/∂b = ∂out/∂n1·a = −4.
"""

from __future__ import annotations

import io
import math
import re
import shlex
import subprocess
import sys

import pytest

from autograd.__main__ import main
from autograd.backward import backprop_order
from autograd.commands.practice import session
from autograd.expr import parse_expression
from autograd.practice import Exercise, make_exercise

EXPR = "(a*b + c)*f"
AT = "a=2,b=-3,c=10,f=-2"
BY_HAND = {"n2": -2.0, "f": 4.0, "n1": -2.0, "c": -2.0, "a": 6.0, "b": -4.0}


def _order() -> list[str]:
    """The labels in the order backprop visits them (the order of the questions), root left out."""
    root, _ = parse_expression(EXPR).build({"a": 2, "b": -3, "c": 10, "f": -2})
    return [n.label for n in backprop_order(root, include_leaves=True)[1:]]


def _gradstep(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograd", "practice", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _session(lines: list[str], exercise: Exercise | None = None) -> tuple[int, str]:
    exercise = exercise or Exercise.from_expression(EXPR, at=AT)
    out = io.StringIO()
    code = session(exercise, io.StringIO("".join(line + "\n" for line in lines)), out, echo=True)
    return code, out.getvalue()


def test_all_right_exits_0_through_the_real_command():
    answers = [str(BY_HAND[label]) for label in _order()]
    done = _gradstep(EXPR, "--at", AT, stdin="\n".join(answers) + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Score: 6 of 6 right first time: that is backprop by hand." in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    asked = re.findall(r"\[\d/6\] ∂out/∂(\w+) = \?", done.stdout)
    assert asked == _order()
    assert "n1    a·b" in done.stdout and "-6.0" in done.stdout  # the forward table


def test_mixed_session_with_hint_non_number_and_a_wrong_answer():
    order = _order()
    lines = []
    for label in order:
        if label == "a":
            lines += ["h", "six", "", "2", "6"]  # a hint, a non-number, a blank line, a's value, then right
        elif label == "b":
            lines += ["-3/2", "5", "7"]  # three wrong answers that match no mistake: the answer is shown
        else:
            lines.append(str(BY_HAND[label]))
    code, out = _session(lines)
    assert code == 1
    assert "hint: ∂out/∂a = ∂out/∂n1 · ∂(a·b)/∂a = ∂out/∂n1 · b" in out
    assert "'six' is not a number" in out
    assert "Type a number" in out
    assert "the value, not the gradient" in out and "You gave 2.0, which is the value of a" in out
    # b's first two misses name no mistake and do not give -4; the third shows the right working
    flat = " ".join(out.split())
    assert "You gave -1.5: that fits none of the classic mistakes" in flat
    assert "For -1.5 to be right, ∂out/∂n1 would have to be -0.75 (it is -2.0)" in flat
    assert "That was the last try. Not quite: you gave 7.0, but the right answer is -4.0" in flat
    b_part = flat.split("[6/6]", 1)[1].split("That was the last try")[0]
    assert "-4" not in b_part
    assert "Score: 4 of 6 right first time, 1 after retries, 1 revealed, 0 skipped." in out
    assert out.count("∂out/∂a = ?") == 5  # asked again after h, the non-number, the blank line, the miss
    assert out.count("∂out/∂b = ?") == 3


def test_a_wrong_answer_names_the_mistake_without_the_right_number_and_asks_again():
    order = _order()
    lines = []
    for label in order:
        lines += ["2", "-4"] if label == "b" else [str(BY_HAND[label])]  # ∂(a·b)/∂b = a = 2, then right
    code, out = _session(lines)
    assert code == 0  # every question answered right, one after a retry
    flat = " ".join(out.split())
    assert ("✗ Not yet (local derivative only). You gave 2.0, which is ∂(a·b)/∂b = a = 2.0, the local derivative "
            "only (n1 = a·b). Multiply it by the upstream gradient ∂out/∂n1 = -2.0. Try again (2 tries left)") in flat
    retry = flat.split("✗ Not yet", 1)[1].split("[6/6]")[0]
    assert "-4" not in retry  # the right answer is not given away
    assert "Score: 5 of 6 right first time, 1 after retries, 0 revealed, 0 skipped." in out


def test_s_shows_the_answer_and_three_misses_show_it_too():
    order = _order()
    lines = []
    for label in order:
        if label == "a":
            lines.append("s")
        elif label == "b":
            lines += ["4", "-2", "2"]  # sign, upstream only, local only: three tries used
        else:
            lines.append(str(BY_HAND[label]))
    code, out = _session(lines)
    assert code == 1
    flat = " ".join(out.split())
    assert "Answer: ∂out/∂a = ∂out/∂n1 · ∂(a·b)/∂a = -2.0 × (-3.0) = 6.0" in flat
    assert "Not yet (wrong sign)" in flat and "Not yet (upstream gradient only)" in flat
    assert "Wrong (local derivative only), and that was the last try. You gave 2.0" in flat
    assert "-2.0 × 2.0 = -4.0" in flat.split("last try", 1)[1]
    assert "Score: 4 of 6 right first time, 0 after retries, 2 revealed, 0 skipped." in out


def test_an_ambiguous_answer_names_every_mistake_that_fits():
    # at a = -1: ∂out/∂b = ∂out/∂n1 · a = -2 · (-1) = 2, so -2 is a sign slip and also ∂out/∂n1 alone
    ex = Exercise.from_expression(EXPR, at="a=-1,b=-3,c=10,f=-2")
    order = [q.label for q in ex.questions]
    lines = []
    for label in order:
        lines += ["-2", "2"] if label == "b" else [str(ex.expected(order.index(label)))]
    code, out = _session(lines, ex)
    flat = " ".join(out.split())
    assert "Not yet (upstream gradient only or wrong sign)" in flat
    assert ("You gave -2.0, which fits more than one classic mistake here: it is the upstream gradient "
            "∂out/∂n1 = -2.0 only, and it is also the right size with the wrong sign.") in flat
    assert code == 0


def test_quit_stops_with_the_score():
    first = str(BY_HAND[_order()[0]])
    done = _gradstep(EXPR, "--at", AT, stdin=f"{first}\nq\n-4\n")
    assert done.returncode == 1
    assert "Stopped." in done.stdout
    assert "Score: 1 of 6 right first time, 0 after retries, 0 revealed, 5 skipped" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_end_of_input_ends_gracefully():
    done = _gradstep(EXPR, "--at", AT, stdin="-2\n4\n")
    assert done.returncode == 1
    assert "no more input" in done.stdout
    assert "Score: 2 of 6 right first time, 0 after retries, 0 revealed, 4 skipped" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    empty = _gradstep(EXPR, "--at", AT, stdin="")
    assert empty.returncode == 1 and "Traceback" not in empty.stdout + empty.stderr


def test_fractions_are_accepted():
    ex = Exercise.from_expression("a*b", at={"a": 2, "b": -1.5})  # ∂out/∂a = b = -3/2, ∂out/∂b = a = 2
    order = [q.label for q in ex.questions]
    answers = {"a": "-3/2", "b": "4/2"}
    code, out = _session([answers[label] for label in order], ex)
    assert code == 0, out


def test_random_exercise_is_reproducible_and_can_be_finished():
    first = _gradstep("--level", "2", "--seed", "11", stdin="")
    second = _gradstep("--level", "2", "--seed", "11", stdin="")
    assert first.stdout == second.stdout
    assert "--seed 11" in first.stdout
    ex = make_exercise(2, 11)
    answers = "\n".join(str(ex.expected(q.index)) for q in ex.questions) + "\n"
    done = _gradstep("--level", "2", "--seed", "11", stdin=answers)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["a +* b", "--at", "a=1,b=2"], "not a valid expression"),
        (["__import__('os').system('true')", "--at", ""], "not allowed"),
        (["a*b", "--at", "a=1"], "no value for b"),
        (["a*b", "--at", "a=one,b=2"], "not a number"),
        (["a/b", "--at", "a=1,b=0"], "divides by zero"),
        (["a*b", "--at", "a=1,b=2", "--level", "2"], "--level and --seed"),
        (["--at", "a=1"], "give an expression too"),
        (["--level", "7"], "--level must be 1, 2 or 3"),
        (["x", "--at", "x=1"], "nothing to practise"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, says):
    done = _gradstep(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_argparse_errors_and_help_through_main(capsys):
    with pytest.raises(SystemExit) as err:
        main(["practice", "--level", "two"])
    assert err.value.code == 2
    with pytest.raises(SystemExit) as err:
        main(["practice", "--help"])
    assert err.value.code == 0
    assert "hint" in capsys.readouterr().out


# ---- marking to the precision shown ------------------------------------------------------------------
def test_a_4_digit_answer_is_right_on_a_graph_shown_rounded():
    # L = tanh(a·b + c) at a=2, b=-3, c=6.5: a·b + c = 0.5, so ∂out/∂n2 = 1 − tanh²(0.5) = 0.786448…
    slope = 1 - math.tanh(0.5) ** 2
    assert f"{slope:.4g}" == "0.7864"
    done = _gradstep("(a*b + c).tanh()", "--at", "a=2,b=-3,c=6.5", stdin="0.7864\nq\n")
    assert "✓ Right" in done.stdout and "Score: 1 of 5 right first time" in done.stdout, done.stdout
    assert "4 significant digits" in " ".join(done.stdout.split())  # the intro says what precision is asked for
    strict = _gradstep("(a*b + c).tanh()", "--at", "a=2,b=-3,c=6.5", "--rtol", "1e-6", stdin="0.7864\nq\n")
    assert "✗" in strict.stdout and "Close" in strict.stdout and "rtol=1e-06" in " ".join(strict.stdout.split())


def test_one_times_one_is_not_marked_wrong_next_to_arithmetic_that_says_it_is_right():
    # L = x·c at c = 1.0000049: ∂out/∂x = c; the table shows c as 1.0, so the answer 1 is right by default
    done = _gradstep("x*c", "--at", "x=2,c=1.0000049", stdin="1\n")
    assert "✓ Right" in done.stdout, done.stdout
    strict = _gradstep("x*c", "--at", "x=2,c=1.0000049", "--rtol", "1e-6", stdin="1\n")
    assert "✗" in strict.stdout and "1.0 × 1.0 = 1.0" not in strict.stdout
    assert "1.000005" in strict.stdout  # enough digits to see why 1 is wrong


def test_hand_computable_expressions_stay_exact():
    ex = Exercise.from_expression(EXPR, at=AT)
    assert (ex.rtol, ex.atol) == (1e-6, 1e-9)
    code, out = _session(["-2.001"], ex)  # ∂out/∂n2 = f = −2; 0.05 % off is wrong here
    assert "✗" in out and "Give exact answers" in " ".join(out.split())


def test_bad_tolerance_is_refused(capsys):
    with pytest.raises(SystemExit) as err:
        main(["practice", "a*b", "--at", "a=1,b=2", "--rtol", "-1"])
    assert err.value.code == 2 and "tolerance" in capsys.readouterr().err


def test_the_pipe_example_in_the_help_runs_in_bash(capsys):
    with pytest.raises(SystemExit):
        main(["practice", "--help"])
    (example,) = [ln.strip() for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("printf")]
    printf, _, command = example.partition(" | ")
    made = subprocess.run(["bash", "-c", printf], capture_output=True, text=True, timeout=30)
    assert made.returncode == 0 and made.stderr == "", made.stderr
    assert made.stdout.splitlines() == ["-2", "4", "h", "-2"]
    words = shlex.split(command)
    assert words[:2] == ["gradstep", "practice"]
    done = _gradstep(*words[2:], stdin=made.stdout)
    assert "Score: 3 of 6 right" in done.stdout and "hint:" in done.stdout  # -2, 4, hint, -2: all right
