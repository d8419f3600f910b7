"""`gradstep demo`: runs with small settings, narrates the loop, writes its four files; with the real
settings it reaches the accuracy the README promises."""

from __future__ import annotations

import re
import shutil

import pytest

from autograd.__main__ import main
from nn.demo import DemoSettings, train

PHASES = ["INIT", "PREDICT", "LOSS", "GRADIENT", "STEP", "STOP"]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")


@needs_dot
def test_demo_writes_its_four_files_and_names_them(tmp_path, capsys):
    out = tmp_path / "pictures"
    code = main(
        ["demo", "--epochs", "4", "--samples", "24", "--seed", "3", "--out", str(out), "--no-progress"]
    )
    text = capsys.readouterr().out
    assert code == 0
    files = {
        "decision_boundary.png": b"\x89PNG\r\n\x1a\n",
        "loss_curve.png": b"\x89PNG\r\n\x1a\n",
        "neuron_graph.svg": None,
        "neuron_backprop.html": None,
    }
    for name, magic in files.items():
        path = out / name
        assert path.is_file() and path.stat().st_size > 1000, name
        if magic:
            assert path.read_bytes().startswith(magic)
        assert str(path) in text  # it says what it wrote
    assert "<svg" in (out / "neuron_graph.svg").read_text()
    page = (out / "neuron_backprop.html").read_text().lower()
    assert "<html" in page and "<svg" in page
    # the neuron's page says which sample it shows and which gradient: that one sample's loss's
    assert re.search(r"neuron l1\.n\d on sample \d+ \(x1 = ", page) and "grad is ∂loss/∂node" in page
    assert "∂loss/∂l1.n" in page and "w1#" not in page  # names by place: l1.n1.w1, never w1#2
    for phase in PHASES:
        assert phase in text
    assert "epoch    4" in text and "ran all 4 epochs" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(files)  # no temporary files left behind


def test_demo_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--epochs", "--samples", "--seed", "--out", "--no-progress"):
        assert option in text


def test_an_output_path_that_is_a_file_is_refused(tmp_path, capsys):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    assert main(["demo", "--epochs", "1", "--samples", "10", "--out", str(blocker), "--no-progress"]) == 2
    assert "output folder" in capsys.readouterr().err


@pytest.mark.slow
def test_the_real_demo_reaches_97_percent_and_stops_on_its_own():
    lines = []
    result = train(DemoSettings(progress=False), say=lines.append)
    history = result.history
    assert history.accuracy[-1] >= 0.97
    assert history.stopped_early and "stop_loss" in history.stop_reason
    assert len(result.model.parameters()) == 337 and len(result.y) == 100


@pytest.mark.parametrize("terminal", [False, True], ids=["a log", "a terminal"])
def test_the_progress_bar_is_drawn_only_for_a_terminal(monkeypatch, terminal):
    # Written to a log (make demo | tee, CI), a redrawn bar is hundreds of "\r training: 3%|▎ ..." lines.
    import argparse
    import sys

    from nn.demo import _wants_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    assert _wants_progress(argparse.Namespace(no_progress=False)) is terminal
    assert _wants_progress(argparse.Namespace(no_progress=True)) is False


@needs_dot
def test_the_demo_written_to_a_pipe_has_no_progress_bar(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "autograd", "demo", "--epochs", "3", "--samples", "20", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stdout + done.stderr and "epoch/s" not in done.stderr
    assert "epoch    1" in done.stdout  # the epoch lines are still there
