"""Train a small neural network on the two-moons data and draw what it learned.

The whole learning loop, in words and pictures: INIT random parameters, PREDICT every point, measure
the LOSS, compute the GRADIENT by backpropagation, STEP against it, repeat, STOP once the loss is
acceptable. Writes to the output folder (default out/):

  decision_boundary.png   the data, coloured by class, over the regions the network assigns to each class
  loss_curve.png          loss and accuracy after every epoch
  neuron_graph.svg        the computation graph of one neuron, with values and gradients
  neuron_backprop.html    a page that steps through backprop in that neuron (open it in a browser)

With --spirals, the bigger demo on lanes (:mod:`nn.spirals`): three spirals of 3,000 points, an MLP
2 → 32 → 32 → 3 with cross-entropy, and spirals_boundary.png, spirals_loss_curve.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Value, dot, no_grad
from autograd.files import atomic_path, atomic_write_bytes, check_folder_writable, describe_os_error
from autograd.view import GraphView, format_number

from .datasets import make_moons
from .losses import hinge_loss
from .module import MLP, Parameter
from .train import History, fit

__all__ = [
    "DemoSettings",
    "DemoResult",
    "train",
    "plot_decision_boundary",
    "plot_loss_curve",
    "one_neuron",
    "configure",
    "run",
]

HIDDEN = [16, 16]
STOP_LOSS = 0.01
L2 = 1e-4
LR = 0.1
MOMENTUM = 0.9
PATIENCE = 40
CLASS_COLOURS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red (tab10)
REGION_COLOURS = ("#c6dbef", "#fcc5c0")


@dataclass(frozen=True)
class DemoSettings:
    samples: int = 100
    noise: float = 0.1
    seed: int = 0
    epochs: int = 200
    lr: float = LR
    progress: bool = True


@dataclass
class DemoResult:
    model: MLP
    X: np.ndarray
    y: np.ndarray
    history: History
    seconds: float


def train(settings: DemoSettings, say: Callable[[str], None] = print) -> DemoResult:
    """Run the learning loop on the moons, narrating each phase through ``say``."""
    from optim import SGD

    X, y = make_moons(settings.samples, noise=settings.noise, seed=settings.seed)
    model = MLP(2, [*HIDDEN, 1], activation="relu", rng=settings.seed)
    n_params = len(model.parameters())
    sizes = " → ".join(str(n) for n in [2, *HIDDEN, 1])
    say(f"INIT      MLP {sizes}: ReLU hidden layers, a linear output, {n_params} parameters drawn at")
    say(f"          random from ±1/√(inputs) (seed {settings.seed}). Data: {len(y)} points, two interleaving")
    say(f"          half-moons (noise {settings.noise}); class 0 is blue, class 1 red.")
    say("PREDICT   score = model(x) for every point; score > 0 means class 1, score < 0 class 0.")
    say("LOSS      hinge: mean of max(0, 1 − y·score) with y = ±1 (zero once a point is on its side")
    say(f"          by a margin of 1), plus {L2:g}·Σθ² to keep the weights small.")
    say(f"GRADIENT  loss.backward(): ∂loss/∂θ for all {n_params} parameters, by the chain rule.")
    say(f"STEP      SGD with momentum: v ← {MOMENTUM}·v + ∂loss/∂θ;  θ ← θ − {settings.lr}·v")
    say(f"REPEAT    up to {settings.epochs} epochs (one step on all {len(y)} points each), and")
    say(f"STOP      once the loss is ≤ {STOP_LOSS} (or has not improved for {PATIENCE} epochs).")
    say("")
    with no_grad():
        first = [_score(model, x) for x in X]
    start_acc = float(np.mean([(s > 0) == bool(t) for s, t in zip(first, y)]))
    say(f"before training: accuracy {start_acc:.0%} (a coin toss would score about 50%)")

    optimizer = SGD(model.parameters(), lr=settings.lr, momentum=MOMENTUM)
    report = _EpochReport(say if not settings.progress else _tqdm_write, settings.epochs)
    began = time.perf_counter()
    history = fit(
        model,
        X,
        y,
        "hinge",
        optimizer,
        settings.epochs,
        stop_loss=STOP_LOSS,
        patience=PATIENCE,
        progress=settings.progress,
        callbacks=[report],
        l2=L2,
    )
    seconds = time.perf_counter() - began
    last_acc = history.accuracy[-1] or 0.0
    right = round(last_acc * len(y))
    say(f"STOP      after {history.epochs} epochs ({seconds:.1f} s): {history.stop_reason}.")
    say(
        f"          Final loss {history.loss[-1]:.4f}, accuracy {last_acc:.1%} "
        f"({right}/{len(y)} points right)."
    )
    say(_lanes_timing(settings, X, y, history, seconds))
    return DemoResult(model, X, y, history, seconds)


def _lanes_timing(settings: DemoSettings, X: np.ndarray, y: np.ndarray, history: History, seconds: float) -> str:
    """The same training again from the same INIT on lanes (one point's graph recorded once and run on
    every point with numpy): how long it takes, and that it ends where the scalar engine did."""
    from optim import SGD

    model = MLP(2, [*HIDDEN, 1], activation="relu", rng=settings.seed)
    began = time.perf_counter()
    again = fit(model, X, y, "hinge", SGD(model.parameters(), lr=settings.lr, momentum=MOMENTUM), settings.epochs,
                stop_loss=STOP_LOSS, patience=PATIENCE, progress=False, l2=L2, lanes=True)
    lanes_seconds = time.perf_counter() - began
    same = again.epochs == history.epochs and abs(again.loss[-1] - history.loss[-1]) <= 1e-9 * abs(history.loss[-1])
    ending = "the same epochs and final loss" if same else f"final loss {again.loss[-1]:.4f}"
    return (f"LANES     the same training with fit(..., lanes=True), one point's graph recorded once and run\n"
            f"          on all {len(y)} points at once with numpy: {lanes_seconds:.2f} s instead of {seconds:.1f} s, "
            f"{seconds / lanes_seconds:.0f}× faster,\n          {ending}. A bigger network on lanes: "
            "gradstep demo --spirals")


def _tqdm_write(text: str) -> None:
    from tqdm.auto import tqdm

    tqdm.write(text)


class _EpochReport:
    """Prints a line now and then (tqdm.write keeps the progress bar intact)."""

    def __init__(self, say: Callable[[str], None], epochs: int) -> None:
        self.say = say
        self.every = max(1, min(10, epochs // 10))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        n = epoch + 1
        if n == 1 or n % self.every == 0:
            acc = logs["accuracy"]
            self.say(f"  epoch {n:>4}   loss {logs['loss']:.4f}   accuracy {acc:6.1%}   lr {logs['lr']:g}")


# ---- pictures -----------------------------------------------------------------------------------------
def _pyplot() -> Any:
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # files only; no window, works without a display
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, bbox_inches="tight")


def _score(model: MLP, x: Any) -> float:
    """The score of a one-output model for one point (its one output Value's number)."""
    out = model(list(map(float, x)))
    if not isinstance(out, Value):
        raise ValueError(f"expected a model with one output (a score), got {len(out)} outputs")
    return out.data


def grid_scores(model: MLP, X: np.ndarray, steps: int = 70, pad: float = 0.5) -> tuple[np.ndarray, ...]:
    """The model's score on a steps × steps grid covering the data (under no_grad)."""
    x0 = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, steps)
    x1 = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, steps)
    g0, g1 = np.meshgrid(x0, x1)
    with no_grad():
        scores = np.array([_score(model, (a, b)) for a, b in zip(g0.ravel().tolist(), g1.ravel().tolist())])
    return g0, g1, scores.reshape(g0.shape)


