"""Graphs for slides: grouped and collapsed networks, themes, precision, styling that applies, CLI parity.

Oracles: the MLP's own structure (2 inputs, 3 hidden neurons with 3 parameters each, 1 output neuron
with 4), its parameters' values (named_parameters), and the DOT text / rendered SVG themselves.
"""

from __future__ import annotations

import re

import pytest

from autograd import Value
from autograd.__main__ import main
from autograd.viz import draw_graph, save_graph, to_svg
from nn.module import MLP

pytest.importorskip("graphviz")


@pytest.fixture()
def loss() -> Value:
    model = MLP(2, [3, 1], rng=0)
    out = (model([Value(0.5, "x1"), Value(-1.0, "x2")]) - 1.0) ** 2
    out.label = "loss"
    out.backward()
    return out


def _labels(source: str) -> list[str]:
    return re.findall(r"<B>([^<]+)</B>", source)


def test_collapsed_neurons_are_one_box_each_with_their_parameters_counted(loss: Value) -> None:
    source = draw_graph(loss, collapse="neurons").source
    names = _labels(source)
    assert {"L1.n1", "L1.n2", "L1.n3", "L2.n1", "x1", "x2", "loss"} <= set(names)
    assert not any(".w" in n or n.endswith(".b") for n in names)  # parameters are inside the boxes
    assert source.count("3 parameters") == 3 and source.count("4 parameters") == 1
    assert "relu(Σ w·x + b)" in source
    # Each hidden neuron box gets both inputs; the output neuron gets the three hidden ones.
    edges = re.findall(r"(\w+) -> (\w+)", source)
    into = {head: {tail for tail, h in edges if h == head} for _, head in edges}
    assert all(len(into[f"g_L1_n{k}"]) == 2 for k in (1, 2, 3)) and len(into["g_L2_n1"]) == 3
    svg = to_svg(draw_graph(loss, collapse="neurons"))
    assert "L2.n1" in svg


def test_collapsed_layers_list_each_neurons_output(loss: Value) -> None:
    source = draw_graph(loss, collapse="layers").source
    assert "3 neurons: relu(Σ w·x + b), 9 parameters" in source and "1 neuron: Σ w·x + b, 4 parameters" in source
    assert set(_labels(source)) >= {"L1", "L2"} and "L1.n1" not in _labels(source)


def test_grouped_neurons_sit_in_labelled_clusters(loss: Value) -> None:
    source = draw_graph(loss, group="neurons").source
    assert "subgraph cluster_L1 {" in source and "subgraph cluster_L1_n2 {" in source
    assert 'label="layer 1"' in source and "label=\"L1.n2\"" in source
    cluster = source.split("subgraph cluster_L1_n2 {", 1)[1].split("}", 1)[0]
    assert len(re.findall(r"^\s+n\d+(op)?$", cluster, re.M)) == 3 + 2 + 2  # w1 w2 b, z + op, a + op
    to_svg(draw_graph(loss, group="layers"))


def test_parameters_in_the_models_order_within_a_neuron(loss: Value) -> None:
    source = draw_graph(loss).source
    assert "ordering=in" in source
    svg = to_svg(draw_graph(loss))
    ys = {}
    for name in ("L1.n1.w1", "L1.n1.w2", "L1.n1.b"):
        block = svg.split(f">{name}<", 1)[0].rsplit("<text", 1)[1]
        ys[name] = float(re.search(r'y="([-\d.]+)"', block).group(1))  # type: ignore[union-attr]
    assert ys["L1.n1.w1"] < ys["L1.n1.w2"] < ys["L1.n1.b"]  # top to bottom: w1, w2, b


def test_theme_precision_and_hiding_apply_everywhere(loss: Value) -> None:
    dark = draw_graph(loss, theme="dark", show_data=False, precision=2).source
    assert "bgcolor=\"#1e1e1e\"" in dark and "data " not in dark and "fontcolor=\"#f0f0f0\"" in dark
    grad = re.search(r"grad (-?[\d.e-]+)<", draw_graph(loss, precision=2).source)
    assert grad and len(grad.group(1).lstrip("-").replace(".", "").lstrip("0")) <= 2
    assert "grad " not in draw_graph(loss, show_grad=False).source
    for bad in ({"theme": "neon"}, {"precision": 0}, {"collapse": "weights"}, {"group": "x"}, {"font_size": 200}):
        with pytest.raises(ValueError):
            draw_graph(loss, **bad)


def test_attributes_set_after_drawing_apply_to_every_node(loss: Value) -> None:
    g = draw_graph(loss)
    g.attr("node", fontname="Courier")
    body = g.source
    assert body.index("fontname=Courier") < body.index("n0 [")
    assert 'font-family="Courier' in to_svg(g)


def test_cli_parity_flags(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.svg"
    code = main(["graph", "(a*b + c).tanh()", "--at", "a=2,b=-3,c=10", "-o", str(out), "--rankdir", "BT",
                 "--no-grad", "--precision", "2", "--theme", "dark"])
    assert code == 0
    svg = out.read_text("utf-8")
    svg = svg.replace("&#45;", "-")
    assert "grad " not in svg and "#1e1e1e" in svg and "data -6" in svg
    assert "data 0.9993" not in svg and "data 1<" in svg  # tanh(4) to 2 digits
    png = tmp_path / "g.png"
    assert main(["graph", "a*b", "--at", "a=2,b=3", "-o", str(png), "--dpi", "200"]) == 0
    small = tmp_path / "s.png"
    assert main(["graph", "a*b", "--at", "a=2,b=3", "-o", str(small)]) == 0
    assert png.stat().st_size > small.stat().st_size
    capsys.readouterr()
    assert main(["graph", "a*b", "--at", "a=2,b=3", "--dpi", "5000", "-o", str(png)]) == 2
    assert main(["graph", "a*b", "--at", "a=2,b=3", "--no-grad"]) == 2
    err = capsys.readouterr().err
    assert "--dpi must be from 10 to 1200" in err and "give -o FILE.svg" in err


def test_a_wide_png_is_scaled_to_a_readable_size(tmp_path) -> None:
    a = Value(1.0, "a")
    y = a
    for _ in range(80):
        y = y + 1.0
    y.backward()
    path = save_graph(draw_graph(y), tmp_path / "wide.png")
    width = int.from_bytes(path.read_bytes()[16:20], "big")  # the PNG header's width field
    assert 1000 < width <= 8000


def test_jupyter_shows_the_graph_scaled_to_the_column(loss: Value) -> None:
    bundle = draw_graph(loss)._repr_mimebundle_()
    assert 'style="max-width:100%;height:auto"' in bundle["text/html"] and "<svg" in bundle["image/svg+xml"]
