"""Write the README's "Graphs for slides" pictures to docs/images/ (run from the repository root).

    python scripts/slides_pictures.py

The same code as the README section: a 2-3-1 MLP's loss at one sample, drawn plain, with its neurons
collapsed, and in the dark theme without data.
"""

from __future__ import annotations

from pathlib import Path

from autograd import Value
from autograd.viz import draw_graph, save_graph
from nn.module import MLP

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> None:
    model = MLP(2, [3, 1], rng=0)
    loss = (model([Value(0.5, "x1"), Value(-1.0, "x2")]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    save_graph(draw_graph(loss, collapse="neurons", precision=3), IMAGES / "slides_neurons.png", dpi=110)
    save_graph(draw_graph(loss, group="neurons"), IMAGES / "slides_grouped.png", dpi=80)
    save_graph(draw_graph(loss, collapse="layers", theme="dark", show_data=False), IMAGES / "slides_dark_layers.png",
               dpi=110)
    for name in ("slides_neurons", "slides_grouped", "slides_dark_layers"):
        print(f"wrote docs/images/{name}.png")


if __name__ == "__main__":
    main()