def plot_decision_boundary(
    model: MLP, X: np.ndarray, y: np.ndarray, path: str | os.PathLike[str], title: str | None = None
) -> Path:
    """Shade the plane by predicted class, draw the boundary (score = 0) and the points by true class."""
    plt = _pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    g0, g1, scores = grid_scores(model, X)
    with no_grad():
        predicted = np.array([_score(model, x) > 0 for x in X])
    wrong = predicted != y.astype(bool)
    fig, ax = plt.subplots(figsize=(7.5, 6))
    ax.contourf(
        g0, g1, (scores > 0).astype(float), levels=[-0.5, 0.5, 1.5], cmap=ListedColormap(REGION_COLOURS)
    )
    ax.contour(g0, g1, scores, levels=[0.0], colors="black", linewidths=2)
    for cls in (0, 1):
        mask = y == cls
        ax.scatter(
            X[mask, 0], X[mask, 1], s=36, c=CLASS_COLOURS[cls], edgecolors="white", linewidths=0.8, zorder=3
        )
    if wrong.any():
        ax.scatter(
            X[wrong, 0], X[wrong, 1], s=140, facecolors="none", edgecolors="black", linewidths=1.5, zorder=4
        )
    handles = [
        Line2D([], [], marker="o", ls="", color=CLASS_COLOURS[k], markeredgecolor="white", ms=8,
               label=f"class {k} ({moon} moon)")
        for k, moon in enumerate(("upper", "lower"))
    ] + [
        Patch(color=REGION_COLOURS[0], label="predicted class 0 (score < 0)"),
        Patch(color=REGION_COLOURS[1], label="predicted class 1 (score > 0)"),
        Line2D([], [], color="black", lw=2, label="decision boundary (score = 0)"),
    ]
    if wrong.any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                markerfacecolor="none",
                markeredgecolor="black",
                ms=11,
                label=f"misclassified ({int(wrong.sum())})",
            )
        )
    ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.9)
    accuracy = 1.0 - wrong.mean()
    ax.set_title(title or f"What the network learned: {accuracy:.0%} of {len(y)} points right", fontsize=13)
    ax.set_xlabel("x₁ (first input)", fontsize=11)
    ax.set_ylabel("x₂ (second input)", fontsize=11)
    ax.set_aspect("equal")
    path = Path(path)
    _save(fig, path)
    plt.close(fig)
    return path


