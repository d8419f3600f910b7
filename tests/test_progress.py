"""fit()'s progress bar ends at the epoch where training stopped, in a terminal and in a notebook."""

from __future__ import annotations

import io

import pytest

from nn import MLP, fit, mse_loss
from nn.train import _close_bar
from optim import SGD

X = [[0.0], [1.0]]
Y = [0.0, 1.0]


def _train(**kwargs):
    model = MLP(1, [1], rng=0)
    return fit(model, X, Y, mse_loss, SGD(model.parameters(), lr=0.3), **kwargs)


def test_the_bar_closes_at_the_epoch_where_training_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    history = _train(epochs=200, stop_loss=0.05, progress=True)
    done = len(history.loss)
    assert history.stopped_early and done < 200
    err = capsys.readouterr().err
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{done}/{done}" in last and "100%" in last, last
    assert "/200" not in last


def test_a_bar_that_ran_all_epochs_is_untouched(capsys: pytest.CaptureFixture[str]) -> None:
    history = _train(epochs=5, progress=True)
    assert not history.stopped_early
    last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "5/5" in last and "100%" in last


def test_a_notebook_bars_widget_maximum_follows_the_total() -> None:
    # tqdm.notebook keeps the bar's maximum in an ipywidgets IntProgress: a stand-in with the same shape.
    from tqdm import tqdm

    class Widget:
        max = 200

    bar = tqdm(total=200, file=io.StringIO())
    bar.container = type("HBox", (), {"children": (object(), Widget(), object())})()
    bar.update(70)
    _close_bar(bar)
    assert bar.total == 70 and bar.container.children[1].max == 70
