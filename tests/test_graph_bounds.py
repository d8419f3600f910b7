"""Drawing stays bounded: Graphviz's work measured before it runs, big layouts capped, too big refused.

Oracles: the rank arithmetic of dot's layout worked by hand (a chain x*x*…*x puts the k-th factor's
op node 2k − 1 ranks after x), wall-clock bounds on the refusal, and the PDF bytes themselves.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from autograd import Value
from autograd.__main__ import main
from autograd.expr import parse_expression
from autograd.view import GraphView
from autograd.viz import _render, draw_graph, save_graph
from autograd.viz.layout import MAX_CELLS, GraphTooTangled, layout_cells

pytest.importorskip("graphviz")


def chain(n: int) -> Value:
    root, _ = parse_expression("*".join(["x"] * n)).build({"x": 1.0})
    return root


def test_layout_cells_of_a_chain_by_hand() -> None:
    # x; n1 = x*x; n2 = n1*x: the op of n_k sits at rank 2k − 1, so x's edge to it adds 2k − 2 virtual
    # nodes and n_(k−1)'s adds 0. Cells: 3 values + 2 op nodes + (0 + 2) virtual = 7.
    assert layout_cells([(), (0, 0), (1, 0)]) == (7, 0, 3)
    # With edge labels dot doubles every rank: spans 1 and 3 become 2 and 6, adding 1 and 5.
    assert layout_cells([(), (0, 0), (1, 0)], labelled=True) == (3 + 2 + 1 + 1 + 1 + 5, 0, 3)


def test_a_long_chain_is_refused_at_once_with_the_size_and_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.monotonic()
    code = main(["graph", "*".join(["x"] * 119), "--at", "x=1", "-o", "never.svg"])
    elapsed = time.monotonic() - start
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and elapsed < 5, elapsed
    assert "too big to draw quickly: 119 values, x used 119 times" in err
    assert f"(the limit is {MAX_CELLS:,};" in err and "--steps" in err and "Traceback" not in err


def test_a_stepper_page_is_bounded_by_all_its_frames(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["graph", "*".join(["x"] * 30), "--at", "x=1", "--backprop", str(tmp_path / "p.html")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "frames" in err and "about 20" in err
    assert not (tmp_path / "p.html").exists()


def test_a_big_layout_gets_capped_settings_and_renders(tmp_path) -> None:
    graph = draw_graph(GraphView(chain(60)))
    assert "nslimit=0.5" in graph.source and "mclimit=0.1" in graph.source
    small = draw_graph(GraphView(chain(5)))
    assert "nslimit" not in small.source  # dot lays small graphs out well without caps
    path = save_graph(graph, tmp_path / "c60.svg")
    assert path.read_text("utf-8").count("<g id=\"node") >= 60


def test_slow_rendering_says_why_and_a_stuck_one_is_stopped(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_render, "PROGRESS_AFTER", 0.0)
    _render.to_svg(draw_graph(GraphView(chain(8))))
    assert "Graphviz is laying out 8 values" in capsys.readouterr().err
    monkeypatch.setattr(_render, "DOT_TIMEOUT", 0.001)
    with pytest.raises(RuntimeError, match="did not finish laying out .* and was stopped; draw a smaller piece"):
        _render.to_svg(draw_graph(GraphView(chain(40))))


def test_a_pdf_is_byte_identical_across_runs(tmp_path, monkeypatch) -> None:
    a = Value(2.0, "a")
    out = (a * a).tanh()
    out.backward()
    first = save_graph(draw_graph(out), tmp_path / "one.pdf").read_bytes()
    time.sleep(1.1)  # the creation stamp has a resolution of one second
    second = save_graph(draw_graph(out), tmp_path / "two.pdf").read_bytes()
    assert first == second and first.startswith(b"%PDF")
    assert b"/CreationDate (D:20000101000000Z)" in first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    stamped = save_graph(draw_graph(out), tmp_path / "three.pdf").read_bytes()
    assert b"/CreationDate (D:20231114221320Z)" in stamped and len(stamped) == len(first)


def test_too_tangled_is_a_value_error() -> None:
    with pytest.raises(GraphTooTangled):
        _render.to_svg(draw_graph(GraphView(chain(119)), max_nodes=500))


# ---- labels a picture cannot show as they are --------------------------------------------------------------
@pytest.mark.parametrize("label", ["a\x00b", "bell\x07", "line\nbreak", "x" * 20_000, "\x1b[31mred"])
def test_hostile_labels_are_escaped_or_cut_in_every_picture(tmp_path, label: str) -> None:
    from autograd.viz import save_backprop_html

    a = Value(1.0, label)
    y = (a * 2.0).tanh()
    y.backward()
    svg = save_graph(draw_graph(y), tmp_path / "g.svg").read_text("utf-8")
    assert "\x00" not in svg and "\x07" not in svg and "\x1b" not in svg
    if len(label) > 100:
        assert "… (20,000 characters)" in svg and len(svg) < 20_000
    else:
        assert repr(label)[1:-1].replace("\\\\", "\\") in svg.replace("&#45;", "-")
    page = save_backprop_html(y, tmp_path / "p.html").read_text("utf-8")  # its frames render: no dot error
    assert page.count("<svg") >= 2


def test_every_way_to_a_pdf_is_reproducible(tmp_path) -> None:
    a = Value(2.0, "a")
    out = a * a
    out.backward()
    piped = draw_graph(out).pipe(format="pdf")
    rendered = draw_graph(out).render(str(tmp_path / "r"), format="pdf")
    assert b"/CreationDate (D:20000101000000Z)" in piped
    assert b"/CreationDate (D:20000101000000Z)" in Path(rendered).read_bytes()
