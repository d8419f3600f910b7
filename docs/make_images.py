"""Make the README pictures with gradstep's own code: `.venv/bin/python docs/make_images.py`.

- docs/images/lecture_graph.png — draw_graph() of the lecture graph after backward().
- docs/images/backprop_stepper.png — save_backprop_html()'s page for x*x + x at x = 3, step 2: the step
  that sends x its last two terms and writes ∂out/∂x = 1 + 3 + 3 = 7.
- docs/images/quiz_stepper.png — the quiz at b's step with a classic wrong answer typed in.
- docs/images/training_recorder.png — the README's recorder recipe (a 2-2-1 MLP, one sample per step).

Screenshots are taken in a 1280×800 window of headless Chromium (Debian's /usr/bin/chromium driven by
Playwright; no browser download), the size of a classroom projector.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograd import Value
from autograd.examples import lecture_graph
from autograd.viz import BackpropRecorder, draw_graph, save_backprop_html, save_graph

IMAGES = Path(__file__).resolve().parent / "images"
LIMIT = 150_000  # bytes per picture: the README should stay light
WIDTH, HEIGHT = 1280, 800  # the window every screenshot is taken in


def make_graph_png(path: Path) -> Path:
    g = lecture_graph()
    g.L.backward()
    return save_graph(draw_graph(g.L), path, dpi=80)


def _screenshot(page_path: Path, path: Path, height: int, act, bottom_of: str, margin: int) -> Path:
    """Open a page in Debian's Chromium, let ``act(page)`` click/type, save the top of it as a PNG."""
    from playwright.sync_api import sync_playwright

    chromium = next((b for b in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.access(b, os.X_OK)), None)
    if chromium is None:
        sys.exit("no Chromium at /usr/bin/chromium; install it: sudo apt-get install chromium fonts-dejavu-core")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, env=env)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(page_path.resolve().as_uri())
            act(page)
            page.mouse.move(0, 0)  # no hover effects in the picture
            bottom = page.evaluate(f"document.querySelector({bottom_of!r}).getBoundingClientRect().bottom") + margin
            page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": WIDTH, "height": min(height, bottom)})
            browser.close()
    return path


def _press_right(page, times: int) -> None:
    for _ in range(times):
        page.keyboard.press("ArrowRight")


def make_stepper_png(path: Path, step: int = 2) -> Path:
    x = Value(3.0, "x")
    with tempfile.TemporaryDirectory() as tmp:
        page_path = save_backprop_html(x * x + x, Path(tmp) / "steps.html")
        return _screenshot(page_path, path, HEIGHT, lambda page: _press_right(page, step - 1), ".legend", 16)


def make_recorder_png(path: Path, frame: int = 6) -> Path:
    """The README's recipe, run as written there, at one frame a few steps into training."""
    import nn
    from nn import MLP
    from nn.datasets import make_moons
    from optim import SGD

    X, y = make_moons(n_samples=20, noise=0.1, seed=0)
    model = MLP(2, [2, 1], rng=0)
    rec = BackpropRecorder()
    nn.fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=3, batch_size=1, callbacks=[rec],
           progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = rec.save_html(Path(tmp) / "training.html")
        return _screenshot(page_path, path, HEIGHT, lambda page: _press_right(page, frame - 1), ".legend", 8)


def make_quiz_png(path: Path, wrong: str = "2") -> Path:
    """The quiz at b's step, the earlier questions answered right, with the classic 'local derivative
    only' answer typed in for b."""
    right = ["-2", "4", "-2", "-2", "6"]  # ∂L/∂d, ∂L/∂f, ∂L/∂e, ∂L/∂c, ∂L/∂a, worked out by hand

    def answer(page) -> None:
        page.click("#next")  # step 1, the output: nothing to ask
        for value in right:
            page.fill("#quiz-input", value)
            page.press("#quiz-input", "Enter")
            page.click("#next")
        page.fill("#quiz-input", wrong)
        page.press("#quiz-input", "Enter")
        page.evaluate("document.activeElement.blur()")  # no focus ring in the picture

    with tempfile.TemporaryDirectory() as tmp:
        page_path = save_backprop_html(lecture_graph().L, Path(tmp) / "quiz.html", quiz=True)
        return _screenshot(page_path, path, HEIGHT, answer, "#answer", 6)


def main() -> int:
    if shutil.which("dot") is None:
        sys.exit("Graphviz's dot is needed: sudo apt-get install graphviz (or make install)")
    IMAGES.mkdir(parents=True, exist_ok=True)
    made = [
        make_graph_png(IMAGES / "lecture_graph.png"),
        make_stepper_png(IMAGES / "backprop_stepper.png"),
        make_quiz_png(IMAGES / "quiz_stepper.png"),
        make_recorder_png(IMAGES / "training_recorder.png"),
    ]
    for path in made:
        size = path.stat().st_size
        print(f"wrote {path.relative_to(IMAGES.parent.parent)} ({size / 1000:.0f} kB)")
        if size > LIMIT:
            print(f"  warning: larger than {LIMIT // 1000} kB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
