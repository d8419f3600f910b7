"""The README's tour runs as written, and prints what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _tour() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## A 30-second tour", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the tour's python block is missing"
    return match.group(1)


def test_readme_opens_with_the_two_commands() -> None:
    head = README.read_text(encoding="utf-8")[:800]
    assert "make demo" in head and "make test" in head


def test_the_tour_runs_and_prints_what_it_promises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("graphviz")
    from autograd.viz import GraphvizNotFound

    code = _tour()
    promised = [line.split("# ", 1)[1] for line in code.splitlines() if line.startswith("# ")]
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(code, str(README), "exec"), {})  # the README's own code, not user input
        except GraphvizNotFound:
            pytest.skip("Graphviz's dot is not installed: the tour's last line renders a picture")
    printed = out.getvalue().splitlines()
    assert printed[: len(promised)] == promised
    assert (tmp_path / "tour.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert [p.name for p in tmp_path.iterdir()] == ["tour.svg"]  # no stray DOT file beside it


def _transcript(heading: str, command_prefix: str) -> tuple[str, list[str]]:
    """The command line of a README transcript (after ``$ ``) and the lines it shows."""
    section = README.read_text(encoding="utf-8").split(heading, 1)[1]
    block = re.search(r"```(?:console)?\n(\$ " + re.escape(command_prefix) + r".*?)```", section, re.S)
    assert block, f"no transcript of {command_prefix!r} under {heading!r}"
    first, *shown = block.group(1).splitlines()
    return first[2:], shown


def test_the_practice_transcript_is_what_the_command_prints() -> None:
    command, shown = _transcript("## Practise", "printf")
    done = subprocess.run(["bash", "-c", command.replace("gradstep", f"{sys.executable} -m autograd")],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines() == shown


def test_the_check_transcript_is_what_the_command_prints() -> None:
    command, shown = _transcript("## Check derivatives", "gradstep check")
    args = shlex.split(command)[1:]
    done = subprocess.run([sys.executable, "-m", "autograd", *args], capture_output=True, text=True, timeout=120)
    printed = done.stdout.splitlines()
    kept = [line for line in shown if line.strip() != "…"]  # the README trims some rows
    assert all(line in printed for line in kept)
    assert printed[-1] == shown[-1]


def test_the_own_derivative_transcript_is_what_the_command_prints() -> None:
    command, shown = _transcript("## Check your own derivative", "gradstep check")
    args = shlex.split(command)[1:]
    done = subprocess.run([sys.executable, "-m", "autograd", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout.splitlines() == shown


def test_the_own_derivative_python_blocks_run() -> None:
    section = README.read_text(encoding="utf-8").split("## Check your own derivative", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(README), "exec"), {})  # the README's own code, not user input
    assert "PASS: logistic's derivative agrees with central differences at all 41 points checked." in out.getvalue()


def _blocks(heading: str) -> list[str]:
    """The python blocks of one README section, in order."""
    section = README.read_text(encoding="utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_graph_transcript_is_what_the_command_prints() -> None:
    command, shown = _transcript("## See the graph", "gradstep graph")
    args = shlex.split(command)[1:]
    done = subprocess.run([sys.executable, "-m", "autograd", *args], capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines() == shown
    assert "∂out/∂x = 1 + 3 + 3 = 7" in shown[3]  # d(x² + x)/dx = 2x + 1 = 7 at x = 3, term by term


def test_the_graph_and_recorder_recipes_run_exactly_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block runs on its own (its imports included), as a reader would paste it."""
    pytest.importorskip("graphviz")
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed: the recipes write pictures")
    pictures, recorder = _blocks("## See the graph")
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exec(compile(pictures, str(README), "exec"), {})  # the README's own code, not user input
        exec(compile(recorder, str(README), "exec"), {})
    assert "Step 1 of 3" in (tmp_path / "steps.html").read_text(encoding="utf-8")
    page = tmp_path / "training.html"
    assert page.stat().st_size < 1_000_000  # the README promises a page small enough to mail
    text = page.read_text(encoding="utf-8")
    assert "the loss of this one sample" in text and "mean loss over all 20 samples after epoch 1" in text


def test_the_slides_code_makes_the_pictures_it_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("graphviz")
    section = README.read_text(encoding="utf-8").split("## Graphs for slides", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(README), "exec"), {})  # the README's own code, not user input
    for name in ("neurons.png", "grouped.png", "layers.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    # The committed pictures are what this code draws (scripts/slides_pictures.py runs the same lines).
    images = README.parent / "docs" / "images"
    assert (tmp_path / "neurons.png").read_bytes() == (images / "slides_neurons.png").read_bytes()