def plot_loss_curve(
    history: History,
    path: str | os.PathLike[str],
    stop_loss: float | None = None,
    epoch_text: str = "one gradient step on all points",
) -> Path:
    """Loss (log scale, with the STOP threshold) and accuracy after every epoch, side by side."""
    plt = _pyplot()
    epochs = np.arange(1, history.epochs + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax_loss.plot(epochs, history.loss, color="#1f77b4", lw=2, label="training loss")
    if stop_loss is not None:
        ax_loss.axhline(stop_loss, color="#2ca02c", ls="--", lw=1.5, label=f"STOP when loss ≤ {stop_loss:g}")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel(f"epoch ({epoch_text})", fontsize=11)
    ax_loss.set_ylabel("loss (log scale)", fontsize=11)
    ax_loss.set_title("LOSS goes down as the steps add up", fontsize=12)
    ax_loss.grid(True, which="major", alpha=0.3)
    ax_loss.legend(fontsize=9)
    accs = [np.nan if a is None else 100 * a for a in history.accuracy]
    ax_acc.plot(epochs, accs, color="#d62728", lw=2, label="training accuracy")
    ax_acc.axhline(100, color="grey", lw=0.8, ls=":")
    ax_acc.set_ylim(min(40.0, np.nanmin(accs) - 5 if len(accs) else 40.0), 102)
    ax_acc.set_xlabel("epoch", fontsize=11)
    ax_acc.set_ylabel("points classified right (%)", fontsize=11)
    ax_acc.set_title(f"Accuracy: {accs[-1]:.0f}% after {history.epochs} epochs", fontsize=12)
    ax_acc.grid(True, alpha=0.3)
    ax_acc.legend(fontsize=9, loc="lower right")
    fig.suptitle(
        f"Stopped after {history.epochs} epochs: {history.stop_reason}", fontsize=11, color="#444444"
    )
    fig.tight_layout()
    path = Path(path)
    _save(fig, path)
    plt.close(fig)
    return path


@dataclass(frozen=True)
class NeuronPicture:
    """One first-layer neuron on one sample, as the demo draws it: the view of its graph (gradients of
    that sample's loss), which neuron and which sample."""

    view: GraphView
    neuron: str  # its place, e.g. "L1.n3"
    sample: int  # 1-based, as the learner counts
    x: tuple[float, float]
    y: int

    def title(self) -> str:
        x1, x2 = (format_number(v) for v in self.x)
        return (f"Backprop through neuron {self.neuron} on sample {self.sample} (x1 = {x1}, x2 = {x2}, y = {self.y}): "
                f"grad is ∂loss/∂node, the loss of that one sample")


def one_neuron(model: MLP, X: np.ndarray, y: np.ndarray) -> NeuronPicture:
    """One first-layer neuron on the sample the trained network gets most wrong (largest hinge loss)
    among those where some first-layer ReLU is open, so a gradient flows: its graph, with every
    gradient ∂(that sample's loss)/∂node. Built on copies of the parameters: no ``.grad`` changes."""
    layer = model.layers[0]
    best: tuple[float, int, int] | None = None
    with no_grad():
        for i, row in enumerate(X):
            xs = [float(row[0]), float(row[1])]
            open_ = [k for k, n in enumerate(layer.neurons) if n(xs).data > 0]
            if open_:
                loss = hinge_loss([model(xs)], [int(y[i])]).data
                if best is None or loss > best[0]:
                    best = (loss, i, open_[0])
    _, i, k = best if best is not None else (0.0, 0, 0)
    x1, x2 = Value(float(X[i][0]), "x1"), Value(float(X[i][1]), "x2")
    full = GraphView(hinge_loss([model([x1, x2])], [int(y[i])]))
    place = f"L1.n{k + 1}"
    activation = next(node for node, name in full.names.items() if name == f"{place}.a")
    neuron = layer.neurons[k]
    w = [Parameter(p.data, p.label) for p in neuron.w]
    b = Parameter(neuron.b.data, neuron.b.label)
    out = dot(w, [x1, x2], b).relu()
    out.label = f"{place}.a"
    # the neuron's graph on its own, seeded with what the rest of the network sends back to its output
    view = GraphView(out, seed=full.grads[activation], of="loss")
    return NeuronPicture(view, place, i + 1, (float(X[i][0]), float(X[i][1])), int(y[i]))


def draw_neuron(picture: NeuronPicture, svg_path: Path, html_path: Path) -> None:
    """The neuron's graph as SVG and its backprop as a step-through HTML page (needs Graphviz)."""
    from autograd.viz import draw_graph, save_backprop_html

    atomic_write_bytes(svg_path, draw_graph(picture.view).pipe(format="svg"))
    save_backprop_html(picture.view, html_path, title=picture.title())


# ---- the command ----------------------------------------------------------------------------------------
#: What `gradstep demo` writes into --out (checked to be writable before training starts).
OUTPUT_FILES = ("decision_boundary.png", "loss_curve.png", "neuron_graph.svg", "neuron_backprop.html")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--epochs",
        type=int,
        default=DemoSettings.epochs,
        help=f"most passes over the data (default {DemoSettings.epochs}, with --spirals 30; it stops earlier)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=DemoSettings.samples,
        help=f"number of points (default {DemoSettings.samples}; with --spirals 3000)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DemoSettings.seed,
        help="seed for the data and the initial weights (default 0)",
    )
    parser.add_argument(
        "--lr", type=float, default=LR, help=f"learning rate (default {LR}; with --spirals Adam's 0.01)"
    )
    parser.add_argument("--out", default="out", help="folder for the pictures (default out/)")
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (the default when the output is not a terminal, e.g. a log)",
    )
    parser.add_argument(
        "--spirals",
        action="store_true",
        help="the bigger demo: 3,000 points on three spirals, MLP 2→32→32→3, trained on lanes",
    )


