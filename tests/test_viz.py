"""autograd.viz: graph drawing, backprop frames, the HTML stepper, the training recorder, `gradstep graph`."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import subprocess
import sys

import graphviz
import pytest

from autograd import Value, dot, sum_of
from autograd.__main__ import main
from autograd.examples import lecture_graph
from autograd.viz import (
    BackpropRecorder,
    GraphvizNotFound,
    backprop_frames,
    draw_graph,
    save_backprop_html,
    save_graph,
    to_svg,
)

HAS_DOT = subprocess.run(["which", "dot"], capture_output=True).returncode == 0
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed (make install installs it)")


class Parameter(Value):
    """Stands in for nn.Parameter (the engine must not need nn to draw one)."""

    __slots__ = ()
    is_parameter = True


def _lecture_with_grads():
    g = lecture_graph()
    g.L.backward()
    return g


def _no_dot(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


# ---- draw_graph -------------------------------------------------------------------------------------
def test_dot_source_shows_every_label_data_and_grad():
    g = _lecture_with_grads()
    source = draw_graph(g.L).source
    expected = {  # label: (data, grad), the grads by the chain rule (see test_trace)
        "a": (2, 6), "b": (-3, -4), "c": (10, -2), "f": (-2, 4), "e": (-6, -2), "d": (4, -2), "L": (-8, 1),
    }
    for label, (data, grad) in expected.items():
        match = re.search(rf"<B>{label}</B></TD><TD>data {data}</TD><TD>grad {grad}</TD>", source)
        assert match, f"node {label} should read {label} | data {data} | grad {grad}"
    assert source.count(' -> ') == 9  # 3 op nodes: 2 inputs each + 1 output each


def test_show_grad_false_leaves_grads_out():
    source = draw_graph(_lecture_with_grads().L, show_grad=False).source
    assert "grad " not in source and "data -8" in source


def test_dot_source_is_deterministic_and_free_of_ids():
    first = draw_graph(_lecture_with_grads().L).source
    second = draw_graph(_lecture_with_grads().L).source  # a new graph with new objects
    assert first == second
    assert not re.search(r"\d{8,}", first)  # no id()-like numbers


def test_leaves_parameters_constants_and_output_are_filled_differently():
    w, x = Parameter(0.5, "w"), Value(2.0, "x")
    y = (w * x + 1.0).tanh()
    y.label = "y"
    source = draw_graph(y).source

    def fill(label: str) -> str:
        return re.search(rf'BGCOLOR="(#[0-9a-f]+)"><TR><TD><B>{label}</B>', source).group(1)

    computed = re.search(r'BGCOLOR="(#[0-9a-f]+)"><TR><TD><B>n\d', source).group(1)
    colours = [fill("w"), fill("x"), fill("k1"), fill("y"), computed]
    assert len(set(colours)) == 5, colours
    for kind in ("parameter", "input (leaf)", "constant", "output", "computed"):  # the legend names them
        assert kind in source


def test_op_nodes_show_symbol_exponent_and_weighted_sum():
    x, w1, w2 = Value(3.0, "x"), Value(0.5, "w1"), Value(-1.0, "w2")
    neuron = dot([w1, w2], [x, x**2], bias=Value(0.1, "b"))
    total = sum_of([neuron, x]).relu()
    source = draw_graph(total).source
    assert 'label="**2"' in source
    assert 'label="Σ wᵢ·xᵢ + b"' in source
    assert 'label="Σ"' in source and 'label=relu' in source
    for role in ("w1", "w2", "x1", "x2", "b"):  # which input is a weight, which an input, which the bias
        assert f">{role}</FONT>" in source


def test_large_graph_is_refused_with_advice():
    x = Value(1.0, "x")
    y = x
    for _ in range(400):
        y = y + 1.0
    with pytest.raises(ValueError) as err:
        draw_graph(y)
    message = str(err.value)
    assert "801 nodes" in message and "max_nodes=300" in message  # 400 sums + 400 constants + x
    assert "smaller piece" in message and "one neuron" in message and "max_nodes=801" in message
    assert "n800" in draw_graph(y, max_nodes=1000).source


def test_bad_rankdir_is_refused():
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(_lecture_with_grads().L, rankdir="sideways")


# ---- frames -------------------------------------------------------------------------------------------
def _unknowns(source: str) -> int:
    return source.count("grad ?")


def test_frames_step_through_backprop_and_fill_in_grads():
    g = lecture_graph()
    frames = backprop_frames(g.L)
    # One step per node that passes gradient on (L, d, e); the leaves f, c, a, b have nothing to pass.
    assert len(frames) == 3 and all(isinstance(f, graphviz.Digraph) for f in frames)
    sources = [f.source for f in frames]
    assert len(set(sources)) == 3  # every step looks different
    # A grad is known once every consumer has had its turn: after L: d, f; after d: e, c; after e: a, b.
    # Unknown grads per frame, by hand:
    assert [_unknowns(s) for s in sources] == [4, 2, 0]
    assert "?" not in sources[-1]  # edge amounts too: everything has been sent by the last step
    # The caption names the step and its chain-rule formula, and the leaves it made final.
    assert "Step 3 of 3: e = a·b = -6" in sources[2] and "∂(a·b)/∂a = b = -3" in sources[2]
    assert "-2 × (-3) = 6" in sources[2]
    assert "Final now (leaves pass nothing on): ∂L/∂f = 4" in sources[0]
    assert "Done: every gradient is known. ∂L/∂a = 6, ∂L/∂b = -4, ∂L/∂c = -2, ∂L/∂f = 4." in sources[2]
    # The active node is drawn with the highlight colour, in each frame exactly one node.
    assert all(s.count('BORDER="3" COLOR="#d62728"') == 1 for s in sources)


def test_frames_keep_one_layout():
    """Cells reserve their widest text, so only texts and colours change from frame to frame."""
    frames = [f.source for f in backprop_frames(lecture_graph().L, caption=False)]
    widths = {tuple(re.findall(r'WIDTH="(\d+)"', s)) for s in frames}
    assert len(widths) == 1


def test_frames_change_no_grad():
    g = lecture_graph()
    for i, v in enumerate(g):
        v.grad = 100.0 + i
    backprop_frames(g.L)
    assert [v.grad for v in g] == [100.0 + i for i in range(7)]


# ---- rendering ------------------------------------------------------------------------------------------
@needs_dot
def test_render_svg_and_files_with_dot(tmp_path):
    graph = draw_graph(_lecture_with_grads().L)
    svg = to_svg(graph)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "data -8" in html.unescape(svg)
    png = save_graph(graph, tmp_path / "g.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in save_graph(graph, tmp_path / "g.svg").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left
    with pytest.raises(ValueError, match="picture format"):
        save_graph(graph, tmp_path / "g.txt")


def test_without_dot_drawing_works_and_rendering_says_how_to_install(monkeypatch, tmp_path):
    _no_dot(monkeypatch, tmp_path)
    graph = draw_graph(_lecture_with_grads().L)
    assert "data -8" in graph.source  # the DOT text needs no Graphviz
    save_graph(graph, tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == graph.source
    for attempt in (lambda: to_svg(graph), lambda: graph.pipe(format="svg"),
                    lambda: graph.render(tmp_path / "out"), lambda: save_graph(graph, tmp_path / "g.png")):
        with pytest.raises(GraphvizNotFound) as err:
            attempt()
        message = str(err.value)
        assert isinstance(err.value, RuntimeError)
        assert "sudo apt-get install graphviz" in message
        assert "sudo dnf install graphviz" in message and "brew install graphviz" in message
    page = tmp_path / "steps.html"
    page.write_text("old")
    with pytest.raises(GraphvizNotFound):
        save_backprop_html(lecture_graph().L, page)
    assert page.read_text() == "old"  # a failed write leaves the old file alone


# ---- the HTML stepper ------------------------------------------------------------------------------------------
def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@needs_dot
def test_stepper_page_is_self_contained(tmp_path):
    path = save_backprop_html(lecture_graph().L, tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    assert page.count('class="frame"') == 3 and page.count("<svg") == 3
    for element in ('id="prev"', 'id="next"', 'id="slider"', 'id="explanation"', 'id="counter"'):
        assert element in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp or "default-src 'none'" in csp
    # The CSP allows exactly the page's own inline script and style, by hash.
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert _csp_hash(script) in csp and _csp_hash(style) in csp
    # Nothing is loaded from anywhere: no src/href attributes, no external URL besides XML namespaces.
    assert not re.search(r"\b(src|href)\s*=", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert ' style="' not in page  # inline style attributes would be blocked by the CSP
    assert "Step 3 of 3: e = a·b = -6" in page  # the explanations are in the page
    assert [p.name for p in tmp_path.iterdir()] == ["steps.html"]  # atomic: no temp file left


# ---- the recorder ----------------------------------------------------------------------------------------------
def _tiny_training(recorder: BackpropRecorder, steps: int, lr: float = 0.02) -> list[float]:
    """Fit y = w·x + b to one example by hand, recording each pass; returns the losses."""
    w, b = Parameter(0.5, "w"), Parameter(0.0, "b")
    losses = []
    for step in range(steps):
        pred = w * 2.0 + b
        loss = (pred - 3.0) ** 2
        loss.label = "loss"
        w.grad = b.grad = 0.0
        loss.backward()
        recorder.on_step(loss, None, step)
        w.data -= lr * w.grad
        b.data -= lr * b.grad
        losses.append(loss.data)
        recorder.on_epoch_end(step, {"loss": loss.data})
    return losses


def test_recorder_keeps_one_frame_per_pass_with_that_moments_numbers():
    rec = BackpropRecorder(max_frames=10)
    losses = _tiny_training(rec, 5)
    assert len(rec) == 5 and [p.loss for p in rec.passes] == losses
    assert [p.step for p in rec.passes] == [0, 1, 2, 3, 4] and rec.passes[1].epoch == 2
    first, second = rec.passes[0], rec.passes[1]
    w0 = next(v for v in first.nodes if v.name == "w")
    # d/dw (2w + b − 3)² = 2·(2w + b − 3)·2 at w = 0.5, b = 0: 2·(−2)·2 = −8
    assert (w0.data, w0.grad) == (0.5, -8.0)
    w1 = next(v for v in second.nodes if v.name == "w")
    assert w1.data == 0.5 + 0.02 * 8.0  # the next pass sees the updated weight
    graphs = rec.graphs()
    assert len(graphs) == 5 and len({g.source for g in graphs}) == 5
    assert "data 0.5" in graphs[0].source and "grad -8" in graphs[0].source


def test_recorder_thins_long_runs_evenly():
    rec = BackpropRecorder(max_frames=10)
    x = Value(1.0, "x")
    for _ in range(100):
        y = x * 2.0
        y.backward()
        rec.record(y)
    numbers = [p.number for p in rec.passes]
    assert 5 <= len(numbers) <= 10 and numbers[0] == 1
    gaps = {b - a for a, b in zip(numbers, numbers[1:])}
    assert len(gaps) == 1  # evenly spaced
    assert 100 - numbers[-1] < gaps.pop()  # and spanning the whole run: the last gap is cut short by its end


def test_recorder_refuses_big_graphs():
    rec = BackpropRecorder(max_nodes=20)
    y = sum_of([Value(float(i)) * Value(2.0) for i in range(10)])
    with pytest.raises(ValueError, match=r"31 nodes.*max_nodes=20.*small models"):
        rec.record(y)
    with pytest.raises(ValueError, match="nothing recorded"):
        rec.save_html("never.html")


@needs_dot
def test_recorder_writes_a_stepper(tmp_path):
    rec = BackpropRecorder()
    _tiny_training(rec, 4)
    page = rec.save_html(tmp_path / "train.html").read_text(encoding="utf-8")
    assert page.count('class="frame"') == 4 and "Pass 1 of 4" in page and 'id="slider"' in page


def test_viz_does_not_import_nn():
    code = "import sys, autograd.viz, autograd.viz.recorder; print('nn' in sys.modules, 'optim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ---- the command line ----------------------------------------------------------------------------------------
@needs_dot
def test_graph_command_prints_value_and_grads_and_writes_files(tmp_path, capsys):
    svg, page = tmp_path / "g.svg", tmp_path / "steps.html"
    code = main(["graph", "a*b + c", "--at", "a=2,b=-3,c=10", "-o", str(svg), "--backprop", str(page)])
    out = capsys.readouterr().out
    assert code == 0
    assert "value: out = 4" in out  # 2·(−3) + 10
    assert re.search(r"∂out/∂a = -3\b", out) and re.search(r"∂out/∂b = 2\b", out) and re.search(r"∂out/∂c = 1\b", out)
    assert "<svg" in svg.read_text() and page.read_text().count('class="frame"') == 2  # out, then n1 = a·b


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["graph", "a*", "--at", "a=1"], "not a valid expression"),
        (["graph", "__import__('os').system('ls')"], "not allowed"),
        (["graph", "a.log()", "--at", "a=-1"], "log"),
        (["graph", "a+b", "--at", "a=1"], "no value for b"),
        (["graph", "a+1", "--at", "a=two"], "not a number"),
        (["graph", "a+1", "--at", "a=1", "-o", "g.txt"], "picture format"),
        (["graph", "a+1", "--at", "a=1", "--backprop", "g.svg"], ".html"),
        (["graph", "a+1", "--at", "a=1", "-o", "/no/such/folder/g.svg"], "does not exist"),
    ],
)
def test_graph_command_refuses_bad_input_in_one_line(argv, fragment, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert fragment in captured.err and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and captured.err.startswith("gradstep graph: ")


def test_graph_command_without_dot_says_how_to_install(monkeypatch, tmp_path, capsys):
    _no_dot(monkeypatch, tmp_path)
    assert main(["graph", "a*b", "--at", "a=2,b=3", "-o", str(tmp_path / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and len(err.strip().splitlines()) == 1


@needs_dot
@pytest.mark.timeout(120)
def test_stepper_of_a_neuron_sized_graph_renders_in_one_go(tmp_path):
    """Dozens of frames in one `dot` run produce megabytes of SVG: reading and writing must overlap
    (graphviz's own pipe() deadlocks on this)."""
    ws = [Value(0.1 * i, f"w{i}") for i in range(1, 13)]
    xs = [Value(1.0 - 0.2 * i, f"x{i}") for i in range(1, 13)]
    total = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        total = total + w * x
    loss = (total.tanh() - 1.0) ** 2
    page = save_backprop_html(loss, tmp_path / "neuron.html").read_text(encoding="utf-8")
    assert page.count('class="frame"') == 26 and len(page) > 500_000  # 12 ·, 11 +, tanh, −, **2


# ---- inline in a notebook, and the recorder's words ------------------------------------------------------
@needs_dot
@pytest.mark.parametrize("quiz", [False, True])
def test_show_backprop_embeds_the_whole_page_at_notebook_column_size(quiz):
    from autograd.viz import BackpropPage, show_backprop

    page = show_backprop(lecture_graph().L, quiz=quiz)
    assert isinstance(page, BackpropPage) and "<svg" in page.html
    shown = page._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1)) \
        == page.html  # the page itself, escaped: it works in an HTML export without any file
    assert 'width="100%"' in shown and 380 <= page.height <= 1100
    assert 'class="compact"' in page.html  # smaller type than the full-window page


