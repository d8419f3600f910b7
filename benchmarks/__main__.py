"""``python -m benchmarks``: measure every engine, print the table, write results.json and results.md.

python -m benchmarks            the full run (two to three minutes on 2 cores), results in results/pythonX.Y/
python -m benchmarks --quick    tiny sizes: checks that every part runs
python -m benchmarks --profile  cProfile summary of gradstep's MLP training step, nothing else
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.util
import io
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import memory, report, workloads
from .engines import Engine, load_engines
from .workloads import FLOATS, Row, Sizes

HERE = Path(__file__).resolve().parent
#: each interpreter's results go to their own folder, so `make bench-all` keeps one table per version
VERSION_FOLDER = f"python{sys.version_info[0]}.{sys.version_info[1]}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run, figures meaningless)")
    p.add_argument(
        "--out",
        type=Path,
        default=HERE / "results" / VERSION_FOLDER,
        help=f"folder for results.json and results.md (default benchmarks/results/{VERSION_FOLDER})",
    )
    p.add_argument("--no-write", action="store_true", help="print the table only")
    p.add_argument("--profile", action="store_true", help="profile gradstep's MLP step and exit")
    p.add_argument("--torch-child", type=Path, help=argparse.SUPPRESS)  # internal: see _torch_in_child
    return p


def _say(text: str) -> None:
    print(text, flush=True)


def _memory_rows(engines: list[Engine], sizes: Sizes, setup: workloads.MLPSetup) -> tuple[list[Row], dict]:
    by_key = {e.key: e for e in engines if e.available}
    ops = 2 * (sizes.memory_chain_ops // 2)
    bpn = Row("bytes_per_node", f"memory per node, chain of {ops:,} ops (tracemalloc)", "B/node", kind="bytes")
    for key, eng in by_key.items():
        if key == "torch":
            bpn.values[key] = None
            bpn.notes[key] = "not measured: tracemalloc does not see PyTorch's C++ allocations"
            continue
        bpn.values[key] = memory.bytes_per_node(eng, ops)
    bpn.values[FLOATS] = memory.bytes_per_op_floats(ops)
    bpn.notes[FLOATS] = "the floor keeps one float per y·a+b round on its tape"

    deep = Row("deepest", "deepest chain backward() survives", "ops", kind="info")
    details: dict[str, Any] = {}
    for key in ("gradstep", "micrograd"):
        if key not in by_key:
            continue
        found = memory.deepest(by_key[key], sizes.deep_chain_ops)
        details[key] = found
        if found["ok"]:
            deep.values[key] = f"{found['ops']:,} ok"
        else:
            deep.values[key] = f"{found['ops']:,}"
            deep.notes[key] = found["detail"]
    deep.values[FLOATS] = "any (a loop)"

    blocks = Row(
        "train_blocks",
        f"{sizes.memory_steps} training steps: allocated blocks first/last/max",
        "blocks",
        kind="info",
    )
    rss = Row("train_rss", f"{sizes.memory_steps} training steps: RSS first/last/max", "MiB", kind="info")
    mem: dict[str, Any] = {}
    for key, steps in (("gradstep", sizes.memory_steps), ("micrograd", sizes.memory_steps_micrograd)):
        eng = by_key.get(key)
        if eng is None:
            continue
        trainer = eng.trainer(setup.params, setup.X, setup.Y, setup.lr, setup.alpha)
        mem[key] = found = memory.training_memory(trainer, steps)
        blocks.values[key] = "/".join(_kilo(found[k]) for k in ("blocks_first", "blocks_last", "blocks_max"))
        if found["rss_first_bytes"] is not None:
            rss.values[key] = "/".join(
                f"{found[k] / 2**20:,.0f}" for k in ("rss_first_bytes", "rss_last_bytes", "rss_max_bytes")
            )
        if steps != sizes.memory_steps:
            blocks.notes[key] = rss.notes[key] = f"{steps} steps only, to keep the run short"
    blocks.notes.setdefault(
        "gradstep", "sys.getallocatedblocks() after each step, minus before the loop: Python objects still alive"
    )
    return [bpn, deep, blocks, rss], {"deepest": details, "training_memory": mem}


def _kilo(n: int) -> str:
    """A signed count in thousands, short enough for a table cell: +2.5k, +647.1k."""
    return f"{n / 1000:+,.1f}k"


def _profile(sizes: Sizes) -> int:
    setup = workloads.mlp_setup(sizes)
    gs = next(e for e in load_engines() if e.key == "gradstep")
    trainer = gs.trainer(setup.params, setup.X, setup.Y, setup.lr, setup.alpha)
    trainer.step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(20):
        trainer.step()
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
    _say(f"cProfile of 20 gradstep MLP steps ({trainer.description}), sorted by own time:")
    _say(buf.getvalue())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    if args.profile:
        return _profile(sizes)
    if not gc.isenabled():
        _say("note: the garbage collector was disabled when the benchmark started; figures reflect that")
    if args.torch_child:
        return _torch_child(sizes, args.torch_child)
    started = time.perf_counter()
    machine = report.machine_info()
    # PyTorch is timed in a child process: importing it leaves some 10⁵ extra objects that every
    # full cyclic collection must then walk, which slowed the pure-Python engines (and even the
    # plain-float floor) about 3× when all ran in one process.
    engines = load_engines(("gradstep", "micrograd"))
    torch_engine = _torch_placeholder()
    engines.append(torch_engine)
    _say(f"gradstep benchmarks — {machine['date']}, {machine['cpu']} ({machine['cores']} cores), {machine['python']}")
    for eng in engines:
        _say(f"  {eng.title:<24} {eng.version if eng.available else eng.reason}")
    available = [e for e in engines if e.available and e.key != "torch"]
    unavailable = {e.key: e.reason for e in engines if not e.available}
    if "gradstep" in unavailable:
        _say(f"error: gradstep itself could not be imported ({unavailable['gradstep']}); run `make install`")
        return 1

    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 1)
        _say(f"  ({phases[name]:.0f} s)")
        clock = now

    _say("timing the chain and the wide sum (engines interleaved) ...")
    rows = workloads.graph_rows(available, sizes)
    phase("graphs")
    _say("timing backward on a small graph, repeated and fresh (engines interleaved) ...")
    rows += workloads.small_graph_rows(available, sizes)
    rows += workloads.thread_mode_rows(available, sizes)
    phase("small graphs")
    _say("timing the MLP training step (engines interleaved) ...")
    setup = workloads.mlp_setup(sizes)
    mlp_rows, check = workloads.mlp_rows(available, sizes, setup)
    phase("mlp")
    _say("measuring memory and the deepest chain ...")
    mem_rows, mem = _memory_rows(available, sizes, setup)
    phase("memory")
    rows += mlp_rows + mem_rows
    if torch_engine.available:
        _say("timing PyTorch in a child process ...")
        _merge_torch(rows, check, torch_engine, _torch_in_child(args.quick))
        phase("torch")
    else:
        unavailable["torch"] = torch_engine.reason
    elapsed = time.perf_counter() - started

    table = report.Table(rows, unavailable)
    preface = _preface(setup, check)
    _say("")
    _say("\n".join(preface))
    _say("")
    _say(table.text())
    _say(f"\n(total {elapsed:.0f} s)")
    if not args.no_write:
        extra = {
            "machine": machine,
            "engines": {
                e.key: {"title": e.title, "available": e.available, "version": e.version, "reason": e.reason}
                for e in engines
            },
            "sizes": vars(sizes),
            "mlp": {"data": setup.data_source, "lr": setup.lr, "alpha": setup.alpha, "agreement": check},
            **mem,
            "seconds": round(elapsed, 1),
            "seconds_per_phase": phases,
            "quick": args.quick,
        }
        report.write_atomic(args.out / "results.json", report.results_json(rows, extra))
        report.write_atomic(args.out / "results.md", report.results_markdown(table, machine, preface))
        _say(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    return 0


def _torch_placeholder() -> Engine:
    """Whether PyTorch can be measured, found without importing it into this process."""
    engine = Engine()
    engine.key, engine.title = "torch", "PyTorch (0-dim tensors)"
    if importlib.util.find_spec("torch") is None:
        engine.available, engine.reason = False, "not installed"
    else:
        engine.version = "(timed in a child process)"
    return engine


def _torch_in_child(quick: bool) -> dict[str, Any]:
    """Run the graph and MLP workloads for PyTorch alone in a fresh interpreter; its figures as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "torch.json"
        command = [sys.executable, "-m", "benchmarks", "--torch-child", str(out)] + (["--quick"] if quick else [])
        done = subprocess.run(command, cwd=HERE.parent, capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
        return json.loads(out.read_text(encoding="utf-8"))


def _torch_child(sizes: Sizes, out: Path) -> int:
    engines = [e for e in load_engines(("torch",)) if e.available]
    if not engines:
        return 1
    rows = workloads.graph_rows(engines, sizes)
    mlp_rows, check = workloads.mlp_rows(engines, sizes, workloads.mlp_setup(sizes))
    figures = {
        row.key: {"value": row.values.get("torch"), "note": row.notes.get("torch")} for row in rows + mlp_rows
    }
    out.write_text(
        json.dumps({"version": engines[0].version, "rows": figures, "check": check.get("torch")}), encoding="utf-8"
    )
    return 0


def _merge_torch(rows: list[Row], check: dict[str, Any], engine: Engine, child: dict[str, Any]) -> None:
    if "error" in child:
        engine.reason = f"failed in the child process: {child['error']}"
        for row in rows:
            row.notes["torch"] = engine.reason
        return
    engine.version = f"{child['version']} (timed in a child process)"
    for row in rows:
        figure = child["rows"].get(row.key)
        if figure is not None:
            row.values["torch"] = figure["value"]
            if figure["note"]:
                row.notes["torch"] = figure["note"]
    if child.get("check"):
        check["torch"] = child["check"]
        check.setdefault("descriptions", {})["torch"] = "0-dim float64 tensors, in a child process"


def _preface(setup: workloads.MLPSetup, check: dict[str, Any]) -> list[str]:
    lines = [
        f"MLP data: {setup.data_source}; hinge loss + {setup.alpha:g}·Σp², full batch, SGD lr {setup.lr:g}; "
        "same initial weights for every engine."
    ]
    lines.append("\n".join(f"- {name}: {desc}" for name, desc in check.get("descriptions", {}).items()))
    agree = []
    for name, res in check.items():
        if isinstance(res, dict) and "max_abs_grad_diff" in res:
            agree.append(f"{name} Δloss {res['max_abs_loss_diff']:.1e}, max Δgrad {res['max_abs_grad_diff']:.1e}")
        elif isinstance(res, dict) and "error" in res:
            agree.append(f"{name}: {res['error']}")
    if agree:
        lines.append("Same loss and gradients as the plain-float floor on the first step: " + "; ".join(agree) + ".")
    return lines


if __name__ == "__main__":
    sys.exit(main())