def _wants_progress(args: argparse.Namespace) -> bool:
    """A progress bar only where someone watches it: in a log it is hundreds of redrawn lines."""
    return not args.no_progress and sys.stderr.isatty()


def run(args: argparse.Namespace) -> int:
    settings = DemoSettings(
        samples=args.samples, seed=args.seed, epochs=args.epochs, lr=args.lr, progress=_wants_progress(args)
    )
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        check_folder_writable(out, OUTPUT_FILES)  # before training, not after it
    except OSError as err:
        print(f"gradstep demo: the output folder (--out) cannot be used: {describe_os_error(err)}", file=sys.stderr)
        return 2
    if args.spirals:
        return _run_spirals(args, out)
    print("gradstep demo: a neural network learns to tell two interleaving half-moons apart.\n")
    began = time.perf_counter()
    try:
        result = train(settings)
    except ValueError as err:
        print(f"gradstep demo: {err}", file=sys.stderr)
        return 2
    print("\nDrawing ...")
    written = [
        (
            plot_decision_boundary(result.model, result.X, result.y, out / "decision_boundary.png"),
            "the learned decision boundary over the data",
        ),
        (plot_loss_curve(result.history, out / "loss_curve.png", STOP_LOSS), "loss and accuracy per epoch"),
    ]
    picture = one_neuron(result.model, result.X, result.y)
    try:
        draw_neuron(picture, out / "neuron_graph.svg", out / "neuron_backprop.html")
    except Exception as err:  # Graphviz missing or broken: the training pictures are still worth having
        print(f"gradstep demo: could not draw the neuron pictures: {err}", file=sys.stderr)
        status = 1
    else:
        status = 0
        written += [
            (
                out / "neuron_graph.svg",
                f"neuron {picture.neuron} on sample {picture.sample}: values and ∂loss/∂node of that sample",
            ),
            (out / "neuron_backprop.html", "backprop through that neuron, step by step (open in a browser)"),
        ]
    print(f"\nWrote ({time.perf_counter() - began:.1f} s in all):")
    width = max(len(str(path)) for path, _ in written)
    for path, what in written:
        print(f"  {str(path):<{width}}  {what}")
    return status