def test_notebooks_no_longer_build_iframes_by_hand():
    from pathlib import Path

    sources = Path(__file__).resolve().parent.parent / "scripts" / "notebook_sources"
    assert not [p.name for p in sources.glob("nb*.py") if "<iframe" in p.read_text(encoding="utf-8")]


def test_recorder_names_whose_loss_it_shows_and_the_epoch_mean():
    from nn import MLP, hinge_loss

    model = MLP(2, [2, 1], rng=0)
    one, batch = BackpropRecorder(), BackpropRecorder()
    loss = hinge_loss([model([0.5, -1.0])], [1])
    loss.backward()
    one.on_step(loss, model, 0)
    one.on_epoch_end(0, {"loss": 0.75})
    text = one.passes[0].lines(1, 1, one.epoch_losses[1], 1)
    assert "the loss of this one sample = " in text[0] and text[1].startswith("sample: x1 = 0.5, x2 = -1, target y = 1")
    assert "mean loss over all 1 samples after epoch 1: 0.75" in text[1]
    loss2 = hinge_loss([model([0.5, -1.0]), model([1.0, 2.0])], [1, 0])
    loss2.backward()
    batch.record(loss2)
    assert batch.passes[0].loss_name() == "the mean loss of this batch of 2 samples"
    assert batch.passes[0].sample_text() == ""
