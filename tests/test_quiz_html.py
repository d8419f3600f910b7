"""The quiz page (save_backprop_html(..., quiz=True)) as HTML: its data, its pictures, its isolation.

The page's behaviour in a real browser is tested in test_browser_quiz.py; here the generated file is
read as text: the embedded question data is exactly autograd.practice.quiz_questions, no picture shows
a gradient before the step that asks for it, and the page is one file that can fetch nothing.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import shutil
from fractions import Fraction

import pytest

from autograd import Value, backprop_order
from autograd.__main__ import main
from autograd.examples import lecture_graph
from autograd.practice import quiz_questions
from autograd.viz import save_backprop_html

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed (make install installs it)")
pytestmark = needs_dot


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page, re.S)
    assert block is not None, "the quiz page embeds its questions as a JSON data block"
    return json.loads(block.group(1))


def _frames(page: str) -> list[str]:
    stage = page[page.index('<div id="stage">'):page.index('<section id="explanation"')]
    return re.split(r'<div class="frame" data-step="\d+"[^>]*>', stage)[1:]


def _svg_text(svg: str) -> str:
    """The words drawn in an SVG, in document order, one text element per line."""
    return "\n".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    g = lecture_graph()
    path = tmp_path_factory.mktemp("quiz") / "quiz.html"
    save_backprop_html(g.L, path, quiz=True)
    return g, path, path.read_text(encoding="utf-8")


def test_embedded_questions_are_exactly_the_practice_data(lecture):
    g, _, page = lecture
    data = _data(page)
    assert data["questions"] == [q.to_dict() for q in quiz_questions(g.L)]
    # Backprop order, output (its gradient is the seed 1) not asked: steps L d f e c a b.
    assert data["step_questions"] == [None, 0, 1, 2, 3, 4, 5]
    # The right answers, derived by hand: L = d·f, d = e + c, e = a·b.
    a, b, c, f = 2.0, -3.0, 10.0, -2.0
    d = a * b + c
    by_hand = {"d": f, "f": d, "e": f, "c": f, "a": f * b, "b": f * a}
    assert {q["label"]: q["expected"] for q in data["questions"]} == by_hand
    b_question = data["questions"][5]
    assert b_question["prompt"] == "∂L/∂b = ?"
    assert {c["value"]: c["mistake"] for c in b_question["candidates"]}[2.0] == "local-only"
    assert set(data["mistake_titles"]) >= {cand["mistake"] for q in data["questions"] for cand in q["candidates"]}


def test_one_self_contained_file_with_a_strict_csp(lecture):
    _, path, page = lecture
    csp = html.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert csp.startswith("default-src 'none';") and "form-action 'none'" in csp and "'unsafe-inline'" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(scripts) == 2 and len(styles) == 2  # the stepper's and the quiz's own
    allowed = set(re.findall(r"'(sha256-[^']+)'", csp))
    assert allowed == {_hash(s) for s in scripts + styles}  # each pinned by hash, nothing else allowed
    # Every <script> is one of those, or the JSON data block (which a browser never runs).
    assert page.count("<script") == 3 and page.count("</script>") == 3
    assert not re.search(r"\b(src|href)\s*=", page) and "<link" not in page
    assert ' style="' not in page and not re.search(r"\son[a-z]+\s*=", page)  # no inline style or handlers
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    for element in ("quiz-input", "quiz-check", "quiz-feedback", "quiz-reveal", "quiz-hint", "quiz-score"):
        assert f'id="{element}"' in page
    assert [p.name for p in path.parent.iterdir()] == ["quiz.html"]  # atomic: no temp file left


def test_no_picture_shows_a_gradient_before_its_question_is_answered(lecture):
    _, _, page = lecture
    frames = _frames(page)
    assert len(frames) == 7 and page.count("<svg") == 13  # the output's step has no question picture
    order = ["L", "d", "f", "e", "c", "a", "b"]
    grads = {"L": "1", "d": "-2", "f": "4", "e": "-2", "c": "-2", "a": "6", "b": "-4"}
    for k, frame in enumerate(frames):
        pictures = re.findall(r'<div class="pic" data-phase="(\w+)"[^>]*>(.*?)</svg></div>', frame, re.S)
        phases = {phase: _svg_text(svg) for phase, svg in pictures} or {"answer": _svg_text(frame)}
        assert set(phases) == ({"answer"} if k == 0 else {"question", "answer"})
        for phase, text in phases.items():
            known = set(order[:k + (phase == "answer")])
            # Each node's cell reads "name / data … / grad …": pick the grad text after the name.
            for name in order:
                cell = re.search(rf"^{name}\ndata [^\n]+\ngrad ([^\n]+)$", text, re.M)
                assert cell is not None, f"node {name} not found in step {k + 1} {phase} picture"
                assert cell.group(1) == (grads[name] if name in known else "?"), (k + 1, phase, name)
    # Amounts on edges count as part of the receiver's gradient: b's question picture has "?" on the
    # edge into b, its answer picture the -4 that backprop sends along it.
    question_b, answer_b = (_svg_text(svg) for _, svg in
                            re.findall(r'data-phase="(\w+)"[^>]*>(.*?)</svg>', frames[6], re.S))
    assert "-4" not in question_b.split("\n") and "-4" in answer_b.split("\n")


def test_texts_hide_the_answer_until_it_is_given(lecture):
    _, _, page = lecture
    texts = page[page.index('<div id="texts" hidden>'):]
    step_b = re.search(r'<div data-step="7">(.*?)</div>', texts, re.S).group(1)
    before = " ".join(html.unescape(p) for p in re.findall(r'<p class="[^"]*q-only"[^>]*>(.*?)</p>', step_b))
    after = " ".join(html.unescape(p) for p in re.findall(r'<p class="[^"]*a-only"[^>]*>(.*?)</p>', step_b))
    assert "∂L/∂b = ?" in before and "-4" not in before
    assert "∂L/∂b = -4" in after
    # The step of e names the local derivatives but not the amounts a and b will receive (later answers).
    step_e = html.unescape(re.search(r'<div data-step="4">(.*?)</div>', texts, re.S).group(1))
    assert "∂(a·b)/∂b = a = 2" in step_e and "your turn at step 7" in step_e and "+= -2 × 2" not in step_e


def test_plain_stepper_has_no_quiz(tmp_path):
    page = save_backprop_html(lecture_graph().L, tmp_path / "steps.html").read_text(encoding="utf-8")
    assert "quiz-input" not in page and "page-data" not in page and '<section id="answer" hidden>' in page


def test_unlabeled_nodes_get_names_that_prompts_and_pictures_share(tmp_path):
    x, w = Value(3.0, "x"), Value(-2.0, "w")
    out = (x * w + x).tanh()
    nodes = backprop_order(out, include_leaves=True)
    labels = [node.label for node in nodes]
    page = save_backprop_html(out, tmp_path / "q.html", quiz=True).read_text(encoding="utf-8")
    prompts = [q["prompt"] for q in _data(page)["questions"]]
    assert [node.label for node in nodes] == labels  # the names are shown, never set on the graph
    assert out.label == "" and prompts[0] == "∂out/∂n2 = ?" and "∂out/∂x = ?" in prompts
    assert ">n2</text>" in page and ">n1</text>" in page


def test_label_with_markup_stays_data(tmp_path):
    a, b = Value(2.0, "</script><b>"), Value(-3.0, "b")
    out = a * b
    out.label = "L"
    page = save_backprop_html(out, tmp_path / "q.html", quiz=True).read_text(encoding="utf-8")
    assert page.count("</script>") == 3 and "<b>" not in page
    assert _data(page)["questions"][0]["label"] == "</script><b>"


@pytest.mark.parametrize(
    "build, fragment",
    [
        (lambda: Value(2.0, "a") * 3.0 + 1.0, None),  # fine: a is asked, the constants are not
        (lambda: Value(2.0) * Value(3.0), "nothing to quiz on"),  # only constants
        (lambda: Value(0.0, "x").sqrt(), "not a number a learner can type"),  # d√x/dx = inf at 0
    ],
)
def test_graphs_that_cannot_be_quizzed_are_refused_and_leave_the_file_alone(tmp_path, build, fragment):
    path = tmp_path / "q.html"
    path.write_text("old")
    if fragment is None:
        save_backprop_html(build(), path, quiz=True)
        assert "quiz-input" in path.read_text(encoding="utf-8")
        return
    with pytest.raises(ValueError, match=fragment):
        save_backprop_html(build(), path, quiz=True)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["q.html"]


def test_graph_command_writes_the_quiz_with_quiz_flag(tmp_path, capsys):
    page = tmp_path / "quiz.html"
    code = main(["graph", "(a*b + c)*f", "--at", "a=2,b=-3,c=10,f=-2", "--backprop", str(page), "--quiz"])
    assert code == 0 and "type each gradient" in capsys.readouterr().out
    data = _data(page.read_text(encoding="utf-8"))
    assert [q["prompt"] for q in data["questions"]][-1] == "∂out/∂b = ?" and data["questions"][-1]["expected"] == -4.0

    assert main(["graph", "a*b", "--at", "a=2,b=3", "--quiz"]) == 2
    err = capsys.readouterr().err
    assert "--backprop" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ---- tolerance as shown, and names shown without being set ---------------------------------------------
def _tanh_graph():
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(6.5, "c")
    return (a * b + c).tanh()


def test_quiz_tolerance_matches_the_4_digits_its_pictures_show(tmp_path):
    page = save_backprop_html(_tanh_graph(), tmp_path / "q.html", quiz=True).read_text(encoding="utf-8")
    questions = _data(page)["questions"]
    assert {(q["rtol"], q["atol"]) for q in questions} == {(1e-3, 5e-5)}
    assert '"rtol":1e-06' not in page
    # by hand, ∂L/∂c = 1 − tanh²(0.5): the value the picture shows (4 significant digits) is accepted
    slope = 1 - math.tanh(0.5) ** 2
    shown = float(f"{slope:.4g}")
    (q,) = [q for q in questions if q["label"] == "c"]
    assert math.isclose(shown, q["expected"], rel_tol=q["rtol"], abs_tol=q["atol"])
    assert "4 significant digits" in q["precision"]
    exact = _data(save_backprop_html(lecture_graph().L, tmp_path / "l.html", quiz=True).read_text("utf-8"))
    assert {(q["rtol"], q["atol"]) for q in exact["questions"]} == {(1e-6, 1e-9)}  # hand-computable


def test_quiz_takes_rtol_and_atol_and_the_plain_stepper_refuses_them(tmp_path):
    path = save_backprop_html(_tanh_graph(), tmp_path / "q.html", quiz=True, rtol=1e-5, atol=1e-8)
    assert {(q["rtol"], q["atol"]) for q in _data(path.read_text("utf-8"))["questions"]} == {(1e-5, 1e-8)}
    with pytest.raises(ValueError, match="quiz=True"):
        save_backprop_html(_tanh_graph(), tmp_path / "p.html", rtol=1e-3)


def test_quiz_mode_leaves_every_label_as_it_was(tmp_path):
    a, b, c = Value(2.0), Value(-3.0), Value(6.5, "c")
    out = (a * b + c) * 2.0
    nodes = backprop_order(out, include_leaves=True)
    before = [n.label for n in nodes]
    page = save_backprop_html(out, tmp_path / "q.html", quiz=True).read_text(encoding="utf-8")
    assert [n.label for n in nodes] == before
    svg = _svg_text(_frames(page)[-1])
    for name in ("out", "n1", "n2", "k1", "k2", "k3", "c"):  # the pictures use the questions' names
        assert name in svg.splitlines(), name
    prompts = [q["prompt"] for q in _data(page)["questions"]]
    assert prompts == ["∂out/∂n2 = ?", "∂out/∂n1 = ?", "∂out/∂c = ?"]


def test_graph_command_passes_rtol_to_the_quiz(tmp_path, capsys):
    page = tmp_path / "quiz.html"
    code = main(["graph", "(a*b + c).tanh()", "--at", "a=2,b=-3,c=6.5", "--backprop", str(page), "--quiz",
                 "--rtol", "1e-6"])
    assert code == 0
    assert {q["rtol"] for q in _data(page.read_text(encoding="utf-8"))["questions"]} == {1e-6}
    capsys.readouterr()
    assert main(["graph", "a*b", "--at", "a=2,b=3", "--rtol", "1e-3"]) == 2
    assert "--quiz" in capsys.readouterr().err


def test_the_page_knows_which_answers_each_gradient_needs(tmp_path):
    # out = n·b, n = a·2: the constant 2 (k1) gets its gradient from ∂out/∂n, so it needs that answer
    a, b = Value(3.0, "a"), Value(-2.0, "b")
    n = a * 2
    n.label = "n"
    out = n * b
    out.label = "out"
    data = _data(save_backprop_html(out, tmp_path / "q.html", quiz=True).read_text(encoding="utf-8"))
    asked = [q["label"] for q in data["questions"]]
    from autograd.view import GraphView

    names = [GraphView(out).names[node] for node in GraphView(out).forward]  # the pictures' n0, n1, …
    needs = {name: [asked[q] for q in data["node_needs"][i]] for i, name in enumerate(names)}
    assert needs == {"a": ["a"], "k1": ["n"], "n": ["n"], "b": ["b"], "out": []}
    # the step of k1 needs n; the question for a needs what a's consumer n needs
    steps = {asked[q] if q is not None else None: k for k, q in enumerate(data["step_questions"])}
    assert [asked[q] for q in data["step_needs"][steps["a"]]] == ["n"]
    assert data["max_tries"] == 3
    examples = data["examples"].replace(" or ", ", ").split(", ")
    assert not any(math.isclose(float(Fraction(x)), q["expected"]) for x in examples
                   for q in data["questions"])  # no typing example is an answer