def _run_spirals(args: argparse.Namespace, out: Path) -> int:
    from .spirals import SpiralSettings, plot_spirals, train_spirals

    defaults = SpiralSettings()
    settings = SpiralSettings(
        samples=defaults.samples if args.samples == DemoSettings.samples else args.samples,
        seed=args.seed,
        epochs=defaults.epochs if args.epochs == DemoSettings.epochs else args.epochs,
        lr=defaults.lr if args.lr == LR else args.lr,
        progress=_wants_progress(args),
    )
    print("gradstep demo --spirals: a bigger network learns three interleaved spirals, on lanes.\n")
    began = time.perf_counter()
    try:
        result = train_spirals(settings)
    except ValueError as err:
        print(f"gradstep demo: {err}", file=sys.stderr)
        return 2
    print("\nDrawing ...")
    written = [
        (plot_spirals(result, out / "spirals_boundary.png"), "the three learned class regions over the data"),
        (
            plot_loss_curve(result.history, out / "spirals_loss_curve.png",
                            epoch_text=f"{result.history.steps // result.history.epochs} mini-batch steps"),
            "loss and accuracy per epoch",
        ),
    ]
    print(f"\nWrote ({time.perf_counter() - began:.1f} s in all):")
    width = max(len(str(path)) for path, _ in written)
    for path, what in written:
        print(f"  {str(path):<{width}}  {what}")
    return 0
