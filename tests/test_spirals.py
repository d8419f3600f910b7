"""``gradstep demo --spirals`` and the lanes line of ``gradstep demo``."""

from __future__ import annotations

import argparse

import numpy as np

from nn.demo import DemoSettings, _lanes_timing, configure, run, train
from nn.spirals import SpiralSettings, plot_spirals, train_spirals


def test_the_spirals_demo_reaches_95_percent_on_lanes(tmp_path) -> None:
    lines: list[str] = []
    result = train_spirals(SpiralSettings(progress=False), say=lines.append)
    assert len(result.y) >= 3000 and len(set(result.y.tolist())) == 3
    assert [len(layer.neurons) for layer in result.model.layers] == [32, 32, 3]
    assert result.history.accuracy[-1] >= 0.95
    assert any(line.startswith("STOP") and "on lanes" in line for line in lines)
    picture = plot_spirals(result, tmp_path / "spirals.png", steps=60)
    assert picture.stat().st_size > 10_000


def test_gradstep_demo_spirals_writes_its_pictures(tmp_path, capsys) -> None:
    parser = argparse.ArgumentParser()
    configure(parser)
    args = parser.parse_args(["--spirals", "--samples", "300", "--epochs", "2", "--no-progress", "--out",
                              str(tmp_path)])
    assert run(args) == 0
    out = capsys.readouterr().out
    assert "300 points on 3 spiral arms" in out
    assert (tmp_path / "spirals_boundary.png").exists() and (tmp_path / "spirals_loss_curve.png").exists()


def test_the_moons_demo_says_how_long_lanes_take_for_the_same_training() -> None:
    settings = DemoSettings(epochs=15, progress=False)
    lines: list[str] = []
    result = train(settings, say=lines.append)
    line = next(text for text in lines if text.startswith("LANES"))
    assert "the same epochs and final loss" in line, line
    assert "instead of" in line and "faster" in line
    again = _lanes_timing(settings, result.X, result.y, result.history, result.seconds)
    assert again.startswith("LANES")
    assert np.isfinite(result.history.loss[-1])
