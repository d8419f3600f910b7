"""Make the README pictures with gradstep's own code: `.venv/bin/python docs/make_images.py`.

- docs/images/lecture_graph.png — draw_graph() of the lecture graph after backward().
- docs/images/backprop_stepper.png — a screenshot of save_backprop_html()'s page at step 4, taken in
  headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser download).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograd.examples import lecture_graph
from autograd.viz import draw_graph, save_backprop_html, save_graph

IMAGES = Path(__file__).resolve().parent / "images"
LIMIT = 150_000  # bytes per picture: the README should stay light


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
            page = browser.new_page(viewport={"width": 1100, "height": height})
            page.goto(page_path.resolve().as_uri())
            act(page)
            page.mouse.move(0, 0)  # no hover effects in the picture
            bottom = page.evaluate(f"document.querySelector({bottom_of!r}).getBoundingClientRect().bottom") + margin
            page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1100, "height": min(height, bottom)})
            browser.close()
    return path


def _press_right(page, times: int) -> None:
    for _ in range(times):
        page.keyboard.press("ArrowRight")


def make_stepper_png(path: Path, step: int = 4) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = save_backprop_html(lecture_graph().L, Path(tmp) / "steps.html")
        return _screenshot(page_path, path, 640, lambda page: _press_right(page, step - 1), ".legend", 16)


def make_quiz_png(path: Path, step: int = 7, wrong: str = "2") -> Path:
    """The quiz at b's step with the classic 'local derivative only' answer typed in."""

    def answer_wrong(page) -> None:
        _press_right(page, step - 1)
        page.fill("#quiz-input", wrong)
        page.press("#quiz-input", "Enter")
        page.evaluate("document.activeElement.blur()")  # no focus ring in the picture

    with tempfile.TemporaryDirectory() as tmp:
        page_path = save_backprop_html(lecture_graph().L, Path(tmp) / "quiz.html", quiz=True)
        return _screenshot(page_path, path, 760, answer_wrong, "#answer", 6)


def main() -> int:
    if shutil.which("dot") is None:
        sys.exit("Graphviz's dot is needed: sudo apt-get install graphviz (or make install)")
    IMAGES.mkdir(parents=True, exist_ok=True)
    made = [
        make_graph_png(IMAGES / "lecture_graph.png"),
        make_stepper_png(IMAGES / "backprop_stepper.png"),
        make_quiz_png(IMAGES / "quiz_stepper.png"),
    ]
    for path in made:
        size = path.stat().st_size
        print(f"wrote {path.relative_to(IMAGES.parent.parent)} ({size / 1000:.0f} kB)")
        if size > LIMIT:
            print(f"  warning: larger than {LIMIT // 1000} kB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
